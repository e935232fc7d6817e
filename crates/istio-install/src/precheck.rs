//! `x precheck` as one call: can Istio be installed on this cluster? The Kubernetes version,
//! the user's permissions (SelfSubjectAccessReview), the control planes already there and the
//! ambient and CNI prerequisites ([`ambient`]).
//! `install` and `upgrade` run the same checks and refuse before writing when one fails.

use std::ops::RangeInclusive;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use istio_analysis::analyzers::k8sgateway::crd_version;
use istio_analysis::catalog::{codes, fill, Code};
use istio_analysis::message::Level;
use istio_analysis::run::Finding;
use istio_api::release::ISTIO_VERSION;
use istio_kube::{Cluster, KubeError, ListScope, CONCURRENCY};

use crate::ambient;
use crate::apply::{control_planes, ControlPlane};
use crate::compat;
use crate::upgrade::{self, Release, Source, UpgradeError};

/// The Kubernetes minor versions (`1.N`) the Istio release we install supports, per Istio's
/// support matrix (Istio 1.30: Kubernetes 1.32 to 1.36): older ones are refused (IST0142, as
/// istioctl refuses a version below its minimum), newer ones are reported as untested.
pub const SUPPORTED_KUBERNETES_MINORS: RangeInclusive<u64> = 32..=36;

/// Permissions an install needs: (verb, group, resource, namespaced). Every one is `create`:
/// [`Denied`] names the resource alone.
const PERMISSIONS: &[(&str, &str, &str, bool)] = &[
    ("create", "", "namespaces", false),
    (
        "create",
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        false,
    ),
    ("create", "rbac.authorization.k8s.io", "clusterroles", false),
    (
        "create",
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        false,
    ),
    (
        "create",
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "create",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        false,
    ),
    ("create", "rbac.authorization.k8s.io", "roles", true),
    ("create", "rbac.authorization.k8s.io", "rolebindings", true),
    ("create", "", "serviceaccounts", true),
    ("create", "", "configmaps", true),
    ("create", "", "services", true),
    ("create", "apps", "deployments", true),
    ("create", "policy", "poddisruptionbudgets", true),
    ("create", "autoscaling", "horizontalpodautoscalers", true),
];

/// A permission the user lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// What may not be created, e.g. `clusterroles.rbac.authorization.k8s.io` or
    /// `configmaps in namespace istio-system`.
    pub resource: String,
    /// The server's reason (may be empty).
    pub reason: String,
}

/// What the checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precheck {
    /// The server's `gitVersion`.
    pub kubernetes_version: String,
    /// Its minor version, when it could be read.
    pub kubernetes_minor: Option<u64>,
    /// Each permission the user lacks.
    pub denied: Vec<Denied>,
    /// The control planes already installed, or why they could not be listed (e.g. the user
    /// may not list Deployments in every namespace); `None` when not asked for.
    pub control_planes: Option<Result<Vec<ControlPlane>, String>>,
    /// The Gateway API CRDs installed (`*.gateway.networking.k8s.io`), sorted by name; empty
    /// when the user may not list CRDs.
    pub gateway_api_crds: Vec<GatewayApiCrd>,
}

/// A Gateway API CRD on the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayApiCrd {
    /// Its name, e.g. `httproutes.gateway.networking.k8s.io`.
    pub name: String,
    /// The kind it defines.
    pub kind: String,
    /// The bundle release it is annotated with, if any.
    pub bundle_version: Option<String>,
    /// The versions it serves, sorted.
    pub served: Vec<String>,
}

/// The Gateway API kinds Istio reads in their `v1` version: a CRD of one of them that does
/// not serve `v1` is too old (IST0156).
const GATEWAY_API_V1_KINDS: &[&str] = &["Gateway", "GatewayClass", "HTTPRoute", "ReferenceGrant"];

/// Annotation on Gateway API CRDs naming the bundle release they come from.
pub const GATEWAY_API_BUNDLE_VERSION: &str = "gateway.networking.k8s.io/bundle-version";

/// How the Kubernetes version compares with [`SUPPORTED_KUBERNETES_MINORS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubernetesSupport {
    /// Within the range.
    Supported,
    /// Older than the range (or unreadable): Istio does not work there.
    TooOld,
    /// Newer than the range: untested.
    Newer,
}

