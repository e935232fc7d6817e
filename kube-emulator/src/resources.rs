//! The catalog of served resources: the built-in kinds plus those defined by CRDs.

use serde_json::Value;

/// The verbs of an ordinary resource.
const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// One served resource of one group-version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResourceInfo {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Has a `status` subresource.
    pub status: bool,
    /// The verbs served.
    pub verbs: Verbs,
    /// A CRD version's `additionalPrinterColumns` (none for built-in kinds).
    pub printer_columns: Vec<PrinterColumn>,
}

/// A column of `kubectl get` defined by a CRD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PrinterColumn {
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub kind: String,
    pub format: String,
    pub description: String,
    pub priority: i64,
    /// A simple JSONPath such as `.spec.hosts`.
    pub json_path: String,
}

fn printer_columns(version: &Value) -> Vec<PrinterColumn> {
    version["additionalPrinterColumns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(PrinterColumn {
                name: c["name"].as_str()?.to_string(),
                kind: c["type"].as_str().unwrap_or("string").to_string(),
                format: c["format"].as_str().unwrap_or("").to_string(),
                description: c["description"].as_str().unwrap_or("").to_string(),
                priority: c["priority"].as_i64().unwrap_or(0),
                json_path: c["jsonPath"].as_str()?.to_string(),
            })
        })
        .collect()
}

impl ResourceInfo {
    /// `group/version`, or `version` for the core group.
    pub fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The verbs shown in discovery.
    pub fn verbs(&self) -> Vec<&'static str> {
        match self.verbs {
            Verbs::All => ALL_VERBS.to_vec(),
            Verbs::CreateOnly => vec!["create"],
            Verbs::ReadOnly => vec!["get", "list"],
        }
    }
}

/// Which verbs a built-in resource serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verbs {
    /// Every ordinary verb.
    All,
    /// Only `create` (reviews, bindings: nothing stored).
    CreateOnly,
    /// Only `get` and `list`.
    ReadOnly,
}

/// (group, version, plural, kind, namespaced, short names, categories, status subresource,
/// verbs): every built-in resource Kubernetes 1.36 serves by default, at its preferred version.
type Builtin = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static [&'static str],
    bool,
    Verbs,
);

use Verbs::{All, CreateOnly, ReadOnly};

const EXT: &[&str] = &["api-extensions"];
const ALL: &[&str] = &["all"];
const NONE: &[&str] = &[];

