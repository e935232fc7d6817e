//! Host names as Istio resolves them: short names completed against a namespace, wildcard
//! matching, `exportTo` visibility, and a one-pass index of the hosts that Services and
//! ServiceEntries define.

use std::collections::HashMap;

use istio_core::tree::Node;

use crate::kinds::{DESTINATION_RULE, SERVICE, SERVICE_ENTRY, VIRTUAL_SERVICE};
use crate::mesh::MeshConfig;
use crate::resource::Resource;
use crate::store::Store;

/// DNS suffix of Kubernetes Services (`<name>.<namespace>.svc.cluster.local`).
pub const CLUSTER_LOCAL_SUFFIX: &str = "svc.cluster.local";

/// The gateway name standing for the sidecars of the mesh.
pub const MESH_GATEWAY: &str = "mesh";

/// Annotation by which a Kubernetes Service restricts the namespaces that see it.
pub const SERVICE_EXPORT_TO_ANNOTATION: &str = "networking.istio.io/exportTo";

/// Completes a short host name (no dot, no wildcard) to `<host>.<namespace>.svc.cluster.local`;
/// any other host is returned as is.
pub fn fqdn(namespace: &str, host: &str) -> String {
    if host.starts_with('*') || host.contains('.') {
        host.to_owned()
    } else {
        format!("{host}.{namespace}.{CLUSTER_LOCAL_SUFFIX}")
    }
}

/// True for wildcard hosts (`*` or `*.example.com`).
pub fn is_wildcard(host: &str) -> bool {
    host.starts_with('*')
}

/// True when two host names overlap: equal, or one's wildcard covers the other
/// (`*.com` and `foo.com`, `*` and anything, `*.a.com` and `*.b.a.com`).
pub fn matches(a: &str, b: &str) -> bool {
    match (a.strip_prefix('*'), b.strip_prefix('*')) {
        (Some(sa), Some(sb)) => sa.ends_with(sb) || sb.ends_with(sa),
        (Some(sa), None) => b.ends_with(sa),
        (None, Some(sb)) => a.ends_with(sb),
        (None, None) => a == b,
    }
}

/// True when every name that `host` covers is also covered by `pattern`.
pub fn subset_of(host: &str, pattern: &str) -> bool {
    match (host.strip_prefix('*'), pattern.strip_prefix('*')) {
        (Some(h), Some(p)) => h.ends_with(p),
        (Some(_), None) => false,
        (None, Some(p)) => host.ends_with(p),
        (None, None) => host == pattern,
    }
}

/// The namespaces a resource is visible in, from its `exportTo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every namespace (`exportTo` empty or containing `*`).
    All,
    /// Only these namespaces (sorted; empty for `~`).
    Namespaces(Vec<String>),
}

impl Visibility {
    /// Parses `exportTo` entries of a resource in `own_namespace` (`.` is that namespace, `*` all,
    /// `~` none). No entries at all means every namespace.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>, own_namespace: &str) -> Self {
        let mut namespaces = Vec::new();
        let mut any = false;
        for entry in entries {
            any = true;
            match entry.trim() {
                "*" => return Visibility::All,
                "." => namespaces.push(own_namespace.to_owned()),
                "~" | "" => {}
                ns => namespaces.push(ns.to_owned()),
            }
        }
        if !any {
            return Visibility::All;
        }
        namespaces.sort_unstable();
        namespaces.dedup();
        Visibility::Namespaces(namespaces)
    }

    /// The visibility of a Service (its exportTo annotation), or of an Istio resource (its
    /// `spec.exportTo`); when unset, the mesh-wide default for its kind, else every namespace.
    pub fn of(resource: &Resource, mesh: &MeshConfig) -> Self {
        let ns = &*resource.namespace;
        if &*resource.kind_key == SERVICE.0 {
            if let Some(list) = resource.annotation(SERVICE_EXPORT_TO_ANNOTATION) {
                return Visibility::parse(list.split(','), ns);
            }
        } else if let Some(list) = resource.spec().get("exportTo").and_then(Node::as_array) {
            if !list.is_empty() {
                return Visibility::parse(list.iter().filter_map(Node::as_str), ns);
            }
        }
        let default_key = match &*resource.kind_key {
            k if k == SERVICE.0 || k == SERVICE_ENTRY.0 => "defaultServiceExportTo",
            k if k == VIRTUAL_SERVICE.0 => "defaultVirtualServiceExportTo",
            k if k == DESTINATION_RULE.0 => "defaultDestinationRuleExportTo",
            _ => return Visibility::All,
        };
        match mesh
            .config
            .get(default_key)
            .and_then(serde_json::Value::as_array)
        {
            Some(list) if !list.is_empty() => {
                Visibility::parse(list.iter().filter_map(serde_json::Value::as_str), ns)
            }
            _ => Visibility::All,
        }
    }

    /// True when visible in namespace `ns`.
    pub fn includes(&self, ns: &str) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Namespaces(list) => list.binary_search_by(|n| n.as_str().cmp(ns)).is_ok(),
        }
    }

    /// True when a resource with this visibility is seen from `viewers`: from any of their
    /// namespaces, or, when the viewer is exported everywhere, only if it is visible everywhere.
    pub fn seen_by(&self, viewers: &Visibility) -> bool {
        match viewers {
            Visibility::All => *self == Visibility::All,
            Visibility::Namespaces(list) => list.iter().any(|ns| self.includes(ns)),
        }
    }
}

