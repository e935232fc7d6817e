//! `verify-install` as one call ([`verify_install`]): the configuration given, or each one
//! recorded on the cluster, rendered and each object checked against the cluster — present,
//! Deployments ready, CRDs Established.

use futures_util::stream::{self, StreamExt, TryStreamExt};
use miette::miette;
use serde_json::Value;

use istio_kube::{Cluster, KubeError, CONCURRENCY};

use crate::operator::MergedConfig;
use crate::readiness;
use crate::record::recorded;
use crate::render::{self, RenderedObject};

/// One configuration verified.
#[derive(Debug)]
pub struct Target {
    /// Its revision (`default` for the default revision).
    pub revision: String,
    /// Its control plane namespace.
    pub namespace: String,
    /// The profile it is based on.
    pub profile: String,
    /// What it renders.
    pub objects: Vec<RenderedObject>,
    /// Per object, in order: `Ok`, or what is wrong with it.
    pub results: Vec<Result<(), String>>,
}

impl Target {
    /// How many objects are missing or not ready.
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| r.is_err()).count()
    }
}

/// What to verify.
#[derive(Debug)]
pub enum Source {
    /// The configuration given (`-f`/`--set`).
    Given(Box<MergedConfig>),
    /// Each install recorded on the cluster, of one revision when given.
    Recorded(Option<String>),
}

/// Renders each configuration of `source` and checks its objects against the cluster.
pub async fn verify_install(cluster: &Cluster, source: Source) -> miette::Result<Vec<Target>> {
    let configs: Vec<(String, String, MergedConfig)> = match source {
        Source::Given(cfg) => vec![(cfg.rev_label(), cfg.namespace(), *cfg)],
        Source::Recorded(revision) => {
            let records = recorded(cluster, revision.as_deref()).await?;
            if records.is_empty() {
                return Err(match revision {
                    Some(r) => miette!(
                        help = "list the installed revisions with `istioctl version`, or pass the configuration with -f/--set",
                        "no install of revision {r:?} is recorded on the cluster (context {:?})",
                        cluster.context()
                    ),
                    None => miette!(
                        help = "install Istio with `istioctl install`, or pass the configuration to verify with -f/--set",
                        "no Istio install is recorded on the cluster (context {:?})",
                        cluster.context()
                    ),
                });
            }
            records
                .iter()
                .map(|rec| Ok((rec.revision.clone(), rec.namespace.clone(), rec.config()?)))
                .collect::<miette::Result<_>>()?
        }
    };
    let mut out = Vec::with_capacity(configs.len());
    for (revision, namespace, cfg) in configs {
        let objects = render::render_manifests(&cfg)?;
        let results = verify(cluster, &objects).await?;
        out.push(Target {
            revision,
            namespace,
            profile: cfg.profile.clone(),
            objects,
            results,
        });
    }
    Ok(out)
}

/// Checks every object (in parallel); the results follow the objects' order, each `Ok` or
/// what is wrong with it.
pub async fn verify(
    cluster: &Cluster,
    objects: &[RenderedObject],
) -> Result<Vec<Result<(), String>>, KubeError> {
    let mut results: Vec<(usize, Result<(), String>)> = stream::iter(objects.iter().enumerate())
        .map(|(i, o)| async move { Ok::<_, KubeError>((i, check(cluster, o).await?)) })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// Checks one rendered object: present, and for Deployments and DaemonSets ready, for CRDs
/// Established.
async fn check(cluster: &Cluster, o: &RenderedObject) -> Result<Result<(), String>, KubeError> {
    let api_version = o
        .object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(kind) = cluster.kind(api_version, o.kind()) else {
        return Ok(Err(format!(
            "not found: the cluster does not serve {} ({api_version})",
            o.kind()
        )));
    };
    let ns = (!o.namespace().is_empty()).then_some(o.namespace());
    let Some(found) = cluster.get(&kind, ns, o.name()).await? else {
        return Ok(Err("not found".to_owned()));
    };
    Ok(match o.kind() {
        "Deployment" | "DaemonSet" => {
            readiness::workload_state(o.kind(), &found).map_err(|s| format!("not ready: {s}"))
        }
        "CustomResourceDefinition" if !readiness::condition_true(&found, "Established") => {
            Err("not Established".to_owned())
        }
        _ => Ok(()),
    })
}
