//! Readiness of Deployments and DaemonSets, and conditions of objects.

use serde_json::Value;

/// True when `object` has a status condition `type` with status `True`.
pub fn condition_true(object: &Value, kind: &str) -> bool {
    conditions(object).any(|c| {
        c.get("type").and_then(Value::as_str) == Some(kind)
            && c.get("status").and_then(Value::as_str) == Some("True")
    })
}

fn conditions(object: &Value) -> impl Iterator<Item = &Value> {
    object
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Whether a Deployment is ready, and if not, its state in words.
pub fn deployment_state(object: &Value) -> Result<(), String> {
    let n = |p: &str| object.pointer(p).and_then(Value::as_i64);
    let wanted = n("/spec/replicas").unwrap_or(1);
    let generation = n("/metadata/generation").unwrap_or(0);
    let observed = n("/status/observedGeneration").unwrap_or(0);
    let updated = n("/status/updatedReplicas").unwrap_or(0);
    let ready = n("/status/readyReplicas").unwrap_or(0);
    let available = n("/status/availableReplicas").unwrap_or(0);
    if observed >= generation && updated >= wanted && ready >= wanted && available >= wanted {
        return Ok(());
    }
    let mut state = format!("{ready}/{wanted} replicas ready");
    if observed < generation {
        state.push_str(", spec change not yet observed");
    }
    for c in conditions(object) {
        let t = c.get("type").and_then(Value::as_str).unwrap_or_default();
        let s = c.get("status").and_then(Value::as_str).unwrap_or_default();
        if t == "Available" && s != "True" {
            let reason = c.get("reason").and_then(Value::as_str).unwrap_or_default();
            state.push_str(&format!(", Available={s}"));
            if !reason.is_empty() {
                state.push_str(&format!(" ({reason})"));
            }
        }
    }
    Err(state)
}

/// Whether a DaemonSet is ready (its pods scheduled, updated and available on every node it
/// wants), and if not, its state in words.
pub fn daemon_set_state(object: &Value) -> Result<(), String> {
    let n = |p: &str| object.pointer(p).and_then(Value::as_i64);
    let generation = n("/metadata/generation").unwrap_or(0);
    let observed = n("/status/observedGeneration").unwrap_or(0);
    let desired = n("/status/desiredNumberScheduled").unwrap_or(0);
    let updated = n("/status/updatedNumberScheduled").unwrap_or(0);
    let ready = n("/status/numberReady").unwrap_or(0);
    let available = n("/status/numberAvailable").unwrap_or(0);
    if observed >= generation && updated >= desired && ready >= desired && available >= desired {
        return Ok(());
    }
    let mut state = format!("{ready}/{desired} pods ready");
    if observed < generation {
        state.push_str(", spec change not yet observed");
    }
    if updated < desired {
        state.push_str(&format!(", {updated}/{desired} updated"));
    }
    Err(state)
}

/// Readiness of a workload by kind (`Deployment` or `DaemonSet`); other kinds are ready when
/// they exist.
pub fn workload_state(kind: &str, object: &Value) -> Result<(), String> {
    match kind {
        "Deployment" => deployment_state(object),
        "DaemonSet" => daemon_set_state(object),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ready_deployment() {
        let d = json!({"metadata": {"generation": 2}, "spec": {"replicas": 2},
            "status": {"observedGeneration": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}});
        assert_eq!(deployment_state(&d), Ok(()));
    }

    #[test]
    fn daemon_sets_are_ready_when_every_wanted_pod_is() {
        let ready = json!({"metadata": {"generation": 3}, "status": {"observedGeneration": 3,
            "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberReady": 2, "numberAvailable": 2}});
        assert_eq!(daemon_set_state(&ready), Ok(()));
        let rolling = json!({"metadata": {"generation": 4}, "status": {"observedGeneration": 3,
            "desiredNumberScheduled": 2, "updatedNumberScheduled": 1, "numberReady": 1, "numberAvailable": 1}});
        assert_eq!(
            daemon_set_state(&rolling),
            Err("1/2 pods ready, spec change not yet observed, 1/2 updated".to_owned())
        );
        assert_eq!(
            daemon_set_state(&json!({"metadata": {"generation": 1}})),
            Err("0/0 pods ready, spec change not yet observed".to_owned())
        );
    }

    #[test]
    fn progressing_deployment() {
        let d = json!({"metadata": {"generation": 1}, "spec": {},
            "status": {"observedGeneration": 1, "updatedReplicas": 1,
                "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}]}});
        assert_eq!(
            deployment_state(&d),
            Err("0/1 replicas ready, Available=False (MinimumReplicasUnavailable)".to_owned())
        );
    }
}
