//! The generated CRDs against Istio's (when the shared reference checkout is present) and
//! against `kubernetes-validate --strict`.

use std::path::{Path, PathBuf};

use istio_api as api;
use istio_api::schema::Schema;
use istio_core::yaml::{parse_document, split_documents};
use serde_json::Value;

/// Istio's CRDs in the reference data (`ISTIO_REFERENCE_DIR`, else `../shared` or
/// `../../shared` next to the project), when present.
fn reference_crds_file() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = "charts/base/files/crd-all.gen.yaml";
    let mut dirs: Vec<PathBuf> = std::env::var_os("ISTIO_REFERENCE_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.push(root.join("../shared/reference/istio"));
    dirs.push(root.join("../../shared/reference/istio"));
    dirs.into_iter().map(|d| d.join(file)).find(|p| p.is_file())
}

/// Istio's CRDs, or `None` when the reference data is not available.
fn golden_crds() -> Option<Vec<Value>> {
    let Some(path) = reference_crds_file() else {
        eprintln!("skipping: no Istio reference data (../shared or ISTIO_REFERENCE_DIR)");
        return None;
    };
    let text = std::fs::read_to_string(path).expect("read Istio's CRDs");
    let crds = split_documents(&text)
        .into_iter()
        .filter_map(|c| parse_document(&text[c.range.clone()], c.first_line, c.range.start).ok())
        .filter(|d| d["kind"] == "CustomResourceDefinition")
        .collect();
    Some(crds)
}

/// Drops `description` texts: descriptions are our own words, everything else is API fact.
fn without_descriptions(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| !(k.as_str() == "description" && v.is_string()))
                .map(|(k, v)| (k.clone(), without_descriptions(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_descriptions).collect()),
        other => other.clone(),
    }
}

/// The first difference between two schemas, as a path, for a readable failure.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let only_theirs = y.keys().filter(|k| !x.contains_key(*k));
            for k in x.keys().chain(only_theirs) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{path}.{k}: ours {p:?}, Istio's {q:?}")),
                }
            }
            None
        }
        _ if a == b => None,
        _ => Some(format!("{path}: ours {a}, Istio's {b}")),
    }
}

