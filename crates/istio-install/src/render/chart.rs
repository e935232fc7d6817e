//! What a chart sees as its values, and the helpers the chart renderers share.
//!
//! Istio's charts keep their defaults apart from what the user passes, so that a value profile
//! can sit between them. The values a chart renders with are, lowest precedence first: the
//! chart's defaults; the value profile named by `profile` (or `global.profile`), with the
//! compatibility-version overlay (`compatibilityVersion`) and the platform overlay
//! (`platform` or `global.platform`) laid over it; for ztunnel, the globals lifted to the top
//! level; the values passed in. Finally a chart lifts its own legacy subtree to the top level
//! (`pilot.*` for istiod, `cni.*` for istio-cni, `ztunnel.*` for ztunnel), so `pilot.env`
//! and `env` mean the same.
//!
//! Maps merge key by key; anything else (lists, scalars, null) replaces what was there.

use serde_json::{Map, Value};

use super::data;
use istio_api::release::{DEFAULT_HUB, ISTIO_VERSION};

/// The charts istioctl renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// CRDs and cluster-wide basics.
    Base,
    /// istiod.
    Istiod,
    /// An ingress gateway.
    IstioIngress,
    /// An egress gateway.
    IstioEgress,
    /// The CNI node agent.
    Cni,
    /// The ambient node proxy.
    Ztunnel,
}

impl Chart {
    /// The chart's name (the `helm.sh/chart` label's prefix, the defaults file's name).
    pub fn name(self) -> &'static str {
        match self {
            Chart::Base => "base",
            Chart::Istiod => "istiod",
            Chart::IstioIngress => "istio-ingress",
            Chart::IstioEgress => "istio-egress",
            Chart::Cni => "istio-cni",
            Chart::Ztunnel => "ztunnel",
        }
    }

    /// The name in the `helm.sh/chart` label (`cni` for istio-cni, as its Chart.yaml says).
    pub fn label_name(self) -> &'static str {
        match self {
            Chart::Cni => "cni",
            other => other.name(),
        }
    }

    /// The subtree a chart lifts to its top level.
    fn descoped(self) -> Option<&'static str> {
        match self {
            Chart::Istiod => Some("pilot"),
            Chart::Cni => Some("cni"),
            Chart::Ztunnel => Some("ztunnel"),
            _ => None,
        }
    }

    /// The chart's default values, with our release's hub and tag.
    pub fn defaults(self) -> Value {
        let mut v = data::chart_values(self.name()).clone();
        let stamp = |m: &mut Value| {
            if m.get("hub").is_some() {
                m["hub"] = DEFAULT_HUB.into();
                m["tag"] = ISTIO_VERSION.into();
            }
        };
        if let Some(g) = v.get_mut("global") {
            stamp(g);
        }
        if self == Chart::Ztunnel {
            stamp(&mut v);
        }
        v
    }
}

/// A values setting that names something that does not exist.
#[derive(Debug, Clone, PartialEq)]
pub struct BadSetting {
    /// The values path (`profile`, `global.platform`, `compatibilityVersion`).
    pub path: String,
    /// What is wrong.
    pub reason: String,
    /// How to fix it.
    pub help: String,
}

/// Merges `src` into `dst` as Helm's `mustMergeOverwrite` does: maps key by key, everything
/// else replaces.
pub fn merge(dst: &mut Value, src: &Value) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => merge_maps(d, s),
        (d, s) => *d = s.clone(),
    }
}

fn merge_maps(d: &mut Map<String, Value>, s: &Map<String, Value>) {
    for (k, v) in s {
        match (d.get_mut(k), v) {
            (Some(slot @ Value::Object(_)), Value::Object(_)) => merge(slot, v),
            (Some(slot), _) => *slot = v.clone(),
            (None, _) => {
                d.insert(k.clone(), v.clone());
            }
        }
    }
}

