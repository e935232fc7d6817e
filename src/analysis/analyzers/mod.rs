//! Every analyzer, one per file, grouped as Istio groups them, registered in [`all`].

use super::analyzer::Analyzer;

pub mod annotations;
pub mod application_uid;
pub mod auth;
pub mod authn;
pub mod conditions;
pub mod deployment;
pub mod deprecation;
pub mod destinationrule;
pub mod envoyfilter;
pub mod externalcontrolplane;
pub mod gateway;
pub mod injection;
pub mod k8sgateway;
pub mod meshnetworks;
pub mod schema;
pub mod service;
pub mod serviceentry;
pub mod sidecar;
pub mod telemetry;
/// Helpers shared by several analyzers.
pub mod util;
pub mod virtualservice;
pub mod webhook;

/// All analyzers, in the order `-L` lists them.
pub fn all() -> Vec<Box<dyn Analyzer>> {
    let mut all: Vec<Box<dyn Analyzer>> = vec![
        Box::new(annotations::k8s::K8sAnalyzer),
        Box::new(application_uid::analyzer::ApplicationUidAnalyzer),
        Box::new(auth::authorization_policies::AuthorizationPoliciesAnalyzer),
        Box::new(authn::blocked_cidrs::BlockedCIDRsAnalyzer),
        Box::new(conditions::condition::ConditionAnalyzer),
        Box::new(deployment::multi_service::MultiServiceAnalyzer),
        Box::new(deprecation::fields::DeprecationAnalyzer),
        Box::new(destinationrule::ca_certificate::CaCertificateAnalyzer),
        Box::new(destinationrule::subset_select_pod::SubsetSelectPodAnalyzer),
        Box::new(envoyfilter::patch::EnvoyPatchAnalyzer),
        Box::new(externalcontrolplane::webhooks::ExternalControlPlaneAnalyzer),
        Box::new(gateway::certificate::CertificateAnalyzer),
        Box::new(gateway::conflicting::ConflictingGatewayAnalyzer),
        Box::new(gateway::ingress_port::IngressGatewayPortAnalyzer),
        Box::new(gateway::secret::SecretAnalyzer),
        Box::new(injection::analyzer::InjectionAnalyzer),
        Box::new(injection::image::ImageAnalyzer),
        Box::new(injection::image_auto::ImageAutoAnalyzer),
        Box::new(k8sgateway::crd_version::CrdVersionAnalyzer),
        Box::new(k8sgateway::selector::SelectorAnalyzer),
        Box::new(meshnetworks::mesh_networks::MeshNetworksAnalyzer),
        Box::new(service::port_name::PortNameAnalyzer),
        Box::new(serviceentry::protocol_addresses::ProtocolAddressesAnalyzer),
        Box::new(sidecar::selector::SelectorAnalyzer),
        Box::new(telemetry::default_selector::DefaultSelectorAnalyzer),
        Box::new(telemetry::lightstep::LightstepAnalyzer),
        Box::new(telemetry::provider::ProviderAnalyzer),
        Box::new(telemetry::selector::SelectorAnalyzer),
        Box::new(
            virtualservice::conflicting_mesh_gateway_hosts::ConflictingMeshGatewayHostsAnalyzer,
        ),
        Box::new(virtualservice::destination_hosts::DestinationHostAnalyzer),
        Box::new(virtualservice::destination_rules::DestinationRuleAnalyzer),
        Box::new(virtualservice::gateways::GatewayAnalyzer),
        Box::new(virtualservice::jwt_claim_route::JWTClaimRouteAnalyzer),
        Box::new(webhook::analyzer::WebhookAnalyzer),
    ];
    all.extend(schema::validation::ValidationAnalyzer::all());
    all
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
