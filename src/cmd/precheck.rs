//! `istioctl x precheck`: can Istio be installed on this cluster? Kubernetes version,
//! permissions (SelfSubjectAccessReview) and existing control planes, each with a fix.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use miette::miette;

use super::term::run_interruptible;
use crate::cli::GlobalArgs;
use istio_api::release::ISTIO_VERSION;
use istio_install::precheck::{self, MIN_KUBERNETES_MINOR};

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

fn precheck(global: &GlobalArgs) -> miette::Result<ExitCode> {
    run_interruptible(async move {
        let cluster = global.cluster().connect().await?;
        let found = precheck::precheck(&cluster, &global.istio_namespace).await?;
        let v = &found.kubernetes_version;
        if found.version_supported() {
            println!("\u{2714} Kubernetes version {v} is supported");
        } else {
            println!("\u{2718} Kubernetes version {v} is not supported: Istio {ISTIO_VERSION} needs 1.{MIN_KUBERNETES_MINOR} or later");
            println!(
                "    fix: upgrade the cluster to Kubernetes 1.{MIN_KUBERNETES_MINOR} or later"
            );
        }
        if found.denied.is_empty() {
            println!("\u{2714} The user can create every kind of object an install needs");
        }
        for (resource, reason) in &found.denied {
            let reason = if reason.is_empty() {
                String::new()
            } else {
                format!(" ({reason})")
            };
            println!("\u{2718} The user may not create {resource}{reason}");
            println!("    fix: ask a cluster admin to grant `create` on {resource} (e.g. bind the cluster-admin ClusterRole)");
        }
        match &found.control_planes {
            Ok(planes) if planes.is_empty() => {
                println!("\u{2714} No Istio control plane is installed yet");
            }
            Ok(planes) => {
                for p in planes {
                    println!(
                        "! Istio {} is already installed: Deployment {}/{} (revision {})",
                        p.version, p.namespace, p.name, p.revision
                    );
                    println!("    fix: check it with `istioctl verify-install`; upgrade it with `istioctl install`, or install another control plane beside it with `istioctl install --revision NAME`");
                }
            }
            Err(why) => {
                println!("\u{2718} Cannot look for installed control planes: {why}");
                println!("    fix: ask a cluster admin to grant `list` on deployments.apps in all namespaces");
            }
        }
        match found.issues() {
            0 => {
                println!("\u{2714} No issues found when checking the cluster. Istio is safe to install or upgrade!");
                Ok(ExitCode::SUCCESS)
            }
            issues => Err(miette!(
                "{issues} issue(s) found when checking the cluster of context {:?}",
                cluster.context()
            )),
        }
    })
}
