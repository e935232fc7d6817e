//! User rules (`--rules`): the example rules under `analyzers/rules/` on our fixtures, look-ups
//! of other resources, mistakes in rules reported at their lines while everything else runs,
//! selection, suppression, thresholds, and the json and SARIF formats.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const EXAMPLES: &str = "analyzers/rules";
const FIXTURES: &str = "tests/fixtures/rules/resources";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `istioctl analyze --use-kube=false -A ARGS` from the project root, with no default rule
/// directory of the user's in play.
fn analyze(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("istioctl").expect("binary");
    cmd.current_dir(root())
        .env(
            "XDG_CONFIG_HOME",
            root().join("tests/fixtures/rules/no-config"),
        )
        .env("NO_COLOR", "1")
        .args(["analyze", "--use-kube=false", "-A"])
        .args(args);
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = analyze(args).output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn example(name: &str) -> String {
    format!("{EXAMPLES}/{name}")
}

/// The findings of a `-o json` run: (code, origin, reference, message).
fn findings(stdout: &str) -> Vec<(String, String, String, String)> {
    let v: Value = serde_json::from_str(stdout).expect("json");
    v.as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("code"), s("origin"), s("reference"), s("message"))
        })
        .collect()
}

fn user_findings(stdout: &str) -> Vec<(String, String, String, String)> {
    findings(stdout)
        .into_iter()
        .filter(|f| f.0.starts_with("USR"))
        .collect()
}

fn tuple(
    code: &str,
    origin: &str,
    reference: &str,
    message: &str,
) -> (String, String, String, String) {
    (code.into(), origin.into(), reference.into(), message.into())
}

#[test]
fn virtualservice_timeout_example() {
    let r = run(&[
        "--rules",
        &example("virtualservice-timeout.yaml"),
        "--analyzer",
        "user.VirtualServiceTimeoutAnalyzer",
        "-o",
        "json",
        &fixture("timeouts.yaml"),
    ]);
    assert_eq!(
        user_findings(&r.stdout),
        vec![tuple(
            "USR0001",
            "VirtualService prod/reviews",
            &format!("{}:20", fixture("timeouts.yaml")),
            "VirtualService reviews routes HTTP without a timeout in 1 of its routes"
        )],
        "{}",
        r.stderr
    );
    // A Warning: under the default failure threshold (Error).
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn destinationrule_tls_example() {
    let r = run(&[
        "--rules",
        &example("destinationrule-tls.yaml"),
        "-o",
        "json",
        &fixture("tls.yaml"),
    ]);
    assert_eq!(
        user_findings(&r.stdout),
        vec![
            tuple(
                "USR0002",
                "DestinationRule default/one-port",
                &format!("{}:20", fixture("tls.yaml")),
                "DestinationRule one-port disables TLS to db"
            ),
            tuple(
                "USR0002",
                "DestinationRule default/plain",
                &format!("{}:10", fixture("tls.yaml")),
                "DestinationRule plain disables TLS to plain.default.svc.cluster.local"
            ),
        ],
        "{}",
        r.stderr
    );
    // An Error: the exit code says issues were found.
    assert_eq!(r.code, 79);
}

#[test]
fn proxy_resources_example_reads_the_namespace() {
    let r = run(&[
        "--rules",
        &example("deployment-proxy-resources.yaml"),
        "-o",
        "json",
        &fixture("proxies.yaml"),
    ]);
    let got: Vec<String> = user_findings(&r.stdout).into_iter().map(|f| f.1).collect();
    assert_eq!(
        got,
        ["Deployment default/tool", "Deployment shop/cart"],
        "{}",
        r.stderr
    );
}

#[test]
fn team_example_looks_up_the_services_a_virtualservice_routes_to() {
    let r = run(&[
        "--rules",
        &example("virtualservice-team.yaml"),
        "-o",
        "json",
        &fixture("teams.yaml"),
    ]);
    assert_eq!(
        user_findings(&r.stdout),
        vec![tuple(
            "USR0004",
            "VirtualService shop/front",
            &format!("{}:31", fixture("teams.yaml")),
            "VirtualService front of team books routes to Services of other teams: payments.money.svc.cluster.local"
        )],
        "{}",
        r.stderr
    );
}

#[test]
fn poddisruptionbudget_example() {
    let r = run(&[
        "--rules",
        &example("poddisruptionbudget-disruption.yaml"),
        "-o",
        "json",
        &fixture("pdb.yaml"),
    ]);
    assert_eq!(
        user_findings(&r.stdout),
        vec![tuple(
            "USR0005",
            "PodDisruptionBudget default/frozen",
            &format!("{}:7", fixture("pdb.yaml")),
            "PodDisruptionBudget frozen allows no pod to be disrupted"
        )],
        "{}",
        r.stderr
    );
}

#[test]
fn every_example_loads_and_is_listed_as_a_user_rule() {
    let out = analyze(&["-L", "--rules", EXAMPLES])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, file) in [
        (
            "user.DestinationRuleTLSAnalyzer",
            "destinationrule-tls.yaml",
        ),
        (
            "user.PodDisruptionBudgetAnalyzer",
            "poddisruptionbudget-disruption.yaml",
        ),
        (
            "user.ProxyResourcesAnalyzer",
            "deployment-proxy-resources.yaml",
        ),
        (
            "user.VirtualServiceTeamAnalyzer",
            "virtualservice-team.yaml",
        ),
        (
            "user.VirtualServiceTimeoutAnalyzer",
            "virtualservice-timeout.yaml",
        ),
    ] {
        assert!(
            text.contains(&format!("* {name} (user rule, {EXAMPLES}/{file}):\n    ")),
            "{name} not listed:\n{text}"
        );
    }
    assert!(text.contains("* service.PortNameAnalyzer:\n"));
}

