//! Reading a rule file: YAML documents of `apiVersion: istioctl-rs.dev/v1alpha1`,
//! `kind: AnalyzerRule`, each field checked with the line it is on, so that a mistake is
//! reported where it was made.

use std::sync::Arc;

use istio_core::tree::{Map, Node};

use crate::load::LoadError;
use crate::message::Level;
use crate::resource::Source;

/// The `apiVersion` of rule files this version reads.
pub const API_VERSION: &str = "istioctl-rs.dev/v1alpha1";
/// The `kind` of a rule document.
pub const KIND: &str = "AnalyzerRule";

/// Fields of a rule document.
const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "name",
    "code",
    "level",
    "description",
    "url",
    "resources",
    "lookups",
    "match",
    "checks",
    "message",
    "args",
    "hint",
];
/// Fields of an entry of `resources`.
const RESOURCE_FIELDS: &[&str] = &["apiVersion", "kind", "namespaces", "selector"];
/// Fields of an entry of `lookups`.
const LOOKUP_FIELDS: &[&str] = &["apiVersion", "kind"];
/// Fields of a check.
const CHECK_FIELDS: &[&str] = &["expression", "field"];
/// Fields of an argument.
const ARG_FIELDS: &[&str] = &["name", "expression"];

/// Text written in the file, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    /// The text.
    pub text: String,
    /// Its 1-based line.
    pub line: u32,
}

/// A kind a rule checks: `apiVersion`/`kind`, optionally only some namespaces and labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    /// `apiVersion` as written (`networking.istio.io/v1`).
    pub api_version: String,
    /// `kind` (`VirtualService`).
    pub kind: String,
    /// Only resources of these namespaces (all when empty).
    pub namespaces: Vec<String>,
    /// Only resources carrying all these labels.
    pub selector: Vec<(String, String)>,
    /// The line of the entry.
    pub line: u32,
}

/// A kind a rule looks up through the look-up functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupSpec {
    /// `apiVersion` as written.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// The line of the entry.
    pub line: u32,
}

/// One check: an expression that must hold, and the field a finding points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSpec {
    /// The CEL expression (true: the resource passes).
    pub expression: Spanned,
    /// The dotted path of the field the finding is placed on.
    pub field: Option<String>,
}

/// A rule document as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    /// The analyzer name.
    pub name: Spanned,
    /// The code.
    pub code: Spanned,
    /// The level.
    pub level: Level,
    /// The description.
    pub description: String,
    /// The documentation URL (may be empty).
    pub url: String,
    /// Kinds checked.
    pub resources: Vec<ResourceSpec>,
    /// Kinds looked up.
    pub lookups: Vec<LookupSpec>,
    /// The expression selecting which resources are checked.
    pub matches: Option<Spanned>,
    /// The checks.
    pub checks: Vec<CheckSpec>,
    /// The message, `{name}` placeholders for the arguments.
    pub message: Spanned,
    /// Arguments: name and expression.
    pub args: Vec<(String, Spanned)>,
    /// How to fix it (may be empty), with the same placeholders.
    pub hint: Spanned,
}

/// Where errors about one file go: its name and text.
#[derive(Debug, Clone)]
pub struct FileContext {
    /// The file.
    pub source: Arc<Source>,
}

impl FileContext {
    /// An error at `line` of the file, with a code frame on that line.
    pub fn error(&self, line: u32, message: impl Into<String>) -> LoadError {
        let text = self.source.text();
        let offset = line_offset(&text, line);
        LoadError {
            file: self.source.name.clone(),
            line: (line > 0).then_some(line),
            at: (line > 0).then(|| (offset, self.source.clone())),
            message: message.into(),
        }
    }
}

/// The byte offset of the first non-blank character of 1-based `line`.
fn line_offset(text: &str, line: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            return offset + (l.len() - l.trim_start().len());
        }
        offset += l.len();
    }
    text.len()
}