/// The value profile overlay for `values` (profile, compatibility version, platform).
fn profile_overlay(values: &Value) -> Result<Value, BadSetting> {
    let mut overlay = Value::Object(Map::new());
    let pick = |a: &Value, b: &Value| -> Option<String> {
        [a, b]
            .into_iter()
            .find_map(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
    };
    let global = &values["global"];
    if let Some(p) = pick(&values["profile"], &global["profile"]) {
        let Some(profile) = data::value_profile(&p).filter(|_| is_profile_name(&p)) else {
            return Err(BadSetting {
                path: "profile".into(),
                reason: format!("unknown value profile {p:?}"),
                help: format!("value profiles: {}", profile_names().join(", ")),
            });
        };
        merge(&mut overlay, profile);
    }
    if let Some(v) = scalar_text(&values["compatibilityVersion"]) {
        let Some(compat) = data::value_profile(&format!("compatibility-version-{v}")) else {
            return Err(BadSetting {
                path: "compatibilityVersion".into(),
                reason: format!("unknown compatibility version {v:?}"),
                help: format!(
                    "compatibility versions: {}",
                    data::value_profile_names("compatibility-version-").join(", ")
                ),
            });
        };
        merge(&mut overlay, compat);
    }
    if let Some(p) = pick(&values["platform"], &global["platform"]) {
        let Some(platform) = data::value_profile(&format!("platform-{p}")) else {
            return Err(BadSetting {
                path: "global.platform".into(),
                reason: format!("unknown platform {p:?}"),
                help: format!(
                    "platforms: {}",
                    data::value_profile_names("platform-").join(", ")
                ),
            });
        };
        merge(&mut overlay, platform);
    }
    Ok(overlay)
}

/// A version given as text or as a number (`1.28`, as YAML reads it unquoted).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn is_profile_name(name: &str) -> bool {
    !name.starts_with("platform-") && !name.starts_with("compatibility-version-")
}

/// The value profiles a chart knows (`ambient`, `demo`, …).
pub fn profile_names() -> Vec<&'static str> {
    data::value_profile_names("")
        .into_iter()
        .filter(|n| is_profile_name(n))
        .collect()
}

/// The values a chart renders with, given the values passed to it (see the module docs).
pub fn values(chart: Chart, passed: &Value) -> Result<Value, BadSetting> {
    let mut v = chart.defaults();
    let overlay = profile_overlay(passed)?;
    merge(&mut v, &overlay);
    if chart == Chart::Ztunnel {
        let mut globals = v["global"].clone();
        merge(&mut globals, &passed["global"]);
        if globals.is_object() {
            merge(&mut v, &globals);
        }
    }
    merge(&mut v, passed);
    if let Some(key) = chart.descoped() {
        if let Some(Value::Object(sub)) = v.get(key).cloned() {
            let mut sub = sub;
            if chart != Chart::Istiod {
                sub.remove(key);
            }
            merge(&mut v, &Value::Object(sub));
        }
    }
    Ok(v)
}

/// The value at a dotted path (`Null` when absent).
pub fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    let mut node = v;
    for key in path.split('.') {
        node = match node.get(key) {
            Some(n) => n,
            None => return &Value::Null,
        };
    }
    node
}

/// Go template truthiness: false, 0, "", null, and empty maps and lists are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// The value as template text (see [`super::yaml::go_text`]).
pub fn text(v: &Value) -> String {
    super::yaml::go_text(v)
}

/// The first truthy value's text (Helm's `default`/`coalesce`), else "".
pub fn first_text(candidates: &[&Value]) -> String {
    candidates
        .iter()
        .find(|v| truthy(v))
        .map(|v| text(v))
        .unwrap_or_default()
}

/// The value as a whole number, as Helm's `int` reads it (0 when absent or not a number).
pub fn int(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n
            .as_i64()
            .unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// A map value (empty when absent or not a map).
pub fn map(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// A list value (empty when absent or not a list).
pub fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// A map whose values are written as template text (`key: "{{ $val }}"`), in key order.
pub fn text_map(v: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, val) in sorted_map(v) {
        out.insert(k.clone(), Value::String(text(val)));
    }
    out
}

/// Entries of a map in key order (Go templates range over maps sorted).
pub fn sorted_map(v: &Value) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = v.as_object().into_iter().flatten().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// `NAME=VALUE` environment entries from a map, in key order, values as template text.
pub fn env_from_map(v: &Value) -> Vec<Value> {
    sorted_map(v)
        .into_iter()
        .map(|(k, val)| serde_json::json!({"name": k, "value": text(val)}))
        .collect()
}

/// The `-REVISION` suffix of revisioned names (empty for the default revision).
pub fn rev_suffix(values: &Value) -> String {
    match values["revision"].as_str() {
        Some(r) if !r.is_empty() => format!("-{r}"),
        _ => String::new(),
    }
}

/// The `istio.io/rev` value: the revision, or `default`.
pub fn rev_label(values: &Value) -> String {
    match values["revision"].as_str() {
        Some(r) if !r.is_empty() => r.to_owned(),
        _ => "default".to_owned(),
    }
}

/// The owning IstioOperator's name (`ownerName`, else `unknown`).
pub fn owner(values: &Value) -> String {
    let name = first_text(&[&values["ownerName"]]);
    if name.is_empty() {
        "unknown".to_owned()
    } else {
        name
    }
}

/// The labels every object of a chart carries (`istio.labels`), naming the app `name`.
pub fn istio_labels(chart: Chart, name: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(name) = name {
        m.insert("app.kubernetes.io/name".into(), name.into());
    }
    m.insert("app.kubernetes.io/managed-by".into(), "Helm".into());
    m.insert("app.kubernetes.io/instance".into(), "istio".into());
    m.insert("app.kubernetes.io/part-of".into(), "istio".into());
    m.insert("app.kubernetes.io/version".into(), ISTIO_VERSION.into());
    m.insert(
        "helm.sh/chart".into(),
        format!("{}-{ISTIO_VERSION}", chart.label_name()).into(),
    );
    m
}

/// Which objects a chart renders (`global.resourceScope` or `resourceScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Cluster-scoped objects are rendered.
    pub cluster: bool,
    /// Namespaced objects are rendered.
    pub namespaced: bool,
}

