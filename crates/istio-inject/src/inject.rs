//! Injecting one pod: istiod's steps. The injection templates run against the pod (with a
//! previous injection stripped), each result is merged into the pod, containers the user
//! overrode are re-applied, then the pod is post-processed: cluster environment, container
//! order, probe rewriting, the `sidecar.istio.io/status` annotation and Prometheus merging.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::config::{InjectConfig, Policy, Values};
use crate::data::k8s_value;
use crate::kube;
use crate::mesh::{structure, MeshConfig};
use crate::strategic::merge_pod;
use crate::template::funcs::go_json;
use crate::template::value::Value;
use crate::template::TemplateError;
use crate::yaml;

/// Name of the proxy container.
pub const PROXY: &str = "istio-proxy";
const INIT: &str = "istio-init";
const VALIDATION: &str = "istio-validation";
const CORE_DUMP: &str = "enable-core-dump";
const STATUS_ANNOTATION: &str = "sidecar.istio.io/status";
const OVERRIDES_ANNOTATION: &str = "proxy.istio.io/overrides";

/// Why a pod could not be injected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PodError {
    /// A template failed to run.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A template's output is not a pod in YAML.
    #[error("template {template:?} produced YAML that does not parse (line {line} of its output): {message}")]
    Output {
        /// The template.
        template: String,
        /// 1-based line of the rendered text.
        line: u32,
        /// The parser's message.
        message: String,
    },
    /// An annotation has a value istiod rejects.
    #[error("invalid annotation {annotation}={value:?}: {reason}")]
    Annotation {
        /// The annotation.
        annotation: String,
        /// Its value.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// The pod asks for a template the injector does not have.
    #[error("requested template {0:?} not found; have {1}")]
    NoTemplate(String, String),
    /// Anything else about the pod.
    #[error("{0}")]
    Invalid(String),
}

/// Everything injection needs besides the pod.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The injector configuration.
    pub config: InjectConfig,
    /// The Helm values of the injector.
    pub values: Values,
    /// The mesh configuration.
    pub mesh: MeshConfig,
    /// The control plane revision (`""` is the default revision).
    pub revision: String,
    /// Whether the proxy is injected as a native sidecar (an init container that keeps
    /// running), as `ENABLE_NATIVE_SIDECARS` selects.
    pub native_sidecars: bool,
    /// The compliance policy (`COMPLIANCE_POLICY`), `""` for none.
    pub compliance_policy: String,
}

/// The template values of a stream's settings, converted once per thread instead of per pod.
pub struct Prepared {
    values: Value,
    mesh: Value,
    proxy: Value,
}

impl Prepared {
    /// Converts the values and the mesh configuration of `s` for templates.
    pub fn new(s: &Settings) -> Prepared {
        Prepared {
            values: s.values.value(),
            mesh: s.mesh.value(),
            proxy: s.mesh.proxy_config_value(),
        }
    }
}

/// The workload a pod belongs to, as templates see it.
#[derive(Debug, Clone, Default)]
pub struct Owner {
    /// `apiVersion` of the workload.
    pub api_version: String,
    /// `kind` of the workload.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
}

fn annotations(pod: &Json) -> BTreeMap<String, String> {
    match kube::at(pod, &["metadata", "annotations"]) {
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn labels(pod: &Json) -> BTreeMap<String, String> {
    match kube::at(pod, &["metadata", "labels"]) {
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// The object at `path` under `v`, made (replacing whatever else is there) when missing.
fn obj_at<'a>(v: &'a mut Json, path: &[&str]) -> &'a mut Map<String, Json> {
    let mut cur = v;
    for k in path {
        if !cur.is_object() {
            *cur = Json::Object(Map::new());
        }
        cur = &mut cur[*k];
    }
    if !cur.is_object() {
        *cur = Json::Object(Map::new());
    }
    match cur {
        Json::Object(m) => m,
        _ => unreachable!("made an object above"),
    }
}

fn list_mut<'a>(pod: &'a mut Json, key: &str) -> &'a mut Vec<Json> {
    let e = obj_at(pod, &["spec"]).entry(key).or_insert(Json::Null);
    if !e.is_array() {
        *e = Json::Array(Vec::new());
    }
    match e {
        Json::Array(a) => a,
        _ => unreachable!("made an array above"),
    }
}

fn containers<'a>(pod: &'a Json, key: &str) -> &'a [Json] {
    match kube::at(pod, &["spec", key]) {
        Some(Json::Array(a)) => a,
        _ => &[],
    }
}

fn has(pod: &Json, key: &str, name: &str) -> bool {
    containers(pod, key).iter().any(|c| name_of(c) == name)
}

fn name_of(c: &Json) -> &str {
    c.get("name").and_then(Json::as_str).unwrap_or("")
}

/// The previous injection recorded in `sidecar.istio.io/status`.
#[derive(Debug, Default)]
struct Status {
    init_containers: Vec<String>,
    containers: Vec<String>,
}

