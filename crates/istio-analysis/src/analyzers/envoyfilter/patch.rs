//! `envoyfilter.EnvoyPatchAnalyzer`: EnvoyFilter patches whose operation does not fit what they
//! apply to, and relative operations without a priority (which may then apply in any order,
//! or not at all once proxy versions change).

use std::collections::HashSet;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::{IST0151, IST0152, IST0153, IST0154, IST0155};
use crate::catalog::Code;
use crate::kinds::ENVOY_FILTER;
use crate::message::Message;

/// `applyTo` values on which ADD and REMOVE are ignored.
const ROUTE_LEVEL: [&str; 2] = ["ROUTE_CONFIGURATION", "HTTP_ROUTE"];
/// `applyTo` values that REPLACE supports.
const REPLACEABLE: [&str; 3] = ["HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST"];

crate::analyzer! {
    /// Checks EnvoyFilter patch operations against what they apply to and against ordering
    /// pitfalls.
    name: "envoyfilter.EnvoyPatchAnalyzer",
    inputs: [ENVOY_FILTER],
    codes: [IST0151, IST0152, IST0153, IST0154, IST0155],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    // Names of patched objects whose patch is limited to a proxy version, across the
    // EnvoyFilters seen so far (in load order, as Istio walks them).
    let mut versioned: HashSet<String> = HashSet::new();
    for (id, filter) in ctx.store.of_kind(ENVOY_FILTER) {
        let spec = filter.spec();
        let prioritized = spec
            .get("priority")
            .and_then(Node::as_i64)
            .is_some_and(|p| p != 0);
        let patches = spec.get("configPatches").and_then(Node::as_array);
        for (i, patch) in patches.into_iter().flatten().enumerate() {
            let value_name = patch
                .pointer("/patch/value/name")
                .and_then(Node::as_str)
                .map(str::to_owned);
            let proxy_version = patch
                .pointer("/match/proxy/proxyVersion")
                .and_then(Node::as_str)
                .is_some_and(|v| !v.is_empty());
            if proxy_version {
                if let Some(name) = &value_name {
                    versioned.insert(name.clone());
                }
            }
            let apply_to = patch.get("applyTo").and_then(Node::as_str).unwrap_or("");
            let operation = patch
                .pointer("/patch/operation")
                .and_then(Node::as_str)
                .unwrap_or("");
            // (misuse, relative operation, weighs proxy versions)
            let (misuse, relative, version_sensitive) = match operation {
                "ADD" => (
                    ROUTE_LEVEL.contains(&apply_to).then_some(IST0153),
                    false,
                    false,
                ),
                "REMOVE" if ROUTE_LEVEL.contains(&apply_to) => (Some(IST0154), false, false),
                "REMOVE" => (None, true, false),
                "REPLACE" if !REPLACEABLE.contains(&apply_to) => (Some(IST0152), false, false),
                "REPLACE" | "INSERT_BEFORE" | "INSERT_AFTER" => (None, true, true),
                _ => (None, false, false),
            };
            let mut codes: Vec<Code> = misuse.into_iter().collect();
            if relative && !prioritized {
                codes.push(IST0151);
                if version_sensitive && value_name.as_ref().is_some_and(|n| versioned.contains(n)) {
                    codes.push(IST0155);
                }
            }
            for code in codes {
                ctx.report(
                    Message::new(code, id, Vec::new())
                        .at(format!("spec.configPatches[{i}].patch.operation")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_misused_and_unordered_operations() {
        let found = analyze(&ANALYZER, &["envoyfilter/patches.yaml"]);
        insta::assert_snapshot!(found);
    }
}
