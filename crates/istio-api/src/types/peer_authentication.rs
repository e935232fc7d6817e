//! The PeerAuthentication `spec`: the mutual TLS mode workloads accept.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::WorkloadSelector;

/// The mutual TLS mode workloads accept.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    "has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true",
    "portLevelMtls requires selector",
))]
pub struct PeerAuthenticationSpec {
    /// The mutual TLS mode of the selected workloads.
    pub mtls: Option<MutualTls>,
    /// Mutual TLS modes for single ports.
    #[schemars(
        transform = min_props(1),
        transform = cel(
            "self.all(key, 0 < int(key) && int(key) <= 65535)",
            "port must be between 1-65535",
        )
    )]
    pub port_level_mtls: Option<BTreeMap<String, MutualTls>>,
    /// Workloads the policy applies to.
    pub selector: Option<WorkloadSelector>,
}

/// A mutual TLS setting.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MutualTls {
    /// The mode.
    pub mode: Option<MtlsMode>,
}

/// Whether connections must, may or must not use mutual TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MtlsMode {
    /// Inherit from the parent.
    Unset,
    /// Plain text only.
    Disable,
    /// Plain text or mutual TLS.
    Permissive,
    /// Mutual TLS only.
    Strict,
}
