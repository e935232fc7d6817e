//! User rules: analyzers written as YAML files with CEL expressions, loaded at run time and
//! run like the built-in analyzers (listed, selected, suppressed, counted and printed the same
//! way).
//!
//! A rule file holds one or more documents of `apiVersion: istioctl-rs.dev/v1alpha1`,
//! `kind: AnalyzerRule` ([`file`] reads them). A rule names the kinds it checks, a `match`
//! expression choosing the resources it applies to, one or more checks that must hold, and a
//! message; its code is its own (e.g. `USR0001`), registered in the catalog beside Istio's.
//! [`eval`] compiles and evaluates the expressions; [`value`] turns resources into CEL values.
//! A rule that cannot be read or compiled is a [`LoadError`] at its line, and every other rule
//! still loads.

pub mod eval;
pub mod file;
pub mod value;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analyzer::{Analyzer, Context};
use crate::catalog::{Code, Entry, UserOrigin};
use crate::kinds::{kind_key, Kind, NAMESPACE};
use crate::load::LoadError;
use crate::resource::{Resource, Source};
use eval::Expr;
use file::{FileContext, RuleSpec};

/// The directory, under the working directory, whose rules load by default.
pub const LOCAL_DIR: &str = ".istioctl/rules";
/// The directory, under `$XDG_CONFIG_HOME` (or `~/.config`), whose rules load by default.
pub const CONFIG_DIR: &str = "istioctl/rules";

/// The default rule directories that exist: `.istioctl/rules` of the working directory and
/// `istioctl/rules` of `$XDG_CONFIG_HOME` (`~/.config` when unset).
pub fn default_dirs() -> Vec<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    let mut dirs = vec![PathBuf::from(LOCAL_DIR)];
    dirs.extend(config.map(|c| c.join(CONFIG_DIR)));
    dirs.into_iter().filter(|d| d.is_dir()).collect()
}

/// The kinds a rule checks, and which of their resources.
#[derive(Debug)]
pub struct Target {
    /// The kind.
    pub kind: Kind,
    /// Only these namespaces (all when empty).
    pub namespaces: Vec<String>,
    /// Only resources carrying all these labels.
    pub selector: Vec<(String, String)>,
}

impl Target {
    /// True when the target covers `r`.
    pub fn accepts(&self, r: &Resource) -> bool {
        *r.kind_key == *self.kind.0
            && (self.namespaces.is_empty() || self.namespaces.iter().any(|n| **n == *r.namespace))
            && self
                .selector
                .iter()
                .all(|(k, v)| r.label(k) == Some(v.as_str()))
    }
}

/// One check of a rule.
#[derive(Debug)]
pub struct Check {
    /// True for a good resource.
    pub expression: Expr,
    /// The field its findings point at.
    pub field: Option<String>,
}

/// A loaded, compiled user rule: an [`Analyzer`].
#[derive(Debug)]
pub struct Rule {
    /// Its analyzer name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its code, registered in the catalog.
    pub code: Code,
    /// The file it was read from.
    pub file: FileContext,
    /// The line of its `name`.
    pub line: u32,
    /// What it checks.
    pub targets: Vec<Target>,
    /// Every kind it reads: checked, looked up, and Namespace (for `ns`).
    pub inputs: Vec<Kind>,
    /// Which resources it applies to.
    pub matches: Option<Expr>,
    /// What must hold.
    pub checks: Vec<Check>,
    /// The message arguments.
    pub args: Vec<Expr>,
    /// True when an expression reads `ns`.
    pub uses_ns: bool,
}

impl Rule {
    /// The file the rule was read from.
    pub fn path(&self) -> &str {
        &self.file.source.name
    }
}

impl Analyzer for Rule {
    fn name(&self) -> &str {
        &self.name
    }

    fn description(&self) -> String {
        self.description.clone()
    }

    fn inputs(&self) -> &[Kind] {
        &self.inputs
    }

