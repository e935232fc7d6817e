//! `istioctl validate`: checks Istio resources in files against the Istio API, and Kubernetes'
//! own kinds (Deployment, Service, …) against their k8s-openapi types; other resources only for
//! apiVersion, kind and metadata.name. Prints `"FILE" is valid` for each valid file and every
//! problem as `Error: FILE:LINE: FIELD: message`; exits 0 when all files are valid, 1 otherwise.

use crate::inputs::Input;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::api::{self, Level};
use crate::tree::Node;
use crate::yaml::{parse_tree, split_documents, PathSegment};
use clap::{ArgAction, Args};
use miette::miette;

/// Arguments of `istioctl validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories to validate (repeatable); `-` reads stdin
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Accepted for compatibility with istioctl; has no effect (every check always runs)
    #[arg(short = 'x', long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub referential: bool,
}

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
    problems
}

/// Checks one parsed document; `prefix` is the path of the document inside a `List`.
fn check_document(value: Node<'_>, prefix: &str, out: &mut Vec<api::Violation>) {
    let at = |path: &str| -> String {
        match (prefix.is_empty(), path.is_empty()) {
            (true, _) => path.to_owned(),
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{path}"),
        }
    };
    let error = |path: &str, message: String| api::Violation {
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
    match api::validate(value) {
        Ok(violations) => out.extend(violations.into_iter().map(|mut v| {
            v.path = at(&v.path);
            v
        })),
        Err(unknown) => out.push(error("apiVersion", unknown.to_string())),
    }
    let is_istio = api_version
        .and_then(|v| v.rsplit_once('/'))
        .is_some_and(|(group, _)| api::GROUPS.contains(&group));
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
        api::builtin::check(&value.to_json())
            .into_iter()
            .map(|e| error(&e.path, e.message)),
    );
}

/// Expands files and directories (recursively, `.yaml`, `.yml` and `.json` files in sorted
/// order); `-` stays as is.
fn expand(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    crate::inputs::expand(inputs, true)
        .into_iter()
        .filter_map(|input| match input {
            Input::File(path) => Some(Ok(path)),
            Input::Skipped(_) => None,
            Input::Unreadable(dir, message) => Some(Err((dir, message))),
        })
        .collect()
}

fn read_input(path: &Path) -> Result<String, String> {
    let bytes = crate::inputs::read(path).map_err(|e| match path.as_os_str() == "-" {
        true => format!("cannot read stdin: {e}"),
        false => format!("cannot read file: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| format!("the file is not valid UTF-8: {e}"))
}

/// Runs `istioctl validate`.
pub fn run(args: &ValidateArgs) -> miette::Result<ExitCode> {
    if args.files.is_empty() {
        return Err(miette!(help = "pass -f FILE", "no file provided"));
    }
    let mut failed = false;
    for input in expand(&args.files) {
        let (path, text) =
            match input.and_then(|p| read_input(&p).map(|t| (p.clone(), t)).map_err(|e| (p, e))) {
                Ok(pair) => pair,
                Err((path, message)) => {
                    eprintln!("Error: {}: {message}", path.display());
                    failed = true;
                    continue;
                }
            };
        let name = path.display().to_string();
        let problems = validate_text(&text);
        let mut errors = 0;
        for p in &problems {
            let word = match p.level {
                Level::Error => {
                    errors += 1;
                    "Error"
                }
                Level::Warning => "Warning",
            };
            let place = p.line.map_or(name.clone(), |l| format!("{name}:{l}"));
            if p.path.is_empty() {
                eprintln!("{word}: {place}: {}", p.message);
            } else {
                eprintln!("{word}: {place}: {}: {}", p.path, p.message);
            }
        }
        if errors == 0 {
            println!("{name:?} is valid");
        } else {
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
