//! `install` as one call: [`install`] applies a rendered configuration to a cluster tier by
//! tier, waits until its workloads are ready and prunes what the configuration no longer
//! renders, reporting its progress as [`Event`]s for the caller to draw.

use std::collections::BTreeMap;
use std::time::Duration;

use istio_kube::{Cluster, Kind, KubeError, Target};

use crate::apply::{self, Change};
use crate::kinds::{tier, ObjectKey, Tier};
use crate::record::Recorded;
use crate::render::{self, Component, RenderedObject};
use crate::upgrade::{self, Release};
use crate::{compat, operator, precheck, readiness};
use istio_analysis::run::Finding;

/// What one install applies, and how.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The rendered objects, in apply order.
    pub objects: Vec<RenderedObject>,
    /// The control-plane namespace, created when missing.
    pub namespace: String,
    /// The revision's `istio.io/rev` value (`default` for the default revision).
    pub rev_label: String,
    /// Report what would change; change nothing.
    pub dry_run: bool,
    /// How long the workloads may take to become ready.
    pub readiness_timeout: Duration,
}

/// What [`Plan::preflight`] found.
#[derive(Debug, Default)]
pub struct Preflight {
    /// For an upgrade, the release it starts from.
    pub from: Option<Release>,
    /// For an upgrade, the settings that will behave differently for the configuration on
    /// the cluster (IST0168, IST0169): warnings, for the command to show before it asks.
    pub changes: Vec<Finding>,
}

/// A plan with what the command says about it before applying.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// What will be applied.
    pub plan: Plan,
    /// The profile the configuration is based on.
    pub profile: String,
    /// Rendering warnings (settings passed on or dropped with `--force`, …).
    pub warnings: Vec<String>,
}

impl Plan {
    /// The plan of `inputs` (profile, `-f` files, `--set` flags): the rendered objects, the
    /// record of the install ([`crate::record`]) and our ownership labels on each.
    pub fn prepare(
        inputs: &operator::Inputs,
        dry_run: bool,
        readiness_timeout: Duration,
    ) -> miette::Result<Prepared> {
        let documents = operator::documents(inputs)?;
        let cfg = operator::load_documents(&documents, &inputs.sets, inputs.force)?;
        let rev_label = cfg.rev_label();
        let manifests = render::render(&cfg)?;
        let mut objects = manifests.objects;
        let first = objects.first().map_or(Component::Base, |o| o.component);
        let record = Recorded::new(documents, inputs.sets.clone(), inputs.force);
        objects.push(record.object(&cfg, &rev_label, first));
        let owner_ns = cfg
            .metadata
            .get("namespace")
            .and_then(serde_json::Value::as_str);
        apply::stamp_ownership(&mut objects, &cfg.owner_name(), owner_ns, &rev_label);
        Ok(Prepared {
            plan: Plan {
                objects,
                namespace: cfg.namespace(),
                rev_label,
                dry_run,
                readiness_timeout,
            },
            profile: cfg.profile.clone(),
            warnings: manifests.warnings,
        })
    }

    /// What the cluster must allow before anything is written: for an upgrade
    /// (`upgrade_to`), the installed release and the version step to this one
    /// ([`upgrade::check`]); then the prechecks ([`precheck::gate`]). For an upgrade, also
    /// the settings whose behaviour changes for the configuration on the cluster
    /// ([`compat`]), less those the new istiod pins.
    pub async fn preflight(
        &self,
        cluster: &Cluster,
        upgrade_to: Option<Release>,
    ) -> miette::Result<Preflight> {
        let mut preflight = Preflight::default();
        if let Some(target) = upgrade_to {
            let (from, source) =
                upgrade::installed_version(cluster, &self.namespace, &self.rev_label).await?;
            let from = upgrade::check(&self.rev_label, &from, source, target)?;
            if let Some(changed) = compat::changed_since(from, target) {
                let pinned = self.istiod_env();
                preflight.changes = compat::findings(cluster, &changed, from, &pinned).await?;
            }
            preflight.from = Some(from);
        }
        let action = if upgrade_to.is_some() {
            "upgrade"
        } else {
            "install"
        };
        precheck::gate(cluster, &self.namespace, action).await?;
        Ok(preflight)
    }

