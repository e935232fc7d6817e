//! Schema attributes for the API types: small [`Transform`](schemars::transform::Transform)s
//! used as `#[schemars(transform = ...)]` to add what a Rust type cannot say by itself (bounds,
//! patterns, CEL rules, oneofs, list types, nullability) and our own checks beyond the CRD
//! (`x-istioctl-check`, `x-istioctl-deprecated`), which [`Schema::from_json_schema`] reads.
//!
//! Every helper works on the schema of the value itself: for an `Option<T>` field whose schema
//! schemars wraps as `anyOf: [T, null]`, that is the `T` branch.
//!
//! [`Schema::from_json_schema`]: crate::schema::Schema::from_json_schema

use schemars::Schema;
use serde_json::{json, Map, Value};

use crate::schema::{Format, CHECK_KEY, DEPRECATED_KEY};

/// The object of the schema that describes non-null values (see the module docs).
fn target(schema: &mut Schema) -> &mut Map<String, Value> {
    let obj = schema.ensure_object();
    let branch = obj
        .get("anyOf")
        .and_then(Value::as_array)
        .and_then(|b| b.iter().position(|s| s.get("type") != Some(&json!("null"))));
    match branch {
        Some(i) => match &mut obj["anyOf"][i] {
            Value::Object(inner) => inner,
            _ => unreachable!("anyOf branches of generated schemas are objects"),
        },
        None => obj,
    }
}

fn set(schema: &mut Schema, key: &str, value: Value) {
    target(schema).insert(key.to_owned(), value);
}

/// Adds a CEL rule (`x-kubernetes-validations`); the validator checks it natively.
pub fn cel(rule: &'static str, message: &'static str) -> impl FnMut(&mut Schema) {
    move |schema| {
        let rules = target(schema)
            .entry("x-kubernetes-validations")
            .or_insert_with(|| json!([]));
        if let Value::Array(rules) = rules {
            rules.push(json!({"message": message, "rule": rule}));
        }
    }
}

/// A protobuf Duration of at least one millisecond.
pub fn min_duration(schema: &mut Schema) {
    cel(
        "duration(self) >= duration('1ms')",
        "must be a valid duration greater than 1ms",
    )(schema);
}

/// A port number from 1 to 65535 (on a `uint32`).
pub fn port_range(schema: &mut Schema) {
    cel("0 < self && self <= 65535", "port must be between 1-65535")(schema);
}

/// At most one of these fields may be set (a protobuf oneof), in Istio's encoding: exactly one
/// branch of a `oneOf` holds, none of the fields or exactly one. Several groups go to `allOf`.
pub fn at_most_one_of(fields: &'static [&'static str]) -> impl FnMut(&mut Schema) {
    move |schema| {
        let any: Vec<Value> = fields.iter().map(|f| json!({"required": [f]})).collect();
        let mut branches = vec![json!({"not": {"anyOf": any}})];
        branches.extend(any);
        let obj = target(schema);
        if let Some(first) = obj.remove("oneOf") {
            obj.insert(
                "allOf".into(),
                json!([{"oneOf": first}, {"oneOf": branches}]),
            );
        } else if let Some(Value::Array(all)) = obj.get_mut("allOf") {
            all.push(json!({"oneOf": branches}));
        } else {
            obj.insert("oneOf".into(), Value::Array(branches));
        }
    }
}

/// Lists the required fields in this order (Istio's, which is not the alphabetical order of
/// the properties). The set must be the fields the type requires.
pub fn required_order(fields: &'static [&'static str]) -> impl FnMut(&mut Schema) {
    move |schema| {
        let obj = target(schema);
        debug_assert_eq!(
            {
                let mut have: Vec<&str> = obj
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                have.sort_unstable();
                have
            },
            {
                let mut want = fields.to_vec();
                want.sort_unstable();
                want
            },
            "required_order must name the required fields"
        );
        obj.insert("required".into(), json!(fields));
    }
}

/// A check of ours beyond the CRD schema.
pub fn check(format: Format) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, CHECK_KEY, format.key().into())
}

/// Marks a field as deprecated in favour of `replacement` (`""` when there is none).
pub fn deprecated_for(replacement: &'static str) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, DEPRECATED_KEY, replacement.into())
}

/// Applies `inner` to the item schema of a list or the value schema of a map.
pub fn each(mut inner: impl FnMut(&mut Schema)) -> impl FnMut(&mut Schema) {
    move |schema| {
        let obj = target(schema);
        for key in ["items", "additionalProperties"] {
            if let Some(sub) = obj.get_mut(key) {
                if let Ok(sub) = <&mut Schema>::try_from(sub) {
                    inner(sub);
                }
            }
        }
    }
}

/// An explicit `null` is allowed (`nullable: true`, protobuf wrapper types).
pub fn nullable(schema: &mut Schema) {
    set(schema, "nullable", true.into());
}

/// Unknown fields of the object are kept (`x-kubernetes-preserve-unknown-fields`).
pub fn preserve_unknown(schema: &mut Schema) {
    set(schema, "x-kubernetes-preserve-unknown-fields", true.into());
}

/// A list of objects keyed by these fields (`x-kubernetes-list-type: map`).
pub fn list_map(keys: &'static [&'static str]) -> impl FnMut(&mut Schema) {
    move |schema| {
        set(schema, "x-kubernetes-list-map-keys", json!(keys));
        set(schema, "x-kubernetes-list-type", "map".into());
    }
}

/// An OpenAPI `format` (`byte`, `date-time`).
pub fn format(format: &'static str) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "format", format.into())
}

/// A pattern strings must match.
pub fn pattern(pattern: &'static str) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "pattern", pattern.into())
}

/// Inclusive lower bound of a number.
pub fn minimum(n: i64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "minimum", n.into())
}

/// Inclusive upper bound of a number.
pub fn maximum(n: i64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "maximum", n.into())
}

/// Minimum length of a string.
pub fn min_len(n: u64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "minLength", n.into())
}

/// Maximum length of a string.
pub fn max_len(n: u64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "maxLength", n.into())
}

/// Minimum size of a list.
pub fn min_items(n: u64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "minItems", n.into())
}

/// Maximum size of a list.
pub fn max_items(n: u64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "maxItems", n.into())
}

/// Minimum number of map entries.
pub fn min_props(n: u64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "minProperties", n.into())
}

/// Maximum number of map entries.
pub fn max_props(n: u64) -> impl FnMut(&mut Schema) {
    move |schema| set(schema, "maxProperties", n.into())
}
