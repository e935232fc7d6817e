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
use istio_install::operator;
use istio_install::verify::{verify_install, Source, Target};

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
    let given = !args.config.filename.is_empty() || !args.config.set.is_empty();
    let source = if given {
        let extra = args.revision.iter().map(|r| format!("revision={r}"));
        Source::Given(Box::new(operator::load(&args.config.inputs(extra))?))
    } else {
        Source::Recorded(args.revision.clone())
    };
    run_interruptible(async {
        let cluster = global.cluster().connect().await?;
        let targets = verify_install(&cluster, source).await?;
        let mut summary = Vec::new();
        for t in &targets {
            if targets.len() > 1 || !given {
                println!(
                    "Revision {} (profile {}, namespace {}):",
                    t.revision, t.profile, t.namespace
                );
            }
            print_results(t);
            let failed = t.failed();
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
        let failed_total: usize = targets.iter().map(Target::failed).sum();
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

/// One line per object of a configuration verified.
fn print_results(target: &Target) {
    for (o, result) in target.objects.iter().zip(&target.results) {
        let name = if o.namespace().is_empty() {
            o.name().to_owned()
        } else {
            format!("{}.{}", o.name(), o.namespace())
        };
        match result {
            Ok(()) => println!("\u{2714} {}: {name} checked successfully", o.kind()),
            Err(why) => println!("\u{2718} {}: {name} {why}", o.kind()),
        }
    }
}
