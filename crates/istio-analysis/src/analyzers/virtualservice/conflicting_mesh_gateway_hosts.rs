//! `virtualservice.ConflictingMeshGatewayHostsAnalyzer`: two VirtualServices bound to the mesh
//! gateway must not declare the same host where some namespace sees both of them; the sidecars
//! would then merge them in an undefined way.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::analyzer::Context;
use crate::analyzers::util::hosts::{fqdn, strings, Visibility, MESH_GATEWAY};
use crate::catalog::codes::IST0109;
use crate::kinds::VIRTUAL_SERVICE;
use crate::message::Message;
use crate::resource::ResourceId;
use crate::store::Store;

/// A VirtualService declaring a host.
struct Declaration {
    id: ResourceId,
    /// Index of the host in `spec.hosts`.
    index: usize,
    visibility: Visibility,
}

crate::analyzer! {
    /// Checks that mesh VirtualServices seen from the same namespace do not declare the same host.
    name: "virtualservice.ConflictingMeshGatewayHostsAnalyzer",
    inputs: [VIRTUAL_SERVICE],
    codes: [IST0109],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut by_host: HashMap<String, Vec<Declaration>> = HashMap::new();
    for (id, vs) in store.of_kind(VIRTUAL_SERVICE) {
        let mut gateways = strings(vs.spec().get("gateways")).peekable();
        let mesh = gateways.peek().is_none() || gateways.any(|g| g == MESH_GATEWAY);
        if !mesh {
            continue;
        }
        let visibility = Visibility::of(vs, ctx.mesh);
        for (index, host) in strings(vs.spec().get("hosts")).enumerate() {
            let list = by_host.entry(fqdn(&vs.namespace, host)).or_default();
            if list.last().is_some_and(|d| d.id == id) {
                continue;
            }
            list.push(Declaration {
                id,
                index,
                visibility: visibility.clone(),
            });
        }
    }
    // VirtualService → (its first conflicting host index, the host, the conflicting names).
    let mut conflicts: BTreeMap<ResourceId, (usize, &str, Rc<String>)> = BTreeMap::new();
    for (host, list) in &by_host {
        let conflicting = conflicting(list);
        if conflicting.is_empty() {
            continue;
        }
        let names = Rc::new(listing(store, &conflicting));
        for d in conflicting {
            let entry = conflicts
                .entry(d.id)
                .or_insert_with(|| (d.index, host, Rc::clone(&names)));
            if d.index < entry.0 {
                *entry = (d.index, host, Rc::clone(&names));
            }
        }
    }
    for (id, (index, host, names)) in conflicts {
        let args = vec![names.to_string(), host.to_owned()];
        ctx.report(Message::new(IST0109, id, args).at(format!("spec.hosts[{index}]")));
    }
}

/// Most VirtualService names listed in one message.
const MAX_LISTED: usize = 10;

/// `ns/name,ns/name,…` of the conflicting VirtualServices, the first [`MAX_LISTED`] of them.
fn listing(store: &Store, conflicting: &[&Declaration]) -> String {
    let mut names: Vec<String> = conflicting
        .iter()
        .take(MAX_LISTED)
        .map(|d| store.get(d.id).full_name())
        .collect();
    if conflicting.len() > MAX_LISTED {
        names.push(format!("and {} more", conflicting.len() - MAX_LISTED));
    }
    names.join(",")
}

/// The declarations of one host that some namespace sees together with another one.
fn conflicting(list: &[Declaration]) -> Vec<&Declaration> {
    if list.len() < 2 {
        return Vec::new();
    }
    let seen = |d: &&Declaration| d.visibility != Visibility::Namespaces(Vec::new());
    let everywhere = list.iter().any(|d| d.visibility == Visibility::All);
    if everywhere {
        let visible: Vec<&Declaration> = list.iter().filter(seen).collect();
        return if visible.len() >= 2 {
            visible
        } else {
            Vec::new()
        };
    }
    let mut by_namespace: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in list.iter().enumerate() {
        if let Visibility::Namespaces(namespaces) = &d.visibility {
            for ns in namespaces {
                by_namespace.entry(ns).or_default().push(i);
            }
        }
    }
    let mut marked = vec![false; list.len()];
    for members in by_namespace.values().filter(|m| m.len() >= 2) {
        for &i in members {
            marked[i] = true;
        }
    }
    list.iter()
        .zip(marked)
        .filter(|(_, m)| *m)
        .map(|(d, _)| d)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn conflicting_mesh_hosts() {
        let found = analyze(&ANALYZER, &["virtualservice/conflicting-mesh-hosts.yaml"]);
        insta::assert_snapshot!(found);
    }
}
