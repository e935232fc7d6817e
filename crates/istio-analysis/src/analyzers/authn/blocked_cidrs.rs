//! `authn.BlockedCIDRsAnalyzer`: istiod fetches the JWKS of every RequestAuthentication from
//! the URI it is given (or that the issuer's discovery document gives); unless
//! `BLOCKED_CIDRS_IN_JWKS_URIS` is set on istiod, such a URI may point it at any internal
//! address. Reported on each istiod Deployment without the setting while RequestAuthentications
//! that fetch keys exist.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0175;
use crate::kinds::{DEPLOYMENT, REQUEST_AUTHENTICATION};
use crate::message::Message;
use crate::resource::Resource;

/// istiod's environment variable listing the CIDRs JWKS URIs may not resolve to.
const BLOCKED_CIDRS: &str = "BLOCKED_CIDRS_IN_JWKS_URIS";
/// Name of istiod's container.
const DISCOVERY: &str = "discovery";

/// True when a Deployment runs istiod: labelled `app: istiod`.
fn is_istiod(deployment: &Resource) -> bool {
    deployment.label("app") == Some("istiod")
}

/// True when a RequestAuthentication has a JWT rule whose keys istiod fetches (no inline `jwks`).
fn fetches_keys(ra: &Resource) -> bool {
    ra.spec()
        .get("jwtRules")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .any(|rule| {
            rule.get("jwks")
                .and_then(Node::as_str)
                .is_none_or(str::is_empty)
        })
}

/// The index of istiod's container and whether it sets the variable (to a value, or from a
/// ConfigMap or Secret).
fn discovery_container(deployment: &Resource) -> Option<(usize, bool)> {
    let containers = deployment
        .spec()
        .pointer("/template/spec/containers")
        .and_then(Node::as_array)?;
    let i = containers
        .iter()
        .position(|c| c.get("name").and_then(Node::as_str) == Some(DISCOVERY))
        .or_else(|| (containers.len() == 1).then_some(0))?;
    let set = containers
        .get(i)?
        .get("env")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .any(|e| {
            e.get("name").and_then(Node::as_str) == Some(BLOCKED_CIDRS)
                && (e
                    .get("value")
                    .and_then(Node::as_str)
                    .is_some_and(|v| !v.trim().is_empty())
                    || e.get("valueFrom").is_some_and(|v| !v.is_null()))
        });
    Some((i, set))
}

crate::analyzer! {
    /// Checks that istiod restricts the addresses JWKS URIs may point to when
    /// RequestAuthentications exist.
    name: "authn.BlockedCIDRsAnalyzer",
    inputs: [DEPLOYMENT, REQUEST_AUTHENTICATION],
    codes: [IST0175],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut fetching: Vec<String> = store
        .of_kind(REQUEST_AUTHENTICATION)
        .filter(|(_, ra)| fetches_keys(ra))
        .map(|(_, ra)| ra.full_name())
        .collect();
    if fetching.is_empty() {
        return;
    }
    fetching.sort_unstable();
    let count = fetching.len().to_string();
    let names = fetching.join(", ");
    for (id, deployment) in store.of_kind(DEPLOYMENT) {
        if !is_istiod(deployment) {
            continue;
        }
        let Some((i, set)) = discovery_container(deployment) else {
            continue;
        };
        if !set {
            ctx.report(
                Message::new(IST0175, id, vec![count.clone(), names.clone()])
                    .at(format!("spec.template.spec.containers[{i}]")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_istiod_without_blocked_cidrs() {
        let found = analyze(
            &ANALYZER,
            &["authn/istiod.yaml", "authn/request-authentications.yaml"],
        );
        insta::assert_snapshot!(found);
    }

    #[test]
    fn silent_without_request_authentications() {
        let found = analyze(&ANALYZER, &["authn/istiod.yaml"]);
        assert!(found.is_empty());
    }
}
