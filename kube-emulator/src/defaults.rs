//! Defaulting of built-in kinds as the API server's `SetDefaults_*` functions (and the Go
//! structs' always-present fields) do it: workloads, pod templates and containers, Services
//! (with a cluster IP from the service CIDR), Secrets, RBAC subjects, webhooks, HPAs,
//! NetworkPolicies, CRDs.

use serde_json::{json, Map, Value};

use crate::resources::ResourceInfo;

/// Sets `map[key]` to `value` unless it is present (and not null).
fn default(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.get(key) {
        Some(v) if !v.is_null() => {}
        _ => {
            map.insert(key.to_string(), value);
        }
    }
}

/// The object at `key` (created empty when absent or null).
fn object<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    if !map.get(key).is_some_and(Value::is_object) {
        map.insert(key.to_string(), json!({}));
    }
    match map.get_mut(key) {
        Some(Value::Object(inner)) => inner,
        _ => unreachable!("just inserted an object"),
    }
}

/// Each object of the list at `key`, if any.
fn each<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    map.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

fn image_pull_policy(image: &str) -> &'static str {
    // Always for `:latest` or no tag (and no digest), otherwise IfNotPresent.
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn probe(probe: &mut Map<String, Value>) {
    default(probe, "timeoutSeconds", json!(1));
    default(probe, "periodSeconds", json!(10));
    default(probe, "successThreshold", json!(1));
    default(probe, "failureThreshold", json!(3));
    if let Some(Value::Object(http)) = probe.get_mut("httpGet") {
        default(http, "path", json!("/"));
        default(http, "scheme", json!("HTTP"));
    }
    if let Some(Value::Object(grpc)) = probe.get_mut("grpc") {
        default(grpc, "service", json!(""));
    }
}

fn env_sources(container: &mut Map<String, Value>) {
    for env in each(container, "env") {
        if let Some(Value::Object(from)) = env.get_mut("valueFrom") {
            if let Some(Value::Object(field)) = from.get_mut("fieldRef") {
                default(field, "apiVersion", json!("v1"));
            }
            if let Some(Value::Object(res)) = from.get_mut("resourceFieldRef") {
                default(res, "divisor", json!("0"));
            }
        }
    }
}

fn container(c: &mut Map<String, Value>, host_network: bool) {
    if let Some(image) = c.get("image").and_then(Value::as_str) {
        let policy = image_pull_policy(image);
        default(c, "imagePullPolicy", json!(policy));
    }
    default(c, "terminationMessagePath", json!("/dev/termination-log"));
    default(c, "terminationMessagePolicy", json!("File"));
    object(c, "resources");
    for port in each(c, "ports") {
        default(port, "protocol", json!("TCP"));
        if host_network {
            if let Some(p) = port.get("containerPort").cloned() {
                default(port, "hostPort", p);
            }
        }
    }
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(p)) = c.get_mut(key) {
            probe(p);
        }
    }
    env_sources(c);
}

fn volume_sources(spec: &mut Map<String, Value>) {
    for volume in each(spec, "volumes") {
        // A volume that names no source is an emptyDir (SetDefaults_Volume).
        if volume.iter().all(|(k, v)| k == "name" || v.is_null()) {
            volume.insert("emptyDir".to_owned(), json!({}));
        }
        for key in ["secret", "configMap", "downwardAPI", "projected"] {
            if let Some(Value::Object(source)) = volume.get_mut(key) {
                default(source, "defaultMode", json!(420));
                for source in each(source, "sources") {
                    if let Some(Value::Object(token)) = source.get_mut("serviceAccountToken") {
                        default(token, "expirationSeconds", json!(3600));
                    }
                    if let Some(Value::Object(api)) = source.get_mut("downwardAPI") {
                        for item in each(api, "items") {
                            if let Some(Value::Object(field)) = item.get_mut("fieldRef") {
                                default(field, "apiVersion", json!("v1"));
                            }
                        }
                    }
                }
                for item in each(source, "items") {
                    if let Some(Value::Object(field)) = item.get_mut("fieldRef") {
                        default(field, "apiVersion", json!("v1"));
                    }
                }
            }
        }
        if let Some(Value::Object(host)) = volume.get_mut("hostPath") {
            default(host, "type", json!(""));
        }
    }
}

