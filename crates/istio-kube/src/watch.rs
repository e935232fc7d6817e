//! Waiting for objects to reach a state by watching them, as `kubectl wait` does: one list and
//! one watch per kind and namespace, following the server's events instead of asking for each
//! object again and again.

use std::collections::HashMap;

use futures_util::stream::{self, StreamExt};
use kube::api::{Api, DynamicObject};
use kube::runtime::watcher::{self, watcher, Event};
use kube::runtime::WatchStreamExt;
use serde_json::Value;
use tokio::time::Instant;

use crate::{client_failure, Cluster, Failure, Kind, KubeError};

/// Consecutive failed list/watch attempts of one scope after which a wait gives up.
const MAX_WATCH_ERRORS: u32 = 5;

/// One object a wait follows.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its kind.
    pub kind: Kind,
    /// Its namespace (ignored for cluster-scoped kinds).
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

/// The objects of one kind in one namespace (or cluster-wide) that a wait follows.
struct Scope {
    kind: Kind,
    namespace: Option<String>,
    /// The name → slot (index in the state) of each object followed in this scope.
    targets: HashMap<String, usize>,
}

impl Scope {
    fn call(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("watch {} in namespace {ns}", self.kind.display()),
            None => format!("watch {}", self.kind.display()),
        }
    }
}

impl Cluster {
    /// Follows `targets` until `done` returns true for their current state (one entry per
    /// target, `None` while it does not exist) or `deadline` passes. `done` is first asked once
    /// every target's kind has been listed, then after each change. Returns whether `done` was
    /// reached; an error when the server refuses the watch (401, 403, 404) or fails it
    /// [`MAX_WATCH_ERRORS`] times in a row.
    pub async fn wait_until<F>(
        &self,
        targets: &[Target],
        deadline: Instant,
        mut done: F,
    ) -> Result<bool, KubeError>
    where
        F: FnMut(&[Option<Value>]) -> bool,
    {
        let mut scopes: Vec<Scope> = Vec::new();
        let mut scope_of: HashMap<(String, Option<String>), usize> = HashMap::new();
        // One slot per distinct object; a target named twice shares its slot.
        let mut slot_of: Vec<usize> = Vec::with_capacity(targets.len());
        let mut slots = 0;
        for t in targets {
            let namespace = t.namespace.clone().filter(|_| t.kind.namespaced);
            let key = (
                t.kind.resource.api_version.clone() + "/" + &t.kind.resource.plural,
                namespace.clone(),
            );
            let s = *scope_of.entry(key).or_insert_with(|| {
                scopes.push(Scope {
                    kind: t.kind.clone(),
                    namespace,
                    targets: HashMap::new(),
                });
                scopes.len() - 1
            });
            let slot = *scopes[s].targets.entry(t.name.clone()).or_insert_with(|| {
                slots += 1;
                slots - 1
            });
            slot_of.push(slot);
        }
        let mut state: Vec<Option<Value>> = vec![None; slots];
        // What `done` sees: one entry per target, in order (slots are in order when no object
        // is named twice).
        let mut ask = |state: &[Option<Value>]| {
            if slots == targets.len() {
                done(state)
            } else {
                let view: Vec<Option<Value>> =
                    slot_of.iter().map(|&slot| state[slot].clone()).collect();
                done(&view)
            }
        };
        if scopes.is_empty() {
            return Ok(ask(&state));
        }
        let streams = scopes.iter().enumerate().map(|(i, scope)| {
            let api: Api<DynamicObject> = match &scope.namespace {
                Some(ns) => Api::namespaced_with(self.client.clone(), ns, &scope.kind.resource),
                None => Api::all_with(self.client.clone(), &scope.kind.resource),
            };
            let mut config = watcher::Config::default();
            if scope.targets.len() == 1 {
                if let Some(name) = scope.targets.keys().next() {
                    config = config.fields(&format!("metadata.name={name}"));
                }
            }
            watcher(api, config)
                .default_backoff()
                .map(move |event| (i, event))
                .boxed()
        });
        let mut events = stream::select_all(streams);
        let mut synced = vec![false; scopes.len()];
        let mut errors = vec![0u32; scopes.len()];
        // Objects listed since a scope's (re)start, applied when its list is complete.
        let mut listing: Vec<HashMap<usize, Value>> = vec![HashMap::new(); scopes.len()];
        loop {
            let next = tokio::time::timeout_at(deadline, events.next()).await;
            let Ok(Some((s, event))) = next else {
                // The deadline passed (or every stream ended, which a watcher never does).
                return Ok(false);
            };
            let scope = &scopes[s];
            let index = |object: &DynamicObject| {
                object
                    .metadata
                    .name
                    .as_deref()
                    .and_then(|n| scope.targets.get(n).copied())
            };
            let changed = match event {
                Err(e) => {
                    errors[s] += 1;
                    let failure = watch_failure(&e);
                    let refused = matches!(
                        failure,
                        Failure::Api {
                            code: 401 | 403 | 404,
                            ..
                        }
                    );
                    if refused || errors[s] >= MAX_WATCH_ERRORS {
                        return Err(self.error(&scope.call(), failure));
                    }
                    false
                }
                Ok(event) => {
                    errors[s] = 0;
                    match event {
                        Event::Init => {
                            listing[s].clear();
                            false
                        }
                        Event::InitApply(object) => {
                            if let Some(i) = index(&object) {
                                listing[s].insert(i, to_value(&object));
                            }
                            false
                        }
                        Event::InitDone => {
                            let mut listed = std::mem::take(&mut listing[s]);
                            for &i in scope.targets.values() {
                                state[i] = listed.remove(&i);
                            }
                            synced[s] = true;
                            true
                        }
                        Event::Apply(object) => match index(&object) {
                            Some(i) => {
                                state[i] = Some(to_value(&object));
                                true
                            }
                            None => false,
                        },
                        Event::Delete(object) => match index(&object) {
                            Some(i) => {
                                state[i] = None;
                                true
                            }
                            None => false,
                        },
                    }
                }
            };
            if changed && synced.iter().all(|s| *s) && ask(&state) {
                return Ok(true);
            }
        }
    }
}

fn to_value(object: &DynamicObject) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}

fn watch_failure(e: &watcher::Error) -> Failure {
    match e {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => client_failure(e),
        watcher::Error::WatchError(status) => Failure::Api {
            code: status.code,
            reason: status.reason.clone(),
            message: status.message.clone(),
        },
        watcher::Error::NoResourceVersion => {
            Failure::Decode("the list carries no resourceVersion to watch from".to_owned())
        }
    }
}
