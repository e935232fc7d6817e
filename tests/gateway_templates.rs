//! The `waypoint`, `kube-gateway` and `agentgateway` templates our install puts in the injector
//! ConfigMap, run
//! the way istiod's gateway deployment controller runs them: dot is a Gateway with the
//! controller's inputs, `.Values`, `.MeshConfig` and `.ProxyConfig` come from what our
//! `manifest generate` renders. The objects are checked field by field on fixtures of our own,
//! compared with what Istio 1.30.3's own templates yield for the same input (when the reference
//! data is present), and, when `kubectl` is installed, server-side applied to the API emulator.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use istio_inject::config::{InjectConfig, Values};
use istio_inject::data::k8s_value;
use istio_inject::mesh::{structure, MeshConfig};
use istio_inject::template::{Template, Value};
use istio_inject::yaml;
use serde_json::{json, Value as Json};

/// The injector configuration, values and mesh config of our default install.
fn installed() -> &'static (String, Json, Json) {
    static RENDERED: OnceLock<(String, Json, Json)> = OnceLock::new();
    RENDERED.get_or_init(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_istioctl"))
            .args(["manifest", "generate"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let (mut config, mut values, mut mesh) = (None, None, None);
        for doc in docs(&text) {
            if doc["kind"] != "ConfigMap" {
                continue;
            }
            match doc["metadata"]["name"].as_str() {
                Some("istio-sidecar-injector") => {
                    config = doc["data"]["config"].as_str().map(str::to_string);
                    values = doc["data"]["values"]
                        .as_str()
                        .map(|v| yaml::parse(v).unwrap());
                }
                Some("istio") => {
                    mesh = doc["data"]["mesh"]
                        .as_str()
                        .map(|m| yaml::parse(m).unwrap());
                }
                _ => {}
            }
        }
        (config.unwrap(), values.unwrap(), mesh.unwrap())
    })
}

fn docs(text: &str) -> Vec<Json> {
    yaml::split(text)
        .iter()
        .map(|c| yaml::parse(c.text).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// One Gateway as the deployment controller sees it.
#[derive(Clone)]
struct Gateway {
    name: &'static str,
    namespace: &'static str,
    class: &'static str,
    controller: &'static str,
    annotations: Json,
    /// `spec.infrastructure.labels` plus what the controller adds.
    infra_labels: Json,
    /// `spec.infrastructure.annotations`.
    infra_annotations: Json,
    ports: Vec<(&'static str, i64, &'static str)>,
    service_type: &'static str,
    addresses: Vec<&'static str>,
    kube_version: i64,
    revision: &'static str,
}

fn waypoint() -> Gateway {
    Gateway {
        name: "waypoint",
        namespace: "shop",
        class: "istio-waypoint",
        controller: "istio.io-mesh-controller",
        annotations: json!({}),
        infra_labels: json!({"istio.io/waypoint-for": "service"}),
        infra_annotations: json!({}),
        ports: vec![("mesh", 15008, "all"), ("status-port", 15021, "tcp")],
        service_type: "ClusterIP",
        addresses: vec![],
        kube_version: 133,
        revision: "",
    }
}

/// A Gateway served by agentgateway.
fn agent() -> Gateway {
    Gateway {
        name: "edge",
        namespace: "shop",
        class: "agentgateway",
        controller: "istio.io-agentgateway-controller",
        annotations: json!({}),
        infra_labels: json!({"team": "edge"}),
        infra_annotations: json!({
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
            "gateway.istio.io/service-account": "edge-sa",
            "example.com/owner": "edge",
        }),
        ports: vec![("http", 80, "http"), ("grpc", 9000, "kubernetes.io/h2c")],
        service_type: "LoadBalancer",
        addresses: vec!["198.51.100.4"],
        kube_version: 127,
        revision: "",
    }
}

fn ingress() -> Gateway {
    Gateway {
        name: "ingress",
        namespace: "shop",
        class: "istio",
        controller: "istio.io-gateway-controller",
        annotations: json!({}),
        infra_labels: json!({"team": "storefront"}),
        infra_annotations: json!({
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
            "example.com/owner": "storefront",
        }),
        ports: vec![
            ("status-port", 15021, "tcp"),
            ("http", 80, "http"),
            ("https", 443, "https"),
        ],
        service_type: "LoadBalancer",
        addresses: vec!["203.0.113.7"],
        kube_version: 133,
        revision: "",
    }
}

/// The template input istiod builds for `gw`: the Gateway (its metadata promoted, as the
/// embedded Go struct's are) and the controller's fields, with `values` as `.Values`.
fn input(gw: &Gateway, values: &Json) -> Value {
    let (_, _, mesh) = installed();
    let mesh = MeshConfig::from_json(mesh).unwrap();
    let values = Values::from_json(values.clone()).unwrap();
    let metadata = json!({
        "name": gw.name,
        "namespace": gw.namespace,
        "uid": format!("uid-{}", gw.name),
        "annotations": gw.annotations,
    });
    let string_map = |j: &Json| {
        Value::string_map(
            j.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), Value::str(v.as_str().unwrap())))
                .collect(),
        )
    };
    let ports = gw
        .ports
        .iter()
        .map(|(name, port, proto)| {
            structure(
                "v1.ServicePort",
                vec![
                    ("Name", Value::str(name)),
                    ("Port", Value::Int(*port)),
                    ("AppProtocol", Value::str(proto)),
                ],
                None,
            )
        })
        .collect();
    let addresses = gw
        .addresses
        .iter()
        .map(|a| {
            structure(
                "v1.GatewaySpecAddress",
                vec![("Type", Value::str("IPAddress")), ("Value", Value::str(a))],
                None,
            )
        })
        .collect();
    let name = Value::str(gw.name);
    structure(
        "gateway.derivedInput",
        vec![
            ("Name", name.clone()),
            ("Namespace", Value::str(gw.namespace)),
            ("UID", Value::str(&format!("uid-{}", gw.name))),
            ("ObjectMeta", k8s_value(&metadata, "v1.ObjectMeta")),
            (
                "Spec",
                structure(
                    "v1.GatewaySpec",
                    vec![("Addresses", Value::list(addresses))],
                    None,
                ),
            ),
            ("DeploymentName", name.clone()),
            ("ServiceAccount", name),
            ("Ports", Value::list(ports)),
            ("ServiceType", Value::str(gw.service_type)),
            ("ProxyUID", Value::Int(1337)),
            ("ProxyGID", Value::Int(1337)),
            ("CompliancePolicy", Value::str("")),
            ("InfrastructureLabels", string_map(&gw.infra_labels)),
            (
                "InfrastructureAnnotations",
                string_map(&gw.infra_annotations),
            ),
            (
                "GatewayNameLabel",
                Value::str("gateway.networking.k8s.io/gateway-name"),
            ),
            ("GatewayClass", Value::str(gw.class)),
            ("ControllerLabel", Value::str(gw.controller)),
            ("KubeVersion", Value::Int(gw.kube_version)),
            (
                "AgentgatewayImage",
                Value::str("registry.example/agentgateway:1.30.3"),
            ),
            ("ClusterID", Value::str("Kubernetes")),
            ("Revision", Value::str(gw.revision)),
            (
                "ProxyImage",
                Value::str(&values.proxy_image(None, &BTreeMap::new())),
            ),
            ("ProxyConfig", mesh.proxy_config_value()),
            ("MeshConfig", mesh.value()),
            ("Values", values.value()),
        ],
        None,
    )
}

