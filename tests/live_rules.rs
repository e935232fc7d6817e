//! A user rule over a live cluster (the API emulator): the kinds a rule declares are fetched,
//! also a kind no built-in analyzer reads (PodDisruptionBudget).

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use istio_kube::Cluster;
use kube_emulator::{Config, Emulator};
use serde_json::{json, Value};

#[test]
fn a_user_rule_reads_a_kind_no_builtin_reads_from_the_cluster() {
    let emu = Emulator::start(Config::default()).expect("emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    emu.write_kubeconfig(&kubeconfig)
        .expect("kubeconfig written");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let cluster = Cluster::connect(Some(&kubeconfig), None)
            .await
            .expect("connects");
        let kind = cluster
            .require_kind("policy/v1", "PodDisruptionBudget")
            .expect("the emulator serves PodDisruptionBudgets");
        for (name, max) in [("frozen", 0), ("fine", 1)] {
            let pdb = json!({
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": name, "namespace": "default"},
                "spec": {"maxUnavailable": max, "selector": {"matchLabels": {"app": "web"}}},
            });
            cluster.apply(&kind, &pdb, false).await.expect("applied");
        }
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("istioctl")
        .expect("binary")
        .current_dir(root)
        .env("XDG_CONFIG_HOME", dir.path())
        .arg("-c")
        .arg(&kubeconfig)
        .args([
            "analyze",
            "-A",
            "-o",
            "json",
            "--rules",
            "analyzers/rules/poddisruptionbudget-disruption.yaml",
        ])
        .timeout(Duration::from_secs(120))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let findings: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    let usr: Vec<&Value> = findings
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["code"] == "USR0005")
        .collect();
    assert_eq!(usr.len(), 1, "{stdout}");
    assert_eq!(usr[0]["origin"], "PodDisruptionBudget default/frozen");
    assert_eq!(usr[0]["reference"], "");
    assert_eq!(usr[0]["level"], "Error");
    assert_eq!(
        usr[0]["message"],
        "PodDisruptionBudget frozen allows no pod to be disrupted"
    );
    assert_eq!(out.status.code(), Some(79));
}
