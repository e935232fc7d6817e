//! `manifest translate`: an IstioOperator turned into the values files of Istio's Helm
//! charts, one per component, the migration path from istioctl to Helm.
//!
//! Base, istiod, CNI and ztunnel take the values istioctl passes to those charts. Gateways are
//! installed with Istio's published `gateway` chart, so a gateway's settings are expressed in
//! that chart's terms. `components.*.k8s` settings become the chart values that produce the
//! same fields where the chart has one; a setting no chart value expresses is reported, never
//! dropped silently.

use serde_json::{json, Map, Value};

use super::chart::{self, at, list, map, text, truthy};
use super::{component_values, helm_values, instances, Component, ComponentInstance, RenderError};
use crate::operator::spec::K8sSpec;
use crate::operator::MergedConfig;

/// One chart to install: its release, chart, namespace and values.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartValues {
    /// The Helm release name (`istiod`, `istio-ingressgateway`, …).
    pub release: String,
    /// The chart in Istio's Helm repository (`istio/istiod`, `istio/gateway`, …).
    pub chart: &'static str,
    /// The namespace to install into.
    pub namespace: String,
    /// The values file's content.
    pub values: Value,
}

/// The result of a translation.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    /// The charts to install, in install order.
    pub charts: Vec<ChartValues>,
    /// Settings no chart value expresses, with what to do instead.
    pub warnings: Vec<String>,
}

/// Translates `cfg` into chart values.
pub fn translate(cfg: &MergedConfig) -> miette::Result<Translation> {
    let values = helm_values(cfg);
    let mut out = Translation {
        charts: Vec::new(),
        warnings: cfg.warnings.clone(),
    };
    let rev = cfg.revision();
    let suffix = if rev.is_empty() {
        String::new()
    } else {
        format!("-{rev}")
    };
    for inst in instances(cfg, &values)? {
        let passed = component_values(&inst, &values);
        let at_k8s = match &inst.name {
            Some(n) => format!("components.{}.[name:{n}].k8s", inst.component.spec_name()),
            None => format!("components.{}.k8s", inst.component.spec_name()),
        };
        let mut local: Vec<String> = Vec::new();
        let mut warn = |field: &str, chart: &str| {
            local.push(format!(
                "{at_k8s}.{field}: the {chart} chart has no value for it; apply it after `helm install` (e.g. with `kubectl patch`) or with a Helm post-renderer"
            ));
        };
        let (release, chart_name, vals) = match inst.component {
            Component::Base => {
                if let Some(k) = &inst.k8s {
                    if k.overlays.as_ref().is_some_and(|o| !o.is_empty()) {
                        warn("overlays", "base");
                    }
                }
                ("base".to_owned(), "istio/base", passed)
            }
            Component::Pilot => {
                let mut v = passed;
                if let Some(k) = &inst.k8s {
                    let mut pilot = map(&v["pilot"]);
                    workload_values(k, &mut pilot, WorkloadChart::Istiod, &mut warn);
                    v["pilot"] = Value::Object(pilot);
                }
                (format!("istiod{suffix}"), "istio/istiod", v)
            }
            Component::Cni | Component::Ztunnel => {
                let mut v = map(&passed);
                let (name, chart, kind) = if inst.component == Component::Cni {
                    ("istio-cni", "istio/cni", WorkloadChart::Cni)
                } else {
                    ("ztunnel", "istio/ztunnel", WorkloadChart::Ztunnel)
                };
                if let Some(k) = &inst.k8s {
                    workload_values(k, &mut v, kind, &mut warn);
                }
                (name.to_owned(), chart, Value::Object(v))
            }
            Component::IngressGateways | Component::EgressGateways => {
                let cv = chart::values(inst.component.chart(), &passed)
                    .map_err(|e| RenderError::setting(inst.component, e))?;
                let (mut gw, gw_warnings) = gateway_values(&inst, &cv);
                out.warnings.extend(gw_warnings);
                if let Some(k) = &inst.k8s {
                    let mut m = map(&gw);
                    workload_values(k, &mut m, WorkloadChart::Gateway, &mut warn);
                    gw = Value::Object(m);
                }
                (inst.name.clone().unwrap_or_default(), "istio/gateway", gw)
            }
        };
        out.warnings.extend(local);
        out.charts.push(ChartValues {
            release,
            chart: chart_name,
            namespace: inst.namespace.clone(),
            values: vals,
        });
    }
    Ok(out)
}

/// Which chart a workload's k8s settings are translated for.
#[derive(Clone, Copy, PartialEq)]
enum WorkloadChart {
    Istiod,
    Cni,
    Ztunnel,
    Gateway,
}

impl WorkloadChart {
    fn name(self) -> &'static str {
        match self {
            WorkloadChart::Istiod => "istiod",
            WorkloadChart::Cni => "istio-cni",
            WorkloadChart::Ztunnel => "ztunnel",
            WorkloadChart::Gateway => "gateway",
        }
    }
}

