//! Canary upgrades against the API emulator: the installed configuration recorded per
//! revision, `verify-install` and `version` working from it, revision tags, `uninstall` of
//! one configuration, `upgrade`'s gates and `x check-inject`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use istio_install::apply as install;
use istio_install::kinds::ObjectKey as Key;
use istio_kube::Cluster;
use kube_emulator::{Config, Emulator, Handle, Readiness};
use serde_json::Value;

/// A running emulator and the kubeconfig it wrote.
struct Env {
    emu: Handle,
    rt: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn start() -> Env {
    start_with(Config::default())
}

fn start_with(config: Config) -> Env {
    let emu = Emulator::start(Config {
        readiness: Readiness::After(Duration::from_millis(100)),
        ..config
    })
    .expect("emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    emu.write_kubeconfig(&kubeconfig)
        .expect("kubeconfig written");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    Env {
        emu,
        rt,
        dir,
        kubeconfig,
    }
}

/// stdout, stderr and success of one run.
struct Run {
    ok: bool,
    out: String,
    err: String,
}

impl Env {
    fn istioctl(&self, args: &[&str]) -> Run {
        self.istioctl_as(&self.kubeconfig, args)
    }

    fn istioctl_as(&self, kubeconfig: &std::path::Path, args: &[&str]) -> Run {
        let out = Command::cargo_bin("istioctl")
            .expect("binary")
            .arg("-c")
            .arg(kubeconfig)
            .args(args)
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(120))
            .output()
            .expect("runs");
        Run {
            ok: out.status.success(),
            out: String::from_utf8_lossy(&out.stdout).into_owned(),
            err: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts success.
    fn ok(&self, args: &[&str]) -> String {
        let r = self.istioctl(args);
        assert!(r.ok, "{args:?} failed:\n{}\n{}", r.out, r.err);
        r.out
    }

    /// Runs and asserts failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let r = self.istioctl(args);
        assert!(!r.ok, "{args:?} succeeded:\n{}", r.out);
        // miette wraps long lines; compare the words.
        r.err
            .replace('\u{2502}', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn cluster(&self) -> Cluster {
        let path = self.kubeconfig.clone();
        self.rt
            .block_on(async move { Cluster::connect(Some(&path), None).await.expect("connects") })
    }

    fn inventory(&self) -> BTreeSet<Key> {
        let cluster = self.cluster();
        self.rt
            .block_on(async { install::inventory(&cluster).await.expect("inventory") })
            .into_keys()
            .collect()
    }

    fn get(&self, av: &str, kind: &str, ns: Option<&str>, name: &str) -> Option<Value> {
        let cluster = self.cluster();
        let kind = cluster.require_kind(av, kind).expect("kind");
        self.rt
            .block_on(async { cluster.get(&kind, ns, name).await.expect("get") })
    }

    fn apply(&self, o: Value) {
        let cluster = self.cluster();
        let av = o["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = cluster
            .require_kind(&av, o["kind"].as_str().unwrap_or_default())
            .expect("kind");
        self.rt
            .block_on(async { cluster.apply(&kind, &o, false).await.expect("applied") });
    }

    fn delete(&self, av: &str, kind: &str, ns: Option<&str>, name: &str) {
        let cluster = self.cluster();
        let kind = cluster.require_kind(av, kind).expect("kind");
        self.rt
            .block_on(async { cluster.delete(&kind, ns, name).await.expect("delete") });
    }
}

#[test]
fn the_installed_configuration_is_recorded_and_verified_per_revision() {
    let env = start();
    let file = env.dir.path().join("demo.yaml");
    std::fs::write(
        &file,
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: demo\n",
    )
    .unwrap();
    env.ok(&["install", "-y", "-f", file.to_str().unwrap()]);
    let record = env
        .get("v1", "ConfigMap", Some("istio-system"), "installed-state")
        .expect("the install is recorded");
    assert_eq!(record["data"]["profile"], "demo");
    assert_eq!(
        record["metadata"]["labels"]["install.operator.istio.io/installed-state"],
        "true"
    );
    // verify-install with no flags verifies what was installed (demo, with its gateways).
    let out = env.ok(&["verify-install"]);
    assert!(
        out.contains("Revision default (profile demo, namespace istio-system):"),
        "{out}"
    );
    assert!(
        out.contains("\u{2714} Deployment: istio-egressgateway.istio-system checked successfully"),
        "{out}"
    );
    env.ok(&["install", "-y", "--set", "profile=minimal", "-r", "canary"]);
    let out = env.ok(&["verify-install"]);
    assert!(
        out.contains("Revision canary (profile minimal, namespace istio-system):"),
        "{out}"
    );
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("REVISION"))
        .take(3)
        .collect();
    assert_eq!(
        table,
        [
            "REVISION   NAMESPACE      PROFILE   OBJECTS   STATUS",
            &format!(
                "canary     istio-system   minimal   {:<7}   verified",
                objects(&["profile=minimal", "revision=canary"])
            ),
            &format!(
                "default    istio-system   demo      {:<7}   verified",
                objects(&["profile=demo"])
            ),
        ],
        "{out}"
    );
    // One revision, and a revision nobody installed.
    let out = env.ok(&["verify-install", "-r", "canary"]);
    assert!(!out.contains("istio-egressgateway"), "{out}");
    let err = env.fails(&["verify-install", "-r", "nope"]);
    assert!(
        err.contains("no install of revision \"nope\" is recorded on the cluster"),
        "{err}"
    );
    env.delete(
        "apps/v1",
        "Deployment",
        Some("istio-system"),
        "istiod-canary",
    );
    let r = env.istioctl(&["verify-install", "-r", "canary"]);
    assert!(!r.ok);
    assert!(
        r.out
            .contains("\u{2718} Deployment: istiod-canary.istio-system not found"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("canary     istio-system   minimal"),
        "{}",
        r.out
    );
}

#[test]
fn version_shows_each_revision_and_the_data_plane() {
    let env = start();
    env.ok(&["install", "-y", "--set", "profile=minimal"]);
    env.ok(&["install", "-y", "--set", "profile=minimal", "-r", "canary"]);
    env.apply(serde_json::json!({
        "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}
    }));
    for (name, rev) in [
        ("web-1", "canary"),
        ("web-2", "canary"),
        ("db-1", "default"),
    ] {
        env.apply(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "shop", "labels": {"istio.io/rev": rev}},
            "spec": {"containers": [
                {"name": "app", "image": "nginx:1.27"},
                {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.29.1"},
            ]},
        }));
    }
    let v = istio_api::release::ISTIO_VERSION;
    let out = env.ok(&["version"]);
    assert!(
        out.contains(&format!("control plane version: {v}\n")),
        "{out}"
    );
    assert!(
        out.contains("data plane version: 1.29.1 (3 proxies)\n"),
        "{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("REVISION"))
        .collect();
    assert_eq!(
        rows,
        [
            "REVISION   NAMESPACE      ISTIOD          VERSION   PROXIES",
            &format!("default    istio-system   istiod          {v}    1 (1\u{d7}1.29.1)"),
            &format!("canary     istio-system   istiod-canary   {v}    2 (2\u{d7}1.29.1)"),
        ],
        "{out}"
    );
    let out = env.ok(&["version", "-s", "-r", "canary"]);
    assert_eq!(
        out,
        format!(
            "client version: {}\ncontrol plane version: {v}\ndata plane version: 1.29.1 (2 proxies)\n",
            istio_api::release::CLIENT_VERSION
        )
    );
}

/// How many objects verify-install checks for these flags.
fn objects(sets: &[&str]) -> usize {
    let inputs = istio_install::operator::Inputs {
        files: Vec::new(),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        force: false,
    };
    let cfg = istio_install::operator::load(&inputs).expect("config");
    istio_install::render::render_manifests(&cfg)
        .expect("render")
        .len()
}

#[test]
fn canary_flow_moves_a_tag_between_revisions() {
    let env = start();
    env.ok(&["install", "-y", "--set", "profile=minimal", "-r", "a"]);
    env.ok(&["install", "-y", "--set", "profile=minimal", "-r", "b"]);
    let mwc = "admissionregistration.k8s.io/v1";
    // An unknown revision is refused, nothing written.
    let before = env.emu.resource_version();
    let err = env.fails(&["tag", "set", "prod", "-r", "zzz"]);
    assert!(
        err.contains("cannot find a control plane of revision \"zzz\""),
        "{err}"
    );
    assert!(err.contains("installed revisions: a, b"), "{err}");
    assert_eq!(env.emu.resource_version(), before);
    // generate prints the webhook and writes nothing.
    let out = env.ok(&["tag", "generate", "prod", "-r", "a"]);
    assert!(out.contains("name: istio-revision-tag-prod"), "{out}");
    assert!(out.contains("istio.io/tag: prod"), "{out}");
    assert_eq!(env.emu.resource_version(), before);
    env.ok(&["tag", "set", "prod", "-r", "a"]);
    let hook = env
        .get(
            mwc,
            "MutatingWebhookConfiguration",
            None,
            "istio-revision-tag-prod",
        )
        .expect("tag webhook");
    assert_eq!(hook["metadata"]["labels"]["istio.io/rev"], "a");
    assert!(hook["metadata"]["labels"]
        .get("install.operator.istio.io/owning-resource")
        .is_none());
    assert_eq!(
        hook["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-a"
    );
    assert_eq!(
        hook["webhooks"][0]["namespaceSelector"]["matchExpressions"][0]["values"][0],
        "prod"
    );
    env.apply(serde_json::json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {"istio.io/rev": "prod"}}
    }));
    let out = env.ok(&["tag", "list"]);
    assert_eq!(
        out,
        "TAG    REVISION   NAMESPACES\nprod   a          shop\n"
    );
    // A tag in use is not moved without --overwrite.
    let before = env.emu.resource_version();
    let err = env.fails(&["tag", "set", "prod", "-r", "b"]);
    assert!(
        err.contains(
            "revision tag \"prod\" already points at revision \"a\" and namespaces use it: shop"
        ),
        "{err}"
    );
    assert!(err.contains("--overwrite"), "{err}");
    assert_eq!(env.emu.resource_version(), before);
    env.ok(&["tag", "set", "prod", "-r", "b", "--overwrite", "-y"]);
    let hook = env
        .get(
            mwc,
            "MutatingWebhookConfiguration",
            None,
            "istio-revision-tag-prod",
        )
        .expect("tag webhook");
    assert_eq!(hook["metadata"]["labels"]["istio.io/rev"], "b");
    assert_eq!(
        hook["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-b"
    );
    let json: Value = serde_json::from_str(&env.ok(&["tag", "list", "-o", "json"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"tag": "prod", "revision": "b", "namespaces": ["shop"]}])
    );
    // Removing revision a leaves b and the tag alone.
    env.ok(&["uninstall", "-y", "-r", "a"]);
    assert!(env
        .get(
            mwc,
            "MutatingWebhookConfiguration",
            None,
            "istio-sidecar-injector-a"
        )
        .is_none());
    assert!(env
        .get(
            mwc,
            "MutatingWebhookConfiguration",
            None,
            "istio-revision-tag-prod"
        )
        .is_some());
    assert!(env.inventory().iter().all(|k| !k.name.ends_with("-a")));
    env.ok(&["verify-install", "-r", "b"]);
    // remove, with namespaces using it, needs -y.
    env.fails(&["tag", "remove", "prod"]);
    env.ok(&["tag", "remove", "prod", "-y"]);
    assert!(env
        .get(
            mwc,
            "MutatingWebhookConfiguration",
            None,
            "istio-revision-tag-prod"
        )
        .is_none());
    let err = env.fails(&["tag", "remove", "prod", "-y"]);
    assert!(
        err.contains("revision tag \"prod\" does not exist"),
        "{err}"
    );
}
