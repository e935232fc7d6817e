//! The DestinationRule `spec`: traffic policies for a service.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{ConnectionPool, PortSelector, WorkloadSelector};
use crate::schema::Format;

/// Traffic policies (load balancing, connection pools, TLS, subsets) for a service.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DestinationRuleSpec {
    /// Namespaces the rule is visible to.
    pub export_to: Option<Vec<String>>,
    /// The service the rule applies to, as in the service registry.
    #[schemars(transform = check(Format::Host))]
    pub host: String,
    /// Named groups of endpoints, selected by labels, each with optional policy overrides.
    pub subsets: Option<Vec<Subset>>,
    /// Default traffic policy for the host.
    pub traffic_policy: Option<TrafficPolicy>,
    /// Workloads the rule applies to, when not all.
    pub workload_selector: Option<WorkloadSelector>,
}

/// A named group of endpoints of the service.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subset {
    /// Labels the endpoints carry.
    pub labels: Option<BTreeMap<String, String>>,
    /// Name of the subset, as routes refer to it.
    pub name: String,
    /// Policy overrides for the subset.
    pub traffic_policy: Option<TrafficPolicy>,
}

/// Load balancing, connection pool, outlier detection and TLS settings for a destination.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrafficPolicy {
    /// Connection limits.
    pub connection_pool: Option<ConnectionPool>,
    /// How requests are spread over endpoints.
    pub load_balancer: Option<LoadBalancer>,
    /// Ejection of failing endpoints.
    pub outlier_detection: Option<OutlierDetection>,
    /// Overrides for single ports.
    #[schemars(transform = max_items(4096))]
    pub port_level_settings: Option<Vec<PortTrafficPolicy>>,
    /// PROXY protocol towards the upstream.
    pub proxy_protocol: Option<ProxyProtocol>,
    /// Cap on concurrent retries.
    pub retry_budget: Option<RetryBudget>,
    /// TLS towards the upstream.
    pub tls: Option<ClientTls>,
    /// Tunnelling through a proxy.
    pub tunnel: Option<Tunnel>,
}

/// The PROXY protocol version sent upstream.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProxyProtocol {
    /// The version.
    pub version: Option<ProxyProtocolVersion>,
}

/// A PROXY protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ProxyProtocolVersion {
    /// Version 1 (text).
    V1,
    /// Version 2 (binary).
    V2,
}

/// A traffic policy for one port.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortTrafficPolicy {
    /// Connection limits.
    pub connection_pool: Option<ConnectionPool>,
    /// How requests are spread over endpoints.
    pub load_balancer: Option<LoadBalancer>,
    /// Ejection of failing endpoints.
    pub outlier_detection: Option<OutlierDetection>,
    /// The port the policy is for.
    pub port: Option<PortSelector>,
    /// TLS towards the upstream.
    pub tls: Option<ClientTls>,
}

/// How requests are spread over endpoints: a simple algorithm or consistent hashing.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["simple", "consistentHash"]))]
pub struct LoadBalancer {
    /// Session affinity by consistent hashing.
    pub consistent_hash: Option<ConsistentHash>,
    /// Locality-aware load balancing.
    pub locality_lb_setting: Option<LocalityLbSetting>,
    /// A simple algorithm.
    pub simple: Option<SimpleLb>,
    /// Slow start of new endpoints.
    pub warmup: Option<Warmup>,
    /// Slow start duration (old field).
    #[schemars(transform = min_duration, transform = deprecated_for("warmup"))]
    pub warmup_duration_secs: Option<String>,
}

/// A simple load balancing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SimpleLb {
    /// The default.
    Unspecified,
    /// Least connections (old name of least request).
    LeastConn,
    /// A random endpoint.
    Random,
    /// The address the caller asked for.
    Passthrough,
    /// Round robin.
    RoundRobin,
    /// Least outstanding requests.
    LeastRequest,
}

/// Session affinity by hashing a header, cookie, source IP or query parameter.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&[
    "httpHeaderName",
    "httpCookie",
    "useSourceIp",
    "httpQueryParameterName",
]))]
#[schemars(transform = at_most_one_of(&["ringHash", "maglev"]))]
pub struct ConsistentHash {
    /// Hash a cookie.
    pub http_cookie: Option<HttpCookie>,
    /// Hash a header.
    pub http_header_name: Option<String>,
    /// Hash a query parameter.
    pub http_query_parameter_name: Option<String>,
    /// Maglev hashing.
    pub maglev: Option<Maglev>,
    /// Ring size (old field).
    #[schemars(transform = deprecated_for("ringHash.minimumRingSize"))]
    pub minimum_ring_size: Option<u64>,
    /// Ring hashing.
    pub ring_hash: Option<RingHash>,
    /// Hash the source IP.
    pub use_source_ip: Option<bool>,
}

/// Maglev hashing settings.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Maglev {
    /// Size of the lookup table.
    pub table_size: Option<u64>,
}