/// A host defined by a Service or a ServiceEntry.
#[derive(Debug)]
pub struct ServiceHost<'s> {
    /// The defining resource.
    pub resource: &'s Resource,
    /// Its port numbers.
    pub ports: Vec<u64>,
    /// Where it is visible.
    pub visibility: Visibility,
}

impl ServiceHost<'_> {
    /// True when defined by a Kubernetes Service (rather than a ServiceEntry).
    pub fn is_service(&self) -> bool {
        &*self.resource.kind_key == SERVICE.0
    }
}

/// Every host of the mesh's Services and ServiceEntries, indexed for exact, wildcard and
/// domain-suffix look-ups. Built once per analyzer run.
#[derive(Debug, Default)]
pub struct HostIndex<'s> {
    entries: Vec<ServiceHost<'s>>,
    /// Non-wildcard host → entries.
    exact: HashMap<String, Vec<usize>>,
    /// Wildcard host (`*.example.com`, `*`) → entries.
    wildcard: HashMap<String, Vec<usize>>,
    /// `.suffix` of non-wildcard hosts (`.example.com` for `a.example.com`) → entries.
    suffixes: HashMap<String, Vec<usize>>,
}

impl<'s> HostIndex<'s> {
    /// Indexes the Services (first, so they win look-ups) and ServiceEntries of `store`.
    pub fn build(store: &'s Store, mesh: &MeshConfig) -> Self {
        let mut index = HostIndex::default();
        for (_, svc) in store.of_kind(SERVICE) {
            let ports = port_list(svc.spec().get("ports"), "port");
            let host = fqdn(&svc.namespace, &svc.name);
            index.add(svc, host, ports, Visibility::of(svc, mesh));
        }
        for (_, se) in store.of_kind(SERVICE_ENTRY) {
            let ports = port_list(se.spec().get("ports"), "number");
            let visibility = Visibility::of(se, mesh);
            let hosts = se.spec().get("hosts").and_then(Node::as_array);
            for host in hosts.into_iter().flatten().filter_map(Node::as_str) {
                let host = fqdn(&se.namespace, host);
                index.add(se, host, ports.clone(), visibility.clone());
            }
        }
        index
    }

    fn add(
        &mut self,
        resource: &'s Resource,
        host: String,
        ports: Vec<u64>,
        visibility: Visibility,
    ) {
        let i = self.entries.len();
        if is_wildcard(&host) {
            self.wildcard.entry(host).or_default().push(i);
        } else {
            for (pos, _) in host.match_indices('.') {
                self.suffixes
                    .entry(host[pos..].to_owned())
                    .or_default()
                    .push(i);
            }
            self.exact.entry(host).or_default().push(i);
        }
        self.entries.push(ServiceHost {
            resource,
            ports,
            visibility,
        });
    }

