//! `sidecar.SelectorAnalyzer`: Sidecars with a workload selector should select pods of their
//! namespace (IST0101), no pod should be selected by two of them (IST0110), and a Sidecar whose
//! pods are all in ambient mode — where no sidecar proxy runs to apply it — has no effect
//! (IST0167).

use std::collections::BTreeMap;

use istio_core::tree::{Map, Node};

use crate::analyzer::Context;
use crate::analyzers::util::selectors::{pod_captured_by_ambient, selector_string};
use crate::catalog::codes::{IST0101, IST0110, IST0167};
use crate::kinds::{NAMESPACE, POD, SIDECAR};
use crate::message::Message;
use crate::resource::{Resource, ResourceId};

/// `spec.workloadSelector.labels` of a Sidecar, when it has labels (a Sidecar without them
/// applies to its whole namespace: [`super::default_selector`]).
pub fn selector_labels(sidecar: &Resource) -> Option<Map<'_>> {
    sidecar
        .spec()
        .get("workloadSelector")
        .and_then(|s| s.get("labels"))
        .and_then(Node::as_object)
        .filter(|l| !l.is_empty())
}

crate::analyzer! {
    /// Checks that Sidecar workload selectors select pods, no pod twice, and pods that run a
    /// sidecar proxy rather than ambient mode.
    name: "sidecar.SelectorAnalyzer",
    inputs: [SIDECAR, POD, NAMESPACE],
    codes: [IST0101, IST0110, IST0167],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    // Pods that run a sidecar proxy → the Sidecars selecting them, in load order.
    let mut sidecars_of: BTreeMap<ResourceId, Vec<ResourceId>> = BTreeMap::new();
    for (id, sidecar) in store.of_kind(SIDECAR) {
        let Some(labels) = selector_labels(sidecar) else {
            continue;
        };
        let pods = store.select(POD, &sidecar.namespace, labels);
        if pods.is_empty() {
            let args = vec!["selector".to_owned(), selector_string(labels)];
            ctx.report(Message::new(IST0101, id, args).at("spec.workloadSelector"));
            continue;
        }
        let proxied: Vec<ResourceId> = pods
            .iter()
            .filter(|(_, pod)| !pod_captured_by_ambient(store, pod))
            .map(|(pod, _)| *pod)
            .collect();
        if proxied.is_empty() {
            let reason = if pods.len() == 1 {
                format!(
                    "the only workload it selects, pod {}, is in ambient mode and runs no sidecar",
                    pods[0].1.name
                )
            } else {
                format!(
                    "all {} workloads it selects are in ambient mode and run no sidecar",
                    pods.len()
                )
            };
            ctx.report(Message::new(IST0167, id, vec![reason]).at("spec.workloadSelector"));
        }
        for pod in proxied {
            sidecars_of.entry(pod).or_default().push(id);
        }
    }
    for (pod, sidecars) in sidecars_of {
        if sidecars.len() < 2 {
            continue;
        }
        let pod = store.get(pod);
        let mut names: Vec<&str> = sidecars.iter().map(|&s| &*store.get(s).name).collect();
        names.sort_unstable();
        let names = format!("[{}]", names.join(" "));
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

    #[test]
    fn sidecars_of_ambient_workloads() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["sidecar/ambient.yaml"]));
    }
}
