//! Rendering: a merged IstioOperator configuration becomes Kubernetes objects, as istioctl
//! renders Istio's charts.
//!
//! 1. The configuration is turned into chart values as istioctl does: `hub`, `tag`,
//!    `revision`, `meshConfig` and `compatibilityVersion` move under `values`, and so do which
//!    of istiod's and the CNI agent's components are on ([`helm_values`]).
//! 2. Each enabled component (Base, Pilot, the gateways, CNI, ztunnel) gets its view of those
//!    values (a gateway its name and labels; CNI and ztunnel their subtree lifted to the top)
//!    and its chart's values are computed from the chart's defaults and value profiles
//!    ([`chart::values`]); the chart's objects are built ([`charts`]).
//! 3. `components.*.k8s` settings are applied as strategic merge patches ([`k8s`]), then
//!    `k8s.overlays` ([`patch`]).
//!
//! Objects carry the labels Istio's charts give them; `install` adds the ownership labels when
//! it applies them, as istioctl does.

pub mod chart;
pub mod charts;
pub mod context;
pub mod data;
pub mod k8s;
pub mod patch;
pub mod templates;
pub mod translate;
pub mod yaml;

use std::fmt;

use serde_json::{json, Map, Value};

use crate::kinds::render_rank;
use crate::operator::spec::{ComponentSpec, GatewaySpec, K8sSpec};
use crate::operator::MergedConfig;
use chart::{BadSetting, Chart};
use charts::gateway;

/// Label naming the IstioOperator that owns an object (`unknown` when it has no name).
pub const OWNING_RESOURCE_LABEL: &str = "install.operator.istio.io/owning-resource";
/// Label naming the namespace of the IstioOperator that owns an object.
pub const OWNING_RESOURCE_NAMESPACE_LABEL: &str =
    "install.operator.istio.io/owning-resource-namespace";
/// Label naming the component an object belongs to.
pub const COMPONENT_LABEL: &str = "operator.istio.io/component";
/// Label naming the control plane revision (`default` for the default revision).
pub const REVISION_LABEL: &str = "istio.io/rev";

/// The installable components, in install order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// CRDs and cluster-wide basics.
    Base,
    /// istiod.
    Pilot,
    /// The CNI node agent.
    Cni,
    /// The ambient node proxy.
    Ztunnel,
    /// Ingress gateways.
    IngressGateways,
    /// Egress gateways.
    EgressGateways,
}

impl Component {
    /// Every component, in install order.
    pub const ALL: [Component; 6] = [
        Component::Base,
        Component::Pilot,
        Component::Cni,
        Component::Ztunnel,
        Component::IngressGateways,
        Component::EgressGateways,
    ];

