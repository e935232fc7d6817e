//! The simulated controllers, fed by the notices writes leave in the state: Deployments,
//! DaemonSets and StatefulSets report progress at once and readiness after the configured delay
//! (or never); terminating namespaces are emptied and terminating CRDs removed with their
//! custom resources.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::apply::Scope;
use crate::config::Readiness;
use crate::objects::{remove_cascade, write, WriteOptions};
use crate::state::{Notice, State};
use crate::store::Key;
use crate::util::now_rfc3339;

/// The manager name of the simulated controllers.
const MANAGER: &str = "kube-controller-manager";

/// Serves notices until the emulator stops.
pub(crate) async fn run(state: Arc<State>, mut notices: mpsc::UnboundedReceiver<Notice>) {
    while let Some(notice) = notices.recv().await {
        match notice {
            Notice::Workload(key) => workload_changed(&state, key),
            Notice::NamespaceDeleted(name) => finalize_namespace(&state, name),
            Notice::CrdDeleted(key) => finalize_crd(&state, key),
        }
    }
}

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

fn int(obj: &Value, pointer: &str) -> Option<i64> {
    obj.pointer(pointer).and_then(Value::as_i64)
}

/// A revision name as the controllers derive it: the object's name and a hash of its template.
fn revision(obj: &Value) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    obj.pointer("/spec/template")
        .map(Value::to_string)
        .hash(&mut hasher);
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("{name}-{:010x}", hasher.finish() & 0xff_ffff_ffff)
}

fn deployment_status(deploy: &Value, ready: bool) -> Value {
    let replicas = int(deploy, "/spec/replicas").unwrap_or(1);
    let generation = int(deploy, "/metadata/generation").unwrap_or(1);
    let rs = revision(deploy);
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

/// A DaemonSet runs one Pod per Node; with no Node objects the emulator counts one node.
fn daemonset_status(ds: &Value, nodes: i64, ready: bool) -> Value {
    let generation = int(ds, "/metadata/generation").unwrap_or(1);
    let mut status = json!({
        "currentNumberScheduled": nodes,
        "desiredNumberScheduled": nodes,
        "numberMisscheduled": 0,
        "numberReady": if ready { nodes } else { 0 },
        "observedGeneration": generation,
        "updatedNumberScheduled": nodes,
    });
    if ready {
        status["numberAvailable"] = json!(nodes);
    } else {
        status["numberUnavailable"] = json!(nodes);
    }
    status
}

fn statefulset_status(sts: &Value, ready: bool) -> Value {
    let replicas = int(sts, "/spec/replicas").unwrap_or(1);
    let generation = int(sts, "/metadata/generation").unwrap_or(1);
    let rev = revision(sts);
    let mut status = json!({
        "availableReplicas": if ready { replicas } else { 0 },
        "collisionCount": 0,
        "currentReplicas": replicas,
        "currentRevision": rev,
        "observedGeneration": generation,
        "replicas": replicas,
        "updateRevision": rev,
        "updatedReplicas": replicas,
    });
    if ready {
        status["readyReplicas"] = json!(replicas);
    }
    status
}

/// The workload kinds the controllers simulate, by resource.
fn is_workload(key: &Key) -> bool {
    key.group == "apps"
        && matches!(
            key.resource.as_str(),
            "deployments" | "daemonsets" | "statefulsets"
        )
}

/// Writes the workload's status if it is still at `generation`.
fn set_status(state: &Arc<State>, key: &Key, generation: Option<i64>, ready: bool) {
    let mut store = state.lock();
    let Some(info) = store.resolve("apps", "v1", &key.resource) else {
        return;
    };
    let Some(current) = store.get(key).cloned() else {
        return;
    };
    if int(&current, "/metadata/generation") != generation {
        return;
    }
    let status = match key.resource.as_str() {
        "deployments" => deployment_status(&current, ready),
        "daemonsets" => {
            let nodes = store.list_prefix("", "nodes", None).count().max(1) as i64;
            daemonset_status(&current, nodes, ready)
        }
        _ => statefulset_status(&current, ready),
    };
    let mut updated = current.clone();
    updated["status"] = status;
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

/// After a workload's spec changed: reports it progressing now and ready after the configured
/// delay (never, with `Readiness::Never`), unless it changes again meanwhile.
fn workload_changed(state: &Arc<State>, key: Key) {
    if !is_workload(&key) {
        return;
    }
    let generation = state
        .lock()
        .get(&key)
        .and_then(|obj| int(obj, "/metadata/generation"));
    let state = Arc::clone(state);
    tokio::spawn(async move {
        set_status(&state, &key, generation, false);
        if let Readiness::After(delay) = state.readiness() {
            tokio::time::sleep(delay).await;
            set_status(&state, &key, generation, true);
        }
    });
}

/// Whether the controller already reported the workload's current generation ready.
fn is_ready(resource: &str, obj: &Value) -> bool {
    let observed = int(obj, "/status/observedGeneration") == int(obj, "/metadata/generation");
    observed
        && match resource {
            "daemonsets" => {
                int(obj, "/status/numberReady").is_some()
                    && int(obj, "/status/numberReady") == int(obj, "/status/desiredNumberScheduled")
            }
            "statefulsets" => {
                int(obj, "/status/readyReplicas").unwrap_or(0)
                    == int(obj, "/spec/replicas").unwrap_or(1)
            }
            _ => {
                int(obj, "/status/availableReplicas").unwrap_or(0)
                    == int(obj, "/spec/replicas").unwrap_or(1)
            }
        }
}

/// After a change of readiness: workloads not ready yet become ready after the new delay.
pub(crate) fn reschedule_workloads(state: &Arc<State>) {
    let Readiness::After(delay) = state.readiness() else {
        return;
    };
    let mut pending: Vec<(Key, Option<i64>)> = Vec::new();
    {
        let store = state.lock();
        for resource in ["deployments", "daemonsets", "statefulsets"] {
            pending.extend(
                store
                    .list_prefix("apps", resource, None)
                    .filter(|(_, obj)| !is_ready(resource, obj))
                    .map(|(k, obj)| (k.clone(), int(obj, "/metadata/generation"))),
            );
        }
    }
    for (key, generation) in pending {
        let state = Arc::clone(state);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            set_status(&state, &key, generation, true);
        });
    }
}

/// Empties a terminating namespace and then removes it, like the namespace controller.
fn finalize_namespace(state: &Arc<State>, name: String) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
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
fn finalize_crd(state: &Arc<State>, key: Key) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
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
        store.remove_crd(&key);
    });
}