/// Environment entries as a chart's `env` map (plain values) and `envVarFrom` list (values
/// from elsewhere).
fn split_env(env: &[Value]) -> (Map<String, Value>, Vec<Value>) {
    let mut plain = Map::new();
    let mut from = Vec::new();
    for e in env {
        match (e["name"].as_str(), e.get("valueFrom")) {
            (Some(n), None) => {
                plain.insert(n.to_owned(), Value::String(text(&e["value"])));
            }
            _ => from.push(e.clone()),
        }
    }
    (plain, from)
}

/// Lays a component's k8s settings over its chart values `v`.
fn workload_values(
    k: &K8sSpec,
    v: &mut Map<String, Value>,
    chart: WorkloadChart,
    warn: &mut impl FnMut(&str, &str),
) {
    let name = chart.name();
    let mut put = |key: &str, x: Value| {
        let mut slot = v.remove(key).unwrap_or(Value::Null);
        if slot.is_object() && x.is_object() {
            chart::merge(&mut slot, &x);
        } else {
            slot = x;
        }
        v.insert(key.to_owned(), slot);
    };
    let gateway = chart == WorkloadChart::Gateway;
    let obj = |m: &Option<Map<String, Value>>| m.clone().map(Value::Object);
    if let Some(r) = obj(&k.resources) {
        put("resources", r);
    }
    if let Some(n) = obj(&k.node_selector) {
        put("nodeSelector", n);
    }
    if let Some(t) = &k.tolerations {
        put("tolerations", Value::Array(t.clone()));
    }
    if let Some(a) = obj(&k.affinity) {
        put("affinity", a);
    }
    if let Some(a) = obj(&k.pod_annotations) {
        put("podAnnotations", a);
    }
    if let Some(env) = &k.env {
        let (plain, from) = split_env(env);
        if !plain.is_empty() {
            put("env", Value::Object(plain));
        }
        if !from.is_empty() {
            match chart {
                WorkloadChart::Istiod | WorkloadChart::Gateway => {
                    put("envVarFrom", Value::Array(from))
                }
                _ => warn("env", name),
            }
        }
    }
    let workload_charts = matches!(chart, WorkloadChart::Istiod | WorkloadChart::Gateway);
    if let Some(n) = k.replica_count {
        if workload_charts {
            put("replicaCount", n.into());
        } else {
            warn("replicaCount", name);
        }
    }
    if let Some(h) = &k.hpa_spec {
        let mut other = false;
        for (key, x) in h {
            match (chart, key.as_str()) {
                (WorkloadChart::Istiod, "minReplicas") => put("autoscaleMin", x.clone()),
                (WorkloadChart::Istiod, "maxReplicas") => put("autoscaleMax", x.clone()),
                (WorkloadChart::Gateway, "minReplicas") => {
                    put("autoscaling", json!({"minReplicas": x}))
                }
                (WorkloadChart::Gateway, "maxReplicas") => {
                    put("autoscaling", json!({"maxReplicas": x}))
                }
                _ => other = true,
            }
        }
        if other {
            warn("hpaSpec", name);
        }
    }
    if let Some(s) = &k.strategy {
        match chart {
            WorkloadChart::Gateway => put("strategy", Value::Object(s.clone())),
            WorkloadChart::Istiod => {
                let ru = &s.get("rollingUpdate").cloned().unwrap_or(Value::Null);
                let only_rolling = s.keys().all(|k| k == "rollingUpdate" || k == "type");
                if !ru["maxSurge"].is_null() {
                    put("rollingMaxSurge", ru["maxSurge"].clone());
                }
                if !ru["maxUnavailable"].is_null() {
                    put("rollingMaxUnavailable", ru["maxUnavailable"].clone());
                }
                if !only_rolling {
                    warn("strategy", name);
                }
            }
            _ => warn("strategy", name),
        }
    }
    if let Some(p) = &k.pod_disruption_budget {
        match chart {
            WorkloadChart::Istiod => put("pdb", Value::Object(p.clone())),
            WorkloadChart::Gateway => put("podDisruptionBudget", Value::Object(p.clone())),
            _ => warn("podDisruptionBudget", name),
        }
    }
    if let Some(a) = obj(&k.service_annotations) {
        match chart {
            WorkloadChart::Istiod => put("serviceAnnotations", a),
            WorkloadChart::Gateway => put("service", json!({"annotations": a})),
            _ => warn("serviceAnnotations", name),
        }
    }
    if let Some(s) = &k.service {
        if gateway {
            put("service", Value::Object(s.clone()));
        } else {
            warn("service", name);
        }
    }
    for (field, key, x) in [
        ("volumes", "volumes", k.volumes.clone().map(Value::Array)),
        (
            "volumeMounts",
            "volumeMounts",
            k.volume_mounts.clone().map(Value::Array),
        ),
    ] {
        if let Some(x) = x {
            if chart == WorkloadChart::Cni {
                warn(field, name);
            } else {
                put(key, x);
            }
        }
    }
    for (field, key, x) in [
        ("readinessProbe", "readinessProbe", obj(&k.readiness_probe)),
        (
            "securityContext",
            "securityContext",
            obj(&k.security_context),
        ),
        (
            "imagePullPolicy",
            "imagePullPolicy",
            k.image_pull_policy.clone().map(Value::String),
        ),
        (
            "priorityClassName",
            "priorityClassName",
            k.priority_class_name.clone().map(Value::String),
        ),
    ] {
        let Some(x) = x else { continue };
        let supported = gateway || (chart == WorkloadChart::Ztunnel && field == "imagePullPolicy");
        if supported {
            put(key, x);
        } else {
            warn(field, name);
        }
    }
    if k.overlays.as_ref().is_some_and(|o| !o.is_empty()) {
        warn("overlays", name);
    }
}

