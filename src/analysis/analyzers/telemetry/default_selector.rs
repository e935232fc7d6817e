//! `telemetry.DefaultSelectorAnalyzer`: more than one Telemetry without a workload selector in
//! one namespace, so which one applies to its workloads is undefined.

use std::collections::BTreeMap;

use crate::analysis::analyzer::{Analyzer, Context};
use crate::analysis::kinds::{Kind, TELEMETRY};
use crate::analysis::message::Message;
use crate::analysis::resource::{Resource, ResourceId};

/// See the module documentation.
pub struct DefaultSelectorAnalyzer;

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

impl Analyzer for DefaultSelectorAnalyzer {
    fn name(&self) -> &'static str {
        "telemetry.DefaultSelectorAnalyzer"
    }

    fn description(&self) -> &'static str {
        "Checks that a namespace has at most one Telemetry without a workload selector"
    }

    fn inputs(&self) -> &'static [Kind] {
        &[TELEMETRY]
    }

    fn analyze(&self, ctx: &mut Context<'_>) {
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
                    "IST0160",
                    id,
                    vec![names.clone(), namespace.to_owned()],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::analyze;

    #[test]
    fn reports_each_of_several_namespace_wide_telemetries() {
        let found = analyze(
            Box::new(DefaultSelectorAnalyzer),
            &["telemetry/default-selectors.yaml"],
        );
        assert_eq!(
            found,
            vec![
                ("IST0160".into(), "Telemetry two/first".into(), 24),
                ("IST0160".into(), "Telemetry two/second".into(), 33),
            ]
        );
    }
}