    /// The environment variables the rendered istiod's discovery container sets.
    fn istiod_env(&self) -> Vec<String> {
        self.objects
            .iter()
            .filter(|o| o.component == Component::Pilot && o.kind() == "Deployment")
            .filter_map(|o| apply::discovery_container(&o.object))
            .flat_map(apply::env_names)
            .collect()
    }

    /// The components the plan renders, in install order.
    pub fn components(&self) -> Vec<Component> {
        Component::ALL
            .into_iter()
            .filter(|c| self.objects.iter().any(|o| o.component == *c))
            .collect()
    }
}

/// Progress of an install, as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Every object of the component is applied and its workloads are ready.
    Ready(Component),
    /// The component's objects are applied; these workloads are not ready yet.
    Waiting(Component, Vec<String>),
    /// An object the configuration no longer renders was removed.
    Pruned(ObjectKey),
}

/// What an install did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Each applied object and what happened to it.
    pub changes: Vec<(ObjectKey, Change)>,
    /// Objects removed (or, in a dry run, to remove) as no longer rendered.
    pub pruned: Vec<ObjectKey>,
}

impl Outcome {
    /// How many objects had `change`.
    pub fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|(_, c)| *c == change).count()
    }
}

/// Why an install stopped.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InstallError {
    /// A call to the cluster failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Kube(#[from] KubeError),
    /// CRDs did not become Established in time.
    #[error("CustomResourceDefinitions not Established after 60s: {}", .0.join(", "))]
    CrdsNotEstablished(Vec<String>),
    /// Workloads did not become ready within the readiness timeout.
    #[error("the control plane did not become ready within {timeout:?}:\n{}", describe_waiting(.waiting))]
    #[diagnostic(help(
        "check the workloads' events (kubectl describe deployment|daemonset -n NAMESPACE NAME), or wait longer with --readiness-timeout"
    ))]
    NotReady {
        /// The timeout that passed.
        timeout: Duration,
        /// Each workload not ready, with its state.
        waiting: Vec<(String, String)>,
    },
}

