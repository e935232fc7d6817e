//! The one table of the kinds an install owns: it orders rendered manifests, groups objects
//! into apply tiers, tells prune and uninstall what to look for and in which order to delete,
//! and the label selector that finds our objects.

use std::fmt;

use serde_json::Value;

use crate::render::{Component, RenderedObject, COMPONENT_LABEL, OWNING_RESOURCE_LABEL};

/// When objects of a kind are applied; deletion runs the stages backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// CustomResourceDefinitions, first (waited for until Established), deleted last.
    Crds,
    /// Cluster-scoped and namespaced configuration.
    Config,
    /// Admission webhooks: after istiod, which serves them.
    Webhooks,
    /// Workloads and what shapes them (Deployments, DaemonSets, PDBs, HPAs).
    Workloads,
}

/// A kind an install can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnedKind {
    /// `group/version` (`v1` for the core group).
    pub api_version: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// When it is applied.
    pub stage: Stage,
}

const fn owned(api_version: &'static str, kind: &'static str, stage: Stage) -> OwnedKind {
    OwnedKind {
        api_version,
        kind,
        stage,
    }
}

/// Every kind an install can create, in the order `manifest generate` prints them.
pub const OWNED_KINDS: &[OwnedKind] = &[
    owned(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        Stage::Crds,
    ),
    owned("v1", "ServiceAccount", Stage::Config),
    owned("rbac.authorization.k8s.io/v1", "ClusterRole", Stage::Config),
    owned(
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        Stage::Config,
    ),
    owned("rbac.authorization.k8s.io/v1", "Role", Stage::Config),
    owned("rbac.authorization.k8s.io/v1", "RoleBinding", Stage::Config),
    owned("v1", "ConfigMap", Stage::Config),
    owned("v1", "Secret", Stage::Config),
    owned("v1", "ResourceQuota", Stage::Config),
    owned(
        "k8s.cni.cncf.io/v1",
        "NetworkAttachmentDefinition",
        Stage::Config,
    ),
    owned(
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy",
        Stage::Config,
    ),
    owned(
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding",
        Stage::Config,
    ),
    owned(
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        Stage::Webhooks,
    ),
    owned(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        Stage::Webhooks,
    ),
    owned("v1", "Service", Stage::Config),
    owned("v1", "Endpoints", Stage::Config),
    owned("apps/v1", "Deployment", Stage::Workloads),
    owned("apps/v1", "DaemonSet", Stage::Workloads),
    owned("policy/v1", "PodDisruptionBudget", Stage::Workloads),
    owned(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        Stage::Workloads,
    ),
    owned("networking.k8s.io/v1", "NetworkPolicy", Stage::Config),
];

/// The table's row for `kind`, if an install owns it.
pub fn owned_kind(kind: &str) -> Option<&'static OwnedKind> {
    OWNED_KINDS.iter().find(|k| k.kind == kind)
}

/// Where `kind` goes in rendered output (unknown kinds last).
pub fn render_rank(kind: &str) -> usize {
    OWNED_KINDS
        .iter()
        .position(|k| k.kind == kind)
        .unwrap_or(OWNED_KINDS.len())
}

/// When `kind` is deleted: workloads first, then webhooks, configuration, CRDs last.
pub fn delete_rank(kind: &str) -> usize {
    match owned_kind(kind).map_or(Stage::Config, |k| k.stage) {
        Stage::Workloads => 0,
        Stage::Webhooks => 1,
        Stage::Config => 2,
        Stage::Crds => 3,
    }
}

/// The label selector of everything our installs labelled.
pub fn owned_selector() -> String {
    format!("{OWNING_RESOURCE_LABEL},{COMPONENT_LABEL}")
}

/// Apply tiers, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// CustomResourceDefinitions (waited for until Established).
    Crds,
    /// Cluster-scoped and namespaced configuration.
    Config,
    /// istiod's (and the node agents') workloads.
    Istiod,
    /// Admission webhooks (after istiod).
    Webhooks,
    /// Gateway workloads.
    Gateways,
}

impl Tier {
    /// Every tier, in apply order.
    pub const ALL: [Tier; 5] = [
        Tier::Crds,
        Tier::Config,
        Tier::Istiod,
        Tier::Webhooks,
        Tier::Gateways,
    ];
}

/// The tier of a rendered object: its kind's stage, workloads split by component.
pub fn tier(object: &RenderedObject) -> Tier {
    match owned_kind(object.kind()).map_or(Stage::Config, |k| k.stage) {
        Stage::Crds => Tier::Crds,
        Stage::Config => Tier::Config,
        Stage::Webhooks => Tier::Webhooks,
        Stage::Workloads => match object.component {
            Component::IngressGateways | Component::EgressGateways => Tier::Gateways,
            _ => Tier::Istiod,
        },
    }
}

/// The identity of an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// `group/version`.
    pub api_version: String,
    /// The kind.
    pub kind: String,
    /// The namespace, empty for cluster-scoped objects.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl ObjectKey {
    /// The identity of an object value.
    pub fn of(object: &Value) -> Self {
        let s = |p: &str| {
            object
                .pointer(p)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        ObjectKey {
            api_version: s("/apiVersion"),
            kind: s("/kind"),
            namespace: s("/metadata/namespace"),
            name: s("/metadata/name"),
        }
    }

    /// The namespace, `None` for cluster-scoped objects.
    pub fn namespace(&self) -> Option<&str> {
        (!self.namespace.is_empty()).then_some(self.namespace.as_str())
    }
}

/// `Kind namespace/name` (or `Kind name`), for messages.
impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_order_apply_and_delete() {
        assert!(render_rank("CustomResourceDefinition") < render_rank("Deployment"));
        assert_eq!(render_rank("Unknown"), OWNED_KINDS.len());
        assert_eq!(delete_rank("Deployment"), 0);
        assert_eq!(delete_rank("CustomResourceDefinition"), 3);
        assert_eq!(
            owned_selector(),
            "install.operator.istio.io/owning-resource,operator.istio.io/component"
        );
    }
}
