//! `istioctl analyze` end to end, against the built binary: output formats (golden files under
//! `tests/golden/analyze/`, rewritten with `UPDATE_GOLDEN=1`), exit codes and thresholds,
//! namespaces, suppression, stdin, line numbers, and inputs that are not what they should be.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const MESH: &str = "tests/fixtures/analyze/cli/mesh";
const BAD: &str = "tests/fixtures/analyze/cli/bad";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `istioctl analyze --use-kube=false --analyzer service.PortNameAnalyzer ARGS`, run from the
/// project root with colors left to auto-detection. One analyzer keeps the goldens stable while
/// analyzers are added.
fn analyze(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("istioctl").expect("binary");
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove(istioctl::cmd::analyze::PARSE_ONLY_ENV)
        .args([
            "analyze",
            "--use-kube=false",
            "--analyzer",
            "service.PortNameAnalyzer",
        ])
        .args(args);
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("run istioctl");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Compares `actual` with `tests/golden/analyze/NAME`, or rewrites it under `UPDATE_GOLDEN=1`.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden/analyze").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
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

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// `(origin, reference)` of each finding of a JSON output.
fn origins(stdout: &str) -> Vec<(String, String)> {
    json(stdout)
        .as_array()
        .expect("array")
        .iter()
        .map(|m| {
            (
                m["origin"].as_str().unwrap_or_default().to_owned(),
                m["reference"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn golden_outputs_for_every_format() {
    for (format, ext) in [
        ("log", "log"),
        ("json", "json"),
        ("yaml", "yaml"),
        ("sarif", "sarif"),
    ] {
        let r = run(analyze(&["-A", "-o", format, MESH]));
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        golden(&format!("mesh.{ext}"), &r.stdout);
    }
}

#[test]
fn json_and_yaml_hold_exactly_the_documented_fields() {
    let r = run(analyze(&["-A", "-o", "json", MESH]));
    let all = json(&r.stdout);
    let items = all.as_array().expect("array");
    assert!(!items.is_empty());
    for m in items {
        let keys: Vec<&str> = m
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "code",
                "level",
                "origin",
                "reference",
                "message",
                "documentationUrl",
                "hint"
            ]
        );
    }
    let y = run(analyze(&["-A", "-o", "yaml", MESH]));
    let from_yaml: Value = serde_saphyr::from_str(&y.stdout).expect("YAML");
    assert_eq!(from_yaml, all, "yaml and json carry the same records");
}

#[test]
fn findings_point_at_the_fields_lines() {
    let r = run(analyze(&["-A", "-o", "json", MESH]));
    let mesh = |f: &str| format!("{MESH}/{f}");
    assert_eq!(
        origins(&r.stdout),
        vec![
            ("Service default/frontend".into(), mesh("services.yaml:32")),
            ("Service payments/billing".into(), mesh("services.yaml:44")),
            ("Service shop/cart".into(), mesh("services.yaml:20")),
            ("Service shop/cart".into(), mesh("services.yaml:16")),
            (
                "Service shop/inventory".into(),
                mesh("nested/inventory.json:7")
            ),
            ("Service shop/ratings".into(), mesh("list.yaml:20")),
        ]
    );
}

#[test]
fn without_all_namespaces_only_the_selected_namespace_is_reported() {
    let r = run(analyze(&["-o", "json", MESH]));
    assert_eq!(r.code, 0);
    let found: Vec<String> = origins(&r.stdout).into_iter().map(|o| o.0).collect();
    assert_eq!(found, ["Service default/frontend"]);
    let r = run(analyze(&["-n", "payments", "-o", "json", MESH]));
    let found: Vec<String> = origins(&r.stdout).into_iter().map(|o| o.0).collect();
    assert_eq!(
        found,
        ["Service payments/billing", "Service payments/frontend"]
    );
    // A resource without namespace takes -n.
    let r = run(analyze(&["-n", "shop", "-o", "json", MESH]));
    let found: Vec<String> = origins(&r.stdout).into_iter().map(|o| o.0).collect();
    assert_eq!(
        found,
        [
            "Service shop/cart",
            "Service shop/cart",
            "Service shop/frontend",
            "Service shop/inventory",
            "Service shop/ratings"
        ]
    );
}

#[test]
fn clean_runs_say_so_on_stderr_and_exit_zero() {
    let list = format!("{MESH}/list.yaml");
    let r = run(analyze(&["-n", "nowhere", &list]));
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
    assert!(r
        .stderr
        .contains("\u{2714} No validation issues found when analyzing namespace: nowhere."));
    let r = run(analyze(&["-A", "--output-threshold", "Error", MESH]));
    assert!(r
        .stderr
        .contains("\u{2714} No validation issues found when analyzing all namespaces."));
    for format in ["json", "sarif"] {
        let r = run(analyze(&["-n", "nowhere", "-o", format, &list]));
        assert_eq!(r.code, 0);
        json(&r.stdout);
    }
    let r = run(analyze(&["-n", "nowhere", "-o", "yaml", &list]));
    assert_eq!(r.stdout, "[]\n");
}

#[test]
fn failure_threshold_sets_exit_79_in_every_format() {
    for format in ["log", "json", "yaml", "sarif"] {
        // IST0118 is Info.
        for (threshold, code) in [("Info", 79), ("Warning", 0), ("Error", 0)] {
            let r = run(analyze(&[
                "-A",
                "-o",
                format,
                "--failure-threshold",
                threshold,
                MESH,
            ]));
            assert_eq!(r.code, code, "{format} {threshold}: {}", r.stderr);
            if code == 79 {
                assert!(r.stderr.contains("Analyzers found issues"), "{}", r.stderr);
            }
        }
    }
    // The exit code follows all findings, the output only those over --output-threshold.
    let r = run(analyze(&[
        "-A",
        "-o",
        "json",
        "--failure-threshold",
        "Info",
        "--output-threshold",
        "Error",
        MESH,
    ]));
    assert_eq!(r.code, 79);
    assert_eq!(json(&r.stdout), Value::Array(vec![]));
}

#[test]
fn output_threshold_filters_what_is_printed() {
    let r = run(analyze(&["-A", "--output-threshold", "Warning", MESH]));
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
    let r = run(analyze(&["-A", "--output-threshold", "info", MESH]));
    assert!(r.stdout.contains("Info [IST0118]"));
}

#[test]
fn suppression_by_flag_with_wildcards_and_by_annotation() {
    let count = |args: &[&str]| {
        let mut all = vec!["-A", "-o", "json"];
        all.extend_from_slice(args);
        all.push(MESH);
        let r = run(analyze(&all));
        assert_eq!(r.code, 0, "{}", r.stderr);
        origins(&r.stdout)
    };
    let base = count(&[]);
    assert_eq!(base.len(), 6);
    assert!(
        !base.iter().any(|o| o.0.contains("quiet")),
        "the annotation suppresses IST0118 for Service shop/quiet"
    );
    let no_cart = count(&["-S", "IST0118=Service cart.shop"]);
    assert_eq!(no_cart.len(), 4);
    assert!(!no_cart.iter().any(|o| o.0 == "Service shop/cart"));
    let no_shop = count(&["--suppress", "IST0118=Service *.shop"]);
    assert_eq!(no_shop.len(), 2);
    let slash_form = count(&["-S", "IST0118=Service shop/*"]);
    assert_eq!(slash_form, no_shop);
    let repeated = count(&[
        "-S",
        "IST0118=Service *.shop",
        "-S",
        "IST0118=Service frontend.default",
    ]);
    assert_eq!(repeated, vec![base[1].clone()]);
    assert!(count(&["-S", "IST0118=*"]).is_empty());
    assert_eq!(
        count(&["-S", "IST0118=Pod *"]).len(),
        6,
        "other kinds untouched"
    );
}

#[test]
fn unknown_suppression_codes_warn_and_malformed_ones_are_usage_errors() {
    let r = run(analyze(&["-A", "-S", "IST9999=Pod x", MESH]));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("Warning: Supplied message code 'IST9999' is an unknown message code"),
        "{}",
        r.stderr
    );
    let r = run(analyze(&["-A", "-S", "IST0118", MESH]));
    assert_eq!(r.code, 64);
    assert!(r.stderr.contains("not a valid suppression"), "{}", r.stderr);
}

#[test]
fn stdin_is_read_with_dash() {
    let text = std::fs::read_to_string(root().join(MESH).join("services.yaml")).expect("fixture");
    let mut cmd = analyze(&["-A", "-o", "json", "-"]);
    cmd.write_stdin(text);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = origins(&r.stdout);
    assert_eq!(found.len(), 4);
    assert_eq!(found[3], ("Service shop/cart".into(), "-:16".into()));
}

#[test]
fn directories_skip_other_extensions_with_a_note() {
    let r = run(analyze(&["-A", MESH]));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains(&format!(
            "Note: skipping {MESH}/README.txt: not a .yaml, .yml or .json file"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn list_analyzers_prints_names_and_descriptions() {
    let mut cmd = Command::cargo_bin("istioctl").expect("binary");
    let r = run({
        cmd.args(["analyze", "-L"]);
        cmd
    });
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("Available analyzers:\n"));
    assert!(r.stdout.contains("* service.PortNameAnalyzer:\n    Checks"));
}

#[test]
fn usage_errors_exit_64() {
    for args in [
        &["--output-threshold", "Severe", MESH][..],
        &["--failure-threshold", "", MESH][..],
        &["--no-such-flag"][..],
        &["-o", "xml", MESH][..],
        &["--color=sometimes", MESH][..],
        &["--timeout", "soon", MESH][..],
        &["-S", "IST0118", MESH][..],
        &["-S", "IST0118=", MESH][..],
        &["--remote-contexts", "east", MESH][..],
    ] {
        let r = run(analyze(args));
        assert_eq!(r.code, 64, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty());
    }
    // Other commands' usage errors too: an unknown command, flag or value.
    for args in [
        &["no-such-command"][..],
        &["manifest", "generate", "--no-such-flag"][..],
        &["version", "--remote=maybe"][..],
        &["validate", "--bogus"][..],
    ] {
        let out = Command::cargo_bin("istioctl")
            .expect("binary")
            .args(args)
            .output()
            .expect("run istioctl");
        assert_eq!(out.status.code(), Some(64), "{args:?}");
    }
    let r = run(analyze(&["--analyzer", "service.PortNameAnalyser", MESH]));
    assert_eq!(r.code, 64);
    assert!(
        r.stderr
            .contains("did you mean \"service.PortNameAnalyzer\"?"),
        "{}",
        r.stderr
    );
}

#[test]
fn color_flag_follows_istioctl_and_auto_is_off_in_a_pipe() {
    let plain = run(analyze(&["-A", MESH]));
    assert!(!plain.stdout.contains('\x1b'));
    assert!(!plain.stdout.contains("╭─["), "no code frames in a pipe");
    for flag in ["--color", "--color=true", "--color=always"] {
        let r = run(analyze(&["-A", flag, MESH]));
        assert_eq!(r.code, 0, "{flag}: {}", r.stderr);
        assert!(r.stdout.contains("\x1b["), "{flag}");
    }
    for flag in ["--color=false", "--color=never", "--color=auto"] {
        let r = run(analyze(&["-A", flag, MESH]));
        assert_eq!(r.code, 0, "{flag}: {}", r.stderr);
        assert_eq!(r.stdout, plain.stdout, "{flag}");
    }
}

#[test]
fn bad_documents_are_reported_with_lines_and_the_rest_is_analyzed() {
    let r = run(analyze(&["-A", "-o", "json", BAD]));
    assert_eq!(r.code, 65, "{}", r.stderr);
    let found = origins(&r.stdout);
    assert_eq!(
        found,
        vec![
            (
                "Service shop/neighbour".into(),
                format!("{BAD}/good.yaml:8")
            ),
            (
                "Service shop/survivor".into(),
                format!("{BAD}/mixed.yaml:30")
            ),
        ]
    );
    golden("bad.stderr", &r.stderr);
    for expected in [
        "mixed.yaml:2: the document is not an object (found a list)",
        "mixed.yaml:5: the document is not an object (found a string)",
        "mixed.yaml:7: the resource has no kind",
        "mixed.yaml:11: the Service has no metadata.name",
        "mixed.yaml:21: invalid YAML",
    ] {
        assert!(
            r.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            r.stderr
        );
    }
    // --ignore-unknown: the errors are still shown, the exit code no longer says so.
    let r = run(analyze(&["-A", "-o", "json", "--ignore-unknown", BAD]));
    assert_eq!(r.code, 0);
    assert_eq!(origins(&r.stdout).len(), 2);
    // Findings over the threshold win over load errors: 79.
    let r = run(analyze(&["-A", "--failure-threshold", "Info", BAD]));
    assert_eq!(r.code, 79);
    // A file that does not exist: 1, as istioctl (which stops at once).
    let r = run(analyze(&["-A", "no/such/file.yaml", BAD]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no/such/file.yaml: cannot read file"),
        "{}",
        r.stderr
    );
}

#[test]
fn exit_codes_in_every_format() {
    let unparsable = format!("{BAD}/mixed.yaml");
    let good = format!("{BAD}/good.yaml");
    for format in ["log", "json", "yaml", "sarif"] {
        let code = |args: &[&str]| {
            let mut all = vec!["-A", "-o", format];
            all.extend_from_slice(args);
            let r = run(analyze(&all));
            (r.code, r.stderr)
        };
        // Clean.
        assert_eq!(code(&[&good]).0, 0, "{format}");
        // A finding at the failure threshold: 79, also with an unparseable file alongside.
        assert_eq!(
            code(&["--failure-threshold", "Info", &good]).0,
            79,
            "{format}"
        );
        assert_eq!(
            code(&["--failure-threshold", "Info", &good, &unparsable]).0,
            79,
            "{format}"
        );
        // An input that cannot be parsed: 65.
        let (c, stderr) = code(&[&unparsable]);
        assert_eq!(c, 65, "{format}: {stderr}");
        // One that cannot be read: 1.
        assert_eq!(code(&["no/such/file.yaml", &good]).0, 1, "{format}");
        // A usage error: 64.
        assert_eq!(
            code(&["--failure-threshold", "Fatal", &good]).0,
            64,
            "{format}"
        );
        // --ignore-unknown: the inputs that could not be used do not decide the code.
        assert_eq!(code(&["--ignore-unknown", &unparsable]).0, 0, "{format}");
    }
}

#[test]
fn a_clean_run_after_an_unparseable_input_says_so() {
    let unparsable = format!("{BAD}/mixed.yaml");
    let r = run(analyze(&["-n", "nowhere", &unparsable]));
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.ends_with(
            "No validation issues found when analyzing namespace: nowhere (but 1 file could not be parsed).\n"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains('\u{2714}'), "{}", r.stderr);
    let r = run(analyze(&["-n", "nowhere", "no/such/file.yaml"]));
    assert!(
        r.stderr.ends_with(
            "No validation issues found when analyzing namespace: nowhere (but 1 file could not be read).\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn verbose_lists_executed_and_skipped_analyzers() {
    let r = run(analyze(&["-A", "-v", MESH]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Executed analyzers (1):\n\tservice.PortNameAnalyzer\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("\tsidecar.SelectorAnalyzer: not selected by --analyzer\n"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("README.txt"), "{}", r.stderr);
    // Nothing of it on stdout, and nothing without -v.
    let quiet = run(analyze(&["-A", MESH]));
    assert_eq!(r.stdout, quiet.stdout);
    assert!(!quiet.stderr.contains("Executed analyzers"));
}

#[test]
fn short_flags_of_istioctl() {
    // -k is --use-kube; -r a revision (which, without a cluster, names the injector read).
    let mut cmd = Command::cargo_bin("istioctl").expect("binary");
    cmd.current_dir(root()).args([
        "analyze",
        "-k=false",
        "--analyzer",
        "service.PortNameAnalyzer",
        "-A",
        "-r",
        "canary",
        "-o",
        "json",
        MESH,
    ]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(origins(&r.stdout).len(), 6);
}

const SECRETS: &str = "tests/fixtures/analyze/cli/secrets";

/// The values of the Secrets of `tests/fixtures/analyze/cli/secrets/`, which no output may show.
const SECRET_VALUES: [&str; 6] = [
    "admin-user-7",
    "correct-horse-battery",
    "opaque-token-42",
    "c3VwZXItc2VjcmV0LWtleQ",
    "super-secret-key",
    "json-secret-99",
];

fn assert_no_secret(what: &str, text: &str) {
    for value in SECRET_VALUES {
        assert!(!text.contains(value), "{what} shows {value:?}:\n{text}");
    }
}

#[test]
fn secret_values_never_reach_any_output() {
    for format in ["log", "json", "yaml", "sarif"] {
        for color in ["--color=never", "--color=always"] {
            let r = run(analyze(&["-A", "-o", format, color, SECRETS]));
            assert_eq!(r.code, 65, "{format}: {}", r.stderr);
            assert_no_secret(&format!("{format} stdout"), &r.stdout);
            assert_no_secret(&format!("{format} stderr"), &r.stderr);
        }
    }
    // The code frame of the broken Secret shows its lines, masked.
    let r = run(analyze(&["-A", "--color=never", SECRETS]));
    assert!(
        r.stderr.contains("password: *********************"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("token: ****************"), "{}", r.stderr);
}

#[test]
fn a_findings_code_frame_masks_a_neighbouring_secret() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: `script` (util-linux) is needed to run under a terminal");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("istioctl");
    let command = format!(
        "{} analyze --use-kube=false --analyzer service.PortNameAnalyzer -A --color=never {SECRETS}/next-to-a-finding.yaml",
        bin.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script");
    if !out.status.success() {
        eprintln!(
            "SKIPPED: `script` could not run a pseudo-terminal here: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[IST0118]"), "{text}");
    assert_no_secret("the terminal", &text);
}

/// A Service with one unconventional port name, as a YAML document.
fn service(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  ports:\n  - name: odd\n    port: 80\n"
    )
}

/// Writes `bytes` between two good documents into a temporary file; returns its directory
/// (kept alive by the caller) and path.
fn sandwich(middle: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("input.yaml");
    let mut bytes = service("before").into_bytes();
    bytes.extend_from_slice(b"---\n");
    bytes.extend_from_slice(middle);
    bytes.extend_from_slice(b"\n---\n");
    bytes.extend_from_slice(service("after").as_bytes());
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

/// Runs analyze on a sandwich; checks both good documents were analyzed and the bad one
/// reported at `line` with `words`, within `limit`; returns stderr.
fn check_sandwich(middle: &[u8], line: u32, words: &str, limit: Duration) -> String {
    let (_dir, path) = sandwich(middle);
    let path = path.to_string_lossy().into_owned();
    let started = Instant::now();
    let r = run(analyze(&["-A", "-o", "json", &path]));
    let took = started.elapsed();
    assert_eq!(r.code, 65, "{}", r.stderr);
    let found: Vec<String> = origins(&r.stdout).into_iter().map(|o| o.0).collect();
    assert_eq!(
        found,
        ["Service shop/after", "Service shop/before"],
        "{}",
        r.stderr
    );
    let place = format!("{path}:{line}: ");
    assert!(r.stderr.contains(&place), "no {place:?} in\n{}", r.stderr);
    assert!(r.stderr.contains(words), "no {words:?} in\n{}", r.stderr);
    assert!(took < limit, "took {took:?}");
    r.stderr
}

/// Time allowed for hostile inputs: the bound is for an optimized build; an unoptimized test
/// build gets more room.
fn limit(release: u64) -> Duration {
    Duration::from_secs(if cfg!(debug_assertions) {
        release * 5
    } else {
        release
    })
}

#[test]
fn alias_bombs_fail_fast() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    check_sandwich(bomb.as_bytes(), 19, "alias bomb", limit(1));
}

#[test]
fn ten_thousand_levels_of_nesting_fail_fast() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    check_sandwich(deep.as_bytes(), 11, "invalid YAML", limit(1));
    let deep_map = "a: ".to_owned() + &"{a: ".repeat(10_000) + &"}".repeat(10_000);
    check_sandwich(deep_map.as_bytes(), 11, "invalid YAML", limit(1));
}

#[test]
fn non_utf8_bytes_spoil_only_their_document() {
    let stderr = check_sandwich(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
        14,
        "not valid UTF-8 (byte 0xE9)",
        limit(1),
    );
    assert!(
        stderr.contains("name: caf?"),
        "code frame shows the line:\n{stderr}"
    );
}

#[test]
fn a_fifty_megabyte_document_is_refused_quickly() {
    let mut big = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n");
    let line = format!("  k{}: {}\n", "x", "y".repeat(100));
    while big.len() < 50 << 20 {
        big.push_str(&line);
    }
    check_sandwich(big.as_bytes(), 11, "over the 16 MiB limit", limit(2));
}

/// Validates SARIF logs against OASIS's SARIF 2.1.0 JSON schema (a copy of the errata01
/// schema is in the fixtures) with Python's `jsonschema`, which `scripts/test` installs along
/// with kubernetes-validate. Skipped, saying so, where Python or jsonschema are missing.
fn validate_sarif(logs: &[&str]) {
    let has_jsonschema = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_jsonschema {
        eprintln!(
            "SKIPPED: python3 with jsonschema is needed to validate SARIF against its schema"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    for (i, log) in logs.iter().enumerate() {
        let path = dir.path().join(format!("{i}.sarif"));
        std::fs::write(&path, log).expect("write");
        paths.push(path.to_string_lossy().into_owned());
    }
    let schema = root().join("tests/fixtures/analyze/cli/sarif-schema-2.1.0.json");
    let script = "import json, sys, jsonschema\nschema = json.load(open(sys.argv[1]))\nfor p in sys.argv[2:]:\n    jsonschema.validate(json.load(open(p)), schema)\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .args(&paths)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "SARIF does not validate:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sarif_has_rules_results_and_locations_and_validates() {
    let r = run(analyze(&["-A", "-o", "sarif", MESH]));
    let log = json(&r.stdout);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("sarif-2.1.0")));
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "istioctl");
    assert!(driver["version"].is_string() && driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["IST0118"], "one rule per code used");
    let rule = &rules[0];
    assert_eq!(rule["name"], "PortNameIsNotUnderNamingConvention");
    assert_eq!(rule["defaultConfiguration"]["level"], "note");
    assert!(rule["shortDescription"]["text"].is_string() && rule["helpUri"].is_string());
    let results = runs[0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    for result in results {
        assert_eq!(result["ruleId"], "IST0118");
        assert_eq!(result["level"], "note");
        assert!(result["message"]["text"].is_string());
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with(MESH), "relative path as given: {uri}");
        assert!(physical["region"]["startLine"]
            .as_u64()
            .is_some_and(|l| l > 0));
    }
    let bad = run(analyze(&["-A", "-o", "sarif", BAD]));
    assert_eq!(bad.code, 65);
    let bad_log = json(&bad.stdout);
    let invocation = &bad_log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    validate_sarif(&[&r.stdout, &bad.stdout]);
}

#[test]
fn a_terminal_gets_code_frames() {
    // util-linux's `script` gives the command a pseudo-terminal.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: `script` (util-linux) is needed to run under a terminal");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("istioctl");
    let command = format!(
        "{} analyze --use-kube=false --analyzer service.PortNameAnalyzer -A --color=never {MESH}/list.yaml",
        bin.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script");
    if !out.status.success() {
        eprintln!(
            "SKIPPED: `script` could not run a pseudo-terminal here: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("╭─[{MESH}/list.yaml:20:5]")),
        "{text}"
    );
    assert!(text.contains("20 │     - name: api"), "{text}");
}

#[test]
fn a_long_list_is_located_in_one_pass() {
    // `kubectl get svc -A -o yaml` makes one List document; every finding in it must not
    // re-read the whole document.
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s{i}\n    namespace: shop\n  spec:\n    ports:\n    - name: odd\n      port: 80\n"
        ));
    }
    let mut cmd = analyze(&["-A", "-o", "json", "-"]);
    cmd.write_stdin(text);
    let started = Instant::now();
    let r = run(cmd);
    let took = started.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = origins(&r.stdout);
    assert_eq!(found.len(), 5000);
    assert!(found.contains(&("Service shop/s4999".into(), "-:45002".into())));
    assert!(found.contains(&("Service shop/s0".into(), "-:11".into())));
    assert!(took < limit(2), "took {took:?}");
}
