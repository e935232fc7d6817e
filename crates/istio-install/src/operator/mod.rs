//! The IstioOperator model: profiles, `-f` overlays and `--set` flags merged into one spec.
//!
//! Order of precedence, lowest first: the `default` profile, the selected profile, each `-f`
//! file in order, each `--set` flag in order (last wins). The profile is chosen by the last
//! `profile` given in a file or flag.

pub mod dump;
pub mod overlay;
pub mod profile;
pub mod setpath;
pub mod spec;
pub mod values;

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, Report, SourceSpan};
use serde_json::Value;
use thiserror::Error;

use istio_api::release::{DEFAULT_HUB, ISTIO_VERSION};
use istio_core::suggest::{closest, did_you_mean};
use spec::{IstioOperator, IstioOperatorSpec, API_VERSION, KIND};

/// What the user asked for: `-f` files and `--set` flags.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// IstioOperator files, merged in order.
    pub files: Vec<PathBuf>,
    /// `PATH=VALUE` flags, applied in order after the files.
    pub sets: Vec<String>,
}

/// The merged configuration the renderer works from.
#[derive(Debug, Clone)]
pub struct MergedConfig {
    /// The selected profile.
    pub profile: String,
    /// The IstioOperator `metadata` (name, namespace).
    pub metadata: Value,
    /// The merged, checked spec.
    pub spec: IstioOperatorSpec,
}

/// Errors in configuration input. Every variant is reported as a miette diagnostic.
#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(istioctl::io))]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A profile name that does not exist.
    #[error("unknown profile {name:?}")]
    #[diagnostic(code(istioctl::profile))]
    UnknownProfile {
        /// The name given.
        name: String,
        /// Suggestion and the list of profiles.
        #[help]
        help: Option<String>,
    },
    /// A bad `--set` flag.
    #[error("invalid --set {path}: {reason}")]
    #[diagnostic(code(istioctl::set))]
    BadSet {
        /// The path given.
        path: String,
        /// What is wrong.
        reason: String,
        /// Suggestion, if any.
        #[help]
        help: Option<String>,
    },
    /// A document that is not an IstioOperator, or a value of the wrong type.
    #[error("{origin}: {reason}")]
    #[diagnostic(code(istioctl::config))]
    Invalid {
        /// File or flag the problem comes from.
        origin: String,
        /// What is wrong.
        reason: String,
        /// Suggestion, if any.
        #[help]
        help: Option<String>,
        /// The source, when the problem has a location.
        #[source_code]
        src: Option<NamedSource<String>>,
        /// The offending span.
        #[label("here")]
        span: Option<SourceSpan>,
    },
}

/// Parses one IstioOperator document; YAML and schema errors point at the file and line.
pub fn parse_operator(text: &str, origin: &str) -> miette::Result<IstioOperator> {
    let op: IstioOperator =
        serde_saphyr::from_str(text).map_err(|e| crate::yaml_report(&e, text, origin))?;
    let wrong = |field: &str, want: &str, got: &str| {
        let span = text
            .find(&format!("{field}:"))
            .map(|i| SourceSpan::from((i, field.len())));
        ConfigError::Invalid {
            origin: origin.to_owned(),
            reason: format!("{field} is {got:?}, expected {want:?}"),
            help: None,
            src: Some(NamedSource::new(origin, text.to_owned())),
            span,
        }
    };
    if let Some(kind) = op.kind.as_deref().filter(|k| *k != KIND) {
        return Err(wrong("kind", KIND, kind).into());
    }
    if let Some(v) = op.api_version.as_deref().filter(|v| *v != API_VERSION) {
        return Err(wrong("apiVersion", API_VERSION, v).into());
    }
    if let Some(values) = op.spec.as_ref().and_then(|s| s.values.as_ref()) {
        values::check_tree(values).map_err(|e| {
            let last = e.path.rsplit('.').next().unwrap_or_default().to_owned();
            let span = find_key(text, &last).map(|i| SourceSpan::from((i, last.len())));
            let reason = match e.expected {
                Some(want) => format!("bad value at values.{}: expected {want}", e.path),
                None => format!("unknown value path values.{}", e.path),
            };
            ConfigError::Invalid {
                origin: origin.to_owned(),
                reason,
                help: e.suggestion.as_deref().map(did_you_mean),
                src: Some(NamedSource::new(origin, text.to_owned())),
                span,
            }
        })?;
    }
    Ok(op)
}

