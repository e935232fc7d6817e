//! Analyzers of VirtualServices, and the walk over their route destinations they share.

use istio_core::tree::Node;

use super::util::hosts::{as_u64, items, strings, Visibility};
use crate::resource::Resource;

pub mod conflicting_mesh_gateway_hosts;
pub mod destination_hosts;
pub mod destination_rules;
pub mod gateways;
pub mod jwt_claim_route;

/// A destination a VirtualService sends traffic (or mirrored traffic) to.
#[derive(Debug)]
pub struct RouteDestination<'a> {
    /// `destination.host` (empty when the destination is missing).
    pub host: &'a str,
    /// `destination.subset` (empty when none).
    pub subset: &'a str,
    /// `destination.port.number`, when given.
    pub port: Option<u64>,
    /// Dotted path of the destination (`spec.http[0].route[1].destination`).
    pub path: String,
    /// True for `mirror`/`mirrors` destinations.
    pub mirror: bool,
}

impl<'a> RouteDestination<'a> {
    fn new(destination: Option<Node<'a>>, path: String, mirror: bool) -> Self {
        let field = |k: &str| {
            destination
                .and_then(|d| d.get(k))
                .and_then(Node::as_str)
                .unwrap_or("")
        };
        RouteDestination {
            host: field("host"),
            subset: field("subset"),
            port: destination
                .and_then(|d| d.get("port"))
                .and_then(|p| p.get("number"))
                .and_then(as_u64),
            path,
            mirror,
        }
    }
}

/// The route destinations of a VirtualService spec: every `route[]` entry of its `tcp`, `tls`
/// and `http` rules in that order (an entry without a destination yields an empty host), then
/// the `mirror` and `mirrors` of its `http` rules.
pub fn destinations(spec: Node<'_>) -> Vec<RouteDestination<'_>> {
    let mut out = Vec::new();
    for kind in ["tcp", "tls", "http"] {
        for (i, rule) in items(spec.get(kind)).enumerate() {
            for (j, route) in items(rule.get("route")).enumerate() {
                let path = format!("spec.{kind}[{i}].route[{j}].destination");
                out.push(RouteDestination::new(route.get("destination"), path, false));
            }
        }
    }
    for (i, rule) in items(spec.get("http")).enumerate() {
        if let Some(mirror) = rule.get("mirror").filter(|m| m.is_object()) {
            let path = format!("spec.http[{i}].mirror");
            out.push(RouteDestination::new(Some(mirror), path, true));
        }
        for (j, m) in items(rule.get("mirrors")).enumerate() {
            if let Some(d) = m.get("destination").filter(|d| d.is_object()) {
                let path = format!("spec.http[{i}].mirrors[{j}].destination");
                out.push(RouteDestination::new(Some(d), path, true));
            }
        }
    }
    out
}

/// The namespaces from which a VirtualService's destinations are resolved: those of its
/// `exportTo` (`*` meaning only hosts visible everywhere will do), or its own namespace.
pub fn viewers(vs: &Resource) -> Visibility {
    let mut list = strings(vs.spec().get("exportTo")).peekable();
    if list.peek().is_none() {
        return Visibility::Namespaces(vec![vs.namespace.to_string()]);
    }
    Visibility::parse(list, &vs.namespace)
}
