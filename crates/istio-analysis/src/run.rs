//! Running the selected analyzers over a store and turning their messages into findings:
//! resolved wording, level, origin and location, filtered and in a stable order.

use std::sync::Arc;

use super::analyzer::{builtins, Analyzer, Context};
use super::catalog::{self, Entry};
use super::load::{load_bytes, Keep, LoadOptions, LoadReport};
use super::mesh::MeshConfig;
use super::message::{Level, Message};
use super::resource::{Origin, Source};
use super::store::{Store, StoreBuilder};
use super::suppress::{annotation_suppresses, Suppressions};

/// A message ready to be shown.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Its catalog entry.
    pub entry: &'static Entry,
    /// Its level.
    pub level: Level,
    /// `Kind namespace/name` of the resource, or empty.
    pub origin: String,
    /// File and 1-based line, for resources read from files.
    pub location: Option<(String, u32)>,
    /// The file's text, for code frames (resources read from files only).
    pub source: Option<Arc<Source>>,
    /// The filled-in message text.
    pub text: String,
    /// The filled-in fix hint (may be empty).
    pub hint: String,
}

/// Which analyzers to run and which findings to keep.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Analyzer names to run; empty runs all.
    pub analyzers: Vec<String>,
    /// Keep findings about this namespace and cluster-scoped resources only; `None` keeps all.
    pub namespace: Option<String>,
    /// The Istio control-plane namespace.
    pub istio_namespace: String,
    /// The control-plane revision analyzed; empty for the default one.
    pub revision: String,
    /// The kubeconfig context of the cluster under analysis; empty for files alone.
    pub cluster: String,
    /// `-S` rules; the `galley.istio.io/analyze-suppress` annotation applies in any case.
    pub suppressions: Suppressions,
}

/// An analyzer name that is not registered, with the nearest registered name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAnalyzer {
    /// The name asked for.
    pub name: String,
    /// The closest registered name, if any is close.
    pub suggestion: Option<String>,
}

