//! `telemetry.DefaultSelectorAnalyzer`: more than one Telemetry without a workload selector in
//! one namespace, so which one applies to its workloads is undefined.

use std::collections::BTreeMap;

use crate::analyzer::Context;
use crate::catalog::codes::IST0160;
use crate::kinds::TELEMETRY;
use crate::message::Message;
use crate::resource::{Resource, ResourceId};

/// True when a Telemetry applies to its whole namespace: no selector and no target references.
fn namespace_wide(telemetry: &Resource) -> bool {
    let spec = telemetry.spec();
    let present = |key: &str| match spec.get(key) {
        None => false,
        Some(v) if v.is_null() => false,
        Some(v) => v.as_array().is_none_or(|a| !a.is_empty()),
    };
    !present("selector") && !present("targetRef") && !present("targetRefs")
}

crate::analyzer! {
    /// Checks that a namespace has at most one Telemetry without a workload selector.
    name: "telemetry.DefaultSelectorAnalyzer",
    inputs: [TELEMETRY],
    codes: [IST0160],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut by_namespace: BTreeMap<&str, Vec<ResourceId>> = BTreeMap::new();
    for (id, telemetry) in store.of_kind(TELEMETRY) {
        if namespace_wide(telemetry) {
            by_namespace
                .entry(&*telemetry.namespace)
                .or_default()
                .push(id);
        }
    }
    for (namespace, ids) in by_namespace {
        if ids.len() < 2 {
            continue;
        }
        let mut names: Vec<&str> = ids.iter().map(|&id| &*store.get(id).name).collect();
        names.sort_unstable();
        let names = names.join(", ");
        for id in ids {
            ctx.report(Message::new(
                IST0160,
                id,
                vec![names.clone(), namespace.to_owned()],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_each_of_several_namespace_wide_telemetries() {
        let found = analyze(&ANALYZER, &["telemetry/default-selectors.yaml"]);
        insta::assert_snapshot!(found);
    }
}