/// Our template `name`, as the installed injector ConfigMap carries it.
fn ours(name: &str) -> Template {
    let (config, _, _) = installed();
    let config = InjectConfig::parse(config).unwrap();
    config.templates.get(name).unwrap().clone()
}

fn render(template: &Template, gw: &Gateway, values: &Json) -> Vec<Json> {
    docs(&template.render(&input(gw, values)).unwrap())
}

fn default_values() -> Json {
    installed().1.clone()
}

fn find<'a>(objects: &'a [Json], kind: &str) -> &'a Json {
    objects
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {objects:#?}"))
}

fn env(container: &Json) -> BTreeMap<String, Json> {
    container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let v = e
                .get("value")
                .cloned()
                .unwrap_or_else(|| e["valueFrom"].clone());
            (e["name"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn the_installed_injector_carries_every_template() {
    let (config, _, _) = installed();
    let parsed = InjectConfig::parse(config).unwrap();
    let names: Vec<&str> = parsed.templates.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "agentgateway",
            "gateway",
            "grpc-agent",
            "grpc-simple",
            "kube-gateway",
            "sidecar",
            "waypoint"
        ]
    );
    // The same set as Istio's injector ConfigMap.
    if let Some(dir) = reference() {
        let istio = istio_templates(&dir);
        let theirs: Vec<&str> = istio.templates.keys().map(String::as_str).collect();
        assert_eq!(names, theirs);
    }
}

#[test]
fn waypoint_objects() {
    let objects = render(&ours("waypoint"), &waypoint(), &default_values());
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ServiceAccount",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget"
        ]
    );
    let owner = json!([{
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "name": "waypoint",
        "uid": "uid-waypoint",
    }]);
    for o in &objects {
        assert_eq!(o["metadata"]["name"], "waypoint", "{o}");
        assert_eq!(o["metadata"]["namespace"], "shop", "{o}");
        assert_eq!(o["metadata"]["ownerReferences"], owner, "{o}");
    }
    let sa = find(&objects, "ServiceAccount");
    assert_eq!(
        sa["metadata"]["labels"],
        json!({
            "istio.io/waypoint-for": "service",
            "gateway.networking.k8s.io/gateway-name": "waypoint",
            "gateway.networking.k8s.io/gateway-class-name": "istio-waypoint",
        })
    );
    assert_eq!(sa["metadata"]["annotations"], json!({}));

    let deploy = find(&objects, "Deployment");
    assert_eq!(
        deploy["metadata"]["labels"]["gateway.istio.io/managed"],
        "istio.io-mesh-controller"
    );
    assert_eq!(
        deploy["spec"]["selector"],
        json!({"matchLabels": {"gateway.networking.k8s.io/gateway-name": "waypoint"}})
    );
    let pod = &deploy["spec"]["template"];
    assert_eq!(
        pod["metadata"]["labels"],
        json!({
            "sidecar.istio.io/inject": "false",
            "istio.io/dataplane-mode": "none",
            "service.istio.io/canonical-name": "waypoint",
            "service.istio.io/canonical-revision": "latest",
            "istio.io/waypoint-for": "service",
            "gateway.networking.k8s.io/gateway-name": "waypoint",
            "gateway.networking.k8s.io/gateway-class-name": "istio-waypoint",
            "gateway.istio.io/managed": "istio.io-mesh-controller",
        })
    );
    assert_eq!(
        pod["metadata"]["annotations"],
        json!({
            "istio.io/rev": "default",
            "prometheus.io/path": "/stats/prometheus",
            "prometheus.io/port": "15020",
            "prometheus.io/scrape": "true",
        })
    );
    assert_eq!(pod["spec"]["serviceAccountName"], "waypoint");
    let proxy = &pod["spec"]["containers"][0];
    assert_eq!(pod["spec"]["containers"].as_array().unwrap().len(), 1);
    assert_eq!(proxy["name"], "istio-proxy");
    let image = proxy["image"].as_str().unwrap();
    assert!(image.contains("/proxyv2:"), "{image}");
    assert_eq!(
        proxy["args"],
        json!([
            "proxy",
            "waypoint",
            "--domain",
            "$(POD_NAMESPACE).svc.cluster.local",
            "--serviceCluster",
            "waypoint.$(POD_NAMESPACE)",
            "--proxyLogLevel",
            "warning",
            "--proxyComponentLogLevel",
            "misc:error",
            "--log_output_level",
            "default:info",
        ])
    );
    assert_eq!(
        proxy["ports"],
        json!([
            {"name": "metrics", "containerPort": 15020, "protocol": "TCP"},
            {"name": "status-port", "containerPort": 15021, "protocol": "TCP"},
            {"name": "http-envoy-prom", "containerPort": 15090, "protocol": "TCP"},
        ])
    );
    let env = env(proxy);
    assert_eq!(env["CA_ADDR"], "istiod.istio-system.svc:15012");
    assert_eq!(env["ISTIO_META_INTERCEPTION_MODE"], "REDIRECT");
    assert_eq!(env["ISTIO_META_CLUSTER_ID"], "Kubernetes");
    assert_eq!(
        env["ISTIO_META_OWNER"],
        "kubernetes://apis/apps/v1/namespaces/shop/deployments/waypoint"
    );
    assert_eq!(env["TRUST_DOMAIN"], "cluster.local");
    assert!(!env.contains_key("ISTIO_META_NETWORK"));
    // The mesh's proxy config as one line of JSON.
    let proxy_config = env["PROXY_CONFIG"].as_str().unwrap();
    assert!(proxy_config.ends_with("}\n"), "{proxy_config}");
    assert!(serde_json::from_str::<Json>(proxy_config)
        .unwrap()
        .is_object());
    let ready = json!({"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"});
    assert_eq!(proxy["readinessProbe"]["httpGet"], ready);
    assert_eq!(proxy["readinessProbe"]["periodSeconds"], 15);
    assert_eq!(proxy["startupProbe"]["httpGet"], ready);
    assert_eq!(proxy["startupProbe"]["failureThreshold"], 30);
    assert_eq!(proxy["securityContext"]["runAsUser"], 1337);
    assert_eq!(proxy["securityContext"]["readOnlyRootFilesystem"], true);
    let volumes: Vec<&str> = pod["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        volumes,
        [
            "workload-socket",
            "istio-envoy",
            "go-proxy-envoy",
            "istio-data",
            "go-proxy-data",
            "istio-podinfo",
            "istio-token",
            "istiod-ca-cert"
        ]
    );

    let svc = find(&objects, "Service");
    assert_eq!(
        svc["metadata"]["annotations"],
        json!({"networking.istio.io/traffic-distribution": "PreferClose"})
    );
    assert_eq!(
        svc["spec"],
        json!({
            "type": "ClusterIP",
            "ipFamilyPolicy": "PreferDualStack",
            "selector": {"gateway.networking.k8s.io/gateway-name": "waypoint"},
            "ports": [
                {"name": "mesh", "port": 15008, "protocol": "TCP", "appProtocol": "all"},
                {"name": "status-port", "port": 15021, "protocol": "TCP", "appProtocol": "tcp"},
            ],
        })
    );
    assert_eq!(
        find(&objects, "HorizontalPodAutoscaler")["spec"],
        json!({
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "waypoint"},
            "maxReplicas": 1,
        })
    );
    assert_eq!(
        find(&objects, "PodDisruptionBudget")["spec"],
        json!({"selector": {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "waypoint"}}})
    );
}

