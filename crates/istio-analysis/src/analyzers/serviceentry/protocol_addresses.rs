//! `serviceentry.Analyzer`: a ServiceEntry with TCP (or protocol-less) ports needs `addresses`
//! unless the mesh captures DNS and auto-allocates addresses.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::hosts::items;
use crate::catalog::codes::IST0134;
use crate::kinds::SERVICE_ENTRY;
use crate::message::Message;

crate::analyzer! {
    /// Checks that ServiceEntries with TCP ports declare addresses.
    name: "serviceentry.Analyzer",
    inputs: [SERVICE_ENTRY],
    codes: [IST0134],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let metadata = ctx
        .mesh
        .config
        .get("defaultConfig")
        .and_then(|c| c.get("proxyMetadata"));
    let flag = |k: &str| {
        metadata
            .and_then(|m| m.get(k))
            .and_then(serde_json::Value::as_str)
            == Some("true")
    };
    if flag("ISTIO_META_DNS_CAPTURE") && flag("ISTIO_META_DNS_AUTO_ALLOCATE") {
        return;
    }
    for (id, se) in ctx.store.of_kind(SERVICE_ENTRY) {
        if items(se.spec().get("addresses")).next().is_some() {
            continue;
        }
        for (i, port) in items(se.spec().get("ports")).enumerate() {
            let protocol = port.get("protocol").and_then(Node::as_str).unwrap_or("");
            if protocol.is_empty() || protocol.eq_ignore_ascii_case("TCP") {
                ctx.report(Message::new(IST0134, id, vec![]).at(format!("spec.ports[{i}]")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::MeshConfig;
    use crate::testing::{analyze, analyze_with_mesh};

    #[test]
    fn tcp_ports_without_addresses() {
        let found = analyze(&ANALYZER, &["serviceentry/addresses.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn dns_auto_allocation_makes_addresses_optional() {
        let mut mesh = MeshConfig::defaults("istio-system");
        mesh.overlay(serde_json::json!({"defaultConfig": {"proxyMetadata": {
            "ISTIO_META_DNS_CAPTURE": "true",
            "ISTIO_META_DNS_AUTO_ALLOCATE": "true",
        }}}));
        let found = analyze_with_mesh(&ANALYZER, &["serviceentry/addresses.yaml"], mesh);
        assert!(found.is_empty());
    }
}
