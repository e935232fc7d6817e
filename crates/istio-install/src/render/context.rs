//! The template context: merged values plus the names derived from namespace and revision.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::templates;
use super::yaml::{sorted, to_yaml};
use crate::operator::overlay::merge;
use crate::operator::spec::{ComponentSpec, GatewaySpec};
use crate::operator::{values, MergedConfig};

/// Everything templates may read, shared by all components.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// The control plane namespace.
    pub ns: String,
    /// The revision, empty for the default one.
    pub revision: String,
    /// `-<revision>` or empty: appended to revisioned object names.
    pub rev_suffix: String,
    /// The `istio.io/rev` label value (`default` for the default revision).
    pub rev_label: String,
    /// The owning IstioOperator's name.
    pub owner: String,
    /// Image registry.
    pub hub: String,
    /// Image tag.
    pub tag: String,
    /// The merged values tree (chart defaults, profile, user input).
    pub values: Value,
    /// The mesh trust domain.
    pub trust_domain: String,
    /// Address of the certificate authority proxies talk to.
    pub ca_addr: String,
    #[serde(skip)]
    original_values: Value,
}

impl Context {
    /// Builds the shared context from a merged configuration.
    pub fn new(cfg: &MergedConfig) -> Self {
        let ns = cfg.namespace();
        let revision = cfg.revision();
        let rev_suffix = if revision.is_empty() {
            String::new()
        } else {
            format!("-{revision}")
        };
        let rev_label = if revision.is_empty() {
            "default".to_owned()
        } else {
            revision.clone()
        };
        let hub = cfg.spec.hub.clone().unwrap_or_default();
        let tag = cfg.spec.tag.clone().unwrap_or_default();

        let mut v = values::defaults().clone();
        // Only maps can be merged into the values tree (the loader rejects anything else).
        for tree in [&cfg.spec.values, &cfg.spec.unvalidated_values] {
            if let Some(t @ Value::Object(_)) = tree {
                merge(&mut v, t.clone());
            }
        }
        merge(
            &mut v,
            json!({"global": {"hub": hub, "tag": tag, "istioNamespace": ns}, "revision": revision}),
        );
        let mut mesh = json!({
            "defaultConfig": {"discoveryAddress": format!("istiod{rev_suffix}.{ns}.svc:15012")},
            "enablePrometheusMerge": true,
            "rootNamespace": ns,
            "trustDomain": "cluster.local",
        });
        let telemetry = &v["telemetry"];
        if telemetry["enabled"] == true && telemetry["v2"]["prometheus"]["enabled"] == true {
            mesh["defaultProviders"] = json!({"metrics": ["prometheus"]});
        }
        merge(&mut mesh, v["meshConfig"].clone());
        if let Some(m) = &cfg.spec.mesh_config {
            merge(&mut mesh, m.clone());
        }
        v["meshConfig"] = mesh;
        let trust_domain = v["meshConfig"]["trustDomain"]
            .as_str()
            .unwrap_or("cluster.local")
            .to_owned();
        let ca_addr = match v["global"]["caAddress"].as_str() {
            Some(a) if !a.is_empty() => a.to_owned(),
            _ => format!("istiod{rev_suffix}.{ns}.svc:15012"),
        };
        Self {
            ns,
            revision,
            rev_suffix,
            rev_label,
            owner: cfg.owner_name(),
            hub,
            tag,
            values: v,
            trust_domain,
            ca_addr,
            original_values: cfg.spec.values.clone().unwrap_or_default(),
        }
    }

    fn image(&self, hub: Option<&str>, tag: Option<&str>, image: &str, variant: &str) -> String {
        if image.contains('/') {
            return image.to_owned();
        }
        let hub = hub.filter(|h| !h.is_empty()).unwrap_or(&self.hub);
        let tag = tag.filter(|t| !t.is_empty()).unwrap_or(&self.tag);
        let variant = if variant.is_empty() {
            String::new()
        } else {
            format!("-{variant}")
        };
        format!("{hub}/{image}:{tag}{variant}")
    }

    fn with(&self, extra: Value) -> Value {
        let mut ctx = serde_json::to_value(self).unwrap_or(Value::Null);
        merge(&mut ctx, extra);
        ctx
    }

