//! `uninstall` as one call: find what our installs created (by the ownership labels) that a
//! [`Selection`] names, and delete it in reverse apply order. Objects without our labels are
//! never touched.

use istio_kube::{Cluster, Kind, KubeError};

use crate::apply;
use crate::kinds::{delete_rank, ObjectKey};
use crate::render::REVISION_LABEL;

/// Which of our objects to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everything of every revision, CRDs and webhooks included.
    Purge,
    /// The control plane of one revision (`default` for the default revision); CRDs stay.
    Revision(String),
}

/// Removes (or, in a dry run, lists) the objects `selection` names, in deletion order.
pub async fn uninstall(
    cluster: &Cluster,
    selection: &Selection,
    dry_run: bool,
) -> Result<Vec<ObjectKey>, KubeError> {
    let owned = apply::inventory(cluster).await?;
    let mut doomed: Vec<(ObjectKey, Kind)> = owned
        .into_iter()
        .filter(|(k, o)| match selection {
            Selection::Purge => true,
            Selection::Revision(r) => {
                k.kind != "CustomResourceDefinition" && o.label(REVISION_LABEL) == Some(r)
            }
        })
        .map(|(k, o)| (k, o.kind))
        .collect();
    doomed.sort_by(|a, b| (delete_rank(&a.0.kind), &a.0).cmp(&(delete_rank(&b.0.kind), &b.0)));
    if !dry_run {
        apply::delete_all(cluster, &doomed).await?;
    }
    Ok(doomed.into_iter().map(|(k, _)| k).collect())
}
