//! `profile dump` and `profile diff`: a merged configuration (or a subtree of it) and the
//! difference between two profiles.

use serde_json::Value;

use istio_core::suggest::{closest, did_you_mean};

use super::{setpath, ConfigError, Inputs};
use crate::render::yaml::to_yaml;

/// The merged IstioOperator document for a profile plus user input, and the warnings of
/// merging it (settings `--force` let through).
fn merged_document(profile: Option<&str>, inputs: Inputs) -> miette::Result<(Value, Vec<String>)> {
    let mut inputs = inputs;
    if let Some(p) = profile {
        // A profile named on the command line wins over files and flags.
        inputs.sets.push(format!("profile={p}"));
    }
    let cfg = super::load(&inputs)?;
    Ok((cfg.to_document(), cfg.warnings.clone()))
}

/// The merged configuration of `profile` (when given, it wins over the inputs' `profile`)
/// plus `inputs`, or its subtree at `config_path` (relative to `spec`; a leading `spec.` is
/// accepted), as `profile dump` prints it; with the warnings of merging it.
pub fn dump(
    profile: Option<&str>,
    inputs: Inputs,
    config_path: Option<&str>,
) -> miette::Result<(Value, Vec<String>)> {
    let (doc, warnings) = merged_document(profile, inputs)?;
    match config_path {
        None => Ok((doc, warnings)),
        Some(path) => Ok((subtree(&doc, path)?, warnings)),
    }
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
            let help = closest(name, keys).map(did_you_mean);
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

/// A unified diff of two profiles' merged configurations; `None` when they are identical.
pub fn diff(first: &str, second: &str) -> miette::Result<Option<String>> {
    let a = to_yaml(&merged_document(Some(first), Inputs::default())?.0);
    let b = to_yaml(&merged_document(Some(second), Inputs::default())?.0);
    if a == b {
        return Ok(None);
    }
    let diff = similar::TextDiff::from_lines(&a, &b);
    Ok(Some(
        diff.unified_diff()
            .context_radius(3)
            .header(first, second)
            .to_string(),
    ))
}
