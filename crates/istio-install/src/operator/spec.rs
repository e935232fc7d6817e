//! The IstioOperator resource: the typed spec that profiles and `-f` files are checked against.
//!
//! Unknown fields are errors (with the file and line when they come from YAML). Trees whose
//! shape is open-ended or checked elsewhere (`values`, `meshConfig`, Kubernetes overlays) are
//! kept as JSON values.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A JSON/YAML map.
pub type Object = serde_json::Map<String, Value>;

/// The API version istioctl's IstioOperator resources use.
pub const API_VERSION: &str = "install.istio.io/v1alpha1";
/// The kind of an IstioOperator resource.
pub const KIND: &str = "IstioOperator";

/// A whole IstioOperator document, as read from a profile or an `-f` file.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IstioOperator {
    /// Must be `install.istio.io/v1alpha1` when present.
    #[serde(default)]
    pub api_version: Option<String>,
    /// Must be `IstioOperator` when present.
    #[serde(default)]
    pub kind: Option<String>,
    /// Object metadata (name, namespace, labels ...).
    #[serde(default)]
    pub metadata: Option<Value>,
    /// The installation spec.
    #[serde(default)]
    pub spec: Option<IstioOperatorSpec>,
}

/// `spec` of an IstioOperator.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IstioOperatorSpec {
    /// The profile the spec is merged onto (`default` when unset).
    #[serde(default, deserialize_with = "opt_text")]
    pub profile: Option<String>,
    /// Image registry for every component.
    #[serde(default, deserialize_with = "opt_text")]
    pub hub: Option<String>,
    /// Image tag for every component.
    #[serde(default, deserialize_with = "opt_text")]
    pub tag: Option<String>,
    /// Control plane revision; names and labels of revisioned objects follow it.
    #[serde(default, deserialize_with = "opt_text")]
    pub revision: Option<String>,
    /// Namespace the control plane is installed into.
    #[serde(default, deserialize_with = "opt_text")]
    pub namespace: Option<String>,
    /// Where istioctl reads charts from; this client renders only its embedded charts, so a
    /// value is an error (a warning with `--force`).
    #[serde(default)]
    pub install_package_path: Option<String>,
    /// The Istio release whose defaults to keep (`1.25` … `1.29`): `values.compatibilityVersion`.
    #[serde(default, deserialize_with = "opt_text")]
    pub compatibility_version: Option<String>,
    /// Mesh-wide configuration written to the `istio` ConfigMap.
    #[serde(default)]
    pub mesh_config: Option<Value>,
    /// The components to install and their Kubernetes settings.
    #[serde(default)]
    pub components: Option<Components>,
    /// Helm-style values, checked against the known values tree.
    #[serde(default)]
    pub values: Option<Value>,
    /// Helm-style values passed through without checks.
    #[serde(default)]
    pub unvalidated_values: Option<Value>,
}

/// `spec.components`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Components {
    /// CRDs and the reader service account.
    #[serde(default)]
    pub base: Option<ComponentSpec>,
    /// istiod and its configuration.
    #[serde(default)]
    pub pilot: Option<ComponentSpec>,
    /// The CNI node agent (`istio-cni-node` DaemonSet).
    #[serde(default)]
    pub cni: Option<ComponentSpec>,
    /// The ambient node proxy (`ztunnel` DaemonSet).
    #[serde(default)]
    pub ztunnel: Option<ComponentSpec>,
    /// Ingress gateways, merged by `name`.
    #[serde(default)]
    pub ingress_gateways: Option<Vec<GatewaySpec>>,
    /// Egress gateways, merged by `name`.
    #[serde(default)]
    pub egress_gateways: Option<Vec<GatewaySpec>>,
}

/// A single-instance component (`base`, `pilot`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentSpec {
    /// Whether the component is installed.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Namespace override.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Image registry override.
    #[serde(default, deserialize_with = "opt_text")]
    pub hub: Option<String>,
    /// Image tag override.
    #[serde(default, deserialize_with = "opt_text")]
    pub tag: Option<String>,
    /// Labels; only gateways use them (an error elsewhere).
    #[serde(default)]
    pub label: Option<BTreeMap<String, String>>,
    /// Kubernetes settings applied to the rendered objects.
    #[serde(default)]
    pub k8s: Option<K8sSpec>,
}

/// One gateway in `ingressGateways` / `egressGateways`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewaySpec {
    /// Gateway name: Deployment, Service and service account names derive from it.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether the gateway is installed.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Namespace override.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Image registry override.
    #[serde(default, deserialize_with = "opt_text")]
    pub hub: Option<String>,
    /// Image tag override.
    #[serde(default, deserialize_with = "opt_text")]
    pub tag: Option<String>,
    /// Selector labels replacing the default `app`/`istio` pair.
    #[serde(default)]
    pub label: Option<BTreeMap<String, String>>,
    /// Kubernetes settings applied to the rendered objects.
    #[serde(default)]
    pub k8s: Option<K8sSpec>,
}