#[test]
fn service_accounts_are_owned_from_kubernetes_1_28() {
    for template in ["waypoint", "kube-gateway"] {
        let mut gw = waypoint();
        gw.kube_version = 127;
        let objects = render(&ours(template), &gw, &default_values());
        let sa = find(&objects, "ServiceAccount");
        assert!(sa["metadata"].get("ownerReferences").is_none(), "{sa}");
        assert!(find(&objects, "Deployment")["metadata"]["ownerReferences"].is_array());
        gw.kube_version = 128;
        let objects = render(&ours(template), &gw, &default_values());
        assert_eq!(
            find(&objects, "ServiceAccount")["metadata"]["ownerReferences"][0]["uid"],
            "uid-waypoint"
        );
    }
}

#[test]
fn an_east_west_waypoint_asks_for_its_network() {
    let mut gw = waypoint();
    gw.controller = "istio.io-eastwest-controller";
    gw.infra_labels = json!({"topology.istio.io/network": "west"});
    let objects = render(&ours("waypoint"), &gw, &default_values());
    let env = env(&find(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]);
    assert_eq!(env["ISTIO_META_NETWORK"], "west");
    assert_eq!(env["ISTIO_META_REQUESTED_NETWORK_VIEW"], "west");
}

#[test]
fn kube_gateway_objects() {
    let objects = render(&ours("kube-gateway"), &ingress(), &default_values());
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ServiceAccount",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget"
        ]
    );
    for o in &objects {
        assert_eq!(o["metadata"]["name"], "ingress", "{o}");
        // The Gateway's own infrastructure annotation is kept, kubectl's bookkeeping is not.
        assert_eq!(
            o["metadata"]["annotations"],
            json!({"example.com/owner": "storefront"}),
            "{o}"
        );
        assert_eq!(o["metadata"]["labels"]["team"], "storefront", "{o}");
        assert_eq!(
            o["metadata"]["labels"]["gateway.networking.k8s.io/gateway-class-name"], "istio",
            "{o}"
        );
    }
    let deploy = find(&objects, "Deployment");
    assert_eq!(
        deploy["metadata"]["labels"]["gateway.istio.io/managed"],
        "istio.io-gateway-controller"
    );
    let pod = &deploy["spec"]["template"];
    assert!(pod["metadata"]["labels"]
        .get("istio.io/dataplane-mode")
        .is_none());
    assert_eq!(
        pod["metadata"]["annotations"]["example.com/owner"],
        "storefront"
    );
    assert_eq!(
        pod["spec"]["securityContext"],
        json!({"sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]})
    );
    let proxy = &pod["spec"]["containers"][0];
    assert_eq!(proxy["args"][1], "router");
    let env = env(proxy);
    assert_eq!(env["ISTIO_META_POD_PORTS"], "[]");
    assert_eq!(env["ISTIO_META_APP_CONTAINERS"], "");
    assert_eq!(env["ISTIO_META_WORKLOAD_NAME"], "ingress");
    assert_eq!(env["ISTIO_META_INTERCEPTION_MODE"], "REDIRECT");
    assert!(
        !env.contains_key("ISTIO_META_SERVICE_ACCOUNT"),
        "only waypoints carry it"
    );
    assert_eq!(proxy["securityContext"]["runAsGroup"], 1337);
    assert_eq!(
        proxy["volumeMounts"][1],
        json!({"name": "credential-socket", "mountPath": "/var/run/secrets/credential-uds"})
    );
    let svc = find(&objects, "Service");
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    assert_eq!(svc["spec"]["loadBalancerIP"], "203.0.113.7");
    assert_eq!(
        svc["spec"]["ports"],
        json!([
            {"name": "status-port", "port": 15021, "protocol": "TCP", "appProtocol": "tcp"},
            {"name": "http", "port": 80, "protocol": "TCP", "appProtocol": "http"},
            {"name": "https", "port": 443, "protocol": "TCP", "appProtocol": "https"},
        ])
    );
    // A ClusterIP service never pins a load balancer address.
    let mut gw = ingress();
    gw.service_type = "ClusterIP";
    let objects = render(&ours("kube-gateway"), &gw, &default_values());
    assert!(find(&objects, "Service")["spec"]
        .get("loadBalancerIP")
        .is_none());
}

#[test]
fn agentgateway_objects() {
    let objects = render(&ours("agentgateway"), &agent(), &default_values());
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ServiceAccount",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget"
        ]
    );
    let owner = json!([{
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "name": "edge",
        "uid": "uid-edge",
    }]);
    for o in &objects {
        assert_eq!(o["metadata"]["name"], "edge", "{o}");
        assert_eq!(o["metadata"]["namespace"], "shop", "{o}");
        // Owned from any Kubernetes version, the service account included.
        assert_eq!(o["metadata"]["ownerReferences"], owner, "{o}");
        // The controller's own annotations and kubectl's bookkeeping are not copied.
        assert_eq!(
            o["metadata"]["annotations"],
            json!({"example.com/owner": "edge"}),
            "{o}"
        );
        assert_eq!(o["metadata"]["labels"]["team"], "edge", "{o}");
        assert_eq!(
            o["metadata"]["labels"]["gateway.networking.k8s.io/gateway-class-name"], "agentgateway",
            "{o}"
        );
    }
    let deploy = find(&objects, "Deployment");
    assert_eq!(
        deploy["metadata"]["labels"]["gateway.istio.io/managed"],
        "istio.io-agentgateway-controller"
    );
    assert!(find(&objects, "Service")["metadata"]["labels"]
        .get("gateway.istio.io/managed")
        .is_none());
    let pod = &deploy["spec"]["template"];
    assert_eq!(
        pod["metadata"]["labels"],
        json!({
            "sidecar.istio.io/inject": "false",
            "service.istio.io/canonical-name": "edge",
            "service.istio.io/canonical-revision": "latest",
            "team": "edge",
            "gateway.networking.k8s.io/gateway-name": "edge",
            "gateway.networking.k8s.io/gateway-class-name": "agentgateway",
            "gateway.istio.io/managed": "istio.io-agentgateway-controller",
        })
    );
    assert_eq!(
        pod["metadata"]["annotations"],
        json!({
            "example.com/owner": "edge",
            "istio.io/rev": "default",
            "prometheus.io/path": "/stats/prometheus",
            "prometheus.io/port": "15020",
            "prometheus.io/scrape": "true",
        })
    );
    assert_eq!(
        pod["spec"]["securityContext"],
        json!({"sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]})
    );
    assert_eq!(pod["spec"]["serviceAccountName"], "edge");
    let containers = pod["spec"]["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let agw = &containers[0];
    assert_eq!(agw["name"], "agentgateway");
    assert_eq!(agw["image"], "registry.example/agentgateway:1.30.3");
    assert_eq!(agw["args"], json!(["--config", "{}"]));
    assert_eq!(
        agw["ports"],
        json!([
            {"name": "metrics", "containerPort": 15020, "protocol": "TCP"},
            {"name": "status-port", "containerPort": 15021, "protocol": "TCP"},
        ])
    );
    assert_eq!(
        agw["securityContext"],
        json!({
            "privileged": false,
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "runAsUser": 1337,
            "runAsGroup": 1337,
            "capabilities": {"drop": ["ALL"]},
        })
    );
    let env = env(agw);
    let names: Vec<&str> = env.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "CLUSTER_ID",
            "CPU_LIMIT",
            "GATEWAY",
            "INSTANCE_IP",
            "NAMESPACE",
            "POD_NAME",
            "POD_NAMESPACE",
            "RUST_BACKTRACE",
            "SERVICE_ACCOUNT",
            "TRUST_DOMAIN",
            "XDS_ADDRESS"
        ]
    );
    assert_eq!(env["GATEWAY"], "edge");
    assert_eq!(env["CLUSTER_ID"], "Kubernetes");
    assert_eq!(env["TRUST_DOMAIN"], "cluster.local");
    assert_eq!(env["XDS_ADDRESS"], "istiod.istio-system.svc:15012");
    assert_eq!(
        env["CPU_LIMIT"],
        json!({"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1"}})
    );
    let ready = json!({"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"});
    assert_eq!(agw["readinessProbe"]["httpGet"], ready);
    assert_eq!(agw["startupProbe"]["failureThreshold"], 30);
    assert_eq!(
        agw["volumeMounts"],
        json!([
            {"name": "istiod-ca-cert", "mountPath": "/var/run/secrets/xds"},
            {"name": "istio-token", "mountPath": "/var/run/secrets/xds-tokens"},
            {"name": "tmp", "mountPath": "/tmp"},
        ])
    );
    assert_eq!(
        pod["spec"]["volumes"],
        json!([
            {"name": "tmp", "emptyDir": {}},
            {"name": "istio-token", "projected": {"sources": [{"serviceAccountToken": {
                "path": "xds-token", "expirationSeconds": 43200, "audience": "istio-ca"}}]}},
            {"name": "istiod-ca-cert", "configMap": {"name": "istio-ca-root-cert"}},
        ])
    );
    let svc = find(&objects, "Service");
    assert_eq!(
        svc["spec"],
        json!({
            "type": "LoadBalancer",
            "ipFamilyPolicy": "PreferDualStack",
            "selector": {"gateway.networking.k8s.io/gateway-name": "edge"},
            "loadBalancerIP": "198.51.100.4",
            "ports": [
                {"name": "http", "port": 80, "protocol": "TCP", "appProtocol": "http"},
                {"name": "grpc", "port": 9000, "protocol": "TCP", "appProtocol": "kubernetes.io/h2c"},
            ],
        })
    );
    assert_eq!(
        find(&objects, "HorizontalPodAutoscaler")["spec"],
        json!({
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "edge"},
            "maxReplicas": 1,
        })
    );
    assert_eq!(
        find(&objects, "PodDisruptionBudget")["spec"],
        json!({"selector": {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "edge"}}})
    );
}

