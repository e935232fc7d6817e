//! `annotations.K8sAnalyzer`: Istio annotations on Namespaces, Services, Pods and Deployments
//! that Istio does not know, that belong on another kind, that are deprecated, or whose value
//! Istio would reject.

use super::known::{lookup, validate};
use crate::analyzer::Context;
use crate::catalog::codes::{IST0107, IST0108, IST0125, IST0135};
use crate::kinds::{DEPLOYMENT, NAMESPACE, POD, SERVICE};
use crate::message::Message;
use crate::resource::Resource;

/// The only annotation outside `*istio.io` that Istio documents, and so checks.
const INGRESS_CLASS: &str = "kubernetes.io/ingress.class";

/// True for annotations in Istio's domains (`*istio.io/…`) and the one Kubernetes annotation
/// Istio documents.
fn is_istio_annotation(name: &str) -> bool {
    name == INGRESS_CLASS
        || name
            .split_once('/')
            .is_some_and(|(prefix, _)| prefix.ends_with("istio.io"))
}

fn check(ctx: &mut Context<'_>, id: crate::resource::ResourceId, r: &Resource) {
    let kind = r.kind();
    for (name, value) in r.annotations() {
        if !is_istio_annotation(name) {
            continue;
        }
        let at = format!("metadata.annotations[\"{name}\"]");
        let Some(known) = lookup(name) else {
            ctx.report(Message::new(IST0108, id, vec![name.to_owned()]).at(at));
            continue;
        };
        if known.deprecated {
            // Keeping the deprecated annotation next to its replacement label is deliberate.
            let replaced = name == "sidecar.istio.io/inject" && r.label(name).is_some();
            if !replaced {
                let extra = if name == "sidecar.istio.io/inject" {
                    " in favor of the \"sidecar.istio.io/inject\" label".to_owned()
                } else {
                    String::new()
                };
                ctx.report(Message::new(IST0135, id, vec![name.to_owned(), extra]).at(at.clone()));
            }
        }
        if known.kinds.contains(&"Any") {
            continue;
        }
        if !known.kinds.contains(&kind) {
            ctx.report(
                Message::new(IST0107, id, vec![name.to_owned(), known.kinds.join(", ")]).at(at),
            );
            continue;
        }
        let Some(rule) = known.check else {
            continue;
        };
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        if let Err(problem) = validate(rule, &text) {
            ctx.report(Message::new(IST0125, id, vec![name.to_owned(), problem]).at(at));
        }
    }
}

crate::analyzer! {
    /// Checks Istio annotations on Kubernetes resources: unknown, misplaced, deprecated or invalid.
    name: "annotations.K8sAnalyzer",
    inputs: [NAMESPACE, SERVICE, POD, DEPLOYMENT],
    codes: [IST0107, IST0108, IST0125, IST0135],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    for kind in [NAMESPACE, SERVICE, POD, DEPLOYMENT] {
        for (id, r) in store.of_kind(kind) {
            check(ctx, id, r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_unknown_misplaced_deprecated_and_invalid() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["annotations/annotated.yaml"]));
    }
}
