//! The istio-cni chart: the CNI node agent (DaemonSet, its configuration, RBAC, service
//! account, resource quota, network policy, and the Multus attachment).

use serde_json::{json, Map, Value};

use super::{binding, labels, meta, pull_secrets, rule, some, with, Rendered};
use crate::render::chart::{
    first_text, image, istio_labels, list, map, owner, rev_label, text, truthy, Chart, Scope,
};
use crate::render::yaml::to_yaml;

/// The chart's fixed name: `istio-cni`, its DaemonSet `istio-cni-node`.
const NAME: &str = "istio-cni";

/// Everything the istio-cni chart renders into `ns`.
pub fn render(v: &Value, ns: &str) -> Rendered {
    let scope = Scope::from_values(v)?;
    if truthy(&v["ambient"]["configDir"]) {
        return Err(crate::render::chart::BadSetting {
            path: "cni.ambient.configDir".into(),
            reason: "a custom ambient configuration directory is not rendered by this client"
                .into(),
            help: "remove values.cni.ambient.configDir (the agent then uses its default)".into(),
        });
    }
    let owned = || {
        with(
            labels([
                ("app", NAME.into()),
                ("release", "istio".into()),
                ("istio.io/rev", rev_label(v).into()),
                ("install.operator.istio.io/owning-resource", owner(v).into()),
                ("operator.istio.io/component", "Cni".into()),
            ]),
            istio_labels(Chart::Cni, Some(NAME)),
        )
    };
    let ambient = truthy(&v["ambient"]["enabled"]);
    let mut out = Vec::new();
    if scope.cluster {
        let platform = first_text(&[&v["platform"], &v["global"]["platform"]]);
        let mut rules = vec![rule(
            &[""],
            &["pods", "nodes", "namespaces"],
            &["get", "list", "watch"],
        )];
        if platform == "openshift" {
            rules.push(json!({
                "apiGroups": ["security.openshift.io"],
                "resources": ["securitycontextconstraints"],
                "resourceNames": ["privileged"],
                "verbs": ["use"],
            }));
        }
        let subject = json!({"kind": "ServiceAccount", "name": NAME, "namespace": ns});
        let role = |name: &str, rules: Vec<Value>| {
            json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": meta(name, None, owned(), None),
                "rules": rules,
            })
        };
        out.push(role(NAME, rules));
        out.push(binding(
            "ClusterRoleBinding",
            meta(NAME, None, owned(), None),
            "ClusterRole",
            NAME,
            subject.clone(),
        ));
        let repair = &v["repair"];
        if truthy(&repair["enabled"]) {
            let mut rules = Vec::new();
            if truthy(&repair["deletePods"]) {
                rules.push(rule(&[""], &["pods"], &["watch", "get", "list", "delete"]));
            }
            if truthy(&repair["labelPods"]) {
                rules.push(rule(&[""], &["pods/status"], &["update"]));
            }
            let name = format!("{NAME}-repair-role");
            out.push(role(&name, rules));
            out.push(binding(
                "ClusterRoleBinding",
                meta(&format!("{NAME}-repair-rolebinding"), None, owned(), None),
                "ClusterRole",
                &name,
                subject.clone(),
            ));
        }
        if ambient {
            let name = format!("{NAME}-ambient");
            out.push(role(
                &name,
                vec![
                    rule(&[""], &["pods/status"], &["patch", "update"]),
                    json!({
                        "apiGroups": ["apps"],
                        "resources": ["daemonsets"],
                        "resourceNames": [format!("{NAME}-node")],
                        "verbs": ["get"],
                    }),
                ],
            ));
            out.push(binding(
                "ClusterRoleBinding",
                meta(&name, None, owned(), None),
                "ClusterRole",
                &name,
                subject,
            ));
        }
    }
    if !scope.namespaced {
        return Ok(out);
    }
    let mut sa = json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta(NAME, Some(ns), owned(), None),
    });
    if let Some(secrets) = pull_secrets(&v["global"]["imagePullSecrets"]) {
        sa["imagePullSecrets"] = secrets;
    }
    out.push(sa);
    out.push(config_map(v, ns, owned()));
    out.push(daemon_set(v, ns, owned()));
    if text(&v["provider"]) == "multus" {
        out.push(json!({
            "apiVersion": "k8s.cni.cncf.io/v1",
            "kind": "NetworkAttachmentDefinition",
            "metadata": meta(NAME, Some("default"), owned(), None),
        }));
    }
    if truthy(&v["resourceQuotas"]["enabled"]) {
        out.push(json!({
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": meta(&format!("{NAME}-resource-quota"), Some(ns), owned(), None),
            "spec": {
                "hard": {"pods": text(&v["resourceQuotas"]["pods"])},
                "scopeSelector": {"matchExpressions": [{
                    "operator": "In",
                    "scopeName": "PriorityClass",
                    "values": ["system-node-critical"],
                }]},
            },
        }));
    }
    if truthy(&v["global"]["networkPolicy"]["enabled"]) {
        out.push(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(NAME, Some(ns), owned(), None),
            "spec": {
                "podSelector": {"matchLabels": {"k8s-app": format!("{NAME}-node")}},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"ports": [{"protocol": "TCP", "port": 15014}]}],
                "egress": [{}],
            },
        }));
    }
    Ok(out)
}

