//! Istio's API as Rust types: one module per kind with the type of its `spec`, plus the shapes
//! several kinds share ([`shared`]) and Istio's `status` ([`IstioStatus`]).
//!
//! The types deserialize and serialize resources (serde, field names exactly Istio's) and
//! derive their JSON schema (schemars); [`json_schema()`] generates it with every subschema
//! inlined, and [`crate::schema::Schema::from_json_schema`] turns it into the schema model
//! the CRDs are rendered from and resources are validated against. What a type cannot say by
//! itself (bounds, patterns, oneofs, CEL rules, our host/regex/port checks, deprecations) is
//! added with the attributes in [`ext`]. Doc comments of a spec type and of its fields become
//! the descriptions in the CRD.

pub mod authorization_policy;
pub mod destination_rule;
pub mod envoy_filter;
pub mod ext;
pub mod gateway;
pub mod peer_authentication;
pub mod proxy_config;
pub mod request_authentication;
pub mod service_entry;
pub mod shared;
pub mod sidecar;
pub mod telemetry;
pub mod traffic_extension;
pub mod virtual_service;
pub mod wasm_plugin;
pub mod workload_entry;
pub mod workload_group;

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use authorization_policy::AuthorizationPolicySpec;
pub use destination_rule::DestinationRuleSpec;
pub use envoy_filter::EnvoyFilterSpec;
pub use gateway::GatewaySpec;
pub use peer_authentication::PeerAuthenticationSpec;
pub use proxy_config::ProxyConfigSpec;
pub use request_authentication::RequestAuthenticationSpec;
pub use service_entry::ServiceEntrySpec;
pub use shared::IstioStatus;
pub use sidecar::SidecarSpec;
pub use telemetry::TelemetrySpec;
pub use traffic_extension::TrafficExtensionSpec;
pub use virtual_service::VirtualServiceSpec;
pub use wasm_plugin::WasmPluginSpec;
pub use workload_entry::WorkloadEntrySpec;
pub use workload_group::WorkloadGroupSpec;

/// The JSON schema of `T` with every subschema inlined (no `$ref`/`$defs`), without
/// `$schema` and without the root `title` (the type's name).
pub fn json_schema<T: JsonSchema>() -> Value {
    let mut schema = schemars::generate::SchemaSettings::draft07()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator()
        .into_root_schema_for::<T>();
    schema.remove("title");
    schema.to_value()
}

/// A whole number or a string (`x-kubernetes-int-or-string`), as in Kubernetes' `IntOrString`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A number.
    Int(i64),
    /// A string.
    String(String),
}

impl JsonSchema for IntOrString {
    fn schema_name() -> Cow<'static, str> {
        "IntOrString".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "anyOf": [{"type": "integer"}, {"type": "string"}],
            "x-kubernetes-int-or-string": true,
        })
    }
}

/// A free-form object (protobuf `Struct`): any fields, kept as they are.
pub type Struct = serde_json::Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every JSON schema keyword used anywhere in `v`.
    fn keywords(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                for (k, sub) in map {
                    if k == "properties" {
                        for p in sub.as_object().into_iter().flat_map(|m| m.values()) {
                            keywords(p, out);
                        }
                    } else {
                        out.insert(k.clone());
                        keywords(sub, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| keywords(i, out)),
            _ => {}
        }
    }

    #[test]
    fn schemas_are_inlined_without_meta_schema_or_title() {
        let mut seen = std::collections::BTreeSet::new();
        for schema in [
            json_schema::<AuthorizationPolicySpec>(),
            json_schema::<DestinationRuleSpec>(),
            json_schema::<EnvoyFilterSpec>(),
            json_schema::<GatewaySpec>(),
            json_schema::<PeerAuthenticationSpec>(),
            json_schema::<ProxyConfigSpec>(),
            json_schema::<RequestAuthenticationSpec>(),
            json_schema::<ServiceEntrySpec>(),
            json_schema::<SidecarSpec>(),
            json_schema::<TelemetrySpec>(),
            json_schema::<TrafficExtensionSpec>(),
            json_schema::<VirtualServiceSpec>(),
            json_schema::<WasmPluginSpec>(),
            json_schema::<WorkloadEntrySpec>(),
            json_schema::<WorkloadGroupSpec>(),
            json_schema::<IstioStatus>(),
        ] {
            keywords(&schema, &mut seen);
        }
        for banned in ["$ref", "$defs", "definitions", "$schema", "title"] {
            assert!(!seen.contains(banned), "{banned} in {seen:?}");
        }
    }

    #[test]
    fn int_or_string_takes_both() {
        let n: IntOrString = serde_json::from_value(serde_json::json!(3)).expect("int");
        let s: IntOrString = serde_json::from_value(serde_json::json!("3")).expect("string");
        assert_eq!(
            (n, s),
            (IntOrString::Int(3), IntOrString::String("3".into()))
        );
    }
}