impl Precheck {
    /// Where the cluster's Kubernetes version falls.
    pub fn kubernetes_support(&self) -> KubernetesSupport {
        match self.kubernetes_minor {
            Some(m) if SUPPORTED_KUBERNETES_MINORS.contains(&m) => KubernetesSupport::Supported,
            Some(m) if m > *SUPPORTED_KUBERNETES_MINORS.end() => KubernetesSupport::Newer,
            _ => KubernetesSupport::TooOld,
        }
    }
}

/// Runs every check against `cluster`; permissions are asked for `namespace`. The control
/// planes are looked for unless `skip_control_plane`.
pub async fn precheck(
    cluster: &Cluster,
    namespace: &str,
    skip_control_plane: bool,
) -> Result<Precheck, KubeError> {
    let (kubernetes_version, kubernetes_minor) = kubernetes_version(cluster).await?;
    let planes = if skip_control_plane {
        None
    } else {
        Some(match control_planes(cluster, None).await {
            Ok(planes) => Ok(planes),
            Err(e) if e.status() == Some(403) => Err(e.to_string()),
            Err(e) => return Err(e),
        })
    };
    Ok(Precheck {
        kubernetes_version,
        kubernetes_minor,
        denied: denied_permissions(cluster, namespace).await?,
        control_planes: planes,
        gateway_api_crds: gateway_api_crds(cluster).await?,
    })
}

