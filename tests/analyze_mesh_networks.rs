//! `--meshNetworksFile` reaches the analyzers as the `MeshNetworks istio-system/meshnetworks`
//! resource, and findings about it point into that file.

use assert_cmd::Command;

#[test]
fn mesh_networks_findings_point_into_the_networks_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyze/meshnetworks");
    let networks = dir.join("mesh-networks-file.yaml");
    let output = Command::cargo_bin("istioctl")
        .expect("binary")
        .args([
            "analyze",
            "--use-kube=false",
            "--all-namespaces",
            "--output",
            "json",
        ])
        .args([
            "--analyzer",
            "meshnetworks.MeshNetworksAnalyzer",
            "--meshNetworksFile",
        ])
        .arg(&networks)
        .arg(dir.join("remote-secret.yaml"))
        .output()
        .expect("run istioctl");
    assert_eq!(output.status.code(), Some(79), "{output:?}");
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let found = found.as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "IST0126");
    assert_eq!(found[0]["origin"], "MeshNetworks istio-system/meshnetworks");
    assert_eq!(found[0]["reference"], format!("{}:6", networks.display()));
}