    /// The service that a destination `host` (already fully qualified) resolves to, as seen by
    /// `viewers` (by anyone when `None`): an exact host first, then a wildcard ServiceEntry host
    /// covering it.
    pub fn lookup(&self, host: &str, viewers: Option<&Visibility>) -> Option<&ServiceHost<'s>> {
        let visible = |i: &&usize| viewers.is_none_or(|v| self.entries[**i].visibility.seen_by(v));
        if let Some(&i) = self.exact.get(host).into_iter().flatten().find(visible) {
            return Some(&self.entries[i]);
        }
        wildcard_candidates(host)
            .iter()
            .flat_map(|c| self.wildcard.get(c).into_iter().flatten())
            .find(visible)
            .map(|&i| &self.entries[i])
    }

    /// True when some host overlaps `pattern` (which may be a wildcard).
    pub fn any_matching(&self, pattern: &str) -> bool {
        if pattern == "*" {
            return !self.entries.is_empty();
        }
        if self.lookup(pattern, None).is_some() {
            return true;
        }
        is_wildcard(pattern)
            && (self.suffixes.contains_key(&pattern[1..])
                || self.wildcard.keys().any(|h| subset_of(h, pattern)))
    }
}

/// The wildcard hosts that cover `host`, most specific first: for `a.b.com` (or `*.b.com`),
/// `*.b.com`, `*.com` and `*`.
pub fn wildcard_candidates(host: &str) -> Vec<String> {
    let bare = host.strip_prefix('*').unwrap_or(host);
    let mut out: Vec<String> = bare
        .match_indices('.')
        .map(|(pos, _)| format!("*{}", &bare[pos..]))
        .collect();
    out.push("*".to_owned());
    out
}

/// The port numbers of a Service (`number_key` `port`) or ServiceEntry (`number`).
fn port_list(ports: Option<Node<'_>>, number_key: &str) -> Vec<u64> {
    items(ports)
        .filter_map(|p| p.get(number_key).and_then(as_u64))
        .collect()
}

/// A port number written as a number or a numeric string.
pub fn as_u64(value: Node<'_>) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// The items of an optional sequence.
pub fn items(value: Option<Node<'_>>) -> impl Iterator<Item = Node<'_>> {
    value.and_then(Node::as_array).into_iter().flatten()
}

/// The strings of an optional sequence.
pub fn strings(value: Option<Node<'_>>) -> impl Iterator<Item = &str> {
    items(value).filter_map(Node::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_short_names_only() {
        assert_eq!(
            fqdn("default", "reviews"),
            "reviews.default.svc.cluster.local"
        );
        assert_eq!(fqdn("default", "reviews.other"), "reviews.other");
        assert_eq!(fqdn("default", "*.example.com"), "*.example.com");
    }

    #[test]
    fn wildcard_matching() {
        assert!(matches("foo.com", "foo.com"));
        assert!(!matches("foo.com", "bar.com"));
        assert!(matches("*.com", "foo.com"));
        assert!(matches("bar.com", "*.com"));
        assert!(!matches("*.foo.com", "foo.com"));
        assert!(matches("*", "*.com"));
        assert!(matches("*.a.com", "*.b.a.com"));
        assert!(subset_of("a.foo.com", "*.foo.com"));
        assert!(subset_of("*.a.foo.com", "*.foo.com"));
        assert!(!subset_of("*.foo.com", "*.a.foo.com"));
        assert!(!subset_of("*.foo.com", "a.foo.com"));
    }

    #[test]
    fn visibility() {
        let v = Visibility::parse([".", "b"], "a");
        assert!(v.includes("a") && v.includes("b") && !v.includes("c"));
        assert_eq!(Visibility::parse([], "a"), Visibility::All);
        assert_eq!(Visibility::parse(["x", "*"], "a"), Visibility::All);
        assert_eq!(
            Visibility::parse(["~"], "a"),
            Visibility::Namespaces(vec![])
        );
        assert!(v.seen_by(&Visibility::parse(["b", "q"], "z")));
        assert!(!v.seen_by(&Visibility::All));
        assert!(Visibility::All.seen_by(&Visibility::All));
    }

    #[test]
    fn wildcard_candidates_most_specific_first() {
        assert_eq!(wildcard_candidates("a.b.com"), ["*.b.com", "*.com", "*"]);
        assert_eq!(wildcard_candidates("*.b.com"), ["*.b.com", "*.com", "*"]);
        assert_eq!(wildcard_candidates("*"), ["*"]);
    }
}
