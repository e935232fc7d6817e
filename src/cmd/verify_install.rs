//! `istioctl verify-install`: compare the cluster with what the configuration renders, one
//! ✔/✘ line per object; exit non-zero when something is missing or not ready.

use std::process::ExitCode;

use clap::Args;
use miette::miette;

use super::term::run_interruptible;
use crate::cli::GlobalArgs;
use crate::cmd::manifest::ConfigArgs;
use istio_install::verify::verify;
use istio_install::{operator, render};

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
        let cluster = global.cluster().connect().await?;
        let results = verify(&cluster, &objects).await?;
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