    fn codes(&self) -> &[Code] {
        std::slice::from_ref(&self.code)
    }

    fn analyze(&self, ctx: &mut Context<'_>) {
        let (messages, errors) = eval::evaluate(&[self], ctx.store, ctx.mesh);
        for m in messages {
            ctx.report(m);
        }
        ctx.rule_errors(errors);
    }

    fn user_rule(&self) -> Option<&Rule> {
        Some(self)
    }
}

/// User rules that could not be used: rule files or rules that did not load, and expressions
/// that failed on a resource. They are errors of the run's configuration, not of its inputs.
#[derive(Debug, Default)]
pub struct RuleErrors {
    /// The diagnostics, each at its line of its rule file.
    pub errors: Vec<LoadError>,
    /// How many rules failed: each error of loading counts as one (it leaves out a rule, or the
    /// rules of a document or file), and a rule whose expressions failed counts once.
    pub failed: usize,
}

impl RuleErrors {
    /// True when every rule could be used.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Adds `other`'s errors and failed rules.
    pub fn extend(&mut self, other: RuleErrors) {
        self.errors.extend(other.errors);
        self.failed += other.failed;
    }
}

/// Rules loaded from files, and what could not be loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The rules, in the order their files were found.
    pub rules: Vec<&'static Rule>,
    /// Files and rules that could not be used.
    pub errors: Vec<LoadError>,
}

/// Interns a kind key: kinds are `&'static` (rules live for the whole run).
fn intern(key: String) -> &'static str {
    static KEYS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = keys.iter().find(|k| ***k == *key) {
        return k;
    }
    let k: &'static str = Box::leak(key.into_boxed_str());
    keys.push(k);
    k
}

