//! `analyze` against API emulators: a revision's control-plane configuration (`-r`), and
//! several clusters analyzed together (`--remote-contexts`), as istioctl's multicluster
//! analysis does.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use istio_kube::Cluster;
use kube_emulator::{Config, Emulator, Handle};
use serde_json::{json, Value};

/// Running emulators and one kubeconfig with a context per emulator, named as given.
struct Clusters {
    /// Kept running for the test's length.
    _emulators: Vec<(String, Handle)>,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn start(names: &[&str]) -> Clusters {
    let emulators: Vec<(String, Handle)> = names
        .iter()
        .map(|n| {
            let emu = Emulator::start(Config::default()).expect("emulator starts");
            (n.to_string(), emu)
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, kubeconfig_text(&emulators)).expect("kubeconfig written");
    Clusters {
        _emulators: emulators,
        _dir: dir,
        kubeconfig,
    }
}

/// A kubeconfig naming each emulator's cluster, user and context after it; the first is the
/// current context.
fn kubeconfig_text(emulators: &[(String, Handle)]) -> String {
    let mut clusters = String::new();
    let mut users = String::new();
    let mut contexts = String::new();
    for (name, emu) in emulators {
        let ca = emu
            .ca_pem()
            .map(|pem| {
                format!(
                    "\n    certificate-authority-data: {}",
                    base64_encode(pem.as_bytes())
                )
            })
            .unwrap_or_default();
        clusters.push_str(&format!(
            "- name: {name}\n  cluster:\n    server: {}{ca}\n",
            emu.url()
        ));
        users.push_str(&format!(
            "- name: {name}\n  user:\n    token: {}\n",
            emu.token()
        ));
        contexts.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n"
        ));
    }
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{clusters}users:\n{users}contexts:\n{contexts}current-context: {}\n",
        emulators[0].0
    )
}

/// Standard base64, for the CA in the kubeconfig.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Clusters {
    fn istioctl(&self) -> Command {
        let mut cmd = Command::cargo_bin("istioctl").expect("binary");
        cmd.arg("-c")
            .arg(&self.kubeconfig)
            .timeout(Duration::from_secs(120));
        cmd
    }

    /// Server-side applies objects to the cluster of context `name`.
    fn apply(&self, name: &str, objects: &[Value]) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let path: &Path = &self.kubeconfig;
        rt.block_on(async {
            let cluster = Cluster::connect(Some(path), Some(name))
                .await
                .expect("connects");
            for o in objects {
                let kind = cluster
                    .require_kind(
                        o["apiVersion"].as_str().unwrap_or_default(),
                        o["kind"].as_str().unwrap_or_default(),
                    )
                    .expect("kind");
                cluster.apply(&kind, o, false).await.expect("applied");
            }
        });
    }
}

/// `(code, origin)` of the JSON findings of a run, and the run.
fn findings(out: &std::process::Output) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v.as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("code"), s("origin"), s("message"))
        })
        .collect()
}

fn codes(out: &std::process::Output) -> Vec<(String, String)> {
    findings(out).into_iter().map(|(c, o, _)| (c, o)).collect()
}

fn service(ports: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "cart", "namespace": "shop"},
        "spec": {"selector": {"app": "cart"}, "ports": ports}})
}

#[test]
fn a_revision_is_analyzed_with_its_own_mesh_config_and_injector() {
    let env = start(&["main"]);
    let mesh = "defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\n";
    let values = r#"{"sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}"#;
    env.apply(
        "main",
        &[
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "istio-system"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "istio", "namespace": "istio-system"},
                "data": {"mesh": "defaultConfig: {}\n"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "istio-canary", "namespace": "istio-system",
                    "labels": {"istio.io/rev": "canary"}},
                "data": {"mesh": mesh}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "istio-sidecar-injector-canary", "namespace": "istio-system",
                    "labels": {"istio.io/rev": "canary"}},
                "data": {"values": values}}),
        ],
    );
    let dir = tempfile::tempdir().expect("dir");
    let se = dir.path().join("se.yaml");
    std::fs::write(
        &se,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  hosts: [db.example.com]\n  ports:\n  - {name: tcp, number: 5432, protocol: TCP}\n",
    )
    .expect("written");
    let run = |extra: &[&str]| {
        env.istioctl()
            .args(["analyze", "-n", "shop", "-o", "json"])
            .args(extra)
            .arg(&se)
            .output()
            .expect("runs")
    };
    // The default revision: addresses are required, and the namespace is not injected.
    let default = codes(&run(&[]));
    assert!(default.contains(&("IST0134".into(), "ServiceEntry shop/db".into())));
    assert!(default.contains(&("IST0102".into(), "Namespace shop".into())));
    // canary allocates addresses, and its injector injects every namespace by default.
    let canary = codes(&run(&["-r", "canary"]));
    assert!(!canary.iter().any(|(c, _)| c == "IST0134"), "{canary:?}");
    assert!(canary.contains(&("IST0148".into(), "Namespace shop".into())));
    // A revision the cluster does not have is an error naming it.
    let out = run(&["--revision", "stable"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no control plane of revision \"stable\"")
            && err.contains("istio-system/istio-stable"),
        "{err}"
    );
}

#[test]
fn remote_contexts_are_analyzed_together_each_object_keeping_its_cluster() {
    let env = start(&["east", "west"]);
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    env.apply(
        "east",
        &[ns.clone(), service(json!([{"name": "http", "port": 80}]))],
    );
    env.apply(
        "west",
        &[ns, service(json!([{"name": "http", "port": 8080}]))],
    );
    let analyze = |extra: &[&str]| {
        env.istioctl()
            .args([
                "analyze",
                "-A",
                "-o",
                "json",
                "--analyzer",
                "services.MultiClusterServiceAnalyzer",
            ])
            .args(extra)
            .output()
            .expect("runs")
    };
    // One cluster alone: nothing to compare.
    let alone = analyze(&[]);
    assert!(
        alone.status.success(),
        "{}",
        String::from_utf8_lossy(&alone.stderr)
    );
    assert!(findings(&alone).is_empty());
    // Both: the two definitions of shop/cart differ.
    let both = analyze(&["--remote-contexts", "west"]);
    let found = findings(&both);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, origin, message) = &found[0];
    assert_eq!(
        (code.as_str(), origin.as_str()),
        ("IST0170", "Service shop/cart")
    );
    assert!(
        message.contains("[\"east\" \"west\"]")
            && message.contains("ports [80/TCP (http)] in east but [8080/TCP (http)] in west"),
        "{message}"
    );
    // -v says which clusters were read.
    let verbose = analyze(&["--remote-contexts=west", "-v"]);
    let text = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        text.contains("Clusters read: east, west (remote)")
            && text.contains("Executed analyzers (1):"),
        "{text}"
    );
    // Made alike, they agree.
    env.apply("west", &[service(json!([{"name": "http", "port": 80}]))]);
    let agreed = analyze(&["--remote-contexts", "west"]);
    assert!(findings(&agreed).is_empty());
    // A remote context that does not exist is an error naming it.
    let out = analyze(&["--remote-contexts", "north"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("north"));
}
