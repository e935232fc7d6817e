//! Istio's own manifest-generate cases (`manifests/cases.json` in the reference data, with
//! their `input/` files and `output/` goldens): each rendered by our binary and compared with
//! Istio's golden object by object, normalized as the shared `istio-manifests` runner does
//! (its header states the rules). The injector ConfigMap's `config` key (the injection
//! templates) is left to the kube-inject suite. Skipped when the reference data is absent.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The reference data directory (`ISTIO_REFERENCE_DIR`, else `../shared` or `../../shared`).
fn reference_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = std::env::var_os("ISTIO_REFERENCE_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.push(root.join("../shared/reference/istio"));
    dirs.push(root.join("../../shared/reference/istio"));
    dirs.into_iter()
        .find(|d| d.join("manifests/cases.json").is_file())
}

const DROPPED_LABELS: &[&str] = &[
    "helm.sh/chart",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
];
const STAMPED_HUBS: &[&str] = &[
    "registry.istio.io/testing",
    "docker.io/istio",
    "gcr.io/istio-testing",
    "gcr.io/istio-release",
];

fn load(text: &str) -> Vec<Value> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).expect("YAML stream");
    docs.into_iter().filter(|d| !d.is_null()).collect()
}

fn key(o: &Value) -> (String, String, String) {
    let s = |p: &str| {
        o.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// Istio's diffSelect: `Kind:namespace:name` regexes (`*` or empty: any), unanchored.
fn selected(o: &Value, select: &str) -> bool {
    if select.is_empty() {
        return true;
    }
    let (kind, ns, name) = key(o);
    let hash = if matches!(kind.as_str(), "ClusterRole" | "ClusterRoleBinding") {
        format!("{kind}:{name}")
    } else {
        format!("{kind}:{ns}:{name}")
    };
    select.split(',').any(|sel| {
        let parts: Vec<&str> = sel.trim().split(':').take(3).collect();
        let pattern: Vec<String> = parts
            .iter()
            .map(|p| {
                if p.is_empty() || *p == "*" {
                    ".*".to_owned()
                } else {
                    (*p).to_owned()
                }
            })
            .collect();
        regex::Regex::new(&pattern.join(":")).is_ok_and(|r| r.is_match(&hash))
    })
}

struct Drift {
    rules: Vec<([regex::Regex; 3], Vec<String>)>,
}

impl Drift {
    fn new(entries: &Value) -> Self {
        let rules = entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let sel = e["select"].as_str().unwrap_or_default();
                let mut parts = sel
                    .splitn(3, ':')
                    .map(|p| regex::Regex::new(&format!("^(?:{p})$")).expect("drift regex"));
                let rs = [
                    parts.next().expect("kind"),
                    parts.next().expect("namespace"),
                    parts.next().expect("name"),
                ];
                let paths = e["paths"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                (rs, paths)
            })
            .collect();
        Drift { rules }
    }

    fn hits(&self, o: &Value) -> Vec<&Vec<String>> {
        let (k, n, m) = key(o);
        self.rules
            .iter()
            .filter(|(rs, _)| rs[0].is_match(&k) && rs[1].is_match(&n) && rs[2].is_match(&m))
            .map(|(_, p)| p)
            .collect()
    }

    fn whole(&self, o: &Value) -> bool {
        self.hits(o).iter().any(|p| p.is_empty())
    }

    fn paths(&self, o: &Value) -> Vec<String> {
        self.hits(o).into_iter().flatten().cloned().collect()
    }
}

/// Deletes a dotted path (a key containing dots is tried whole, longest first).
fn remove_path(node: &mut Value, segs: &[&str]) {
    let Value::Object(m) = node else { return };
    for j in (1..=segs.len()).rev() {
        let k = segs[..j].join(".");
        if j == segs.len() {
            if m.remove(&k).is_some() {
                return;
            }
        } else if let Some(child) = m.get_mut(&k) {
            remove_path(child, &segs[j..]);
            return;
        }
    }
}

fn strip_schema(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(strip_schema).collect()),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if k == "description" {
                    continue;
                }
                let maps = [
                    "properties",
                    "patternProperties",
                    "definitions",
                    "$defs",
                    "dependencies",
                ];
                if maps.contains(&k.as_str()) && x.is_object() {
                    let inner = x
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(pk, pv)| (pk.clone(), strip_schema(pv)))
                        .collect();
                    out.insert(k.clone(), Value::Object(inner));
                } else {
                    out.insert(k.clone(), strip_schema(x));
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn drop_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), drop_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(drop_nulls).collect()),
        other => other.clone(),
    }
}

