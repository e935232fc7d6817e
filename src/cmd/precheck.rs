//! `istioctl x precheck`: can Istio be installed or upgraded on this cluster? Kubernetes
//! version, permissions (SelfSubjectAccessReview), the control planes and revisions already
//! there, Gateway API CRDs older than Istio reads, whether an in-place upgrade of the
//! revision is allowed, and the ambient and CNI prerequisites (as notes). Problems are analysis
//! messages with catalog codes (`-o log|json|yaml`); `install` and `upgrade` run the same
//! checks (`istio_install::precheck::gate`) and refuse before writing anything.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use miette::miette;

use super::term::{run_interruptible, write_stdout};
use crate::cli::GlobalArgs;
use istio_analysis::message::Level;
use istio_analysis::run::Finding;
use istio_api::release::ISTIO_VERSION;
use istio_install::precheck;
use istio_install::upgrade::Release;

/// Arguments of `istioctl x` (experimental commands).
#[derive(Debug, Args)]
pub struct ExperimentalArgs {
    /// The experimental command.
    #[command(subcommand)]
    pub command: ExperimentalCommand,
}

/// `istioctl x` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExperimentalCommand {
    /// Check whether Istio can be installed or upgraded on the cluster
    Precheck(PrecheckArgs),
    /// Check which injection webhooks would inject a pod, and why
    #[command(name = "check-inject")]
    CheckInject(super::check_inject::CheckInjectArgs),
}

/// How precheck prints its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrecheckOutput {
    /// One line per message and a hint, with the checks that passed
    Log,
    /// A JSON array of messages
    Json,
    /// A YAML list of messages
    Yaml,
}

/// Arguments of `istioctl x precheck`.
#[derive(Debug, Args)]
pub struct PrecheckArgs {
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value = "log")]
    pub output: PrecheckOutput,
    /// The lowest level of message shown; a message at or above it fails the check
    #[arg(long = "output-threshold", default_value = "Warning", value_parser = parse_level, value_name = "LEVEL")]
    pub output_threshold: Level,
    /// Check an upgrade from this Istio version (default: the installed revision's version)
    #[arg(short = 'f', long = "from-version", value_name = "VERSION")]
    pub from_version: Option<String>,
    /// The control plane revision to install or upgrade
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
    /// Do not look at the control planes already installed
    #[arg(long = "skip-controlplane")]
    pub skip_controlplane: bool,
}

fn parse_level(text: &str) -> Result<Level, String> {
    text.parse()
}

/// Runs `istioctl x`.
pub fn run(args: &ExperimentalArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    match &args.command {
        ExperimentalCommand::Precheck(a) => run_precheck(a, global),
        ExperimentalCommand::CheckInject(a) => super::check_inject::run(a, global),
    }
}

fn run_precheck(args: &PrecheckArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let target = Release::current().ok_or_else(|| {
        miette!("this build's Istio version {ISTIO_VERSION:?} is not a release number")
    })?;
    let request = precheck::Request {
        namespace: global.istio_namespace.clone(),
        skip_control_plane: args.skip_controlplane,
        revision: args.revision.clone().unwrap_or_else(|| "default".into()),
        from_version: args.from_version.clone(),
        target,
    };
    run_interruptible(async move {
        let cluster = global.cluster().connect().await?;
        let report = precheck::report(&cluster, &request).await?;
        let shown: Vec<Finding> = report
            .findings
            .into_iter()
            .filter(|f| f.level >= args.output_threshold)
            .collect();
        let text = match args.output {
            PrecheckOutput::Log => {
                let notes: String = report.notes.iter().map(|n| format!("{n}\n")).collect();
                format!("{notes}{}", precheck::log_lines(&shown))
            }
            PrecheckOutput::Json => istio_analysis::output::json::render(&shown)
                .map_err(|e| miette!("cannot write the output: {e}"))?,
            PrecheckOutput::Yaml => istio_analysis::output::yaml::render(&shown)
                .map_err(|e| miette!("cannot write the output: {e}"))?,
        };
        write_stdout(&text)?;
        report.upgrade?;
        if shown.is_empty() {
            if args.output == PrecheckOutput::Log {
                write_stdout("\u{2714} No issues found when checking the cluster. Istio is safe to install or upgrade!\n")?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        Err(miette!(
            help = "fix each problem as its hint says, then run `istioctl x precheck` again",
            "{} issue(s) found when checking the cluster of context {:?}",
            shown.len(),
            cluster.context()
        ))
    })
}
