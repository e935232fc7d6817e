//! `istioctl analyze`: load the cluster (unless `--use-kube=false`) and local files on top of
//! it, run the analyzers, print the findings in the chosen format and exit 79 when one reaches
//! the failure threshold.
//!
//! Exit codes (istioctl's, `istioctl/cmd/sysexits.go`), in every output format: 79 when a
//! finding reaches `--failure-threshold`; else 1 when an input could not be read, 65 when one
//! could not be parsed (neither unless `--ignore-unknown`); else 0. Usage errors exit 64
//! ([`super::EXIT_USAGE`]), and so does a run with a user rule that could not be used (one that
//! does not load, or whose expression fails on a resource), whatever it found; a cluster that
//! cannot be read, 1.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Args, ValueEnum};
use miette::IntoDiagnostic;

use crate::cli::GlobalArgs;
use istio_analysis::analyzer::{builtins, Analyzer};
use istio_analysis::catalog::documentation_index;
use istio_analysis::load::LoadError;
use istio_analysis::message::Level;
use istio_analysis::output::{self, log::LogStyle};
use istio_analysis::{ClusterSource, Request};
use istio_kube::ClusterConfig;

/// Exit code when a finding reaches the failure threshold (istioctl's).
pub const EXIT_ISSUES_FOUND: u8 = 79;

/// Exit code when an input file could not be parsed (istioctl's, sysexits' `EX_DATAERR`).
pub const EXIT_PARSE_ERROR: u8 = 65;

/// Set to any value, `analyze` stops after loading the inputs (for benchmarks: the cost of
/// parsing alone).
pub const PARSE_ONLY_ENV: &str = "ISTIOCTL_ANALYZE_PARSE_ONLY";

/// Output formats of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per finding, with a hint and (on a terminal) a code frame.
    Log,
    /// A JSON array.
    Json,
    /// A YAML list.
    Yaml,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
}

/// When to use colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// When writing to a terminal, unless `NO_COLOR` is set or `TERM=dumb`.
    Auto,
    /// Always (`--color`, `--color=true`, `--color=always`).
    Always,
    /// Never (`--color=false`, `--color=never`).
    Never,
}

impl ColorChoice {
    /// Whether to color a stream that is (or is not) a terminal.
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

fn color_parser() -> impl TypedValueParser<Value = ColorChoice> {
    PossibleValuesParser::new(["auto", "always", "never", "true", "false"]).map(|s| {
        match s.as_str() {
            "always" | "true" => ColorChoice::Always,
            "never" | "false" => ColorChoice::Never,
            _ => ColorChoice::Auto,
        }
    })
}

/// Arguments of `istioctl analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Files or directories to analyze; `-` reads stdin
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read resources from the cluster of the current context (`--use-kube=false` for files only)
    #[arg(short = 'k', long = "use-kube", default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub use_kube: bool,
    /// Analyze all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,
    /// Run only this analyzer (repeatable); see --list-analyzers
    #[arg(long = "analyzer", value_name = "NAME")]
    pub analyzers: Vec<String>,
    /// List the analyzers and exit
    #[arg(short = 'L', long = "list-analyzers")]
    pub list_analyzers: bool,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Log)]
    pub output: OutputFormat,
    /// Lowest level of the findings that are printed
    #[arg(
        long = "output-threshold",
        default_value = "Info",
        value_name = "LEVEL"
    )]
    pub output_threshold: Level,
    /// Lowest level of the findings that make the exit code 79
    #[arg(
        long = "failure-threshold",
        default_value = "Error",
        value_name = "LEVEL"
    )]
    pub failure_threshold: Level,
    /// Suppress a code for resources matching a pattern, `*` as wildcard (repeatable), e.g. "IST0102=Namespace frod" or "IST0107=Pod *.baz"
    #[arg(short = 'S', long = "suppress", value_name = "CODE=RESOURCE")]
    pub suppress: Vec<String>,
    /// Colors: auto (on a terminal), always or never; `--color=true`/`--color=false` as istioctl
    #[arg(long, value_name = "WHEN", default_value = "auto", num_args = 0..=1, require_equals = true, default_missing_value = "always", value_parser = color_parser())]
    pub color: ColorChoice,
    /// A MeshConfig file overriding the defaults
    #[arg(long = "meshConfigFile", value_name = "FILE")]
    pub mesh_config_file: Option<PathBuf>,
    /// A MeshNetworks file
    #[arg(long = "meshNetworksFile", value_name = "FILE")]
    pub mesh_networks_file: Option<PathBuf>,
    /// Recurse into directories
    #[arg(short = 'R', long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub recursive: bool,
    /// Files that cannot be read or parsed do not make the exit code non-zero
    #[arg(long = "ignore-unknown")]
    pub ignore_unknown: bool,
    /// Print at most N diagnostics about inputs that cannot be loaded, then one line counting the rest (0: print all; -o sarif always lists every one)
    #[arg(long = "max-diagnostics", default_value_t = DEFAULT_MAX_DIAGNOSTICS, value_name = "N")]
    pub max_diagnostics: usize,
    /// How long to wait for the cluster's resources
    #[arg(long, default_value = "30s", value_parser = istio_core::duration::parse_flag, value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// The control-plane revision to analyze against: its mesh config (ConfigMap istio-<revision>) and injector (istio-sidecar-injector-<revision>)
    #[arg(short = 'r', long, default_value = "default", value_name = "REVISION")]
    pub revision: String,
    /// Print which analyzers ran and what was skipped, and why, on stderr
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Kubeconfig contexts of remote clusters analyzed together with the current one (multicluster analysis; not --context), comma-separated or repeated
    #[arg(
        long = "remote-contexts",
        value_name = "CONTEXT",
        value_delimiter = ','
    )]
    pub remote_contexts: Vec<String>,
    /// Load user rules (YAML files with CEL checks) from this directory or file (repeatable), besides .istioctl/rules and $XDG_CONFIG_HOME/istioctl/rules
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