impl Scope {
    /// The scope a value names (`all`, `cluster`, `namespace`).
    pub fn from_values(v: &Value) -> Result<Scope, BadSetting> {
        let scope = [&v["resourceScope"], &v["global"]["resourceScope"]]
            .into_iter()
            .find_map(|s| s.as_str().filter(|s| !s.is_empty()))
            .unwrap_or("all");
        match scope {
            "all" => Ok(Scope {
                cluster: true,
                namespaced: true,
            }),
            "cluster" => Ok(Scope {
                cluster: true,
                namespaced: false,
            }),
            "namespace" => Ok(Scope {
                cluster: false,
                namespaced: true,
            }),
            other => Err(BadSetting {
                path: "global.resourceScope".into(),
                reason: format!("unknown resource scope {other:?}"),
                help: "use all, cluster or namespace".into(),
            }),
        }
    }
}

/// An image reference: `image` itself when it names a registry path, else
/// `HUB/IMAGE:TAG[-VARIANT]`.
pub fn image(hub: &str, image: &str, tag: &str, variant: &str) -> String {
    if image.contains('/') {
        return image.to_owned();
    }
    let mut s = format!("{hub}/{image}:{tag}");
    if !variant.is_empty() {
        s.push('-');
        s.push_str(variant);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_merge_and_everything_else_replaces() {
        let mut d = json!({"a": {"b": 1, "c": [1]}, "x": true});
        merge(&mut d, &json!({"a": {"c": [], "d": null}, "x": false}));
        assert_eq!(d, json!({"a": {"b": 1, "c": [], "d": null}, "x": false}));
    }

    #[test]
    fn profiles_then_user_values_then_the_descoped_subtree() {
        let v = values(
            Chart::Istiod,
            &json!({"profile": "demo", "pilot": {"env": {"A": "1"}}, "global": {"hub": "h"}}),
        )
        .unwrap();
        assert_eq!(v["autoscaleEnabled"], false, "demo turns autoscaling off");
        assert_eq!(v["env"], json!({"A": "1"}), "pilot.env lifted");
        assert_eq!(v["global"]["hub"], "h");
        assert_eq!(v["pilot"]["env"], json!({"A": "1"}), "pilot stays");
    }

    #[test]
    fn ztunnel_lifts_globals() {
        let v = values(
            Chart::Ztunnel,
            &json!({"profile": "ambient", "global": {"hub": "h"}}),
        )
        .unwrap();
        assert_eq!(v["variant"], "distroless");
        assert_eq!(v["hub"], "h");
    }

    #[test]
    fn unknown_profiles_platforms_and_versions_are_errors() {
        let bad = |v: Value| values(Chart::Istiod, &v).unwrap_err().path;
        assert_eq!(bad(json!({"profile": "nope"})), "profile");
        assert_eq!(
            bad(json!({"global": {"platform": "nope"}})),
            "global.platform"
        );
        assert_eq!(
            bad(json!({"compatibilityVersion": "1.2"})),
            "compatibilityVersion"
        );
        assert_eq!(bad(json!({"profile": "platform-gke"})), "profile");
        let ok = values(Chart::Cni, &json!({"compatibilityVersion": 1.25})).unwrap();
        assert_eq!(ok["ambient"]["shareHostNetworkNamespace"], true);
    }
}
