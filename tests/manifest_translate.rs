//! `manifest translate` through the binary: for each of our fixtures, the exact values files
//! written (names and contents, in `tests/golden/translate/CASE/`, rewritten with
//! `UPDATE_GOLDEN=1`), the Helm commands printed, the settings reported, and the errors.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn istioctl() -> Command {
    Command::cargo_bin("istioctl").expect("the istioctl binary is built")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/translate")
        .join(name)
        .display()
        .to_string()
}

/// Compares `actual` with `tests/golden/translate/CASE/NAME`, or rewrites it under
/// `UPDATE_GOLDEN=1`.
fn golden(case: &str, name: &str, actual: &str) {
    let dir = root().join("tests/golden/translate").join(case);
    let path = dir.join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(&dir).expect("create golden dir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == actual,
        "{} differs (UPDATE_GOLDEN=1 rewrites it)\n--- want\n{want}\n--- got\n{actual}",
        path.display()
    );
}

/// The files of `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `manifest translate ARGS -o TMP`; checks the files written, stdout (with the
/// directory shown as `OUT`) and stderr against the goldens of `case`.
fn translate(case: &str, args: &[&str], written: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("helm");
    let out = istioctl()
        .args(["manifest", "translate"])
        .args(args)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{case}: {stderr}");
    assert_eq!(files(&out_dir), written, "{case}");
    for name in written {
        let text = std::fs::read_to_string(out_dir.join(name)).unwrap();
        golden(case, name, &text);
    }
    let stdout =
        String::from_utf8_lossy(&out.stdout).replace(&out_dir.display().to_string(), "OUT");
    golden(case, "stdout.txt", &stdout);
    golden(case, "stderr.txt", &stderr);
}

#[test]
fn default_profile() {
    translate(
        "default",
        &[],
        &["base.yaml", "istio-ingressgateway.yaml", "istiod.yaml"],
    );
}

#[test]
fn demo_profile() {
    translate(
        "demo",
        &["--set", "profile=demo"],
        &[
            "base.yaml",
            "istio-egressgateway.yaml",
            "istio-ingressgateway.yaml",
            "istiod.yaml",
        ],
    );
}

#[test]
fn ambient_profile() {
    translate(
        "ambient",
        &["--set", "profile=ambient"],
        &["base.yaml", "istio-cni.yaml", "istiod.yaml", "ztunnel.yaml"],
    );
}

#[test]
fn a_revision() {
    translate(
        "revision",
        &[
            "-r",
            "canary",
            "--set",
            "values.pilot.env.EXTERNAL_ISTIOD=false",
        ],
        &[
            "base.yaml",
            "istio-ingressgateway.yaml",
            "istiod-canary.yaml",
        ],
    );
}

#[test]
fn k8s_settings_become_chart_values_or_are_reported() {
    translate(
        "k8s",
        &["-f", &fixture("k8s.yaml")],
        &[
            "base.yaml",
            "internal-gateway.yaml",
            "istio-ingressgateway.yaml",
            "istiod.yaml",
        ],
    );
}

#[test]
fn an_output_directory_is_required() {
    let out = istioctl()
        .args(["manifest", "translate", "--set", "profile=demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: the following required arguments were not provided:\n  --output <DIR>\n"
        ),
        "{stderr}"
    );
}

/// A diagnostic with line wrapping and box drawing undone.
fn flat(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).replace(['│', '╭', '╰', '─', '·', '┬', '×'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn bad_input_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("helm");
    for (args, want) in [
        (
            vec!["--set", "values.global.proxi.image=x"],
            "unknown value path values.global.proxi",
        ),
        (vec!["--set", "profile=demoo"], "unknown profile"),
        (
            vec!["--set", "installPackagePath=/charts"],
            "installPackagePath",
        ),
    ] {
        let out = istioctl()
            .args(["manifest", "translate"])
            .args(&args)
            .arg("-o")
            .arg(&out_dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = flat(&out.stderr);
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!out_dir.exists(), "{args:?}");
    }
    // A file where the directory should be.
    let file = dir.path().join("taken");
    std::fs::write(&file, "").unwrap();
    let out = istioctl()
        .args(["manifest", "translate", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = flat(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot create {}", file.display())),
        "{stderr}"
    );
}
