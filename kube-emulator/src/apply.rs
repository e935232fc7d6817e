//! Field ownership (`metadata.managedFields`) and server-side apply.
//!
//! Ownership is tracked per manager and operation at leaf granularity: every path of object
//! keys that ends in a scalar, a list (lists are atomic) or an empty map is one field. An apply
//! conflicts when another manager owns a field the applied configuration sets to a different
//! value; `force` takes the field over instead.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::status::ApiError;
use crate::util::get_path;

type Path = Vec<String>;
type FieldSet = BTreeSet<Path>;

/// Metadata fields the server owns; never tracked.
const SERVER_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// Which part of an object a write touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The whole object (resource without a status subresource).
    Whole,
    /// Everything but `status` (the main resource of a kind with a status subresource).
    Main,
    /// Only `status` (the status subresource).
    Status,
}

impl Scope {
    fn subresource(self) -> Option<&'static str> {
        (self == Self::Status).then_some("status")
    }

    fn admits(self, top: &str) -> bool {
        match self {
            Self::Whole => true,
            Self::Main => top != "status",
            Self::Status => top == "status",
        }
    }
}

fn collect(value: &Value, prefix: &mut Path, out: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                prefix.push(key.clone());
                collect(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {
            out.insert(prefix.clone());
        }
    }
}

/// The fields an object sets, within `scope`.
fn leaf_paths(obj: &Value, scope: Scope) -> FieldSet {
    let mut out = FieldSet::new();
    let Some(map) = obj.as_object() else {
        return out;
    };
    for (top, value) in map {
        if top == "apiVersion" || top == "kind" || !scope.admits(top) {
            continue;
        }
        if top == "metadata" {
            for (key, child) in value.as_object().into_iter().flatten() {
                if !SERVER_META.contains(&key.as_str()) {
                    collect(child, &mut vec![top.clone(), key.clone()], &mut out);
                }
            }
        } else {
            collect(value, &mut vec![top.clone()], &mut out);
        }
    }
    out
}

fn fields_to_json(fields: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in fields {
        let mut node = &mut root;
        for key in path {
            let child = node.entry(format!("f:{key}")).or_insert_with(|| json!({}));
            node = child.as_object_mut().expect("fieldsV1 nodes are maps");
        }
        if !node.is_empty() {
            node.insert(".".into(), json!({}));
        }
    }
    // A leaf that later became a parent keeps a "." marker; one that stayed a leaf is `{}`.
    Value::Object(root)
}

fn json_to_fields(value: &Value, prefix: &mut Path, out: &mut FieldSet) {
    let Some(map) = value.as_object() else {
        return;
    };
    if map.is_empty() && !prefix.is_empty() {
        out.insert(prefix.clone());
    }
    for (key, child) in map {
        if let Some(name) = key.strip_prefix("f:") {
            prefix.push(name.to_string());
            json_to_fields(child, prefix, out);
            prefix.pop();
        } else if !prefix.is_empty() {
            // ".", "k:{…}", "v:…", "i:…": ownership of (part of) this node; lists are atomic here.
            out.insert(prefix.clone());
        }
    }
}

/// One `managedFields` entry.
#[derive(Clone, Debug)]
struct Entry {
    manager: String,
    operation: String,
    api_version: String,
    time: String,
    subresource: Option<String>,
    fields: FieldSet,
}

fn read_entries(obj: Option<&Value>) -> Vec<Entry> {
    obj.and_then(|o| o.pointer("/metadata/managedFields"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            let mut fields = FieldSet::new();
            json_to_fields(&e["fieldsV1"], &mut Vec::new(), &mut fields);
            Entry {
                manager: text("manager"),
                operation: text("operation"),
                api_version: text("apiVersion"),
                time: text("time"),
                subresource: e["subresource"].as_str().map(str::to_string),
                fields,
            }
        })
        .collect()
}

fn write_entries(obj: &mut Value, entries: Vec<Entry>) {
    let list: Vec<Value> = entries
        .into_iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager,
                "operation": e.operation,
                "apiVersion": e.api_version,
                "time": e.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": fields_to_json(&e.fields),
            });
            if let Some(sub) = e.subresource {
                v["subresource"] = json!(sub);
            }
            v
        })
        .collect();
    let meta = crate::util::meta_mut(obj);
    if list.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert("managedFields".into(), Value::Array(list));
    }
}

