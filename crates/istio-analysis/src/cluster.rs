//! Loading a live cluster into the analysis store: only the kinds the selected analyzers
//! declare, page by page, plus the Istio ConfigMaps (mesh config and injector) of the istio
//! namespace. Every object becomes a [`Resource`] with [`Origin::Cluster`]; files loaded
//! afterwards replace objects of the same identity, simulating an apply.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use miette::miette;
use serde_json::Value;

use super::analyzer::Analyzer;
use super::kinds::{kind_key, Kind};
use super::resource::{Origin, Resource};
use super::store::StoreBuilder;
use istio_kube::{Cluster, ClusterConfig, KubeError, ListScope};

/// ConfigMaps of the istio namespace the analysis needs: mesh config and sidecar injector.
pub const ISTIO_CONFIGMAPS: &[&str] = &["istio", "istio-sidecar-injector"];

/// Reads the cluster of `config` into `builder` within `timeout`; returns the cluster's
/// MeshConfig (the `mesh` key of the `istio` ConfigMap of `istio_namespace`), if any. Any
/// failure is an error: a partial cluster is never analyzed as if it were complete.
pub fn load(
    analyzers: &[&dyn Analyzer],
    config: &ClusterConfig,
    istio_namespace: &str,
    timeout: Duration,
    builder: &mut StoreBuilder,
) -> miette::Result<Option<Value>> {
    let work = async {
        let cluster = config.connect().await?;
        read(&cluster, analyzers, istio_namespace).await
    };
    let result =
        istio_kube::runtime()?.block_on(async { tokio::time::timeout(timeout, work).await });
    let context = config.context_name();
    let (resources, mesh) = match result {
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
    let mesh = match mesh {
        Some(text) => Some(istio_core::yaml::parse_document(&text, 1, 0).map_err(|e| {
            miette!(
                "the mesh config in ConfigMap {}/istio is not valid YAML: {e}",
                istio_namespace
            )
        })?),
        None => None,
    };
    Ok(mesh)
}

/// Lists the analyzers' input kinds (every namespace) and the Istio ConfigMaps.
async fn read(
    cluster: &Cluster,
    analyzers: &[&dyn Analyzer],
    istio_namespace: &str,
) -> Result<(Vec<Resource>, Option<String>), KubeError> {
    let kinds: BTreeSet<Kind> = analyzers
        .iter()
        .flat_map(|a| a.inputs().iter().copied())
        .collect();
    // Kinds the server does not serve (an Istio CRD not installed) have no objects.
    let mut lists: Vec<(istio_kube::Kind, ListScope<'_>)> = kinds
        .iter()
        .filter_map(|k| cluster.preferred_kind(k.group(), k.name()))
        .filter(|k| k.resource.kind != "ConfigMap")
        .map(|k| (k, ListScope::All))
        .collect();
    let configmaps = cluster.require_kind("v1", "ConfigMap")?;
    lists.push((configmaps, ListScope::Namespace(istio_namespace)));
    let pages: Vec<(istio_kube::Kind, Vec<Value>)> = stream::iter(lists)
        .map(|(kind, scope)| async move {
            let items = cluster.list(&kind, scope, None).await?;
            Ok::<_, KubeError>((kind, items))
        })
        .buffer_unordered(istio_kube::CONCURRENCY)
        .try_collect()
        .await?;
    let mut resources = Vec::new();
    let mut mesh = None;
    for (kind, items) in pages {
        let is_configmap = kind.resource.kind == "ConfigMap";
        for mut item in items {
            let name = item
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if is_configmap && !ISTIO_CONFIGMAPS.contains(&name.as_str()) {
                continue;
            }
            if is_configmap && name == "istio" {
                mesh = item
                    .pointer("/data/mesh")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
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
                origin: Origin::Cluster,
            });
        }
    }
    Ok((resources, mesh))
}
