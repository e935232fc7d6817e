//! The in-memory object store: objects by (group, resource, namespace, name) in a `BTreeMap`
//! for stable ordering, one global `resourceVersion` counter, and the event history that
//! watches replay and follow.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::broadcast;

use crate::resources::{self, ResourceInfo};
use crate::util::meta_mut;

/// How many past events are kept for watches that start from a `resourceVersion`.
const HISTORY: usize = 50_000;

/// Where an object lives; `namespace` is empty for cluster-scoped objects.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    pub group: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
}

impl Key {
    /// The key of an object of a resource.
    pub fn new(info: &ResourceInfo, namespace: &str, name: &str) -> Self {
        Self {
            group: info.group.clone(),
            resource: info.plural.clone(),
            namespace: if info.namespaced {
                namespace.to_string()
            } else {
                String::new()
            },
            name: name.to_string(),
        }
    }
}

/// The uids an object's `ownerReferences` name.
fn owner_uids(obj: Option<&Value>) -> Vec<String> {
    obj.and_then(|o| o.pointer("/metadata/ownerReferences"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r["uid"].as_str().map(str::to_string))
        .collect()
}

/// A watch event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    /// The wire name (`ADDED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One change of one object.
#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub rv: u64,
    pub kind: EventType,
    pub key: Arc<Key>,
    /// The object after the change (for `Deleted`, its last state with the deletion's rv).
    pub object: Arc<Value>,
    /// The object before the change, for `Modified`.
    pub previous: Option<Arc<Value>>,
}

/// The store. Guarded by one mutex in the server state; every method is synchronous.
pub(crate) struct Store {
    objects: BTreeMap<Key, Arc<Value>>,
    /// Owner uid → keys of the objects whose `ownerReferences` name it.
    owned: HashMap<String, BTreeSet<Key>>,
    rv: u64,
    history: VecDeque<Event>,
    events: broadcast::Sender<Event>,
    builtins: Vec<ResourceInfo>,
    /// Resources of removed CRDs whose group-version documents still answer until then.
    retired: Vec<(ResourceInfo, std::time::Instant)>,
}

/// How long a removed CRD's group-version document outlives the group's entry in `/apis`.
const RETIREMENT: std::time::Duration = std::time::Duration::from_millis(500);

