//! What an upgrade changes for the configuration already on a cluster: the settings whose
//! default behaviour changed between two releases (IST0168, IST0169 in `x precheck`).
//!
//! The settings come from Istio's compatibility value profiles (`compatibility-version-1.N`):
//! each one sets back the defaults that changed after release 1.N, so a setting last listed in
//! the profile of 1.N changed in 1.N+1. [`SETTINGS`] says, for the settings this client knows,
//! what changed and which objects on the cluster show whether the change matters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use istio_analysis::catalog::codes;
use istio_analysis::run::Finding;
use istio_kube::{Cluster, KubeError, ListScope};

use crate::precheck::finding;
use crate::render::data;
use crate::upgrade::Release;

/// Prefix of the compatibility value profiles' names.
const PROFILE_PREFIX: &str = "compatibility-version-";

/// A setting whose default changed in a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The setting as `--set` names it, e.g. `values.pilot.env.ENABLE_NATIVE_SIDECARS`.
    pub path: String,
    /// The minor version (`1.N`) whose release changed it.
    pub since: (u64, u64),
}

/// Which objects on the cluster show whether a changed setting matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    /// Nothing on the cluster tells: always reported as possibly affecting (IST0168).
    Unknown,
    /// Pods with an injected `istio-proxy` container.
    InjectedPods,
    /// VirtualServices that mirror traffic.
    Mirroring,
    /// Hosts defined by ServiceEntries in more than one namespace.
    SharedHosts,
    /// The istio-cni node agent running for ambient mode.
    AmbientCni,
}

/// The settings this client knows: path, what shows whether it matters, what changed.
pub const SETTINGS: &[(&str, Touches, &str)] = &[
    (
        "values.ambient.shareHostNetworkNamespace",
        Touches::AmbientCni,
        "the istio-cni node agent no longer runs in the node's network namespace",
    ),
    (
        "values.cni.ambient.reconcileIptablesOnStartup",
        Touches::AmbientCni,
        "when it starts, the istio-cni node agent now rewrites the iptables rules of the ambient pods already running on its node",
    ),
    (
        "values.pilot.env.ENABLE_NATIVE_SIDECARS",
        Touches::InjectedPods,
        "the injected istio-proxy now runs as a native sidecar (an init container that keeps running), which changes the order in which containers start and stop",
    ),
    (
        "values.pilot.env.DISABLE_SHADOW_HOST_SUFFIX",
        Touches::Mirroring,
        "mirrored requests now keep their Host header instead of getting a -shadow suffix",
    ),
    (
        "values.pilot.env.PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY",
        Touches::Unknown,
        "gateways now report a separate upstream span for each request they forward, which changes the traces they send",
    ),
    (
        "values.pilot.env.DISABLE_TRACK_REMAINING_CB_METRICS",
        Touches::Unknown,
        "proxies no longer export the remaining-capacity circuit breaker statistics (remaining_cx, remaining_rq, ...)",
    ),
    (
        "values.pilot.env.PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE",
        Touches::SharedHosts,
        "when several namespaces define the same host, a sidecar now picks which namespace's service it uses by a different rule",
    ),
];

/// The compatibility releases this client has profiles of, each with the settings its profile
/// sets back, oldest first.
fn profiles() -> Vec<((u64, u64), Vec<String>)> {
    let mut out: Vec<((u64, u64), Vec<String>)> = data::value_profile_names(PROFILE_PREFIX)
        .into_iter()
        .filter_map(|name| {
            let release = Release::parse(name)?;
            let profile = data::value_profile(&format!("{PROFILE_PREFIX}{name}"))?;
            let mut paths = Vec::new();
            leaves(profile, "values", &mut paths);
            Some(((release.major, release.minor), paths))
        })
        .collect();
    out.sort();
    out
}

fn leaves(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, &format!("{prefix}.{k}"), out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

/// The oldest release whose changes this client knows (from its oldest profile).
pub fn oldest_known() -> Option<(u64, u64)> {
    profiles().first().map(|(v, _)| *v)
}

/// The settings whose default changed after `from` up to `to`, by release then path; `None`
/// when `from` is older than [`oldest_known`] (what changed then is not known here).
pub fn changed_since(from: Release, to: Release) -> Option<Vec<Changed>> {
    let oldest = oldest_known()?;
    if (from.major, from.minor) < oldest || from.major != to.major {
        return None;
    }
    // The release that changed a setting follows the newest profile that sets it back.
    let mut since: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for ((major, minor), paths) in profiles() {
        for path in paths {
            since.insert(path, (major, minor + 1));
        }
    }
    let mut out: Vec<Changed> = since
        .into_iter()
        .filter(|(_, v)| (from.major, from.minor) < *v && *v <= (to.major, to.minor))
        .map(|(path, since)| Changed { path, since })
        .collect();
    out.sort_by(|a, b| (a.since, &a.path).cmp(&(b.since, &b.path)));
    Some(out)
}

/// What [`Touches`] looks at, read from the cluster: for each, the objects found, or why they
/// could not be read.
#[derive(Debug, Default)]
struct Seen {
    found: BTreeMap<TouchKey, Result<Vec<String>, String>>,
}

/// [`Touches`] as a map key (without [`Touches::Unknown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TouchKey {
    InjectedPods,
    Mirroring,
    SharedHosts,
    AmbientCni,
}

