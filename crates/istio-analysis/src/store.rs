//! The resource store: every resource once, indexed by kind, namespace, name and (lazily) labels.

use std::collections::HashMap;

/// The maps of the store: string keys hashed with foldhash (SipHash showed in profiles).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::OnceLock;

use istio_core::tree::Map;

use super::kinds::Kind;
use super::resource::{Resource, ResourceId};

/// Resources of one kind in one namespace.
#[derive(Debug, Default)]
struct NamespaceIndex {
    ids: Vec<ResourceId>,
    /// `ids` sorted by name, for look-ups by binary search.
    by_name: Vec<ResourceId>,
    /// `key=value` → resources carrying that label; built on first selection.
    by_label: OnceLock<FastMap<String, Vec<ResourceId>>>,
}

/// Resources of one kind.
#[derive(Debug, Default)]
struct KindIndex {
    ids: Vec<ResourceId>,
    namespaces: FastMap<std::sync::Arc<str>, NamespaceIndex>,
}

/// All resources under analysis, with indexes. Built once by [`StoreBuilder`], then read-only.
#[derive(Debug, Default)]
pub struct Store {
    resources: Vec<Resource>,
    kinds: FastMap<std::sync::Arc<str>, KindIndex>,
}

/// Collects resources; a later resource with the same kind, namespace and name (and, for
/// remote clusters, cluster) replaces the earlier one (as applying both would).
#[derive(Debug, Default)]
pub struct StoreBuilder {
    resources: Vec<Resource>,
    /// One shared copy of each kind and namespace text.
    names: std::collections::HashSet<std::sync::Arc<str>, foldhash::fast::RandomState>,
    /// Hash of `(kind, namespace, name, remote cluster)` → index of the first resource with
    /// that hash.
    keys: FastMap<u64, u32>,
    /// Resources whose identity hash was already taken by another identity (64-bit hashes
    /// make this all but impossible; it keeps the store right if it happens).
    collided: Vec<u32>,
}

/// The hash of a resource identity (equal identities, equal hashes), seeded per process so
/// that crafted names cannot pile up on one hash.
fn identity_hash(kind_key: &str, namespace: &str, name: &str, remote: &str) -> u64 {
    use std::hash::BuildHasher;
    static STATE: std::sync::LazyLock<foldhash::fast::RandomState> =
        std::sync::LazyLock::new(Default::default);
    STATE.hash_one((kind_key, namespace, name, remote))
}

impl StoreBuilder {
    /// Adds (or replaces) a resource.
    pub fn add(&mut self, mut resource: Resource) {
        resource.kind_key = self.shared(&resource.kind_key);
        resource.namespace = self.shared(&resource.namespace);
        let remote = resource.remote_cluster().unwrap_or_default();
        let hash = identity_hash(
            &resource.kind_key,
            &resource.namespace,
            &resource.name,
            remote,
        );
        match self.position(
            hash,
            (&resource.kind_key, &resource.namespace, &resource.name),
            remote,
        ) {
            Some(i) => self.resources[i] = resource,
            None => {
                let index = self.resources.len() as u32;
                match self.keys.entry(hash) {
                    // The hash belongs to another identity: this one is found by a scan.
                    std::collections::hash_map::Entry::Occupied(_) => self.collided.push(index),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(index);
                    }
                }
                self.resources.push(resource);
            }
        }
    }

    /// The shared copy of `text`.
    fn shared(&mut self, text: &std::sync::Arc<str>) -> std::sync::Arc<str> {
        match self.names.get(&**text) {
            Some(s) => s.clone(),
            None => {
                self.names.insert(text.clone());
                text.clone()
            }
        }
    }

    fn position(
        &self,
        hash: u64,
        (kind_key, namespace, name): (&str, &str, &str),
        remote: &str,
    ) -> Option<usize> {
        let is = |i: &u32| {
            let r = &self.resources[*i as usize];
            &*r.kind_key == kind_key
                && &*r.namespace == namespace
                && &*r.name == name
                && r.remote_cluster().unwrap_or_default() == remote
        };
        let first = self.keys.get(&hash)?;
        if is(first) {
            return Some(*first as usize);
        }
        self.collided.iter().find(|i| is(i)).map(|&i| i as usize)
    }

    /// True when a resource with this identity was added (from files or the cluster under
    /// analysis; remote clusters' resources are not counted).
    pub fn contains(&self, kind_key: &str, namespace: &str, name: &str) -> bool {
        let hash = identity_hash(kind_key, namespace, name, "");
        self.position(hash, (kind_key, namespace, name), "")
            .is_some()
    }

    /// Builds the indexes.
    pub fn build(self) -> Store {
        let StoreBuilder {
            mut resources,
            keys,
            names,
            collided,
        } = self;
        drop((keys, names, collided));
        resources.shrink_to_fit();
        let mut kinds: FastMap<std::sync::Arc<str>, KindIndex> = FastMap::default();
        for (i, r) in resources.iter().enumerate() {
            let id = ResourceId(i as u32);
            let kind = kinds.entry(r.kind_key.clone()).or_default();
            kind.ids.push(id);
            let ns = kind.namespaces.entry(r.namespace.clone()).or_default();
            ns.ids.push(id);
        }
        for kind in kinds.values_mut() {
            for ns in kind.namespaces.values_mut() {
                let mut by_name = ns.ids.clone();
                by_name.sort_by(|a, b| {
                    resources[a.0 as usize]
                        .name
                        .cmp(&resources[b.0 as usize].name)
                });
                ns.by_name = by_name;
            }
        }
        Store { resources, kinds }
    }
}

