//! The mesh configuration and the proxy configuration injection reads, with Istio's defaults,
//! the `proxy.istio.io/config` overrides, and the forms templates see (`.MeshConfig`,
//! `.ProxyConfig`, `protoToJSON .ProxyConfig`).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{json, Map, Value as Json};

use crate::template::value::{StructValue, Value};

/// The proxy configuration's fields in protobuf field order, as `protojson` writes them.
const PROXY_FIELD_ORDER: &[&str] = &[
    "configPath",
    "binaryPath",
    "serviceCluster",
    "drainDuration",
    "parentShutdownDuration",
    "discoveryAddress",
    "discoveryRefreshDelay",
    "zipkinAddress",
    "statsdUdpAddress",
    "envoyMetricsServiceAddress",
    "proxyAdminPort",
    "availabilityZone",
    "controlPlaneAuthPolicy",
    "customConfigFile",
    "statNameLength",
    "concurrency",
    "proxyBootstrapTemplatePath",
    "interceptionMode",
    "tracing",
    "sds",
    "envoyAccessLogService",
    "envoyMetricsService",
    "proxyMetadata",
    "runtimeValues",
    "statusPort",
    "extraStatTags",
    "gatewayTopology",
    "terminationDrainDuration",
    "meshId",
    "readinessProbe",
    "proxyStatsMatcher",
    "holdApplicationUntilProxyStarts",
    "caCertificatesPem",
    "image",
    "privateKeyProvider",
    "proxyHeaders",
    "fileFlushInterval",
    "fileFlushMinSizeKb",
    "tracingServiceName",
];

/// Proxy config fields whose value is a protobuf wrapper: zero is a set value, kept.
const WRAPPER_FIELDS: &[&str] = &[
    "concurrency",
    "holdApplicationUntilProxyStarts",
    "fileFlushMinSizeKb",
];

/// Istio's default proxy configuration (`mesh.DefaultProxyConfig`).
pub fn default_proxy_config() -> Map<String, Json> {
    let v = json!({
        "configPath": "./etc/istio/proxy",
        "binaryPath": "/usr/local/bin/envoy",
        "serviceCluster": "istio-proxy",
        "drainDuration": "45s",
        "discoveryAddress": "istiod.istio-system.svc:15012",
        "proxyAdminPort": 15000,
        "controlPlaneAuthPolicy": "MUTUAL_TLS",
        "statNameLength": 189,
        "statusPort": 15020,
        "terminationDrainDuration": "5s"
    });
    match v {
        Json::Object(m) => m,
        _ => Map::new(),
    }
}

/// Istio's default mesh configuration (`mesh.DefaultMeshConfig`), the fields injection reads.
fn default_mesh_config() -> Map<String, Json> {
    let v = json!({
        "enableTracing": true,
        "ingressService": "istio-ingressgateway",
        "ingressControllerMode": "STRICT",
        "ingressClass": "istio",
        "trustDomain": "cluster.local",
        "enableAutoMtls": true,
        "outboundTrafficPolicy": {"mode": "ALLOW_ANY"},
        "inboundTrafficPolicy": {"mode": "PASSTHROUGH"},
        "rootNamespace": "istio-system",
        "proxyListenPort": 15001,
        "proxyInboundListenPort": 15006,
        "connectTimeout": "10s",
        "dnsRefreshRate": "60s",
        "enablePrometheusMerge": true,
        "defaultProviders": {},
        "extensionProviders": [
            {"name": "prometheus", "prometheus": {}},
            {"name": "stackdriver", "stackdriver": {}},
            {"name": "envoy", "envoyFileAccessLog": {"path": "/dev/stdout"}}
        ]
    });
    match v {
        Json::Object(m) => m,
        _ => Map::new(),
    }
}

/// A mesh configuration that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MeshError(pub String);

/// The mesh configuration, Istio's defaults with the given configuration applied.
#[derive(Debug, Clone)]
pub struct MeshConfig {
    mesh: Map<String, Json>,
}

/// Applies `over` onto `base` as protobuf JSON merging does: messages merge field by field,
/// lists and scalars are replaced.
fn proto_merge(base: &mut Map<String, Json>, over: &Map<String, Json>) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(Json::Object(b)), Json::Object(o)) if k != "extensionProviders" => {
                proto_merge(b, o)
            }
            (_, Json::Null) => {
                base.remove(k);
            }
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

