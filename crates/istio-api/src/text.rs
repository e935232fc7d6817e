//! Validating a YAML stream as `istioctl validate` does: Istio resources against the Istio API,
//! Kubernetes' own kinds (Deployment, Service, …) against their k8s-openapi types, other
//! resources only for apiVersion, kind and metadata.name.

use std::path::{Path, PathBuf};

use istio_core::inputs::Input;
use istio_core::tree::{Node, PathSegment};
use istio_core::yaml::{parse_tree, split_documents};

use crate::Level;

/// One problem in a file, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub level: Level,
    /// 1-based line in the file, when known.
    pub line: Option<u32>,
    /// Field path (`spec.hosts[0]`), or `""` for the whole document.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Validates every file of `inputs` (directories walked recursively for `.yaml`, `.yml` and
/// `.json` files, in sorted order; `-` is stdin): each file with its problems, or why it could
/// not be read.
pub fn validate_files(inputs: &[PathBuf]) -> Vec<(PathBuf, Result<Vec<Problem>, String>)> {
    expand(inputs)
        .into_iter()
        .map(|input| match input {
            Ok(path) => {
                let result = read_input(&path).map(|text| validate_text(&text));
                (path, result)
            }
            Err((path, message)) => (path, Err(message)),
        })
        .collect()
}

/// Expands files and directories (recursively, `.yaml`, `.yml` and `.json` files in sorted
/// order); `-` stays as is.
fn expand(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    istio_core::inputs::expand(inputs, true)
        .into_iter()
        .filter_map(|input| match input {
            Input::File(path) => Some(Ok(path)),
            Input::Skipped(_) => None,
            Input::Unreadable(dir, message) => Some(Err((dir, message))),
        })
        .collect()
}

fn read_input(path: &Path) -> Result<String, String> {
    let bytes = istio_core::inputs::read(path).map_err(|e| match path.as_os_str() == "-" {
        true => format!("cannot read stdin: {e}"),
        false => format!("cannot read file: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| format!("the file is not valid UTF-8: {e}"))
}

/// Validates every resource in `text` (a YAML stream); problems are ordered by line.
pub fn validate_text(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for chunk in split_documents(text) {
        let doc = text.get(chunk.range.clone()).unwrap_or("");
        let tree = match parse_tree(doc, chunk.first_line, chunk.range.start) {
            Ok(tree) => tree,
            Err(e) => {
                problems.push(Problem {
                    level: Level::Error,
                    line: Some(e.line),
                    path: String::new(),
                    message: format!("invalid YAML: {}", e.message),
                });
                continue;
            }
        };
        let mut found = Vec::new();
        check_document(tree.root(), "", &mut found);
        for v in found {
            let line = tree
                .root()
                .field_line(&PathSegment::parse_path(&v.path))
                .or(Some(chunk.first_line));
            problems.push(Problem {
                level: v.level,
                line,
                path: v.path,
                message: v.message,
            });
        }
    }
    problems.sort_by_key(|p| p.line);
    // A message may quote a value (a base64 error quotes the text): Secret values never reach
    // the user.
    if !problems.is_empty() {
        let scrubber = istio_core::yaml::SecretScrubber::new(text);
        for p in &mut problems {
            if let std::borrow::Cow::Owned(scrubbed) = scrubber.scrub(&p.message) {
                p.message = scrubbed;
            }
        }
    }
    problems
}

/// Checks one parsed document; `prefix` is the path of the document inside a `List`.
fn check_document(value: Node<'_>, prefix: &str, out: &mut Vec<crate::Violation>) {
    let at = |path: &str| -> String {
        match (prefix.is_empty(), path.is_empty()) {
            (true, _) => path.to_owned(),
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{path}"),
        }
    };
    let error = |path: &str, message: String| crate::Violation {
        path: at(path),
        message,
        level: Level::Error,
    };
    let Some(map) = value.as_object() else {
        if !value.is_null() {
            out.push(error(
                "",
                "a resource must be a mapping with apiVersion, kind and metadata".to_owned(),
            ));
        }
        return;
    };
    let api_version = map.get("apiVersion").and_then(Node::as_str);
    let kind = map.get("kind").and_then(Node::as_str);
    if kind == Some("List") && api_version == Some("v1") {
        if let Some(items) = map.get("items").and_then(Node::as_array) {
            for (i, item) in items.iter().enumerate() {
                check_document(item, &at(&format!("items[{i}]")), out);
            }
        }
        return;
    }
    match crate::validate(value) {
        Ok(violations) => out.extend(violations.into_iter().map(|mut v| {
            v.path = at(&v.path);
            v
        })),
        Err(unknown) => out.push(error("apiVersion", unknown.to_string())),
    }
    let is_istio = api_version
        .and_then(|v| v.rsplit_once('/'))
        .is_some_and(|(group, _)| crate::GROUPS.contains(&group));
    if is_istio {
        return;
    }
    // Kubernetes and other resources: only their shape is checked.
    if api_version.is_none_or(str::is_empty) {
        out.push(error(
            "apiVersion",
            "missing apiVersion; add e.g. `apiVersion: v1`".to_owned(),
        ));
    }
    if kind.is_none_or(str::is_empty) {
        out.push(error(
            "kind",
            "missing kind; add e.g. `kind: Service`".to_owned(),
        ));
    }
    let named = map.get("metadata").is_some_and(|m| {
        ["name", "generateName"].iter().any(|f| {
            m.get(f)
                .and_then(Node::as_str)
                .is_some_and(|s| !s.is_empty())
        })
    });
    if !named {
        out.push(error(
            "metadata.name",
            "missing metadata.name; every resource needs a name".to_owned(),
        ));
    }
    // Kubernetes' own kinds are checked against their k8s-openapi types; other groups' kinds
    // (custom resources) pass through.
    out.extend(
        crate::builtin::check(&value.to_json())
            .into_iter()
            .map(|e| error(&e.path, e.message)),
    );
}
