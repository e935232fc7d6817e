//! The typed API reads our valid fixtures: every resource's `spec` deserializes into its kind's
//! Rust type and serializes back to the same value (nothing dropped, nothing added).

use istio_api::types::*;
use istio_core::yaml::{parse_document, split_documents};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Equal values, numbers compared by value (`10` and `10.0` are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Deserializes `spec` as `T` and serializes it back.
fn round_trip<T: DeserializeOwned + Serialize>(spec: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(spec.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

fn round_trip_kind(kind: &str, spec: &Value) -> Result<Value, String> {
    match kind {
        "AuthorizationPolicy" => round_trip::<AuthorizationPolicySpec>(spec),
        "DestinationRule" => round_trip::<DestinationRuleSpec>(spec),
        "EnvoyFilter" => round_trip::<EnvoyFilterSpec>(spec),
        "Gateway" => round_trip::<GatewaySpec>(spec),
        "PeerAuthentication" => round_trip::<PeerAuthenticationSpec>(spec),
        "ProxyConfig" => round_trip::<ProxyConfigSpec>(spec),
        "RequestAuthentication" => round_trip::<RequestAuthenticationSpec>(spec),
        "ServiceEntry" => round_trip::<ServiceEntrySpec>(spec),
        "Sidecar" => round_trip::<SidecarSpec>(spec),
        "Telemetry" => round_trip::<TelemetrySpec>(spec),
        "TrafficExtension" => round_trip::<TrafficExtensionSpec>(spec),
        "VirtualService" => round_trip::<VirtualServiceSpec>(spec),
        "WasmPlugin" => round_trip::<WasmPluginSpec>(spec),
        "WorkloadEntry" => round_trip::<WorkloadEntrySpec>(spec),
        "WorkloadGroup" => round_trip::<WorkloadGroupSpec>(spec),
        other => Err(format!("no type for kind {other}")),
    }
}

#[test]
fn valid_fixtures_round_trip_through_the_types() {
    let dir = format!("{}/tests/fixtures/api", env!("CARGO_MANIFEST_DIR"));
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.display().to_string();
        if !name.ends_with(".valid.yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read fixture");
        for chunk in split_documents(&text) {
            let doc = parse_document(
                &text[chunk.range.clone()],
                chunk.first_line,
                chunk.range.start,
            )
            .expect("yaml");
            let Some(kind) = doc["kind"].as_str() else {
                continue;
            };
            let spec = doc.get("spec").cloned().unwrap_or(Value::Null);
            if spec.is_null() {
                continue;
            }
            let back = round_trip_kind(kind, &spec)
                .unwrap_or_else(|e| panic!("{name}: {kind} spec does not deserialize: {e}"));
            assert!(
                same(&back, &spec),
                "{name}: {kind} spec changed in a round trip:\n{back:#}\nwas\n{spec:#}"
            );
            kinds.insert(kind.to_owned());
        }
    }
    assert_eq!(
        kinds.len(),
        istio_api::KINDS.len(),
        "a valid fixture per kind: {kinds:?}"
    );
}

#[test]
fn invalid_enum_values_and_missing_required_fields_do_not_deserialize() {
    let bad_enum = serde_json::json!({"action": "REJECT"});
    assert!(round_trip::<AuthorizationPolicySpec>(&bad_enum).is_err());
    let no_host = serde_json::json!({"subsets": [{"name": "v1"}]});
    assert!(round_trip::<DestinationRuleSpec>(&no_host).is_err());
    let snake = serde_json::json!({"http": [{"mirror_percent": 5, "mirrorPercent": 6}]});
    assert!(same(
        &round_trip::<VirtualServiceSpec>(&snake).expect("both spellings"),
        &snake
    ));
}
