//! JSON merge patch (RFC 7386), strategic merge patch (approximated: lists of maps merge by a
//! key guessed from the items, kubectl's `$patch`/`$setElementOrder`/`$retainKeys`/
//! `$deleteFromPrimitiveList` directives are honoured or dropped), and JSON patch (RFC 6902).

use serde_json::Value;

/// Applies a JSON merge patch in place: objects merge recursively, `null` deletes, anything else
/// replaces.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let target_map = target.as_object_mut().expect("object ensured above");
    for (key, value) in patch_map {
        if value.is_null() {
            target_map.remove(key);
        } else {
            merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// Keys that identify list items in strategic merge patches, by precedence (Kubernetes declares
/// them per field: `name` for containers, env, volumes, webhooks…, `containerPort`, `port`,
/// `mountPath`, `type` for conditions…).
const MERGE_KEYS: &[&str] = &[
    "name",
    "containerPort",
    "port",
    "mountPath",
    "devicePath",
    "ip",
    "type",
];

/// The merge key all map items of `patch` carry, if the list is one of maps.
fn merge_key(patch: &[Value]) -> Option<&'static str> {
    if patch.is_empty() || !patch.iter().all(Value::is_object) {
        return None;
    }
    MERGE_KEYS.iter().copied().find(|key| {
        patch
            .iter()
            .all(|item| item.get(*key).is_some() || item.get("$patch").is_some())
    })
}

/// A value with strategic-merge directives removed (for values inserted as they are).
fn strip_directives(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_directives).collect()),
        other => other.clone(),
    }
}

/// Applies a strategic merge patch in place.
pub(crate) fn strategic_merge_patch(target: &mut Value, patch: &Value) {
    match (&mut *target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                *target = strip_directives(patch);
                return;
            }
            for (key, value) in p {
                if let Some(field) = key.strip_prefix("$deleteFromPrimitiveList/") {
                    if let (Some(Value::Array(items)), Some(gone)) =
                        (t.get_mut(field), value.as_array())
                    {
                        items.retain(|item| !gone.contains(item));
                    }
                } else if key.starts_with('$') {
                    // $setElementOrder/…, $retainKeys, $patch: ordering and pruning hints.
                } else if value.is_null() {
                    t.remove(key);
                } else if let Some(existing) = t.get_mut(key) {
                    strategic_merge_patch(existing, value);
                } else {
                    t.insert(key.clone(), strip_directives(value));
                }
            }
        }
        (Value::Array(t), Value::Array(p)) => match merge_key(p) {
            Some(key) => {
                for item in p {
                    let id = &item[key];
                    let found = t.iter().position(|existing| existing.get(key) == Some(id));
                    let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                    match (found, delete) {
                        (Some(i), true) => {
                            t.remove(i);
                        }
                        (Some(i), false) => strategic_merge_patch(&mut t[i], item),
                        (None, false) => t.push(strip_directives(item)),
                        (None, true) => {}
                    }
                }
            }
            None => *target = strip_directives(patch),
        },
        _ => *target = strip_directives(patch),
    }
}

/// Decodes one JSON pointer token (`~1` is `/`, `~0` is `~`).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Splits a JSON pointer into its parent pointer and last token.
fn split_pointer(pointer: &str) -> Result<(&str, String), String> {
    let idx = pointer
        .rfind('/')
        .ok_or_else(|| format!("invalid JSON pointer {pointer:?}"))?;
    Ok((&pointer[..idx], unescape(&pointer[idx + 1..])))
}

fn parent_mut<'a>(doc: &'a mut Value, pointer: &str) -> Result<&'a mut Value, String> {
    doc.pointer_mut(pointer)
        .ok_or_else(|| format!("path {pointer:?} does not exist"))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    match parent_mut(doc, parent)? {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let idx = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| format!("invalid array index {last:?} in {path:?}"))?
            };
            if idx > items.len() {
                return Err(format!("array index {idx} out of bounds in {path:?}"));
            }
            items.insert(idx, value);
            Ok(())
        }
        _ => Err(format!(
            "cannot add to {path:?}: parent is not an object or array"
        )),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    match parent_mut(doc, parent)? {
        Value::Object(map) => map
            .remove(&last)
            .ok_or_else(|| format!("cannot remove {path:?}: it does not exist")),
        Value::Array(items) => {
            let idx = last
                .parse::<usize>()
                .map_err(|_| format!("invalid array index {last:?} in {path:?}"))?;
            if idx >= items.len() {
                return Err(format!("array index {idx} out of bounds in {path:?}"));
            }
            Ok(items.remove(idx))
        }
        _ => Err(format!(
            "cannot remove {path:?}: parent is not an object or array"
        )),
    }
}

