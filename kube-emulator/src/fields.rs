//! Which fields an object may have: unknown fields of built-in kinds (against the generated
//! schema) and of custom resources (against the CRD's structural schema, with pruning, nulls,
//! `default`s, and the type, enum, required, bound and pattern checks of the API server's
//! OpenAPI validation).

use regex::Regex;
use serde_json::{Map, Value};

use crate::schema::{self, Ty, TypeDef};
use crate::validation::{go_value, FieldError};

/// What the request asked for unknown fields (`fieldValidation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Directive {
    /// Drop them silently.
    Ignore,
    /// Drop them with a `Warning` header each (the default).
    Warn,
    /// Reject the request.
    Strict,
}

impl Directive {
    /// Parses the `fieldValidation` parameter (absent: Warn).
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        match text {
            None | Some("") | Some("Warn") => Ok(Self::Warn),
            Some("Ignore") => Ok(Self::Ignore),
            Some("Strict") => Ok(Self::Strict),
            Some(other) => Err(format!(
                "fieldValidation parameter unsupported: {other:?}; must be one of Ignore, Warn, Strict"
            )),
        }
    }
}

/// A JSON path step, for the two notations the API server uses.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize, Option<String>),
}

/// `spec.template.spec.containers[0].bogus` (strict decoding's notation).
fn dotted(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i, _) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// `.spec.template.spec.containers[name="c"].bogus` (structured-merge-diff's notation).
fn smd(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(_, Some(name)) => out.push_str(&format!("[name={name:?}]")),
            Step::Index(i, None) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// An unknown field: both notations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unknown {
    /// `spec.bogus`.
    pub dotted: String,
    /// `.spec.bogus`.
    pub smd: String,
}

fn record(path: &[Step], out: &mut Vec<Unknown>) {
    out.push(Unknown {
        dotted: dotted(path),
        smd: smd(path),
    });
}

fn item_step(i: usize, item: &Value) -> Step {
    Step::Index(
        i,
        item.get("name").and_then(Value::as_str).map(str::to_string),
    )
}

/// Finds (and with `prune`, removes) the fields of `obj` that its built-in kind does not have.
pub(crate) fn builtin_unknown(def: &TypeDef, obj: &mut Value, prune: bool) -> Vec<Unknown> {
    let mut out = Vec::new();
    walk_type(def, obj, &mut Vec::new(), prune, &mut out);
    out
}

/// The first value of `obj` whose JSON type does not fit its built-in kind's Go type, as
/// `encoding/json` reports it: `json: cannot unmarshal string into Go struct field
/// DeploymentSpec.spec.replicas of type int32`.
pub(crate) fn builtin_type_error(def: &TypeDef, obj: &Value, package: &str) -> Option<String> {
    type_error_in(def, obj, &mut Vec::new(), package)
}

fn go_json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn go_type(ty: &Ty, package: &str) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::Bool => "bool".into(),
        Ty::Int32 => "int32".into(),
        Ty::Int64 => "int64".into(),
        Ty::Float64 => "float64".into(),
        Ty::Bytes => "[]uint8".into(),
        Ty::Ref(i) => format!("{package}.{}", schema::types(*i).name),
        Ty::List(inner) => format!("[]{}", go_type(inner, package)),
        Ty::Map(inner) => format!("map[string]{}", go_type(inner, package)),
        _ => "interface {}".into(),
    }
}

fn fits(ty: &Ty, value: &Value) -> bool {
    match (ty, value) {
        (_, Value::Null) => true,
        (Ty::String | Ty::Bytes | Ty::Time | Ty::MicroTime, v) => v.is_string(),
        (Ty::Bool, v) => v.is_boolean(),
        (Ty::Int32 | Ty::Int64, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Ty::Float64, v) => v.is_number(),
        (Ty::Ref(_), v) => v.is_object(),
        (Ty::List(_), v) => v.is_array(),
        (Ty::Map(_), v) => v.is_object(),
        (Ty::IntOrString | Ty::Quantity, v) => v.is_string() || v.is_number(),
        (Ty::Raw | Ty::Any, _) => true,
        _ => false,
    }
}

