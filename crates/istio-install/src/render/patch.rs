//! `components.*.k8s.overlays`: path-based edits of rendered objects, in istioctl's syntax.
//!
//! An overlay names an object by `kind` and `name` (and optionally `apiVersion`); each patch
//! has a `path` and a `value`. A path is a dotted list of elements (`\.` escapes a dot):
//! a map key; `[N]`, the N-th list entry; `[key:value]`, the list entry whose `key` field is
//! `value`; `[value]` (or `[:value]`), the list entry equal to `value`. Selector values match
//! exactly or as a whole-string regular expression. A patch with a value sets the node (maps
//! missing on the way are created; a multi-line string that is a YAML map or list is used as
//! that map or list); a patch without a value deletes it.

use serde_json::{Map, Value};

use crate::operator::spec::{Overlay, OverlayPatch};

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    /// The patch's path.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

/// One element of a patch path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Element {
    Key(String),
    Index(usize),
    Field(String, String),
    Value(String),
}

fn parse(path: &str) -> Result<Vec<Element>, PatchError> {
    let err = |reason: &str| PatchError {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                cur.push('.');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '.' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| {
            if p.is_empty() {
                return Err(err("the path has an empty element"));
            }
            let Some(inner) = p.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
                return Ok(Element::Key(p));
            };
            if let Ok(n) = inner.parse::<usize>() {
                return Ok(Element::Index(n));
            }
            Ok(match inner.split_once(':') {
                Some(("", v)) => Element::Value(v.to_owned()),
                Some((k, v)) => Element::Field(k.to_owned(), v.to_owned()),
                None => Element::Value(inner.to_owned()),
            })
        })
        .collect()
}

/// Whether a scalar matches a selector value: equal as text, or matched whole by it as a
/// regular expression.
fn matches(selector: &str, v: &Value) -> bool {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => crate::render::yaml::go_number(n),
        Value::Bool(b) => b.to_string(),
        _ => return false,
    };
    if text == selector {
        return true;
    }
    regex::Regex::new(&format!("^(?:{selector})$")).is_ok_and(|r| r.is_match(&text))
}

fn find(list: &[Value], e: &Element) -> Option<usize> {
    match e {
        Element::Index(n) => (*n < list.len()).then_some(*n),
        Element::Field(k, v) => list
            .iter()
            .position(|item| item.get(k).is_some_and(|x| matches(v, x))),
        Element::Value(v) => list.iter().position(|item| matches(v, item)),
        Element::Key(_) => None,
    }
}

/// The value a patch writes: a multi-line string holding a YAML map or list becomes that map
/// or list.
fn written(value: &Value) -> Value {
    if let Value::String(s) = value {
        if s.trim_end_matches('\n').contains('\n') {
            if let Ok(parsed @ (Value::Object(_) | Value::Array(_))) =
                serde_saphyr::from_str::<Value>(s)
            {
                return parsed;
            }
        }
    }
    value.clone()
}

/// Applies one patch to `object`.
pub fn apply_patch(object: &mut Value, patch: &OverlayPatch) -> Result<(), PatchError> {
    let elements = parse(&patch.path)?;
    let err = |reason: String| PatchError {
        path: patch.path.clone(),
        reason,
    };
    let (last, walk) = elements
        .split_last()
        .ok_or_else(|| err("the path is empty".into()))?;
    let mut node = object;
    for e in walk {
        node = step(node, e).map_err(err)?;
    }
    match (&patch.value, last, node) {
        (None, Element::Key(k), Value::Object(m)) => {
            m.remove(k);
        }
        (None, sel, Value::Array(list)) => {
            if let Some(i) = find(list, sel) {
                list.remove(i);
            }
        }
        (Some(v), Element::Key(k), Value::Object(m)) => {
            m.insert(k.clone(), written(v));
        }
        (Some(v), Element::Key(k), n @ Value::Null) => {
            let mut m = Map::new();
            m.insert(k.clone(), written(v));
            *n = Value::Object(m);
        }
        (Some(v), sel, Value::Array(list)) => {
            let i = find(list, sel)
                .ok_or_else(|| err(format!("no list entry matches {}", show(sel))))?;
            list[i] = written(v);
        }
        (None, Element::Key(_), _) => {}
        (_, e, _) => return Err(err(format!("{} does not fit the object here", show(e)))),
    }
    Ok(())
}

