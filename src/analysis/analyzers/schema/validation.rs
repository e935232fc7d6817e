//! `schema.ValidationAnalyzer.<Kind>`: each Istio resource is checked against its kind's API
//! ([`crate::api::validate`]): violations are IST0106 SchemaValidationError, deprecated or
//! discouraged usage IST0133 SchemaWarning, each pointing at the offending field.

use crate::analysis::analyzer::{Analyzer, Context};
use crate::analysis::kinds::{self, Kind};
use crate::analysis::message::Message;
use crate::analysis::resource::ResourceId;
use crate::api;

use super::virtual_service::check_routes;

/// Checks a kind needs beyond its schema.
type ExtraCheck = fn(&mut Context<'_>, ResourceId, &serde_json::Value);

/// Schema validation of one Istio kind.
pub struct ValidationAnalyzer {
    name: &'static str,
    inputs: &'static [Kind],
    extra: Option<ExtraCheck>,
}

/// Every validated kind: analyzer name, the kind, and its extra checks.
const TABLE: [(&str, &[Kind], Option<ExtraCheck>); 15] = [
    (
        "schema.ValidationAnalyzer.AuthorizationPolicy",
        &[kinds::AUTHORIZATION_POLICY],
        None,
    ),
    (
        "schema.ValidationAnalyzer.DestinationRule",
        &[kinds::DESTINATION_RULE],
        None,
    ),
    (
        "schema.ValidationAnalyzer.EnvoyFilter",
        &[kinds::ENVOY_FILTER],
        None,
    ),
    ("schema.ValidationAnalyzer.Gateway", &[kinds::GATEWAY], None),
    (
        "schema.ValidationAnalyzer.PeerAuthentication",
        &[kinds::PEER_AUTHENTICATION],
        None,
    ),
    (
        "schema.ValidationAnalyzer.ProxyConfig",
        &[kinds::PROXY_CONFIG],
        None,
    ),
    (
        "schema.ValidationAnalyzer.RequestAuthentication",
        &[kinds::REQUEST_AUTHENTICATION],
        None,
    ),
    (
        "schema.ValidationAnalyzer.ServiceEntry",
        &[kinds::SERVICE_ENTRY],
        None,
    ),
    ("schema.ValidationAnalyzer.Sidecar", &[kinds::SIDECAR], None),
    (
        "schema.ValidationAnalyzer.Telemetry",
        &[kinds::TELEMETRY],
        None,
    ),
    (
        "schema.ValidationAnalyzer.TrafficExtension",
        &[kinds::TRAFFIC_EXTENSION],
        None,
    ),
    (
        "schema.ValidationAnalyzer.VirtualService",
        &[kinds::VIRTUAL_SERVICE],
        Some(check_routes),
    ),
    (
        "schema.ValidationAnalyzer.WasmPlugin",
        &[kinds::WASM_PLUGIN],
        None,
    ),
    (
        "schema.ValidationAnalyzer.WorkloadEntry",
        &[kinds::WORKLOAD_ENTRY],
        None,
    ),
    (
        "schema.ValidationAnalyzer.WorkloadGroup",
        &[kinds::WORKLOAD_GROUP],
        None,
    ),
];

impl ValidationAnalyzer {
    /// One analyzer per validated kind.
    pub fn all() -> Vec<Box<dyn Analyzer>> {
        TABLE
            .iter()
            .map(|&(name, inputs, extra)| {
                Box::new(ValidationAnalyzer {
                    name,
                    inputs,
                    extra,
                }) as Box<dyn Analyzer>
            })
            .collect()
    }

    /// The analyzer with this name, if it is one of ours.
    pub fn for_name(name: &str) -> Option<ValidationAnalyzer> {
        TABLE
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|&(name, inputs, extra)| ValidationAnalyzer {
                name,
                inputs,
                extra,
            })
    }
}

impl Analyzer for ValidationAnalyzer {
    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        "Checks resources of this kind against the Istio API schema"
    }

    fn inputs(&self) -> &'static [Kind] {
        self.inputs
    }

    fn analyze(&self, ctx: &mut Context<'_>) {
        for &kind in self.inputs {
            for (id, resource) in ctx.store.of_kind(kind) {
                match api::validate(resource.root()) {
                    Ok(violations) => {
                        for v in violations {
                            let detail = if v.path.is_empty() {
                                v.message
                            } else {
                                format!("{}: {}", v.path, v.message)
                            };
                            ctx.report(Message::new(v.level.code(), id, vec![detail]).at(v.path));
                        }
                    }
                    Err(unknown) => {
                        ctx.report(
                            Message::new("IST0106", id, vec![unknown.to_string()]).at("apiVersion"),
                        );
                    }
                }
                if let Some(extra) = self.extra {
                    extra(ctx, id, &resource.root().to_json());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::analyze;

    fn analyzer(name: &str) -> Box<dyn Analyzer> {
        Box::new(ValidationAnalyzer::for_name(name).expect("registered"))
    }

    #[test]
    fn every_istio_kind_has_a_validation_analyzer() {
        for info in api::KINDS.iter() {
            let name = format!("schema.ValidationAnalyzer.{}", info.kind);
            assert!(
                ValidationAnalyzer::for_name(&name).is_some(),
                "{name} missing"
            );
        }
    }

    #[test]
    fn schema_errors_and_warnings_point_at_their_fields() {
        let found = analyze(
            analyzer("schema.ValidationAnalyzer.DestinationRule"),
            &["schema/destination-rule-schema.yaml"],
        );
        assert_eq!(
            found,
            vec![
                // Unknown field `hostt`, bad enum `FASTEST`, missing `host` (at `spec`).
                ("IST0106".into(), "DestinationRule shop/bad".into(), 9),
                ("IST0106".into(), "DestinationRule shop/bad".into(), 13),
                ("IST0106".into(), "DestinationRule shop/bad".into(), 8),
                ("IST0133".into(), "DestinationRule shop/bad".into(), 12),
                (
                    "IST0106".into(),
                    "DestinationRule shop/old-version".into(),
                    15
                ),
            ]
        );
    }
}