/// A PodSpec (of a Pod or a template).
fn pod_spec(spec: &mut Map<String, Value>) {
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    object(spec, "securityContext");
    default(spec, "schedulerName", json!("default-scheduler"));
    if let Some(sa) = spec
        .get("serviceAccountName")
        .filter(|v| v.is_string())
        .cloned()
    {
        default(spec, "serviceAccount", sa);
    }
    let host_network = spec.get("hostNetwork").and_then(Value::as_bool) == Some(true);
    for c in each(spec, "initContainers") {
        container(c, host_network);
    }
    for c in each(spec, "containers") {
        container(c, host_network);
    }
    volume_sources(spec);
}

fn template(spec: &mut Map<String, Value>) {
    if let Some(Value::Object(template)) = spec.get_mut("template") {
        object(template, "metadata");
        pod_spec(object(template, "spec"));
    }
}

fn deployment(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    default(spec, "replicas", json!(1));
    let strategy = object(spec, "strategy");
    default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = object(strategy, "rollingUpdate");
        default(rolling, "maxUnavailable", json!("25%"));
        default(rolling, "maxSurge", json!("25%"));
    }
    default(spec, "revisionHistoryLimit", json!(10));
    default(spec, "progressDeadlineSeconds", json!(600));
    template(spec);
}

fn daemonset(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    let strategy = object(spec, "updateStrategy");
    default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = object(strategy, "rollingUpdate");
        default(rolling, "maxUnavailable", json!(1));
        default(rolling, "maxSurge", json!(0));
    }
    default(spec, "revisionHistoryLimit", json!(10));
    template(spec);
}

fn statefulset(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    default(spec, "replicas", json!(1));
    default(spec, "podManagementPolicy", json!("OrderedReady"));
    let strategy = object(spec, "updateStrategy");
    default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = object(strategy, "rollingUpdate");
        default(rolling, "partition", json!(0));
    }
    default(spec, "revisionHistoryLimit", json!(10));
    let retention = object(spec, "persistentVolumeClaimRetentionPolicy");
    default(retention, "whenDeleted", json!("Retain"));
    default(retention, "whenScaled", json!("Retain"));
    for claim in each(spec, "volumeClaimTemplates") {
        claim.entry("apiVersion").or_insert(json!("v1"));
        claim
            .entry("kind")
            .or_insert(json!("PersistentVolumeClaim"));
        let claim_spec = object(claim, "spec");
        default(claim_spec, "volumeMode", json!("Filesystem"));
        object(claim, "status")
            .entry("phase")
            .or_insert(json!("Pending"));
    }
    template(spec);
}

fn replicaset(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    default(spec, "replicas", json!(1));
    template(spec);
}

/// Allocates cluster IPs from the service CIDR (10.96.0.0/12; 10.96.0.1 is the `kubernetes`
/// Service's).
pub(crate) trait IpAllocator {
    /// An unused address of the service CIDR.
    fn allocate_cluster_ip(&mut self) -> String;
    /// An unused node port in 30000-32767.
    fn allocate_node_port(&mut self) -> i64;
}

