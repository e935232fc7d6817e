//! `istioctl analyze`: load the cluster (unless `--use-kube=false`) and local files on top, run the analyzers, print the
//! findings and exit 79 when one reaches the failure threshold.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, ValueEnum};
use miette::{miette, IntoDiagnostic};
use serde_json::{json, Value};

use crate::analysis::defaults::add_default_resources;
use crate::analysis::load::{load_inputs, LoadOptions};
use crate::analysis::mesh::{networks_resource, MeshConfig};
use crate::analysis::message::Level;
use crate::analysis::run::{run as run_analyzers, select, Finding, RunOptions};
use crate::analysis::store::StoreBuilder;
use crate::analysis::{analyzers, catalog};
use crate::cli::GlobalArgs;

/// Exit code when a finding reaches the failure threshold (istioctl's).
pub const EXIT_ISSUES_FOUND: u8 = 79;

/// Output formats of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per finding.
    Log,
    /// A JSON array.
    Json,
    /// A YAML list.
    Yaml,
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
    #[arg(long, default_value = "30s", value_parser = crate::kube::parse_duration, value_name = "DURATION")]
    pub timeout: std::time::Duration,
}

/// Runs `istioctl analyze`.
pub fn run(args: &AnalyzeArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    if args.list_analyzers {
        for a in analyzers::all() {
            println!("{}: {}", a.name(), a.description());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let selected = select(&args.analyzers).map_err(|e| match e.suggestion {
        Some(s) => miette!(
            help = format!("did you mean {s}?"),
            "unknown analyzer {:?}",
            e.name
        ),
        None => miette!(
            help = "list them with --list-analyzers",
            "unknown analyzer {:?}",
            e.name
        ),
    })?;
    let namespace = global
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let mut builder = StoreBuilder::default();
    let cluster_mesh = if args.use_kube {
        crate::analysis::cluster::load(&selected, global, args.timeout, &mut builder)?
    } else {
        None
    };
    let mut mesh = MeshConfig::defaults(&global.istio_namespace);
    if let Some(m) = cluster_mesh {
        mesh.overlay(m);
    }
    if let Some(path) = &args.mesh_config_file {
        mesh.overlay(read_yaml_file(path)?);
    }
    if let Some(path) = &args.mesh_networks_file {
        mesh.networks = read_yaml_file(path)?;
    }
    if !args.use_kube {
        // A live cluster has its own ingress gateway, or none.
        add_default_resources(&mut builder, &mesh, &global.istio_namespace);
    }
    if let Some(path) = &args.mesh_networks_file {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        builder.add(networks_resource(
            &path.display().to_string(),
            &text,
            mesh.networks.clone(),
            &global.istio_namespace,
        ));
    }
    let opts = LoadOptions {
        default_namespace: namespace.clone(),
        recursive: args.recursive,
    };
    let report = load_inputs(&args.files, &opts, &mut builder);
    for skipped in &report.skipped {
        eprintln!(
            "Skipping file {}: not a .yaml, .yml or .json file",
            skipped.0.display()
        );
    }
    for error in &report.errors {
        match error.line {
            Some(line) => eprintln!("Error: {}:{line}: {}", error.file, error.message),
            None => eprintln!("Error: {}: {}", error.file, error.message),
        }
    }
    let store = builder.build();
    let run_opts = RunOptions {
        analyzers: args.analyzers.clone(),
        namespace: (!args.all_namespaces).then_some(namespace),
        istio_namespace: global.istio_namespace.clone(),
    };
    let findings: Vec<Finding> = run_analyzers(&selected, &store, &mesh, &run_opts)
        .into_iter()
        .filter(|f| f.level >= args.output_threshold)
        .collect();
    print_findings(&findings, args.output);
    if findings.is_empty() && args.output == OutputFormat::Log {
        eprintln!(
            "\u{2714} No validation issues found when analyzing {}.",
            scope(args, global)
        );
    }
    let failed = findings.iter().any(|f| f.level >= args.failure_threshold);
    if failed {
        Ok(ExitCode::from(EXIT_ISSUES_FOUND))
    } else if !report.errors.is_empty() && !args.ignore_unknown {
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn scope(args: &AnalyzeArgs, global: &GlobalArgs) -> String {
    if args.all_namespaces {
        "all namespaces".to_owned()
    } else {
        format!(
            "namespace: {}",
            global.namespace.as_deref().unwrap_or("default")
        )
    }
}

fn read_yaml_file(path: &PathBuf) -> miette::Result<Value> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .map_err(|e| miette!("cannot read {}: {e}", path.display()))?;
    crate::yaml::parse_document(&text, 1, 0)
        .map_err(|e| miette!("{}:{}: invalid YAML: {e}", path.display(), e.line))
}

fn finding_json(f: &Finding) -> Value {
    json!({
        "code": f.entry.code,
        "level": f.level.to_string(),
        "origin": f.origin,
        "reference": f.location.as_ref().map(|(file, line)| format!("{file}:{line}")).unwrap_or_default(),
        "message": f.text,
        "documentationUrl": catalog::documentation_url(&f.entry.code),
        "hint": f.hint,
    })
}

fn print_findings(findings: &[Finding], format: OutputFormat) {
    match format {
        OutputFormat::Json => {
            let doc = Value::Array(findings.iter().map(finding_json).collect());
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "[]".to_owned())
            );
        }
        OutputFormat::Yaml => {
            let doc = Value::Array(findings.iter().map(finding_json).collect());
            print!("{}", serde_saphyr::to_string(&doc).unwrap_or_default());
        }
        OutputFormat::Log => {
            for f in findings {
                let place = match &f.location {
                    Some((file, line)) => format!("{} {file}:{line}", f.origin),
                    None => f.origin.clone(),
                };
                println!("{} [{}] ({place}) {}", f.level, f.entry.code, f.text);
            }
        }
    }
}
