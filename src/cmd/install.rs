//! `istioctl install`: render the configuration and apply it to the cluster server-side, in
//! dependency order, wait until the control plane is ready, and prune what the configuration
//! no longer renders.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use miette::miette;

use crate::cli::GlobalArgs;
use crate::cmd::manifest::ConfigArgs;
use crate::install::{self, readiness, Change, Key, Tier};
use crate::kube::{self, parse_duration, Cluster};
use crate::operator;
use crate::render::{self, Component, RenderedObject};
use crate::version::ISTIO_VERSION;

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

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
    #[arg(long = "readiness-timeout", default_value = "300s", value_parser = parse_duration, value_name = "DURATION")]
    pub readiness_timeout: Duration,
    /// Control plane revision (sets the `revision` field)
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
    /// Proceed past validation errors in the configuration, printing each as a warning
    #[arg(long = "force")]
    pub force: bool,
}

/// Asks `question` on the terminal; `yes` answers it. Without a terminal on stdin it refuses,
/// since nobody can answer.
pub fn confirm(question: &str, yes: bool) -> miette::Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(miette!(
            help = "pass -y (--skip-confirmation) to proceed without a prompt",
            "refusing to proceed without confirmation: stdin is not a terminal"
        ));
    }
    eprint!("{question} (y/N) ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| miette!("cannot read the answer: {e}"))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Runs a cluster command until it ends or Ctrl-C stops it.
pub fn run_interruptible<F>(work: F) -> miette::Result<ExitCode>
where
    F: std::future::Future<Output = miette::Result<ExitCode>>,
{
    kube::runtime()?.block_on(async {
        tokio::select! {
            result = work => result,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("\n\u{2718} Interrupted: stopped before finishing. Every object applied so far is complete; run the same command again to converge.");
                Ok(ExitCode::from(EXIT_INTERRUPTED))
            }
        }
    })
}

/// Runs `istioctl install`.
pub fn run(args: &InstallArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let extra = args.revision.iter().map(|r| format!("revision={r}"));
    let mut inputs = args.config.inputs(extra);
    inputs.force = args.force;
    let cfg = operator::load(&inputs)?;
    let mut objects = render::render_manifests(&cfg)?;
    let namespace = cfg.namespace();
    let revision = cfg.revision();
    let rev_label = if revision.is_empty() {
        "default".to_owned()
    } else {
        revision
    };
    let owner_ns = cfg
        .metadata
        .get("namespace")
        .and_then(serde_json::Value::as_str);
    install::stamp_ownership(&mut objects, &cfg.owner_name(), owner_ns, &rev_label);
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
    let plan = Plan {
        objects,
        namespace,
        rev_label,
        dry_run: args.dry_run,
        readiness_timeout: args.readiness_timeout,
    };
    run_interruptible(async {
        let mut cluster = kube::connect(global).await?;
        plan.execute(&mut cluster).await
    })
}

/// An object's description and whether it is ready (else its state).
type ObjectState = (String, Result<(), String>);

/// What one install applies, and how.
struct Plan {
    objects: Vec<RenderedObject>,
    namespace: String,
    rev_label: String,
    dry_run: bool,
    readiness_timeout: Duration,
}

/// The name of a component on its progress line.
fn component_title(c: Component) -> &'static str {
    match c {
        Component::Base => "Istio core",
        Component::Pilot => "Istiod",
        Component::Cni => "CNI",
        Component::Ztunnel => "Ztunnel",
        Component::IngressGateways => "Ingress gateways",
        Component::EgressGateways => "Egress gateways",
    }
}

