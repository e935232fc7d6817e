//! `sidecar.DefaultSelectorAnalyzer`: a namespace may hold one Sidecar without a workload
//! selector, its default; with several, which one applies is undefined (IST0111). In an
//! ambient namespace, where workloads run no sidecar proxy, such a Sidecar has no effect
//! (IST0167). Unlike [`super::selector`], this needs no pods.

use std::collections::BTreeMap;

use crate::analyzer::Context;
use crate::analyzers::util::selectors::namespace_in_ambient;
use crate::catalog::codes::{IST0111, IST0167};
use crate::kinds::{NAMESPACE, SIDECAR};
use crate::message::Message;
use crate::resource::ResourceId;

use super::selector::selector_labels;

crate::analyzer! {
    /// Checks that a namespace has at most one Sidecar without a workload selector, and none
    /// when the namespace is in ambient mode.
    name: "sidecar.DefaultSelectorAnalyzer",
    inputs: [SIDECAR, NAMESPACE],
    codes: [IST0111, IST0167],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut by_namespace: BTreeMap<&str, Vec<ResourceId>> = BTreeMap::new();
    for (id, sidecar) in store.of_kind(SIDECAR) {
        if selector_labels(sidecar).is_none() {
            by_namespace.entry(&sidecar.namespace).or_default().push(id);
        }
    }
    for (namespace, ids) in by_namespace {
        if namespace_in_ambient(store, namespace) {
            let reason =
                format!("namespace {namespace} is in ambient mode, where workloads run no sidecar");
            for id in ids {
                ctx.report(Message::new(IST0167, id, vec![reason.clone()]).at("metadata.name"));
            }
            continue;
        }
        if ids.len() < 2 {
            continue;
        }
        let mut names: Vec<&str> = ids.iter().map(|&id| &*store.get(id).name).collect();
        names.sort_unstable();
        let names = format!("[{}]", names.join(" "));
        for id in ids {
            let args = vec![names.clone(), namespace.to_owned()];
            ctx.report(Message::new(IST0111, id, args).at("metadata.name"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn namespace_wide_sidecars() {
        insta::assert_snapshot!(analyze(
            &ANALYZER,
            &["sidecar/selectors.yaml", "sidecar/defaults.yaml"]
        ));
    }
}