/// How many load diagnostics are printed unless `--max-diagnostics` says otherwise.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 50;

/// The diagnostics to print and those only counted, for `--max-diagnostics max` (0: no limit).
fn split_diagnostics(errors: &[LoadError], max: usize) -> (&[LoadError], &[LoadError]) {
    match max {
        0 => (errors, &[]),
        max => errors.split_at(max.min(errors.len())),
    }
}

/// The one line that counts the diagnostics not printed (`None` when all were).
fn hidden_summary(hidden: &[LoadError]) -> Option<String> {
    let first = hidden.first()?;
    let files: std::collections::BTreeSet<&str> = hidden.iter().map(|e| e.file.as_str()).collect();
    let place = match files.len() {
        1 => first.file.clone(),
        n => format!("{n} files"),
    };
    let what = match hidden.len() {
        1 => "1 more input error".to_owned(),
        n => format!("{n} more input errors"),
    };
    Some(format!(
        "... and {what} in {place}, not shown (--max-diagnostics=0 prints them all; -o sarif lists each one)"
    ))
}

/// Prints the analyzers as istioctl does: a name line and an indented description each; user
/// rules follow, marked with their file.
fn list_analyzers(rules: &[&istio_analysis::rules::Rule]) -> String {
    let mut out = String::from("Available analyzers:\n");
    for a in builtins() {
        out.push_str(&format!("* {}:\n    {}\n", a.name(), a.description()));
    }
    for r in rules {
        out.push_str(&format!(
            "* {} (user rule, {}):\n    {}\n",
            r.name(),
            r.path(),
            r.description()
        ));
    }
    out
}

/// Runs `istioctl analyze`.
pub fn run(args: &AnalyzeArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    if args.list_analyzers {
        return list(args);
    }
    let request = args.request(global)?;
    let mut report = istio_analysis::analyze(&request)?;
    let scope = if args.all_namespaces {
        "all namespaces".to_owned()
    } else {
        format!("namespace: {}", request.namespace)
    };
    print_load_problems(args, &report, &scope);
    let load_code = load_exit_code(args, &report);
    if request.parse_only {
        eprintln!("Loaded {} resources.", report.resources);
        return Ok(ExitCode::from(load_code));
    }
    // As istioctl: the exit code follows every finding, the output only those at or above the
    // output threshold.
    let failed = report.fails(args.failure_threshold);
    report.keep_shown(args.output_threshold);
    print_findings(args, &report)?;
    if report.findings.is_empty() {
        eprintln!("{}", clean_summary(&scope, &report));
    }
    if failed {
        eprintln!(
            "Error: Analyzers found issues when analyzing {scope}.\nSee {} for more information about causes and resolutions.",
            documentation_index()
        );
        // A rule that failed: exit 64 whatever was found (the findings may lack its own).
        Ok(ExitCode::from(match report.rules.is_empty() {
            true => EXIT_ISSUES_FOUND,
            false => super::EXIT_USAGE,
        }))
    } else {
        Ok(ExitCode::from(load_code))
    }
}

/// `-L`: the analyzers, built-in and user rules; exit 64 when a rule file could not be loaded.
fn list(args: &AnalyzeArgs) -> miette::Result<ExitCode> {
    let names: Vec<&str> = builtins().iter().map(|b| b.name).collect();
    let loaded = istio_analysis::rules::load(&args.rule_dirs(), &names);
    if !loaded.errors.is_empty() {
        let color = args.color.enabled(std::io::stderr().is_terminal());
        eprint!("{}", output::load_errors(&loaded.errors, color));
    }
    super::term::write_stdout(&list_analyzers(&loaded.rules))?;
    // A rule that does not load is a mistake of the configuration, as a bad flag is.
    Ok(ExitCode::from(match loaded.errors.is_empty() {
        true => 0,
        false => super::EXIT_USAGE,
    }))
}

