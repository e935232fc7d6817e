//! Rendering through the library: each profile's inventory, profile and platform specifics,
//! components' Kubernetes settings, overlays, every `--set` form, names under a namespace and
//! revision, and the labels Istio's charts put on objects.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use istio_install::operator::{self, Inputs};
use istio_install::render::{self, RenderedObject};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/install")
        .join(name)
}

fn inputs(files: &[&str], sets: &[&str]) -> Inputs {
    Inputs {
        files: files.iter().map(|f| fixture(f)).collect(),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        force: false,
    }
}

fn render_with(files: &[&str], sets: &[&str]) -> Vec<RenderedObject> {
    let cfg = operator::load(&inputs(files, sets)).unwrap_or_else(|e| panic!("{e:?}"));
    render::render_manifests(&cfg).unwrap_or_else(|e| panic!("{e:?}"))
}

fn render(sets: &[&str]) -> Vec<RenderedObject> {
    render_with(&[], sets)
}

/// A diagnostic as one line: message and help, with miette's wrapping and frame undone.
fn flat(err: &miette::Report) -> String {
    format!("{err:?}")
        .replace(['│', '╭', '╰', '─', '·', '┬', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The error rendering `sets` fails with, as text.
fn render_error(sets: &[&str]) -> String {
    let err = operator::load(&inputs(&[], sets))
        .and_then(|cfg| render::render_manifests(&cfg))
        .expect_err("the configuration is refused");
    flat(&err)
}

/// The warnings rendering `files` and `sets` reports.
fn warnings(files: &[&str], sets: &[&str]) -> Vec<String> {
    let cfg = operator::load(&inputs(files, sets)).unwrap_or_else(|e| panic!("{e:?}"));
    render::render(&cfg)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .warnings
}

type Inventory = BTreeSet<(String, String)>;

fn inventory(objs: &[RenderedObject]) -> Inventory {
    objs.iter()
        .map(|o| (o.kind().to_owned(), o.name().to_owned()))
        .collect()
}

fn find<'a>(objs: &'a [RenderedObject], kind: &str, name: &str) -> &'a Value {
    &objs
        .iter()
        .find(|o| o.kind() == kind && o.name() == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
        .object
}

fn has(objs: &[RenderedObject], kind: &str, name: &str) -> bool {
    objs.iter().any(|o| o.kind() == kind && o.name() == name)
}

fn container(workload: &Value) -> &Value {
    &workload["spec"]["template"]["spec"]["containers"][0]
}

fn env(workload: &Value, name: &str) -> Option<Value> {
    container(workload)["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["value"].clone())
}

fn env_names(workload: &Value) -> Vec<String> {
    container(workload)["env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["name"].as_str().map(str::to_owned))
        .collect()
}

fn mesh(objs: &[RenderedObject], cm: &str) -> Value {
    let text = find(objs, "ConfigMap", cm)["data"]["mesh"]
        .as_str()
        .unwrap()
        .to_owned();
    serde_saphyr::from_str(&text).unwrap()
}

fn json_data(objs: &[RenderedObject], cm: &str, key: &str) -> Value {
    serde_json::from_str(find(objs, "ConfigMap", cm)["data"][key].as_str().unwrap()).unwrap()
}

const CRDS: usize = 15;

fn set(list: &[(&str, &str)]) -> Inventory {
    list.iter()
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect()
}

fn non_crds(objs: &[RenderedObject]) -> Inventory {
    inventory(objs)
        .into_iter()
        .filter(|(k, _)| k != "CustomResourceDefinition")
        .collect()
}

fn pilot_inventory() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ServiceAccount", "istio-reader-service-account"),
        ("ServiceAccount", "istiod"),
        ("ClusterRole", "istio-reader-clusterrole-istio-system"),
        ("ClusterRole", "istiod-clusterrole-istio-system"),
        ("ClusterRole", "istiod-gateway-controller-istio-system"),
        (
            "ClusterRoleBinding",
            "istio-reader-clusterrole-istio-system",
        ),
        ("ClusterRoleBinding", "istiod-clusterrole-istio-system"),
        (
            "ClusterRoleBinding",
            "istiod-gateway-controller-istio-system",
        ),
        (
            "ValidatingWebhookConfiguration",
            "istio-validator-istio-system",
        ),
        ("MutatingWebhookConfiguration", "istio-sidecar-injector"),
        ("ConfigMap", "istio"),
        ("ConfigMap", "istio-sidecar-injector"),
        ("ConfigMap", "values"),
        ("Deployment", "istiod"),
        ("Service", "istiod"),
        ("Role", "istiod"),
        ("RoleBinding", "istiod"),
    ]
}

fn gateway_inventory(name: &str, hpa: bool) -> Vec<(String, String)> {
    let mut v = vec![
        ("ServiceAccount".into(), format!("{name}-service-account")),
        ("Deployment".into(), name.to_owned()),
        ("Service".into(), name.to_owned()),
        ("Role".into(), format!("{name}-sds")),
        ("RoleBinding".into(), format!("{name}-sds")),
    ];
    if hpa {
        v.push(("HorizontalPodAutoscaler".into(), name.to_owned()));
    }
    v
}

fn cni_inventory() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ServiceAccount", "istio-cni"),
        ("ClusterRole", "istio-cni"),
        ("ClusterRole", "istio-cni-repair-role"),
        ("ClusterRoleBinding", "istio-cni"),
        ("ClusterRoleBinding", "istio-cni-repair-rolebinding"),
        ("ConfigMap", "istio-cni-config"),
        ("DaemonSet", "istio-cni-node"),
    ]
}

