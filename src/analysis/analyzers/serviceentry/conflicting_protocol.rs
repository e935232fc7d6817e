//! `serviceentry.ConflictingServiceEntryProtocolAnalyzer`: ServiceEntries seen from the same
//! namespace must not give the same host and port different protocols.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::tree::Node;

use crate::analysis::analyzer::{Analyzer, Context};
use crate::analysis::analyzers::util::hosts::{as_u64, fqdn, items, strings, Visibility};
use crate::analysis::kinds::{Kind, SERVICE_ENTRY};
use crate::analysis::message::Message;
use crate::analysis::resource::ResourceId;

/// See the module documentation.
pub struct ConflictingServiceEntryProtocolAnalyzer;

/// One ServiceEntry port declaring a protocol for a host.
struct Declaration {
    id: ResourceId,
    /// Index of the port in `spec.ports`.
    port_index: usize,
    /// Upper-cased protocol.
    protocol: String,
    visibility: Visibility,
}

impl Analyzer for ConflictingServiceEntryProtocolAnalyzer {
    fn name(&self) -> &'static str {
        "serviceentry.ConflictingServiceEntryProtocolAnalyzer"
    }

    fn description(&self) -> &'static str {
        "Checks that ServiceEntries do not declare different protocols for the same host and port"
    }

    fn inputs(&self) -> &'static [Kind] {
        &[SERVICE_ENTRY]
    }

    fn analyze(&self, ctx: &mut Context<'_>) {
        let store = ctx.store;
        let mut by_host_port: BTreeMap<(String, u64), Vec<Declaration>> = BTreeMap::new();
        for (id, se) in store.of_kind(SERVICE_ENTRY) {
            let visibility = Visibility::of(se, ctx.mesh);
            let ports: Vec<(usize, u64, String)> = items(se.spec().get("ports"))
                .enumerate()
                .filter_map(|(i, p)| {
                    let number = p.get("number").and_then(as_u64)?;
                    let protocol = p.get("protocol").and_then(Node::as_str)?;
                    (!protocol.is_empty()).then(|| (i, number, protocol.to_ascii_uppercase()))
                })
                .collect();
            for host in strings(se.spec().get("hosts")) {
                let host = fqdn(&se.namespace, host);
                for (port_index, number, protocol) in &ports {
                    by_host_port
                        .entry((host.clone(), *number))
                        .or_default()
                        .push(Declaration {
                            id,
                            port_index: *port_index,
                            protocol: protocol.clone(),
                            visibility: visibility.clone(),
                        });
                }
            }
        }
        for ((host, port), list) in &by_host_port {
            if list.iter().all(|d| d.protocol == list[0].protocol) {
                continue;
            }
            let conflicting = conflicting(list);
            if conflicting.is_empty() {
                continue;
            }
            let mut names: Vec<String> = Vec::new();
            let mut protocols: Vec<&str> = Vec::new();
            for d in &conflicting {
                let name = store.get(d.id).full_name();
                if !names.contains(&name) {
                    names.push(name);
                }
                if !protocols.contains(&d.protocol.as_str()) {
                    protocols.push(&d.protocol);
                }
            }
            let more = names.len().saturating_sub(MAX_LISTED);
            names.truncate(MAX_LISTED);
            if more > 0 {
                names.push(format!("and {more} more"));
            }
            let names = names.join(", ");
            let mut reported: HashSet<ResourceId> = HashSet::new();
            for d in conflicting {
                if !reported.insert(d.id) {
                    continue;
                }
                let args = vec![
                    names.clone(),
                    host.clone(),
                    port.to_string(),
                    protocols.join(", "),
                ];
                ctx.report(
                    Message::new(CODE, d.id, args).at(format!("spec.ports[{}]", d.port_index)),
                );
            }
        }
    }
}

/// The declarations of one host and port that some namespace sees together with a declaration
/// of another protocol.
fn conflicting(list: &[Declaration]) -> Vec<&Declaration> {
    // Protocols declared everywhere, declared somewhere, and declared per namespace.
    let mut everywhere: HashSet<&str> = HashSet::new();
    let mut somewhere: HashSet<&str> = HashSet::new();
    let mut per_namespace: HashMap<&str, HashSet<&str>> = HashMap::new();
    for d in list {
        match &d.visibility {
            Visibility::All => {
                everywhere.insert(&d.protocol);
                somewhere.insert(&d.protocol);
            }
            Visibility::Namespaces(namespaces) => {
                for ns in namespaces {
                    somewhere.insert(&d.protocol);
                    per_namespace.entry(ns).or_default().insert(&d.protocol);
                }
            }
        }
    }
    let other = |set: &HashSet<&str>, protocol: &str| set.iter().any(|p| *p != protocol);
    list.iter()
        .filter(|d| match &d.visibility {
            Visibility::All => other(&somewhere, &d.protocol),
            Visibility::Namespaces(namespaces) => {
                !namespaces.is_empty() && other(&everywhere, &d.protocol)
                    || namespaces.iter().any(|ns| {
                        per_namespace
                            .get(ns.as_str())
                            .is_some_and(|set| other(set, &d.protocol))
                    })
            }
        })
        .collect()
}

/// Most ServiceEntry names listed in one message.
const MAX_LISTED: usize = 10;

/// ConflictingServiceEntryProtocol.
const CODE: &str = "IST0177";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::analyze;

    #[test]
    fn conflicting_protocols() {
        let found = analyze(
            Box::new(ConflictingServiceEntryProtocolAnalyzer),
            &["serviceentry/conflicting-protocols.yaml"],
        );
        assert_eq!(
            found,
            vec![
                ("IST0177".into(), "ServiceEntry team-a/api-https".into(), 11),
                ("IST0177".into(), "ServiceEntry team-b/api-tls".into(), 27),
            ]
        );
    }
}
