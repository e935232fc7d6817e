//! Loading a live cluster into the analysis store: only the kinds the selected analyzers
//! declare, page by page, plus the Istio ConfigMaps (mesh config and injector) of the istio
//! namespace. Every object becomes a [`Resource`] with [`Origin::Cluster`]; files loaded
//! afterwards replace objects of the same identity, simulating an apply.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use miette::miette;
use serde_json::Value;

use super::analyzer::{revisioned, Analyzer, DEFAULT_REVISION};
use super::kinds::{kind_key, Kind, MESH_NETWORKS};
use super::resource::{Origin, Resource};
use super::store::StoreBuilder;
use istio_kube::{Cluster, ClusterConfig, KubeError, ListScope};

/// Prefix of the names of the Istio ConfigMaps of the istio namespace the analysis reads:
/// mesh config (`istio`, `istio-<revision>`) and sidecar injector
/// (`istio-sidecar-injector`, `istio-sidecar-injector-<revision>`).
pub const ISTIO_CONFIGMAP_PREFIX: &str = "istio";

/// Name of the ConfigMap holding a revision's mesh config (keys `mesh` and `meshNetworks`).
pub const MESH_CONFIGMAP: &str = "istio";

/// Which cluster to read and in what role.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The cluster.
    pub config: &'a ClusterConfig,
    /// The Istio control-plane namespace.
    pub istio_namespace: &'a str,
    /// The control-plane revision whose mesh config is read (`default` or empty for none).
    pub revision: &'a str,
    /// A remote cluster of a multicluster analysis: its objects keep their cluster, and its
    /// mesh config is not read.
    pub remote: bool,
}

/// What reading a cluster gave besides its objects.
#[derive(Debug, Default)]
pub struct ClusterRead {
    /// The kubeconfig context read.
    pub context: String,
    /// The revision's MeshConfig (`mesh` of its `istio[-<revision>]` ConfigMap), if any.
    pub mesh: Option<Value>,
    /// The revision's MeshNetworks (`meshNetworks` of the same ConfigMap), if any.
    pub mesh_networks: Option<Value>,
    /// Input kinds the cluster does not serve (their CRD is not installed): read as empty.
    pub unserved: Vec<Kind>,
    /// True when the revision's mesh config ConfigMap exists.
    pub has_mesh_configmap: bool,
}

/// Reads the cluster of `target` into `builder` within `timeout`. Any failure is an error: a
/// partial cluster is never analyzed as if it were complete. A revision other than the
/// default must have its mesh config ConfigMap.
pub fn load(
    analyzers: &[&dyn Analyzer],
    target: Target<'_>,
    timeout: Duration,
    builder: &mut StoreBuilder,
) -> miette::Result<ClusterRead> {
    let config = target.config;
    let work = async {
        let cluster = config.connect().await?;
        read(&cluster, analyzers, target).await
    };
    let result =
        istio_kube::runtime()?.block_on(async { tokio::time::timeout(timeout, work).await });
    let context = config.context_name();
    let (resources, mut read) = match result {
        Ok(r) => r?,
        Err(_) => {
            return Err(miette!(
                help = "raise --timeout, or check that the cluster is reachable",
                "timed out after {timeout:?} reading the cluster of context {context}"
            ))
        }
    };
    for r in resources {
        builder.add(r);
    }
    let explicit = !target.revision.is_empty() && target.revision != DEFAULT_REVISION;
    if explicit && !target.remote && !read.has_mesh_configmap {
        return Err(miette!(
            help = format!(
                "list the revisions installed with `kubectl get configmaps -n {} -l istio.io/rev`, or drop -r for the default one",
                target.istio_namespace
            ),
            "the cluster of context {} has no control plane of revision {:?}: ConfigMap {}/{} does not exist",
            read.context,
            target.revision,
            target.istio_namespace,
            revisioned(MESH_CONFIGMAP, target.revision)
        ));
    }
    if target.remote {
        read.mesh = None;
        read.mesh_networks = None;
    }
    let mesh_name = revisioned(MESH_CONFIGMAP, target.revision);
    let parse = |value: Option<Value>, key: &str| -> miette::Result<Option<Value>> {
        match value {
            Some(Value::String(text)) => istio_core::yaml::parse_document(&text, 1, 0)
                .map(Some)
                .map_err(|e| {
                    miette!(
                        "the {key} in ConfigMap {}/{mesh_name} of context {} is not valid YAML: {e}",
                        target.istio_namespace,
                        read.context
                    )
                }),
            _ => Ok(None),
        }
    };
    read.mesh = parse(read.mesh.take(), "mesh")?;
    read.mesh_networks = parse(read.mesh_networks.take(), "meshNetworks")?;
    Ok(read)
}

/// Lists the analyzers' input kinds (every namespace) and the Istio ConfigMaps.
async fn read(
    cluster: &Cluster,
    analyzers: &[&dyn Analyzer],
    target: Target<'_>,
) -> Result<(Vec<Resource>, ClusterRead), KubeError> {
    let kinds: BTreeSet<Kind> = analyzers
        .iter()
        .flat_map(|a| a.inputs().iter().copied())
        // MeshNetworks is not a kind of the API: it comes from the mesh config ConfigMap.
        .filter(|k| *k != MESH_NETWORKS)
        .collect();
    let mut read = ClusterRead {
        context: cluster.context().to_owned(),
        ..ClusterRead::default()
    };
    // Kinds the server does not serve (an Istio CRD not installed) have no objects.
    let mut lists: Vec<(istio_kube::Kind, ListScope<'_>)> = Vec::new();
    for kind in &kinds {
        match cluster.preferred_kind(kind.group(), kind.name()) {
            Some(k) if k.resource.kind == "ConfigMap" => {}
            Some(k) => lists.push((k, ListScope::All)),
            None => read.unserved.push(*kind),
        }
    }
    let configmaps = cluster.require_kind("v1", "ConfigMap")?;
    lists.push((configmaps, ListScope::Namespace(target.istio_namespace)));
    let pages: Vec<(istio_kube::Kind, Vec<Value>)> = stream::iter(lists)
        .map(|(kind, scope)| async move {
            let items = cluster.list(&kind, scope, None).await?;
            Ok::<_, KubeError>((kind, items))
        })
        .buffer_unordered(istio_kube::CONCURRENCY)
        .try_collect()
        .await?;
    let mesh_name = revisioned(MESH_CONFIGMAP, target.revision);
    let mut found_mesh = false;
    let mut resources = Vec::new();
    for (kind, items) in pages {
        let is_configmap = kind.resource.kind == "ConfigMap";
        for mut item in items {
            let name = item
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if is_configmap && !name.starts_with(ISTIO_CONFIGMAP_PREFIX) {
                continue;
            }
            if is_configmap && name == mesh_name {
                found_mesh = true;
                read.mesh = item.pointer("/data/mesh").cloned();
                read.mesh_networks = item.pointer("/data/meshNetworks").cloned();
            }
            if let Some(meta) = item.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("managedFields");
            }
            let namespace = if kind.namespaced {
                item.pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            } else {
                String::new()
            };
            resources.push(Resource {
                kind_key: kind_key(&kind.resource.api_version, &kind.resource.kind).into(),
                namespace: namespace.into(),
                name: name.into(),
                doc: istio_core::tree::Document::from_json(&item),
                origin: if target.remote {
                    Origin::RemoteCluster(read.context.as_str().into())
                } else {
                    Origin::Cluster
                },
            });
        }
    }
    read.has_mesh_configmap = found_mesh;
    Ok((resources, read))
}
