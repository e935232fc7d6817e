//! The Kubernetes object shapes injection reads and writes: where each workload kind keeps its
//! pod template, and how Go's typed API objects write themselves back (`omitempty` zero values
//! dropped, struct fields that are always written, required fields with their zero values,
//! quantities in canonical form). Output normalized here reads back as the objects istioctl
//! prints.

use serde_json::{Map, Value};

use crate::quantity;

/// How a field is written back.
#[derive(Clone, Copy)]
pub enum F {
    /// An `omitempty` scalar: dropped when `""`, `0` or `false`.
    Omit,
    /// Written even when zero; an absent field is written as this zero value.
    Req(Zero),
    /// Written even when zero; an absent field stays absent (a nil slice or pointer).
    Keep,
    /// A struct field (not a pointer): always written, `{}` when empty.
    Obj(&'static Ty),
    /// A pointer to a struct: written when set, `{}` included.
    Ptr(&'static Ty),
    /// A list of structs, dropped when empty.
    List(&'static Ty),
    /// A list of structs written even when empty (`containers`).
    ListKeep(&'static Ty),
    /// A map, dropped when empty.
    Map,
    /// A map of quantities (`limits`, `requests`), dropped when empty.
    Quantities,
    /// A quantity, always written (`"0"` when absent).
    Quantity,
}

/// The zero value a required field is written with.
#[derive(Clone, Copy)]
pub enum Zero {
    /// `""`
    Str,
    /// `0`
    Int,
    /// `false`
    Bool,
}

/// A struct type: its fields with special handling. Fields not listed are written as they
/// are, except `null`s and empty lists, which Go's `omitempty` drops.
pub struct Ty {
    /// The fields.
    pub fields: &'static [(&'static str, F)],
}

use F::*;

/// `metav1.ObjectMeta`.
pub static OBJECT_META: Ty = Ty {
    fields: &[
        ("name", Omit),
        ("generateName", Omit),
        ("namespace", Omit),
        ("uid", Omit),
        ("resourceVersion", Omit),
        ("generation", Omit),
        ("labels", Map),
        ("annotations", Map),
    ],
};
static LIST_META: Ty = Ty {
    fields: &[
        ("resourceVersion", Omit),
        ("continue", Omit),
        ("selfLink", Omit),
    ],
};
static EMPTY: Ty = Ty { fields: &[] };
static LOCAL_REF: Ty = Ty {
    fields: &[("name", Omit)],
};
static FIELD_SELECTOR: Ty = Ty {
    fields: &[("apiVersion", Omit), ("fieldPath", Req(Zero::Str))],
};
static RESOURCE_SELECTOR: Ty = Ty {
    fields: &[
        ("containerName", Omit),
        ("resource", Req(Zero::Str)),
        ("divisor", Quantity),
    ],
};
static KEY_SELECTOR: Ty = Ty {
    fields: &[("name", Omit), ("key", Req(Zero::Str))],
};
static ENV_SOURCE: Ty = Ty {
    fields: &[
        ("fieldRef", Ptr(&FIELD_SELECTOR)),
        ("resourceFieldRef", Ptr(&RESOURCE_SELECTOR)),
        ("configMapKeyRef", Ptr(&KEY_SELECTOR)),
        ("secretKeyRef", Ptr(&KEY_SELECTOR)),
    ],
};
static ENV_VAR: Ty = Ty {
    fields: &[
        ("name", Req(Zero::Str)),
        ("value", Omit),
        ("valueFrom", Ptr(&ENV_SOURCE)),
    ],
};
static CONTAINER_PORT: Ty = Ty {
    fields: &[
        ("name", Omit),
        ("hostPort", Omit),
        ("containerPort", Req(Zero::Int)),
        ("protocol", Omit),
        ("hostIP", Omit),
    ],
};
static RESOURCES: Ty = Ty {
    fields: &[
        ("limits", Quantities),
        ("requests", Quantities),
        ("claims", List(&EMPTY)),
    ],
};
static VOLUME_MOUNT: Ty = Ty {
    fields: &[
        ("name", Req(Zero::Str)),
        ("mountPath", Req(Zero::Str)),
        ("readOnly", Omit),
        ("subPath", Omit),
        ("subPathExpr", Omit),
    ],
};
static HTTP_GET: Ty = Ty {
    fields: &[
        ("path", Omit),
        ("port", Keep),
        ("host", Omit),
        ("scheme", Omit),
        ("httpHeaders", List(&EMPTY)),
    ],
};
static TCP_SOCKET: Ty = Ty {
    fields: &[("port", Keep), ("host", Omit)],
};
static GRPC: Ty = Ty {
    fields: &[("port", Req(Zero::Int))],
};
static PROBE: Ty = Ty {
    fields: &[
        ("exec", Ptr(&EMPTY)),
        ("httpGet", Ptr(&HTTP_GET)),
        ("tcpSocket", Ptr(&TCP_SOCKET)),
        ("grpc", Ptr(&GRPC)),
        ("initialDelaySeconds", Omit),
        ("timeoutSeconds", Omit),
        ("periodSeconds", Omit),
        ("successThreshold", Omit),
        ("failureThreshold", Omit),
    ],
};
static HANDLER: Ty = Ty {
    fields: &[
        ("exec", Ptr(&EMPTY)),
        ("httpGet", Ptr(&HTTP_GET)),
        ("tcpSocket", Ptr(&TCP_SOCKET)),
    ],
};
static LIFECYCLE: Ty = Ty {
    fields: &[("postStart", Ptr(&HANDLER)), ("preStop", Ptr(&HANDLER))],
};
/// `corev1.Container`.
pub static CONTAINER: Ty = Ty {
    fields: &[
        ("name", Req(Zero::Str)),
        ("image", Omit),
        ("workingDir", Omit),
        ("ports", List(&CONTAINER_PORT)),
        ("env", List(&ENV_VAR)),
        ("resources", Obj(&RESOURCES)),
        ("volumeMounts", List(&VOLUME_MOUNT)),
        ("livenessProbe", Ptr(&PROBE)),
        ("readinessProbe", Ptr(&PROBE)),
        ("startupProbe", Ptr(&PROBE)),
        ("lifecycle", Ptr(&LIFECYCLE)),
        ("terminationMessagePath", Omit),
        ("terminationMessagePolicy", Omit),
        ("imagePullPolicy", Omit),
        ("securityContext", Ptr(&EMPTY)),
        ("stdin", Omit),
        ("stdinOnce", Omit),
        ("tty", Omit),
    ],
};
static KEY_TO_PATH: Ty = Ty {
    fields: &[("key", Req(Zero::Str)), ("path", Req(Zero::Str))],
};
static CONFIG_MAP_SOURCE: Ty = Ty {
    fields: &[("name", Omit), ("items", List(&KEY_TO_PATH))],
};
static SECRET_SOURCE: Ty = Ty {
    fields: &[("secretName", Omit), ("items", List(&KEY_TO_PATH))],
};
static DOWNWARD_FILE: Ty = Ty {
    fields: &[
        ("path", Req(Zero::Str)),
        ("fieldRef", Ptr(&FIELD_SELECTOR)),
        ("resourceFieldRef", Ptr(&RESOURCE_SELECTOR)),
    ],
};
static DOWNWARD_SOURCE: Ty = Ty {
    fields: &[("items", List(&DOWNWARD_FILE))],
};
static SA_TOKEN: Ty = Ty {
    fields: &[("audience", Omit), ("path", Req(Zero::Str))],
};
static TRUST_BUNDLE: Ty = Ty {
    fields: &[("path", Req(Zero::Str))],
};
static PROJECTION: Ty = Ty {
    fields: &[
        ("serviceAccountToken", Ptr(&SA_TOKEN)),
        ("configMap", Ptr(&CONFIG_MAP_SOURCE)),
        ("secret", Ptr(&CONFIG_MAP_SOURCE)),
        ("downwardAPI", Ptr(&DOWNWARD_SOURCE)),
        ("clusterTrustBundle", Ptr(&TRUST_BUNDLE)),
    ],
};
static PROJECTED: Ty = Ty {
    fields: &[("sources", List(&PROJECTION))],
};
static EMPTY_DIR: Ty = Ty {
    fields: &[("medium", Omit)],
};
static CSI: Ty = Ty {
    fields: &[
        ("driver", Req(Zero::Str)),
        ("fsType", Omit),
        ("volumeAttributes", Map),
    ],
};
static PVC_SOURCE: Ty = Ty {
    fields: &[("claimName", Req(Zero::Str)), ("readOnly", Omit)],
};
static HOST_PATH: Ty = Ty {
    fields: &[("path", Req(Zero::Str))],
};
static VOLUME: Ty = Ty {
    fields: &[
        ("name", Req(Zero::Str)),
        ("emptyDir", Ptr(&EMPTY_DIR)),
        ("configMap", Ptr(&CONFIG_MAP_SOURCE)),
        ("secret", Ptr(&SECRET_SOURCE)),
        ("downwardAPI", Ptr(&DOWNWARD_SOURCE)),
        ("projected", Ptr(&PROJECTED)),
        ("csi", Ptr(&CSI)),
        ("persistentVolumeClaim", Ptr(&PVC_SOURCE)),
        ("hostPath", Ptr(&HOST_PATH)),
    ],
};
/// `corev1.PodSpec`.
pub static POD_SPEC: Ty = Ty {
    fields: &[
        ("containers", ListKeep(&CONTAINER)),
        ("initContainers", List(&CONTAINER)),
        ("ephemeralContainers", List(&CONTAINER)),
        ("volumes", List(&VOLUME)),
        ("imagePullSecrets", List(&LOCAL_REF)),
        ("restartPolicy", Omit),
        ("dnsPolicy", Omit),
        ("serviceAccountName", Omit),
        ("serviceAccount", Omit),
        ("nodeName", Omit),
        ("hostNetwork", Omit),
        ("hostPID", Omit),
        ("hostIPC", Omit),
        ("hostname", Omit),
        ("subdomain", Omit),
        ("schedulerName", Omit),
        ("priorityClassName", Omit),
        ("runtimeClassName", Keep),
        ("nodeSelector", Map),
        ("overhead", Quantities),
        ("securityContext", Ptr(&EMPTY)),
    ],
};
/// `corev1.PodTemplateSpec`.
pub static POD_TEMPLATE: Ty = Ty {
    fields: &[("metadata", Obj(&OBJECT_META)), ("spec", Obj(&POD_SPEC))],
};
static STRATEGY: Ty = Ty {
    fields: &[("type", Omit)],
};
static DEPLOYMENT_SPEC: Ty = Ty {
    fields: &[
        ("template", Obj(&POD_TEMPLATE)),
        ("strategy", Obj(&STRATEGY)),
        ("minReadySeconds", Omit),
        ("paused", Omit),
    ],
};
static OMIT_ALL_STATUS: Ty = Ty {
    fields: &[
        ("observedGeneration", Omit),
        ("replicas", Omit),
        ("updatedReplicas", Omit),
        ("readyReplicas", Omit),
        ("availableReplicas", Omit),
        ("unavailableReplicas", Omit),
        ("active", Omit),
        ("succeeded", Omit),
        ("failed", Omit),
        ("phase", Omit),
    ],
};
static STATEFULSET_SPEC: Ty = Ty {
    fields: &[
        ("template", Obj(&POD_TEMPLATE)),
        ("updateStrategy", Obj(&STRATEGY)),
        ("serviceName", Omit),
        ("podManagementPolicy", Omit),
        ("minReadySeconds", Omit),
    ],
};
static STATEFULSET_STATUS: Ty = Ty {
    fields: &[
        ("observedGeneration", Omit),
        ("replicas", Req(Zero::Int)),
        ("readyReplicas", Omit),
        ("currentReplicas", Omit),
        ("updatedReplicas", Omit),
        ("currentRevision", Omit),
        ("updateRevision", Omit),
        ("availableReplicas", Req(Zero::Int)),
    ],
};
static DAEMONSET_SPEC: Ty = Ty {
    fields: &[
        ("template", Obj(&POD_TEMPLATE)),
        ("updateStrategy", Obj(&STRATEGY)),
        ("minReadySeconds", Omit),
    ],
};
static DAEMONSET_STATUS: Ty = Ty {
    fields: &[
        ("currentNumberScheduled", Req(Zero::Int)),
        ("numberMisscheduled", Req(Zero::Int)),
        ("desiredNumberScheduled", Req(Zero::Int)),
        ("numberReady", Req(Zero::Int)),
        ("observedGeneration", Omit),
        ("updatedNumberScheduled", Omit),
        ("numberAvailable", Omit),
        ("numberUnavailable", Omit),
    ],
};
static REPLICASET_SPEC: Ty = Ty {
    fields: &[("template", Obj(&POD_TEMPLATE)), ("minReadySeconds", Omit)],
};
static REPLICAS_STATUS: Ty = Ty {
    fields: &[
        ("replicas", Req(Zero::Int)),
        ("fullyLabeledReplicas", Omit),
        ("readyReplicas", Omit),
        ("availableReplicas", Omit),
        ("observedGeneration", Omit),
    ],
};
static RC_SPEC: Ty = Ty {
    fields: &[
        ("template", Ptr(&POD_TEMPLATE)),
        ("minReadySeconds", Omit),
        ("selector", Map),
    ],
};
static JOB_SPEC: Ty = Ty {
    fields: &[("template", Obj(&POD_TEMPLATE))],
};
static JOB_TEMPLATE: Ty = Ty {
    fields: &[("metadata", Obj(&OBJECT_META)), ("spec", Obj(&JOB_SPEC))],
};
static CRONJOB_SPEC: Ty = Ty {
    fields: &[
        ("schedule", Req(Zero::Str)),
        ("concurrencyPolicy", Omit),
        ("jobTemplate", Obj(&JOB_TEMPLATE)),
    ],
};
static DC_STRATEGY: Ty = Ty {
    fields: &[
        ("type", Omit),
        ("resources", Obj(&RESOURCES)),
        ("labels", Map),
        ("annotations", Map),
    ],
};
static DC_SPEC: Ty = Ty {
    fields: &[
        ("strategy", Obj(&DC_STRATEGY)),
        ("minReadySeconds", Omit),
        ("triggers", Keep),
        ("replicas", Req(Zero::Int)),
        ("test", Req(Zero::Bool)),
        ("paused", Omit),
        ("selector", Map),
        ("template", Ptr(&POD_TEMPLATE)),
    ],
};
static DC_STATUS: Ty = Ty {
    fields: &[
        ("latestVersion", Req(Zero::Int)),
        ("observedGeneration", Req(Zero::Int)),
        ("replicas", Req(Zero::Int)),
        ("updatedReplicas", Req(Zero::Int)),
        ("availableReplicas", Req(Zero::Int)),
        ("unavailableReplicas", Req(Zero::Int)),
        ("readyReplicas", Omit),
    ],
};
/// `corev1.Pod`.
pub static POD: Ty = Ty {
    fields: &[
        ("metadata", Obj(&OBJECT_META)),
        ("spec", Obj(&POD_SPEC)),
        ("status", Obj(&OMIT_ALL_STATUS)),
    ],
};

macro_rules! object {
    ($name:ident, $spec:expr, $status:expr) => {
        static $name: Ty = Ty {
            fields: &[
                ("metadata", Obj(&OBJECT_META)),
                ("spec", Obj($spec)),
                ("status", Obj($status)),
            ],
        };
    };
}
object!(DEPLOYMENT, &DEPLOYMENT_SPEC, &OMIT_ALL_STATUS);
object!(STATEFULSET, &STATEFULSET_SPEC, &STATEFULSET_STATUS);
object!(DAEMONSET, &DAEMONSET_SPEC, &DAEMONSET_STATUS);
object!(REPLICASET, &REPLICASET_SPEC, &REPLICAS_STATUS);
object!(REPLICATION_CONTROLLER, &RC_SPEC, &REPLICAS_STATUS);
object!(JOB, &JOB_SPEC, &OMIT_ALL_STATUS);
object!(CRONJOB, &CRONJOB_SPEC, &OMIT_ALL_STATUS);
object!(DEPLOYMENT_CONFIG, &DC_SPEC, &DC_STATUS);

/// The workload kinds injection handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Pod`
    Pod,
    /// `Deployment`
    Deployment,
    /// `StatefulSet`
    StatefulSet,
    /// `DaemonSet`
    DaemonSet,
    /// `ReplicaSet`
    ReplicaSet,
    /// `ReplicationController`
    ReplicationController,
    /// `Job`
    Job,
    /// `CronJob`
    CronJob,
    /// OpenShift's `DeploymentConfig`
    DeploymentConfig,
}

impl Kind {
    /// The workload kind of `apiVersion`/`kind`, if injection handles it.
    pub fn of(api_version: &str, kind: &str) -> Option<Kind> {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        Some(match (group, kind) {
            ("", "Pod") => Kind::Pod,
            ("", "ReplicationController") => Kind::ReplicationController,
            ("apps" | "extensions", "Deployment") => Kind::Deployment,
            ("apps", "StatefulSet") => Kind::StatefulSet,
            ("apps" | "extensions", "DaemonSet") => Kind::DaemonSet,
            ("apps" | "extensions", "ReplicaSet") => Kind::ReplicaSet,
            ("batch", "Job") => Kind::Job,
            ("batch", "CronJob") => Kind::CronJob,
            ("apps.openshift.io" | "", "DeploymentConfig") => Kind::DeploymentConfig,
            _ => return None,
        })
    }

