//! The ProxyConfig `spec`: proxy settings for selected workloads.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::WorkloadSelector;

/// Proxy settings for selected workloads.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyConfigSpec {
    /// Number of proxy worker threads (0: one per core).
    #[schemars(transform = minimum(0), transform = nullable)]
    pub concurrency: Option<i32>,
    /// Extra environment variables of the proxy.
    #[schemars(transform = each(max_len(2048)))]
    pub environment_variables: Option<BTreeMap<String, String>>,
    /// Which proxy image variant to use.
    pub image: Option<ProxyImage>,
    /// Workloads the settings apply to.
    pub selector: Option<WorkloadSelector>,
}

/// A proxy image variant.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyImage {
    /// `default`, `debug` or `distroless`.
    pub image_type: Option<String>,
}
