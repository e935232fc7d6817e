//! `sidecar.SelectorAnalyzer`: a Sidecar's workload selector must select pods of its namespace,
//! and no pod may be selected by two Sidecars.

use std::collections::BTreeMap;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::{IST0101, IST0110};
use crate::kinds::{POD, SIDECAR};
use crate::message::Message;
use crate::resource::ResourceId;

crate::analyzer! {
    /// Checks that Sidecar workload selectors select pods, and no pod twice.
    name: "sidecar.SelectorAnalyzer",
    inputs: [SIDECAR, POD],
    codes: [IST0101, IST0110],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut sidecars_of: BTreeMap<ResourceId, Vec<ResourceId>> = BTreeMap::new();
    for (id, sidecar) in store.of_kind(SIDECAR) {
        let labels = sidecar
            .spec()
            .get("workloadSelector")
            .and_then(|s| s.get("labels"))
            .and_then(Node::as_object);
        let Some(labels) = labels.filter(|l| !l.is_empty()) else {
            continue;
        };
        let pods = store.select(POD, &sidecar.namespace, labels);
        if pods.is_empty() {
            let mut selector: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            selector.sort_unstable();
            let args = vec!["selector".to_owned(), selector.join(",")];
            ctx.report(Message::new(IST0101, id, args).at("spec.workloadSelector"));
        }
        for (pod, _) in pods {
            sidecars_of.entry(pod).or_default().push(id);
        }
    }
    for (pod, sidecars) in sidecars_of {
        if sidecars.len() < 2 {
            continue;
        }
        let pod = store.get(pod);
        let names: Vec<String> = sidecars
            .iter()
            .map(|&s| store.get(s).name.to_string())
            .collect();
        let names = names.join(", ");
        for id in sidecars {
            let args = vec![
                names.clone(),
                pod.namespace.to_string(),
                pod.name.to_string(),
            ];
            ctx.report(Message::new(IST0110, id, args).at("spec.workloadSelector"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn selectors() {
        let found = analyze(&ANALYZER, &["sidecar/selectors.yaml"]);
        insta::assert_snapshot!(found);
    }
}
