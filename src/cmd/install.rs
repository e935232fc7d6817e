//! `istioctl install`: render the configuration, then apply it to the cluster server-side in
//! dependency order, wait until the control plane is ready and prune what the configuration
//! no longer renders ([`istio_install::install::install`]). The inputs are recorded in the
//! cluster ([`istio_install::record`]) for `verify-install` and `uninstall` to work from.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::progress::Progress;
use super::term::{confirm, run_interruptible};
use crate::cli::GlobalArgs;
use crate::cmd::manifest::ConfigArgs;
use istio_api::release::ISTIO_VERSION;
use istio_core::duration::parse_flag;
use istio_install::apply::{stamp_ownership, Change};
use istio_install::install::{install, InstallError, Outcome, Plan};
use istio_install::record::Recorded;
use istio_install::render::Component;
use istio_install::{operator, render};

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

/// Runs `istioctl install`.
pub fn run(args: &InstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let extra = args.revision.iter().map(|r| format!("revision={r}"));
    let mut inputs = args.config.inputs(extra);
    inputs.force = args.force;
    let documents = operator::documents(&inputs)?;
    let cfg = operator::load_documents(&documents, &inputs.sets, inputs.force)?;
    let revision = cfg.revision();
    let rev_label = if revision.is_empty() {
        "default".to_owned()
    } else {
        revision
    };
    let manifests = render::render(&cfg)?;
    for w in &manifests.warnings {
        eprintln!("! {w}");
    }
    let mut objects = manifests.objects;
    let first = objects.first().map_or(Component::Base, |o| o.component);
    let record = Recorded::new(documents, inputs.sets.clone(), inputs.force);
    objects.push(record.object(&cfg, &rev_label, first));
    let owner_ns = cfg
        .metadata
        .get("namespace")
        .and_then(serde_json::Value::as_str);
    stamp_ownership(&mut objects, &cfg.owner_name(), owner_ns, &rev_label);
    let plan = Plan {
        objects,
        namespace: cfg.namespace(),
        rev_label,
        dry_run: args.dry_run,
        readiness_timeout: args.readiness_timeout,
    };
    if !args.dry_run {
        let question = format!(
            "This will install the Istio {ISTIO_VERSION} profile \"{}\" into the cluster. Proceed?",
            cfg.profile
        );
        if !confirm(&question, args.yes)? {
            println!("Cancelled.");
            return Ok(ExitCode::SUCCESS);
        }
    }
    run_interruptible(async {
        let mut cluster = global.cluster().connect().await?;
        let progress = Progress::new(&plan.components(), plan.dry_run);
        let result = install(&mut cluster, &plan, &|e| progress.event(e)).await;
        progress.clear();
        match result {
            Ok(outcome) if plan.dry_run => print_dry_run(&outcome),
            Ok(outcome) => print_outcome(&outcome),
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

fn print_outcome(outcome: &Outcome) {
    let (created, configured, unchanged) = (
        outcome.count(Change::Created),
        outcome.count(Change::Configured),
        outcome.count(Change::Unchanged),
    );
    if created + configured + outcome.pruned.len() == 0 {
        println!("\u{2714} No changes: the cluster already matches the configuration ({unchanged} objects unchanged)");
    }
    println!(
        "\u{2714} Installation complete: {created} created, {configured} configured, {unchanged} unchanged, {} pruned",
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