impl Store {
    /// An empty store holding the `default`, `kube-system` and `kube-public` namespaces.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(16_384);
        let mut store = Self {
            objects: BTreeMap::new(),
            owned: HashMap::new(),
            rv: 0,
            history: VecDeque::new(),
            events,
            builtins: resources::builtins(),
            retired: Vec::new(),
        };
        let ns_info = store
            .resolve("", "v1", "namespaces")
            .expect("namespaces are built in");
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let obj = json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": name,
                    "uid": crate::util::new_uid(),
                    "creationTimestamp": crate::util::now_rfc3339(),
                    "labels": { "kubernetes.io/metadata.name": name },
                },
                "spec": { "finalizers": ["kubernetes"] },
                "status": { "phase": "Active" },
            });
            store.put(Key::new(&ns_info, "", name), obj);
        }
        store.seed_kubernetes_service();
        store
    }

    /// The `default/kubernetes` Service, its Endpoints and EndpointSlice, as the API server
    /// creates them for itself (10.96.0.1:443 to the server's port 6443).
    fn seed_kubernetes_service(&mut self) {
        let meta = |name: &str, labels: Value| {
            json!({
                "name": name,
                "namespace": "default",
                "uid": crate::util::new_uid(),
                "creationTimestamp": crate::util::now_rfc3339(),
                "labels": labels,
            })
        };
        let objects = [
            (
                "",
                "v1",
                "services",
                json!({
                    "apiVersion": "v1", "kind": "Service",
                    "metadata": meta("kubernetes", json!({ "component": "apiserver", "provider": "kubernetes" })),
                    "spec": {
                        "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                        "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                        "ports": [{ "name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443 }],
                        "sessionAffinity": "None", "type": "ClusterIP",
                    },
                    "status": { "loadBalancer": {} },
                }),
            ),
            (
                "",
                "v1",
                "endpoints",
                json!({
                    "apiVersion": "v1", "kind": "Endpoints",
                    "metadata": meta("kubernetes", json!({ "endpointslice.kubernetes.io/skip-mirror": "true" })),
                    "subsets": [{ "addresses": [{ "ip": "127.0.0.1" }], "ports": [{ "name": "https", "port": 6443, "protocol": "TCP" }] }],
                }),
            ),
            (
                "discovery.k8s.io",
                "v1",
                "endpointslices",
                json!({
                    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": meta("kubernetes", json!({ "kubernetes.io/service-name": "kubernetes" })),
                    "addressType": "IPv4",
                    "endpoints": [{ "addresses": ["127.0.0.1"], "conditions": { "ready": true } }],
                    "ports": [{ "name": "https", "port": 6443, "protocol": "TCP" }],
                }),
            ),
        ];
        for (group, version, plural, obj) in objects {
            if let Some(info) = self.resolve(group, version, plural) {
                self.put(Key::new(&info, "default", "kubernetes"), obj);
            }
        }
    }

    /// The current (latest) resourceVersion.
    pub fn rv(&self) -> u64 {
        self.rv
    }

    /// Every served resource: built-ins, then those of Established CRDs.
    pub fn all_resources(&self) -> Vec<ResourceInfo> {
        let mut all = self.builtins.clone();
        let crds = self.list_prefix("apiextensions.k8s.io", "customresourcedefinitions", None);
        for (_, crd) in crds {
            all.extend(resources::from_crd(crd));
        }
        all
    }

    /// Every served resource plus those of CRDs removed a moment ago: what the group-version
    /// documents of discovery answer. The API server's discovery handlers change
    /// asynchronously; here a group leaves `/apis` first and its versions' documents follow
    /// shortly, so that a client's discovery pass never meets a group it cannot read.
    pub fn discoverable_resources(&mut self) -> Vec<ResourceInfo> {
        let now = std::time::Instant::now();
        self.retired.retain(|(_, until)| *until > now);
        let mut all = self.all_resources();
        for (info, _) in &self.retired {
            if !all.contains(info) {
                all.push(info.clone());
            }
        }
        all
    }

    /// Removes a CRD; its group-version documents answer a moment longer (see
    /// [`Store::discoverable_resources`]).
    pub fn remove_crd(&mut self, key: &Key) -> Option<Value> {
        let removed = self.remove(key)?;
        let until = std::time::Instant::now() + RETIREMENT;
        self.retired.extend(
            resources::from_crd(&removed)
                .into_iter()
                .map(|r| (r, until)),
        );
        Some(removed)
    }

    /// The resource served at `group/version/plural`.
    pub fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<ResourceInfo> {
        if let Some(info) = self
            .builtins
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
        {
            return Some(info.clone());
        }
        self.list_prefix("apiextensions.k8s.io", "customresourcedefinitions", None)
            .flat_map(|(_, crd)| resources::from_crd(crd))
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// The object at `key`.
    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key).map(Arc::as_ref)
    }

    /// Objects of one resource, in one namespace or all, in key order.
    pub fn list_prefix<'a>(
        &'a self,
        group: &'a str,
        resource: &'a str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Key, &'a Arc<Value>)> + 'a {
        self.list_after(group, resource, namespace, None)
    }

    /// Like [`Store::list_prefix`], starting after the object at (namespace, name).
    pub fn list_after<'a>(
        &'a self,
        group: &'a str,
        resource: &'a str,
        namespace: Option<&'a str>,
        after: Option<(&str, &str)>,
    ) -> impl Iterator<Item = (&'a Key, &'a Arc<Value>)> + 'a {
        let key = |ns: &str, name: &str| Key {
            group: group.to_string(),
            resource: resource.to_string(),
            namespace: ns.to_string(),
            name: name.to_string(),
        };
        let start = match after {
            Some((ns, name)) => Bound::Excluded(key(ns, name)),
            None => Bound::Included(key(namespace.unwrap_or(""), "")),
        };
        self.objects
            .range((start, Bound::Unbounded))
            .take_while(move |(k, _)| {
                k.group == group
                    && k.resource == resource
                    && namespace.is_none_or(|ns| k.namespace == ns)
            })
    }

    /// Keys of every object in a namespace (of namespaced resources).
    pub fn keys_in_namespace(&self, namespace: &str) -> Vec<Key> {
        self.objects
            .keys()
            .filter(|k| k.namespace == namespace)
            .cloned()
            .collect()
    }

    /// Keys of the objects that name `uid` in their `ownerReferences`.
    pub fn dependents(&self, uid: &str) -> Vec<Key> {
        self.owned
            .get(uid)
            .map(|keys| keys.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Updates the owner index for the object at `key` changing from `old` to `new`.
    fn index_owners(&mut self, key: &Key, old: Option<&Value>, new: Option<&Value>) {
        for uid in owner_uids(old) {
            if let Some(keys) = self.owned.get_mut(&uid) {
                keys.remove(key);
                if keys.is_empty() {
                    self.owned.remove(&uid);
                }
            }
        }
        for uid in owner_uids(new) {
            self.owned.entry(uid).or_default().insert(key.clone());
        }
    }

    /// Stores `obj` at `key` with the next resourceVersion and records the event. Returns the
    /// stored object.
    pub fn put(&mut self, key: Key, mut obj: Value) -> Arc<Value> {
        self.rv += 1;
        meta_mut(&mut obj).insert("resourceVersion".into(), json!(self.rv.to_string()));
        let obj = Arc::new(obj);
        let previous = self.objects.insert(key.clone(), Arc::clone(&obj));
        self.index_owners(&key, previous.as_deref(), Some(&obj));
        let kind = if previous.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(kind, key, Arc::clone(&obj), previous);
        obj
    }

    /// Removes the object at `key`, recording a `DELETED` event.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let mut obj = Arc::unwrap_or_clone(self.objects.remove(key)?);
        self.index_owners(key, Some(&obj), None);
        self.rv += 1;
        meta_mut(&mut obj).insert("resourceVersion".into(), json!(self.rv.to_string()));
        self.record(EventType::Deleted, key.clone(), Arc::new(obj.clone()), None);
        Some(obj)
    }

    fn record(
        &mut self,
        kind: EventType,
        key: Key,
        object: Arc<Value>,
        previous: Option<Arc<Value>>,
    ) {
        let event = Event {
            rv: self.rv,
            kind,
            key: Arc::new(key),
            object,
            previous,
        };
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(event.clone());
        // No receiver is not an error: nobody watches.
        let _ = self.events.send(event);
    }

    /// Events after `rv` still in the history, and a receiver for those to come; `None` when
    /// `rv` is older than the history (the client must re-list: 410 Gone).
    pub fn subscribe_from(&self, rv: u64) -> Option<(Vec<Event>, broadcast::Receiver<Event>)> {
        let oldest = self.history.front().map_or(self.rv + 1, |e| e.rv);
        if rv + 1 < oldest && rv < self.rv {
            return None;
        }
        let past = self.history.iter().filter(|e| e.rv > rv).cloned().collect();
        Some((past, self.events.subscribe()))
    }

    /// A receiver for events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_crd_leaves_apis_before_its_version_documents() {
        let mut store = Store::new();
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": { "name": "widgets.example.com" },
            "spec": { "group": "example.com", "scope": "Namespaced",
                "names": { "plural": "widgets", "kind": "Widget" },
                "versions": [{ "name": "v1", "served": true, "storage": true }] },
            "status": { "conditions": [{ "type": "Established", "status": "True" }] },
        });
        let info = store
            .resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions")
            .unwrap();
        let key = Key::new(&info, "", "widgets.example.com");
        store.put(key.clone(), crd);
        let widgets = |all: &[ResourceInfo]| all.iter().any(|r| r.plural == "widgets");
        assert!(widgets(&store.all_resources()));
        store.remove_crd(&key);
        assert!(!widgets(&store.all_resources()), "gone from /apis and REST");
        assert!(
            widgets(&store.discoverable_resources()),
            "its version document answers a moment longer"
        );
    }

    fn key(name: &str) -> Key {
        Key {
            group: String::new(),
            resource: "configmaps".into(),
            namespace: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn history_replays_and_expires() {
        let mut store = Store::new();
        let start = store.rv();
        store.put(key("a"), json!({"metadata": {"name": "a"}}));
        store.put(key("a"), json!({"metadata": {"name": "a"}, "data": {}}));
        store.remove(&key("a"));
        let (past, _) = store.subscribe_from(start).expect("in history");
        let kinds: Vec<EventType> = past.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [EventType::Added, EventType::Modified, EventType::Deleted]
        );
        assert!(past[1].previous.is_some());

        for i in 0..HISTORY {
            store.put(key(&format!("n{}", i % 10)), json!({}));
        }
        assert!(store.subscribe_from(start).is_none(), "too old: 410");
        assert!(store.subscribe_from(store.rv() - 5).is_some());
        assert_eq!(store.subscribe_from(store.rv()).unwrap().0.len(), 0);
    }

    #[test]
    fn paging_order() {
        let mut store = Store::new();
        for name in ["c", "a", "b"] {
            store.put(key(name), json!({}));
        }
        let names: Vec<&str> = store
            .list_after("", "configmaps", Some("default"), Some(("default", "a")))
            .map(|(k, _)| k.name.as_str())
            .collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(store.list_prefix("", "configmaps", None).count(), 3);
        assert_eq!(store.list_prefix("", "namespaces", None).count(), 4);
    }

    #[test]
    fn owner_index() {
        let mut store = Store::new();
        let owned = json!({"metadata": {"ownerReferences": [{"uid": "u1"}]}});
        store.put(key("a"), owned.clone());
        store.put(key("b"), owned);
        assert_eq!(store.dependents("u1"), [key("a"), key("b")]);
        store.put(key("a"), json!({}));
        assert_eq!(store.dependents("u1"), [key("b")]);
        store.remove(&key("b"));
        assert!(store.dependents("u1").is_empty());
    }
}
