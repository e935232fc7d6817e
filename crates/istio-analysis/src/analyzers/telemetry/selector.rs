//! `telemetry.SelectorAnalyzer`: Telemetries whose workload selector matches no Pod of their
//! namespace, and Pods selected by more than one Telemetry.

use std::collections::BTreeMap;

use crate::analyzer::Context;
use crate::analyzers::util::selectors::{match_labels, selector_field, selector_string};
use crate::catalog::codes::{IST0101, IST0159};
use crate::kinds::{POD, TELEMETRY};
use crate::message::Message;
use crate::resource::ResourceId;

crate::analyzer! {
    /// Checks that Telemetry workload selectors match Pods, and that no Pod is selected twice.
    name: "telemetry.SelectorAnalyzer",
    inputs: [TELEMETRY, POD],
    codes: [IST0101, IST0159],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    // Pod → the Telemetries selecting it, in load order.
    let mut selected_by: BTreeMap<ResourceId, Vec<ResourceId>> = BTreeMap::new();
    for (id, telemetry) in store.of_kind(TELEMETRY) {
        let Some(labels) = match_labels(telemetry) else {
            continue;
        };
        let pods = store.select(POD, &telemetry.namespace, labels);
        if pods.is_empty() {
            ctx.report(
                Message::new(
                    IST0101,
                    id,
                    vec!["selector".to_owned(), selector_string(labels)],
                )
                .at(selector_field(labels)),
            );
        }
        for (pod, _) in pods {
            selected_by.entry(pod).or_default().push(id);
        }
    }
    for (pod, telemetries) in selected_by {
        if telemetries.len() < 2 {
            continue;
        }
        let pod = store.get(pod);
        let mut names: Vec<&str> = telemetries.iter().map(|&t| &*store.get(t).name).collect();
        names.sort_unstable();
        let names = names.join(", ");
        for id in telemetries {
            let field = match_labels(store.get(id)).map(selector_field);
            let mut m = Message::new(
                IST0159,
                id,
                vec![
                    names.clone(),
                    pod.namespace.to_string(),
                    pod.name.to_string(),
                ],
            );
            m.field = field;
            ctx.report(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_unmatched_and_conflicting_selectors() {
        let found = analyze(&ANALYZER, &["telemetry/selectors.yaml"]);
        insta::assert_snapshot!(found);
    }
}