impl AnalyzeArgs {
    /// The rule locations: the default directories that exist, then `--rules`.
    fn rule_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = istio_analysis::rules::default_dirs();
        dirs.extend(self.rules.iter().cloned());
        dirs
    }

    /// The library request these flags describe.
    fn request(&self, global: &GlobalArgs) -> miette::Result<Request> {
        if !self.remote_contexts.is_empty() && !self.use_kube {
            return Err(istio_analysis::UsageError {
                message:
                    "--remote-contexts needs the clusters: it cannot be combined with --use-kube=false"
                        .to_owned(),
                help: Some(
                    "drop --use-kube=false, or drop --remote-contexts to analyze files alone"
                        .to_owned(),
                ),
            }
            .into());
        }
        Ok(Request {
            files: self.files.clone(),
            recursive: self.recursive,
            cluster: self.use_kube.then(|| ClusterSource {
                config: global.cluster(),
                timeout: self.timeout,
            }),
            remote_clusters: self
                .remote_contexts
                .iter()
                .map(|context| ClusterConfig {
                    kubeconfig: global.kubeconfig.clone(),
                    context: Some(context.clone()),
                })
                .collect(),
            revision: self.revision.clone(),
            analyzers: self.analyzers.clone(),
            namespace: global.namespace.as_deref().unwrap_or("default").to_owned(),
            all_namespaces: self.all_namespaces,
            istio_namespace: global.istio_namespace.clone(),
            suppress: self.suppress.clone(),
            mesh_config_file: self.mesh_config_file.clone(),
            mesh_networks_file: self.mesh_networks_file.clone(),
            parse_only: std::env::var_os(PARSE_ONLY_ENV).is_some(),
            rules: self.rule_dirs(),
        })
    }
}

/// Warnings, skipped files, load diagnostics (up to `--max-diagnostics`) and, with `-v`, what
/// ran: all on stderr.
fn print_load_problems(args: &AnalyzeArgs, report: &istio_analysis::Report, scope: &str) {
    for warning in &report.warnings {
        eprintln!("Warning: {warning}");
    }
    for skipped in &report.load.skipped {
        eprintln!(
            "Note: skipping {}: not a .yaml, .yml or .json file",
            skipped.0.display()
        );
    }
    if !report.rules.is_empty() {
        let color = args.color.enabled(std::io::stderr().is_terminal());
        eprint!("{}", output::load_errors(&report.rules.errors, color));
    }
    if !report.load.errors.is_empty() {
        let color = args.color.enabled(std::io::stderr().is_terminal());
        let (shown, hidden) = split_diagnostics(&report.load.errors, args.max_diagnostics);
        eprint!("{}", output::load_errors(shown, color));
        if let Some(line) = hidden_summary(hidden) {
            eprintln!("{line}");
        }
    }
    if args.verbose {
        eprint!("{}", verbose_summary(report, scope));
    }
}

/// The exit code the inputs alone give, when no finding reaches the failure threshold:
/// unreadable inputs 1, unparseable ones 65, unless `--ignore-unknown`. A user rule that could
/// not be used is a mistake of the configuration, as a bad flag is: 64.
fn load_exit_code(args: &AnalyzeArgs, report: &istio_analysis::Report) -> u8 {
    if !report.rules.is_empty() {
        super::EXIT_USAGE
    } else if args.ignore_unknown {
        0
    } else if report.unreadable() {
        1
    } else if report.unparsed_files() > 0 {
        EXIT_PARSE_ERROR
    } else {
        0
    }
}

/// The findings on stdout in the chosen format.
fn print_findings(args: &AnalyzeArgs, report: &istio_analysis::Report) -> miette::Result<()> {
    let shown = &report.findings;
    match args.output {
        OutputFormat::Log => {
            let terminal = std::io::stdout().is_terminal();
            super::term::write_stdout(&output::log::render(
                shown,
                LogStyle {
                    color: args.color.enabled(terminal),
                    frames: terminal,
                },
            ))
        }
        // Records go out one by one: a large report is never held whole in memory.
        OutputFormat::Json => super::term::stream_stdout(|out| output::json::write(shown, out)),
        OutputFormat::Yaml => super::term::stream_stdout(|out| output::yaml::write(shown, out)),
        OutputFormat::Sarif => super::term::write_stdout(
            &output::sarif::render(
                shown,
                &[&report.rules.errors[..], &report.load.errors[..]].concat(),
            )
            .into_diagnostic()?,
        ),
    }
}

