//! `install`, `uninstall`, `verify-install`, `x precheck`, `version` and `analyze` against the
//! API emulator (HTTPS with a self-signed CA and a bearer token, on 127.0.0.1).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use istio_install::apply as install;
use istio_install::kinds::ObjectKey as Key;
use istio_kube::Cluster;
use kube_emulator::{Config, Emulator, Faults, Handle, Readiness};
use serde_json::{json, Value};

/// A running emulator and the kubeconfig it wrote.
struct Env {
    emu: Handle,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn start(readiness: Readiness) -> Env {
    let emu = Emulator::start(Config {
        readiness,
        ..Config::default()
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
        _dir: dir,
        kubeconfig,
    }
}

impl Env {
    fn istioctl(&self) -> Command {
        let mut cmd = Command::cargo_bin("istioctl").expect("binary");
        cmd.arg("-c")
            .arg(&self.kubeconfig)
            .timeout(Duration::from_secs(120));
        cmd
    }

    /// Runs client work on the one runtime the clients of this environment live on.
    fn block_on<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self.rt.block_on(f)
    }

    fn cluster(&self) -> Cluster {
        let path = self.kubeconfig.clone();
        self.block_on(async move { Cluster::connect(Some(&path), None).await.expect("connects") })
    }

    /// The identities of every object carrying our ownership labels.
    fn inventory(&self) -> BTreeSet<Key> {
        let cluster = self.cluster();
        self.block_on(async { install::inventory(&cluster).await.expect("inventory") })
            .into_keys()
            .collect()
    }

    /// Server-side applies objects as another field manager would (a user's objects).
    fn apply(&self, objects: &[Value]) {
        let cluster = self.cluster();
        self.block_on(async {
            for o in objects {
                let av = o["apiVersion"].as_str().unwrap_or_default();
                let kind = cluster
                    .require_kind(av, o["kind"].as_str().unwrap_or_default())
                    .expect("kind");
                cluster.apply(&kind, o, false).await.expect("applied");
            }
        });
    }

    fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let cluster = self.cluster();
        let kind = cluster.require_kind(api_version, kind).expect("kind");
        self.block_on(async { cluster.get(&kind, namespace, name).await.expect("get") })
    }

    fn delete(&self, api_version: &str, kind: &str, namespace: Option<&str>, name: &str) {
        let cluster = self.cluster();
        let kind = cluster.require_kind(api_version, kind).expect("kind");
        self.block_on(async {
            cluster
                .delete(&kind, namespace, name)
                .await
                .expect("delete")
        });
    }
}

/// What `manifest generate` renders for these flags, as identities (plus the namespace).
fn rendered(sets: &[&str]) -> BTreeSet<Key> {
    let inputs = istio_install::operator::Inputs {
        files: Vec::new(),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        force: false,
    };
    let cfg = istio_install::operator::load(&inputs).expect("config");
    let mut keys: BTreeSet<Key> = istio_install::render::render_manifests(&cfg)
        .expect("render")
        .iter()
        .map(|o| Key::of(&o.object))
        .collect();
    // The ConfigMap recording the install's inputs.
    let revision = cfg.revision();
    let rev = if revision.is_empty() {
        "default"
    } else {
        revision.as_str()
    };
    keys.insert(Key {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        namespace: cfg.namespace(),
        name: istio_install::record::record_name(rev),
    });
    keys
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn quick() -> Readiness {
    Readiness::After(Duration::from_millis(200))
}

#[test]
fn install_each_profile_puts_the_rendered_inventory_on_the_server() {
    for profile in ["default", "demo", "minimal", "preview"] {
        let env = start(quick());
        let set = format!("profile={profile}");
        let out = env
            .istioctl()
            .args(["install", "-y", "--set", &set])
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{profile}: {}\n{}",
            stdout(&out),
            stderr(&out)
        );
        let text = stdout(&out);
        assert!(!text.contains(env.emu.token()) && !stderr(&out).contains(env.emu.token()));
        assert!(text.contains("\u{2714} Istio core installed"), "{text}");
        assert!(text.contains("\u{2714} Istiod installed"), "{text}");
        assert!(text.contains("\u{2714} Installation complete"), "{text}");
        if profile == "demo" {
            assert!(
                text.contains("\u{2714} Egress gateways installed"),
                "{text}"
            );
        }
        assert_eq!(env.inventory(), rendered(&[&set]), "{profile}");
        assert!(env.get("v1", "Namespace", None, "istio-system").is_some());
        // Every write used the one field manager.
        for r in env.emu.requests() {
            if r.method == "PATCH" {
                assert!(r.uri.contains("fieldManager=istioctl-rs"), "{}", r.uri);
                assert!(r.uri.contains("force=true"), "{}", r.uri);
            }
        }
    }
}

