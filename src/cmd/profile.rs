//! `istioctl profile list|dump|diff`: the embedded configuration profiles.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;

use super::manifest::ConfigArgs;
use crate::operator::{self, profile, setpath, ConfigError, Inputs};
use crate::render::yaml;

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

/// The merged IstioOperator document for a profile plus user input.
fn merged_document(profile: Option<&str>, inputs: Inputs) -> miette::Result<Value> {
    let mut inputs = inputs;
    if let Some(p) = profile {
        // A profile named on the command line wins over files and flags.
        inputs.sets.push(format!("profile={p}"));
    }
    let cfg = operator::load(&inputs)?;
    for w in &cfg.warnings {
        eprintln!("! {w}");
    }
    Ok(cfg.to_document())
}

fn dump(args: &DumpArgs) -> miette::Result<String> {
    let doc = merged_document(args.profile.as_deref(), args.config.inputs([]))?;
    let node = match &args.config_path {
        None => doc,
        Some(path) => subtree(&doc, path)?,
    };
    Ok(match args.output {
        DumpFormat::Yaml => yaml::to_yaml(&node),
        DumpFormat::Json => {
            let mut s = serde_json::to_string_pretty(&yaml::sorted(&node)).unwrap_or_default();
            s.push('\n');
            s
        }
    })
}

/// The node at a `--config-path` (relative to `spec`; a leading `spec.` is accepted).
fn subtree(doc: &Value, path: &str) -> miette::Result<Value> {
    let bad = |reason: String| ConfigError::BadSet {
        path: path.to_owned(),
        reason,
        help: None,
    };
    let segments = setpath::parse_path(path).map_err(bad)?;
    let mut node = &doc["spec"];
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && *seg == setpath::Segment::Key("spec".into()) {
            continue;
        }
        let next = match seg {
            setpath::Segment::Key(k) => node.get(k),
            setpath::Segment::Index(n) => node.get(n),
            setpath::Segment::Select { key, value } => node.as_array().and_then(|l| {
                l.iter()
                    .find(|e| e.get(key).and_then(Value::as_str) == Some(value.as_str()))
            }),
        };
        let Some(next) = next else {
            let keys: Vec<&str> = node
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let name = match seg {
                setpath::Segment::Key(k) => k.as_str(),
                _ => "",
            };
            let help = operator::did_you_mean(operator::suggest(name, keys));
            return Err(ConfigError::BadSet {
                path: path.to_owned(),
                reason: "no such path in the configuration".into(),
                help,
            }
            .into());
        };
        node = next;
    }
    Ok(node.clone())
}

fn diff(args: &DiffArgs) -> miette::Result<String> {
    let a = yaml::to_yaml(&merged_document(Some(&args.first), Inputs::default())?);
    let b = yaml::to_yaml(&merged_document(Some(&args.second), Inputs::default())?);
    if a == b {
        return Ok("Profiles are identical\n".into());
    }
    let diff = similar::TextDiff::from_lines(&a, &b);
    Ok(diff
        .unified_diff()
        .context_radius(3)
        .header(&args.first, &args.second)
        .to_string())
}