/// Ring hashing settings.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RingHash {
    /// Minimum number of virtual nodes on the ring.
    pub minimum_ring_size: Option<u64>,
}

/// Ejecting endpoints that keep failing from the load balancing pool.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutlierDetection {
    /// Minimum ejection time.
    #[schemars(transform = min_duration)]
    pub base_ejection_time: Option<String>,
    /// 5xx errors before ejection.
    #[serde(rename = "consecutive5xxErrors")]
    #[schemars(transform = nullable)]
    pub consecutive_5xx_errors: Option<u32>,
    /// Errors before ejection (old field).
    pub consecutive_errors: Option<i32>,
    /// Gateway errors before ejection.
    #[schemars(transform = nullable)]
    pub consecutive_gateway_errors: Option<u32>,
    /// Local origin failures before ejection.
    #[schemars(transform = nullable)]
    pub consecutive_local_origin_failures: Option<u32>,
    /// Time between ejection sweeps.
    #[schemars(transform = min_duration)]
    pub interval: Option<String>,
    /// Most endpoints ejected, in percent.
    pub max_ejection_percent: Option<i32>,
    /// Healthy share below which no endpoint is ejected.
    pub min_health_percent: Option<i32>,
    /// Count local origin errors separately.
    pub split_external_local_origin_errors: Option<bool>,
}

/// Locality-aware load balancing: weights per locality and failover order.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalityLbSetting {
    /// Traffic shares by locality.
    pub distribute: Option<Vec<LocalityDistribute>>,
    /// Whether locality load balancing is on.
    #[schemars(transform = nullable)]
    pub enabled: Option<bool>,
    /// Failover between regions.
    pub failover: Option<Vec<LocalityFailover>>,
    /// Labels ordering failover priority.
    pub failover_priority: Option<Vec<String>>,
}

/// TLS settings for connections to the upstream service.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientTls {
    /// Path of the CA certificates.
    pub ca_certificates: Option<String>,
    /// Path of the certificate revocation list.
    pub ca_crl: Option<String>,
    /// Path of the client certificate.
    pub client_certificate: Option<String>,
    /// Secret holding client certificate, key and CA.
    pub credential_name: Option<String>,
    /// Skip verifying the server certificate.
    #[schemars(transform = nullable)]
    pub insecure_skip_verify: Option<bool>,
    /// The TLS mode.
    pub mode: Option<ClientTlsMode>,
    /// Path of the client's private key.
    pub private_key: Option<String>,
    /// SNI sent to the server.
    pub sni: Option<String>,
    /// Identities accepted in the server certificate.
    pub subject_alt_names: Option<Vec<String>>,
}

/// How connections to the upstream use TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClientTlsMode {
    /// Plain text.
    Disable,
    /// TLS.
    Simple,
    /// Mutual TLS with given certificates.
    Mutual,
    /// Mutual TLS with Istio's certificates.
    IstioMutual,
}

/// Slowly ramping up traffic to newly added endpoints.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Warmup {
    /// How fast traffic ramps up.
    #[schemars(transform = minimum(0), transform = nullable)]
    pub aggression: Option<f64>,
    /// How long the ramp lasts.
    #[schemars(transform = min_duration)]
    pub duration: String,
    /// Share of traffic at the start, in percent.
    #[schemars(transform = minimum(0), transform = maximum(100), transform = nullable)]
    pub minimum_percent: Option<f64>,
}

/// A cookie used as the consistent hash key.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HttpCookie {
    /// Attributes of a generated cookie.
    pub attributes: Option<Vec<CookieAttribute>>,
    /// Name of the cookie.
    pub name: String,
    /// Path of a generated cookie.
    pub path: Option<String>,
    /// Lifetime of a generated cookie.
    pub ttl: Option<String>,
}

/// A cap on concurrent retries as a share of active requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RetryBudget {
    /// Concurrent retries always allowed.
    pub min_retry_concurrency: Option<u32>,
    /// Share of active requests that may be retries.
    #[schemars(transform = minimum(0), transform = maximum(100), transform = nullable)]
    pub percent: Option<f64>,
}

/// Tunnelling TCP over an HTTP CONNECT or POST to a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tunnel {
    /// `CONNECT` or `POST`.
    pub protocol: Option<String>,
    /// Host the tunnel leads to.
    pub target_host: String,
    /// Port the tunnel leads to.
    pub target_port: u32,
}

/// The share of traffic each destination locality gets from one origin locality.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LocalityDistribute {
    /// The origin locality.
    pub from: Option<String>,
    /// Weights by destination locality.
    pub to: Option<BTreeMap<String, u32>>,
}

/// An attribute of the hash cookie.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CookieAttribute {
    /// Name of the attribute.
    pub name: String,
    /// Value of the attribute.
    pub value: Option<String>,
}

/// The locality to fail over to when one region is unhealthy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LocalityFailover {
    /// The failing region.
    pub from: Option<String>,
    /// The region to fail over to.
    pub to: Option<String>,
}
