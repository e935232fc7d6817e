//! `x precheck` as one call: can Istio be installed on this cluster? The Kubernetes version,
//! the user's permissions (SelfSubjectAccessReview) and the control planes already there.

use serde_json::{json, Value};

use istio_kube::{Cluster, KubeError};

use crate::apply::{control_planes, ControlPlane};

/// The oldest Kubernetes minor version the Istio release we install supports.
pub const MIN_KUBERNETES_MINOR: u64 = 29;

/// Permissions an install needs: (group, resource, namespaced).
const PERMISSIONS: &[(&str, &str, bool)] = &[
    ("", "namespaces", false),
    ("apiextensions.k8s.io", "customresourcedefinitions", false),
    ("rbac.authorization.k8s.io", "clusterroles", false),
    ("rbac.authorization.k8s.io", "clusterrolebindings", false),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        false,
    ),
    ("rbac.authorization.k8s.io", "roles", true),
    ("rbac.authorization.k8s.io", "rolebindings", true),
    ("", "serviceaccounts", true),
    ("", "configmaps", true),
    ("", "services", true),
    ("apps", "deployments", true),
    ("policy", "poddisruptionbudgets", true),
    ("autoscaling", "horizontalpodautoscalers", true),
];

/// What the checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precheck {
    /// The server's `gitVersion`.
    pub kubernetes_version: String,
    /// Its minor version, when it could be read.
    pub kubernetes_minor: Option<u64>,
    /// Each permission the user lacks (`resource.group [in namespace N]`), with the server's
    /// reason (may be empty).
    pub denied: Vec<(String, String)>,
    /// The control planes already installed, or why they could not be listed (e.g. the user
    /// may not list Deployments in every namespace).
    pub control_planes: Result<Vec<ControlPlane>, String>,
}

impl Precheck {
    /// True when the Kubernetes version is one the release supports.
    pub fn version_supported(&self) -> bool {
        self.kubernetes_minor
            .is_some_and(|m| m >= MIN_KUBERNETES_MINOR)
    }

    /// How many problems block an install.
    pub fn issues(&self) -> usize {
        usize::from(!self.version_supported())
            + self.denied.len()
            + usize::from(self.control_planes.is_err())
    }
}

/// Runs every check against `cluster`; permissions are asked for `namespace`.
pub async fn precheck(cluster: &Cluster, namespace: &str) -> Result<Precheck, KubeError> {
    let (kubernetes_version, kubernetes_minor) = kubernetes_version(cluster).await?;
    Ok(Precheck {
        kubernetes_version,
        kubernetes_minor,
        denied: denied_permissions(cluster, namespace).await?,
        control_planes: match control_planes(cluster, None).await {
            Ok(planes) => Ok(planes),
            Err(e) if e.status() == Some(403) => Err(e.to_string()),
            Err(e) => return Err(e),
        },
    })
}

/// The server's `gitVersion` and its minor version number.
async fn kubernetes_version(cluster: &Cluster) -> Result<(String, Option<u64>), KubeError> {
    let info = cluster.get_path("/version").await?;
    let git = info
        .get("gitVersion")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let minor = info
        .get("minor")
        .and_then(Value::as_str)
        .map(|m| m.trim_end_matches('+'))
        .and_then(|m| m.parse().ok());
    Ok((git, minor))
}

/// The permissions of [`PERMISSIONS`] the user lacks, with the server's reason.
async fn denied_permissions(
    cluster: &Cluster,
    namespace: &str,
) -> Result<Vec<(String, String)>, KubeError> {
    let kind = cluster.require_kind("authorization.k8s.io/v1", "SelfSubjectAccessReview")?;
    let mut denied = Vec::new();
    for (group, resource, namespaced) in PERMISSIONS {
        let mut attrs = json!({"verb": "create", "group": group, "resource": resource});
        if *namespaced {
            attrs["namespace"] = json!(namespace);
        }
        let review = json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attrs},
        });
        let answer = cluster.create(&kind, None, &review).await?;
        if answer.pointer("/status/allowed").and_then(Value::as_bool) != Some(true) {
            let reason = answer
                .pointer("/status/reason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let name = if group.is_empty() {
                resource.to_string()
            } else {
                format!("{resource}.{group}")
            };
            let name = if *namespaced {
                format!("{name} in namespace {namespace}")
            } else {
                name
            };
            denied.push((name, reason));
        }
    }
    Ok(denied)
}
