//! Data embedded in the binary, converted to JSON at build time (`build.rs`): the charts'
//! default values (`manifests/values/*.yaml`), the value profiles
//! (`manifests/values/profiles/*.yaml`: profiles, platforms, compatibility versions) and the
//! generated CRDs (`manifests/crds/istio-crds.yaml`).

use std::sync::OnceLock;

use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/data.rs"));

/// The CRDs as one JSON array.
const CRDS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/crds.json"));
/// The CRDs as the base chart renders them, as YAML documents (see [`CRD_YAML`]).
const CRDS_YAML: &str = include_str!(concat!(env!("OUT_DIR"), "/crds.yaml"));

fn parse(json: &str) -> Value {
    // Written by build.rs from data it parsed: always valid JSON.
    serde_json::from_str(json).unwrap_or(Value::Null)
}

/// The default values of a chart (`istiod`, `base`, `istio-ingress`, …), parsed on first use.
pub fn chart_values(chart: &str) -> &'static Value {
    static PARSED: OnceLock<Vec<OnceLock<Value>>> = OnceLock::new();
    lookup(CHART_VALUES, &PARSED, chart).unwrap_or(&Value::Null)
}

/// A value profile (`demo`, `platform-openshift`, `compatibility-version-1.28`, …).
pub fn value_profile(name: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<Vec<OnceLock<Value>>> = OnceLock::new();
    lookup(VALUE_PROFILES, &PARSED, name)
}

/// An IstioOperator profile (`profiles/NAME.yaml`) as JSON.
pub fn operator_profile(name: &str) -> Option<&'static str> {
    OPERATOR_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| *json)
}

/// The names of the IstioOperator profiles, sorted.
pub fn operator_profile_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = OPERATOR_PROFILES.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names
}

/// The names of the value profiles whose file names start with `prefix`, without it.
pub fn value_profile_names(prefix: &str) -> Vec<&'static str> {
    VALUE_PROFILES
        .iter()
        .filter_map(|(n, _)| n.strip_prefix(prefix))
        .filter(|n| prefix.is_empty() || !n.is_empty())
        .collect()
}

fn lookup(
    table: &'static [(&'static str, &'static str)],
    parsed: &'static OnceLock<Vec<OnceLock<Value>>>,
    name: &str,
) -> Option<&'static Value> {
    let i = table.iter().position(|(n, _)| *n == name)?;
    let cells = parsed.get_or_init(|| table.iter().map(|_| OnceLock::new()).collect());
    Some(cells[i].get_or_init(|| parse(table[i].1)))
}

/// The Istio CRDs as generated from our API types (without chart labels).
pub fn crds() -> Vec<Value> {
    match parse(CRDS_JSON) {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// The YAML document of the CRD `name` as the base chart renders it (written at build time
/// by the same writer a run uses).
pub fn crd_yaml(name: &str) -> Option<&'static str> {
    CRD_YAML
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, start, end)| &CRDS_YAML[*start..*end])
}

/// The names of the CRDs, in their file's order.
pub fn crd_names() -> impl Iterator<Item = &'static str> {
    CRD_YAML.iter().map(|(n, _, _)| *n)
}

/// The chart whose defaults know a value path: every chart's defaults file, by name.
pub fn chart_names() -> impl Iterator<Item = &'static str> {
    CHART_VALUES.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::chart::{istio_labels, Chart};
    use crate::render::yaml::to_yaml;

    #[test]
    fn prerendered_crds_are_the_crds_as_the_base_chart_renders_them() {
        let all = crds();
        assert_eq!(all.len(), crd_names().count());
        for mut crd in all {
            crd["metadata"]["labels"] = Value::Object(istio_labels(Chart::Base, None));
            let name = crd["metadata"]["name"].as_str().unwrap().to_owned();
            assert_eq!(crd_yaml(&name), Some(to_yaml(&crd).as_str()), "{name}");
        }
    }

    #[test]
    fn every_chart_and_value_profile_is_embedded() {
        let charts: Vec<&str> = chart_names().collect();
        assert_eq!(
            charts,
            [
                "base",
                "istio-cni",
                "istio-egress",
                "istio-ingress",
                "istiod",
                "ztunnel"
            ]
        );
        for c in charts {
            assert!(chart_values(c).is_object(), "{c}");
        }
        assert_eq!(
            value_profile_names("platform-"),
            ["gke", "k3d", "k3s", "microk8s", "minikube", "openshift"]
        );
        assert_eq!(
            value_profile_names("compatibility-version-"),
            ["1.25", "1.26", "1.27", "1.28", "1.29"]
        );
    }
}
