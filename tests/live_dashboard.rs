//! `istioctl dashboard` against the API emulator: pods backed by local HTTP servers (the
//! emulator's port-forward annotation), reached through the URL the command prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};

use istio_kube::Cluster;
use kube_emulator::{Config, Emulator, Handle, User};
use serde_json::{json, Value};

const ALICE: &str = "alice-token";

/// A running emulator and the kubeconfig it wrote.
struct Env {
    emu: Handle,
    rt: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn start(config: Config) -> Env {
    let emu = Emulator::start(config).expect("emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    emu.write_kubeconfig(&kubeconfig).expect("kubeconfig");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let env = Env {
        emu,
        rt,
        dir,
        kubeconfig,
    };
    for ns in ["istio-system", "demo"] {
        env.create(
            "/api/v1/namespaces",
            json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": ns } }),
        );
    }
    env
}

/// A fake UI: answers every request with its name and the path asked for, then closes.
fn fake_ui(name: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => {}
                    }
                }
                let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
                let body = format!("{name} page at {path}");
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

/// A diagnostic with miette's line wrapping and box drawing undone.
fn flat(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).replace(['│', '╭', '╰', '─', '·', '┬'], " ");
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("/ ", "/")
}

impl Env {
    fn cluster_for(&self, kubeconfig: &Path) -> Cluster {
        let path = kubeconfig.to_path_buf();
        self.rt
            .block_on(async move { Cluster::connect(Some(&path), None).await.expect("connects") })
    }

