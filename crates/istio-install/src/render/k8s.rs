//! `components.*.k8s`: Kubernetes settings laid over a component's rendered objects the way
//! istioctl lays them: each setting becomes a strategic merge patch of one object (the
//! component's workload, its Service, autoscaler or disruption budget), so maps merge key by
//! key (a `resources.limits` setting keeps the chart's requests, a probe keeps its other
//! fields), lists Kubernetes merges by key merge by it (containers and env by name, ports by
//! number, volume mounts by path) and other lists are replaced.

use serde_json::{json, Map, Value};

use crate::operator::spec::K8sSpec;

/// The object a component's settings target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    /// `Deployment` or `DaemonSet`; `None` for a component without a workload (Base).
    pub kind: Option<&'static str>,
    /// The workload's name (also its Service's, autoscaler's and budget's).
    pub name: String,
    /// The container the container-level settings go to.
    pub container: &'static str,
}

/// A setting that had no object to apply to (as in istioctl, it changes nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unapplied {
    /// The setting (`podDisruptionBudget`).
    pub field: &'static str,
    /// `Kind/name` of the object it targets.
    pub target: String,
}

/// Applies `k8s` to `objects` (one component's); returns the settings that found no object.
pub fn apply(objects: &mut [Value], k8s: &K8sSpec, w: &Workload) -> Vec<Unapplied> {
    let c = w.container;
    let mut patches: Vec<(&'static str, &'static str, Value)> = Vec::new();
    let mut workload = |field: &'static str, patch: Value| {
        patches.push((field, w.kind.unwrap_or("(none)"), patch));
    };
    let pod = |key: &str, v: &Value| json!({"spec": {"template": {"spec": {key: v}}}});
    let container = |key: &str, v: &Value| json!({"spec": {"template": {"spec": {"containers": [{"name": c, key: v}]}}}});
    let obj = |m: &Option<Map<String, Value>>| m.clone().map(Value::Object);
    if let Some(v) = obj(&k8s.affinity) {
        workload("affinity", pod("affinity", &v));
    }
    if let Some(v) = &k8s.env {
        workload("env", container("env", &Value::Array(v.clone())));
    }
    if let Some(v) = &k8s.image_pull_policy {
        workload(
            "imagePullPolicy",
            container("imagePullPolicy", &v.clone().into()),
        );
    }
    if let Some(v) = obj(&k8s.node_selector) {
        workload("nodeSelector", pod("nodeSelector", &v));
    }
    if let Some(v) = obj(&k8s.pod_annotations) {
        workload(
            "podAnnotations",
            json!({"spec": {"template": {"metadata": {"annotations": v}}}}),
        );
    }
    if let Some(v) = &k8s.priority_class_name {
        workload(
            "priorityClassName",
            pod("priorityClassName", &v.clone().into()),
        );
    }
    if let Some(v) = obj(&k8s.readiness_probe) {
        workload("readinessProbe", container("readinessProbe", &v));
    }
    if let Some(v) = k8s.replica_count {
        workload("replicaCount", json!({"spec": {"replicas": v}}));
    }
    if let Some(v) = obj(&k8s.resources) {
        workload("resources", container("resources", &v));
    }
    if let Some(v) = obj(&k8s.strategy) {
        workload("strategy", json!({"spec": {"strategy": v}}));
    }
    if let Some(v) = &k8s.tolerations {
        workload("tolerations", pod("tolerations", &Value::Array(v.clone())));
    }
    if let Some(v) = obj(&k8s.security_context) {
        workload("securityContext", pod("securityContext", &v));
    }
    if let Some(v) = &k8s.volumes {
        workload("volumes", pod("volumes", &Value::Array(v.clone())));
    }
    if let Some(v) = &k8s.volume_mounts {
        workload(
            "volumeMounts",
            container("volumeMounts", &Value::Array(v.clone())),
        );
    }
    if let Some(v) = obj(&k8s.hpa_spec) {
        patches.push(("hpaSpec", "HorizontalPodAutoscaler", json!({"spec": v})));
    }
    if let Some(v) = obj(&k8s.pod_disruption_budget) {
        patches.push((
            "podDisruptionBudget",
            "PodDisruptionBudget",
            json!({"spec": v}),
        ));
    }
    if let Some(v) = obj(&k8s.service_annotations) {
        patches.push((
            "serviceAnnotations",
            "Service",
            json!({"metadata": {"annotations": v}}),
        ));
    }
    if let Some(v) = obj(&k8s.service) {
        patches.push(("service", "Service", json!({"spec": v})));
    }
    let mut unapplied = Vec::new();
    for (field, kind, patch) in patches {
        let target = objects.iter_mut().find(|o| {
            o["kind"].as_str() == Some(kind) && o["metadata"]["name"].as_str() == Some(&w.name)
        });
        match target {
            Some(o) => strategic_merge(o, &patch),
            None => unapplied.push(Unapplied {
                field,
                target: format!("{kind}/{}", w.name),
            }),
        }
    }
    unapplied
}