#[test]
fn crds_are_established_before_istiod_and_webhooks_come_after_istiod() {
    let env = start(quick());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    let patches: Vec<String> = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.uri)
        .collect();
    let first = |needle: &str| {
        patches
            .iter()
            .position(|u| u.contains(needle))
            .expect(needle)
    };
    let last = |needle: &str| {
        patches
            .iter()
            .rposition(|u| u.contains(needle))
            .expect(needle)
    };
    assert!(last("customresourcedefinitions") < first("/configmaps/"));
    assert!(first("/deployments/istiod") < first("webhookconfigurations"));
    assert!(last("webhookconfigurations") < first("/deployments/istio-ingressgateway"));
}

#[test]
fn readiness_and_crds_are_watched_not_polled() {
    let env = start(Readiness::After(Duration::from_millis(1500)));
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    let requests = env.emu.requests();
    let count = |want: &dyn Fn(&str, &str) -> bool| {
        requests.iter().filter(|r| want(&r.method, &r.uri)).count()
    };
    // No object is asked for again and again while the install waits ...
    let gets = |part: &'static str| {
        move |m: &str, u: &str| m == "GET" && u.contains(part) && !u.contains("watch=")
    };
    assert_eq!(count(&gets("/deployments/")), 0, "{requests:#?}");
    assert_eq!(
        count(&gets("/customresourcedefinitions/")),
        0,
        "{requests:#?}"
    );
    // ... the workloads not ready yet are watched (the CRDs, Established at once here, are
    // listed and need no watch).
    let watches =
        |m: &str, u: &str| m == "GET" && u.contains("/deployments?") && u.contains("watch=true");
    assert!(count(&watches) >= 1, "{requests:#?}");
    // Uninstall waits for what it deletes the same way.
    let seen = requests.len();
    env.istioctl()
        .args(["uninstall", "--purge", "-y"])
        .assert()
        .success();
    let after = env.emu.requests();
    let polled = after[seen..]
        .iter()
        .filter(|r| {
            r.method == "GET" && r.uri.contains("/deployments/") && !r.uri.contains("watch=")
        })
        .count();
    assert_eq!(polled, 0, "{:#?}", &after[seen..]);
    assert_eq!(env.inventory(), BTreeSet::new());
}

#[test]
fn a_wait_sees_each_target_in_order_even_one_named_twice() {
    let env = start(quick());
    let cluster = env.cluster();
    let kind = cluster.require_kind("v1", "ConfigMap").expect("kind");
    let target = |name: &str| istio_kube::Target {
        kind: kind.clone(),
        namespace: Some("default".into()),
        name: name.into(),
    };
    let cm = |name: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}})
    };
    env.apply(&[cm("a")]);
    let targets = [target("a"), target("b"), target("a")];
    let soon = || tokio::time::Instant::now() + Duration::from_millis(300);
    let mut seen = Vec::new();
    let reached = env.block_on(cluster.wait_until(&targets, soon(), |state| {
        seen = state.iter().map(Option::is_some).collect();
        false
    }));
    assert!(!reached.expect("waits"));
    assert_eq!(seen, [true, false, true]);
    env.apply(&[cm("b")]);
    let all = |state: &[Option<Value>]| state.iter().all(Option::is_some);
    let reached = env.block_on(cluster.wait_until(&targets, soon(), all));
    assert!(reached.expect("waits"));
}