/// One step down a path, creating missing maps.
fn step<'a>(node: &'a mut Value, e: &Element) -> Result<&'a mut Value, String> {
    if let Element::Key(k) = e {
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
        return match node {
            Value::Object(m) => Ok(m
                .entry(k.clone())
                .or_insert_with(|| Value::Object(Map::new()))),
            _ => Err(format!("{k:?} is not a field of a map here")),
        };
    }
    match node {
        Value::Array(list) => {
            let i = find(list, e).ok_or_else(|| format!("no list entry matches {}", show(e)))?;
            Ok(&mut list[i])
        }
        _ => Err(format!(
            "{} selects in a list, but this is not a list",
            show(e)
        )),
    }
}

fn show(e: &Element) -> String {
    match e {
        Element::Key(k) => k.clone(),
        Element::Index(n) => format!("[{n}]"),
        Element::Field(k, v) => format!("[{k}:{v}]"),
        Element::Value(v) => format!("[{v}]"),
    }
}

/// Applies `overlays` to one component's objects; returns the overlays that matched no
/// object, as `Kind/name`.
pub fn apply(objects: &mut [Value], overlays: &[Overlay]) -> Result<Vec<String>, PatchError> {
    let mut unmatched = Vec::new();
    for o in overlays {
        let mut hit = false;
        for obj in objects.iter_mut() {
            let same = obj["kind"].as_str() == Some(o.kind.as_str())
                && obj["metadata"]["name"].as_str() == Some(o.name.as_str())
                && o.api_version
                    .as_deref()
                    .is_none_or(|v| v.is_empty() || obj["apiVersion"].as_str() == Some(v));
            if !same {
                continue;
            }
            hit = true;
            for p in &o.patches {
                apply_patch(obj, p)?;
            }
        }
        if !hit {
            unmatched.push(format!("{}/{}", o.kind, o.name));
        }
    }
    Ok(unmatched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(path: &str, value: Option<Value>) -> OverlayPatch {
        OverlayPatch {
            path: path.into(),
            value,
        }
    }

    #[test]
    fn istioctl_paths() {
        let mut d = json!({"spec": {"containers": [{"name": "discovery",
            "args": ["--a", "30m"],
            "ports": [{"containerPort": 8080}],
            "env": [{"name": "REVISION"}, {"name": "POD_NAMESPACE", "valueFrom": {}}],
            "securityContext": {}}]},
            "webhooks": [{"name": "a.b.io", "x": 1}]});
        let c = "spec.containers.[name:discovery]";
        apply_patch(
            &mut d,
            &patch(&format!("{c}.args.[30m]"), Some(json!("60m"))),
        )
        .unwrap();
        apply_patch(
            &mut d,
            &patch(
                &format!("{c}.ports.[containerPort:8080].containerPort"),
                Some(json!(1234)),
            ),
        )
        .unwrap();
        apply_patch(
            &mut d,
            &patch(
                &format!("{c}.env.[name:POD_NAMESPACE].valueFrom"),
                Some(json!("fieldRef:\n  fieldPath: metadata.x\n")),
            ),
        )
        .unwrap();
        apply_patch(&mut d, &patch(&format!("{c}.env.[name:REVISION]"), None)).unwrap();
        apply_patch(&mut d, &patch(&format!("{c}.securityContext"), None)).unwrap();
        apply_patch(
            &mut d,
            &patch("webhooks.[name:a\\.b\\.io].x", Some(json!(2))),
        )
        .unwrap();
        apply_patch(&mut d, &patch("spec.automount", Some(json!(false)))).unwrap();
        assert_eq!(
            d,
            json!({"spec": {"automount": false, "containers": [{"name": "discovery",
            "args": ["--a", "60m"],
            "ports": [{"containerPort": 1234}],
            "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.x"}}}]}]},
            "webhooks": [{"name": "a.b.io", "x": 2}]})
        );
        let e = apply_patch(
            &mut d,
            &patch("spec.containers.[name:nope].x", Some(json!(1))),
        )
        .unwrap_err();
        assert_eq!(e.reason, "no list entry matches [name:nope]");
    }
}
