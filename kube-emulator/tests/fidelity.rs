//! What a kube-apiserver 1.36 does with kubectl's requests, checked with the real kubectl (its
//! typed commands send protobuf): defaulting, validation, field validation, server-side apply
//! schema errors, discovery, `-o wide` tables, RBAC with a restricted user, reviews. Skipped
//! (with a message) when `kubectl` is not installed. The protocol-level cases (content
//! negotiation, CRD schemas, readiness of DaemonSets and StatefulSets, TokenRequest) speak
//! HTTP directly.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use kube_emulator::{Config, Emulator, Handle, User};
use serde_json::{json, Value};
use tempfile::TempDir;

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

/// An emulator in RBAC mode with a restricted user `alice`, and kubectl for both users.
struct Cluster {
    /// Kept running while the cluster is used (and asked for its request log).
    emulator: Handle,
    dir: TempDir,
}

const ALICE: &str = "alice-token";

impl Cluster {
    fn start() -> Self {
        let emulator = Emulator::start(Config {
            rbac: true,
            users: vec![User::new(ALICE, "alice")],
            ..Config::default()
        })
        .expect("emulator starts");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("admin"), emulator.kubeconfig()).unwrap();
        std::fs::write(dir.path().join("alice"), emulator.kubeconfig_for(ALICE)).unwrap();
        Self { emulator, dir }
    }

    fn run(&self, user: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(self.dir.path().join(user))
            .arg("--cache-dir")
            .arg(self.dir.path().join(format!("cache-{user}")))
            .arg("--request-timeout=20s")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// Runs kubectl as the administrator; asserts success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run("admin", args, None);
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs kubectl as `user` with `stdin`; asserts failure; returns stderr.
    fn fails(&self, user: &str, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(user, args, stdin);
        assert!(
            !out.status.success(),
            "kubectl {args:?} succeeded:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }
}

const BAD_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: demo}
spec:
  replicas: -1
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: other}}
    spec:
      containers: [{name: c, image: nginx}]
";

#[test]
fn typed_commands_send_protobuf_and_objects_come_back_defaulted() {
    if kubectl_missing() {
        return;
    }
    let c = Cluster::start();
    assert_eq!(
        c.ok(&["create", "namespace", "demo"]),
        "namespace/demo created\n"
    );
    assert_eq!(
        c.ok(&[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "-n",
            "demo"
        ]),
        "deployment.apps/web created\n"
    );
    assert_eq!(
        c.ok(&[
            "create",
            "configmap",
            "cfg",
            "--from-literal=a=b",
            "-n",
            "demo"
        ]),
        "configmap/cfg created\n"
    );
    assert_eq!(
        c.ok(&[
            "create",
            "secret",
            "generic",
            "s",
            "--from-literal=k=v",
            "-n",
            "demo"
        ]),
        "secret/s created\n"
    );
    assert_eq!(
        c.ok(&["create", "serviceaccount", "sa", "-n", "demo"]),
        "serviceaccount/sa created\n"
    );
    assert_eq!(
        c.ok(&[
            "create",
            "service",
            "clusterip",
            "web",
            "--tcp=80:8080",
            "-n",
            "demo"
        ]),
        "service/web created\n"
    );
    let deploy = c.json(&["get", "deployment", "web", "-n", "demo"]);
    assert_eq!(
        deploy["spec"],
        json!({
            "progressDeadlineSeconds": 600,
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "selector": { "matchLabels": { "app": "web" } },
            "strategy": { "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": "25%" }, "type": "RollingUpdate" },
            "template": {
                "metadata": { "labels": { "app": "web" } },
                "spec": {
                    "containers": [{
                        "image": "nginx:1.27",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "nginx",
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                    }],
                    "dnsPolicy": "ClusterFirst",
                    "restartPolicy": "Always",
                    "schedulerName": "default-scheduler",
                    "securityContext": {},
                    "terminationGracePeriodSeconds": 30,
                },
            },
        })
    );
    assert_eq!(deploy["metadata"]["generation"], 1);
    let svc = c.json(&["get", "service", "web", "-n", "demo"]);
    let ip = svc["spec"]["clusterIP"].as_str().unwrap().to_string();
    assert!(ip.starts_with("10.96."), "{ip}");
    assert_eq!(
        svc["spec"],
        json!({
            "clusterIP": ip,
            "clusterIPs": [ip],
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{ "name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080 }],
            "selector": { "app": "web" },
            "sessionAffinity": "None",
            "type": "ClusterIP",
        })
    );
    assert_eq!(svc["status"], json!({ "loadBalancer": {} }));
    let secret = c.json(&["get", "secret", "s", "-n", "demo"]);
    assert_eq!(
        (&secret["type"], &secret["data"]),
        (&json!("Opaque"), &json!({ "k": "dg==" }))
    );
    // A change of the template moves the generation; a label change does not.
    c.ok(&["label", "deployment", "web", "-n", "demo", "tier=front"]);
    c.ok(&[
        "set",
        "image",
        "deployment/web",
        "nginx=nginx:1.28",
        "-n",
        "demo",
    ]);
    let deploy = c.json(&["get", "deployment", "web", "-n", "demo"]);
    assert_eq!(deploy["metadata"]["generation"], 2);
    // Wide tables.
    let wide = c.ok(&["get", "deployment", "web", "-n", "demo", "-o", "wide"]);
    let header: Vec<&str> = wide.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert!(wide.contains("nginx:1.28"), "{wide}");
    let svc_wide = c.ok(&["get", "service", "web", "-n", "demo", "-o", "wide"]);
    assert!(
        svc_wide.lines().next().unwrap().ends_with("SELECTOR"),
        "{svc_wide}"
    );
    assert!(
        svc_wide.contains("80/TCP") && svc_wide.contains("app=web"),
        "{svc_wide}"
    );
}

