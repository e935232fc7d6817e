//! `envoyfilter.EnvoyPatchAnalyzer`: EnvoyFilter patches whose operation does not fit what they
//! apply to, and relative operations without a priority (which may then apply in any order,
//! or not at all once proxy versions change).

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
    // Names of the patched objects whose patch is limited to a proxy version, across the
    // EnvoyFilters seen so far (in load order, as Istio walks them).
    let mut versioned: Vec<String> = Vec::new();
    for (id, filter) in ctx.store.of_kind(ENVOY_FILTER) {
        let spec = filter.spec();
        let prioritized = spec
            .get("priority")
            .and_then(Node::as_i64)
            .is_some_and(|p| p != 0);
        let patches = spec.get("configPatches").and_then(Node::as_array);
        for (i, patch) in patches.into_iter().flatten().enumerate() {
            let name = patch
                .pointer("/patch/value/name")
                .and_then(Node::as_str)
                .unwrap_or("");
            let apply_to = patch.get("applyTo").and_then(Node::as_str).unwrap_or("");
            let operation = patch
                .pointer("/patch/operation")
                .and_then(Node::as_str)
                .unwrap_or("");
            let code = match operation {
                "ADD" => ROUTE_LEVEL.contains(&apply_to).then_some(IST0153),
                "REMOVE" if ROUTE_LEVEL.contains(&apply_to) => Some(IST0154),
                "REPLACE" if !REPLACEABLE.contains(&apply_to) => Some(IST0152),
                "REMOVE" | "REPLACE" | "INSERT_BEFORE" | "INSERT_AFTER" if !prioritized => {
                    relative(&versioned, name)
                }
                _ => None,
            };
            if let Some(code) = code {
                ctx.report(
                    Message::new(code, id, Vec::new())
                        .at(format!("spec.configPatches[{i}].patch.operation")),
                );
            }
            let proxy_version = patch
                .pointer("/match/proxy/proxyVersion")
                .and_then(Node::as_str)
                .is_some_and(|v| !v.is_empty());
            if proxy_version {
                versioned.push(name.to_owned());
            }
        }
    }
}

/// What a relative operation without a priority, patching the object named `name`, is
/// reported as: IST0155 when an earlier patch pinned to a proxy version patches the same named
/// object (the order between them then changes with the proxies' versions), IST0151 when no
/// earlier patch is pinned or the patched object has no name, nothing when earlier pinned
/// patches touch only other objects — as Istio decides it.
fn relative(versioned: &[String], name: &str) -> Option<Code> {
    if versioned.is_empty() || name.is_empty() {
        Some(IST0151)
    } else if versioned.iter().any(|v| v == name) {
        Some(IST0155)
    } else {
        None
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