/// Applies a strategic merge patch to `base`, as Kubernetes does for the built-in kinds the
/// charts render.
pub fn strategic_merge(base: &mut Value, patch: &Value) {
    merge_value(base, patch, &mut Vec::new());
}

/// The merge key of the list at `path` (map keys from the object's root), if Kubernetes merges
/// it by key.
fn merge_key(path: &[String]) -> Option<&'static str> {
    let last = path.last()?.as_str();
    let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
    let in_container = matches!(
        parent,
        Some("containers" | "initContainers" | "ephemeralContainers")
    );
    Some(match last {
        "containers" | "initContainers" | "ephemeralContainers" => "name",
        "env" if in_container => "name",
        "ports" if in_container => "containerPort",
        "ports" if path.len() == 2 && path[0] == "spec" => "port",
        "volumeMounts" if in_container => "mountPath",
        "volumeDevices" if in_container => "devicePath",
        "volumes" | "imagePullSecrets" | "resourceClaims" | "schedulingGates" => "name",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ownerReferences" => "uid",
        _ => return None,
    })
}

/// Lists of strings Kubernetes merges as sets.
fn merges_as_set(path: &[String]) -> bool {
    matches!(path, [m, f] if m == "metadata" && f == "finalizers")
}

fn directive(v: &Value) -> Option<&str> {
    v.get("$patch").and_then(Value::as_str)
}

/// `v` without patch directives (`$patch`, `$retainKeys`, `$setElementOrder/...`), at any
/// depth.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|i| directive(i).is_none())
                .map(strip)
                .collect(),
        ),
        other => other.clone(),
    }
}

fn merge_value(base: &mut Value, patch: &Value, path: &mut Vec<String>) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => merge_map(b, p, path),
        (Value::Array(b), Value::Array(p)) => merge_list(b, p, path),
        (b, p) => *b = strip(p),
    }
}

fn merge_map(base: &mut Map<String, Value>, patch: &Map<String, Value>, path: &mut Vec<String>) {
    if patch.get("$patch").and_then(Value::as_str) == Some("replace") {
        *base = match strip(&Value::Object(patch.clone())) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        return;
    }
    if let Some(Value::Array(keep)) = patch.get("$retainKeys") {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        base.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, pv) in patch {
        if k.starts_with('$') {
            continue;
        }
        if pv.is_null() || directive(pv) == Some("delete") {
            base.remove(k);
            continue;
        }
        path.push(k.clone());
        match base.get_mut(k) {
            Some(bv) => merge_value(bv, pv, path),
            None => {
                base.insert(k.clone(), strip(pv));
            }
        }
        path.pop();
    }
}

