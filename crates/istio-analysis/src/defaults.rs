//! Resources istioctl assumes when analyzing files only (`--use-kube=false`): the default
//! ingress gateway that an Istio install provides, so that Gateways selecting it are not
//! reported as selecting nothing. Files given by the user replace them (same kind, namespace
//! and name).

use serde_json::{json, Value};

use super::load::{add_resource, LoadOptions};
use super::mesh::MeshConfig;
use super::resource::Origin;
use super::store::StoreBuilder;
use istio_core::tree::Document;

/// Adds the default ingress gateway Pod and Service in `istio_namespace`, unless the mesh
/// config turns the ingress controller off. Call before loading the user's files.
pub fn add_default_resources(store: &mut StoreBuilder, mesh: &MeshConfig, istio_namespace: &str) {
    let mode = mesh
        .config
        .get("ingressControllerMode")
        .and_then(Value::as_str)
        .unwrap_or("STRICT");
    if mode.eq_ignore_ascii_case("OFF") {
        return;
    }
    let service = mesh
        .config
        .get("ingressService")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("istio-ingressgateway");
    let labels = json!({"istio": "ingressgateway"});
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": format!("{service}-dummypod"), "namespace": istio_namespace, "labels": labels},
        "spec": {"containers": [{"name": "istio-proxy"}]},
    });
    let port = |name: &str, port: u16, node_port: u16| json!({"name": name, "port": port, "nodePort": node_port, "protocol": "TCP", "targetPort": port});
    let svc = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": service, "namespace": istio_namespace},
        "spec": {
            "selector": labels,
            "ports": [
                port("http2", 80, 31380),
                port("https", 443, 31390),
                port("tcp", 31400, 31400),
                port("tls", 15443, 31443),
            ],
        },
    });
    let opts = LoadOptions {
        default_namespace: istio_namespace.to_owned(),
        recursive: false,
    };
    for value in [pod, svc] {
        // Both objects are well-formed by construction.
        let _ = add_resource(Document::from_json(&value), Origin::Cluster, &opts, store);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{POD, SERVICE};

    #[test]
    fn adds_ingress_unless_off() {
        let mut b = StoreBuilder::default();
        add_default_resources(
            &mut b,
            &MeshConfig::defaults("istio-system"),
            "istio-system",
        );
        let store = b.build();
        assert!(store.contains(SERVICE, "istio-system", "istio-ingressgateway"));
        assert!(store.contains(POD, "istio-system", "istio-ingressgateway-dummypod"));
        let mut mesh = MeshConfig::defaults("istio-system");
        mesh.overlay(json!({"ingressControllerMode": "OFF"}));
        let mut b = StoreBuilder::default();
        add_default_resources(&mut b, &mesh, "istio-system");
        assert!(b.build().is_empty());
    }
}
