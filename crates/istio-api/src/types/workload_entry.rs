//! The WorkloadEntry `spec`: one non-Kubernetes workload in the mesh.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{endpoint_address, named_ports};

/// A single non-Kubernetes workload, such as a VM, in the mesh.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel("has(self.address) || has(self.network)", "Address is required"))]
#[schemars(transform = cel(
    r#"(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true"#,
    "UDS may not include ports",
))]
pub struct WorkloadEntrySpec {
    /// IP address, host name or Unix socket of the workload.
    #[schemars(transform = endpoint_address)]
    pub address: Option<String>,
    /// Labels of the workload.
    #[schemars(transform = max_props(256))]
    pub labels: Option<BTreeMap<String, String>>,
    /// Region/zone/subzone of the workload.
    #[schemars(transform = max_len(2048))]
    pub locality: Option<String>,
    /// The network the workload is on, for multi-network meshes.
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
