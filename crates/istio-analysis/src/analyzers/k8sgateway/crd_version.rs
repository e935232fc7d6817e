//! `k8sgateway.CRDVersionAnalyzer`: Gateway API CRDs installed from a bundle older than the
//! one this Istio version needs for that kind; Istio does not process such resources.

use crate::analyzer::Context;
use crate::catalog::codes::IST0176;
use crate::kinds::CRD;
use crate::message::Message;

/// Annotation on Gateway API CRDs naming the bundle version they come from.
const BUNDLE_VERSION: &str = "gateway.networking.k8s.io/bundle-version";

/// The oldest Gateway API bundle providing the API version Istio reads, per CRD.
const MINIMUM: &[(&str, &str)] = &[
    ("backendtlspolicies.gateway.networking.k8s.io", "v1.4.0"),
    ("gatewayclasses.gateway.networking.k8s.io", "v1.0.0"),
    ("gateways.gateway.networking.k8s.io", "v1.0.0"),
    ("grpcroutes.gateway.networking.k8s.io", "v1.1.0"),
    ("httproutes.gateway.networking.k8s.io", "v1.0.0"),
    ("referencegrants.gateway.networking.k8s.io", "v0.6.0"),
    ("tlsroutes.gateway.networking.k8s.io", "v1.5.0"),
];

/// `(major, minor, patch, is_release)` of `v1.2.3[-rc.1]`; a pre-release sorts before its
/// release.
fn version(text: &str) -> Option<(u64, u64, u64, bool)> {
    let text = text.trim().trim_start_matches('v');
    let (core, pre) = match text.split_once('-') {
        Some((c, _)) => (c, true),
        None => (text, false),
    };
    let mut parts = core.split('.').map(|p| p.parse::<u64>());
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    let patch = parts.next().unwrap_or(Ok(0)).ok()?;
    Some((major, minor, patch, !pre))
}

crate::analyzer! {
    /// Checks that installed Gateway API CRDs are recent enough for this Istio version.
    name: "k8sgateway.CRDVersionAnalyzer",
    inputs: [CRD],
    codes: [IST0176],
    run: analyze,
}

/// The minimum bundle version Istio needs for the Gateway API CRD `crd`, when the CRD's
/// `installed` bundle version is older than it (`x precheck` asks this of the cluster's CRDs).
pub fn below_minimum(crd: &str, installed: &str) -> Option<&'static str> {
    let &(_, minimum) = MINIMUM.iter().find(|(name, _)| *name == crd)?;
    let (have, need) = (version(installed)?, version(minimum)?);
    (have < need).then_some(minimum)
}

fn analyze(ctx: &mut Context<'_>) {
    for (id, crd) in ctx.store.of_kind(CRD) {
        let Some(installed) = crd.annotation(BUNDLE_VERSION) else {
            continue;
        };
        let Some(minimum) = below_minimum(&crd.name, installed) else {
            continue;
        };
        ctx.report(
            Message::new(
                IST0176,
                id,
                vec![
                    crd.name.to_string(),
                    installed.to_owned(),
                    minimum.to_owned(),
                ],
            )
            .at(format!("metadata.annotations[\"{BUNDLE_VERSION}\"]")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_old_bundles() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["k8sgateway/crds.yaml"]));
    }

    #[test]
    fn versions_order() {
        assert!(version("v1.5.0-rc.1") < version("v1.5.0"));
        assert!(version("v1.4.1") < version("v1.5.0"));
        assert!(version("v1.10.0") > version("v1.9.9"));
        assert_eq!(version("bogus"), None);
        assert_eq!(
            below_minimum("tlsroutes.gateway.networking.k8s.io", "v1.4.1"),
            Some("v1.5.0")
        );
        assert_eq!(
            below_minimum("gateways.gateway.networking.k8s.io", "v1.4.1"),
            None
        );
    }
}