impl Store {
    /// The resource with this id.
    pub fn get(&self, id: ResourceId) -> &Resource {
        &self.resources[id.0 as usize]
    }

    /// Every resource, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .map(|(i, r)| (ResourceId(i as u32), r))
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// True when there are no resources.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// All resources of a kind, in load order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.kinds
            .get(kind.0)
            .map(|k| k.ids.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&id| (id, self.get(id)))
    }

    /// Resources of a kind in one namespace (`""` for cluster-scoped kinds).
    pub fn in_namespace(
        &self,
        kind: Kind,
        namespace: &str,
    ) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.namespace_index(kind, namespace)
            .map(|n| n.ids.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&id| (id, self.get(id)))
    }

    /// The resource of a kind with this namespace and name.
    pub fn find(&self, kind: Kind, namespace: &str, name: &str) -> Option<(ResourceId, &Resource)> {
        let by_name = &self.namespace_index(kind, namespace)?.by_name;
        let at = by_name
            .binary_search_by(|id| (*self.get(*id).name).cmp(name))
            .ok()?;
        let id = by_name[at];
        Some((id, self.get(id)))
    }

    /// True when some resource of a kind has this namespace and name.
    pub fn contains(&self, kind: Kind, namespace: &str, name: &str) -> bool {
        self.find(kind, namespace, name).is_some()
    }

    /// Resources of a kind in a namespace whose labels match every `key: value` of `selector`.
    /// An empty selector matches all of them; callers decide whether that is meaningful.
    pub fn select(
        &self,
        kind: Kind,
        namespace: &str,
        selector: Map<'_>,
    ) -> Vec<(ResourceId, &Resource)> {
        let Some(ns) = self.namespace_index(kind, namespace) else {
            return Vec::new();
        };
        if selector.is_empty() {
            return ns.ids.iter().map(|&id| (id, self.get(id))).collect();
        }
        let by_label = ns.by_label.get_or_init(|| {
            let mut map: FastMap<String, Vec<ResourceId>> = FastMap::default();
            for &id in &ns.ids {
                for (k, v) in self.get(id).labels() {
                    if let Some(v) = v.as_str() {
                        map.entry(format!("{k}={v}")).or_default().push(id);
                    }
                }
            }
            map
        });
        let mut postings = Vec::with_capacity(selector.len());
        for (k, v) in selector {
            let v = v.text();
            match by_label.get(&format!("{k}={v}")) {
                Some(ids) => postings.push(ids),
                None => return Vec::new(),
            }
        }
        postings.sort_by_key(|p| p.len());
        let (first, rest) = postings
            .split_first()
            .map_or((&[][..], &[][..]), |(f, r)| (f.as_slice(), r));
        first
            .iter()
            .filter(|id| rest.iter().all(|p| p.binary_search(id).is_ok()))
            .map(|&id| (id, self.get(id)))
            .collect()
    }

    /// The namespaces that hold resources of a kind.
    pub fn namespaces_of(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.kinds
            .get(kind.0)
            .into_iter()
            .flat_map(|k| k.namespaces.keys().map(|n| &**n))
    }

    fn namespace_index(&self, kind: Kind, namespace: &str) -> Option<&NamespaceIndex> {
        self.kinds.get(kind.0)?.namespaces.get(namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{POD, SERVICE};
    use crate::resource::Origin;
    use istio_core::tree::Document;
    use serde_json::json;

    fn pod(ns: &str, name: &str, labels: serde_json::Value) -> Resource {
        Resource {
            kind_key: "Pod".into(),
            namespace: ns.into(),
            name: name.into(),
            doc: Document::from_json(&json!({"metadata": {"name": name, "labels": labels}})),
            origin: Origin::Cluster,
        }
    }

    #[test]
    fn indexes_and_selects() {
        let mut b = StoreBuilder::default();
        b.add(pod("a", "p1", json!({"app": "x", "v": "1"})));
        b.add(pod("a", "p2", json!({"app": "x", "v": "2"})));
        b.add(pod("b", "p3", json!({"app": "x"})));
        b.add(pod("a", "p1", json!({"app": "y"})));
        let store = b.build();
        assert_eq!(store.len(), 3);
        assert_eq!(store.in_namespace(POD, "a").count(), 2);
        assert!(store.find(POD, "b", "p3").is_some());
        assert!(store.find(SERVICE, "b", "p3").is_none());
        let sel = |s: serde_json::Value| {
            let d = Document::from_json(&s);
            let m = d.root().as_object().unwrap_or(Map::empty());
            store
                .select(POD, "a", m)
                .into_iter()
                .map(|(_, r)| r.name.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(sel(json!({"app": "x"})), vec!["p2"]);
        assert_eq!(sel(json!({"app": "x", "v": "2"})), vec!["p2"]);
        assert_eq!(sel(json!({"app": "y"})), vec!["p1"]);
        assert!(sel(json!({"app": "z"})).is_empty());
        assert_eq!(sel(json!({})).len(), 2);
    }
}