/// Byte offset of `key:` at the start of a (indented) line.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ");
        if trimmed.starts_with(key) && trimmed[key.len()..].starts_with(':') {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

fn to_tree(spec: &IstioOperatorSpec) -> Value {
    serde_json::to_value(spec).unwrap_or(Value::Null)
}

fn check_profile(name: &str) -> miette::Result<()> {
    let names = profile::names();
    if names.contains(&name) {
        return Ok(());
    }
    let mut help = closest(name, names.iter().copied())
        .map(did_you_mean)
        .map(|h| h + " ")
        .unwrap_or_default();
    help.push_str(&format!("profiles: {}", names.join(", ")));
    Err(ConfigError::UnknownProfile {
        name: name.to_owned(),
        help: Some(help),
    }
    .into())
}

/// Loads an embedded profile by name.
pub fn load_profile(name: &str) -> miette::Result<IstioOperator> {
    check_profile(name)?;
    let (origin, text) = profile::source(name).ok_or_else(|| ConfigError::UnknownProfile {
        name: name.to_owned(),
        help: None,
    })?;
    parse_operator(text, &origin)
}

/// Merges the profiles, files and flags of `inputs` into one checked configuration.
pub fn load(inputs: &Inputs) -> miette::Result<MergedConfig> {
    let mut files = Vec::new();
    for path in &inputs.files {
        files.push(read_file(path)?);
    }
    let mut sets = Vec::new();
    for arg in &inputs.sets {
        sets.push(setpath::parse(arg).map_err(|e| ConfigError::BadSet {
            path: e.path,
            reason: e.reason,
            help: e.suggestion.as_deref().map(did_you_mean),
        })?);
    }

    let mut profile_name = profile::DEFAULT_PROFILE.to_owned();
    for f in &files {
        if let Some(p) = f.spec.as_ref().and_then(|s| s.profile.clone()) {
            profile_name = p;
        }
    }
    for s in &sets {
        if s.path == [setpath::Segment::Key("profile".into())] {
            profile_name = s.value.as_str().unwrap_or_default().to_owned();
        }
    }
    check_profile(&profile_name)?;

    let base = load_profile(profile::DEFAULT_PROFILE)?;
    let mut metadata = base.metadata.clone().unwrap_or(Value::Null);
    let mut tree = to_tree(&base.spec.unwrap_or_default());
    overlay::merge_spec(
        &mut tree,
        serde_json::json!({"hub": DEFAULT_HUB, "tag": ISTIO_VERSION}),
    );
    if profile_name != profile::DEFAULT_PROFILE {
        let chosen = load_profile(&profile_name)?;
        overlay::merge_spec(&mut tree, to_tree(&chosen.spec.unwrap_or_default()));
    }
    for f in files {
        if let Some(m) = f.metadata {
            overlay::merge(&mut metadata, m);
        }
        let spec = f.spec.unwrap_or_default();
        overlay::merge_spec(&mut tree, to_tree(&spec));
    }
    for s in &sets {
        setpath::apply(&mut tree, s).map_err(|e| ConfigError::BadSet {
            path: e.path,
            reason: e.reason,
            help: e.suggestion.as_deref().map(did_you_mean),
        })?;
        serde_json::from_value::<IstioOperatorSpec>(tree.clone()).map_err(|e| {
            ConfigError::BadSet {
                path: s.raw_path.clone(),
                reason: format!("bad value: {e}"),
                help: None,
            }
        })?;
    }
    let mut spec: IstioOperatorSpec =
        serde_json::from_value(tree).map_err(|e| ConfigError::Invalid {
            origin: "merged configuration".into(),
            reason: e.to_string(),
            help: None,
            src: None,
            span: None,
        })?;
    spec.profile = Some(profile_name.clone());
    check_unsupported(&spec)?;
    for (field, tree) in [
        ("meshConfig", &spec.mesh_config),
        ("values", &spec.values),
        ("unvalidatedValues", &spec.unvalidated_values),
    ] {
        if tree.as_ref().is_some_and(|t| !t.is_object()) {
            return Err(ConfigError::Invalid {
                origin: format!("spec.{field}"),
                reason: format!("{field} must be a map"),
                help: None,
                src: None,
                span: None,
            }
            .into());
        }
    }
    Ok(MergedConfig {
        profile: profile_name,
        metadata,
        spec,
    })
}

fn check_unsupported(spec: &IstioOperatorSpec) -> miette::Result<()> {
    let Some(c) = &spec.components else {
        return Ok(());
    };
    for (name, comp) in [("cni", &c.cni), ("ztunnel", &c.ztunnel)] {
        if comp.as_ref().and_then(|c| c.enabled) == Some(true) {
            return Err(ConfigError::Invalid {
                origin: format!("components.{name}"),
                reason: format!("the {name} component is not supported by this istioctl"),
                help: Some(format!(
                    "remove components.{name} or set components.{name}.enabled=false"
                )),
                src: None,
                span: None,
            }
            .into());
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> miette::Result<IstioOperator> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: origin.clone(),
        source,
    })?;
    parse_operator(&text, &origin).map_err(|e: Report| e)
}

impl MergedConfig {
    /// The namespace the control plane goes to.
    pub fn namespace(&self) -> String {
        self.spec
            .namespace
            .clone()
            .or_else(|| {
                self.spec
                    .values
                    .as_ref()
                    .and_then(|v| v.pointer("/global/istioNamespace"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .or_else(|| {
                self.metadata
                    .get("namespace")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "istio-system".to_owned())
    }

    /// The revision (empty for the default revision).
    pub fn revision(&self) -> String {
        self.spec.revision.clone().unwrap_or_default()
    }

    /// The name of the IstioOperator, used as owning resource (`unknown` when unnamed).
    pub fn owner_name(&self) -> String {
        self.metadata
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned()
    }

    /// The full IstioOperator document (for `profile dump`).
    pub fn to_document(&self) -> Value {
        let mut spec = to_tree(&self.spec);
        // `profile dump` shows the profile only when one other than default was chosen.
        if self.profile == profile::DEFAULT_PROFILE {
            if let Value::Object(m) = &mut spec {
                m.remove("profile");
            }
        }
        let mut doc = serde_json::json!({"apiVersion": API_VERSION, "kind": KIND});
        if !self.metadata.is_null() {
            doc["metadata"] = self.metadata.clone();
        }
        doc["spec"] = spec;
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_parses() {
        for name in profile::names() {
            load_profile(name).unwrap();
        }
        assert_eq!(
            profile::names(),
            ["default", "demo", "empty", "minimal", "preview", "remote"]
        );
    }
}