    fn send(&self, method: &str, path: &str, content_type: &str, body: Value) -> Value {
        let cluster = self.cluster_for(&self.kubeconfig);
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("Content-Type", content_type)
            .body(serde_json::to_vec(&body).unwrap())
            .unwrap();
        self.rt
            .block_on(async { cluster.send(&format!("{method} {path}"), req).await })
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn create(&self, collection: &str, object: Value) -> Value {
        self.send("POST", collection, "application/json", object)
    }

    /// A pod with labels, served by the local `backend` port, Running and (if `ready`) Ready.
    fn pod(&self, ns: &str, name: &str, labels: Value, backend: u16, ready: bool) {
        self.create(
            &format!("/api/v1/namespaces/{ns}/pods"),
            json!({ "apiVersion": "v1", "kind": "Pod",
                "metadata": { "name": name, "labels": labels, "annotations": {
                    "kube-emulator.istioctl-rs.dev/port-forward": format!("127.0.0.1:{backend}") } },
                "spec": { "containers": [{ "name": "ui", "image": "ui:1" }] } }),
        );
        let (phase, status) = if ready {
            ("Running", "True")
        } else {
            ("Running", "False")
        };
        self.send(
            "PATCH",
            &format!("/api/v1/namespaces/{ns}/pods/{name}/status"),
            "application/merge-patch+json",
            json!({ "status": { "phase": phase, "conditions": [{ "type": "Ready", "status": status }],
                "containerStatuses": if ready { json!([]) } else {
                    json!([{ "name": "ui", "ready": false, "restartCount": 3, "image": "ui:1", "imageID": "",
                        "state": { "waiting": { "reason": "CrashLoopBackOff" } } }]) } } }),
        );
    }

    fn delete_pod(&self, ns: &str, name: &str) {
        self.send(
            "DELETE",
            &format!("/api/v1/namespaces/{ns}/pods/{name}"),
            "application/json",
            json!({}),
        );
    }

    fn command(&self, kubeconfig: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_istioctl"));
        cmd.arg("-c").arg(kubeconfig).args(args);
        cmd.env_remove("BROWSER");
        cmd
    }

    /// Runs a command that is expected to fail at once: its exit code and stderr (see [`flat`]).
    fn fails(&self, args: &[&str]) -> (i32, String) {
        self.fails_as(&self.kubeconfig, args)
    }

    fn fails_as(&self, kubeconfig: &Path, args: &[&str]) -> (i32, String) {
        let out = self
            .command(kubeconfig, args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        (out.status.code().unwrap_or(-1), flat(&out.stderr))
    }

    /// Starts `istioctl dashboard ARGS` and reads the URL it prints.
    fn dashboard(&self, args: &[&str]) -> Running {
        self.dashboard_with(args, &[])
    }

    fn dashboard_with(&self, args: &[&str], envs: &[(&str, &str)]) -> Running {
        let mut cmd = self.command(&self.kubeconfig, &[&["dashboard"], args].concat());
        cmd.envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        stdout.read_line(&mut url).unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut notice = String::new();
        if url.is_empty() {
            stderr.read_to_string(&mut notice).unwrap();
            let _ = child.kill();
            panic!("no URL printed; stderr: {notice}");
        }
        stderr.read_line(&mut notice).unwrap();
        Running {
            child,
            url: url.trim_end().to_owned(),
            notice,
            stderr,
        }
    }
}

/// A dashboard running in the background, killed if a test fails before stopping it.
struct Running {
    child: Child,
    url: String,
    notice: String,
    stderr: BufReader<ChildStderr>,
}

impl Running {
    /// `host:port` of the URL.
    fn authority(&self) -> &str {
        let rest = self.url.strip_prefix("http://").unwrap();
        rest.split('/').next().unwrap()
    }

    fn port(&self) -> u16 {
        self.authority()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// GETs `path` through the forwarded port: the body of the answer.
    fn get(&self, path: &str) -> String {
        let addr = self.authority().to_socket_addrs().unwrap().next().unwrap();
        let mut conn = TcpStream::connect(addr).unwrap();
        write!(
            conn,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.authority()
        )
        .unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer:?}");
        answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned()
    }

    /// Sends SIGINT (Ctrl-C): the exit code and the rest of stderr.
    fn interrupt(mut self) -> (i32, String) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let code = self.child.wait().unwrap().code().unwrap_or(-1);
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (code, rest)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn kiali_is_forwarded_until_ctrl_c_which_frees_the_port() {
    let env = start(Config::default());
    let kiali = fake_ui("kiali");
    env.pod(
        "istio-system",
        "kiali-5d8f7",
        json!({ "app": "kiali" }),
        kiali,
        true,
    );
    let dash = env.dashboard(&["kiali", "--browser=false", "-p", "0"]);
    let port = dash.port();
    assert_eq!(dash.url, format!("http://localhost:{port}/kiali"));
    assert_eq!(
        dash.notice,
        format!("Forwarding http://localhost:{port}/kiali to Kiali in pod kiali-5d8f7.istio-system (port 20001); press Ctrl-C to stop\n")
    );
    assert_eq!(dash.get("/kiali"), "kiali page at /kiali");
    // Each connection is a tunnel of its own.
    assert_eq!(dash.get("/kiali/console"), "kiali page at /kiali/console");
    let (code, rest) = dash.interrupt();
    assert_eq!((code, rest.as_str()), (130, ""));
    // The port is free again, on both loopback addresses.
    TcpListener::bind(("127.0.0.1", port)).expect("port freed");
    TcpListener::bind(("::1", port)).expect("port freed on ::1");
}

#[test]
fn each_addon_is_found_by_its_label_and_port() {
    let env = start(Config::default());
    for (name, labels, path, port) in [
        (
            "grafana",
            json!({ "app.kubernetes.io/name": "grafana" }),
            "",
            3000,
        ),
        (
            "prometheus",
            json!({ "app.kubernetes.io/name": "prometheus" }),
            "",
            9090,
        ),
        ("jaeger", json!({ "app": "jaeger" }), "", 16686),
        ("zipkin", json!({ "app": "zipkin" }), "", 9411),
        ("skywalking", json!({ "app": "skywalking-ui" }), "", 8080),
    ] {
        let backend = fake_ui(name);
        env.pod("istio-system", &format!("{name}-1"), labels, backend, true);
        let dash = env.dashboard(&[name, "--browser=false"]);
        assert!(
            dash.url.ends_with(&format!(":{}{path}", dash.port())),
            "{}",
            dash.url
        );
        assert!(
            dash.notice
                .contains(&format!("in pod {name}-1.istio-system (port {port})")),
            "{}",
            dash.notice
        );
        assert_eq!(dash.get("/"), format!("{name} page at /"));
    }
}

#[test]
fn an_addon_that_is_not_installed_is_named_with_its_label() {
    let env = start(Config::default());
    let (code, stderr) = env.fails(&["dashboard", "kiali", "--browser=false"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no pods with app=kiali in istio-system; install the addon first"),
        "{stderr}"
    );
    assert!(stderr.contains("samples/addons/kiali.yaml"), "{stderr}");
    // -n names where else to look.
    let (_, stderr) = env.fails(&["dashboard", "grafana", "-n", "demo"]);
    assert!(
        stderr.contains(
            "no pods with app.kubernetes.io/name=grafana in demo; install the addon first"
        ),
        "{stderr}"
    );
}

#[test]
fn a_pod_that_is_not_ready_is_reported_with_its_state() {
    let env = start(Config::default());
    let kiali = fake_ui("kiali");
    env.pod(
        "istio-system",
        "kiali-1",
        json!({ "app": "kiali" }),
        kiali,
        false,
    );
    let (code, stderr) = env.fails(&["dashboard", "kiali", "--browser=false"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "no ready pod: kiali-1 is Running but not ready (CrashLoopBackOff) (app=kiali)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("wait until the pod is ready"), "{stderr}");
}

#[test]
fn a_local_port_in_use_is_an_error() {
    let env = start(Config::default());
    let kiali = fake_ui("kiali");
    env.pod(
        "istio-system",
        "kiali-1",
        json!({ "app": "kiali" }),
        kiali,
        true,
    );
    // Taken on 127.0.0.1 only: localhost still refuses it, so a browser never reaches the
    // other program.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = env.fails(&["dashboard", "kiali", "--browser=false", "-p", &port]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&format!(
            "cannot listen on localhost:{port}: the port is already in use"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("-p 0 for any free port"), "{stderr}");
    let (_, stderr) = env.fails(&[
        "dashboard",
        "kiali",
        "--browser=false",
        "--address",
        "127.0.0.1",
        "-p",
        &port,
    ]);
    assert!(
        stderr.contains(&format!(
            "cannot listen on 127.0.0.1:{port}: the port is already in use"
        )),
        "{stderr}"
    );
    let (_, stderr) = env.fails(&["dashboard", "kiali", "--address", "example.com"]);
    assert!(
        stderr.contains(
            "invalid listen address \"example.com\": only an IP address or localhost is accepted"
        ),
        "{stderr}"
    );
}

#[test]
fn without_permission_for_pods_portforward_the_error_says_so() {
    let env = start(Config {
        rbac: true,
        users: vec![User::new(ALICE, "alice")],
        ..Config::default()
    });
    let kiali = fake_ui("kiali");
    env.pod(
        "istio-system",
        "kiali-1",
        json!({ "app": "kiali" }),
        kiali,
        true,
    );
    // Alice may read pods, not forward to them.
    env.create(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/istio-system/roles",
        json!({ "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": { "name": "pod-reader" },
            "rules": [{ "apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"] }] }),
    );
    env.create(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/istio-system/rolebindings",
        json!({ "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": { "name": "alice-reads-pods" },
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader" },
            "subjects": [{ "kind": "User", "name": "alice" }] }),
    );
    let alice = env.dir.path().join("alice");
    std::fs::write(&alice, env.emu.kubeconfig_for(ALICE)).unwrap();
    let (code, stderr) = env.fails_as(&alice, &["dashboard", "kiali", "--browser=false"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no permission to port-forward to pod kiali-1: pods \"kiali-1\" is forbidden: User \"alice\" cannot create resource \"pods/portforward\" in API group \"\" in the namespace \"istio-system\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("needs `create` on `pods/portforward` in namespace istio-system"),
        "{stderr}"
    );
}

#[test]
fn a_restarted_addon_is_found_again() {
    let env = start(Config::default());
    let first = fake_ui("kiali one");
    env.pod(
        "istio-system",
        "kiali-1",
        json!({ "app": "kiali" }),
        first,
        true,
    );
    let mut dash = env.dashboard(&["kiali", "--browser=false"]);
    assert_eq!(dash.get("/kiali"), "kiali one page at /kiali");
    env.delete_pod("istio-system", "kiali-1");
    let second = fake_ui("kiali two");
    env.pod(
        "istio-system",
        "kiali-2",
        json!({ "app": "kiali" }),
        second,
        true,
    );
    assert_eq!(dash.get("/kiali"), "kiali two page at /kiali");
    let mut switched = String::new();
    dash.stderr.read_line(&mut switched).unwrap();
    assert_eq!(
        switched,
        "pod kiali-1.istio-system went away; forwarding to pod kiali-2.istio-system\n"
    );
    assert_eq!(dash.get("/kiali"), "kiali two page at /kiali");
    assert_eq!(dash.interrupt().0, 130);
}

/// A server (or a proxy in front of it) that refuses WebSocket upgrades: the tunnels go over
/// SPDY/3.1, as kubectl falls back, with the same pages, restarts and errors.
#[test]
fn spdy_carries_the_dashboard_when_websocket_is_refused() {
    let env = start(Config {
        websocket_port_forward: false,
        ..Config::default()
    });
    let first = fake_ui("kiali one");
    env.pod(
        "istio-system",
        "kiali-1",
        json!({ "app": "kiali" }),
        first,
        true,
    );
    let mut dash = env.dashboard(&["kiali", "--browser=false", "-p", "0"]);
    let port = dash.port();
    assert_eq!(
        dash.notice,
        format!("Forwarding http://localhost:{port}/kiali to Kiali in pod kiali-1.istio-system (port 20001); press Ctrl-C to stop\n")
    );
    assert_eq!(dash.get("/kiali"), "kiali one page at /kiali");
    assert_eq!(
        dash.get("/kiali/console"),
        "kiali one page at /kiali/console"
    );
    env.delete_pod("istio-system", "kiali-1");
    env.pod(
        "istio-system",
        "kiali-2",
        json!({ "app": "kiali" }),
        fake_ui("kiali two"),
        true,
    );
    assert_eq!(dash.get("/kiali"), "kiali two page at /kiali");
    let mut switched = String::new();
    dash.stderr.read_line(&mut switched).unwrap();
    assert_eq!(
        switched,
        "pod kiali-1.istio-system went away; forwarding to pod kiali-2.istio-system\n"
    );
    // Nothing listens behind the pod any more: the pod side's error comes back on SPDY's
    // error stream, and the dashboard goes on.
    env.delete_pod("istio-system", "kiali-2");
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap().port();
    drop(closed);
    env.pod(
        "istio-system",
        "kiali-3",
        json!({ "app": "kiali" }),
        dead,
        true,
    );
    let addr = dash.authority().to_socket_addrs().unwrap().next().unwrap();
    let mut conn = TcpStream::connect(addr).unwrap();
    write!(conn, "GET /kiali HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert_eq!(answer, "");
    let mut lines = String::new();
    for _ in 0..2 {
        dash.stderr.read_line(&mut lines).unwrap();
    }
    assert_eq!(
        lines,
        format!("pod kiali-2.istio-system went away; forwarding to pod kiali-3.istio-system\n\u{2718} a connection was not forwarded: cannot port-forward to pod kiali-3.istio-system: error forwarding port 20001 to pod: dial 127.0.0.1:{dead}: Connection refused (os error 111)\n")
    );
    // WebSocket was tried once, by the first tunnel; every later one went to SPDY at once.
    let upgrades: Vec<(String, Option<u16>)> = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.uri.contains("/portforward"))
        .map(|r| (r.method, r.status))
        .collect();
    assert_eq!(upgrades[0], ("GET".to_owned(), Some(400)), "{upgrades:?}");
    assert!(
        upgrades[1..].iter().all(|(method, _)| method == "POST"),
        "{upgrades:?}"
    );
    assert_eq!(dash.interrupt().0, 130);
}

#[test]
fn envoy_forwards_to_the_named_pod_or_workload_admin_port() {
    let env = start(Config::default());
    let envoy = fake_ui("envoy");
    env.pod(
        "demo",
        "productpage-v1-abc",
        json!({ "app": "productpage", "version": "v1" }),
        envoy,
        true,
    );
    env.create(
        "/apis/apps/v1/namespaces/demo/deployments",
        json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "productpage-v1" },
            "spec": { "selector": { "matchLabels": { "app": "productpage", "version": "v1" } },
                "template": { "metadata": { "labels": { "app": "productpage", "version": "v1" } },
                    "spec": { "containers": [{ "name": "app", "image": "app:1" }] } } } }),
    );
    for args in [
        vec!["envoy", "productpage-v1-abc.demo"],
        vec!["proxy", "deployment/productpage-v1", "-n", "demo"],
        vec!["envoy", "deploy/productpage-v1.demo"],
        vec!["proxy", "-l", "app=productpage", "-n", "demo"],
    ] {
        let mut all = args.clone();
        all.push("--browser=false");
        let dash = env.dashboard(&all);
        assert!(
            dash.notice
                .contains("to proxy admin in pod productpage-v1-abc.demo (port 15000)"),
            "{args:?}: {}",
            dash.notice
        );
        assert_eq!(dash.get("/config_dump"), "envoy page at /config_dump");
    }
    let (code, stderr) = env.fails(&["dashboard", "envoy"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("specify a pod or --selector"), "{stderr}");
    let (_, stderr) = env.fails(&["dashboard", "envoy", "x", "-l", "app=x"]);
    assert!(
        stderr.contains("a pod name cannot be given together with a selector"),
        "{stderr}"
    );
    let (_, stderr) = env.fails(&["dashboard", "envoy", "missing.demo"]);
    assert!(
        stderr.contains("pod \"missing\" not found in namespace demo"),
        "{stderr}"
    );
    let (_, stderr) = env.fails(&["dashboard", "envoy", "cronjob/nightly.demo"]);
    assert!(
        stderr.contains(
            "cannot find pods of \"cronjob/nightly.demo\": unsupported resource type \"cronjob\""
        ),
        "{stderr}"
    );
}

#[test]
fn istiod_debug_and_controlz_reach_istiod() {
    let env = start(Config::default());
    let istiod = fake_ui("istiod");
    env.pod(
        "istio-system",
        "istiod-7c9",
        json!({ "app": "istiod", "istio.io/rev": "default" }),
        istiod,
        true,
    );
    let dash = env.dashboard(&["istiod-debug", "--browser=false"]);
    assert_eq!(dash.url, format!("http://localhost:{}/debug", dash.port()));
    assert!(
        dash.notice
            .contains("to istiod debug in pod istiod-7c9.istio-system (port 15014)"),
        "{}",
        dash.notice
    );
    assert_eq!(dash.get("/debug/syncz"), "istiod page at /debug/syncz");
    drop(dash);
    let dash = env.dashboard(&["controlz", "istiod-7c9", "--browser=false"]);
    assert!(
        dash.notice
            .contains("to ControlZ in pod istiod-7c9.istio-system (port 9876)"),
        "{}",
        dash.notice
    );
    assert_eq!(dash.get("/"), "istiod page at /");
    let (_, stderr) = env.fails(&["dashboard", "istiod-debug", "-r", "canary"]);
    assert!(
        stderr.contains("no pods with app=istiod,istio.io/rev=canary in istio-system"),
        "{stderr}"
    );
}

#[test]
fn the_browser_is_opened_when_asked_and_its_absence_is_no_error() {
    let env = start(Config::default());
    let kiali = fake_ui("kiali");
    env.pod(
        "istio-system",
        "kiali-1",
        json!({ "app": "kiali" }),
        kiali,
        true,
    );
    let opened = env.dir.path().join("opened");
    let script = env.dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1\" > {}.tmp && mv {0}.tmp {0}\n",
            opened.display()
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", script.to_str().unwrap()])
        .status()
        .unwrap();
    let mut dash = env.dashboard_with(&["kiali"], &[("BROWSER", script.to_str().unwrap())]);
    // The browser runs in the background: wait for what it wrote.
    while !opened.exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        format!("{}\n", dash.url)
    );
    assert_eq!(dash.interrupt().0, 130);

    dash = env.dashboard_with(&["kiali"], &[("BROWSER", "/nonexistent/browser")]);
    let mut line = String::new();
    dash.stderr.read_line(&mut line).unwrap();
    assert_eq!(
        line,
        format!("could not open a browser; open {} yourself\n", dash.url)
    );
    assert_eq!(dash.get("/kiali"), "kiali page at /kiali");
    assert_eq!(dash.interrupt().0, 130);
}