impl MeshConfig {
    /// Istio's default mesh configuration.
    pub fn defaults() -> MeshConfig {
        let mut mesh = default_mesh_config();
        mesh.insert("defaultConfig".into(), Json::Object(default_proxy_config()));
        MeshConfig { mesh }
    }

    /// Applies a mesh configuration (the `mesh` key of the `istio` ConfigMap, or
    /// `spec.meshConfig` of an IstioOperator) onto Istio's defaults. Istio replaces the
    /// default proxy configuration with the one given, itself applied onto the defaults.
    pub fn from_json(cfg: &Json) -> Result<MeshConfig, MeshError> {
        let mut out = MeshConfig::defaults();
        match cfg {
            Json::Null => {}
            Json::Object(m) => {
                proto_merge(&mut out.mesh, m);
                if let Some(dc) = m.get("defaultConfig") {
                    let mut pc = default_proxy_config();
                    match dc {
                        Json::Object(d) => proto_merge(&mut pc, d),
                        Json::Null => {}
                        _ => return Err(MeshError("defaultConfig must be a mapping".into())),
                    }
                    out.mesh.insert("defaultConfig".into(), Json::Object(pc));
                }
            }
            _ => return Err(MeshError("the mesh configuration must be a mapping".into())),
        }
        out.validate()?;
        Ok(out)
    }

    fn validate(&self) -> Result<(), MeshError> {
        let pc = self.proxy_config();
        if let Some(mode) = pc.get("interceptionMode") {
            if !matches!(mode.as_str(), Some("REDIRECT" | "TPROXY" | "NONE")) {
                return Err(MeshError(format!(
                    "defaultConfig.interceptionMode: unknown value {mode}; use REDIRECT, TPROXY or NONE"
                )));
            }
        }
        Ok(())
    }

    /// The mesh configuration as JSON.
    pub fn json(&self) -> &Map<String, Json> {
        &self.mesh
    }

    /// The default proxy configuration.
    pub fn proxy_config(&self) -> Map<String, Json> {
        match self.mesh.get("defaultConfig") {
            Some(Json::Object(m)) => m.clone(),
            _ => Map::new(),
        }
    }

    /// Applies a `proxy.istio.io/config` annotation (YAML or JSON of a ProxyConfig) onto the
    /// default proxy configuration; proxy metadata merges key by key.
    pub fn with_proxy_overrides(&self, overrides: &Json) -> Result<MeshConfig, MeshError> {
        let Json::Object(o) = overrides else {
            return Err(MeshError(
                "proxy.istio.io/config must hold a ProxyConfig mapping".into(),
            ));
        };
        let mut pc = self.proxy_config();
        proto_merge(&mut pc, o);
        let mut out = self.clone();
        out.mesh.insert("defaultConfig".into(), Json::Object(pc));
        out.validate()?;
        Ok(out)
    }

    /// The status port of the proxy configuration (15020 by default).
    pub fn status_port(&self) -> i64 {
        self.proxy_config()
            .get("statusPort")
            .and_then(Json::as_i64)
            .unwrap_or(0)
    }

    /// Whether `holdApplicationUntilProxyStarts` is set in the proxy configuration.
    pub fn hold_application(&self) -> bool {
        self.proxy_config()
            .get("holdApplicationUntilProxyStarts")
            .and_then(Json::as_bool)
            .unwrap_or(false)
    }

    /// `enablePrometheusMerge` (true by default).
    pub fn prometheus_merge(&self) -> bool {
        self.mesh
            .get("enablePrometheusMerge")
            .and_then(Json::as_bool)
            .unwrap_or(false)
    }