/// Parses every document of a rule file. Documents that are not rules, or have a mistake, are
/// errors; the others are returned.
pub fn parse(file: &FileContext) -> (Vec<RuleSpec>, Vec<LoadError>) {
    let text = file.source.text();
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for chunk in istio_core::yaml::split_documents(&text) {
        let body = &text[chunk.range.clone()];
        match istio_core::yaml::parse_tree(body, chunk.first_line, chunk.range.start) {
            Ok(doc) => match parse_rule(file, doc.root(), chunk.first_line) {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(LoadError {
                file: file.source.name.clone(),
                line: Some(e.line),
                at: Some((e.offset, file.source.clone())),
                message: format!("invalid YAML: {e}"),
            }),
        }
    }
    (rules, errors)
}

type Parsed<T> = Result<T, LoadError>;

fn line_or(node: Node<'_>, fallback: u32) -> u32 {
    match node.line() {
        0 => fallback,
        l => l,
    }
}

/// Refuses fields outside `known`, suggesting the closest.
fn known_fields(file: &FileContext, map: Map<'_>, known: &[&str], what: &str) -> Parsed<()> {
    for (key, value) in map {
        if !known.contains(&key) {
            let hint = istio_core::suggest::closest(key, known.iter().copied())
                .map(|s| format!("; did you mean {s:?}?"))
                .unwrap_or_else(|| format!("; {what} has {}", known.join(", ")));
            return Err(file.error(
                value.line(),
                format!("unknown field {key:?} in {what}{hint}"),
            ));
        }
    }
    Ok(())
}

fn object<'a>(file: &FileContext, node: Node<'a>, line: u32, what: &str) -> Parsed<Map<'a>> {
    node.as_object().ok_or_else(|| {
        file.error(
            line_or(node, line),
            format!("{what} must be a mapping, not {}", node.type_name()),
        )
    })
}

fn string(file: &FileContext, map: Map<'_>, key: &str, line: u32, what: &str) -> Parsed<Spanned> {
    match map.get(key) {
        None => Err(file.error(line, format!("{what} needs a {key:?} field"))),
        Some(node) => match node.as_str() {
            Some(s) if !s.trim().is_empty() => Ok(Spanned {
                text: s.to_owned(),
                line: line_or(node, line),
            }),
            Some(_) => Err(file.error(line_or(node, line), format!("{key:?} of {what} is empty"))),
            None => Err(file.error(
                line_or(node, line),
                format!(
                    "{key:?} of {what} must be a string, not {}",
                    node.type_name()
                ),
            )),
        },
    }
}

fn optional_string(
    file: &FileContext,
    map: Map<'_>,
    key: &str,
    line: u32,
    what: &str,
) -> Parsed<Option<Spanned>> {
    match map.get(key) {
        None => Ok(None),
        Some(_) => string(file, map, key, line, what).map(Some),
    }
}

fn list<'a>(
    file: &FileContext,
    map: Map<'a>,
    key: &str,
    line: u32,
    what: &str,
) -> Parsed<Vec<Node<'a>>> {
    match map.get(key) {
        None => Ok(Vec::new()),
        Some(node) => node.as_array().map(|s| s.iter().collect()).ok_or_else(|| {
            file.error(
                line_or(node, line),
                format!("{key:?} of {what} must be a list, not {}", node.type_name()),
            )
        }),
    }
}

