//! Port forwarding through the API server, as `kubectl port-forward` does: a local TCP port
//! whose every connection is relayed to a port of a pod over the `pods/portforward`
//! subresource (WebSocket, `v4.channel.k8s.io`, falling back to SPDY/3.1 as kubectl does: the
//! private `tunnel` module).
//!
//! What to forward to is a [`Target`]: one named pod, or the first running, ready pod of a
//! label selector (a Deployment, a Service, an addon's label). The pod is chosen when
//! forwarding starts ([`PortForward::start`], which also opens one tunnel so that a missing
//! permission is reported at once) and chosen again when it goes away: a connection that finds
//! the pod deleted (a rollout, a restart of the addon) waits for a ready pod of the target and
//! continues there.

mod tunnel;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use miette::Diagnostic;
use serde_json::Value;
use thiserror::Error;
use tokio::net::{TcpListener, TcpStream};

use crate::{Cluster, KubeError, ListScope};

/// Tries of a connection to find a ready pod again after its pod went away.
const RESOLVE_ATTEMPTS: u32 = 20;
/// First wait between those tries; doubled up to [`MAX_RESOLVE_WAIT`].
const FIRST_RESOLVE_WAIT: Duration = Duration::from_millis(250);
/// Longest wait between those tries.
const MAX_RESOLVE_WAIT: Duration = Duration::from_secs(2);
/// Random local ports tried when the one picked for 127.0.0.1 is taken on ::1.
const RANDOM_PORT_ATTEMPTS: u32 = 8;

/// A pod, by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRef {
    /// The namespace.
    pub namespace: String,
    /// The pod's name.
    pub name: String,
}

impl std::fmt::Display for PodRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.name, self.namespace)
    }
}

/// What a port forward goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One pod, by name.
    Pod(PodRef),
    /// The first running, ready pod that a label selector picks in a namespace.
    Selector {
        /// The namespace searched.
        namespace: String,
        /// A label selector, e.g. `app=kiali`.
        selector: String,
    },
}

/// Why a port forward could not start or go on.
#[derive(Debug, Error, Diagnostic)]
pub enum ForwardError {
    /// The named pod does not exist.
    #[error("pod {name:?} not found in namespace {namespace}")]
    #[diagnostic(
        code(istioctl::portforward::not_found),
        help("check the name and the namespace (-n/--namespace); `kubectl get pods -n {namespace}` lists them")
    )]
    PodNotFound {
        /// The namespace.
        namespace: String,
        /// The pod's name.
        name: String,
    },
    /// No pod matches the selector.
    #[error("no pods with {selector} in {namespace}")]
    #[diagnostic(
        code(istioctl::portforward::no_pods),
        help("check the selector and the namespace (-n/--namespace)")
    )]
    NoPods {
        /// The namespace searched.
        namespace: String,
        /// The selector.
        selector: String,
    },
    /// Pods exist, none running and ready.
    #[error("no ready pod: {pods}")]
    #[diagnostic(
        code(istioctl::portforward::not_ready),
        help("wait until the pod is ready (`kubectl get pods -n {namespace}` shows its state) and run the command again")
    )]
    NotReady {
        /// The namespace.
        namespace: String,
        /// Each pod and its state, e.g. `kiali-1 is Pending`.
        pods: String,
    },
    /// A `[TYPE/]NAME[.NAMESPACE]` argument that names no kind we can find pods of.
    #[error("cannot find pods of {spec:?}: {reason}")]
    #[diagnostic(
        code(istioctl::portforward::resource),
        help("name a pod (NAME[.NAMESPACE]) or a workload: pod/, deployment/, statefulset/, daemonset/, replicaset/ or service/NAME")
    )]
    Resource {
        /// The argument.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `--address` is neither an IP address nor `localhost`.
    #[error("invalid listen address {0:?}: only an IP address or localhost is accepted")]
    #[diagnostic(
        code(istioctl::portforward::address),
        help("pass --address localhost, 127.0.0.1, ::1 or 0.0.0.0")
    )]
    Address(String),
    /// The local port is taken.
    #[error("cannot listen on {address}: the port is already in use")]
    #[diagnostic(
        code(istioctl::portforward::port_in_use),
        help("choose another port with -p/--port, or -p 0 for any free port")
    )]
    PortInUse {
        /// `host:port`.
        address: String,
    },
    /// Listening failed for another reason.
    #[error("cannot listen on {address}: {reason}")]
    #[diagnostic(code(istioctl::portforward::listen))]
    Listen {
        /// `host:port`.
        address: String,
        /// The system's error.
        reason: String,
    },
    /// The user may not open `pods/portforward`.
    #[error("no permission to port-forward to pod {pod}: {message}")]
    #[diagnostic(
        code(istioctl::portforward::forbidden),
        help("the user of context {context:?} needs `create` on `pods/portforward` in namespace {namespace}; ask a cluster admin for a Role granting it")
    )]
    Forbidden {
        /// The pod.
        pod: String,
        /// Its namespace.
        namespace: String,
        /// The kubeconfig context.
        context: String,
        /// The server's message.
        message: String,
    },
    /// The tunnel to the pod failed.
    #[error("cannot port-forward to pod {pod}: {reason}")]
    #[diagnostic(
        code(istioctl::portforward::tunnel),
        help("the API server, and any proxy in front of it, must pass WebSocket (`v4.channel.k8s.io`) or SPDY/3.1 (`portforward.k8s.io`) upgrades of `pods/portforward`")
    )]
    Tunnel {
        /// The pod.
        pod: String,
        /// What went wrong.
        reason: String,
    },
    /// A call to the cluster failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Kube(#[from] KubeError),
}

