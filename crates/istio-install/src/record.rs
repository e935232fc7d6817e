//! The installed configuration, recorded in the cluster per revision.
//!
//! istioctl before 1.24 kept an `installed-state[-REVISION]` IstioOperator in the control plane
//! namespace; since 1.24 the base chart no longer ships the IstioOperator CRD, so there is no
//! such kind to write. We keep the same name on a ConfigMap instead: at install time, the
//! `-f` documents and `--set` flags exactly as given (plus the release that installed them),
//! so that `verify-install` and `uninstall` without flags work from what was installed, not
//! from the default profile. The ConfigMap carries the ownership labels of everything else
//! the install applied, so prune keeps it and `uninstall -r REVISION` removes it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use istio_api::release::ISTIO_VERSION;
use istio_kube::{Cluster, ListScope};

use crate::operator::{self, Document, MergedConfig};
use crate::render::{Component, RenderedObject, REVISION_LABEL};

/// Label marking the ConfigMap that records an install.
pub const INSTALLED_STATE_LABEL: &str = "install.operator.istio.io/installed-state";
/// The ConfigMap key holding the recorded inputs (JSON).
const INPUTS_KEY: &str = "inputs.json";

/// What one install was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// The revision's `istio.io/rev` value (`default` for the default revision).
    #[serde(skip)]
    pub revision: String,
    /// The namespace the record (and the control plane) is in.
    #[serde(skip)]
    pub namespace: String,
    /// The Istio release that installed it.
    #[serde(rename = "istioVersion")]
    pub istio_version: String,
    /// The `-f` documents, in order.
    pub files: Vec<Document>,
    /// The `--set` flags, in order (the revision flag included).
    pub sets: Vec<String>,
    /// Whether `--force` let validation problems through.
    pub force: bool,
}

impl Recorded {
    /// The inputs of an install about to run.
    pub fn new(files: Vec<Document>, sets: Vec<String>, force: bool) -> Self {
        Recorded {
            revision: String::new(),
            namespace: String::new(),
            istio_version: ISTIO_VERSION.to_owned(),
            files,
            sets,
            force,
        }
    }

    /// The configuration the recorded inputs merge into.
    pub fn config(&self) -> miette::Result<MergedConfig> {
        operator::load_documents(&self.files, &self.sets, self.force)
    }

    /// The ConfigMap recording these inputs for `cfg`'s revision (`rev_label`), as an object
    /// of the install (its first component, so it is applied, kept and removed with them).
    pub fn object(
        &self,
        cfg: &MergedConfig,
        rev_label: &str,
        component: Component,
    ) -> RenderedObject {
        let inputs = serde_json::to_string_pretty(self).unwrap_or_default();
        RenderedObject {
            component,
            object: json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": record_name(rev_label),
                    "namespace": cfg.namespace(),
                    "labels": {INSTALLED_STATE_LABEL: "true", REVISION_LABEL: rev_label},
                },
                "data": {
                    "profile": cfg.profile,
                    "revision": rev_label,
                    "istioVersion": self.istio_version,
                    INPUTS_KEY: inputs,
                },
            }),
            text: None,
        }
    }
}

/// The record's name: `installed-state` for the default revision, else
/// `installed-state-REVISION` (the names istioctl gave its IstioOperator records).
pub fn record_name(rev_label: &str) -> String {
    if rev_label == "default" {
        "installed-state".to_owned()
    } else {
        format!("installed-state-{rev_label}")
    }
}

/// A record that could not be read back.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("the installed-state record ConfigMap {namespace}/{name} is unreadable: {reason}")]
#[diagnostic(help(
    "reinstall the revision with `istioctl install` to rewrite it, or pass the configuration with -f/--set"
))]
pub struct BadRecord {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// What is wrong.
    pub reason: String,
}

/// Every install recorded on the cluster (sorted by namespace and revision), or only those of
/// `revision`.
pub async fn recorded(cluster: &Cluster, revision: Option<&str>) -> miette::Result<Vec<Recorded>> {
    let kind = cluster.require_kind("v1", "ConfigMap")?;
    let selector = match revision {
        Some(r) => format!("{INSTALLED_STATE_LABEL}=true,{REVISION_LABEL}={r}"),
        None => format!("{INSTALLED_STATE_LABEL}=true"),
    };
    let items = cluster.list(&kind, ListScope::All, Some(&selector)).await?;
    let mut out = Vec::new();
    for cm in items {
        let s = |p: &str| {
            cm.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (namespace, name) = (s("/metadata/namespace"), s("/metadata/name"));
        let text = cm
            .pointer(&format!("/data/{INPUTS_KEY}"))
            .and_then(Value::as_str)
            .ok_or_else(|| BadRecord {
                namespace: namespace.clone(),
                name: name.clone(),
                reason: format!("it has no {INPUTS_KEY} key"),
            })?;
        let mut rec: Recorded = serde_json::from_str(text).map_err(|e| BadRecord {
            namespace: namespace.clone(),
            name: name.clone(),
            reason: e.to_string(),
        })?;
        rec.revision = s(&format!(
            "/metadata/labels/{}",
            REVISION_LABEL.replace('/', "~1")
        ));
        rec.namespace = namespace;
        out.push(rec);
    }
    out.sort_by(|a, b| (&a.namespace, &a.revision).cmp(&(&b.namespace, &b.revision)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_round_trips_its_inputs() {
        let rec = Recorded::new(
            vec![Document {
                origin: "demo.yaml".into(),
                text: "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: demo\n".into(),
            }],
            vec!["revision=canary".into()],
            false,
        );
        let cfg = rec.config().unwrap();
        assert_eq!(cfg.profile, "demo");
        assert_eq!(cfg.revision(), "canary");
        let o = rec.object(&cfg, "canary", Component::Base);
        assert_eq!(o.name(), "installed-state-canary");
        assert_eq!(o.namespace(), "istio-system");
        let text = o.object["data"][INPUTS_KEY].as_str().unwrap();
        let back: Recorded = serde_json::from_str(text).unwrap();
        assert_eq!(back.files, rec.files);
        assert_eq!(back.sets, rec.sets);
        assert_eq!(record_name("default"), "installed-state");
    }
}