impl Plan {
    async fn execute(&self, cluster: &mut Cluster) -> miette::Result<ExitCode> {
        let before = install::inventory(cluster).await?;
        let ns_kind = cluster.require_kind("v1", "Namespace")?;
        let ns_exists = cluster
            .get(&ns_kind, None, &self.namespace)
            .await?
            .is_some();
        let mut changes: Vec<(Key, Change)> = Vec::new();
        if !ns_exists {
            let ns = install::namespace_object(&self.namespace);
            if !self.dry_run {
                cluster.apply(&ns_kind, &ns, false).await?;
            }
            changes.push((install::key_of(&ns), Change::Created));
        }
        let components: Vec<Component> = Component::ALL
            .into_iter()
            .filter(|c| self.objects.iter().any(|o| o.component == *c))
            .collect();
        let progress = Progress::new(&components, self.dry_run);
        for tier in [
            Tier::Crds,
            Tier::Config,
            Tier::Istiod,
            Tier::Webhooks,
            Tier::Gateways,
        ] {
            let mut batch = Vec::new();
            for o in self.objects.iter().filter(|o| install::tier(o) == tier) {
                if self.dry_run && !ns_exists && o.namespace() == self.namespace {
                    changes.push((install::key_of(&o.object), Change::Created));
                } else {
                    batch.push(o);
                }
            }
            if batch.is_empty() {
                continue;
            }
            changes.extend(install::apply_tier(cluster, &batch, &before, self.dry_run).await?);
            if tier == Tier::Crds && !self.dry_run {
                let names: Vec<String> = batch.iter().map(|o| o.name().to_owned()).collect();
                let pending =
                    install::wait_established(cluster, &names, Duration::from_secs(60)).await?;
                if !pending.is_empty() {
                    return Err(miette!(
                        "CustomResourceDefinitions not Established after 60s: {}",
                        pending.join(", ")
                    ));
                }
                cluster.discover().await?;
            }
            if tier == Tier::Config {
                progress.done(Component::Base);
            }
        }
        let prune = install::prune_candidates(&before, &self.objects, &self.rev_label);
        if self.dry_run {
            progress.clear();
            return Ok(self.report_dry_run(&changes, &prune));
        }
        self.wait_ready(cluster, &progress).await?;
        let doomed: Vec<(Key, kube::Kind)> = prune
            .iter()
            .filter_map(|k| before.get(k).map(|o| (k.clone(), o.kind.clone())))
            .collect();
        install::delete_all(cluster, &doomed).await?;
        for (k, _) in &doomed {
            println!(
                "  removed {} (no longer in the configuration)",
                install::describe_key(k)
            );
        }
        let count = |c: Change| changes.iter().filter(|(_, x)| *x == c).count();
        let (created, configured, unchanged) = (
            count(Change::Created),
            count(Change::Configured),
            count(Change::Unchanged),
        );
        if created + configured + doomed.len() == 0 {
            println!("\u{2714} No changes: the cluster already matches the configuration ({unchanged} objects unchanged)");
        }
        println!(
            "\u{2714} Installation complete: {created} created, {configured} configured, {unchanged} unchanged, {} pruned",
            doomed.len()
        );
        Ok(ExitCode::SUCCESS)
    }

    fn report_dry_run(&self, changes: &[(Key, Change)], prune: &[Key]) -> ExitCode {
        let mut sorted: Vec<&(Key, Change)> = changes
            .iter()
            .filter(|(_, c)| *c != Change::Unchanged)
            .collect();
        sorted.sort();
        for (k, c) in &sorted {
            let word = match c {
                Change::Created => "would be created",
                _ => "would be configured",
            };
            println!("{} {word}", install::describe_key(k));
        }
        for k in prune {
            println!("{} would be pruned", install::describe_key(k));
        }
        let count = |c: Change| changes.iter().filter(|(_, x)| *x == c).count();
        println!(
            "Dry run: {} to create, {} to configure, {} unchanged, {} to prune; nothing was changed.",
            count(Change::Created),
            count(Change::Configured),
            count(Change::Unchanged),
            prune.len()
        );
        ExitCode::SUCCESS
    }

