//! Kubernetes strategic merge of a patch into a pod, as istiod overlays its rendered template:
//! lists with a merge key (containers by name, env by name, volume mounts by path, ...) merge
//! element-wise and keep the API machinery's ordering; other lists are replaced; `null`
//! deletes a field.

use serde_json::{Map, Value};

/// The merge key of a list field of a pod, by its path of field names (list levels omitted).
fn merge_key(path: &[&str]) -> Option<&'static str> {
    let last = *path.last()?;
    let parent = path.len().checked_sub(2).map(|i| path[i]);
    Some(match (parent, last) {
        (Some("spec"), "containers" | "initContainers" | "ephemeralContainers") => "name",
        (Some("spec"), "volumes" | "imagePullSecrets" | "resourceClaims" | "schedulingGates") => {
            "name"
        }
        (Some("spec"), "hostAliases") => "ip",
        (Some("containers" | "initContainers" | "ephemeralContainers"), "ports") => "containerPort",
        (Some("containers" | "initContainers" | "ephemeralContainers"), "env") => "name",
        (Some("containers" | "initContainers" | "ephemeralContainers"), "volumeMounts") => {
            "mountPath"
        }
        (Some("containers" | "initContainers" | "ephemeralContainers"), "volumeDevices") => {
            "devicePath"
        }
        (Some("metadata"), "ownerReferences") => "uid",
        _ => return None,
    })
}

/// Merges `patch` into `original` (both pod-shaped).
pub fn merge_pod(original: &mut Value, patch: &Value) {
    merge_value(original, patch, &mut Vec::new());
}

fn merge_value(original: &mut Value, patch: &Value, path: &mut Vec<&'static str>) {
    match (original, patch) {
        (Value::Object(o), Value::Object(p)) => merge_map(o, p, path),
        (o, p) => *o = without_nulls(p),
    }
}

fn merge_map(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    path: &mut Vec<&'static str>,
) {
    for (k, pv) in patch {
        if pv.is_null() {
            original.remove(k);
            continue;
        }
        let Some(ov) = original.get_mut(k) else {
            original.insert(k.clone(), without_nulls(pv));
            continue;
        };
        let name: &'static str = intern(k);
        path.push(name);
        match (ov, pv) {
            (Value::Object(o), Value::Object(p)) => merge_map(o, p, path),
            (Value::Array(o), Value::Array(p)) => match merge_key(path) {
                Some(key) => merge_list(o, p, key, path),
                None if path.last() == Some(&"finalizers") => {
                    for x in p {
                        if !o.contains(x) {
                            o.push(x.clone());
                        }
                    }
                }
                None => *o = p.iter().map(without_nulls).collect(),
            },
            (ov, pv) => *ov = without_nulls(pv),
        }
        path.pop();
    }
}

/// Field names on the merge paths, as static strings (others are not needed by name).
fn intern(k: &str) -> &'static str {
    const NAMES: &[&str] = &[
        "spec",
        "metadata",
        "containers",
        "initContainers",
        "ephemeralContainers",
        "volumes",
        "imagePullSecrets",
        "resourceClaims",
        "schedulingGates",
        "hostAliases",
        "ports",
        "env",
        "volumeMounts",
        "volumeDevices",
        "ownerReferences",
        "finalizers",
    ];
    NAMES.iter().find(|n| **n == k).copied().unwrap_or("")
}

fn key_of<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object().and_then(|m| m.get(key))
}

/// Merges a keyed list: patch items merge into the original item with the same key or are
/// added; then patch items come in patch order, interleaved with the original-only items as
/// the API machinery's `mergeSortedSlice` does.
fn merge_list(original: &mut Vec<Value>, patch: &[Value], key: &str, path: &mut Vec<&'static str>) {
    let server_order: Vec<Value> = original.clone();
    let mut merged = std::mem::take(original);
    for p in patch {
        let pk = key_of(p, key);
        match merged
            .iter_mut()
            .find(|o| pk.is_some() && key_of(o, key) == pk)
        {
            Some(o) => {
                if let (Value::Object(om), Value::Object(pm)) = (o, p) {
                    merge_map(om, pm, path);
                }
            }
            None => merged.push(without_nulls(p)),
        }
    }
    let patch_keys: Vec<Option<&Value>> = patch.iter().map(|p| key_of(p, key)).collect();
    let in_patch = |v: &Value| {
        let k = key_of(v, key);
        k.is_some() && patch_keys.contains(&k)
    };
    let mut patch_items: Vec<Value> = merged.iter().filter(|v| in_patch(v)).cloned().collect();
    let mut server_only: Vec<Value> = merged.iter().filter(|v| !in_patch(v)).cloned().collect();
    let index_in = |list: &[Value], v: &Value| -> Option<usize> {
        let k = key_of(v, key)?;
        list.iter().position(|x| key_of(x, key) == Some(k))
    };
    patch_items.sort_by_key(|v| index_in(patch, v).unwrap_or(usize::MAX));
    server_only.sort_by_key(|v| index_in(&server_order, v).unwrap_or(usize::MAX));
    let (mut i, mut j) = (0usize, 0usize);
    let mut out = Vec::with_capacity(patch_items.len() + server_only.len());
    while i < server_only.len() || j < patch_items.len() {
        if i >= server_only.len() {
            out.push(patch_items[j].clone());
            j += 1;
        } else if j >= patch_items.len() {
            out.push(server_only[i].clone());
            i += 1;
        } else {
            let li = index_in(&server_order, &server_only[i]);
            let ri = index_in(&server_order, &patch_items[j]);
            match (li, ri) {
                (Some(l), Some(r)) if l < r => {
                    out.push(server_only[i].clone());
                    i += 1;
                }
                _ => {
                    out.push(patch_items[j].clone());
                    j += 1;
                }
            }
        }
    }
    *original = out;
}

/// A patch value with the `null`s inside its maps dropped (they delete nothing new).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_containers_by_name() {
        let mut pod = json!({"spec": {"containers": [{"name": "app", "image": "a"}],
                                      "volumes": [{"name": "data"}]}});
        let patch = json!({"spec": {"containers": [{"name": "istio-proxy", "image": "p"},
                                                   {"name": "app", "env": [{"name": "X"}]}],
                                    "volumes": [{"name": "v", "emptyDir": null}]}});
        merge_pod(&mut pod, &patch);
        assert_eq!(
            pod,
            json!({"spec": {"containers": [{"name": "istio-proxy", "image": "p"},
                                           {"name": "app", "image": "a", "env": [{"name": "X"}]}],
                            "volumes": [{"name": "v"}, {"name": "data"}]}})
        );
    }
}
