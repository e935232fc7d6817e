//! The Sidecar `spec`: the traffic a workload's proxy accepts and sends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{ConnectionPool, Destination, LabelSelector, ServerTls};
use crate::schema::Format;

/// Limits and tunes the traffic a workload's proxy accepts and sends.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SidecarSpec {
    /// Outbound listeners and the hosts the workload may reach.
    pub egress: Option<Vec<EgressListener>>,
    /// Connection limits for inbound traffic.
    pub inbound_connection_pool: Option<ConnectionPool>,
    /// Inbound listeners of the workload.
    pub ingress: Option<Vec<IngressListener>>,
    /// What happens to traffic to hosts not in the registry.
    pub outbound_traffic_policy: Option<OutboundTrafficPolicy>,
    /// Workloads the configuration applies to (default: the whole namespace).
    pub workload_selector: Option<LabelSelector>,
}

/// An outbound listener and the hosts reachable through it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EgressListener {
    /// Address the listener binds to.
    pub bind: Option<String>,
    /// How traffic is captured.
    pub capture_mode: Option<CaptureMode>,
    /// Reachable hosts as `namespace/host`.
    #[schemars(transform = each(check(Format::NamespaceSlashHost)))]
    pub hosts: Vec<String>,
    /// The port listened on.
    pub port: Option<ListenerPort>,
}

/// An inbound listener of the workload.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngressListener {
    /// Address the listener binds to.
    pub bind: Option<String>,
    /// How traffic is captured.
    pub capture_mode: Option<CaptureMode>,
    /// Connection limits of the listener.
    pub connection_pool: Option<ConnectionPool>,
    /// Where traffic is forwarded to.
    pub default_endpoint: Option<String>,
    /// The port listened on.
    pub port: ListenerPort,
    /// TLS settings of the listener.
    pub tls: Option<ServerTls>,
}

/// How traffic reaches a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaptureMode {
    /// The default of the environment.
    Default,
    /// Redirected by iptables.
    Iptables,
    /// Not captured: applications address the listener directly.
    None,
}

/// What happens to traffic to hosts not in the registry.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboundTrafficPolicy {
    /// A proxy such traffic is sent through.
    pub egress_proxy: Option<Destination>,
    /// Whether such traffic is allowed.
    pub mode: Option<OutboundMode>,
}

/// Whether traffic to unknown hosts is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutboundMode {
    /// Only hosts in the registry.
    RegistryOnly,
    /// Any host.
    AllowAny,
}

/// The port a listener binds to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListenerPort {
    /// Name of the port.
    pub name: Option<String>,
    /// The port number.
    pub number: Option<u32>,
    /// Protocol on the port.
    pub protocol: Option<String>,
    /// Port on the workload traffic is forwarded to.
    pub target_port: Option<u32>,
}
