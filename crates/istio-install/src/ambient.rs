//! The ambient and CNI prerequisites `x precheck` looks at: what the nodes say about the
//! platform, and whether the Istio CNI node agent fits it. The CNI node agent writes its
//! plugin and configuration to host directories that differ per platform (k3s, k3d, MicroK8s
//! and OpenShift keep them elsewhere; minikube keeps network namespaces elsewhere; GKE admits
//! node-critical pods outside kube-system only under a ResourceQuota); Istio's platform value
//! profiles (`--set values.global.platform=NAME`) hold those settings. Other facts that stop
//! ambient pods from being captured: nodes that are not Linux, architectures Istio publishes
//! no images for, and a Cilium configured to remove other CNI plugins or to balance sockets
//! inside pods.
//!
//! Istio's message catalog has no code for any of this, so the findings are notes (`!`),
//! each naming what to set.

use serde_json::Value;

use istio_kube::{Cluster, KubeError, ListScope};

use crate::render::data;

/// The architectures Istio publishes images for.
const ARCHITECTURES: &[&str] = &["amd64", "arm64"];

/// The label of the CNI node agent's DaemonSet and pods.
const CNI_NODE_LABEL: &str = "k8s-app=istio-cni-node";

/// Where Cilium keeps its settings.
const CILIUM_CONFIG: (&str, &str) = ("kube-system", "cilium-config");

/// The CNI node agent's host directories: its DaemonSet volume and the value setting it.
const CNI_PATHS: &[(&str, &str)] = &[
    ("cni-bin-dir", "cniBinDir"),
    ("cni-net-dir", "cniConfDir"),
    ("cni-netns-dir", "cniNetnsDir"),
];

/// A platform Istio has a value profile for, as its nodes show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The platform's name, as `values.global.platform` takes it (`k3s`, `gke`, …).
    pub platform: &'static str,
    /// The node that shows it.
    pub node: String,
}

/// Whether a node shows a platform.
type Shows = fn(&Value) -> bool;

/// The platforms recognised from a node, most specific first (k3d runs k3s).
const PLATFORMS: &[(&str, Shows)] = &[
    ("openshift", |n| has_label(n, "node.openshift.io/os_id")),
    ("gke", |n| has_label(n, "cloud.google.com/gke-nodepool")),
    ("k3d", |n| {
        is_k3s(n) && text(n, "/metadata/name").starts_with("k3d-")
    }),
    ("k3s", is_k3s),
    ("microk8s", |n| has_label(n, "microk8s.io/cluster")),
    ("minikube", |n| has_label(n, "minikube.k8s.io/name")),
];

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn has_label(node: &Value, key: &str) -> bool {
    node.pointer("/metadata/labels")
        .and_then(|l| l.get(key))
        .is_some()
}

fn is_k3s(node: &Value) -> bool {
    text(node, "/status/nodeInfo/kubeletVersion").contains("+k3s")
        || text(node, "/metadata/labels/node.kubernetes.io~1instance-type") == "k3s"
}

/// The first platform a node shows, in [`PLATFORMS`] order.
pub fn detect(nodes: &[Value]) -> Option<Detected> {
    PLATFORMS.iter().find_map(|(platform, shows)| {
        nodes.iter().find(|n| shows(n)).map(|n| Detected {
            platform,
            node: text(n, "/metadata/name").to_owned(),
        })
    })
}

/// The host directory the CNI node agent needs on `platform` for a value of [`CNI_PATHS`]:
/// the platform profile's, else the chart's default; `None` when the platform leaves it to
/// be found on the node (GKE's plugin directory).
fn expected_path(platform: Option<&str>, key: &str) -> Option<String> {
    let from_profile = platform
        .and_then(|p| data::value_profile(&format!("platform-{p}")))
        .and_then(|v| v.pointer(&format!("/cni/{key}")))
        .and_then(Value::as_str);
    let chart = data::chart_values("istio-cni");
    let default = chart
        .pointer(&format!("/_internal_defaults_do_not_set/{key}"))
        .or_else(|| chart.get(key))
        .and_then(Value::as_str);
    match from_profile.or(default) {
        Some("") | None => None,
        Some(path) => Some(path.to_owned()),
    }
}

/// The flag that configures the CNI node agent for `platform`.
fn setting(platform: &str) -> String {
    let flag = format!("--set values.global.platform={platform}");
    if platform == "openshift" {
        format!("{flag} (the openshift and openshift-ambient profiles set it)")
    } else {
        flag
    }
}

/// A host path volume of a DaemonSet's pod template.
fn host_path<'a>(ds: &'a Value, volume: &str) -> Option<&'a str> {
    ds.pointer("/spec/template/spec/volumes")
        .and_then(Value::as_array)?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(volume))
        .and_then(|v| v.pointer("/hostPath/path"))
        .and_then(Value::as_str)
}

