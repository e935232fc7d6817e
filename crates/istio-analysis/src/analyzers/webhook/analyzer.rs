//! `webhook.Analyzer`: Istio's sidecar-injector webhooks that would both inject the same pod
//! (overlapping namespace and object selectors), and webhooks that call a Service that does not
//! exist.

use std::collections::{BTreeSet, HashSet};

use istio_core::tree::{Builder, Document, Map, Node, Scalar};

use crate::analyzer::Context;
use crate::analyzers::util::workloads::{
    label_selector_keys, label_selector_matches, INJECTION_LABEL, REVISION_LABEL, SIDECAR_INJECT,
};
use crate::catalog::codes::IST0139;
use crate::kinds::{MUTATING_WEBHOOK, NAMESPACE, POD, SERVICE};
use crate::message::Message;
use crate::resource::ResourceId;

/// Label naming a revision tag on a webhook configuration.
const TAG_LABEL: &str = "istio.io/tag";

struct Hook<'s> {
    config: ResourceId,
    index: usize,
    /// `configuration/webhook`.
    name: String,
    hook: Node<'s>,
}

/// A label set of `key: value` pairs.
fn labels<'v>(pairs: impl IntoIterator<Item = (&'v str, Node<'v>)>) -> Document {
    let mut b = Builder::new();
    b.begin_map(0);
    for (k, v) in pairs {
        b.scalar(Scalar::Str(k), 0);
        b.copy(v);
    }
    b.end();
    b.finish()
}

/// A label set of string pairs.
fn string_labels(pairs: &[(&str, &str)]) -> Document {
    let mut b = Builder::new();
    b.begin_map(0);
    for (k, v) in pairs {
        b.scalar(Scalar::Str(k), 0);
        b.scalar(Scalar::Str(v), 0);
    }
    b.end();
    b.finish()
}

/// `labels` reduced to the keys some selector looks at, so equal projections test alike.
fn project(labels_of: Map<'_>, keys: &HashSet<String>) -> Document {
    labels(labels_of.iter().filter(|(k, _)| keys.contains(*k)))
}

fn dedup(cases: Vec<Document>) -> Vec<Document> {
    let mut seen = HashSet::new();
    cases
        .into_iter()
        .filter(|c| seen.insert(c.root().to_string()))
        .collect()
}

fn map_of(labels: &Document) -> Map<'_> {
    labels.root().as_object().unwrap_or(Map::empty())
}

crate::analyzer! {
    /// Checks Istio's injection webhooks for overlapping selectors and missing Services.
    name: "webhook.Analyzer",
    inputs: [MUTATING_WEBHOOK, NAMESPACE, POD, SERVICE],
    codes: [IST0139],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut hooks: Vec<Hook<'_>> = Vec::new();
    let mut revisions: BTreeSet<&str> = BTreeSet::new();
    for (id, config) in store.of_kind(MUTATING_WEBHOOK) {
        let revs: Vec<&str> = [REVISION_LABEL, TAG_LABEL]
            .iter()
            .filter_map(|l| config.label(l))
            .collect();
        let list = config.root().get("webhooks").and_then(Node::as_array);
        let list: Vec<Node<'_>> = list.into_iter().flatten().collect();
        let istio = list.iter().any(|h| {
            h.get("name")
                .and_then(Node::as_str)
                .is_some_and(|n| n.ends_with("istio.io"))
        });
        if revs.is_empty() && !istio {
            continue;
        }
        revisions.extend(revs);
        for (index, hook) in list.into_iter().enumerate() {
            let name = hook.get("name").and_then(Node::as_str).unwrap_or("");
            hooks.push(Hook {
                config: id,
                index,
                name: format!("{}/{name}", config.name),
                hook,
            });
        }
    }
    if hooks.is_empty() {
        return;
    }
    let ns_keys: HashSet<String> = hooks
        .iter()
        .flat_map(|h| label_selector_keys(h.hook.get("namespaceSelector")))
        .collect();
    let obj_keys: HashSet<String> = hooks
        .iter()
        .flat_map(|h| label_selector_keys(h.hook.get("objectSelector")))
        .collect();
    let mut namespaces: Vec<Document> = store
        .of_kind(NAMESPACE)
        .map(|(_, ns)| project(ns.labels(), &ns_keys))
        .collect();
    let mut objects: Vec<Document> = store
        .of_kind(POD)
        .map(|(_, pod)| project(pod.labels(), &obj_keys))
        .collect();
    for rev in &revisions {
        namespaces.push(string_labels(&[(REVISION_LABEL, rev)]));
        objects.push(string_labels(&[(REVISION_LABEL, rev)]));
    }
    namespaces.push(string_labels(&[(INJECTION_LABEL, "enabled")]));
    namespaces.push(string_labels(&[(INJECTION_LABEL, "disabled")]));
    objects.push(string_labels(&[(SIDECAR_INJECT, "true")]));
    objects.push(string_labels(&[(SIDECAR_INJECT, "false")]));
    let namespaces = dedup(namespaces);
    let objects = dedup(objects);
    let mut reported: HashSet<(usize, String)> = HashSet::new();
    for ns in &namespaces {
        for obj in &objects {
            let matches: Vec<usize> = hooks
                .iter()
                .enumerate()
                .filter(|(_, h)| {
                    label_selector_matches(h.hook.get("namespaceSelector"), map_of(ns))
                        && label_selector_matches(h.hook.get("objectSelector"), map_of(obj))
                })
                .map(|(i, _)| i)
                .collect();
            if matches.len() < 2 {
                continue;
            }
            for &m in &matches {
                let others: BTreeSet<&str> = matches
                    .iter()
                    .filter(|&&o| o != m)
                    .map(|&o| hooks[o].name.as_str())
                    .collect();
                let others: Vec<&str> = others.into_iter().collect();
                let text = format!(
                    "Webhook overlaps with others: [{}]. This may cause injection to occur twice.",
                    others.join(" ")
                );
                if reported.insert((m, text.clone())) {
                    let hook = &hooks[m];
                    ctx.report(
                        Message::new(IST0139, hook.config, vec![text])
                            .at(format!("webhooks[{}]", hook.index)),
                    );
                }
            }
        }
    }
    for hook in &hooks {
        let Some(svc) = hook.hook.pointer("/clientConfig/service") else {
            continue;
        };
        let ns = svc.get("namespace").and_then(Node::as_str).unwrap_or("");
        let name = svc.get("name").and_then(Node::as_str).unwrap_or("");
        if !store.contains(SERVICE, ns, name) {
            ctx.report(
                Message::new(
                    IST0139,
                    hook.config,
                    vec![format!(
                        "Injector refers to a control plane service that does not exist: {ns}/{name}."
                    )],
                )
                .at(format!("webhooks[{}].clientConfig.service", hook.index)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_overlaps_and_missing_services() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["webhook/webhooks.yaml"]));
    }
}
