//! Every rendered object of every profile (ambient and OpenShift included) passes `kubernetes-validate --strict` (offline
//! Kubernetes schemas; `scripts/test` installs the tool). Istio's CRDs are validated as
//! CustomResourceDefinition objects; the tool has no schemas for Istio's own kinds, and
//! manifests contain none.

use std::process::Command;

const VALIDATOR: &str = "kubernetes-validate";

#[test]
fn rendered_objects_pass_strict_kubernetes_validation() {
    let available = Command::new(VALIDATOR).arg("--version").output().is_ok();
    assert!(
        available,
        "{VALIDATOR} is not installed: run scripts/test, or `python3 -m pip install kubernetes-validate`"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<Vec<String>> = istio_install::operator::profile::names()
        .into_iter()
        .filter(|p| *p != "empty")
        .map(|p| vec!["--set".to_owned(), format!("profile={p}")])
        .collect();
    let extra: &[&[&str]] = &[
        &[
            "--set",
            "profile=ambient",
            "--set",
            "values.global.networkPolicy.enabled=true",
            "--set",
            "values.global.platform=gke",
            "--set",
            "components.ingressGateways[0].enabled=true",
        ],
        &[
            "--set",
            "profile=remote",
            "--set",
            "values.global.remotePilotAddress=10.0.0.2",
        ],
        &[
            "--set",
            "profile=stable",
            "--set",
            "values.defaultRevision=default",
            "-f",
            "tests/fixtures/install/k8s-settings.yaml",
        ],
        &[
            "--set",
            "revision=canary",
            "--set",
            "values.pilot.autoscaleMin=2",
            "--set",
            "values.gateways.istio-ingressgateway.autoscaleMin=2",
            "-f",
            "tests/fixtures/install/overlay-b.yaml",
            "-f",
            "tests/fixtures/install/custom-gateway.yaml",
        ],
    ];
    cases.extend(
        extra
            .iter()
            .map(|a| a.iter().map(|s| s.to_string()).collect()),
    );
    let mut files = Vec::new();
    for (i, args) in cases.iter().enumerate() {
        let out = assert_cmd::Command::cargo_bin("istioctl")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["manifest", "generate"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?} rendered nothing");
        let file = dir.path().join(format!("case-{i}.yaml"));
        std::fs::write(&file, &out.stdout).unwrap();
        files.push(file);
    }
    let out = Command::new(VALIDATOR)
        .args(["--strict", "--quiet", "--no-warn"])
        .args(&files)
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(!report.contains("did not validate"), "{report}");
}
