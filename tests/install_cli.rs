//! `manifest generate` and `profile` through the binary: output, stability, `-o DIR`, and
//! bad input (exit 1, a diagnostic on stderr, nothing on stdout).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn istioctl() -> Command {
    Command::cargo_bin("istioctl").expect("the istioctl binary is built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/install")
        .join(name)
}

fn stdout_of(args: &[&str]) -> String {
    let out = istioctl().args(args).output().expect("run istioctl");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn demo_output_is_byte_stable_and_in_apply_order() {
    let args = ["manifest", "generate", "--set", "profile=demo"];
    let first = stdout_of(&args);
    assert_eq!(first, stdout_of(&args));
    let kinds: Vec<&str> = first
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(kinds.first(), Some(&"CustomResourceDefinition"));
    let pos = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
    assert!(pos("ClusterRole") < pos("ConfigMap"));
    assert!(pos("ConfigMap") < pos("MutatingWebhookConfiguration"));
    assert!(pos("MutatingWebhookConfiguration") < pos("Deployment"));
    assert_eq!(kinds.len(), first.matches("\n---\n").count() + 1);
}

#[test]
fn output_dir_has_one_folder_per_component() {
    let dir = tempfile::tempdir().unwrap();
    istioctl()
        .args(["manifest", "generate", "--set", "profile=demo", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("");
    for (c, kind) in [
        ("Base", "CustomResourceDefinition"),
        ("Pilot", "Deployment"),
        ("IngressGateways", "Deployment"),
        ("EgressGateways", "Deployment"),
    ] {
        let file = dir.path().join(c).join(format!("{c}.yaml"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(&format!("kind: {kind}\n")), "{c}");
    }
    assert!(!dir.path().join("Ztunnel").exists());
    let minimal = tempfile::tempdir().unwrap();
    istioctl()
        .args(["manifest", "generate", "--set", "profile=minimal", "-o"])
        .arg(minimal.path())
        .assert()
        .success();
    assert!(minimal.path().join("Pilot").exists());
    assert!(!minimal.path().join("IngressGateways").exists());
}

#[test]
fn revision_flag_names_the_control_plane() {
    let out = stdout_of(&["manifest", "generate", "-r", "canary"]);
    assert!(out.contains("name: istiod-canary\n"));
}

/// Runs a command that must fail; `stderr` snippets are matched against the diagnostic with
/// line wrapping and box-drawing undone.
fn fails(args: &[&str], stderr: &[&str]) {
    let out = istioctl()
        .args(args)
        .assert()
        .code(1)
        .stdout("")
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stderr).replace(['│', '╭', '╰', '─', '·', '┬'], " ");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in stderr {
        assert!(flat.contains(s), "{args:?}: {s:?} not in {flat}");
    }
}

#[test]
fn bad_files_name_the_file_and_line() {
    let gen = |f: &str| {
        vec![
            "manifest".to_owned(),
            "generate".to_owned(),
            "-f".to_owned(),
            fixture(f).display().to_string(),
        ]
    };
    let run = |f: &str, want: &[&str]| {
        let args = gen(f);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&args, want);
    };
    run("invalid-yaml.yaml", &["invalid-yaml.yaml:5:", "unclosed"]);
    run(
        "unknown-field.yaml",
        &["unknown-field.yaml:4:", "componentz"],
    );
    run(
        "unknown-value.yaml",
        &[
            "unknown-value.yaml:6:",
            "values.global.proxi",
            "did you mean \"proxy\"",
        ],
    );
    run("not-operator.yaml", &["kind is \"Deployment\""]);
    run(
        "bad-value-type.yaml",
        &[
            "bad-value-type.yaml:6:",
            "values.pilot.autoscaleEnabled: expected a boolean",
        ],
    );
    run(
        "unknown-profile.yaml",
        &["unknown profile \"dmo\"", "did you mean \"demo\""],
    );
    run(
        "does-not-exist.yaml",
        &["cannot read", "does-not-exist.yaml"],
    );
}

#[test]
fn bad_set_flags_name_the_path() {
    let cases: &[(&str, &[&str])] = &[
        ("profile=dem", &["unknown profile", "did you mean \"demo\""]),
        (
            "values.global.proxi.image=x",
            &["values.global.proxi", "did you mean \"proxy\""],
        ),
        (
            "components.pilot.enabeld=true",
            &["enabeld", "did you mean \"enabled\""],
        ),
        (
            "components.pilot.enabled=maybe",
            &["components.pilot.enabled", "bad value"],
        ),
        (
            "values.pilot.autoscaleEnabled=maybe",
            &["expected a boolean"],
        ),
        ("values.pilot.replicaCount=many", &["expected a number"]),
        (
            "meshConfig.acessLogFile=x",
            &["did you mean \"accessLogFile\""],
        ),
        (
            "components.ingressGateways.[name:istio-ingresgateway].enabled=false",
            &[
                "no entry has name=istio-ingresgateway",
                "did you mean \"istio-ingressgateway\"",
            ],
        ),
        (
            "components.ingressGateways[4].enabled=true",
            &["out of range"],
        ),
        (
            "components.ingressGateways.enabled=true",
            &["select an entry"],
        ),
        ("novalue", &["expected PATH=VALUE"]),
        ("valuse.global.hub=x", &["did you mean \"values\""]),
        ("meshConfig=5", &["meshConfig must be a map"]),
        ("values.pilot.env=5", &["values.pilot.env is a map"]),
        (
            "components.pilot.k8s.service=5",
            &["components.pilot.k8s.service", "bad value"],
        ),
    ];
    for (set, want) in cases {
        fails(&["manifest", "generate", "--set", set], want);
    }
}

#[test]
fn profile_list_dump_and_diff() {
    let list = stdout_of(&["profile", "list"]);
    assert_eq!(
        list,
        "Istio configuration profiles:\n    ambient\n    default\n    demo\n    empty\n    minimal\n    openshift\n    openshift-ambient\n    preview\n    remote\n    stable\n"
    );
    let demo = stdout_of(&["profile", "dump", "demo"]);
    assert!(demo.starts_with("apiVersion: install.istio.io/v1alpha1\n"));
    assert!(demo.contains("    profile: demo\n"), "{demo}");
    let pilot = stdout_of(&["profile", "dump", "--config-path", "components.pilot"]);
    assert_eq!(pilot, "enabled: true\n");
    let json = stdout_of(&[
        "profile",
        "dump",
        "minimal",
        "-o",
        "json",
        "-p",
        "components.ingressGateways",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["enabled"], false);
    let with_set = stdout_of(&[
        "profile",
        "dump",
        "--set",
        "values.pilot.traceSampling=3",
        "-p",
        "values.pilot",
    ]);
    assert_eq!(with_set, "traceSampling: 3\n");
    let file = fixture("overlay-a.yaml").display().to_string();
    let from_file = stdout_of(&[
        "profile",
        "dump",
        "-f",
        &file,
        "-p",
        "meshConfig.accessLogFile",
    ]);
    assert_eq!(from_file, "/var/log/first.log\n");
    let diff = stdout_of(&["profile", "diff", "default", "demo"]);
    assert!(diff.starts_with("--- default\n+++ demo\n"));
    assert!(diff.contains("+    profile: demo"), "{diff}");
    assert_eq!(
        stdout_of(&["profile", "diff", "demo", "demo"]),
        "Profiles are identical\n"
    );
    fails(&["profile", "dump", "nope"], &["unknown profile \"nope\""]);
    fails(
        &["profile", "diff", "default", "demoo"],
        &["did you mean \"demo\""],
    );
    fails(
        &["profile", "dump", "-p", "components.pilt"],
        &["did you mean \"pilot\""],
    );
}

/// Validation problems of `tests/fixtures/install/force.yaml` and three flags, each as
/// `--force` reports it.
const FORCED: &str = "\
! FILE: unknown field spec.components.pilot.k8s.replicas (ignored because of --force)
! FILE: unknown value path values.pilot.autoscaleMaxx; did you mean \"autoscaleMax\"? (kept because of --force)
! --set values.global.proxi.image: unknown value path values.global.proxi (kept because of --force)
! --set components.pilot.k8s.foo: unknown k8s field \"foo\" (ignored because of --force)
! --set components.pilott.enabled: unknown component \"pilott\" (ignored because of --force)
";

fn forced_args(command: &[&str], force: bool) -> Vec<String> {
    let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    if force {
        args.push("--force".into());
    }
    args.push("-f".into());
    args.push(fixture("force.yaml").display().to_string());
    for set in [
        "values.global.proxi.image=x",
        "components.pilot.k8s.foo=1",
        "components.pilott.enabled=false",
    ] {
        args.push("--set".into());
        args.push(set.into());
    }
    args
}

#[test]
fn force_proceeds_past_validation_errors_with_warnings() {
    let file = fixture("force.yaml").display().to_string();
    // Without --force each problem is an error (exit 1, nothing rendered).
    fails(
        &["manifest", "generate", "-f", &file],
        &["unknown field `replicas`, expected one of resources, replicaCount"],
    );
    for (set, want) in [
        (
            "values.global.proxi.image=x",
            "invalid --set values.global.proxi.image: unknown value path values.global.proxi help: did you mean \"proxy\"? Or pass --force to proceed anyway.",
        ),
        (
            "components.pilott.enabled=false",
            "invalid --set components.pilott.enabled: unknown component \"pilott\" help: did you mean \"pilot\"? Or pass --force to proceed anyway.",
        ),
    ] {
        fails(&["manifest", "generate", "--set", set], &[want]);
    }
    // With --force: one warning per problem on stderr, and the manifest.
    let out = istioctl()
        .args(forced_args(&["manifest", "generate"], true))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        FORCED.replace("FILE", &file)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("kind: Deployment\n"), "{stdout}");
    assert!(stdout.contains("\n  name: istiod\n"), "{stdout}");
}

#[test]
fn force_never_skips_what_would_change_the_charts() {
    for force in [false, true] {
        let mut args = vec![
            "manifest",
            "generate",
            "--set",
            "installPackagePath=/charts",
        ];
        if force {
            args.push("--force");
        }
        let mut want = vec![
            "spec.installPackagePath: this istioctl renders its embedded Istio 1.30.3 charts, not the charts at \"/charts\"",
            "help: remove installPackagePath to render Istio 1.30.3's charts",
        ];
        if force {
            want.push("--force does not skip this, as ignoring it would render other charts than the ones named");
        }
        fails(&args, &want);
    }
    // A setting the renderer cannot honour is an error with --force too.
    fails(
        &[
            "manifest",
            "generate",
            "--force",
            "--set",
            "profile=ambient",
            "--set",
            "values.ztunnel.peerCaCrl.enabled=true",
        ],
        &["values.ztunnel.peerCaCrl.enabled (Ztunnel component): checking peer certificates against the CA's revocation list is not rendered by this client"],
    );
}

#[test]
fn install_force_warns_then_goes_on_to_the_cluster() {
    let file = fixture("force.yaml").display().to_string();
    let cluster = ["install", "--dry-run", "-c", "/nonexistent/kubeconfig"];
    // Without --force the configuration is rejected before the cluster is read.
    fails(
        &forced_args(&cluster, false)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &["unknown field `replicas`"],
    );
    // With --force the warnings come first; then the missing kubeconfig stops it.
    let out = istioctl()
        .args(forced_args(&cluster, true))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let want = FORCED.replace("FILE", &file);
    assert!(stderr.starts_with(&want), "{stderr}");
    assert!(
        stderr[want.len()..].contains("load the kubeconfig"),
        "{stderr}"
    );
}

#[test]
fn settings_that_change_nothing_are_reported() {
    let out = istioctl()
        .args([
            "manifest",
            "generate",
            "--set",
            "components.pilot.k8s.hpaSpec.maxReplicas=3",
            "--set",
            "values.pilot.autoscaleEnabled=false",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "! components.pilot.k8s.hpaSpec: HorizontalPodAutoscaler/istiod is not rendered, so the setting changes nothing\n"
    );
}

#[test]
fn translate_writes_one_values_file_per_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = istioctl()
        .args(["manifest", "translate", "--set", "profile=ambient"])
        .args(["-f", &fixture("k8s-settings.yaml").display().to_string()])
        .args(["-r", "canary", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let d = dir.path().display();
    assert!(stdout.contains(&format!(
        "helm install istiod-canary istio/istiod -n istio-system --create-namespace -f {d}/istiod-canary.yaml"
    )), "{stdout}");
    assert!(
        stdout.contains("istio-ingressgateway istio/gateway"),
        "{stdout}"
    );
    let read = |f: &str| -> serde_json::Value {
        serde_saphyr::from_str(&std::fs::read_to_string(dir.path().join(f)).unwrap()).unwrap()
    };
    let istiod = read("istiod-canary.yaml");
    assert_eq!(istiod["revision"], "canary");
    assert_eq!(istiod["profile"], "ambient");
    assert_eq!(istiod["pilot"]["resources"]["limits"]["memory"], "4Gi");
    assert_eq!(istiod["pilot"]["env"]["EXTRA_A"], "x");
    assert_eq!(istiod["pilot"]["envVarFrom"][0]["name"], "POD_NAMESPACE");
    let zt = read("ztunnel.yaml");
    assert_eq!(zt["resourceName"], "ztunnel");
    assert_eq!(zt["tolerations"][0]["key"], "only");
    let gw = read("istio-ingressgateway.yaml");
    assert_eq!(gw["name"], "istio-ingressgateway");
    assert_eq!(gw["service"]["type"], "NodePort");
    assert_eq!(gw["autoscaling"]["maxReplicas"], 9);
    assert_eq!(gw["labels"]["istio"], "ingressgateway");
    // Settings no chart value expresses are reported.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("components.pilot.k8s.readinessProbe: the istiod chart has no value for it"),
        "{stderr}"
    );
}
