//! The ztunnel chart: the ambient node proxy (DaemonSet, service account, resource quota,
//! network policy, and on OpenShift the permission to run privileged).

use serde_json::{json, Map, Value};

use super::{binding, labels, meta, pull_secrets, some, with, Rendered};
use crate::render::chart::{
    env_from_map, first_text, image, istio_labels, list, map, owner, rev_label, rev_suffix, text,
    truthy, Chart, Scope,
};

/// Everything the ztunnel chart renders into `ns`.
pub fn render(v: &Value, ns: &str) -> Rendered {
    let scope = Scope::from_values(v)?;
    if truthy(&v["peerCaCrl"]["enabled"]) {
        return Err(crate::render::chart::BadSetting {
            path: "ztunnel.peerCaCrl.enabled".into(),
            reason: "checking peer certificates against the CA's revocation list is not rendered by this client".into(),
            help: "remove values.ztunnel.peerCaCrl.enabled".into(),
        });
    }
    let name = {
        let n = first_text(&[&v["resourceName"]]);
        if n.is_empty() {
            "ztunnel".to_owned()
        } else {
            n
        }
    };
    let chart_labels = || {
        with(
            map(&v["labels"]),
            istio_labels(Chart::Ztunnel, Some("ztunnel")),
        )
    };
    let annotations = || Some(Value::Object(map(&v["annotations"])));
    let mut out = Vec::new();
    if scope.namespaced {
        let mut sa = json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": meta(&name, Some(ns), chart_labels(), annotations()),
        });
        if let Some(secrets) = pull_secrets(&v["imagePullSecrets"]) {
            sa["imagePullSecrets"] = secrets;
        }
        out.push(sa);
    }
    let openshift = first_text(&[&v["platform"], &v["global"]["platform"]]) == "openshift";
    if scope.cluster && openshift {
        let rbac_labels = || {
            labels([
                ("app", "ztunnel".into()),
                ("release", name.clone().into()),
                ("istio.io/rev", rev_label(v).into()),
                ("install.operator.istio.io/owning-resource", owner(v).into()),
                ("operator.istio.io/component", "Ztunnel".into()),
            ])
        };
        let role = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": meta(&name, None, rbac_labels(), annotations()),
            "rules": [{
                "apiGroups": ["security.openshift.io"],
                "resources": ["securitycontextconstraints"],
                "resourceNames": ["privileged"],
                "verbs": ["use"],
            }],
        });
        out.push(role);
        out.push(binding(
            "ClusterRoleBinding",
            meta(&name, None, rbac_labels(), annotations()),
            "ClusterRole",
            &name,
            json!({"kind": "ServiceAccount", "name": name, "namespace": ns}),
        ));
    }
    if !scope.namespaced {
        return Ok(out);
    }
    out.push(daemon_set(v, ns, &name, chart_labels(), annotations()));
    if truthy(&v["resourceQuotas"]["enabled"]) {
        out.push(json!({
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": meta(&format!("{name}-resource-quota"), Some(ns), chart_labels(), None),
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
        let port = |p: u16| json!({"protocol": "TCP", "port": p});
        out.push(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(&name, Some(ns), chart_labels(), None),
            "spec": {
                "podSelector": {"matchLabels": {"app": "ztunnel"}},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"ports": [port(15008), port(15020), port(15021)]}],
                "egress": [{}],
            },
        }));
    }
    Ok(out)
}

