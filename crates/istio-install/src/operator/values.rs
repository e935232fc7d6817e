//! The values tree: chart defaults (`manifests/values/defaults.yaml`) and the checks that
//! `values.*` paths name real values.

use std::sync::OnceLock;

use serde_json::Value;

use istio_core::suggest::closest;

/// The embedded chart defaults.
const DEFAULTS_YAML: &str = include_str!("../../../../manifests/values/defaults.yaml");

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
    "injectedAnnotations",
    "templates",
    "meshNetworks",
    "seccompProfile",
    "securityContext",
    "autoscaleBehavior",
    "lifecycle",
    "annotations",
    "memory",
    "cpu",
];

/// The chart default values, parsed once.
pub fn defaults() -> &'static Value {
    static DEFAULTS: OnceLock<Value> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        // The file is part of the binary and covered by tests; a parse failure is a build bug.
        serde_saphyr::from_str(DEFAULTS_YAML).unwrap_or(Value::Null)
    })
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

/// Checks a values path (without the leading `values.`) against the defaults tree. Returns the
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
        assert!(check_path(&segs("global.proxy.resources.requests.cpu")).is_ok());
        assert!(check_path(&segs("pilot.resources.limits.memory")).is_ok());
        assert!(check_path(&segs("pilot.env.FOO")).is_ok());
        assert!(check_path(&segs("gateways.my-gw.autoscaleEnabled")).is_ok());
    }

    #[test]
    fn unknown_paths_suggest_a_neighbour() {
        let err = check_path(&segs("global.proxi.image")).unwrap_err();
        assert_eq!(err.path, "global.proxi");
        assert_eq!(err.suggestion.as_deref(), Some("proxy"));
        assert!(check_path(&segs("pilot.autoscaleEnabled.x")).is_err());
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
