//! The objects of each chart, built from the chart's values (see [`super::chart::values`]).
//!
//! Each module renders what Istio's chart of the same name renders for istioctl: the same
//! objects, names, labels, fields and conditions. The values are Helm's `.Values`; `ns` is the
//! release namespace.

pub mod base;
pub mod cni;
pub mod gateway;
pub mod istiod;
pub mod ztunnel;

use serde_json::{json, Map, Value};

use super::chart::BadSetting;

/// What a chart renderer returns.
pub type Rendered = Result<Vec<Value>, BadSetting>;

/// Object metadata from its parts (labels and annotations only when given).
pub fn meta(
    name: &str,
    namespace: Option<&str>,
    labels: Map<String, Value>,
    annotations: Option<Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), name.into());
    if let Some(ns) = namespace {
        m.insert("namespace".into(), ns.into());
    }
    m.insert("labels".into(), Value::Object(labels));
    if let Some(a) = annotations {
        m.insert("annotations".into(), a);
    }
    Value::Object(m)
}

/// A label map from pairs, later pairs winning.
pub fn labels<'a>(pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_owned(), v);
    }
    m
}

/// Extends `m` with `extra` (later keys win).
pub fn with(mut m: Map<String, Value>, extra: Map<String, Value>) -> Map<String, Value> {
    m.extend(extra);
    m
}

/// An RBAC rule.
pub fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

/// A ClusterRoleBinding or RoleBinding of `role` to one service account.
pub fn binding(kind: &str, metadata: Value, role_kind: &str, role: &str, subject: Value) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [subject],
    })
}

/// `imagePullSecrets` entries from a list of secret names.
pub fn pull_secrets(v: &Value) -> Option<Value> {
    let list = v.as_array().filter(|l| !l.is_empty())?;
    Some(Value::Array(
        list.iter()
            .map(|s| json!({"name": super::chart::text(s)}))
            .collect(),
    ))
}

/// A field path → value map, inserted in order, skipping `None`s.
pub fn fields(entries: Vec<(&str, Option<Value>)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        if let Some(v) = v {
            m.insert(k.to_owned(), v);
        }
    }
    Value::Object(m)
}

/// `Some(v)` when `v` is truthy (a non-empty map/list/string, true, non-zero).
pub fn some(v: &Value) -> Option<Value> {
    super::chart::truthy(v).then(|| v.clone())
}
