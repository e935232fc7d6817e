//! Strings that nearly every Kubernetes or Istio object repeats (field names, kinds,
//! apiVersions, frequent enum values). A document refers to them by index instead of holding
//! its own copy: in a large analysis most mapping keys cost no string bytes at all.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The table; its order is the index documents store.
const COMMON: &[&str] = &[
    // Object envelope.
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "status",
    "data",
    "stringData",
    "items",
    "generation",
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "ownerReferences",
    "finalizers",
    "conditions",
    "type",
    "reason",
    "message",
    "lastTransitionTime",
    "observedGeneration",
    // Workloads.
    "replicas",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "template",
    "containers",
    "initContainers",
    "image",
    "imagePullPolicy",
    "ports",
    "containerPort",
    "protocol",
    "resources",
    "requests",
    "limits",
    "cpu",
    "memory",
    "env",
    "value",
    "valueFrom",
    "args",
    "command",
    "volumeMounts",
    "mountPath",
    "volumes",
    "serviceAccountName",
    "securityContext",
    "runAsUser",
    "runAsGroup",
    "nodeSelector",
    "affinity",
    "tolerations",
    "readinessProbe",
    "livenessProbe",
    "httpGet",
    "path",
    "strategy",
    "app",
    "version",
    // Services.
    "port",
    "targetPort",
    "nodePort",
    "clusterIP",
    "externalName",
    "appProtocol",
    "sessionAffinity",
    // Istio networking.
    "hosts",
    "gateways",
    "http",
    "tcp",
    "tls",
    "match",
    "uri",
    "prefix",
    "exact",
    "regex",
    "headers",
    "route",
    "destination",
    "host",
    "subset",
    "weight",
    "timeout",
    "retries",
    "attempts",
    "perTryTimeout",
    "fault",
    "rewrite",
    "redirect",
    "mirror",
    "corsPolicy",
    "subsets",
    "trafficPolicy",
    "loadBalancer",
    "simple",
    "connectionPool",
    "outlierDetection",
    "mode",
    "servers",
    "number",
    "credentialName",
    "egress",
    "ingress",
    "exportTo",
    "addresses",
    "endpoints",
    "location",
    "resolution",
    "workloadSelector",
    "mtls",
    "portLevelMtls",
    "rules",
    "from",
    "to",
    "when",
    "source",
    "principals",
    "namespaces",
    "operation",
    "methods",
    "paths",
    "action",
    "providers",
    "accessLogging",
    "tracing",
    "metrics",
    "targetRef",
    "targetRefs",
    "group",
    // Frequent values.
    "v1",
    "apps/v1",
    "networking.istio.io/v1",
    "networking.istio.io/v1beta1",
    "networking.istio.io/v1alpha3",
    "security.istio.io/v1",
    "security.istio.io/v1beta1",
    "telemetry.istio.io/v1",
    "Namespace",
    "Pod",
    "Service",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "VirtualService",
    "DestinationRule",
    "Gateway",
    "ServiceEntry",
    "Sidecar",
    "PeerAuthentication",
    "AuthorizationPolicy",
    "RequestAuthentication",
    "Telemetry",
    "TCP",
    "UDP",
    "HTTP",
    "HTTPS",
    "GRPC",
    "TLS",
    "http-web",
    "grpc",
    "mesh",
    "ISTIO_MUTUAL",
    "STRICT",
    "PERMISSIVE",
    "DISABLE",
    "SIMPLE",
    "MUTUAL",
    "ALLOW",
    "DENY",
    "istio-proxy",
    "ingressgateway",
    "istio",
    "istio-injection",
    "enabled",
    "disabled",
    "true",
    "false",
    "ClusterIP",
    "IfNotPresent",
    "Always",
];

static INDEX: LazyLock<HashMap<&'static str, u32, foldhash::fast::FixedState>> =
    LazyLock::new(|| {
        COMMON
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i as u32))
            .collect()
    });

/// The index of `s` in the table.
pub(super) fn index_of(s: &str) -> Option<u32> {
    if s.len() > 40 {
        return None;
    }
    INDEX.get(s).copied()
}

/// The string at `index` (empty when out of range).
pub(super) fn get(index: u32) -> &'static str {
    COMMON.get(index as usize).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_unique_and_round_trip() {
        assert_eq!(INDEX.len(), COMMON.len(), "a string is listed twice");
        for (i, s) in COMMON.iter().enumerate() {
            assert_eq!(index_of(s), Some(i as u32));
            assert_eq!(get(i as u32), *s);
        }
        assert_eq!(index_of("not-common"), None);
    }
}
