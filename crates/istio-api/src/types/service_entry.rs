//! The ServiceEntry `spec`: a service added to Istio's service registry.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::LabelSelector;
use super::workload_entry::WorkloadEntrySpec;
use crate::schema::Format;

/// Adds a service, often outside the mesh, to Istio's service registry.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    "(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1",
    "only one of WorkloadSelector or Endpoints can be set",
))]
#[schemars(transform = cel(
    r#"!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))"#,
    "CIDR addresses are allowed only for NONE/STATIC resolution types",
))]
#[schemars(transform = cel(
    r#"((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true"#,
    "NONE mode cannot set endpoints",
))]
#[schemars(transform = cel(
    r#"((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true"#,
    "DNS_ROUND_ROBIN mode cannot have multiple endpoints",
))]
pub struct ServiceEntrySpec {
    /// Virtual IPs or CIDR blocks of the service.
    #[schemars(transform = each(max_len(64)), transform = max_items(256))]
    pub addresses: Option<Vec<String>>,
    /// Endpoints of the service, when not selected by workloadSelector.
    #[schemars(transform = max_items(4096))]
    pub endpoints: Option<Vec<WorkloadEntrySpec>>,
    /// Namespaces the entry is visible to.
    pub export_to: Option<Vec<String>>,
    /// Host names of the service.
    #[schemars(
        transform = each(check(Format::Host)),
        transform = each(cel(r#"self != "*""#, "hostname cannot be wildcard")),
        transform = min_items(1),
        transform = max_items(256)
    )]
    pub hosts: Vec<String>,
    /// Whether the service is outside (MESH_EXTERNAL) or part of (MESH_INTERNAL) the mesh.
    pub location: Option<Location>,
    /// Ports the service listens on.
    #[schemars(
        transform = max_items(256),
        transform = list_map(&["name"]),
        transform = cel(
            "self.all(l1, self.exists_one(l2, l1.number == l2.number))",
            "port number cannot be duplicated",
        )
    )]
    pub ports: Option<Vec<ServicePort>>,
    /// How the endpoints are found: NONE, STATIC, DNS or DNS_ROUND_ROBIN.
    pub resolution: Option<Resolution>,
    /// Identities the service's certificates may carry.
    pub subject_alt_names: Option<Vec<String>>,
    /// Selects in-mesh workloads (Pods, WorkloadEntries) as endpoints.
    pub workload_selector: Option<LabelSelector>,
}

/// Where the service is, relative to the mesh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Location {
    /// Outside the mesh.
    MeshExternal,
    /// Part of the mesh.
    MeshInternal,
}

/// How the endpoints of the service are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Resolution {
    /// Connections go to the address the caller asked for.
    None,
    /// The endpoints' addresses as given.
    Static,
    /// DNS, every address returned.
    Dns,
    /// DNS, one address at a time.
    DnsRoundRobin,
    /// DNS resolved on demand by the proxy.
    DynamicDns,
}

/// A port of the service.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = required_order(&["number", "name"]))]
pub struct ServicePort {
    /// Name of the port.
    #[schemars(transform = max_len(256))]
    pub name: String,
    /// The port number.
    #[schemars(transform = port_range)]
    pub number: u32,
    /// Protocol on the port.
    #[schemars(transform = max_len(256))]
    pub protocol: Option<String>,
    /// Port on the endpoints traffic is forwarded to.
    #[schemars(transform = port_range)]
    pub target_port: Option<u32>,
}
