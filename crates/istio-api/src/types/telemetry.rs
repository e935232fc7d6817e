//! The Telemetry `spec`: metrics, access logging and tracing settings.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::authorization_policy::one_attachment;
use super::ext::*;
use super::shared::{target_refs, PolicyTargetReference, ProviderRef, WorkloadSelector};

/// Metrics, access logging and tracing settings for workloads.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = one_attachment)]
pub struct TelemetrySpec {
    /// Access log settings.
    pub access_logging: Option<Vec<AccessLogging>>,
    /// Metric settings and overrides.
    pub metrics: Option<Vec<Metrics>>,
    /// Workloads the settings apply to.
    pub selector: Option<WorkloadSelector>,
    /// A single resource the settings attach to.
    pub target_ref: Option<PolicyTargetReference>,
    /// Resources the settings attach to.
    #[schemars(transform = target_refs)]
    pub target_refs: Option<Vec<PolicyTargetReference>>,
    /// Tracing settings.
    pub tracing: Option<Vec<Tracing>>,
}

/// Access log settings for some providers.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessLogging {
    /// Turn access logs off.
    #[schemars(transform = nullable)]
    pub disabled: Option<bool>,
    /// Which requests are logged.
    pub filter: Option<AccessLogFilter>,
    /// Traffic direction the settings apply to.
    #[serde(rename = "match")]
    pub match_: Option<WorkloadModeMatch>,
    /// Providers the settings apply to.
    pub providers: Option<Vec<ProviderRef>>,
}

/// A CEL filter of logged requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessLogFilter {
    /// The CEL expression.
    pub expression: Option<String>,
}

/// A traffic direction.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkloadModeMatch {
    /// Client side, server side or both.
    pub mode: Option<WorkloadMode>,
}

/// Client side, server side or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkloadMode {
    /// Both.
    ClientAndServer,
    /// Client side.
    Client,
    /// Server side.
    Server,
}

/// Metric settings for some providers.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Changes to metrics.
    pub overrides: Option<Vec<MetricsOverride>>,
    /// Providers the settings apply to.
    pub providers: Option<Vec<ProviderRef>>,
    /// How often metrics are reported.
    #[schemars(transform = min_duration)]
    pub reporting_interval: Option<String>,
}

/// A change to some metrics.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricsOverride {
    /// Turn the metrics off.
    #[schemars(transform = nullable)]
    pub disabled: Option<bool>,
    /// Which metrics.
    #[serde(rename = "match")]
    pub match_: Option<MetricSelector>,
    /// Tag changes by tag name.
    pub tag_overrides: Option<BTreeMap<String, TagOverride>>,
}

/// Metrics by name and traffic direction.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["metric", "customMetric"]))]
pub struct MetricSelector {
    /// A metric by its name.
    #[schemars(transform = min_len(1))]
    pub custom_metric: Option<String>,
    /// One of Istio's standard metrics.
    pub metric: Option<IstioMetric>,
    /// Client side, server side or both.
    pub mode: Option<WorkloadMode>,
}

/// Istio's standard metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IstioMetric {
    /// Every metric.
    AllMetrics,
    /// Requests.
    RequestCount,
    /// Request durations.
    RequestDuration,
    /// Request sizes.
    RequestSize,
    /// Response sizes.
    ResponseSize,
    /// TCP connections opened.
    TcpOpenedConnections,
    /// TCP connections closed.
    TcpClosedConnections,
    /// TCP bytes sent.
    TcpSentBytes,
    /// TCP bytes received.
    TcpReceivedBytes,
    /// gRPC request messages.
    GrpcRequestMessages,
    /// gRPC response messages.
    GrpcResponseMessages,
}

/// A change to one tag.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = cel(
    r#"((has(self.operation) ? self.operation : "") == "UPSERT") ? (self.value != "") : true"#,
    "value must be set when operation is UPSERT",
))]
#[schemars(transform = cel(
    r#"((has(self.operation) ? self.operation : "") == "REMOVE") ? !has(self.value) : true"#,
    "value must not be set when operation is REMOVE",
))]
pub struct TagOverride {
    /// Add or replace, or remove the tag.
    pub operation: Option<TagOperation>,
    /// CEL expression of the tag's value.
    pub value: Option<String>,
}

/// What happens to a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TagOperation {
    /// Add or replace.
    Upsert,
    /// Remove.
    Remove,
}

/// Tracing settings for some providers.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tracing {
    /// Tags added to spans, by name.
    pub custom_tags: Option<BTreeMap<String, CustomTag>>,
    /// Do not propagate trace context.
    #[schemars(transform = nullable)]
    pub disable_context_propagation: Option<bool>,
    /// Do not report spans.
    #[schemars(transform = nullable)]
    pub disable_span_reporting: Option<bool>,
    /// Add Istio's own tags.
    #[schemars(transform = nullable)]
    pub enable_istio_tags: Option<bool>,
    /// Traffic direction the settings apply to.
    #[serde(rename = "match")]
    pub match_: Option<WorkloadModeMatch>,
    /// Providers the settings apply to.
    pub providers: Option<Vec<ProviderRef>>,
    /// Share of requests traced, in percent.
    #[schemars(transform = minimum(0), transform = maximum(100), transform = nullable)]
    pub random_sampling_percentage: Option<f64>,
    /// Sample by the request ID.
    #[schemars(transform = nullable)]
    pub use_request_id_for_trace_sampling: Option<bool>,
}

/// Where the value of a span tag comes from.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = at_most_one_of(&["literal", "environment", "header", "formatter"]))]
pub struct CustomTag {
    /// An environment variable of the proxy.
    pub environment: Option<Environment>,
    /// A formatted value.
    pub formatter: Option<TagValue>,
    /// A request header.
    pub header: Option<Environment>,
    /// A fixed value.
    pub literal: Option<TagValue>,
}

/// A variable (environment or header) with a default value.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// Used when the variable is not set.
    pub default_value: Option<String>,
    /// Name of the variable.
    #[schemars(transform = min_len(1))]
    pub name: String,
}

/// A tag value.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TagValue {
    /// The value.
    #[schemars(transform = min_len(1))]
    pub value: String,
}
