//! The istio-ingress and istio-egress charts: one Envoy gateway (Deployment, Service, service
//! account, SDS role, autoscaler, disruption budget, network policy).

use serde_json::{json, Map, Value};

use super::{binding, labels, meta, pull_secrets, rule, some, with, Rendered};
use crate::render::chart::{
    at, env_from_map, first_text, image, int, istio_labels, list, map, owner, rev_label,
    rev_suffix, sorted_map, text, truthy, BadSetting, Chart, Scope,
};

/// Which of the two gateway charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// istio-ingress.
    Ingress,
    /// istio-egress.
    Egress,
}

impl Kind {
    /// The values key of the chart's gateway.
    pub fn values_key(self) -> &'static str {
        match self {
            Kind::Ingress => "istio-ingressgateway",
            Kind::Egress => "istio-egressgateway",
        }
    }

    fn component(self) -> &'static str {
        match self {
            Kind::Ingress => "IngressGateways",
            Kind::Egress => "EgressGateways",
        }
    }

    fn chart(self) -> Chart {
        match self {
            Kind::Ingress => Chart::IstioIngress,
            Kind::Egress => Chart::IstioEgress,
        }
    }
}

/// Everything a gateway chart renders into `ns`.
pub fn render(kind: Kind, v: &Value, ns: &str) -> Rendered {
    let scope = Scope::from_values(v)?;
    if !scope.namespaced {
        return Ok(Vec::new());
    }
    let gw = &v["gateways"][kind.values_key()];
    if truthy(&gw["injectionTemplate"]) {
        return Err(BadSetting {
            path: format!("gateways.{}.injectionTemplate", kind.values_key()),
            reason: "gateways whose proxy is injected from a template are not rendered by this client".into(),
            help: "remove injectionTemplate; to deploy an injected gateway, use Istio's gateway Helm chart (see `manifest translate`)".into(),
        });
    }
    let name = text(&gw["name"]);
    let c = Ctx {
        kind,
        v,
        gw,
        ns,
        name: &name,
        gw_labels: map(&gw["labels"]),
        rev_label: rev_label(v),
        owner: owner(v),
    };
    let mut out = vec![c.service_account(), c.deployment()];
    out.extend(c.sds_role());
    if !truthy(&gw["customService"]) {
        out.push(c.service());
    }
    if truthy(&gw["autoscaleEnabled"]) && truthy(&gw["autoscaleMin"]) && truthy(&gw["autoscaleMax"])
    {
        out.push(c.autoscaler());
    }
    if truthy(at(v, "global.defaultPodDisruptionBudget.enabled"))
        && ((truthy(&gw["autoscaleEnabled"]) && int(&gw["autoscaleMin"]) > 1)
            || (!truthy(&gw["autoscaleEnabled"]) && int(&gw["replicaCount"]) > 1))
    {
        out.push(c.disruption_budget());
    }
    if truthy(at(v, "global.networkPolicy.enabled")) {
        out.push(c.network_policy());
    }
    Ok(out)
}

struct Ctx<'a> {
    kind: Kind,
    v: &'a Value,
    gw: &'a Value,
    ns: &'a str,
    name: &'a str,
    gw_labels: Map<String, Value>,
    rev_label: String,
    owner: String,
}

