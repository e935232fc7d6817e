//! Revision tags: a stable name (`prod`, `default`) that namespaces select with
//! `istio.io/rev=TAG`, pointing at one control plane revision. A tag is a
//! MutatingWebhookConfiguration `istio-revision-tag-TAG` — the revision's injector webhook under
//! the tag's name and selectors, as the istiod chart renders it for `revisionTags` — and, for the
//! `default` tag, the `istiod-default-validator` ValidatingWebhookConfiguration as well.
//!
//! Tags are not part of any install: they carry the revision and tag labels but not the
//! ownership labels, so neither prune nor `uninstall` of a configuration removes them.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use istio_kube::{Cluster, KubeError, ListScope};

use crate::operator::{self, Inputs, MergedConfig};
use crate::record::recorded;
use crate::render::{
    self, RenderedObject, COMPONENT_LABEL, OWNING_RESOURCE_LABEL, OWNING_RESOURCE_NAMESPACE_LABEL,
    REVISION_LABEL,
};

/// The label naming a tag on its webhooks.
pub const TAG_LABEL: &str = "istio.io/tag";
/// The tag whose webhook also injects namespaces labelled `istio-injection=enabled`.
pub const DEFAULT_TAG: &str = "default";

/// What a tag is made of, before it is applied.
#[derive(Debug, Clone, Default)]
pub struct TagSpec {
    /// The tag's name.
    pub tag: String,
    /// The revision it points at.
    pub revision: String,
    /// The MutatingWebhookConfiguration's name (default `istio-revision-tag-TAG`).
    pub webhook_name: Option<String>,
    /// For the default tag: inject every namespace without an injection label.
    pub auto_inject_namespaces: bool,
}

/// A tag on the cluster.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tag {
    /// Its name.
    pub tag: String,
    /// The revision it points at.
    pub revision: String,
    /// The namespaces labelled `istio.io/rev=TAG`.
    pub namespaces: Vec<String>,
    /// Its MutatingWebhookConfiguration.
    #[serde(skip)]
    pub webhook: String,
}

