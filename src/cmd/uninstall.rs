//! `istioctl uninstall`: remove what our installs created, found by the ownership labels —
//! one revision's control plane, or with `--purge` everything of ours, CRDs and webhooks
//! included. Objects without our labels are never touched.

use std::process::ExitCode;

use clap::Args;
use miette::miette;

use super::term::{confirm, run_interruptible};
use crate::cli::GlobalArgs;
use istio_install::uninstall::{uninstall, Selection};

/// Arguments of `istioctl uninstall`.
#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Remove every Istio object we installed, of all revisions, including CRDs and webhooks
    #[arg(long)]
    pub purge: bool,
    /// Remove the control plane of this revision (`default` for the default revision)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
    /// Do not ask for confirmation
    #[arg(short = 'y', long = "skip-confirmation")]
    pub yes: bool,
    /// Print what would be removed; change nothing
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

/// Runs `istioctl uninstall`.
pub fn run(args: &UninstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    if !args.purge && args.revision.is_none() {
        return Err(miette!(
            help = "pass --purge to remove everything Istio installed, or -r REVISION (`-r default` for the default revision)",
            "at least one of --revision or --purge must be set"
        ));
    }
    let what = match &args.revision {
        Some(r) if !args.purge => format!("the Istio control plane of revision {r:?}"),
        _ => "every Istio object installed, including CRDs and webhooks".to_owned(),
    };
    if !args.dry_run
        && !confirm(
            &format!("This will remove {what} from the cluster. Proceed?"),
            args.yes,
        )?
    {
        println!("Cancelled.");
        return Ok(ExitCode::SUCCESS);
    }
    let selection = match &args.revision {
        Some(r) if !args.purge => Selection::Revision(r.clone()),
        _ => Selection::Purge,
    };
    run_interruptible(async {
        let cluster = global.cluster().connect().await?;
        let removed = uninstall(&cluster, &selection, args.dry_run).await?;
        if removed.is_empty() {
            println!("\u{2714} Nothing to remove: no Istio objects of ours match.");
            return Ok(ExitCode::SUCCESS);
        }
        let verb = if args.dry_run {
            "would be removed"
        } else {
            "removed"
        };
        for k in &removed {
            println!("  {k} {verb}");
        }
        if args.dry_run {
            println!(
                "Dry run: {} objects would be removed; nothing was changed.",
                removed.len()
            );
        } else {
            println!(
                "\u{2714} Uninstall complete: {} objects removed",
                removed.len()
            );
            println!(
                "  The namespace {} is kept; remove it with: kubectl delete namespace {}",
                global.istio_namespace, global.istio_namespace
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}