#[test]
fn readiness_time_out_names_each_deployment_not_ready() {
    let env = start(Readiness::Never);
    let out = env
        .istioctl()
        .args([
            "install",
            "-y",
            "--set",
            "profile=demo",
            "--readiness-timeout",
            "1s",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = stderr(&out);
    for d in ["istiod", "istio-ingressgateway", "istio-egressgateway"] {
        assert!(
            err.contains(&format!("Deployment istio-system/{d}: 0/1 replicas ready")),
            "{err}"
        );
    }
    assert!(stdout(&out).contains("\u{2718} Deployment istio-system/istiod not ready"));
    // Once the Deployments become ready, the same command converges.
    env.emu.set_readiness(Readiness::After(Duration::ZERO));
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
}

#[test]
fn second_identical_install_changes_nothing_and_says_so() {
    let env = start(quick());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    let before = env.emu.resource_version();
    let out = env
        .istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\u{2714} No changes"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        env.emu.resource_version(),
        before,
        "a no-op install wrote something"
    );
}

#[test]
fn reinstall_prunes_what_the_new_config_no_longer_renders() {
    let env = start(quick());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    assert!(env
        .get(
            "apps/v1",
            "Deployment",
            Some("istio-system"),
            "istio-egressgateway"
        )
        .is_some());
    let out = env
        .istioctl()
        .args([
            "install",
            "-y",
            "--set",
            "profile=demo",
            "--set",
            "components.egressGateways[0].enabled=false",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("removed Deployment istio-system/istio-egressgateway"),
        "{}",
        stdout(&out)
    );
    assert!(env
        .get(
            "apps/v1",
            "Deployment",
            Some("istio-system"),
            "istio-egressgateway"
        )
        .is_none());
    assert_eq!(
        env.inventory(),
        rendered(&["profile=demo", "components.egressGateways[0].enabled=false"])
    );
}

#[test]
fn remote_istiod_moves_from_an_ip_to_a_host_name_and_uninstall_removes_it() {
    let env = start(quick());
    let by_ip = [
        "profile=remote",
        "values.global.remotePilotAddress=10.1.2.3",
    ];
    let by_name = [
        "profile=remote",
        "values.global.remotePilotAddress=istiod.primary.example.com",
    ];
    let install = |sets: &[&str]| {
        let mut cmd = env.istioctl();
        cmd.args(["install", "-y"]);
        for s in sets {
            cmd.args(["--set", s]);
        }
        let out = cmd.output().expect("runs");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    install(&by_ip);
    let endpoints = env
        .get("v1", "Endpoints", Some("istio-system"), "istiod")
        .expect("istiod Endpoints");
    assert_eq!(endpoints["subsets"][0]["addresses"][0]["ip"], "10.1.2.3");
    assert_eq!(env.inventory(), rendered(&by_ip));

    let out = install(&by_name);
    assert!(
        out.contains("removed Endpoints istio-system/istiod"),
        "{out}"
    );
    let svc = env
        .get("v1", "Service", Some("istio-system"), "istiod")
        .expect("istiod Service");
    assert_eq!(svc["spec"]["type"], "ExternalName");
    assert_eq!(svc["spec"]["externalName"], "istiod.primary.example.com");
    assert_eq!(env.inventory(), rendered(&by_name));

    env.istioctl()
        .args(["uninstall", "--purge", "-y"])
        .assert()
        .success();
    assert!(env
        .get("v1", "Service", Some("istio-system"), "istiod")
        .is_none());
}

#[test]
fn dry_run_reports_and_touches_nothing() {
    let env = start(quick());
    let before = env.emu.resource_version();
    let out = env
        .istioctl()
        .args(["install", "--dry-run", "--set", "profile=demo"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Deployment istio-system/istiod would be created"),
        "{text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(env.emu.resource_version(), before);
    assert!(env.get("v1", "Namespace", None, "istio-system").is_none());
    // Against an installed cluster: only the differences.
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    let before = env.emu.resource_version();
    let out = env
        .istioctl()
        .args(["install", "--dry-run", "--set", "profile=default"])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(
        text.contains("Deployment istio-system/istio-egressgateway would be pruned"),
        "{text}"
    );
    assert_eq!(env.emu.resource_version(), before);
}

#[test]
fn install_refuses_without_y_when_stdin_is_not_a_terminal() {
    let env = start(quick());
    let out = env
        .istioctl()
        .args(["install", "--set", "profile=demo"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("stdin is not a terminal"),
        "{}",
        stderr(&out)
    );
    assert!(env.get("v1", "Namespace", None, "istio-system").is_none());
}

#[test]
fn uninstall_removes_ours_and_never_a_users_objects() {
    let env = start(quick());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    env.apply(&[json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "user-settings", "namespace": "istio-system", "labels": {"app": "istiod"}},
        "data": {"k": "v"}})]);
    let out = env
        .istioctl()
        .args(["uninstall", "-r", "default", "-y"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let left = env.inventory();
    assert!(
        left.iter().all(|k| k.kind == "CustomResourceDefinition"),
        "{left:?}"
    );
    assert!(!left.is_empty(), "CRDs stay without --purge");
    env.istioctl()
        .args(["uninstall", "--purge", "-y"])
        .assert()
        .success();
    // CRDs terminate for a moment, as on the API server: uninstall returns once they are gone,
    // so an install right after it re-creates them rather than racing their finalizer.
    assert_eq!(env.inventory(), BTreeSet::new());
    assert!(env
        .get("v1", "ConfigMap", Some("istio-system"), "user-settings")
        .is_some());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    assert!(env
        .inventory()
        .iter()
        .any(|k| k.kind == "CustomResourceDefinition"));
    env.istioctl()
        .args(["uninstall", "--purge", "-y"])
        .assert()
        .success();
    // Neither flag: refused with a hint.
    let out = env
        .istioctl()
        .args(["uninstall", "-y"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--purge"));
}

#[test]
fn verify_install_passes_then_names_what_is_missing() {
    let env = start(quick());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    let out = env
        .istioctl()
        .args(["verify-install", "--set", "profile=demo"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\u{2714} Deployment: istiod.istio-system checked successfully"));
    env.delete("apps/v1", "Deployment", Some("istio-system"), "istiod");
    let out = env
        .istioctl()
        .args(["verify-install", "--set", "profile=demo"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("\u{2718} Deployment: istiod.istio-system not found"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn precheck_and_version_read_the_cluster() {
    let env = start(quick());
    let out = env
        .istioctl()
        .args(["x", "precheck"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Kubernetes version v1.36.2 is supported"),
        "{text}"
    );
    assert!(text.contains("Istio is safe to install"), "{text}");
    env.istioctl()
        .args(["install", "-y", "--set", "profile=minimal"])
        .assert()
        .success();
    let text = stdout(
        &env.istioctl()
            .args(["x", "precheck"])
            .output()
            .expect("runs"),
    );
    assert!(
        text.contains("is already installed: Deployment istio-system/istiod"),
        "{text}"
    );
    let text = stdout(&env.istioctl().arg("version").output().expect("runs"));
    assert!(
        text.contains(&format!(
            "control plane version: {}",
            istio_api::release::ISTIO_VERSION
        )),
        "{text}"
    );
    let text = stdout(
        &env.istioctl()
            .args(["version", "--remote=false"])
            .output()
            .expect("runs"),
    );
    assert!(!text.contains("control plane"), "{text}");
}

#[test]
fn install_under_injected_faults_converges_with_nothing_half_applied() {
    let env = start(quick());
    env.emu.set_faults(Faults {
        rate: 0.2,
        seed: 42,
        ..Faults::default()
    });
    let out = env
        .istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let faulted = env
        .emu
        .requests()
        .iter()
        .filter(|r| r.status.is_none_or(|s| s >= 429))
        .count();
    env.emu.set_faults(Faults::default());
    assert!(faulted > 0, "no fault was injected");
    assert_eq!(env.inventory(), rendered(&["profile=demo"]));
    env.istioctl()
        .args(["verify-install", "--set", "profile=demo"])
        .assert()
        .success();
    let out = env
        .istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .output()
        .expect("runs");
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("written");
    p
}

#[test]
fn analyze_reads_the_cluster_and_files_overlay_it() {
    let env = start(quick());
    env.apply(&[
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "cart", "namespace": "shop"},
            "spec": {"selector": {"app": "cart"}, "ports": [{"name": "foo", "port": 8080}]}}),
    ]);
    let out = env
        .istioctl()
        .args(["analyze", "-A"])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(
        text.contains("[IST0118] (Service shop/cart)"),
        "{text}\n{}",
        stderr(&out)
    );
    // A file with the fixed Service replaces the cluster's object.
    let dir = tempfile::tempdir().expect("dir");
    let fixed = write(
        dir.path(),
        "cart.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\nspec:\n  selector:\n    app: cart\n  ports:\n  - name: http\n    port: 8080\n",
    );
    let out = env
        .istioctl()
        .args(["analyze", "-A"])
        .arg(&fixed)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(!stdout(&out).contains("IST0118"));
    // Only the declared kinds were listed; ConfigMaps only in the istio namespace.
    for r in env.emu.requests() {
        if r.method == "GET" && r.uri.contains("configmaps") {
            assert!(r.uri.contains("/namespaces/istio-system/"), "{}", r.uri);
        }
    }
}

#[test]
fn analyze_of_an_unreachable_cluster_fails_naming_the_context() {
    let env = start(quick());
    let kubeconfig = env.kubeconfig.clone();
    drop(env.emu);
    let out = Command::cargo_bin("istioctl")
        .expect("binary")
        .arg("-c")
        .arg(&kubeconfig)
        .args(["analyze", "--timeout", "60s"])
        .timeout(Duration::from_secs(90))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("context \"kube-emulator\""), "{err}");
    let kubeconfig_text = std::fs::read_to_string(&kubeconfig).expect("kubeconfig");
    let token = kubeconfig_text
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("token in kubeconfig");
    assert!(
        !err.contains(token.trim_matches('"')),
        "the token leaked: {err}"
    );
    assert!(err.contains("unreachable"), "{err}");
    assert!(!stdout(&out).contains("No validation issues"));
}

#[test]
fn ctrl_c_stops_cleanly_and_a_rerun_converges() {
    let env = start(Readiness::Never);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("istioctl"))
        .arg("-c")
        .arg(&env.kubeconfig)
        .args(["install", "-y", "--set", "profile=demo"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    // Interrupt while it waits for istiod to become ready.
    let applied = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        env.emu.requests().iter().any(|r| {
            r.method == "GET" && r.uri.contains("/deployments?") && r.uri.contains("watch=true")
        })
    });
    assert!(applied, "install never reached the readiness wait");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("exits");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("Interrupted"), "{}", stderr(&out));
    env.emu.set_readiness(Readiness::After(Duration::ZERO));
    env.istioctl()
        .args(["install", "-y", "--set", "profile=demo"])
        .assert()
        .success();
    assert_eq!(env.inventory(), rendered(&["profile=demo"]));
}

#[test]
fn analyze_reports_an_uninjected_namespace_with_the_label_hint() {
    let env = start(quick());
    env.istioctl()
        .args(["install", "-y", "--set", "profile=minimal"])
        .assert()
        .success();
    env.apply(&[
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cart", "namespace": "shop"},
            "spec": {"containers": [{"name": "cart", "image": "cart:1"}]}}),
    ]);
    let out = env
        .istioctl()
        .args(["analyze", "-n", "shop", "-o", "json"])
        .output()
        .expect("runs");
    let findings: Value = serde_json::from_slice(&out.stdout).expect("json");
    let hit = findings
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["code"] == "IST0102")
        .unwrap_or_else(|| panic!("no IST0102 in {findings}"));
    assert!(hit["hint"]
        .as_str()
        .is_some_and(|h| h.contains("kubectl label namespace shop istio-injection=enabled")));
}

#[test]
fn refused_credentials_name_the_context_and_the_call_without_the_token() {
    let env = start(quick());
    let text = std::fs::read_to_string(&env.kubeconfig).expect("kubeconfig");
    let wrong = text.replace(env.emu.token(), "not-the-token");
    assert_ne!(wrong, text);
    std::fs::write(&env.kubeconfig, wrong).expect("rewritten");
    let out = env
        .istioctl()
        .args(["analyze", "-A"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("on context \"kube-emulator\""), "{err}");
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("credentials of context"), "{err}");
    assert!(
        !err.contains("not-the-token") && !err.contains(env.emu.token()),
        "{err}"
    );
    assert!(
        stdout(&out).is_empty(),
        "no partial report: {}",
        stdout(&out)
    );
}

/// What a person sees: `install` in a 120×30 terminal (tmux) ends with one line per component
/// and the summary, and no spinner line left behind. Skipped, saying so, without tmux.
#[test]
fn install_on_a_terminal_leaves_a_clean_screen() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipping: tmux is not installed");
        return;
    }
    let env = start(quick());
    let session = format!("istioctl-install-{}", std::process::id());
    let bin = assert_cmd::cargo::cargo_bin("istioctl");
    let line = format!(
        "{} install -y -c {}; echo EXIT=$?; sleep 120",
        bin.display(),
        env.kubeconfig.display()
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux runs")
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "30",
        &line,
    ]);
    assert!(started.status.success(), "{}", stderr(&started));
    let mut screen = String::new();
    for _ in 0..600 {
        std::thread::sleep(Duration::from_millis(100));
        screen = String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &session]).stdout)
            .into_owned();
        if screen.contains("EXIT=") {
            break;
        }
    }
    tmux(&["kill-session", "-t", &session]);
    let lines: Vec<&str> = screen
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "\u{2714} Istio core installed",
            "\u{2714} Istiod installed",
            "\u{2714} Ingress gateways installed",
            "\u{2714} Installation complete: 41 created, 0 configured, 0 unchanged, 0 pruned",
            "EXIT=0",
        ],
        "{screen}"
    );
}