    /// The object's top-level shape.
    fn ty(self) -> &'static Ty {
        match self {
            Kind::Pod => &POD,
            Kind::Deployment => &DEPLOYMENT,
            Kind::StatefulSet => &STATEFULSET,
            Kind::DaemonSet => &DAEMONSET,
            Kind::ReplicaSet => &REPLICASET,
            Kind::ReplicationController => &REPLICATION_CONTROLLER,
            Kind::Job => &JOB,
            Kind::CronJob => &CRONJOB,
            Kind::DeploymentConfig => &DEPLOYMENT_CONFIG,
        }
    }

    /// The JSON paths of the pod's metadata and spec in an object of this kind. A CronJob's
    /// pod metadata is its job template's, as istiod reads it.
    pub fn pod_paths(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Kind::Pod => (&["metadata"], &["spec"]),
            Kind::CronJob => (
                &["spec", "jobTemplate", "metadata"],
                &["spec", "jobTemplate", "spec", "template", "spec"],
            ),
            _ => (
                &["spec", "template", "metadata"],
                &["spec", "template", "spec"],
            ),
        }
    }
}

/// Writes an object of a workload kind back as Go would.
pub fn normalize_object(kind: Kind, v: &mut Value) {
    normalize(v, kind.ty());
}

/// Writes a pod (or pod-shaped value) back as Go would.
pub fn normalize_pod(v: &mut Value) {
    normalize(v, &POD);
}