#[test]
fn analyzer_selects_a_user_rule_alone() {
    let r = run(&[
        "--rules",
        EXAMPLES,
        "--analyzer",
        "user.DestinationRuleTLSAnalyzer",
        "-o",
        "json",
        &fixture("tls.yaml"),
        &fixture("timeouts.yaml"),
    ]);
    let codes: Vec<String> = findings(&r.stdout).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["USR0002", "USR0002"], "{}", r.stderr);
    let r = run(&[
        "--rules",
        EXAMPLES,
        "--analyzer",
        "user.DestinationRuleTLS",
        &fixture("tls.yaml"),
    ]);
    // An unknown analyzer is a usage error (istioctl's 64).
    assert_eq!(r.code, 64);
    assert!(
        r.stderr
            .contains("unknown analyzer \"user.DestinationRuleTLS\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("user.DestinationRuleTLSAnalyzer"),
        "{}",
        r.stderr
    );
}

#[test]
fn suppressed_by_flag_and_by_annotation() {
    let r = run(&[
        "--rules",
        &example("destinationrule-tls.yaml"),
        "-S",
        "USR0002=DestinationRule plain.default",
        "-o",
        "json",
        &fixture("tls.yaml"),
    ]);
    let origins: Vec<String> = user_findings(&r.stdout).into_iter().map(|f| f.1).collect();
    assert_eq!(
        origins,
        ["DestinationRule default/one-port"],
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("unknown message code"), "{}", r.stderr);
    let dir = tempfile::tempdir().expect("temp dir");
    let annotated = dir.path().join("dr.yaml");
    std::fs::write(
        &annotated,
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: plain\n  namespace: default\n  annotations:\n    galley.istio.io/analyze-suppress: USR0002\nspec:\n  host: plain\n  trafficPolicy:\n    tls:\n      mode: DISABLE\n",
    )
    .expect("write");
    let r = run(&[
        "--rules",
        &example("destinationrule-tls.yaml"),
        "-o",
        "json",
        &annotated.display().to_string(),
    ]);
    assert!(user_findings(&r.stdout).is_empty(), "{}", r.stdout);
    assert_eq!(r.code, 0);
}

#[test]
fn thresholds_count_user_rules() {
    let r = run(&[
        "--rules",
        &example("virtualservice-timeout.yaml"),
        "--failure-threshold",
        "Warning",
        &fixture("timeouts.yaml"),
    ]);
    assert_eq!(r.code, 79, "{}", r.stderr);
    let r = run(&[
        "--rules",
        &example("virtualservice-timeout.yaml"),
        "--output-threshold",
        "Error",
        "-o",
        "json",
        &fixture("timeouts.yaml"),
    ]);
    assert!(user_findings(&r.stdout).is_empty());
}

