//! `k8sgateway.SelectorAnalyzer`: policies that pick Kubernetes Gateway pods with a workload
//! selector. Istio ignores selectors for those pods; the policy must use `targetRefs`.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0166;
use crate::kinds::{
    Kind, AUTHORIZATION_POLICY, POD, REQUEST_AUTHENTICATION, TELEMETRY, WASM_PLUGIN,
};
use crate::message::Message;
use istio_core::tree::Map as TreeMap;

/// Label Istio puts on the pods of a Kubernetes Gateway, naming it.
const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

const POLICIES: [Kind; 4] = [
    AUTHORIZATION_POLICY,
    REQUEST_AUTHENTICATION,
    TELEMETRY,
    WASM_PLUGIN,
];

crate::analyzer! {
    /// Checks that policies do not select Kubernetes Gateway pods with a workload selector.
    name: "k8sgateway.SelectorAnalyzer",
    inputs: [AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION, TELEMETRY, WASM_PLUGIN, POD,],
    codes: [IST0166],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    for kind in POLICIES {
        for (id, policy) in store.of_kind(kind) {
            let spec = policy.spec();
            let has_target = spec.get("targetRef").is_some_and(|t| !t.is_null())
                || spec
                    .get("targetRefs")
                    .and_then(Node::as_array)
                    .is_some_and(|t| !t.is_empty());
            let Some(selector) = spec.get("selector").filter(|s| !s.is_null()) else {
                continue;
            };
            if has_target {
                continue;
            }
            let match_labels = selector
                .get("matchLabels")
                .and_then(Node::as_object)
                .unwrap_or(TreeMap::empty());
            let mut gateways: Vec<&str> = store
                .select(POD, &policy.namespace, match_labels)
                .into_iter()
                .filter_map(|(_, pod)| pod.label(GATEWAY_NAME_LABEL))
                .collect();
            gateways.sort_unstable();
            gateways.dedup();
            for gateway in gateways {
                ctx.report(Message::new(IST0166, id, vec![gateway.to_owned()]).at("spec.selector"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_selectors_on_gateway_pods() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["k8sgateway/selectors.yaml"]));
    }
}