/// The agent's settings, read by the DaemonSet as environment.
fn config_map(v: &Value, ns: &str, labels: Map<String, Value>) -> Value {
    let a = &v["ambient"];
    let r = &v["repair"];
    let q = |x: &Value| Value::String(text(x));
    let mut data = Map::new();
    data.insert(
        "CURRENT_AGENT_VERSION".into(),
        first_text(&[&v["tag"], &v["global"]["tag"]]).into(),
    );
    data.insert("AMBIENT_ENABLED".into(), q(&a["enabled"]));
    data.insert(
        "AMBIENT_ENABLEMENT_SELECTOR".into(),
        to_yaml(&a["enablementSelectors"]).into(),
    );
    data.insert("AMBIENT_DNS_CAPTURE".into(), q(&a["dnsCapture"]));
    data.insert("AMBIENT_IPV6".into(), q(&a["ipv6"]));
    data.insert(
        "AMBIENT_RECONCILE_POD_RULES_ON_STARTUP".into(),
        q(&a["reconcileIptablesOnStartup"]),
    );
    data.insert(
        "ENABLE_AMBIENT_DETECTION_RETRY".into(),
        q(&a["enableAmbientDetectionRetry"]),
    );
    if truthy(&v["cniConfFileName"]) {
        data.insert("CNI_CONF_NAME".into(), q(&v["cniConfFileName"]));
    }
    data.insert(
        "ISTIO_OWNED_CNI_CONFIG".into(),
        q(&v["istioOwnedCNIConfig"]),
    );
    if truthy(&v["istioOwnedCNIConfig"]) {
        let name = first_text(&[&v["istioOwnedCNIConfigFileName"]]);
        let name = if name.is_empty() {
            "02-istio-cni.conflist".to_owned()
        } else {
            name
        };
        data.insert("ISTIO_OWNED_CNI_CONF_FILENAME".into(), name.into());
    }
    data.insert("CHAINED_CNI_PLUGIN".into(), q(&v["chained"]));
    let excluded: Vec<String> = list(&v["excludeNamespaces"]).iter().map(text).collect();
    data.insert("EXCLUDE_NAMESPACES".into(), excluded.join(",").into());
    data.insert("REPAIR_ENABLED".into(), q(&r["enabled"]));
    data.insert("REPAIR_LABEL_PODS".into(), q(&r["labelPods"]));
    data.insert("REPAIR_DELETE_PODS".into(), q(&r["deletePods"]));
    data.insert("REPAIR_REPAIR_PODS".into(), q(&r["repairPods"]));
    data.insert(
        "REPAIR_INIT_CONTAINER_NAME".into(),
        q(&r["initContainerName"]),
    );
    data.insert(
        "REPAIR_BROKEN_POD_LABEL_KEY".into(),
        q(&r["brokenPodLabelKey"]),
    );
    data.insert(
        "REPAIR_BROKEN_POD_LABEL_VALUE".into(),
        q(&r["brokenPodLabelValue"]),
    );
    data.insert("NATIVE_NFTABLES".into(), q(&v["global"]["nativeNftables"]));
    for (k, val) in crate::render::chart::sorted_map(&v["env"]) {
        data.insert(k.clone(), text(val).into());
    }
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(&format!("{NAME}-config"), Some(ns), labels, None),
        "data": data,
    })
}