fn parse_status(text: &str) -> Status {
    let v: Json = serde_json::from_str(text).unwrap_or(Json::Null);
    let names = |k: &str| -> Vec<String> {
        match v.get(k) {
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    Status {
        init_containers: names("initContainers"),
        containers: names("containers"),
    }
}

/// Where `modify_containers` moves a container.
#[derive(Clone, Copy, PartialEq)]
enum Move {
    First,
    Last,
    Remove,
}

fn modify_containers(list: &mut Vec<Json>, name: &str, how: Move) {
    let Some(i) = list.iter().position(|c| name_of(c) == name) else {
        return;
    };
    let c = list.remove(i);
    match how {
        Move::First => list.insert(0, c),
        Move::Last => list.push(c),
        Move::Remove => {}
    }
}

/// Decides whether a pod is to be injected (istiod's `injectRequired`): not with host
/// networking, not in an ignored namespace, then the pod's `sidecar.istio.io/inject` label
/// (or annotation), the never/always selectors and the policy.
pub fn injection_required(
    ignored_namespaces: &[&str],
    policy: Policy,
    never: &[crate::config::Selector],
    always: &[crate::config::Selector],
    pod: &Json,
    namespace: &str,
) -> bool {
    if kube::at(pod, &["spec", "hostNetwork"]).and_then(Json::as_bool) == Some(true) {
        return false;
    }
    if ignored_namespaces.contains(&namespace) {
        return false;
    }
    let labels = labels(pod);
    let mut selector = annotations(pod)
        .get("sidecar.istio.io/inject")
        .cloned()
        .unwrap_or_default();
    if let Some(l) = labels.get("sidecar.istio.io/inject") {
        selector = l.clone();
    }
    let mut explicit = match selector.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    if explicit.is_none() && never.iter().any(|s| !s.is_empty() && s.matches(&labels)) {
        explicit = Some(false);
    }
    if explicit.is_none() && always.iter().any(|s| !s.is_empty() && s.matches(&labels)) {
        explicit = Some(true);
    }
    match (policy, explicit) {
        (_, Some(v)) => v,
        (Policy::Enabled, None) => true,
        (Policy::Disabled, None) => false,
    }
}

fn check_ports(v: &str, allow_star: bool) -> Result<(), String> {
    if v.trim().is_empty() || (allow_star && v.trim() == "*") {
        return Ok(());
    }
    for p in v.split(',') {
        let p = p.trim();
        match p.parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) => {}
            _ => return Err(format!("{p:?} is not a port number between 1 and 65535")),
        }
    }
    Ok(())
}

fn check_cidrs(v: &str, allow_star: bool) -> Result<(), String> {
    if v.trim().is_empty() || (allow_star && v.trim() == "*") {
        return Ok(());
    }
    for c in v.split(',') {
        let c = c.trim();
        let ok = c.split_once('/').is_some_and(|(ip, bits)| {
            let bits: Option<u8> = bits.parse().ok();
            match (ip.parse::<std::net::IpAddr>(), bits) {
                (Ok(std::net::IpAddr::V4(_)), Some(b)) => b <= 32,
                (Ok(std::net::IpAddr::V6(_)), Some(b)) => b <= 128,
                _ => false,
            }
        });
        if !ok {
            return Err(format!(
                "{c:?} is not an IP range in CIDR notation (e.g. 10.0.0.0/8)"
            ));
        }
    }
    Ok(())
}

/// Rejects annotation values istiod rejects (`validateAnnotations`).
fn validate_annotations(ann: &BTreeMap<String, String>) -> Result<(), PodError> {
    for (k, v) in ann {
        let r: Result<(), String> = match k.as_str() {
            "sidecar.istio.io/interceptionMode" => match v.as_str() {
                "REDIRECT" | "TPROXY" | "NONE" => Ok(()),
                _ => Err("must be REDIRECT, TPROXY or NONE".into()),
            },
            "sidecar.istio.io/enableCoreDump"
            | "prometheus.istio.io/merge-metrics"
            | "sidecar.istio.io/rewriteAppHTTPProbers" => parse_bool(v)
                .map(|_| ())
                .ok_or_else(|| "must be true or false".into()),
            "status.sidecar.istio.io/port" => v
                .parse::<u16>()
                .map(|_| ())
                .map_err(|_| "must be a port number between 0 and 65535".into()),
            "readiness.status.sidecar.istio.io/initialDelaySeconds"
            | "readiness.status.sidecar.istio.io/periodSeconds"
            | "readiness.status.sidecar.istio.io/failureThreshold" => v
                .parse::<u32>()
                .map(|_| ())
                .map_err(|_| "must be a non-negative integer".into()),
            "traffic.sidecar.istio.io/includeOutboundIPRanges" => check_cidrs(v, true),
            "traffic.sidecar.istio.io/excludeOutboundIPRanges" => check_cidrs(v, false),
            "traffic.sidecar.istio.io/includeInboundPorts" => check_ports(v, true),
            "traffic.sidecar.istio.io/excludeInboundPorts" => check_ports(v, false),
            "traffic.sidecar.istio.io/includeOutboundPorts" => check_ports(v, false),
            "traffic.sidecar.istio.io/excludeOutboundPorts" => check_ports(v, false),
            "proxy.istio.io/config" => parse_proxy_config(v).map(|_| ()),
            _ => Ok(()),
        };
        r.map_err(|reason| PodError::Annotation {
            annotation: k.clone(),
            value: v.clone(),
            reason,
        })?;
    }
    Ok(())
}

