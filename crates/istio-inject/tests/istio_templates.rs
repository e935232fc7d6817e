//! Istio's own injection templates, read unchanged from the injector ConfigMap of Istio's
//! `all_on` manifest golden, run through this engine on Istio's injection test inputs whose
//! settings are the defaults; the output must equal Istio's `.injected` goldens. Reads the
//! reference data at test time (`ISTIO_REFERENCE_DIR`, or `shared/reference/istio` beside the
//! checkout) and skips when it is absent.

use std::path::PathBuf;

use istio_inject::config::{InjectConfig, Values};
use istio_inject::inject::Settings;
use istio_inject::mesh::MeshConfig;
use istio_inject::workload::inject_stream;
use istio_inject::yaml;
use serde_json::Value;

fn reference() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ISTIO_REFERENCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../../../shared", "../../../../shared", "../../shared"]
        .iter()
        .map(|up| here.join(up).join("reference/istio"))
        .into_iter()
        .find(|p| p.join("kube-inject/cases.json").is_file())
}

fn docs(text: &str) -> Vec<Value> {
    yaml::split(text)
        .iter()
        .map(|c| yaml::parse(c.text).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// The comparison the conformance runner makes: images of Istio's default hubs and tags
/// reduced to their name, the status annotation compared as JSON.
fn normalize(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "image" {
                    if let Value::String(s) = x {
                        for hub in [
                            "registry.istio.io/testing/",
                            "docker.io/istio/",
                            "gcr.io/istio-release/",
                            "gcr.io/istio-testing/",
                        ] {
                            if let Some(rest) = s.strip_prefix(hub) {
                                let name = rest.split(':').next().unwrap_or(rest);
                                *s = format!("<hub>/{name}:<tag>");
                            }
                        }
                    }
                } else if k == "sidecar.istio.io/status" {
                    if let Value::String(s) = x {
                        *x = serde_json::from_str(s).unwrap();
                    }
                } else {
                    normalize(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalize),
        _ => {}
    }
}

fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{path}.{k}: {p:?} vs {q:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: length {} vs {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| first_difference(p, q, &format!("{path}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

#[test]
fn istio_all_on_templates_reproduce_istio_goldens() {
    let Some(root) = reference() else {
        eprintln!("skipped: no Istio reference data");
        return;
    };
    let golden = std::fs::read_to_string(
        root.join("manifests/output/all_on.golden-show-in-gh-pull-request.yaml"),
    )
    .unwrap();
    let (mut config, mut values, mut mesh) = (None, None, None);
    for d in docs(&golden) {
        if d["kind"] == "ConfigMap" {
            match d["metadata"]["name"].as_str() {
                Some("istio-sidecar-injector") => {
                    config = Some(d["data"]["config"].as_str().unwrap().to_string());
                    values = Some(d["data"]["values"].as_str().unwrap().to_string());
                }
                Some("istio") => mesh = Some(d["data"]["mesh"].as_str().unwrap().to_string()),
                _ => {}
            }
        }
    }
    let config = InjectConfig::parse(&config.unwrap()).unwrap();
    let values = Values::parse(&values.unwrap()).unwrap();
    let mesh = MeshConfig::from_json(&yaml::parse(&mesh.unwrap()).unwrap()).unwrap();

    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("kube-inject/cases.json")).unwrap(),
    )
    .unwrap();
    let base = root.join("kube-inject");
    let mut failures = Vec::new();
    let mut ran = 0;
    for c in cases["cases"].as_array().unwrap() {
        let defaults = c["suite"] == "injection"
            && c["skip"].is_null()
            && c["setFlags"].as_array().is_some_and(Vec::is_empty)
            && c["meshConfigChange"].as_array().is_some_and(Vec::is_empty)
            && c["meshConfigOverlay"].is_null()
            && c["iopFile"].is_null()
            && c["env"]
                .as_object()
                .is_some_and(|e| e.keys().all(|k| k == "ENABLE_NATIVE_SIDECARS"));
        if !defaults {
            continue;
        }
        ran += 1;
        let name = c["name"].as_str().unwrap();
        let settings = Settings {
            config: config.clone(),
            values: values.clone(),
            mesh: mesh.clone(),
            revision: String::new(),
            native_sidecars: c["env"]["ENABLE_NATIVE_SIDECARS"] != "false",
            compliance_policy: String::new(),
        };
        let input = std::fs::read_to_string(base.join(c["input"].as_str().unwrap())).unwrap();
        let result = inject_stream(&settings, &input);
        if c["expectError"] == true {
            if result.is_ok() {
                failures.push(format!("{name}: expected an error"));
            }
            continue;
        }
        let out = match result {
            Ok(o) => o.output,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if std::env::var("ISTIO_INJECT_SHOW").is_ok_and(|n| n == name) {
            println!("{out}");
        }
        let want_text = std::fs::read_to_string(base.join(c["golden"].as_str().unwrap())).unwrap();
        let mut got = Value::Array(docs(&out));
        let mut want = Value::Array(docs(&want_text));
        normalize(&mut got);
        normalize(&mut want);
        if let Some(d) = first_difference(&got, &want, "") {
            failures.push(format!("{name}: {d}"));
        }
    }
    assert!(ran > 30, "only {ran} cases with default settings");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
