//! The real `kubectl` applies our rendered demo control plane (with the generated CRDs) to the
//! project's API emulator with server-side apply, reads it back and deletes it: proof that the
//! manifests and the emulator both speak the real Kubernetes protocol.
//! Skipped (with a message) when `kubectl` is not installed.

use std::path::Path;
use std::process::{Command, Output};

use kube_emulator::{Config, Emulator};
use serde_json::Value;

fn kubectl(kubeconfig: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--request-timeout=30s")
        .args(args)
        .output()
        .expect("kubectl runs")
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn names(json: &str) -> Vec<String> {
    let list: Value = serde_json::from_str(json).expect("kubectl prints JSON");
    let mut names: Vec<String> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["metadata"]["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[test]
fn kubectl_server_side_applies_the_demo_manifest_to_the_emulator() {
    let has_kubectl = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_kubectl {
        eprintln!("SKIPPED: `kubectl` is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("demo.yaml");
    let rendered = Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .args(["manifest", "generate", "--set", "profile=demo"])
        .output()
        .expect("istioctl runs");
    std::fs::write(&manifest, ok(rendered, "manifest generate")).expect("write manifest");
    let namespace = dir.path().join("namespace.yaml");
    let namespace_doc = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n";
    std::fs::write(&namespace, namespace_doc).expect("write namespace");

    let emulator = Emulator::start(Config::default()).expect("emulator starts");
    let kubeconfig = dir.path().join("kubeconfig");
    emulator.write_kubeconfig(&kubeconfig).expect("kubeconfig");
    let cache = dir.path().join("cache");
    let k = |args: &[&str]| kubectl(&kubeconfig, &cache, args);
    let file = manifest.to_str().expect("utf-8 path");
    let ns_file = namespace.to_str().expect("utf-8 path");
    ok(
        k(&["apply", "--server-side", "-f", ns_file]),
        "namespace apply",
    );

    let applied = ok(
        k(&[
            "apply",
            "--server-side",
            "--field-manager=istioctl-test",
            "-f",
            file,
        ]),
        "kubectl apply --server-side",
    );
    assert!(applied.contains("customresourcedefinition.apiextensions.k8s.io/virtualservices.networking.istio.io serverside-applied"), "{applied}");
    assert!(
        applied.contains("deployment.apps/istiod serverside-applied"),
        "{applied}"
    );

    let crds = ok(k(&["get", "crd", "-o", "json"]), "kubectl get crd");
    let crd_names = names(&crds);
    assert_eq!(crd_names.len(), 15, "{crd_names:?}");
    assert!(crd_names.contains(&"virtualservices.networking.istio.io".to_owned()));
    let list: Value = serde_json::from_str(&crds).expect("JSON");
    for crd in list["items"].as_array().into_iter().flatten() {
        let established = crd["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Established" && c["status"] == "True");
        assert!(
            established,
            "{} is not Established",
            crd["metadata"]["name"]
        );
    }
    let deployments = ok(
        k(&["get", "deployments", "-n", "istio-system", "-o", "json"]),
        "kubectl get deployments",
    );
    assert_eq!(
        names(&deployments),
        ["istio-egressgateway", "istio-ingressgateway", "istiod"]
    );
    let by_label = ok(
        k(&[
            "get",
            "services",
            "-A",
            "-l",
            "app=istio-ingressgateway",
            "-o",
            "json",
        ]),
        "kubectl get services -l",
    );
    assert_eq!(names(&by_label), ["istio-ingressgateway"]);

    // Applying the same manifest again changes nothing and still succeeds.
    ok(
        k(&[
            "apply",
            "--server-side",
            "--field-manager=istioctl-test",
            "-f",
            file,
        ]),
        "second apply",
    );

    ok(k(&["delete", "-f", file]), "kubectl delete");
    let left = ok(
        k(&["get", "deployments", "-n", "istio-system", "-o", "json"]),
        "kubectl get deployments after delete",
    );
    assert!(names(&left).is_empty(), "{left}");
    let after = ok(
        k(&["get", "crd", "-o", "json"]),
        "kubectl get crd after delete",
    );
    assert!(names(&after).is_empty(), "{after}");
}

#[test]
fn kubectl_server_side_applies_the_ambient_manifest_to_the_emulator() {
    let has_kubectl = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_kubectl {
        eprintln!("SKIPPED: `kubectl` is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let emulator = Emulator::start(Config::default()).expect("emulator starts");
    let kubeconfig = dir.path().join("kubeconfig");
    emulator.write_kubeconfig(&kubeconfig).expect("kubeconfig");
    let cache = dir.path().join("cache");
    let k = |args: &[&str]| kubectl(&kubeconfig, &cache, args);
    let apps = ok(
        k(&["api-resources", "--api-group=apps", "-o", "name"]),
        "kubectl api-resources",
    );
    if !apps.lines().any(|l| l == "daemonsets.apps") {
        eprintln!("SKIPPED: the emulator does not serve DaemonSets yet");
        return;
    }
    let rendered = Command::new(env!("CARGO_BIN_EXE_istioctl"))
        .args(["manifest", "generate", "--set", "profile=ambient"])
        .output()
        .expect("istioctl runs");
    let manifest = dir.path().join("ambient.yaml");
    std::fs::write(&manifest, ok(rendered, "manifest generate")).expect("write manifest");
    let namespace = dir.path().join("namespace.yaml");
    std::fs::write(
        &namespace,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n",
    )
    .expect("write namespace");
    ok(
        k(&[
            "apply",
            "--server-side",
            "-f",
            namespace.to_str().expect("utf-8"),
        ]),
        "namespace apply",
    );
    let applied = ok(
        k(&[
            "apply",
            "--server-side",
            "--field-manager=istioctl-test",
            "-f",
            manifest.to_str().expect("utf-8"),
        ]),
        "kubectl apply --server-side",
    );
    for line in [
        "daemonset.apps/istio-cni-node serverside-applied",
        "daemonset.apps/ztunnel serverside-applied",
        "configmap/istio-cni-config serverside-applied",
        "deployment.apps/istiod serverside-applied",
    ] {
        assert!(applied.contains(line), "{line} in {applied}");
    }
    let ds = ok(
        k(&["get", "daemonsets", "-n", "istio-system", "-o", "json"]),
        "kubectl get daemonsets",
    );
    assert_eq!(names(&ds), ["istio-cni-node", "ztunnel"]);
}
