//! The emulator against a real kube-apiserver 1.36: the command sequence of
//! `tests/differential/kube-apiserver-1.36.yaml` (kubectl and istioctl, as the administrator
//! and as a restricted user) runs against kube-emulator and each outcome must be the one the
//! fixture records for the real server. Plus install, precheck and validation cases that only
//! a faithful server shows: an invalid rendered object is refused, a restricted user's install
//! writes nothing, precheck names the missing permissions. The kubectl steps are skipped
//! (with a message) when `kubectl` is not installed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use kube_emulator::{Config, Emulator, Handle, User};
use serde::Deserialize;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/differential/kube-apiserver-1.36.yaml"
);

const ALICE: &str = "alice-token";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    kubectl: Option<Vec<String>>,
    istioctl: Option<Vec<String>>,
    #[serde(rename = "as")]
    user: Option<String>,
    stdin: Option<String>,
    exit: i32,
    stdout: Option<String>,
    stderr: Option<String>,
    #[serde(default)]
    stdout_has: Vec<String>,
    #[serde(default)]
    stderr_has: Vec<String>,
    stdout_lines: Option<usize>,
}

/// An emulator in RBAC mode with the restricted user `alice`, and a kubeconfig per user.
struct Env {
    _emulator: Handle,
    dir: tempfile::TempDir,
}

impl Env {
    fn start() -> Self {
        let emulator = Emulator::start(Config {
            rbac: true,
            users: vec![User::new(ALICE, "alice")],
            ..Config::default()
        })
        .expect("emulator starts");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("admin"), emulator.kubeconfig()).unwrap();
        std::fs::write(dir.path().join("alice"), emulator.kubeconfig_for(ALICE)).unwrap();
        Self {
            _emulator: emulator,
            dir,
        }
    }

    fn kubeconfig(&self, user: &str) -> PathBuf {
        self.dir.path().join(user)
    }

    fn kubectl(&self, user: &str, args: &[String], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new("kubectl");
        cmd.arg("--kubeconfig")
            .arg(self.kubeconfig(user))
            .arg("--cache-dir")
            .arg(self.dir.path().join(format!("cache-{user}")))
            .arg("--request-timeout=20s")
            .args(args);
        run(cmd, stdin)
    }

    fn istioctl(&self, user: &str, args: &[String], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("istioctl"));
        cmd.arg("-c").arg(self.kubeconfig(user)).args(args);
        run(cmd, stdin)
    }
}

fn run(mut cmd: Command, stdin: Option<&str>) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("command runs");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("stdin written");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("command ends")
}

fn kubectl_found() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: `kubectl` is not installed; the differential test needs it");
    }
    found
}

/// Diagnostic text without its frame and line wrapping: words separated by single spaces.
fn unwrapped(text: &str) -> String {
    text.replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compares one step's outcome with the fixture; returns what differs.
fn differences(step: &Step, out: &Output) -> Vec<String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut diffs = Vec::new();
    if out.status.code() != Some(step.exit) {
        diffs.push(format!(
            "exit {:?}, the real server's: {}",
            out.status.code(),
            step.exit
        ));
    }
    if let Some(want) = &step.stdout {
        if stdout != want.as_str() {
            diffs.push(format!("stdout {stdout:?}, the real server's: {want:?}"));
        }
    }
    if let Some(want) = &step.stderr {
        if stderr != want.as_str() {
            diffs.push(format!("stderr {stderr:?}, the real server's: {want:?}"));
        }
    }
    for line in &step.stdout_has {
        if !stdout.lines().any(|l| l == line) {
            diffs.push(format!("stdout lacks {line:?}:\n{stdout}"));
        }
    }
    for text in &step.stderr_has {
        if !unwrapped(&stderr).contains(&unwrapped(text)) {
            diffs.push(format!("stderr lacks {text:?}:\n{stderr}"));
        }
    }
    if let Some(want) = step.stdout_lines {
        if stdout.lines().count() != want {
            diffs.push(format!(
                "{} stdout lines, the real server's: {want}",
                stdout.lines().count()
            ));
        }
    }
    diffs
}

