//! `gateway.ConflictingGatewayAnalyzer`: Gateways that would program the same gateway workload
//! (one selector equals or contains the other) with a server on the same port for overlapping
//! hosts. Envoy can only keep one of them.

use std::collections::{BTreeSet, HashMap};

use istio_core::tree::{Map, Node};

use crate::analyzer::Context;
use crate::analyzers::util::selectors::selector_string;
use crate::analyzers::util::workloads::labels_match;
use crate::catalog::codes::IST0145;
use crate::kinds::GATEWAY;
use crate::message::Message;
use crate::resource::{Resource, ResourceId};
use istio_core::tree::Map as TreeMap;

/// The servers of all Gateways on one port, grouped by selector.
#[derive(Default)]
struct PortGroup<'s> {
    /// Canonical selector → gateways' hosts under that selector.
    by_selector: HashMap<String, SelectorGroup<'s>>,
    /// `key=value` → canonical selectors holding that pair; `""` lists the empty selector.
    by_pair: HashMap<String, BTreeSet<String>>,
}

impl PortGroup<'_> {
    /// The selector groups that may share a workload with `selector`: those whose selector
    /// contains it or is contained in it. Any such group shares a label pair with it, or one of
    /// the two is empty.
    fn compatible(&self, selector: Map<'_>) -> Vec<&SelectorGroup<'_>> {
        let keys: BTreeSet<&String> = if selector.is_empty() {
            self.by_pair.values().flatten().collect()
        } else {
            selector
                .iter()
                .map(|(k, v)| pair(k, v))
                .chain([String::new()])
                .filter_map(|p| self.by_pair.get(&p))
                .flatten()
                .collect()
        };
        keys.into_iter()
            .filter_map(|k| self.by_selector.get(k))
            .filter(|g| labels_match(selector, g.selector) || labels_match(g.selector, selector))
            .collect()
    }
}

fn pair(k: &str, v: Node<'_>) -> String {
    format!(
        "{k}={}",
        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
    )
}

struct SelectorGroup<'s> {
    selector: Map<'s>,
    /// Non-wildcard host → gateways serving it.
    exact: HashMap<&'s str, Vec<ResourceId>>,
    /// Wildcard hosts (`*`, `*.example.com`) and their gateways.
    wildcards: Vec<(&'s str, ResourceId)>,
}

/// Istio's host overlap test: wildcards (`*.a.com`, `*`) match by suffix, others exactly.
pub fn hosts_overlap(a: &str, b: &str) -> bool {
    match (a.strip_prefix('*'), b.strip_prefix('*')) {
        (Some(sa), Some(sb)) => sa.ends_with(sb) || sb.ends_with(sa),
        (Some(sa), None) => b.ends_with(sa),
        (None, Some(sb)) => a.ends_with(sb),
        (None, None) => a == b,
    }
}

/// A Gateway server host without its `namespace/` prefix.
fn dns_name(host: &str) -> &str {
    host.rsplit_once('/').map_or(host, |(_, h)| h)
}

fn selector_of(gw: &Resource) -> Map<'_> {
    gw.spec()
        .get("selector")
        .and_then(Node::as_object)
        .unwrap_or(TreeMap::empty())
}

fn servers_of(gw: &Resource) -> impl Iterator<Item = Node<'_>> {
    gw.spec()
        .get("servers")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
}

fn port_of(server: Node<'_>) -> String {
    server
        .pointer("/port/number")
        .map(|n| n.as_str().map_or_else(|| n.to_string(), str::to_owned))
        .unwrap_or_else(|| "0".to_owned())
}

fn hosts_of(server: Node<'_>) -> Vec<&str> {
    server
        .get("hosts")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .filter_map(Node::as_str)
        .collect()
}

crate::analyzer! {
    /// Checks that Gateways selecting the same workload do not claim the same port and host.
    name: "gateway.ConflictingGatewayAnalyzer",
    inputs: [GATEWAY],
    codes: [IST0145],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut ports: HashMap<String, PortGroup<'_>> = HashMap::new();
    for (id, gw) in store.of_kind(GATEWAY) {
        let selector = selector_of(gw);
        let key = selector_string(selector);
        for server in servers_of(gw) {
            let port_group = ports.entry(port_of(server)).or_default();
            if !port_group.by_selector.contains_key(&key) {
                let pairs: Vec<String> = if selector.is_empty() {
                    vec![String::new()]
                } else {
                    selector.iter().map(|(k, v)| pair(k, v)).collect()
                };
                for p in pairs {
                    port_group.by_pair.entry(p).or_default().insert(key.clone());
                }
            }
            let group = port_group
                .by_selector
                .entry(key.clone())
                .or_insert_with(|| SelectorGroup {
                    selector,
                    exact: HashMap::new(),
                    wildcards: Vec::new(),
                });
            for host in hosts_of(server) {
                let host = dns_name(host);
                if host.starts_with('*') {
                    group.wildcards.push((host, id));
                } else {
                    group.exact.entry(host).or_default().push(id);
                }
            }
        }
    }
    for (id, gw) in store.of_kind(GATEWAY) {
        let selector = selector_of(gw);
        let selector_text = selector_string(selector);
        for (i, server) in servers_of(gw).enumerate() {
            let port = port_of(server);
            let Some(group) = ports.get(&port) else {
                continue;
            };
            let hosts = hosts_of(server);
            let mut others: BTreeSet<ResourceId> = BTreeSet::new();
            for candidates in group.compatible(selector) {
                for host in hosts.iter().map(|h| dns_name(h)) {
                    if host.starts_with('*') {
                        for (other, ids) in &candidates.exact {
                            if hosts_overlap(host, other) {
                                others.extend(ids);
                            }
                        }
                    } else if let Some(ids) = candidates.exact.get(host) {
                        others.extend(ids);
                    }
                    others.extend(
                        candidates
                            .wildcards
                            .iter()
                            .filter(|(w, _)| hosts_overlap(host, w))
                            .map(|(_, other)| *other),
                    );
                }
            }
            others.remove(&id);
            if others.is_empty() {
                continue;
            }
            let mut names: Vec<String> = others.iter().map(|&o| store.get(o).full_name()).collect();
            names.sort();
            ctx.report(
                Message::new(
                    IST0145,
                    id,
                    vec![
                        names.join(","),
                        selector_text.clone(),
                        port,
                        hosts.join(","),
                    ],
                )
                .at(format!("spec.servers[{i}]")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_each_gateway_of_a_conflict() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["gateway/conflicting.yaml"]));
    }

    #[test]
    fn host_overlap() {
        assert!(hosts_overlap("*", "a.com"));
        assert!(hosts_overlap("*.a.com", "b.a.com"));
        assert!(hosts_overlap("*.a.com", "*.b.a.com"));
        assert!(!hosts_overlap("*.a.com", "a.com"));
        assert!(!hosts_overlap("a.com", "b.com"));
    }
}
