//! Writing objects with the API server's semantics: server-set metadata (uid, resourceVersion,
//! generation, creationTimestamp, managedFields), namespace checks, optimistic concurrency,
//! status-subresource rules, no-op detection, and deletion with cascade.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::apply::{self, Scope};
use crate::crd;
use crate::defaults::{self, IpAllocator};
use crate::resources::ResourceInfo;
use crate::state::{Notice, State};
use crate::status::{qualified, ApiError, ApiResult};
use crate::store::{Key, Store};
use crate::util::{meta_mut, meta_str, new_uid, now_rfc3339};
use crate::validation;

/// Who writes and how.
pub(crate) struct WriteOptions<'a> {
    /// The field manager.
    pub manager: &'a str,
    /// `dryRun=All`: compute the result but store nothing.
    pub dry_run: bool,
    /// Which part of the object is written.
    pub scope: Scope,
    /// `managedFields` were already computed by server-side apply.
    pub applied: bool,
}

/// The write scope of the main resource of `info`.
pub(crate) fn main_scope(info: &ResourceInfo) -> Scope {
    if info.status {
        Scope::Main
    } else {
        Scope::Whole
    }
}

fn is_namespace(info: &ResourceInfo) -> bool {
    info.group.is_empty() && info.plural == "namespaces"
}

fn is_crd(info: &ResourceInfo) -> bool {
    info.group == "apiextensions.k8s.io" && info.plural == "customresourcedefinitions"
}

/// Whether the kind is built in (not served for a CRD).
fn is_builtin(info: &ResourceInfo) -> bool {
    crate::schema::kind(&info.group_version(), &info.kind).is_some()
}

/// Cluster IPs (10.96.0.0/12) and node ports (30000-32767) not used by any stored Service,
/// handed out in order.
struct Addresses<'a>(&'a Store);

impl Addresses<'_> {
    fn used(&self, pointer: &str) -> Vec<Value> {
        let mut used = Vec::new();
        for (_, svc) in self.0.list_prefix("", "services", None) {
            match svc.pointer(pointer) {
                Some(Value::Array(items)) => {
                    used.extend(items.iter().filter_map(|p| p.get("nodePort")).cloned())
                }
                Some(v) => used.push(v.clone()),
                None => {}
            }
        }
        used
    }
}

impl IpAllocator for Addresses<'_> {
    fn allocate_cluster_ip(&mut self) -> String {
        let used = self.used("/spec/clusterIP");
        // 10.96.0.1 belongs to the `kubernetes` Service; 10.96.0.10 is kube-dns by convention.
        (2u32..(1 << 20) - 1)
            .filter(|n| *n != 10)
            .map(|n| format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff))
            .find(|ip| !used.contains(&Value::String(ip.clone())))
            .unwrap_or_else(|| "10.111.255.254".into())
    }

    fn allocate_node_port(&mut self) -> i64 {
        let used = self.used("/spec/ports");
        (30000..=32767)
            .find(|p| !used.contains(&Value::from(*p)))
            .unwrap_or(32767)
    }
}

/// Kinds whose status the simulated controllers write.
fn is_workload(info: &ResourceInfo) -> bool {
    info.group == "apps"
        && matches!(
            info.plural.as_str(),
            "deployments" | "daemonsets" | "statefulsets"
        )
}

/// Everything but metadata and status, to decide whether `generation` moves.
fn spec_part(obj: &Value) -> Value {
    let mut copy = obj.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
        map.remove("apiVersion");
    }
    copy
}

/// The object without what changes on every write, to detect no-op writes.
fn comparable(obj: &Value) -> Value {
    let mut copy = obj.clone();
    let meta = meta_mut(&mut copy);
    meta.remove("resourceVersion");
    if let Some(Value::Array(entries)) = meta.get_mut("managedFields") {
        for e in entries.iter_mut().filter_map(Value::as_object_mut) {
            e.remove("time");
        }
    }
    if let Some(map) = copy.as_object_mut() {
        map.remove("apiVersion");
    }
    copy
}

