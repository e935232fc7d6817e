//! Without `--all-namespaces`, a Namespace's findings count as that namespace's, as in istioctl.

use assert_cmd::Command;

fn findings(namespace: &str) -> Vec<(String, String)> {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyze/injection/namespaces.yaml");
    let out = Command::cargo_bin("istioctl")
        .expect("binary")
        .args(["analyze", "--use-kube=false", "-o", "json", "-n", namespace])
        .args(["--analyzer", "injection.Analyzer"])
        .arg(fixture)
        .output()
        .expect("run istioctl");
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    found
        .as_array()
        .expect("array")
        .iter()
        .map(|m| {
            let field = |k: &str| m[k].as_str().unwrap_or("").to_owned();
            (field("code"), field("origin"))
        })
        .collect()
}

#[test]
fn namespace_findings_follow_the_selected_namespace() {
    assert_eq!(
        findings("plain"),
        vec![("IST0102".to_owned(), "Namespace plain".to_owned())]
    );
    assert_eq!(
        findings("shop"),
        vec![("IST0103".to_owned(), "Pod shop/bare".to_owned())]
    );
}