impl Ctx<'_> {
    /// The gateway's labels, `release`, revision and ownership labels, and the chart labels.
    fn labels(&self) -> Map<String, Value> {
        let mut m = self.gw_labels.clone();
        m.extend(self.owned());
        m
    }

    fn owned(&self) -> Map<String, Value> {
        with(
            labels([
                ("release", "istio".into()),
                ("istio.io/rev", self.rev_label.clone().into()),
                (
                    "install.operator.istio.io/owning-resource",
                    self.owner.clone().into(),
                ),
                ("operator.istio.io/component", self.kind.component().into()),
            ]),
            istio_labels(self.kind.chart(), Some(self.name)),
        )
    }

    fn selector(&self) -> Value {
        Value::Object(self.gw_labels.clone())
    }

    fn service_account_name(&self) -> String {
        format!("{}-service-account", self.name)
    }

    fn service_account(&self) -> Value {
        let mut sa = json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": meta(&self.service_account_name(), Some(self.ns), self.labels(),
                some(at(self.gw, "serviceAccount.annotations"))),
        });
        if let Some(secrets) = pull_secrets(at(self.v, "global.imagePullSecrets")) {
            sa["imagePullSecrets"] = secrets;
        }
        sa
    }

    fn sds_role(&self) -> Vec<Value> {
        let name = format!("{}-sds", self.name);
        vec![
            json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": meta(&name, Some(self.ns), self.owned(), None),
                "rules": [rule(&[""], &["secrets"], &["get", "watch", "list"])],
            }),
            binding(
                "RoleBinding",
                meta(&name, Some(self.ns), self.owned(), None),
                "Role",
                &name,
                json!({"kind": "ServiceAccount", "name": self.service_account_name()}),
            ),
        ]
    }

    fn deployment(&self) -> Value {
        let v = self.v;
        let g = &v["global"];
        let gw = self.gw;
        let rev = rev_suffix(v);
        let mut dlabels = self.labels();
        dlabels.insert("istio.io/dataplane-mode".into(), "none".into());

        let mut spec = Map::new();
        if !truthy(&gw["autoscaleEnabled"]) && truthy(&gw["replicaCount"]) {
            spec.insert("replicas".into(), gw["replicaCount"].clone());
        }
        spec.insert("selector".into(), json!({"matchLabels": self.selector()}));
        spec.insert(
            "strategy".into(),
            json!({"rollingUpdate": {
                "maxSurge": gw["rollingMaxSurge"],
                "maxUnavailable": gw["rollingMaxUnavailable"],
            }}),
        );

        let mut pod_labels = self.gw_labels.clone();
        if self.ns == "istio-system" {
            pod_labels.insert("heritage".into(), "Tiller".into());
            pod_labels.insert("release".into(), "istio".into());
            pod_labels.insert("chart".into(), "gateways".into());
        }
        pod_labels.insert("service.istio.io/canonical-name".into(), self.name.into());
        let canonical_rev = match v["revision"].as_str() {
            Some(r) if !r.is_empty() => r.to_owned(),
            _ => "latest".to_owned(),
        };
        pod_labels.insert(
            "service.istio.io/canonical-revision".into(),
            canonical_rev.into(),
        );
        pod_labels.insert("istio.io/rev".into(), self.rev_label.clone().into());
        pod_labels.insert(
            "install.operator.istio.io/owning-resource".into(),
            self.owner.clone().into(),
        );
        pod_labels.insert(
            "operator.istio.io/component".into(),
            self.kind.component().into(),
        );
        pod_labels.insert("sidecar.istio.io/inject".into(), "false".into());
        pod_labels.insert("istio.io/dataplane-mode".into(), "none".into());
        pod_labels.extend(istio_labels(self.kind.chart(), Some(self.name)));
        for (k, val) in sorted_map(&gw["podLabels"]) {
            pod_labels.insert(k.clone(), text(val).into());
        }

        let mut annotations = labels([("istio.io/rev", self.rev_label.clone().into())]);
        if truthy(at(v, "meshConfig.enablePrometheusMerge")) {
            annotations.insert("prometheus.io/port".into(), "15020".into());
            annotations.insert("prometheus.io/scrape".into(), "true".into());
            annotations.insert("prometheus.io/path".into(), "/stats/prometheus".into());
        }
        annotations.insert("sidecar.istio.io/inject".into(), "false".into());
        annotations.extend(map(&gw["podAnnotations"]));

        let mut pod = Map::new();
        let run_as_root = truthy(&gw["runAsRoot"]);
        if !run_as_root {
            pod.insert(
                "securityContext".into(),
                json!({"runAsUser": 1337, "runAsGroup": 1337, "runAsNonRoot": true}),
            );
        }
        pod.insert(
            "serviceAccountName".into(),
            self.service_account_name().into(),
        );
        if truthy(&g["priorityClassName"]) {
            pod.insert(
                "priorityClassName".into(),
                text(&g["priorityClassName"]).into(),
            );
        }

        let mut containers = list(&gw["additionalContainers"]);
        let mut c = Map::new();
        c.insert("name".into(), "istio-proxy".into());
        let proxy_image = first_text(&[at(g, "proxy.image")]);
        let proxy_image = if proxy_image.is_empty() {
            "proxyv2".to_owned()
        } else {
            proxy_image
        };
        c.insert(
            "image".into(),
            image(
                &first_text(&[&gw["hub"], &g["hub"]]),
                &proxy_image,
                &first_text(&[&gw["tag"], &g["tag"]]),
                &first_text(&[at(g, "proxy.variant"), &g["variant"]]),
            )
            .into(),
        );
        if truthy(&g["imagePullPolicy"]) {
            c.insert("imagePullPolicy".into(), text(&g["imagePullPolicy"]).into());
        }
        let mut ports: Vec<Value> = list(&gw["ports"])
            .iter()
            .map(|p| {
                let port = if truthy(&p["targetPort"]) {
                    p["targetPort"].clone()
                } else {
                    p["port"].clone()
                };
                let protocol = if truthy(&p["protocol"]) {
                    p["protocol"].clone()
                } else {
                    "TCP".into()
                };
                json!({"containerPort": port, "protocol": protocol})
            })
            .collect();
        ports.push(json!({"containerPort": 15090, "protocol": "TCP", "name": "http-envoy-prom"}));
        c.insert("ports".into(), Value::Array(ports));
        let mut args: Vec<Value> = vec![
            "proxy".into(),
            "router".into(),
            "--domain".into(),
            format!(
                "$(POD_NAMESPACE).svc.{}",
                text(at(g, "proxy.clusterDomain"))
            )
            .into(),
        ];
        if truthy(at(g, "proxy.logLevel")) {
            args.push(format!("--proxyLogLevel={}", text(at(g, "proxy.logLevel"))).into());
        }
        if truthy(at(g, "proxy.componentLogLevel")) {
            args.push(
                format!(
                    "--proxyComponentLogLevel={}",
                    text(at(g, "proxy.componentLogLevel"))
                )
                .into(),
            );
        }
        if truthy(at(g, "logging.level")) {
            args.push(format!("--log_output_level={}", text(at(g, "logging.level"))).into());
        }
        if truthy(&g["logAsJson"]) {
            args.push("--log_as_json".into());
        }
        if truthy(at(g, "sts.servicePort")) {
            args.push(format!("--stsPort={}", text(at(g, "sts.servicePort"))).into());
        }
        c.insert("args".into(), Value::Array(args));
        if !run_as_root {
            c.insert(
                "securityContext".into(),
                json!({
                    "allowPrivilegeEscalation": false,
                    "capabilities": {"drop": ["ALL"]},
                    "privileged": false,
                    "readOnlyRootFilesystem": true,
                }),
            );
        }
        c.insert(
            "readinessProbe".into(),
            json!({
                "failureThreshold": 30,
                "httpGet": {"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"},
                "initialDelaySeconds": 1,
                "periodSeconds": 2,
                "successThreshold": 1,
                "timeoutSeconds": 1,
            }),
        );
        let resources = some(&gw["resources"]).unwrap_or_else(|| g["defaultResources"].clone());
        c.insert("resources".into(), resources);

        let field = |name: &str, path: &str| json!({"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}});
        let ca = if truthy(&g["caAddress"]) {
            text(&g["caAddress"])
        } else {
            format!("istiod{rev}.{}.svc:15012", text(&g["istioNamespace"]))
        };
        let mut env = vec![
            json!({"name": "PILOT_CERT_PROVIDER", "value": text(&g["pilotCertProvider"])}),
            json!({"name": "CA_ADDR", "value": ca}),
            field("NODE_NAME", "spec.nodeName"),
            field("POD_NAME", "metadata.name"),
            field("POD_NAMESPACE", "metadata.namespace"),
            field("INSTANCE_IP", "status.podIP"),
            field("HOST_IP", "status.hostIP"),
            json!({"name": "ISTIO_CPU_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1"}}}),
            json!({"name": "SERVICE_ACCOUNT", "valueFrom": {"fieldRef": {"fieldPath": "spec.serviceAccountName"}}}),
            json!({"name": "ISTIO_META_WORKLOAD_NAME", "value": self.name}),
            json!({"name": "ISTIO_META_OWNER", "value": format!(
                "kubernetes://apis/apps/v1/namespaces/{}/deployments/{}", self.ns, self.name)}),
        ];
        let trust_domain = &v["meshConfig"]["trustDomain"];
        if truthy(&g["meshID"]) {
            env.push(json!({"name": "ISTIO_META_MESH_ID", "value": text(&g["meshID"])}));
        } else if truthy(trust_domain) {
            env.push(json!({"name": "ISTIO_META_MESH_ID", "value": text(trust_domain)}));
        }
        if truthy(trust_domain) {
            env.push(json!({"name": "TRUST_DOMAIN", "value": text(trust_domain)}));
        }
        if !run_as_root {
            env.push(json!({"name": "ISTIO_META_UNPRIVILEGED_POD", "value": "true"}));
        }
        env.extend(env_from_map(&gw["env"]));
        env.extend(env_from_map(at(
            v,
            "meshConfig.defaultConfig.proxyMetadata",
        )));
        if !truthy(&gw["env"]["ISTIO_META_NETWORK"]) && truthy(&g["network"]) {
            env.push(json!({"name": "ISTIO_META_NETWORK", "value": text(&g["network"])}));
        }
        let cluster = first_text(&[at(g, "multiCluster.clusterName")]);
        env.push(json!({"name": "ISTIO_META_CLUSTER_ID",
            "value": if cluster.is_empty() { "Kubernetes".to_owned() } else { cluster }}));
        env.push(json!({"name": "ISTIO_META_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}));
        c.insert("env".into(), Value::Array(env));

        let istiod_ca = text(&g["pilotCertProvider"]) == "istiod";
        let mut mounts = vec![
            json!({"name": "workload-socket", "mountPath": "/var/run/secrets/workload-spiffe-uds"}),
            json!({"name": "credential-socket", "mountPath": "/var/run/secrets/credential-uds"}),
            json!({"name": "workload-certs", "mountPath": "/var/run/secrets/workload-spiffe-credentials"}),
            json!({"name": "istio-envoy", "mountPath": "/etc/istio/proxy"}),
            json!({"name": "config-volume", "mountPath": "/etc/istio/config"}),
        ];
        if istiod_ca {
            mounts.push(json!({"mountPath": "/var/run/secrets/istio", "name": "istiod-ca-cert"}));
        }
        mounts.push(json!({"name": "istio-token", "mountPath": "/var/run/secrets/tokens", "readOnly": true}));
        if truthy(&g["mountMtlsCerts"]) {
            mounts
                .push(json!({"name": "istio-certs", "mountPath": "/etc/certs", "readOnly": true}));
        }
        mounts.push(json!({"mountPath": "/var/lib/istio/data", "name": "istio-data"}));
        mounts.push(json!({"name": "podinfo", "mountPath": "/etc/istio/pod"}));
        for s in list(&gw["secretVolumes"]) {
            mounts.push(
                json!({"name": s["name"], "mountPath": text(&s["mountPath"]), "readOnly": true}),
            );
        }
        for cv in list(&gw["configVolumes"]) {
            if truthy(&cv["mountPath"]) {
                mounts.push(json!({"name": cv["name"], "mountPath": text(&cv["mountPath"]), "readOnly": true}));
            }
        }
        c.insert("volumeMounts".into(), Value::Array(mounts));
        containers.push(Value::Object(c));
        pod.insert("containers".into(), Value::Array(containers));

        let mut volumes = vec![
            json!({"emptyDir": {}, "name": "workload-socket"}),
            json!({"emptyDir": {}, "name": "credential-socket"}),
            json!({"emptyDir": {}, "name": "workload-certs"}),
        ];
        if istiod_ca {
            volumes.push(
                json!({"name": "istiod-ca-cert", "configMap": {"name": "istio-ca-root-cert"}}),
            );
        }
        volumes.extend([
            json!({"name": "podinfo", "downwardAPI": {"items": [
                {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
            ]}}),
            json!({"emptyDir": {}, "name": "istio-envoy"}),
            json!({"name": "istio-data", "emptyDir": {}}),
            json!({"name": "istio-token", "projected": {"sources": [{"serviceAccountToken": {
                "path": "istio-token", "expirationSeconds": 43200, "audience": text(at(g, "sds.token.aud"))}}]}}),
        ]);
        if truthy(&g["mountMtlsCerts"]) {
            volumes.push(json!({"name": "istio-certs", "secret": {
                "secretName": format!("istio.{}", self.service_account_name()), "optional": true}}));
        }
        volumes.push(json!({"name": "config-volume", "configMap": {"name": format!("istio{rev}"), "optional": true}}));
        for s in list(&gw["secretVolumes"]) {
            volumes.push(json!({"name": s["name"], "secret": {"secretName": text(&s["secretName"]), "optional": true}}));
        }
        for cv in list(&gw["configVolumes"]) {
            volumes.push(json!({"name": cv["name"], "configMap": {"name": text(&cv["configMapName"]), "optional": true}}));
        }
        pod.insert("volumes".into(), Value::Array(volumes));

        let mut affinity = Map::new();
        affinity.insert("nodeAffinity".into(), node_affinity(g, &gw["nodeSelector"]));
        if let Some(anti) = pod_anti_affinity(gw) {
            affinity.insert("podAntiAffinity".into(), anti);
        }
        pod.insert("affinity".into(), Value::Object(affinity));
        if let Some(t) = some(&gw["tolerations"]).or_else(|| some(&g["defaultTolerations"])) {
            pod.insert("tolerations".into(), t);
        }

        spec.insert(
            "template".into(),
            json!({"metadata": {"labels": pod_labels, "annotations": annotations}, "spec": pod}),
        );
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta(self.name, Some(self.ns), dlabels, None),
            "spec": spec,
        })
    }

    fn service(&self) -> Value {
        let gw = self.gw;
        let mut annotations = Map::new();
        for (k, val) in sorted_map(&gw["serviceAnnotations"]) {
            annotations.insert(k.clone(), text(val).into());
        }
        let mut spec = Map::new();
        if truthy(&gw["loadBalancerIP"]) {
            spec.insert("loadBalancerIP".into(), text(&gw["loadBalancerIP"]).into());
        }
        if let Some(r) = some(&gw["loadBalancerSourceRanges"]) {
            spec.insert("loadBalancerSourceRanges".into(), r);
        }
        if truthy(&gw["externalTrafficPolicy"]) {
            spec.insert(
                "externalTrafficPolicy".into(),
                gw["externalTrafficPolicy"].clone(),
            );
        }
        if truthy(&gw["ipFamilyPolicy"]) {
            spec.insert("ipFamilyPolicy".into(), gw["ipFamilyPolicy"].clone());
        }
        if let Some(f) = some(&gw["ipFamilies"]) {
            spec.insert("ipFamilies".into(), f);
        }
        spec.insert("type".into(), gw["type"].clone());
        spec.insert("selector".into(), self.selector());
        let mut ports = list(&gw["ports"]);
        for app in list(&gw["ingressPorts"]) {
            ports.push(json!({"port": app["port"], "name": app["name"]}));
        }
        spec.insert("ports".into(), Value::Array(ports));
        let annotations = if annotations.is_empty() {
            Value::Null
        } else {
            Value::Object(annotations)
        };
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(self.name, Some(self.ns), self.labels(), Some(annotations)),
            "spec": spec,
        })
    }

    fn autoscaler(&self) -> Value {
        let gw = self.gw;
        let mut metrics = vec![
            json!({"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": gw["cpu"]["targetAverageUtilization"]}}}),
        ];
        if truthy(&gw["memory"]["targetAverageUtilization"]) {
            metrics.push(json!({"type": "Resource", "resource": {"name": "memory", "target": {
                "type": "Utilization", "averageUtilization": gw["memory"]["targetAverageUtilization"]}}}));
        }
        let mut spec = json!({
            "maxReplicas": gw["autoscaleMax"],
            "minReplicas": gw["autoscaleMin"],
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": self.name},
            "metrics": metrics,
        });
        if let Some(b) = some(&gw["autoscaleBehavior"]) {
            spec["behavior"] = b;
        }
        json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": meta(self.name, Some(self.ns), self.labels(), None),
            "spec": spec,
        })
    }

    fn disruption_budget(&self) -> Value {
        json!({
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": meta(self.name, Some(self.ns), self.labels(), None),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": self.selector()}},
        })
    }

    fn network_policy(&self) -> Value {
        let mut ingress = vec![
            json!({"ports": [{"protocol": "TCP", "port": 15021}]}),
            json!({"ports": [{"protocol": "TCP", "port": 15090}]}),
        ];
        let ports: Vec<Value> = list(&self.gw["ports"])
            .iter()
            .map(|p| {
                let port = if truthy(&p["targetPort"]) {
                    p["targetPort"].clone()
                } else {
                    p["port"].clone()
                };
                let protocol = if truthy(&p["protocol"]) {
                    p["protocol"].clone()
                } else {
                    "TCP".into()
                };
                json!({"protocol": protocol, "port": port})
            })
            .collect();
        if !ports.is_empty() {
            ingress.push(json!({"ports": ports}));
        }
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(self.name, Some(self.ns), self.labels(), None),
            "spec": {
                "podSelector": {"matchLabels": self.selector()},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": ingress,
                "egress": [{}],
            },
        })
    }
}