#[test]
fn log_output_names_the_user_code() {
    let r = run(&[
        "--rules",
        &example("destinationrule-tls.yaml"),
        &fixture("tls.yaml"),
    ]);
    assert!(
        r.stdout.contains(&format!(
            "Error [USR0002] (DestinationRule default/plain {}:10) DestinationRule plain disables TLS to plain.default.svc.cluster.local",
            fixture("tls.yaml")
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn sarif_carries_the_rule_metadata_from_the_file() {
    let r = run(&["--rules", EXAMPLES, "-o", "sarif", &fixture("proxies.yaml")]);
    let log: Value = serde_json::from_str(&r.stdout).expect("sarif");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "USR0003")
        .expect("USR0003 rule");
    assert_eq!(rule["name"], "user.ProxyResourcesAnalyzer");
    assert_eq!(
        rule["shortDescription"]["text"],
        "Checks that every Deployment whose pods are injected sets the proxy's CPU and memory requests."
    );
    assert_eq!(
        rule["helpUri"],
        "https://istio.io/latest/docs/reference/config/annotations/"
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    assert_eq!(rule["properties"]["userRule"], true);
    assert_eq!(
        rule["properties"]["file"],
        format!("{EXAMPLES}/deployment-proxy-resources.yaml")
    );
    let results = log["runs"][0]["results"].as_array().expect("results");
    let usr: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "USR0003")
        .collect();
    assert_eq!(usr.len(), 2);
    assert_eq!(usr[0]["level"], "warning");
}

/// Writes `rules` as one rule file in a new directory.
fn rules_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn rule(name: &str, code: &str, check: &str) -> String {
    format!(
        "apiVersion: istioctl-rs.dev/v1alpha1\nkind: AnalyzerRule\nname: {name}\ncode: {code}\nlevel: Error\ndescription: A test rule.\nresources:\n  - apiVersion: networking.istio.io/v1\n    kind: DestinationRule\nchecks:\n  - expression: '{check}'\nmessage: 'DestinationRule {{name}} fails'\nargs:\n  - name: name\n    expression: object.metadata.name\n"
    )
}

#[test]
fn mistakes_in_rules_are_errors_at_their_lines_and_the_rest_runs() {
    let dir = rules_dir(&[
        (
            "a-bad-cel.yaml",
            &rule("user.Bad", "USR0101", "object.spec.host =="),
        ),
        (
            "b-unknown-field.yaml",
            &rule("user.Field", "USR0102", "true")
                .replace("level: Error", "level: Error\nmesage: x"),
        ),
        (
            "c-wrong-type.yaml",
            &rule("user.Type", "USR0103", "object.spec.host"),
        ),
        (
            "d-runtime.yaml",
            &rule(
                "user.Runtime",
                "USR0104",
                "object.spec.trafficPolicy.tls.mode != \"DISABLE\"",
            ),
        ),
        (
            "e-good.yaml",
            &rule("user.Good", "USR0105", "object.spec.host != \"db\""),
        ),
        ("f-ist.yaml", &rule("user.Ist", "IST0999", "true")),
        (
            "g-variable.yaml",
            &rule("user.Var", "USR0107", "objet.spec.host != \"\""),
        ),
        (
            "h-level.yaml",
            &rule("user.Level", "USR0108", "true").replace("level: Error", "level: 5"),
        ),
    ]);
    let d = dir.path().display().to_string();
    let r = run(&["--rules", &d, "-o", "json", &fixture("tls.yaml")]);
    let codes: Vec<(String, String)> = user_findings(&r.stdout)
        .into_iter()
        .map(|f| (f.0, f.1))
        .collect();
    // The good rule and the rule failing on one resource report; the built-ins run too.
    assert_eq!(
        codes,
        [
            ("USR0105", "DestinationRule default/one-port"),
            ("USR0104", "DestinationRule default/plain"),
        ]
        .map(|(c, o)| (c.to_owned(), o.to_owned())),
        "{}",
        r.stderr
    );
    let e = &r.stderr;
    assert!(
        e.contains(&format!(
            "{d}/a-bad-cel.yaml:11: the expression \"object.spec.host ==\" does not compile"
        )),
        "{e}"
    );
    assert!(e.contains(&format!("{d}/b-unknown-field.yaml:6: unknown field \"mesage\" in a rule; did you mean \"message\"?")), "{e}");
    assert!(e.contains(&format!("{d}/c-wrong-type.yaml:11: rule user.Type: the expression failed on DestinationRule default/plain (and on 2 other resources): a check must give a bool")), "{e}");
    assert!(e.contains(&format!("{d}/d-runtime.yaml:11: rule user.Runtime: the expression failed on DestinationRule default/one-port")), "{e}");
    assert!(
        e.contains(&format!(
            "{d}/f-ist.yaml:4: code \"IST0999\" uses Istio's prefix IST"
        )),
        "{e}"
    );
    assert!(e.contains(&format!("{d}/g-variable.yaml:11: the expression \"objet.spec.host != \\\"\\\"\" uses the unknown variable \"objet\"; did you mean \"object\"?")), "{e}");
    assert!(
        e.contains(&format!(
            "{d}/h-level.yaml:5: \"level\" of rule user.Level must be a string, not a number"
        )),
        "{e}"
    );
    // A rule that could not be used is a mistake of the configuration, as a bad flag is: 64,
    // even though findings reach the failure threshold.
    assert_eq!(r.code, 64, "{e}");
    assert!(!e.contains("could not be parsed"), "{e}");
}

#[test]
fn a_rule_failing_at_run_time_is_counted_as_a_failed_rule_not_an_unparsed_input() {
    let dir = rules_dir(&[(
        "broken.yaml",
        &rule("user.Broken", "USR0111", "object.spec.nosuch == \"x\""),
    )]);
    let d = dir.path().display().to_string();
    let r = run(&[
        "--rules",
        &d,
        "--analyzer",
        "user.Broken",
        &fixture("tls.yaml"),
    ]);
    assert_eq!(r.stdout, "");
    let e = &r.stderr;
    assert!(e.contains(&format!("{d}/broken.yaml:11: rule user.Broken: the expression failed on DestinationRule default/plain (and on 2 other resources): No such key: nosuch\n")), "{e}");
    assert!(
        e.ends_with(
            "\nNo validation issues found when analyzing all namespaces (but 1 rule failed).\n"
        ),
        "{e}"
    );
    assert!(!e.contains("could not be parsed"), "{e}");
    assert_eq!(r.code, 64);
}

#[test]
fn a_rule_file_that_does_not_load_exits_64_and_the_other_rules_run() {
    let dir = rules_dir(&[
        (
            "a-bad.yaml",
            "apiVersion: istioctl-rs.dev/v1alpha1\nkind: AnalyzerRule\nname: [\n",
        ),
        (
            "b-good.yaml",
            &rule("user.Fine", "USR0112", "object.spec.host != \"db\""),
        ),
    ]);
    let d = dir.path().display().to_string();
    let r = run(&[
        "--rules",
        &d,
        "--analyzer",
        "user.Fine",
        &fixture("tls.yaml"),
    ]);
    // The good rule still runs and reports.
    assert!(
        r.stdout
            .starts_with("Error [USR0112] (DestinationRule default/one-port"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(&format!(
            "{d}/a-bad.yaml:3: invalid YAML: unclosed bracket '['\n"
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("could not be parsed"), "{}", r.stderr);
    assert_eq!(r.code, 64);
}

#[test]
fn duplicate_names_and_codes_are_refused() {
    let dir = rules_dir(&[
        ("a.yaml", &rule("user.One", "USR0201", "true")),
        ("b.yaml", &rule("user.One", "USR0202", "true")),
        ("c.yaml", &rule("user.Three", "USR0201", "true")),
        (
            "d.yaml",
            &rule("service.PortNameAnalyzer", "USR0204", "true"),
        ),
    ]);
    let d = dir.path().display().to_string();
    let out = analyze(&["-L", "--rules", &d]).output().expect("runs");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains(&format!(
            "{d}/b.yaml:3: rule name \"user.One\" is taken by a rule of {d}/a.yaml"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "{d}/c.yaml:4: code USR0201 is taken by rule user.One of {d}/a.yaml"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "{d}/d.yaml:3: rule name \"service.PortNameAnalyzer\" is a built-in analyzer's"
        )),
        "{e}"
    );
    // Rules that do not load are a mistake of the configuration, as a bad flag is.
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn rules_load_from_the_default_locations() {
    let work = tempfile::tempdir().expect("temp dir");
    let local = work.path().join(".istioctl/rules");
    std::fs::create_dir_all(&local).expect("dir");
    std::fs::write(
        local.join("local.yaml"),
        rule("user.Local", "USR0301", "true"),
    )
    .expect("write");
    let config = tempfile::tempdir().expect("temp dir");
    let xdg = config.path().join("istioctl/rules");
    std::fs::create_dir_all(&xdg).expect("dir");
    std::fs::write(xdg.join("xdg.yaml"), rule("user.Xdg", "USR0302", "true")).expect("write");
    let out = Command::cargo_bin("istioctl")
        .expect("binary")
        .current_dir(work.path())
        .env("XDG_CONFIG_HOME", config.path())
        .args(["analyze", "-L"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("* user.Local (user rule, .istioctl/rules/local.yaml):"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "* user.Xdg (user rule, {}/xdg.yaml):",
            xdg.display()
        )),
        "{text}"
    );
}
