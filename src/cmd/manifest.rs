//! `istioctl manifest generate`: prints (or writes) the manifests of an installation.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use miette::{Context, IntoDiagnostic};

use istio_install::operator::{self, Inputs};
use istio_install::render::{self, yaml, Component, RenderedObject};

/// Input flags shared by the commands that build an IstioOperator configuration.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// IstioOperator file to merge; repeatable, merged in order
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filename: Vec<PathBuf>,
    /// Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins
    #[arg(short = 's', long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

impl ConfigArgs {
    /// The inputs, with extra `--set` flags appended.
    pub fn inputs(&self, extra_sets: impl IntoIterator<Item = String>) -> Inputs {
        let mut sets = self.set.clone();
        sets.extend(extra_sets);
        Inputs {
            files: self.filename.clone(),
            sets,
            force: false,
        }
    }
}

/// Arguments of `istioctl manifest`.
#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// What to do with manifests.
    #[command(subcommand)]
    pub command: ManifestCommand,
}

/// `istioctl manifest` subcommands.
#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Generate the Istio install manifests
    Generate(GenerateArgs),
    /// Translate an IstioOperator into the values files of Istio's Helm charts
    Translate(TranslateArgs),
}

/// Arguments of `istioctl manifest translate`.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// Configuration input.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Directory to write one values file per chart into (RELEASE.yaml); created if missing
    #[arg(short = 'o', long = "output", value_name = "DIR", required = true)]
    pub output: PathBuf,
    /// Control plane revision (sets the `revision` field)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
}

/// Arguments of `istioctl manifest generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Configuration input.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Write one folder per component into this directory instead of printing
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Control plane revision (sets the `revision` field)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
    /// Proceed past validation errors in the configuration, printing each as a warning
    #[arg(long = "force")]
    pub force: bool,
}

/// Runs `istioctl manifest`.
pub fn run(args: &ManifestArgs) -> miette::Result<ExitCode> {
    match &args.command {
        ManifestCommand::Generate(g) => generate(g),
        ManifestCommand::Translate(t) => translate(t),
    }
}

fn translate(args: &TranslateArgs) -> miette::Result<ExitCode> {
    let extra = args.revision.iter().map(|r| format!("revision={r}"));
    let cfg = operator::load(&args.config.inputs(extra))?;
    let t = render::translate::translate(&cfg)?;
    for w in &t.warnings {
        eprintln!("! {w}");
    }
    let dir = &args.output;
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    for c in &t.charts {
        let file = dir.join(format!("{}.yaml", c.release));
        std::fs::write(&file, yaml::to_yaml(&c.values))
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", file.display()))?;
    }
    let text = render::translate::helm_commands(&t, &dir.display().to_string());
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn generate(args: &GenerateArgs) -> miette::Result<ExitCode> {
    let extra = args.revision.iter().map(|r| format!("revision={r}"));
    let mut inputs = args.config.inputs(extra);
    inputs.force = args.force;
    let cfg = operator::load(&inputs)?;
    let manifests = render::render_for_output(&cfg)?;
    for w in &manifests.warnings {
        eprintln!("! {w}");
    }
    let objects = manifests.objects;
    match &args.output {
        Some(dir) => write_dir(dir, &objects)?,
        None => {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = render::write_yaml_stream(&objects, &mut out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `DIR/<Component>/<Component>.yaml` for every component that rendered objects.
pub fn write_dir(dir: &std::path::Path, objects: &[RenderedObject]) -> miette::Result<()> {
    for component in Component::ALL {
        let docs: Vec<RenderedObject> = objects
            .iter()
            .filter(|o| o.component == component)
            .cloned()
            .collect();
        if docs.is_empty() {
            continue;
        }
        let folder = dir.join(component.name());
        std::fs::create_dir_all(&folder)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
        let file = folder.join(format!("{}.yaml", component.name()));
        std::fs::write(&file, render::to_yaml_stream(&docs))
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", file.display()))?;
    }
    Ok(())
}
