//! `deployment.MultiServiceAnalyzer`: Deployments in the mesh whose pods are selected by several
//! Services that use one port with different protocols, or one targetPort behind different
//! ports. The sidecar can only apply one of them.

use std::collections::{BTreeMap, BTreeSet};

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::workloads::{in_mesh, int_of, pod_metadata, string_map, ServiceIndex};
use crate::catalog::codes::{IST0116, IST0137};
use crate::kinds::{DEPLOYMENT, NAMESPACE, SERVICE};
use crate::message::Message;

crate::analyzer! {
    /// Checks that the Services selecting a mesh Deployment agree on each port's protocol and
    /// target.
    name: "deployment.MultiServiceAnalyzer",
    inputs: [SERVICE, DEPLOYMENT, NAMESPACE],
    codes: [IST0116, IST0137],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let services = ServiceIndex::new(store);
    for (id, deployment) in store.of_kind(DEPLOYMENT) {
        if !in_mesh(store, deployment) {
            continue;
        }
        let labels = string_map(pod_metadata(deployment), "labels");
        let selecting = services.selecting(&deployment.namespace, labels);
        // port → protocol → services; targetPort → port → service
        let mut protocols: BTreeMap<i64, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        let mut targets: BTreeMap<String, BTreeMap<i64, String>> = BTreeMap::new();
        for svc_id in selecting {
            let svc = store.get(svc_id);
            let name = svc.full_name();
            let ports = svc.spec().get("ports").and_then(Node::as_array);
            for port in ports.into_iter().flatten() {
                let number = port.get("port").and_then(int_of).unwrap_or(0);
                let protocol = port
                    .get("protocol")
                    .and_then(Node::as_str)
                    .filter(|p| !p.is_empty())
                    .unwrap_or("TCP");
                protocols
                    .entry(number)
                    .or_default()
                    .entry(protocol.to_owned())
                    .or_default()
                    .push(name.clone());
                let target = match port.get("targetPort") {
                    Some(t) if t.as_str().is_some_and(|s| !s.is_empty() && s != "0") => {
                        t.text().into_owned()
                    }
                    Some(t) if t.is_number() && t.as_i64() != Some(0) => t.to_string(),
                    _ => number.to_string(),
                };
                targets
                    .entry(target)
                    .or_default()
                    .insert(number, name.clone());
            }
        }
        for (port, by_protocol) in &protocols {
            if by_protocol.len() > 1 {
                let names: BTreeSet<&String> = by_protocol.values().flatten().collect();
                let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
                ctx.report(
                    Message::new(
                        IST0116,
                        id,
                        vec![
                            deployment.name.to_string(),
                            port.to_string(),
                            names.join(", "),
                        ],
                    )
                    .at("metadata.name"),
                );
            }
        }
        for (target, by_port) in &targets {
            if by_port.len() > 1 {
                let names: BTreeSet<&String> = by_port.values().collect();
                let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
                let ports: Vec<String> = by_port.keys().map(i64::to_string).collect();
                ctx.report(
                    Message::new(
                        IST0137,
                        id,
                        vec![
                            deployment.name.to_string(),
                            names.join(", "),
                            target.clone(),
                            ports.join(", "),
                        ],
                    )
                    .at("metadata.name"),
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
    fn reports_protocol_and_target_port_conflicts() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["deployment/multi-service.yaml"]));
    }
}