fn daemon_set(
    v: &Value,
    ns: &str,
    name: &str,
    chart_labels: Map<String, Value>,
    annotations: Option<Value>,
) -> Value {
    let rev = rev_suffix(v);
    let mut pod_labels = labels([
        ("sidecar.istio.io/inject", "false".into()),
        ("istio.io/dataplane-mode", "none".into()),
        ("app", "ztunnel".into()),
    ]);
    pod_labels.extend(istio_labels(Chart::Ztunnel, Some("ztunnel")));
    pod_labels.extend(map(&v["podLabels"]));
    let mut pod_annotations = labels([("sidecar.istio.io/inject", "false".into())]);
    pod_annotations.extend(map(&v["podAnnotations"]));
    if let Some(r) = v["revision"].as_str().filter(|r| !r.is_empty()) {
        pod_annotations.insert("istio.io/rev".into(), r.into());
    }

    let mut pod = Map::new();
    let mut node_selector = labels([("kubernetes.io/os", "linux".into())]);
    node_selector.extend(map(&v["nodeSelector"]));
    pod.insert("nodeSelector".into(), Value::Object(node_selector));
    if let Some(a) = some(&v["affinity"]) {
        pod.insert("affinity".into(), a);
    }
    pod.insert("serviceAccountName".into(), name.into());
    if let Some(t) = some(&v["tolerations"]) {
        pod.insert("tolerations".into(), t);
    }

    let mut c = Map::new();
    c.insert("name".into(), "istio-proxy".into());
    let img = first_text(&[&v["image"]]);
    let img = if img.is_empty() {
        "ztunnel".to_owned()
    } else {
        img
    };
    c.insert(
        "image".into(),
        image(
            &text(&v["hub"]),
            &img,
            &text(&v["tag"]),
            &text(&v["variant"]),
        )
        .into(),
    );
    c.insert(
        "ports".into(),
        json!([{"containerPort": 15020, "name": "ztunnel-stats", "protocol": "TCP"}]),
    );
    if let Some(r) = some(&v["resources"]) {
        c.insert("resources".into(), r);
    }
    if truthy(&v["imagePullPolicy"]) {
        c.insert("imagePullPolicy".into(), text(&v["imagePullPolicy"]).into());
    }
    let mut sc = json!({
        "allowPrivilegeEscalation": true,
        "privileged": false,
        "capabilities": {"drop": ["ALL"], "add": ["NET_ADMIN", "SYS_ADMIN", "NET_RAW"]},
        "readOnlyRootFilesystem": true,
        "runAsGroup": 1337,
        "runAsNonRoot": false,
        "runAsUser": 0,
    });
    if let Some(se) = some(&v["seLinuxOptions"]) {
        sc["seLinuxOptions"] = se;
    }
    c.insert("securityContext".into(), sc);
    c.insert(
        "readinessProbe".into(),
        json!({"httpGet": {"port": 15021, "path": "/healthz/ready"}}),
    );
    c.insert("args".into(), json!(["proxy", "ztunnel"]));
    let istiod = format!("istiod{rev}.{}.svc:15012", text(&v["istioNamespace"]));
    let or_istiod = |key: &str| {
        let s = first_text(&[&v[key]]);
        if s.is_empty() {
            istiod.clone()
        } else {
            s
        }
    };
    let field = |name: &str, path: &str| json!({"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}});
    let mut env = vec![
        json!({"name": "CA_ADDRESS", "value": or_istiod("caAddress")}),
        json!({"name": "XDS_ADDRESS", "value": or_istiod("xdsAddress")}),
    ];
    if truthy(&v["logAsJson"]) {
        env.push(json!({"name": "LOG_FORMAT", "value": "json"}));
    }
    if truthy(&v["network"]) {
        env.push(json!({"name": "NETWORK", "value": text(&v["network"])}));
    }
    let cluster = first_text(&[&v["multiCluster"]["clusterName"]]);
    env.extend([
        json!({"name": "RUST_LOG", "value": text(&v["logLevel"])}),
        json!({"name": "RUST_BACKTRACE", "value": "1"}),
        json!({"name": "ISTIO_META_CLUSTER_ID",
               "value": if cluster.is_empty() { "Kubernetes".to_owned() } else { cluster }}),
        json!({"name": "INPOD_ENABLED", "value": "true"}),
        json!({"name": "TERMINATION_GRACE_PERIOD_SECONDS", "value": text(&v["terminationGracePeriodSeconds"])}),
        field("POD_NAME", "metadata.name"),
        field("POD_NAMESPACE", "metadata.namespace"),
        field("NODE_NAME", "spec.nodeName"),
        field("INSTANCE_IP", "status.podIP"),
        field("SERVICE_ACCOUNT", "spec.serviceAccountName"),
    ]);
    env.extend(env_from_map(
        &v["meshConfig"]["defaultConfig"]["proxyMetadata"],
    ));
    env.push(json!({"name": "ZTUNNEL_CPU_LIMIT",
        "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1"}}}));
    env.extend(env_from_map(&v["env"]));
    c.insert("env".into(), Value::Array(env));
    let mut mounts = vec![
        json!({"mountPath": "/var/run/secrets/istio", "name": "istiod-ca-cert"}),
        json!({"mountPath": "/var/run/secrets/tokens", "name": "istio-token"}),
        json!({"mountPath": "/var/run/ztunnel", "name": "cni-ztunnel-sock-dir"}),
        json!({"mountPath": "/tmp", "name": "tmp"}),
    ];
    mounts.extend(list(&v["volumeMounts"]));
    c.insert("volumeMounts".into(), Value::Array(mounts));
    pod.insert("containers".into(), json!([c]));
    pod.insert("priorityClassName".into(), "system-node-critical".into());
    pod.insert(
        "terminationGracePeriodSeconds".into(),
        v["terminationGracePeriodSeconds"].clone(),
    );
    if truthy(&v["dnsPolicy"]) {
        pod.insert("dnsPolicy".into(), v["dnsPolicy"].clone());
    }
    if let Some(d) = some(&v["dnsConfig"]) {
        pod.insert("dnsConfig".into(), d);
    }
    let mut volumes = vec![
        json!({"name": "istio-token", "projected": {"sources": [{"serviceAccountToken": {
            "path": "istio-token", "expirationSeconds": 43200, "audience": "istio-ca"}}]}}),
        json!({"name": "istiod-ca-cert", "configMap": {"name": "istio-ca-root-cert"}}),
        json!({"name": "cni-ztunnel-sock-dir", "hostPath": {"path": "/var/run/ztunnel", "type": "DirectoryOrCreate"}}),
        json!({"name": "tmp", "emptyDir": {}}),
    ];
    volumes.extend(list(&v["volumes"]));
    pod.insert("volumes".into(), Value::Array(volumes));

    let mut spec = Map::new();
    if let Some(u) = some(&v["updateStrategy"]) {
        spec.insert("updateStrategy".into(), u);
    }
    spec.insert(
        "selector".into(),
        json!({"matchLabels": {"app": "ztunnel"}}),
    );
    spec.insert(
        "template".into(),
        json!({"metadata": {"labels": pod_labels, "annotations": pod_annotations}, "spec": pod}),
    );
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": meta(name, Some(ns), chart_labels, annotations),
        "spec": spec,
    })
}
