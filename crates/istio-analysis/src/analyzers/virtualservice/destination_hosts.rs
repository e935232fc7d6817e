//! `virtualservice.DestinationHostAnalyzer`: VirtualService destinations must name a host that a
//! Service or ServiceEntry visible to the VirtualService defines, with a port it exposes (and a
//! port at all when it exposes several); gateway routes without a subset are flagged when mesh
//! routes to the same host use subsets.

use std::collections::HashMap;

use super::{destinations, viewers};
use crate::analyzer::Context;
use crate::analyzers::util::hosts::{fqdn, items, strings, HostIndex};
use crate::catalog::codes::{IST0101, IST0112, IST0140};
use crate::kinds::{SERVICE, SERVICE_ENTRY, VIRTUAL_SERVICE};
use crate::message::Message;
use crate::store::Store;

crate::analyzer! {
    /// Checks that VirtualService destinations name known hosts and ports.
    name: "virtualservice.DestinationHostAnalyzer",
    inputs: [VIRTUAL_SERVICE, SERVICE, SERVICE_ENTRY],
    codes: [IST0101, IST0112, IST0140],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let index = HostIndex::build(ctx.store, ctx.mesh);
    let subset_routes = subset_routes(ctx.store);
    for (id, vs) in ctx.store.of_kind(VIRTUAL_SERVICE) {
        let viewers = viewers(vs);
        for d in destinations(vs.spec()) {
            let host_path = format!("{}.host", d.path);
            let Some(service) = index.lookup(&fqdn(&vs.namespace, d.host), Some(&viewers)) else {
                let reftype = if d.mirror { "mirror host" } else { "host" };
                ctx.report(
                    Message::new(IST0101, id, vec![reftype.into(), d.host.into()]).at(host_path),
                );
                continue;
            };
            match d.port {
                None if service.ports.len() > 1 => {
                    let ports: Vec<String> = service.ports.iter().map(u64::to_string).collect();
                    let ports = format!("[{}]", ports.join(" "));
                    ctx.report(Message::new(IST0112, id, vec![d.host.into(), ports]).at(host_path));
                }
                Some(port) if !service.ports.contains(&port) => {
                    let args = vec!["host:port".into(), format!("{}:{port}", d.host)];
                    ctx.report(Message::new(IST0101, id, args).at(format!("{}.port", d.path)));
                }
                _ => {}
            }
        }
        if vs
            .spec()
            .get("gateways")
            .and_then(|g| g.as_array())
            .is_none_or(|g| g.is_empty())
        {
            continue;
        }
        let name = vs.full_name();
        for (i, rule) in items(vs.spec().get("http")).enumerate() {
            for (j, route) in items(rule.get("route")).enumerate() {
                let Some(dest) = route.get("destination") else {
                    continue;
                };
                if dest
                    .get("subset")
                    .and_then(|s| s.as_str())
                    .is_some_and(|s| !s.is_empty())
                {
                    continue;
                }
                let host = dest.get("host").and_then(|h| h.as_str()).unwrap_or("");
                let key = fqdn(&vs.namespace, host);
                for other in subset_routes.get(&key).into_iter().flatten() {
                    ctx.report(
                        Message::new(IST0140, id, vec![other.clone(), name.clone()])
                            .at(format!("spec.http[{i}].route[{j}].destination.host")),
                    );
                }
            }
        }
    }
}

/// Hosts (fully qualified) that VirtualServices route to with a subset while declaring them in
/// their own `hosts`, with the name of such a VirtualService per route.
fn subset_routes(store: &Store) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (_, vs) in store.of_kind(VIRTUAL_SERVICE) {
        let hosts: Vec<String> = strings(vs.spec().get("hosts"))
            .map(|h| fqdn(&vs.namespace, h))
            .collect();
        for rule in items(vs.spec().get("http")) {
            for route in items(rule.get("route")) {
                let Some(dest) = route.get("destination") else {
                    continue;
                };
                let subset = dest.get("subset").and_then(|s| s.as_str()).unwrap_or("");
                let host = dest.get("host").and_then(|h| h.as_str()).unwrap_or("");
                let host = fqdn(&vs.namespace, host);
                if !subset.is_empty() && hosts.contains(&host) {
                    out.entry(host).or_default().push(vs.full_name());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::MeshConfig;
    use crate::testing::{analyze, analyze_with_mesh};

    #[test]
    fn unknown_hosts_ports_and_missing_port_selectors() {
        let found = analyze(&ANALYZER, &["virtualservice/destination-hosts.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn mesh_default_export_to_limits_services() {
        let files = ["virtualservice/default-export-to.yaml"];
        assert!(analyze(&ANALYZER, &files).is_empty());
        let mut mesh = MeshConfig::defaults("istio-system");
        mesh.overlay(serde_json::json!({"defaultServiceExportTo": ["."]}));
        let found = analyze_with_mesh(&ANALYZER, &files, mesh);
        insta::assert_snapshot!(found);
    }
}
