//! The data plane as the cluster shows it: the pods that run an Istio proxy, with the proxy's
//! version (its image tag) and the revision that injected it.

use serde_json::Value;

use istio_kube::{Cluster, KubeError, ListScope};

use crate::apply::{control_planes, image_tag, ControlPlane};
use crate::render::REVISION_LABEL;

/// The name of the injected proxy container (a sidecar, or a native sidecar init container).
pub const PROXY_CONTAINER: &str = "istio-proxy";

/// A pod running an Istio proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub name: String,
    /// The revision that injected it (`istio.io/rev`, else the injection status annotation,
    /// else `default`).
    pub revision: String,
    /// The proxy image's tag.
    pub version: String,
}

/// The mesh `version` shows: the control planes and the proxies of the data plane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mesh {
    /// The istiod Deployments of the Istio namespace.
    pub planes: Vec<ControlPlane>,
    /// Every pod that runs an Istio proxy.
    pub proxies: Vec<Proxy>,
}

/// The control planes in `namespace` and the cluster's proxies, of `revision` only when given.
pub async fn versions(
    cluster: &Cluster,
    namespace: &str,
    revision: Option<&str>,
) -> Result<Mesh, KubeError> {
    let mut planes = control_planes(cluster, Some(namespace)).await?;
    let mut proxies = proxies(cluster).await?;
    if let Some(r) = revision {
        planes.retain(|p| p.revision == r);
        proxies.retain(|p| p.revision == r);
    }
    Ok(Mesh { planes, proxies })
}

/// Every pod of the cluster that runs an Istio proxy, sorted by namespace and name.
pub async fn proxies(cluster: &Cluster) -> Result<Vec<Proxy>, KubeError> {
    let kind = cluster.require_kind("v1", "Pod")?;
    let mut out: Vec<Proxy> = cluster
        .list(&kind, ListScope::All, None)
        .await?
        .iter()
        .filter_map(proxy_of)
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(out)
}

/// The proxy of one pod, if it runs one.
pub fn proxy_of(pod: &Value) -> Option<Proxy> {
    let spec = pod.get("spec")?;
    let container = ["containers", "initContainers"]
        .iter()
        .filter_map(|k| spec.get(*k).and_then(Value::as_array))
        .flatten()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(PROXY_CONTAINER))?;
    let image = container
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let meta = pod.get("metadata");
    let s = |p: &str| {
        pod.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let from_label = meta
        .and_then(|m| m.pointer("/labels"))
        .and_then(|l| l.get(REVISION_LABEL))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let from_status = || {
        meta.and_then(|m| m.pointer("/annotations"))
            .and_then(|a| a.get("sidecar.istio.io/status"))
            .and_then(Value::as_str)
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|v| v.get("revision").and_then(Value::as_str).map(str::to_owned))
    };
    let revision = from_label
        .or_else(from_status)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "default".to_owned());
    Some(Proxy {
        namespace: s("/metadata/namespace"),
        name: s("/metadata/name"),
        revision,
        version: image_tag(image).to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pod_with_a_proxy_names_its_revision_and_version() {
        let pod = json!({
            "metadata": {"name": "web-1", "namespace": "shop",
                "annotations": {"sidecar.istio.io/status": "{\"revision\":\"canary\"}"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"},
                {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.30.3"}]}
        });
        let p = proxy_of(&pod).unwrap();
        assert_eq!(
            (p.revision.as_str(), p.version.as_str()),
            ("canary", "1.30.3")
        );
        assert!(
            proxy_of(&json!({"metadata": {}, "spec": {"containers": [{"name": "web"}]}})).is_none()
        );
    }
}