/// The `.yaml`/`.yml` files of `path` (itself when it is a file), sorted, recursively.
fn rule_files(path: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<LoadError>) {
    if path.is_file() {
        out.push(path.to_owned());
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            errors.push(LoadError {
                file: path.display().to_string(),
                line: None,
                at: None,
                message: format!("cannot read the rules directory: {e}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            rule_files(&p, out, errors);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

/// Loads the rules of `dirs` (directories, recursively, or single files). Names and codes must
/// be unique among them and the built-in analyzers; a rule breaking that, or with any other
/// mistake, is an error and is left out.
pub fn load(dirs: &[PathBuf], builtin_names: &[&str]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    for dir in dirs {
        rule_files(dir, &mut files, &mut loaded.errors);
    }
    let mut seen: Vec<(String, String, String)> = Vec::new();
    for path in files {
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    loaded.errors.push(LoadError {
                        file: path.display().to_string(),
                        line: None,
                        at: None,
                        message: "a rule file must be UTF-8 text".to_owned(),
                    });
                    continue;
                }
            },
            Err(e) => {
                loaded.errors.push(LoadError {
                    file: path.display().to_string(),
                    line: None,
                    at: None,
                    message: format!("cannot read the rule file: {e}"),
                });
                continue;
            }
        };
        let file = FileContext {
            source: Arc::new(Source::new(
                path.display().to_string(),
                Arc::from(text),
                Some(path.clone()),
            )),
        };
        let (specs, errors) = file::parse(&file);
        loaded.errors.extend(errors);
        for spec in specs {
            if builtin_names.contains(&spec.name.text.as_str()) {
                loaded.errors.push(file.error(
                    spec.name.line,
                    format!(
                        "rule name {:?} is a built-in analyzer's; give the rule a name of its own",
                        spec.name.text
                    ),
                ));
                continue;
            }
            if let Some((_, _, other)) = seen.iter().find(|(n, _, _)| *n == spec.name.text) {
                loaded.errors.push(file.error(
                    spec.name.line,
                    format!(
                        "rule name {:?} is taken by a rule of {other}",
                        spec.name.text
                    ),
                ));
                continue;
            }
            if let Some((n, _, other)) = seen.iter().find(|(_, c, _)| *c == spec.code.text) {
                loaded.errors.push(file.error(
                    spec.code.line,
                    format!(
                        "code {} is taken by rule {n} of {other}; give every rule its own code",
                        spec.code.text
                    ),
                ));
                continue;
            }
            match compile(&file, spec) {
                Ok(rule) => {
                    seen.push((
                        rule.name.clone(),
                        rule.code.as_str().to_owned(),
                        rule.path().to_owned(),
                    ));
                    loaded.rules.push(Box::leak(Box::new(rule)));
                }
                Err(e) => loaded.errors.push(e),
            }
        }
    }
    loaded
}

/// `{name}` placeholders of `template` as `{N}`, N the argument's position.
fn numbered(
    file: &FileContext,
    template: &file::Spanned,
    names: &[String],
) -> Result<String, LoadError> {
    let mut out = String::with_capacity(template.text.len());
    let mut rest = template.text.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            file.error(
                template.line,
                format!("{:?} has a {{ without a closing }}", template.text),
            )
        })?;
        let name = &after[..close];
        let i = names.iter().position(|n| n == name).ok_or_else(|| {
            let hint = match names.is_empty() {
                true => "the rule has no args".to_owned(),
                false => format!("its args are {}", names.join(", ")),
            };
            file.error(
                template.line,
                format!("the placeholder {{{name}}} names no argument; {hint}"),
            )
        })?;
        out.push_str(&format!("{{{i}}}"));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Compiles a parsed rule: its expressions, kinds and catalog entry.
fn compile(file: &FileContext, spec: RuleSpec) -> Result<Rule, LoadError> {
    let expr =
        |s: &file::Spanned| Expr::compile(&s.text, s.line).map_err(|e| file.error(s.line, e));
    let matches = spec.matches.as_ref().map(expr).transpose()?;
    let checks = spec
        .checks
        .iter()
        .map(|c| {
            Ok(Check {
                expression: expr(&c.expression)?,
                field: c.field.clone(),
            })
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    let args = spec
        .args
        .iter()
        .map(|(_, e)| expr(e))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = spec.args.iter().map(|(n, _)| n.clone()).collect();
    let message = numbered(file, &spec.message, &names)?;
    let hint = numbered(file, &spec.hint, &names)?;
    let targets: Vec<Target> = spec
        .resources
        .iter()
        .map(|r| Target {
            kind: Kind(intern(kind_key(&r.api_version, &r.kind))),
            namespaces: r.namespaces.clone(),
            selector: r.selector.clone(),
        })
        .collect();
    let mut inputs: Vec<Kind> = targets.iter().map(|t| t.kind).collect();
    inputs.extend(
        spec.lookups
            .iter()
            .map(|l| Kind(intern(kind_key(&l.api_version, &l.kind)))),
    );
    inputs.push(NAMESPACE);
    inputs.sort();
    inputs.dedup();
    let uses_ns = matches
        .iter()
        .chain(checks.iter().map(|c| &c.expression))
        .chain(&args)
        .any(|e| e.uses(eval::NS));
    let entry = Entry {
        code: leak(spec.code.text.clone()),
        name: leak(spec.name.text.clone()),
        level: spec.level,
        description: leak(spec.description.clone()),
        message: leak(message),
        hint: leak(hint),
        args: Vec::leak(names.into_iter().map(leak).collect()),
    };
    let origin = UserOrigin {
        analyzer: spec.name.text.clone(),
        file: file.source.name.clone(),
        line: spec.code.line,
        url: spec.url.clone(),
    };
    let code = Code::register_user(entry, origin)
        .map_err(|e| file.error(spec.code.line, e.to_string()))?;
    Ok(Rule {
        name: spec.name.text,
        description: spec.description,
        code,
        file: file.clone(),
        line: spec.name.line,
        targets,
        inputs,
        matches,
        checks,
        args,
        uses_ns,
    })
}
