//! `istioctl verify-install`: compare the cluster with what the configuration renders, one
//! ✔/✘ line per object; exit non-zero when something is missing or not ready.

use std::process::ExitCode;

use clap::Args;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use miette::miette;
use serde_json::Value;

use crate::cli::GlobalArgs;
use crate::cmd::install::run_interruptible;
use crate::cmd::manifest::ConfigArgs;
use crate::install::{readiness, CONCURRENCY};
use crate::kube::{self, KubeError};
use crate::operator;
use crate::render::{self, RenderedObject};

/// Arguments of `istioctl verify-install`.
#[derive(Debug, Args)]
pub struct VerifyInstallArgs {
    /// Configuration input.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Control plane revision (sets the `revision` field)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
}

/// Runs `istioctl verify-install`.
pub fn run(args: &VerifyInstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let extra = args.revision.iter().map(|r| format!("revision={r}"));
    let cfg = operator::load(&args.config.inputs(extra))?;
    let objects = render::render_manifests(&cfg)?;
    run_interruptible(async {
        let cluster = kube::connect(global).await?;
        let results: Vec<(usize, Result<(), String>)> = stream::iter(objects.iter().enumerate())
            .map(|(i, o)| {
                let cluster = &cluster;
                async move { Ok::<_, KubeError>((i, check(cluster, o).await?)) }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        let mut results = results;
        results.sort_by_key(|(i, _)| *i);
        let mut failed = 0;
        for (i, result) in &results {
            let o = &objects[*i];
            let name = if o.namespace().is_empty() {
                o.name().to_owned()
            } else {
                format!("{}.{}", o.name(), o.namespace())
            };
            match result {
                Ok(()) => println!("\u{2714} {}: {name} checked successfully", o.kind()),
                Err(why) => {
                    failed += 1;
                    println!("\u{2718} {}: {name} {why}", o.kind());
                }
            }
        }
        if failed == 0 {
            println!(
                "\u{2714} Istio is installed and verified successfully ({} objects)",
                results.len()
            );
            Ok(ExitCode::SUCCESS)
        } else {
            Err(miette!(
                help = "run `istioctl install` with the same configuration to converge",
                "Istio installation is incomplete or differs from the configuration: {failed} of {} objects missing or not ready",
                results.len()
            ))
        }
    })
}

/// Checks one rendered object: present, and for Deployments and DaemonSets ready, for CRDs
/// Established.
async fn check(
    cluster: &kube::Cluster,
    o: &RenderedObject,
) -> Result<Result<(), String>, KubeError> {
    let api_version = o
        .object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(kind) = cluster.kind(api_version, o.kind()) else {
        return Ok(Err(format!(
            "not found: the cluster does not serve {} ({api_version})",
            o.kind()
        )));
    };
    let ns = (!o.namespace().is_empty()).then_some(o.namespace());
    let Some(found) = cluster.get(&kind, ns, o.name()).await? else {
        return Ok(Err("not found".to_owned()));
    };
    Ok(match o.kind() {
        "Deployment" | "DaemonSet" => {
            readiness::workload_state(o.kind(), &found).map_err(|s| format!("not ready: {s}"))
        }
        "CustomResourceDefinition" if !readiness::condition_true(&found, "Established") => {
            Err("not Established".to_owned())
        }
        _ => Ok(()),
    })
}