#[test]
fn invalid_objects_and_unknown_fields_are_refused_as_the_api_server_does() {
    if kubectl_missing() {
        return;
    }
    let c = Cluster::start();
    c.ok(&["create", "namespace", "demo"]);
    let err = c.fails("admin", &["apply", "-f", "-"], Some(BAD_DEPLOYMENT));
    assert_eq!(
        err,
        "The Deployment \"bad\" is invalid: \n\
         * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n\
         * spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`\n"
    );
    let one = BAD_DEPLOYMENT.replace("app: other", "app: bad");
    assert_eq!(
        c.fails("admin", &["create", "-f", "-"], Some(&one)),
        "The Deployment \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
    let bogus = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: demo}\nbogus: 1\n";
    assert_eq!(
        c.fails("admin", &["apply", "--server-side", "-f", "-"], Some(bogus)),
        "Error from server: failed to create typed patch object (demo/c; /v1, Kind=ConfigMap): .bogus: field not declared in schema\n"
    );
    assert_eq!(
        c.fails("admin", &["apply", "-f", "-"], Some(bogus)),
        "Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\"\n"
    );
    // --validate=warn: the server drops the field and warns.
    let out = c.run(
        "admin",
        &["apply", "--validate=warn", "-f", "-"],
        Some(bogus),
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Warning: unknown field \"bogus\"\n"
    );
    let cm = c.json(&["get", "configmap", "c", "-n", "demo"]);
    assert!(cm.get("bogus").is_none(), "{cm}");
    let label = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: l, namespace: demo, labels: {\"a b\": x}}\n";
    assert_eq!(
        c.fails("admin", &["create", "-f", "-"], Some(label)),
        "The ConfigMap \"l\" is invalid: metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"
    );
    let port = "apiVersion: v1\nkind: Service\nmetadata: {name: p, namespace: demo}\nspec: {ports: [{port: 70000}]}\n";
    assert_eq!(
        c.fails("admin", &["create", "-f", "-"], Some(port)),
        // targetPort defaults to the port before validation, so it is invalid too.
        "The Service \"p\" is invalid: \n\
         * spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n\
         * spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
    );
}

#[test]
fn custom_resources_print_their_crds_columns() {
    if kubectl_missing() {
        return;
    }
    let c = Cluster::start();
    let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Hosts, type: string, jsonPath: .spec.hosts}
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              hosts: {type: array, items: {type: string}}
              size: {type: integer}
";
    let out = c.run("admin", &["apply", "-f", "-"], Some(crd));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {hosts: [a.example.com, b], size: 3}\n";
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = c.run("admin", &["apply", "-f", "-"], Some(widget));
        if out.status.success() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let listing = c.ok(&["get", "widgets"]);
    let lines: Vec<Vec<&str>> = listing
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["NAME", "HOSTS", "SIZE", "AGE"]);
    assert_eq!(&lines[1][..3], ["w", "[\"a.example.com\",\"b\"]", "3"]);
}