/// A gateway's settings (from the istio-ingress/istio-egress chart values `cv`) in the terms
/// of Istio's `gateway` chart.
fn gateway_values(inst: &ComponentInstance, cv: &Value) -> (Value, Vec<String>) {
    let mut warnings = Vec::new();
    let key = match inst.component {
        Component::EgressGateways => "istio-egressgateway",
        _ => "istio-ingressgateway",
    };
    let gw = &cv["gateways"][key];
    let at_values = format!("values.gateways.{key}");
    let mut v = Map::new();
    v.insert("name".into(), gw["name"].clone());
    if truthy(&cv["revision"]) {
        v.insert("revision".into(), cv["revision"].clone());
    }
    let mut labels = map(&gw["labels"]);
    labels.insert("istio.io/dataplane-mode".into(), "none".into());
    v.insert("labels".into(), Value::Object(labels));
    let mut service = Map::new();
    service.insert("type".into(), gw["type"].clone());
    let ports: Vec<Value> = list(&gw["ports"])
        .into_iter()
        .chain(list(&gw["ingressPorts"]))
        .collect();
    service.insert("ports".into(), Value::Array(ports));
    for (from, to) in [
        ("serviceAnnotations", "annotations"),
        ("loadBalancerIP", "loadBalancerIP"),
        ("loadBalancerSourceRanges", "loadBalancerSourceRanges"),
        ("externalTrafficPolicy", "externalTrafficPolicy"),
        ("ipFamilyPolicy", "ipFamilyPolicy"),
        ("ipFamilies", "ipFamilies"),
    ] {
        if truthy(&gw[from]) {
            service.insert(to.into(), gw[from].clone());
        }
    }
    v.insert("service".into(), Value::Object(service));
    v.insert("resources".into(), gw["resources"].clone());
    let mut autoscaling = json!({
        "enabled": truthy(&gw["autoscaleEnabled"]),
        "minReplicas": gw["autoscaleMin"],
        "maxReplicas": gw["autoscaleMax"],
        "targetCPUUtilizationPercentage": gw["cpu"]["targetAverageUtilization"],
    });
    if truthy(&gw["memory"]["targetAverageUtilization"]) {
        autoscaling["targetMemoryUtilizationPercentage"] =
            gw["memory"]["targetAverageUtilization"].clone();
    }
    if truthy(&gw["autoscaleBehavior"]) {
        autoscaling["autoscaleBehavior"] = gw["autoscaleBehavior"].clone();
    }
    v.insert("autoscaling".into(), autoscaling);
    if truthy(&gw["replicaCount"]) {
        v.insert("replicaCount".into(), gw["replicaCount"].clone());
    }
    v.insert(
        "strategy".into(),
        json!({"rollingUpdate": {"maxSurge": gw["rollingMaxSurge"], "maxUnavailable": gw["rollingMaxUnavailable"]}}),
    );
    for key in ["env", "nodeSelector", "tolerations", "podAnnotations"] {
        if truthy(&gw[key]) {
            v.insert(key.into(), gw[key].clone());
        }
    }
    if truthy(at(gw, "serviceAccount.annotations")) {
        v.insert(
            "serviceAccount".into(),
            json!({"annotations": gw["serviceAccount"]["annotations"]}),
        );
    }
    for key in [
        "runAsRoot",
        "additionalContainers",
        "configVolumes",
        "injectionTemplate",
        "customService",
        "podAntiAffinityLabelSelector",
        "podAntiAffinityTermLabelSelector",
    ] {
        if truthy(&gw[key]) {
            warnings.push(format!(
                "{at_values}.{key}: the gateway chart has no value for it; set the equivalent fields after `helm install`"
            ));
        }
    }
    (Value::Object(v), warnings)
}

/// The Helm commands that install the translated charts from `dir`, in install order (the
/// CRDs of `base` first, then istiod, CNI, ztunnel and the gateways).
pub fn helm_commands(t: &Translation, dir: &str) -> String {
    let mut out = format!(
        "Wrote {} values files to {dir}. Install them with Helm, in this order:\n",
        t.charts.len()
    );
    out.push_str("helm repo add istio https://istio-release.storage.googleapis.com/charts\n");
    out.push_str("helm repo update istio\n");
    for c in &t.charts {
        out.push_str(&format!(
            "helm install {} {} -n {} --create-namespace -f {dir}/{}.yaml\n",
            c.release, c.chart, c.namespace, c.release
        ));
    }
    out
}
