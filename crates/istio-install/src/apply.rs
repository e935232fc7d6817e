//! The apply pipeline behind `install`, `uninstall` and `verify-install`: objects we own are
//! found by our ownership labels, applied server-side in dependency order (tiers applied in
//! parallel with bounded concurrency), waited for, and pruned when the configuration no longer
//! renders them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use istio_kube::{Cluster, Kind, KubeError, ListScope, Target, CONCURRENCY};

use crate::kinds::{delete_rank, owned_selector, ObjectKey, OWNED_KINDS};
use crate::readiness;
use crate::record::INSTALLED_STATE_LABEL;
use crate::render::{
    Component, RenderedObject, COMPONENT_LABEL, OWNING_RESOURCE_LABEL,
    OWNING_RESOURCE_NAMESPACE_LABEL, REVISION_LABEL,
};
use istio_api::release::ISTIO_VERSION;

/// Label istioctl puts on what it applies, saying it manages the object.
pub const MANAGED_LABEL: &str = "operator.istio.io/managed";
/// Label istioctl puts on what it applies: the Istio release that applied it.
pub const VERSION_LABEL: &str = "operator.istio.io/version";

/// Adds the labels istioctl sets on every object it applies (the charts set some of them on
/// some objects): who owns it, its component, the managing tool's release, and its revision
/// (not on CRDs, which all revisions share). Prune and uninstall find our objects by them.
pub fn stamp_ownership(
    objects: &mut [RenderedObject],
    owner: &str,
    owner_namespace: Option<&str>,
    rev_label: &str,
) {
    for o in objects {
        let crd = o.kind() == "CustomResourceDefinition";
        let component = o.component.name();
        let Some(meta) = o.object.get_mut("metadata").and_then(Value::as_object_mut) else {
            continue;
        };
        let labels = meta
            .entry("labels")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if !labels.is_object() {
            *labels = Value::Object(serde_json::Map::new());
        }
        let Some(labels) = labels.as_object_mut() else {
            continue;
        };
        labels.insert(MANAGED_LABEL.into(), "Reconcile".into());
        labels.insert(VERSION_LABEL.into(), ISTIO_VERSION.into());
        labels.insert(OWNING_RESOURCE_LABEL.into(), owner.into());
        if let Some(ns) = owner_namespace.filter(|n| !n.is_empty()) {
            labels.insert(OWNING_RESOURCE_NAMESPACE_LABEL.into(), ns.into());
        }
        labels.insert(COMPONENT_LABEL.into(), component.into());
        if !crd {
            labels.insert(REVISION_LABEL.into(), rev_label.into());
        }
    }
}

/// An object found on the cluster with our ownership labels.
#[derive(Debug, Clone)]
pub struct Owned {
    /// Its resolved kind.
    pub kind: Kind,
    /// The object as read.
    pub object: Value,
}

impl Owned {
    /// A label of the object.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.object
            .pointer("/metadata/labels")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    }

    /// The object's resourceVersion.
    pub fn resource_version(&self) -> &str {
        resource_version(&self.object)
    }
}

