//! `istioctl kube-inject` on fixtures of our own: what is injected and how (with the injector
//! configuration our `manifest generate` renders), what is skipped, the pod annotations that
//! change the proxy, custom templates, and bad input. Plus, when `kubectl` is installed, the
//! output applied to the API emulator, and the configuration read from the emulator's
//! ConfigMaps instead of files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/inject/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The injector ConfigMap (config, values) and mesh config our `manifest generate` renders,
/// written to files once.
fn rendered() -> &'static (PathBuf, PathBuf, PathBuf, String) {
    static FILES: OnceLock<(PathBuf, PathBuf, PathBuf, String)> = OnceLock::new();
    FILES.get_or_init(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_istioctl"))
            .args([
                "manifest",
                "generate",
                "--set",
                "profile=empty",
                "--set",
                "components.pilot.enabled=true",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let dir = std::env::temp_dir().join(format!("kube-inject-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (mut config, mut values, mut mesh) = (None, None, None);
        for doc in docs(&text) {
            if doc["kind"] == "ConfigMap" {
                match doc["metadata"]["name"].as_str() {
                    Some("istio-sidecar-injector") => {
                        config = doc["data"]["config"].as_str().map(str::to_string);
                        values = doc["data"]["values"].as_str().map(str::to_string);
                    }
                    Some("istio") => mesh = doc["data"]["mesh"].as_str().map(str::to_string),
                    _ => {}
                }
            }
        }
        let write = |name: &str, text: Option<String>| {
            let p = dir.join(name);
            std::fs::write(&p, text.unwrap()).unwrap();
            p
        };
        (
            write("config.yaml", config),
            write("values.json", values),
            write("mesh.yaml", mesh),
            text,
        )
    })
}

/// The documents of a YAML stream, split and parsed as kube-inject reads its input.
fn docs(text: &str) -> Vec<Value> {
    istio_inject::yaml::split(text)
        .iter()
        .map(|c| istio_inject::yaml::parse(c.text).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

fn inject_with(input: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let (config, values, mesh, _) = rendered();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_istioctl"));
    cmd.args(["kube-inject", "-f", input])
        .arg("--injectConfigFile")
        .arg(config)
        .arg("--valuesFile")
        .arg(values)
        .arg("--meshConfigFile")
        .arg(mesh)
        .args(extra)
        .env_remove("ENABLE_NATIVE_SIDECARS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn inject(input: &str) -> Output {
    inject_with(input, &[], &[])
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "kube-inject failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Stderr with miette's line wrapping undone: box characters dropped, white space collapsed.
fn flat(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).replace(['│', '×'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|l| l.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default()
}

fn env_value<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)?["value"]
        .as_str()
}

fn container<'a>(spec: &'a Value, list: &str, name: &str) -> &'a Value {
    spec[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

#[test]
fn injects_workloads_and_keeps_other_documents() {
    let out = stdout(&inject(&fixture("workloads.yaml")));
    // The Service is written back as it was, comments included, in its place.
    let input = std::fs::read_to_string(fixture("workloads.yaml")).unwrap();
    let service_text = input.split("---\n").next().unwrap();
    assert!(out.starts_with(service_text), "{out}");
    let d = docs(&out);
    assert_eq!(d.len(), 2);
    let pod = &d[1]["spec"]["template"];
    let spec = &pod["spec"];
    assert_eq!(names(&spec["containers"]), ["web", "istio-proxy"]);
    assert_eq!(names(&spec["initContainers"]), ["istio-init"]);
    assert_eq!(
        pod["metadata"]["labels"],
        json!({"app": "shop", "version": "v2", "security.istio.io/tlsMode": "istio",
               "service.istio.io/canonical-name": "shop", "service.istio.io/canonical-revision": "v2"})
    );
    let ann = &pod["metadata"]["annotations"];
    assert_eq!(ann["prometheus.io/port"], "15020");
    assert_eq!(ann["kubectl.kubernetes.io/default-container"], "web");
    let status: Value =
        serde_json::from_str(ann["sidecar.istio.io/status"].as_str().unwrap()).unwrap();
    assert_eq!(status["initContainers"], json!(["istio-init"]));
    assert_eq!(status["containers"], json!(["istio-proxy"]));
    assert_eq!(status["revision"], "default");
    // The application's probe goes through the proxy's status port.
    let web = container(spec, "containers", "web");
    assert_eq!(
        web["readinessProbe"],
        json!({"httpGet": {"path": "/app-health/web/readyz", "port": 15020}})
    );
    let proxy = container(spec, "containers", "istio-proxy");
    assert_eq!(
        env_value(proxy, "ISTIO_KUBE_APP_PROBERS"),
        Some(r#"{"/app-health/web/readyz":{"httpGet":{"path":"/ready","port":8080}}}"#)
    );
    assert_eq!(
        env_value(proxy, "ISTIO_META_OWNER"),
        Some("kubernetes://apis/apps/v1/namespaces/store/deployments/shop")
    );
    assert_eq!(
        env_value(proxy, "ISTIO_META_POD_PORTS"),
        Some("[\n    {\"name\":\"http\",\"containerPort\":8080}\n]")
    );
    assert_eq!(d[1]["spec"]["strategy"], json!({}));
    assert_eq!(d[1]["status"], json!({}));
}

#[test]
fn native_sidecars_follow_the_switch_and_reinjection_changes_nothing() {
    let out = stdout(&inject_with(
        &fixture("workloads.yaml"),
        &[],
        &[("ENABLE_NATIVE_SIDECARS", "true")],
    ));
    let d = docs(&out);
    let spec = &d[1]["spec"]["template"]["spec"];
    assert_eq!(names(&spec["containers"]), ["web"]);
    assert_eq!(
        names(&spec["initContainers"]),
        ["istio-init", "istio-proxy"]
    );
    assert_eq!(
        container(spec, "initContainers", "istio-proxy")["restartPolicy"],
        "Always"
    );

    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.yaml");
    std::fs::write(&once, &out).unwrap();
    let twice = stdout(&inject_with(
        once.to_str().unwrap(),
        &[],
        &[("ENABLE_NATIVE_SIDECARS", "true")],
    ));
    assert_eq!(docs(&twice), d);
}

#[test]
fn skips_host_network_opted_out_and_system_pods() {
    let out = inject(&fixture("skipped.yaml"));
    let text = stdout(&out);
    assert!(!text.contains("istio-proxy"), "{text}");
    assert_eq!(docs(&text).len(), 3);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "===> Skipping injection because Deployment \"edge/host-net\" has host networking enabled\n\
         ===> Skipping injection because Pod \"opted-out\" has sidecar injection disabled\n\
         ===> Skipping injection because Pod \"kube-system/system-pod\" has sidecar injection disabled\n"
    );
}

#[test]
fn pod_annotations_override_the_proxy() {
    let d = docs(&stdout(&inject(&fixture("overrides.yaml"))));
    let pod = &d[0]["spec"]["template"];
    let spec = &pod["spec"];
    // Holding the application until the proxy is ready puts the proxy first.
    assert_eq!(names(&spec["containers"]), ["istio-proxy", "postgres"]);
    let proxy = container(spec, "containers", "istio-proxy");
    assert_eq!(
        env_value(proxy, "PROXY_CONFIG"),
        Some("{\"proxyMetadata\":{\"DB_MODE\":\"primary\"},\"holdApplicationUntilProxyStarts\":true}\n")
    );
    assert_eq!(env_value(proxy, "DB_MODE"), Some("primary"));
    assert_eq!(proxy["resources"]["requests"], json!({"cpu": "250m"}));
    assert!(proxy["resources"].get("limits").is_none());
    assert_eq!(
        proxy["lifecycle"]["postStart"]["exec"]["command"],
        json!(["pilot-agent", "wait"])
    );
    // The pod's own istio-proxy settings win, and are recorded for re-injection.
    assert_eq!(proxy["securityContext"]["runAsUser"], 2000);
    assert_eq!(
        pod["metadata"]["annotations"]["proxy.istio.io/overrides"],
        r#"{"containers":[{"name":"istio-proxy","resources":{},"securityContext":{"runAsUser":2000}}]}"#
    );
    let init = container(spec, "initContainers", "istio-init");
    let args: Vec<&str> = init["args"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let o = args.iter().position(|a| *a == "-o").unwrap();
    assert_eq!(args[o + 1], "5432");
    let u = args.iter().position(|a| *a == "-u").unwrap();
    assert_eq!(args[u + 1], "2000");
}

fn own_templates(input: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .args(["kube-inject", "-f", input])
        .args(["--injectConfigFile", &fixture("templates.yaml")])
        .args(["--valuesFile", &fixture("values.yaml")])
        .args(["--meshConfigFile", &fixture("mesh.yaml")])
        .args(extra)
        .output()
        .unwrap()
}

fn pod_asking_for(dir: &Path, templates: &str) -> String {
    let p = dir.join(format!("{templates}.yaml"));
    std::fs::write(
        &p,
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  annotations:\n    inject.istio.io/templates: {templates}\nspec:\n  containers:\n  - name: main\n    image: example.com/app:1\n"
        ),
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn custom_templates_and_aliases() {
    let out = stdout(&own_templates(&fixture("workloads.yaml"), &[]));
    let d = docs(&out);
    let pod = &d[1]["spec"]["template"];
    assert_eq!(pod["metadata"]["labels"]["injected-by"], "platform-team");
    let proxy = container(&pod["spec"], "containers", "istio-proxy");
    assert_eq!(proxy["image"], "example.com/mesh/logger:3.4");
    assert_eq!(proxy["args"], json!(["--app=web", "--mesh=example.org"]));

    let dir = tempfile::tempdir().unwrap();
    let both = docs(&stdout(&own_templates(
        &pod_asking_for(dir.path(), "everything"),
        &[],
    )));
    assert_eq!(
        both[0]["metadata"]["annotations"]["example.com/marked"],
        "true"
    );
    assert_eq!(
        names(&both[0]["spec"]["containers"]),
        ["main", "istio-proxy"]
    );

    let unknown = own_templates(&pod_asking_for(dir.path(), "nope"), &[]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stdout.is_empty());
    let err = flat(&unknown);
    assert!(
        err.contains(
            r#"requested template "nope" not found; have bad-yaml, broken, logger, marker"#
        ),
        "{err}"
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = own_templates(&pod_asking_for(dir.path(), "broken"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = flat(&out);
    assert!(
        err.contains(r#"template "broken", line 3: can't evaluate field NoSuchField in type inject.SidecarTemplateData"#),
        "{err}"
    );
    assert!(err.contains("Pod \"app\""), "{err}");

    let out = own_templates(&pod_asking_for(dir.path(), "bad-yaml"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = flat(&out);
    assert!(
        err.contains(r#"template "bad-yaml" produced YAML that does not parse"#),
        "{err}"
    );
}

/// A bad document deep in a large stream is reported on its line, counted as the parser counts
/// lines (a lone CR breaks one), and its code frame shows that line.
#[test]
fn a_bad_document_at_the_end_of_a_large_stream_is_framed_on_its_line() {
    let mut docs: Vec<String> = (0..3000)
        .map(|i| format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\n"))
        .collect();
    docs[0] = "apiVersion: v1\rkind: Service\nmetadata:\n  name: s0\n".to_owned();
    docs.push("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad: value\n".to_owned());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.yaml");
    std::fs::write(&path, docs.join("---\n")).unwrap();
    let out = inject(path.to_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // 3000 documents of 4 lines and their 3000 `---` lines come first.
    let err = flat(&out);
    assert!(
        err.contains("line 15004: document 3001 is not valid YAML"),
        "{err}"
    );
    let raw = String::from_utf8_lossy(&out.stderr);
    assert!(raw.contains("15004 │   name: bad: value"), "{raw}");
}

#[test]
fn bad_input_fails_with_the_document_and_line_and_prints_nothing() {
    let out = inject(&fixture("bad-yaml.yaml"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "partial output: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = flat(&out);
    assert!(err.contains("document 2 is not valid YAML"), "{err}");
    assert!(
        err.contains(
            "line 14: document 2 is not valid YAML: mapping values are not allowed in this context"
        ),
        "{err}"
    );
    assert!(err.contains("bad-yaml.yaml"), "{err}");

    let out = inject(&fixture("no-kind.yaml"));
    assert_eq!(out.status.code(), Some(1));
    let err = flat(&out);
    assert!(err.contains("document 1 has no kind"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .arg("kube-inject")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(flat(&out).contains("filename not specified (see --filename or -f)"));
}

#[test]
fn reads_standard_input_and_writes_the_output_file() {
    let (config, values, mesh, _) = rendered();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .args(["kube-inject", "-f", "-", "-o"])
        .arg(&target)
        .arg("--injectConfigFile")
        .arg(config)
        .arg("--valuesFile")
        .arg(values)
        .arg("--meshConfigFile")
        .arg(mesh)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            std::fs::read_to_string(fixture("workloads.yaml"))
                .unwrap()
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(
        docs(&written),
        docs(&stdout(&inject(&fixture("workloads.yaml"))))
    );
}

fn kubectl(kubeconfig: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--request-timeout=30s")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn output_applies_to_the_emulator_and_configuration_comes_from_its_configmaps() {
    let has_kubectl = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_kubectl {
        eprintln!("SKIPPED: `kubectl` is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let emulator = kube_emulator::Emulator::start(kube_emulator::Config::default()).unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    emulator.write_kubeconfig(&kubeconfig).unwrap();
    let cache = dir.path().join("cache");
    let k = |args: &[&str]| {
        let out = kubectl(&kubeconfig, &cache, args);
        assert!(
            out.status.success(),
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let namespaces = dir.path().join("namespaces.yaml");
    std::fs::write(
        &namespaces,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: store\n",
    )
    .unwrap();
    k(&["apply", "--server-side", "-f", namespaces.to_str().unwrap()]);

    // The injector and mesh ConfigMaps, as our install puts them in the cluster.
    let (_, _, _, manifest) = rendered();
    let configmaps: Vec<Value> = docs(manifest)
        .into_iter()
        .filter(|d| {
            d["kind"] == "ConfigMap"
                && matches!(
                    d["metadata"]["name"].as_str(),
                    Some("istio" | "istio-sidecar-injector")
                )
        })
        .collect();
    assert_eq!(configmaps.len(), 2);
    let cm_file = dir.path().join("configmaps.json");
    std::fs::write(
        &cm_file,
        serde_json::to_string(&json!({"apiVersion": "v1", "kind": "List", "items": configmaps}))
            .unwrap(),
    )
    .unwrap();
    k(&["apply", "--server-side", "-f", cm_file.to_str().unwrap()]);

    let from_cluster = Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .args([
            "kube-inject",
            "-f",
            &fixture("workloads.yaml"),
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .env_remove("ENABLE_NATIVE_SIDECARS")
        .output()
        .unwrap();
    let injected = stdout(&from_cluster);
    assert_eq!(
        docs(&injected),
        docs(&stdout(&inject(&fixture("workloads.yaml"))))
    );

    let out_file = dir.path().join("injected.yaml");
    std::fs::write(&out_file, &injected).unwrap();
    let applied = k(&[
        "apply",
        "--server-side",
        "--field-manager=istioctl-test",
        "-f",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        applied.contains("deployment.apps/shop serverside-applied"),
        "{applied}"
    );
    let got: Value = serde_json::from_str(&k(&[
        "get",
        "deployment",
        "shop",
        "-n",
        "store",
        "-o",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        names(&got["spec"]["template"]["spec"]["containers"]),
        ["web", "istio-proxy"]
    );

    // A revision reads that revision's ConfigMaps; a missing one is a clear error.
    let missing = Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .args([
            "kube-inject",
            "-f",
            &fixture("workloads.yaml"),
            "--revision",
            "canary",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    let err = flat(&missing);
    assert!(
        err.contains("ConfigMap istio-system/istio-sidecar-injector-canary: it does not exist"),
        "{err}"
    );
}

fn reference() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ISTIO_REFERENCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../shared", "../../shared"]
        .iter()
        .map(|up| here.join(up).join("reference/istio"))
        .find(|p| p.join("kube-inject/cases.json").is_file())
}

/// Istio's goldens compared as the conformance runner compares them: images of Istio's
/// test hub reduced to their name, the status annotation as JSON.
fn comparable(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    match (k.as_str(), &*x) {
                        ("image", Value::String(s)) if s.contains("/proxyv2:") => {
                            *x = json!("proxyv2")
                        }
                        ("sidecar.istio.io/status", Value::String(s)) => {
                            *x = serde_json::from_str(s).unwrap()
                        }
                        _ => walk(x),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// A change made to the injector values for one case.
type ValuesEdit = fn(&mut Value);

/// Istio's injection cases whose settings our `manifest generate` cannot render yet (the CNI
/// component, `podDNSSearchNamespaces`): the same settings applied to the injector values
/// directly show that our templates produce Istio's goldens for them.
#[test]
fn our_templates_match_istio_for_cni_and_values_templates() {
    let Some(root) = reference() else {
        eprintln!("SKIPPED: no Istio reference data");
        return;
    };
    let (config, values, mesh, _) = rendered();
    let base: Value = serde_json::from_str(&std::fs::read_to_string(values).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, ValuesEdit); 5] = [
        ("hello.yaml", "hello.yaml.cni.injected", |v| {
            v["pilot"]["cni"] = json!({"enabled": true, "provider": "default"});
            v["global"]["network"] = json!("network1");
        }),
        (
            "hello-existing-cncf-networks.yaml",
            "hello-existing-cncf-networks.yaml.injected",
            |v| {
                v["pilot"]["cni"] = json!({"enabled": true, "provider": "multus"});
            },
        ),
        (
            "hello-existing-cncf-networks-json.yaml",
            "hello-existing-cncf-networks-json.yaml.injected",
            |v| {
                v["pilot"]["cni"] = json!({"enabled": true, "provider": "multus"});
            },
        ),
        (
            "proxy-override-runas.yaml",
            "proxy-override-runas.yaml.cni.injected",
            |v| {
                v["pilot"]["cni"] = json!({"enabled": true, "provider": "default"});
            },
        ),
        (
            "hello.yaml",
            "hello-template-in-values.yaml.injected",
            |v| {
                v["global"]["podDNSSearchNamespaces"] = json!([
                    "global",
                    "{{ valueOrDefault .DeploymentMeta.Namespace \"default\" }}.global"
                ]);
            },
        ),
    ];
    let testdata = root.join("kube-inject/pkg/kube/inject/testdata/inject");
    for (input, golden, edit) in cases {
        let mut v = base.clone();
        edit(&mut v);
        let values_file = dir.path().join("values.json");
        std::fs::write(&values_file, v.to_string()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_istioctl"))
            .arg("kube-inject")
            .arg("-f")
            .arg(testdata.join(input))
            .arg("--injectConfigFile")
            .arg(config)
            .arg("--valuesFile")
            .arg(&values_file)
            .arg("--meshConfigFile")
            .arg(mesh)
            .env("ENABLE_NATIVE_SIDECARS", "true")
            .output()
            .unwrap();
        let ours: Vec<Value> = docs(&stdout(&out)).into_iter().map(comparable).collect();
        let want: Vec<Value> = docs(&std::fs::read_to_string(testdata.join(golden)).unwrap())
            .into_iter()
            .map(comparable)
            .collect();
        assert_eq!(ours, want, "{golden}");
    }
}
