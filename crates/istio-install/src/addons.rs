//! The dashboards `istioctl dashboard` opens: each telemetry addon (the label its pods carry,
//! the port its UI listens on, the path of the UI) and the admin UIs of Istio's own
//! components (Envoy's and ztunnel's admin port, istiod's ControlZ and debug pages).
//!
//! [`open`] chooses the pod, starts forwarding to it and listens locally; the forwarding
//! itself is [`istio_kube::portforward`].

use istio_kube::portforward::{target_for, ForwardError, LocalListener, PortForward, Target};
use istio_kube::Cluster;
use miette::Diagnostic;
use thiserror::Error;

/// One dashboard: what it is called, where its pods are found and where its UI is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dashboard {
    /// The subcommand, e.g. `kiali`.
    pub name: &'static str,
    /// The name shown to people, e.g. `Kiali`.
    pub title: &'static str,
    /// The label selector of its pods (addons, and istiod for `istiod-debug`).
    pub selector: &'static str,
    /// The container port of the UI.
    pub port: u16,
    /// The path of the UI, appended to the local URL (`""` for the root).
    pub path: &'static str,
}

/// Kiali: the mesh console of the `kiali` addon.
pub const KIALI: Dashboard = Dashboard {
    name: "kiali",
    title: "Kiali",
    selector: "app=kiali",
    port: 20001,
    path: "/kiali",
};

/// Prometheus of the `prometheus` addon (the upstream chart labels its pods by name).
pub const PROMETHEUS: Dashboard = Dashboard {
    name: "prometheus",
    title: "Prometheus",
    selector: "app.kubernetes.io/name=prometheus",
    port: 9090,
    path: "",
};

/// Grafana of the `grafana` addon (the upstream chart labels its pods by name).
pub const GRAFANA: Dashboard = Dashboard {
    name: "grafana",
    title: "Grafana",
    selector: "app.kubernetes.io/name=grafana",
    port: 3000,
    path: "",
};

/// Jaeger's query UI of the `jaeger` addon.
pub const JAEGER: Dashboard = Dashboard {
    name: "jaeger",
    title: "Jaeger",
    selector: "app=jaeger",
    port: 16686,
    path: "",
};

/// Zipkin of the `zipkin` addon.
pub const ZIPKIN: Dashboard = Dashboard {
    name: "zipkin",
    title: "Zipkin",
    selector: "app=zipkin",
    port: 9411,
    path: "",
};

/// The SkyWalking UI of the `skywalking` addon.
pub const SKYWALKING: Dashboard = Dashboard {
    name: "skywalking",
    title: "SkyWalking",
    selector: "app=skywalking-ui",
    port: 8080,
    path: "",
};

/// The telemetry addons, in the order `istioctl dashboard --help` lists them.
pub const ADDONS: [Dashboard; 6] = [GRAFANA, JAEGER, KIALI, PROMETHEUS, SKYWALKING, ZIPKIN];

/// The admin UI of a proxy (Envoy of a sidecar or gateway, ztunnel): its admin port.
pub const PROXY_ADMIN_PORT: u16 = 15000;

/// istiod's ControlZ introspection UI.
pub const CONTROLZ: Dashboard = Dashboard {
    name: "controlz",
    title: "ControlZ",
    selector: "app=istiod",
    port: 9876,
    path: "",
};

/// istiod's debug pages on its monitoring port.
pub const ISTIOD_DEBUG: Dashboard = Dashboard {
    name: "istiod-debug",
    title: "istiod debug",
    selector: "app=istiod",
    port: 15014,
    path: "/debug",
};

/// The label selector of a revision's istiod pods (`None`: every istiod).
pub fn istiod_selector(revision: Option<&str>) -> String {
    match revision.filter(|r| !r.is_empty() && *r != "default") {
        Some(rev) => format!("{},istio.io/rev={rev}", ISTIOD_DEBUG.selector),
        None => ISTIOD_DEBUG.selector.to_owned(),
    }
}

/// An addon's pod could not be chosen.
#[derive(Debug, Error, Diagnostic)]
pub enum AddonError {
    /// No pod carries the addon's label: it is not installed (here).
    #[error("no pods with {selector} in {namespace}; install the addon first")]
    #[diagnostic(
        code(istioctl::dashboard::not_installed),
        help("apply the {addon} addon (samples/addons/{addon}.yaml of the Istio release), or pass -n/--namespace if it runs elsewhere")
    )]
    NotInstalled {
        /// The addon's subcommand name.
        addon: &'static str,
        /// Its selector.
        selector: &'static str,
        /// The namespace searched.
        namespace: String,
    },
    /// Anything else: not ready, no access, the cluster unreachable.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Forward(#[from] ForwardError),
}