/// `components.*.k8s`: Kubernetes settings laid over the rendered objects.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct K8sSpec {
    /// Container resources of the workload.
    #[serde(default)]
    pub resources: Option<Object>,
    /// Deployment replicas.
    #[serde(default)]
    pub replica_count: Option<u32>,
    /// Merged into the HorizontalPodAutoscaler spec.
    #[serde(default)]
    pub hpa_spec: Option<Object>,
    /// Merged into the PodDisruptionBudget spec.
    #[serde(default)]
    pub pod_disruption_budget: Option<Object>,
    /// Container environment, merged by variable name.
    #[serde(default)]
    pub env: Option<Vec<Value>>,
    /// Pod node selector.
    #[serde(default)]
    pub node_selector: Option<Object>,
    /// Pod tolerations.
    #[serde(default)]
    pub tolerations: Option<Vec<Value>>,
    /// Pod affinity.
    #[serde(default)]
    pub affinity: Option<Object>,
    /// Pod annotations, merged.
    #[serde(default)]
    pub pod_annotations: Option<Object>,
    /// Merged into the Service spec (`ports` replaces the list).
    #[serde(default)]
    pub service: Option<Object>,
    /// Service annotations, merged.
    #[serde(default)]
    pub service_annotations: Option<Object>,
    /// Deployment strategy.
    #[serde(default)]
    pub strategy: Option<Object>,
    /// Pod security context.
    #[serde(default)]
    pub security_context: Option<Object>,
    /// Container image pull policy.
    #[serde(default)]
    pub image_pull_policy: Option<String>,
    /// Pod priority class.
    #[serde(default)]
    pub priority_class_name: Option<String>,
    /// Container readiness probe.
    #[serde(default)]
    pub readiness_probe: Option<Object>,
    /// Pod volumes, merged by name.
    #[serde(default)]
    pub volumes: Option<Vec<Value>>,
    /// Container volume mounts, merged by mount path.
    #[serde(default)]
    pub volume_mounts: Option<Vec<Value>>,
    /// Path-based edits of rendered objects.
    #[serde(default)]
    pub overlays: Option<Vec<Overlay>>,
}

impl K8sSpec {
    /// The settings given, by their YAML names (overlays aside).
    pub fn fields_set(&self) -> Vec<&'static str> {
        let tree = serde_json::to_value(self).unwrap_or(Value::Null);
        K8S_FIELDS
            .iter()
            .copied()
            .filter(|f| *f != "overlays" && tree.get(*f).is_some())
            .collect()
    }
}

/// One `k8s.overlays` entry: an object and the edits made to it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Overlay {
    /// The object's apiVersion (any when unset).
    #[serde(default)]
    pub api_version: Option<String>,
    /// The object's kind.
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// The edits, in order.
    #[serde(default)]
    pub patches: Vec<OverlayPatch>,
}

/// One edit of an overlay: set the value at `path`, or delete it when there is no value.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayPatch {
    /// Dotted path with list selectors (`spec.template.spec.containers.[name:discovery]`).
    pub path: String,
    /// The value to set; none deletes.
    #[serde(default)]
    pub value: Option<Value>,
}

/// The fields of [`K8sSpec`] as written in YAML, for path checks and suggestions.
pub const K8S_FIELDS: &[&str] = &[
    "resources",
    "replicaCount",
    "hpaSpec",
    "podDisruptionBudget",
    "env",
    "nodeSelector",
    "tolerations",
    "affinity",
    "podAnnotations",
    "service",
    "serviceAnnotations",
    "strategy",
    "securityContext",
    "imagePullPolicy",
    "priorityClassName",
    "readinessProbe",
    "volumes",
    "volumeMounts",
    "overlays",
];

/// The fields of `spec` as written in YAML.
pub const SPEC_FIELDS: &[&str] = &[
    "profile",
    "hub",
    "tag",
    "revision",
    "namespace",
    "installPackagePath",
    "compatibilityVersion",
    "meshConfig",
    "components",
    "values",
    "unvalidatedValues",
];

/// The component names under `spec.components`.
pub const COMPONENT_NAMES: &[&str] = &[
    "base",
    "pilot",
    "cni",
    "ztunnel",
    "ingressGateways",
    "egressGateways",
];

/// The fields of a component (gateways add `name`).
pub const COMPONENT_FIELDS: &[&str] = &["enabled", "namespace", "hub", "tag", "label", "k8s"];

/// Top-level MeshConfig fields accepted under `meshConfig`.
pub const MESH_FIELDS: &[&str] = &[
    "accessLogEncoding",
    "accessLogFile",
    "accessLogFormat",
    "caCertificates",
    "certificates",
    "configSources",
    "connectTimeout",
    "defaultConfig",
    "defaultDestinationRuleExportTo",
    "defaultHttpRetryPolicy",
    "defaultProviders",
    "defaultServiceExportTo",
    "defaultVirtualServiceExportTo",
    "disableEnvoyListenerLog",
    "discoverySelectors",
    "dnsRefreshRate",
    "enableAutoMtls",
    "enableEnvoyAccessLogService",
    "enablePrometheusMerge",
    "enableTracing",
    "extensionProviders",
    "h2UpgradePolicy",
    "inboundClusterStatName",
    "inboundTrafficPolicy",
    "ingressClass",
    "ingressControllerMode",
    "ingressSelector",
    "ingressService",
    "localityLbSetting",
    "meshMTLS",
    "outboundClusterStatName",
    "outboundTrafficPolicy",
    "pathNormalization",
    "protocolDetectionTimeout",
    "proxyHttpPort",
    "proxyInboundListenPort",
    "proxyListenPort",
    "rootNamespace",
    "serviceScopeConfigs",
    "serviceSettings",
    "tcpKeepalive",
    "tlsDefaults",
    "trustDomain",
    "trustDomainAliases",
    "verifyCertificateAtClient",
];

/// Accepts a string or a YAML number/bool (e.g. `tag: 1.27`) as text.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected a string, found {other}"
            )))
        }
    })
}