#[test]
fn the_emulator_answers_the_recorded_sequence_as_kube_apiserver_1_36_did() {
    if !kubectl_found() {
        return;
    }
    let text = std::fs::read_to_string(FIXTURE).expect("fixture readable");
    let fixture: Fixture = serde_saphyr::from_str(&text).expect("fixture parses");
    let env = Env::start();
    let mut failures = Vec::new();
    for (i, step) in fixture.steps.iter().enumerate() {
        let user = step.user.as_deref().unwrap_or("admin");
        let (program, out) = match (&step.kubectl, &step.istioctl) {
            (Some(args), None) => (
                format!("kubectl {}", args.join(" ")),
                env.kubectl(user, args, step.stdin.as_deref()),
            ),
            (None, Some(args)) => (
                format!("istioctl {}", args.join(" ")),
                env.istioctl(user, args, step.stdin.as_deref()),
            ),
            _ => panic!("step {} must name exactly one of kubectl, istioctl", i + 1),
        };
        for diff in differences(step, &out) {
            failures.push(format!("step {} ({program}, as {user}): {diff}", i + 1));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The inventory of a namespace as the administrator sees it: kinds and names.
fn names(env: &Env, namespace: &str) -> String {
    let out = env.kubectl(
        "admin",
        &[
            "get".into(),
            "deployments,services,configmaps,serviceaccounts".into(),
            "-n".into(),
            namespace.into(),
            "-o".into(),
            "name".into(),
        ],
        None,
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_rendered_object_the_server_rejects_fails_the_install() {
    if !kubectl_found() {
        return;
    }
    let env = Env::start();
    let out = env.istioctl(
        "admin",
        &strings(&[
            "install",
            "-y",
            "--set",
            "profile=minimal",
            "--set",
            "values.pilot.podLabels.tier=bad value",
        ]),
        None,
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        unwrapped(&text(&out)).contains(
            "Deployment.apps \"istiod\" is invalid: spec.template.metadata.labels: Invalid value: \"bad value\""
        ),
        "{}",
        text(&out)
    );
    assert!(!names(&env, "istio-system").contains("deployment.apps/istiod"));
}

#[test]
fn a_restricted_users_install_is_refused_before_anything_is_written() {
    if !kubectl_found() {
        return;
    }
    let env = Env::start();
    let out = env.istioctl(
        "alice",
        &strings(&["install", "-y", "--set", "profile=minimal"]),
        None,
    );
    assert!(!out.status.success(), "{}", text(&out));
    // Refused by the prechecks, each missing permission named, before anything is written.
    let said = unwrapped(&text(&out));
    assert!(
        said.contains("refusing to install: the prechecks found 14 problem(s)"),
        "{said}"
    );
    assert!(
        said.contains("Error [IST0141] Not allowed to create namespaces"),
        "{said}"
    );
    let crds = env.kubectl("admin", &strings(&["get", "crds", "-o", "name"]), None);
    assert_eq!(String::from_utf8_lossy(&crds.stdout), "");
    assert_eq!(names(&env, "istio-system"), "");
}

#[test]
fn precheck_reports_each_missing_permission_as_a_finding() {
    if !kubectl_found() {
        return;
    }
    let env = Env::start();
    // alice may create what a namespace-scoped Role grants in istio-system, nothing else.
    for args in [
        &["create", "namespace", "istio-system"][..],
        &[
            "create",
            "role",
            "installer",
            "--verb=create",
            "--resource=configmaps,services,serviceaccounts,deployments.apps",
            "-n",
            "istio-system",
        ],
        &[
            "create",
            "rolebinding",
            "installer",
            "--role=installer",
            "--user=alice",
            "-n",
            "istio-system",
        ],
    ] {
        let out = env.kubectl("admin", &strings(args), None);
        assert!(out.status.success(), "{}", text(&out));
    }
    let out = env.istioctl("alice", &strings(&["x", "precheck"]), None);
    assert!(!out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for missing in [
        "customresourcedefinitions.apiextensions.k8s.io",
        "clusterroles.rbac.authorization.k8s.io",
        "poddisruptionbudgets.policy in namespace istio-system",
    ] {
        let line = format!(
            "Error [IST0141] Not allowed to create {missing}: the cluster's RBAC denies it"
        );
        assert!(stdout.lines().any(|l| l == line), "{line}:\n{stdout}");
    }
    for granted in [
        "deployments.apps in namespace istio-system",
        "configmaps in namespace istio-system",
    ] {
        assert!(!stdout.contains(granted), "{granted}:\n{stdout}");
    }
}

/// The fixture lists kinds and fields only through kubectl: keep it readable from here.
#[test]
fn the_fixture_parses() {
    let text = std::fs::read_to_string(Path::new(FIXTURE)).expect("fixture readable");
    let fixture: Fixture = serde_saphyr::from_str(&text).expect("fixture parses");
    assert!(fixture.steps.len() > 20);
}
