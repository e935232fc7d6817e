//! `install --set profile=ambient` end to end against the API emulator: istiod, the istio-cni
//! and ztunnel DaemonSets applied and waited for, then pruned by uninstall. Skipped (with a
//! message) while the emulator does not serve DaemonSets.

use std::time::Duration;

use assert_cmd::Command;
use istio_kube::Cluster;
use kube_emulator::{Config, Emulator, Readiness};

#[test]
fn ambient_profile_installs_and_waits_for_its_daemon_sets() {
    let emu = Emulator::start(Config {
        readiness: Readiness::After(Duration::from_millis(200)),
        ..Config::default()
    })
    .expect("emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    emu.write_kubeconfig(&kubeconfig)
        .expect("kubeconfig written");
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
