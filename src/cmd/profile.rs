//! `istioctl profile list|dump|diff`: the embedded configuration profiles.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use super::manifest::ConfigArgs;
use istio_install::operator::{self, profile};
use istio_install::render::yaml;

/// Arguments of `istioctl profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// What to do with profiles.
    #[command(subcommand)]
    pub command: ProfileCommand,
}

/// `istioctl profile` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the available Istio configuration profiles
    List,
    /// Dump an Istio configuration profile, merged with any -f/--set input
    Dump(DumpArgs),
    /// Show the differences between two Istio configuration profiles
    Diff(DiffArgs),
}

/// Output formats of `profile dump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DumpFormat {
    /// YAML
    Yaml,
    /// JSON
    Json,
}

/// Arguments of `istioctl profile dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The profile to dump (default: the one chosen by -f/--set, else `default`)
    pub profile: Option<String>,
    /// Configuration input.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Dump only the subtree at this path, e.g. components.pilot
    #[arg(short = 'p', long = "config-path", value_name = "PATH")]
    pub config_path: Option<String>,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
    pub output: DumpFormat,
}

/// Arguments of `istioctl profile diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first profile
    pub first: String,
    /// The second profile
    pub second: String,
}

/// Runs `istioctl profile`.
pub fn run(args: &ProfileArgs) -> miette::Result<ExitCode> {
    let text = match &args.command {
        ProfileCommand::List => {
            let mut out = String::from("Istio configuration profiles:\n");
            for name in profile::names() {
                out.push_str(&format!("    {name}\n"));
            }
            out
        }
        ProfileCommand::Dump(d) => dump(d)?,
        ProfileCommand::Diff(d) => diff(d)?,
    };
    // A closed pipe (e.g. `| head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn dump(args: &DumpArgs) -> miette::Result<String> {
    let (node, warnings) = operator::dump::dump(
        args.profile.as_deref(),
        args.config.inputs([]),
        args.config_path.as_deref(),
    )?;
    for w in &warnings {
        eprintln!("! {w}");
    }
    Ok(match args.output {
        DumpFormat::Yaml => yaml::to_yaml(&node),
        DumpFormat::Json => {
            let mut s = serde_json::to_string_pretty(&yaml::sorted(&node)).unwrap_or_default();
            s.push('\n');
            s
        }
    })
}

fn diff(args: &DiffArgs) -> miette::Result<String> {
    Ok(operator::dump::diff(&args.first, &args.second)?
        .unwrap_or_else(|| "Profiles are identical\n".into()))
}
