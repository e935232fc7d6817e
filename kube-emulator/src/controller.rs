//! The simulated controllers: CRDs become Established, Deployments report progress and then
//! readiness after the configured delay (or never), terminating namespaces are emptied.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::apply::Scope;
use crate::config::Readiness;
use crate::objects::{remove_cascade, write, WriteOptions};
use crate::server::State;
use crate::store::Key;
use crate::util::now_rfc3339;

/// The manager name of the simulated controllers.
const MANAGER: &str = "kube-controller-manager";

fn condition(kind: &str, status: &str, reason: &str, message: &str) -> Value {
    let now = now_rfc3339();
    json!({
        "type": kind,
        "status": status,
        "lastUpdateTime": now,
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

fn deployment_status(deploy: &Value, ready: bool) -> Value {
    let replicas = deploy
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let generation = deploy
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let name = deploy
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let rs = format!("{name}-{:x}", generation * 0x5bd7 + 0x1f00);
    if ready {
        json!({
            "observedGeneration": generation,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "conditions": [
                condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                condition("Progressing", "True", "NewReplicaSetAvailable", &format!("ReplicaSet \"{rs}\" has successfully progressed.")),
            ],
        })
    } else {
        json!({
            "observedGeneration": generation,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "unavailableReplicas": replicas,
            "conditions": [
                condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
                condition("Progressing", "True", "ReplicaSetUpdated", &format!("ReplicaSet \"{rs}\" is progressing.")),
            ],
        })
    }
}

/// Writes the Deployment's status if it is still at `generation`.
fn set_deployment_status(state: &Arc<State>, key: &Key, generation: Option<i64>, ready: bool) {
    let mut store = state.lock();
    let Some(info) = store.resolve("apps", "v1", "deployments") else {
        return;
    };
    let Some(current) = store.get(key).cloned() else {
        return;
    };
    if current
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
        != generation
    {
        return;
    }
    let mut updated = current.clone();
    updated["status"] = deployment_status(&current, ready);
    let opts = WriteOptions {
        manager: MANAGER,
        dry_run: false,
        scope: Scope::Status,
        applied: false,
    };
    // The controller's own writes cannot conflict: it writes the latest version.
    let _ = write(
        state,
        &mut store,
        &info,
        key.clone(),
        Some(&current),
        updated,
        &opts,
    );
}

/// Called after a Deployment's spec changed: reports it progressing now and ready after the
/// configured delay (never, with `Readiness::Never`), unless it changes again meanwhile.
pub(crate) fn deployment_changed(state: &Arc<State>, key: Key, deploy: &Value) {
    let generation = deploy
        .pointer("/metadata/generation")
        .and_then(Value::as_i64);
    let state = Arc::clone(state);
    tokio::spawn(async move {
        set_deployment_status(&state, &key, generation, false);
        if let Readiness::After(delay) = state.readiness() {
            tokio::time::sleep(delay).await;
            set_deployment_status(&state, &key, generation, true);
        }
    });
}

/// Whether the controller already reported the Deployment's current generation ready.
fn is_ready(deploy: &Value) -> bool {
    let int = |p: &str| deploy.pointer(p).and_then(Value::as_i64);
    int("/status/observedGeneration") == int("/metadata/generation")
        && int("/status/availableReplicas").unwrap_or(0) == int("/spec/replicas").unwrap_or(1)
}

/// After a change of readiness: Deployments not ready yet become ready after the new delay.
pub(crate) fn reschedule_deployments(state: &Arc<State>) {
    let Readiness::After(delay) = state.readiness() else {
        return;
    };
    let pending: Vec<(Key, Option<i64>)> = state
        .lock()
        .list_prefix("apps", "deployments", None)
        .filter(|(_, d)| !is_ready(d))
        .map(|(k, d)| {
            (
                k.clone(),
                d.pointer("/metadata/generation").and_then(Value::as_i64),
            )
        })
        .collect();
    for (key, generation) in pending {
        let state = Arc::clone(state);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            set_deployment_status(&state, &key, generation, true);
        });
    }
}

/// Empties a terminating namespace and then removes it, like the namespace controller.
pub(crate) fn finalize_namespace(state: &Arc<State>, name: String) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let mut store = state.lock();
        for key in store.keys_in_namespace(&name) {
            store.remove(&key);
        }
        let ns_key = Key {
            group: String::new(),
            resource: "namespaces".into(),
            namespace: String::new(),
            name,
        };
        store.remove(&ns_key);
    });
}

/// Deletes a terminating CRD's custom resources and then the CRD, like the API server's
/// finalizer does (after a short delay: the resources stay served meanwhile).
pub(crate) fn finalize_crd(state: &Arc<State>, key: Key) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let mut store = state.lock();
        let Some(crd) = store.get(&key) else {
            return;
        };
        let group = crd.pointer("/spec/group").and_then(Value::as_str);
        let plural = crd.pointer("/spec/names/plural").and_then(Value::as_str);
        if let (Some(group), Some(plural)) = (group, plural) {
            let instances: Vec<Key> = store
                .list_prefix(group, plural, None)
                .map(|(k, _)| k.clone())
                .collect();
            for instance in instances {
                remove_cascade(&mut store, &instance);
            }
        }
        store.remove(&key);
    });
}