#[test]
fn discovery_lists_every_built_in_resource_of_1_36() {
    if kubectl_missing() {
        return;
    }
    let c = Cluster::start();
    let listing = c.ok(&["api-resources"]);
    // kubectl got it all from aggregated discovery: no group-version was asked for itself.
    let asked: Vec<String> = c
        .emulator
        .requests()
        .into_iter()
        .map(|r| r.uri)
        .filter(|u| u.starts_with("/apis/") || u.starts_with("/api/"))
        .collect();
    assert!(asked.is_empty(), "{asked:?}");
    // The header and the 67 resources kube-apiserver 1.36 serves by default.
    assert_eq!(listing.lines().count(), 68, "{listing}");
    for line in [
        "deployments                         deploy       apps/v1                           true         Deployment",
        "mutatingadmissionpolicies                        admissionregistration.k8s.io/v1   false        MutatingAdmissionPolicy",
        "resourceclaims                                   resource.k8s.io/v1                true         ResourceClaim",
    ] {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(
            listing
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == words),
            "{line} missing from:\n{listing}"
        );
    }
    let version = c.ok(&["version", "-o", "json"]);
    assert!(version.contains("\"gitVersion\": \"v1.36.2\""), "{version}");
}

#[test]
fn a_restricted_user_gets_the_api_servers_403s_and_honest_reviews() {
    if kubectl_missing() {
        return;
    }
    let c = Cluster::start();
    c.ok(&["create", "namespace", "demo"]);
    assert_eq!(
        c.fails("alice", &["create", "configmap", "x", "-n", "demo"], None),
        "error: failed to create configmap: configmaps is forbidden: User \"alice\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"demo\"\n"
    );
    assert_eq!(
        c.fails("alice", &["get", "pods", "-n", "demo"], None),
        "Error from server (Forbidden): pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"demo\"\n"
    );
    let out = c.run(
        "alice",
        &["auth", "can-i", "create", "deployments", "-n", "demo"],
        None,
    );
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref()
        ),
        (Some(1), "no\n")
    );
    assert_eq!(
        c.ok(&["auth", "can-i", "create", "deployments", "-n", "demo"]),
        "yes\n"
    );
    // A Role bound to alice in one namespace lets her in there only.
    c.ok(&[
        "create",
        "role",
        "cm",
        "--verb=get,list,create",
        "--resource=configmaps",
        "-n",
        "demo",
    ]);
    c.ok(&[
        "create",
        "rolebinding",
        "cm",
        "--role=cm",
        "--user=alice",
        "-n",
        "demo",
    ]);
    let out = c.run("alice", &["create", "configmap", "x", "-n", "demo"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = c.run(
        "alice",
        &["auth", "can-i", "list", "configmaps", "-n", "default"],
        None,
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no\n");
    let rules = String::from_utf8(
        c.run("alice", &["auth", "can-i", "--list", "-n", "demo"], None)
            .stdout,
    )
    .unwrap();
    assert!(
        rules
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["configmaps", "[]", "[]", "[get", "list", "create]"]),
        "{rules}"
    );
    let whoami = String::from_utf8(c.run("alice", &["auth", "whoami"], None).stdout).unwrap();
    assert_eq!(
        whoami,
        "ATTRIBUTE   VALUE\nUsername    alice\nGroups      [system:authenticated]\n"
    );
}

// ---- HTTP-level cases ------------------------------------------------------------------------

async fn call(
    emu: &Handle,
    token: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String, Vec<String>, Bytes) {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", emu.port()))
        .await
        .unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("Host", "127.0.0.1")
        .header("Authorization", format!("Bearer {token}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = sender
        .send_request(req.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .unwrap();
    let code = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let warnings = resp
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (code, content_type, warnings, body)
}

fn plain() -> Handle {
    Emulator::start(Config {
        plain_http: true,
        token: Some("admin".into()),
        ..Config::default()
    })
    .unwrap()
}

async fn json_call(
    emu: &Handle,
    method: &str,
    path: &str,
    content_type: &str,
    body: Value,
) -> (u16, Value, Vec<String>) {
    let (code, _, warnings, bytes) = call(
        emu,
        "admin",
        method,
        path,
        &[
            ("Content-Type", content_type),
            ("Accept", "application/json"),
        ],
        body.to_string().into_bytes(),
    )
    .await;
    (code, serde_json::from_slice(&bytes).unwrap(), warnings)
}

#[tokio::test]
async fn content_negotiation_and_field_validation_modes() {
    let emu = plain();
    let ns = json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "demo" } });
    assert_eq!(
        json_call(&emu, "POST", "/api/v1/namespaces", "application/json", ns)
            .await
            .0,
        201
    );
    let cms = "/api/v1/namespaces/demo/configmaps";
    let cm = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": { "a": "b" }, "bogus": 1 });
    // Protobuf first: a protobuf answer; JSON first or a Table: JSON.
    let (code, content_type, warnings, body) = call(
        &emu,
        "admin",
        "POST",
        &format!("{cms}?fieldValidation=Ignore"),
        &[
            ("Content-Type", "application/json"),
            (
                "Accept",
                "application/vnd.kubernetes.protobuf, application/json",
            ),
        ],
        cm.to_string().into_bytes(),
    )
    .await;
    assert_eq!(
        (code, content_type.as_str()),
        (201, "application/vnd.kubernetes.protobuf")
    );
    assert!(warnings.is_empty(), "Ignore drops unknown fields silently");
    assert!(body.starts_with(b"k8s\0"));
    let (_, content_type, _, _) = call(
        &emu,
        "admin",
        "GET",
        &format!("{cms}/c"),
        &[(
            "Accept",
            "application/json, application/vnd.kubernetes.protobuf",
        )],
        Vec::new(),
    )
    .await;
    assert_eq!(content_type, "application/json");
    let (code, content_type, _, body) = call(
        &emu,
        "admin",
        "GET",
        cms,
        &[("Accept", "application/vnd.kubernetes.protobuf")],
        Vec::new(),
    )
    .await;
    assert_eq!(
        (code, content_type.as_str()),
        (200, "application/vnd.kubernetes.protobuf")
    );
    assert!(body.windows(13).any(|w| w == b"ConfigMapList"));
    // Warn (the default): dropped with a warning.
    let mut second = cm.clone();
    second["metadata"]["name"] = json!("d");
    let (code, created, warnings) = json_call(&emu, "POST", cms, "application/json", second).await;
    assert_eq!(code, 201);
    assert!(created.get("bogus").is_none());
    assert_eq!(warnings, ["299 - \"unknown field \\\"bogus\\\"\""]);
    // Strict: refused.
    let mut third = cm.clone();
    third["metadata"]["name"] = json!("e");
    let (code, status, _) = json_call(
        &emu,
        "POST",
        &format!("{cms}?fieldValidation=Strict"),
        "application/json",
        third,
    )
    .await;
    assert_eq!(code, 400);
    assert_eq!(
        status["message"],
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\""
    );
    let (code, status, _) = json_call(
        &emu,
        "POST",
        &format!("{cms}?fieldValidation=Loose"),
        "application/json",
        json!({}),
    )
    .await;
    assert_eq!(code, 400);
    assert_eq!(
        status["message"],
        "fieldValidation parameter unsupported: \"Loose\"; must be one of Ignore, Warn, Strict"
    );
    // Invalid: 422 with causes, qualified by the group.
    let bad = json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "bad" },
        "spec": { "replicas": -1, "selector": { "matchLabels": { "a": "b" } }, "template": { "metadata": { "labels": { "a": "b" } }, "spec": { "containers": [{ "name": "c", "image": "i" }] } } } });
    let (code, status, _) = json_call(
        &emu,
        "POST",
        "/apis/apps/v1/namespaces/demo/deployments",
        "application/json",
        bad,
    )
    .await;
    assert_eq!(code, 422);
    assert_eq!(
        status,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Deployment.apps \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "reason": "Invalid",
            "details": { "name": "bad", "group": "apps", "kind": "Deployment", "causes": [
                { "reason": "FieldValueInvalid", "message": "Invalid value: -1: must be greater than or equal to 0", "field": "spec.replicas" },
            ] },
            "code": 422,
        })
    );
}

