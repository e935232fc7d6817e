//! Kubernetes built-in kinds (Pod, Deployment, Service, …) checked for shape against
//! k8s-openapi's types, i.e. Kubernetes 1.33's API (the oldest release Istio 1.30 supports).
//!
//! [`check`] picks the k8s-openapi type of a resource from its `apiVersion` and `kind` and
//! deserializes the parsed document into it with a small deserializer over [`serde_json::Value`]
//! that knows where it is: a value of the wrong type is reported with its field path
//! (`spec.template.spec.containers[0].ports[0].containerPort`), and a field the type does not
//! have (which k8s-openapi would silently drop) is reported as unknown, with the closest known
//! name of that object as a suggestion (the deserializer sees each object's field names, which
//! k8s-openapi passes to `deserialize_struct`). After a type error the document is deserialized
//! again without the offending value, so every problem is reported, not only the first.
//!
//! Like Kubernetes, `null` counts as an absent field, and numbers are accepted as quantities
//! (`cpu: 1`). A kind of one of Kubernetes' groups in a version Kubernetes 1.33 does not serve
//! (`apps/v1beta1` Deployment) is an error naming the served versions, and so is a kind the group
//! does not have; resources of other groups (custom resources) are not checked here.

mod de;

use k8s_openapi::Resource;
use serde_json::Value;

use istio_core::suggest::closest;

use de::shape;

/// A shape problem in a Kubernetes built-in resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// Field path (`spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`), or `""` for
    /// the whole resource.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// One kind of k8s-openapi with its checker.
struct Builtin {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    check: fn(&Value) -> Vec<ShapeError>,
}

macro_rules! builtins {
    ($($ty:ty),* $(,)?) => {
        &[$(Builtin {
            group: <$ty as Resource>::GROUP,
            version: <$ty as Resource>::VERSION,
            kind: <$ty as Resource>::KIND,
            check: shape::<$ty>,
        }),*]
    };
}

use k8s_openapi::api as k;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration;

/// Every kind k8s-openapi has for Kubernetes 1.33, the oldest release Istio 1.30 supports.
static BUILTINS: &[Builtin] = builtins![
    k::admissionregistration::v1::MutatingWebhookConfiguration,
    k::admissionregistration::v1::ValidatingAdmissionPolicy,
    k::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
    k::admissionregistration::v1::ValidatingWebhookConfiguration,
    k::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
    k::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
    k::admissionregistration::v1beta1::ValidatingAdmissionPolicy,
    k::admissionregistration::v1beta1::ValidatingAdmissionPolicyBinding,
    k::apiserverinternal::v1alpha1::StorageVersion,
    k::apps::v1::ControllerRevision,
    k::apps::v1::DaemonSet,
    k::apps::v1::Deployment,
    k::apps::v1::ReplicaSet,
    k::apps::v1::StatefulSet,
    k::authentication::v1::SelfSubjectReview,
    k::authentication::v1::TokenRequest,
    k::authentication::v1::TokenReview,
    k::authorization::v1::LocalSubjectAccessReview,
    k::authorization::v1::SelfSubjectAccessReview,
    k::authorization::v1::SelfSubjectRulesReview,
    k::authorization::v1::SubjectAccessReview,
    k::autoscaling::v1::HorizontalPodAutoscaler,
    k::autoscaling::v1::Scale,
    k::autoscaling::v2::HorizontalPodAutoscaler,
    k::batch::v1::CronJob,
    k::batch::v1::Job,
    k::certificates::v1::CertificateSigningRequest,
    k::certificates::v1alpha1::ClusterTrustBundle,
    k::certificates::v1beta1::ClusterTrustBundle,
    k::coordination::v1::Lease,
    k::coordination::v1alpha2::LeaseCandidate,
    k::coordination::v1beta1::LeaseCandidate,
    k::core::v1::Binding,
    k::core::v1::ComponentStatus,
    k::core::v1::ConfigMap,
    k::core::v1::Endpoints,
    k::core::v1::Event,
    k::core::v1::LimitRange,
    k::core::v1::Namespace,
    k::core::v1::Node,
    k::core::v1::PersistentVolume,
    k::core::v1::PersistentVolumeClaim,
    k::core::v1::Pod,
    k::core::v1::PodTemplate,
    k::core::v1::ReplicationController,
    k::core::v1::ResourceQuota,
    k::core::v1::Secret,
    k::core::v1::Service,
    k::core::v1::ServiceAccount,
    k::discovery::v1::EndpointSlice,
    k::events::v1::Event,
    k::flowcontrol::v1::FlowSchema,
    k::flowcontrol::v1::PriorityLevelConfiguration,
    k::networking::v1::Ingress,
    k::networking::v1::IngressClass,
    k::networking::v1::IPAddress,
    k::networking::v1::NetworkPolicy,
    k::networking::v1::ServiceCIDR,
    k::networking::v1beta1::IPAddress,
    k::networking::v1beta1::ServiceCIDR,
    k::node::v1::RuntimeClass,
    k::policy::v1::Eviction,
    k::policy::v1::PodDisruptionBudget,
    k::rbac::v1::ClusterRole,
    k::rbac::v1::ClusterRoleBinding,
    k::rbac::v1::Role,
    k::rbac::v1::RoleBinding,
    k::resource::v1alpha3::DeviceClass,
    k::resource::v1alpha3::DeviceTaintRule,
    k::resource::v1alpha3::ResourceClaim,
    k::resource::v1alpha3::ResourceClaimTemplate,
    k::resource::v1alpha3::ResourceSlice,
    k::resource::v1beta1::DeviceClass,
    k::resource::v1beta1::ResourceClaim,
    k::resource::v1beta1::ResourceClaimTemplate,
    k::resource::v1beta1::ResourceSlice,
    k::resource::v1beta2::DeviceClass,
    k::resource::v1beta2::ResourceClaim,
    k::resource::v1beta2::ResourceClaimTemplate,
    k::resource::v1beta2::ResourceSlice,
    k::scheduling::v1::PriorityClass,
    k::storage::v1::CSIDriver,
    k::storage::v1::CSINode,
    k::storage::v1::CSIStorageCapacity,
    k::storage::v1::StorageClass,
    k::storage::v1::VolumeAttachment,
    k::storage::v1alpha1::VolumeAttributesClass,
    k::storage::v1beta1::VolumeAttributesClass,
    k::storagemigration::v1alpha1::StorageVersionMigration,
    apiextensions::v1::CustomResourceDefinition,
    apiregistration::v1::APIService,
];

