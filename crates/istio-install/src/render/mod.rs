//! Rendering: a merged IstioOperator configuration becomes Kubernetes objects.
//!
//! Each component (Base, Pilot, IngressGateways, EgressGateways) renders its templates from
//! the merged values; `components.*.k8s` settings are then laid over the rendered objects,
//! every object is stamped with the ownership labels, and the result is put in apply order.

pub mod context;
pub mod k8s;
pub mod templates;
pub mod yaml;

use std::fmt;

use serde_json::{Map, Value};

use crate::kinds::render_rank;
use crate::operator::spec::{ComponentSpec, GatewaySpec};
use crate::operator::MergedConfig;
use context::Context;
use istio_api::release::ISTIO_VERSION;
use templates::Engine;

/// Label naming the IstioOperator that owns an object (`unknown` when it has no name).
pub const OWNING_RESOURCE_LABEL: &str = "install.operator.istio.io/owning-resource";
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
    /// Ingress gateways.
    IngressGateways,
    /// Egress gateways.
    EgressGateways,
}

impl Component {
    /// Every component, in install order.
    pub const ALL: [Component; 4] = [
        Component::Base,
        Component::Pilot,
        Component::IngressGateways,
        Component::EgressGateways,
    ];

    /// The name istioctl uses (label value and `-o DIR` folder name).
    pub fn name(self) -> &'static str {
        match self {
            Component::Base => "Base",
            Component::Pilot => "Pilot",
            Component::IngressGateways => "IngressGateways",
            Component::EgressGateways => "EgressGateways",
        }
    }

    fn chart(self) -> &'static str {
        match self {
            Component::Base => "base",
            Component::Pilot => "istiod",
            Component::IngressGateways => "istio-ingress",
            Component::EgressGateways => "istio-egress",
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
    /// The object.
    pub object: Value,
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

fn enabled(c: &Option<ComponentSpec>) -> Option<&ComponentSpec> {
    c.as_ref().filter(|c| c.enabled == Some(true))
}

/// Renders every enabled component of `cfg`, in apply order.
pub fn render_manifests(cfg: &MergedConfig) -> miette::Result<Vec<RenderedObject>> {
    let engine = Engine::new();
    let ctx = Context::new(cfg);
    let components = cfg.spec.components.clone().unwrap_or_default();
    let mut out = Vec::new();

    if let Some(base) = enabled(&components.base) {
        let mut objs = Vec::new();
        if ctx.values["base"]["enableIstioConfigCRDs"] != Value::Bool(false) {
            objs.extend(istio_api::crds());
        }
        objs.extend(engine.render("base/reader.yaml", &ctx)?);
        finish(
            &mut out,
            objs,
            Component::Base,
            base.k8s.as_ref(),
            &ctx,
            "istio-reader",
        );
    }
    if let Some(pilot) = enabled(&components.pilot) {
        let pctx = ctx.for_pilot(pilot);
        let mut objs = Vec::new();
        for t in [
            "pilot/rbac.yaml",
            "pilot/webhooks.yaml",
            "pilot/configmaps.yaml",
            "pilot/istiod.yaml",
            "pilot/remote.yaml",
        ] {
            objs.extend(engine.render(t, &pctx)?);
        }
        finish(
            &mut out,
            objs,
            Component::Pilot,
            pilot.k8s.as_ref(),
            &ctx,
            "istiod",
        );
    }
    for (component, list, default_name) in [
        (
            Component::IngressGateways,
            &components.ingress_gateways,
            "istio-ingressgateway",
        ),
        (
            Component::EgressGateways,
            &components.egress_gateways,
            "istio-egressgateway",
        ),
    ] {
        for gw in list.iter().flatten().filter(|g| g.enabled == Some(true)) {
            let gctx = ctx.for_gateway(gw, default_name);
            let objs = engine.render("gateways/gateway.yaml", &gctx)?;
            let name = gateway_name(gw, default_name);
            finish(&mut out, objs, component, gw.k8s.as_ref(), &ctx, &name);
        }
    }
    sort_for_apply(&mut out);
    Ok(out)
}

/// The name of a gateway entry (the default gateway name when unnamed).
pub fn gateway_name(gw: &GatewaySpec, default_name: &str) -> String {
    gw.name.clone().unwrap_or_else(|| default_name.to_owned())
}

/// Applies k8s overlays, stamps labels, and collects the objects of one component.
fn finish(
    out: &mut Vec<RenderedObject>,
    mut objs: Vec<Value>,
    component: Component,
    k8s_spec: Option<&crate::operator::spec::K8sSpec>,
    ctx: &Context,
    app_name: &str,
) {
    if let Some(k) = k8s_spec {
        k8s::apply(&mut objs, k);
    }
    for mut object in objs {
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let target = if kind == "CustomResourceDefinition" {
            Target::Crd
        } else {
            Target::Object
        };
        let is_deployment = kind == "Deployment";
        let labels = ensure_labels(&mut object, "/metadata");
        stamp(labels, component, ctx, app_name, target);
        if is_deployment {
            let labels = ensure_labels(&mut object, "/spec/template/metadata");
            stamp(labels, component, ctx, app_name, Target::PodTemplate);
        }
        out.push(RenderedObject { component, object });
    }
}

fn ensure_labels<'a>(object: &'a mut Value, meta: &str) -> Option<&'a mut Map<String, Value>> {
    let meta = object.pointer_mut(meta)?.as_object_mut()?;
    let labels = meta
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    if !labels.is_object() {
        *labels = Value::Object(Map::new());
    }
    labels.as_object_mut()
}

/// What a label set belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    /// A CRD: shared by all revisions, so no revision label.
    Crd,
    /// Any other object.
    Object,
    /// A Deployment's pod template: no Helm `release` label.
    PodTemplate,
}

/// Adds the labels Istio puts on everything it installs.
fn stamp(
    labels: Option<&mut Map<String, Value>>,
    component: Component,
    ctx: &Context,
    app_name: &str,
    target: Target,
) {
    let Some(labels) = labels else { return };
    let mut soft = |k: &str, v: String| {
        labels.entry(k.to_owned()).or_insert(Value::String(v));
    };
    soft("app.kubernetes.io/name", app_name.to_owned());
    soft("app.kubernetes.io/instance", "istio".into());
    soft("app.kubernetes.io/managed-by", "Helm".into());
    soft("app.kubernetes.io/part-of", "istio".into());
    soft("app.kubernetes.io/version", ISTIO_VERSION.into());
    soft(
        "helm.sh/chart",
        format!("{}-{ISTIO_VERSION}", component.chart()),
    );
    if target != Target::PodTemplate {
        soft("release", "istio".into());
    }
    if target != Target::Crd {
        soft(REVISION_LABEL, ctx.rev_label.clone());
    }
    labels.insert(OWNING_RESOURCE_LABEL.into(), ctx.owner.clone().into());
    labels.insert(COMPONENT_LABEL.into(), component.name().into());
}