    /// The Pilot context: istiod values, image, mesh and injector ConfigMap contents.
    pub fn for_pilot(&self, comp: &ComponentSpec) -> Value {
        let pilot = &self.values["pilot"];
        let g = &self.values["global"];
        let variant = pilot["variant"].as_str().filter(|s| !s.is_empty());
        let variant = variant.or(g["variant"].as_str()).unwrap_or_default();
        let image = self.image(
            comp.hub.as_deref().or(pilot["hub"].as_str()),
            comp.tag.as_deref().or(pilot["tag"].as_str()),
            pilot["image"].as_str().unwrap_or("pilot"),
            variant,
        );
        let trace_sampling = match &pilot["traceSampling"] {
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
                _ => n.to_string(),
            },
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        let mesh_text = to_yaml(&self.values["meshConfig"]);
        let networks = json!({"networks": self.values["global"]["meshNetworks"]});
        self.with(json!({
            "pilot": pilot,
            "pilot_image": image,
            "trace_sampling": trace_sampling,
            "mesh": mesh_text.trim_end(),
            "mesh_networks": to_yaml(&networks).trim_end(),
            "injector_config": self.injector_config(),
            "injector_values": pretty(&json!({
                "global": g,
                "revision": self.revision,
                "sidecarInjectorWebhook": self.values["sidecarInjectorWebhook"],
                "pilot": {"cni": pilot["cni"]},
                "gateways": {"securityContext": self.values["gateways"]["securityContext"],
                             "seccompProfile": self.values["gateways"]["seccompProfile"]},
            })),
            "merged_values": pretty(&self.values),
            "original_values": pretty(&self.original_values),
        }))
    }

    /// The injector ConfigMap's `config`: policy, selectors and injection templates (ours, one
    /// file each under `manifests/injection/`, then the values' custom templates).
    fn injector_config(&self) -> String {
        let hook = &self.values["sidecarInjectorWebhook"];
        let mut templates = Map::new();
        for name in INJECTION_TEMPLATES {
            templates.insert(
                (*name).into(),
                templates::raw(&format!("injection/{name}.tmpl")).into(),
            );
        }
        if let Some(custom) = hook["templates"].as_object() {
            templates.extend(custom.clone());
        }
        let default_templates = match hook["defaultTemplates"].as_array() {
            Some(list) if !list.is_empty() => Value::Array(list.clone()),
            _ => json!(["sidecar"]),
        };
        let policy = if self.values["global"]["proxy"]["autoInject"] == "disabled" {
            "disabled"
        } else {
            "enabled"
        };
        to_yaml(&json!({
            "defaultTemplates": default_templates,
            "policy": policy,
            "alwaysInjectSelector": hook["alwaysInjectSelector"],
            "neverInjectSelector": hook["neverInjectSelector"],
            "injectedAnnotations": hook["injectedAnnotations"],
            "template": "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}",
            "templates": templates,
        }))
    }

    /// A gateway context: its merged values, labels, names and image.
    pub fn for_gateway(&self, gw: &GatewaySpec, default_name: &str) -> Value {
        let name = super::gateway_name(gw, default_name);
        let gateways = &self.values["gateways"];
        let mut gv = gateways[default_name].clone();
        if name != default_name {
            if let Some(own) = gateways.get(&name) {
                merge(&mut gv, own.clone());
            }
        }
        gv["name"] = name.clone().into();
        let labels = match &gw.label {
            Some(l) if !l.is_empty() => serde_json::to_value(l).unwrap_or(Value::Null),
            _ => gv["labels"].clone(),
        };
        let g = &self.values["global"];
        let image = self.image(
            gw.hub.as_deref(),
            gw.tag.as_deref(),
            g["proxy"]["image"].as_str().unwrap_or("proxyv2"),
            g["variant"].as_str().unwrap_or_default(),
        );
        self.with(json!({
            "gw": gv,
            "gw_name": name,
            "gw_ns": gw.namespace.clone().unwrap_or_else(|| self.ns.clone()),
            "labels": labels,
            "proxy_image": image,
        }))
    }
}

/// The injection templates the injector ConfigMap carries, by name.
const INJECTION_TEMPLATES: &[&str] = &["sidecar", "gateway", "grpc-simple", "grpc-agent"];

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(&sorted(v)).unwrap_or_default()
}