fn type_error_in(
    def: &TypeDef,
    value: &Value,
    path: &mut Vec<String>,
    package: &str,
) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    for (key, child) in map {
        let Some(field) = def.field(key) else {
            continue;
        };
        path.push(key.clone());
        let found = type_error_ty(def, &field.ty, child, path, package);
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

fn type_error_ty(
    owner: &TypeDef,
    ty: &Ty,
    value: &Value,
    path: &mut Vec<String>,
    package: &str,
) -> Option<String> {
    if let Ty::Quantity = ty {
        // Quantity's own decoder answers with `ParseQuantity`'s error.
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => return None,
            other => other.to_string(),
        };
        return crate::quantity::parse(&text).err().map(str::to_string);
    }
    if !fits(ty, value) {
        // A number that does not fit an integer field is named with its text.
        let kind = match (ty, value) {
            (Ty::Int32 | Ty::Int64, Value::Number(n)) => format!("number {n}"),
            (_, other) => go_json_kind(other).to_string(),
        };
        return Some(format!(
            "json: cannot unmarshal {kind} into Go struct field {}.{} of type {}",
            owner.name,
            path.join("."),
            go_type(ty, package)
        ));
    }
    match (ty, value) {
        (Ty::Ref(i), v) => type_error_in(schema::types(*i), v, path, package),
        (Ty::List(inner), Value::Array(items)) => items
            .iter()
            .find_map(|item| type_error_ty(owner, inner, item, path, package)),
        (Ty::Map(inner), Value::Object(map)) => map
            .values()
            .find_map(|item| type_error_ty(owner, inner, item, path, package)),
        _ => None,
    }
}

fn walk_type(
    def: &TypeDef,
    value: &mut Value,
    path: &mut Vec<Step>,
    prune: bool,
    out: &mut Vec<Unknown>,
) {
    let Value::Object(map) = value else {
        return;
    };
    let mut unknown = Vec::new();
    for (key, child) in map.iter_mut() {
        let top_level = path.is_empty() && def.resource && (key == "apiVersion" || key == "kind");
        if top_level {
            continue;
        }
        path.push(Step::Key(key.clone()));
        match def.field(key) {
            Some(field) => walk_ty(&field.ty, child, path, prune, out),
            None => {
                record(path, out);
                unknown.push(key.clone());
            }
        }
        path.pop();
    }
    if prune {
        for key in unknown {
            map.remove(&key);
        }
    }
}

fn walk_ty(ty: &Ty, value: &mut Value, path: &mut Vec<Step>, prune: bool, out: &mut Vec<Unknown>) {
    match (ty, value) {
        (Ty::Ref(i), value) => walk_type(schema::types(*i), value, path, prune, out),
        (Ty::List(inner), Value::Array(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(item_step(i, item));
                walk_ty(inner, item, path, prune, out);
                path.pop();
            }
        }
        (Ty::Map(inner), Value::Object(map)) => {
            for (key, item) in map.iter_mut() {
                path.push(Step::Key(key.clone()));
                walk_ty(inner, item, path, prune, out);
                path.pop();
            }
        }
        _ => {}
    }
}

// ---- custom resources ------------------------------------------------------------------------