fn merge_list(base: &mut Vec<Value>, patch: &[Value], path: &mut Vec<String>) {
    if patch.iter().any(|i| directive(i) == Some("replace")) {
        *base = patch
            .iter()
            .filter(|i| directive(i).is_none())
            .map(strip)
            .collect();
        return;
    }
    if merges_as_set(path) {
        for item in patch {
            if !base.contains(item) {
                base.push(item.clone());
            }
        }
        return;
    }
    let Some(key) = merge_key(path).filter(|_| patch.iter().all(Value::is_object)) else {
        *base = patch.iter().map(strip).collect();
        return;
    };
    let key_of = |v: &Value| v.get(key).cloned();
    let original: Vec<Option<Value>> = base.iter().map(key_of).collect();
    let mut merged = std::mem::take(base);
    let mut patched_keys: Vec<Option<Value>> = Vec::new();
    for item in patch {
        let k = key_of(item);
        let found = merged.iter().position(|m| k.is_some() && key_of(m) == k);
        if directive(item) == Some("delete") {
            if let Some(i) = found {
                merged.remove(i);
            }
            continue;
        }
        match found {
            Some(i) => merge_value(&mut merged[i], item, path),
            None => merged.push(strip(item)),
        }
        patched_keys.push(k);
    }
    // Kubernetes' order: the patch's items in patch order, interleaved with the items only the
    // original has in their original order; a patched item that was in the original goes
    // before the original items that followed it.
    let (mut left, mut right): (Vec<Value>, Vec<Value>) = (Vec::new(), Vec::new());
    for k in &patched_keys {
        if let Some(v) = merged.iter().find(|m| &key_of(m) == k) {
            left.push(v.clone());
        }
    }
    for m in &merged {
        if !patched_keys.contains(&key_of(m)) {
            right.push(m.clone());
        }
    }
    let index = |v: &Value| {
        let k = key_of(v);
        original.iter().position(|o| o.is_some() && *o == k)
    };
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let take_right = if i >= left.len() {
            true
        } else if j >= right.len() {
            false
        } else {
            matches!((index(&left[i]), index(&right[j])), (Some(l), Some(r)) if l > r)
        };
        if take_right {
            base.push(right[j].clone());
            j += 1;
        } else {
            base.push(left[i].clone());
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Value {
        json!({"kind": "Deployment", "metadata": {"name": "istiod"}, "spec": {"template": {"spec": {
            "securityContext": {"runAsUser": 1337, "runAsGroup": 1337, "runAsNonRoot": true},
            "tolerations": [{"key": "a", "operator": "Exists"}],
            "containers": [{"name": "discovery",
                "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}],
                "resources": {"requests": {"cpu": "500m", "memory": "2048Mi"}},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 3},
                "ports": [{"containerPort": 8080, "name": "http"}]}]}}}})
    }

    fn workload() -> Workload {
        Workload {
            kind: Some("Deployment"),
            name: "istiod".into(),
            container: "discovery",
        }
    }

    #[test]
    fn maps_merge_and_keyed_lists_merge_in_kubernetes_order() {
        let mut objs = vec![deployment()];
        let k8s: K8sSpec = serde_json::from_value(json!({
            "env": [{"name": "B", "value": "x"}, {"name": "N", "value": "new"}],
            "resources": {"limits": {"cpu": "1"}, "requests": {"memory": "1Gi"}},
            "readinessProbe": {"initialDelaySeconds": 5},
            "securityContext": {"fsGroup": 1337},
            "tolerations": [{"key": "b", "operator": "Exists"}],
        }))
        .unwrap();
        assert!(apply(&mut objs, &k8s, &workload()).is_empty());
        let pod = &objs[0]["spec"]["template"]["spec"];
        let c = &pod["containers"][0];
        let names: Vec<&str> = c["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["A", "B", "N", "C"]);
        assert_eq!(c["env"][1]["value"], "x");
        assert_eq!(
            c["resources"],
            json!({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1"}})
        );
        assert_eq!(c["readinessProbe"]["periodSeconds"], 3);
        assert_eq!(c["readinessProbe"]["initialDelaySeconds"], 5);
        assert_eq!(
            pod["securityContext"],
            json!({"runAsUser": 1337, "runAsGroup": 1337, "runAsNonRoot": true, "fsGroup": 1337})
        );
        assert_eq!(
            pod["tolerations"],
            json!([{"key": "b", "operator": "Exists"}])
        );
    }

    #[test]
    fn settings_without_their_object_are_reported() {
        let mut objs = vec![deployment()];
        let k8s: K8sSpec =
            serde_json::from_value(json!({"podDisruptionBudget": {"minAvailable": 2}})).unwrap();
        assert_eq!(
            apply(&mut objs, &k8s, &workload()),
            vec![Unapplied {
                field: "podDisruptionBudget",
                target: "PodDisruptionBudget/istiod".into()
            }]
        );
    }

    #[test]
    fn service_ports_merge_by_port_and_directives_work() {
        let mut svc = json!({"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}], "type": "LoadBalancer"}});
        strategic_merge(
            &mut svc,
            &json!({"spec": {"ports": [{"port": 80, "nodePort": 30080}], "type": "NodePort"}}),
        );
        assert_eq!(
            svc["spec"]["ports"],
            json!([{"port": 80, "name": "http", "nodePort": 30080}, {"port": 443, "name": "https"}])
        );
        strategic_merge(
            &mut svc,
            &json!({"spec": {"ports": [{"$patch": "replace"}, {"port": 8080}]}}),
        );
        assert_eq!(svc["spec"]["ports"], json!([{"port": 8080}]));
        strategic_merge(&mut svc, &json!({"spec": {"type": null}}));
        assert!(svc["spec"].get("type").is_none());
    }
}
