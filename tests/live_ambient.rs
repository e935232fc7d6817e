//! `install --set profile=ambient` end to end against the API emulator: istiod, the istio-cni
//! and ztunnel DaemonSets applied and waited for, then pruned by uninstall. Skipped (with a
//! message) while the emulator does not serve DaemonSets.

use std::time::Duration;

use assert_cmd::Command;
use istio_kube::Cluster;
use kube_emulator::{Config, Emulator, Handle, Readiness};

/// An emulator whose workloads become ready after `ready_after`, its temp dir and kubeconfig.
fn start(ready_after: Duration) -> (Handle, tempfile::TempDir, std::path::PathBuf) {
    let emu = Emulator::start(Config {
        readiness: Readiness::After(ready_after),
        ..Config::default()
    })
    .expect("emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    emu.write_kubeconfig(&kubeconfig)
        .expect("kubeconfig written");
    (emu, dir, kubeconfig)
}

#[test]
fn ambient_profile_installs_and_waits_for_its_daemon_sets() {
    let (_emu, _dir, kubeconfig) = start(Duration::from_millis(200));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let path = kubeconfig.clone();
    let cluster =
        rt.block_on(async move { Cluster::connect(Some(&path), None).await.expect("connects") });
    assert!(
        cluster.kind("apps/v1", "DaemonSet").is_some(),
        "the emulator serves apps/v1 DaemonSet"
    );
    let istioctl = || {
        let mut cmd = Command::cargo_bin("istioctl").expect("binary");
        cmd.arg("-c")
            .arg(&kubeconfig)
            .timeout(Duration::from_secs(120));
        cmd
    };
    let out = istioctl()
        .args([
            "install",
            "-y",
            "--set",
            "profile=ambient",
            "--readiness-timeout",
            "60s",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "Istiod installed",
        "CNI installed",
        "Ztunnel installed",
        "Installation complete",
    ] {
        assert!(
            text.contains(&format!("\u{2714} {line}")),
            "{line} in {text}"
        );
    }
    let ds = cluster.kind("apps/v1", "DaemonSet").expect("served");
    for name in ["istio-cni-node", "ztunnel"] {
        let found = rt
            .block_on(cluster.get(&ds, Some("istio-system"), name))
            .expect("get");
        let found = found.unwrap_or_else(|| panic!("DaemonSet {name} applied"));
        assert_eq!(
            found["metadata"]["labels"]["install.operator.istio.io/owning-resource"],
            "unknown"
        );
    }
    istioctl()
        .args(["uninstall", "--purge", "-y"])
        .assert()
        .success();
    for name in ["istio-cni-node", "ztunnel"] {
        let left = rt
            .block_on(cluster.get(&ds, Some("istio-system"), name))
            .expect("get");
        assert!(left.is_none(), "{name} removed");
    }
}

/// `x precheck` on a k3s cluster: before an install it says which platform setting the CNI
/// node agent needs; after an ambient install without it, it names the DaemonSet and what is
/// wrong; after reinstalling with the setting, the check passes.
#[test]
fn precheck_names_the_platform_setting_the_cni_node_agent_needs() {
    let (_emu, dir, kubeconfig) = start(Duration::from_millis(50));
    let istioctl = |args: &[&str]| {
        let out = Command::cargo_bin("istioctl")
            .expect("binary")
            .arg("-c")
            .arg(&kubeconfig)
            .args(args)
            .timeout(Duration::from_secs(120))
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    let node = dir.path().join("node.yaml");
    std::fs::write(
        &node,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: server-0\n  labels:\n    node.kubernetes.io/instance-type: k3s\n",
    )
    .expect("written");
    let kubectl = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["create", "-f"])
        .arg(&node)
        .output()
        .expect("kubectl runs");
    assert!(
        kubectl.status.success(),
        "{}",
        String::from_utf8_lossy(&kubectl.stderr)
    );

    let text = istioctl(&["x", "precheck"]);
    assert!(
        text.contains("! The nodes run k3s (node server-0): an install with the CNI node agent (the ambient profile, or components.cni.enabled) needs --set values.global.platform=k3s\n"),
        "{text}"
    );
    istioctl(&["install", "-y", "--set", "profile=ambient"]);
    let text = istioctl(&["x", "precheck"]);
    assert!(
        text.contains("! The CNI node agent DaemonSet istio-system/istio-cni-node does not fit k3s (node server-0): cniBinDir is /opt/cni/bin, not /var/lib/rancher/k3s/data/cni; cniConfDir is /etc/cni/net.d, not /var/lib/rancher/k3s/agent/etc/cni/net.d. Pods will not be captured: reinstall with --set values.global.platform=k3s\n"),
        "{text}"
    );
    istioctl(&[
        "install",
        "-y",
        "--set",
        "profile=ambient",
        "--set",
        "values.global.platform=k3s",
    ]);
    let text = istioctl(&["x", "precheck"]);
    assert!(
        text.contains("\u{2714} The CNI node agent is configured for k3s, which the nodes run\n"),
        "{text}"
    );
    assert!(!text.contains("does not fit"), "{text}");
}
