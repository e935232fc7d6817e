//! Workload helpers shared by the workload analyzers: pod specs of Pods and Deployments, the
//! istio-proxy sidecar, injection status of namespaces and pods, label selectors, and which
//! Services select which pods.

use std::collections::HashMap;

use istio_core::tree::{Map, Node};

use crate::kinds::{NAMESPACE, POD, SERVICE};
use crate::resource::{Resource, ResourceId};
use crate::store::Store;
use istio_core::tree::Map as TreeMap;

/// Name of the sidecar container Istio injects.
pub const ISTIO_PROXY: &str = "istio-proxy";
/// Namespace label enabling (`enabled`) or disabling (`disabled`) sidecar injection.
pub const INJECTION_LABEL: &str = "istio-injection";
/// Namespace or pod label naming the control-plane revision that injects it.
pub const REVISION_LABEL: &str = "istio.io/rev";
/// Pod label (and deprecated annotation) that turns injection on or off for one pod.
pub const SIDECAR_INJECT: &str = "sidecar.istio.io/inject";
/// Name of the sidecar injector ConfigMap (`istio-sidecar-injector[-<revision>]`).
pub const INJECTOR_CONFIG_MAP: &str = "istio-sidecar-injector";

/// Namespaces of the platform that Istio never injects nor checks.
pub fn is_system_namespace(namespace: &str) -> bool {
    matches!(
        namespace,
        "kube-system" | "kube-public" | "kube-node-lease" | "local-path-storage"
    )
}

/// The pod spec of a Pod (`spec`) or of a workload's template (`spec.template.spec`), with the
/// dotted path to it.
pub fn pod_spec(resource: &Resource) -> (Node<'_>, &'static str) {
    if resource.kind_key.as_ref() == POD.0 {
        (resource.spec(), "spec")
    } else {
        (
            resource
                .spec()
                .pointer("/template/spec")
                .unwrap_or(Node::null()),
            "spec.template.spec",
        )
    }
}

/// The metadata of the pods a Pod or workload makes: the Pod's own, or the template's.
pub fn pod_metadata(resource: &Resource) -> Map<'_> {
    if resource.kind_key.as_ref() == POD.0 {
        resource.metadata()
    } else {
        resource
            .spec()
            .pointer("/template/metadata")
            .and_then(Node::as_object)
            .unwrap_or(TreeMap::empty())
    }
}

/// A string map of `metadata` (`labels` or `annotations`), empty when absent.
pub fn string_map<'a>(metadata: Map<'a>, key: &str) -> Map<'a> {
    metadata
        .get(key)
        .and_then(Node::as_object)
        .unwrap_or(TreeMap::empty())
}

/// The containers of a pod spec, then its init containers (where native sidecars live).
pub fn containers(spec: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    ["containers", "initContainers"]
        .into_iter()
        .flat_map(move |field| {
            spec.get(field)
                .and_then(Node::as_array)
                .into_iter()
                .flatten()
        })
}

/// The image of the first `istio-proxy` container (regular or init), `""` when it has none;
/// `None` when there is no such container.
pub fn proxy_image(spec: Node<'_>) -> Option<&str> {
    containers(spec)
        .find(|c| c.get("name").and_then(Node::as_str) == Some(ISTIO_PROXY))
        .map(|c| c.get("image").and_then(Node::as_str).unwrap_or(""))
}

/// True when the pod spec carries an injected sidecar (an `istio-proxy` container with an image).
pub fn has_proxy(spec: Node<'_>) -> bool {
    proxy_image(spec).is_some_and(|i| !i.is_empty())
}

/// What a pod says about its own injection: the `sidecar.istio.io/inject` label, else the
/// (deprecated) annotation; `Some(true)` only for `"true"`.
pub fn pod_injection(metadata: Map<'_>) -> Option<bool> {
    pod_injection_value(metadata).map(|v| v == "true")
}

/// The raw value of a pod's `sidecar.istio.io/inject` label, else of the annotation.
pub fn pod_injection_value(metadata: Map<'_>) -> Option<&str> {
    let labels = string_map(metadata, "labels");
    let annotations = string_map(metadata, "annotations");
    labels
        .get(SIDECAR_INJECT)
        .or_else(|| annotations.get(SIDECAR_INJECT))
        .map(|v| v.as_str().unwrap_or(""))
}

/// What a namespace's labels say about injection: `Some(true)` when labeled
/// `istio-injection=enabled` or with a revision, `Some(false)` when present without either,
/// `None` when the namespace is not among the inputs.
pub fn namespace_injection(store: &Store, namespace: &str) -> Option<bool> {
    let (_, ns) = store.find(NAMESPACE, "", namespace)?;
    Some(match ns.label(INJECTION_LABEL) {
        Some(v) => v == "enabled",
        None => ns.label(REVISION_LABEL).is_some(),
    })
}

/// True when the pods of a Pod or workload run in the mesh: they carry the sidecar, or ask for
/// it, or their namespace injects them.
pub fn in_mesh(store: &Store, resource: &Resource) -> bool {
    let (spec, _) = pod_spec(resource);
    if has_proxy(spec) {
        return true;
    }
    if let Some(enabled) = pod_injection(pod_metadata(resource)) {
        return enabled;
    }
    namespace_injection(store, &resource.namespace).unwrap_or(false)
}

