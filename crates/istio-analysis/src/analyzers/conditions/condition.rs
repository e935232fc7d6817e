//! `conditions.ConditionAnalyzer`: status conditions, written by Istio or by the Gateway API
//! controller, that say a resource is not (fully) working: `status: "False"` on a condition
//! that should be true, `status: "True"` on one that should not, or a `PartiallyInvalid` reason.

use istio_core::tree::{Node, Seq};

use crate::analyzer::Context;
use crate::catalog::codes::IST0171;
use crate::kinds::{
    Kind, AUTHORIZATION_POLICY, K8S_GATEWAY, K8S_GRPC_ROUTE, K8S_HTTP_ROUTE, SERVICE, SERVICE_ENTRY,
};
use crate::message::Message;

/// The kinds whose conditions are read, and whether their conditions sit per parent
/// (`status.parents[].conditions`, as on Gateway API routes) rather than in `status.conditions`.
const KINDS: [(Kind, bool); 6] = [
    (SERVICE, false),
    (SERVICE_ENTRY, false),
    (AUTHORIZATION_POLICY, false),
    (K8S_GATEWAY, false),
    (K8S_HTTP_ROUTE, true),
    (K8S_GRPC_ROUTE, true),
];

/// Condition types for which `True` is the bad state.
const NEGATIVE_POLARITY: [&str; 2] = ["PartiallyInvalid", "Conflicted"];

/// True for conditions Istio or the Gateway API define: unqualified types, or `istio.io/…`.
/// Conditions other controllers add (`argocd.argoproj.io/Synced`) are theirs to judge.
fn is_ours(condition_type: &str) -> bool {
    !condition_type.contains('/') || condition_type.starts_with("istio.io/")
}

/// True when a condition reports a problem.
fn is_negative(condition: Node<'_>) -> bool {
    let field = |k: &str| condition.get(k).and_then(Node::as_str).unwrap_or("");
    let kind = field("type");
    if !is_ours(kind) {
        return false;
    }
    if field("reason") == "PartiallyInvalid" {
        return true;
    }
    match field("status") {
        "False" => !NEGATIVE_POLARITY.contains(&kind),
        "True" => NEGATIVE_POLARITY.contains(&kind),
        _ => false,
    }
}

crate::analyzer! {
    /// Checks for status conditions that report a resource as not working.
    name: "conditions.ConditionAnalyzer",
    inputs: [SERVICE, SERVICE_ENTRY, AUTHORIZATION_POLICY, K8S_GATEWAY, K8S_HTTP_ROUTE, K8S_GRPC_ROUTE,],
    codes: [IST0171],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    for (kind, per_parent) in KINDS {
        for (id, resource) in ctx.store.of_kind(kind) {
            let Some(status) = resource.root().get("status") else {
                continue;
            };
            // (field path prefix, conditions)
            let mut lists: Vec<(String, Seq<'_>)> = Vec::new();
            if per_parent {
                let parents = status.get("parents").and_then(Node::as_array);
                for (p, parent) in parents.into_iter().flatten().enumerate() {
                    if let Some(c) = parent.get("conditions").and_then(Node::as_array) {
                        lists.push((format!("status.parents[{p}].conditions"), c));
                    }
                }
            } else if let Some(c) = status.get("conditions").and_then(Node::as_array) {
                lists.push(("status.conditions".to_owned(), c));
            }
            for (prefix, conditions) in lists {
                for (i, condition) in conditions.iter().enumerate() {
                    if !is_negative(condition) {
                        continue;
                    }
                    let field = |k: &str| {
                        condition
                            .get(k)
                            .and_then(Node::as_str)
                            .unwrap_or("")
                            .to_owned()
                    };
                    ctx.report(
                        Message::new(
                            IST0171,
                            id,
                            vec![field("type"), field("reason"), field("message")],
                        )
                        .at(format!("{prefix}[{i}]")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_negative_conditions() {
        let found = analyze(&ANALYZER, &["conditions/conditions.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn polarity() {
        let c = |t: &str, s: &str| {
            istio_core::tree::Document::from_json(
                &serde_json::json!({"type": t, "status": s, "reason": "X"}),
            )
        };
        assert!(is_negative(c("Programmed", "False").root()));
        assert!(!is_negative(c("Programmed", "True").root()));
        assert!(is_negative(c("PartiallyInvalid", "True").root()));
        assert!(!is_negative(c("example.com/Ready", "False").root()));
        assert!(is_negative(c("istio.io/WaypointBound", "False").root()));
    }
}