/// On an update to a type that does not need them, the fields the old type had allocated or
/// defaulted go, unless the client changed them (the Service strategy's
/// `dropTypeDependentFields`).
fn drop_type_dependent_fields(spec: &mut Map<String, Value>, old: Option<&Value>, kind: &str) {
    let Some(old_spec) = old.and_then(|o| o.get("spec")) else {
        return;
    };
    let unchanged = |spec: &Map<String, Value>, key: &str| spec.get(key) == old_spec.get(key);
    let drop = |spec: &mut Map<String, Value>, keys: &[&str]| {
        for key in keys {
            if unchanged(spec, key) {
                spec.remove(*key);
            }
        }
    };
    if kind == "ExternalName" {
        drop(
            spec,
            &[
                "clusterIP",
                "clusterIPs",
                "ipFamilies",
                "ipFamilyPolicy",
                "internalTrafficPolicy",
            ],
        );
    }
    if kind != "NodePort" && kind != "LoadBalancer" {
        drop(spec, &["externalTrafficPolicy"]);
        let old_ports = old_spec.get("ports").and_then(Value::as_array);
        for port in each(spec, "ports") {
            let was = old_ports.and_then(|ports| {
                ports
                    .iter()
                    .find(|p| p.get("port") == port.get("port"))
                    .and_then(|p| p.get("nodePort"))
            });
            if port.get("nodePort").is_some() && port.get("nodePort") == was {
                port.remove("nodePort");
            }
        }
    }
    if kind != "LoadBalancer" {
        drop(
            spec,
            &["allocateLoadBalancerNodePorts", "loadBalancerClass"],
        );
    }
}

fn service(obj: &mut Map<String, Value>, old: Option<&Value>, alloc: &mut dyn IpAllocator) {
    let spec = object(obj, "spec");
    default(spec, "type", json!("ClusterIP"));
    default(spec, "sessionAffinity", json!("None"));
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    for port in each(spec, "ports") {
        default(port, "protocol", json!("TCP"));
        if let Some(p) = port.get("port").cloned() {
            default(port, "targetPort", p);
        }
    }
    drop_type_dependent_fields(spec, old, &kind);
    if kind != "ExternalName" {
        // An update keeps the allocated address.
        let kept = old
            .and_then(|o| o.pointer("/spec/clusterIP"))
            .filter(|ip| ip.is_string())
            .cloned();
        match spec.get("clusterIP").and_then(Value::as_str) {
            Some(ip) if !ip.is_empty() => {}
            _ => {
                let ip = kept.unwrap_or_else(|| json!(alloc.allocate_cluster_ip()));
                spec.insert("clusterIP".into(), ip);
            }
        }
        let ip = spec["clusterIP"].clone();
        default(spec, "clusterIPs", json!([ip]));
        let headless_without_selector = ip == "None"
            && spec
                .get("selector")
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty);
        if headless_without_selector {
            default(spec, "ipFamilyPolicy", json!("RequireDualStack"));
            default(spec, "ipFamilies", json!(["IPv4", "IPv6"]));
        } else {
            default(spec, "ipFamilyPolicy", json!("SingleStack"));
            default(spec, "ipFamilies", json!(["IPv4"]));
        }
        default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        default(spec, "externalTrafficPolicy", json!("Cluster"));
        let old_ports: Vec<Value> = old
            .and_then(|o| o.pointer("/spec/ports"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for port in each(spec, "ports") {
            if port.get("nodePort").and_then(Value::as_i64).unwrap_or(0) == 0 {
                let kept = old_ports
                    .iter()
                    .find(|p| {
                        p.get("port") == port.get("port")
                            && p.get("protocol") == port.get("protocol")
                    })
                    .and_then(|p| p.get("nodePort"))
                    .cloned();
                let node_port = kept.unwrap_or_else(|| json!(alloc.allocate_node_port()));
                port.insert("nodePort".into(), node_port);
            }
        }
    }
    if kind == "LoadBalancer" {
        default(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
}

fn secret(obj: &mut Map<String, Value>) {
    default(obj, "type", json!("Opaque"));
    if let Some(Value::Object(plain)) = obj.remove("stringData") {
        use base64::Engine;
        let data = object(obj, "data");
        for (k, v) in plain {
            let text = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            data.insert(
                k,
                json!(base64::engine::general_purpose::STANDARD.encode(text)),
            );
        }
    }
}

fn binding(obj: &mut Map<String, Value>) {
    for subject in each(obj, "subjects") {
        match subject.get("kind").and_then(Value::as_str) {
            Some("User" | "Group") => {
                default(subject, "apiGroup", json!("rbac.authorization.k8s.io"))
            }
            Some("ServiceAccount") => default(subject, "apiGroup", json!("")),
            _ => {}
        }
    }
}

fn webhooks(obj: &mut Map<String, Value>, mutating: bool) {
    for hook in each(obj, "webhooks") {
        default(hook, "failurePolicy", json!("Fail"));
        default(hook, "matchPolicy", json!("Equivalent"));
        object(hook, "namespaceSelector");
        object(hook, "objectSelector");
        default(hook, "timeoutSeconds", json!(10));
        if mutating {
            default(hook, "reinvocationPolicy", json!("Never"));
        }
        for rule in each(hook, "rules") {
            default(rule, "scope", json!("*"));
        }
        if let Some(Value::Object(config)) = hook.get_mut("clientConfig") {
            if let Some(Value::Object(service)) = config.get_mut("service") {
                default(service, "port", json!(443));
            }
        }
    }
}

fn hpa(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    default(spec, "minReplicas", json!(1));
    if spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        spec.insert(
            "metrics".into(),
            json!([{ "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": 80 } } }]),
        );
    }
    if let Some(Value::Object(behavior)) = spec.get_mut("behavior") {
        let up = object(behavior, "scaleUp");
        default(up, "stabilizationWindowSeconds", json!(0));
        default(up, "selectPolicy", json!("Max"));
        default(
            up,
            "policies",
            json!([
                { "type": "Pods", "value": 4, "periodSeconds": 15 },
                { "type": "Percent", "value": 100, "periodSeconds": 15 },
            ]),
        );
        let down = object(behavior, "scaleDown");
        default(down, "selectPolicy", json!("Max"));
        default(
            down,
            "policies",
            json!([{ "type": "Percent", "value": 100, "periodSeconds": 15 }]),
        );
    }
}