/// Finds what `[TYPE/]NAME[.NAMESPACE]` names, as istioctl reads it: the text after the last
/// `.` is the namespace (else `namespace`); without a type it is a pod; a workload or Service
/// stands for the pods its selector picks.
pub async fn target_for(
    cluster: &Cluster,
    spec: &str,
    namespace: &str,
) -> Result<Target, ForwardError> {
    let (resource, ns) = match spec.rsplit_once('.') {
        Some((resource, ns)) if !ns.is_empty() => (resource, ns),
        _ => (spec, namespace),
    };
    let resource_error = |reason: String| ForwardError::Resource {
        spec: spec.to_owned(),
        reason,
    };
    let Some((kind, name)) = resource.split_once('/') else {
        return Ok(Target::Pod(PodRef {
            namespace: ns.to_owned(),
            name: resource.to_owned(),
        }));
    };
    if name.is_empty() {
        return Err(resource_error("the name is empty".to_owned()));
    }
    let (api_version, kind) = match kind.to_ascii_lowercase().as_str() {
        "po" | "pod" | "pods" => {
            return Ok(Target::Pod(PodRef {
                namespace: ns.to_owned(),
                name: name.to_owned(),
            }))
        }
        "deploy" | "deployment" | "deployments" => ("apps/v1", "Deployment"),
        "sts" | "statefulset" | "statefulsets" => ("apps/v1", "StatefulSet"),
        "ds" | "daemonset" | "daemonsets" => ("apps/v1", "DaemonSet"),
        "rs" | "replicaset" | "replicasets" => ("apps/v1", "ReplicaSet"),
        "svc" | "service" | "services" => ("v1", "Service"),
        other => {
            return Err(resource_error(format!(
                "unsupported resource type {other:?}"
            )))
        }
    };
    let served = cluster.require_kind(api_version, kind)?;
    let Some(object) = cluster.get(&served, Some(ns), name).await? else {
        return Err(resource_error(format!(
            "{kind} {name:?} not found in namespace {ns}"
        )));
    };
    let selector = if kind == "Service" {
        object
            .pointer("/spec/selector")
            .map(match_labels)
            .transpose()
            .map_err(resource_error)?
    } else {
        object
            .pointer("/spec/selector")
            .map(label_selector)
            .transpose()
            .map_err(resource_error)?
    }
    .filter(|s| !s.is_empty())
    .ok_or_else(|| resource_error(format!("{kind} {name:?} has no pod selector")))?;
    Ok(Target::Selector {
        namespace: ns.to_owned(),
        selector,
    })
}