#[test]
fn default_profile_has_ingress_no_egress_and_autoscaling() {
    let objs = render(&[]);
    let crds = objs
        .iter()
        .filter(|o| o.kind() == "CustomResourceDefinition")
        .count();
    assert_eq!(crds, CRDS);
    let mut want = set(&pilot_inventory());
    want.insert(("HorizontalPodAutoscaler".into(), "istiod".into()));
    want.extend(gateway_inventory("istio-ingressgateway", true));
    assert_eq!(non_crds(&objs), want);
    // One replica minimum: no disruption budget (it would block node drains).
    assert!(!objs.iter().any(|o| o.kind() == "PodDisruptionBudget"));
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(
        container(istiod)["image"],
        format!(
            "docker.io/istio/pilot:{}",
            istio_api::release::ISTIO_VERSION
        )
    );
    assert!(istiod["spec"].get("replicas").is_none());
    assert_eq!(env(istiod, "PILOT_TRACE_SAMPLING"), Some(json!("1")));
    let gw = find(&objs, "Deployment", "istio-ingressgateway");
    assert_eq!(
        container(gw)["image"],
        format!(
            "docker.io/istio/proxyv2:{}",
            istio_api::release::ISTIO_VERSION
        )
    );
    let svc = find(&objs, "Service", "istio-ingressgateway");
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    let ports: Vec<_> = svc["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(ports, [15021, 80, 443]);
}

#[test]
fn demo_profile_specifics() {
    let objs = render(&["profile=demo"]);
    let mut want = set(&pilot_inventory());
    want.extend(gateway_inventory("istio-ingressgateway", false));
    want.extend(gateway_inventory("istio-egressgateway", false));
    assert_eq!(non_crds(&objs), want);
    let svc = find(&objs, "Service", "istio-ingressgateway");
    let ports: Vec<_> = svc["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(ports, [15021, 80, 443, 31400, 15443]);
    assert_eq!(
        find(&objs, "Service", "istio-egressgateway")["spec"]["type"],
        "ClusterIP"
    );
    let m = mesh(&objs, "istio");
    assert_eq!(m["accessLogFile"], "/dev/stdout");
    assert_eq!(m["extensionProviders"].as_array().unwrap().len(), 4);
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(env(istiod, "PILOT_TRACE_SAMPLING"), Some(json!("100")));
    assert_eq!(istiod["spec"]["replicas"], 1);
    assert_eq!(
        container(istiod)["resources"],
        json!({"requests": {"cpu": "10m", "memory": "100Mi"}})
    );
    for gw in ["istio-ingressgateway", "istio-egressgateway"] {
        let d = find(&objs, "Deployment", gw);
        assert_eq!(
            container(d)["resources"]["requests"],
            json!({"cpu": "10m", "memory": "40Mi"})
        );
    }
    // The sidecar defaults handed to the injector are low too.
    let values = json_data(&objs, "istio-sidecar-injector", "values");
    assert_eq!(
        values["global"]["proxy"]["resources"]["requests"]["cpu"],
        "10m"
    );
}

#[test]
fn minimal_is_istiod_only_and_empty_is_nothing() {
    let objs = render(&["profile=minimal"]);
    let mut want = set(&pilot_inventory());
    want.insert(("HorizontalPodAutoscaler".into(), "istiod".into()));
    assert_eq!(non_crds(&objs), want);
    assert!(render(&["profile=empty"]).is_empty());
}

#[test]
fn preview_stable_and_remote_profiles() {
    let objs = render(&["profile=preview"]);
    let m = mesh(&objs, "istio");
    assert_eq!(
        m["defaultConfig"]["proxyMetadata"]["ISTIO_META_DNS_CAPTURE"],
        "true"
    );
    let stable = render(&["profile=stable"]);
    let policy = find(
        &stable,
        "ValidatingAdmissionPolicy",
        "stable-channel-policy-istio-system.istio.io",
    );
    assert_eq!(policy["spec"]["failurePolicy"], "Fail");
    assert!(has(
        &stable,
        "ValidatingAdmissionPolicyBinding",
        "stable-channel-policy-binding-istio-system.istio.io"
    ));
    let remote = render(&["profile=remote"]);
    assert!(has(
        &remote,
        "MutatingWebhookConfiguration",
        "istio-sidecar-injector"
    ));
    assert!(!remote.iter().any(|o| o.kind() == "Deployment"));
    assert!(!has(&remote, "ConfigMap", "istio-sidecar-injector"));
    assert!(!has(&remote, "ConfigMap", "istio"));
    // Without the external control plane's address there is nothing to point istiod at.
    assert!(!has(&remote, "Service", "istiod"));
}

#[test]
fn ambient_profile_adds_cni_and_ztunnel() {
    let objs = render(&["profile=ambient"]);
    let mut want = set(&pilot_inventory());
    want.insert(("HorizontalPodAutoscaler".into(), "istiod".into()));
    want.extend(set(&cni_inventory()));
    want.extend(set(&[
        ("ClusterRole", "istio-cni-ambient"),
        ("ClusterRoleBinding", "istio-cni-ambient"),
        ("ServiceAccount", "ztunnel"),
        ("DaemonSet", "ztunnel"),
    ]));
    assert_eq!(non_crds(&objs), want);
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(env(istiod, "PILOT_ENABLE_AMBIENT"), Some(json!("true")));
    assert!(container(istiod)["image"]
        .as_str()
        .unwrap()
        .ends_with("-distroless"));
    let cfg = &find(&objs, "ConfigMap", "istio-cni-config")["data"];
    assert_eq!(cfg["AMBIENT_ENABLED"], "true");
    assert_eq!(
        cfg["CURRENT_AGENT_VERSION"],
        istio_api::release::ISTIO_VERSION
    );
    let cni = find(&objs, "DaemonSet", "istio-cni-node");
    assert!(
        cni["spec"]["template"]["spec"].get("hostNetwork").is_none(),
        "ambient's CNI agent keeps its own network namespace"
    );
    let zt = find(&objs, "DaemonSet", "ztunnel");
    assert_eq!(env(zt, "ISTIO_META_ENABLE_HBONE"), Some(json!("true")));
    assert_eq!(
        env(zt, "CA_ADDRESS"),
        Some(json!("istiod.istio-system.svc:15012"))
    );
    // The injector knows the CNI agent is there (no init container in injected pods).
    let values = json_data(&objs, "istio-sidecar-injector", "values");
    assert_eq!(values["pilot"]["cni"]["enabled"], true);
}

#[test]
fn openshift_profiles_put_the_node_agents_in_kube_system() {
    let objs = render(&["profile=openshift-ambient"]);
    for (kind, name) in [
        ("DaemonSet", "istio-cni-node"),
        ("DaemonSet", "ztunnel"),
        ("ConfigMap", "istio-cni-config"),
    ] {
        assert_eq!(
            find(&objs, kind, name)["metadata"]["namespace"],
            "kube-system"
        );
    }
    let cfg = &find(&objs, "ConfigMap", "istio-cni-config")["data"];
    assert_eq!(cfg["CHAINED_CNI_PLUGIN"], "false");
    assert_eq!(cfg["CNI_CONF_NAME"], "istio-cni.conf");
    assert!(has(&objs, "NetworkAttachmentDefinition", "istio-cni"));
    let cni_role = find(&objs, "ClusterRole", "istio-cni");
    assert!(cni_role["rules"]
        .to_string()
        .contains("securitycontextconstraints"));
    assert!(has(&objs, "ClusterRole", "ztunnel"));
    let zt = find(&objs, "DaemonSet", "ztunnel");
    assert_eq!(
        container(zt)["securityContext"]["seLinuxOptions"],
        json!({"type": "spc_t"})
    );
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(env(istiod, "PLATFORM"), Some(json!("openshift")));
    assert_eq!(
        env(istiod, "CA_TRUSTED_NODE_ACCOUNTS"),
        Some(json!("kube-system/ztunnel"))
    );
}

#[test]
fn platforms_and_compatibility_versions_overlay_the_charts() {
    let objs = render(&["profile=ambient", "values.global.platform=k3s"]);
    let cni = find(&objs, "DaemonSet", "istio-cni-node");
    let vols = cni["spec"]["template"]["spec"]["volumes"].to_string();
    assert!(vols.contains("/var/lib/rancher/k3s/data/cni"), "{vols}");
    assert!(
        vols.contains("/var/lib/rancher/k3s/agent/etc/cni/net.d"),
        "{vols}"
    );
    let gke = render(&["profile=ambient", "values.global.platform=gke"]);
    assert!(has(&gke, "ResourceQuota", "istio-cni-resource-quota"));
    let old = render(&["profile=ambient", "compatibilityVersion=1.25"]);
    let istiod = find(&old, "Deployment", "istiod");
    assert_eq!(env(istiod, "ENABLE_NATIVE_SIDECARS"), Some(json!("false")));
    let cni = find(&old, "DaemonSet", "istio-cni-node");
    assert_eq!(cni["spec"]["template"]["spec"]["hostNetwork"], true);
    assert_eq!(
        find(&old, "ConfigMap", "istio-cni-config")["data"]
            ["AMBIENT_RECONCILE_POD_RULES_ON_STARTUP"],
        "false"
    );
    let err = render_error(&["values.global.platform=mars"]);
    assert!(err.contains("unknown platform \"mars\""), "{err}");
    assert!(
        err.contains("gke, k3d, k3s, microk8s, minikube, openshift"),
        "{err}"
    );
    let err = render_error(&["compatibilityVersion=1.9"]);
    assert!(
        err.contains("unknown compatibility version \"1.9\""),
        "{err}"
    );
}

#[test]
fn prune_and_uninstall_look_at_every_kind_an_install_creates() {
    let owned: BTreeSet<(&str, &str)> = istio_install::kinds::OWNED_KINDS
        .iter()
        .map(|k| (k.api_version, k.kind))
        .collect();
    let installs = [
        render(&["profile=demo"]),
        render(&[
            "profile=ambient",
            "values.global.networkPolicy.enabled=true",
        ]),
        render(&["profile=openshift-ambient", "values.global.platform=gke"]),
        render(&["profile=stable", "values.defaultRevision=default"]),
        render(&[
            "profile=default",
            "components.egressGateways[0].enabled=true",
        ]),
        render(&[
            "profile=remote",
            "values.global.remotePilotAddress=10.1.2.3",
        ]),
        render(&[
            "profile=remote",
            "values.global.remotePilotAddress=istiod.example.com",
        ]),
    ];
    for o in installs.iter().flatten() {
        let v = &o.object;
        let kind = (
            v["apiVersion"].as_str().unwrap_or_default(),
            v["kind"].as_str().unwrap_or_default(),
        );
        assert!(owned.contains(&kind), "{kind:?} is not in OWNED_KINDS");
    }
}

#[test]
fn remote_profile_points_istiod_at_the_external_control_plane() {
    let by_ip = render(&[
        "profile=remote",
        "values.global.remotePilotAddress=10.1.2.3",
    ]);
    let svc = find(&by_ip, "Service", "istiod");
    assert_eq!(svc["metadata"]["namespace"], "istio-system");
    assert_eq!(
        svc["spec"]["ports"],
        json!([
            {"name": "tcp-istiod", "port": 15012, "protocol": "TCP"},
            {"name": "tcp-webhook", "port": 443, "targetPort": 15017, "protocol": "TCP"},
        ])
    );
    assert!(svc["spec"].get("selector").is_none() && svc["spec"].get("type").is_none());
    let endpoints = find(&by_ip, "Endpoints", "istiod");
    assert_eq!(
        endpoints["subsets"],
        json!([{
            "addresses": [{"ip": "10.1.2.3"}],
            "ports": [
                {"name": "tcp-istiod", "port": 15012, "protocol": "TCP"},
                {"name": "tcp-webhook", "port": 15017, "protocol": "TCP"},
            ],
        }])
    );
    let v6 = render(&["profile=remote", "values.global.remotePilotAddress=fd00::1"]);
    assert_eq!(
        find(&v6, "Endpoints", "istiod")["subsets"][0]["addresses"],
        json!([{"ip": "fd00::1"}])
    );

    let by_name = render(&[
        "profile=remote",
        "values.global.remotePilotAddress=istiod.primary.example.com",
        "revision=canary",
    ]);
    let svc = find(&by_name, "Service", "istiod-canary");
    assert_eq!(svc["spec"]["type"], "ExternalName");
    assert_eq!(svc["spec"]["externalName"], "istiod.primary.example.com");
    assert_eq!(svc["metadata"]["labels"]["istio.io/rev"], "canary");
    assert!(!by_name.iter().any(|o| o.kind() == "Endpoints"));
    // The webhook reaches the injector through that Service.
    let webhook = find(
        &by_name,
        "MutatingWebhookConfiguration",
        "istio-sidecar-injector-canary",
    );
    assert_eq!(
        webhook["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-canary"
    );
}

#[test]
fn names_follow_namespace_and_revision() {
    let objs = render(&["namespace=mesh", "revision=canary"]);
    for (kind, name) in [
        ("Deployment", "istiod-canary"),
        ("Service", "istiod-canary"),
        ("ServiceAccount", "istiod-canary"),
        ("ConfigMap", "istio-canary"),
        ("ConfigMap", "istio-sidecar-injector-canary"),
        ("ConfigMap", "values-canary"),
        ("ClusterRole", "istiod-clusterrole-canary-mesh"),
        ("ClusterRole", "istio-reader-clusterrole-canary-mesh"),
        (
            "ClusterRoleBinding",
            "istiod-gateway-controller-canary-mesh",
        ),
        (
            "ValidatingWebhookConfiguration",
            "istio-validator-canary-mesh",
        ),
        (
            "MutatingWebhookConfiguration",
            "istio-sidecar-injector-canary-mesh",
        ),
        ("HorizontalPodAutoscaler", "istiod-canary"),
    ] {
        assert!(has(&objs, kind, name), "missing {kind} {name}");
    }
    for o in objs.iter().filter(|o| !o.namespace().is_empty()) {
        assert_eq!(o.namespace(), "mesh", "{} {}", o.kind(), o.name());
    }
    let mwc = find(
        &objs,
        "MutatingWebhookConfiguration",
        "istio-sidecar-injector-canary-mesh",
    );
    let hooks = mwc["webhooks"].as_array().unwrap();
    assert_eq!(
        hooks.len(),
        2,
        "a revision only gets the revision-scoped hooks"
    );
    assert_eq!(hooks[0]["clientConfig"]["service"]["name"], "istiod-canary");
    assert_eq!(hooks[0]["clientConfig"]["service"]["namespace"], "mesh");
    let istiod = find(&objs, "Deployment", "istiod-canary");
    assert_eq!(istiod["metadata"]["labels"]["istio.io/rev"], "canary");
    assert_eq!(
        istiod["spec"]["selector"]["matchLabels"],
        json!({"app": "istiod", "istio.io/rev": "canary"})
    );
    assert_eq!(env(istiod, "REVISION"), Some(json!("canary")));
    let gw = find(&objs, "Deployment", "istio-ingressgateway");
    assert_eq!(
        env(gw, "CA_ADDR"),
        Some(json!("istiod-canary.mesh.svc:15012"))
    );
    assert_eq!(
        mesh(&objs, "istio-canary")["defaultConfig"]["discoveryAddress"],
        "istiod-canary.mesh.svc:15012"
    );
}

#[test]
fn component_namespaces_are_honoured() {
    let objs = render(&[
        "components.pilot.namespace=istio-control",
        "components.ingressGateways[0].namespace=edge",
    ]);
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(istiod["metadata"]["namespace"], "istio-control");
    assert_eq!(
        env(istiod, "CA_TRUSTED_NODE_ACCOUNTS"),
        Some(json!("istio-control/ztunnel"))
    );
    assert!(has(
        &objs,
        "MutatingWebhookConfiguration",
        "istio-sidecar-injector-istio-control"
    ));
    assert_eq!(
        find(&objs, "Deployment", "istio-ingressgateway")["metadata"]["namespace"],
        "edge"
    );
    // The base component stays in the control plane's namespace.
    assert_eq!(
        find(&objs, "ServiceAccount", "istio-reader-service-account")["metadata"]["namespace"],
        "istio-system"
    );
}

#[test]
fn objects_carry_the_labels_of_istios_charts() {
    let objs = render(&[
        "profile=ambient",
        "components.ingressGateways[0].enabled=true",
    ]);
    let labels = |kind: &str, name: &str| find(&objs, kind, name)["metadata"]["labels"].clone();
    let version = istio_api::release::ISTIO_VERSION;
    // CRDs and cluster RBAC carry only the chart's labels.
    assert_eq!(
        find(
            &objs,
            "CustomResourceDefinition",
            "gateways.networking.istio.io"
        )["metadata"]["labels"],
        json!({
            "app.kubernetes.io/instance": "istio",
            "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/part-of": "istio",
            "app.kubernetes.io/version": version,
            "helm.sh/chart": format!("base-{version}"),
        })
    );
    let role = labels("ClusterRole", "istiod-clusterrole-istio-system");
    assert_eq!(role["app"], "istiod");
    assert!(role.get("operator.istio.io/component").is_none());
    assert!(role
        .get("install.operator.istio.io/owning-resource")
        .is_none());
    // Namespaced workloads carry the chart's ownership labels.
    let d = labels("Deployment", "istiod");
    assert_eq!(d["operator.istio.io/component"], "Pilot");
    assert_eq!(d["install.operator.istio.io/owning-resource"], "unknown");
    let gw = labels("Deployment", "istio-ingressgateway");
    assert_eq!(gw["operator.istio.io/component"], "IngressGateways");
    assert_eq!(gw["istio.io/dataplane-mode"], "none");
    assert_eq!(
        labels("DaemonSet", "istio-cni-node")["operator.istio.io/component"],
        "Cni"
    );
    let zt = find(&objs, "DaemonSet", "ztunnel");
    assert!(zt["metadata"]["labels"]
        .get("operator.istio.io/component")
        .is_none());
    assert_eq!(zt["metadata"]["annotations"], json!({}));
}

#[test]
fn install_stamps_ownership_on_everything() {
    let mut objs = render(&["profile=ambient"]);
    istio_install::apply::stamp_ownership(&mut objs, "mesh", Some("istio-system"), "default");
    for o in &objs {
        let l = &o.object["metadata"]["labels"];
        assert_eq!(l["install.operator.istio.io/owning-resource"], "mesh");
        assert_eq!(
            l["install.operator.istio.io/owning-resource-namespace"],
            "istio-system"
        );
        assert_eq!(l["operator.istio.io/component"], o.component.name());
        assert_eq!(l["operator.istio.io/managed"], "Reconcile");
        let rev = l.get("istio.io/rev");
        if o.kind() == "CustomResourceDefinition" {
            assert!(rev.is_none(), "CRDs are shared by revisions");
        } else {
            assert_eq!(rev, Some(&json!("default")), "{} {}", o.kind(), o.name());
        }
    }
}

#[test]
fn disruption_budgets_follow_istios_rule() {
    let objs = render(&[
        "values.pilot.autoscaleMin=2",
        "values.gateways.istio-ingressgateway.autoscaleMin=2",
        "components.pilot.k8s.podDisruptionBudget.unhealthyPodEvictionPolicy=AlwaysAllow",
    ]);
    let pdb = find(&objs, "PodDisruptionBudget", "istiod");
    assert_eq!(pdb["spec"]["minAvailable"], 1);
    assert_eq!(pdb["spec"]["unhealthyPodEvictionPolicy"], "AlwaysAllow");
    assert!(has(&objs, "PodDisruptionBudget", "istio-ingressgateway"));
    assert_eq!(
        find(&objs, "HorizontalPodAutoscaler", "istiod")["spec"]["minReplicas"],
        2
    );
    // Replicas instead of autoscaling: a budget from two replicas on.
    let fixed = render(&[
        "values.pilot.autoscaleEnabled=false",
        "values.pilot.replicaCount=3",
    ]);
    assert!(has(&fixed, "PodDisruptionBudget", "istiod"));
    assert!(!has(&fixed, "HorizontalPodAutoscaler", "istiod"));
    let off = render(&[
        "values.pilot.autoscaleMin=2",
        "values.global.defaultPodDisruptionBudget.enabled=false",
    ]);
    assert!(!has(&off, "PodDisruptionBudget", "istiod"));
    // A budget setting without a budget is reported, not silently dropped.
    let w = warnings(
        &[],
        &["components.pilot.k8s.podDisruptionBudget.maxUnavailable=1"],
    );
    assert_eq!(
        w,
        ["components.pilot.k8s.podDisruptionBudget: PodDisruptionBudget/istiod is not rendered, so the setting changes nothing"]
    );
}

#[test]
fn k8s_settings_merge_into_the_charts_defaults() {
    let objs = render_with(&["k8s-settings.yaml"], &[]);
    let istiod = find(&objs, "Deployment", "istiod");
    let c = container(istiod);
    // resources.limits keeps the chart's requests; a probe keeps its other fields.
    assert_eq!(
        c["resources"],
        json!({"requests": {"cpu": "500m", "memory": "2048Mi"}, "limits": {"cpu": "2", "memory": "4Gi"}})
    );
    assert_eq!(
        c["readinessProbe"],
        json!({"httpGet": {"path": "/ready", "port": 8080}, "initialDelaySeconds": 1, "periodSeconds": 3, "timeoutSeconds": 9})
    );
    // env merges by name: a changed variable keeps its place, new ones follow it.
    let names = env_names(istiod);
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert_eq!(pos("POD_NAMESPACE") + 1, pos("EXTRA_A"));
    assert_eq!(env(istiod, "PILOT_ENABLE_ANALYSIS"), Some(json!("true")));
    assert_eq!(
        istiod["spec"]["template"]["spec"]["nodeSelector"],
        json!({"pool": "system"})
    );
    let gw = find(&objs, "Deployment", "istio-ingressgateway");
    // securityContext keeps runAsNonRoot/runAsUser/runAsGroup.
    assert_eq!(
        gw["spec"]["template"]["spec"]["securityContext"],
        json!({"runAsUser": 1337, "runAsGroup": 1337, "runAsNonRoot": true, "fsGroup": 1337})
    );
    // Volumes merge by name, mounts by path.
    let vols: Vec<&str> = gw["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    // A patch of new entries only puts them first, as Kubernetes' strategic merge does.
    assert_eq!(vols.first(), Some(&"extra-certs"));
    assert_eq!(vols.len(), 12);
    assert!(container(gw)["volumeMounts"]
        .to_string()
        .contains("/etc/extra"));
    // Service ports merge by port number.
    let svc = find(&objs, "Service", "istio-ingressgateway");
    assert_eq!(
        svc["spec"]["ports"][1],
        json!({"name": "http2", "port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 30080})
    );
    assert_eq!(svc["spec"]["type"], "NodePort");
    // HPA spec: lists are replaced, maps merge.
    let hpa = find(&objs, "HorizontalPodAutoscaler", "istio-ingressgateway");
    assert_eq!(hpa["spec"]["maxReplicas"], 9);
    assert_eq!(hpa["spec"]["minReplicas"], 1);
    // ztunnel: a DaemonSet, the container named istio-proxy.
    let zt = find(&objs, "DaemonSet", "ztunnel");
    assert_eq!(
        container(zt)["resources"],
        json!({"requests": {"cpu": "200m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}})
    );
    assert_eq!(
        zt["spec"]["template"]["spec"]["tolerations"],
        json!([{"key": "only", "operator": "Exists"}])
    );
    let cni = find(&objs, "DaemonSet", "istio-cni-node");
    assert_eq!(
        cni["spec"]["template"]["metadata"]["annotations"]["team"],
        "net"
    );
}

#[test]
fn overlays_edit_rendered_objects() {
    let objs = render_with(&["overlays.yaml"], &[]);
    let istiod = find(&objs, "Deployment", "istiod");
    let args = container(istiod)["args"].to_string();
    assert!(
        args.contains("\"60m\"") && !args.contains("\"30m\""),
        "{args}"
    );
    assert!(!env_names(istiod).contains(&"KUBECONFIG".to_owned()));
    assert!(container(istiod).get("securityContext").is_none());
    assert_eq!(
        find(&objs, "ServiceAccount", "istio-reader-service-account")
            ["automountServiceAccountToken"],
        false
    );
    let mwc = find(
        &objs,
        "MutatingWebhookConfiguration",
        "istio-sidecar-injector",
    );
    let hook = mwc["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "namespace.sidecar-injector.istio.io")
        .unwrap();
    assert_eq!(hook["clientConfig"]["service"]["name"], "elsewhere");
    let svc = find(&objs, "Service", "istiod");
    assert_eq!(svc["spec"]["ports"][1]["port"], 15999);
    // A path that selects nothing is an error naming the path.
    let cfg = operator::load(&inputs(&["overlays.yaml"], &[
        "components.pilot.k8s.overlays[0].patches[0].path=spec.template.spec.containers.[name:nope].args",
    ]))
    .unwrap();
    let err = flat(&render::render_manifests(&cfg).unwrap_err());
    assert!(err.contains("no list entry matches [name:nope]"), "{err}");
    assert!(err.contains("components.pilot.k8s.overlays"), "{err}");
}

#[test]
fn network_policies_env_from_and_gateway_enablement() {
    let objs = render(&[
        "profile=ambient",
        "components.ingressGateways[0].enabled=true",
        "values.global.networkPolicy.enabled=true",
    ]);
    for name in ["istiod", "istio-ingressgateway", "istio-cni", "ztunnel"] {
        assert!(has(&objs, "NetworkPolicy", name), "NetworkPolicy {name}");
    }
    let np = find(&objs, "NetworkPolicy", "istiod");
    assert_eq!(
        np["spec"]["podSelector"]["matchLabels"],
        json!({"app": "istiod", "istio.io/rev": "default"})
    );
    let objs = render_with(&["env-var-from.yaml"], &[]);
    let istiod = find(&objs, "Deployment", "istiod");
    let from = container(istiod)["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "FROM_SECRET")
        .cloned()
        .unwrap();
    assert_eq!(from["valueFrom"]["secretKeyRef"]["key"], "token");
    let objs = render(&["values.gateways.istio-egressgateway.enabled=true"]);
    assert!(has(&objs, "Deployment", "istio-egressgateway"));
    let objs = render(&["values.gateways.istio-ingressgateway.enabled=false"]);
    assert!(!has(&objs, "Deployment", "istio-ingressgateway"));
    let err = render_error(&["values.gateways.my-gw.enabled=true"]);
    assert!(err.contains("no gateway named \"my-gw\""), "{err}");
}

#[test]
fn values_config_map_records_what_rendered() {
    let objs = render_with(
        &[],
        &["values.pilot.env.A=1", "meshConfig.rootNamespace=ops"],
    );
    let original = json_data(&objs, "values", "original-values");
    assert_eq!(
        original["pilot"],
        json!({"enabled": true, "cni": {"enabled": false}, "env": {"A": 1}})
    );
    assert_eq!(original["meshConfig"], json!({"rootNamespace": "ops"}));
    assert_eq!(original["global"]["tag"], istio_api::release::ISTIO_VERSION);
    let merged = json_data(&objs, "values", "merged-values");
    // pilot.* is lifted to the top, the chart's defaults fill the rest.
    assert_eq!(merged["env"], json!({"A": 1}));
    assert_eq!(merged["autoscaleMax"], 5);
    assert_eq!(
        merged["meshConfig"],
        json!({"enablePrometheusMerge": true, "rootNamespace": "ops"})
    );
    assert_eq!(mesh(&objs, "istio")["rootNamespace"], "ops");
}

#[test]
fn files_merge_in_order_and_k8s_settings_apply() {
    let objs = render_with(&["overlay-a.yaml", "overlay-b.yaml"], &[]);
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(env(istiod, "PILOT_TRACE_SAMPLING"), Some(json!("10")));
    assert_eq!(env(istiod, "FROM_A"), Some(json!("a")));
    assert_eq!(env(istiod, "FROM_B"), Some(json!("b")));
    assert!(has(&objs, "Deployment", "istio-egressgateway"));
    assert_eq!(mesh(&objs, "istio")["accessLogFile"], "/var/log/first.log");
    let gw = find(&objs, "Deployment", "istio-ingressgateway");
    assert_eq!(gw["spec"]["replicas"], 3);
    assert_eq!(env(gw, "EXTRA"), Some(json!("yes")));
    assert_eq!(
        container(gw)["resources"],
        json!({"requests": {"cpu": "250m", "memory": "128Mi"}, "limits": {"cpu": "2000m", "memory": "1024Mi"}})
    );
    let svc = find(&objs, "Service", "istio-ingressgateway");
    assert_eq!(svc["spec"]["type"], "NodePort");
    assert_eq!(
        svc["metadata"]["annotations"]["example.com/owner"],
        "team-b"
    );
    assert_eq!(
        find(&objs, "HorizontalPodAutoscaler", "istio-ingressgateway")["spec"]["maxReplicas"],
        7
    );
    // --set wins over files.
    let objs = render_with(&["overlay-a.yaml"], &["values.pilot.traceSampling=1.5"]);
    assert_eq!(
        env(find(&objs, "Deployment", "istiod"), "PILOT_TRACE_SAMPLING"),
        Some(json!("1.5"))
    );
}

#[test]
fn extra_gateways_get_their_own_names_labels_and_namespace() {
    let objs = render_with(&["custom-gateway.yaml"], &[]);
    let d = find(&objs, "Deployment", "internal-gateway");
    assert_eq!(d["metadata"]["namespace"], "edge");
    assert_eq!(
        d["spec"]["selector"]["matchLabels"],
        json!({"app": "internal-gateway", "istio": "internal"})
    );
    assert!(has(
        &objs,
        "ServiceAccount",
        "internal-gateway-service-account"
    ));
    assert!(has(&objs, "Deployment", "istio-ingressgateway"));
    // Pod labels outside istio-system carry no Helm v2 leftovers.
    let pod_labels = &d["spec"]["template"]["metadata"]["labels"];
    assert!(pod_labels.get("heritage").is_none());
    assert_eq!(
        pod_labels["service.istio.io/canonical-name"],
        "internal-gateway"
    );
}

#[test]
fn component_hub_and_tag() {
    let objs = render(&[
        "profile=ambient",
        "components.ingressGateways[0].enabled=true",
        "components.pilot.hub=hub.example/pilot",
        "components.pilot.tag=p1",
        "components.cni.hub=hub.example/cni",
        "components.cni.tag=c1",
        "components.ztunnel.tag=z1",
        "components.ingressGateways[0].tag=g1",
    ]);
    assert_eq!(
        container(find(&objs, "Deployment", "istiod"))["image"],
        "hub.example/pilot/pilot:p1-distroless"
    );
    assert_eq!(
        container(find(&objs, "DaemonSet", "istio-cni-node"))["image"],
        "hub.example/cni/install-cni:c1-distroless"
    );
    assert_eq!(
        container(find(&objs, "DaemonSet", "ztunnel"))["image"],
        "docker.io/istio/ztunnel:z1-distroless"
    );
    assert_eq!(
        container(find(&objs, "Deployment", "istio-ingressgateway"))["image"],
        "docker.io/istio/proxyv2:g1-distroless"
    );
}

#[test]
fn every_set_form() {
    let objs = render(&[
        "hub=registry.example.com/istio",
        "tag=1.20",
        "values.global.proxy.resources.requests.cpu=50m",
        "meshConfig.accessLogFile=/dev/stdout",
        "components.ingressGateways.[name:istio-ingressgateway].k8s.service.type=NodePort",
        r"values.pilot.podAnnotations.example\.com/team=mesh",
        "values.pilot.env.DEBUG=true",
        "values.pilot.replicaCount=2",
        "values.pilot.autoscaleEnabled=false",
        "spec.values.pilot.traceSampling=0.5",
        "values.pilot.traceSampling=7",
    ]);
    let istiod = find(&objs, "Deployment", "istiod");
    assert_eq!(
        container(istiod)["image"],
        "registry.example.com/istio/pilot:1.20"
    );
    assert_eq!(istiod["spec"]["replicas"], 2);
    assert_eq!(env(istiod, "DEBUG"), Some(json!("true")));
    assert_eq!(
        env(istiod, "PILOT_TRACE_SAMPLING"),
        Some(json!("7")),
        "last --set wins"
    );
    assert_eq!(
        istiod["spec"]["template"]["metadata"]["annotations"]["example.com/team"],
        "mesh"
    );
    assert_eq!(mesh(&objs, "istio")["accessLogFile"], "/dev/stdout");
    assert_eq!(
        find(&objs, "Service", "istio-ingressgateway")["spec"]["type"],
        "NodePort"
    );
    let values = json_data(&objs, "istio-sidecar-injector", "values");
    assert_eq!(
        values["global"]["proxy"]["resources"]["requests"]["cpu"],
        "50m"
    );
    // Index form, and a later flag re-enabling the same entry.
    let objs = render(&["components.ingressGateways[0].enabled=false"]);
    assert!(!has(&objs, "Deployment", "istio-ingressgateway"));
    let objs = render(&[
        "components.ingressGateways[0].enabled=false",
        "components.ingressGateways[0].enabled=true",
    ]);
    assert!(has(&objs, "Deployment", "istio-ingressgateway"));
    // Appending a list entry with [N] where N is the length; an entry without `enabled` is on.
    let objs = render(&["components.ingressGateways[1].name=second-gateway"]);
    assert!(has(&objs, "Deployment", "second-gateway"));
    let objs = render(&["profile=demo", "components.egressGateways[0].enabled=false"]);
    assert!(!has(&objs, "Deployment", "istio-egressgateway"));
}

#[test]
fn unrendered_settings_are_errors_unless_forced() {
    let err = render_error(&["components.pilot.label.team=a"]);
    assert!(err.contains("components.pilot.label"), "{err}");
    assert!(err.contains("only gateways take labels"), "{err}");
    let err = render_error(&["components.base.k8s.replicaCount=2"]);
    assert!(err.contains("components.base.k8s.replicaCount"), "{err}");
    let err = render_error(&["installPackagePath=/charts"]);
    assert!(err.contains("spec.installPackagePath"), "{err}");
    for (set, path) in [
        (
            "values.gateways.istio-ingressgateway.injectionTemplate=gateway",
            "values.gateways.istio-ingressgateway.injectionTemplate",
        ),
        (
            "values.ztunnel.peerCaCrl.enabled=true",
            "values.ztunnel.peerCaCrl.enabled",
        ),
        (
            "values.cni.ambient.configDir=/etc/x",
            "values.cni.ambient.configDir",
        ),
    ] {
        let err = render_error(&[
            "profile=ambient",
            "components.ingressGateways[0].enabled=true",
            set,
        ]);
        assert!(
            err.contains(path) && err.contains("not rendered by this client"),
            "{err}"
        );
    }
    let err = render_error(&["values.global.proxi.image=x"]);
    assert!(
        err.contains("unknown value path values.global.proxi"),
        "{err}"
    );
    let mut forced = inputs(
        &[],
        &[
            "values.global.proxi.image=x",
            "components.pilot.label.team=a",
        ],
    );
    forced.force = true;
    let cfg = operator::load(&forced).unwrap();
    assert_eq!(cfg.warnings.len(), 2, "{:?}", cfg.warnings);
    assert!(
        cfg.warnings[0].contains("values.global.proxi"),
        "{:?}",
        cfg.warnings
    );
    assert!(render::render_manifests(&cfg).is_ok());
}

#[test]
fn revision_tags_and_default_revision_webhooks() {
    let objs = render(&[
        "revision=canary",
        "values.revisionTags[0]=prod",
        "values.defaultRevision=canary",
    ]);
    let tag = find(
        &objs,
        "MutatingWebhookConfiguration",
        "istio-revision-tag-prod",
    );
    assert_eq!(tag["metadata"]["labels"]["istio.io/tag"], "prod");
    assert_eq!(
        tag["webhooks"][0]["namespaceSelector"]["matchExpressions"][0]["values"],
        json!(["prod"])
    );
    assert_eq!(
        tag["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-canary"
    );
    let v = find(
        &objs,
        "ValidatingWebhookConfiguration",
        "istiod-default-validator",
    );
    assert_eq!(
        v["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-canary"
    );
}
