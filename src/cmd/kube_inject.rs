//! `istioctl kube-inject`: inject the Istio sidecar into the workloads of a YAML file, offline,
//! with the injector configuration, values and mesh configuration from files or from the
//! cluster's ConfigMaps.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use istio_inject::config::{InjectConfig, Values};
use istio_inject::inject::Settings;
use istio_inject::mesh::MeshConfig;
use istio_inject::workload::{inject_stream, DocError};
use istio_inject::yaml;
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde_json::Value;

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

/// A configuration input (file or ConfigMap key) that could not be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot use {what}: {message}")]
#[diagnostic(code(istioctl::kube_inject::config))]
struct ConfigInputError {
    what: String,
    message: String,
    #[help]
    help: Option<String>,
}

fn config_error(
    what: impl Into<String>,
    message: impl std::fmt::Display,
    help: Option<&str>,
) -> miette::Report {
    miette::Report::new(ConfigInputError {
        what: what.into(),
        message: message.to_string(),
        help: help.map(str::to_string),
    })
}

fn read_file(path: &Path, what: &str) -> miette::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        config_error(
            format!("{what} {}", path.display()),
            e,
            Some("check the path; the file must be readable UTF-8 text"),
        )
    })
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

/// The native sidecar switch: `ENABLE_NATIVE_SIDECARS` (`true` or `false`; unset injects a
/// classic sidecar container, as offline injection cannot see the cluster's kubelets).
fn native_sidecars() -> miette::Result<bool> {
    match std::env::var("ENABLE_NATIVE_SIDECARS").ok().as_deref() {
        None | Some("") | Some("false") | Some("auto") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(config_error(
            "ENABLE_NATIVE_SIDECARS",
            format!("unknown value {other:?}"),
            Some("set it to true or false"),
        )),
    }
}

/// The configuration read from the cluster's ConfigMaps, for what the files do not give.
struct FromCluster {
    config: Option<String>,
    values: Option<String>,
    mesh: Option<String>,
}

