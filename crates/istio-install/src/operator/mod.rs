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

use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};
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
    /// Proceed past validation errors (unknown or mistyped values, settings this client does
    /// not render), reporting each as a warning.
    pub force: bool,
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
    /// The namespace the control plane goes to (`spec.namespace`, the file's
    /// `metadata.namespace` or `values.global.istioNamespace`, else `istio-system`).
    pub namespace: String,
    /// Whether the user set `values.global.istioNamespace` themselves.
    pub istio_namespace_set: bool,
    /// Validation problems `--force` let through, for the command to print.
    pub warnings: Vec<String>,
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
    parse_operator_with(text, origin, None)
}

/// Parses one IstioOperator document. With `forced` (`--force`), a values problem is pushed
/// there as a warning instead of failing.
fn parse_operator_with(
    text: &str,
    origin: &str,
    mut forced: Option<&mut Vec<String>>,
) -> miette::Result<IstioOperator> {
    let op: IstioOperator = match serde_saphyr::from_str(text) {
        Ok(op) => op,
        Err(e) => {
            // With --force, fields the IstioOperator does not have are dropped with a warning
            // (as istioctl does: nothing reads them); any other problem stays an error.
            let lenient =
                forced.as_deref_mut().and_then(|warnings| {
                    let mut tree: Value = serde_saphyr::from_str(text).ok()?;
                    let mut found = Vec::new();
                    let op = without_unknown_fields(&mut tree, &mut found).ok()?;
                    warnings.extend(found.iter().map(|f| {
                        format!("{origin}: unknown field {f} (ignored because of --force)")
                    }));
                    Some(op)
                });
            match lenient {
                Some(op) => op,
                None => return Err(crate::yaml_report(&e, text, origin)),
            }
        }
    };
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
        if let Err(e) = values::check_tree(values) {
            let reason = match e.expected {
                Some(want) => format!("bad value at values.{}: expected {want}", e.path),
                None => format!("unknown value path values.{}", e.path),
            };
            match forced {
                Some(warnings) => warnings.push(format!(
                    "{origin}: {reason}{} (kept because of --force)",
                    e.suggestion
                        .as_deref()
                        .map(did_you_mean)
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default()
                )),
                None => {
                    let last = e.path.rsplit('.').next().unwrap_or_default().to_owned();
                    let span = find_key(text, &last).map(|i| SourceSpan::from((i, last.len())));
                    return Err(ConfigError::Invalid {
                        origin: origin.to_owned(),
                        reason,
                        help: e.suggestion.as_deref().map(did_you_mean).or_else(|| {
                            Some("check the spelling, or pass --force to proceed anyway".into())
                        }),
                        src: Some(NamedSource::new(origin, text.to_owned())),
                        span,
                    }
                    .into());
                }
            }
        }
    }
    Ok(op)
}

/// Deserializes `T` from `tree`, first removing each field `T` does not know; their paths
/// (`spec.components.pilot.foo`) are pushed to `removed`. Any other problem is an error.
fn without_unknown_fields<T: serde::de::DeserializeOwned>(
    tree: &mut Value,
    removed: &mut Vec<String>,
) -> Result<T, serde_json::Error> {
    use serde_path_to_error::Segment;
    loop {
        let err = match serde_path_to_error::deserialize::<_, T>(&*tree) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let message = err.inner().to_string();
        let Some(field) = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
        else {
            return Err(err.into_inner());
        };
        let mut segments: Vec<Segment> = err.path().iter().cloned().collect();
        if matches!(segments.last(), Some(Segment::Map { key }) if *key == field) {
            segments.pop();
        }
        let mut at = &mut *tree;
        let mut shown = String::new();
        for s in &segments {
            let next = match (s, at) {
                (Segment::Map { key }, Value::Object(m)) => {
                    shown.push_str(key);
                    shown.push('.');
                    m.get_mut(key)
                }
                (Segment::Seq { index }, Value::Array(a)) => {
                    if shown.ends_with('.') {
                        shown.pop();
                    }
                    shown.push_str(&format!("[{index}]."));
                    a.get_mut(*index)
                }
                _ => None,
            };
            match next {
                Some(n) => at = n,
                None => return Err(err.into_inner()),
            }
        }
        match at.as_object_mut().and_then(|m| m.remove(&field)) {
            Some(_) => removed.push(format!("{shown}{field}")),
            None => return Err(err.into_inner()),
        }
    }
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
    let unknown = || ConfigError::UnknownProfile {
        name: name.to_owned(),
        help: None,
    };
    // Converted to JSON at build time, which checked the YAML; the schema is checked here.
    let json = crate::render::data::operator_profile(name).ok_or_else(unknown)?;
    let op: IstioOperator = serde_json::from_str(json).map_err(|e| ConfigError::Invalid {
        origin: format!("profiles/{name}.yaml"),
        reason: e.to_string(),
        help: None,
        src: None,
        span: None,
    })?;
    Ok(op)
}

