//! Where kube-inject's configuration comes from: files given by the user, an IstioOperator
//! file, or the injector and mesh ConfigMaps of the cluster (of a revision), as istioctl
//! combines them.

use std::path::{Path, PathBuf};

use istio_kube::{ClusterConfig, KubeError};
use miette::Diagnostic;
use serde_json::Value;

use crate::config::{InjectConfig, Values};
use crate::inject::Settings;
use crate::mesh::MeshConfig;
use crate::yaml;

/// The configuration sources of one injection, as the command line names them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// An IstioOperator file whose `meshConfig` and `values` stand for the mesh and values files.
    pub operator_file: Option<PathBuf>,
    /// The mesh configuration file (the mesh ConfigMap's `mesh`).
    pub mesh_config_file: Option<PathBuf>,
    /// The injection configuration file (the injector ConfigMap's `config`, or a bare template).
    pub inject_config_file: Option<PathBuf>,
    /// The injection values file (the injector ConfigMap's `values`).
    pub values_file: Option<PathBuf>,
    /// The mesh ConfigMap's name, before the revision suffix.
    pub mesh_config_map: String,
    /// The injector ConfigMap's name, before the revision suffix.
    pub inject_config_map: String,
    /// The control plane revision (`None`, `""` and `default` name the default one).
    pub revision: Option<String>,
    /// The namespace of the control plane's ConfigMaps.
    pub istio_namespace: String,
    /// The cluster to read ConfigMaps from, for what the files do not give.
    pub cluster: ClusterConfig,
    /// The `ENABLE_NATIVE_SIDECARS` switch as given (`true`/`false`; unset or `auto` injects a
    /// classic sidecar container, as offline injection cannot see the cluster's kubelets).
    pub native_sidecars: Option<String>,
    /// The compliance policy (`COMPLIANCE_POLICY`), `""` for none.
    pub compliance_policy: String,
}

/// A configuration source that could not be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum SourceError {
    /// A file, ConfigMap key or setting that could not be used.
    #[error("cannot use {what}: {message}")]
    #[diagnostic(code(istioctl::kube_inject::config))]
    Input {
        /// What it is (`--meshConfigFile mesh.yaml`, `ConfigMap istio-system/istio`).
        what: String,
        /// Why it could not be used.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
    /// The cluster could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Cluster(#[from] KubeError),
}

/// A [`SourceError::Input`].
pub fn input_error(
    what: impl Into<String>,
    message: impl std::fmt::Display,
    help: Option<&str>,
) -> SourceError {
    SourceError::Input {
        what: what.into(),
        message: message.to_string(),
        help: help.map(str::to_string),
    }
}

/// Reads a user's file as text.
pub fn read_file(path: &Path, what: &str) -> Result<String, SourceError> {
    std::fs::read_to_string(path).map_err(|e| {
        input_error(
            format!("{what} {}", path.display()),
            e,
            Some("check the path; the file must be readable UTF-8 text"),
        )
    })
}

fn native_sidecars(value: Option<&str>) -> Result<bool, SourceError> {
    match value {
        None | Some("") | Some("false") | Some("auto") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(input_error(
            "ENABLE_NATIVE_SIDECARS",
            format!("unknown value {other:?}"),
            Some("set it to true or false"),
        )),
    }
}

/// The configuration read from the cluster's ConfigMaps, for what the files do not give.
#[derive(Default)]
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
    sources: &Sources,
    need_inject: bool,
    need_mesh: bool,
) -> Result<FromCluster, SourceError> {
    let suffix = match sources.revision.as_deref() {
        Some(r) if !r.is_empty() && r != "default" => format!("-{r}"),
        _ => String::new(),
    };
    let ns = sources.istio_namespace.as_str();
    let inject_name = format!("{}{suffix}", sources.inject_config_map);
    let mesh_name = format!("{}{suffix}", sources.mesh_config_map);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| input_error("the async runtime", e, None))?;
    runtime.block_on(async {
        let cluster = sources.cluster.connect().await?;
        let kind = cluster.require_kind("v1", "ConfigMap")?;
        let missing = |name: &str| {
            input_error(
                format!("ConfigMap {ns}/{name}"),
                "it does not exist",
                Some("is Istio installed (with this --revision and --istioNamespace)? Or pass --injectConfigFile, --valuesFile and --meshConfigFile"),
            )
        };
        let mut out = FromCluster::default();
        if need_inject {
            let cm = cluster
                .get(&kind, Some(ns), &inject_name)
                .await?
                .ok_or_else(|| missing(&inject_name))?;
            out.config = configmap_key(&cm, "config");
            out.values = configmap_key(&cm, "values");
            if out.config.is_none() {
                return Err(input_error(
                    format!("ConfigMap {ns}/{inject_name}"),
                    "it has no data.config",
                    Some("pass --injectConfigFile"),
                ));
            }
        }
        if need_mesh {
            let cm = cluster
                .get(&kind, Some(ns), &mesh_name)
                .await?
                .ok_or_else(|| missing(&mesh_name))?;
            out.mesh = configmap_key(&cm, "mesh");
            if out.mesh.is_none() {
                return Err(input_error(
                    format!("ConfigMap {ns}/{mesh_name}"),
                    "it has no data.mesh",
                    Some("pass --meshConfigFile"),
                ));
            }
        }
        Ok(out)
    })
}