/// Why a tag command refused.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TagError {
    /// A call to the cluster failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Kube(#[from] KubeError),
    /// The revision has no control plane on the cluster.
    #[error("cannot find a control plane of revision {revision:?}: no MutatingWebhookConfiguration with istio.io/rev={revision} (installed revisions: {})", list(.installed))]
    #[diagnostic(help("install it first with `istioctl install -r {revision}`, or point the tag at an installed revision"))]
    UnknownRevision {
        /// The revision asked for.
        revision: String,
        /// The revisions that have an injector webhook.
        installed: Vec<String>,
    },
    /// The tag exists and points elsewhere.
    #[error("revision tag {tag:?} already points at revision {current:?}{}", used_by(.namespaces))]
    #[diagnostic(help("pass --overwrite to move it to revision {wanted:?}"))]
    Exists {
        /// The tag.
        tag: String,
        /// Where it points now.
        current: String,
        /// Where it was asked to point.
        wanted: String,
        /// The namespaces using it.
        namespaces: Vec<String>,
    },
    /// A tag named like a revision would shadow it.
    #[error("cannot create tag {tag:?}: a revision of that name is installed")]
    #[diagnostic(help("choose a tag name that is not a revision"))]
    ShadowsRevision {
        /// The tag.
        tag: String,
    },
    /// No such tag.
    #[error("revision tag {tag:?} does not exist (tags: {})", list(.existing))]
    #[diagnostic(help("list the tags with `istioctl tag list`"))]
    UnknownTag {
        /// The tag asked for.
        tag: String,
        /// The tags there are.
        existing: Vec<String>,
    },
    /// The revision's configuration could not be rendered.
    #[error("cannot render the webhooks of revision {revision:?}: {reason}")]
    Render {
        /// The revision.
        revision: String,
        /// What went wrong.
        reason: String,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn used_by(namespaces: &[String]) -> String {
    if namespaces.is_empty() {
        String::new()
    } else {
        format!(" and namespaces use it: {}", namespaces.join(", "))
    }
}

fn label<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o.pointer("/metadata/labels")
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

fn name(o: &Value) -> &str {
    o.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The revisions with an injector webhook on the cluster (`istio.io/rev` set, no tag label).
pub async fn revisions(cluster: &Cluster) -> Result<Vec<String>, KubeError> {
    let kind = cluster.require_kind(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    )?;
    let mut out: Vec<String> = cluster
        .list(&kind, ListScope::All, Some(REVISION_LABEL))
        .await?
        .iter()
        .filter(|w| label(w, TAG_LABEL).is_none())
        .filter_map(|w| label(w, REVISION_LABEL).map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Every tag on the cluster, with the namespaces using it, sorted by name.
pub async fn tags(cluster: &Cluster) -> Result<Vec<Tag>, KubeError> {
    let kind = cluster.require_kind(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    )?;
    let ns_kind = cluster.require_kind("v1", "Namespace")?;
    let namespaces = cluster
        .list(&ns_kind, ListScope::All, Some(REVISION_LABEL))
        .await?;
    let mut using: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ns in &namespaces {
        if let Some(rev) = label(ns, REVISION_LABEL) {
            using
                .entry(rev.to_owned())
                .or_default()
                .push(name(ns).to_owned());
        }
    }
    let mut out: Vec<Tag> = cluster
        .list(&kind, ListScope::All, Some(TAG_LABEL))
        .await?
        .iter()
        .filter_map(|w| {
            let tag = label(w, TAG_LABEL)?.to_owned();
            Some(Tag {
                revision: label(w, REVISION_LABEL).unwrap_or("default").to_owned(),
                namespaces: using.get(&tag).cloned().unwrap_or_default(),
                webhook: name(w).to_owned(),
                tag,
            })
        })
        .collect();
    out.sort_by(|a, b| a.tag.cmp(&b.tag));
    Ok(out)
}

/// The configuration of `revision`: its recorded install, else the default profile at that
/// revision.
async fn revision_config(cluster: &Cluster, revision: &str) -> Result<MergedConfig, TagError> {
    let bad = |e: miette::Report| TagError::Render {
        revision: revision.to_owned(),
        reason: e.to_string(),
    };
    let records = recorded(cluster, Some(revision)).await.map_err(bad)?;
    match records.first() {
        Some(rec) => rec.config().map_err(bad),
        None => {
            let sets = if revision == "default" {
                Vec::new()
            } else {
                vec![format!("revision={revision}")]
            };
            operator::load(&Inputs {
                sets,
                ..Inputs::default()
            })
            .map_err(bad)
        }
    }
}

/// The objects of a tag, rendered from its revision's configuration on `cluster` (checked to
/// be installed), without the ownership labels.
pub async fn generate(cluster: &Cluster, spec: &TagSpec) -> Result<Vec<RenderedObject>, TagError> {
    let installed = revisions(cluster).await?;
    if !installed.contains(&spec.revision) {
        return Err(TagError::UnknownRevision {
            revision: spec.revision.clone(),
            installed,
        });
    }
    if spec.tag != DEFAULT_TAG && installed.contains(&spec.tag) {
        return Err(TagError::ShadowsRevision {
            tag: spec.tag.clone(),
        });
    }
    let mut cfg = revision_config(cluster, &spec.revision).await?;
    let values = cfg.spec.values.get_or_insert_with(|| json!({}));
    if !values.is_object() {
        *values = json!({});
    }
    values["revisionTags"] = json!([spec.tag]);
    if spec.tag == DEFAULT_TAG {
        values["defaultRevision"] = json!(spec.revision);
    }
    if spec.auto_inject_namespaces {
        values["sidecarInjectorWebhook"]["enableNamespacesByDefault"] = json!(true);
    }
    let objects = render::render_manifests(&cfg).map_err(|e| TagError::Render {
        revision: spec.revision.clone(),
        reason: e.to_string(),
    })?;
    let mut out: Vec<RenderedObject> = objects
        .into_iter()
        .filter(|o| {
            let tagged = o.kind() == "MutatingWebhookConfiguration"
                && label(&o.object, TAG_LABEL) == Some(spec.tag.as_str());
            let validator = spec.tag == DEFAULT_TAG
                && o.kind() == "ValidatingWebhookConfiguration"
                && o.name() == "istiod-default-validator";
            tagged || validator
        })
        .collect();
    for o in &mut out {
        if let Some(labels) = o
            .object
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            for l in [
                OWNING_RESOURCE_LABEL,
                OWNING_RESOURCE_NAMESPACE_LABEL,
                COMPONENT_LABEL,
            ] {
                labels.remove(l);
            }
            labels.insert(TAG_LABEL.into(), json!(spec.tag));
        }
        if o.kind() == "MutatingWebhookConfiguration" {
            if let Some(n) = &spec.webhook_name {
                o.object["metadata"]["name"] = json!(n);
            }
        }
    }
    Ok(out)
}

/// Points `spec.tag` at `spec.revision`: refuses to move an existing tag elsewhere unless
/// `overwrite`; returns the objects applied and the tag as it was (if it existed).
pub async fn set(
    cluster: &Cluster,
    spec: &TagSpec,
    overwrite: bool,
) -> Result<(Vec<RenderedObject>, Option<Tag>), TagError> {
    let objects = generate(cluster, spec).await?;
    let current = tags(cluster).await?.into_iter().find(|t| t.tag == spec.tag);
    if let Some(c) = &current {
        if c.revision != spec.revision && !overwrite {
            return Err(TagError::Exists {
                tag: spec.tag.clone(),
                current: c.revision.clone(),
                wanted: spec.revision.clone(),
                namespaces: c.namespaces.clone(),
            });
        }
    }
    for o in &objects {
        let kind = cluster.require_kind("admissionregistration.k8s.io/v1", o.kind())?;
        cluster.apply(&kind, &o.object, false).await?;
    }
    // A tag moved under another webhook name leaves no stale webhook behind.
    if let Some(c) = &current {
        if objects.iter().all(|o| o.name() != c.webhook) {
            let kind = cluster.require_kind(
                "admissionregistration.k8s.io/v1",
                "MutatingWebhookConfiguration",
            )?;
            cluster.delete(&kind, None, &c.webhook).await?;
        }
    }
    Ok((objects, current))
}

/// The tag named `tag`, or an error listing the tags there are.
pub async fn find(cluster: &Cluster, tag: &str) -> Result<Tag, TagError> {
    let all = tags(cluster).await?;
    let existing = all.iter().map(|t| t.tag.clone()).collect();
    all.into_iter()
        .find(|t| t.tag == tag)
        .ok_or_else(|| TagError::UnknownTag {
            tag: tag.to_owned(),
            existing,
        })
}

/// Removes a tag's webhooks (for the default tag, the default validator too).
pub async fn remove(cluster: &Cluster, tag: &Tag) -> Result<(), TagError> {
    let mwc = cluster.require_kind(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    )?;
    for w in cluster
        .list(
            &mwc,
            ListScope::All,
            Some(&format!("{TAG_LABEL}={}", tag.tag)),
        )
        .await?
    {
        cluster.delete(&mwc, None, name(&w)).await?;
    }
    if tag.tag == DEFAULT_TAG {
        let vwc = cluster.require_kind(
            "admissionregistration.k8s.io/v1",
            "ValidatingWebhookConfiguration",
        )?;
        for w in cluster
            .list(
                &vwc,
                ListScope::All,
                Some(&format!("{TAG_LABEL}={DEFAULT_TAG}")),
            )
            .await?
        {
            cluster.delete(&vwc, None, name(&w)).await?;
        }
    }
    Ok(())
}
