//! `istioctl verify-install`: compare the cluster with what a configuration renders, one ✔/✘
//! line per object; exit non-zero when something is missing or not ready. With `-f`/`--set`
//! the configuration is the one given; without them, each install recorded on the cluster
//! ([`istio_install::record`]) is verified against what it was given (`-r` picks one
//! revision), with a summary table per revision.

use std::process::ExitCode;

use clap::Args;
use miette::miette;

use super::table;
use super::term::run_interruptible;
use crate::cli::GlobalArgs;
use crate::cmd::manifest::ConfigArgs;
use istio_install::record::recorded;
use istio_install::render::RenderedObject;
use istio_install::verify::verify;
use istio_install::{operator, render};
use istio_kube::Cluster;

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

/// One configuration to verify.
struct Target {
    revision: String,
    namespace: String,
    profile: String,
    objects: Vec<RenderedObject>,
}

/// Runs `istioctl verify-install`.
pub fn run(args: &VerifyInstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let given = !args.config.filename.is_empty() || !args.config.set.is_empty();
    let explicit = if given {
        let extra = args.revision.iter().map(|r| format!("revision={r}"));
        let cfg = operator::load(&args.config.inputs(extra))?;
        Some(Target {
            revision: rev_label(&cfg.revision()),
            namespace: cfg.namespace(),
            profile: cfg.profile.clone(),
            objects: render::render_manifests(&cfg)?,
        })
    } else {
        None
    };
    run_interruptible(async {
        let cluster = global.cluster().connect().await?;
        let targets = match explicit {
            Some(t) => vec![t],
            None => recorded_targets(&cluster, args.revision.as_deref()).await?,
        };
        let mut summary = Vec::new();
        let mut failed_total = 0;
        for t in &targets {
            if targets.len() > 1 || !given {
                println!(
                    "Revision {} (profile {}, namespace {}):",
                    t.revision, t.profile, t.namespace
                );
            }
            let failed = verify_one(&cluster, &t.objects).await?;
            failed_total += failed;
            summary.push(vec![
                t.revision.clone(),
                t.namespace.clone(),
                t.profile.clone(),
                t.objects.len().to_string(),
                if failed == 0 {
                    "verified".to_owned()
                } else {
                    format!("{failed} missing or not ready")
                },
            ]);
        }
        if !given {
            print!(
                "{}",
                table::render(
                    &["REVISION", "NAMESPACE", "PROFILE", "OBJECTS", "STATUS"],
                    &summary
                )
            );
        }
        let total: usize = targets.iter().map(|t| t.objects.len()).sum();
        if failed_total == 0 {
            println!("\u{2714} Istio is installed and verified successfully ({total} objects)");
            Ok(ExitCode::SUCCESS)
        } else {
            Err(miette!(
                help = "run `istioctl install` with the same configuration to converge",
                "Istio installation is incomplete or differs from the configuration: {failed_total} of {total} objects missing or not ready"
            ))
        }
    })
}

/// `default` for the default revision.
fn rev_label(revision: &str) -> String {
    if revision.is_empty() {
        "default".to_owned()
    } else {
        revision.to_owned()
    }
}

/// The installs recorded on the cluster (of `revision` only, when given), rendered.
async fn recorded_targets(
    cluster: &Cluster,
    revision: Option<&str>,
) -> miette::Result<Vec<Target>> {
    let records = recorded(cluster, revision).await?;
    if records.is_empty() {
        return Err(match revision {
            Some(r) => miette!(
                help = "list the installed revisions with `istioctl version`, or pass the configuration with -f/--set",
                "no install of revision {r:?} is recorded on the cluster (context {:?})",
                cluster.context()
            ),
            None => miette!(
                help = "install Istio with `istioctl install`, or pass the configuration to verify with -f/--set",
                "no Istio install is recorded on the cluster (context {:?})",
                cluster.context()
            ),
        });
    }
    records
        .iter()
        .map(|rec| {
            let cfg = rec.config()?;
            Ok(Target {
                revision: rec.revision.clone(),
                namespace: rec.namespace.clone(),
                profile: cfg.profile.clone(),
                objects: render::render_manifests(&cfg)?,
            })
        })
        .collect()
}

/// Verifies one configuration's objects, printing a line each; returns how many failed.
async fn verify_one(cluster: &Cluster, objects: &[RenderedObject]) -> miette::Result<usize> {
    let results = verify(cluster, objects).await?;
    let mut failed = 0;
    for (o, result) in objects.iter().zip(&results) {
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
    Ok(failed)
}
