//! `injection.ImageAutoAnalyzer`: workloads using `image: auto`, which only works when Istio's
//! injector rewrites it. A Deployment that no injector webhook selects gets a warning; such a
//! Pod cannot start at all, which is an error.

use istio_core::tree::{Map, Node};

use crate::analyzer::Context;
use crate::analyzers::util::workloads::{label_selector_matches, pod_metadata, string_map};
use crate::catalog::codes::{IST0146, IST0147};
use crate::kinds::{DEPLOYMENT, MUTATING_WEBHOOK, NAMESPACE, POD};
use crate::message::Message;

/// The index of the first container whose image is `auto`.
fn auto_image(spec: Node<'_>) -> Option<usize> {
    spec.get("containers")
        .and_then(Node::as_array)?
        .iter()
        .position(|c| c.get("image").and_then(Node::as_str) == Some("auto"))
}

crate::analyzer! {
    /// Checks that Pods and Deployments using `image: auto` are selected for injection.
    name: "injection.ImageAutoAnalyzer",
    inputs: [NAMESPACE, POD, DEPLOYMENT, MUTATING_WEBHOOK],
    codes: [IST0146, IST0147],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let webhooks: Vec<Node<'_>> = store
        .of_kind(MUTATING_WEBHOOK)
        .filter_map(|(_, c)| c.root().get("webhooks").and_then(Node::as_array))
        .flatten()
        .filter(|h| {
            h.get("name")
                .and_then(Node::as_str)
                .is_some_and(|n| n.ends_with("sidecar-injector.istio.io"))
        })
        .collect();
    let injected = |namespace: &str, pod_labels: Map<'_>| {
        let ns_labels = store
            .find(NAMESPACE, "", namespace)
            .map_or(Map::empty(), |(_, ns)| ns.labels());
        webhooks.iter().any(|h| {
            label_selector_matches(h.get("namespaceSelector"), ns_labels)
                && label_selector_matches(h.get("objectSelector"), pod_labels)
        })
    };
    for (id, pod) in store.of_kind(POD) {
        let Some(i) = auto_image(pod.spec()) else {
            continue;
        };
        if !injected(&pod.namespace, pod.labels()) {
            ctx.report(
                Message::new(IST0147, id, vec!["Pod".to_owned(), pod.name.to_string()])
                    .at(format!("spec.containers[{i}].image")),
            );
        }
    }
    for (id, deployment) in store.of_kind(DEPLOYMENT) {
        let Some(i) = deployment
            .spec()
            .pointer("/template/spec")
            .and_then(auto_image)
        else {
            continue;
        };
        let pod_labels = string_map(pod_metadata(deployment), "labels");
        if !injected(&deployment.namespace, pod_labels) {
            ctx.report(
                Message::new(
                    IST0146,
                    id,
                    vec!["Deployment".to_owned(), deployment.name.to_string()],
                )
                .at(format!("spec.template.spec.containers[{i}].image")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_auto_images_not_injected() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["injection/image-auto.yaml"]));
    }
}