fn is_mine(e: &Entry, manager: &str, operation: &str, scope: Scope) -> bool {
    e.manager == manager
        && e.operation == operation
        && e.subresource.as_deref() == scope.subresource()
}

fn remove_path(obj: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = obj;
    for key in parents {
        match node.get_mut(key) {
            Some(child) => node = child,
            None => return,
        }
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(last);
    }
}

fn deep_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                match t.get_mut(key) {
                    Some(existing) => deep_merge(existing, value),
                    None => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

fn dotted(path: &[String]) -> String {
    format!(".{}", path.join("."))
}

/// What a server-side apply is asked to do.
pub(crate) struct ApplyRequest<'a> {
    pub manager: &'a str,
    pub force: bool,
    pub api_version: &'a str,
    pub scope: Scope,
    pub now: &'a str,
}

/// Server-side apply of `applied` onto `current` (absent: create). Returns the new object with
/// its `managedFields`, or a 409 Conflict naming every conflicting field and its owner.
pub(crate) fn apply(
    current: Option<&Value>,
    applied: &Value,
    req: &ApplyRequest<'_>,
) -> Result<Value, ApiError> {
    let mut applied = applied.clone();
    remove_path(&mut applied, &["metadata".into(), "managedFields".into()]);
    let mine = leaf_paths(&applied, req.scope);
    let mut entries = read_entries(current);

    // Conflicts: fields another manager owns that this apply would change.
    let mut conflicts: Vec<(String, String, Path)> = Vec::new();
    for e in entries.iter().filter(|e| e.manager != req.manager) {
        for path in e.fields.intersection(&mine) {
            let now = current.and_then(|c| get_path(c, path));
            if now != get_path(&applied, path) {
                conflicts.push((e.manager.clone(), e.api_version.clone(), path.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !req.force {
        return Err(conflict_error(&conflicts));
    }
    for (manager, _, path) in &conflicts {
        for e in entries.iter_mut().filter(|e| &e.manager == manager) {
            e.fields.remove(path);
        }
    }

    // Fields this manager applied before but no longer does are removed, unless others own them.
    let mut obj = current.cloned().unwrap_or_else(|| json!({}));
    let before: FieldSet = entries
        .iter()
        .filter(|e| is_mine(e, req.manager, "Apply", req.scope))
        .flat_map(|e| e.fields.iter().cloned())
        .collect();
    for path in before.difference(&mine) {
        let shared = entries
            .iter()
            .filter(|e| !is_mine(e, req.manager, "Apply", req.scope))
            .any(|e| e.fields.contains(path));
        if !shared {
            remove_path(&mut obj, path);
        }
    }
    if let Some(map) = applied.as_object_mut() {
        map.retain(|k, _| {
            k == "apiVersion" || k == "kind" || k == "metadata" || req.scope.admits(k)
        });
    }
    deep_merge(&mut obj, &applied);

    entries.retain(|e| !is_mine(e, req.manager, "Apply", req.scope));
    entries.push(Entry {
        manager: req.manager.to_string(),
        operation: "Apply".into(),
        api_version: req.api_version.to_string(),
        time: req.now.to_string(),
        subresource: req.scope.subresource().map(str::to_string),
        fields: mine,
    });
    write_entries(&mut obj, entries);
    Ok(obj)
}

fn conflict_error(conflicts: &[(String, String, Path)]) -> ApiError {
    let count = conflicts.len();
    let mut by_manager: Vec<(String, String, Vec<String>)> = Vec::new();
    for (manager, api_version, path) in conflicts {
        match by_manager.iter_mut().find(|(m, _, _)| m == manager) {
            Some((_, _, paths)) => paths.push(dotted(path)),
            None => by_manager.push((manager.clone(), api_version.clone(), vec![dotted(path)])),
        }
    }
    let parts: Vec<String> = by_manager
        .iter()
        .map(|(manager, api_version, paths)| {
            if count == 1 {
                format!(
                    "conflict with \"{manager}\" using {api_version}: {}",
                    paths[0]
                )
            } else {
                let list: Vec<String> = paths.iter().map(|p| format!("- {p}")).collect();
                format!(
                    "conflicts with \"{manager}\" using {api_version}:\n{}",
                    list.join("\n")
                )
            }
        })
        .collect();
    let plural = if count == 1 { "" } else { "s" };
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(manager, api_version, path)| {
            json!({
                "type": "FieldManagerConflict",
                "message": format!("conflict with \"{manager}\" using {api_version}"),
                "field": dotted(path),
            })
        })
        .collect();
    ApiError::apply_conflict(
        format!(
            "Apply failed with {count} conflict{plural}: {}",
            parts.join("\n")
        ),
        Value::Array(causes),
    )
}

/// What a non-apply write (create, update, patch) is: the manager takes ownership of every
/// field it changed, from whoever owned it, without conflicts.
pub(crate) struct UpdateRequest<'a> {
    pub manager: &'a str,
    pub api_version: &'a str,
    pub scope: Scope,
    pub now: &'a str,
}

/// Records a non-apply write of `new` over `old` in `new`'s `managedFields`.
pub(crate) fn record_update(old: Option<&Value>, new: &mut Value, req: &UpdateRequest<'_>) {
    let present = leaf_paths(new, Scope::Whole);
    let changed: FieldSet = leaf_paths(new, req.scope)
        .into_iter()
        .filter(|p| old.and_then(|o| get_path(o, p)) != get_path(new, p))
        .collect();
    let mut entries = read_entries(old);
    for e in &mut entries {
        e.fields
            .retain(|p| present.contains(p) && !changed.contains(p));
    }
    if !changed.is_empty() {
        match entries
            .iter_mut()
            .find(|e| is_mine(e, req.manager, "Update", req.scope))
        {
            Some(e) => {
                e.fields.extend(changed);
                e.time = req.now.to_string();
                e.api_version = req.api_version.to_string();
            }
            None => entries.push(Entry {
                manager: req.manager.to_string(),
                operation: "Update".into(),
                api_version: req.api_version.to_string(),
                time: req.now.to_string(),
                subresource: req.scope.subresource().map(str::to_string),
                fields: changed,
            }),
        }
    }
    write_entries(new, entries);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(manager: &'a str, force: bool) -> ApplyRequest<'a> {
        ApplyRequest {
            manager,
            force,
            api_version: "v1",
            scope: Scope::Whole,
            now: "2026-01-01T00:00:00Z",
        }
    }

    #[test]
    fn apply_conflicts_and_force() {
        let a = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "1", "x": "y"}});
        let obj = apply(None, &a, &req("alice", false)).unwrap();
        assert_eq!(
            obj["metadata"]["managedFields"][0]["fieldsV1"]["f:data"]["f:k"],
            json!({})
        );

        // Same value: shared ownership, no conflict.
        let same = json!({"metadata": {"name": "c"}, "data": {"k": "1"}});
        let obj = apply(Some(&obj), &same, &req("bob", false)).unwrap();

        let b = json!({"metadata": {"name": "c"}, "data": {"k": "2"}});
        let err = apply(Some(&obj), &b, &req("carol", false)).unwrap_err();
        assert_eq!(err.code, 409);
        assert!(
            err.message.contains("conflicts with \"alice\""),
            "{}",
            err.message
        );
        assert!(err.message.contains(".data.k"), "{}", err.message);

        let obj = apply(Some(&obj), &b, &req("carol", true)).unwrap();
        assert_eq!(obj["data"]["k"], "2");
        // alice lost data.k; re-applying her old value now conflicts with carol.
        let err = apply(Some(&obj), &a, &req("alice", false)).unwrap_err();
        assert!(err.message.contains("carol"), "{}", err.message);
    }

    #[test]
    fn apply_removes_fields_no_longer_applied() {
        let a = json!({"metadata": {"name": "c"}, "data": {"k": "1", "x": "y"}});
        let obj = apply(None, &a, &req("alice", false)).unwrap();
        let a2 = json!({"metadata": {"name": "c"}, "data": {"k": "1"}});
        let obj = apply(Some(&obj), &a2, &req("alice", false)).unwrap();
        assert_eq!(obj["data"], json!({"k": "1"}));
    }

    #[test]
    fn update_takes_ownership() {
        let a = json!({"metadata": {"name": "c"}, "data": {"k": "1"}});
        let obj = apply(None, &a, &req("alice", false)).unwrap();
        let mut new = obj.clone();
        new["data"]["k"] = json!("2");
        record_update(
            Some(&obj),
            &mut new,
            &UpdateRequest {
                manager: "kubectl-edit",
                api_version: "v1",
                scope: Scope::Whole,
                now: "t",
            },
        );
        let managers: Vec<&str> = new["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(managers, ["kubectl-edit"]);
    }
}
