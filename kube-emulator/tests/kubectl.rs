//! Fidelity with the real `kubectl` over HTTPS with the emulator's CA and bearer token.
//! Skipped (with a message) when `kubectl` is not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use kube_emulator::{Config, Emulator, FaultKind, Faults, Handle, Readiness};
use serde_json::Value;
use tempfile::TempDir;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo.yaml");

/// An emulator and a kubectl configured for it (its own kubeconfig and discovery cache).
struct Cluster {
    emulator: Handle,
    dir: TempDir,
    kubeconfig: PathBuf,
}

fn kubectl_missing() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: `kubectl` is not installed; the kubectl fidelity tests need it");
    }
    !found
}

impl Cluster {
    fn start(config: Config) -> Self {
        let emulator = Emulator::start(config).expect("emulator starts");
        assert!(emulator.url().starts_with("https://127.0.0.1:"));
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        emulator.write_kubeconfig(&kubeconfig).unwrap();
        Self {
            emulator,
            dir,
            kubeconfig,
        }
    }

    fn kubectl_with(&self, kubeconfig: &Path, args: &[&str]) -> Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .arg("--request-timeout=20s")
            .args(args)
            .env("KUBECONFIG", kubeconfig)
            .output()
            .expect("kubectl runs")
    }

    fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_with(&self.kubeconfig, args)
    }

    /// Runs kubectl and asserts success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args);
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("kubectl prints JSON")
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| {
            format!(
                "{}/{}",
                i["kind"].as_str().unwrap_or_default(),
                i["metadata"]["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn apply_get_conflict_delete() {
    if kubectl_missing() {
        return;
    }
    let cluster = Cluster::start(Config::default());

    // Like a real API server: the custom resource's kind is unknown until its CRD is applied,
    // so the first apply creates everything else and fails on it; the second converges.
    let first = cluster.kubectl(&["apply", "--server-side", "-f", FIXTURE]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(!first.status.success());
    assert!(
        stderr.contains("ensure CRDs are installed first"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(stdout.matches("serverside-applied").count(), 8, "{stdout}");
    let second = cluster.ok(&["apply", "--server-side", "-f", FIXTURE]);
    assert!(
        second.contains("gateway.networking.example.io/ingress serverside-applied"),
        "{second}"
    );

    let cm = cluster.json(&[
        "get",
        "configmap",
        "mesh",
        "-n",
        "demo-system",
        "--show-managed-fields",
    ]);
    assert_eq!(cm["data"]["meshNetworks"], "networks: {}");
    assert_eq!(cm["metadata"]["managedFields"][0]["manager"], "kubectl");
    let labelled = cluster.json(&["get", "all", "-A", "-l", "app=demo"]);
    assert_eq!(names(&labelled), ["Service/demod", "Deployment/demod"]);
    let picked = cluster.json(&[
        "get",
        "deploy,svc,cm",
        "-A",
        "-l",
        "component in (pilot),app",
    ]);
    assert_eq!(names(&picked), ["Deployment/demod"]);
    let gateways = cluster.json(&["get", "gw", "-A"]);
    assert_eq!(names(&gateways), ["Gateway/ingress"]);
    assert_eq!(
        gateways["items"][0]["spec"]["servers"][0]["port"]["number"],
        80
    );
    let crd = cluster.json(&["get", "crd", "gateways.networking.example.io"]);
    assert!(crd["status"]["conditions"]
        .to_string()
        .contains("Established"));
    let hooks = cluster.ok(&["get", "mutatingwebhookconfigurations", "-o", "name"]);
    assert_eq!(
        hooks.trim(),
        "mutatingwebhookconfiguration.admissionregistration.k8s.io/demo-sidecar-injector"
    );

    // kubectl's other writes: label (merge patch) and patch --type=json.
    cluster.ok(&[
        "label",
        "configmap",
        "mesh",
        "-n",
        "demo-system",
        "extra=yes",
    ]);
    cluster.ok(&[
        "patch",
        "deployment",
        "demod",
        "-n",
        "demo-system",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/replicas","value":3}]"#,
    ]);
    let deploy = cluster.json(&["get", "deployment", "demod", "-n", "demo-system"]);
    assert_eq!(deploy["spec"]["replicas"], 3);
    assert_eq!(deploy["metadata"]["generation"], 2);

    // Another field manager changing a field kubectl owns: a conflict, unless forced.
    let other = cluster.write(
        "other.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mesh\n  namespace: demo-system\ndata:\n  meshNetworks: 'networks: {east: {}}'\n",
    );
    let out = cluster.kubectl(&[
        "apply",
        "--server-side",
        "--field-manager",
        "other",
        "-f",
        &other,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("Apply failed with 1 conflict"), "{stderr}");
    assert!(stderr.contains("conflict with \"kubectl\""), "{stderr}");
    assert!(stderr.contains(".data.meshNetworks"), "{stderr}");
    cluster.ok(&[
        "apply",
        "--server-side",
        "--field-manager",
        "other",
        "--force-conflicts",
        "-f",
        &other,
    ]);
    let cm = cluster.json(&["get", "configmap", "mesh", "-n", "demo-system"]);
    assert_eq!(cm["data"]["meshNetworks"], "networks: {east: {}}");

    // Deleting the namespace removes everything in it; cluster-scoped objects stay.
    let deleted = cluster.ok(&["delete", "namespace", "demo-system"]);
    assert!(
        deleted.contains("namespace \"demo-system\" deleted"),
        "{deleted}"
    );
    let gone = cluster.kubectl(&["get", "namespace", "demo-system"]);
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("NotFound"));
    assert!(names(&cluster.json(&["get", "all,cm,sa,gw", "-A", "-l", "app=demo"])).is_empty());
    cluster.ok(&["get", "clusterrole", "demod-reader"]);

    // Deleting the whole file: the rest goes, the CRD after its custom resources.
    cluster.ok(&["delete", "--ignore-not-found", "-f", FIXTURE]);
    for kind in ["clusterrole", "mutatingwebhookconfiguration", "crd"] {
        let left = cluster.ok(&["get", kind, "-o", "name"]);
        assert!(
            !left.contains("demo") && !left.contains("gateways"),
            "{kind}: {left}"
        );
    }
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: nginx}
";

#[test]
fn rollout_waits_for_readiness() {
    if kubectl_missing() {
        return;
    }
    let cluster = Cluster::start(Config {
        readiness: Readiness::After(Duration::from_millis(1500)),
        ..Config::default()
    });
    let file = cluster.write("deploy.yaml", DEPLOYMENT);
    let started = Instant::now();
    cluster.ok(&["apply", "--server-side", "-f", &file]);
    let before = cluster.json(&["get", "deployment", "web"]);
    assert!(
        before["status"]["readyReplicas"].is_null(),
        "{}",
        before["status"]
    );
    let out = cluster.ok(&["rollout", "status", "deployment/web", "--timeout=10s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    assert!(started.elapsed() >= Duration::from_millis(1400));
    let after = cluster.json(&["get", "deployment", "web"]);
    assert_eq!(after["status"]["readyReplicas"], 2);
    assert_eq!(after["status"]["observedGeneration"], 1);
    cluster.ok(&[
        "wait",
        "--for=condition=Available",
        "deployment/web",
        "--timeout=5s",
    ]);
}

#[test]
fn rollout_times_out_when_never_ready() {
    if kubectl_missing() {
        return;
    }
    let cluster = Cluster::start(Config {
        readiness: Readiness::Never,
        ..Config::default()
    });
    let file = cluster.write("deploy.yaml", DEPLOYMENT);
    cluster.ok(&["apply", "--server-side", "-f", &file]);
    let out = cluster.kubectl(&["rollout", "status", "deployment/web", "--timeout=2s"]);
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("Waiting for deployment \"web\" rollout to finish"),
        "{text}"
    );
    assert!(text.contains("timed out"), "{text}");
}

#[test]
fn unauthorized_without_the_token() {
    if kubectl_missing() {
        return;
    }
    let cluster = Cluster::start(Config::default());
    let good = std::fs::read_to_string(&cluster.kubeconfig).unwrap();
    let bad = good.replace(cluster.emulator.token(), "not-the-token");
    assert_ne!(good, bad);
    let bad_path = cluster.dir.path().join("bad-kubeconfig");
    std::fs::write(&bad_path, bad).unwrap();
    let out = cluster.kubectl_with(&bad_path, &["get", "namespaces"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("You must be logged in to the server"),
        "{stderr}"
    );
    let ok = cluster.ok(&["get", "namespaces", "-o", "name"]);
    assert!(ok.contains("namespace/default"), "{ok}");
}

#[test]
fn paging_and_retries_under_faults() {
    if kubectl_missing() {
        return;
    }
    // A third of resource requests get 429 + Retry-After: kubectl (client-go) retries them.
    let cluster = Cluster::start(Config {
        faults: Faults {
            rate: 0.3,
            seed: 7,
            kinds: vec![FaultKind::TooManyRequests],
            ..Faults::default()
        },
        ..Config::default()
    });
    let docs: Vec<String> = (0..12)
        .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:02}\n  namespace: default\n  labels: {{batch: b}}\ndata:\n  i: '{i}'\n"))
        .collect();
    let file = cluster.write("many.yaml", &docs.join("---\n"));
    cluster.ok(&["apply", "--server-side", "-f", &file]);
    let list = cluster.json(&["get", "configmaps", "-l", "batch=b", "--chunk-size=5"]);
    let got = names(&list);
    assert_eq!(got.len(), 12, "{got:?}");
    assert_eq!(got[0], "ConfigMap/cm-00");
    assert_eq!(got[11], "ConfigMap/cm-11");
}

#[test]
fn client_side_apply_and_strategic_merge() {
    if kubectl_missing() {
        return;
    }
    let cluster = Cluster::start(Config::default());
    let file = cluster.write("deploy.yaml", DEPLOYMENT);
    let created = cluster.ok(&["apply", "-f", &file]);
    assert!(created.contains("deployment.apps/web created"), "{created}");

    // `kubectl set image` sends a strategic merge patch keyed by container name.
    cluster.ok(&["set", "image", "deployment/web", "web=nginx:1.27"]);
    let deploy = cluster.json(&["get", "deployment", "web"]);
    let containers = &deploy["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers.as_array().unwrap().len(), 1, "{containers}");
    assert_eq!(containers[0]["name"], "web");
    assert_eq!(containers[0]["image"], "nginx:1.27");

    // Client-side apply of a changed file: a three-way strategic merge patch with directives.
    let changed = DEPLOYMENT
        .replace("replicas: 2", "replicas: 3")
        .replace("- {name: web, image: nginx}", "- {name: web, image: nginx, env: [{name: A, value: b}]}\n      - {name: side, image: busybox}");
    let file = cluster.write("deploy2.yaml", &changed);
    let configured = cluster.ok(&["apply", "-f", &file]);
    assert!(
        configured.contains("deployment.apps/web configured"),
        "{configured}"
    );
    let deploy = cluster.json(&["get", "deployment", "web"]);
    assert!(!deploy.to_string().contains("$setElementOrder"), "{deploy}");
    assert_eq!(deploy["spec"]["replicas"], 3);
    let containers = &deploy["spec"]["template"]["spec"]["containers"];
    let names: Vec<&str> = containers
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web", "side"]);
    assert_eq!(containers[0]["env"][0]["value"], "b");
    assert_eq!(containers[0]["image"], "nginx");
}

/// A local echo server: what a connection sends comes back on it.
fn echo_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = conn.try_clone().unwrap();
                let mut writer = conn;
                let _ = std::io::copy(&mut reader, &mut writer);
            });
        }
    });
    port
}

/// `kubectl port-forward` running, and the local port it printed.
struct Forward {
    child: std::process::Child,
    port: u16,
}

impl Drop for Forward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Cluster {
    /// Starts `kubectl port-forward pod/NAME :REMOTE` with kubectl's WebSocket switch.
    fn port_forward(&self, pod: &str, remote: u16, websockets: bool) -> Forward {
        use std::io::BufRead;
        let mut child = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(["port-forward", "--address", "127.0.0.1"])
            .arg(format!("pod/{pod}"))
            .arg(format!(":{remote}"))
            .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // "Forwarding from 127.0.0.1:PORT -> REMOTE"
        let port = line
            .strip_prefix("Forwarding from 127.0.0.1:")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "kubectl port-forward printed {line:?}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        // Drain what kubectl prints per connection, so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in stdout.lines() {});
        Forward { child, port }
    }
}

/// Sends `payload` through a connection to `port` and reads it all back.
fn echo_through(port: u16, payload: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut writer = conn.try_clone().unwrap();
    let sent = payload.to_vec();
    let sender = std::thread::spawn(move || writer.write_all(&sent).unwrap());
    let mut back = vec![0u8; payload.len()];
    let mut reader = conn;
    reader.read_exact(&mut back).unwrap();
    sender.join().unwrap();
    back
}

/// `kubectl port-forward` reaches a pod's backend each way kubectl 1.32 speaks to
/// `pods/portforward`: SPDY/3.1 tunneled in WebSocket (its default), plain SPDY/3.1 (its
/// WebSocket switch off), and SPDY/3.1 after the server refused the WebSocket upgrade.
#[test]
fn kubectl_port_forward_over_websocket_tunnel_and_spdy() {
    if kubectl_missing() {
        return;
    }
    let payload: Vec<u8> = (0..300 * 1024).map(|i| (i % 251) as u8).collect();
    // Each case and the upgrades kubectl made: the tunnel is a WebSocket GET, SPDY a POST.
    type Upgrades = &'static [(&'static str, u16)];
    let cases: [(bool, bool, Upgrades); 3] = [
        (true, true, &[("GET", 101)]),
        (true, false, &[("POST", 101)]),
        (false, true, &[("GET", 400), ("POST", 101)]),
    ];
    for (server_websocket, kubectl_websockets, upgrades) in cases {
        let cluster = Cluster::start(Config {
            websocket_port_forward: server_websocket,
            ..Config::default()
        });
        let backend = echo_server();
        let pod = cluster.write(
            "pod.yaml",
            &format!(
                "apiVersion: v1
kind: Pod
metadata:
  name: echo
  annotations:
    kube-emulator.istioctl-rs.dev/port-forward: \"8080=127.0.0.1:{backend}\"
spec:
  containers:
  - {{name: echo, image: echo:1, ports: [{{containerPort: 8080}}]}}
"
            ),
        );
        cluster.ok(&["apply", "-f", &pod]);
        cluster.ok(&[
            "patch",
            "pod",
            "echo",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"phase":"Running"}}"#,
        ]);
        let forward = cluster.port_forward("echo", 8080, kubectl_websockets);
        let case =
            format!("server WebSocket {server_websocket}, kubectl WebSocket {kubectl_websockets}");
        // Two connections, one after the other, over the one session kubectl keeps.
        assert!(echo_through(forward.port, &payload) == payload, "{case}");
        assert_eq!(echo_through(forward.port, b"ping"), b"ping", "{case}");
        let made: Vec<(String, u16)> = cluster
            .emulator
            .requests()
            .into_iter()
            .filter(|r| r.uri.contains("/portforward"))
            .map(|r| (r.method, r.status.unwrap_or_default()))
            .collect();
        let expected: Vec<(String, u16)> =
            upgrades.iter().map(|(m, s)| (m.to_string(), *s)).collect();
        assert_eq!(made, expected, "{case}");
    }
}