/// Node affinity from the gateway's node selector (or the global default) and the global
/// architecture weights: required terms for both, preferred terms for the weights.
fn node_affinity(global: &Value, node_selector: &Value) -> Value {
    let selector = if truthy(node_selector) {
        node_selector
    } else {
        &global["defaultNodeSelector"]
    };
    let arch = &global["arch"];
    let mut required = Value::Null;
    if truthy(arch) || truthy(selector) {
        let mut exprs = Vec::new();
        for (k, weight) in sorted_map(arch) {
            if int(weight) > 0 {
                exprs.push(json!({"key": "kubernetes.io/arch", "operator": "In", "values": [k]}));
            }
        }
        for (k, val) in sorted_map(selector) {
            exprs.push(json!({"key": k, "operator": "In", "values": [text(val)]}));
        }
        required = json!({"nodeSelectorTerms": [{"matchExpressions": exprs}]});
    }
    let preferred: Vec<Value> = sorted_map(arch)
        .into_iter()
        .filter(|(_, w)| int(w) > 0)
        .map(|(k, w)| {
            json!({"weight": int(w), "preference": {"matchExpressions": [
                {"key": "kubernetes.io/arch", "operator": "In", "values": [k]}
            ]}})
        })
        .collect();
    json!({
        "requiredDuringSchedulingIgnoredDuringExecution": required,
        "preferredDuringSchedulingIgnoredDuringExecution":
            if preferred.is_empty() { Value::Null } else { Value::Array(preferred) },
    })
}

