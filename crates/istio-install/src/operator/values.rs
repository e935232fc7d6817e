//! The `values` tree an IstioOperator may set, and the checks that `values.*` paths name real
//! values.
//!
//! The known tree is built from the charts' defaults (`manifests/values/*.yaml`) as the
//! IstioOperator addresses them: `values.global.*` (every chart's globals), `values.pilot.*`
//! (istiod's own settings), `values.gateways.<name>.*`, `values.cni.*`, `values.ztunnel.*`,
//! `values.base.*`, and the settings istiod's chart shares at the top level
//! (`meshConfig`, `telemetry`, `sidecarInjectorWebhook`, …), plus the few settings Istio
//! accepts that no chart lists a default for (`global.platform`, `profile`, …).

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::render::chart::merge;
use crate::render::data;
use istio_core::suggest::closest;

/// Keys whose subtrees are free-form (Kubernetes objects, label maps, mesh config ...).
const OPEN_KEYS: &[&str] = &[
    "resources",
    "meshConfig",
    "labels",
    "requests",
    "limits",
    "env",
    "podAnnotations",
    "podLabels",
    "nodeSelector",
    "affinity",
    "serviceAnnotations",
    "deploymentLabels",
    "deploymentAnnotations",
    "serviceAccountAnnotations",
    "sidecarInjectorWebhookAnnotations",
    "daemonSetLabels",
    "injectedAnnotations",
    "templates",
    "meshNetworks",
    "seccompProfile",
    "securityContext",
    "seLinuxOptions",
    "autoscaleBehavior",
    "lifecycle",
    "annotations",
    "memory",
    "cpu",
    "tracer",
    "dnsConfig",
    "gatewayClasses",
    "updateStrategy",
    "arch",
    "defaultNodeSelector",
    "serviceAccount",
];

/// istiod's settings shared at the top level of `values` (the rest are `values.pilot.*`).
const SHARED_ISTIOD_KEYS: &[&str] = &[
    "meshConfig",
    "telemetry",
    "sidecarInjectorWebhook",
    "istiodRemote",
    "revision",
    "revisionTags",
    "ownerName",
    "experimental",
    "gatewayClasses",
];

/// The known values tree, built once.
pub fn defaults() -> &'static Value {
    static TREE: OnceLock<Value> = OnceLock::new();
    TREE.get_or_init(build)
}

fn without(v: &Value, keys: &[&str]) -> Value {
    let mut m: Map<String, Value> = v.as_object().cloned().unwrap_or_default();
    m.retain(|k, _| !keys.contains(&k.as_str()));
    Value::Object(m)
}

fn build() -> Value {
    let chart = |n: &str| data::chart_values(n).clone();
    let istiod = chart("istiod");
    let base = chart("base");
    let ingress = chart("istio-ingress");
    let egress = chart("istio-egress");
    let cni = chart("istio-cni");
    let ztunnel = chart("ztunnel");

    let mut global = Value::Object(Map::new());
    for c in [&istiod, &base, &ingress, &egress, &cni, &ztunnel] {
        merge(&mut global, &c["global"]);
    }
    // Settings Istio reads that no chart gives a default for (the injection templates and
    // istiod read them; values.yaml lists some only as comments).
    merge(
        &mut global,
        &json!({
            "platform": "", "profile": "", "tracer": {},
            "podDNSSearchNamespaces": [], "trustDomain": "", "trustBundleName": "",
            "proxy": {
                "variant": "", "holdApplicationUntilProxyStarts": false, "lifecycle": {},
                "capNetBindService": false, "enableCoreDump": false,
            },
        }),
    );

    let mut gateways = json!({
        "istio-ingressgateway": ingress["gateways"]["istio-ingressgateway"],
        "istio-egressgateway": egress["gateways"]["istio-egressgateway"],
    });
    // `enabled` turns a gateway component on or off (istioctl's older switch); a gateway
    // chart may also take a hub, tag and replica count of its own.
    for gw in ["istio-ingressgateway", "istio-egressgateway"] {
        merge(
            &mut gateways[gw],
            &json!({"enabled": false, "hub": "", "tag": "", "replicaCount": 0, "podLabels": {},
                    "autoscaleBehavior": {}, "configVolumes": [], "additionalContainers": []}),
        );
    }
    merge(&mut gateways, &istiod["gateways"]);

    let mut root = Map::new();
    for k in SHARED_ISTIOD_KEYS {
        if let Some(v) = istiod.get(*k) {
            root.insert((*k).to_owned(), v.clone());
        }
    }
    let mut pilot = without(&istiod, &["global", "base", "gateways"]);
    merge(
        &mut pilot,
        &json!({"enabled": false, "pdb": {"maxUnavailable": 0}}),
    );
    root.insert("pilot".into(), pilot);
    root.insert("global".into(), global);
    root.insert("gateways".into(), gateways);
    let mut base_tree = base["base"].clone();
    merge(&mut base_tree, &istiod["base"]);
    merge(&mut base_tree, &json!({"validationFailurePolicy": ""}));
    root.insert("base".into(), base_tree);
    let mut cni_tree = without(&cni, &["global"]);
    // `enabled` turns the CNI component on or off (istioctl's older switch).
    merge(&mut cni_tree, &json!({"enabled": false}));
    root.insert("cni".into(), cni_tree);
    root.insert("ztunnel".into(), without(&ztunnel, &["global"]));
    root.insert("defaultRevision".into(), base["defaultRevision"].clone());
    root.insert("profile".into(), "".into());
    root.insert("platform".into(), "".into());
    root.insert("compatibilityVersion".into(), "".into());
    Value::Object(root)
}