fn parse_rule(file: &FileContext, root: Node<'_>, first_line: u32) -> Parsed<RuleSpec> {
    let map = object(file, root, first_line, "a rule document")?;
    let line = map
        .values()
        .next()
        .map_or(first_line, |n| line_or(n, first_line));
    let api = string(file, map, "apiVersion", line, "a rule")?;
    if api.text != API_VERSION {
        return Err(file.error(
            api.line,
            format!(
                "apiVersion {:?} is not one this istioctl reads; use {API_VERSION:?}",
                api.text
            ),
        ));
    }
    let kind = string(file, map, "kind", line, "a rule")?;
    if kind.text != KIND {
        return Err(file.error(
            kind.line,
            format!("kind {:?} is not a rule; use {KIND:?}", kind.text),
        ));
    }
    known_fields(file, map, FIELDS, "a rule")?;
    let name = string(file, map, "name", line, "a rule")?;
    let what = format!("rule {}", name.text);
    let code = string(file, map, "code", line, &what)?;
    let level_text = string(file, map, "level", line, &what)?;
    let level: Level = level_text
        .text
        .parse()
        .map_err(|e: String| file.error(level_text.line, e))?;
    let description = string(file, map, "description", line, &what)?.text;
    let url = optional_string(file, map, "url", line, &what)?
        .map(|s| s.text)
        .unwrap_or_default();
    let mut resources = Vec::new();
    for node in list(file, map, "resources", line, &what)? {
        let entry_line = line_or(node, line);
        let m = object(file, node, entry_line, "an entry of resources")?;
        known_fields(file, m, RESOURCE_FIELDS, "an entry of resources")?;
        let api_version = string(file, m, "apiVersion", entry_line, "an entry of resources")?.text;
        let kind = string(file, m, "kind", entry_line, "an entry of resources")?.text;
        let mut namespaces = Vec::new();
        for ns in list(file, m, "namespaces", entry_line, "an entry of resources")? {
            match ns.as_str() {
                Some(s) => namespaces.push(s.to_owned()),
                None => {
                    return Err(file.error(
                        line_or(ns, entry_line),
                        format!("a namespace must be a string, not {}", ns.type_name()),
                    ))
                }
            }
        }
        let mut selector = Vec::new();
        if let Some(sel) = m.get("selector") {
            let sel_line = line_or(sel, entry_line);
            for (k, v) in object(file, sel, sel_line, "selector (label: value)")? {
                match v.as_str() {
                    Some(v) => selector.push((k.to_owned(), v.to_owned())),
                    None => {
                        return Err(file.error(
                            line_or(v, sel_line),
                            format!(
                                "the value of label {k:?} must be a string, not {}",
                                v.type_name()
                            ),
                        ))
                    }
                }
            }
        }
        resources.push(ResourceSpec {
            api_version,
            kind,
            namespaces,
            selector,
            line: entry_line,
        });
    }
    if resources.is_empty() {
        return Err(file.error(name.line, format!("{what} names no resources to check; list them under \"resources\" (apiVersion and kind)")));
    }
    let mut lookups = Vec::new();
    for node in list(file, map, "lookups", line, &what)? {
        let entry_line = line_or(node, line);
        let m = object(file, node, entry_line, "an entry of lookups")?;
        known_fields(file, m, LOOKUP_FIELDS, "an entry of lookups")?;
        lookups.push(LookupSpec {
            api_version: string(file, m, "apiVersion", entry_line, "an entry of lookups")?.text,
            kind: string(file, m, "kind", entry_line, "an entry of lookups")?.text,
            line: entry_line,
        });
    }
    let matches = optional_string(file, map, "match", line, &what)?;
    let mut checks = Vec::new();
    for node in list(file, map, "checks", line, &what)? {
        let entry_line = line_or(node, line);
        let m = object(file, node, entry_line, "a check")?;
        known_fields(file, m, CHECK_FIELDS, "a check")?;
        checks.push(CheckSpec {
            expression: string(file, m, "expression", entry_line, "a check")?,
            field: optional_string(file, m, "field", entry_line, "a check")?.map(|s| s.text),
        });
    }
    if checks.is_empty() {
        return Err(file.error(name.line, format!("{what} has no checks; add at least one under \"checks\" (an expression that holds for a good resource)")));
    }
    let message = string(file, map, "message", line, &what)?;
    let mut args = Vec::new();
    for node in list(file, map, "args", line, &what)? {
        let entry_line = line_or(node, line);
        let m = object(file, node, entry_line, "an argument")?;
        known_fields(file, m, ARG_FIELDS, "an argument")?;
        let arg_name = string(file, m, "name", entry_line, "an argument")?;
        if args
            .iter()
            .any(|(n, _): &(String, Spanned)| *n == arg_name.text)
        {
            return Err(file.error(
                arg_name.line,
                format!("argument {:?} is defined twice", arg_name.text),
            ));
        }
        args.push((
            arg_name.text,
            string(file, m, "expression", entry_line, "an argument")?,
        ));
    }
    let hint = optional_string(file, map, "hint", line, &what)?.unwrap_or(Spanned {
        text: String::new(),
        line,
    });
    Ok(RuleSpec {
        name,
        code,
        level,
        description,
        url,
        resources,
        lookups,
        matches,
        checks,
        message,
        args,
        hint,
    })
}