impl Touches {
    fn key(self) -> Option<TouchKey> {
        match self {
            Touches::Unknown => None,
            Touches::InjectedPods => Some(TouchKey::InjectedPods),
            Touches::Mirroring => Some(TouchKey::Mirroring),
            Touches::SharedHosts => Some(TouchKey::SharedHosts),
            Touches::AmbientCni => Some(TouchKey::AmbientCni),
        }
    }
}

/// How an unknown setting (in a profile, not in [`SETTINGS`]) is described.
const UNKNOWN_CHANGE: &str = "its default changed";

fn setting(path: &str) -> (Touches, &'static str) {
    SETTINGS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map_or((Touches::Unknown, UNKNOWN_CHANGE), |(_, t, info)| {
            (*t, *info)
        })
}

/// The findings of an upgrade from `from` to `to` for the configuration on `cluster`. `pinned`
/// names the environment variables the revision's istiod sets itself: a setting it pins keeps
/// its old behaviour and is not reported.
pub async fn findings(
    cluster: &Cluster,
    changed: &[Changed],
    from: Release,
    pinned: &[String],
) -> Result<Vec<Finding>, KubeError> {
    let relevant: Vec<&Changed> = changed
        .iter()
        .filter(|c| {
            let env = c.path.strip_prefix("values.pilot.env.");
            !env.is_some_and(|name| pinned.iter().any(|p| p == name))
        })
        .collect();
    let keys: BTreeSet<TouchKey> = relevant
        .iter()
        .filter_map(|c| setting(&c.path).0.key())
        .collect();
    let mut seen = Seen::default();
    for key in keys {
        seen.found.insert(key, look(cluster, key).await?);
    }
    let compat = format!("{}.{}", from.major, from.minor);
    let mut out = Vec::new();
    for c in relevant {
        let (touches, info) = setting(&c.path);
        let release = format!("{}.{}", c.since.0, c.since.1);
        let args = |info: String| vec![c.path.clone(), release.clone(), info, compat.clone()];
        let Some(key) = touches.key() else {
            out.push(finding(codes::IST0168, &args(info.to_owned())));
            continue;
        };
        match seen.found.get(&key) {
            Some(Ok(objects)) if objects.is_empty() => {}
            Some(Ok(objects)) => {
                let list = listed(objects);
                match key {
                    TouchKey::InjectedPods | TouchKey::Mirroring => {
                        let info = format!("{info}; it affects {list}");
                        out.push(finding(codes::IST0169, &args(info)));
                    }
                    TouchKey::SharedHosts | TouchKey::AmbientCni => {
                        let info = format!("{info}; it may affect {list}");
                        out.push(finding(codes::IST0168, &args(info)));
                    }
                }
            }
            Some(Err(why)) => {
                let info = format!("{info}; {why}");
                out.push(finding(codes::IST0168, &args(info)));
            }
            None => out.push(finding(codes::IST0168, &args(info.to_owned()))),
        }
    }
    Ok(out)
}

/// Objects named in a message: the first few, then how many more.
fn listed(objects: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = objects
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if objects.len() > SHOWN {
        text.push_str(&format!(" and {} more", objects.len() - SHOWN));
    }
    text
}

/// Reads what `key` looks at; a kind the user may not list is an `Err` saying so.
async fn look(cluster: &Cluster, key: TouchKey) -> Result<Result<Vec<String>, String>, KubeError> {
    let (group, kind, selector) = match key {
        TouchKey::InjectedPods => ("", "Pod", None),
        TouchKey::Mirroring => ("networking.istio.io", "VirtualService", None),
        TouchKey::SharedHosts => ("networking.istio.io", "ServiceEntry", None),
        TouchKey::AmbientCni => ("apps", "DaemonSet", Some("k8s-app=istio-cni-node")),
    };
    let Some(resolved) = cluster.preferred_kind(group, kind) else {
        // The kind is not served (Istio's CRDs are not installed): nothing uses it.
        return Ok(Ok(Vec::new()));
    };
    let objects = match cluster.list(&resolved, ListScope::All, selector).await {
        Ok(objects) => objects,
        Err(e) if e.status() == Some(403) => {
            return Ok(Err(format!(
                "whether it affects this cluster cannot be told: the user may not list {}",
                resolved.display()
            )))
        }
        Err(e) => return Err(e),
    };
    let name = |o: &Value| {
        let s = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or_default();
        format!(
            "{kind} {}/{}",
            s("/metadata/namespace"),
            s("/metadata/name")
        )
    };
    let mut out: Vec<String> = match key {
        TouchKey::InjectedPods => objects
            .iter()
            .filter(|p| has_sidecar(p))
            .map(name)
            .collect(),
        TouchKey::Mirroring => objects.iter().filter(|v| mirrors(v)).map(name).collect(),
        TouchKey::AmbientCni => objects.iter().map(name).collect(),
        TouchKey::SharedHosts => shared_hosts(&objects),
    };
    out.sort();
    Ok(Ok(out))
}