fn network_policy(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    for rule in each(spec, "ingress") {
        for port in each(rule, "ports") {
            default(port, "protocol", json!("TCP"));
        }
    }
    for rule in each(spec, "egress") {
        for port in each(rule, "ports") {
            default(port, "protocol", json!("TCP"));
        }
    }
    if spec
        .get("policyTypes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        let mut types = vec![json!("Ingress")];
        if spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
        {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(types));
    }
}

fn crd(obj: &mut Map<String, Value>) {
    let spec = object(obj, "spec");
    let conversion = object(spec, "conversion");
    default(conversion, "strategy", json!("None"));
}

/// Sets the defaults of a built-in kind on `obj` (create and update alike; `old` is the stored
/// object on update, whose allocated addresses and ports a Service keeps).
pub(crate) fn apply(
    info: &ResourceInfo,
    obj: &mut Value,
    old: Option<&Value>,
    alloc: &mut dyn IpAllocator,
) {
    let Value::Object(map) = obj else {
        return;
    };
    match (info.group.as_str(), info.plural.as_str()) {
        ("apps", "deployments") => deployment(map),
        ("apps", "daemonsets") => daemonset(map),
        ("apps", "statefulsets") => statefulset(map),
        ("apps", "replicasets") => replicaset(map),
        ("", "pods") => {
            let spec = object(map, "spec");
            pod_spec(spec);
            default(spec, "enableServiceLinks", json!(true));
            default(spec, "serviceAccountName", json!("default"));
            default(spec, "serviceAccount", json!("default"));
            default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
            default(spec, "priority", json!(0));
        }
        ("", "podtemplates") => template(map),
        ("", "replicationcontrollers") => {
            let spec = object(map, "spec");
            default(spec, "replicas", json!(1));
            template(spec);
        }
        ("batch", "jobs") => {
            let spec = object(map, "spec");
            default(spec, "parallelism", json!(1));
            default(spec, "backoffLimit", json!(6));
            default(spec, "completionMode", json!("NonIndexed"));
            default(spec, "suspend", json!(false));
            default(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
            default(spec, "manualSelector", json!(false));
            template(spec);
        }
        ("", "services") => service(map, old, alloc),
        ("", "secrets") => secret(map),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => binding(map),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations") => webhooks(map, true),
        ("admissionregistration.k8s.io", "validatingwebhookconfigurations") => webhooks(map, false),
        ("autoscaling", "horizontalpodautoscalers") => hpa(map),
        ("networking.k8s.io", "networkpolicies") => network_policy(map),
        ("apiextensions.k8s.io", "customresourcedefinitions") => crd(map),
        _ => {}
    }
}

/// The status a new object of a built-in kind starts with (Go's always-present status structs),
/// set when the object has none.
pub(crate) fn status(info: &ResourceInfo, obj: &mut Value) {
    let Value::Object(map) = obj else {
        return;
    };
    match (info.group.as_str(), info.plural.as_str()) {
        ("apps", _)
        | ("autoscaling", "horizontalpodautoscalers")
        | ("batch", _)
        | ("policy", _) => {
            object(map, "status");
        }
        ("", "services") => {
            object(object(map, "status"), "loadBalancer");
        }
        ("", "pods") => {
            let status = object(map, "status");
            default(status, "phase", json!("Pending"));
            default(status, "qosClass", json!("BestEffort"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seq(u32);

    impl IpAllocator for Seq {
        fn allocate_cluster_ip(&mut self) -> String {
            self.0 += 1;
            format!("10.96.0.{}", self.0)
        }
        fn allocate_node_port(&mut self) -> i64 {
            30000 + i64::from(self.0)
        }
    }

    fn info(group: &str, plural: &str) -> ResourceInfo {
        crate::resources::builtins()
            .into_iter()
            .find(|r| r.group == group && r.plural == plural)
            .unwrap()
    }

    #[test]
    fn deployment_like_kubectl_create_deployment() {
        let mut obj = json!({
            "metadata": { "name": "web" },
            "spec": {
                "selector": { "matchLabels": { "app": "web" } },
                "template": {
                    "metadata": { "labels": { "app": "web" } },
                    "spec": { "containers": [{ "name": "nginx", "image": "nginx", "resources": {} }] },
                },
                "strategy": {},
            },
            "status": {},
        });
        apply(&info("apps", "deployments"), &mut obj, None, &mut Seq(1));
        assert_eq!(
            obj["spec"],
            json!({
                "selector": { "matchLabels": { "app": "web" } },
                "template": {
                    "metadata": { "labels": { "app": "web" } },
                    "spec": {
                        "containers": [{
                            "name": "nginx", "image": "nginx", "resources": {},
                            "imagePullPolicy": "Always",
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File",
                        }],
                        "restartPolicy": "Always",
                        "terminationGracePeriodSeconds": 30,
                        "dnsPolicy": "ClusterFirst",
                        "securityContext": {},
                        "schedulerName": "default-scheduler",
                    },
                },
                "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": "25%", "maxSurge": "25%" } },
                "replicas": 1,
                "revisionHistoryLimit": 10,
                "progressDeadlineSeconds": 600,
            })
        );
        status(&info("apps", "deployments"), &mut obj);
        assert_eq!(obj["status"], json!({}));
        assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(image_pull_policy("localhost:5000/nginx"), "Always");
        assert_eq!(image_pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn a_volume_without_a_source_is_an_empty_dir() {
        let mut obj = json!({
            "metadata": { "name": "p" },
            "spec": {
                "containers": [{ "name": "c", "image": "busybox:1" }],
                "volumes": [
                    { "name": "bare" },
                    { "name": "null", "emptyDir": null },
                    { "name": "memory", "emptyDir": { "medium": "Memory" } },
                    { "name": "config", "configMap": { "name": "c" } },
                ],
            },
        });
        apply(&info("", "pods"), &mut obj, None, &mut Seq(1));
        assert_eq!(
            obj["spec"]["volumes"],
            json!([
                { "name": "bare", "emptyDir": {} },
                { "name": "null", "emptyDir": {} },
                { "name": "memory", "emptyDir": { "medium": "Memory" } },
                { "name": "config", "configMap": { "name": "c", "defaultMode": 420 } },
            ])
        );
    }

    #[test]
    fn service_gets_an_address_and_keeps_it() {
        let svc = info("", "services");
        let mut obj = json!({ "metadata": { "name": "s" }, "spec": { "selector": { "app": "a" }, "ports": [{ "port": 80 }] } });
        apply(&svc, &mut obj, None, &mut Seq(1));
        assert_eq!(
            obj["spec"],
            json!({
                "selector": { "app": "a" },
                "ports": [{ "port": 80, "protocol": "TCP", "targetPort": 80 }],
                "type": "ClusterIP",
                "sessionAffinity": "None",
                "clusterIP": "10.96.0.2",
                "clusterIPs": ["10.96.0.2"],
                "ipFamilyPolicy": "SingleStack",
                "ipFamilies": ["IPv4"],
                "internalTrafficPolicy": "Cluster",
            })
        );
        status(&svc, &mut obj);
        assert_eq!(obj["status"], json!({ "loadBalancer": {} }));
        let old = obj.clone();
        let mut update = json!({ "metadata": { "name": "s" }, "spec": { "type": "NodePort", "ports": [{ "port": 80 }] } });
        apply(&svc, &mut update, Some(&old), &mut Seq(7));
        assert_eq!(update["spec"]["clusterIP"], "10.96.0.2");
        assert_eq!(update["spec"]["ports"][0]["nodePort"], 30007);
        assert_eq!(update["spec"]["externalTrafficPolicy"], "Cluster");
        // Turning it into an ExternalName drops what the other types allocated.
        let node_port = update.clone();
        let mut external = node_port.clone();
        external["spec"]["type"] = json!("ExternalName");
        external["spec"]["externalName"] = json!("example.com");
        apply(&svc, &mut external, Some(&node_port), &mut Seq(9));
        let spec = external["spec"].as_object().unwrap();
        for gone in [
            "clusterIP",
            "clusterIPs",
            "ipFamilies",
            "ipFamilyPolicy",
            "internalTrafficPolicy",
            "externalTrafficPolicy",
        ] {
            assert!(!spec.contains_key(gone), "{gone}: {external}");
        }
        assert!(external["spec"]["ports"][0].get("nodePort").is_none());
    }

    #[test]
    fn secrets_bindings_webhooks() {
        let mut s = json!({ "stringData": { "k": "hello" } });
        apply(&info("", "secrets"), &mut s, None, &mut Seq(0));
        assert_eq!(s, json!({ "type": "Opaque", "data": { "k": "aGVsbG8=" } }));
        let mut b = json!({ "subjects": [{ "kind": "User", "name": "alice" }, { "kind": "ServiceAccount", "name": "x", "namespace": "y" }] });
        apply(
            &info("rbac.authorization.k8s.io", "rolebindings"),
            &mut b,
            None,
            &mut Seq(0),
        );
        assert_eq!(b["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
        assert_eq!(b["subjects"][1]["apiGroup"], "");
        let mut w = json!({ "webhooks": [{ "name": "a.b.c", "clientConfig": { "service": { "name": "s", "namespace": "n" } }, "rules": [{}] }] });
        apply(
            &info(
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
            ),
            &mut w,
            None,
            &mut Seq(0),
        );
        assert_eq!(
            w["webhooks"][0],
            json!({
                "name": "a.b.c",
                "clientConfig": { "service": { "name": "s", "namespace": "n", "port": 443 } },
                "rules": [{ "scope": "*" }],
                "failurePolicy": "Fail",
                "matchPolicy": "Equivalent",
                "namespaceSelector": {},
                "objectSelector": {},
                "timeoutSeconds": 10,
                "reinvocationPolicy": "Never",
            })
        );
    }
}
