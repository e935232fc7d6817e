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
    // The tag's webhook injects the namespace's pods, for revision a.
    let out = env.ok(&["x", "check-inject", "-n", "shop", "-l", "app=web"]);
    assert_eq!(
        inject_row(&out, "istio-revision-tag-prod"),
        "istio-revision-tag-prod a \u{2714} namespace label istio.io/rev=prod matches"
    );
    assert_eq!(
        inject_row(&out, "istio-sidecar-injector-b"),
        "istio-sidecar-injector-b b \u{2718} no matching namespace label (istio.io/rev=b) or pod label (istio.io/rev=b)"
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
    let out = env.ok(&["x", "check-inject", "-n", "shop", "-l", "app=web"]);
    assert!(out.starts_with("WEBHOOK "), "{out}");
    assert_eq!(
        inject_row(&out, "istio-revision-tag-prod"),
        "istio-revision-tag-prod b \u{2714} namespace label istio.io/rev=prod matches"
    );
    assert!(
        inject_row(&out, "istio-sidecar-injector-a").contains(" a \u{2718} "),
        "{out}"
    );
    // A pod that opts out, and a pod that does not exist.
    let out = env.ok(&[
        "x",
        "check-inject",
        "-n",
        "shop",
        "-l",
        "sidecar.istio.io/inject=false",
    ]);
    assert_eq!(
        inject_row(&out, "istio-revision-tag-prod"),
        "istio-revision-tag-prod b \u{2718} pod label sidecar.istio.io/inject=false turns injection off"
    );
    let err = env.fails(&["x", "check-inject", "-n", "shop", "web-9"]);
    assert!(err.contains("pod shop/web-9 not found"), "{err}");
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
    let (b, shared) = installed(&["profile=minimal", "revision=b"]);
    assert_eq!(env.inventory(), &b | &shared);
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

/// The objects an install with these flags creates (the record included), and those of them
/// the base chart renders (shared by every revision).
fn installed(sets: &[&str]) -> (BTreeSet<Key>, BTreeSet<Key>) {
    let inputs = istio_install::operator::Inputs {
        files: Vec::new(),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        force: false,
    };
    let cfg = istio_install::operator::load(&inputs).expect("config");
    let (_, all) = istio_install::uninstall::configuration_objects(&cfg).expect("render");
    let base = istio_install::render::render_manifests(&cfg)
        .expect("render")
        .into_iter()
        .filter(|o| o.component == istio_install::render::Component::Base)
        .map(|o| Key::of(&o.object))
        .collect();
    (all.into_iter().collect(), base)
}

#[test]
fn uninstall_of_one_revision_keeps_what_the_others_share() {
    let env = start();
    env.ok(&["install", "-y", "--set", "profile=minimal", "-r", "a"]);
    env.ok(&["install", "-y", "--set", "profile=minimal", "-r", "b"]);
    let (a, shared) = installed(&["profile=minimal", "revision=a"]);
    let (b, _) = installed(&["profile=minimal", "revision=b"]);
    assert_eq!(env.inventory(), &a | &b);
    // The second install relabelled the shared objects with its revision.
    let reader = env
        .get(
            "v1",
            "ServiceAccount",
            Some("istio-system"),
            "istio-reader-service-account",
        )
        .expect("reader account");
    assert_eq!(reader["metadata"]["labels"]["istio.io/rev"], "b");
    // Exactly one way to say what to remove.
    let before = env.emu.resource_version();
    for (args, words) in [
        (
            &["uninstall", "-y"][..],
            "--filename or --purge must be given",
        ),
        (
            &["uninstall", "-y", "--set", "profile=minimal"],
            "--filename or --purge must be given",
        ),
        (
            &["uninstall", "-y", "--purge", "-r", "a"],
            "--purge removes every revision and cannot be combined with --revision",
        ),
        (
            &["uninstall", "-y", "-r", "a", "--set", "revision=b"],
            "--revision \"a\" and --set revision=b name different revisions",
        ),
    ] {
        let err = env.fails(args);
        assert!(err.contains(words), "{args:?}: {err}");
    }
    let out = Command::cargo_bin("istioctl")
        .unwrap()
        .args(["uninstall", "-y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr)
        .replace('\u{2502}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains(
            "one of --revision (or --set revision=REVISION), --filename or --purge must be given"
        ),
        "{err}"
    );
    // A revision nobody installed.
    let err = env.fails(&["uninstall", "-y", "-r", "zzz"]);
    assert!(
        err.contains(
            "no Istio objects of revision \"zzz\" are installed; installed revisions: a, b"
        ),
        "{err}"
    );
    assert_eq!(env.emu.resource_version(), before);
    // A dry run lists b's own objects and changes nothing.
    let out = env.ok(&["uninstall", "--dry-run", "-r", "b"]);
    assert!(
        out.contains("Deployment istio-system/istiod-b would be removed"),
        "{out}"
    );
    assert!(!out.contains("istio-reader-service-account would"), "{out}");
    assert_eq!(env.emu.resource_version(), before);
    // Removing b keeps a whole and the shared objects, though they carry b's label.
    let out = env.ok(&["uninstall", "-y", "-r", "b"]);
    assert!(
        out.contains("shared objects (CRDs, the base chart's) kept: still used by revision(s) a"),
        "{out}"
    );
    assert_eq!(env.inventory(), &a | &shared);
    assert!(env
        .get(
            "v1",
            "ServiceAccount",
            Some("istio-system"),
            "istio-reader-service-account"
        )
        .is_some());
    env.ok(&["verify-install", "-r", "a"]);
    // The file a was installed from removes it; as the last revision, the base goes too, but
    // the CRDs (and the users' resources) stay without --purge.
    let file = env.dir.path().join("a.yaml");
    std::fs::write(
        &file,
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: minimal\n  revision: a\n",
    )
    .unwrap();
    let out = env.ok(&["uninstall", "-y", "-v", "-f", file.to_str().unwrap()]);
    assert!(
        out.contains("ServiceAccount istio-system/istio-reader-service-account removed"),
        "{out}"
    );
    assert!(out.contains("CRDs are removed only with --purge"), "{out}");
    let left = env.inventory();
    assert!(!left.is_empty());
    assert!(
        left.iter().all(|k| k.kind == "CustomResourceDefinition"),
        "{left:?}"
    );
}

/// Rewrites the Istio release an install's record says installed it.
fn set_recorded_version(env: &Env, record: &str, version: &str) {
    let mut cm = env
        .get("v1", "ConfigMap", Some("istio-system"), record)
        .expect("record");
    let mut inputs: Value =
        serde_json::from_str(cm["data"]["inputs.json"].as_str().unwrap()).unwrap();
    inputs["istioVersion"] = version.into();
    cm["data"]["inputs.json"] = inputs.to_string().into();
    cm["data"]["istioVersion"] = version.into();
    for f in [
        "managedFields",
        "resourceVersion",
        "uid",
        "creationTimestamp",
    ] {
        cm["metadata"].as_object_mut().unwrap().remove(f);
    }
    env.apply(cm);
}

#[test]
fn upgrade_refuses_a_downgrade_and_a_long_skip_and_writes_nothing() {
    let env = start();
    let v = istio_api::release::ISTIO_VERSION;
    // Nothing installed: nothing to upgrade.
    let before = env.emu.resource_version();
    let err = env.fails(&["upgrade", "-y", "--set", "profile=minimal"]);
    assert!(
        err.contains("no Istio control plane of revision \"default\" is installed in namespace istio-system: nothing to upgrade"),
        "{err}"
    );
    assert_eq!(env.emu.resource_version(), before);
    env.ok(&["install", "-y", "--set", "profile=minimal"]);
    for (installed, words) in [
        (
            "1.31.0",
            format!("refusing to downgrade revision \"default\" from Istio 1.31.0 (recorded in ConfigMap istio-system/installed-state) to {v}"),
        ),
        (
            "1.27.4",
            format!("refusing to upgrade revision \"default\" from Istio 1.27.4 (recorded in ConfigMap istio-system/installed-state) to {v}: Istio upgrades across at most 2 minor versions"),
        ),
        (
            "latest",
            "cannot tell which Istio release revision \"default\" runs: \"latest\"".to_owned(),
        ),
    ] {
        set_recorded_version(&env, "installed-state", installed);
        let before = env.emu.resource_version();
        let err = env.fails(&["upgrade", "-y", "--set", "profile=minimal"]);
        assert!(err.contains(&words), "{installed}: {err}");
        assert_eq!(env.emu.resource_version(), before, "{installed}");
    }
    // Two minor versions forward is allowed; the record then says this release.
    set_recorded_version(&env, "installed-state", "1.28.2");
    let out = env.ok(&["upgrade", "-y", "--set", "profile=minimal"]);
    assert!(out.contains("\u{2714} Upgrade complete:"), "{out}");
    let record = env
        .get("v1", "ConfigMap", Some("istio-system"), "installed-state")
        .unwrap();
    assert_eq!(record["data"]["istioVersion"], v);
    // `apply` is install.
    let out = env.ok(&["apply", "-y", "--set", "profile=minimal"]);
    assert!(out.contains("No changes"), "{out}");
}

const ALICE: &str = "alice-token";

/// Lets alice do what an install needs except creating cluster-wide RBAC objects.
fn restrict_alice(env: &Env) {
    env.apply(serde_json::json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "almost-installer"},
        "rules": [
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["", "apps", "policy", "autoscaling", "apiextensions.k8s.io",
                "admissionregistration.k8s.io"], "resources": ["*"], "verbs": ["*"]},
            {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings"],
                "verbs": ["*"]},
        ],
    }));
    env.apply(serde_json::json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": "alice-almost-installer"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
            "name": "almost-installer"},
        "subjects": [{"kind": "User", "name": "alice"}],
    }));
}

