//! `deprecation.DeprecationAnalyzer`: fields of Istio resources that Istio deprecates, having
//! replaced them or stopped honouring them, and CustomResourceDefinitions of API groups Istio
//! has removed.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0002;
use crate::kinds::{CRD, SIDECAR, VIRTUAL_SERVICE};
use crate::message::Message;

fn replaced(deprecated: &str, replacement: &str) -> String {
    format!("{deprecated} is deprecated; use {replacement}")
}

/// API groups of Istio's removed resource types (Mixer configuration and the old security APIs).
const REMOVED_GROUPS: [&str; 3] = [
    "config.istio.io",
    "authentication.istio.io",
    "rbac.istio.io",
];

fn ignored(field: &str) -> String {
    format!("{field} is ignored")
}

crate::analyzer! {
    /// Checks for deprecated fields of Istio resources.
    name: "deprecation.DeprecationAnalyzer",
    inputs: [VIRTUAL_SERVICE, SIDECAR, CRD],
    codes: [IST0002],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    for (id, vs) in store.of_kind(VIRTUAL_SERVICE) {
        let routes = vs.spec().get("http").and_then(Node::as_array);
        for (i, route) in routes.into_iter().flatten().enumerate() {
            let percent = route
                .pointer("/fault/delay/percent")
                .and_then(Node::as_i64)
                .unwrap_or(0);
            if percent > 0 {
                ctx.report(
                    Message::new(
                        IST0002,
                        id,
                        vec![replaced(
                            "HTTPRoute.fault.delay.percent",
                            "HTTPRoute.fault.delay.percentage",
                        )],
                    )
                    .at(format!("spec.http[{i}].fault.delay.percent")),
                );
            }
            for key in ["mirrorPercent", "mirror_percent"] {
                if route.get(key).is_some_and(|v| !v.is_null()) {
                    ctx.report(
                        Message::new(
                            IST0002,
                            id,
                            vec![replaced(
                                "HTTPRoute.mirror_percent",
                                "HTTPRoute.mirror_percentage",
                            )],
                        )
                        .at(format!("spec.http[{i}].{key}")),
                    );
                }
            }
        }
    }
    for (id, sidecar) in store.of_kind(SIDECAR) {
        let egress_proxy = sidecar
            .spec()
            .pointer("/outboundTrafficPolicy/egressProxy")
            .is_some_and(|v| !v.is_null());
        if egress_proxy {
            ctx.report(
                Message::new(
                    IST0002,
                    id,
                    vec![ignored("OutboundTrafficPolicy.egressProxy")],
                )
                .at("spec.outboundTrafficPolicy.egressProxy"),
            );
        }
    }
    for (id, crd) in store.of_kind(CRD) {
        let spec = crd.spec();
        let group = spec.get("group").and_then(Node::as_str).unwrap_or("");
        if REMOVED_GROUPS.contains(&group) {
            let kind = spec
                .pointer("/names/kind")
                .and_then(Node::as_str)
                .unwrap_or("");
            ctx.report(
                Message::new(
                    IST0002,
                    id,
                    vec![format!("custom resource type {group} {kind} is removed")],
                )
                .at("spec.group"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_deprecated_fields() {
        let found = analyze(&ANALYZER, &["deprecation/fields.yaml"]);
        insta::assert_snapshot!(found);
    }
}
