//! `istioctl kube-inject`: inject the Istio sidecar into the workloads of a YAML file, offline,
//! with the injector configuration, values and mesh configuration from files or from the
//! cluster's ConfigMaps.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use istio_inject::sources;
use istio_inject::workload::{inject_stream, DocError};
use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::cli::GlobalArgs;

/// Arguments of `istioctl kube-inject`.
#[derive(Debug, Args)]
pub struct KubeInjectArgs {
    /// Input Kubernetes resource filename ("-" reads standard input)
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filename: Option<String>,
    /// Modified output Kubernetes resource filename (standard output when omitted)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Mesh configuration filename; read from the cluster's mesh ConfigMap when omitted
    #[arg(long = "meshConfigFile", value_name = "FILE")]
    pub mesh_config_file: Option<PathBuf>,
    /// Injection configuration filename (the injector ConfigMap's `config`, or a bare
    /// template); read from the cluster when omitted
    #[arg(long = "injectConfigFile", value_name = "FILE")]
    pub inject_config_file: Option<PathBuf>,
    /// Injection values filename (the injector ConfigMap's `values`); read from the cluster
    /// when omitted
    #[arg(long = "valuesFile", value_name = "FILE")]
    pub values_file: Option<PathBuf>,
    /// IstioOperator file whose meshConfig and values are used instead of the mesh and values files
    #[arg(long = "operatorFileName", value_name = "FILE")]
    pub operator_file: Option<PathBuf>,
    /// Name of the ConfigMap with the mesh configuration (the revision is appended)
    #[arg(
        long = "meshConfigMapName",
        default_value = "istio",
        value_name = "NAME"
    )]
    pub mesh_config_map: String,
    /// Name of the ConfigMap with the injection configuration (the revision is appended)
    #[arg(
        long = "injectConfigMapName",
        default_value = "istio-sidecar-injector",
        value_name = "NAME"
    )]
    pub inject_config_map: String,
    /// Control plane revision
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
}

/// A document of the input that could not be injected, shown in its source.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot inject {file}: {message}")]
#[diagnostic(code(istioctl::kube_inject))]
struct InputError {
    file: String,
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

fn config_error(
    what: impl Into<String>,
    message: impl std::fmt::Display,
    help: Option<&str>,
) -> miette::Report {
    miette::Report::new(sources::input_error(what, message, help))
}

/// Byte offset of a 1-based line and column in `text`.
fn offset_of(text: &str, line: u32, column: u32) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line_len = text[start.min(text.len())..]
        .find('\n')
        .unwrap_or(text.len() - start.min(text.len()));
    start.min(text.len()) + (column.saturating_sub(1) as usize).min(line_len)
}

fn input_error(file: &str, text: &str, e: DocError) -> miette::Report {
    let offset = offset_of(text, e.line, e.column.max(1));
    let label = match &e.workload {
        Some(w) => format!("document {} ({w})", e.document),
        None => format!("document {}", e.document),
    };
    let help = if e.message.contains("template") {
        Some("the injection templates come from --injectConfigFile or the injector ConfigMap; fix the template or the pod's annotations".to_string())
    } else if e.message.contains("annotation") {
        Some("fix or remove the annotation on the pod template".to_string())
    } else {
        None
    };
    miette::Report::new(InputError {
        file: file.to_string(),
        message: format!("line {}: {}", e.line, e.message),
        src: NamedSource::new(file, text.to_string()),
        span: (offset, 0).into(),
        label,
        help,
    })
}

/// Runs `istioctl kube-inject`.
pub fn run(args: &KubeInjectArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let Some(filename) = args.filename.as_deref() else {
        return Err(config_error(
            "the input",
            "filename not specified (see --filename or -f)",
            Some("pass -f FILE, or -f - to read standard input"),
        ));
    };
    let (input_name, input) = if filename == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| config_error("standard input", e, None))?;
        ("<stdin>".to_string(), text)
    } else {
        (
            filename.to_string(),
            sources::read_file(Path::new(filename), "the input file")?,
        )
    };

    let settings = sources::settings(&sources::Sources {
        operator_file: args.operator_file.clone(),
        mesh_config_file: args.mesh_config_file.clone(),
        inject_config_file: args.inject_config_file.clone(),
        values_file: args.values_file.clone(),
        mesh_config_map: args.mesh_config_map.clone(),
        inject_config_map: args.inject_config_map.clone(),
        revision: args.revision.clone(),
        istio_namespace: global.istio_namespace.clone(),
        cluster: global.cluster(),
        native_sidecars: std::env::var("ENABLE_NATIVE_SIDECARS").ok(),
        compliance_policy: std::env::var("COMPLIANCE_POLICY").unwrap_or_default(),
    })?;
    let injected =
        inject_stream(&settings, &input).map_err(|e| input_error(&input_name, &input, e))?;
    for w in &injected.warnings {
        eprintln!("{w}");
    }
    match &args.output {
        Some(path) => std::fs::write(path, &injected.output)
            .map_err(|e| config_error(format!("the output file {}", path.display()), e, None))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(injected.output.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| config_error("standard output", e, None))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