    /// `localhost` when inbound traffic goes to localhost, else `passthrough`.
    pub fn inbound_traffic_policy_mode(&self) -> &'static str {
        match self
            .mesh
            .get("inboundTrafficPolicy")
            .and_then(|p| p.get("mode"))
            .and_then(Json::as_str)
        {
            Some("LOCALHOST") => "localhost",
            _ => "passthrough",
        }
    }

    /// The proxy configuration as templates see it: `.ProxyConfig`.
    pub fn proxy_config_value(&self) -> Value {
        proxy_config_value(&self.proxy_config())
    }

    /// The mesh configuration as templates see it: `.MeshConfig`.
    pub fn value(&self) -> Value {
        let m = &self.mesh;
        let s = |k: &str| Value::str(m.get(k).and_then(Json::as_str).unwrap_or(""));
        let i = |k: &str| Value::Int(m.get(k).and_then(Json::as_i64).unwrap_or(0));
        let providers = match m.get("extensionProviders") {
            Some(Json::Array(list)) => list.iter().map(provider_value).collect(),
            _ => Vec::new(),
        };
        let fields = vec![
            ("TrustDomain", s("trustDomain")),
            ("RootNamespace", s("rootNamespace")),
            ("IngressService", s("ingressService")),
            ("ProxyListenPort", i("proxyListenPort")),
            ("ProxyInboundListenPort", i("proxyInboundListenPort")),
            ("ProxyHttpPort", i("proxyHttpPort")),
            (
                "EnableTracing",
                Value::Bool(
                    m.get("enableTracing")
                        .and_then(Json::as_bool)
                        .unwrap_or(false),
                ),
            ),
            ("AccessLogFile", s("accessLogFile")),
            ("DefaultConfig", self.proxy_config_value()),
            ("ExtensionProviders", Value::list(providers)),
            (
                "TrustDomainAliases",
                string_list(m.get("trustDomainAliases")),
            ),
        ];
        structure(
            "*v1alpha1.MeshConfig",
            fields,
            Some(Json::Object(m.clone())),
        )
    }
}

fn provider_value(p: &Json) -> Value {
    let get = |k: &str| p.get(k).map(Value::from_json_any).unwrap_or_default();
    structure(
        "*v1alpha1.MeshConfig_ExtensionProvider",
        vec![
            (
                "Name",
                Value::str(p.get("name").and_then(Json::as_str).unwrap_or("")),
            ),
            ("Opentelemetry", get("opentelemetry")),
        ],
        Some(p.clone()),
    )
}

fn string_list(v: Option<&Json>) -> Value {
    match v {
        Some(Json::Array(a)) => Value::list(
            a.iter()
                .map(|x| Value::str(x.as_str().unwrap_or("")))
                .collect(),
        ),
        _ => Value::list(Vec::new()),
    }
}

/// A struct value with these fields.
pub fn structure(type_name: &'static str, fields: Vec<(&str, Value)>, json: Option<Json>) -> Value {
    Value::Struct(Rc::new(StructValue {
        type_name,
        fields: fields.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
        display: None,
        json: json.map(Rc::new),
    }))
}

/// A protobuf `BoolValue` pointer: nil when unset, else `.Value` and `.GetValue`.
fn bool_wrapper(v: Option<&Json>) -> Value {
    match v.and_then(Json::as_bool) {
        None => Value::Nil,
        Some(b) => structure(
            "*wrapperspb.BoolValue",
            vec![("Value", Value::Bool(b)), ("GetValue", Value::Bool(b))],
            Some(Json::Bool(b)),
        ),
    }
}

fn proxy_config_value(pc: &Map<String, Json>) -> Value {
    let s = |k: &str| Value::str(pc.get(k).and_then(Json::as_str).unwrap_or(""));
    let i = |k: &str| Value::Int(pc.get(k).and_then(Json::as_i64).unwrap_or(0));
    let metadata: BTreeMap<String, Value> = match pc.get("proxyMetadata") {
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), Value::str(&json_text(v))))
            .collect(),
        _ => BTreeMap::new(),
    };
    let mode = pc
        .get("interceptionMode")
        .and_then(Json::as_str)
        .unwrap_or("REDIRECT");
    let tracing = match pc.get("tracing") {
        Some(t @ Json::Object(_)) => tracing_value(t),
        _ => Value::Nil,
    };
    let image = match pc.get("image") {
        Some(Json::Object(img)) => structure(
            "*v1beta1.ProxyImage",
            vec![(
                "ImageType",
                Value::str(img.get("imageType").and_then(Json::as_str).unwrap_or("")),
            )],
            Some(Json::Object(img.clone())),
        ),
        _ => Value::Nil,
    };
    let fields = vec![
        ("ConfigPath", s("configPath")),
        ("BinaryPath", s("binaryPath")),
        ("DiscoveryAddress", s("discoveryAddress")),
        ("ProxyAdminPort", i("proxyAdminPort")),
        ("StatusPort", i("statusPort")),
        ("StatNameLength", i("statNameLength")),
        ("MeshId", s("meshId")),
        ("ProxyMetadata", Value::string_map(metadata)),
        (
            "InterceptionMode",
            Value::enumeration("v1alpha1.ProxyConfig_InboundInterceptionMode", mode),
        ),
        (
            "HoldApplicationUntilProxyStarts",
            bool_wrapper(pc.get("holdApplicationUntilProxyStarts")),
        ),
        ("Tracing", tracing.clone()),
        ("GetTracing", tracing),
        ("Image", image),
        (
            "Concurrency",
            pc.get("concurrency")
                .map(Value::from_json_any)
                .unwrap_or_default(),
        ),
    ];
    structure(
        "*v1alpha1.ProxyConfig",
        fields,
        Some(Json::Object(clean_proxy_config(pc))),
    )
}