fn describe_waiting(waiting: &[(String, String)]) -> String {
    waiting
        .iter()
        .map(|(name, state)| format!("  {name}: {state}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How long CRDs may take to become Established.
const CRD_TIMEOUT: Duration = Duration::from_secs(60);

/// Applies `plan` to `cluster`: the namespace, then each tier in parallel (CRDs waited for
/// until Established, the API rediscovered after them), then waits until the workloads are
/// ready and prunes. In a dry run nothing is written and nothing waited for.
pub async fn install(
    cluster: &mut Cluster,
    plan: &Plan,
    progress: &dyn Fn(Event),
) -> Result<Outcome, InstallError> {
    let before = apply::inventory(cluster).await?;
    let ns_kind = cluster.require_kind("v1", "Namespace")?;
    let ns_exists = cluster
        .get(&ns_kind, None, &plan.namespace)
        .await?
        .is_some();
    let mut outcome = Outcome::default();
    if !ns_exists {
        let ns = apply::namespace_object(&plan.namespace);
        if !plan.dry_run {
            cluster.apply(&ns_kind, &ns, false).await?;
        }
        outcome.changes.push((ObjectKey::of(&ns), Change::Created));
    }
    for t in Tier::ALL {
        let mut batch = Vec::new();
        for o in plan.objects.iter().filter(|o| tier(o) == t) {
            if plan.dry_run && !ns_exists && o.namespace() == plan.namespace {
                // Its namespace does not exist yet: a dry run cannot ask the server.
                outcome
                    .changes
                    .push((ObjectKey::of(&o.object), Change::Created));
            } else {
                batch.push(o);
            }
        }
        if batch.is_empty() {
            continue;
        }
        let changes = apply::apply_tier(cluster, &batch, &before, plan.dry_run).await?;
        outcome.changes.extend(changes);
        if t == Tier::Crds && !plan.dry_run {
            let names: Vec<String> = batch.iter().map(|o| o.name().to_owned()).collect();
            let pending = apply::wait_established(cluster, &names, CRD_TIMEOUT).await?;
            if !pending.is_empty() {
                return Err(InstallError::CrdsNotEstablished(pending));
            }
            cluster.discover().await?;
        }
        if t == Tier::Config && !plan.dry_run {
            progress(Event::Ready(Component::Base));
        }
    }
    let prune = apply::prune_candidates(&before, &plan.objects, &plan.rev_label);
    if plan.dry_run {
        outcome.pruned = prune;
        return Ok(outcome);
    }
    wait_ready(cluster, plan, progress).await?;
    let doomed: Vec<(ObjectKey, Kind)> = prune
        .iter()
        .filter_map(|k| before.get(k).map(|o| (k.clone(), o.kind.clone())))
        .collect();
    apply::delete_all(cluster, &doomed).await?;
    for (k, _) in doomed {
        progress(Event::Pruned(k.clone()));
        outcome.pruned.push(k);
    }
    Ok(outcome)
}

/// Watches the rendered Deployments and DaemonSets until all are ready, reporting each
/// component as ready once its workloads are (and a component's waiting list each time it
/// changes); on time-out, an error naming each one not ready.
async fn wait_ready(
    cluster: &Cluster,
    plan: &Plan,
    progress: &dyn Fn(Event),
) -> Result<(), InstallError> {
    let workloads: Vec<&RenderedObject> = plan
        .objects
        .iter()
        .filter(|o| matches!(o.kind(), "Deployment" | "DaemonSet"))
        .collect();
    let mut kinds: BTreeMap<&str, Kind> = BTreeMap::new();
    for o in &workloads {
        if !kinds.contains_key(o.kind()) {
            kinds.insert(o.kind(), cluster.require_kind("apps/v1", o.kind())?);
        }
    }
    let mut targets = Vec::new();
    let mut followed: Vec<&RenderedObject> = Vec::new();
    for o in &workloads {
        if let Some(kind) = kinds.get(o.kind()) {
            targets.push(Target {
                kind: kind.clone(),
                namespace: Some(o.namespace().to_owned()),
                name: o.name().to_owned(),
            });
            followed.push(o);
        }
    }
    let components: Vec<Component> = plan
        .components()
        .into_iter()
        .filter(|c| *c != Component::Base)
        .collect();
    let name = |o: &RenderedObject| format!("{} {}/{}", o.kind(), o.namespace(), o.name());
    // Until the first list arrives every workload is waiting, not yet seen.
    let mut waiting: Vec<(String, String)> = followed
        .iter()
        .map(|o| (name(o), "not seen yet".to_owned()))
        .collect();
    let mut ready: Vec<Component> = Vec::new();
    let mut reported: BTreeMap<Component, Vec<String>> = BTreeMap::new();
    let deadline = tokio::time::Instant::now() + plan.readiness_timeout;
    let all_ready = cluster
        .wait_until(&targets, deadline, |state| {
            waiting.clear();
            for &c in &components {
                let pending: Vec<(String, String)> = followed
                    .iter()
                    .zip(state)
                    .filter(|(o, _)| o.component == c)
                    .filter_map(|(o, object)| {
                        let state = match object {
                            Some(d) => readiness::workload_state(o.kind(), d),
                            None => Err("not found".to_owned()),
                        };
                        state.err().map(|s| (name(o), s))
                    })
                    .collect();
                if pending.is_empty() {
                    if !ready.contains(&c) {
                        ready.push(c);
                        progress(Event::Ready(c));
                    }
                } else {
                    let names: Vec<String> = pending.iter().map(|(n, _)| n.clone()).collect();
                    if reported.get(&c) != Some(&names) {
                        reported.insert(c, names.clone());
                        progress(Event::Waiting(c, names));
                    }
                    waiting.extend(pending);
                }
            }
            waiting.is_empty()
        })
        .await?;
    if all_ready {
        return Ok(());
    }
    Err(InstallError::NotReady {
        timeout: plan.readiness_timeout,
        waiting,
    })
}