/// Starts forwarding to an addon: its first running, ready pod in `namespace`, at
/// `remote_port` (the addon's [`Dashboard::port`] unless `--ui-port` says otherwise).
pub async fn forward_addon(
    cluster: &Cluster,
    addon: &Dashboard,
    namespace: &str,
    remote_port: u16,
) -> Result<PortForward, AddonError> {
    match PortForward::start(cluster, addon_target(addon, namespace), remote_port).await {
        Ok(forward) => Ok(forward),
        Err(ForwardError::NoPods { .. }) => Err(AddonError::NotInstalled {
            addon: addon.name,
            selector: addon.selector,
            namespace: namespace.to_owned(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// The pods of an addon in a namespace, as a forwarding target.
pub fn addon_target(addon: &Dashboard, namespace: &str) -> Target {
    Target::Selector {
        namespace: namespace.to_owned(),
        selector: addon.selector.to_owned(),
    }
}

/// Which pod a dashboard forwards to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pods {
    /// A ready pod of an addon (by its label) in a namespace.
    Addon {
        /// The addon.
        addon: &'static Dashboard,
        /// Where its pods run.
        namespace: String,
    },
    /// `[TYPE/]NAME[.NAMESPACE]` (a pod, or `deployment/NAME` and the like); without a
    /// namespace in the name, `namespace`, else the kubeconfig context's.
    Named {
        /// The name as given.
        name: String,
        /// The namespace when the name has none (`None`: the context's).
        namespace: Option<String>,
    },
    /// A ready pod matching a label selector in `namespace` (`None`: the context's).
    Selector {
        /// The label selector.
        selector: String,
        /// The namespace (`None`: the context's).
        namespace: Option<String>,
    },
}

/// A dashboard to open: which pod and port, and where to listen locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRequest {
    /// The pod.
    pub pods: Pods,
    /// The pod's port.
    pub remote_port: u16,
    /// The path of the UI under the forwarded address (`""` for the root).
    pub path: &'static str,
    /// The local address (an IP address, or `localhost` for both loopback families).
    pub address: String,
    /// The local port; 0: `remote_port` when free, else any free port.
    pub local_port: u16,
}

/// A dashboard ready to serve: the forward and its local listener.
pub struct Opened {
    /// The forward to the chosen pod.
    pub forward: PortForward,
    /// The local listener connections arrive on.
    pub listener: LocalListener,
    /// The URL to open.
    pub url: String,
}

/// Chooses the pod, starts forwarding to it and listens locally.
pub async fn open(cluster: &Cluster, request: &OpenRequest) -> Result<Opened, AddonError> {
    let context_namespace = |namespace: &Option<String>| {
        namespace
            .clone()
            .unwrap_or_else(|| cluster.default_namespace().to_owned())
    };
    let forward = match &request.pods {
        Pods::Addon { addon, namespace } => {
            forward_addon(cluster, addon, namespace, request.remote_port).await?
        }
        Pods::Named { name, namespace } => {
            let target = target_for(cluster, name, &context_namespace(namespace)).await?;
            PortForward::start(cluster, target, request.remote_port).await?
        }
        Pods::Selector {
            selector,
            namespace,
        } => {
            let target = Target::Selector {
                namespace: context_namespace(namespace),
                selector: selector.clone(),
            };
            PortForward::start(cluster, target, request.remote_port).await?
        }
    };
    let listener = listen(&request.address, request.local_port, request.remote_port).await?;
    let url = format!("http://{}{}", listener.address(), request.path);
    Ok(Opened {
        forward,
        listener,
        url,
    })
}

/// Listens on `port` if not 0; else on `preferred` (the dashboard's own port) when free, else
/// on any free port.
async fn listen(address: &str, port: u16, preferred: u16) -> Result<LocalListener, ForwardError> {
    if port != 0 {
        return LocalListener::bind(address, port).await;
    }
    match LocalListener::bind(address, preferred).await {
        Err(ForwardError::PortInUse { .. }) => LocalListener::bind(address, 0).await,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_selectors() {
        assert_eq!((KIALI.path, GRAFANA.path), ("/kiali", ""));
        assert_eq!(ISTIOD_DEBUG.path, "/debug");
        assert_eq!(istiod_selector(None), "app=istiod");
        assert_eq!(istiod_selector(Some("default")), "app=istiod");
        assert_eq!(
            istiod_selector(Some("canary")),
            "app=istiod,istio.io/rev=canary"
        );
    }
}
