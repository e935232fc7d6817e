//! The REST protocol seen by a plain HTTP client: patch types, status subresource, errors,
//! selectors, paging, watch, CRDs, faults.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use kube_emulator::{Config, Emulator, FaultKind, Faults, Handle, Readiness};
use serde_json::{json, Value};

fn plain(config: Config) -> Handle {
    Emulator::start(Config {
        plain_http: true,
        token: Some("secret".into()),
        ..config
    })
    .expect("emulator starts")
}

async fn send(
    emu: &Handle,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
    token: Option<&str>,
) -> Result<Response<Incoming>, hyper::Error> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", emu.port()))
        .await
        .expect("connect to 127.0.0.1");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("Host", "127.0.0.1")
        .header("User-Agent", "http-test/1.0");
    if !content_type.is_empty() {
        req = req.header("Content-Type", content_type);
    }
    if let Some(token) = token {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    sender
        .send_request(req.body(Full::new(Bytes::from(body.to_string()))).unwrap())
        .await
}

/// One request with the right token; returns the status code and the JSON body.
async fn call(
    emu: &Handle,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let resp = send(emu, method, path, content_type, body, Some(emu.token()))
        .await
        .expect("request succeeds");
    let code = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (code, value)
}

async fn get(emu: &Handle, path: &str) -> (u16, Value) {
    call(emu, "GET", path, "", "").await
}

async fn post(emu: &Handle, path: &str, body: Value) -> (u16, Value) {
    call(emu, "POST", path, "application/json", &body.to_string()).await
}

fn cm(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}, "data": {"k": "v"}})
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

#[tokio::test]
async fn auth_and_error_bodies() {
    let emu = plain(Config::default());
    let resp = send(&emu, "GET", CMS, "", "", None).await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["reason"], "Unauthorized");
    let resp = send(&emu, "GET", CMS, "", "", Some("wrong")).await.unwrap();
    assert_eq!(resp.status(), 401);
    // /version is public, like the API server's.
    let resp = send(&emu, "GET", "/version", "", "", None).await.unwrap();
    assert_eq!(resp.status(), 200);

    let (code, body) = get(&emu, &format!("{CMS}/missing")).await;
    assert_eq!(code, 404);
    assert_eq!(
        body,
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"missing\" not found","reason":"NotFound","details":{"name":"missing","kind":"configmaps"},"code":404})
    );
    let (code, body) = post(
        &emu,
        "/api/v1/namespaces/nope/configmaps",
        cm("a", json!({})),
    )
    .await;
    assert_eq!(code, 404);
    assert_eq!(body["message"], "namespaces \"nope\" not found");
    assert_eq!(
        body["details"],
        json!({"name": "nope", "kind": "namespaces"})
    );

    let (code, created) = post(&emu, CMS, cm("a", json!({}))).await;
    assert_eq!(code, 201);
    assert!(created["metadata"]["uid"].as_str().unwrap().len() == 36);
    assert_eq!(created["metadata"]["generation"], 1);
    assert!(created["metadata"]["creationTimestamp"].is_string());
    assert_eq!(
        created["metadata"]["managedFields"][0]["manager"],
        "http-test"
    );
    let (code, body) = post(&emu, CMS, cm("a", json!({}))).await;
    assert_eq!(code, 409);
    assert_eq!(body["reason"], "AlreadyExists");

    let (code, body) = call(&emu, "POST", CMS, "application/json", "{not json").await;
    assert_eq!(code, 400);
    assert_eq!(body["reason"], "BadRequest");
    let (code, _) = get(&emu, "/apis/nothing.io/v1/things").await;
    assert_eq!(code, 404);
    let (code, body) = call(&emu, "PATCH", &format!("{CMS}/a"), "text/plain", "x").await;
    assert_eq!(code, 415, "{body}");

    // Optimistic concurrency.
    let mut stale = created.clone();
    stale["data"]["k"] = json!("v2");
    let (code, _) = call(
        &emu,
        "PUT",
        &format!("{CMS}/a"),
        "application/json",
        &stale.to_string(),
    )
    .await;
    assert_eq!(code, 200);
    let (code, body) = call(
        &emu,
        "PUT",
        &format!("{CMS}/a"),
        "application/json",
        &stale.to_string(),
    )
    .await;
    assert_eq!(code, 409);
    assert_eq!(body["reason"], "Conflict");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("the object has been modified"));

    let (code, review) = post(
        &emu,
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": {"resourceAttributes": {"verb": "create", "resource": "pods"}}}),
    )
    .await;
    assert_eq!(code, 201);
    assert_eq!(review["status"]["allowed"], true);
}