fn norm_tag(t: &str, tags: &[String]) -> String {
    for s in tags {
        if t == s {
            return "<tag>".into();
        }
        if let Some(rest) = t.strip_prefix(&format!("{s}-")) {
            return format!("<tag>-{rest}");
        }
    }
    t.to_owned()
}

fn norm_values(v: &Value, tags: &[String], k: Option<&str>, parent: Option<&str>) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (ck, cv) in m {
                if k == Some("labels")
                    && parent == Some("metadata")
                    && DROPPED_LABELS.contains(&ck.as_str())
                {
                    continue;
                }
                if k == Some("annotations")
                    && parent == Some("metadata")
                    && ck.ends_with("/description")
                {
                    continue;
                }
                let nv = norm_values(cv, tags, Some(ck), k);
                if k == Some("metadata")
                    && ck == "annotations"
                    && cv.as_object().is_some_and(|a| !a.is_empty())
                    && nv.as_object().is_some_and(|a| a.is_empty())
                {
                    continue;
                }
                out.insert(ck.clone(), nv);
            }
            Value::Object(out)
        }
        Value::Array(a) => {
            Value::Array(a.iter().map(|x| norm_values(x, tags, k, parent)).collect())
        }
        Value::String(s) => match k {
            Some("image") => {
                let Some((head, tag)) = s.rsplit_once(':') else {
                    return v.clone();
                };
                let Some((hub, name)) = head.rsplit_once('/') else {
                    return v.clone();
                };
                let hub = if STAMPED_HUBS.contains(&hub) {
                    "<hub>"
                } else {
                    hub
                };
                Value::String(format!("{hub}/{name}:{}", norm_tag(tag, tags)))
            }
            Some("hub") if STAMPED_HUBS.contains(&s.as_str()) => Value::String("<hub>".into()),
            Some("tag" | "CURRENT_AGENT_VERSION") => Value::String(norm_tag(s, tags)),
            _ => v.clone(),
        },
        other => other.clone(),
    }
}

fn normalize(o: &Value, tags: &[String], drift_paths: &[String]) -> Value {
    let mut o = o.clone();
    let kind = o["kind"].as_str().unwrap_or_default().to_owned();
    if kind == "CustomResourceDefinition" {
        for v in o["spec"]["versions"].as_array_mut().into_iter().flatten() {
            if v["schema"]["openAPIV3Schema"].is_object() {
                v["schema"]["openAPIV3Schema"] = strip_schema(&v["schema"]["openAPIV3Schema"]);
            }
            for c in v["additionalPrinterColumns"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                if let Some(m) = c.as_object_mut() {
                    m.remove("description");
                }
            }
        }
    }
    if kind == "ConfigMap" {
        if let Some(data) = o["data"].as_object_mut() {
            for (_, v) in data.iter_mut() {
                if let Some(s) = v.as_str() {
                    if let Ok(p @ (Value::Object(_) | Value::Array(_))) =
                        serde_saphyr::from_str::<Value>(s)
                    {
                        *v = p;
                    }
                }
            }
        }
        let name = o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if name == "istio-sidecar-injector" || name.starts_with("istio-sidecar-injector-") {
            // The injection templates and their config are checked by the kube-inject suite.
            if let Some(data) = o["data"].as_object_mut() {
                data.remove("config");
            }
        }
    }
    let mut o = drop_nulls(&o);
    for p in drift_paths {
        let segs: Vec<&str> = p.split('.').collect();
        remove_path(&mut o, &segs);
    }
    norm_values(&o, tags, None, None)
}

