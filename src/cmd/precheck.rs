//! `istioctl x precheck`: can Istio be installed on this cluster? Kubernetes version,
//! permissions (SelfSubjectAccessReview) and existing control planes, each with a fix.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use miette::miette;
use serde_json::{json, Value};

use crate::cli::GlobalArgs;
use crate::cmd::install::run_interruptible;
use crate::install;
use crate::kube::{self, Cluster, KubeError};

/// The oldest Kubernetes minor version the Istio release we install supports.
pub const MIN_KUBERNETES_MINOR: u64 = 29;

/// Arguments of `istioctl x` (experimental commands).
#[derive(Debug, Args)]
pub struct ExperimentalArgs {
    /// The experimental command.
    #[command(subcommand)]
    pub command: ExperimentalCommand,
}

/// `istioctl x` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExperimentalCommand {
    /// Check whether Istio can be installed or upgraded on the cluster
    Precheck(PrecheckArgs),
}

/// Arguments of `istioctl x precheck`.
#[derive(Debug, Args)]
pub struct PrecheckArgs {}

/// Runs `istioctl x`.
pub fn run(args: &ExperimentalArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    match &args.command {
        ExperimentalCommand::Precheck(_) => precheck(global),
    }
}

/// Permissions an install needs: (group, resource, namespaced).
const PERMISSIONS: &[(&str, &str, bool)] = &[
    ("", "namespaces", false),
    ("apiextensions.k8s.io", "customresourcedefinitions", false),
    ("rbac.authorization.k8s.io", "clusterroles", false),
    ("rbac.authorization.k8s.io", "clusterrolebindings", false),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        false,
    ),
    ("rbac.authorization.k8s.io", "roles", true),
    ("rbac.authorization.k8s.io", "rolebindings", true),
    ("", "serviceaccounts", true),
    ("", "configmaps", true),
    ("", "services", true),
    ("apps", "deployments", true),
    ("policy", "poddisruptionbudgets", true),
    ("autoscaling", "horizontalpodautoscalers", true),
];

fn precheck(global: &GlobalArgs) -> miette::Result<ExitCode> {
    let namespace = global.istio_namespace.clone();
    run_interruptible(async move {
        let cluster = kube::connect(global).await?;
        let mut issues = 0;
        match kubernetes_version(&cluster).await? {
            (v, Some(minor)) if minor >= MIN_KUBERNETES_MINOR => {
                println!("\u{2714} Kubernetes version {v} is supported");
            }
            (v, _) => {
                issues += 1;
                println!("\u{2718} Kubernetes version {v} is not supported: Istio {} needs 1.{MIN_KUBERNETES_MINOR} or later", crate::version::ISTIO_VERSION);
                println!(
                    "    fix: upgrade the cluster to Kubernetes 1.{MIN_KUBERNETES_MINOR} or later"
                );
            }
        }
        let denied = denied_permissions(&cluster, &namespace).await?;
        if denied.is_empty() {
            println!("\u{2714} The user can create every kind of object an install needs");
        }
        for (resource, reason) in &denied {
            issues += 1;
            println!("\u{2718} The user may not create {resource}{reason}");
            println!("    fix: ask a cluster admin to grant `create` on {resource} (e.g. bind the cluster-admin ClusterRole)");
        }
        let planes = install::control_planes(&cluster, None).await?;
        if planes.is_empty() {
            println!("\u{2714} No Istio control plane is installed yet");
        }
        for p in &planes {
            println!(
                "! Istio {} is already installed: Deployment {}/{} (revision {})",
                p.version, p.namespace, p.name, p.revision
            );
            println!("    fix: check it with `istioctl verify-install`; upgrade it with `istioctl install`, or install another control plane beside it with `istioctl install --revision NAME`");
        }
        if issues == 0 {
            println!("\u{2714} No issues found when checking the cluster. Istio is safe to install or upgrade!");
            Ok(ExitCode::SUCCESS)
        } else {
            Err(miette!(
                "{issues} issue(s) found when checking the cluster of context {:?}",
                cluster.context()
            ))
        }
    })
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

/// The permissions of [`PERMISSIONS`] the user lacks, with the server's reason.
async fn denied_permissions(
    cluster: &Cluster,
    namespace: &str,
) -> Result<Vec<(String, String)>, KubeError> {
    let kind = cluster.require_kind("authorization.k8s.io/v1", "SelfSubjectAccessReview")?;
    let mut denied = Vec::new();
    for (group, resource, namespaced) in PERMISSIONS {
        let mut attrs = json!({"verb": "create", "group": group, "resource": resource});
        if *namespaced {
            attrs["namespace"] = json!(namespace);
        }
        let review = json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attrs},
        });
        let answer = cluster.create(&kind, None, &review).await?;
        if answer.pointer("/status/allowed").and_then(Value::as_bool) != Some(true) {
            let reason = answer
                .pointer("/status/reason")
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let name = if group.is_empty() {
                resource.to_string()
            } else {
                format!("{resource}.{group}")
            };
            let name = if *namespaced {
                format!("{name} in namespace {namespace}")
            } else {
                name
            };
            denied.push((name, reason));
        }
    }
    Ok(denied)
}