/// A `{key: value}` map as `key=value,…`.
fn match_labels(map: &Value) -> Result<String, String> {
    let Some(map) = map.as_object() else {
        return Err("the selector is not a map of labels".to_owned());
    };
    map.iter()
        .map(|(k, v)| match v.as_str() {
            Some(v) => Ok(format!("{k}={v}")),
            None => Err(format!("label {k:?} of the selector is not a string")),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|parts| parts.join(","))
}

/// A `LabelSelector` (`matchLabels` and `matchExpressions`) in the string syntax of list calls.
fn label_selector(selector: &Value) -> Result<String, String> {
    let mut parts = Vec::new();
    if let Some(labels) = selector.get("matchLabels") {
        let text = match_labels(labels)?;
        if !text.is_empty() {
            parts.push(text);
        }
    }
    for expression in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = expression
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let values: Vec<&str> = expression
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let operator = expression
            .get("operator")
            .and_then(Value::as_str)
            .unwrap_or_default();
        parts.push(match operator {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_owned(),
            "DoesNotExist" => format!("!{key}"),
            other => return Err(format!("unknown selector operator {other:?}")),
        });
    }
    Ok(parts.join(","))
}

/// Why a pod cannot take connections, or `None` when it is running and ready.
fn not_ready(pod: &Value) -> Option<String> {
    if pod.pointer("/metadata/deletionTimestamp").is_some() {
        return Some("terminating".to_owned());
    }
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("Pending");
    if phase != "Running" {
        return Some(phase.to_owned());
    }
    let ready = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True");
    if ready {
        return None;
    }
    let waiting: Vec<&str> = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.pointer("/state/waiting/reason").and_then(Value::as_str))
        .collect();
    Some(if waiting.is_empty() {
        "Running but not ready".to_owned()
    } else {
        format!("Running but not ready ({})", waiting.join(", "))
    })
}

