//! `uninstall` as one call: find what our installs created (by the ownership labels) that a
//! [`Selection`] names, and delete it in reverse apply order. Objects without our labels are
//! never touched.
//!
//! Every revision's install renders the base chart again (CRDs, the reader ServiceAccount, the
//! default validating webhook), so those objects are shared by all revisions installed, whatever
//! `istio.io/rev` label the last install gave them. Removing one revision keeps them while
//! another revision remains; the CRDs (and with them every Istio resource users wrote) go only
//! with [`Selection::Purge`], as with istioctl.

use std::collections::{HashMap, HashSet};

use istio_kube::{Cluster, Kind, KubeError};

use crate::apply::{self, installed_revisions, is_shared, Owned};
use crate::kinds::{delete_rank, ObjectKey};
use crate::render::REVISION_LABEL;

/// Which of our objects to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everything of every revision, CRDs and webhooks included.
    Purge,
    /// The objects one revision installed (`default` for the default revision); CRDs stay.
    Revision {
        /// The revision's `istio.io/rev` value.
        revision: String,
        /// The objects its configuration renders, when one was given (`-f`, `--set`): only
        /// those are removed. `None` removes everything labelled with the revision.
        rendered: Option<HashSet<ObjectKey>>,
    },
}

/// What an uninstall removed (or, in a dry run, would remove) and what it kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removal {
    /// The objects removed, in deletion order.
    pub removed: Vec<ObjectKey>,
    /// Shared objects (base chart, CRDs) kept because other revisions remain or CRDs are
    /// removed only by a purge.
    pub kept_shared: Vec<ObjectKey>,
    /// The other revisions still installed, sorted.
    pub remaining: Vec<String>,
}

/// A revision nothing of ours is labelled with.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("no Istio objects of revision {revision:?} are installed{}", installed_list(.installed))]
#[diagnostic(help(
    "name an installed revision with -r (`-r default` for the default revision), or list them with `istioctl verify-install`"
))]
pub struct UnknownRevision {
    /// The revision asked for.
    pub revision: String,
    /// The revisions installed.
    pub installed: Vec<String>,
}

fn installed_list(installed: &[String]) -> String {
    if installed.is_empty() {
        "; no revision is installed".to_owned()
    } else {
        format!("; installed revisions: {}", installed.join(", "))
    }
}

/// Why an uninstall stopped.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum UninstallError {
    /// A call to the cluster failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Kube(#[from] KubeError),
    /// The revision named has nothing installed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    UnknownRevision(#[from] UnknownRevision),
}

/// Chooses, among `inventory`, what `selection` removes and which shared objects it keeps.
pub fn plan(
    inventory: &HashMap<ObjectKey, Owned>,
    selection: &Selection,
) -> Result<Removal, UnknownRevision> {
    let (revision, rendered) = match selection {
        Selection::Purge => {
            let mut removed: Vec<ObjectKey> = inventory.keys().cloned().collect();
            sort(&mut removed);
            return Ok(Removal {
                removed,
                ..Removal::default()
            });
        }
        Selection::Revision { revision, rendered } => (revision, rendered),
    };
    let installed = installed_revisions(inventory);
    if !installed.contains(revision) {
        return Err(UnknownRevision {
            revision: revision.clone(),
            installed: installed.into_iter().collect(),
        });
    }
    let remaining: Vec<String> = installed.into_iter().filter(|r| r != revision).collect();
    let named = |k: &ObjectKey| rendered.as_ref().is_none_or(|r| r.contains(k));
    let mut out = Removal {
        remaining,
        ..Removal::default()
    };
    for (k, o) in inventory {
        if is_shared(k, o) {
            // CRDs only with a purge; the rest of the base once no other revision needs it.
            let last = out.remaining.is_empty() && k.kind != "CustomResourceDefinition";
            if last && named(k) {
                out.removed.push(k.clone());
            } else if named(k) || o.label(REVISION_LABEL) == Some(revision.as_str()) {
                out.kept_shared.push(k.clone());
            }
        } else if o.label(REVISION_LABEL) == Some(revision.as_str()) && named(k) {
            out.removed.push(k.clone());
        }
    }
    sort(&mut out.removed);
    sort(&mut out.kept_shared);
    Ok(out)
}

fn sort(keys: &mut [ObjectKey]) {
    keys.sort_by(|a, b| (delete_rank(&a.kind), a).cmp(&(delete_rank(&b.kind), b)));
}

/// Removes (or, in a dry run, lists) the objects `selection` names, in deletion order.
pub async fn uninstall(
    cluster: &Cluster,
    selection: &Selection,
    dry_run: bool,
) -> Result<Removal, UninstallError> {
    let owned = apply::inventory(cluster).await?;
    let removal = plan(&owned, selection)?;
    if !dry_run {
        let doomed: Vec<(ObjectKey, Kind)> = removal
            .removed
            .iter()
            .filter_map(|k| owned.get(k).map(|o| (k.clone(), o.kind.clone())))
            .collect();
        apply::delete_all(cluster, &doomed).await?;
    }
    Ok(removal)
}

/// The revision (`istio.io/rev` value) of a configuration and the objects an install of it
/// creates: what it renders, and the record of the install.
pub fn configuration_objects(
    cfg: &crate::operator::MergedConfig,
) -> miette::Result<(String, HashSet<ObjectKey>)> {
    let rev_label = cfg.rev_label();
    let mut keys: HashSet<ObjectKey> = crate::render::render_manifests(cfg)?
        .iter()
        .map(|o| ObjectKey::of(&o.object))
        .collect();
    keys.insert(ObjectKey {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        namespace: cfg.namespace(),
        name: crate::record::record_name(&rev_label),
    });
    Ok((rev_label, keys))
}
