//! The EnvoyFilter `spec`: patches to the Envoy configuration Istio generates.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{target_refs, LabelSelector, PolicyTargetReference};
use super::Struct;

/// Patches to the Envoy configuration Istio generates.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    "(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1",
    "only one of targetRefs or workloadSelector can be set",
))]
pub struct EnvoyFilterSpec {
    /// Patches applied to the generated Envoy configuration.
    pub config_patches: Option<Vec<ConfigPatch>>,
    /// Order among filters in the same context (lower first).
    pub priority: Option<i32>,
    /// Resources the patches attach to.
    #[schemars(transform = target_refs)]
    pub target_refs: Option<Vec<PolicyTargetReference>>,
    /// Workloads the patches apply to.
    pub workload_selector: Option<LabelSelector>,
}

/// One patch: where it applies and what it does.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigPatch {
    /// The kind of object patched.
    pub apply_to: Option<ApplyTo>,
    /// Which objects are patched.
    #[serde(rename = "match")]
    pub match_: Option<PatchMatch>,
    /// The patch.
    pub patch: Option<Patch>,
}

/// The kind of Envoy object a patch applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplyTo {
    /// Not set.
    Invalid,
    /// A listener.
    Listener,
    /// A filter chain.
    FilterChain,
    /// A network filter.
    NetworkFilter,
    /// An HTTP filter.
    HttpFilter,
    /// A route configuration.
    RouteConfiguration,
    /// A virtual host.
    VirtualHost,
    /// An HTTP route.
    HttpRoute,
    /// A cluster.
    Cluster,
    /// An extension configuration.
    ExtensionConfig,
    /// The bootstrap.
    Bootstrap,
    /// A listener filter.
    ListenerFilter,
}

/// Which Envoy objects a patch applies to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["listener", "routeConfiguration", "cluster", "waypoint"]))]
#[schemars(transform = cel(
    r#"has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)"#,
    "only support waypointMatch when context is WAYPOINT",
))]
pub struct PatchMatch {
    /// A cluster.
    pub cluster: Option<ClusterMatch>,
    /// The kind of proxy and traffic direction.
    pub context: Option<PatchContext>,
    /// A listener.
    pub listener: Option<ListenerMatch>,
    /// The proxy's metadata and version.
    pub proxy: Option<ProxyMatch>,
    /// A route configuration.
    pub route_configuration: Option<RouteConfigurationMatch>,
    /// A waypoint's filters and routes.
    pub waypoint: Option<WaypointMatch>,
}

/// A cluster by name, service, subset or port.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterMatch {
    /// Cluster name.
    pub name: Option<String>,
    /// Service port.
    pub port_number: Option<u32>,
    /// Service host.
    pub service: Option<String>,
    /// Service subset.
    pub subset: Option<String>,
}

/// The kind of proxy and traffic direction a patch applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PatchContext {
    /// Any.
    Any,
    /// Inbound traffic of a sidecar.
    SidecarInbound,
    /// Outbound traffic of a sidecar.
    SidecarOutbound,
    /// A gateway.
    Gateway,
    /// A waypoint.
    Waypoint,
}

/// A listener by name, port or filter chain.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListenerMatch {
    /// A filter chain of the listener.
    pub filter_chain: Option<FilterChainMatch>,
    /// A listener filter by name.
    pub listener_filter: Option<String>,
    /// Listener name.
    pub name: Option<String>,
    /// Port name.
    pub port_name: Option<String>,
    /// Port number.
    pub port_number: Option<u32>,
}

/// A filter chain by its properties.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterChainMatch {
    /// ALPN protocols.
    pub application_protocols: Option<String>,
    /// Destination port.
    pub destination_port: Option<u32>,
    /// A network filter of the chain.
    pub filter: Option<FilterMatch>,
    /// Chain name.
    pub name: Option<String>,
    /// SNI.
    pub sni: Option<String>,
    /// `raw_buffer` or `tls`.
    pub transport_protocol: Option<String>,
}

/// The proxy a patch applies to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyMatch {
    /// Proxy metadata that must match.
    pub metadata: Option<BTreeMap<String, String>>,
    /// Regular expression on the proxy version.
    pub proxy_version: Option<String>,
}

/// A route configuration by name, port, gateway or virtual host.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteConfigurationMatch {
    /// Gateway the configuration is for.
    pub gateway: Option<String>,
    /// Configuration name.
    pub name: Option<String>,
    /// Port name.
    pub port_name: Option<String>,
    /// Port number.
    pub port_number: Option<u32>,
    /// A virtual host.
    pub vhost: Option<VirtualHostMatch>,
}

/// A virtual host by name or domain.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualHostMatch {
    /// A domain of the virtual host.
    pub domain_name: Option<String>,
    /// Virtual host name.
    pub name: Option<String>,
    /// A route of the virtual host.
    pub route: Option<RouteMatch>,
}

/// A route by name or action.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RouteMatch {
    /// The route's action.
    pub action: Option<RouteAction>,
    /// Route name.
    pub name: Option<String>,
}

/// The action of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RouteAction {
    /// Any action.
    Any,
    /// Forward.
    Route,
    /// Redirect.
    Redirect,
    /// Direct response.
    DirectResponse,
}

/// A waypoint's filter or route.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaypointMatch {
    /// A filter.
    pub filter: Option<FilterMatch>,
    /// Port number.
    #[schemars(transform = port_range)]
    pub port_number: Option<u32>,
    /// A route.
    pub route: Option<NamedRoute>,
}

/// A route by name.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NamedRoute {
    /// Route name.
    pub name: Option<String>,
}

/// Selects a network filter (and optionally one of its HTTP filters) by name.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterMatch {
    /// Filter name.
    pub name: Option<String>,
    /// An HTTP filter of the filter.
    pub sub_filter: Option<SubFilterMatch>,
}

/// An HTTP filter by name.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SubFilterMatch {
    /// Filter name.
    pub name: Option<String>,
}

/// What a patch does.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Patch {
    /// Where an added filter goes.
    pub filter_class: Option<FilterClass>,
    /// How the patch is applied.
    pub operation: Option<Operation>,
    /// The Envoy configuration of the patch.
    pub value: Option<Struct>,
}

/// Where an added filter goes in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FilterClass {
    /// Where the operation says.
    Unspecified,
    /// With the authentication filters.
    Authn,
    /// With the authorization filters.
    Authz,
    /// With the stats filters.
    Stats,
}

/// How a patch is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operation {
    /// Not set.
    Invalid,
    /// Merge into the object.
    Merge,
    /// Add the object.
    Add,
    /// Remove the object.
    Remove,
    /// Insert before the matched object.
    InsertBefore,
    /// Insert after the matched object.
    InsertAfter,
    /// Insert first.
    InsertFirst,
    /// Replace the object.
    Replace,
}
