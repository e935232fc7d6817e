//! Kinds of resources, named `group/Kind` (`Pod` for the core group), and which are cluster-scoped.

/// A resource kind: `group/Kind`, or just `Kind` for the core group
/// (e.g. `Pod`, `apps/Deployment`, `networking.istio.io/VirtualService`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind(pub &'static str);

impl Kind {
    /// The kind's name without its group (`VirtualService`).
    pub fn name(self) -> &'static str {
        self.0.rsplit('/').next().unwrap_or(self.0)
    }

    /// The API group (`""` for the core group).
    pub fn group(self) -> &'static str {
        self.0.rsplit_once('/').map_or("", |(g, _)| g)
    }
}

/// The `group/Kind` key of a resource with this apiVersion and kind.
pub fn kind_key(api_version: &str, kind: &str) -> String {
    match api_version.rsplit_once('/') {
        Some((group, _)) if !group.is_empty() => format!("{group}/{kind}"),
        _ => kind.to_owned(),
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident = $key:literal;)*) => {
        $($(#[$doc])* pub const $name: Kind = Kind($key);)*
    };
}

kinds! {
    /// core/v1 Namespace
    NAMESPACE = "Namespace";
    /// core/v1 Pod
    POD = "Pod";
    /// core/v1 Service
    SERVICE = "Service";
    /// core/v1 ConfigMap
    CONFIG_MAP = "ConfigMap";
    /// core/v1 Secret
    SECRET = "Secret";
    /// core/v1 Node
    NODE = "Node";
    /// core/v1 Endpoints
    ENDPOINTS = "Endpoints";
    /// core/v1 ServiceAccount
    SERVICE_ACCOUNT = "ServiceAccount";
    /// apps/v1 Deployment
    DEPLOYMENT = "apps/Deployment";
    /// apps/v1 StatefulSet
    STATEFUL_SET = "apps/StatefulSet";
    /// apps/v1 DaemonSet
    DAEMON_SET = "apps/DaemonSet";
    /// apps/v1 ReplicaSet
    REPLICA_SET = "apps/ReplicaSet";
    /// batch/v1 Job
    JOB = "batch/Job";
    /// batch/v1 CronJob
    CRON_JOB = "batch/CronJob";
    /// MutatingWebhookConfiguration
    MUTATING_WEBHOOK = "admissionregistration.k8s.io/MutatingWebhookConfiguration";
    /// ValidatingWebhookConfiguration
    VALIDATING_WEBHOOK = "admissionregistration.k8s.io/ValidatingWebhookConfiguration";
    /// CustomResourceDefinition
    CRD = "apiextensions.k8s.io/CustomResourceDefinition";
    /// Istio VirtualService
    VIRTUAL_SERVICE = "networking.istio.io/VirtualService";
    /// Istio DestinationRule
    DESTINATION_RULE = "networking.istio.io/DestinationRule";
    /// Istio Gateway
    GATEWAY = "networking.istio.io/Gateway";
    /// Istio ServiceEntry
    SERVICE_ENTRY = "networking.istio.io/ServiceEntry";
    /// Istio Sidecar
    SIDECAR = "networking.istio.io/Sidecar";
    /// Istio WorkloadEntry
    WORKLOAD_ENTRY = "networking.istio.io/WorkloadEntry";
    /// Istio WorkloadGroup
    WORKLOAD_GROUP = "networking.istio.io/WorkloadGroup";
    /// Istio EnvoyFilter
    ENVOY_FILTER = "networking.istio.io/EnvoyFilter";
    /// Istio ProxyConfig
    PROXY_CONFIG = "networking.istio.io/ProxyConfig";
    /// Istio MeshNetworks (`--meshNetworksFile`), as a pseudo-resource
    MESH_NETWORKS = "MeshNetworks";
    /// Istio AuthorizationPolicy
    AUTHORIZATION_POLICY = "security.istio.io/AuthorizationPolicy";
    /// Istio PeerAuthentication
    PEER_AUTHENTICATION = "security.istio.io/PeerAuthentication";
    /// Istio RequestAuthentication
    REQUEST_AUTHENTICATION = "security.istio.io/RequestAuthentication";
    /// Istio Telemetry
    TELEMETRY = "telemetry.istio.io/Telemetry";
    /// Istio WasmPlugin
    WASM_PLUGIN = "extensions.istio.io/WasmPlugin";
    /// Istio TrafficExtension
    TRAFFIC_EXTENSION = "extensions.istio.io/TrafficExtension";
    /// Istio IstioOperator
    ISTIO_OPERATOR = "install.istio.io/IstioOperator";
    /// Gateway API GatewayClass
    K8S_GATEWAY_CLASS = "gateway.networking.k8s.io/GatewayClass";
    /// Gateway API Gateway
    K8S_GATEWAY = "gateway.networking.k8s.io/Gateway";
    /// Gateway API HTTPRoute
    K8S_HTTP_ROUTE = "gateway.networking.k8s.io/HTTPRoute";
    /// Gateway API GRPCRoute
    K8S_GRPC_ROUTE = "gateway.networking.k8s.io/GRPCRoute";
}

/// True for the kinds that are cluster-scoped (they never take a namespace).
pub fn is_cluster_scoped(key: &str) -> bool {
    matches!(
        key,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "rbac.authorization.k8s.io/ClusterRole"
            | "rbac.authorization.k8s.io/ClusterRoleBinding"
            | "admissionregistration.k8s.io/MutatingWebhookConfiguration"
            | "admissionregistration.k8s.io/ValidatingWebhookConfiguration"
            | "apiextensions.k8s.io/CustomResourceDefinition"
            | "storage.k8s.io/StorageClass"
            | "scheduling.k8s.io/PriorityClass"
            | "gateway.networking.k8s.io/GatewayClass"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_names() {
        assert_eq!(kind_key("v1", "Pod"), "Pod");
        assert_eq!(kind_key("networking.istio.io/v1", "Gateway"), GATEWAY.0);
        assert_eq!(GATEWAY.name(), "Gateway");
        assert_eq!(GATEWAY.group(), "networking.istio.io");
        assert_eq!(POD.group(), "");
        assert!(is_cluster_scoped(NAMESPACE.0));
        assert!(!is_cluster_scoped(POD.0));
    }
}