/// Writes a list's own fields back as Go would (`metadata: {}`).
pub fn normalize_list(v: &mut Value) {
    if let Value::Object(m) = v {
        let meta = m
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        normalize(meta, &LIST_META);
    }
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// Normalizes `v` (an object) by the shape `ty`.
pub fn normalize(v: &mut Value, ty: &Ty) {
    let Value::Object(m) = v else { return };
    for (name, f) in ty.fields {
        match f {
            Req(z) => {
                let e = m.entry(*name).or_insert(Value::Null);
                if e.is_null() {
                    *e = match z {
                        Zero::Str => Value::String(String::new()),
                        Zero::Int => Value::from(0),
                        Zero::Bool => Value::Bool(false),
                    };
                }
            }
            Obj(inner) => {
                let e = m.entry(*name).or_insert_with(|| Value::Object(Map::new()));
                if !e.is_object() {
                    *e = Value::Object(Map::new());
                }
                normalize(e, inner);
            }
            Quantity => {
                let e = m.entry(*name).or_insert(Value::Null);
                *e = match &*e {
                    Value::Null => Value::String("0".into()),
                    other => canonical_quantity(other),
                };
            }
            _ => {}
        }
    }
    let keys: Vec<String> = m.keys().cloned().collect();
    for k in keys {
        let f = ty.fields.iter().find(|(n, _)| *n == k).map(|(_, f)| *f);
        let Some(val) = m.get_mut(&k) else { continue };
        let drop = match f {
            Some(Omit) => is_zero(val),
            Some(Keep) | Some(Req(_)) | Some(Obj(_)) | Some(Quantity) => false,
            Some(Ptr(inner)) => {
                if val.is_object() {
                    normalize(val, inner);
                }
                val.is_null()
            }
            Some(List(inner)) | Some(ListKeep(inner)) => {
                if let Value::Array(items) = val {
                    for item in items.iter_mut() {
                        normalize(item, inner);
                    }
                }
                matches!(f, Some(List(_))) && is_zero(val) || val.is_null()
            }
            Some(Map) => is_zero(val),
            Some(Quantities) => {
                if let Value::Object(q) = val {
                    for (_, x) in q.iter_mut() {
                        *x = canonical_quantity(x);
                    }
                }
                is_zero(val)
            }
            None => match val {
                Value::Null => true,
                Value::Array(a) => a.is_empty(),
                Value::Object(_) => {
                    drop_nulls(val);
                    false
                }
                _ => false,
            },
        };
        if drop {
            m.remove(&k);
        }
    }
}

fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            for (_, x) in m.iter_mut() {
                drop_nulls(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn canonical_quantity(v: &Value) -> Value {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => return other.clone(),
    };
    Value::String(quantity::canonical(&text).unwrap_or(text))
}

/// The value at `path` under `v`.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(*k))
}

/// The value at `path` under `v`, mutably.
pub fn at_mut<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |cur, k| cur.get_mut(*k))
}

