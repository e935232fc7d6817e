//! `meshnetworks.MeshNetworksAnalyzer`: network endpoints taken `fromRegistry` a registry Istio
//! does not know: neither a built-in registry nor a cluster with a remote secret
//! (a Secret labelled `istio/multiCluster: "true"`, one cluster per data key).

use std::collections::HashSet;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0126;
use crate::kinds::{MESH_NETWORKS, SECRET};
use crate::message::Message;

/// Istio's built-in service registries (the names are case-sensitive).
const BUILT_IN: [&str; 3] = ["Kubernetes", "External", "Mock"];
/// Label of remote-cluster secrets.
const MULTICLUSTER_LABEL: &str = "istio/multiCluster";

crate::analyzer! {
    /// Checks that mesh networks take endpoints from known service registries.
    name: "meshnetworks.MeshNetworksAnalyzer",
    inputs: [MESH_NETWORKS, SECRET],
    codes: [IST0126],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut clusters: HashSet<&str> = HashSet::new();
    for (_, secret) in store.of_kind(SECRET) {
        if secret.label(MULTICLUSTER_LABEL) != Some("true") {
            continue;
        }
        for data in ["data", "stringData"] {
            if let Some(map) = secret.root().get(data).and_then(Node::as_object) {
                clusters.extend(map.keys());
            }
        }
    }
    for (id, networks) in store.of_kind(MESH_NETWORKS) {
        let Some(map) = networks.root().get("networks").and_then(Node::as_object) else {
            continue;
        };
        for (network, spec) in map {
            let endpoints = spec.get("endpoints").and_then(Node::as_array);
            for (i, endpoint) in endpoints.into_iter().flatten().enumerate() {
                let Some(registry) = endpoint.get("fromRegistry").and_then(Node::as_str) else {
                    continue;
                };
                if BUILT_IN.contains(&registry) || clusters.contains(registry) {
                    continue;
                }
                ctx.report(
                    Message::new(IST0126, id, vec![registry.to_owned(), network.to_owned()])
                        .at(format!("networks.{network}.endpoints[{i}].fromRegistry")),
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
    fn reports_unknown_registries() {
        let found = analyze(&ANALYZER, &["meshnetworks/networks.yaml"]);
        insta::assert_snapshot!(found);
    }
}