#[test]
fn agentgateway_image_and_optional_settings() {
    // An image with a registry, from the Gateway or the values, replaces the controller's.
    let mut gw = agent();
    gw.annotations = json!({"gateway.istio.io/agentgatewayImage": "mirror.example/agw:2"});
    let objects = render(&ours("agentgateway"), &gw, &default_values());
    let agw = &find(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(agw["image"], "mirror.example/agw:2");
    let mut values = busy_values();
    values["global"]["agentgateway"] = json!({"image": "values.example/agw:3"});
    let objects = render(&ours("agentgateway"), &agent(), &values);
    let pod = &find(&objects, "Deployment")["spec"]["template"]["spec"];
    let agw = &pod["containers"][0];
    assert_eq!(agw["image"], "values.example/agw:3");
    // A bare name is no image reference: the controller's image is kept.
    values["global"]["agentgateway"] = json!({"image": "agw"});
    let objects = render(&ours("agentgateway"), &agent(), &values);
    let pod = &find(&objects, "Deployment")["spec"]["template"]["spec"];
    let agw = &pod["containers"][0];
    assert_eq!(agw["image"], "registry.example/agentgateway:1.30.3");
    assert_eq!(agw["imagePullPolicy"], "Always");
    assert_eq!(agw["resources"], json!({"requests": {"cpu": "100m"}}));
    assert_eq!(agw["lifecycle"]["preStop"]["exec"]["command"][0], "sleep");
    assert_eq!(
        pod["imagePullSecrets"],
        json!([{"name": "pull-a"}, {"name": "pull-b"}])
    );
    assert_eq!(
        pod["securityContext"]["seccompProfile"],
        json!({"type": "RuntimeDefault"})
    );
    assert_eq!(env(agw)["NETWORK"], "east");
    assert_eq!(
        pod["volumes"][2]["projected"]["sources"][0]["clusterTrustBundle"]["name"],
        "istio.io:istiod-ca:corp-root"
    );
    // The Gateway's network label wins over the mesh's network.
    let mut gw = agent();
    gw.infra_labels = json!({"topology.istio.io/network": "west"});
    let objects = render(&ours("agentgateway"), &gw, &values);
    let agw = &find(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(env(agw)["NETWORK"], "west");
    // Without istiod as certificate provider there is no root certificate volume.
    values["global"]["pilotCertProvider"] = json!("kubernetes");
    let objects = render(&ours("agentgateway"), &agent(), &values);
    let pod = &find(&objects, "Deployment")["spec"]["template"]["spec"];
    let volumes: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(volumes, ["tmp", "istio-token"]);
}

/// Values that switch on every optional part of the gateway templates.
fn busy_values() -> Json {
    let mut v = default_values();
    let set = |v: &mut Json, path: &str, value: Json| {
        let mut at = v;
        let parts: Vec<&str> = path.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            if !at[*p].is_object() {
                at[*p] = json!({});
            }
            at = &mut at[*p];
        }
        at[parts[parts.len() - 1]] = value;
    };
    set(&mut v, "global.imagePullPolicy", json!("Always"));
    set(
        &mut v,
        "global.imagePullSecrets",
        json!(["pull-a", "pull-b"]),
    );
    set(&mut v, "global.logAsJson", json!(true));
    set(&mut v, "global.meshID", json!("mesh-1"));
    set(&mut v, "global.network", json!("east"));
    set(&mut v, "global.platform", json!("openshift"));
    set(&mut v, "global.caAddress", json!("ca.example:15012"));
    set(&mut v, "global.trustBundleName", json!("corp-root"));
    set(&mut v, "global.sts.servicePort", json!(15015));
    set(&mut v, "global.caName", json!("GkeWorkloadCertificate"));
    set(&mut v, "global.proxy.outlierLogPath", json!("/dev/stdout"));
    set(
        &mut v,
        "global.proxy.lifecycle",
        json!({"preStop": {"exec": {"command": ["sleep", "5"]}}}),
    );
    set(
        &mut v,
        "global.proxy.resources",
        json!({"requests": {"cpu": "100m", "memory": null}}),
    );
    set(
        &mut v,
        "global.waypoint.resources",
        json!({"limits": {"cpu": "2"}, "requests": {"cpu": "200m"}}),
    );
    set(
        &mut v,
        "global.waypoint.nodeSelector",
        json!({"kubernetes.io/os": "linux"}),
    );
    set(
        &mut v,
        "global.waypoint.tolerations",
        json!([{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]),
    );
    set(
        &mut v,
        "global.waypoint.topologySpreadConstraints",
        json!([{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "x"}}}]),
    );
    set(
        &mut v,
        "global.waypoint.affinity",
        json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "x"}}}}]}}),
    );
    set(
        &mut v,
        "gateways.seccompProfile",
        json!({"type": "RuntimeDefault"}),
    );
    set(
        &mut v,
        "pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API",
        json!(true),
    );
    v
}

