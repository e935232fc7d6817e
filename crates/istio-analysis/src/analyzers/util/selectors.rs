//! Workload selectors: reading `selector.matchLabels`, rendering them as Kubernetes does, and
//! deciding which Pods take part in the mesh (sidecar-injected or ambient).

use istio_core::tree::{Map, Node};

use crate::kinds::NAMESPACE;
use crate::resource::Resource;
use crate::store::Store;
use istio_core::tree::Map as TreeMap;

/// `spec.selector.matchLabels` of a resource, when the resource has a `spec.selector` at all
/// (an empty selector yields an empty map).
pub fn match_labels(resource: &Resource) -> Option<Map<'_>> {
    let selector = resource.spec().get("selector")?;
    if selector.is_null() {
        return None;
    }
    Some(
        selector
            .get("matchLabels")
            .and_then(Node::as_object)
            .unwrap_or(TreeMap::empty()),
    )
}

/// The selector as `key=value,…` sorted by key, as Kubernetes prints a label selector.
pub fn selector_string(labels: Map<'_>) -> String {
    let mut pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", v.text()))
        .collect();
    pairs.sort_unstable();
    pairs.join(",")
}

/// Field path of the first (by sorted key) label of `spec.selector.matchLabels`, or of the
/// selector itself when it has no labels.
pub fn selector_field(labels: Map<'_>) -> String {
    match labels.keys().min() {
        Some(key) => format!("spec.selector.matchLabels.{key}"),
        None => "spec.selector".to_owned(),
    }
}

/// Label and annotation that turn sidecar injection on or off for one Pod.
const SIDECAR_INJECT: &str = "sidecar.istio.io/inject";
/// Namespace label that turns sidecar injection on for all its Pods.
const NAMESPACE_INJECTION: &str = "istio-injection";
/// Namespace label selecting a control-plane revision, which also injects its Pods.
const NAMESPACE_REVISION: &str = "istio.io/rev";
/// Annotation the ambient data plane puts on the Pods whose traffic it redirects.
const AMBIENT_REDIRECTION: &str = "ambient.istio.io/redirection";

/// True when a Pod has (or will get) an Istio sidecar: it already runs `istio-proxy`, or its own
/// injection label/annotation says so, or else its namespace enables injection.
pub fn pod_has_sidecar(store: &Store, pod: &Resource) -> bool {
    let spec = pod.spec();
    let runs_proxy = ["containers", "initContainers"].iter().any(|list| {
        spec.get(list)
            .and_then(Node::as_array)
            .into_iter()
            .flatten()
            .any(|c| c.get("name").and_then(Node::as_str) == Some("istio-proxy"))
    });
    if runs_proxy {
        return true;
    }
    if let Some(v) = pod
        .label(SIDECAR_INJECT)
        .or_else(|| pod.annotation(SIDECAR_INJECT))
    {
        return v == "true";
    }
    let Some((_, ns)) = store.find(NAMESPACE, "", &pod.namespace) else {
        return false;
    };
    match ns.label(NAMESPACE_INJECTION) {
        Some(v) => v == "enabled",
        None => ns.label(NAMESPACE_REVISION).is_some(),
    }
}

/// Label putting a namespace (or one Pod) in ambient mode, or (`none`) a Pod out of it.
pub const DATAPLANE_MODE: &str = "istio.io/dataplane-mode";

/// True when the ambient data plane redirects a Pod's traffic.
pub fn pod_in_ambient(pod: &Resource) -> bool {
    pod.annotation(AMBIENT_REDIRECTION) == Some("enabled")
}

/// True when a namespace is labelled for ambient mode (`istio.io/dataplane-mode: ambient`).
pub fn namespace_in_ambient(store: &Store, namespace: &str) -> bool {
    store
        .find(NAMESPACE, "", namespace)
        .is_some_and(|(_, ns)| ns.label(DATAPLANE_MODE) == Some("ambient"))
}

/// True when a Pod is (or will be) captured by the ambient data plane rather than a sidecar:
/// ztunnel marked it redirected, or it has no sidecar and it, or else its namespace, asks for
/// ambient mode (`istio.io/dataplane-mode: ambient`; `none` on the Pod opts it out).
pub fn pod_captured_by_ambient(store: &Store, pod: &Resource) -> bool {
    if pod_in_ambient(pod) {
        return true;
    }
    if pod_has_sidecar(store, pod) {
        return false;
    }
    match pod.label(DATAPLANE_MODE) {
        Some(mode) => mode == "ambient",
        None => namespace_in_ambient(store, &pod.namespace),
    }
}

/// True when a Pod takes part in the mesh, with a sidecar or in ambient mode.
pub fn pod_in_mesh(store: &Store, pod: &Resource) -> bool {
    pod_has_sidecar(store, pod) || pod_in_ambient(pod)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_selectors_sorted() {
        let labels =
            istio_core::tree::Document::from_json(&json!({"version": "v1", "app": "x", "n": 3}));
        let labels = labels.root().as_object().expect("a mapping");
        assert_eq!(selector_string(labels), "app=x,n=3,version=v1");
        assert_eq!(selector_field(labels), "spec.selector.matchLabels.app");
        assert_eq!(selector_field(Map::empty()), "spec.selector");
    }
}
