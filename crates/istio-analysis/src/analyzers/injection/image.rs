//! `injection.ImageAnalyzer`: namespaces whose injected pods run a proxy image other than the
//! one the injector (of the namespace's revision) would inject now, typically after an upgrade.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::workloads::{
    labels_match, proxy_image, INJECTION_LABEL, INJECTOR_CONFIG_MAP, REVISION_LABEL,
};
use crate::catalog::codes::IST0158;
use crate::kinds::{CONFIG_MAP, NAMESPACE, POD, PROXY_CONFIG};
use crate::message::Message;
use crate::resource::Resource;
use crate::store::Store;

/// Pod annotation that sets a custom proxy image (such pods are not checked).
const PROXY_IMAGE_ANNOTATION: &str = "sidecar.istio.io/proxyImage";
/// Pod annotation that picks the proxy image variant.
const PROXY_IMAGE_TYPE_ANNOTATION: &str = "sidecar.istio.io/proxyImageType";
/// Pod annotation holding a ProxyConfig override.
const PROXY_CONFIG_ANNOTATION: &str = "proxy.istio.io/config";

/// The proxy image an injector ConfigMap injects: `global.proxy.image` when it is a full
/// reference, else `<global.hub>/<global.proxy.image>:<global.tag>`.
pub fn injector_proxy_image(config_map: &Resource) -> Option<String> {
    let values = config_map.root().pointer("/data/values")?.as_str()?;
    let values: Value = serde_json::from_str(values).ok()?;
    let global = values.get("global")?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
    let image = text(global.pointer("/proxy/image"));
    if image.contains('/') {
        return Some(image);
    }
    Some(format!(
        "{}/{image}:{}",
        text(global.get("hub")),
        text(global.get("tag"))
    ))
}

/// The image variant (`distroless`, `debug`, …) a pod gets: mesh default, then ProxyConfigs of
/// the root namespace, the pod's namespace and its workload, then the pod's annotations.
fn image_type(store: &Store, root_namespace: &str, mesh: &Value, pod: &Resource) -> String {
    let of = |v: &Value| {
        v.pointer("/image/imageType")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut variant = mesh.get("defaultConfig").and_then(of).unwrap_or_default();
    for (selected, ns) in [
        (false, root_namespace),
        (false, &*pod.namespace),
        (true, &*pod.namespace),
    ] {
        for (_, pc) in store.in_namespace(PROXY_CONFIG, ns) {
            let selector = pc
                .spec()
                .pointer("/selector/matchLabels")
                .and_then(Node::as_object);
            let applies = match (selected, selector) {
                (false, None) => true,
                (true, Some(sel)) => !sel.is_empty() && labels_match(sel, pod.labels()),
                _ => false,
            };
            if applies {
                if let Some(v) = of(&pc.spec().to_json()) {
                    variant = v;
                }
            }
        }
    }
    if let Some(v) = pod
        .annotation(PROXY_CONFIG_ANNOTATION)
        .and_then(|c| serde_saphyr::from_str::<Value>(c).ok())
        .as_ref()
        .and_then(of)
    {
        variant = v;
    }
    if let Some(v) = pod.annotation(PROXY_IMAGE_TYPE_ANNOTATION) {
        variant = v.to_owned();
    }
    variant
}

/// `image` with the variant's tag suffix (`…:1.24.0-distroless`).
fn with_variant(image: &str, variant: &str) -> String {
    if variant.is_empty() || variant == "default" || image.ends_with(&format!("-{variant}")) {
        image.to_owned()
    } else {
        format!("{image}-{variant}")
    }
}

crate::analyzer! {
    /// Checks that injected proxies run the image the injector of their revision would inject.
    name: "injection.ImageAnalyzer",
    inputs: [NAMESPACE, POD, CONFIG_MAP, PROXY_CONFIG],
    codes: [IST0158],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut images: HashMap<String, String> = HashMap::new();
    for (_, cm) in store.of_kind(CONFIG_MAP) {
        let Some(suffix) = cm.name.strip_prefix(INJECTOR_CONFIG_MAP) else {
            continue;
        };
        let revision = match suffix.strip_prefix('-') {
            Some(rev) => rev.to_owned(),
            None if suffix.is_empty() => "default".to_owned(),
            None => continue,
        };
        if let Some(image) = injector_proxy_image(cm) {
            images.insert(revision, image);
        }
    }
    if images.is_empty() {
        return;
    }
    let root = ctx.mesh.root_namespace().to_owned();
    let mesh = &ctx.mesh.config;
    for (ns_id, ns) in store.of_kind(NAMESPACE) {
        let revision = match (ns.label(REVISION_LABEL), ns.label(INJECTION_LABEL)) {
            (Some(rev), _) => rev,
            (None, Some("enabled")) => "default",
            _ => continue,
        };
        let Some(expected) = images.get(revision) else {
            continue;
        };
        let mut stale: BTreeMap<&str, ()> = BTreeMap::new();
        for (_, pod) in store.in_namespace(POD, &ns.name) {
            if pod.annotation(PROXY_IMAGE_ANNOTATION).is_some() {
                continue;
            }
            let Some(image) = proxy_image(pod.spec()).filter(|i| !i.is_empty()) else {
                continue;
            };
            let variant = image_type(store, &root, mesh, pod);
            if image != expected && image != with_variant(expected, &variant) {
                stale.insert(&pod.name, ());
            }
        }
        if !stale.is_empty() {
            let names: Vec<&str> = stale.into_keys().collect();
            ctx.report(Message::new(IST0158, ns_id, vec![names.join(", ")]).at("metadata.name"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_namespaces_with_stale_proxies() {
        insta::assert_snapshot!(analyze(
            &ANALYZER,
            &[
                "injection/images.yaml",
                "injection/injector-by-default.yaml"
            ]
        ));
    }

    #[test]
    fn variants() {
        assert_eq!(
            with_variant("hub/proxyv2:1.2", "distroless"),
            "hub/proxyv2:1.2-distroless"
        );
        assert_eq!(
            with_variant("hub/proxyv2:1.2", "default"),
            "hub/proxyv2:1.2"
        );
    }
}