/// Merges the profiles, files and flags of `inputs` into one checked configuration.
pub fn load(inputs: &Inputs) -> miette::Result<MergedConfig> {
    load_documents(&documents(inputs)?, &inputs.sets, inputs.force)
}

/// One IstioOperator file's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// The file's path as given (for messages).
    pub origin: String,
    /// Its text.
    pub text: String,
}

/// Reads the `-f` files of `inputs`.
pub fn documents(inputs: &Inputs) -> miette::Result<Vec<Document>> {
    inputs
        .files
        .iter()
        .map(|path| {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: origin.clone(),
                source,
            })?;
            Ok(Document { origin, text })
        })
        .collect()
}

/// Like [`load`], from IstioOperator documents already read (e.g. a recorded install).
pub fn load_documents(
    documents: &[Document],
    set_flags: &[String],
    force: bool,
) -> miette::Result<MergedConfig> {
    let inputs = Inputs {
        files: Vec::new(),
        sets: set_flags.to_vec(),
        force,
    };
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    for d in documents {
        files.push(parse_operator_with(
            &d.text,
            &d.origin,
            inputs.force.then_some(&mut warnings),
        )?);
    }
    let mut sets = Vec::new();
    for arg in &inputs.sets {
        let flag = match setpath::parse(arg) {
            Ok(f) => f,
            Err(e) if inputs.force && e.path.starts_with("values.") => {
                let f = setpath::parse_unchecked(arg).map_err(bad_set)?;
                warnings.push(format!(
                    "--set {}: {} (kept because of --force)",
                    e.path, e.reason
                ));
                f
            }
            Err(e) if inputs.force && e.unknown_field => {
                warnings.push(format!(
                    "--set {}: {} (ignored because of --force)",
                    e.path, e.reason
                ));
                continue;
            }
            Err(e) if e.path.starts_with("values.") || e.unknown_field => {
                let mut err = bad_set(e);
                if let ConfigError::BadSet { help, .. } = &mut err {
                    let force = "pass --force to proceed anyway";
                    *help = Some(match help.take() {
                        Some(h) => format!("{h} Or {force}."),
                        None => format!("check the path, or {force}"),
                    });
                }
                return Err(err.into());
            }
            Err(e) => return Err(bad_set(e).into()),
        };
        sets.push(flag);
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

    // Namespaces the user chose themselves (the default profile names istio-system).
    let mut user_ns: Option<String> = None;
    let mut istio_ns: Option<String> = None;
    for f in &files {
        if let Some(ns) = f
            .metadata
            .as_ref()
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
        {
            user_ns = Some(ns.to_owned());
        }
        if let Some(ns) = f
            .spec
            .as_ref()
            .and_then(|s| s.values.as_ref())
            .and_then(|v| v.pointer("/global/istioNamespace"))
            .and_then(Value::as_str)
        {
            istio_ns = Some(ns.to_owned());
        }
    }
    for s in &sets {
        let keys: Vec<&str> = s
            .path
            .iter()
            .map(|p| match p {
                setpath::Segment::Key(k) => k.as_str(),
                _ => "",
            })
            .collect();
        if keys == ["values", "global", "istioNamespace"] {
            istio_ns = s.value.as_str().map(str::to_owned);
        }
    }

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
        setpath::apply(&mut tree, s).map_err(bad_set)?;
        let checked = if inputs.force {
            let mut found = Vec::new();
            let checked = without_unknown_fields::<IstioOperatorSpec>(&mut tree, &mut found);
            warnings.extend(found.iter().map(|f| {
                format!(
                    "--set {}: unknown field spec.{f} (ignored because of --force)",
                    s.raw_path
                )
            }));
            checked.map(drop)
        } else {
            serde_json::from_value::<IstioOperatorSpec>(tree.clone()).map(drop)
        };
        checked.map_err(|e| ConfigError::BadSet {
            path: s.raw_path.clone(),
            reason: format!("bad value: {e}"),
            help: None,
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
    check_unrendered(&spec, inputs.force, &mut warnings)?;
    let namespace = spec
        .namespace
        .clone()
        .filter(|s| !s.is_empty())
        .or(user_ns.filter(|s| !s.is_empty()))
        .or(istio_ns.clone().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "istio-system".to_owned());
    Ok(MergedConfig {
        profile: profile_name,
        metadata,
        spec,
        namespace,
        istio_namespace_set: istio_ns.is_some(),
        warnings,
    })
}

fn bad_set(e: setpath::SetError) -> ConfigError {
    ConfigError::BadSet {
        path: e.path,
        reason: e.reason,
        help: e.suggestion.as_deref().map(did_you_mean),
    }
}

/// Settings this client does not render. Those that change nothing Istio would render (a
/// label on a component that has none, k8s settings on a workload that does not exist) are
/// errors, or with `--force` warnings saying they are ignored. `installPackagePath` stays an
/// error with `--force`: ignoring it would silently render other charts than the user's.
fn check_unrendered(
    spec: &IstioOperatorSpec,
    force: bool,
    warnings: &mut Vec<String>,
) -> miette::Result<()> {
    if let Some(p) = spec
        .install_package_path
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        let reason = format!(
            "this istioctl renders its embedded Istio {ISTIO_VERSION} charts, not the charts at {p:?}"
        );
        let reason = if force {
            format!("{reason}; --force does not skip this, as ignoring it would render other charts than the ones named")
        } else {
            reason
        };
        return Err(ConfigError::Invalid {
            origin: "spec.installPackagePath".into(),
            reason,
            help: Some(format!(
                "remove installPackagePath to render Istio {ISTIO_VERSION}'s charts"
            )),
            src: None,
            span: None,
        }
        .into());
    }
    let mut problems: Vec<(String, String, String)> = Vec::new();
    if let Some(c) = &spec.components {
        for (name, comp) in [
            ("base", &c.base),
            ("pilot", &c.pilot),
            ("cni", &c.cni),
            ("ztunnel", &c.ztunnel),
        ] {
            if comp
                .as_ref()
                .and_then(|c| c.label.as_ref())
                .is_some_and(|l| !l.is_empty())
            {
                problems.push((
                    format!("components.{name}.label"),
                    "only gateways take labels".into(),
                    format!("remove components.{name}.label"),
                ));
            }
        }
        if let Some(k) = c.base.as_ref().and_then(|b| b.k8s.as_ref()) {
            for field in k.fields_set() {
                problems.push((
                    format!("components.base.k8s.{field}"),
                    "the base component has no workload; it takes only k8s.overlays".into(),
                    format!("remove components.base.k8s.{field}"),
                ));
            }
        }
        for (name, comp) in [("cni", &c.cni), ("ztunnel", &c.ztunnel)] {
            if comp
                .as_ref()
                .and_then(|c| c.k8s.as_ref())
                .is_some_and(|k| k.strategy.is_some())
            {
                problems.push((
                    format!("components.{name}.k8s.strategy"),
                    "a DaemonSet has no Deployment strategy".into(),
                    format!("set values.{name}.updateStrategy instead"),
                ));
            }
        }
    }
    for (origin, reason, help) in problems {
        if force {
            warnings.push(format!("{origin}: {reason} (ignored because of --force)"));
        } else {
            return Err(ConfigError::Invalid {
                origin,
                reason,
                help: Some(format!("{help}, or pass --force to proceed without it")),
                src: None,
                span: None,
            }
            .into());
        }
    }
    Ok(())
}

impl MergedConfig {
    /// The namespace the control plane goes to.
    pub fn namespace(&self) -> String {
        self.namespace.clone()
    }

    /// The revision (empty for the default revision).
    pub fn revision(&self) -> String {
        self.spec.revision.clone().unwrap_or_default()
    }

    /// The revision's `istio.io/rev` value: the revision, or `default`.
    pub fn rev_label(&self) -> String {
        match self.revision() {
            r if r.is_empty() => "default".to_owned(),
            r => r,
        }
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
            [
                "ambient",
                "default",
                "demo",
                "empty",
                "minimal",
                "openshift",
                "openshift-ambient",
                "preview",
                "remote",
                "stable"
            ]
        );
    }
}
