//! CustomResourceDefinitions as the API server treats them on write: the status it sets once it
//! accepts the names.

use serde_json::{json, Value};

use crate::util::now_rfc3339;

fn condition(kind: &str, status: &str, reason: &str, message: &str) -> Value {
    let now = now_rfc3339();
    json!({
        "type": kind,
        "status": status,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    })
}

/// Sets a CRD's status as the API server does once it accepts it: `NamesAccepted` and
/// `Established` conditions, `acceptedNames`, `storedVersions`.
pub(crate) fn crd_status(crd: &mut Value) {
    let stored: Vec<Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v["storage"].as_bool().unwrap_or(false))
        .map(|v| v["name"].clone())
        .collect();
    let names = crd.pointer("/spec/names").cloned().unwrap_or(json!({}));
    let mut conds = vec![
        condition("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
        condition(
            "Established",
            "True",
            "InitialNamesAccepted",
            "the initial names have been accepted",
        ),
    ];
    // Keep transition times of an unchanged status, so rewrites of the same CRD are no-ops.
    if let Some(old) = crd.pointer("/status/conditions").and_then(Value::as_array) {
        for c in &mut conds {
            if let Some(prev) = old
                .iter()
                .find(|o| o["type"] == c["type"] && o["status"] == c["status"])
            {
                *c = prev.clone();
            }
        }
    }
    crd["status"] = json!({
        "conditions": conds,
        "acceptedNames": names,
        "storedVersions": stored,
    });
}