#[tokio::test]
async fn custom_resources_follow_their_structural_schema() {
    let emu = plain();
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": { "name": "widgets.example.com" },
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": { "plural": "widgets", "singular": "widget", "kind": "Widget" },
            "versions": [{ "name": "v1", "served": true, "storage": true, "schema": { "openAPIV3Schema": {
                "type": "object",
                "properties": { "spec": { "type": "object", "required": ["size"], "properties": {
                    "size": { "type": "integer", "minimum": 1 },
                    "mode": { "type": "string", "enum": ["fast", "slow"], "default": "slow" },
                } } },
            } } }],
        },
    });
    assert_eq!(
        json_call(
            &emu,
            "POST",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            "application/json",
            crd
        )
        .await
        .0,
        201
    );
    let ns = json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "demo" } });
    json_call(&emu, "POST", "/api/v1/namespaces", "application/json", ns).await;
    let widgets = "/apis/example.com/v1/namespaces/demo/widgets";
    let good = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "w" }, "spec": { "size": 2, "extra": true } });
    let (code, created, warnings) =
        json_call(&emu, "POST", widgets, "application/json", good).await;
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["spec"], json!({ "size": 2, "mode": "slow" }));
    assert_eq!(warnings, ["299 - \"unknown field \\\"spec.extra\\\"\""]);
    let bad = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "x" }, "spec": { "size": 0, "mode": "warp" } });
    let (code, status, _) = json_call(&emu, "POST", widgets, "application/json", bad).await;
    assert_eq!(code, 422);
    assert_eq!(
        status["message"],
        "Widget.example.com \"x\" is invalid: [spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1, spec.mode: Unsupported value: \"warp\": supported values: \"fast\", \"slow\"]"
    );
    let missing = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "y" }, "spec": {} });
    let (code, status, _) = json_call(&emu, "POST", widgets, "application/json", missing).await;
    assert_eq!(
        (code, status["message"].as_str()),
        (
            422,
            Some("Widget.example.com \"y\" is invalid: spec.size: Required value")
        )
    );
    // Metadata is checked like a built-in kind's, before the schema.
    let named = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "Bad_Name" }, "spec": { "size": 1 } });
    let (code, status, _) = json_call(&emu, "POST", widgets, "application/json", named).await;
    assert_eq!(code, 422);
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .starts_with("Widget.example.com \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"),
        "{status}"
    );
    // Server-side apply of an undeclared field fails whatever fieldValidation says.
    let apply = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "w" }, "spec": { "size": 3, "bogus": 1 } });
    let (code, status, _) = json_call(
        &emu,
        "PATCH",
        &format!("{widgets}/w?fieldManager=t&fieldValidation=Ignore"),
        "application/apply-patch+yaml",
        apply,
    )
    .await;
    assert_eq!(code, 500);
    assert_eq!(
        status["message"],
        "failed to create typed patch object (demo/w; example.com/v1, Kind=Widget): .spec.bogus: field not declared in schema"
    );
    assert!(status.get("reason").is_none());
}

