//! Build-time conversions, so a run parses no YAML for its own data and broken data fails the
//! build with the file at fault:
//! - the charts' default values and the value profiles (`manifests/values/**.yaml`), the
//!   IstioOperator profiles (`profiles/*.yaml`) and the generated CRDs
//!   (`manifests/crds/istio-crds.yaml`) become JSON, embedded by `src/render/data.rs`; the
//!   CRDs also as the YAML documents the base chart renders.

use std::fmt::Write as _;

// The YAML writer and the release constants, shared with the crate: the CRDs are written at
// build time exactly as a run would write them.
#[allow(dead_code)]
#[path = "../istio-api/src/release.rs"]
mod version;
#[allow(dead_code)]
#[path = "src/render/yaml.rs"]
mod yaml;

fn main() {
    data();
}

/// Directories whose YAML files are embedded as JSON.
const DATA_DIRS: &[&str] = &[
    "../../manifests/values",
    "../../manifests/values/profiles",
    "../../profiles",
];
/// The committed CRDs.
const CRDS: &str = "../../manifests/crds/istio-crds.yaml";

/// Writes `OUT_DIR/data.rs`: `(name, json)` tables of the value files and the CRDs as one JSON
/// array.
fn data() {
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut tables = String::new();
    for (i, dir) in DATA_DIRS.iter().enumerate() {
        println!("cargo::rerun-if-changed={dir}");
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        entries.sort();
        let _ = writeln!(tables, "/// The files of `{dir}`: (file stem, JSON).");
        let _ = writeln!(
            tables,
            "pub static {}: &[(&str, &str)] = &[",
            ["CHART_VALUES", "VALUE_PROFILES", "OPERATOR_PROFILES"][i]
        );
        for path in entries {
            println!("cargo::rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let value: serde_json::Value = serde_saphyr::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is invalid: {e}", path.display()));
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let _ = writeln!(tables, "    ({stem:?}, {:?}),", value.to_string());
        }
        tables.push_str("];\n");
    }
    println!("cargo::rerun-if-changed={CRDS}");
    let text = std::fs::read_to_string(CRDS).unwrap_or_else(|e| panic!("cannot read {CRDS}: {e}"));
    let crds: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(&text).unwrap_or_else(|e| panic!("{CRDS} is invalid: {e}"));
    let crds: Vec<serde_json::Value> = crds.into_iter().filter(|c| !c.is_null()).collect();
    // Each CRD as the base chart renders it (its labels are the chart's), written as YAML.
    let v = version::ISTIO_VERSION;
    let labels = serde_json::json!({
        "app.kubernetes.io/instance": "istio",
        "app.kubernetes.io/managed-by": "Helm",
        "app.kubernetes.io/part-of": "istio",
        "app.kubernetes.io/version": v,
        "helm.sh/chart": format!("base-{v}"),
    });
    let mut text = String::new();
    let _ = writeln!(
        tables,
        "/// The CRDs as the base chart renders them: (name, start, end) in `crds.yaml`."
    );
    tables.push_str("pub static CRD_YAML: &[(&str, usize, usize)] = &[\n");
    for crd in &crds {
        let mut crd = crd.clone();
        crd["metadata"]["labels"] = labels.clone();
        let name = crd["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let start = text.len();
        text.push_str(&yaml::to_yaml(&crd));
        let _ = writeln!(tables, "    ({name:?}, {start}, {}),", text.len());
    }
    tables.push_str("];\n");
    let json = serde_json::Value::Array(crds).to_string();
    std::fs::write(out_dir.join("crds.json"), json)
        .unwrap_or_else(|e| panic!("cannot write crds.json: {e}"));
    std::fs::write(out_dir.join("crds.yaml"), text)
        .unwrap_or_else(|e| panic!("cannot write crds.yaml: {e}"));
    std::fs::write(out_dir.join("data.rs"), tables)
        .unwrap_or_else(|e| panic!("cannot write data.rs: {e}"));
    println!("cargo::rerun-if-changed=src/render/yaml.rs");
    println!("cargo::rerun-if-changed=../istio-api/src/release.rs");
}
