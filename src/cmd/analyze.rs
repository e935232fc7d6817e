//! `istioctl analyze`: load the cluster (unless `--use-kube=false`) and local files on top of
//! it, run the analyzers, print the findings in the chosen format and exit 79 when one reaches
//! the failure threshold.
//!
//! Exit codes: 0 when clean; 79 when a finding reaches `--failure-threshold` (whatever the
//! output format); 1 when an input could not be read or parsed (unless `--ignore-unknown`) and
//! no finding reached the threshold; 1 for usage errors, and when the cluster cannot be read.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Args, ValueEnum};
use miette::IntoDiagnostic;

use crate::cli::GlobalArgs;
use istio_analysis::analyzer::{builtins, Analyzer};
use istio_analysis::catalog::documentation_index;
use istio_analysis::message::Level;
use istio_analysis::output::{self, log::LogStyle};
use istio_analysis::{ClusterSource, Request};

/// Exit code when a finding reaches the failure threshold (istioctl's).
pub const EXIT_ISSUES_FOUND: u8 = 79;

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
    #[arg(long = "use-kube", default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
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
    /// How long to wait for the cluster's resources
    #[arg(long, default_value = "30s", value_parser = istio_core::duration::parse_flag, value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Load user rules (YAML files with CEL checks) from this directory or file (repeatable), besides .istioctl/rules and $XDG_CONFIG_HOME/istioctl/rules
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

impl AnalyzeArgs {
    /// The rule locations: the default directories that exist, then `--rules`.
    fn rule_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = istio_analysis::rules::default_dirs();
        dirs.extend(self.rules.iter().cloned());
        dirs
    }
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
        let names: Vec<&str> = builtins().iter().map(|b| b.name).collect();
        let loaded = istio_analysis::rules::load(&args.rule_dirs(), &names);
        if !loaded.errors.is_empty() {
            let color = args.color.enabled(std::io::stderr().is_terminal());
            eprint!("{}", output::load_errors(&loaded.errors, color));
        }
        super::term::write_stdout(&list_analyzers(&loaded.rules))?;
        return Ok(ExitCode::from(u8::from(!loaded.errors.is_empty())));
    }
    let namespace = global.namespace.as_deref().unwrap_or("default");
    let request = Request {
        files: args.files.clone(),
        recursive: args.recursive,
        cluster: args.use_kube.then(|| ClusterSource {
            config: global.cluster(),
            timeout: args.timeout,
        }),
        analyzers: args.analyzers.clone(),
        namespace: namespace.to_owned(),
        all_namespaces: args.all_namespaces,
        istio_namespace: global.istio_namespace.clone(),
        suppress: args.suppress.clone(),
        mesh_config_file: args.mesh_config_file.clone(),
        mesh_networks_file: args.mesh_networks_file.clone(),
        parse_only: std::env::var_os(PARSE_ONLY_ENV).is_some(),
        rules: args.rule_dirs(),
    };
    let mut report = istio_analysis::analyze(&request)?;
    for warning in &report.warnings {
        eprintln!("Warning: {warning}");
    }
    for skipped in &report.load.skipped {
        eprintln!(
            "Note: skipping {}: not a .yaml, .yml or .json file",
            skipped.0.display()
        );
    }
    if !report.load.errors.is_empty() {
        let color = args.color.enabled(std::io::stderr().is_terminal());
        eprint!("{}", output::load_errors(&report.load.errors, color));
    }
    let load_failed = !report.load.errors.is_empty() && !args.ignore_unknown;
    if request.parse_only {
        eprintln!("Loaded {} resources.", report.resources);
        return Ok(ExitCode::from(u8::from(load_failed)));
    }
    // As istioctl: the exit code follows every finding, the output only those at or above the
    // output threshold.
    let failed = report.fails(args.failure_threshold);
    report.keep_shown(args.output_threshold);
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
            ))?;
        }
        // Records go out one by one: a large report is never held whole in memory.
        OutputFormat::Json => super::term::stream_stdout(|out| output::json::write(shown, out))?,
        OutputFormat::Yaml => super::term::stream_stdout(|out| output::yaml::write(shown, out))?,
        OutputFormat::Sarif => super::term::write_stdout(
            &output::sarif::render(shown, &report.load.errors).into_diagnostic()?,
        )?,
    }
    let scope = if args.all_namespaces {
        "all namespaces".to_owned()
    } else {
        format!("namespace: {namespace}")
    };
    if shown.is_empty() {
        eprintln!("\u{2714} No validation issues found when analyzing {scope}.");
    }
    if failed {
        eprintln!(
            "Error: Analyzers found issues when analyzing {scope}.\nSee {} for more information about causes and resolutions.",
            documentation_index()
        );
        Ok(ExitCode::from(EXIT_ISSUES_FOUND))
    } else {
        Ok(ExitCode::from(u8::from(load_failed)))
    }
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

    #[test]
    fn lists_analyzers_as_istioctl() {
        let text = list_analyzers(&[]);
        assert!(text.starts_with("Available analyzers:\n* "));
        assert!(text.contains("* service.PortNameAnalyzer:\n    "));
    }
}