#[test]
fn optional_settings_reach_the_objects() {
    let values = busy_values();
    let objects = render(&ours("waypoint"), &waypoint(), &values);
    let pod = &find(&objects, "Deployment")["spec"]["template"]["spec"];
    assert_eq!(pod["nodeSelector"], json!({"kubernetes.io/os": "linux"}));
    assert_eq!(pod["tolerations"][0]["key"], "dedicated");
    assert_eq!(
        pod["imagePullSecrets"],
        json!([{"name": "pull-a"}, {"name": "pull-b"}])
    );
    let proxy = &pod["containers"][0];
    assert_eq!(proxy["imagePullPolicy"], "Always");
    assert_eq!(proxy["resources"]["limits"]["cpu"], "2");
    assert!(proxy["securityContext"].get("runAsUser").is_none());
    assert_eq!(
        proxy["securityContext"]["seccompProfile"],
        json!({"type": "RuntimeDefault"})
    );
    let args = proxy["args"].as_array().unwrap();
    assert!(args.contains(&json!("--log_as_json")));
    assert!(args.contains(&json!("--outlierLogPath=/dev/stdout")));
    let env = env(proxy);
    assert_eq!(env["CA_ADDR"], "ca.example:15012");
    assert_eq!(env["ISTIO_META_MESH_ID"], "mesh-1");
    assert_eq!(env["ISTIO_META_NETWORK"], "east");
    let ca = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "istiod-ca-cert")
        .unwrap();
    assert_eq!(
        ca["projected"]["sources"][0]["clusterTrustBundle"]["name"],
        "istio.io:istiod-ca:corp-root"
    );

    let objects = render(&ours("kube-gateway"), &ingress(), &values);
    let pod = &find(&objects, "Deployment")["spec"]["template"]["spec"];
    assert_eq!(
        pod["securityContext"]["seccompProfile"],
        json!({"type": "RuntimeDefault"})
    );
    let proxy = &pod["containers"][0];
    assert_eq!(proxy["resources"], json!({"requests": {"cpu": "100m"}}));
    assert_eq!(proxy["lifecycle"]["preStop"]["exec"]["command"][0], "sleep");
    assert!(proxy["args"]
        .as_array()
        .unwrap()
        .contains(&json!("--stsPort=15015")));
    assert_eq!(proxy["volumeMounts"][2]["name"], "gke-workload-certificate");
    let mut values = values;
    values["gateways"]["securityContext"] = json!({"runAsNonRoot": true});
    values["global"]["pilotCertProvider"] = json!("kubernetes");
    let objects = render(&ours("kube-gateway"), &ingress(), &values);
    let pod = &find(&objects, "Deployment")["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"], json!({"runAsNonRoot": true}));
    assert!(!pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["name"] == "istiod-ca-cert"));
}