/// The notes about one CNI node agent DaemonSet on a cluster whose nodes show `detected`.
fn daemon_set_notes(ds: &Value, detected: Option<&Detected>, quota: bool) -> Vec<String> {
    let name = format!(
        "{}/{}",
        text(ds, "/metadata/namespace"),
        text(ds, "/metadata/name")
    );
    let platform = detected.map(|d| d.platform);
    let mut notes = Vec::new();
    let mut wrong = Vec::new();
    for (volume, key) in CNI_PATHS {
        let (Some(actual), Some(expected)) = (host_path(ds, volume), expected_path(platform, key))
        else {
            continue;
        };
        if actual != expected {
            wrong.push(format!("{key} is {actual}, not {expected}"));
        }
    }
    match (detected, wrong.is_empty()) {
        (Some(d), false) => notes.push(format!(
            "! The CNI node agent DaemonSet {name} does not fit {} (node {}): {}. Pods will not be captured: reinstall with {}",
            d.platform,
            d.node,
            wrong.join("; "),
            setting(d.platform)
        )),
        (None, false) => notes.push(format!(
            "! The CNI node agent DaemonSet {name} uses host directories other than the usual ones ({}): check that the nodes' container runtime reads them",
            wrong.join("; ")
        )),
        (_, true) => {}
    }
    if platform == Some("gke") && !quota {
        notes.push(format!(
            "! The CNI node agent DaemonSet {name} runs on GKE without a ResourceQuota for priority class system-node-critical in {}: GKE refuses its pods there. Reinstall with {}",
            text(ds, "/metadata/namespace"),
            setting("gke")
        ));
    }
    notes
}

/// Whether a ResourceQuota admits pods of priority class `system-node-critical`.
fn admits_node_critical(quota: &Value) -> bool {
    quota
        .pointer("/spec/scopeSelector/matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|e| {
            e.get("scopeName").and_then(Value::as_str) == Some("PriorityClass")
                && e.get("values")
                    .and_then(Value::as_array)
                    .is_some_and(|v| v.iter().any(|x| x == "system-node-critical"))
        })
}

/// The notes about the nodes themselves: operating systems and architectures.
fn node_notes(nodes: &[Value]) -> Vec<String> {
    let mut notes = Vec::new();
    let not_linux: Vec<&str> = nodes
        .iter()
        .filter(|n| {
            let os = text(n, "/status/nodeInfo/operatingSystem");
            let os = if os.is_empty() {
                text(n, "/metadata/labels/kubernetes.io~1os")
            } else {
                os
            };
            !os.is_empty() && os != "linux"
        })
        .map(|n| text(n, "/metadata/name"))
        .collect();
    if !not_linux.is_empty() {
        notes.push(format!(
            "! Node(s) {} do not run Linux: the CNI node agent and ztunnel run on Linux nodes only, so ambient pods scheduled there are not captured",
            not_linux.join(", ")
        ));
    }
    let mut other_arch: Vec<String> = nodes
        .iter()
        .filter_map(|n| {
            let arch = text(n, "/status/nodeInfo/architecture");
            (!arch.is_empty() && !ARCHITECTURES.contains(&arch))
                .then(|| format!("{} ({arch})", text(n, "/metadata/name")))
        })
        .collect();
    other_arch.sort();
    if !other_arch.is_empty() {
        notes.push(format!(
            "! Node(s) {} have an architecture Istio publishes no images for ({}): its pods cannot run there",
            other_arch.join(", "),
            ARCHITECTURES.join(", ")
        ));
    }
    notes
}

/// The notes about a Cilium configuration (`cilium-config`'s data).
fn cilium_notes(config: &Value) -> Vec<String> {
    let key = |k: &str| config.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut notes = Vec::new();
    if key("cni-exclusive") == "true" {
        notes.push("! Cilium is configured with cni-exclusive=true: it removes other CNI plugins' configuration, the Istio CNI plugin's included. Install Cilium with cni.exclusive=false before installing ambient".to_owned());
    }
    if key("kube-proxy-replacement") == "true" && key("bpf-lb-sock-hostns-only") != "true" {
        notes.push("! Cilium replaces kube-proxy with socket load balancing inside pods: traffic to Services is balanced before ztunnel sees it. Install Cilium with socketLB.hostNamespaceOnly=true before installing ambient".to_owned());
    }
    notes
}

