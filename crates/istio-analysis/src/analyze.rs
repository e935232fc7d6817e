//! The whole `analyze` pipeline behind one call: [`analyze`] takes a [`Request`] (inputs,
//! cluster, analyzers, namespaces, suppressions, mesh files) and returns a [`Report`] (every
//! finding, what could not be loaded); printing and exit codes are the caller's.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use miette::{miette, IntoDiagnostic};
use serde_json::Value;

use istio_core::yaml::SecretScrubber;
use istio_kube::ClusterConfig;

use crate::analyzer::Analyzer;
use crate::defaults::add_default_resources;
use crate::kinds::MESH_NETWORKS;
use crate::load::{load_inputs_keeping, Keep, LoadOptions, LoadReport};
use crate::mesh::{networks_resource, MeshConfig};
use crate::message::Level;
use crate::resource::{Origin, Resource, Source};
use crate::run::{run, select, Finding, RunOptions};
use crate::store::StoreBuilder;
use crate::suppress::Suppressions;

/// A live cluster to read, and how long reading it may take.
#[derive(Debug, Clone)]
pub struct ClusterSource {
    /// Which cluster.
    pub config: ClusterConfig,
    /// The bound on reading it.
    pub timeout: Duration,
}

/// What to analyze, and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// Files and directories (`-` is stdin).
    pub files: Vec<PathBuf>,
    /// Walk directories recursively.
    pub recursive: bool,
    /// The cluster whose resources the files are laid over; `None` analyzes the files alone.
    pub cluster: Option<ClusterSource>,
    /// Remote clusters of a multicluster analysis (`--remote-contexts`), read with the same
    /// bound into the same store; each object keeps its cluster.
    pub remote_clusters: Vec<ClusterConfig>,
    /// The control-plane revision analyzed (`-r`); empty or `default` for the default one.
    pub revision: String,
    /// Names of the analyzers to run; empty runs them all.
    pub analyzers: Vec<String>,
    /// The namespace of resources that name none, and (without `all_namespaces`) the only one
    /// whose findings are reported.
    pub namespace: String,
    /// Report findings of every namespace.
    pub all_namespaces: bool,
    /// The Istio control-plane namespace.
    pub istio_namespace: String,
    /// `-S` rules (`IST0102=Namespace frod`).
    pub suppress: Vec<String>,
    /// A MeshConfig file laid over the defaults (and the cluster's).
    pub mesh_config_file: Option<PathBuf>,
    /// A MeshNetworks file.
    pub mesh_networks_file: Option<PathBuf>,
    /// Stop after loading (the cost of parsing alone, for benchmarks).
    pub parse_only: bool,
    /// User rule files and directories (`--rules` and the default locations).
    pub rules: Vec<PathBuf>,
}

/// An error in how the analysis was asked for (an unknown analyzer, a malformed `-S`):
/// istioctl exits 64 for these, as for any usage error.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct UsageError {
    /// What was wrong.
    pub message: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

/// An analyzer that did not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its name.
    pub analyzer: &'static str,
    /// Why it did not run.
    pub reason: String,
}

/// What an analysis found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding, sorted, whatever its level.
    pub findings: Vec<Finding>,
    /// What the inputs held that could not be loaded, and what was skipped.
    pub load: LoadReport,
    /// User rules that could not be used: not loaded, or failing on a resource.
    pub rules: crate::rules::RuleErrors,
    /// Warnings about the request itself (e.g. a `-S` code the catalog lacks).
    pub warnings: Vec<String>,
    /// How many resources were analyzed.
    pub resources: usize,
    /// The analyzers that ran, in `-L` order.
    pub executed: Vec<&'static str>,
    /// The analyzers that did not run.
    pub skipped: Vec<Skipped>,
    /// Input kinds a cluster does not serve, read as empty: `(context, group/Kind)`.
    pub unserved: Vec<(String, String)>,
    /// The kubeconfig contexts read, and whether each was a remote cluster.
    pub clusters: Vec<(String, bool)>,
}

impl Report {
    /// True when a finding reaches `threshold` (every finding counts, also those not shown).
    pub fn fails(&self, threshold: Level) -> bool {
        self.findings.iter().any(|f| f.level >= threshold)
    }

    /// Keeps only the findings at or above `threshold`, the ones to print.
    pub fn keep_shown(&mut self, threshold: Level) {
        self.findings.retain(|f| f.level >= threshold);
    }

    /// How many files hold a document that could not be parsed. (An input that could not be
    /// read at all is not counted: its error has no line.)
    pub fn unparsed_files(&self) -> usize {
        let files: std::collections::BTreeSet<&str> = self
            .load
            .errors
            .iter()
            .filter(|e| e.line.is_some())
            .map(|e| e.file.as_str())
            .collect();
        files.len()
    }

    /// True when an input could not be read at all (a missing file, an unreadable directory).
    pub fn unreadable(&self) -> bool {
        self.load.errors.iter().any(|e| e.line.is_none())
    }
}

