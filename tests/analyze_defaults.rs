//! Files-only analysis assumes Istio's default ingress gateway, as istioctl does.

use assert_cmd::Command;

fn analyze(extra: &[&str]) -> serde_json::Value {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyze/gateway/default-ingress.yaml");
    let out = Command::cargo_bin("istioctl")
        .expect("binary")
        .args(["analyze", "--use-kube=false", "-A", "-o", "json"])
        .args(["--analyzer", "gateway.IngressGatewayPortAnalyzer"])
        .args(extra)
        .arg(fixture)
        .output()
        .expect("run istioctl");
    serde_json::from_slice(&out.stdout).expect("JSON array on stdout")
}

#[test]
fn gateways_on_the_default_ingress_are_checked_against_its_ports() {
    let found = analyze(&[]);
    let found: Vec<(&str, &str)> = found
        .as_array()
        .expect("array")
        .iter()
        .map(|m| {
            (
                m["code"].as_str().unwrap_or(""),
                m["origin"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found, vec![("IST0162", "Gateway shop/alt")]);
}

#[test]
fn no_default_ingress_when_the_mesh_turns_it_off() {
    let mesh = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyze/gateway/mesh-ingress-off.yaml");
    let found = analyze(&["--meshConfigFile", mesh.to_str().unwrap_or_default()]);
    let codes: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|m| m["code"].as_str())
        .collect();
    assert_eq!(codes, vec!["IST0101", "IST0101"]);
}