/// `metadata.resourceVersion` of an object.
pub fn resource_version(object: &Value) -> &str {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Lists every object of [`OWNED_KINDS`] that carries our ownership labels.
pub async fn inventory(cluster: &Cluster) -> Result<HashMap<ObjectKey, Owned>, KubeError> {
    let kinds: Vec<Kind> = OWNED_KINDS
        .iter()
        .filter_map(|k| cluster.kind(k.api_version, k.kind))
        .collect();
    let selector = owned_selector();
    let lists: Vec<(Kind, Vec<Value>)> = stream::iter(kinds)
        .map(|kind| async {
            let items = cluster.list(&kind, ListScope::All, Some(&selector)).await?;
            Ok::<_, KubeError>((kind, items))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut out = HashMap::new();
    for (kind, items) in lists {
        for object in items {
            let labelled = object.pointer("/metadata/labels").is_some_and(|l| {
                l.get(OWNING_RESOURCE_LABEL).is_some() && l.get(COMPONENT_LABEL).is_some()
            });
            if labelled {
                out.insert(
                    ObjectKey::of(&object),
                    Owned {
                        kind: kind.clone(),
                        object,
                    },
                );
            }
        }
    }
    Ok(out)
}

/// True for objects every revision's install renders: CRDs and the base chart's objects (not
/// the record of an install, which belongs to its revision whatever its component).
pub fn is_shared(key: &ObjectKey, owned: &Owned) -> bool {
    key.kind == "CustomResourceDefinition"
        || (owned.label(COMPONENT_LABEL) == Some(Component::Base.name())
            && owned.label(INSTALLED_STATE_LABEL).is_none())
}

/// The revisions that own objects of their own (not shared ones) among `inventory`.
pub fn installed_revisions(inventory: &HashMap<ObjectKey, Owned>) -> BTreeSet<String> {
    inventory
        .iter()
        .filter(|(k, o)| !is_shared(k, o))
        .filter_map(|(_, o)| o.label(REVISION_LABEL).map(str::to_owned))
        .collect()
}

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// It did not exist.
    Created,
    /// It existed and changed.
    Configured,
    /// It existed and is unchanged.
    Unchanged,
}

/// The objects of `before` that a new install no longer renders and should remove: objects of
/// the same revision, plus CRDs when the Base component is rendered; the objects the revisions
/// share (CRDs, the base chart's) only while no other revision is installed.
pub fn prune_candidates(
    before: &HashMap<ObjectKey, Owned>,
    rendered: &[RenderedObject],
    rev_label: &str,
) -> Vec<ObjectKey> {
    let wanted: HashSet<ObjectKey> = rendered.iter().map(|o| ObjectKey::of(&o.object)).collect();
    let base_rendered = rendered.iter().any(|o| o.component == Component::Base);
    let others = installed_revisions(before).iter().any(|r| r != rev_label);
    let mut out: Vec<ObjectKey> = before
        .iter()
        .filter(|(k, _)| !wanted.contains(*k))
        .filter(|(k, o)| {
            if k.kind == "CustomResourceDefinition" {
                base_rendered && !others
            } else if is_shared(k, o) && others {
                // Another revision still uses the base chart's objects.
                false
            } else {
                o.label(REVISION_LABEL) == Some(rev_label)
            }
        })
        .map(|(k, _)| k.clone())
        .collect();
    out.sort_by(|a, b| (delete_rank(&a.kind), a).cmp(&(delete_rank(&b.kind), b)));
    out
}

/// Deletes objects in [`delete_rank`] order, each rank in parallel.
pub async fn delete_all(cluster: &Cluster, objects: &[(ObjectKey, Kind)]) -> Result<(), KubeError> {
    for rank in 0..=3 {
        let batch: Vec<&(ObjectKey, Kind)> = objects
            .iter()
            .filter(|(k, _)| delete_rank(&k.kind) == rank)
            .collect();
        stream::iter(batch.iter().copied())
            .map(|(k, kind)| async move { cluster.delete(kind, k.namespace(), &k.name).await })
            .buffer_unordered(CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
        wait_gone(cluster, batch).await?;
    }
    Ok(())
}

/// How long deleted objects may take to go (finalizers: a CRD's instances, a namespace's
/// contents) before the next rank is deleted anyway.
const DELETE_WAIT: Duration = Duration::from_secs(60);

/// Waits, as `kubectl delete` does, until the objects are gone from the server: a CRD still
/// terminating when an install re-creates it would vanish under the install. Past
/// [`DELETE_WAIT`] the deletions are left to the server's finalizers.
async fn wait_gone(cluster: &Cluster, objects: Vec<&(ObjectKey, Kind)>) -> Result<(), KubeError> {
    let targets: Vec<Target> = objects
        .iter()
        .map(|(k, kind)| Target {
            kind: kind.clone(),
            namespace: k.namespace().map(str::to_owned),
            name: k.name.clone(),
        })
        .collect();
    let deadline = tokio::time::Instant::now() + DELETE_WAIT;
    let gone = |state: &[Option<Value>]| state.iter().all(Option::is_none);
    match cluster.wait_until(&targets, deadline, gone).await {
        Ok(_) => Ok(()),
        // The kind itself is gone (its CRD was deleted): so are its objects.
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Applies one tier in parallel and reports each object's change, comparing resourceVersions
/// with `before`.
pub async fn apply_tier(
    cluster: &Cluster,
    objects: &[&RenderedObject],
    before: &HashMap<ObjectKey, Owned>,
    dry_run: bool,
) -> Result<Vec<(ObjectKey, Change)>, KubeError> {
    stream::iter(objects.iter().copied())
        .map(|o| async move {
            let key = ObjectKey::of(&o.object);
            let previous = before.get(&key);
            let kind = match cluster.kind(&key.api_version, &key.kind) {
                Some(kind) => kind,
                // In a dry run the kind's CRD may not be installed yet.
                None if dry_run => return Ok((key, Change::Created)),
                // A kind the server does not serve (e.g. a Multus attachment without Multus).
                None => cluster.require_kind(&key.api_version, &key.kind)?,
            };
            let applied = cluster.apply(&kind, &o.object, dry_run).await?;
            let change = match previous {
                None => Change::Created,
                Some(p) if dry_run => {
                    if comparable(&p.object) == comparable(&applied) {
                        Change::Unchanged
                    } else {
                        Change::Configured
                    }
                }
                Some(p) if p.resource_version() == resource_version(&applied) => Change::Unchanged,
                Some(_) => Change::Configured,
            };
            Ok((key, change))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await
}

/// An object without the fields the server maintains, for dry-run comparisons.
fn comparable(object: &Value) -> Value {
    let mut v = object.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in [
            "resourceVersion",
            "managedFields",
            "generation",
            "creationTimestamp",
            "uid",
        ] {
            m.remove(f);
        }
    }
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
    }
    v
}

/// Waits until every CRD of `names` reports `Established=True`; returns those that did not
/// within `timeout`.
pub async fn wait_established(
    cluster: &Cluster,
    names: &[String],
    timeout: Duration,
) -> Result<Vec<String>, KubeError> {
    let kind = cluster.require_kind("apiextensions.k8s.io/v1", "CustomResourceDefinition")?;
    let targets: Vec<Target> = names
        .iter()
        .map(|name| Target {
            kind: kind.clone(),
            namespace: None,
            name: name.clone(),
        })
        .collect();
    let mut pending: Vec<String> = names.to_vec();
    let deadline = tokio::time::Instant::now() + timeout;
    cluster
        .wait_until(&targets, deadline, |state| {
            pending = names
                .iter()
                .zip(state)
                .filter(|(_, crd)| {
                    !crd.as_ref()
                        .is_some_and(|c| readiness::condition_true(c, "Established"))
                })
                .map(|(name, _)| name.clone())
                .collect();
            pending.is_empty()
        })
        .await?;
    Ok(pending)
}

/// The Namespace object for the control plane namespace.
pub fn namespace_object(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
}

/// An istiod found on the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlPlane {
    /// Its namespace.
    pub namespace: String,
    /// The Deployment's name.
    pub name: String,
    /// Its `istio.io/rev` label (`default` when absent).
    pub revision: String,
    /// The image tag of its discovery container (the Istio version).
    pub version: String,
    /// The names of the environment variables its discovery container sets.
    pub env: Vec<String>,
}

/// The istiod Deployments (label `app=istiod`) in `namespace`, or in all namespaces.
pub async fn control_planes(
    cluster: &Cluster,
    namespace: Option<&str>,
) -> Result<Vec<ControlPlane>, KubeError> {
    let kind = cluster.require_kind("apps/v1", "Deployment")?;
    let scope = namespace.map_or(ListScope::All, ListScope::Namespace);
    let mut out: Vec<ControlPlane> = cluster
        .list(&kind, scope, Some("app=istiod"))
        .await?
        .iter()
        .map(|d| {
            let s = |p: &str| {
                d.pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let discovery = discovery_container(d);
            let image = discovery
                .and_then(|c| c.get("image"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let env = discovery.map(env_names).unwrap_or_default();
            let version = image_tag(image).to_owned();
            let revision = d
                .pointer("/metadata/labels")
                .and_then(|l| l.get(REVISION_LABEL))
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_owned();
            ControlPlane {
                namespace: s("/metadata/namespace"),
                name: s("/metadata/name"),
                revision,
                version,
                env,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(out)
}

/// The discovery container of an istiod Deployment (else its first container).
pub fn discovery_container(deployment: &Value) -> Option<&Value> {
    let containers = deployment
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)?;
    containers
        .iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some("discovery"))
        .or_else(|| containers.first())
}

/// The names of the environment variables a container sets.
pub fn env_names(container: &Value) -> Vec<String> {
    container
        .get("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// The tag of an image reference (`unknown` without one; digests are kept whole).
pub fn image_tag(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once('@') {
        Some((_, digest)) => digest,
        None => last.split_once(':').map_or("unknown", |(_, tag)| tag),
    }
}
