//! The WorkloadGroup `spec`: a template for WorkloadEntries.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{endpoint_address, named_ports};

/// A template for WorkloadEntries of workloads that join the mesh on their own.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkloadGroupSpec {
    /// Labels and annotations copied to every WorkloadEntry.
    pub metadata: Option<ObjectMeta>,
    /// Readiness check of the workloads.
    pub probe: Option<ReadinessProbe>,
    /// The WorkloadEntry template (address and labels are filled in per workload).
    pub template: WorkloadEntryTemplate,
}

/// Labels and annotations of the generated WorkloadEntries.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectMeta {
    /// Annotations.
    #[schemars(transform = max_props(256))]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Labels.
    #[schemars(transform = max_props(256))]
    pub labels: Option<BTreeMap<String, String>>,
}

/// A readiness check: exec, HTTP GET, TCP connect or gRPC health.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["httpGet", "tcpSocket", "exec", "grpc"]))]
pub struct ReadinessProbe {
    /// Run a command.
    pub exec: Option<ExecHealthCheck>,
    /// Failures before the workload is not ready.
    #[schemars(transform = minimum(0))]
    pub failure_threshold: Option<i32>,
    /// gRPC health check.
    pub grpc: Option<GrpcHealthCheck>,
    /// HTTP GET check.
    pub http_get: Option<HttpHealthCheck>,
    /// Seconds before the first check.
    #[schemars(transform = minimum(0))]
    pub initial_delay_seconds: Option<i32>,
    /// Seconds between checks.
    #[schemars(transform = minimum(0))]
    pub period_seconds: Option<i32>,
    /// Successes before the workload is ready.
    #[schemars(transform = minimum(0))]
    pub success_threshold: Option<i32>,
    /// TCP connect check.
    pub tcp_socket: Option<TcpHealthCheck>,
    /// Seconds before a check times out.
    #[schemars(transform = minimum(0))]
    pub timeout_seconds: Option<i32>,
}

/// A command run as a check.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExecHealthCheck {
    /// The command and its arguments.
    #[schemars(transform = each(min_len(1)))]
    pub command: Vec<String>,
}

/// A gRPC health check.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GrpcHealthCheck {
    /// Port checked.
    #[schemars(transform = port_range)]
    pub port: Option<u32>,
    /// Service name sent in the request.
    pub service: Option<String>,
}

/// An HTTP GET check.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpHealthCheck {
    /// Host to connect to.
    pub host: Option<String>,
    /// Headers sent.
    pub http_headers: Option<Vec<HttpHeader>>,
    /// Path requested.
    pub path: Option<String>,
    /// Port checked.
    #[schemars(transform = port_range)]
    pub port: u32,
    /// `HTTP` or `HTTPS`.
    #[schemars(transform = cel(
        r#"self in ["", "HTTP", "HTTPS"]"#,
        "scheme must be one of [HTTP, HTTPS]",
    ))]
    pub scheme: Option<String>,
}

/// A header of a check request.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HttpHeader {
    /// Header name.
    #[schemars(transform = pattern("^[-_A-Za-z0-9]+$"))]
    pub name: Option<String>,
    /// Header value.
    pub value: Option<String>,
}

/// A TCP connect check.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TcpHealthCheck {
    /// Host to connect to.
    pub host: Option<String>,
    /// Port checked.
    #[schemars(transform = port_range)]
    pub port: u32,
}

/// The WorkloadEntry fields of the template (a WorkloadEntry spec whose address may be left
/// to each workload).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    r#"(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true"#,
    "UDS may not include ports",
))]
pub struct WorkloadEntryTemplate {
    /// IP address, host name or Unix socket of the workload.
    #[schemars(transform = endpoint_address)]
    pub address: Option<String>,
    /// Labels of the workload.
    #[schemars(transform = max_props(256))]
    pub labels: Option<BTreeMap<String, String>>,
    /// Region/zone/subzone of the workload.
    #[schemars(transform = max_len(2048))]
    pub locality: Option<String>,
    /// The network the workload is on.
    #[schemars(transform = max_len(2048))]
    pub network: Option<String>,
    /// Port numbers by service port name.
    #[schemars(transform = named_ports)]
    pub ports: Option<BTreeMap<String, u32>>,
    /// Service account whose identity the workload has.
    #[schemars(transform = max_len(253))]
    pub service_account: Option<String>,
    /// Load balancing weight of the workload.
    pub weight: Option<u32>,
}