#[tokio::test]
async fn daemonsets_and_statefulsets_become_ready_like_deployments() {
    let emu = plain();
    json_call(
        &emu,
        "POST",
        "/api/v1/namespaces",
        "application/json",
        json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "demo" } }),
    )
    .await;
    let template = json!({ "metadata": { "labels": { "app": "a" } }, "spec": { "containers": [{ "name": "c", "image": "i:1" }] } });
    let ds = json!({ "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": { "name": "ds" }, "spec": { "selector": { "matchLabels": { "app": "a" } }, "template": template } });
    let sts = json!({ "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": { "name": "sts" }, "spec": { "replicas": 2, "serviceName": "s", "selector": { "matchLabels": { "app": "a" } }, "template": template } });
    let (code, created, _) = json_call(
        &emu,
        "POST",
        "/apis/apps/v1/namespaces/demo/daemonsets",
        "application/json",
        ds,
    )
    .await;
    assert_eq!(code, 201, "{created}");
    assert_eq!(
        created["spec"]["updateStrategy"],
        json!({ "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 1, "maxSurge": 0 } })
    );
    let (code, created, _) = json_call(
        &emu,
        "POST",
        "/apis/apps/v1/namespaces/demo/statefulsets",
        "application/json",
        sts,
    )
    .await;
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["spec"]["podManagementPolicy"], "OrderedReady");
    assert_eq!(
        created["spec"]["persistentVolumeClaimRetentionPolicy"],
        json!({ "whenDeleted": "Retain", "whenScaled": "Retain" })
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, ds, _) = json_call(
            &emu,
            "GET",
            "/apis/apps/v1/namespaces/demo/daemonsets/ds",
            "",
            json!({}),
        )
        .await;
        let (_, sts, _) = json_call(
            &emu,
            "GET",
            "/apis/apps/v1/namespaces/demo/statefulsets/sts",
            "",
            json!({}),
        )
        .await;
        if ds["status"]["numberReady"] == 1 && sts["status"]["readyReplicas"] == 2 {
            let status = &ds["status"];
            assert_eq!(
                (
                    &status["desiredNumberScheduled"],
                    &status["updatedNumberScheduled"],
                    &status["numberAvailable"],
                    &status["observedGeneration"]
                ),
                (&json!(1), &json!(1), &json!(1), &json!(1))
            );
            let status = &sts["status"];
            assert_eq!(status["currentRevision"], status["updateRevision"]);
            assert!(status["currentRevision"]
                .as_str()
                .unwrap()
                .starts_with("sts-"));
            assert_eq!(
                (&status["availableReplicas"], &status["observedGeneration"]),
                (&json!(2), &json!(1))
            );
            break;
        }
        assert!(Instant::now() < deadline, "not ready: {ds} {sts}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn token_requests_authenticate_service_accounts_under_rbac() {
    let emu = Emulator::start(Config {
        plain_http: true,
        token: Some("admin".into()),
        rbac: true,
        ..Config::default()
    })
    .unwrap();
    json_call(
        &emu,
        "POST",
        "/api/v1/namespaces",
        "application/json",
        json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "demo" } }),
    )
    .await;
    json_call(
        &emu,
        "POST",
        "/api/v1/namespaces/demo/serviceaccounts",
        "application/json",
        json!({ "apiVersion": "v1", "kind": "ServiceAccount", "metadata": { "name": "bot" } }),
    )
    .await;
    let (code, token, _) = json_call(
        &emu,
        "POST",
        "/api/v1/namespaces/demo/serviceaccounts/bot/token",
        "application/json",
        json!({ "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {} }),
    )
    .await;
    assert_eq!(code, 201, "{token}");
    assert_eq!(token["spec"]["expirationSeconds"], 3600);
    let bot = token["status"]["token"].as_str().unwrap().to_string();
    let (code, _, _, body) = call(
        &emu,
        &bot,
        "GET",
        "/api/v1/namespaces/demo/secrets",
        &[("Accept", "application/json")],
        Vec::new(),
    )
    .await;
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(code, 403);
    assert_eq!(
        status["message"],
        "secrets is forbidden: User \"system:serviceaccount:demo:bot\" cannot list resource \"secrets\" in API group \"\" in the namespace \"demo\""
    );
    let review = json!({ "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": { "resourceAttributes": { "verb": "list", "resource": "secrets", "namespace": "demo" } } });
    let (code, _, _, body) = call(
        &emu,
        &bot,
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ],
        review.to_string().into_bytes(),
    )
    .await;
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (code, &answer["status"]),
        (201, &json!({ "allowed": false }))
    );
    let (code, _, _, _) = call(
        &emu,
        "not-a-token",
        "GET",
        "/api/v1/namespaces",
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(code, 401);
}

