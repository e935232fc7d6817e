//! The TrafficExtension `spec`: a WebAssembly module or a Lua script run by proxies on the
//! traffic they handle.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{target_refs, PolicyTargetReference, WorkloadSelector};
use super::wasm_plugin::{FailStrategy, PluginType, PullPolicy, TrafficSelector, VmConfig};
use super::Struct;

/// An extension of the proxies' traffic handling, written in WebAssembly or Lua.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    transform = at_most_one_of(&["wasm", "lua"]),
    transform = cel(
        "(has(self.selector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1",
        "only one of targetRefs or selector can be set",
    ),
    transform = cel("has(self.wasm) != has(self.lua)", "exactly one of wasm or lua must be set")
)]
pub struct TrafficExtensionSpec {
    /// A Lua script.
    pub lua: Option<LuaScript>,
    /// Traffic (mode and ports) the extension applies to.
    #[serde(rename = "match")]
    pub match_: Option<Vec<TrafficSelector>>,
    /// Where in the filter chain the extension runs.
    pub phase: Option<ExtensionPhase>,
    /// Order among extensions of the same phase (higher first).
    #[schemars(transform = nullable)]
    pub priority: Option<i32>,
    /// Workloads the extension applies to.
    pub selector: Option<WorkloadSelector>,
    /// Resources the extension attaches to.
    #[schemars(transform = target_refs)]
    pub target_refs: Option<Vec<PolicyTargetReference>>,
    /// A WebAssembly module.
    pub wasm: Option<WasmModule>,
}

/// Where in the filter chain an extension runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExtensionPhase {
    /// At the end, before the router.
    Unspecified,
    /// Before authentication.
    Authn,
    /// Before authorization.
    Authz,
    /// Before stats.
    Stats,
}

/// A Lua script given inline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LuaScript {
    /// The script's source.
    #[schemars(transform = min_len(1), transform = max_len(65536))]
    pub inline_code: String,
}

/// A WebAssembly module and how it is loaded.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WasmModule {
    /// What happens when the module fails or cannot be loaded.
    pub fail_strategy: Option<FailStrategy>,
    /// When to pull an OCI image again.
    pub image_pull_policy: Option<PullPolicy>,
    /// Secret with credentials for the image registry.
    #[schemars(transform = min_len(1), transform = max_len(253))]
    pub image_pull_secret: Option<String>,
    /// Configuration handed to the module.
    pub plugin_config: Option<Struct>,
    /// Name of the plugin inside the module.
    #[schemars(transform = min_len(1), transform = max_len(256))]
    pub plugin_name: Option<String>,
    /// Expected SHA-256 of the module, hex encoded.
    #[schemars(transform = pattern("(^$|^[a-f0-9]{64}$)"))]
    pub sha256: Option<String>,
    /// Whether the module is an HTTP or a network filter.
    #[serde(rename = "type")]
    pub type_: Option<PluginType>,
    /// Where to fetch the module: oci://, https://, http:// or file://.
    #[schemars(
        transform = min_len(1),
        transform = cel(
            r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) &&
url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])"#,
            "url must have schema one of [http, https, file, oci]",
        )
    )]
    pub url: String,
    /// Public key to verify module signatures.
    pub verification_key: Option<String>,
    /// Settings of the VM running the module.
    pub vm_config: Option<VmConfig>,
}
