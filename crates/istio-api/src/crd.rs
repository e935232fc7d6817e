//! The CustomResourceDefinitions of the Istio kinds, rendered from the kinds' schemas, and the
//! committed copy under `manifests/crds/`, generated from the API types.

use serde_json::{json, Map, Value};

use super::kinds::{self, KindInfo};
use super::schema::Schema;

/// The CRD of one kind: names, versions with served/storage flags, status subresource, printer
/// columns, and the structural `openAPIV3Schema` rendered from our schema of the kind.
pub fn crd(info: &KindInfo) -> Value {
    render(info, info.spec_schema(), kinds::status_schema())
}

/// The CRD of `info` with the given `spec` and `status` schemas.
fn render(info: &KindInfo, spec: &Schema, status: &Schema) -> Value {
    let mut root = Map::new();
    let mut properties = Map::new();
    properties.insert("spec".into(), spec.to_openapi());
    properties.insert("status".into(), status.to_openapi());
    root.insert("properties".into(), properties.into());
    if info.spec_required {
        root.insert("required".into(), json!(["spec"]));
    }
    root.insert("type".into(), "object".into());
    let schema = json!({ "openAPIV3Schema": root });
    let columns: Vec<Value> = info
        .columns
        .iter()
        .map(|c| {
            json!({
                "description": c.description,
                "jsonPath": c.json_path,
                "name": c.name,
                "type": c.ty,
            })
        })
        .collect();
    let versions: Vec<Value> = info
        .versions
        .iter()
        .map(|v| {
            let mut version = Map::new();
            if !columns.is_empty() {
                version.insert("additionalPrinterColumns".into(), columns.clone().into());
            }
            version.insert("name".into(), v.name.into());
            version.insert("schema".into(), schema.clone());
            version.insert("served".into(), v.served.into());
            version.insert("storage".into(), v.storage.into());
            version.insert("subresources".into(), json!({"status": {}}));
            Value::Object(version)
        })
        .collect();
    let mut names = Map::new();
    names.insert("categories".into(), json!(info.categories()));
    names.insert("kind".into(), info.kind.into());
    names.insert("listKind".into(), format!("{}List", info.kind).into());
    names.insert("plural".into(), info.plural.into());
    if !info.short_names.is_empty() {
        names.insert("shortNames".into(), json!(info.short_names));
    }
    names.insert("singular".into(), info.singular.into());
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "annotations": {"helm.sh/resource-policy": "keep"},
            "labels": {"app.kubernetes.io/part-of": "istio"},
            "name": info.crd_name(),
        },
        "spec": {
            "group": info.group,
            "names": names,
            "scope": "Namespaced",
            "versions": versions,
        },
    })
}

/// The 15 Istio CRDs, in [`kinds::KINDS`] order.
pub fn crds() -> Vec<Value> {
    kinds::KINDS.iter().map(crd).collect()
}

/// The 15 CRDs as one YAML stream (documents separated by `---`).
pub fn crds_yaml() -> String {
    yaml_stream(crds())
}

fn yaml_stream(crds: Vec<Value>) -> String {
    let mut out = String::new();
    for crd in crds {
        out.push_str("---\n");
        // Serializing a JSON value to YAML cannot fail: it has only string keys.
        out.push_str(&serde_saphyr::to_string(&crd).unwrap_or_default());
    }
    out
}

/// Where the generated CRDs are committed, relative to the project root.
pub const CRDS_PATH: &str = "manifests/crds/istio-crds.yaml";

/// The content of the committed CRD file [`CRDS_PATH`] as generated from the types now (not from
/// the committed schemas): a header saying how it is made, then the CRDs as [`crds_yaml`]
/// writes them.
pub fn crds_file() -> String {
    let status = kinds::generate_status_schema();
    let crds = kinds::KINDS
        .iter()
        .map(|k| render(k, &k.generate_spec_schema(), &status))
        .collect();
    format!(
        "# The Istio CRDs, generated from the types in src/api/types.\n\
         # Do not edit: regenerate with `cargo run --example gen-api -- --write`.\n{}",
        yaml_stream(crds)
    )
}