fn configmap_key(cm: &Value, key: &str) -> Option<String> {
    cm.get("data")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn read_cluster(
    args: &KubeInjectArgs,
    global: &GlobalArgs,
    need_inject: bool,
    need_mesh: bool,
) -> miette::Result<FromCluster> {
    let suffix = match args.revision.as_deref() {
        Some(r) if !r.is_empty() && r != "default" => format!("-{r}"),
        _ => String::new(),
    };
    let ns = global.istio_namespace.clone();
    let inject_name = format!("{}{suffix}", args.inject_config_map);
    let mesh_name = format!("{}{suffix}", args.mesh_config_map);
    istio_kube::runtime()?.block_on(async {
        let cluster = global.cluster().connect().await?;
        let kind = cluster.require_kind("v1", "ConfigMap")?;
        let missing = |name: &str| {
            config_error(
                format!("ConfigMap {ns}/{name}"),
                "it does not exist",
                Some("is Istio installed (with this --revision and --istioNamespace)? Or pass --injectConfigFile, --valuesFile and --meshConfigFile"),
            )
        };
        let mut out = FromCluster {
            config: None,
            values: None,
            mesh: None,
        };
        if need_inject {
            let cm = cluster.get(&kind, Some(&ns), &inject_name).await?.ok_or_else(|| missing(&inject_name))?;
            out.config = configmap_key(&cm, "config");
            out.values = configmap_key(&cm, "values");
            if out.config.is_none() {
                return Err(config_error(
                    format!("ConfigMap {ns}/{inject_name}"),
                    "it has no data.config",
                    Some("pass --injectConfigFile"),
                ));
            }
        }
        if need_mesh {
            let cm = cluster.get(&kind, Some(&ns), &mesh_name).await?.ok_or_else(|| missing(&mesh_name))?;
            out.mesh = configmap_key(&cm, "mesh");
            if out.mesh.is_none() {
                return Err(config_error(
                    format!("ConfigMap {ns}/{mesh_name}"),
                    "it has no data.mesh",
                    Some("pass --meshConfigFile"),
                ));
            }
        }
        Ok(out)
    })
}

fn parse_mesh(text: &str, what: &str) -> miette::Result<MeshConfig> {
    let json = yaml::parse(text).map_err(|e| {
        config_error(
            what,
            format!("line {}: {}", e.line, e.message),
            Some("the mesh configuration must be YAML"),
        )
    })?;
    MeshConfig::from_json(&json).map_err(|e| config_error(what, e, None))
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
            read_file(Path::new(filename), "the input file")?,
        )
    };

    // An IstioOperator file stands for the mesh configuration and the values.
    let (mut mesh_text, mut values_text) = (None, None);
    let mut mesh_from_operator = None;
    if let Some(op) = &args.operator_file {
        let what = format!("--operatorFileName {}", op.display());
        let iop = yaml::parse(&read_file(op, "the IstioOperator file")?)
            .map_err(|e| config_error(&what, format!("line {}: {}", e.line, e.message), None))?;
        if iop.get("kind").and_then(Value::as_str) != Some("IstioOperator") {
            return Err(config_error(&what, "it is not an IstioOperator", None));
        }
        let spec = iop.get("spec").cloned().unwrap_or(Value::Null);
        if let Some(values) = spec.get("values") {
            values_text = Some(values.to_string());
        }
        let mesh = spec.get("meshConfig").cloned().unwrap_or(Value::Null);
        mesh_from_operator =
            Some(MeshConfig::from_json(&mesh).map_err(|e| config_error(&what, e, None))?);
    }
    if let Some(p) = &args.mesh_config_file {
        mesh_text = Some((
            read_file(p, "the mesh config file")?,
            format!("--meshConfigFile {}", p.display()),
        ));
    }
    if let Some(p) = &args.values_file {
        values_text = Some(read_file(p, "the values file")?);
    }
    let config_text = match &args.inject_config_file {
        Some(p) => Some((
            read_file(p, "the inject config file")?,
            format!("--injectConfigFile {}", p.display()),
        )),
        None => None,
    };

    let need_inject =
        config_text.is_none() || (values_text.is_none() && args.operator_file.is_none());
    let need_mesh = mesh_text.is_none() && mesh_from_operator.is_none();
    let cluster = if need_inject || need_mesh {
        Some(read_cluster(args, global, need_inject, need_mesh)?)
    } else {
        None
    };
    let (config_text, config_what) = match (config_text, &cluster) {
        (Some(c), _) => c,
        (None, Some(c)) => (
            c.config.clone().unwrap_or_default(),
            format!("ConfigMap {}", args.inject_config_map),
        ),
        (None, None) => (String::new(), String::new()),
    };
    let config =
        InjectConfig::parse(&config_text).map_err(|e| config_error(&config_what, e, None))?;
    let values_text = values_text.or_else(|| cluster.as_ref().and_then(|c| c.values.clone()));
    let values = match values_text {
        Some(v) => Values::parse(&v).map_err(|e| config_error("the values", e, None))?,
        None => Values::default(),
    };
    let mesh = match (mesh_text, mesh_from_operator, &cluster) {
        (Some((text, what)), _, _) => parse_mesh(&text, &what)?,
        (None, Some(m), _) => m,
        (None, None, Some(c)) => parse_mesh(
            c.mesh.as_deref().unwrap_or_default(),
            &format!("ConfigMap {}", args.mesh_config_map),
        )?,
        (None, None, None) => MeshConfig::defaults(),
    };

    let settings = Settings {
        config,
        values,
        mesh,
        revision: args.revision.clone().unwrap_or_default(),
        native_sidecars: native_sidecars()?,
        compliance_policy: std::env::var("COMPLIANCE_POLICY").unwrap_or_default(),
    };
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