/// The Gateway API CRDs on the cluster (none when CRDs may not be listed: the permission
/// checks report what an install lacks).
async fn gateway_api_crds(cluster: &Cluster) -> Result<Vec<GatewayApiCrd>, KubeError> {
    let kind = cluster.require_kind("apiextensions.k8s.io/v1", "CustomResourceDefinition")?;
    let crds = match cluster.list(&kind, ListScope::All, None).await {
        Ok(crds) => crds,
        Err(e) if e.status() == Some(403) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out: Vec<GatewayApiCrd> = crds
        .iter()
        .filter_map(|c| {
            let name = c.pointer("/metadata/name").and_then(Value::as_str)?;
            if !name.ends_with(".gateway.networking.k8s.io") {
                return None;
            }
            let bundle_version = c
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(GATEWAY_API_BUNDLE_VERSION))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let mut served: Vec<String> = c
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| v.get("served").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect();
            served.sort();
            Some(GatewayApiCrd {
                name: name.to_owned(),
                kind: c
                    .pointer("/spec/names/kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                bundle_version,
                served,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The server's `gitVersion` and its minor version number.
async fn kubernetes_version(cluster: &Cluster) -> Result<(String, Option<u64>), KubeError> {
    let info = cluster.get_path("/version").await?;
    let git = info
        .get("gitVersion")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let minor = info
        .get("minor")
        .and_then(Value::as_str)
        .map(|m| m.trim_end_matches('+'))
        .and_then(|m| m.parse().ok());
    Ok((git, minor))
}

/// The permissions of [`PERMISSIONS`] the user lacks, with the server's reason, in the
/// table's order.
async fn denied_permissions(cluster: &Cluster, namespace: &str) -> Result<Vec<Denied>, KubeError> {
    let kind = cluster.require_kind("authorization.k8s.io/v1", "SelfSubjectAccessReview")?;
    let answers: Vec<Option<Denied>> = stream::iter(PERMISSIONS)
        .map(|&(verb, group, resource, namespaced)| {
            let kind = kind.clone();
            async move {
                let mut attrs = json!({"verb": verb, "group": group, "resource": resource});
                if namespaced {
                    attrs["namespace"] = json!(namespace);
                }
                let review = json!({
                    "apiVersion": "authorization.k8s.io/v1",
                    "kind": "SelfSubjectAccessReview",
                    "spec": {"resourceAttributes": attrs},
                });
                let answer = cluster.create(&kind, None, &review).await?;
                if answer.pointer("/status/allowed").and_then(Value::as_bool) == Some(true) {
                    return Ok::<_, KubeError>(None);
                }
                let reason = answer
                    .pointer("/status/reason")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let name = if group.is_empty() {
                    resource.to_owned()
                } else {
                    format!("{resource}.{group}")
                };
                let resource = if namespaced {
                    format!("{name} in namespace {namespace}")
                } else {
                    name
                };
                Ok(Some(Denied { resource, reason }))
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(answers.into_iter().flatten().collect())
}

/// What `x precheck` is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The control plane namespace (permissions are asked there).
    pub namespace: String,
    /// Do not look at the control planes already installed.
    pub skip_control_plane: bool,
    /// The revision to install or upgrade.
    pub revision: String,
    /// Check an upgrade from this version (default: the installed revision's, if any).
    pub from_version: Option<String>,
    /// The release to install.
    pub target: Release,
}

/// The answer to a [`Request`].
#[derive(Debug)]
pub struct Report {
    /// The problems, as catalog messages.
    pub findings: Vec<Finding>,
    /// What was checked and passed, or is worth knowing, one line each with its mark
    /// (`✔` passed, `!` note).
    pub notes: Vec<String>,
    /// Whether the revision may be upgraded in place: the installed release, `None` when
    /// nothing of it is installed and no `from_version` was given.
    pub upgrade: Result<Option<Release>, UpgradeError>,
}

/// Runs every check of `x precheck`, and the upgrade check of the revision.
pub async fn report(cluster: &Cluster, request: &Request) -> miette::Result<Report> {
    let found = precheck(cluster, &request.namespace, request.skip_control_plane).await?;
    let mut notes = Vec::new();
    let v = &found.kubernetes_version;
    let (min, max) = (
        SUPPORTED_KUBERNETES_MINORS.start(),
        SUPPORTED_KUBERNETES_MINORS.end(),
    );
    match found.kubernetes_support() {
        KubernetesSupport::Supported => {
            notes.push(format!("\u{2714} Kubernetes version {v} is supported"));
        }
        KubernetesSupport::Newer => notes.push(format!(
            "! Kubernetes version {v} is newer than 1.{max}, the newest version Istio {ISTIO_VERSION} supports (1.{min} to 1.{max}); it is untested"
        )),
        KubernetesSupport::TooOld => {}
    }
    if found.denied.is_empty() {
        notes.push("\u{2714} The user can create every kind of object an install needs".into());
    }
    let revision = request.revision.as_str();
    let mut upgrade_from = request.from_version.clone().map(|v| (v, Source::Flag));
    match &found.control_planes {
        None => {}
        Some(Ok(planes)) if planes.is_empty() => {
            notes.push("\u{2714} No Istio control plane is installed yet".into());
        }
        Some(Ok(planes)) => {
            for p in planes {
                notes.push(format!(
                    "! Istio {} is already installed: Deployment {}/{} (revision {})",
                    p.version, p.namespace, p.name, p.revision
                ));
            }
            if upgrade_from.is_none() && planes.iter().any(|p| p.revision == revision) {
                upgrade_from =
                    Some(upgrade::installed_version(cluster, &request.namespace, revision).await?);
            }
        }
        Some(Err(why)) => notes.push(format!("! Cannot look for installed control planes: {why}")),
    }
    notes.extend(ambient::notes(cluster).await?);
    let from_release = upgrade_from
        .as_ref()
        .and_then(|(from, _)| Release::parse(from));
    let upgrade = upgrade_from
        .map(|(from, source)| upgrade::check(revision, &from, source, request.target))
        .transpose();
    match &upgrade {
        Ok(Some(from)) => notes.push(format!(
            "\u{2714} Revision {revision:?} can be upgraded in place from Istio {from} to {}",
            request.target
        )),
        Ok(None) => {}
        Err(e) => notes.push(format!("\u{2718} {e}")),
    }
    let mut all = findings(&found);
    if let Some(from) = from_release.filter(|from| *from < request.target) {
        let to = request.target;
        match compat::changed_since(from, to) {
            Some(changed) => {
                let pinned = match &found.control_planes {
                    Some(Ok(planes)) => planes
                        .iter()
                        .filter(|p| p.revision == revision)
                        .min_by_key(|p| p.namespace != request.namespace)
                        .map(|p| p.env.clone())
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let changes = compat::findings(cluster, &changed, from, &pinned).await?;
                if changes.is_empty() {
                    notes.push(format!(
                        "\u{2714} No setting whose default changed between Istio {from} and {to} affects this configuration"
                    ));
                }
                all.extend(changes);
            }
            None => notes.push(format!(
                "! Which settings changed between Istio {from} and {to} is not known to this client (it knows the releases since {}): review the upgrade notes of each release in between",
                compat::oldest_known().map_or_else(String::new, |(major, minor)| format!("{major}.{minor}"))
            )),
        }
    }
    Ok(Report {
        findings: all,
        notes,
        upgrade,
    })
}

/// A catalog message with its arguments, as a finding without a resource.
pub(crate) fn finding(code: Code, args: &[String]) -> Finding {
    let entry = code.entry();
    Finding {
        entry,
        level: entry.level,
        origin: String::new(),
        location: None,
        source: None,
        text: fill(entry.message, args),
        hint: fill(entry.hint, args),
    }
}

/// The problems the checks found, as catalog messages.
pub fn findings(found: &Precheck) -> Vec<Finding> {
    let mut out = Vec::new();
    if found.kubernetes_support() == KubernetesSupport::TooOld {
        out.push(finding(
            codes::IST0142,
            &[
                found.kubernetes_version.clone(),
                format!("1.{}", SUPPORTED_KUBERNETES_MINORS.start()),
            ],
        ));
    }
    for d in &found.denied {
        let reason = if d.reason.is_empty() {
            "the cluster's RBAC denies it".to_owned()
        } else {
            d.reason.clone()
        };
        out.push(finding(codes::IST0141, &[d.resource.clone(), reason]));
    }
    for crd in &found.gateway_api_crds {
        if GATEWAY_API_V1_KINDS.contains(&crd.kind.as_str())
            && !crd.served.iter().any(|v| v == "v1")
        {
            let served = if crd.served.is_empty() {
                "none".to_owned()
            } else {
                crd.served.join(",")
            };
            let mut f = finding(codes::IST0156, &[served, "v1".to_owned()]);
            f.origin = format!("CustomResourceDefinition {}", crd.name);
            out.push(f);
        }
        if let Some(installed) = &crd.bundle_version {
            if let Some(minimum) = crd_version::below_minimum(&crd.name, installed) {
                out.push(finding(
                    codes::IST0176,
                    &[crd.name.clone(), installed.clone(), minimum.to_owned()],
                ));
            }
        }
    }
    out
}

/// `Error [IST0141] text` and a hint line, for each finding.
pub fn log_lines<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!("{} [{}] ", f.level, f.entry.code));
        if !f.origin.is_empty() {
            out.push_str(&format!("({}) ", f.origin));
        }
        out.push_str(&format!("{}\n", f.text));
        if !f.hint.is_empty() {
            out.push_str(&format!("    Hint: {}\n", f.hint));
        }
    }
    out
}

/// The checks `install` and `upgrade` run before writing failed: the problems of level Error.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("refusing to {action}: the prechecks found {} problem(s) on the cluster of context {context:?}:\n{}", .failed.len(), log_lines(.failed.iter()).trim_end())]
#[diagnostic(help(
    "fix the problems above (`istioctl x precheck` checks again); nothing was written"
))]
pub struct Refused {
    /// `install` or `upgrade`.
    pub action: &'static str,
    /// The kubeconfig context.
    pub context: String,
    /// The problems.
    pub failed: Vec<Finding>,
}

/// The errors that stop an install: it could not succeed (a permission missing) or Istio
/// would not run (a Kubernetes version too old). Others, such as Gateway API CRDs too old
/// (IST0156), leave the install working and are `x precheck`'s to report.
const BLOCKING: [Code; 2] = [codes::IST0141, codes::IST0142];

/// Runs the checks `install` and `upgrade` need before writing (`action` names which):
/// refused when one finds a problem that stops an install ([`BLOCKING`]).
pub async fn gate(cluster: &Cluster, namespace: &str, action: &'static str) -> miette::Result<()> {
    let found = precheck(cluster, namespace, true).await?;
    let failed: Vec<Finding> = findings(&found)
        .into_iter()
        .filter(|f| {
            f.level >= Level::Error && BLOCKING.iter().any(|c| c.entry().code == f.entry.code)
        })
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    Err(Refused {
        action,
        context: cluster.context().to_owned(),
        failed,
    }
    .into())
}