#[test]
fn precheck_reports_catalog_messages_and_gates_install() {
    let env = start_with(Config {
        rbac: true,
        users: vec![kube_emulator::User::new(ALICE, "alice")],
        ..Config::default()
    });
    let alice = env.dir.path().join("alice");
    std::fs::write(&alice, env.emu.kubeconfig_for(ALICE)).unwrap();
    // The administrator may do everything.
    let out = env.ok(&["x", "precheck"]);
    assert!(
        out.contains("\u{2714} Kubernetes version v1.36.2 is supported"),
        "{out}"
    );
    assert!(
        out.contains("\u{2714} No issues found when checking the cluster."),
        "{out}"
    );
    assert_eq!(env.ok(&["x", "precheck", "-o", "json"]).trim(), "[]");
    restrict_alice(&env);
    let r = env.istioctl_as(&alice, &["x", "precheck"]);
    assert!(!r.ok);
    assert!(
        r.out.contains(
            "Error [IST0141] Not allowed to create clusterroles.rbac.authorization.k8s.io:"
        ),
        "{}",
        r.out
    );
    assert!(
        r.out.contains(
            "Error [IST0141] Not allowed to create clusterrolebindings.rbac.authorization.k8s.io:"
        ),
        "{}",
        r.out
    );
    assert!(r.err.contains("2 issue(s) found"), "{}", r.err);
    let r = env.istioctl_as(
        &alice,
        &["x", "precheck", "-o", "yaml", "--skip-controlplane"],
    );
    assert!(!r.ok);
    let found: Vec<Value> = serde_saphyr::from_str(&r.out).unwrap();
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["level"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("IST0141", "Error"), ("IST0141", "Error")]);
    // install as alice is refused before anything is written, the permission named.
    let before = env.emu.resource_version();
    let r = env.istioctl_as(&alice, &["install", "-y", "--set", "profile=minimal"]);
    assert!(!r.ok);
    let err = r
        .err
        .replace('\u{2502}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("refusing to install: the prechecks found 2 problem(s)"),
        "{err}"
    );
    assert!(
        err.contains("Not allowed to create clusterroles.rbac.authorization.k8s.io"),
        "{err}"
    );
    assert_eq!(env.emu.resource_version(), before);
    assert!(env.inventory().is_empty());
    // Upgrade steps checked from a version given.
    let err = env.fails(&["x", "precheck", "-f", "1.27.0"]);
    assert!(
        err.contains("refusing to upgrade revision \"default\" from Istio 1.27.0 (given with --from-version)"),
        "{err}"
    );
    let out = env.ok(&["x", "precheck", "-f", "1.29.1"]);
    assert!(
        out.contains("Revision \"default\" can be upgraded in place from Istio 1.29.1"),
        "{out}"
    );
    // A bad threshold is a usage error.
    let r = env.istioctl(&["x", "precheck", "--output-threshold", "loud"]);
    assert!(!r.ok);
    assert!(r.err.contains("unknown level \"loud\""), "{}", r.err);
    // Gateway API CRDs older than Istio reads: a warning, shown and failing at the default
    // threshold, not at Error; it does not stop an install.
    env.apply(serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "tlsroutes.gateway.networking.k8s.io",
            "annotations": {"gateway.networking.k8s.io/bundle-version": "v1.4.1"}},
        "spec": {
            "group": "gateway.networking.k8s.io", "scope": "Namespaced",
            "names": {"plural": "tlsroutes", "singular": "tlsroute", "kind": "TLSRoute",
                "listKind": "TLSRouteList"},
            "versions": [{"name": "v1alpha2", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object",
                    "x-kubernetes-preserve-unknown-fields": true}}}],
        },
    }));
    let r = env.istioctl(&["x", "precheck"]);
    assert!(!r.ok);
    assert!(
        r.out.contains("Warning [IST0176] Gateway API CRD tlsroutes.gateway.networking.k8s.io is installed at version v1.4.1, below the v1.5.0"),
        "{}",
        r.out
    );
    let out = env.ok(&["x", "precheck", "--output-threshold", "Error"]);
    assert!(!out.contains("IST0176"), "{out}");
    // A Gateway API kind Istio reads as v1, served only in beta: an error of precheck, named
    // with its CRD, but not one that stops an install.
    env.apply(serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "httproutes.gateway.networking.k8s.io"},
        "spec": {
            "group": "gateway.networking.k8s.io", "scope": "Namespaced",
            "names": {"plural": "httproutes", "singular": "httproute", "kind": "HTTPRoute",
                "listKind": "HTTPRouteList"},
            "versions": [
                {"name": "v1alpha2", "served": false, "storage": false,
                    "schema": {"openAPIV3Schema": {"type": "object",
                        "x-kubernetes-preserve-unknown-fields": true}}},
                {"name": "v1beta1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object",
                        "x-kubernetes-preserve-unknown-fields": true}}}],
        },
    }));
    let r = env.istioctl(&["x", "precheck", "--output-threshold", "Error"]);
    assert!(!r.ok);
    assert_eq!(
        r.out
            .lines()
            .filter(|l| l.contains("[IST0156]"))
            .collect::<Vec<_>>(),
        [
            "Error [IST0156] (CustomResourceDefinition httproutes.gateway.networking.k8s.io) \
          The installed Gateway API CRDs are version v1beta1, older than v1, the oldest this \
          Istio release supports."
        ],
        "{}",
        r.out
    );
    env.ok(&["install", "-y", "--set", "profile=minimal"]);
}

