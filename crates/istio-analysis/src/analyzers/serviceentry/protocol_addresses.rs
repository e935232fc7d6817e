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

/// True for the values Istio's agent reads as a true boolean (Go's `strconv.ParseBool`).
fn truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::String(s) => {
            matches!(s.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True")
        }
        _ => false,
    }
}

/// True when the mesh's proxies allocate addresses to ServiceEntries themselves:
/// `defaultConfig.proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE`.
fn auto_allocated(mesh: &serde_json::Value) -> bool {
    mesh.pointer("/defaultConfig/proxyMetadata/ISTIO_META_DNS_AUTO_ALLOCATE")
        .is_some_and(truthy)
}

fn analyze(ctx: &mut Context<'_>) {
    if auto_allocated(&ctx.mesh.config) {
        return;
    }
    for (id, se) in ctx.store.of_kind(SERVICE_ENTRY) {
        // Addresses written, or allocated by istiod (`status.addresses`).
        let addressed = items(se.spec().get("addresses")).next().is_some()
            || items(se.root().pointer("/status/addresses"))
                .next()
                .is_some();
        if addressed {
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
            "ISTIO_META_DNS_AUTO_ALLOCATE": "true",
        }}}));
        let found = analyze_with_mesh(&ANALYZER, &["serviceentry/addresses.yaml"], mesh);
        assert!(found.is_empty());
    }

    #[test]
    fn auto_allocation_settings() {
        let on = |v: serde_json::Value| {
            auto_allocated(&serde_json::json!({"defaultConfig": {"proxyMetadata": {
                "ISTIO_META_DNS_AUTO_ALLOCATE": v}}}))
        };
        assert!(on(serde_json::json!("true")));
        assert!(on(serde_json::json!(true)));
        assert!(on(serde_json::json!("True")));
        assert!(!on(serde_json::json!("false")));
        assert!(!auto_allocated(&serde_json::json!({})));
    }
}
