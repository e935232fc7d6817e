//! `destinationrule.SubsetSelectPodAnalyzer`: a DestinationRule's host should be a service of
//! the mesh, and each of its subsets should select some pod of that service (subset labels are
//! matched against pod labels, plus the locality labels of the pod's node).

use std::borrow::Cow;

use istio_core::tree::{Map, Node};

use crate::analyzer::Context;
use crate::analyzers::util::hosts::{fqdn, items, HostIndex, ServiceHost};
use crate::catalog::codes::{IST0173, IST0174};
use crate::kinds::{DESTINATION_RULE, NODE, POD, SERVICE, SERVICE_ENTRY};
use crate::message::Message;
use crate::resource::Resource;
use crate::store::Store;

/// Labels Istio adds to a workload from the node it runs on (empty values are not added).
const NODE_LOCALITY_LABELS: [&str; 3] = [
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.istio.io/subzone",
];

/// Label Istio gives a workload with the name of its node.
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

crate::analyzer! {
    /// Checks that DestinationRule hosts are known services and their subsets select pods.
    name: "destinationrule.SubsetSelectPodAnalyzer",
    inputs: [DESTINATION_RULE, SERVICE, SERVICE_ENTRY, POD, NODE],
    codes: [IST0173, IST0174],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let index = HostIndex::build(store, ctx.mesh);
    for (id, dr) in store.of_kind(DESTINATION_RULE) {
        let written = dr.spec().get("host").and_then(Node::as_str).unwrap_or("");
        if written.is_empty() {
            // A missing host is a schema error (IST0106), not an unknown host.
            continue;
        }
        let host = fqdn(&dr.namespace, written);
        if !index.any_matching(&host) {
            let args = vec![written.to_owned()];
            ctx.report(Message::new(IST0174, id, args).at("spec.host"));
            continue;
        }
        let Some(pods) = index.lookup(&host, None).and_then(|s| workloads(store, s)) else {
            continue;
        };
        for (i, subset) in items(dr.spec().get("subsets")).enumerate() {
            let wanted = subset.get("labels").and_then(Node::as_object);
            let wanted = wanted.into_iter().flatten();
            let selects = |pod: &&Resource| {
                wanted.clone().all(|(k, v)| {
                    workload_label(store, pod, k).is_some_and(|l| l == scalar_text(v))
                })
            };
            if !pods.iter().any(selects) {
                let name = subset.get("name").and_then(Node::as_str).unwrap_or("");
                ctx.report(
                    Message::new(IST0173, id, vec![name.to_owned()])
                        .at(format!("spec.subsets[{i}]")),
                );
            }
        }
    }
}

/// The pods behind a service: those its selector (Service) or workloadSelector (ServiceEntry)
/// selects in its namespace; `None` when it does not select pods by labels.
fn workloads<'s>(store: &'s Store, service: &ServiceHost<'s>) -> Option<Vec<&'s Resource>> {
    let spec = service.resource.spec();
    let selector: Map<'_> = if service.is_service() {
        spec.get("selector").and_then(Node::as_object)?
    } else {
        spec.get("workloadSelector")
            .and_then(|s| s.get("labels"))
            .and_then(Node::as_object)?
    };
    if selector.is_empty() {
        return None;
    }
    let ns = &service.resource.namespace;
    Some(
        store
            .select(POD, ns, selector)
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
    )
}

/// A label value as text (`1` for a number written unquoted).
fn scalar_text(value: Node<'_>) -> Cow<'_, str> {
    value.text()
}

/// A label of a pod as Istio sees the workload: node locality labels and the node name come from
/// its node, anything else from the pod.
fn workload_label<'s>(store: &'s Store, pod: &'s Resource, key: &str) -> Option<&'s str> {
    let node_name = pod.spec().get("nodeName").and_then(Node::as_str);
    if NODE_LOCALITY_LABELS.contains(&key) {
        let node = store.find(NODE, "", node_name?).map(|(_, n)| n)?;
        node.label(key).filter(|v| !v.is_empty())
    } else if key == HOSTNAME_LABEL {
        node_name.filter(|v| !v.is_empty())
    } else {
        pod.label(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn unknown_hosts_and_empty_subsets() {
        let found = analyze(&ANALYZER, &["destinationrule/subset-pods.yaml"]);
        insta::assert_snapshot!(found);
    }
}