#[test]
fn precheck_reports_what_an_upgrade_changes_for_the_configuration() {
    let env = start();
    // istiod pins one of the changed settings itself: it keeps its old behaviour.
    env.ok(&[
        "install",
        "-y",
        "--set",
        "profile=minimal",
        "--set",
        "values.pilot.env.DISABLE_TRACK_REMAINING_CB_METRICS=false",
    ]);
    for ns in ["shop", "billing"] {
        env.apply(serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns}}));
        env.apply(serde_json::json!({
            "apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
            "metadata": {"name": "pay", "namespace": ns},
            "spec": {"hosts": ["pay.example.com"], "resolution": "DNS",
                "ports": [{"number": 443, "name": "https", "protocol": "TLS"}]},
        }));
    }
    env.apply(serde_json::json!({
        "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
        "metadata": {"name": "orders", "namespace": "shop"},
        "spec": {"hosts": ["orders"], "http": [{
            "route": [{"destination": {"host": "orders"}}],
            "mirror": {"host": "orders-next"}}]},
    }));
    env.apply(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"containers": [
            {"name": "web", "image": "nginx"},
            {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.26.0"}]},
    }));
    // From 1.28: only the host two namespaces share may be affected.
    let r = env.istioctl(&["x", "precheck", "-f", "1.28.0"]);
    assert!(!r.ok);
    assert!(
        r.out.contains(
            "Warning [IST0168] Setting values.pilot.env.PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE \
             behaves differently since Istio 1.30, and whether this configuration is affected \
             cannot be determined automatically: when several namespaces define the same host, \
             a sidecar now picks which namespace's service it uses by a different rule; it may \
             affect host pay.example.com (ServiceEntries in billing, shop).\n    Hint: Review the \
             1.30 upgrade notes for values.pilot.env.PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE, \
             or keep the old default with: istioctl install --set compatibilityVersion=1.28\n"
        ),
        "{}",
        r.out
    );
    assert_eq!(r.out.matches("[IST0168]").count(), 1, "{}", r.out);
    assert!(r.err.contains("1 issue(s) found"), "{}", r.err);
    // From 1.26 (too far to upgrade in place, but the changes are still reported): the
    // injected pod and the mirroring route are affected; the pinned setting is not reported.
    let r = env.istioctl(&["x", "precheck", "-f", "1.26.0", "-o", "json"]);
    assert!(!r.ok);
    let found: Vec<Value> = serde_json::from_str(&r.out).unwrap();
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "IST0169",
                "Setting values.pilot.env.ENABLE_NATIVE_SIDECARS behaves differently since Istio \
                 1.27: the injected istio-proxy now runs as a native sidecar (an init container \
                 that keeps running), which changes the order in which containers start and \
                 stop; it affects Pod shop/web."
            ),
            (
                "IST0169",
                "Setting values.pilot.env.DISABLE_SHADOW_HOST_SUFFIX behaves differently since \
                 Istio 1.28: mirrored requests now keep their Host header instead of getting a \
                 -shadow suffix; it affects VirtualService shop/orders."
            ),
            (
                "IST0168",
                "Setting values.pilot.env.PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY behaves \
                 differently since Istio 1.28, and whether this configuration is affected cannot \
                 be determined automatically: gateways now report a separate upstream span for \
                 each request they forward, which changes the traces they send."
            ),
            (
                "IST0168",
                "Setting values.pilot.env.PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE behaves \
                 differently since Istio 1.30, and whether this configuration is affected cannot \
                 be determined automatically: when several namespaces define the same host, a \
                 sidecar now picks which namespace's service it uses by a different rule; it may \
                 affect host pay.example.com (ServiceEntries in billing, shop)."
            ),
        ]
    );
    assert!(
        r.err
            .contains("refusing to upgrade revision \"default\" from Istio 1.26.0"),
        "{}",
        r.err
    );
    // Older than any release this client knows the changes of: said so, nothing guessed.
    let r = env.istioctl(&["x", "precheck", "-f", "1.20.0"]);
    assert!(
        r.out.contains(
            "! Which settings changed between Istio 1.20.0 and 1.30.3 is not known to this \
             client (it knows the releases since 1.25): review the upgrade notes of each \
             release in between\n"
        ),
        "{}",
        r.out
    );
    assert!(!r.out.contains("[IST016"), "{}", r.out);
    // upgrade shows the same changes before it asks, and proceeds: they are warnings. The
    // settings the new configuration pins are not among them.
    // Each run upgrades from 1.28.0 again.
    let upgrade_from_1_28 = |sets: &[&str]| {
        set_recorded_version(&env, "installed-state", "1.28.0");
        let mut args = vec!["upgrade", "-y", "--set", "profile=minimal"];
        for set in sets {
            args.extend(["--set", set]);
        }
        let r = env.istioctl(&args);
        assert!(r.ok, "{}", r.err);
        r
    };
    let r = upgrade_from_1_28(&["values.pilot.env.DISABLE_TRACK_REMAINING_CB_METRICS=false"]);
    assert!(
        r.err.contains(
            "Settings that behave differently after this upgrade:\nWarning [IST0168] Setting \
             values.pilot.env.PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE behaves differently since \
             Istio 1.30"
        ),
        "{}",
        r.err
    );
    assert_eq!(r.err.matches("Warning [IST0168]").count(), 1, "{}", r.err);
    // Without the setting repeated, the new istiod no longer pins it: reported.
    let r = upgrade_from_1_28(&[]);
    assert!(
        r.err.contains("Setting values.pilot.env.DISABLE_TRACK_REMAINING_CB_METRICS behaves differently since Istio 1.29"),
        "{}",
        r.err
    );
    let r = upgrade_from_1_28(&["compatibilityVersion=1.28"]);
    assert!(!r.err.contains("behave differently"), "{}", r.err);
}

