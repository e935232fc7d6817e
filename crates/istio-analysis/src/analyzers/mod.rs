//! Every built-in analyzer, one per file, grouped as Istio groups them; each registers itself
//! beside its code ([`crate::analyzer!`]), and [`crate::analyzer::builtins`] lists them.

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
pub mod multicluster;
pub mod schema;
pub mod service;
pub mod serviceentry;
pub mod sidecar;
pub mod telemetry;
/// Helpers shared by several analyzers.
pub mod util;
pub mod virtualservice;
pub mod webhook;

#[cfg(test)]
mod tests {
    use crate::analyzer::{builtins, Analyzer};

    #[test]
    fn names_are_unique_and_described() {
        let all = builtins();
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
            assert!(!a.codes().is_empty(), "{} declares no codes", a.name());
        }
    }
}
