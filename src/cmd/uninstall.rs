//! `istioctl uninstall`: remove what our installs created, found by the ownership labels —
//! what one configuration installed (`-f`/`--set`), one revision's control plane (`-r`), or
//! with `--purge` everything of ours, CRDs and webhooks included. Objects shared by the
//! revisions (CRDs, the base chart's) stay while another revision remains; objects without
//! our labels are never touched.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::term::{confirm, run_interruptible};
use crate::cli::GlobalArgs;
use istio_analysis::UsageError;
use istio_install::operator::{self, Inputs};
use istio_install::uninstall::{configuration_objects, uninstall, Removal, Selection};

/// Arguments of `istioctl uninstall`.
#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Remove every Istio object we installed, of all revisions, including CRDs and webhooks
    #[arg(long)]
    pub purge: bool,
    /// Remove the control plane of this revision (`default` for the default revision)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
    /// IstioOperator file of the installed configuration to remove; repeatable, merged in order
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filename: Vec<PathBuf>,
    /// Override a value of the configuration to remove, e.g. --set revision=canary; repeatable
    #[arg(short = 's', long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Proceed past validation errors in the configuration, printing each as a warning
    #[arg(long = "force")]
    pub force: bool,
    /// List every object removed and every shared object kept
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long = "skip-confirmation")]
    pub yes: bool,
    /// Print what would be removed; change nothing
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

/// The `revision` a `--set` flag gives, if any (the last one wins).
fn set_revision(sets: &[String]) -> Option<&str> {
    sets.iter()
        .rev()
        .find_map(|s| s.split_once('=').filter(|(k, _)| k.trim() == "revision"))
        .map(|(_, v)| v.trim())
}

fn usage(message: &str, help: &str) -> miette::Report {
    UsageError {
        message: message.to_owned(),
        help: Some(help.to_owned()),
    }
    .into()
}

/// What the flags select, checked: exactly one way of saying what to remove.
fn selection(args: &UninstallArgs) -> miette::Result<Selection> {
    let set_rev = set_revision(&args.set);
    // Files, or settings beyond the revision: a configuration to render.
    let configured = !args.filename.is_empty()
        || args
            .set
            .iter()
            .any(|s| set_revision(std::slice::from_ref(s)).is_none());
    if args.purge {
        if args.revision.is_some() || set_rev.is_some() || !args.filename.is_empty() {
            return Err(usage(
                "--purge removes every revision and cannot be combined with --revision, --set revision or --filename",
                "drop --purge to remove one configuration, or drop the other flags to remove everything",
            ));
        }
        return Ok(Selection::Purge);
    }
    if args.revision.is_none() && set_rev.is_none() && args.filename.is_empty() {
        return Err(usage(
            "one of --revision (or --set revision=REVISION), --filename or --purge must be given",
            "name what to remove: -r REVISION (`-r default` for the default revision), -f with the file it was installed from, or --purge for everything",
        ));
    }
    if let (Some(r), Some(s)) = (&args.revision, set_rev) {
        if r != s {
            return Err(usage(
                &format!("--revision {r:?} and --set revision={s} name different revisions"),
                "give the revision once, with -r or with --set revision=",
            ));
        }
    }
    if !configured {
        let revision = args.revision.as_deref().or(set_rev).unwrap_or("default");
        let revision = if revision.is_empty() {
            "default"
        } else {
            revision
        };
        return Ok(Selection::Revision {
            revision: revision.to_owned(),
            rendered: None,
        });
    }
    let mut sets = args.set.clone();
    sets.extend(args.revision.iter().map(|r| format!("revision={r}")));
    let cfg = operator::load(&Inputs {
        files: args.filename.clone(),
        sets,
        force: args.force,
    })?;
    let (revision, rendered) = configuration_objects(&cfg)?;
    Ok(Selection::Revision {
        revision,
        rendered: Some(rendered),
    })
}

/// Runs `istioctl uninstall`.
pub fn run(args: &UninstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let selection = selection(args)?;
    let what = match &selection {
        Selection::Revision { revision, .. } => {
            format!("the Istio control plane of revision {revision:?}")
        }
        Selection::Purge => "every Istio object installed, including CRDs and webhooks".to_owned(),
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
    run_interruptible(async {
        let cluster = global.cluster().connect().await?;
        let removal = uninstall(&cluster, &selection, args.dry_run).await?;
        print_removal(&removal, args, global);
        Ok(ExitCode::SUCCESS)
    })
}

fn print_removal(removal: &Removal, args: &UninstallArgs, global: &GlobalArgs) {
    let verb = if args.dry_run {
        "would be removed"
    } else {
        "removed"
    };
    if args.verbose || args.dry_run {
        for k in &removal.removed {
            println!("  {k} {verb}");
        }
    }
    if !removal.kept_shared.is_empty() {
        if args.verbose {
            for k in &removal.kept_shared {
                println!("  {k} kept (shared)");
            }
        }
        let why = if removal.remaining.is_empty() {
            "CRDs are removed only with --purge".to_owned()
        } else {
            format!(
                "still used by revision(s) {}; --purge removes them",
                removal.remaining.join(", ")
            )
        };
        println!(
            "  {} shared objects (CRDs, the base chart's) kept: {why}",
            removal.kept_shared.len()
        );
    }
    if removal.removed.is_empty() {
        println!("\u{2714} Nothing to remove: no Istio objects of ours match.");
    } else if args.dry_run {
        println!(
            "Dry run: {} objects would be removed; nothing was changed.",
            removal.removed.len()
        );
    } else {
        println!(
            "\u{2714} Uninstall complete: {} objects removed",
            removal.removed.len()
        );
        if removal.remaining.is_empty() {
            println!(
                "  The namespace {} is kept; remove it with: kubectl delete namespace {}",
                global.istio_namespace, global.istio_namespace
            );
        }
    }
}
