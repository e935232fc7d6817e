//! `annotations.K8sAnalyzer`: Istio annotations on Namespaces, Services, Pods and Deployments
//! that Istio does not know, that belong on another kind, that are deprecated, or whose value
//! Istio would reject.

use super::known::{lookup, validate};
use crate::analysis::analyzer::{Analyzer, Context};
use crate::analysis::kinds::{Kind, DEPLOYMENT, NAMESPACE, POD, SERVICE};
use crate::analysis::message::Message;
use crate::analysis::resource::Resource;

/// See the module documentation.
pub struct K8sAnalyzer;

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

fn check(ctx: &mut Context<'_>, id: crate::analysis::resource::ResourceId, r: &Resource) {
    let kind = r.kind();
    for (name, value) in r.annotations() {
        if !is_istio_annotation(name) {
            continue;
        }
        let at = format!("metadata.annotations[\"{name}\"]");
        let Some(known) = lookup(name) else {
            ctx.report(Message::new("IST0108", id, vec![name.to_owned()]).at(at));
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
                ctx.report(
                    Message::new("IST0135", id, vec![name.to_owned(), extra]).at(at.clone()),
                );
            }
        }
        if known.kinds.contains(&"Any") {
            continue;
        }
        if !known.kinds.contains(&kind) {
            ctx.report(
                Message::new("IST0107", id, vec![name.to_owned(), known.kinds.join(", ")]).at(at),
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
            ctx.report(Message::new("IST0125", id, vec![name.to_owned(), problem]).at(at));
        }
    }
}

impl Analyzer for K8sAnalyzer {
    fn name(&self) -> &'static str {
        "annotations.K8sAnalyzer"
    }

    fn description(&self) -> &'static str {
        "Checks Istio annotations on Kubernetes resources: unknown, misplaced, deprecated or invalid"
    }

    fn inputs(&self) -> &'static [Kind] {
        &[NAMESPACE, SERVICE, POD, DEPLOYMENT]
    }

    fn analyze(&self, ctx: &mut Context<'_>) {
        let store = ctx.store;
        for kind in [NAMESPACE, SERVICE, POD, DEPLOYMENT] {
            for (id, r) in store.of_kind(kind) {
                check(ctx, id, r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::analyze;

    #[test]
    fn reports_unknown_misplaced_deprecated_and_invalid() {
        assert_eq!(
            analyze(Box::new(K8sAnalyzer), &["annotations/annotated.yaml"]),
            vec![
                ("IST0107".into(), "Deployment shop/web".into(), 39),
                ("IST0135".into(), "Deployment shop/web".into(), 39),
                ("IST0107".into(), "Namespace shop".into(), 56),
                ("IST0135".into(), "Pod shop/legacy-only".into(), 78),
                ("IST0125".into(), "Pod shop/web-1".into(), 24),
                ("IST0108".into(), "Service shop/web".into(), 9),
            ]
        );
    }
}
