//! Discovery documents: `/version`, `/api`, `/apis`, `/apis/{group}` and the
//! `APIResourceList` of each group-version (legacy discovery), and the aggregated discovery of
//! `/api` and `/apis` (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`) that kubectl and the
//! `kube` crate ask for first.

use serde_json::{json, Value};

use crate::resources::ResourceInfo;

/// The Kubernetes version the emulator claims to be.
pub(crate) const GIT_VERSION: &str = "v1.36.2";

/// `/version`.
pub(crate) fn version() -> Value {
    json!({
        "major": "1",
        "minor": "36",
        "emulationMajor": "1",
        "emulationMinor": "36",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "35",
        "gitVersion": GIT_VERSION,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-06-01T00:00:00Z",
        "goVersion": "go1.25.5",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// `/api`.
pub(crate) fn core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            { "clientCIDR": "0.0.0.0/0", "serverAddress": server_address }
        ],
    })
}

fn group_json(name: &str, versions: &[String]) -> Value {
    let entries: Vec<Value> = versions
        .iter()
        .map(|v| json!({ "groupVersion": format!("{name}/{v}"), "version": v }))
        .collect();
    json!({
        "name": name,
        "versions": entries,
        "preferredVersion": entries.first().cloned().unwrap_or_else(|| json!({})),
    })
}

/// Named groups and their versions in first-seen order.
fn groups(all: &[ResourceInfo]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in all.iter().filter(|r| !r.group.is_empty()) {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) => {
                if !versions.contains(&r.version) {
                    versions.push(r.version.clone());
                }
            }
            None => out.push((r.group.clone(), vec![r.version.clone()])),
        }
    }
    out
}

/// `/apis`.
pub(crate) fn group_list(all: &[ResourceInfo]) -> Value {
    let groups: Vec<Value> = groups(all)
        .iter()
        .map(|(name, versions)| group_json(name, versions))
        .collect();
    json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": groups })
}

/// `/apis/{group}`, if the group is served.
pub(crate) fn group(all: &[ResourceInfo], name: &str) -> Option<Value> {
    groups(all)
        .into_iter()
        .find(|(g, _)| g == name)
        .map(|(g, versions)| {
            let mut doc = group_json(&g, &versions);
            doc["kind"] = json!("APIGroup");
            doc["apiVersion"] = json!("v1");
            doc
        })
}

/// `/api/v1` or `/apis/{group}/{version}`, if that group-version is served.
pub(crate) fn resource_list(all: &[ResourceInfo], group: &str, version: &str) -> Option<Value> {
    let served: Vec<&ResourceInfo> = all
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    let first = served.first()?;
    let mut resources = Vec::new();
    for r in &served {
        let mut entry = json!({
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": r.verbs(),
        });
        if !r.short_names.is_empty() {
            entry["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            entry["categories"] = json!(r.categories);
        }
        resources.push(entry);
        if r.status {
            resources.push(json!({
                "name": format!("{}/status", r.plural),
                "singularName": "",
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["get", "patch", "update"],
            }));
        }
        if r.group.is_empty() && r.plural == "pods" {
            resources.push(json!({
                "name": "pods/portforward",
                "singularName": "",
                "namespaced": true,
                "kind": "PodPortForwardOptions",
                "verbs": ["create", "get"],
            }));
        }
        if r.group.is_empty() && r.plural == "serviceaccounts" {
            resources.push(json!({
                "name": "serviceaccounts/token",
                "singularName": "",
                "namespaced": true,
                "group": "authentication.k8s.io",
                "version": "v1",
                "kind": "TokenRequest",
                "verbs": ["create"],
            }));
        }
        if crate::scale::has_scale(r) {
            resources.push(json!({
                "name": format!("{}/scale", r.plural),
                "singularName": "",
                "namespaced": r.namespaced,
                "group": "autoscaling",
                "version": "v1",
                "kind": "Scale",
                "verbs": ["get", "patch", "update"],
            }));
        }
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": first.group_version(),
        "resources": resources,
    }))
}

/// The media type of aggregated discovery.
pub(crate) const AGGREGATED: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether an `Accept` header asks for aggregated discovery (v2) before anything else.
pub(crate) fn wants_aggregated(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=APIGroupDiscoveryList") && first.contains("v=v2"))
}

fn response_kind(group: &str, version: &str, kind: &str) -> Value {
    json!({ "group": group, "version": version, "kind": kind })
}

fn aggregated_resource(r: &ResourceInfo) -> Value {
    let mut entry = json!({
        "resource": r.plural,
        "responseKind": response_kind(&r.group, &r.version, &r.kind),
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs(),
    });
    if !r.short_names.is_empty() {
        entry["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        entry["categories"] = json!(r.categories);
    }
    let mut subresources = Vec::new();
    if r.status {
        subresources.push(json!({
            "subresource": "status",
            "responseKind": response_kind(&r.group, &r.version, &r.kind),
            "verbs": ["get", "patch", "update"],
        }));
    }
    if crate::scale::has_scale(r) {
        subresources.push(json!({
            "subresource": "scale",
            "responseKind": response_kind("autoscaling", "v1", "Scale"),
            "verbs": ["get", "patch", "update"],
        }));
    }
    if r.group.is_empty() && r.plural == "pods" {
        subresources.push(json!({
            "subresource": "portforward",
            "responseKind": response_kind("", "v1", "PodPortForwardOptions"),
            "verbs": ["create", "get"],
        }));
    }
    if r.group.is_empty() && r.plural == "serviceaccounts" {
        subresources.push(json!({
            "subresource": "token",
            "responseKind": response_kind("authentication.k8s.io", "v1", "TokenRequest"),
            "verbs": ["create"],
        }));
    }
    if !subresources.is_empty() {
        entry["subresources"] = json!(subresources);
    }
    entry
}

/// Aggregated discovery of the core group (`core`) or of every named group.
pub(crate) fn aggregated(all: &[ResourceInfo], core: bool) -> Value {
    let mut items = Vec::new();
    let named: Vec<(String, Vec<String>)> = if core {
        vec![(String::new(), vec!["v1".to_string()])]
    } else {
        groups(all)
    };
    for (group, versions) in named {
        let versions: Vec<Value> = versions
            .iter()
            .map(|version| {
                let resources: Vec<Value> = all
                    .iter()
                    .filter(|r| r.group == group && &r.version == version)
                    .map(aggregated_resource)
                    .collect();
                json!({ "version": version, "resources": resources, "freshness": "Current" })
            })
            .collect();
        let metadata = if group.is_empty() {
            json!({ "creationTimestamp": null })
        } else {
            json!({ "name": group, "creationTimestamp": null })
        };
        items.push(json!({ "metadata": metadata, "versions": versions }));
    }
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}