/// The row of `webhook` in check-inject's table, its columns separated by one space.
fn inject_row(table: &str, webhook: &str) -> String {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(webhook))
        .unwrap_or_else(|| panic!("no row for {webhook}:\n{table}"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn check_inject_reads_pods_and_deployments_of_the_default_revision() {
    let env = start();
    env.ok(&["install", "-y", "--set", "profile=minimal"]);
    env.apply(serde_json::json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {"istio-injection": "enabled"}}
    }));
    env.apply(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
    }));
    env.apply(serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "db", "namespace": "shop"},
        "spec": {
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db", "sidecar.istio.io/inject": "false"}},
                "spec": {"containers": [{"name": "db", "image": "postgres:17"}]},
            },
        },
    }));
    let out = env.ok(&["x", "check-inject", "-n", "shop", "web-1"]);
    assert_eq!(
        inject_row(&out, "istio-sidecar-injector"),
        "istio-sidecar-injector default \u{2714} namespace label istio-injection=enabled matches",
        "{out}"
    );
    let out = env.ok(&["x", "check-inject", "-n", "shop", "deployment/db"]);
    assert_eq!(
        inject_row(&out, "istio-sidecar-injector"),
        "istio-sidecar-injector default \u{2718} pod label sidecar.istio.io/inject=false turns injection off",
        "{out}"
    );
    // Usage: one subject, of a kind that has pods.
    for (args, words) in [
        (
            &["x", "check-inject", "-n", "shop"][..],
            "needs a pod or Deployment name",
        ),
        (
            &["x", "check-inject", "-n", "shop", "web-1", "-l", "app=web"],
            "not both",
        ),
        (
            &["x", "check-inject", "-n", "shop", "service/web"],
            "cannot check injection for kind \"service\"",
        ),
        (
            &["x", "check-inject", "-n", "nope", "-l", "a=b"],
            "namespace nope not found",
        ),
    ] {
        let err = env.fails(args);
        assert!(err.contains(words), "{args:?}: {err}");
    }
}
