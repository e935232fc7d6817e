//! Mesh-wide configuration the analyzers consult: MeshConfig and MeshNetworks.

use std::sync::Arc;

use serde_json::{json, Value};

use super::kinds::MESH_NETWORKS;
use super::resource::{Origin, Resource, Source};
use istio_core::tree::Document;

/// The mesh configuration in effect (istio's `MeshConfig`, as JSON), and mesh networks.
#[derive(Debug, Clone)]
pub struct MeshConfig {
    /// The MeshConfig object.
    pub config: Value,
    /// The MeshNetworks object (`{"networks": {...}}`), Null when none was given.
    pub networks: Value,
}

impl MeshConfig {
    /// Istio's defaults for a control plane in `istio_namespace`.
    pub fn defaults(istio_namespace: &str) -> Self {
        MeshConfig {
            config: json!({
                "rootNamespace": istio_namespace,
                "trustDomain": "cluster.local",
                "ingressService": "istio-ingressgateway",
                "ingressControllerMode": "STRICT",
                "ingressClass": "istio",
                "enableAutoMtls": true,
                "defaultConfig": {
                    "discoveryAddress": format!("istiod.{istio_namespace}.svc:15012"),
                },
            }),
            networks: Value::Null,
        }
    }

    /// Overlays a user's MeshConfig (fields given replace the defaults, recursively).
    pub fn overlay(&mut self, user: Value) {
        merge(&mut self.config, user);
    }

    /// `rootNamespace`.
    pub fn root_namespace(&self) -> &str {
        self.config
            .get("rootNamespace")
            .and_then(Value::as_str)
            .unwrap_or("istio-system")
    }
}

/// The MeshNetworks read from a file (`--meshNetworksFile`), as the resource
/// `MeshNetworks <istio namespace>/meshnetworks` istioctl reports about, located in that file.
pub fn networks_resource(file: &str, text: &str, value: Value, istio_namespace: &str) -> Resource {
    let source = Arc::new(Source::new(file.to_owned(), Arc::from(text), None));
    Resource {
        kind_key: MESH_NETWORKS.0.into(),
        namespace: istio_namespace.into(),
        name: "meshnetworks".into(),
        // The file's own tree, for the lines of its fields.
        doc: istio_core::yaml::parse_tree(text, 1, 0)
            .unwrap_or_else(|_| Document::from_json(&value)),
        origin: Origin::File { source, line: 1 },
    }
}

/// Merges `overlay` into `base`: mappings merge key by key, anything else replaces.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_keeps_unspecified_defaults() {
        let mut mesh = MeshConfig::defaults("istio-system");
        mesh.overlay(json!({"rootNamespace": "mesh-root", "defaultConfig": {"x": 1}}));
        assert_eq!(mesh.root_namespace(), "mesh-root");
        assert_eq!(mesh.config["trustDomain"], "cluster.local");
        assert_eq!(mesh.config["defaultConfig"]["x"], 1);
        assert!(mesh.config["defaultConfig"]["discoveryAddress"].is_string());
    }
}
