//! `telemetry.ProviderAnalyzer`: Telemetry access logging without providers while the mesh
//! names no default access-logging provider, so that the configuration is ignored.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0157;
use crate::kinds::TELEMETRY;
use crate::message::Message;

crate::analyzer! {
    /// Checks that Telemetry access logging has a provider when the mesh sets no default one
    /// (entries that disable logging need none).
    name: "telemetry.ProviderAnalyzer",
    inputs: [TELEMETRY],
    codes: [IST0157],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let has_default = ctx
        .mesh
        .config
        .pointer("/defaultProviders/accessLogging")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|p| !p.is_empty());
    if has_default {
        return;
    }
    for (id, telemetry) in ctx.store.of_kind(TELEMETRY) {
        let logging = telemetry
            .spec()
            .get("accessLogging")
            .and_then(Node::as_array);
        // An entry that turns logging off needs no provider: it switches off what the mesh or
        // a parent Telemetry turned on.
        let empty = logging.into_iter().flatten().position(|entry| {
            entry.get("disabled").and_then(Node::as_bool) != Some(true)
                && entry
                    .get("providers")
                    .and_then(Node::as_array)
                    .is_none_or(|p| p.is_empty())
        });
        if let Some(i) = empty {
            ctx.report(
                Message::new(
                    IST0157,
                    id,
                    vec![telemetry.name.to_string(), telemetry.namespace.to_string()],
                )
                .at(format!("spec.accessLogging[{i}]")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::MeshConfig;
    use crate::testing::{analyze, analyze_with_mesh};

    #[test]
    fn reports_access_logging_without_provider() {
        let found = analyze(&ANALYZER, &["telemetry/providers.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn accepts_it_when_the_mesh_has_a_default_provider() {
        let mut mesh = MeshConfig::defaults("istio-system");
        mesh.overlay(serde_json::json!({"defaultProviders": {"accessLogging": ["envoy"]}}));
        let found = analyze_with_mesh(&ANALYZER, &["telemetry/providers.yaml"], mesh);
        assert!(found.is_empty());
    }
}
