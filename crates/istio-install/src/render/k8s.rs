//! `components.*.k8s`: Kubernetes settings laid over a component's rendered objects.

use serde_json::{Map, Value};

use crate::operator::overlay::merge;
use crate::operator::spec::{K8sSpec, Object};

/// Applies `k8s` to the objects of one component (or one gateway).
pub fn apply(objects: &mut [Value], k8s: &K8sSpec) {
    for obj in objects {
        match obj.get("kind").and_then(Value::as_str) {
            Some("Deployment") => deployment(obj, k8s),
            Some("Service") => {
                if let Some(service) = &k8s.service {
                    merge(ensure(obj, "spec"), Value::Object(service.clone()));
                }
                if let Some(ann) = &k8s.service_annotations {
                    merge(
                        ensure(ensure(obj, "metadata"), "annotations"),
                        Value::Object(ann.clone()),
                    );
                }
            }
            Some("HorizontalPodAutoscaler") => {
                if let Some(hpa) = &k8s.hpa_spec {
                    merge(ensure(obj, "spec"), Value::Object(hpa.clone()));
                }
            }
            Some("PodDisruptionBudget") => {
                if let Some(pdb) = &k8s.pod_disruption_budget {
                    merge(ensure(obj, "spec"), Value::Object(pdb.clone()));
                }
            }
            _ => {}
        }
    }
}

fn deployment(obj: &mut Value, k8s: &K8sSpec) {
    let spec = ensure(obj, "spec");
    if let Some(n) = k8s.replica_count {
        spec["replicas"] = n.into();
    }
    if let Some(s) = &k8s.strategy {
        spec["strategy"] = Value::Object(s.clone());
    }
    let template = ensure(spec, "template");
    if let Some(ann) = &k8s.pod_annotations {
        merge(
            ensure(ensure(template, "metadata"), "annotations"),
            Value::Object(ann.clone()),
        );
    }
    let pod = ensure(template, "spec");
    let set = |target: &mut Value, key: &str, v: &Option<Object>| {
        if let Some(v) = v {
            target[key] = Value::Object(v.clone());
        }
    };
    set(pod, "nodeSelector", &k8s.node_selector);
    set(pod, "affinity", &k8s.affinity);
    set(pod, "securityContext", &k8s.security_context);
    if let Some(t) = &k8s.tolerations {
        pod["tolerations"] = Value::Array(t.clone());
    }
    if let Some(p) = &k8s.priority_class_name {
        pod["priorityClassName"] = p.clone().into();
    }
    let Some(container) = pod
        .get_mut("containers")
        .and_then(Value::as_array_mut)
        .and_then(|c| c.first_mut())
    else {
        return;
    };
    set(container, "resources", &k8s.resources);
    set(container, "readinessProbe", &k8s.readiness_probe);
    if let Some(p) = &k8s.image_pull_policy {
        container["imagePullPolicy"] = p.clone().into();
    }
    if let Some(env) = &k8s.env {
        let mut list = container
            .get("env")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for var in env {
            let name = var.get("name");
            match list
                .iter_mut()
                .find(|e| name.is_some() && e.get("name") == name)
            {
                Some(slot) => *slot = var.clone(),
                None => list.push(var.clone()),
            }
        }
        container["env"] = Value::Array(list);
    }
}

/// The map at `key` in `v`, created when missing.
fn ensure<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let slot = &mut v[key];
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overlays_land_on_the_right_fields() {
        let mut objs = vec![
            json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
                {"name": "c", "env": [{"name": "A", "value": "1"}]}
            ]}}}}),
            json!({"kind": "Service", "spec": {"type": "LoadBalancer"}}),
        ];
        let k8s: K8sSpec = serde_json::from_value(json!({
            "replicaCount": 3,
            "env": [{"name": "A", "value": "2"}, {"name": "B", "value": "3"}],
            "service": {"type": "NodePort"},
            "serviceAnnotations": {"x": "y"},
            "resources": {"requests": {"cpu": "1"}}
        }))
        .unwrap();
        apply(&mut objs, &k8s);
        assert_eq!(objs[0]["spec"]["replicas"], 3);
        let c = &objs[0]["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(
            c["env"],
            json!([{"name": "A", "value": "2"}, {"name": "B", "value": "3"}])
        );
        assert_eq!(c["resources"]["requests"]["cpu"], "1");
        assert_eq!(objs[1]["spec"]["type"], "NodePort");
        assert_eq!(objs[1]["metadata"]["annotations"]["x"], "y");
    }
}
