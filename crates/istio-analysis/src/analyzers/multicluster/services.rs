//! `services.MultiClusterServiceAnalyzer`: in a multicluster mesh a Service of one name and
//! namespace is one service, whose endpoints in every cluster answer its host. When the
//! clusters define it differently (type, headless or not, ports), which definition a client
//! gets depends on the cluster it runs in (IST0170).

use std::collections::BTreeMap;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::workloads::int_of;
use crate::catalog::codes::IST0170;
use crate::kinds::SERVICE;
use crate::message::Message;
use crate::resource::{Resource, ResourceId};

/// What must agree between the clusters' definitions of one Service.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    /// `spec.type` (`ClusterIP` when unset).
    kind: String,
    /// `clusterIP: None`.
    headless: bool,
    /// `(port, protocol, name)` of each port, sorted (`TCP` when the protocol is unset).
    ports: Vec<(i64, String, String)>,
}

fn shape(svc: &Resource) -> Shape {
    let spec = svc.spec();
    let text = |n: Option<Node<'_>>| n.and_then(Node::as_str).unwrap_or("").to_owned();
    let mut ports: Vec<(i64, String, String)> = spec
        .get("ports")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let protocol = text(p.get("protocol"));
            (
                p.get("port").and_then(int_of).unwrap_or(0),
                if protocol.is_empty() {
                    "TCP".to_owned()
                } else {
                    protocol
                },
                text(p.get("name")),
            )
        })
        .collect();
    ports.sort();
    let kind = text(spec.get("type"));
    Shape {
        kind: if kind.is_empty() {
            "ClusterIP".to_owned()
        } else {
            kind
        },
        headless: spec.get("clusterIP").and_then(Node::as_str) == Some("None"),
        ports,
    }
}

fn render_ports(ports: &[(i64, String, String)]) -> String {
    let ports: Vec<String> = ports
        .iter()
        .map(|(n, p, name)| {
            if name.is_empty() {
                format!("{n}/{p}")
            } else {
                format!("{n}/{p} ({name})")
            }
        })
        .collect();
    format!("[{}]", ports.join(", "))
}

/// How `other` (in cluster `theirs`) differs from `first` (in cluster `ours`).
fn differences(first: &Shape, ours: &str, other: &Shape, theirs: &str) -> Vec<String> {
    let mut out = Vec::new();
    if first.kind != other.kind {
        out.push(format!(
            "type {} in {ours} but {} in {theirs}",
            first.kind, other.kind
        ));
    }
    if first.headless != other.headless {
        let what = |h: bool| if h { "headless" } else { "not headless" };
        out.push(format!(
            "{} in {ours} but {} in {theirs}",
            what(first.headless),
            what(other.headless)
        ));
    }
    if first.ports != other.ports {
        out.push(format!(
            "ports {} in {ours} but {} in {theirs}",
            render_ports(&first.ports),
            render_ports(&other.ports)
        ));
    }
    out
}

crate::analyzer! {
    /// Checks that a Service is defined alike in every cluster of a multicluster mesh.
    name: "services.MultiClusterServiceAnalyzer",
    inputs: [SERVICE],
    codes: [IST0170],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let primary = if ctx.cluster.is_empty() {
        "(current)"
    } else {
        ctx.cluster
    };
    // (namespace, name) → (cluster, Service), the cluster under analysis first.
    let mut by_name: BTreeMap<(&str, &str), Vec<(&str, ResourceId)>> = BTreeMap::new();
    for (id, svc) in store.of_kind(SERVICE) {
        let cluster = svc.remote_cluster().unwrap_or(primary);
        by_name
            .entry((&svc.namespace, &svc.name))
            .or_default()
            .push((cluster, id));
    }
    for ((namespace, name), mut defs) in by_name {
        if defs.len() < 2 {
            continue;
        }
        defs.sort_by_key(|(cluster, _)| (*cluster != primary, *cluster));
        let (first_cluster, first_id) = defs[0];
        let first = shape(store.get(first_id));
        let mut problems = Vec::new();
        for &(cluster, id) in &defs[1..] {
            problems.extend(differences(
                &first,
                first_cluster,
                &shape(store.get(id)),
                cluster,
            ));
        }
        if problems.is_empty() {
            continue;
        }
        let clusters: Vec<String> = defs.iter().map(|(c, _)| format!("{c:?}")).collect();
        ctx.report(
            Message::new(
                IST0170,
                first_id,
                vec![
                    name.to_owned(),
                    namespace.to_owned(),
                    format!("[{}]", clusters.join(" ")),
                    problems.join("; "),
                ],
            )
            .at("spec"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_compare_what_clients_see() {
        let svc = |v: serde_json::Value| Resource {
            kind_key: "Service".into(),
            namespace: "shop".into(),
            name: "cart".into(),
            doc: istio_core::tree::Document::from_json(&v),
            origin: crate::resource::Origin::Cluster,
        };
        let a = shape(&svc(serde_json::json!({"spec": {"ports": [
            {"name": "http", "port": 80}, {"name": "grpc", "port": 9000, "protocol": "TCP"}]}})));
        let b = shape(&svc(
            serde_json::json!({"spec": {"type": "ClusterIP", "ports": [
            {"name": "grpc", "port": 9000}, {"name": "http", "port": 80, "targetPort": 8080}]}}),
        ));
        assert!(differences(&a, "east", &b, "west").is_empty());
        let c = shape(&svc(
            serde_json::json!({"spec": {"clusterIP": "None", "type": "NodePort",
            "ports": [{"name": "http", "port": 8080}]}}),
        ));
        assert_eq!(
            differences(&a, "east", &c, "west"),
            [
                "type ClusterIP in east but NodePort in west",
                "not headless in east but headless in west",
                "ports [80/TCP (http), 9000/TCP (grpc)] in east but [8080/TCP (http)] in west",
            ]
        );
    }
}