#[tokio::test]
async fn patch_types_apply_and_dry_run() {
    let emu = plain(Config::default());
    let path = format!("{CMS}/p");
    post(&emu, CMS, cm("p", json!({"app": "x"}))).await;

    let (code, obj) = call(
        &emu,
        "PATCH",
        &path,
        "application/merge-patch+json",
        r#"{"data":{"k":null,"m":"1"}}"#,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(obj["data"], json!({"m": "1"}));
    let (_, obj) = call(
        &emu,
        "PATCH",
        &path,
        "application/strategic-merge-patch+json",
        r#"{"metadata":{"labels":{"b":"2"}}}"#,
    )
    .await;
    assert_eq!(obj["metadata"]["labels"], json!({"app": "x", "b": "2"}));
    let (code, obj) = call(
        &emu,
        "PATCH",
        &path,
        "application/json-patch+json",
        r#"[{"op":"add","path":"/data/n","value":"2"},{"op":"remove","path":"/metadata/labels/b"}]"#,
    )
    .await;
    assert_eq!(code, 200, "{obj}");
    assert_eq!(obj["data"], json!({"m": "1", "n": "2"}));
    let (code, _) = call(
        &emu,
        "PATCH",
        &path,
        "application/json-patch+json",
        r#"[{"op":"test","path":"/data/m","value":"9"}]"#,
    )
    .await;
    assert_eq!(code, 422);
    let (code, _) = call(
        &emu,
        "PATCH",
        &format!("{CMS}/none"),
        "application/merge-patch+json",
        "{}",
    )
    .await;
    assert_eq!(code, 404);

    // Server-side apply: YAML body, creates when absent, fieldManager required.
    let apply = "application/apply-patch+yaml";
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  owned: alice\n";
    let (code, body) = call(&emu, "PATCH", &format!("{CMS}/s"), apply, yaml).await;
    assert_eq!(code, 400, "{body}");
    let (code, obj) = call(
        &emu,
        "PATCH",
        &format!("{CMS}/s?fieldManager=alice"),
        apply,
        yaml,
    )
    .await;
    assert_eq!(code, 201, "{obj}");
    let rv = obj["metadata"]["resourceVersion"].clone();
    // Re-applying the same configuration is a no-op: same resourceVersion.
    let (code, again) = call(
        &emu,
        "PATCH",
        &format!("{CMS}/s?fieldManager=alice"),
        apply,
        yaml,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(again["metadata"]["resourceVersion"], rv);
    // JSON is valid YAML.
    let json_body =
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"},"data":{"owned":"bob"}}"#;
    let (code, body) = call(
        &emu,
        "PATCH",
        &format!("{CMS}/s?fieldManager=bob"),
        apply,
        json_body,
    )
    .await;
    assert_eq!(code, 409);
    assert_eq!(body["reason"], "Conflict");
    assert_eq!(body["details"]["causes"][0]["field"], ".data.owned");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("conflict with \"alice\""),
        "{body}"
    );
    // dryRun=All: computed, not stored.
    let (code, dry) = call(
        &emu,
        "PATCH",
        &format!("{CMS}/s?fieldManager=bob&force=true&dryRun=All"),
        apply,
        json_body,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(dry["data"]["owned"], "bob");
    let (_, stored) = get(&emu, &format!("{CMS}/s")).await;
    assert_eq!(stored["data"]["owned"], "alice");
    let (code, forced) = call(
        &emu,
        "PATCH",
        &format!("{CMS}/s?fieldManager=bob&force=true"),
        apply,
        json_body,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(forced["data"]["owned"], "bob");
    let managers: Vec<&str> = forced["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["manager"].as_str().unwrap())
        .collect();
    assert_eq!(managers, ["bob"]);

    let (code, _) = post(&emu, &format!("{CMS}?dryRun=All"), cm("dry", json!({}))).await;
    assert_eq!(code, 201);
    let (code, _) = get(&emu, &format!("{CMS}/dry")).await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn status_subresource_and_generation() {
    let emu = plain(Config {
        readiness: Readiness::Never,
        ..Config::default()
    });
    let deploys = "/apis/apps/v1/namespaces/default/deployments";
    let deploy = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}},
        "status": {"readyReplicas": 7}
    });
    let (code, created) = post(&emu, deploys, deploy).await;
    assert_eq!(code, 201);
    assert_eq!(
        created["status"],
        json!({}),
        "status is dropped on create (a Deployment always has one, empty)"
    );
    let path = format!("{deploys}/d");
    let (_, obj) = call(
        &emu,
        "PATCH",
        &path,
        "application/merge-patch+json",
        r#"{"status":{"readyReplicas":5}}"#,
    )
    .await;
    assert_ne!(
        obj["status"]["readyReplicas"], 5,
        "the main resource ignores status"
    );
    assert_eq!(obj["metadata"]["generation"], 1);
    let (code, obj) = call(
        &emu,
        "PATCH",
        &format!("{path}/status"),
        "application/merge-patch+json",
        r#"{"status":{"readyReplicas":5},"spec":{"replicas":9}}"#,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(obj["status"]["readyReplicas"], 5);
    assert_eq!(
        obj["spec"]["replicas"], 1,
        "the status subresource ignores spec"
    );
    let (_, obj) = call(
        &emu,
        "PATCH",
        &path,
        "application/merge-patch+json",
        r#"{"spec":{"replicas":3}}"#,
    )
    .await;
    assert_eq!(obj["metadata"]["generation"], 2);
    let (code, obj) = get(&emu, &format!("{path}/status")).await;
    assert_eq!(code, 200);
    assert_eq!(obj["metadata"]["name"], "d");
}

#[tokio::test]
async fn selectors_and_paging() {
    let emu = plain(Config::default());
    for i in 0..7 {
        let tier = if i % 2 == 0 { "front" } else { "back" };
        let mut labels = json!({"tier": tier});
        if i == 3 {
            labels["special"] = json!("yes");
        }
        let (code, _) = post(&emu, CMS, cm(&format!("cm{i}"), labels)).await;
        assert_eq!(code, 201);
    }
    let names = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, list) = get(&emu, &format!("{CMS}?labelSelector=tier%3Dfront")).await;
    assert_eq!(names(&list), ["cm0", "cm2", "cm4", "cm6"]);
    assert_eq!(list["kind"], "ConfigMapList");
    assert!(
        list["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    let (_, list) = get(
        &emu,
        &format!("{CMS}?labelSelector=tier%20notin%20(front),!special"),
    )
    .await;
    assert_eq!(names(&list), ["cm1", "cm5"]);
    let (_, list) = get(&emu, &format!("{CMS}?labelSelector=special")).await;
    assert_eq!(names(&list), ["cm3"]);
    let (_, list) = get(
        &emu,
        &format!("{CMS}?labelSelector=tier!%3Dfront,tier%20in%20(back)"),
    )
    .await;
    assert_eq!(names(&list), ["cm1", "cm3", "cm5"]);
    let (_, list) = get(&emu, &format!("{CMS}?fieldSelector=metadata.name%3Dcm4")).await;
    assert_eq!(names(&list), ["cm4"]);
    let (_, list) = get(
        &emu,
        "/api/v1/configmaps?fieldSelector=metadata.namespace%3Ddefault,metadata.name!%3Dcm4",
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 6);
    let (code, _) = get(&emu, &format!("{CMS}?labelSelector=a%20in%20(b")).await;
    assert_eq!(code, 400);

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let (code, page) = get(&emu, &format!("{CMS}?limit=3&continue={token}")).await;
        assert_eq!(code, 200);
        pages += 1;
        seen.extend(names(&page));
        match page["metadata"]["continue"].as_str() {
            Some(next) => {
                assert!(page["metadata"]["remainingItemCount"].as_u64().unwrap() > 0);
                token = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..7).map(|i| format!("cm{i}")).collect::<Vec<_>>());
}

/// Reads newline-delimited JSON events from a watch until `count` arrived (bounded in time).
async fn read_events(body: &mut Incoming, count: usize) -> Vec<Value> {
    let mut events = Vec::new();
    let mut buf = String::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while events.len() < count {
            let Some(frame) = body.frame().await else {
                break;
            };
            if let Ok(data) = frame.unwrap().into_data() {
                buf.push_str(std::str::from_utf8(&data).unwrap());
                while let Some(pos) = buf.find('\n') {
                    let line: String = buf.drain(..=pos).collect();
                    events.push(serde_json::from_str(&line).unwrap());
                }
            }
        }
    })
    .await
    .expect("events arrive in time");
    events
}