#[test]
fn crds_match_istios_crds() {
    let Some(golden) = golden_crds() else { return };
    let ours = api::crds();
    assert_eq!(ours.len(), api::KINDS.len());
    let mut ours_names: Vec<&str> = ours
        .iter()
        .filter_map(|c| c["metadata"]["name"].as_str())
        .collect();
    let mut theirs_names: Vec<&str> = golden
        .iter()
        .filter_map(|c| c["metadata"]["name"].as_str())
        .collect();
    ours_names.sort_unstable();
    theirs_names.sort_unstable();
    assert_eq!(ours_names, theirs_names, "the same CRDs as Istio");
    for crd in &ours {
        let name = crd["metadata"]["name"].as_str().expect("name");
        let theirs = golden
            .iter()
            .find(|g| g["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("Istio has no CRD {name}"));
        let (ours_spec, theirs_spec) = (&crd["spec"], &theirs["spec"]);
        for key in ["group", "names", "scope"] {
            assert_eq!(ours_spec[key], theirs_spec[key], "{name}: spec.{key}");
        }
        let ours_versions = ours_spec["versions"].as_array().expect("versions");
        let theirs_versions = theirs_spec["versions"].as_array().expect("versions");
        assert_eq!(
            ours_versions.len(),
            theirs_versions.len(),
            "{name}: versions"
        );
        for (o, t) in ours_versions.iter().zip(theirs_versions) {
            let version = o["name"].as_str().unwrap_or("");
            for key in ["name", "served", "storage", "subresources"] {
                assert_eq!(o[key], t[key], "{name} {version}: {key}");
            }
            assert_eq!(
                without_descriptions(&o["additionalPrinterColumns"]),
                without_descriptions(&t["additionalPrinterColumns"]),
                "{name} {version}: printer columns"
            );
            let (os, ts) = (
                without_descriptions(&o["schema"]),
                without_descriptions(&t["schema"]),
            );
            if let Some(diff) = first_difference(&os, &ts, "openAPIV3Schema") {
                panic!("{name} {version}: schema differs at {diff}");
            }
        }
    }
}

#[test]
fn crd_samples_keep_istios_enums_and_required_lists() {
    let Some(golden) = golden_crds() else { return };
    let ours = api::crds();
    let pick = |crds: &[Value], name: &str, pointer: &str| -> Value {
        let crd = crds
            .iter()
            .find(|c| c["metadata"]["name"] == name)
            .expect("crd");
        crd.pointer(&format!(
            "/spec/versions/0/schema/openAPIV3Schema/properties/spec{pointer}"
        ))
        .cloned()
        .unwrap_or(Value::Null)
    };
    let samples = [
        (
            "destinationrules.networking.istio.io",
            "/properties/trafficPolicy/properties/loadBalancer/properties/simple/enum",
        ),
        ("destinationrules.networking.istio.io", "/properties/host"),
        ("destinationrules.networking.istio.io", "/required"),
        (
            "virtualservices.networking.istio.io",
            "/properties/http/items/properties/route/items/required",
        ),
        (
            "gateways.networking.istio.io",
            "/properties/servers/items/required",
        ),
        (
            "serviceentries.networking.istio.io",
            "/properties/resolution/enum",
        ),
        (
            "peerauthentications.security.istio.io",
            "/properties/mtls/properties/mode/enum",
        ),
        (
            "authorizationpolicies.security.istio.io",
            "/properties/action/enum",
        ),
        ("wasmplugins.extensions.istio.io", "/properties/phase/enum"),
        (
            "trafficextensions.extensions.istio.io",
            "/properties/phase/enum",
        ),
        ("trafficextensions.extensions.istio.io", "/oneOf"),
        (
            "envoyfilters.networking.istio.io",
            "/properties/configPatches/items/properties/applyTo/enum",
        ),
        (
            "telemetries.telemetry.istio.io",
            "/properties/tracing/items/properties/randomSamplingPercentage",
        ),
    ];
    for (name, pointer) in samples {
        let o = without_descriptions(&pick(&ours, name, pointer));
        let t = without_descriptions(&pick(&golden, name, pointer));
        assert!(!t.is_null(), "Istio's {name} has {pointer}");
        assert_eq!(o, t, "{name} {pointer}");
    }
}

#[test]
fn every_cel_rule_but_known_ones_is_checked_natively() {
    fn walk(s: &Schema, unchecked: &mut Vec<String>) {
        unchecked.extend(
            s.rules
                .iter()
                .filter(|r| r.check.is_none())
                .map(|r| r.rule.clone()),
        );
        for (_, p) in &s.properties {
            walk(p, unchecked);
        }
        for child in s.items.iter().chain(s.values.iter()) {
            walk(child, unchecked);
        }
    }
    let mut unchecked = Vec::new();
    for kind in &api::KINDS {
        walk(kind.spec_schema(), &mut unchecked);
    }
    walk(api::status_schema(), &mut unchecked);
    assert!(
        unchecked.is_empty(),
        "CEL rules without a native check: {unchecked:#?}"
    );
}

#[test]
fn crds_pass_kubernetes_validate_strict() {
    let tool = std::process::Command::new("kubernetes-validate")
        .arg("--version")
        .output();
    if tool.is_err() {
        eprintln!("skipping: kubernetes-validate is not installed (scripts/test installs it)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crds.yaml");
    std::fs::write(&path, api::crds_yaml()).expect("write crds");
    let out = std::process::Command::new("kubernetes-validate")
        .arg("--strict")
        .arg(&path)
        .output()
        .expect("run kubernetes-validate");
    assert!(
        out.status.success(),
        "kubernetes-validate --strict rejected the CRDs:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn crds_yaml_reads_back_as_the_crds() {
    let text = api::crds_yaml();
    let docs: Vec<Value> = split_documents(&text)
        .into_iter()
        .map(|c| parse_document(&text[c.range.clone()], c.first_line, c.range.start).expect("yaml"))
        .filter(|d| !d.is_null())
        .collect();
    assert_eq!(docs, api::crds());
}

#[test]
fn every_top_level_spec_field_has_our_description() {
    for kind in &api::KINDS {
        let spec = kind.spec_schema();
        assert!(spec.doc.is_some(), "{}", kind.kind);
        for (name, field) in &spec.properties {
            assert!(
                field.doc.is_some(),
                "{}.spec.{name} has no description",
                kind.kind
            );
        }
    }
}

#[test]
fn committed_crds_are_generated_from_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(api::CRDS_PATH);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == api::crds_file(),
        "{} is stale or missing; regenerate it with `cargo run --example gen-api -- --write`",
        path.display()
    );
}

#[test]
fn committed_schemas_are_generated_from_the_types_and_read_back() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(api::SCHEMAS_PATH);
    let files = api::schema_files();
    assert_eq!(
        files.len(),
        api::KINDS.len() + 1,
        "a file per kind, and status"
    );
    for (name, generated) in files {
        let path = dir.join(&name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is stale or missing; regenerate it with `cargo run --example gen-api -- --write`",
            path.display()
        );
        // What a run reads is what was written: the copy deserializes to the same schema.
        let read: Schema = serde_json::from_str(&committed).expect("committed schema reads");
        let again = serde_json::to_string_pretty(&read).expect("schema writes") + "\n";
        assert_eq!(again, committed, "{name} does not read back as written");
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("schemas directory")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = api::schema_files().into_iter().map(|(n, _)| n).collect();
    expected.sort();
    assert_eq!(on_disk, expected, "files in {} no kind uses", dir.display());
    // And each kind embeds its own file.
    let write = |s: &Schema| serde_json::to_string_pretty(s).expect("schema writes") + "\n";
    for kind in &api::KINDS {
        let committed = std::fs::read_to_string(dir.join(kind.schema_file())).unwrap_or_default();
        assert_eq!(write(kind.spec_schema()), committed, "{}", kind.kind);
    }
    let status = std::fs::read_to_string(dir.join("IstioStatus.json")).unwrap_or_default();
    assert_eq!(write(api::status_schema()), status);
}

#[test]
fn descriptions_stop_below_the_top_level_spec_fields() {
    fn count(s: &Schema) -> usize {
        usize::from(s.doc.is_some())
            + s.properties.iter().map(|(_, p)| count(p)).sum::<usize>()
            + s.items
                .iter()
                .chain(s.values.iter())
                .map(|c| count(c))
                .sum::<usize>()
    }
    for kind in &api::KINDS {
        let spec = kind.spec_schema();
        assert_eq!(count(spec), 1 + spec.properties.len(), "{}", kind.kind);
    }
    assert_eq!(count(api::status_schema()), 0);
}