fn daemon_set(v: &Value, ns: &str, owned: Map<String, Value>) -> Value {
    let g = &v["global"];
    let ambient = truthy(&v["ambient"]["enabled"]);
    let share_host = truthy(&v["ambient"]["shareHostNetworkNamespace"]);
    let node = format!("{NAME}-node");
    let mut ds_labels = owned;
    ds_labels.remove("app");
    ds_labels.insert("k8s-app".into(), node.clone().into());
    ds_labels.extend(map(&v["daemonSetLabels"]));

    let mut pod_labels = labels([
        ("k8s-app", node.clone().into()),
        ("sidecar.istio.io/inject", "false".into()),
        ("istio.io/dataplane-mode", "none".into()),
    ]);
    pod_labels.extend(istio_labels(Chart::Cni, Some(NAME)));
    pod_labels.extend(map(&v["podLabels"]));
    let mut annotations = labels([
        ("sidecar.istio.io/inject", "false".into()),
        ("prometheus.io/scrape", "true".into()),
        ("prometheus.io/port", "15014".into()),
        ("prometheus.io/path", "/metrics".into()),
    ]);
    let app_armor_annotation = truthy(&v["useAppArmorAnnotation"]);
    if app_armor_annotation {
        annotations.insert(
            "container.apparmor.security.beta.kubernetes.io/install-cni".into(),
            "unconfined".into(),
        );
    }
    annotations.extend(map(&v["podAnnotations"]));

    let mut pod = Map::new();
    if !ambient || share_host {
        pod.insert("hostNetwork".into(), true.into());
    }
    let mut node_selector = labels([("kubernetes.io/os", "linux".into())]);
    node_selector.extend(map(&v["nodeSelector"]));
    pod.insert("nodeSelector".into(), Value::Object(node_selector));
    pod.insert("tolerations".into(), Value::Array(list(&v["tolerations"])));
    if let Some(a) = some(&v["affinity"]) {
        pod.insert("affinity".into(), a);
    }
    pod.insert("priorityClassName".into(), "system-node-critical".into());
    pod.insert("serviceAccountName".into(), NAME.into());
    pod.insert(
        "terminationGracePeriodSeconds".into(),
        v["terminationGracePeriodSeconds"].clone(),
    );

    let mut c = Map::new();
    c.insert("name".into(), "install-cni".into());
    let img = first_text(&[&v["image"]]);
    let img = if img.is_empty() {
        "install-cni".to_owned()
    } else {
        img
    };
    c.insert(
        "image".into(),
        image(
            &first_text(&[&v["hub"], &g["hub"]]),
            &img,
            &first_text(&[&v["tag"], &g["tag"]]),
            &first_text(&[&v["variant"], &g["variant"]]),
        )
        .into(),
    );
    let pull = first_text(&[&v["pullPolicy"], &g["imagePullPolicy"]]);
    if !pull.is_empty() {
        c.insert("imagePullPolicy".into(), pull.into());
    }
    c.insert(
        "ports".into(),
        json!([{"containerPort": 15014, "name": "metrics", "protocol": "TCP"}]),
    );
    c.insert(
        "readinessProbe".into(),
        json!({"httpGet": {"path": "/readyz", "port": 8000}}),
    );
    let mut sc = json!({
        "privileged": false,
        "runAsGroup": 0,
        "runAsUser": 0,
        "runAsNonRoot": false,
        "capabilities": {
            "drop": ["ALL"],
            "add": ["NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_ADMIN", "DAC_OVERRIDE"],
        },
    });
    if truthy(&v["seLinuxOptions"]) {
        let mut se = map(&v["seLinuxOptions"]);
        se.entry("type").or_insert_with(|| "spc_t".into());
        sc["seLinuxOptions"] = Value::Object(se);
    }
    if let Some(p) = some(&v["seccompProfile"]) {
        sc["seccompProfile"] = p;
    }
    if !app_armor_annotation {
        sc["appArmorProfile"] = json!({"type": "Unconfined"});
    }
    c.insert("securityContext".into(), sc);
    c.insert("command".into(), json!(["install-cni"]));
    let mut args = Vec::new();
    let level = first_text(&[&v["logging"]["level"], &g["logging"]["level"]]);
    if !level.is_empty() {
        args.push(Value::from(format!("--log_output_level={level}")));
    }
    if truthy(&g["logAsJson"]) {
        args.push("--log_as_json".into());
    }
    c.insert("args".into(), Value::Array(args));
    c.insert(
        "envFrom".into(),
        json!([{"configMapRef": {"name": format!("{NAME}-config")}}]),
    );
    let field = |name: &str, path: &str| json!({"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}});
    let mut env = vec![
        field("REPAIR_NODE_NAME", "spec.nodeName"),
        json!({"name": "REPAIR_RUN_AS_DAEMON", "value": "true"}),
        json!({"name": "REPAIR_SIDECAR_ANNOTATION", "value": "sidecar.istio.io/status"}),
    ];
    if ambient && !share_host {
        env.push(json!({"name": "ALLOW_SWITCH_TO_HOST_NS", "value": "true"}));
    }
    env.extend([
        json!({"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}),
        json!({"name": "GOMEMLIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory"}}}),
        json!({"name": "GOMAXPROCS", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}),
        field("POD_NAME", "metadata.name"),
        field("POD_NAMESPACE", "metadata.namespace"),
    ]);
    c.insert("env".into(), Value::Array(env));
    let host_proc = truthy(&v["repair"]["repairPods"]) || ambient;
    let mut mounts = vec![json!({"mountPath": "/host/opt/cni/bin", "name": "cni-bin-dir"})];
    if host_proc {
        mounts
            .push(json!({"mountPath": "/host/proc", "name": "cni-host-procfs", "readOnly": true}));
    }
    mounts.push(json!({"mountPath": "/host/etc/cni/net.d", "name": "cni-net-dir"}));
    mounts.push(json!({"mountPath": "/var/run/istio-cni", "name": "cni-socket-dir"}));
    if ambient {
        mounts.push(json!({"mountPath": "/host/var/run/netns", "mountPropagation": "HostToContainer", "name": "cni-netns-dir"}));
        mounts.push(json!({"mountPath": "/var/run/ztunnel", "name": "cni-ztunnel-sock-dir"}));
    }
    c.insert("volumeMounts".into(), Value::Array(mounts));
    let resources = some(&v["resources"]).unwrap_or_else(|| g["defaultResources"].clone());
    c.insert("resources".into(), resources);
    pod.insert("containers".into(), json!([c]));

    let bin_dir = first_text(&[&v["cniBinDir"]]);
    let bin_dir = if bin_dir.is_empty() {
        "/opt/cni/bin".to_owned()
    } else {
        bin_dir
    };
    let mut volumes = vec![json!({"name": "cni-bin-dir", "hostPath": {"path": bin_dir}})];
    if host_proc {
        volumes.push(
            json!({"name": "cni-host-procfs", "hostPath": {"path": "/proc", "type": "Directory"}}),
        );
    }
    if ambient {
        volumes.push(json!({"name": "cni-ztunnel-sock-dir", "hostPath": {"path": "/var/run/ztunnel", "type": "DirectoryOrCreate"}}));
    }
    volumes.push(json!({"name": "cni-net-dir", "hostPath": {"path": text(&v["cniConfDir"])}}));
    volumes.push(json!({"name": "cni-socket-dir", "hostPath": {"path": "/var/run/istio-cni"}}));
    if ambient {
        volumes.push(json!({"name": "cni-netns-dir", "hostPath": {"path": text(&v["cniNetnsDir"]), "type": "DirectoryOrCreate"}}));
    }
    pod.insert("volumes".into(), Value::Array(volumes));

    let mut spec = Map::new();
    spec.insert(
        "selector".into(),
        json!({"matchLabels": {"k8s-app": node.clone()}}),
    );
    if let Some(u) = some(&v["updateStrategy"]) {
        spec.insert("updateStrategy".into(), u);
    }
    spec.insert(
        "template".into(),
        json!({"metadata": {"labels": pod_labels, "annotations": annotations}, "spec": pod}),
    );
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": meta(&node, Some(ns), ds_labels, None),
        "spec": spec,
    })
}