#[tokio::test]
async fn port_forward_relays_to_the_pods_local_backend_over_websocket_v4() {
    use futures_util::{SinkExt, StreamExt};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

    // A backend that answers each read with its upper-cased bytes.
    let backend = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let backend_port = backend.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut conn, _) = backend.accept().await.unwrap();
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).await.unwrap();
        conn.write_all(&buf[..n].to_ascii_uppercase())
            .await
            .unwrap();
    });
    let emu = Emulator::start(Config {
        plain_http: true,
        token: Some("admin".into()),
        rbac: true,
        users: vec![User::new(ALICE, "alice")],
        ..Config::default()
    })
    .unwrap();
    json_call(
        &emu,
        "POST",
        "/api/v1/namespaces",
        "application/json",
        json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "demo" } }),
    )
    .await;
    let pod = |name: &str, annotations: Value| {
        json!({ "apiVersion": "v1", "kind": "Pod",
        "metadata": { "name": name, "annotations": annotations },
        "spec": { "containers": [{ "name": "c", "image": "i:1", "ports": [{ "containerPort": 8080 }] }] } })
    };
    let annotations = json!({ "kube-emulator.istioctl-rs.dev/port-forward": format!("8080=127.0.0.1:{backend_port}") });
    assert_eq!(
        json_call(
            &emu,
            "POST",
            "/api/v1/namespaces/demo/pods",
            "application/json",
            pod("web", annotations)
        )
        .await
        .0,
        201
    );
    assert_eq!(
        json_call(
            &emu,
            "POST",
            "/api/v1/namespaces/demo/pods",
            "application/json",
            pod("bare", json!({}))
        )
        .await
        .0,
        201
    );

    let connect = |pod: &str, token: &str| {
        let mut req = format!(
            "ws://127.0.0.1:{}/api/v1/namespaces/demo/pods/{pod}/portforward?ports=8080",
            emu.port()
        )
        .into_client_request()
        .unwrap();
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "v4.channel.k8s.io".parse().unwrap(),
        );
        req.headers_mut()
            .insert("Authorization", format!("Bearer {token}").parse().unwrap());
        req
    };
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", emu.port()))
        .await
        .unwrap();
    let (mut ws, response) = tokio_tungstenite::client_async(connect("web", "admin"), stream)
        .await
        .unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "v4.channel.k8s.io"
    );
    // Each channel opens with the port, little-endian.
    for channel in [0u8, 1] {
        let Some(Ok(Message::Binary(first))) = ws.next().await else {
            panic!("no initial frame")
        };
        assert_eq!(first.as_ref(), [channel, 0x90, 0x1f]);
    }
    ws.send(Message::binary(b"\x00hello".to_vec()))
        .await
        .unwrap();
    let Some(Ok(Message::Binary(reply))) = ws.next().await else {
        panic!("no reply")
    };
    assert_eq!(reply.as_ref(), b"\x00HELLO");
    // The backend closed: the stream ends.
    assert!(matches!(
        ws.next().await,
        Some(Ok(Message::Close(_))) | None
    ));

    let (code, _, _, body) = call(
        &emu,
        "admin",
        "GET",
        "/api/v1/namespaces/demo/pods/bare/portforward?ports=8080",
        &[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Protocol", "v4.channel.k8s.io"),
        ],
        Vec::new(),
    )
    .await;
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(code, 400);
    assert_eq!(
        status["message"],
        "pod \"bare\" has no backend: annotate it kube-emulator.istioctl-rs.dev/port-forward=127.0.0.1:PORT (kube-emulator runs no containers)"
    );
    let (code, _, _, body) = call(
        &emu,
        ALICE,
        "GET",
        "/api/v1/namespaces/demo/pods/web/portforward?ports=8080",
        &[],
        Vec::new(),
    )
    .await;
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(code, 403);
    assert_eq!(
        status["message"],
        "pods \"web\" is forbidden: User \"alice\" cannot create resource \"pods/portforward\" in API group \"\" in the namespace \"demo\""
    );
}