/// Why a values path was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownValue {
    /// The offending path, dotted (`global.proxy.foo`).
    pub path: String,
    /// The nearest valid key at the failing level, if any is close.
    pub suggestion: Option<String>,
    /// Set when the path is known but the value has the wrong type.
    pub expected: Option<&'static str>,
}

/// Checks a values path (without the leading `values.`) against the known tree. Returns the
/// default found at the path (`None` below open maps, lists or unknown gateway names).
pub fn check_path(segments: &[String]) -> Result<Option<&'static Value>, UnknownValue> {
    let mut node = defaults();
    for (i, seg) in segments.iter().enumerate() {
        let parent = if i == 0 { "" } else { segments[i - 1].as_str() };
        match node {
            Value::Object(map) => match map.get(seg) {
                Some(child) => node = child,
                None if parent == "gateways" && i == 1 => {
                    // A custom gateway name: its keys follow the ingress gateway's.
                    node = &map["istio-ingressgateway"];
                }
                None if map.is_empty() || OPEN_KEYS.contains(&parent) => return Ok(None),
                None => {
                    return Err(UnknownValue {
                        path: segments[..=i].join("."),
                        suggestion: closest(seg, map.keys().map(String::as_str)).map(str::to_owned),
                        expected: None,
                    })
                }
            },
            Value::Array(_) => return Ok(None),
            _ if OPEN_KEYS.contains(&parent) => return Ok(None),
            _ => {
                return Err(UnknownValue {
                    path: segments[..=i].join("."),
                    suggestion: None,
                    expected: None,
                })
            }
        }
    }
    Ok(Some(node))
}

/// Checks every path of a user-provided `values` tree, and that values have the type of their
/// defaults (a map where a map is expected, booleans and numbers where those are expected).
pub fn check_tree(tree: &Value) -> Result<(), UnknownValue> {
    fn walk(v: &Value, path: &mut Vec<String>) -> Result<(), UnknownValue> {
        let Value::Object(map) = v else {
            return Err(UnknownValue {
                path: if path.is_empty() {
                    "values".into()
                } else {
                    path.join(".")
                },
                suggestion: None,
                expected: Some("a map"),
            });
        };
        for (k, child) in map {
            path.push(k.clone());
            let known = check_path(path)?;
            let expected = match (known, child) {
                (_, Value::Null) => None,
                (Some(Value::Object(_)), c) if !c.is_object() => Some("a map"),
                (Some(Value::Array(_)), c) if !c.is_array() => Some("a list"),
                (Some(Value::Bool(_)), c) if !c.is_boolean() => Some("a boolean"),
                (Some(Value::Number(_)), c) if !c.is_number() => Some("a number"),
                _ => None,
            };
            if expected.is_some() {
                return Err(UnknownValue {
                    path: path.join("."),
                    suggestion: None,
                    expected,
                });
            }
            // Below open maps and lists there is nothing more to check.
            if matches!(known, Some(Value::Object(m)) if !m.is_empty()) {
                walk(child, path)?;
            }
            path.pop();
        }
        Ok(())
    }
    walk(tree, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn known_and_open_paths_pass() {
        for p in [
            "global.proxy.resources.requests.cpu",
            "pilot.resources.limits.memory",
            "pilot.env.FOO",
            "gateways.my-gw.autoscaleEnabled",
            "cni.ambient.enabled",
            "ztunnel.resourceName",
            "global.platform",
            "compatibilityVersion",
            "base.excludedCRDs",
            "global.defaultTolerations",
            "sidecarInjectorWebhook.templates.x",
            // Read by the injection templates, without a chart default.
            "global.proxy.holdApplicationUntilProxyStarts",
            "global.podDNSSearchNamespaces",
            "global.trustDomain",
        ] {
            assert!(check_path(&segs(p)).is_ok(), "{p}");
        }
    }

    #[test]
    fn unknown_paths_suggest_a_neighbour() {
        let err = check_path(&segs("global.proxi.image")).unwrap_err();
        assert_eq!(err.path, "global.proxi");
        assert_eq!(err.suggestion.as_deref(), Some("proxy"));
        assert!(check_path(&segs("pilot.autoscaleEnabled.x")).is_err());
        assert!(check_path(&segs("autoscaleEnabled")).is_err());
    }

    #[test]
    fn values_must_have_their_default_type() {
        let bad = |v: Value| check_tree(&v).unwrap_err().expected;
        assert_eq!(bad(serde_json::json!(5)), Some("a map"));
        assert_eq!(bad(serde_json::json!({"global": "x"})), Some("a map"));
        assert_eq!(
            bad(serde_json::json!({"pilot": {"autoscaleEnabled": "yes"}})),
            Some("a boolean")
        );
        assert_eq!(
            bad(serde_json::json!({"pilot": {"autoscaleMin": "2"}})),
            Some("a number")
        );
        let ok = serde_json::json!({"global": {"tag": 1.2}, "pilot": {"env": {"A": 1}}});
        assert!(check_tree(&ok).is_ok());
    }
}