/// The ambient and CNI prerequisites of the cluster, as notes (`✔` when nothing needs a
/// setting). What the user may not read is said, not an error.
pub async fn notes(cluster: &Cluster) -> Result<Vec<String>, KubeError> {
    let forbidden = |e: &KubeError| e.status() == Some(403);
    let node_kind = cluster.require_kind("v1", "Node")?;
    let nodes = match cluster.list(&node_kind, ListScope::All, None).await {
        Ok(nodes) => nodes,
        Err(e) if forbidden(&e) => {
            return Ok(vec![format!(
                "! Cannot check the ambient and CNI prerequisites: {e}"
            )])
        }
        Err(e) => return Err(e),
    };
    let detected = detect(&nodes);
    let mut notes = node_notes(&nodes);

    let ds_kind = cluster.require_kind("apps/v1", "DaemonSet")?;
    let agents = match cluster
        .list(&ds_kind, ListScope::All, Some(CNI_NODE_LABEL))
        .await
    {
        Ok(agents) => agents,
        Err(e) if forbidden(&e) => {
            notes.push(format!(
                "! Cannot look for an installed CNI node agent: {e}"
            ));
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let quota_kind = cluster.require_kind("v1", "ResourceQuota")?;
    for ds in &agents {
        let quota = match detected.as_ref().map(|d| d.platform) {
            Some("gke") => {
                let ns = text(ds, "/metadata/namespace");
                match cluster
                    .list(&quota_kind, ListScope::Namespace(ns), None)
                    .await
                {
                    Ok(quotas) => quotas.iter().any(admits_node_critical),
                    // Unreadable: say nothing rather than guess.
                    Err(e) if forbidden(&e) => true,
                    Err(e) => return Err(e),
                }
            }
            _ => true,
        };
        notes.extend(daemon_set_notes(ds, detected.as_ref(), quota));
    }
    if agents.is_empty() {
        if let Some(d) = &detected {
            notes.push(format!(
                "! The nodes run {} (node {}): an install with the CNI node agent (the ambient profile, or components.cni.enabled) needs {}",
                d.platform,
                d.node,
                setting(d.platform)
            ));
        }
    }

    let cm_kind = cluster.require_kind("v1", "ConfigMap")?;
    match cluster
        .get(&cm_kind, Some(CILIUM_CONFIG.0), CILIUM_CONFIG.1)
        .await
    {
        Ok(Some(cm)) => notes.extend(cilium_notes(&cm["data"])),
        Ok(None) => {}
        Err(e) if forbidden(&e) => notes.push(format!(
            "! Cannot read Cilium's configuration ({}/{}): {e}",
            CILIUM_CONFIG.0, CILIUM_CONFIG.1
        )),
        Err(e) => return Err(e),
    }
    if notes.is_empty() {
        // A platform shown with no agent installed has its note above: here one is installed.
        notes.push(match &detected {
            Some(d) => format!(
                "\u{2714} The CNI node agent is configured for {}, which the nodes run",
                d.platform
            ),
            None => {
                "\u{2714} The nodes need no platform setting for the CNI node agent and ztunnel"
                    .to_owned()
            }
        });
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::{self, Inputs};
    use crate::render;
    use serde_json::json;

    /// The CNI node agent DaemonSet the renderer makes for these `--set` flags.
    fn rendered_agent(sets: &[&str]) -> Value {
        let cfg = operator::load(&Inputs {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Inputs::default()
        })
        .unwrap();
        render::render_manifests(&cfg)
            .unwrap()
            .into_iter()
            .map(|o| o.object)
            .find(|o| o["kind"] == "DaemonSet" && o["metadata"]["name"] == "istio-cni-node")
            .unwrap()
    }

    fn node(name: &str, labels: Value, kubelet: &str) -> Value {
        json!({
            "metadata": {"name": name, "labels": labels},
            "status": {"nodeInfo": {"kubeletVersion": kubelet, "operatingSystem": "linux", "architecture": "amd64"}},
        })
    }

    fn detected(platform: &'static str, node: &str) -> Option<Detected> {
        Some(Detected {
            platform,
            node: node.into(),
        })
    }

    #[test]
    fn platforms_are_recognised_from_their_nodes() {
        let k3s = node("server-0", json!({}), "v1.34.1+k3s1");
        assert_eq!(
            detect(std::slice::from_ref(&k3s)),
            detected("k3s", "server-0")
        );
        let k3d = node("k3d-dev-server-0", json!({}), "v1.34.1+k3s1");
        assert_eq!(detect(&[k3s, k3d]), detected("k3d", "k3d-dev-server-0"));
        let gke = node(
            "gke-pool-1",
            json!({"cloud.google.com/gke-nodepool": "pool"}),
            "v1.34.1-gke.100",
        );
        assert_eq!(detect(&[gke]), detected("gke", "gke-pool-1"));
        let minikube = node(
            "minikube",
            json!({"minikube.k8s.io/name": "minikube"}),
            "v1.34.1",
        );
        assert_eq!(detect(&[minikube]), detected("minikube", "minikube"));
        assert_eq!(detect(&[node("kind-worker", json!({}), "v1.34.1")]), None);
    }

    #[test]
    fn expected_paths_come_from_the_platform_profiles_and_the_chart() {
        let path = |p: Option<&str>, k: &str| expected_path(p, k);
        assert_eq!(path(None, "cniConfDir").as_deref(), Some("/etc/cni/net.d"));
        assert_eq!(path(None, "cniBinDir").as_deref(), Some("/opt/cni/bin"));
        assert_eq!(
            path(Some("k3s"), "cniConfDir").as_deref(),
            Some("/var/lib/rancher/k3s/agent/etc/cni/net.d")
        );
        assert_eq!(
            path(Some("minikube"), "cniNetnsDir").as_deref(),
            Some("/var/run/docker/netns")
        );
        assert_eq!(path(Some("gke"), "cniBinDir"), None, "found on the node");
    }

    #[test]
    fn an_agent_rendered_without_the_platform_is_named_with_the_flag() {
        let plain = rendered_agent(&["profile=ambient"]);
        let k3s = detected("k3s", "server-0");
        assert_eq!(
            daemon_set_notes(&plain, k3s.as_ref(), true),
            ["! The CNI node agent DaemonSet istio-system/istio-cni-node does not fit k3s (node server-0): cniBinDir is /opt/cni/bin, not /var/lib/rancher/k3s/data/cni; cniConfDir is /etc/cni/net.d, not /var/lib/rancher/k3s/agent/etc/cni/net.d. Pods will not be captured: reinstall with --set values.global.platform=k3s"]
        );
        let fitted = rendered_agent(&["profile=ambient", "values.global.platform=k3s"]);
        assert!(daemon_set_notes(&fitted, k3s.as_ref(), true).is_empty());
        assert!(daemon_set_notes(&plain, None, true).is_empty());
        let minikube = detected("minikube", "minikube");
        let fitted = rendered_agent(&["profile=ambient", "values.global.platform=minikube"]);
        assert!(daemon_set_notes(&fitted, minikube.as_ref(), true).is_empty());
        assert_eq!(
            daemon_set_notes(&plain, minikube.as_ref(), true),
            ["! The CNI node agent DaemonSet istio-system/istio-cni-node does not fit minikube (node minikube): cniNetnsDir is /var/run/netns, not /var/run/docker/netns. Pods will not be captured: reinstall with --set values.global.platform=minikube"]
        );
    }

    #[test]
    fn gke_needs_the_node_critical_quota() {
        let plain = rendered_agent(&["profile=ambient"]);
        let gke = detected("gke", "gke-pool-1");
        assert_eq!(
            daemon_set_notes(&plain, gke.as_ref(), false),
            ["! The CNI node agent DaemonSet istio-system/istio-cni-node runs on GKE without a ResourceQuota for priority class system-node-critical in istio-system: GKE refuses its pods there. Reinstall with --set values.global.platform=gke"]
        );
        let cfg = operator::load(&Inputs {
            sets: vec![
                "profile=ambient".into(),
                "values.global.platform=gke".into(),
            ],
            ..Inputs::default()
        })
        .unwrap();
        let quota = render::render_manifests(&cfg)
            .unwrap()
            .into_iter()
            .map(|o| o.object)
            .find(|o| o["kind"] == "ResourceQuota")
            .unwrap();
        assert!(admits_node_critical(&quota));
        assert!(!admits_node_critical(
            &json!({"spec": {"hard": {"pods": "10"}}})
        ));
    }

    #[test]
    fn nodes_and_cilium_settings_that_stop_capture() {
        let mut windows = node("win-1", json!({}), "v1.34.1");
        windows["status"]["nodeInfo"]["operatingSystem"] = "windows".into();
        let mut s390 = node("z-1", json!({}), "v1.34.1");
        s390["status"]["nodeInfo"]["architecture"] = "s390x".into();
        assert_eq!(
            node_notes(&[windows, s390, node("a", json!({}), "v1.34.1")]),
            [
                "! Node(s) win-1 do not run Linux: the CNI node agent and ztunnel run on Linux nodes only, so ambient pods scheduled there are not captured",
                "! Node(s) z-1 (s390x) have an architecture Istio publishes no images for (amd64, arm64): its pods cannot run there",
            ]
        );
        assert_eq!(
            cilium_notes(&json!({"cni-exclusive": "true", "kube-proxy-replacement": "true"})).len(),
            2
        );
        assert!(cilium_notes(&json!({
            "cni-exclusive": "false",
            "kube-proxy-replacement": "true",
            "bpf-lb-sock-hostns-only": "true",
        }))
        .is_empty());
    }
}