/// The versions our render stamps (app.kubernetes.io/version labels, helm.sh/chart suffixes).
fn stamped(objs: &[Value]) -> Vec<String> {
    let mut out = vec!["latest".to_owned(), "1.0.0".to_owned()];
    for o in objs {
        let l = &o["metadata"]["labels"];
        if let Some(v) = l["app.kubernetes.io/version"].as_str() {
            out.push(v.to_owned());
        }
        if let Some((_, v)) = l["helm.sh/chart"].as_str().and_then(|c| c.rsplit_once('-')) {
            out.push(v.to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Leaf paths where two values differ, for a readable failure.
fn diffs(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => diffs(v, w, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: Istio {v}, ours absent")),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}.{k}: Istio absent, ours {}", y[k]));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diffs(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: Istio {a}, ours {b}")),
    }
}

#[test]
fn istios_manifest_cases_render_equal() {
    let Some(dir) = reference_dir() else {
        eprintln!("skipping: no Istio reference data (../shared or ISTIO_REFERENCE_DIR)");
        return;
    };
    let base = dir.join("manifests");
    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string(base.join("cases.json")).expect("cases.json"),
    )
    .expect("cases.json is JSON");
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases["cases"].as_array().expect("cases") {
        count += 1;
        let name = case["name"].as_str().unwrap_or_default();
        let mut cmd = assert_cmd::Command::cargo_bin("istioctl").expect("binary");
        cmd.args(["manifest", "generate"]);
        for f in case["inputFiles"].as_array().into_iter().flatten() {
            cmd.arg("-f").arg(base.join(f.as_str().unwrap_or_default()));
        }
        for flag in case["flags"].as_array().into_iter().flatten() {
            cmd.arg(flag.as_str().unwrap_or_default());
        }
        let out = cmd.output().expect("run");
        if !out.status.success() {
            failures.push(format!("{name}: {}", String::from_utf8_lossy(&out.stderr)));
            continue;
        }
        let select = case["diffSelect"].as_str().unwrap_or_default();
        let ours: Vec<Value> = load(&String::from_utf8_lossy(&out.stdout))
            .into_iter()
            .filter(|o| selected(o, select))
            .collect();
        let golden_text =
            std::fs::read_to_string(base.join(case["golden"].as_str().unwrap_or_default()))
                .expect("golden");
        let golden: Vec<Value> = load(&golden_text)
            .into_iter()
            .filter(|o| selected(o, select))
            .collect();
        let drift = Drift::new(&case["drift"]);
        let tags = stamped(&ours);
        let keep = |objs: Vec<Value>| -> Vec<Value> {
            objs.into_iter().filter(|o| !drift.whole(o)).collect()
        };
        let (ours, golden) = (keep(ours), keep(golden));
        let mut ours_keys: Vec<_> = ours.iter().map(key).collect();
        let mut golden_keys: Vec<_> = golden.iter().map(key).collect();
        ours_keys.sort();
        golden_keys.sort();
        if ours_keys != golden_keys {
            failures.push(format!(
                "{name}: objects differ\n  Istio: {golden_keys:?}\n  ours:  {ours_keys:?}"
            ));
            continue;
        }
        for g in &golden {
            let o = ours
                .iter()
                .find(|o| key(o) == key(g))
                .expect("same inventory");
            let paths = drift.paths(g);
            let (gn, on) = (normalize(g, &tags, &paths), normalize(o, &tags, &paths));
            if gn != on {
                let mut d = Vec::new();
                diffs(&gn, &on, "", &mut d);
                d.truncate(8);
                failures.push(format!(
                    "{name}: {:?} differs:\n    {}",
                    key(g),
                    d.join("\n    ")
                ));
            }
        }
    }
    assert!(count >= 14, "cases.json lists Istio's cases");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
