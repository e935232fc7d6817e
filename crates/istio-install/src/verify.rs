//! `verify-install` as one call: each rendered object checked against the cluster — present,
//! Deployments ready, CRDs Established.

use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use istio_kube::{Cluster, KubeError, CONCURRENCY};

use crate::readiness;
use crate::render::RenderedObject;

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
