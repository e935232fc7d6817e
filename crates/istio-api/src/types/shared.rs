//! Shapes shared by several Istio kinds.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::IntOrString;
use crate::schema::Format;

/// TLS settings of a server port: mode, certificates, client verification.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    "(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1",
    "only one of credentialNames or tlsCertificates can be set",
))]
#[schemars(transform = cel(
    "(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1",
    "only one of credentialName or credentialNames can be set",
))]
#[schemars(transform = cel(
    "(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1",
    "only one of credentialName or tlsCertificates can be set",
))]
pub struct ServerTls {
    /// Secret holding the CA certificate for client verification.
    pub ca_cert_credential_name: Option<String>,
    /// Path of the CA certificates file.
    pub ca_certificates: Option<String>,
    /// Path of the certificate revocation list.
    pub ca_crl: Option<String>,
    /// Allowed cipher suites.
    pub cipher_suites: Option<Vec<String>>,
    /// Secret holding the server certificate and key.
    pub credential_name: Option<String>,
    /// Secrets holding server certificates (e.g. RSA and ECDSA).
    #[schemars(transform = min_items(1), transform = max_items(2))]
    pub credential_names: Option<Vec<String>>,
    /// Redirect plain HTTP to HTTPS.
    pub https_redirect: Option<bool>,
    /// Highest TLS version accepted.
    pub max_protocol_version: Option<TlsProtocol>,
    /// Lowest TLS version accepted.
    pub min_protocol_version: Option<TlsProtocol>,
    /// How the port handles TLS.
    pub mode: Option<ServerTlsMode>,
    /// Path of the server's private key.
    pub private_key: Option<String>,
    /// Path of the server certificate.
    pub server_certificate: Option<String>,
    /// Identities accepted in client certificates.
    pub subject_alt_names: Option<Vec<String>>,
    /// Certificates given by path.
    #[schemars(transform = min_items(1), transform = max_items(2))]
    pub tls_certificates: Option<Vec<TlsCertificate>>,
    /// Accepted hashes of client certificates.
    pub verify_certificate_hash: Option<Vec<String>>,
    /// Accepted SPKI hashes of client certificates.
    pub verify_certificate_spki: Option<Vec<String>>,
}

/// A TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TlsProtocol {
    /// Envoy's default.
    #[serde(rename = "TLS_AUTO")]
    Auto,
    /// TLS 1.0.
    #[serde(rename = "TLSV1_0")]
    V1_0,
    /// TLS 1.1.
    #[serde(rename = "TLSV1_1")]
    V1_1,
    /// TLS 1.2.
    #[serde(rename = "TLSV1_2")]
    V1_2,
    /// TLS 1.3.
    #[serde(rename = "TLSV1_3")]
    V1_3,
}

/// How a server port handles TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ServerTlsMode {
    /// Forward the TLS connection by SNI, unterminated.
    Passthrough,
    /// Terminate TLS with the server certificate.
    Simple,
    /// Terminate TLS and require a client certificate.
    Mutual,
    /// Forward by SNI to the destination the SNI names.
    AutoPassthrough,
    /// Mutual TLS with Istio's certificates.
    IstioMutual,
    /// Mutual TLS when the client offers a certificate.
    OptionalMutual,
}

/// TCP and HTTP connection limits.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConnectionPool {
    /// HTTP limits.
    pub http: Option<HttpPool>,
    /// TCP limits.
    pub tcp: Option<TcpPool>,
}

/// The status Istio writes back: conditions and analysis messages.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = preserve_unknown)]
pub struct IstioStatus {
    /// Conditions of the resource.
    pub conditions: Option<Vec<Condition>>,
    /// The generation the status was computed for.
    pub observed_generation: Option<IntOrString>,
    /// Analysis messages about the resource.
    pub validation_messages: Option<Vec<AnalysisMessage>>,
}

/// TCP connection limits and keepalive.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcpPool {
    /// Timeout of a TCP connect.
    #[schemars(transform = min_duration)]
    pub connect_timeout: Option<String>,
    /// Idle time after which a connection is closed.
    pub idle_timeout: Option<String>,
    /// Longest life of a connection.
    #[schemars(transform = min_duration)]
    pub max_connection_duration: Option<String>,
    /// Most connections to a destination host.
    pub max_connections: Option<i32>,
    /// Keepalive probes on the connections.
    pub tcp_keepalive: Option<TcpKeepalive>,
}

/// HTTP/1.1 and HTTP/2 connection and request limits.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpPool {
    /// Whether HTTP/1.1 connections are upgraded to HTTP/2.
    pub h2_upgrade_policy: Option<H2UpgradePolicy>,
    /// Most requests queued while waiting for a connection.
    pub http1_max_pending_requests: Option<i32>,
    /// Most active requests to a destination.
    pub http2_max_requests: Option<i32>,
    /// Idle time after which a connection is closed.
    #[schemars(transform = min_duration)]
    pub idle_timeout: Option<String>,
    /// Most concurrent streams on one HTTP/2 connection.
    pub max_concurrent_streams: Option<i32>,
    /// Most requests on one connection.
    pub max_requests_per_connection: Option<i32>,
    /// Most outstanding retries.
    pub max_retries: Option<i32>,
    /// Use the client's protocol upstream.
    pub use_client_protocol: Option<bool>,
}

/// Whether HTTP/1.1 connections are upgraded to HTTP/2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum H2UpgradePolicy {
    /// The mesh-wide default.
    Default,
    /// Never upgrade.
    DoNotUpgrade,
    /// Upgrade.
    Upgrade,
}