/// Whether `group` (`""` for the core group) is one of Kubernetes' API groups that k8s-openapi
/// knows.
pub fn is_builtin_group(group: &str) -> bool {
    BUILTINS.iter().any(|b| b.group == group)
}

/// Checks a resource of one of Kubernetes' API groups against the k8s-openapi type of its
/// `apiVersion` and `kind`. Resources of other groups, and resources without an `apiVersion` or
/// `kind` (reported elsewhere), yield no errors; so do `…List` kinds, which are not checked.
pub fn check(value: &Value) -> Vec<ShapeError> {
    let field = |name: &str| value.get(name).and_then(Value::as_str).unwrap_or("");
    let (api_version, kind) = (field("apiVersion"), field("kind"));
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    if api_version.is_empty() || kind.is_empty() || !is_builtin_group(group) {
        return Vec::new();
    }
    if let Some(b) = BUILTINS
        .iter()
        .find(|b| b.group == group && b.version == version && b.kind == kind)
    {
        return (b.check)(value);
    }
    let error = |path: &str, message: String| {
        vec![ShapeError {
            path: path.to_owned(),
            message,
        }]
    };
    let served = |in_group: bool| -> Vec<String> {
        BUILTINS
            .iter()
            .filter(|b| b.kind == kind && (!in_group || b.group == group))
            .map(|b| api_version_of(b.group, b.version))
            .collect()
    };
    let mut elsewhere = served(true);
    if elsewhere.is_empty() {
        elsewhere = served(false);
    }
    if !elsewhere.is_empty() {
        let fix = match elsewhere.as_slice() {
            [one] => format!("use {one}"),
            many => format!("use one of: {}", many.join(", ")),
        };
        return error(
            "apiVersion",
            format!("{kind} is not served in {api_version}; {fix}"),
        );
    }
    if kind.ends_with("List") {
        return Vec::new();
    }
    let mut kinds: Vec<&str> = BUILTINS
        .iter()
        .filter(|b| b.group == group)
        .map(|b| b.kind)
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let name = match group {
        "" => "the core API group (v1)".to_owned(),
        g => g.to_owned(),
    };
    error(
        "kind",
        format!(
            "{name} has no kind {kind:?}{}; its kinds are: {}",
            closest(kind, kinds.iter().copied())
                .map(|c| format!(" (did you mean {c:?}?)"))
                .unwrap_or_default(),
            kinds.join(", ")
        ),
    )
}

fn api_version_of(group: &str, version: &str) -> String {
    match group {
        "" => version.to_owned(),
        g => format!("{g}/{version}"),
    }
}

#[cfg(test)]
mod tests {
    use super::de::{child_key, quantity_problem, Ctx, ValueDe, MAX_ERRORS};
    use super::*;
    use istio_core::yaml::{parse_document, split_documents};
    use k8s_openapi::api::{apps, autoscaling, batch, core, networking, policy, rbac};
    use serde::de::DeserializeOwned;
    use std::fmt;