fn summary(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn watch_streams_changes() {
    let emu = plain(Config::default());
    post(&emu, CMS, cm("before", json!({"w": "1"}))).await;
    let (_, list) = get(&emu, CMS).await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    let token = emu.token().to_string();
    let resp = send(
        &emu,
        "GET",
        &format!("{CMS}?watch=true&resourceVersion={rv}"),
        "",
        "",
        Some(&token),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    let selected = send(
        &emu,
        "GET",
        &format!("{CMS}?watch=1&labelSelector=w%3D1"),
        "",
        "",
        Some(&token),
    )
    .await
    .unwrap();
    let mut selected = selected.into_body();

    post(&emu, CMS, cm("a", json!({"w": "1"}))).await;
    call(
        &emu,
        "PATCH",
        &format!("{CMS}/a"),
        "application/merge-patch+json",
        r#"{"data":{"x":"y"}}"#,
    )
    .await;
    call(
        &emu,
        "PATCH",
        &format!("{CMS}/a"),
        "application/merge-patch+json",
        r#"{"metadata":{"labels":{"w":"2"}}}"#,
    )
    .await;
    call(&emu, "DELETE", &format!("{CMS}/a"), "", "").await;
    post(
        &emu,
        "/api/v1/namespaces/kube-system/configmaps",
        cm("elsewhere", json!({})),
    )
    .await;

    let events = read_events(&mut body, 4).await;
    assert_eq!(
        summary(&events),
        [
            ("ADDED", "a"),
            ("MODIFIED", "a"),
            ("MODIFIED", "a"),
            ("DELETED", "a")
        ]
        .map(|(t, n)| (t.to_string(), n.to_string()))
    );
    assert_eq!(events[1]["object"]["data"]["x"], "y");
    // Without a resourceVersion: the existing objects first, and the label change reads as a deletion.
    let events = read_events(&mut selected, 4).await;
    assert_eq!(
        summary(&events),
        [
            ("ADDED", "before"),
            ("ADDED", "a"),
            ("MODIFIED", "a"),
            ("DELETED", "a")
        ]
        .map(|(t, n)| (t.to_string(), n.to_string()))
    );

    // Replay from an old resourceVersion, and the end of a watch with timeoutSeconds.
    let resp = send(
        &emu,
        "GET",
        &format!("{CMS}?watch=true&resourceVersion={rv}&timeoutSeconds=1"),
        "",
        "",
        Some(&token),
    )
    .await
    .unwrap();
    let bytes = tokio::time::timeout(Duration::from_secs(5), resp.into_body().collect())
        .await
        .unwrap()
        .unwrap()
        .to_bytes();
    let lines: Vec<Value> = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");

    // Streaming list: current objects, then a bookmark marking the end of the initial events.
    let resp = send(&emu, "GET", &format!("{CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1"), "", "", Some(&token)).await.unwrap();
    let bytes = tokio::time::timeout(Duration::from_secs(5), resp.into_body().collect())
        .await
        .unwrap()
        .unwrap()
        .to_bytes();
    let lines: Vec<Value> = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["type"], "ADDED");
    assert_eq!(lines[1]["type"], "BOOKMARK");
    assert_eq!(
        lines[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
}

#[tokio::test]
async fn crds_namespaces_and_cascade() {
    let emu = plain(Config::default());
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.io"},
        "spec": {"group": "example.io", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}}, "schema": {"openAPIV3Schema": {"type": "object"}}}]}
    });
    let (code, _) = get(&emu, "/apis/example.io/v1").await;
    assert_eq!(code, 404);
    let (code, created) = post(
        &emu,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        crd,
    )
    .await;
    assert_eq!(code, 201);
    let established = created["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["type"] == "Established" && c["status"] == "True");
    assert!(established, "{created}");
    let (code, list) = get(&emu, "/apis/example.io/v1").await;
    assert_eq!(code, 200);
    assert_eq!(list["resources"][0]["name"], "widgets");
    assert_eq!(list["resources"][0]["shortNames"], json!(["wd"]));
    assert_eq!(list["resources"][1]["name"], "widgets/status");
    let (_, groups) = get(&emu, "/apis").await;
    assert!(groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"] == "example.io"));

    let (code, _) = post(
        &emu,
        "/api/v1/namespaces",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
    )
    .await;
    assert_eq!(code, 201);
    let widgets = "/apis/example.io/v1/namespaces/team/widgets";
    let (code, w) = post(&emu, widgets, json!({"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 3}})).await;
    assert_eq!(code, 201, "{w}");
    post(
        &emu,
        "/api/v1/namespaces/team/configmaps",
        cm("c", json!({})),
    )
    .await;

    // Deleting a namespace: Terminating at once, then emptied and gone.
    let (code, ns) = call(&emu, "DELETE", "/api/v1/namespaces/team", "", "").await;
    assert_eq!(code, 200);
    assert_eq!(ns["status"]["phase"], "Terminating");
    let (code, body) = post(
        &emu,
        "/api/v1/namespaces/team/configmaps",
        cm("late", json!({})),
    )
    .await;
    if code != 404 {
        assert_eq!(code, 403, "{body}");
    }
    let mut gone = false;
    for _ in 0..50 {
        if get(&emu, "/api/v1/namespaces/team").await.0 == 404 {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone, "namespace removed");
    assert_eq!(get(&emu, &format!("{widgets}/w1")).await.0, 404);
    assert_eq!(
        get(&emu, "/api/v1/namespaces/team/configmaps/c").await.0,
        404
    );

    // Deleting a CRD deletes its custom resources and stops serving them.
    post(
        &emu,
        "/apis/example.io/v1/namespaces/default/widgets",
        json!({"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w2"}}),
    )
    .await;
    let crd_path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.io";
    let (code, terminating) = call(&emu, "DELETE", crd_path, "", "").await;
    assert_eq!(code, 200);
    assert!(terminating["metadata"]["deletionTimestamp"].is_string());
    let mut gone = false;
    for _ in 0..100 {
        if get(&emu, crd_path).await.0 == 404 {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone, "CRD removed");
    assert_eq!(
        get(&emu, "/apis/example.io/v1/namespaces/default/widgets/w2")
            .await
            .0,
        404
    );
    let (_, groups) = get(&emu, "/apis").await;
    assert!(
        !groups.to_string().contains("example.io"),
        "the group leaves /apis with the CRD"
    );
    // Its version document follows shortly (discovery handlers update asynchronously).
    let mut retired = false;
    for _ in 0..100 {
        if get(&emu, "/apis/example.io/v1").await.0 == 404 {
            retired = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(retired, "/apis/example.io/v1 retired");

    // Owner references cascade.
    let (_, owner) = post(&emu, CMS, cm("owner", json!({}))).await;
    let mut dependent = cm("dependent", json!({}));
    dependent["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner["metadata"]["uid"]}]);
    post(&emu, CMS, dependent).await;
    call(
        &emu,
        "DELETE",
        &format!("{CMS}/owner?propagationPolicy=Background"),
        "",
        "",
    )
    .await;
    assert_eq!(get(&emu, &format!("{CMS}/dependent")).await.0, 404);
}

#[tokio::test]
async fn faults_are_seeded_and_spare_discovery() {
    let only_429 = plain(Config {
        faults: Faults {
            rate: 1.0,
            kinds: vec![FaultKind::TooManyRequests],
            ..Faults::default()
        },
        ..Config::default()
    });
    let resp = send(&only_429, "GET", CMS, "", "", Some("secret"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["Retry-After"], "1");
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["reason"], "TooManyRequests");
    assert_eq!(
        get(&only_429, "/api/v1").await.0,
        200,
        "discovery is spared"
    );
    assert_eq!(get(&only_429, "/apis").await.0, 200);

    let dropping = plain(Config {
        faults: Faults {
            rate: 1.0,
            kinds: vec![FaultKind::DropConnection],
            ..Faults::default()
        },
        ..Config::default()
    });
    assert!(send(&dropping, "GET", CMS, "", "", Some("secret"))
        .await
        .is_err());

    let sequence = |seed: u64| async move {
        let emu = plain(Config {
            faults: Faults {
                rate: 0.3,
                seed,
                kinds: vec![FaultKind::TooManyRequests, FaultKind::ServerError],
                latency: Duration::from_millis(1),
            },
            ..Config::default()
        });
        let mut codes = Vec::new();
        for _ in 0..40 {
            codes.push(get(&emu, CMS).await.0);
        }
        codes
    };
    let first = sequence(42).await;
    assert_eq!(first, sequence(42).await, "same seed, same faults");
    assert!(
        first.contains(&429) && first.contains(&500) && first.contains(&200),
        "{first:?}"
    );
    assert_ne!(first, sequence(43).await);
}

#[tokio::test]
async fn malformed_requests_get_client_errors() {
    let emu = plain(Config::default());
    let (code, status) = post(&emu, "/apis/apps/v1/namespaces/default/deployments", json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "odd"}, "spec": "not a map"})).await;
    assert_eq!(code, 400);
    assert_eq!(
        status["message"],
        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"
    );
    let sane = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "odd"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
    assert_eq!(
        post(&emu, "/apis/apps/v1/namespaces/default/deployments", sane)
            .await
            .0,
        201
    );
    let deploy = "/apis/apps/v1/namespaces/default/deployments/odd";
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("POST", CMS.into(), "application/json", "[1, 2]"),
        ("POST", CMS.into(), "application/json", "\"text\""),
        ("POST", CMS.into(), "application/json", ""),
        ("POST", CMS.into(), "application/yaml", "a: [unclosed"),
        (
            "POST",
            CMS.into(),
            "application/json",
            r#"{"metadata": {"name": "a/b"}}"#,
        ),
        (
            "POST",
            CMS.into(),
            "application/json",
            r#"{"metadata": {}}"#,
        ),
        (
            "POST",
            CMS.into(),
            "application/json",
            r#"{"kind": "Secret", "metadata": {"name": "x"}}"#,
        ),
        (
            "POST",
            CMS.into(),
            "application/json",
            r#"{"metadata": {"name": "x", "namespace": "other"}}"#,
        ),
        (
            "POST",
            "/api/v1/configmaps".into(),
            "application/json",
            r#"{"metadata": {"name": "x"}}"#,
        ),
        (
            "PUT",
            format!("{CMS}/x"),
            "application/json",
            r#"{"metadata": {"name": "y"}}"#,
        ),
        ("PUT", CMS.into(), "application/json", "{}"),
        (
            "PATCH",
            format!("{CMS}/x?fieldManager=m"),
            "application/apply-patch+yaml",
            "just a string",
        ),
        (
            "PATCH",
            format!("{CMS}/x?fieldManager=m"),
            "application/apply-patch+yaml",
            "- a\n- b\n",
        ),
        (
            "PATCH",
            format!("{CMS}/x"),
            "application/merge-patch+json",
            "[]",
        ),
        (
            "PATCH",
            format!("{CMS}/x"),
            "application/json-patch+json",
            r#"{"op": "add"}"#,
        ),
        (
            "PATCH",
            format!("{CMS}/x"),
            "application/json-patch+json",
            r#"[{"op": "jump", "path": "/a"}]"#,
        ),
        (
            "PATCH",
            format!("{deploy}/scale"),
            "application/merge-patch+json",
            r#"{"spec": {"replicas": -1}}"#,
        ),
        (
            "PUT",
            format!("{deploy}/scale"),
            "application/json",
            r#"{"spec": "x"}"#,
        ),
        ("GET", format!("{CMS}/x/unknownsub"), "", ""),
        ("GET", format!("{CMS}?limit=abc"), "", ""),
        ("GET", format!("{CMS}?continue=%%%"), "", ""),
        ("GET", format!("{CMS}?fieldSelector=nonsense"), "", ""),
        (
            "GET",
            "/api/v1/namespaces/default/configmaps/a/b/c/d".into(),
            "",
            "",
        ),
        ("DELETE", format!("{CMS}/never"), "", ""),
        ("POST", format!("{CMS}/x"), "application/json", "{}"),
        (
            "GET",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews".into(),
            "",
            "",
        ),
    ];
    for (method, path, content_type, body) in cases {
        let (code, status) = call(&emu, method, &path, content_type, body).await;
        assert!(
            (400..500).contains(&code),
            "{method} {path} {body:?} -> {code} {status}"
        );
        assert_eq!(status["kind"], "Status", "{method} {path}");
    }
    // The scale subresource still works on a sane deployment, and the server is still up.
    let (code, scale) = call(
        &emu,
        "PATCH",
        &format!("{deploy}/scale"),
        "application/merge-patch+json",
        r#"{"spec": {"replicas": 2}}"#,
    )
    .await;
    assert_eq!(code, 200, "{scale}");
    assert_eq!(scale["spec"]["replicas"], 2);
    assert_eq!(get(&emu, "/version").await.0, 200);
}

#[tokio::test]
async fn handle_controls_and_inspection() {
    let emu = plain(Config {
        readiness: Readiness::Never,
        ..Config::default()
    });
    let deploys = "/apis/apps/v1/namespaces/default/deployments";
    let deploy = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}
    });
    post(&emu, deploys, deploy).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, d) = get(&emu, &format!("{deploys}/d")).await;
    assert_eq!(d["status"]["unavailableReplicas"], 2, "{}", d["status"]);
    assert!(d["status"]["readyReplicas"].is_null());

    // Becoming ready later, without touching the Deployment.
    emu.set_readiness(Readiness::After(Duration::from_millis(50)));
    let mut ready = false;
    for _ in 0..50 {
        let (_, d) = get(&emu, &format!("{deploys}/d")).await;
        if d["status"]["readyReplicas"] == 2 {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ready);

    // resourceVersion stays put across no-op writes.
    let rv = emu.resource_version();
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\ndata:\n  k: v\n";
    call(
        &emu,
        "PATCH",
        &format!("{CMS}/same?fieldManager=m"),
        "application/apply-patch+yaml",
        yaml,
    )
    .await;
    let after_create = emu.resource_version();
    assert_eq!(after_create, rv + 1);
    call(
        &emu,
        "PATCH",
        &format!("{CMS}/same?fieldManager=m"),
        "application/apply-patch+yaml",
        yaml,
    )
    .await;
    assert_eq!(emu.resource_version(), after_create);

    // Faults switched on and off at run time; every request is logged.
    emu.set_faults(Faults {
        rate: 1.0,
        kinds: vec![FaultKind::ServerError],
        ..Faults::default()
    });
    assert_eq!(get(&emu, CMS).await.0, 500);
    emu.set_faults(Faults::default());
    assert_eq!(get(&emu, CMS).await.0, 200);
    let log = emu.requests();
    let last = log.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.uri.as_str(), last.status),
        ("GET", CMS, Some(200))
    );
    assert_eq!(log[log.len() - 2].status, Some(500));
    assert!(log
        .iter()
        .any(|r| r.method == "PATCH" && r.uri.contains("fieldManager=m")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_and_a_watcher() {
    let emu = std::sync::Arc::new(plain(Config::default()));
    let token = emu.token().to_string();
    let resp = send(
        &emu,
        "GET",
        &format!("{CMS}?watch=true&labelSelector=load"),
        "",
        "",
        Some(&token),
    )
    .await
    .unwrap();
    let mut body = resp.into_body();
    let mut tasks = Vec::new();
    for writer in 0..8 {
        let emu = std::sync::Arc::clone(&emu);
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let yaml = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w{writer}-{i}\n  labels: {{load: 'yes'}}\ndata:\n  i: '{i}'\n");
                let (code, _) = call(&emu, "PATCH", &format!("{CMS}/w{writer}-{i}?fieldManager=w{writer}"), "application/apply-patch+yaml", &yaml).await;
                assert_eq!(code, 201);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let (_, list) = get(&emu, &format!("{CMS}?labelSelector=load")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 200);
    let events = read_events(&mut body, 200).await;
    assert!(events.iter().all(|e| e["type"] == "ADDED"));
    let mut rvs: Vec<u64> = events
        .iter()
        .map(|e| {
            e["object"]["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let sorted = {
        let mut s = rvs.clone();
        s.sort();
        s
    };
    assert_eq!(rvs, sorted, "events arrive in resourceVersion order");
    rvs.dedup();
    assert_eq!(rvs.len(), 200);
}
