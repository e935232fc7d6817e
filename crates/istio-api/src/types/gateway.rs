//! The Gateway `spec`: what a load balancer at the mesh edge accepts.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::ServerTls;
use crate::schema::Format;

/// Ports, protocols and hosts a load balancer at the mesh edge accepts.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySpec {
    /// Labels of the gateway pods the configuration applies to.
    pub selector: Option<BTreeMap<String, String>>,
    /// Ports, protocols, hosts and TLS settings the gateway serves.
    pub servers: Option<Vec<Server>>,
}

/// One port of the gateway with the hosts it serves.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = required_order(&["port", "hosts"]))]
pub struct Server {
    /// Address the listener binds to.
    pub bind: Option<String>,
    /// Where traffic goes by default (sidecar ingress).
    pub default_endpoint: Option<String>,
    /// Hosts served, optionally prefixed by a namespace (`ns/host`).
    #[schemars(transform = each(check(Format::NamespacedHost)))]
    pub hosts: Vec<String>,
    /// Name of the server.
    pub name: Option<String>,
    /// The port listened on.
    pub port: ServerPort,
    /// TLS settings of the port.
    pub tls: Option<ServerTls>,
}

/// A port of a gateway server.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = required_order(&["number", "protocol", "name"]))]
pub struct ServerPort {
    /// Name of the port.
    pub name: String,
    /// The port number.
    #[schemars(transform = check(Format::Port))]
    pub number: u32,
    /// Protocol on the port (HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS).
    pub protocol: String,
    /// Port on the workload traffic is forwarded to.
    pub target_port: Option<u32>,
}
