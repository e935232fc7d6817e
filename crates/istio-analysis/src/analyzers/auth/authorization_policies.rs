//! `auth.AuthorizationPoliciesAnalyzer`: AuthorizationPolicies that select no workload in the
//! mesh, and source namespaces (`namespaces`/`notNamespaces`) that match no Namespace.

use std::collections::HashSet;

use istio_core::tree::{Map, Node};

use crate::analyzer::Context;
use crate::analyzers::util::selectors::{
    match_labels, pod_in_mesh, selector_field, selector_string,
};
use crate::catalog::codes::{IST0101, IST0127};
use crate::kinds::{AUTHORIZATION_POLICY, NAMESPACE, POD};
use crate::message::Message;
use crate::resource::ResourceId;

crate::analyzer! {
    /// Checks that AuthorizationPolicies select mesh workloads and name existing namespaces.
    name: "auth.AuthorizationPoliciesAnalyzer",
    inputs: [AUTHORIZATION_POLICY, NAMESPACE, POD],
    codes: [IST0101, IST0127],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    // Pods of the mesh, and the namespaces that have some.
    let mut mesh_pods: HashSet<ResourceId> = HashSet::new();
    let mut with_mesh_pods: HashSet<&str> = HashSet::new();
    for (id, pod) in store.of_kind(POD) {
        if pod_in_mesh(store, pod) {
            mesh_pods.insert(id);
            with_mesh_pods.insert(&pod.namespace);
        }
    }
    let pod_namespaces: Vec<&str> = store.namespaces_of(POD).collect();
    let namespaces = Namespaces::new(store.of_kind(NAMESPACE).map(|(_, n)| &*n.name));
    let root = ctx.mesh.root_namespace();
    let mut messages = Vec::new();
    for (id, policy) in store.of_kind(AUTHORIZATION_POLICY) {
        let spec = policy.spec();
        let targeted = spec.get("targetRef").is_some_and(|t| !t.is_null())
            || spec
                .get("targetRefs")
                .and_then(Node::as_array)
                .is_some_and(|t| !t.is_empty());
        if !targeted {
            let selector = match_labels(policy);
            let mesh_wide = *policy.namespace == *root;
            // A policy of the root namespace selects workloads in every namespace.
            let own = [&*policy.namespace];
            let scope: &[&str] = if mesh_wide { &pod_namespaces } else { &own };
            let matches = |labels: Map<'_>| {
                scope.iter().any(|ns| {
                    store
                        .select(POD, ns, labels)
                        .iter()
                        .any(|(pod, _)| mesh_pods.contains(pod))
                })
            };
            // A selector-less policy of the root namespace applies to the whole mesh.
            let useless = match selector {
                Some(labels) => !matches(labels),
                None => !mesh_wide && !with_mesh_pods.contains(&*policy.namespace),
            };
            if useless {
                let (labels, field) = match selector {
                    Some(l) => (selector_string(l), Some(selector_field(l))),
                    None => (String::new(), None),
                };
                let mut m = Message::new(IST0127, id, vec![labels]);
                m.field = field;
                messages.push(m);
            }
        }
        check_namespaces(id, spec, &namespaces, &mut messages);
    }
    for m in messages {
        ctx.report(m);
    }
}

/// Reports each `from.source.namespaces`/`notNamespaces` entry that matches no Namespace.
fn check_namespaces(
    id: ResourceId,
    spec: Node<'_>,
    namespaces: &Namespaces<'_>,
    out: &mut Vec<Message>,
) {
    let rules = spec.get("rules").and_then(Node::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let froms = rule.get("from").and_then(Node::as_array);
        for (j, from) in froms.into_iter().flatten().enumerate() {
            for field in ["namespaces", "notNamespaces"] {
                let list = from
                    .get("source")
                    .and_then(|s| s.get(field))
                    .and_then(Node::as_array);
                for (k, expr) in list.into_iter().flatten().enumerate() {
                    let Some(expr) = expr.as_str() else { continue };
                    if !namespaces.any_matches(expr) {
                        out.push(
                            Message::new(
                                IST0101,
                                id,
                                vec!["namespace".to_owned(), expr.to_owned()],
                            )
                            .at(format!("spec.rules[{i}].from[{j}].source.{field}[{k}]")),
                        );
                    }
                }
            }
        }
    }
}

/// The Namespaces under analysis, for matching namespace expressions.
struct Namespaces<'a> {
    /// Lower-cased names, for exact expressions.
    exact: HashSet<String>,
    /// All names, for wildcard expressions.
    all: Vec<&'a str>,
}

impl<'a> Namespaces<'a> {
    fn new(names: impl Iterator<Item = &'a str>) -> Self {
        let all: Vec<&str> = names.collect();
        let exact = all.iter().map(|n| n.to_ascii_lowercase()).collect();
        Namespaces { exact, all }
    }

    /// True when some Namespace matches `expr`.
    fn any_matches(&self, expr: &str) -> bool {
        if expr.contains('*') {
            self.all.iter().any(|ns| namespace_matches(ns, expr))
        } else {
            self.exact.contains(&expr.to_ascii_lowercase())
        }
    }
}

/// Istio's namespace expression match: `*`, `prefix*`, `*suffix`, or an exact name.
fn namespace_matches(namespace: &str, expr: &str) -> bool {
    if expr == "*" {
        true
    } else if let Some(suffix) = expr.strip_prefix('*') {
        namespace.ends_with(suffix)
    } else if let Some(prefix) = expr.strip_suffix('*') {
        namespace.starts_with(prefix)
    } else {
        namespace.eq_ignore_ascii_case(expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    fn found() -> crate::testing::Findings {
        analyze(&ANALYZER, &["auth/authorization-policies.yaml"])
    }

    #[test]
    fn reports_policies_selecting_no_mesh_workload() {
        insta::assert_snapshot!(found().only("IST0127"));
    }

    #[test]
    fn reports_source_namespaces_matching_nothing() {
        insta::assert_snapshot!(found().only("IST0101"));
    }

    #[test]
    fn namespace_expressions() {
        assert!(namespace_matches("prod-a", "prod-*"));
        assert!(namespace_matches("a-test", "*-test"));
        assert!(namespace_matches("x", "*"));
        assert!(!namespace_matches("x", "y*"));
        assert!(namespace_matches("Shop", "shop"));
    }
}
