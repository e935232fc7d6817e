//! `istioctl validate` end to end: output lines, exit codes, directories and stdin.

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/api/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn istioctl() -> Command {
    Command::cargo_bin("istioctl").expect("binary")
}

#[test]
fn valid_files_are_reported_valid_and_exit_zero() {
    let vs = fixture("virtual-service.valid.yaml");
    let dr = fixture("destination-rule.valid.yaml");
    istioctl()
        .args(["validate", "-f", &vs, "-f", &dr])
        .assert()
        .success()
        .stdout(format!("{vs:?} is valid\n{dr:?} is valid\n"))
        .stderr("");
}

#[test]
fn errors_name_file_line_and_field_and_exit_one() {
    let vs = fixture("virtual-service.invalid.yaml");
    istioctl()
        .args(["validate", "-f", &vs])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "Error: {vs}:11: spec.http[0].route[0].weight: must be an integer, not a string (\"ten\"); remove the quotes\n"
        )))
        .stderr(predicate::str::contains(format!(
            "Error: {vs}:20: spec.http[0].rout: unknown field \"rout\"; did you mean \"route\"?\n"
        )))
        .stderr(predicate::str::contains(format!(
            "Error: {vs}:90: apiVersion: VirtualService is not served in networking.istio.io/v2; use one of: networking.istio.io/v1, networking.istio.io/v1alpha3, networking.istio.io/v1beta1\n"
        )));
}

#[test]
fn warnings_do_not_fail_validation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("dr.yaml");
    std::fs::write(
        &path,
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: a\nspec:\n  host: a\n  trafficPolicy:\n    loadBalancer:\n      simple: ROUND_ROBIN\n      warmupDurationSecs: 10s\n",
    )
    .expect("write");
    let shown = path.display().to_string();
    istioctl()
        .args(["validate", "-f", &shown])
        .assert()
        .success()
        .stdout(format!("{shown:?} is valid\n"))
        .stderr(format!(
            "Warning: {shown}:10: spec.trafficPolicy.loadBalancer.warmupDurationSecs: deprecated field; use \"warmup\" instead\n"
        ));
}

#[test]
fn directories_are_walked_and_stdin_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let svc =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n";
    std::fs::write(dir.path().join("sub/svc.yaml"), svc).expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not yaml").expect("write");
    let shown = dir.path().join("sub/svc.yaml").display().to_string();
    istioctl()
        .args(["validate", "-f", &dir.path().display().to_string()])
        .assert()
        .success()
        .stdout(format!("{shown:?} is valid\n"));
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
        .assert()
        .code(1)
        .stderr("Error: -:3: metadata.name: missing metadata.name; every resource needs a name\n");
}

#[test]
fn kubernetes_resources_need_their_basic_shape() {
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin("metadata:\n  name: x\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  anything: goes\n")
        .assert()
        .code(1)
        .stderr("Error: -:1: apiVersion: missing apiVersion; add e.g. `apiVersion: v1`\nError: -:1: kind: missing kind; add e.g. `kind: Service`\n\
                 Error: -:9: spec.anything: unknown field \"anything\"; known fields are: minReadySeconds, paused, progressDeadlineSeconds, replicas, revisionHistoryLimit, selector, strategy, template\n");
}

#[test]
fn bad_yaml_and_missing_files_are_errors() {
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin("apiVersion: v1\nkind: [\n")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("Error: -:"))
        .stderr(predicate::str::contains("invalid YAML"));
    istioctl()
        .args(["validate", "-f", "/nonexistent/file.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "Error: /nonexistent/file.yaml: cannot read file:",
        ));
    istioctl()
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no file provided"));
}

#[test]
fn secret_values_are_never_printed() {
    // Not base64: the error says so without quoting the value.
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: hunter2-is-my-password!\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("data.password"))
        .stderr(predicate::str::contains("is not valid base64"))
        .stderr(predicate::str::contains("hunter2").not());
    // A syntax error in a Secret: its values stay out of the message.
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  token: {\"s3cr3t-token\"\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid YAML"))
        .stderr(predicate::str::contains("s3cr3t").not());
}
