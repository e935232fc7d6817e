//! Running the selected analyzers over a store and turning their messages into findings:
//! resolved wording, level, origin and location, filtered and in a stable order.

use super::analyzer::{Analyzer, Context};
use super::analyzers;
use super::catalog::{self, Entry};
use super::mesh::MeshConfig;
use super::message::{Level, Message};
use super::store::Store;

/// A message ready to be shown.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The raw message.
    pub message: Message,
    /// Its catalog entry.
    pub entry: &'static Entry,
    /// Its level.
    pub level: Level,
    /// `Kind namespace/name` of the resource, or empty.
    pub origin: String,
    /// The resource's namespace (a Namespace's own name; empty for other cluster-scoped
    /// resources or no resource).
    pub namespace: String,
    /// File and 1-based line, for resources read from files.
    pub location: Option<(String, u32)>,
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
}

/// An analyzer name that is not registered, with the nearest registered name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAnalyzer {
    /// The name asked for.
    pub name: String,
    /// The closest registered name, if any is close.
    pub suggestion: Option<&'static str>,
}

/// Selects analyzers by name (all when `names` is empty).
pub fn select(names: &[String]) -> Result<Vec<Box<dyn Analyzer>>, UnknownAnalyzer> {
    let all = analyzers::all();
    if names.is_empty() {
        return Ok(all);
    }
    for name in names {
        if !all.iter().any(|a| a.name() == name) {
            let suggestion = all
                .iter()
                .map(|a| (strsim::jaro_winkler(a.name(), name), a.name()))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, n)| n);
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

/// Runs `selected` over the store (in parallel) and returns sorted, de-duplicated findings.
pub fn run(
    selected: &[Box<dyn Analyzer>],
    store: &Store,
    mesh: &MeshConfig,
    opts: &RunOptions,
) -> Vec<Finding> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(selected.len().max(1));
    let chunk = selected.len().div_ceil(workers).max(1);
    let messages: Vec<Message> = std::thread::scope(|scope| {
        let handles: Vec<_> = selected
            .chunks(chunk)
            .map(|group| {
                scope.spawn(move || {
                    let mut ctx = Context::new(store, mesh, &opts.istio_namespace);
                    for analyzer in group {
                        analyzer.analyze(&mut ctx);
                    }
                    ctx.into_messages()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut findings: Vec<Finding> = messages
        .into_iter()
        .filter_map(|m| finding(m, store))
        .filter(|f| match &opts.namespace {
            Some(ns) => f.namespace.is_empty() || &f.namespace == ns,
            None => true,
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.origin, a.entry.code.as_str(), &a.text).cmp(&(
            &b.origin,
            b.entry.code.as_str(),
            &b.text,
        ))
    });
    findings
        .dedup_by(|a, b| a.entry.code == b.entry.code && a.origin == b.origin && a.text == b.text);
    findings
}

fn finding(message: Message, store: &Store) -> Option<Finding> {
    let entry = catalog::entry(message.code)?;
    let resource = message.resource.map(|id| store.get(id));
    let location = resource
        .and_then(|r| r.location(message.field.as_deref()))
        .map(|(source, line)| (source.name.clone(), line));
    Some(Finding {
        level: entry.level,
        origin: resource.map(|r| r.origin_name()).unwrap_or_default(),
        // As in istioctl, a Namespace belongs to itself when filtering by namespace.
        namespace: resource
            .map(|r| {
                if r.kind_key.as_ref() == super::kinds::NAMESPACE.0 {
                    r.name.to_string()
                } else {
                    r.namespace.to_string()
                }
            })
            .unwrap_or_default(),
        location,
        text: catalog::fill(&entry.message, &message.args),
        hint: catalog::fill(&entry.hint, &message.args),
        entry,
        message,
    })
}