fn tracing_value(t: &Json) -> Value {
    let tls = match t.get("tlsSettings") {
        Some(Json::Object(tls)) => {
            let ca = Value::str(
                tls.get("caCertificates")
                    .and_then(Json::as_str)
                    .unwrap_or(""),
            );
            structure(
                "*v1alpha3.ClientTLSSettings",
                vec![("CaCertificates", ca.clone()), ("GetCaCertificates", ca)],
                Some(Json::Object(tls.clone())),
            )
        }
        _ => Value::Nil,
    };
    structure(
        "*v1alpha1.Tracing",
        vec![("TlsSettings", tls.clone()), ("GetTlsSettings", tls)],
        Some(t.clone()),
    )
}

fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The proxy configuration as `protoToJSON` prints it in the pod: fields equal to Istio's
/// defaults and zero values dropped (istiod's `cleanProxyConfig`), in protobuf field order.
pub fn clean_proxy_config(pc: &Map<String, Json>) -> Map<String, Json> {
    let defaults = default_proxy_config();
    let keep = |k: &str, v: &Json| -> bool {
        if defaults.get(k) == Some(v) {
            return false;
        }
        if WRAPPER_FIELDS.contains(&k) {
            return !v.is_null();
        }
        match v {
            Json::Null => false,
            Json::Bool(b) => *b,
            Json::Number(n) => n.as_f64() != Some(0.0),
            Json::String(s) => {
                let zero_enum = (k == "interceptionMode" && s == "REDIRECT")
                    || (k == "controlPlaneAuthPolicy" && s == "NONE");
                !(s.is_empty() || zero_enum)
            }
            Json::Array(a) => !a.is_empty(),
            Json::Object(o) => !o.is_empty() || k == "tracing",
        }
    };
    let mut out = Map::new();
    for k in PROXY_FIELD_ORDER {
        if let Some(v) = pc.get(*k) {
            if keep(k, v) {
                out.insert((*k).to_string(), sorted_map(k, v));
            }
        }
    }
    let mut rest: Vec<(&String, &Json)> = pc
        .iter()
        .filter(|(k, _)| !PROXY_FIELD_ORDER.contains(&k.as_str()))
        .collect();
    rest.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in rest {
        if keep(k, v) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Map fields (`proxyMetadata`, `runtimeValues`) with their keys sorted, as `protojson`
/// writes maps.
fn sorted_map(field: &str, v: &Json) -> Json {
    match (field, v) {
        ("proxyMetadata" | "runtimeValues", Json::Object(m)) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Json::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), m[k].clone()))
                    .collect(),
            )
        }
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaned_proxy_config() {
        let mesh = MeshConfig::from_json(&json!({"defaultConfig": {
            "discoveryAddress": "istiod.istio-system.svc:15012", "drainDuration": "23s"}}))
        .unwrap();
        let cleaned = clean_proxy_config(&mesh.proxy_config());
        assert_eq!(Json::Object(cleaned), json!({"drainDuration": "23s"}));
        let over = mesh
            .with_proxy_overrides(&json!({"concurrency": 0, "proxyMetadata": {"A": "b"}}))
            .unwrap();
        assert_eq!(
            serde_json::to_string(&clean_proxy_config(&over.proxy_config())).unwrap(),
            r#"{"drainDuration":"23s","concurrency":0,"proxyMetadata":{"A":"b"}}"#
        );
    }
}