fn parse_proxy_config(v: &str) -> Result<Json, String> {
    match yaml::parse(v) {
        Ok(j @ Json::Object(_)) => Ok(j),
        Ok(Json::Null) => Ok(Json::Object(Map::new())),
        Ok(_) => Err("must be a ProxyConfig mapping".into()),
        Err(e) => Err(format!("not valid YAML: {}", e.message)),
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The mesh configuration for a pod when its `proxy.istio.io/config` annotation changes it.
pub fn pod_mesh(mesh: &MeshConfig, pod: &Json) -> Result<Option<MeshConfig>, PodError> {
    if annotations(pod).contains_key("proxy.istio.io/config") {
        mesh_for_pod(mesh, pod).map(Some)
    } else {
        Ok(None)
    }
}

/// The mesh configuration for a pod: its `proxy.istio.io/config` applied.
pub fn mesh_for_pod(mesh: &MeshConfig, pod: &Json) -> Result<MeshConfig, PodError> {
    match annotations(pod).get("proxy.istio.io/config") {
        Some(text) => {
            let over = parse_proxy_config(text).map_err(|reason| PodError::Annotation {
                annotation: "proxy.istio.io/config".into(),
                value: text.clone(),
                reason,
            })?;
            mesh.with_proxy_overrides(&over)
                .map_err(|e| PodError::Annotation {
                    annotation: "proxy.istio.io/config".into(),
                    value: text.clone(),
                    reason: e.0,
                })
        }
        None => Ok(mesh.clone()),
    }
}

/// Injects `pod` (a `{metadata, spec}` value), returning the injected pod. `mesh` is the
/// pod's mesh configuration when its annotations change the stream's.
pub fn inject_pod(
    s: &Settings,
    prepared: &Prepared,
    pod_mesh: Option<&MeshConfig>,
    pod: &Json,
    owner: &Owner,
) -> Result<Json, PodError> {
    let mesh = pod_mesh.unwrap_or(&s.mesh);
    let ann = annotations(pod);
    validate_annotations(&ann)?;

    let mut proxy_envs: BTreeMap<String, String> = BTreeMap::new();
    let cluster = s.values.string("global.multiCluster.clusterName");
    let mut network = s.values.string("global.network");
    if let Some(n) = labels(pod).get("topology.istio.io/network") {
        network = n.clone();
    }
    if !cluster.is_empty() {
        proxy_envs.insert("ISTIO_META_CLUSTER_ID".into(), cluster);
    }
    if !network.is_empty() {
        proxy_envs.insert("ISTIO_META_NETWORK".into(), network);
    }

    let stripped = reinsert_overrides(&strip_pod(pod, mesh))?;
    let (mesh_value, proxy_value) = match pod_mesh {
        Some(m) => (m.value(), m.proxy_config_value()),
        None => (prepared.mesh.clone(), prepared.proxy.clone()),
    };
    let data = template_data(
        s,
        mesh,
        &stripped,
        owner,
        prepared.values.clone(),
        mesh_value,
        proxy_value,
    );

    let mut overlays = Vec::new();
    let mut template_pod = json!({});
    for name in select_templates(s, &ann) {
        let Some(t) = s.config.templates.get(&name) else {
            return Err(PodError::NoTemplate(
                name,
                s.config
                    .templates
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        };
        let text = t.render(&data)?;
        let overlay = yaml::parse(&text).map_err(|e| PodError::Output {
            template: name.clone(),
            line: e.line,
            message: e.message,
        })?;
        match &overlay {
            Json::Object(_) => {}
            Json::Null => continue,
            _ => {
                return Err(PodError::Output {
                    template: name.clone(),
                    line: 1,
                    message: "the output is not a mapping with metadata and spec".into(),
                })
            }
        }
        merge_pod(&mut template_pod, &overlay);
        overlays.push(overlay);
    }
    kube::normalize_pod(&mut template_pod);

    let mut merged = pod.clone();
    // A proxy the user declared among the containers becomes the native sidecar the
    // templates inject among the init containers; its settings are merged under the
    // injected ones and re-applied over them below.
    if has(&template_pod, "initContainers", PROXY) && has(&merged, "containers", PROXY) {
        let list = list_mut(&mut merged, "containers");
        if let Some(i) = list.iter().position(|c| name_of(c) == PROXY) {
            let user_proxy = list.remove(i);
            list_mut(&mut merged, "initContainers").push(user_proxy);
        }
    }
    for overlay in &overlays {
        merge_pod(&mut merged, overlay);
    }
    kube::normalize_pod(&mut merged);

    reapply_overwritten_containers(&mut merged, pod, &template_pod, mesh)?;
    post_process(s, mesh, &mut merged, &template_pod, pod, &proxy_envs);
    kube::normalize_pod(&mut merged);
    Ok(merged)
}

fn select_templates(s: &Settings, ann: &BTreeMap<String, String>) -> Vec<String> {
    let names: Vec<String> = match ann.get("inject.istio.io/templates") {
        Some(list) => list.split(',').map(|n| n.trim().to_string()).collect(),
        None => s.config.default_templates.clone(),
    };
    let mut out = Vec::new();
    for n in names {
        match s.config.aliases.get(&n) {
            Some(al) => out.extend(al.iter().cloned()),
            None => out.push(n),
        }
    }
    out
}

/// Removes a previous injection (its containers and status), so re-injection is idempotent.
fn strip_pod(pod: &Json, mesh: &MeshConfig) -> Json {
    let ann = annotations(pod);
    let Some(status) = ann.get(STATUS_ANNOTATION) else {
        return pod.clone();
    };
    let prev = parse_status(status);
    let mut out = pod.clone();
    for c in &prev.containers {
        modify_containers(list_mut(&mut out, "containers"), c, Move::Remove);
    }
    for c in &prev.init_containers {
        modify_containers(list_mut(&mut out, "initContainers"), c, Move::Remove);
    }
    let target = mesh.status_port().to_string();
    let out_ann = obj_at(&mut out, &["metadata", "annotations"]);
    if prometheus_port(&ann).is_some_and(|cur| cur == target) {
        clear_prometheus(out_ann);
    }
    out_ann.remove(STATUS_ANNOTATION);
    out
}

/// Puts back containers recorded in `sidecar.istio.io/proxyOverrides` that are missing.
fn reinsert_overrides(pod: &Json) -> Result<Json, PodError> {
    let ann = annotations(pod);
    let Some(text) = ann.get(OVERRIDES_ANNOTATION) else {
        return Ok(pod.clone());
    };
    let overrides: Json = serde_json::from_str(text).map_err(|e| PodError::Annotation {
        annotation: OVERRIDES_ANNOTATION.into(),
        value: text.clone(),
        reason: format!("not valid JSON: {e}"),
    })?;
    let mut out = pod.clone();
    for key in ["containers", "initContainers"] {
        if let Some(Json::Array(list)) = overrides.get(key) {
            for c in list {
                let present = containers(&out, key)
                    .iter()
                    .any(|x| name_of(x) == name_of(c));
                if !present {
                    list_mut(&mut out, key).push(c.clone());
                }
            }
        }
    }
    Ok(out)
}

/// The data injection templates run against (istiod's `SidecarTemplateData`).
fn template_data(
    s: &Settings,
    mesh: &MeshConfig,
    pod: &Json,
    owner: &Owner,
    values: Value,
    mesh_value: Value,
    proxy_value: Value,
) -> Value {
    let ann = annotations(pod);
    let pc = mesh.proxy_config();
    let image_type = pc
        .get("image")
        .and_then(|i| i.get("imageType"))
        .and_then(Json::as_str);
    let metadata = kube::at(pod, &["metadata"])
        .cloned()
        .unwrap_or_else(|| json!({}));
    let spec = kube::at(pod, &["spec"])
        .cloned()
        .unwrap_or_else(|| json!({}));
    let fields = vec![
        (
            "TypeMeta",
            structure(
                "v1.TypeMeta",
                vec![
                    ("Kind", Value::str(&owner.kind)),
                    ("APIVersion", Value::str(&owner.api_version)),
                ],
                Some(json!({"kind": owner.kind, "apiVersion": owner.api_version})),
            ),
        ),
        (
            "DeploymentMeta",
            structure(
                "types.NamespacedName",
                vec![
                    ("Name", Value::str(&owner.name)),
                    ("Namespace", Value::str(&owner.namespace)),
                ],
                None,
            ),
        ),
        ("ObjectMeta", k8s_value(&metadata, "v1.ObjectMeta")),
        ("Spec", k8s_value(&spec, "v1.PodSpec")),
        ("ProxyConfig", proxy_value),
        ("MeshConfig", mesh_value),
        ("Values", values),
        ("Revision", Value::str(&s.revision)),
        ("NativeSidecars", Value::Bool(s.native_sidecars)),
        (
            "ProxyImage",
            Value::str(&s.values.proxy_image(image_type, &ann)),
        ),
        ("ProxyUID", proxy_id(pod, "runAsUser")),
        ("ProxyGID", proxy_id(pod, "runAsGroup")),
        (
            "InboundTrafficPolicyMode",
            Value::str(mesh.inbound_traffic_policy_mode()),
        ),
        ("CompliancePolicy", Value::str(&s.compliance_policy)),
    ];
    structure("inject.SidecarTemplateData", fields, None)
}

/// The user or group the proxy runs as, when the pod's own `istio-proxy` container sets it.
fn proxy_id(pod: &Json, field: &str) -> Value {
    containers(pod, "containers")
        .iter()
        .chain(containers(pod, "initContainers"))
        .find(|c| name_of(c) == PROXY)
        .and_then(|c| c.get("securityContext"))
        .and_then(|sc| sc.get(field))
        .and_then(Json::as_i64)
        .map_or(Value::Nil, Value::Int)
}

/// Containers of the pod that share a name with an injected one (e.g. a user's own
/// `istio-proxy` with extra settings) are merged over the injected container.
fn reapply_overwritten_containers(
    merged: &mut Json,
    original: &Json,
    template_pod: &Json,
    mesh: &MeshConfig,
) -> Result<(), PodError> {
    let ann = annotations(original);
    let mode = ann
        .get("sidecar.istio.io/interceptionMode")
        .cloned()
        .or_else(|| {
            mesh.proxy_config()
                .get("interceptionMode")
                .and_then(Json::as_str)
                .map(str::to_string)
        });
    let tproxy = mode.as_deref() == Some("TPROXY");
    let existing: Json = match ann.get(OVERRIDES_ANNOTATION) {
        Some(text) => serde_json::from_str(text).map_err(|e| PodError::Annotation {
            annotation: OVERRIDES_ANNOTATION.into(),
            value: text.clone(),
            reason: format!("not valid JSON: {e}"),
        })?,
        None => json!({}),
    };
    let injected = ann.get(STATUS_ANNOTATION).map(|s| parse_status(s));
    let mut overrides = Map::new();
    for (key, previously) in [
        ("containers", injected.as_ref().map(|s| &s.containers)),
        (
            "initContainers",
            injected.as_ref().map(|s| &s.init_containers),
        ),
    ] {
        let mut found = Vec::new();
        for c in containers(template_pod, key) {
            let name = name_of(c);
            if previously.is_some_and(|p| p.iter().any(|n| n == name)) {
                continue;
            }
            let from_annotation = existing
                .get(key)
                .and_then(Json::as_array)
                .and_then(|l| l.iter().find(|x| name_of(x) == name));
            let from_pod = || {
                containers(original, "containers")
                    .iter()
                    .chain(containers(original, "initContainers"))
                    .find(|x| name_of(x) == name)
            };
            let Some(m) = from_annotation.or_else(from_pod) else {
                continue;
            };
            let mut overlay = m.clone();
            if overlay.get("image").and_then(Json::as_str) == Some("auto") {
                if let Some(o) = overlay.as_object_mut() {
                    o.remove("image");
                }
            }
            found.push(overlay.clone());
            // A proxy capturing with TPROXY runs as root, whatever user the pod asked for.
            if name == PROXY && tproxy {
                if let Some(sc) = overlay
                    .get_mut("securityContext")
                    .and_then(Json::as_object_mut)
                {
                    sc.remove("runAsUser");
                }
            }
            merge_pod(merged, &json!({"spec": {key: [overlay]}}));
        }
        if !found.is_empty() {
            overrides.insert(key.to_string(), Json::Array(found));
        }
    }
    kube::normalize_pod(merged);
    if injected.is_none() && !overrides.is_empty() {
        let mut o = Json::Object(overrides);
        for key in ["containers", "initContainers"] {
            if let Some(Json::Array(list)) = o.get_mut(key) {
                for c in list.iter_mut() {
                    kube::normalize(c, &kube::CONTAINER);
                    *c = kube::go_order(c, "Container");
                }
            }
        }
        obj_at(merged, &["metadata", "annotations"])
            .insert(OVERRIDES_ANNOTATION.into(), Json::String(go_json(&o)));
    }
    Ok(())
}

fn find_container_mut<'a>(pod: &'a mut Json, name: &str) -> Option<&'a mut Json> {
    let spec = pod.get_mut("spec")?;
    let in_containers = spec
        .get("containers")
        .and_then(Json::as_array)
        .is_some_and(|l| l.iter().any(|c| name_of(c) == name));
    let key = if in_containers {
        "containers"
    } else {
        "initContainers"
    };
    spec.get_mut(key)?
        .as_array_mut()?
        .iter_mut()
        .find(|c| name_of(c) == name)
}

fn post_process(
    s: &Settings,
    mesh: &MeshConfig,
    pod: &mut Json,
    template_pod: &Json,
    original: &Json,
    proxy_envs: &BTreeMap<String, String>,
) {
    obj_at(pod, &["metadata", "annotations"]);
    obj_at(pod, &["metadata", "labels"]);

    // The cluster's environment for the proxy goes last, sorted, replacing template values.
    if !proxy_envs.is_empty() {
        if let Some(c) = find_container_mut(pod, PROXY) {
            let env = obj_at(c, &[])
                .entry("env")
                .or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(list) = env {
                list.retain(|e| !proxy_envs.contains_key(name_of(e)));
                for (k, v) in proxy_envs {
                    list.push(json!({"name": k, "value": v}));
                }
            }
        }
    }

    reorder(s, mesh, pod, original);
    rewrite_probes(s, mesh, pod);

    let network = proxy_envs.get("ISTIO_META_NETWORK").cloned();
    if let Some(nw) = network {
        obj_at(pod, &["metadata", "labels"])
            .insert("topology.istio.io/network".into(), Json::String(nw));
    }
    let status = injection_status(template_pod, &s.revision);
    let ann = obj_at(pod, &["metadata", "annotations"]);
    ann.insert(STATUS_ANNOTATION.into(), Json::String(status));
    for (k, v) in &s.config.injected_annotations {
        ann.insert(k.clone(), Json::String(v.clone()));
    }

    prometheus_merge(mesh, pod);
}

/// The proxy goes last among containers (first when the application waits for it); with a
/// native sidecar the init containers run istio-init, then the proxy, then the rest.
fn reorder(s: &Settings, mesh: &MeshConfig, pod: &mut Json, original: &Json) {
    let pod_mesh = mesh_for_pod(mesh, original).unwrap_or_else(|_| mesh.clone());
    let hold = pod_mesh.hold_application()
        || s.values
            .bool("global.proxy.holdApplicationUntilProxyStarts")
            == Some(true);
    let proxy_at = if hold { Move::First } else { Move::Last };
    modify_containers(list_mut(pod, "containers"), PROXY, proxy_at);
    let native = containers(pod, "initContainers")
        .iter()
        .any(|c| name_of(c) == PROXY);
    let init = list_mut(pod, "initContainers");
    if native {
        modify_containers(init, CORE_DUMP, Move::First);
        modify_containers(init, PROXY, Move::First);
        modify_containers(init, VALIDATION, Move::First);
        modify_containers(init, INIT, Move::First);
    } else {
        modify_containers(init, VALIDATION, Move::First);
        modify_containers(init, INIT, Move::Last);
        modify_containers(init, CORE_DUMP, Move::Last);
    }
}

/// `sidecar.istio.io/status`: what the templates injected.
fn injection_status(template_pod: &Json, revision: &str) -> String {
    let names = |key: &str| -> Json {
        let list = containers(template_pod, key);
        if list.is_empty() {
            Json::Null
        } else {
            Json::Array(
                list.iter()
                    .map(|c| Json::String(name_of(c).to_string()))
                    .collect(),
            )
        }
    };
    let revision = if revision.is_empty() {
        "default"
    } else {
        revision
    };
    let mut m = Map::new();
    m.insert("initContainers".into(), names("initContainers"));
    m.insert("containers".into(), names("containers"));
    m.insert("volumes".into(), names("volumes"));
    m.insert("imagePullSecrets".into(), names("imagePullSecrets"));
    m.insert("revision".into(), Json::String(revision.into()));
    go_json(&Json::Object(m))
}

/// Prometheus' label-name form of an annotation key (`prometheus.io/port` → `prometheus_io_port`).
fn sanitize_label(k: &str) -> String {
    k.chars()
        .enumerate()
        .map(|(i, c)| {
            if c.is_ascii_alphabetic() || c == '_' || (i > 0 && c.is_ascii_digit()) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn prometheus_port(ann: &BTreeMap<String, String>) -> Option<String> {
    ann.iter()
        .find(|(k, _)| sanitize_label(k) == "prometheus_io_port")
        .map(|(_, v)| v.clone())
}

fn clear_prometheus(ann: &mut Map<String, Json>) {
    ann.retain(|k, _| {
        !matches!(
            sanitize_label(k).as_str(),
            "prometheus_io_port" | "prometheus_io_path" | "prometheus_io_scrape"
        )
    });
}

/// Points Prometheus at the proxy's merged metrics endpoint, handing the application's own
/// scrape settings to the proxy.
fn prometheus_merge(mesh: &MeshConfig, pod: &mut Json) {
    if !mesh.prometheus_merge() {
        return;
    }
    let ann = annotations(pod);
    if let Some(v) = ann.get("prometheus.istio.io/merge-metrics") {
        if parse_bool(v) == Some(false) {
            return;
        }
    }
    let target = mesh.status_port().to_string();
    if prometheus_port(&ann).is_some_and(|cur| cur == target) {
        return;
    }
    let scrape = ann
        .iter()
        .filter(|(k, _)| sanitize_label(k) == "prometheus_io_scrape")
        .find_map(|(_, v)| parse_bool(v))
        .unwrap_or(true);
    if !scrape {
        return;
    }
    // The application's own scrape settings, when it has any, go to the proxy, which
    // merges the application's metrics into its own.
    let get = |k: &str| ann.get(k).cloned().unwrap_or_default();
    let (sc, path, port) = (
        get("prometheus.io/scrape"),
        get("prometheus.io/path"),
        get("prometheus.io/port"),
    );
    if !(sc.is_empty() && path.is_empty() && port.is_empty()) {
        let value = go_json(&json!({"scrape": sc, "path": path, "port": port}));
        if let Some(c) = find_container_mut(pod, PROXY) {
            let env = obj_at(c, &[])
                .entry("env")
                .or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(list) = env {
                list.push(json!({"name": "ISTIO_PROMETHEUS_ANNOTATIONS", "value": value}));
            }
        }
    }
    let ann = obj_at(pod, &["metadata", "annotations"]);
    clear_prometheus(ann);
    ann.insert("prometheus.io/port".into(), Json::String(target));
    ann.insert(
        "prometheus.io/path".into(),
        Json::String("/stats/prometheus".into()),
    );
    ann.insert("prometheus.io/scrape".into(), Json::String("true".into()));
}

/// Rewrites the application's HTTP, TCP and gRPC probes and lifecycle hooks to go through the
/// proxy's status port, and hands the originals to the proxy in `ISTIO_KUBE_APP_PROBERS`.
fn rewrite_probes(s: &Settings, mesh: &MeshConfig, pod: &mut Json) {
    if find_container_mut(pod, PROXY).is_none() {
        return;
    }
    let ann = annotations(pod);
    let mut rewrite = s
        .values
        .bool("sidecarInjectorWebhook.rewriteAppHTTPProbe")
        .unwrap_or(false);
    if let Some(b) = ann
        .get("sidecar.istio.io/rewriteAppHTTPProbers")
        .and_then(|v| parse_bool(v))
    {
        rewrite = b;
    }
    if !rewrite {
        return;
    }
    let mesh_port = mesh.status_port();
    let probers = dump_probers(pod, mesh_port);
    if let Some(probers) = probers {
        let previously_injected = ann.contains_key(STATUS_ANNOTATION);
        if let Some(c) = find_container_mut(pod, PROXY) {
            let env = obj_at(c, &[])
                .entry("env")
                .or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(list) = env {
                merge_or_append_probers(previously_injected, list, probers);
            }
        }
    }
    let status_port = match ann.get("status.sidecar.istio.io/port") {
        Some(v) => v.parse::<i64>().unwrap_or(0),
        None => mesh_port,
    };
    for key in ["initContainers", "containers"] {
        for c in list_mut(pod, key).iter_mut() {
            rewrite_container_probes(c, status_port);
        }
    }
}

fn rewrite_container_probes(c: &mut Json, status_port: i64) {
    let name = name_of(c).to_string();
    if name == PROXY {
        return;
    }
    for (field, suffix) in [
        ("readinessProbe", "readyz"),
        ("livenessProbe", "livez"),
        ("startupProbe", "startupz"),
    ] {
        let url = format!("/app-health/{name}/{suffix}");
        if let Some(p) = c.get_mut(field) {
            convert_prober(p, &url, status_port);
        }
    }
    for (field, suffix) in [("preStop", "prestopz"), ("postStart", "poststartz")] {
        let url = format!("/app-lifecycle/{name}/{suffix}");
        if let Some(h) = c.get_mut("lifecycle").and_then(|l| l.get_mut(field)) {
            convert_prober(h, &url, status_port);
        }
    }
}

fn convert_prober(p: &mut Json, url: &str, port: i64) {
    let Some(m) = p.as_object_mut() else { return };
    if let Some(Json::Object(h)) = m.get_mut("httpGet") {
        h.insert("port".into(), Json::from(port));
        h.insert("path".into(), Json::String(url.into()));
        if h.get("scheme").and_then(Json::as_str) == Some("HTTPS") {
            h.insert("scheme".into(), Json::String("HTTP".into()));
        }
    } else if m.get("tcpSocket").is_some_and(Json::is_object)
        || m.get("grpc").is_some_and(Json::is_object)
    {
        m.remove("tcpSocket");
        m.remove("grpc");
        m.insert("httpGet".into(), json!({"path": url, "port": port}));
    }
}

/// The application probes as the proxy's `ISTIO_KUBE_APP_PROBERS` lists them (named ports
/// resolved; probes already pointing at the status port left out), or `None` when none.
fn dump_probers(pod: &Json, status_port: i64) -> Option<String> {
    let mut out: BTreeMap<String, Json> = BTreeMap::new();
    let all: Vec<&Json> = containers(pod, "initContainers")
        .iter()
        .chain(containers(pod, "containers"))
        .collect();
    for c in all {
        let name = name_of(c);
        if name == PROXY {
            continue;
        }
        let ports: BTreeMap<&str, i64> = c
            .get("ports")
            .and_then(Json::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|p| {
                        let n = p
                            .get("name")
                            .and_then(Json::as_str)
                            .filter(|n| !n.is_empty())?;
                        Some((
                            n,
                            p.get("containerPort").and_then(Json::as_i64).unwrap_or(0),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut add = |key: String, probe: Option<&Json>, lifecycle: bool| {
            if let Some(p) = probe.and_then(|p| internal_prober(p, &ports, status_port, lifecycle))
            {
                out.insert(key, p);
            }
        };
        add(
            format!("/app-health/{name}/readyz"),
            c.get("readinessProbe"),
            false,
        );
        add(
            format!("/app-health/{name}/livez"),
            c.get("livenessProbe"),
            false,
        );
        add(
            format!("/app-health/{name}/startupz"),
            c.get("startupProbe"),
            false,
        );
        if let Some(l) = c.get("lifecycle") {
            add(
                format!("/app-lifecycle/{name}/prestopz"),
                l.get("preStop"),
                true,
            );
            add(
                format!("/app-lifecycle/{name}/poststartz"),
                l.get("postStart"),
                true,
            );
        }
    }
    if out.is_empty() {
        return None;
    }
    let m: Map<String, Json> = out.into_iter().collect();
    Some(go_json(&Json::Object(m)))
}

/// One prober as the agent reads it: `httpGet`, `tcpSocket` or `grpc` and the timeout.
fn internal_prober(
    p: &Json,
    ports: &BTreeMap<&str, i64>,
    status_port: i64,
    lifecycle: bool,
) -> Option<Json> {
    let mut out = Map::new();
    let timeout = if lifecycle {
        None
    } else {
        p.get("timeoutSeconds").and_then(Json::as_i64)
    };
    if !lifecycle {
        if let Some(g) = p.get("grpc").filter(|g| g.is_object()) {
            let mut gm = Map::new();
            gm.insert(
                "port".into(),
                g.get("port").cloned().unwrap_or(Json::from(0)),
            );
            if let Some(svc) = g.get("service") {
                gm.insert("service".into(), svc.clone());
            }
            out.insert("grpc".into(), Json::Object(gm));
            if let Some(t) = timeout.filter(|t| *t != 0) {
                out.insert("timeoutSeconds".into(), Json::from(t));
            }
            return Some(Json::Object(out));
        }
    }
    let (key, action) = if let Some(h) = p.get("httpGet").filter(|h| h.is_object()) {
        ("httpGet", h)
    } else if let Some(t) = p.get("tcpSocket").filter(|t| t.is_object()) {
        ("tcpSocket", t)
    } else {
        return None;
    };
    let port = match action.get("port") {
        Some(Json::String(named)) => match named.parse::<i64>() {
            Ok(n) => n,
            Err(_) => *ports.get(named.as_str())?,
        },
        Some(Json::Number(n)) => {
            let n = n.as_i64().unwrap_or(0);
            if n == status_port {
                return None;
            }
            n
        }
        _ => 0,
    };
    let mut a = Map::new();
    let order: &[&str] = if key == "httpGet" {
        &["path", "port", "host", "scheme", "httpHeaders"]
    } else {
        &["port", "host"]
    };
    for f in order {
        if *f == "port" {
            a.insert("port".into(), Json::from(port));
        } else if let Some(v) = action.get(*f) {
            let empty =
                v.as_str().is_some_and(str::is_empty) || v.as_array().is_some_and(Vec::is_empty);
            if !empty && !v.is_null() {
                a.insert((*f).into(), v.clone());
            }
        }
    }
    out.insert(key.into(), Json::Object(a));
    if let Some(t) = timeout.filter(|t| *t != 0) {
        out.insert("timeoutSeconds".into(), Json::from(t));
    }
    Some(Json::Object(out))
}

fn merge_or_append_probers(previously_injected: bool, env: &mut Vec<Json>, probers: String) {
    if previously_injected {
        if let Some(e) = env
            .iter_mut()
            .find(|e| name_of(e) == "ISTIO_KUBE_APP_PROBERS")
        {
            let old: Map<String, Json> = e
                .get("value")
                .and_then(Json::as_str)
                .and_then(|v| serde_json::from_str(v).ok())
                .unwrap_or_default();
            let mut new: BTreeMap<String, Json> =
                serde_json::from_str::<Map<String, Json>>(&probers)
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
            for (k, v) in old {
                new.insert(k, v);
            }
            let m: Map<String, Json> = new.into_iter().collect();
            *e = json!({"name": "ISTIO_KUBE_APP_PROBERS", "value": go_json(&Json::Object(m))});
            return;
        }
    }
    env.push(json!({"name": "ISTIO_KUBE_APP_PROBERS", "value": probers}));
}