fn reference() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ISTIO_REFERENCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../shared", "../../shared"]
        .iter()
        .map(|up| here.join(up).join("reference/istio"))
        .find(|p| {
            p.join("manifests/output/pilot_default.golden.yaml")
                .is_file()
        })
}

/// Istio's own templates, read from the injector ConfigMap of its `pilot_default` golden.
fn istio_templates(dir: &Path) -> InjectConfig {
    let text =
        std::fs::read_to_string(dir.join("manifests/output/pilot_default.golden.yaml")).unwrap();
    let cm = docs(&text)
        .into_iter()
        .find(|d| d["kind"] == "ConfigMap" && d["metadata"]["name"] == "istio-sidecar-injector")
        .unwrap();
    InjectConfig::parse(cm["data"]["config"].as_str().unwrap()).unwrap()
}

#[test]
fn the_same_objects_as_istios_templates() {
    let Some(dir) = reference() else {
        eprintln!("SKIPPED: the Istio reference data is not present");
        return;
    };
    let istio = istio_templates(&dir);
    let mut east_west = waypoint();
    east_west.controller = "istio.io-eastwest-controller";
    east_west.infra_labels = json!({"topology.istio.io/network": "west"});
    east_west.kube_version = 127;
    east_west.revision = "canary";
    east_west.annotations = json!({"sidecar.istio.io/proxyImage": "example.com/proxy:1"});
    let mut waypoint_values = busy_values();
    waypoint_values["global"]["platform"] = json!("");
    let mut imaged = agent();
    imaged.annotations = json!({"gateway.istio.io/agentgatewayImage": "mirror.example/agw:2"});
    imaged.revision = "canary";
    imaged.service_type = "ClusterIP";
    let mut networked = agent();
    networked.infra_labels = json!({"topology.istio.io/network": "west", "team": "edge"});
    networked.kube_version = 133;
    let mut agent_values = busy_values();
    agent_values["global"]["agentgateway"] = json!({"image": "values.example/agw:3"});
    agent_values["global"]["multiCluster"]["clusterName"] = json!("east-1");
    agent_values["global"]["trustDomain"] = json!("corp.example");
    let mut other_ca = default_values();
    other_ca["global"]["pilotCertProvider"] = json!("kubernetes");
    other_ca["global"]["agentgateway"] = json!({"image": "agw"});
    for (template, gateways) in [
        ("waypoint", vec![waypoint(), east_west]),
        ("kube-gateway", vec![ingress(), waypoint()]),
        (
            "agentgateway",
            vec![agent(), imaged.clone(), networked.clone()],
        ),
    ] {
        for gw in &gateways {
            for values in [
                default_values(),
                busy_values(),
                waypoint_values.clone(),
                agent_values.clone(),
                other_ca.clone(),
            ] {
                let ours = render(&ours(template), gw, &values);
                let theirs = render(&istio.templates[template], gw, &values);
                assert_eq!(
                    ours, theirs,
                    "{template} for Gateway {}: ours (left) and Istio's differ",
                    gw.name
                );
            }
        }
    }
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
fn the_api_server_accepts_the_objects() {
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
    k(&["create", "namespace", "shop"]);
    let mut items = render(&ours("waypoint"), &waypoint(), &default_values());
    items.extend(render(&ours("kube-gateway"), &ingress(), &busy_values()));
    items.extend(render(&ours("agentgateway"), &agent(), &busy_values()));
    let file = dir.path().join("objects.json");
    std::fs::write(
        &file,
        serde_json::to_string(&json!({"apiVersion": "v1", "kind": "List", "items": items}))
            .unwrap(),
    )
    .unwrap();
    let applied = k(&[
        "apply",
        "--server-side",
        "--field-manager=istio-gateway-controller",
        "-f",
        file.to_str().unwrap(),
    ]);
    for object in [
        "serviceaccount/waypoint",
        "deployment.apps/waypoint",
        "service/waypoint",
        "horizontalpodautoscaler.autoscaling/waypoint",
        "poddisruptionbudget.policy/waypoint",
        "serviceaccount/ingress",
        "deployment.apps/ingress",
        "service/ingress",
        "horizontalpodautoscaler.autoscaling/ingress",
        "poddisruptionbudget.policy/ingress",
        "serviceaccount/edge",
        "deployment.apps/edge",
        "service/edge",
        "horizontalpodautoscaler.autoscaling/edge",
        "poddisruptionbudget.policy/edge",
    ] {
        assert!(
            applied.contains(&format!("{object} serverside-applied")),
            "{object}: {applied}"
        );
    }
    let got: Json = serde_json::from_str(&k(&[
        "get",
        "deployment",
        "waypoint",
        "-n",
        "shop",
        "-o",
        "json",
    ]))
    .unwrap();
    let pod = &got["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], "waypoint");
    assert_eq!(
        pod["containers"][0]["startupProbe"]["httpGet"]["path"],
        "/healthz/ready"
    );
    assert_eq!(got["metadata"]["ownerReferences"][0]["kind"], "Gateway");
    let svc: Json = serde_json::from_str(&k(&[
        "get", "service", "ingress", "-n", "shop", "-o", "json",
    ]))
    .unwrap();
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    assert_eq!(svc["spec"]["ports"][1]["appProtocol"], "http");
    let got: Json = serde_json::from_str(&k(&[
        "get",
        "deployment",
        "edge",
        "-n",
        "shop",
        "-o",
        "json",
    ]))
    .unwrap();
    let agw = &got["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(agw["name"], "agentgateway");
    assert_eq!(agw["volumeMounts"][2]["mountPath"], "/tmp");
}
