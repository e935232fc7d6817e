//! `istioctl install` (alias `apply`) and `istioctl upgrade`: render the configuration, run
//! the prechecks (`istio_install::precheck::gate`; `upgrade` first checks the version step from the
//! installed release, [`istio_install::upgrade`]), then apply it to the cluster server-side in
//! dependency order, wait until the control plane is ready and prune what the configuration
//! no longer renders ([`istio_install::install::install`]). A refusal writes nothing. The
//! inputs are recorded in the cluster ([`istio_install::record`]) for `verify-install`,
//! `upgrade` and `uninstall` to work from.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use miette::miette;

use super::progress::Progress;
use super::term::{confirm, run_interruptible};
use crate::cli::GlobalArgs;
use crate::cmd::manifest::ConfigArgs;
use istio_api::release::ISTIO_VERSION;
use istio_core::duration::parse_flag;
use istio_install::apply::Change;
use istio_install::install::{install, InstallError, Outcome, Plan};
use istio_install::precheck;
use istio_install::upgrade::Release;

/// Arguments of `istioctl install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Configuration input.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Do not ask for confirmation
    #[arg(short = 'y', long = "skip-confirmation")]
    pub yes: bool,
    /// Print what would be created, changed or pruned; change nothing
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// How long to wait for the control plane to become ready
    #[arg(long = "readiness-timeout", default_value = "300s", value_parser = parse_flag, value_name = "DURATION")]
    pub readiness_timeout: Duration,
    /// Control plane revision (sets the `revision` field)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
    /// Proceed past validation errors in the configuration, printing each as a warning
    #[arg(long = "force")]
    pub force: bool,
}

/// Which command runs: `install`, or `upgrade` (install after checking the version step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `istioctl install` (alias `apply`).
    Install,
    /// `istioctl upgrade`: refuses a downgrade or a skip of more minor versions than Istio
    /// supports, then installs.
    Upgrade,
}

/// Runs `istioctl install`.
pub fn run(args: &InstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    run_mode(args, global, Mode::Install)
}

/// Runs `istioctl upgrade`.
pub fn upgrade(args: &InstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    run_mode(args, global, Mode::Upgrade)
}

fn run_mode(args: &InstallArgs, global: &GlobalArgs, mode: Mode) -> miette::Result<ExitCode> {
    let extra = args.revision.iter().map(|r| format!("revision={r}"));
    let mut inputs = args.config.inputs(extra);
    inputs.force = args.force;
    let target = Release::current().ok_or_else(|| {
        miette!("this build's Istio version {ISTIO_VERSION:?} is not a release number")
    })?;
    let prepared = Plan::prepare(&inputs, args.dry_run, args.readiness_timeout)?;
    for w in &prepared.warnings {
        eprintln!("! {w}");
    }
    let plan = &prepared.plan;
    run_interruptible(async {
        let mut cluster = global.cluster().connect().await?;
        let upgrade_to = (mode == Mode::Upgrade).then_some(target);
        let preflight = plan.preflight(&cluster, upgrade_to).await?;
        if !preflight.changes.is_empty() {
            eprint!(
                "Settings that behave differently after this upgrade:\n{}",
                precheck::log_lines(&preflight.changes)
            );
        }
        let question = match preflight.from {
            None => format!(
                "This will install the Istio {ISTIO_VERSION} profile \"{}\" into the cluster. Proceed?",
                prepared.profile
            ),
            Some(from) => format!(
                "This will upgrade the Istio control plane of revision {:?} from {from} to {target} (profile \"{}\"). Proceed?",
                plan.rev_label, prepared.profile
            ),
        };
        if !plan.dry_run && !confirm(&question, args.yes)? {
            println!("Cancelled.");
            return Ok(ExitCode::SUCCESS);
        }
        let progress = Progress::new(&plan.components(), plan.dry_run);
        let result = install(&mut cluster, plan, &|e| progress.event(e)).await;
        progress.clear();
        match result {
            Ok(outcome) if plan.dry_run => print_dry_run(&outcome),
            Ok(outcome) => print_outcome(&outcome, mode),
            Err(InstallError::NotReady { timeout, waiting }) => {
                for (name, _) in &waiting {
                    println!("\u{2718} {name} not ready");
                }
                return Err(InstallError::NotReady { timeout, waiting }.into());
            }
            Err(e) => return Err(e.into()),
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn print_outcome(outcome: &Outcome, mode: Mode) {
    let (created, configured, unchanged) = (
        outcome.count(Change::Created),
        outcome.count(Change::Configured),
        outcome.count(Change::Unchanged),
    );
    if created + configured + outcome.pruned.len() == 0 {
        println!("\u{2714} No changes: the cluster already matches the configuration ({unchanged} objects unchanged)");
    }
    let done = match mode {
        Mode::Install => "Installation",
        Mode::Upgrade => "Upgrade",
    };
    println!(
        "\u{2714} {done} complete: {created} created, {configured} configured, {unchanged} unchanged, {} pruned",
        outcome.pruned.len()
    );
}

fn print_dry_run(outcome: &Outcome) {
    let mut sorted: Vec<_> = outcome
        .changes
        .iter()
        .filter(|(_, c)| *c != Change::Unchanged)
        .collect();
    sorted.sort();
    for (k, c) in &sorted {
        let word = match c {
            Change::Created => "would be created",
            _ => "would be configured",
        };
        println!("{k} {word}");
    }
    for k in &outcome.pruned {
        println!("{k} would be pruned");
    }
    println!(
        "Dry run: {} to create, {} to configure, {} unchanged, {} to prune; nothing was changed.",
        outcome.count(Change::Created),
        outcome.count(Change::Configured),
        outcome.count(Change::Unchanged),
        outcome.pruned.len()
    );
}