/// The line saying nothing was found: with a check mark when every input and rule was used,
/// else (as istioctl says it) how many files could not be parsed or read and how many user
/// rules failed — never a bare check mark.
fn clean_summary(scope: &str, report: &istio_analysis::Report) -> String {
    let files = |n: usize| {
        if n == 1 {
            "1 file".to_owned()
        } else {
            format!("{n} files")
        }
    };
    let unparsed = report.unparsed_files();
    let unreadable = report
        .load
        .errors
        .iter()
        .filter(|e| e.line.is_none())
        .map(|e| e.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut problems: Vec<String> = [
        (unparsed, "could not be parsed"),
        (unreadable, "could not be read"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{} {what}", files(n)))
    .collect();
    match report.rules.failed {
        0 => {}
        1 => problems.push("1 rule failed".to_owned()),
        n => problems.push(format!("{n} rules failed")),
    }
    if problems.is_empty() {
        format!("\u{2714} No validation issues found when analyzing {scope}.")
    } else {
        format!(
            "No validation issues found when analyzing {scope} (but {}).",
            problems.join(" and ")
        )
    }
}

/// What `-v` prints on stderr: what was analyzed, which analyzers ran, which did not and why,
/// and the kinds a cluster does not serve (read as empty).
fn verbose_summary(report: &istio_analysis::Report, scope: &str) -> String {
    let mut out = format!("Analyzed {} resources in {scope}.\n", report.resources);
    if !report.clusters.is_empty() {
        let clusters: Vec<String> = report
            .clusters
            .iter()
            .map(|(context, remote)| {
                if *remote {
                    format!("{context} (remote)")
                } else {
                    context.clone()
                }
            })
            .collect();
        out.push_str(&format!("Clusters read: {}\n", clusters.join(", ")));
    }
    out.push_str(&format!(
        "Executed analyzers ({}):\n",
        report.executed.len()
    ));
    for name in &report.executed {
        out.push_str(&format!("\t{name}\n"));
    }
    if !report.skipped.is_empty() {
        out.push_str(&format!("Skipped analyzers ({}):\n", report.skipped.len()));
        for s in &report.skipped {
            out.push_str(&format!("\t{}: {}\n", s.analyzer, s.reason));
        }
    }
    if !report.unserved.is_empty() {
        out.push_str("Kinds the cluster does not serve (no CRD installed), read as empty:\n");
        for (context, kind) in &report.unserved {
            out.push_str(&format!("\t{kind} (context {context})\n"));
        }
    }
    if !report.load.skipped.is_empty() {
        out.push_str(&format!(
            "Skipped files ({}), not .yaml, .yml or .json:\n",
            report.load.skipped.len()
        ));
        for s in &report.load.skipped {
            out.push_str(&format!("\t{}\n", s.0.display()));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_choices() {
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Never.enabled(true));
        assert!(!ColorChoice::Auto.enabled(false));
    }

    fn error(file: &str, line: u32) -> LoadError {
        LoadError {
            file: file.to_owned(),
            line: Some(line),
            at: None,
            message: "the resource has no kind".to_owned(),
        }
    }

    #[test]
    fn diagnostics_past_the_limit_are_counted_in_one_line() {
        let errors: Vec<LoadError> = (1..=120).map(|l| error("big.yaml", l)).collect();
        let (shown, hidden) = split_diagnostics(&errors, 50);
        assert_eq!((shown.len(), hidden[0].line), (50, Some(51)));
        assert_eq!(
            hidden_summary(hidden).as_deref(),
            Some("... and 70 more input errors in big.yaml, not shown (--max-diagnostics=0 prints them all; -o sarif lists each one)")
        );
        let (shown, hidden) = split_diagnostics(&errors, 0);
        assert_eq!((shown.len(), hidden_summary(hidden)), (120, None));
        let (shown, hidden) = split_diagnostics(&errors, 500);
        assert_eq!((shown.len(), hidden.len()), (120, 0));
        let mixed = [error("a.yaml", 1), error("b.yaml", 2)];
        assert_eq!(
            hidden_summary(&mixed[1..]).as_deref(),
            Some("... and 1 more input error in b.yaml, not shown (--max-diagnostics=0 prints them all; -o sarif lists each one)")
        );
        assert!(
            hidden_summary(&mixed).is_some_and(|l| l.contains("2 more input errors in 2 files"))
        );
    }

    #[test]
    fn lists_analyzers_as_istioctl() {
        let text = list_analyzers(&[]);
        assert!(text.starts_with("Available analyzers:\n* "));
        assert!(text.contains("* service.PortNameAnalyzer:\n    "));
    }
}