    fn documents(text: &str) -> Vec<Value> {
        split_documents(text)
            .into_iter()
            .filter_map(|c| {
                let doc = text.get(c.range.clone())?;
                parse_document(doc, c.first_line, c.range.start).ok()
            })
            .filter(|v| !v.is_null())
            .collect()
    }

    /// Our deserializer builds the same object as serde_json's.
    fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(value: &Value) {
        let ctx = Ctx::default();
        let ours = T::deserialize(ValueDe::new(value, String::new(), None, &ctx))
            .unwrap_or_else(|e| panic!("{e}"));
        let theirs: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours, theirs);
        assert!(ctx.unknown.into_inner().is_empty());
    }

    #[test]
    fn valid_fixtures_deserialize_like_serde_json() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/validate/builtin"
        );
        let mut seen = 0;
        for file in ["deployment", "service", "workloads"] {
            let text = std::fs::read_to_string(format!("{dir}/{file}.valid.yaml"))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            for v in documents(&text) {
                seen += 1;
                assert_eq!(check(&v), vec![], "{v}");
                match v["kind"].as_str().unwrap_or("") {
                    "Deployment" => same::<apps::v1::Deployment>(&v),
                    "Service" => same::<core::v1::Service>(&v),
                    "ServiceAccount" => same::<core::v1::ServiceAccount>(&v),
                    "ConfigMap" => same::<core::v1::ConfigMap>(&v),
                    "Secret" => same::<core::v1::Secret>(&v),
                    "CronJob" => same::<batch::v1::CronJob>(&v),
                    "HorizontalPodAutoscaler" => {
                        same::<autoscaling::v2::HorizontalPodAutoscaler>(&v)
                    }
                    "PodDisruptionBudget" => same::<policy::v1::PodDisruptionBudget>(&v),
                    "Ingress" => same::<networking::v1::Ingress>(&v),
                    "Role" => same::<rbac::v1::Role>(&v),
                    "RoleBinding" => same::<rbac::v1::RoleBinding>(&v),
                    _ => seen -= 1,
                }
            }
        }
        assert_eq!(seen, 11);
    }

    fn errors(yaml: &str) -> Vec<(String, String)> {
        documents(yaml)
            .iter()
            .flat_map(check)
            .map(|e| (e.path, e.message))
            .collect()
    }

    #[test]
    fn other_groups_and_list_kinds_pass_through() {
        assert!(errors("apiVersion: example.com/v1\nkind: Deployment\nspec: 1\n").is_empty());
        assert!(errors("apiVersion: apps/v1\nkind: DeploymentList\nitems: 3\n").is_empty());
        assert!(errors("kind: Deployment\nspec: 1\n").is_empty());
    }

    #[test]
    fn every_type_error_is_reported_not_only_the_first() {
        let mut yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n".to_owned();
        for i in 0..60 {
            yaml.push_str(&format!("  k{i}: {i}\n"));
        }
        let found = errors(&yaml);
        assert_eq!(found.len(), MAX_ERRORS);
        assert_eq!(
            found[0],
            (
                "data.k0".to_owned(),
                "must be a string, not an integer (0); quote the value".to_owned()
            )
        );
    }

    #[test]
    fn keys_with_dots_are_quoted_in_paths() {
        assert_eq!(
            errors("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    istio.io/rev: 1\n"),
            vec![(
                "metadata.labels[\"istio.io/rev\"]".to_owned(),
                "must be a string, not an integer (1); quote the value".to_owned()
            )]
        );
        assert_eq!(child_key("", "a"), "a");
        assert_eq!(child_key("a", "b"), "a.b");
        assert_eq!(child_key("a", ""), "a[\"\"]");
    }

    #[test]
    fn quantities_follow_kubernetes_syntax() {
        for ok in [
            "1",
            "100m",
            "1.5Gi",
            "+.5",
            "-1",
            "2e3",
            "5E-3",
            "1.",
            "128974848",
            "12Ei",
        ] {
            assert_eq!(quantity_problem(ok), None, "{ok}");
        }
        for bad in ["", "1 Gi", "1GB", "1..2", "m", "1e", "1Kb", "0x10"] {
            assert!(quantity_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_missing_required_field_skips_its_object_and_goes_on() {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nstatus:\n  conditions:\n  - type: A\n    status: \"True\"\n  - type: B\n    status: 1\n";
        assert_eq!(
            errors(yaml),
            vec![
                (
                    "status.conditions[0].lastTransitionTime".to_owned(),
                    "missing required field \"lastTransitionTime\"".to_owned()
                ),
                (
                    "status.conditions[1].status".to_owned(),
                    "must be a string, not an integer (1); quote the value".to_owned()
                ),
                (
                    "status.conditions[1].lastTransitionTime".to_owned(),
                    "missing required field \"lastTransitionTime\"".to_owned()
                ),
            ]
        );
    }
}