#[rustfmt::skip]
const BUILTINS: &[Builtin] = &[
    ("", "v1", "bindings", "Binding", true, NONE, NONE, false, CreateOnly),
    ("", "v1", "componentstatuses", "ComponentStatus", false, &["cs"], NONE, false, ReadOnly),
    ("", "v1", "configmaps", "ConfigMap", true, &["cm"], NONE, false, All),
    ("", "v1", "endpoints", "Endpoints", true, &["ep"], NONE, false, All),
    ("", "v1", "events", "Event", true, &["ev"], NONE, false, All),
    ("", "v1", "limitranges", "LimitRange", true, &["limits"], NONE, false, All),
    ("", "v1", "namespaces", "Namespace", false, &["ns"], NONE, true, All),
    ("", "v1", "nodes", "Node", false, &["no"], NONE, true, All),
    ("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, &["pvc"], NONE, true, All),
    ("", "v1", "persistentvolumes", "PersistentVolume", false, &["pv"], NONE, true, All),
    ("", "v1", "pods", "Pod", true, &["po"], ALL, true, All),
    ("", "v1", "podtemplates", "PodTemplate", true, NONE, NONE, false, All),
    ("", "v1", "replicationcontrollers", "ReplicationController", true, &["rc"], ALL, true, All),
    ("", "v1", "resourcequotas", "ResourceQuota", true, &["quota"], NONE, true, All),
    ("", "v1", "secrets", "Secret", true, NONE, NONE, false, All),
    ("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"], NONE, false, All),
    ("", "v1", "services", "Service", true, &["svc"], ALL, true, All),
    ("admissionregistration.k8s.io", "v1", "mutatingadmissionpolicies", "MutatingAdmissionPolicy", false, NONE, EXT, false, All),
    ("admissionregistration.k8s.io", "v1", "mutatingadmissionpolicybindings", "MutatingAdmissionPolicyBinding", false, NONE, EXT, false, All),
    ("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, NONE, EXT, false, All),
    ("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false, NONE, EXT, true, All),
    ("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false, NONE, EXT, false, All),
    ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false, NONE, EXT, false, All),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, &["crd", "crds"], EXT, true, All),
    ("apiregistration.k8s.io", "v1", "apiservices", "APIService", false, NONE, EXT, true, All),
    ("apps", "v1", "controllerrevisions", "ControllerRevision", true, NONE, NONE, false, All),
    ("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"], ALL, true, All),
    ("apps", "v1", "deployments", "Deployment", true, &["deploy"], ALL, true, All),
    ("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"], ALL, true, All),
    ("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"], ALL, true, All),
    ("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false, NONE, NONE, false, CreateOnly),
    ("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false, NONE, NONE, false, CreateOnly),
    ("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", true, NONE, NONE, false, CreateOnly),
    ("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, NONE, NONE, false, CreateOnly),
    ("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, NONE, NONE, false, CreateOnly),
    ("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false, NONE, NONE, false, CreateOnly),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, &["hpa"], ALL, true, All),
    ("batch", "v1", "cronjobs", "CronJob", true, &["cj"], ALL, true, All),
    ("batch", "v1", "jobs", "Job", true, NONE, ALL, true, All),
    ("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false, &["csr"], NONE, true, All),
    ("coordination.k8s.io", "v1", "leases", "Lease", true, NONE, NONE, false, All),
    ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, NONE, NONE, false, All),
    ("events.k8s.io", "v1", "events", "Event", true, &["ev"], NONE, false, All),
    ("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", false, NONE, NONE, true, All),
    ("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration", false, NONE, NONE, true, All),
    ("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, NONE, NONE, false, All),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", true, &["ing"], NONE, true, All),
    ("networking.k8s.io", "v1", "ipaddresses", "IPAddress", false, &["ip"], NONE, false, All),
    ("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, &["netpol"], NONE, false, All),
    ("networking.k8s.io", "v1", "servicecidrs", "ServiceCIDR", false, NONE, NONE, true, All),
    ("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false, NONE, NONE, false, All),
    ("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, &["pdb"], NONE, true, All),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, NONE, NONE, false, All),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, NONE, NONE, false, All),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, NONE, NONE, false, All),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", true, NONE, NONE, false, All),
    ("resource.k8s.io", "v1", "deviceclasses", "DeviceClass", false, NONE, NONE, false, All),
    ("resource.k8s.io", "v1", "resourceclaims", "ResourceClaim", true, NONE, NONE, true, All),
    ("resource.k8s.io", "v1", "resourceclaimtemplates", "ResourceClaimTemplate", true, NONE, NONE, false, All),
    ("resource.k8s.io", "v1", "resourceslices", "ResourceSlice", false, NONE, NONE, false, All),
    ("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, &["pc"], NONE, false, All),
    ("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false, NONE, NONE, false, All),
    ("storage.k8s.io", "v1", "csinodes", "CSINode", false, NONE, NONE, false, All),
    ("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", true, NONE, NONE, false, All),
    ("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, &["sc"], NONE, false, All),
    ("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", false, NONE, NONE, true, All),
    ("storage.k8s.io", "v1", "volumeattributesclasses", "VolumeAttributesClass", false, &["vac"], NONE, false, All),
];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The built-in resources.
pub(crate) fn builtins() -> Vec<ResourceInfo> {
    BUILTINS
        .iter()
        .map(
            |&(group, version, plural, kind, namespaced, short, categories, status, verbs)| {
                ResourceInfo {
                    group: group.into(),
                    version: version.into(),
                    plural: plural.into(),
                    singular: kind.to_ascii_lowercase(),
                    kind: kind.into(),
                    namespaced,
                    short_names: strings(short),
                    categories: strings(categories),
                    status,
                    verbs,
                    printer_columns: Vec::new(),
                }
            },
        )
        .collect()
}

fn str_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The resources a CRD object serves (one per served version), or nothing when the CRD is not
/// `Established` or malformed.
pub(crate) fn from_crd(crd: &Value) -> Vec<ResourceInfo> {
    let established = crd
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|conds| {
            conds
                .iter()
                .any(|c| c["type"] == "Established" && c["status"] == "True")
        });
    let spec = &crd["spec"];
    let (Some(group), Some(plural), Some(kind)) = (
        spec["group"].as_str(),
        spec.pointer("/names/plural").and_then(Value::as_str),
        spec.pointer("/names/kind").and_then(Value::as_str),
    ) else {
        return Vec::new();
    };
    if !established {
        return Vec::new();
    }
    let names = &spec["names"];
    let singular = names["singular"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let namespaced = spec["scope"].as_str() != Some("Cluster");
    spec["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["served"].as_bool().unwrap_or(true))
        .filter_map(|v| {
            Some(ResourceInfo {
                group: group.to_string(),
                version: v["name"].as_str()?.to_string(),
                plural: plural.to_string(),
                singular: singular.clone(),
                kind: kind.to_string(),
                namespaced,
                short_names: str_list(names.get("shortNames")),
                categories: str_list(names.get("categories")),
                status: v.pointer("/subresources/status").is_some(),
                verbs: Verbs::All,
                printer_columns: printer_columns(v),
            })
        })
        .collect()
}