fn check_namespace(store: &Store, info: &ResourceInfo, key: &Key) -> ApiResult<()> {
    if !info.namespaced {
        return Ok(());
    }
    let ns_key = Key {
        group: String::new(),
        resource: "namespaces".into(),
        namespace: String::new(),
        name: key.namespace.clone(),
    };
    let Some(ns) = store.get(&ns_key) else {
        return Err(ApiError::not_found("", "namespaces", &key.namespace));
    };
    if ns.pointer("/metadata/deletionTimestamp").is_some() {
        return Err(ApiError::forbidden(format!(
            "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
            qualified(&info.group, &info.plural),
            key.name,
            key.namespace
        )));
    }
    Ok(())
}

fn init_created(info: &ResourceInfo, obj: &mut Value, opts: &WriteOptions<'_>, now: &str) {
    let meta = meta_mut(obj);
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    meta.insert("uid".into(), json!(new_uid()));
    meta.insert("creationTimestamp".into(), json!(now));
    meta.insert("generation".into(), json!(1));
    if is_namespace(info) {
        let name = meta_str(obj, "name").unwrap_or_default().to_string();
        let labels = meta_mut(obj).entry("labels").or_insert_with(|| json!({}));
        if let Some(labels) = labels.as_object_mut() {
            labels.insert("kubernetes.io/metadata.name".into(), json!(name));
        }
        obj["spec"] = json!({ "finalizers": ["kubernetes"] });
        obj["status"] = json!({ "phase": "Active" });
    } else if info.status && opts.scope == Scope::Main {
        if let Some(map) = obj.as_object_mut() {
            map.remove("status");
        }
    }
}

/// Creates (`old` is `None`) or updates the object at `key` to `new`. Returns the stored object
/// (or the would-be object for a dry run).
pub(crate) fn write(
    state: &Arc<State>,
    store: &mut Store,
    info: &ResourceInfo,
    key: Key,
    old: Option<&Value>,
    mut new: Value,
    opts: &WriteOptions<'_>,
) -> ApiResult<Value> {
    if !new.is_object() {
        return Err(ApiError::bad_request("the object must be a JSON/YAML map"));
    }
    let now = now_rfc3339();
    new["apiVersion"] = json!(info.group_version());
    new["kind"] = json!(info.kind);
    {
        let meta = meta_mut(&mut new);
        meta.insert("name".into(), json!(key.name));
        if info.namespaced {
            meta.insert("namespace".into(), json!(key.namespace));
        } else {
            meta.remove("namespace");
        }
    }

    let admitted = opts.scope != Scope::Status && is_builtin(info);
    if admitted {
        defaults::apply(info, &mut new, old, &mut Addresses(store));
    }
    match old {
        None => {
            check_namespace(store, info, &key)?;
            init_created(info, &mut new, opts, &now);
        }
        Some(old) => {
            if let Some(rv) = meta_str(&new, "resourceVersion").filter(|rv| !rv.is_empty()) {
                if Some(rv) != meta_str(old, "resourceVersion") {
                    return Err(ApiError::stale(&info.group, &info.plural, &key.name));
                }
            }
            for field in [
                "uid",
                "creationTimestamp",
                "generation",
                "deletionTimestamp",
            ] {
                let meta = meta_mut(&mut new);
                match old.pointer(&format!("/metadata/{field}")) {
                    Some(v) => meta.insert(field.into(), v.clone()),
                    None => meta.remove(field),
                };
            }
            match opts.scope {
                Scope::Main => match old.get("status") {
                    Some(status) => new["status"] = status.clone(),
                    None => {
                        if let Some(map) = new.as_object_mut() {
                            map.remove("status");
                        }
                    }
                },
                Scope::Status => {
                    let mut merged = old.clone();
                    match new.get("status") {
                        Some(status) => merged["status"] = status.clone(),
                        None => {
                            if let Some(map) = merged.as_object_mut() {
                                map.remove("status");
                            }
                        }
                    }
                    if opts.applied {
                        if let Some(mf) = new.pointer("/metadata/managedFields") {
                            meta_mut(&mut merged).insert("managedFields".into(), mf.clone());
                        }
                    }
                    new = merged;
                }
                Scope::Whole => {}
            }
            if spec_part(&new) != spec_part(old) {
                let generation = old
                    .pointer("/metadata/generation")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                meta_mut(&mut new).insert("generation".into(), json!(generation + 1));
            }
        }
    }

    if admitted {
        if new.get("status").is_none_or(Value::is_null) {
            defaults::status(info, &mut new);
        }
        let errors = validation::validate(info, &new, old);
        if !errors.is_empty() {
            return Err(ApiError::invalid_fields(
                &info.group,
                &info.kind,
                &key.name,
                &errors,
            ));
        }
    }
    if is_crd(info) {
        crd::crd_status(&mut new);
    }
    if !opts.applied {
        let api_version = info.group_version();
        let request = apply::UpdateRequest {
            manager: opts.manager,
            api_version: &api_version,
            scope: opts.scope,
            now: &now,
        };
        apply::record_update(old, &mut new, &request);
    }
    if let Some(old) = old {
        if comparable(&new) == comparable(old) {
            return Ok(old.clone());
        }
    }
    if opts.dry_run {
        return Ok(new);
    }
    let generation_changed =
        old.and_then(|o| o.pointer("/metadata/generation")) != new.pointer("/metadata/generation");
    let stored = store.put(key.clone(), new);
    if is_workload(info) && generation_changed {
        state.notify(Notice::Workload(key));
    }
    Ok(Value::clone(&stored))
}