fn parse_mesh(text: &str, what: &str) -> Result<MeshConfig, SourceError> {
    let json = yaml::parse(text).map_err(|e| {
        input_error(
            what,
            format!("line {}: {}", e.line, e.message),
            Some("the mesh configuration must be YAML"),
        )
    })?;
    MeshConfig::from_json(&json).map_err(|e| input_error(what, e, None))
}

/// The injection settings from the sources: each file given wins; an IstioOperator file stands
/// for the mesh configuration and the values; what is still missing is read from the cluster
/// (which is contacted only then).
pub fn settings(sources: &Sources) -> Result<Settings, SourceError> {
    let (mut mesh_text, mut values_text) = (None, None);
    let mut mesh_from_operator = None;
    if let Some(op) = &sources.operator_file {
        let what = format!("--operatorFileName {}", op.display());
        let iop = yaml::parse(&read_file(op, "the IstioOperator file")?)
            .map_err(|e| input_error(&what, format!("line {}: {}", e.line, e.message), None))?;
        if iop.get("kind").and_then(Value::as_str) != Some("IstioOperator") {
            return Err(input_error(&what, "it is not an IstioOperator", None));
        }
        let spec = iop.get("spec").cloned().unwrap_or(Value::Null);
        if let Some(values) = spec.get("values") {
            values_text = Some(values.to_string());
        }
        let mesh = spec.get("meshConfig").cloned().unwrap_or(Value::Null);
        mesh_from_operator =
            Some(MeshConfig::from_json(&mesh).map_err(|e| input_error(&what, e, None))?);
    }
    if let Some(p) = &sources.mesh_config_file {
        mesh_text = Some((
            read_file(p, "the mesh config file")?,
            format!("--meshConfigFile {}", p.display()),
        ));
    }
    if let Some(p) = &sources.values_file {
        values_text = Some(read_file(p, "the values file")?);
    }
    let config_text = match &sources.inject_config_file {
        Some(p) => Some((
            read_file(p, "the inject config file")?,
            format!("--injectConfigFile {}", p.display()),
        )),
        None => None,
    };

    let need_inject =
        config_text.is_none() || (values_text.is_none() && sources.operator_file.is_none());
    let need_mesh = mesh_text.is_none() && mesh_from_operator.is_none();
    let cluster = if need_inject || need_mesh {
        Some(read_cluster(sources, need_inject, need_mesh)?)
    } else {
        None
    };
    let (config_text, config_what) = match (config_text, &cluster) {
        (Some(c), _) => c,
        (None, Some(c)) => (
            c.config.clone().unwrap_or_default(),
            format!("ConfigMap {}", sources.inject_config_map),
        ),
        (None, None) => (String::new(), String::new()),
    };
    let config =
        InjectConfig::parse(&config_text).map_err(|e| input_error(&config_what, e, None))?;
    let values_text = values_text.or_else(|| cluster.as_ref().and_then(|c| c.values.clone()));
    let values = match values_text {
        Some(v) => Values::parse(&v).map_err(|e| input_error("the values", e, None))?,
        None => Values::default(),
    };
    let mesh = match (mesh_text, mesh_from_operator, &cluster) {
        (Some((text, what)), _, _) => parse_mesh(&text, &what)?,
        (None, Some(m), _) => m,
        (None, None, Some(c)) => parse_mesh(
            c.mesh.as_deref().unwrap_or_default(),
            &format!("ConfigMap {}", sources.mesh_config_map),
        )?,
        (None, None, None) => MeshConfig::defaults(),
    };

    Ok(Settings {
        config,
        values,
        mesh,
        revision: sources.revision.clone().unwrap_or_default(),
        native_sidecars: native_sidecars(sources.native_sidecars.as_deref())?,
        compliance_policy: sources.compliance_policy.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_sidecar_switch() {
        assert!(!native_sidecars(None).unwrap());
        assert!(!native_sidecars(Some("auto")).unwrap());
        assert!(native_sidecars(Some("true")).unwrap());
        let err = native_sidecars(Some("yes")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot use ENABLE_NATIVE_SIDECARS: unknown value \"yes\""
        );
    }

    #[test]
    fn a_missing_file_names_itself() {
        let sources = Sources {
            inject_config_file: Some(PathBuf::from("/nonexistent/inject.yaml")),
            ..Sources::default()
        };
        let err = settings(&sources).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot use the inject config file /nonexistent/inject.yaml: "),
            "{err}"
        );
    }
}
