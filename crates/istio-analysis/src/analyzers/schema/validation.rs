//! `schema.ValidationAnalyzer.<Kind>`: each Istio resource is checked against its kind's API
//! ([`istio_api::validate`]): violations are IST0106 SchemaValidationError, deprecated or
//! discouraged usage IST0133 SchemaWarning, each pointing at the offending field. A
//! VirtualService's routes are also checked for unreachable rules ([`check_routes`]).

use istio_api::Level;

use crate::analyzer::Context;
use crate::catalog::codes::{IST0106, IST0133};
use crate::catalog::Code;
use crate::kinds;
use crate::message::Message;

use super::virtual_service::check_routes;

/// The message code a schema violation of `level` is reported with.
fn code(level: Level) -> Code {
    match level {
        Level::Error => IST0106,
        Level::Warning => IST0133,
    }
}

/// Validates every resource of the running analyzer's kind.
fn validate(ctx: &mut Context<'_>) {
    for &kind in ctx.inputs() {
        for (id, resource) in ctx.store.of_kind(kind) {
            match istio_api::validate(resource.root()) {
                Ok(violations) => {
                    for v in violations {
                        let detail = if v.path.is_empty() {
                            v.message
                        } else {
                            format!("{}: {}", v.path, v.message)
                        };
                        ctx.report(Message::new(code(v.level), id, vec![detail]).at(v.path));
                    }
                }
                Err(unknown) => {
                    ctx.report(
                        Message::new(IST0106, id, vec![unknown.to_string()]).at("apiVersion"),
                    );
                }
            }
            if kind == kinds::VIRTUAL_SERVICE {
                check_routes(ctx, id, &resource.root().to_json());
            }
        }
    }
}

/// One registration per validated kind: its static, the kind, and Istio's analyzer name.
macro_rules! schema_analyzers {
    ($($static:ident: $kind:ident => $name:literal $(+ [$($extra:ident),*])?;)*) => {$(
        crate::analyzer! {
            /// Checks resources of this kind against the Istio API schema.
            static: $static,
            name: $name,
            inputs: [kinds::$kind],
            codes: [IST0106, IST0133 $($(, $extra)*)?],
            run: validate,
        }
    )*};
}

schema_analyzers! {
    AUTHORIZATION_POLICY: AUTHORIZATION_POLICY => "schema.ValidationAnalyzer.AuthorizationPolicy";
    DESTINATION_RULE: DESTINATION_RULE => "schema.ValidationAnalyzer.DestinationRule";
    ENVOY_FILTER: ENVOY_FILTER => "schema.ValidationAnalyzer.EnvoyFilter";
    GATEWAY: GATEWAY => "schema.ValidationAnalyzer.Gateway";
    PEER_AUTHENTICATION: PEER_AUTHENTICATION => "schema.ValidationAnalyzer.PeerAuthentication";
    PROXY_CONFIG: PROXY_CONFIG => "schema.ValidationAnalyzer.ProxyConfig";
    REQUEST_AUTHENTICATION: REQUEST_AUTHENTICATION => "schema.ValidationAnalyzer.RequestAuthentication";
    SERVICE_ENTRY: SERVICE_ENTRY => "schema.ValidationAnalyzer.ServiceEntry";
    SIDECAR: SIDECAR => "schema.ValidationAnalyzer.Sidecar";
    TELEMETRY: TELEMETRY => "schema.ValidationAnalyzer.Telemetry";
    TRAFFIC_EXTENSION: TRAFFIC_EXTENSION => "schema.ValidationAnalyzer.TrafficExtension";
    VIRTUAL_SERVICE: VIRTUAL_SERVICE => "schema.ValidationAnalyzer.VirtualService" + [IST0130, IST0131];
    WASM_PLUGIN: WASM_PLUGIN => "schema.ValidationAnalyzer.WasmPlugin";
    WORKLOAD_ENTRY: WORKLOAD_ENTRY => "schema.ValidationAnalyzer.WorkloadEntry";
    WORKLOAD_GROUP: WORKLOAD_GROUP => "schema.ValidationAnalyzer.WorkloadGroup";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn every_istio_kind_has_a_validation_analyzer() {
        let names: Vec<&str> = crate::analyzer::builtins().iter().map(|a| a.name).collect();
        for info in istio_api::KINDS.iter() {
            let name = format!("schema.ValidationAnalyzer.{}", info.kind);
            assert!(names.contains(&name.as_str()), "{name} missing");
        }
    }

    #[test]
    fn schema_errors_and_warnings_point_at_their_fields() {
        let found = analyze(&DESTINATION_RULE, &["schema/destination-rule-schema.yaml"]);
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
