//! The `scale` subresource of Deployments, ReplicaSets and StatefulSets (`autoscaling/v1`
//! Scale).

use serde_json::{json, Value};

use crate::resources::ResourceInfo;

/// Whether the resource has a `scale` subresource.
pub(crate) fn has_scale(info: &ResourceInfo) -> bool {
    info.group == "apps"
        && matches!(
            info.plural.as_str(),
            "deployments" | "replicasets" | "statefulsets"
        )
}

/// The Scale view of an object.
pub(crate) fn to_scale(obj: &Value) -> Value {
    let meta = &obj["metadata"];
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": { "replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1)) },
        "status": {
            "replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": selector,
        },
    })
}

/// The object with the replicas a (patched) Scale asks for, or an error message.
pub(crate) fn with_replicas(obj: &Value, scale: &Value) -> Result<Value, String> {
    let replicas = scale
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .filter(|r| *r >= 0)
        .ok_or("spec.replicas: Invalid value: must be a non-negative integer")?;
    let mut updated = obj.clone();
    let Some(map) = updated.as_object_mut() else {
        return Err("the object is not a map".into());
    };
    let spec = map.entry("spec").or_insert_with(|| json!({}));
    if !spec.is_object() {
        *spec = json!({});
    }
    spec["replicas"] = json!(replicas);
    if let Some(rv) = scale.pointer("/metadata/resourceVersion") {
        crate::util::meta_mut(&mut updated).insert("resourceVersion".into(), rv.clone());
    }
    Ok(updated)
}
