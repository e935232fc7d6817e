//! `telemetry.LightstepAnalyzer`: Telemetries tracing through a Lightstep extension provider,
//! which Istio deprecates in favour of OpenTelemetry.

use std::collections::HashSet;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0002;
use crate::kinds::TELEMETRY;
use crate::message::Message;

crate::analyzer! {
    /// Checks for Telemetries tracing through the deprecated Lightstep provider.
    name: "telemetry.LightstepAnalyzer",
    inputs: [TELEMETRY],
    codes: [IST0002],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let lightstep: HashSet<&str> = ctx
        .mesh
        .config
        .get("extensionProviders")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("lightstep").is_some_and(|l| !l.is_null()))
        .filter_map(|p| p.get("name").and_then(serde_json::Value::as_str))
        .collect();
    if lightstep.is_empty() {
        return;
    }
    for (id, telemetry) in ctx.store.of_kind(TELEMETRY) {
        let tracing = telemetry.spec().get("tracing").and_then(Node::as_array);
        for (i, entry) in tracing.into_iter().flatten().enumerate() {
            let providers = entry.get("providers").and_then(Node::as_array);
            for (j, provider) in providers.into_iter().flatten().enumerate() {
                let name = provider.get("name").and_then(Node::as_str).unwrap_or("");
                if lightstep.contains(name) {
                    ctx.report(
                        Message::new(
                            IST0002,
                            id,
                            vec![format!(
                                "the Lightstep tracing provider {name:?} is deprecated; use an OpenTelemetry provider instead"
                            )],
                        )
                        .at(format!("spec.tracing[{i}].providers[{j}].name")),
                    );
                }
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
    fn reports_tracing_through_lightstep() {
        let mut mesh = MeshConfig::defaults("istio-system");
        mesh.overlay(serde_json::json!({"extensionProviders": [
            {"name": "ls", "lightstep": {"service": "ls.tracing.svc", "port": 443}},
            {"name": "otel", "opentelemetry": {"service": "otel.tracing.svc", "port": 4317}},
        ]}));
        let found = analyze_with_mesh(&ANALYZER, &["telemetry/lightstep.yaml"], mesh);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn silent_without_lightstep_providers() {
        let found = analyze(&ANALYZER, &["telemetry/lightstep.yaml"]);
        assert!(found.is_empty());
    }
}