/// True when a Pod has an `istio-proxy` container (a sidecar or a native sidecar).
fn has_sidecar(pod: &Value) -> bool {
    ["/spec/containers", "/spec/initContainers"]
        .iter()
        .any(|p| {
            pod.pointer(p)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| c.get("name").and_then(Value::as_str) == Some("istio-proxy"))
        })
}

/// True when a VirtualService mirrors any of its HTTP routes.
fn mirrors(vs: &Value) -> bool {
    vs.pointer("/spec/http")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|route| {
            route.get("mirror").is_some()
                || route
                    .get("mirrors")
                    .and_then(Value::as_array)
                    .is_some_and(|m| !m.is_empty())
        })
}

/// `host X (ServiceEntries in a, b)` for each host that ServiceEntries of more than one
/// namespace define.
fn shared_hosts(entries: &[Value]) -> Vec<String> {
    let mut by_host: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in entries {
        let ns = e
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for host in e
            .pointer("/spec/hosts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            by_host.entry(host).or_default().insert(ns);
        }
    }
    by_host
        .into_iter()
        .filter(|(_, namespaces)| namespaces.len() > 1)
        .map(|(host, namespaces)| {
            let namespaces: Vec<&str> = namespaces.into_iter().collect();
            format!("host {host} (ServiceEntries in {})", namespaces.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(text: &str) -> Release {
        Release::parse(text).unwrap()
    }

    #[test]
    fn settings_change_in_the_release_after_the_last_profile_that_sets_them_back() {
        let changed = changed_since(r("1.26.0"), r("1.30.3")).unwrap();
        let got: Vec<(&str, (u64, u64))> =
            changed.iter().map(|c| (c.path.as_str(), c.since)).collect();
        assert_eq!(
            got,
            [
                ("values.pilot.env.ENABLE_NATIVE_SIDECARS", (1, 27)),
                ("values.pilot.env.DISABLE_SHADOW_HOST_SUFFIX", (1, 28)),
                (
                    "values.pilot.env.PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY",
                    (1, 28)
                ),
                ("values.cni.ambient.reconcileIptablesOnStartup", (1, 29)),
                (
                    "values.pilot.env.DISABLE_TRACK_REMAINING_CB_METRICS",
                    (1, 29)
                ),
                (
                    "values.pilot.env.PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE",
                    (1, 30)
                ),
            ]
        );
        assert_eq!(changed_since(r("1.30.0"), r("1.30.3")), Some(Vec::new()));
        assert_eq!(oldest_known(), Some((1, 25)));
        assert_eq!(changed_since(r("1.24.6"), r("1.30.3")), None);
    }

    #[test]
    fn every_setting_described_is_one_a_profile_sets() {
        let known: BTreeSet<String> = profiles().into_iter().flat_map(|(_, p)| p).collect();
        for (path, _, _) in SETTINGS {
            assert!(
                known.contains(*path),
                "{path} is in no compatibility profile"
            );
        }
        for path in &known {
            assert!(
                SETTINGS.iter().any(|(p, _, _)| p == path),
                "{path} has no description"
            );
        }
    }

    #[test]
    fn what_shows_whether_a_change_matters() {
        assert!(has_sidecar(
            &json!({"spec": {"initContainers": [{"name": "istio-proxy"}]}})
        ));
        assert!(!has_sidecar(
            &json!({"spec": {"containers": [{"name": "app"}]}})
        ));
        assert!(mirrors(
            &json!({"spec": {"http": [{"mirror": {"host": "a"}}]}})
        ));
        assert!(!mirrors(&json!({"spec": {"http": [{"mirrors": []}]}})));
        let se = |ns: &str, hosts: &[&str]| json!({"metadata": {"namespace": ns}, "spec": {"hosts": hosts}});
        assert_eq!(
            shared_hosts(&[
                se("shop", &["pay.example.com", "a.example.com"]),
                se("billing", &["pay.example.com"]),
                se("shop", &["a.example.com"]),
            ]),
            ["host pay.example.com (ServiceEntries in billing, shop)"]
        );
    }
}
