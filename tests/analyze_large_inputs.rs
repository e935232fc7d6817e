//! `istioctl analyze` on one generated multi-MB stream with hundreds of bad documents (the
//! shape of `helm template` output or a `kubectl get -o yaml` dump): every bad document is
//! reported with its line and a code frame of its own lines, in file order; past
//! `--max-diagnostics` the rest are counted in one line; SARIF lists every one. Only the
//! output is asserted: how long it takes is measured by `benches/analyze.sh`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// One document that cannot be loaded: its 1-based line and the message analyze gives.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    line: u32,
    message: String,
}

const NO_KIND: &str = "the resource has no kind; add `kind:` (e.g. `kind: Deployment`)";
const NOT_YAML: &str = "invalid YAML: unclosed bracket '['";
const NOT_MAPPING: &str = "the document is not an object (found a list); a Kubernetes resource is a mapping with apiVersion, kind and metadata";

/// A stream of `n` ConfigMaps, one in 25 spoilt (in turn: no kind, not YAML, not a mapping),
/// then a List of 100 items, one in 10 without kind. Returns the text and its bad documents in
/// order.
fn generate(n: usize) -> (String, Vec<Expected>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut line = 1u32;
    let push = |text: &mut String, line: &mut u32, body: &str| {
        text.push_str(body);
        *line += body.matches('\n').count() as u32;
    };
    let pad = "x".repeat(200);
    for i in 0..n {
        let start = line;
        let (kind, open, prefix) = match (i % 25 == 12).then_some((i / 25) % 3) {
            Some(0) => {
                expected.push(Expected {
                    line: start,
                    message: NO_KIND.to_owned(),
                });
                ("", "", "")
            }
            Some(1) => {
                // The last line opens a flow sequence that the document never closes.
                expected.push(Expected {
                    line: start + 9,
                    message: NOT_YAML.to_owned(),
                });
                ("kind: ConfigMap\n", "[", "")
            }
            Some(_) => {
                expected.push(Expected {
                    line: start,
                    message: NOT_MAPPING.to_owned(),
                });
                ("kind: ConfigMap\n", "", "- ")
            }
            None => ("kind: ConfigMap\n", "", ""),
        };
        let body = format!(
            "apiVersion: v1\n{kind}metadata:\n  name: cm-{i}\n  namespace: default\n  labels:\n    app: web\ndata:\n  key: value-{i}\n  pad: {open}{pad}\n"
        );
        let body = if prefix.is_empty() {
            body
        } else {
            let mut lines = body.lines();
            let first = lines.next().unwrap_or_default();
            let rest: String = lines.map(|l| format!("  {l}\n")).collect();
            format!("- {first}\n{rest}")
        };
        push(&mut text, &mut line, &body);
        push(&mut text, &mut line, "---\n");
    }
    push(&mut text, &mut line, "apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..100 {
        let start = line;
        let kind = if i % 10 == 3 {
            expected.push(Expected {
                line: start,
                message: NO_KIND.to_owned(),
            });
            ""
        } else {
            "  kind: ConfigMap\n"
        };
        let item = format!(
            "- apiVersion: v1\n{kind}  metadata:\n    name: item-{i}\n    namespace: default\n"
        );
        push(&mut text, &mut line, &item);
    }
    (text, expected)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn analyze(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::cargo_bin("istioctl").expect("binary");
    cmd.env_remove(istioctl::cmd::analyze::PARSE_ONLY_ENV)
        .args(["analyze", "--use-kube=false", "-A"])
        .args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_owned());
    }
    let out = cmd.output().expect("run istioctl");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `FILE:LINE: message` headers of the diagnostics on stderr, in order.
fn headers(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  × "))
        .map(str::to_owned)
        .collect()
}

fn expected_headers(file: &str, expected: &[Expected]) -> Vec<String> {
    expected
        .iter()
        .map(|e| format!("{file}:{}: {}", e.line, e.message))
        .collect()
}

/// Every shown diagnostic's frame holds its own line, numbered.
fn assert_frames(stderr: &str, text: &str, shown: &[Expected]) {
    let lines: Vec<&str> = text.lines().collect();
    for e in shown {
        let source = lines[e.line as usize - 1];
        let numbered = format!("{} │ {source}", e.line);
        assert!(
            stderr.contains(&numbered),
            "no frame line {numbered:?} in stderr"
        );
    }
}

fn summary(hidden: usize, file: &str) -> String {
    format!("... and {hidden} more input errors in {file}, not shown (--max-diagnostics=0 prints them all; -o sarif lists each one)")
}

/// istioctl's exit code when an input could not be parsed.
const UNPARSED: i32 = 65;

#[test]
fn many_bad_documents_in_one_large_stream() {
    let (text, expected) = generate(12_000);
    assert!(text.len() > 3_000_000, "{} bytes", text.len());
    assert_eq!(expected.len(), 490);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, &text).expect("write input");
    let file = path.display().to_string();
    let all = expected_headers(&file, &expected);
    let clean =
        "No validation issues found when analyzing all namespaces (but 1 file could not be parsed).";

    // By default: the first 50 with code frames, then one line counting the rest.
    let run = analyze(&["-o", "json", &file], None);
    assert_eq!(run.code, UNPARSED, "{}", run.stderr);
    assert_eq!(run.stdout, "[]\n");
    assert_eq!(headers(&run.stderr), all[..50]);
    assert_frames(&run.stderr, &text, &expected[..50]);
    let tail: Vec<&str> = run.stderr.lines().rev().take(2).collect();
    assert_eq!(tail, [clean, summary(440, &file).as_str()]);

    // Every one, with frames read from the end of the file as well.
    let run = analyze(&["-o", "json", "--max-diagnostics=0", &file], None);
    assert_eq!(run.code, UNPARSED);
    assert_eq!(headers(&run.stderr), all);
    assert_frames(&run.stderr, &text, &expected);
    assert!(!run.stderr.contains("more input error"), "{}", run.stderr);

    let run = analyze(&["-o", "json", "--max-diagnostics", "7", &file], None);
    assert_eq!(headers(&run.stderr), all[..7]);
    assert!(run.stderr.contains(&summary(483, &file)));

    // SARIF carries every one as a tool execution notification.
    let run = analyze(&["-o", "sarif", &file], None);
    assert_eq!(run.code, UNPARSED);
    let log: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications: Vec<(u64, String)> = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|n| {
            let place = &n["locations"][0]["physicalLocation"];
            assert_eq!(place["artifactLocation"]["uri"], path_uri(&path));
            (
                place["region"]["startLine"].as_u64().unwrap_or(0),
                n["message"]["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let want: Vec<(u64, String)> = expected
        .iter()
        .map(|e| (u64::from(e.line), e.message.clone()))
        .collect();
    assert_eq!(notifications, want);
}

#[test]
fn many_bad_documents_on_stdin() {
    let (text, expected) = generate(3_000);
    let run = analyze(&["-o", "yaml", "-"], Some(&text));
    assert_eq!(run.code, UNPARSED);
    assert_eq!(run.stdout, "[]\n");
    assert_eq!(headers(&run.stderr), expected_headers("-", &expected)[..50]);
    assert_frames(&run.stderr, &text, &expected[..50]);
    assert!(run.stderr.contains(&summary(expected.len() - 50, "-")));
}

/// The SARIF URI of an absolute path (as `istio_analysis::output::sarif::path_uri` writes it).
fn path_uri(path: &Path) -> String {
    istio_analysis::output::sarif::path_uri(&path.display().to_string())
}