/// Deletes the object at `key`: namespaces and CRDs become Terminating and the controller
/// removes their contents (objects in the namespace, custom resources of the CRD) and then them;
/// other objects go at once, with their dependents (ownerReferences). Returns the object as
/// last seen.
pub(crate) fn delete(
    state: &Arc<State>,
    store: &mut Store,
    info: &ResourceInfo,
    key: &Key,
    dry_run: bool,
) -> ApiResult<Value> {
    let Some(current) = store.get(key).cloned() else {
        return Err(ApiError::not_found(&info.group, &info.plural, &key.name));
    };
    if dry_run {
        return Ok(current);
    }
    if is_namespace(info) {
        if current.pointer("/metadata/deletionTimestamp").is_some() {
            return Ok(current);
        }
        let mut terminating = current;
        meta_mut(&mut terminating).insert("deletionTimestamp".into(), json!(now_rfc3339()));
        terminating["status"] = json!({ "phase": "Terminating" });
        let stored = store.put(key.clone(), terminating);
        state.notify(Notice::NamespaceDeleted(key.name.clone()));
        return Ok(Value::clone(&stored));
    }
    if is_crd(info) {
        if current.pointer("/metadata/deletionTimestamp").is_some() {
            return Ok(current);
        }
        let mut terminating = current;
        meta_mut(&mut terminating).insert("deletionTimestamp".into(), json!(now_rfc3339()));
        if let Some(conds) = terminating
            .pointer_mut("/status/conditions")
            .and_then(Value::as_array_mut)
        {
            conds.push(json!({
                "type": "Terminating",
                "status": "True",
                "lastTransitionTime": now_rfc3339(),
                "reason": "InstanceDeletionInProgress",
                "message": "CustomResource deletion is in progress",
            }));
        }
        let stored = store.put(key.clone(), terminating);
        state.notify(Notice::CrdDeleted(key.clone()));
        return Ok(Value::clone(&stored));
    }
    Ok(remove_cascade(store, key).unwrap_or(current))
}

/// Removes the object at `key` and, transitively, the objects that name it in their
/// `ownerReferences` (background propagation). Returns the object removed at `key`.
pub(crate) fn remove_cascade(store: &mut Store, key: &Key) -> Option<Value> {
    let mut pending = vec![key.clone()];
    let mut first = None;
    while let Some(next) = pending.pop() {
        if let Some(removed) = store.remove(&next) {
            if let Some(uid) = meta_str(&removed, "uid") {
                pending.extend(store.dependents(uid));
            }
            if next == *key {
                first = Some(removed);
            }
        }
    }
    first
}