/// True when every `key: value` of `selector` is among `labels` (an empty selector matches).
pub fn labels_match(selector: Map<'_>, labels: Map<'_>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// True when a Kubernetes `LabelSelector` (`matchLabels` and `matchExpressions`) matches
/// `labels`. A missing selector matches everything; a malformed one matches nothing.
pub fn label_selector_matches(selector: Option<Node<'_>>, labels: Map<'_>) -> bool {
    let Some(selector) = selector.filter(|s| !s.is_null()) else {
        return true;
    };
    let Some(selector) = selector.as_object() else {
        return false;
    };
    if let Some(match_labels) = selector.get("matchLabels").and_then(Node::as_object) {
        if !labels_match(match_labels, labels) {
            return false;
        }
    }
    let expressions = selector.get("matchExpressions").and_then(Node::as_array);
    expressions.into_iter().flatten().all(|e| {
        let key = e.get("key").and_then(Node::as_str).unwrap_or("");
        let values: Vec<&str> = e
            .get("values")
            .and_then(Node::as_array)
            .into_iter()
            .flatten()
            .filter_map(Node::as_str)
            .collect();
        let value = labels.get(key).and_then(Node::as_str);
        match e.get("operator").and_then(Node::as_str) {
            Some("In") => value.is_some_and(|v| values.contains(&v)),
            Some("NotIn") => value.is_none_or(|v| !values.contains(&v)),
            Some("Exists") => value.is_some(),
            Some("DoesNotExist") => value.is_none(),
            _ => false,
        }
    })
}

/// The keys a `LabelSelector` looks at.
pub fn label_selector_keys(selector: Option<Node<'_>>) -> Vec<String> {
    let Some(selector) = selector.and_then(Node::as_object) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = selector
        .get("matchLabels")
        .and_then(Node::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(str::to_owned))
        .collect();
    let expressions = selector.get("matchExpressions").and_then(Node::as_array);
    keys.extend(
        expressions
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("key").and_then(Node::as_str).map(str::to_owned)),
    );
    keys
}

/// Pods, in any namespace, whose labels match `selector` (all pods for an empty one).
pub fn pods_selected_anywhere<'s>(
    store: &'s Store,
    selector: Map<'_>,
) -> Vec<(ResourceId, &'s Resource)> {
    let mut namespaces: Vec<&str> = store.namespaces_of(POD).collect();
    namespaces.sort_unstable();
    namespaces
        .into_iter()
        .flat_map(|ns| store.select(POD, ns, selector))
        .collect()
}

/// Services indexed by namespace and by one pair of their selector, to find the Services that
/// select a set of pod labels without scanning them all.
pub struct ServiceIndex<'s> {
    store: &'s Store,
    /// `(namespace, "key=value")` of a Service's first selector pair → Services.
    by_pair: HashMap<(&'s str, String), Vec<ResourceId>>,
}

impl<'s> ServiceIndex<'s> {
    /// Indexes every Service with a non-empty selector.
    pub fn new(store: &'s Store) -> Self {
        let mut by_pair: HashMap<(&str, String), Vec<ResourceId>> = HashMap::new();
        for (id, svc) in store.of_kind(SERVICE) {
            let Some((k, v)) = service_selector(svc).iter().next() else {
                continue;
            };
            by_pair
                .entry((&*svc.namespace, pair(k, v)))
                .or_default()
                .push(id);
        }
        ServiceIndex { store, by_pair }
    }

    /// Services of `namespace` whose (non-empty) selector matches `labels`, in load order.
    pub fn selecting(&self, namespace: &str, labels: Map<'_>) -> Vec<ResourceId> {
        let mut found: Vec<ResourceId> = labels
            .iter()
            .filter_map(|(k, v)| self.by_pair.get(&(namespace, pair(k, v))))
            .flatten()
            .copied()
            .filter(|&id| labels_match(service_selector(self.store.get(id)), labels))
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// A Service's `spec.selector` (empty when absent).
pub fn service_selector(svc: &Resource) -> Map<'_> {
    svc.spec()
        .get("selector")
        .and_then(Node::as_object)
        .unwrap_or(TreeMap::empty())
}

fn pair(k: &str, v: Node<'_>) -> String {
    format!(
        "{k}={}",
        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
    )
}

/// An integer field that may be written as a number or a string.
pub fn int_of(value: Node<'_>) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use istio_core::tree::Document;
    use serde_json::json;

    fn doc(v: serde_json::Value) -> Document {
        Document::from_json(&v)
    }

    fn map(d: &Document) -> Map<'_> {
        d.root().as_object().expect("a mapping")
    }

    #[test]
    fn label_selectors() {
        let labels = doc(json!({"app": "a", "tier": "web"}));
        let labels = map(&labels);
        assert!(label_selector_matches(None, labels));
        let sel = doc(json!({"matchLabels": {"app": "a"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["web", "db"]},
            {"key": "gone", "operator": "DoesNotExist"}]}));
        assert!(label_selector_matches(Some(sel.root()), labels));
        let sel = doc(
            json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}),
        );
        assert!(!label_selector_matches(Some(sel.root()), labels));
        let sel = doc(json!({"matchExpressions": [{"key": "tier", "operator": "Bogus"}]}));
        assert!(!label_selector_matches(Some(sel.root()), labels));
    }

    #[test]
    fn proxies_and_injection() {
        let spec = doc(
            json!({"containers": [{"name": "app"}], "initContainers": [{"name": "istio-proxy", "image": "p:1"}]}),
        );
        assert_eq!(proxy_image(spec.root()), Some("p:1"));
        assert!(has_proxy(spec.root()));
        assert!(!has_proxy(
            doc(json!({"containers": [{"name": "istio-proxy"}]})).root()
        ));
        let meta = doc(
            json!({"labels": {SIDECAR_INJECT: "false"}, "annotations": {SIDECAR_INJECT: "true"}}),
        );
        assert_eq!(pod_injection(map(&meta)), Some(false));
        assert_eq!(pod_injection(Map::empty()), None);
    }
}
