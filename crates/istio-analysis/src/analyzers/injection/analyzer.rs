//! `injection.Analyzer`: namespaces not enabled for sidecar injection (or enabled by default),
//! namespaces with conflicting injection labels, and pods of injected namespaces that run
//! without the sidecar.

use std::collections::HashSet;

use istio_core::tree::Node;

use crate::analyzer::{revisioned, Context};
use crate::analyzers::util::workloads::{
    is_system_namespace, pod_injection_value, proxy_image, INJECTION_LABEL, INJECTOR_CONFIG_MAP,
    REVISION_LABEL,
};
use crate::catalog::codes::{IST0102, IST0103, IST0123, IST0148};
use crate::kinds::{CONFIG_MAP, NAMESPACE, POD};
use crate::message::Message;
use crate::resource::Resource;

/// Namespace label putting a namespace in ambient mode (no sidecars).
const DATAPLANE_MODE_LABEL: &str = "istio.io/dataplane-mode";

/// True when the injector ConfigMap (`istio-sidecar-injector`) says namespaces without labels
/// are injected (`sidecarInjectorWebhook.enableNamespacesByDefault` in its `values`).
pub fn enable_namespaces_by_default(config_map: &Resource) -> bool {
    let values = config_map
        .root()
        .pointer("/data/values")
        .and_then(Node::as_str)
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
    values
        .as_ref()
        .and_then(|v| v.pointer("/sidecarInjectorWebhook/enableNamespacesByDefault"))
        .is_some_and(|v| v.as_bool() == Some(true) || v.as_str() == Some("true"))
}

crate::analyzer! {
    /// Checks namespace injection labels and that pods of injected namespaces run the sidecar.
    name: "injection.Analyzer",
    inputs: [NAMESPACE, POD, CONFIG_MAP],
    codes: [IST0102, IST0103, IST0123, IST0148],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    // The injector of the revision analyzed decides about namespaces without labels.
    let injector = revisioned(INJECTOR_CONFIG_MAP, ctx.revision);
    let by_default = ctx
        .store
        .of_kind(CONFIG_MAP)
        .find(|(_, cm)| *cm.name == *injector)
        .is_some_and(|(_, cm)| enable_namespaces_by_default(cm));
    let mut injected: HashSet<&str> = HashSet::new();
    for (id, ns) in ctx.store.of_kind(NAMESPACE) {
        let name = &*ns.name;
        if name == "istio-system" || name == ctx.istio_namespace || is_system_namespace(name) {
            continue;
        }
        let legacy = ns.label(INJECTION_LABEL);
        let revision = ns.label(REVISION_LABEL);
        let ambient = ns.label(DATAPLANE_MODE_LABEL) == Some("ambient");
        if legacy == Some("disabled") {
            continue;
        }
        let mut modes = Vec::new();
        if legacy.is_some() {
            modes.push(INJECTION_LABEL);
        }
        if revision.is_some() {
            modes.push(REVISION_LABEL);
        }
        if ambient {
            modes.push(DATAPLANE_MODE_LABEL);
        }
        if modes.len() > 1 {
            ctx.report(Message::new(IST0123, id, vec![modes.join(", ")]).at("metadata.labels"));
            continue;
        }
        if ambient {
            continue;
        }
        if legacy.is_none() && revision.is_none() {
            let m = if by_default {
                Message::new(IST0148, id, vec![])
            } else {
                Message::new(IST0102, id, vec![name.to_owned(), name.to_owned()])
            };
            ctx.report(m.at("metadata.name"));
            continue;
        }
        if revision.is_some() || legacy == Some("enabled") {
            injected.insert(name);
        }
    }
    for namespace in injected {
        for (id, pod) in ctx.store.in_namespace(POD, namespace) {
            if pod_injection_value(pod.metadata()).is_some_and(|v| v.eq_ignore_ascii_case("false"))
            {
                continue;
            }
            let spec = pod.spec();
            if spec.get("hostNetwork").and_then(Node::as_bool) == Some(true) {
                continue;
            }
            if proxy_image(spec).is_none_or(str::is_empty) {
                ctx.report(Message::new(IST0103, id, vec![pod.full_name()]).at("spec.containers"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    fn found(files: &[&str]) -> crate::testing::Findings {
        analyze(&ANALYZER, files)
    }

    #[test]
    fn reports_namespaces_and_pods() {
        insta::assert_snapshot!(found(&["injection/namespaces.yaml"]));
    }

    #[test]
    fn enabled_by_default_turns_not_injected_into_info() {
        insta::assert_snapshot!(found(&[
            "injection/namespaces.yaml",
            "injection/injector-by-default.yaml"
        ]));
    }
}