/// Resources (e.g. Gateways, Services) a policy attaches to: at most 16.
pub fn target_refs(schema: &mut Schema) {
    max_items(16)(schema);
}

/// A reference to one resource a policy attaches to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyTargetReference {
    /// API group of the resource (empty for the core group).
    #[schemars(
        transform = max_len(253),
        transform = pattern(r#"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#)
    )]
    pub group: Option<String>,
    /// Kind of the resource.
    #[schemars(
        transform = min_len(1),
        transform = max_len(63),
        transform = pattern("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
    )]
    pub kind: String,
    /// Name of the resource.
    #[schemars(transform = min_len(1), transform = max_len(253))]
    pub name: String,
    /// Namespace of the resource (only the policy's own).
    #[schemars(transform = cel(
        "self.size() == 0",
        "cross namespace referencing is not currently supported",
    ))]
    pub namespace: Option<String>,
}

/// Selects workloads by their labels.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSelector {
    /// Labels a workload must carry.
    #[schemars(transform = match_labels)]
    pub match_labels: Option<BTreeMap<String, String>>,
}

/// Labels a workload must carry (no wildcards, no empty keys).
pub fn match_labels(schema: &mut Schema) {
    each(|s: &mut Schema| {
        max_len(63)(s);
        cel(
            r#"!self.contains("*")"#,
            "wildcard not allowed in label value match",
        )(s);
    })(schema);
    max_props(4096)(schema);
    cel(
        r#"self.all(key, !key.contains("*"))"#,
        "wildcard not allowed in label key match",
    )(schema);
    cel("self.all(key, key.size() != 0)", "key must not be empty")(schema);
}

/// Labels of a selector (at most 256, values without wildcards), as in Sidecar, ServiceEntry
/// and EnvoyFilter.
pub fn selector_labels(schema: &mut Schema) {
    each(|s: &mut Schema| {
        max_len(63)(s);
        cel(
            r#"!self.contains("*")"#,
            "wildcard is not supported in selector",
        )(s);
    })(schema);
    max_props(256)(schema);
}

/// A workload selector by `labels` (Sidecar, ServiceEntry, EnvoyFilter).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LabelSelector {
    /// Labels a workload must carry.
    #[schemars(transform = selector_labels)]
    pub labels: Option<BTreeMap<String, String>>,
}

/// TCP keepalive probes on upstream connections.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TcpKeepalive {
    /// Time between probes.
    #[schemars(transform = min_duration)]
    pub interval: Option<String>,
    /// Unanswered probes before the connection is dropped.
    pub probes: Option<u32>,
    /// Idle time before the first probe.
    #[schemars(transform = min_duration)]
    pub time: Option<String>,
}

/// Port numbers by port name.
pub fn named_ports(schema: &mut Schema) {
    each(port_range)(schema);
    max_props(128)(schema);
    cel(
        r#"self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))"#,
        "port name must be valid",
    )(schema);
}

/// One condition of the resource.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// When the condition was last probed.
    #[schemars(transform = format("date-time"))]
    pub last_probe_time: Option<String>,
    /// When the condition last changed.
    #[schemars(transform = format("date-time"))]
    pub last_transition_time: Option<String>,
    /// Human readable details.
    pub message: Option<String>,
    /// The generation the condition was computed for.
    pub observed_generation: Option<IntOrString>,
    /// Machine readable reason.
    pub reason: Option<String>,
    /// `True`, `False` or `Unknown`.
    pub status: Option<String>,
    /// Type of the condition.
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

/// An IP, host name or Unix domain socket (`unix://`) address.
pub fn endpoint_address(schema: &mut Schema) {
    max_len(256)(schema);
    cel(
        r#"self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true"#,
        "UDS must be an absolute path or abstract socket",
    )(schema);
    cel(
        r#"self.startsWith("unix://") ? !self.endsWith("/") : true"#,
        "UDS may not be a dir",
    )(schema);
}

/// One analysis message attached to the resource.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisMessage {
    /// Where the message is documented.
    pub documentation_url: Option<String>,
    /// How serious the message is.
    pub level: Option<MessageLevel>,
    /// Code and name of the message.
    #[serde(rename = "type")]
    pub type_: Option<MessageType>,
}

/// How serious an analysis message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageLevel {
    /// Not set.
    Unknown,
    /// An error.
    Error,
    /// A warning.
    Warning,
    /// Information.
    Info,
}

/// A service (and optionally subset and port) traffic is sent to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Destination {
    /// The service, as in the service registry.
    #[schemars(transform = check(Format::Host))]
    pub host: String,
    /// The port of the service.
    pub port: Option<PortSelector>,
    /// A subset of the service defined in a DestinationRule.
    pub subset: Option<String>,
}

/// A port by number.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PortSelector {
    /// The port number.
    pub number: Option<u32>,
}

/// Certificate, key and CA files given by path.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsCertificate {
    /// Path of the CA certificates.
    pub ca_certificates: Option<String>,
    /// Path of the private key.
    pub private_key: Option<String>,
    /// Path of the certificate.
    pub server_certificate: Option<String>,
}

/// The code and name of an analysis message.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageType {
    /// The message code (`IST0101`).
    pub code: Option<String>,
    /// The message name.
    pub name: Option<String>,
}

/// A percentage (0-100) as a double.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Percent {
    /// The percentage.
    pub value: Option<f64>,
}

/// An extension provider by name.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProviderRef {
    /// Name of the provider in MeshConfig.
    #[schemars(transform = min_len(1))]
    pub name: String,
}
