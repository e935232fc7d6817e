//! `virtualservice.JWTClaimRouteAnalyzer`: routing on JWT claims (`@request.auth.claims.*`
//! headers) at a gateway only works when a RequestAuthentication applies to the gateway's pods.

use istio_core::tree::{Map, Node};

use super::gateways::{gateway_ref, selector};
use crate::analyzer::Context;
use crate::analyzers::util::hosts::{items, strings, MESH_GATEWAY};
use crate::catalog::codes::IST0149;
use crate::kinds::{GATEWAY, K8S_GATEWAY, POD, REQUEST_AUTHENTICATION, VIRTUAL_SERVICE};
use crate::message::Message;
use crate::store::Store;

/// Header-name prefix that routes on a JWT claim.
const CLAIM_PREFIX: &str = "@request.auth.claims";

crate::analyzer! {
    /// Checks that routing on JWT claims has a RequestAuthentication for the gateway's pods.
    name: "virtualservice.JWTClaimRouteAnalyzer",
    inputs: [VIRTUAL_SERVICE, GATEWAY, K8S_GATEWAY, POD, REQUEST_AUTHENTICATION],
    codes: [IST0149],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let root = ctx.mesh.root_namespace().to_owned();
    for (id, vs) in store.of_kind(VIRTUAL_SERVICE) {
        let Some((key, field)) = claim_key(vs.spec()) else {
            continue;
        };
        for reference in strings(vs.spec().get("gateways")) {
            if reference == MESH_GATEWAY {
                continue;
            }
            let (ns, name) = gateway_ref(&vs.namespace, reference);
            let Some((_, gateway)) = store.find(GATEWAY, ns, name) else {
                if store.contains(K8S_GATEWAY, ns, name) {
                    check_k8s_gateway(ctx, id, (key, &field), ns, name);
                }
                continue;
            };
            let Some(sel) = selector(gateway) else {
                continue;
            };
            let gateway_name = format!("{ns}/{name}");
            let mut pods = 0;
            for pod_ns in store.namespaces_of(POD) {
                for (_, pod) in store.select(POD, pod_ns, sel) {
                    pods += 1;
                    if !authenticated(store, &root, pod_ns, pod.labels()) {
                        let args = vec![key.to_owned(), gateway_name.clone(), pod.full_name()];
                        ctx.report(Message::new(IST0149, id, args).at(field.clone()));
                    }
                }
            }
            // Without the gateway's pods at hand, judge by the labels its selector requires.
            if pods == 0 && !authenticated(store, &root, ns, sel) {
                let labels: Vec<String> = sel
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                let pod = format!("with labels {}", labels.join(","));
                let args = vec![key.to_owned(), gateway_name, pod];
                ctx.report(Message::new(IST0149, id, args).at(field.clone()));
            }
        }
    }
}

/// Label Istio puts on the pods it deploys for a Gateway API Gateway, naming it.
const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// Claim routing through a Gateway API Gateway `ns/name`: its pods (labelled with its name)
/// need a RequestAuthentication, by selector or attached to the Gateway by `targetRef(s)`.
fn check_k8s_gateway(
    ctx: &mut Context<'_>,
    id: crate::resource::ResourceId,
    (key, field): (&str, &str),
    ns: &str,
    name: &str,
) {
    let store = ctx.store;
    let root = ctx.mesh.root_namespace().to_owned();
    if attached_to_gateway(store, ns, name) {
        return;
    }
    let gateway_name = format!("{ns}/{name}");
    let pods: Vec<_> = store
        .in_namespace(POD, ns)
        .filter(|(_, p)| p.label(GATEWAY_NAME_LABEL) == Some(name))
        .collect();
    for (_, pod) in &pods {
        if !authenticated(store, &root, ns, pod.labels()) {
            let args = vec![key.to_owned(), gateway_name.clone(), pod.full_name()];
            ctx.report(Message::new(IST0149, id, args).at(field));
        }
    }
    if pods.is_empty() {
        let pod = format!("with labels {GATEWAY_NAME_LABEL}={name}");
        ctx.report(Message::new(IST0149, id, vec![key.to_owned(), gateway_name, pod]).at(field));
    }
}

/// True when a RequestAuthentication of `ns` is attached to the Gateway API Gateway `name` by
/// `targetRef` or `targetRefs`.
fn attached_to_gateway(store: &Store, ns: &str, name: &str) -> bool {
    store
        .in_namespace(REQUEST_AUTHENTICATION, ns)
        .any(|(_, ra)| {
            let spec = ra.spec();
            let refs = spec
                .get("targetRef")
                .into_iter()
                .chain(items(spec.get("targetRefs")));
            refs.into_iter().any(|r| {
                let text = |k: &str| r.get(k).and_then(Node::as_str).unwrap_or("");
                text("kind") == "Gateway"
                    && text("group") == "gateway.networking.k8s.io"
                    && text("name") == name
            })
        })
}

/// The first header (or withoutHeaders) key of an HTTP match that routes on a JWT claim, with
/// the path of that match.
fn claim_key(spec: Node<'_>) -> Option<(&str, String)> {
    for (i, rule) in items(spec.get("http")).enumerate() {
        for (j, m) in items(rule.get("match")).enumerate() {
            for field in ["headers", "withoutHeaders"] {
                let keys = m.get(field).and_then(Node::as_object).into_iter().flatten();
                if let Some((key, _)) = keys.into_iter().find(|(k, _)| k.starts_with(CLAIM_PREFIX))
                {
                    return Some((key, format!("spec.http[{i}].match[{j}].{field}")));
                }
            }
        }
    }
    None
}

/// True when a RequestAuthentication of `namespace` or of the root namespace selects a workload
/// with `labels` (one without selector or targetRef selects every workload of its scope).
fn authenticated(store: &Store, root: &str, namespace: &str, labels: Map<'_>) -> bool {
    let scopes = [namespace, root];
    let scopes = if namespace == root {
        &scopes[..1]
    } else {
        &scopes[..]
    };
    scopes.iter().any(|ns| {
        store
            .in_namespace(REQUEST_AUTHENTICATION, ns)
            .any(|(_, ra)| {
                // Policies attached by targetRef(s) do not select workloads by labels.
                let spec = ra.spec();
                if spec.get("targetRef").is_some() || spec.get("targetRefs").is_some() {
                    return false;
                }
                let wanted = ra
                    .spec()
                    .get("selector")
                    .and_then(|s| s.get("matchLabels"))
                    .and_then(Node::as_object);
                wanted
                    .into_iter()
                    .flatten()
                    .all(|(k, v)| labels.get(k) == Some(v))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn claim_routes_without_request_authentication() {
        let found = analyze(&ANALYZER, &["virtualservice/jwt-claim-route.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn root_namespace_policy_covers_every_gateway() {
        let found = analyze(
            &ANALYZER,
            &[
                "virtualservice/jwt-claim-route.yaml",
                "virtualservice/jwt-mesh-wide.yaml",
            ],
        );
        assert!(found.is_empty());
    }
}