    /// Polls the rendered Deployments and DaemonSets until all are ready, finishing each
    /// component's progress line when its workloads are; on time-out, an error naming each one
    /// not ready.
    async fn wait_ready(&self, cluster: &Cluster, progress: &Progress) -> miette::Result<()> {
        let deployments: Vec<&RenderedObject> = self
            .objects
            .iter()
            .filter(|o| matches!(o.kind(), "Deployment" | "DaemonSet"))
            .collect();
        let deployment_kind = cluster.require_kind("apps/v1", "Deployment")?;
        let daemon_set_kind = if deployments.iter().any(|o| o.kind() == "DaemonSet") {
            Some(cluster.require_kind("apps/v1", "DaemonSet")?)
        } else {
            None
        };
        let deadline = tokio::time::Instant::now() + self.readiness_timeout;
        loop {
            let mut states: BTreeMap<Component, Vec<ObjectState>> = BTreeMap::new();
            for o in &deployments {
                let ns = o.namespace();
                let kind = match (&daemon_set_kind, o.kind()) {
                    (Some(k), "DaemonSet") => k,
                    _ => &deployment_kind,
                };
                let state = match cluster.get(kind, Some(ns), o.name()).await? {
                    Some(d) => readiness::workload_state(o.kind(), &d),
                    None => Err("not found".to_owned()),
                };
                states
                    .entry(o.component)
                    .or_default()
                    .push((format!("{} {ns}/{}", o.kind(), o.name()), state));
            }
            let mut waiting = Vec::new();
            for c in Component::ALL.into_iter().filter(|c| *c != Component::Base) {
                let list = states.get(&c).map(Vec::as_slice).unwrap_or_default();
                let pending: Vec<&ObjectState> = list.iter().filter(|(_, s)| s.is_err()).collect();
                if pending.is_empty() {
                    progress.done(c);
                } else {
                    let names: Vec<&str> = pending.iter().map(|(n, _)| n.as_str()).collect();
                    progress.waiting(c, &names.join(", "));
                    waiting.extend(pending.into_iter().cloned());
                }
            }
            if waiting.is_empty() {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                progress.clear();
                let lines: Vec<String> = waiting
                    .iter()
                    .map(|(n, s)| {
                        format!(
                            "  {n}: {}",
                            s.as_ref().err().map(String::as_str).unwrap_or("ready")
                        )
                    })
                    .collect();
                for (n, _) in &waiting {
                    println!("\u{2718} {n} not ready");
                }
                return Err(miette!(
                    help = "check the workloads' events (kubectl describe deployment|daemonset -n NAMESPACE NAME), or wait longer with --readiness-timeout",
                    "the control plane did not become ready within {:?}:\n{}",
                    self.readiness_timeout,
                    lines.join("\n")
                ));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// One progress line per component, on stderr (hidden when it is not a terminal or in a dry
/// run); each finished component prints a `✔ … installed` line on stdout.
struct Progress {
    bars: BTreeMap<Component, ProgressBar>,
    finished: std::sync::Mutex<Vec<Component>>,
    dry_run: bool,
    _multi: MultiProgress,
}

impl Progress {
    fn new(components: &[Component], dry_run: bool) -> Self {
        let multi = MultiProgress::new();
        if dry_run {
            multi.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let style = ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bars = components
            .iter()
            .map(|c| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_message(format!("{}: applying", component_title(*c)));
                bar.enable_steady_tick(Duration::from_millis(120));
                (*c, bar)
            })
            .collect();
        Progress {
            bars,
            finished: std::sync::Mutex::new(Vec::new()),
            dry_run,
            _multi: multi,
        }
    }

    fn waiting(&self, c: Component, what: &str) {
        if let Some(bar) = self.bars.get(&c) {
            bar.set_message(format!("{}: waiting for {what}", component_title(c)));
        }
    }

    fn done(&self, c: Component) {
        let Some(bar) = self.bars.get(&c) else { return };
        let Ok(mut finished) = self.finished.lock() else {
            return;
        };
        if finished.contains(&c) {
            return;
        }
        finished.push(c);
        bar.finish_and_clear();
        if !self.dry_run {
            println!("\u{2714} {} installed", component_title(c));
        }
    }

    fn clear(&self) {
        for bar in self.bars.values() {
            bar.finish_and_clear();
        }
    }
}