/// Selects analyzers by name among the built-ins and the loaded user `rules` (all when `names`
/// is empty).
pub fn select(
    names: &[String],
    rules: &[&'static crate::rules::Rule],
) -> Result<Vec<&'static dyn Analyzer>, UnknownAnalyzer> {
    let all: Vec<&'static dyn Analyzer> = builtins()
        .into_iter()
        .map(|b| b as &'static dyn Analyzer)
        .chain(rules.iter().map(|r| *r as &'static dyn Analyzer))
        .collect();
    if names.is_empty() {
        return Ok(all);
    }
    for name in names {
        if !all.iter().any(|a| a.name() == name) {
            let suggestion =
                istio_core::suggest::closest(name, all.iter().map(|a| a.name())).map(str::to_owned);
            return Err(UnknownAnalyzer {
                name: name.clone(),
                suggestion,
            });
        }
    }
    Ok(all
        .into_iter()
        .filter(|a| names.iter().any(|n| n == a.name()))
        .collect())
}

/// Loads `bytes` as one file named `input.yaml` and runs every analyzer over it (all
/// namespaces, default mesh config): the whole engine on one input, for fuzzing and for the
/// regression tests of what fuzzing found.
pub fn analyze_bytes(bytes: &[u8]) -> (Vec<Finding>, LoadReport) {
    let opts = LoadOptions {
        default_namespace: "default".to_owned(),
        recursive: true,
    };
    let mut builder = StoreBuilder::default();
    let mut report = LoadReport::default();
    load_bytes(
        "input.yaml".to_owned(),
        bytes.to_vec(),
        &opts,
        &Keep::All,
        &mut builder,
        &mut report,
    );
    let store = builder.build();
    let run_opts = RunOptions {
        istio_namespace: "istio-system".to_owned(),
        ..RunOptions::default()
    };
    let all: Vec<&dyn Analyzer> = builtins().into_iter().map(|b| b as &dyn Analyzer).collect();
    let mut rule_errors = crate::rules::RuleErrors::default();
    let findings = run(
        &all,
        &store,
        &MeshConfig::defaults("istio-system"),
        &run_opts,
        &mut rule_errors,
    );
    report.errors.extend(rule_errors.errors);
    (findings, report)
}

/// Runs `selected` over the store (in parallel) and returns sorted, de-duplicated findings,
/// without those that are suppressed or (without `-A`) about other namespaces. User rules
/// whose expressions fail on a resource add to `rule_errors`.
pub fn run(
    selected: &[&dyn Analyzer],
    store: &Store,
    mesh: &MeshConfig,
    opts: &RunOptions,
    rule_errors: &mut crate::rules::RuleErrors,
) -> Vec<Finding> {
    let (rules, builtin): (Vec<&dyn Analyzer>, Vec<&dyn Analyzer>) =
        selected.iter().partition(|a| a.user_rule().is_some());
    let workers = super::cores().min(builtin.len().max(1));
    let chunk = builtin.len().div_ceil(workers).max(1);
    let mut messages: Vec<Message> = std::thread::scope(|scope| {
        let handles: Vec<_> = builtin
            .chunks(chunk)
            .map(|group| {
                scope.spawn(move || {
                    let mut ctx = Context::new(store, mesh, &opts.istio_namespace);
                    if !opts.revision.is_empty() {
                        ctx.revision = &opts.revision;
                    }
                    ctx.cluster = &opts.cluster;
                    for &analyzer in group {
                        ctx.run(analyzer);
                    }
                    ctx.into_messages()
                })
            })
            .collect();
        // An analyzer that panics is a bug: let it be seen (tests and the fuzzer catch it)
        // rather than silently lose its findings.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    // User rules run together: each resource is converted once for all of them.
    let rules: Vec<&crate::rules::Rule> = rules.iter().filter_map(|a| a.user_rule()).collect();
    if !rules.is_empty() {
        let (found, errors) = crate::rules::eval::evaluate(&rules, store, mesh);
        messages.extend(found);
        rule_errors.extend(errors);
    }
    let mut findings: Vec<Finding> = messages
        .into_iter()
        .filter(|m| !suppressed(m, store, &opts.suppressions))
        .filter(|m| match &opts.namespace {
            Some(ns) => in_namespace(m, store, ns),
            None => true,
        })
        .map(|m| finding(m, store))
        .collect();
    // By resource, code, text and line (what analyzer tests expect); a message repeated with
    // the same text about the same resource at the same line is reported once, as istioctl
    // does (it drops messages whose rendering, location included, is identical).
    findings.sort_unstable_by(|a, b| {
        let line = |f: &Finding| f.location.as_ref().map(|(_, l)| *l);
        (&a.origin, a.entry.code, &a.text, line(a)).cmp(&(
            &b.origin,
            b.entry.code,
            &b.text,
            line(b),
        ))
    });
    findings.dedup_by(|a, b| {
        a.entry.code == b.entry.code
            && a.origin == b.origin
            && a.text == b.text
            && a.location == b.location
    });
    findings.shrink_to_fit();
    findings
}

/// True when the resource's annotation or a `-S` rule suppresses the message.
fn suppressed(message: &Message, store: &Store, rules: &Suppressions) -> bool {
    let resource = message.resource.map(|id| store.get(id));
    resource.is_some_and(|r| annotation_suppresses(r, message.code.as_str()))
        || (!rules.is_empty() && rules.matches(message.code.as_str(), resource))
}

/// True when the message is about a resource of namespace `ns`, a cluster-scoped resource or
/// no resource. As in istioctl, a Namespace belongs to itself.
fn in_namespace(message: &Message, store: &Store, ns: &str) -> bool {
    let Some(r) = message.resource.map(|id| store.get(id)) else {
        return true;
    };
    let own: &str = if r.kind_key.as_ref() == super::kinds::NAMESPACE.0 {
        &r.name
    } else {
        &r.namespace
    };
    own.is_empty() || own == ns
}

fn finding(message: Message, store: &Store) -> Finding {
    let entry = message.code.entry();
    let resource = message.resource.map(|id| store.get(id));
    // A finding that names a field is placed on that field's line (or its deepest existing
    // ancestor's), which the resource's tree knows.
    let (location, source) = match resource.map(|r| (r, &r.origin)) {
        Some((r, Origin::File { source, line, .. })) => {
            let line = r.line_of(message.field.as_deref()).unwrap_or(*line);
            (Some((source.name.clone(), line)), Some(source.clone()))
        }
        _ => (None, None),
    };
    Finding {
        level: entry.level,
        origin: resource.map(|r| r.origin_name()).unwrap_or_default(),
        location,
        source,
        text: catalog::fill(entry.message, &message.args),
        hint: catalog::fill(entry.hint, &message.args),
        entry,
    }
}