/// The result of checking a custom resource against its structural schema.
#[derive(Debug, Default)]
pub(crate) struct CustomCheck {
    /// Fields the schema does not declare (pruned).
    pub unknown: Vec<Unknown>,
    /// Validation errors.
    pub errors: Vec<FieldError>,
    /// Rules the emulator could not evaluate.
    pub warnings: Vec<String>,
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_fits(expected: &str, value: &Value) -> bool {
    match (expected, value) {
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        ("number", Value::Number(_)) => true,
        (t, v) => json_type(v) == t,
    }
}

/// Applies `default`s, prunes unknown fields and nulls, and validates `obj` (a custom resource)
/// against `schema` (the version's `openAPIV3Schema`).
pub(crate) fn check_custom(schema: &Value, obj: &mut Value) -> CustomCheck {
    let mut check = CustomCheck::default();
    let mut path = Vec::new();
    walk_schema(schema, obj, &mut path, true, &mut check);
    check
}

fn preserves(schema: &Value) -> bool {
    schema["x-kubernetes-preserve-unknown-fields"].as_bool() == Some(true)
}

fn walk_schema(
    schema: &Value,
    value: &mut Value,
    path: &mut Vec<Step>,
    root: bool,
    check: &mut CustomCheck,
) {
    let field = dotted(path);
    let int_or_string = schema["x-kubernetes-int-or-string"].as_bool() == Some(true);
    if let Some(expected) = schema["type"].as_str() {
        let fits = if int_or_string {
            matches!(value, Value::String(_)) || type_fits("integer", value)
        } else {
            type_fits(expected, value)
        };
        if !fits {
            check.errors.push(FieldError::invalid(
                field.clone(),
                value,
                &format!(
                    "{field} in body must be of type {expected}: {:?}",
                    json_type(value)
                ),
            ));
            return;
        }
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            let supported: Vec<String> = options.iter().map(go_value).collect();
            check.errors.push(FieldError {
                field: field.clone(),
                reason: "FieldValueNotSupported",
                body: format!(
                    "Unsupported value: {}: supported values: {}",
                    go_value(value),
                    supported.join(", ")
                ),
            });
        }
    }
    if let Some(n) = value.as_f64() {
        let exclusive_min = schema["exclusiveMinimum"].as_bool() == Some(true);
        let exclusive_max = schema["exclusiveMaximum"].as_bool() == Some(true);
        if let Some(min) = schema["minimum"].as_f64() {
            if n < min || (exclusive_min && n == min) {
                let word = if exclusive_min {
                    "greater than"
                } else {
                    "greater than or equal to"
                };
                check.errors.push(FieldError::invalid(
                    field.clone(),
                    value,
                    &format!("{field} in body should be {word} {}", schema["minimum"]),
                ));
            }
        }
        if let Some(max) = schema["maximum"].as_f64() {
            if n > max || (exclusive_max && n == max) {
                let word = if exclusive_max {
                    "less than"
                } else {
                    "less than or equal to"
                };
                check.errors.push(FieldError::invalid(
                    field.clone(),
                    value,
                    &format!("{field} in body should be {word} {}", schema["maximum"]),
                ));
            }
        }
    }
    if let (Some(text), Some(pattern)) = (value.as_str(), schema["pattern"].as_str()) {
        if let Ok(re) = Regex::new(pattern) {
            if !re.is_match(text) {
                check.errors.push(FieldError::invalid(
                    field.clone(),
                    value,
                    &format!("{field} in body should match '{pattern}'"),
                ));
            }
        }
    }
    check_rules(schema, value, path, check);
    match value {
        Value::Object(map) => walk_object(schema, map, path, root, check),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items").filter(|s| s.is_object()) {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(item_step(i, item));
                    walk_schema(item_schema, item, path, false, check);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// The `x-kubernetes-validations` at this schema node, with the API server's errors: the rule's
/// `message` (or `failed rule: RULE`) at the node's path plus the rule's `fieldPath`, as an
/// invalid value shown as the node's type, or as the rule's `reason`.
fn check_rules(schema: &Value, value: &Value, path: &[Step], check: &mut CustomCheck) {
    let Some(rules) = schema["x-kubernetes-validations"].as_array() else {
        return;
    };
    for rule in rules {
        let Some(text) = rule["rule"].as_str() else {
            continue;
        };
        match crate::rules::evaluate(text, value) {
            crate::rules::Outcome::Holds => {}
            crate::rules::Outcome::Fails => {
                let message = rule["message"]
                    .as_str()
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("failed rule: {}", text.trim()));
                let mut field = dotted(path);
                if let Some(extra) = rule["fieldPath"].as_str().filter(|f| !f.is_empty()) {
                    field.push_str(extra);
                }
                let shown = Value::String(schema["type"].as_str().unwrap_or("").to_string());
                check.errors.push(match rule["reason"].as_str() {
                    Some("FieldValueRequired") => FieldError::required(field, &message),
                    Some("FieldValueForbidden") => FieldError::forbidden(field, &message),
                    Some("FieldValueDuplicate") => FieldError {
                        field,
                        reason: "FieldValueDuplicate",
                        body: format!("Duplicate value: {}", go_value(&shown)),
                    },
                    _ => FieldError::invalid(field, &shown, &message),
                });
            }
            crate::rules::Outcome::Unevaluable(why) => check.warnings.push(format!(
                "kube-emulator could not evaluate the x-kubernetes-validations rule {text:?} at {}: {why}",
                if path.is_empty() { "<root>".to_string() } else { dotted(path) }
            )),
        }
    }
}

fn walk_object(
    schema: &Value,
    map: &mut Map<String, Value>,
    path: &mut Vec<Step>,
    root: bool,
    check: &mut CustomCheck,
) {
    let properties = schema["properties"].as_object();
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    // Defaults for absent properties.
    if let Some(props) = properties {
        for (key, prop) in props {
            if let Some(default) = prop.get("default") {
                if !map.contains_key(key) {
                    map.insert(key.clone(), default.clone());
                }
            }
        }
    }
    let mut remove = Vec::new();
    for (key, child) in map.iter_mut() {
        if root && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        let child_schema = properties.and_then(|p| p.get(key)).or(additional);
        path.push(Step::Key(key.clone()));
        match child_schema {
            Some(s) => {
                if child.is_null() && s["nullable"].as_bool() != Some(true) {
                    remove.push(key.clone());
                } else {
                    walk_schema(s, child, path, false, check);
                }
            }
            None if preserves(schema) => {}
            None => {
                record(path, &mut check.unknown);
                remove.push(key.clone());
            }
        }
        path.pop();
    }
    for key in remove {
        map.remove(&key);
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        if let Some(key) = required.as_str() {
            if !map.contains_key(key) {
                path.push(Step::Key(key.to_string()));
                check.errors.push(FieldError::required(dotted(path), ""));
                path.pop();
            }
        }
    }
}

/// The `openAPIV3Schema` of a CRD's version, if it has one.
pub(crate) fn crd_schema<'a>(crd: &'a Value, version: &str) -> Option<&'a Value> {
    crd.pointer("/spec/versions")?
        .as_array()?
        .iter()
        .find(|v| v["name"] == version)?
        .pointer("/schema/openAPIV3Schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builtin_unknown_fields_in_both_notations() {
        let def = schema::kind("apps/v1", "Deployment").unwrap();
        let mut obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "d", "bogus": 1 },
            "spec": { "template": { "spec": { "containers": [{ "name": "c", "image": "i", "extra": true }] } } },
            "bogus": "x",
        });
        let unknown = builtin_unknown(def, &mut obj, true);
        let dotted: Vec<&str> = unknown.iter().map(|u| u.dotted.as_str()).collect();
        let smd: Vec<&str> = unknown.iter().map(|u| u.smd.as_str()).collect();
        assert_eq!(
            dotted,
            [
                "metadata.bogus",
                "spec.template.spec.containers[0].extra",
                "bogus"
            ]
        );
        assert_eq!(
            smd,
            [
                ".metadata.bogus",
                ".spec.template.spec.containers[name=\"c\"].extra",
                ".bogus"
            ]
        );
        assert!(obj.get("bogus").is_none() && obj["metadata"].get("bogus").is_none());
        let mut cm = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": { "any": "key" } });
        assert!(
            builtin_unknown(schema::kind("v1", "ConfigMap").unwrap(), &mut cm, true).is_empty()
        );
    }

    #[test]
    fn builtin_type_errors_read_like_encoding_json() {
        let def = schema::kind("apps/v1", "Deployment").unwrap();
        let check = |obj: Value| builtin_type_error(def, &obj, "v1");
        assert_eq!(
            check(json!({ "spec": "not a map" })).unwrap(),
            "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"
        );
        assert_eq!(
            check(json!({ "spec": { "replicas": "3" } })).unwrap(),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
        assert_eq!(
            check(json!({ "spec": { "template": { "spec": { "containers": [{ "name": 5 }] } } } })).unwrap(),
            "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.name of type string"
        );
        assert_eq!(
            check(
                json!({ "spec": { "replicas": 3, "strategy": { "rollingUpdate": { "maxSurge": "25%" } } } })
            ),
            None
        );
    }

    #[test]
    fn custom_resources_against_their_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string", "pattern": "^[a-z]+$" },
                        "size": { "type": "integer", "minimum": 0, "default": 1 },
                        "mode": { "type": "string", "enum": ["a", "b"] },
                        "port": { "x-kubernetes-int-or-string": true },
                        "free": { "type": "object", "x-kubernetes-preserve-unknown-fields": true },
                    },
                },
            },
        });
        let mut ok = json!({ "apiVersion": "x/v1", "kind": "K", "metadata": { "name": "k" },
            "spec": { "name": "abc", "port": "http", "free": { "x": 1 }, "mode": null, "bogus": 2 } });
        let check = check_custom(&schema, &mut ok);
        assert!(check.errors.is_empty(), "{:?}", check.errors);
        assert_eq!(
            check
                .unknown
                .iter()
                .map(|u| u.dotted.as_str())
                .collect::<Vec<_>>(),
            ["spec.bogus"]
        );
        assert_eq!(
            ok["spec"],
            json!({ "name": "abc", "port": "http", "free": { "x": 1 }, "size": 1 })
        );
        let mut bad = json!({ "spec": { "name": "ABC", "size": -1, "mode": "c" } });
        let messages: Vec<String> = check_custom(&schema, &mut bad)
            .errors
            .iter()
            .map(FieldError::message)
            .collect();
        assert_eq!(
            messages,
            [
                "spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'",
                "spec.size: Invalid value: -1: spec.size in body should be greater than or equal to 0",
                "spec.mode: Unsupported value: \"c\": supported values: \"a\", \"b\"",
            ]
        );
        let rules = json!({
            "type": "object",
            "properties": { "spec": {
                "type": "object",
                "x-kubernetes-validations": [
                    { "rule": "(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1", "message": "Only one of a or b can be set" },
                    { "rule": "self.size() > 0" },
                    { "rule": "self.bogus(", "message": "never" },
                ],
                "properties": {
                    "a": { "type": "string" }, "b": { "type": "string" },
                    "port": { "type": "integer", "x-kubernetes-validations": [{ "rule": "0 < self && self <= 65535", "message": "port must be between 1-65535" }] },
                },
            } },
        });
        let mut two = json!({ "spec": { "a": "x", "b": "y", "port": 0 } });
        let check = check_custom(&rules, &mut two);
        let messages: Vec<String> = check.errors.iter().map(FieldError::message).collect();
        assert_eq!(
            messages,
            [
                "spec: Invalid value: \"object\": Only one of a or b can be set",
                "spec.port: Invalid value: \"integer\": port must be between 1-65535",
            ]
        );
        assert_eq!(check.warnings.len(), 1);
        assert!(check.warnings[0].starts_with("kube-emulator could not evaluate the x-kubernetes-validations rule \"self.bogus(\" at spec: does not compile"), "{:?}", check.warnings);
        let mut empty = json!({ "spec": {} });
        let messages: Vec<String> = check_custom(&rules, &mut empty)
            .errors
            .iter()
            .map(FieldError::message)
            .collect();
        assert_eq!(
            messages,
            ["spec: Invalid value: \"object\": failed rule: self.size() > 0"]
        );
        let mut wrong = json!({ "spec": { "size": "big" } });
        let messages: Vec<String> = check_custom(&schema, &mut wrong)
            .errors
            .iter()
            .map(FieldError::message)
            .collect();
        assert_eq!(
            messages,
            [
                "spec.size: Invalid value: \"big\": spec.size in body must be of type integer: \"string\"",
                "spec.name: Required value",
            ]
        );
    }
}