/// The pod of `target` to forward to now: the named pod if it is ready, else the first
/// running, ready pod of the selector.
pub async fn ready_pod(cluster: &Cluster, target: &Target) -> Result<PodRef, ForwardError> {
    let pods = cluster.require_kind("v1", "Pod")?;
    match target {
        Target::Pod(pod) => {
            let Some(object) = cluster.get(&pods, Some(&pod.namespace), &pod.name).await? else {
                return Err(ForwardError::PodNotFound {
                    namespace: pod.namespace.clone(),
                    name: pod.name.clone(),
                });
            };
            match not_ready(&object) {
                None => Ok(pod.clone()),
                Some(state) => Err(ForwardError::NotReady {
                    namespace: pod.namespace.clone(),
                    pods: format!("{} is {state}", pod.name),
                }),
            }
        }
        Target::Selector {
            namespace,
            selector,
        } => {
            let list = cluster
                .list(&pods, ListScope::Namespace(namespace), Some(selector))
                .await?;
            if list.is_empty() {
                return Err(ForwardError::NoPods {
                    namespace: namespace.clone(),
                    selector: selector.clone(),
                });
            }
            let name_of = |pod: &Value| {
                pod.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            if let Some(pod) = list.iter().find(|pod| not_ready(pod).is_none()) {
                return Ok(PodRef {
                    namespace: namespace.clone(),
                    name: name_of(pod),
                });
            }
            let states: Vec<String> = list
                .iter()
                .map(|pod| format!("{} is {}", name_of(pod), not_ready(pod).unwrap_or_default()))
                .collect();
            Err(ForwardError::NotReady {
                namespace: namespace.clone(),
                pods: format!("{} ({selector})", states.join(", ")),
            })
        }
    }
}

/// A local TCP port listened on, on one address or (for `localhost`) on 127.0.0.1 and ::1.
#[derive(Debug)]
pub struct LocalListener {
    listeners: Vec<TcpListener>,
    host: String,
    port: u16,
}

impl LocalListener {
    /// Listens on `address` (an IP address or `localhost`) and `port` (0: any free port).
    /// `localhost` is 127.0.0.1 and ::1, the latter skipped where there is no IPv6; a port
    /// taken on either is in use, so that a browser never reaches another program.
    pub async fn bind(address: &str, port: u16) -> Result<Self, ForwardError> {
        let ips: Vec<IpAddr> = if address == "localhost" {
            vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]
        } else {
            vec![address
                .parse::<IpAddr>()
                .map_err(|_| ForwardError::Address(address.to_owned()))?]
        };
        let host = match ips.as_slice() {
            [IpAddr::V6(ip)] => format!("[{ip}]"),
            [ip] => ip.to_string(),
            _ => address.to_owned(),
        };
        let mut attempts = if port == 0 { RANDOM_PORT_ATTEMPTS } else { 1 };
        loop {
            attempts -= 1;
            match Self::bind_all(&ips, port).await {
                Ok((listeners, port)) => {
                    return Ok(Self {
                        listeners,
                        host,
                        port,
                    })
                }
                Err((e, tried)) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    if attempts == 0 {
                        return Err(ForwardError::PortInUse {
                            address: format!("{host}:{tried}"),
                        });
                    }
                }
                Err((e, tried)) => {
                    return Err(ForwardError::Listen {
                        address: format!("{host}:{tried}"),
                        reason: e.to_string(),
                    })
                }
            }
        }
    }

    /// Binds every address on one port: the first picks it when `port` is 0.
    async fn bind_all(
        ips: &[IpAddr],
        mut port: u16,
    ) -> Result<(Vec<TcpListener>, u16), (std::io::Error, u16)> {
        let mut listeners = Vec::new();
        for (i, ip) in ips.iter().enumerate() {
            match TcpListener::bind(SocketAddr::new(*ip, port)).await {
                Ok(listener) => {
                    if port == 0 {
                        port = listener.local_addr().map_err(|e| (e, port))?.port();
                    }
                    listeners.push(listener);
                }
                // Only localhost binds several addresses: one the host lacks (no IPv6) is
                // skipped, as long as another one listens.
                Err(e) if i > 0 && e.kind() == std::io::ErrorKind::AddrNotAvailable => {}
                Err(e) => return Err((e, port)),
            }
        }
        Ok((listeners, port))
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host:port` as a URL names it, e.g. `localhost:20001` or `[::1]:9090`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// What happens while forwarding, for the user to see.
#[derive(Debug)]
pub enum ForwardEvent {
    /// The pod went away; connections now go to another one.
    Switched {
        /// The pod gone.
        from: PodRef,
        /// The pod connections go to now.
        to: PodRef,
    },
    /// One connection could not be forwarded (the listener goes on).
    Failed(ForwardError),
}

/// A port forward to a target's pod, started: the pod chosen and a tunnel opened once.
pub struct PortForward {
    cluster: Cluster,
    target: Target,
    remote_port: u16,
    pod: Arc<Mutex<PodRef>>,
    /// Set once the server refused WebSocket and took SPDY: later tunnels go to SPDY.
    spdy: AtomicBool,
}

impl PortForward {
    /// Chooses the target's pod and opens one tunnel to `remote_port` of it, so that a
    /// missing permission or a server that forwards neither way is reported before
    /// anything is printed.
    pub async fn start(
        cluster: &Cluster,
        target: Target,
        remote_port: u16,
    ) -> Result<Self, ForwardError> {
        let pod = ready_pod(cluster, &target).await?;
        let spdy = AtomicBool::new(false);
        tunnel::open(cluster, &pod, remote_port, &spdy)
            .await?
            .close();
        Ok(Self {
            cluster: cluster.clone(),
            target,
            remote_port,
            pod: Arc::new(Mutex::new(pod)),
            spdy,
        })
    }

    /// The pod connections go to now.
    pub fn pod(&self) -> PodRef {
        lock(&self.pod).clone()
    }

    /// Forwards every connection to `listener` until the future is dropped, reporting what
    /// happens to `events`.
    pub async fn serve(
        self,
        listener: LocalListener,
        events: impl Fn(ForwardEvent) + Send + Sync + 'static,
    ) {
        let events = Arc::new(events);
        let shared = Arc::new(self);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<TcpStream>(16);
        for l in listener.listeners {
            let tx = tx.clone();
            let events = events.clone();
            tokio::spawn(async move {
                loop {
                    match l.accept().await {
                        Ok((conn, _)) => {
                            if tx.send(conn).await.is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            events(ForwardEvent::Failed(ForwardError::Listen {
                                address: l.local_addr().map(|a| a.to_string()).unwrap_or_default(),
                                reason: e.to_string(),
                            }));
                            tokio::time::sleep(FIRST_RESOLVE_WAIT).await;
                        }
                    }
                }
            });
        }
        drop(tx);
        while let Some(conn) = rx.recv().await {
            let shared = shared.clone();
            let events = events.clone();
            tokio::spawn(async move {
                if let Err(e) = shared.forward(conn, &*events).await {
                    events(ForwardEvent::Failed(e));
                }
            });
        }
    }

    /// Relays one local connection to the pod, choosing a pod again when it went away.
    async fn forward(
        &self,
        mut conn: TcpStream,
        events: &(dyn Fn(ForwardEvent) + Send + Sync),
    ) -> Result<(), ForwardError> {
        let pod = self.pod();
        let open = |pod: PodRef| async move {
            tunnel::open(&self.cluster, &pod, self.remote_port, &self.spdy).await
        };
        let tunnel = match open(pod.clone()).await {
            Ok(t) => t,
            Err(ForwardError::Tunnel { .. }) => {
                let next = self.choose_again(&pod).await?;
                if next != pod {
                    events(ForwardEvent::Switched {
                        from: pod,
                        to: next.clone(),
                    });
                }
                open(next).await?
            }
            Err(e) => return Err(e),
        };
        let pod = self.pod();
        tunnel
            .relay(&mut conn, self.remote_port)
            .await
            .map_err(|reason| ForwardError::Tunnel {
                pod: pod.to_string(),
                reason,
            })
    }

    /// Waits for a ready pod of the target after `gone` failed, and remembers it.
    async fn choose_again(&self, gone: &PodRef) -> Result<PodRef, ForwardError> {
        {
            let current = lock(&self.pod);
            if *current != *gone {
                // Another connection chose already.
                return Ok(current.clone());
            }
        }
        let mut wait = FIRST_RESOLVE_WAIT;
        let mut attempt = 1;
        loop {
            match ready_pod(&self.cluster, &self.target).await {
                Ok(pod) if pod != *gone || attempt > 1 => {
                    *lock(&self.pod) = pod.clone();
                    return Ok(pod);
                }
                Ok(_) => {}
                Err(e @ ForwardError::Kube(_)) => return Err(e),
                Err(e) if attempt >= RESOLVE_ATTEMPTS => return Err(e),
                Err(_) => {}
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_RESOLVE_WAIT);
            attempt += 1;
        }
    }
}

fn lock(pod: &Mutex<PodRef>) -> std::sync::MutexGuard<'_, PodRef> {
    pod.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_in_list_syntax() {
        let selector = json!({
            "matchLabels": { "app": "istiod", "istio.io/rev": "canary" },
            "matchExpressions": [
                { "key": "tier", "operator": "In", "values": ["a", "b"] },
                { "key": "old", "operator": "DoesNotExist" },
            ]
        });
        assert_eq!(
            label_selector(&selector).unwrap(),
            "app=istiod,istio.io/rev=canary,tier in (a,b),!old"
        );
        assert_eq!(
            match_labels(&json!({ "app": "kiali" })).unwrap(),
            "app=kiali"
        );
    }

    #[test]
    fn readiness_of_pods() {
        let running = |ready: &str| {
            json!({ "status": { "phase": "Running", "conditions": [{ "type": "Ready", "status": ready }],
                "containerStatuses": [{ "state": { "waiting": { "reason": "CrashLoopBackOff" } } }] } })
        };
        assert_eq!(not_ready(&running("True")), None);
        assert_eq!(
            not_ready(&running("False")).as_deref(),
            Some("Running but not ready (CrashLoopBackOff)")
        );
        assert_eq!(not_ready(&json!({})).as_deref(), Some("Pending"));
        assert_eq!(
            not_ready(&json!({ "metadata": { "deletionTimestamp": "x" } })).as_deref(),
            Some("terminating")
        );
    }
}