/// Go's field order of the container types, for JSON that istiod writes from typed values
/// (`proxy.istio.io/overrides`).
fn go_field_order(ty: &str) -> (&'static [&'static str], fn(&str) -> &'static str) {
    fn none(_: &str) -> &'static str {
        ""
    }
    match ty {
        "Container" => (
            &[
                "name",
                "image",
                "command",
                "args",
                "workingDir",
                "ports",
                "envFrom",
                "env",
                "resources",
                "resizePolicy",
                "restartPolicy",
                "restartPolicyRules",
                "volumeMounts",
                "volumeDevices",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
                "lifecycle",
                "terminationMessagePath",
                "terminationMessagePolicy",
                "imagePullPolicy",
                "securityContext",
                "stdin",
                "stdinOnce",
                "tty",
            ],
            |k| match k {
                "ports" => "ContainerPort",
                "env" => "EnvVar",
                "resources" => "Resources",
                "volumeMounts" => "VolumeMount",
                "livenessProbe" | "readinessProbe" | "startupProbe" => "Probe",
                "lifecycle" => "Lifecycle",
                "securityContext" => "SecurityContext",
                _ => "",
            },
        ),
        "ContainerPort" => (
            &["name", "hostPort", "containerPort", "protocol", "hostIP"],
            none,
        ),
        "EnvVar" => (&["name", "value", "valueFrom"], none),
        "Resources" => (&["limits", "requests", "claims"], none),
        "VolumeMount" => (
            &[
                "name",
                "readOnly",
                "recursiveReadOnly",
                "mountPath",
                "subPath",
                "mountPropagation",
                "subPathExpr",
            ],
            none,
        ),
        "Probe" => (
            &[
                "exec",
                "httpGet",
                "tcpSocket",
                "grpc",
                "initialDelaySeconds",
                "timeoutSeconds",
                "periodSeconds",
                "successThreshold",
                "failureThreshold",
                "terminationGracePeriodSeconds",
            ],
            |k| if k == "httpGet" { "HTTPGet" } else { "" },
        ),
        "HTTPGet" => (&["path", "port", "host", "scheme", "httpHeaders"], none),
        "Lifecycle" => (&["postStart", "preStop", "stopSignal"], |_| "Handler"),
        "Handler" => (&["exec", "httpGet", "tcpSocket", "sleep"], |k| {
            if k == "httpGet" {
                "HTTPGet"
            } else {
                ""
            }
        }),
        "SecurityContext" => (
            &[
                "capabilities",
                "privileged",
                "seLinuxOptions",
                "windowsOptions",
                "runAsUser",
                "runAsGroup",
                "runAsNonRoot",
                "readOnlyRootFilesystem",
                "allowPrivilegeEscalation",
                "procMount",
                "seccompProfile",
                "appArmorProfile",
            ],
            |k| {
                if k == "capabilities" {
                    "Capabilities"
                } else {
                    ""
                }
            },
        ),
        "Capabilities" => (&["add", "drop"], none),
        _ => (&[], none),
    }
}

