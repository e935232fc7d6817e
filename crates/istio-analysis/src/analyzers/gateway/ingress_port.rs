//! `gateway.IngressGatewayPortAnalyzer`: Gateways whose selector matches no pod, and Gateway
//! servers on a port that no Service in front of the selected gateway pods targets.

use std::collections::{HashMap, HashSet};

use istio_core::tree::{Map, Node};

use crate::analyzer::Context;
use crate::analyzers::util::selectors::selector_string;
use crate::analyzers::util::workloads::{int_of, pods_selected_anywhere, ServiceIndex};
use crate::catalog::codes::{IST0101, IST0162};
use crate::kinds::{GATEWAY, POD, SERVICE};
use crate::message::Message;
use crate::store::Store;
use istio_core::tree::Map as TreeMap;

/// The ports and target ports of the TCP Services that select any pod matching
/// `selector`; `None` when no pod matches.
fn workload_ports(
    store: &Store,
    services: &ServiceIndex<'_>,
    selector: Map<'_>,
) -> Option<HashSet<i64>> {
    let pods = pods_selected_anywhere(store, selector);
    if pods.is_empty() {
        return None;
    }
    let mut ports = HashSet::new();
    for (_, pod) in pods {
        for svc in services.selecting(&pod.namespace, pod.labels()) {
            let svc_ports = store.get(svc).spec().get("ports").and_then(Node::as_array);
            for port in svc_ports.into_iter().flatten() {
                let protocol = port.get("protocol").and_then(Node::as_str).unwrap_or("");
                if !(protocol.is_empty() || protocol == "TCP") {
                    continue;
                }
                // The gateway may listen on the Service port itself or on its targetPort.
                for field in ["port", "targetPort"] {
                    if let Some(p) = port.get(field).and_then(int_of).filter(|&p| p != 0) {
                        ports.insert(p);
                    }
                }
            }
        }
    }
    Some(ports)
}

crate::analyzer! {
    /// Checks that a Gateway selects gateway pods and that their Services expose its ports.
    name: "gateway.IngressGatewayPortAnalyzer",
    inputs: [GATEWAY, POD, SERVICE],
    codes: [IST0101, IST0162],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let services = ServiceIndex::new(store);
    let mut cache: HashMap<String, Option<HashSet<i64>>> = HashMap::new();
    for (id, gw) in store.of_kind(GATEWAY) {
        let selector = gw
            .spec()
            .get("selector")
            .and_then(Node::as_object)
            .unwrap_or(TreeMap::empty());
        let text = selector_string(selector);
        let ports = cache
            .entry(text.clone())
            .or_insert_with(|| workload_ports(store, &services, selector));
        let Some(ports) = ports else {
            ctx.report(
                Message::new(IST0101, id, vec!["selector".to_owned(), text]).at("spec.selector"),
            );
            continue;
        };
        let servers = gw.spec().get("servers").and_then(Node::as_array);
        for (i, server) in servers.into_iter().flatten().enumerate() {
            let Some(number) = server.pointer("/port/number").and_then(int_of) else {
                continue;
            };
            if !ports.contains(&number) {
                ctx.report(
                    Message::new(IST0162, id, vec![number.to_string(), text.clone()])
                        .at(format!("spec.servers[{i}].port")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_missing_workloads_and_unexposed_ports() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["gateway/ingress-ports.yaml"]));
    }
}
