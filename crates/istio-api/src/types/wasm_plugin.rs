//! The WasmPlugin `spec`: a WebAssembly extension loaded into proxies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::authorization_policy::one_attachment;
use super::ext::*;
use super::shared::{target_refs, PolicyTargetReference, WorkloadSelector};
use super::Struct;

/// A WebAssembly extension loaded into selected proxies.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = one_attachment)]
pub struct WasmPluginSpec {
    /// What happens when the plugin fails or cannot be loaded.
    pub fail_strategy: Option<FailStrategy>,
    /// When to pull an OCI image again.
    pub image_pull_policy: Option<PullPolicy>,
    /// Secret with credentials for the image registry.
    #[schemars(transform = min_len(1), transform = max_len(253))]
    pub image_pull_secret: Option<String>,
    /// Traffic (mode and ports) the plugin applies to.
    #[serde(rename = "match")]
    pub match_: Option<Vec<TrafficSelector>>,
    /// Where in the filter chain the plugin is inserted.
    pub phase: Option<PluginPhase>,
    /// Configuration handed to the plugin.
    pub plugin_config: Option<Struct>,
    /// Name of the plugin inside the module.
    #[schemars(transform = min_len(1), transform = max_len(256))]
    pub plugin_name: Option<String>,
    /// Order among plugins in the same phase (higher first).
    #[schemars(transform = nullable)]
    pub priority: Option<i32>,
    /// Workloads the plugin applies to.
    pub selector: Option<WorkloadSelector>,
    /// Expected SHA-256 of the module, hex encoded.
    #[schemars(transform = pattern("(^$|^[a-f0-9]{64}$)"))]
    pub sha256: Option<String>,
    /// A single resource the plugin attaches to.
    pub target_ref: Option<PolicyTargetReference>,
    /// Resources the plugin attaches to.
    #[schemars(transform = target_refs)]
    pub target_refs: Option<Vec<PolicyTargetReference>>,
    /// Whether the plugin is an HTTP or a network filter.
    #[serde(rename = "type")]
    pub type_: Option<PluginType>,
    /// Where to fetch the module: oci://, https://, http:// or file://.
    #[schemars(
        transform = min_len(1),
        transform = cel(
            r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) &&
url("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])"#,
            "url must have schema one of [http, https, file, oci]",
        )
    )]
    pub url: String,
    /// Public key to verify module signatures.
    pub verification_key: Option<String>,
    /// Settings of the VM running the plugin.
    pub vm_config: Option<VmConfig>,
}

/// What happens when the plugin fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailStrategy {
    /// Requests fail.
    FailClose,
    /// The plugin is skipped.
    FailOpen,
    /// The plugin is reloaded.
    FailReload,
}

/// When an OCI image is pulled again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    /// The default (IfNotPresent, or Always for `latest`).
    #[serde(rename = "UNSPECIFIED_POLICY")]
    Unspecified,
    /// Only when not cached.
    IfNotPresent,
    /// Every time.
    Always,
}

/// Traffic a plugin applies to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrafficSelector {
    /// Client side, server side or both.
    pub mode: Option<TrafficMode>,
    /// Ports.
    #[schemars(transform = list_map(&["number"]))]
    pub ports: Option<Vec<PortNumber>>,
}

/// Client side, server side or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TrafficMode {
    /// Any.
    Undefined,
    /// Client side.
    Client,
    /// Server side.
    Server,
    /// Both.
    ClientAndServer,
}

/// A port by number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PortNumber {
    /// The port number.
    #[schemars(transform = minimum(1), transform = maximum(65535))]
    pub number: u32,
}

/// Where in the filter chain a plugin goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PluginPhase {
    /// At the end, before the router.
    UnspecifiedPhase,
    /// Before authentication.
    Authn,
    /// Before authorization.
    Authz,
    /// Before stats.
    Stats,
}

/// HTTP or network filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PluginType {
    /// The default (HTTP).
    UnspecifiedPluginType,
    /// An HTTP filter.
    Http,
    /// A network filter.
    Network,
}

/// Settings of the plugin's VM.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VmConfig {
    /// Environment variables of the VM.
    #[schemars(transform = max_items(256), transform = list_map(&["name"]))]
    pub env: Option<Vec<EnvVar>>,
}

/// An environment variable of the VM.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    r#"(has(self.valueFrom) ? self.valueFrom : "") != "HOST" || !has(self.value)"#,
    "value may only be set when valueFrom is INLINE",
))]
pub struct EnvVar {
    /// Name of the variable.
    #[schemars(transform = min_len(1), transform = max_len(256))]
    pub name: String,
    /// Inline value.
    #[schemars(transform = max_len(2048))]
    pub value: Option<String>,
    /// Where the value comes from.
    pub value_from: Option<ValueFrom>,
}

/// Where a VM environment variable's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValueFrom {
    /// The `value` field.
    Inline,
    /// The proxy's environment.
    Host,
}
