//! `virtualservice.DestinationRuleAnalyzer`: a subset a VirtualService routes (or mirrors) to
//! must be defined by a DestinationRule for that host that the VirtualService's namespace sees.

use std::collections::HashMap;

use super::destinations;
use crate::analyzer::Context;
use crate::analyzers::util::hosts::{fqdn, is_wildcard, items, wildcard_candidates, Visibility};
use crate::catalog::codes::IST0101;
use crate::kinds::{DESTINATION_RULE, VIRTUAL_SERVICE};
use crate::message::Message;

/// The subsets a DestinationRule defines, and where it is visible.
struct Subsets {
    names: Vec<String>,
    visibility: Visibility,
}

crate::analyzer! {
    /// Checks that subsets VirtualServices route to are defined by a DestinationRule.
    name: "virtualservice.DestinationRuleAnalyzer",
    inputs: [VIRTUAL_SERVICE, DESTINATION_RULE],
    codes: [IST0101],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    // DestinationRule host (fully qualified, or a wildcard) → its subsets.
    let mut by_host: HashMap<String, Vec<Subsets>> = HashMap::new();
    for (_, dr) in ctx.store.of_kind(DESTINATION_RULE) {
        let host = dr.spec().get("host").and_then(|h| h.as_str()).unwrap_or("");
        let names = items(dr.spec().get("subsets"))
            .filter_map(|s| s.get("name").and_then(|n| n.as_str()))
            .map(str::to_owned)
            .collect();
        by_host
            .entry(fqdn(&dr.namespace, host))
            .or_default()
            .push(Subsets {
                names,
                visibility: Visibility::of(dr, ctx.mesh),
            });
    }
    for (id, vs) in ctx.store.of_kind(VIRTUAL_SERVICE) {
        for d in destinations(vs.spec()) {
            if d.subset.is_empty() {
                continue;
            }
            let host = fqdn(&vs.namespace, d.host);
            let mut keys = vec![host.clone()];
            if !is_wildcard(&host) {
                keys.extend(wildcard_candidates(&host));
            }
            let defined = keys.iter().flat_map(|k| by_host.get(k)).flatten().any(|s| {
                s.visibility.includes(&vs.namespace) && s.names.iter().any(|n| n == d.subset)
            });
            if !defined {
                let reftype = if d.mirror {
                    "mirror+subset in destinationrule"
                } else {
                    "host+subset in destinationrule"
                };
                let args = vec![reftype.into(), format!("{}+{}", d.host, d.subset)];
                ctx.report(Message::new(IST0101, id, args).at(format!("{}.subset", d.path)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn undefined_subsets() {
        let found = analyze(&ANALYZER, &["virtualservice/destination-rules.yaml"]);
        insta::assert_snapshot!(found);
    }
}