fn str_field<'a>(op: &'a Value, field: &str) -> Result<&'a str, String> {
    op.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("JSON patch operation without {field:?}: {op}"))
}

/// Applies a JSON patch (a list of operations) to `doc`; on error `doc` may be partly patched,
/// so callers patch a copy.
pub(crate) fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops
        .as_array()
        .ok_or("a JSON patch must be a list of operations")?;
    for op in ops {
        let path = str_field(op, "path")?;
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| format!("JSON patch operation without \"value\": {op}"))
        };
        match str_field(op, "op")? {
            "add" => add(doc, path, value()?)?,
            "remove" => {
                remove(doc, path)?;
            }
            "replace" => {
                let target = doc
                    .pointer_mut(path)
                    .ok_or_else(|| format!("cannot replace {path:?}: it does not exist"))?;
                *target = value()?;
            }
            "move" => {
                let moved = remove(doc, str_field(op, "from")?)?;
                add(doc, path, moved)?;
            }
            "copy" => {
                let from = str_field(op, "from")?;
                let copied = doc
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| format!("cannot copy {from:?}: it does not exist"))?;
                add(doc, path, copied)?;
            }
            "test" => {
                if doc.pointer(path) != Some(&value()?) {
                    return Err(format!("test operation failed at {path:?}"));
                }
            }
            other => return Err(format!("unknown JSON patch operation {other:?}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge() {
        let mut doc = json!({"a": {"b": 1, "c": 2}, "d": [1]});
        merge_patch(&mut doc, &json!({"a": {"b": null, "e": 3}, "d": [2]}));
        assert_eq!(doc, json!({"a": {"c": 2, "e": 3}, "d": [2]}));
    }

    #[test]
    fn strategic() {
        let mut doc = json!({"spec": {"containers": [
            {"name": "a", "image": "a:1", "ports": [{"containerPort": 80}]},
            {"name": "b", "image": "b:1"}
        ], "args": ["x"]}});
        strategic_merge_patch(
            &mut doc,
            &json!({"spec": {
                "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                "containers": [{"name": "a", "image": "a:2"}, {"name": "b", "$patch": "delete"}, {"name": "c", "image": "c:1"}],
                "args": ["y"]
            }}),
        );
        assert_eq!(
            doc,
            json!({"spec": {"containers": [
                {"name": "a", "image": "a:2", "ports": [{"containerPort": 80}]},
                {"name": "c", "image": "c:1"}
            ], "args": ["y"]}})
        );
        let mut doc = json!({"m": {"k": 1}, "l": [1, 2, 3]});
        strategic_merge_patch(
            &mut doc,
            &json!({"m": {"$patch": "replace", "j": 2}, "$deleteFromPrimitiveList/l": [2]}),
        );
        assert_eq!(doc, json!({"m": {"j": 2}, "l": [1, 3]}));
    }

    #[test]
    fn json_ops() {
        let mut doc = json!({"a": {"b": 1}, "l": [1, 2]});
        json_patch(
            &mut doc,
            &json!([
                {"op": "add", "path": "/a/c", "value": 2},
                {"op": "replace", "path": "/a/b", "value": 5},
                {"op": "add", "path": "/l/-", "value": 3},
                {"op": "remove", "path": "/l/0"},
                {"op": "copy", "from": "/a/b", "path": "/x"},
                {"op": "move", "from": "/x", "path": "/y"},
                {"op": "test", "path": "/y", "value": 5},
                {"op": "add", "path": "/a~1b", "value": true},
            ]),
        )
        .unwrap();
        assert_eq!(
            doc,
            json!({"a": {"b": 5, "c": 2}, "l": [2, 3], "y": 5, "a/b": true})
        );
        assert!(json_patch(&mut doc, &json!([{"op": "test", "path": "/y", "value": 6}])).is_err());
        assert!(json_patch(&mut doc, &json!([{"op": "remove", "path": "/nope"}])).is_err());
    }
}
