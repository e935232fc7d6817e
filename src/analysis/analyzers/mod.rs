//! Every analyzer, one per file, grouped as Istio groups them, registered in [`all`].

use super::analyzer::Analyzer;

pub mod annotations;
pub mod application_uid;
pub mod deployment;
pub mod gateway;
pub mod injection;
pub mod k8sgateway;
pub mod service;
pub mod util;
pub mod webhook;

/// All analyzers, in the order `-L` lists them.
pub fn all() -> Vec<Box<dyn Analyzer>> {
    vec![
        Box::new(annotations::k8s::K8sAnalyzer),
        Box::new(application_uid::analyzer::ApplicationUidAnalyzer),
        Box::new(deployment::multi_service::MultiServiceAnalyzer),
        Box::new(gateway::certificate::CertificateAnalyzer),
        Box::new(gateway::conflicting::ConflictingGatewayAnalyzer),
        Box::new(gateway::ingress_port::IngressGatewayPortAnalyzer),
        Box::new(gateway::secret::SecretAnalyzer),
        Box::new(injection::analyzer::InjectionAnalyzer),
        Box::new(injection::image::ImageAnalyzer),
        Box::new(injection::image_auto::ImageAutoAnalyzer),
        Box::new(k8sgateway::crd_version::CrdVersionAnalyzer),
        Box::new(k8sgateway::selector::SelectorAnalyzer),
        Box::new(service::port_name::PortNameAnalyzer),
        Box::new(webhook::analyzer::WebhookAnalyzer),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_described() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for a in &all {
            assert!(
                !a.description().is_empty(),
                "{} has no description",
                a.name()
            );
            assert!(!a.inputs().is_empty(), "{} declares no inputs", a.name());
        }
    }
}