/// One label-selector term of the pod anti-affinity settings.
fn anti_affinity_term(item: &Value) -> Value {
    let mut expr = json!({"key": item["key"], "operator": item["operator"]});
    if truthy(&item["values"]) {
        let values: Vec<Value> = text(&item["values"])
            .split(',')
            .map(|s| Value::from(s.to_owned()))
            .collect();
        expr["values"] = Value::Array(values);
    }
    json!({"labelSelector": {"matchExpressions": [expr]}, "topologyKey": item["topologyKey"]})
}

fn pod_anti_affinity(gw: &Value) -> Option<Value> {
    let required = list(&gw["podAntiAffinityLabelSelector"]);
    let preferred = list(&gw["podAntiAffinityTermLabelSelector"]);
    if required.is_empty() && preferred.is_empty() {
        return None;
    }
    let mut m = Map::new();
    if !required.is_empty() {
        m.insert(
            "requiredDuringSchedulingIgnoredDuringExecution".into(),
            Value::Array(required.iter().map(anti_affinity_term).collect()),
        );
    }
    if !preferred.is_empty() {
        m.insert(
            "preferredDuringSchedulingIgnoredDuringExecution".into(),
            Value::Array(
                preferred
                    .iter()
                    .map(|i| json!({"podAffinityTerm": anti_affinity_term(i), "weight": 100}))
                    .collect(),
            ),
        );
    }
    Some(Value::Object(m))
}