/// Analyzes what `request` names. Errors are about the request as a whole (an unknown analyzer,
/// a malformed `-S`, an unreadable mesh file, a cluster that cannot be read); a bad input
/// document is not an error but a [`LoadReport`] entry, and everything else is still analyzed.
pub fn analyze(request: &Request) -> miette::Result<Report> {
    let builtin_names: Vec<&str> = crate::analyzer::builtins().iter().map(|b| b.name).collect();
    let loaded_rules = crate::rules::load(&request.rules, &builtin_names);
    let selected = select(&request.analyzers, &loaded_rules.rules).map_err(|e| UsageError {
        message: format!("unknown analyzer {:?}", e.name),
        help: Some(match e.suggestion {
            Some(s) => istio_core::suggest::did_you_mean(&s),
            None => "list them with --list-analyzers".to_owned(),
        }),
    })?;
    let (suppressions, warnings) =
        Suppressions::parse(&request.suppress).map_err(|e| UsageError {
            message: e.to_string(),
            help: None,
        })?;
    let mut builder = StoreBuilder::default();
    let mut mesh = MeshConfig::defaults(&request.istio_namespace);
    let mut unserved = Vec::new();
    let mut cluster_networks = None;
    let mut primary_context = String::new();
    let mut clusters = Vec::new();
    if let Some(cluster) = &request.cluster {
        let targets = std::iter::once((&cluster.config, false))
            .chain(request.remote_clusters.iter().map(|c| (c, true)));
        for (config, remote) in targets {
            let target = crate::cluster::Target {
                config,
                istio_namespace: &request.istio_namespace,
                revision: &request.revision,
                remote,
            };
            let read = crate::cluster::load(&selected, target, cluster.timeout, &mut builder)?;
            if !remote {
                primary_context = read.context.clone();
            }
            clusters.push((read.context.clone(), remote));
            if let Some(m) = read.mesh {
                mesh.overlay(m);
            }
            if read.mesh_networks.is_some() {
                cluster_networks = read.mesh_networks;
            }
            unserved.extend(
                read.unserved
                    .iter()
                    .map(|k| (read.context.clone(), k.0.to_owned())),
            );
        }
    }
    if let Some(path) = &request.mesh_config_file {
        mesh.overlay(read_yaml_file(path)?);
    }
    if let Some(path) = &request.mesh_networks_file {
        mesh.networks = read_yaml_file(path)?;
    } else if let Some(networks) = cluster_networks {
        // The cluster's own MeshNetworks, as the resource istioctl reports about.
        builder.add(Resource {
            kind_key: MESH_NETWORKS.0.into(),
            namespace: request.istio_namespace.as_str().into(),
            name: "meshnetworks".into(),
            doc: istio_core::tree::Document::from_json(&networks),
            origin: Origin::Cluster,
        });
        mesh.networks = networks;
    }
    if request.cluster.is_none() {
        // A live cluster has its own ingress gateway, or none.
        add_default_resources(&mut builder, &mesh, &request.istio_namespace);
    }
    if let Some(path) = &request.mesh_networks_file {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        builder.add(networks_resource(
            &path.display().to_string(),
            &text,
            mesh.networks.clone(),
            &request.istio_namespace,
        ));
    }
    let opts = LoadOptions {
        default_namespace: request.namespace.clone(),
        recursive: request.recursive,
    };
    // Whole objects only of the kinds the selected analyzers read.
    let keep = Keep::Kinds(
        selected
            .iter()
            .flat_map(|a| a.inputs().iter().map(|kind| kind.0))
            .collect(),
    );
    let mut load = load_inputs_keeping(&request.files, &opts, &keep, &mut builder);
    // A message about a document may quote it: Secret values never reach the user.
    // Each file's Secret values are gathered once, whatever the number of its errors.
    let mut scrubbers: std::collections::HashMap<*const Source, SecretScrubber> =
        std::collections::HashMap::new();
    for error in &mut load.errors {
        if let Some((_, source)) = &error.at {
            let scrubber = scrubbers
                .entry(Arc::as_ptr(source))
                .or_insert_with(|| SecretScrubber::new(&source.text()));
            if let std::borrow::Cow::Owned(scrubbed) = scrubber.scrub(&error.message) {
                error.message = scrubbed;
            }
        }
    }
    let store = builder.build();
    // A rule that cannot be used is an error of the configuration (the other rules run).
    let mut report = Report {
        load,
        rules: crate::rules::RuleErrors {
            failed: loaded_rules.errors.len(),
            errors: loaded_rules.errors,
        },
        warnings,
        resources: store.len(),
        unserved,
        clusters,
        ..Report::default()
    };
    if request.parse_only {
        return Ok(report);
    }
    let run_opts = RunOptions {
        analyzers: request.analyzers.clone(),
        namespace: (!request.all_namespaces).then(|| request.namespace.clone()),
        istio_namespace: request.istio_namespace.clone(),
        revision: request.revision.clone(),
        cluster: primary_context,
        suppressions,
    };
    report.executed = selected.iter().map(|a| a.name()).collect();
    report.skipped = crate::analyzer::builtins()
        .into_iter()
        .filter(|b| !report.executed.contains(&b.name))
        .map(|b| Skipped {
            analyzer: b.name,
            reason: "not selected by --analyzer".to_owned(),
        })
        .collect();
    let selected: Vec<&dyn Analyzer> = selected.into_iter().collect();
    report.findings = run(&selected, &store, &mesh, &run_opts, &mut report.rules);
    Ok(report)
}

fn read_yaml_file(path: &Path) -> miette::Result<Value> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .map_err(|e| miette!("cannot read {}: {e}", path.display()))?;
    istio_core::yaml::parse_document(&text, 1, 0)
        .map_err(|e| miette!("{}:{}: invalid YAML: {e}", path.display(), e.line))
}