    /// The name istioctl uses (label value and `-o DIR` folder name).
    pub fn name(self) -> &'static str {
        match self {
            Component::Base => "Base",
            Component::Pilot => "Pilot",
            Component::Cni => "Cni",
            Component::Ztunnel => "Ztunnel",
            Component::IngressGateways => "IngressGateways",
            Component::EgressGateways => "EgressGateways",
        }
    }

    /// The field under `spec.components`.
    pub fn spec_name(self) -> &'static str {
        match self {
            Component::Base => "base",
            Component::Pilot => "pilot",
            Component::Cni => "cni",
            Component::Ztunnel => "ztunnel",
            Component::IngressGateways => "ingressGateways",
            Component::EgressGateways => "egressGateways",
        }
    }

    /// The chart the component renders.
    pub fn chart(self) -> Chart {
        match self {
            Component::Base => Chart::Base,
            Component::Pilot => Chart::Istiod,
            Component::Cni => Chart::Cni,
            Component::Ztunnel => Chart::Ztunnel,
            Component::IngressGateways => Chart::IstioIngress,
            Component::EgressGateways => Chart::IstioEgress,
        }
    }

    /// The Helm release name of the component's chart (`manifest translate`'s file names).
    pub fn release_name(self) -> &'static str {
        match self {
            Component::Base => "base",
            Component::Pilot => "istiod",
            Component::Cni => "istio-cni",
            Component::Ztunnel => "ztunnel",
            Component::IngressGateways => "istio-ingress",
            Component::EgressGateways => "istio-egress",
        }
    }

    fn gateway_kind(self) -> Option<gateway::Kind> {
        match self {
            Component::IngressGateways => Some(gateway::Kind::Ingress),
            Component::EgressGateways => Some(gateway::Kind::Egress),
            _ => None,
        }
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One rendered Kubernetes object and the component it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedObject {
    /// The owning component.
    pub component: Component,
    /// The object (for a [`prerendered`](Self::text) object, only its identity: apiVersion,
    /// kind and metadata).
    pub object: Value,
    /// The object's YAML document, written ahead of time (the CRDs, in [`render_for_output`]).
    pub text: Option<&'static str>,
}

impl RenderedObject {
    /// `kind` of the object.
    pub fn kind(&self) -> &str {
        self.object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// `metadata.name` of the object.
    pub fn name(&self) -> &str {
        self.object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// `metadata.namespace` of the object (empty for cluster-scoped objects).
    pub fn namespace(&self) -> &str {
        self.object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// Sorts objects into apply order (kind, then namespace and name).
pub fn sort_for_apply(objects: &mut [RenderedObject]) {
    objects.sort_by(|a, b| {
        (render_rank(a.kind()), a.namespace(), a.name()).cmp(&(
            render_rank(b.kind()),
            b.namespace(),
            b.name(),
        ))
    });
}

/// An error in the configuration found while rendering.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{origin}: {reason}")]
#[diagnostic(code(istioctl::render))]
pub struct RenderError {
    /// The setting at fault.
    pub origin: String,
    /// What is wrong.
    pub reason: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

impl RenderError {
    pub(crate) fn setting(component: Component, e: BadSetting) -> Self {
        RenderError {
            origin: format!("values.{} ({} component)", e.path, component.name()),
            reason: e.reason,
            help: Some(e.help),
        }
    }
}

/// Objects and what the user should know about them.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    /// The rendered objects, in apply order.
    pub objects: Vec<RenderedObject>,
    /// Settings that had no effect (as in istioctl) or that `--force` let through.
    pub warnings: Vec<String>,
}

/// Renders every enabled component of `cfg`, in apply order, without the warnings ([`render`]
/// returns them too).
pub fn render_manifests(cfg: &MergedConfig) -> miette::Result<Vec<RenderedObject>> {
    Ok(render(cfg)?.objects)
}

/// Writes objects as one YAML stream (`---` between documents) to `w`, each object's
/// pre-rendered text straight from the binary when it has one (no copy of the CRDs is made).
pub fn write_yaml_stream(
    objects: &[RenderedObject],
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut doc = String::with_capacity(64 * 1024);
    for (i, o) in objects.iter().enumerate() {
        doc.clear();
        if i > 0 {
            doc.push_str("---\n");
        }
        match o.text {
            Some(t) => {
                w.write_all(doc.as_bytes())?;
                w.write_all(t.as_bytes())?;
            }
            None => {
                yaml::write_document(&mut doc, &o.object);
                w.write_all(doc.as_bytes())?;
            }
        }
    }
    w.flush()
}

/// [`write_yaml_stream`] into a string.
pub fn to_yaml_stream(objects: &[RenderedObject]) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_yaml_stream(objects, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// One enabled component instance (a gateway entry, or a single component).
#[derive(Debug, Clone)]
pub struct ComponentInstance {
    /// The component.
    pub component: Component,
    /// A gateway's name.
    pub name: Option<String>,
    /// The release namespace.
    pub namespace: String,
    /// Image registry override.
    pub hub: Option<String>,
    /// Image tag override.
    pub tag: Option<String>,
    /// A gateway's labels.
    pub label: Map<String, Value>,
    /// Kubernetes settings.
    pub k8s: Option<K8sSpec>,
}

/// The values istioctl passes to the charts: `spec.values` (and `unvalidatedValues`) with the
/// spec's `hub`, `tag`, `revision`, `meshConfig` (over `values.meshConfig`),
/// `compatibilityVersion`, the control plane namespace and which of istiod and CNI are on.
pub fn helm_values(cfg: &MergedConfig) -> Value {
    let spec = &cfg.spec;
    let mut v = spec.values.clone().unwrap_or_else(|| json!({}));
    if let Some(u @ Value::Object(_)) = &spec.unvalidated_values {
        chart::merge(&mut v, u);
    }
    let set = |v: &mut Value, path: &[&str], x: Value| {
        let mut node = v;
        for key in &path[..path.len() - 1] {
            if !node[*key].is_object() {
                node[*key] = json!({});
            }
            node = &mut node[*key];
        }
        node[path[path.len() - 1]] = x;
    };
    if let Some(h) = &spec.hub {
        set(&mut v, &["global", "hub"], h.clone().into());
    }
    if let Some(t) = &spec.tag {
        set(&mut v, &["global", "tag"], t.clone().into());
    }
    if let Some(r) = spec.revision.as_ref().filter(|r| !r.is_empty()) {
        set(&mut v, &["revision"], r.clone().into());
    }
    if let Some(m) = &spec.mesh_config {
        // `spec.meshConfig` is laid over `values.meshConfig` (the older place for it).
        let mut mesh = v["meshConfig"].clone();
        if !mesh.is_object() {
            mesh = json!({});
        }
        chart::merge(&mut mesh, m);
        set(&mut v, &["meshConfig"], mesh);
    }
    if let Some(c) = &spec.compatibility_version {
        set(&mut v, &["compatibilityVersion"], c.clone().into());
    }
    if !cfg.istio_namespace_set {
        set(
            &mut v,
            &["global", "istioNamespace"],
            cfg.namespace.clone().into(),
        );
    }
    let components = spec.components.clone().unwrap_or_default();
    let on = |c: &Option<ComponentSpec>, default: bool| {
        c.as_ref().map_or(default, |c| c.enabled.unwrap_or(true))
    };
    set(
        &mut v,
        &["pilot", "enabled"],
        on(&components.pilot, true).into(),
    );
    let cni = cni_switch(&v).unwrap_or_else(|| on(&components.cni, false));
    set(&mut v, &["pilot", "cni", "enabled"], cni.into());
    v
}

/// `values.cni.enabled`: istioctl's older switch for the CNI component.
fn cni_switch(values: &Value) -> Option<bool> {
    values["cni"]["enabled"].as_bool()
}

/// The enabled component instances of `cfg`, in [`Component::ALL`] order.
pub fn instances(cfg: &MergedConfig, values: &Value) -> miette::Result<Vec<ComponentInstance>> {
    let components = cfg.spec.components.clone().unwrap_or_default();
    let ns = cfg.namespace.clone();
    let single = |component: Component, c: &Option<ComponentSpec>, default: bool| {
        let enabled = c.as_ref().map_or(default, |c| c.enabled.unwrap_or(true));
        enabled.then(|| {
            let c = c.clone().unwrap_or_default();
            ComponentInstance {
                component,
                name: None,
                namespace: c
                    .namespace
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| ns.clone()),
                hub: c.hub,
                tag: c.tag,
                label: Map::new(),
                k8s: c.k8s,
            }
        })
    };
    let mut ingress = components.ingress_gateways.clone().unwrap_or_default();
    let mut egress = components.egress_gateways.clone().unwrap_or_default();
    enable_by_values(values, &mut ingress, &mut egress)?;
    let gateways = |component: Component, list: &[GatewaySpec]| -> Vec<ComponentInstance> {
        list.iter()
            .filter(|g| g.enabled.unwrap_or(true))
            .map(|g| ComponentInstance {
                component,
                name: Some(g.name.clone().unwrap_or_else(|| {
                    component
                        .gateway_kind()
                        .map_or("", |k| k.values_key())
                        .to_owned()
                })),
                namespace: g
                    .namespace
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| ns.clone()),
                hub: g.hub.clone(),
                tag: g.tag.clone(),
                label: g
                    .label
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
                k8s: g.k8s.clone(),
            })
            .collect()
    };
    let mut cni = components.cni.clone();
    if let Some(on) = cni_switch(values) {
        cni.get_or_insert_with(ComponentSpec::default).enabled = Some(on);
    }
    let mut out = Vec::new();
    out.extend(single(Component::Base, &components.base, true));
    out.extend(single(Component::Pilot, &components.pilot, true));
    out.extend(single(Component::Cni, &cni, false));
    out.extend(single(Component::Ztunnel, &components.ztunnel, false));
    out.extend(gateways(Component::IngressGateways, &ingress));
    out.extend(gateways(Component::EgressGateways, &egress));
    Ok(out)
}

/// `values.gateways.<name>.enabled`: istioctl's older way of turning a gateway on or off.
fn enable_by_values(
    values: &Value,
    ingress: &mut Vec<GatewaySpec>,
    egress: &mut Vec<GatewaySpec>,
) -> miette::Result<()> {
    for (name, gw) in values["gateways"].as_object().into_iter().flatten() {
        let Some(enabled) = gw.get("enabled").and_then(Value::as_bool) else {
            continue;
        };
        let mut found = false;
        for list in [&mut *ingress, &mut *egress] {
            for entry in list.iter_mut() {
                if entry.name.as_deref() == Some(name.as_str()) {
                    entry.enabled = Some(enabled);
                    found = true;
                }
            }
        }
        if found {
            continue;
        }
        let list = match name.as_str() {
            "istio-ingressgateway" => &mut *ingress,
            "istio-egressgateway" => &mut *egress,
            _ => {
                return Err(RenderError {
                    origin: format!("values.gateways.{name}.enabled"),
                    reason: format!("no gateway named {name:?} in components.ingressGateways or components.egressGateways"),
                    help: Some(format!("add {{name: {name}}} to components.ingressGateways or components.egressGateways")),
                }
                .into())
            }
        };
        list.push(GatewaySpec {
            name: Some(name.clone()),
            enabled: Some(enabled),
            ..Default::default()
        });
    }
    Ok(())
}

/// The values a component's chart is given (istioctl's per-component view).
pub fn component_values(inst: &ComponentInstance, values: &Value) -> Value {
    let mut v = values.clone();
    match inst.component {
        Component::Base => {}
        Component::Pilot => {
            for (key, x) in [("hub", &inst.hub), ("tag", &inst.tag)] {
                if let Some(x) = x {
                    if !v["pilot"].is_object() {
                        v["pilot"] = json!({});
                    }
                    v["pilot"][key] = x.clone().into();
                }
            }
        }
        Component::IngressGateways | Component::EgressGateways => {
            let key = inst
                .component
                .gateway_kind()
                .map_or("", gateway::Kind::values_key);
            let name = inst.name.clone().unwrap_or_else(|| key.to_owned());
            if !v["gateways"].is_object() {
                v["gateways"] = json!({});
            }
            let mut gw = v["gateways"][key].clone();
            if !gw.is_object() {
                gw = json!({});
            }
            if name != key {
                if let Some(own @ Value::Object(_)) = v["gateways"].get(&name) {
                    chart::merge(&mut gw, own);
                }
            }
            gw["name"] = name.into();
            if !inst.label.is_empty() {
                gw["labels"] = Value::Object(inst.label.clone());
            }
            for (k, x) in [("hub", &inst.hub), ("tag", &inst.tag)] {
                if let Some(x) = x {
                    gw[k] = x.clone().into();
                }
            }
            v["gateways"][key] = gw;
        }
        Component::Cni | Component::Ztunnel => {
            let root = inst.component.spec_name();
            let mut flat = Map::new();
            flat.insert("global".into(), v["global"].clone());
            for (k, x) in v.as_object().into_iter().flatten() {
                if !x.is_object() {
                    flat.insert(k.clone(), x.clone());
                }
            }
            for (k, x) in v[root].as_object().into_iter().flatten() {
                flat.insert(k.clone(), x.clone());
            }
            for (k, x) in [("hub", &inst.hub), ("tag", &inst.tag)] {
                if let Some(x) = x {
                    flat.insert(k.into(), x.clone().into());
                }
            }
            v = Value::Object(flat);
        }
    }
    v
}

/// What a component's `k8s` settings apply to.
fn workload(inst: &ComponentInstance, chart_values: &Value) -> k8s::Workload {
    match inst.component {
        Component::Base => k8s::Workload {
            kind: None,
            name: String::new(),
            container: "",
        },
        Component::Pilot => k8s::Workload {
            kind: Some("Deployment"),
            name: format!("istiod{}", chart::rev_suffix(chart_values)),
            container: "discovery",
        },
        Component::IngressGateways | Component::EgressGateways => k8s::Workload {
            kind: Some("Deployment"),
            name: inst.name.clone().unwrap_or_default(),
            container: "istio-proxy",
        },
        Component::Cni => k8s::Workload {
            kind: Some("DaemonSet"),
            name: "istio-cni-node".into(),
            container: "install-cni",
        },
        Component::Ztunnel => {
            let name = chart::first_text(&[&chart_values["resourceName"]]);
            k8s::Workload {
                kind: Some("DaemonSet"),
                name: if name.is_empty() {
                    "ztunnel".into()
                } else {
                    name
                },
                container: "istio-proxy",
            }
        }
    }
}

/// Renders every enabled component of `cfg`, in apply order, each object whole.
pub fn render(cfg: &MergedConfig) -> miette::Result<Manifests> {
    render_with(cfg, false)
}

/// Renders `cfg` for printing: as [`render`], but the CRDs (when nothing edits them) are only
/// their identity plus their YAML written at build time, which [`to_yaml_stream`] prints.
pub fn render_for_output(cfg: &MergedConfig) -> miette::Result<Manifests> {
    render_with(cfg, true)
}

fn render_with(cfg: &MergedConfig, prerendered: bool) -> miette::Result<Manifests> {
    let values = helm_values(cfg);
    let mut out = Manifests {
        objects: Vec::new(),
        warnings: cfg.warnings.clone(),
    };
    for inst in instances(cfg, &values)? {
        let component = inst.component;
        let passed = component_values(&inst, &values);
        let cv = chart::values(component.chart(), &passed)
            .map_err(|e| RenderError::setting(component, e))?;
        let edits_base = inst
            .k8s
            .as_ref()
            .and_then(|k| k.overlays.as_ref())
            .is_some_and(|o| !o.is_empty());
        let stubs = component == Component::Base && prerendered && !edits_base;
        if stubs {
            let names =
                charts::base::crd_names(&cv).map_err(|e| RenderError::setting(component, e))?;
            for name in names {
                let Some(text) = data::crd_yaml(name) else {
                    continue;
                };
                out.objects.push(RenderedObject {
                    component,
                    object: json!({
                        "apiVersion": "apiextensions.k8s.io/v1",
                        "kind": "CustomResourceDefinition",
                        "metadata": {"name": name, "labels": chart::istio_labels(Chart::Base, None)},
                    }),
                    text: Some(text),
                });
            }
        }
        let objects = match component {
            Component::Base => charts::base::render(&cv, !stubs),
            Component::Pilot => {
                let config = context::Context::for_values(&cv).injector_config();
                charts::istiod::render(&cv, &inst.namespace, &passed, &config)
            }
            Component::IngressGateways | Component::EgressGateways => {
                let kind = component.gateway_kind().unwrap_or(gateway::Kind::Ingress);
                gateway::render(kind, &cv, &inst.namespace)
            }
            Component::Cni => charts::cni::render(&cv, &inst.namespace),
            Component::Ztunnel => charts::ztunnel::render(&cv, &inst.namespace),
        };
        let mut objects = objects.map_err(|e| RenderError::setting(component, e))?;
        let at = match &inst.name {
            Some(n) => format!("components.{}.[name:{n}].k8s", component.spec_name()),
            None => format!("components.{}.k8s", component.spec_name()),
        };
        if let Some(k) = &inst.k8s {
            for u in k8s::apply(&mut objects, k, &workload(&inst, &cv)) {
                out.warnings.push(format!(
                    "{at}.{}: {} is not rendered, so the setting changes nothing",
                    u.field, u.target
                ));
            }
            let overlays = k.overlays.as_deref().unwrap_or_default();
            let unmatched = patch::apply(&mut objects, overlays).map_err(|e| RenderError {
                origin: format!("{at}.overlays (path {})", e.path),
                reason: e.reason,
                help: Some("paths are dotted field names with [key:value], [value] or [N] list selectors, e.g. spec.template.spec.containers.[name:discovery].args".into()),
            })?;
            for target in unmatched {
                out.warnings.push(format!(
                    "{at}.overlays: {target} is not rendered by this component, so the overlay changes nothing"
                ));
            }
        }
        out.objects
            .extend(objects.into_iter().map(|object| RenderedObject {
                component,
                object,
                text: None,
            }));
    }
    sort_for_apply(&mut out.objects);
    Ok(out)
}