/// Reorders the fields of a value of the Go type `ty` (see [`go_field_order`]) into Go's
/// declaration order, so its JSON reads as Go writes it. Map keys are sorted, as Go sorts
/// them.
pub fn go_order(v: &Value, ty: &str) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(|x| go_order(x, ty)).collect()),
        Value::Object(m) => {
            let (order, child) = go_field_order(ty);
            let mut out = Map::new();
            if order.is_empty() {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                for k in keys {
                    out.insert(k.clone(), go_order(&m[k], ""));
                }
                return Value::Object(out);
            }
            for k in order {
                if let Some(x) = m.get(*k) {
                    out.insert((*k).to_string(), go_order(x, child(k)));
                }
            }
            let mut rest: Vec<&String> =
                m.keys().filter(|k| !order.contains(&k.as_str())).collect();
            rest.sort();
            for k in rest {
                out.insert(k.clone(), go_order(&m[k], ""));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_back_as_go_does() {
        let mut d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"replicas": 0, "template": {"spec": {"containers": [
                {"name": "a", "env": [{"name": "E", "value": ""}],
                 "readinessProbe": {"initialDelaySeconds": 0, "httpGet": {"port": 80}},
                 "resources": {"limits": {"cpu": "2000m", "memory": "1024Mi"}}}],
                "volumes": [{"name": "v", "emptyDir": {}}, {"name": "w", "emptyDir": null}]}}}
        });
        normalize_object(Kind::Deployment, &mut d);
        assert_eq!(
            d,
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                "spec": {"replicas": 0, "strategy": {}, "template": {"metadata": {}, "spec": {"containers": [
                    {"name": "a", "env": [{"name": "E"}],
                     "readinessProbe": {"httpGet": {"port": 80}},
                     "resources": {"limits": {"cpu": "2", "memory": "1Gi"}}}],
                    "volumes": [{"name": "v", "emptyDir": {}}, {"name": "w"}]}}},
                "status": {}
            })
        );
    }
}
