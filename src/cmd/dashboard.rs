//! `istioctl dashboard`: open an addon's UI (Kiali, Grafana, …) or a component's admin page
//! (Envoy, ControlZ, istiod's debug pages) through a port forward, print the local URL, open
//! the browser, and forward until Ctrl-C.

use std::process::ExitCode;

use clap::{ArgAction, Args, Subcommand};
use miette::miette;

use super::term::EXIT_INTERRUPTED;
use crate::cli::GlobalArgs;
use istio_install::addons::{self, Dashboard, OpenRequest, Pods};
use istio_kube::portforward::ForwardEvent;

/// Arguments of `istioctl dashboard`.
#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Local port to listen to (0: the dashboard's own port if free, else any free port)
    #[arg(
        short = 'p',
        long,
        global = true,
        default_value_t = 0,
        value_name = "PORT"
    )]
    pub port: u16,
    /// Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1
    #[arg(
        long,
        global = true,
        default_value = "localhost",
        value_name = "ADDRESS"
    )]
    pub address: String,
    /// Open the dashboard in a browser (--browser=false only prints the URL)
    #[arg(
        long,
        global = true,
        default_value_t = true,
        action = ArgAction::Set,
        num_args = 0..=1,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub browser: bool,
    /// The dashboard to open.
    #[command(subcommand)]
    pub which: Which,
}

/// `--ui-port` of one addon, with its own default.
macro_rules! addon_args {
    ($name:ident, $port:expr) => {
        /// Arguments of one addon's dashboard.
        #[derive(Debug, Args)]
        pub struct $name {
            /// The component dashboard UI port
            #[arg(long = "ui-port", default_value_t = $port, value_name = "PORT")]
            pub ui_port: u16,
        }
    };
}

addon_args!(KialiArgs, addons::KIALI.port);
addon_args!(PrometheusArgs, addons::PROMETHEUS.port);
addon_args!(GrafanaArgs, addons::GRAFANA.port);
addon_args!(JaegerArgs, addons::JAEGER.port);
addon_args!(ZipkinArgs, addons::ZIPKIN.port);
addon_args!(SkywalkingArgs, addons::SKYWALKING.port);

/// Arguments of `dashboard envoy` and `dashboard proxy`.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// The pod: NAME[.NAMESPACE], or TYPE/NAME[.NAMESPACE] (e.g. deployment/productpage-v1)
    #[arg(value_name = "POD")]
    pub target: Option<String>,
    /// Label selector of the pod (instead of a name)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// The proxy's admin port
    #[arg(long = "ui-port", default_value_t = addons::PROXY_ADMIN_PORT, value_name = "PORT")]
    pub ui_port: u16,
}

/// Arguments of `dashboard controlz`.
#[derive(Debug, Args)]
pub struct ControlzArgs {
    /// The istiod pod: NAME[.NAMESPACE], or TYPE/NAME[.NAMESPACE] (e.g. deployment/istiod)
    #[arg(value_name = "POD")]
    pub target: Option<String>,
    /// Label selector of the pod (instead of a name)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// ControlZ port
    #[arg(long = "ctrlz_port", visible_alias = "ui-port", default_value_t = addons::CONTROLZ.port, value_name = "PORT")]
    pub port: u16,
}

/// Arguments of `dashboard istiod-debug`.
#[derive(Debug, Args)]
pub struct IstiodDebugArgs {
    /// The istiod pod: NAME[.NAMESPACE], or TYPE/NAME[.NAMESPACE] (default: any istiod pod)
    #[arg(value_name = "POD")]
    pub target: Option<String>,
    /// Label selector of the pod (instead of a name)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Control plane revision, when no pod or selector is given
    #[arg(short = 'r', long, value_name = "REVISION")]
    pub revision: Option<String>,
    /// istiod's monitoring port
    #[arg(long = "ui-port", default_value_t = addons::ISTIOD_DEBUG.port, value_name = "PORT")]
    pub ui_port: u16,
}

/// The dashboards.
#[derive(Debug, Subcommand)]
pub enum Which {
    /// Open Grafana web UI
    Grafana(GrafanaArgs),
    /// Open Jaeger web UI
    Jaeger(JaegerArgs),
    /// Open Kiali web UI
    Kiali(KialiArgs),
    /// Open Prometheus web UI
    Prometheus(PrometheusArgs),
    /// Open SkyWalking web UI
    Skywalking(SkywalkingArgs),
    /// Open Zipkin web UI
    Zipkin(ZipkinArgs),
    /// Open the Envoy admin web UI of a pod's proxy
    Envoy(ProxyArgs),
    /// Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)
    Proxy(ProxyArgs),
    /// Open the ControlZ web UI of an istiod pod
    Controlz(ControlzArgs),
    /// Open the debug web UI of an istiod pod
    #[command(name = "istiod-debug")]
    IstiodDebug(IstiodDebugArgs),
}

/// The pod argument and `-l`: exactly one, unless `default` (a selector) stands in for both.
fn pods(
    target: &Option<String>,
    selector: &Option<String>,
    default: Option<String>,
    namespace: Option<String>,
) -> miette::Result<Pods> {
    match (target, selector, default) {
        (Some(_), Some(_), _) => Err(miette!(
            help = "drop the pod name or the -l/--selector",
            "a pod name cannot be given together with a selector"
        )),
        (Some(t), None, _) => Ok(Pods::Named {
            name: t.clone(),
            namespace,
        }),
        (None, Some(s), _) => Ok(Pods::Selector {
            selector: s.clone(),
            namespace,
        }),
        (None, None, Some(selector)) => Ok(Pods::Selector {
            selector,
            namespace,
        }),
        (None, None, None) => Err(miette!(
            help = "name the pod (NAME[.NAMESPACE] or deployment/NAME) or pass -l/--selector",
            "specify a pod or --selector"
        )),
    }
}

/// What to open, before the cluster is asked, and the title it is announced with.
fn plan(args: &DashboardArgs, global: &GlobalArgs) -> miette::Result<(OpenRequest, String)> {
    let istio_ns = || {
        global
            .namespace
            .clone()
            .unwrap_or_else(|| global.istio_namespace.clone())
    };
    let addon = |addon: &'static Dashboard, port: u16| {
        let pods = Pods::Addon {
            addon,
            namespace: istio_ns(),
        };
        (pods, port, addon.path, addon.title.to_owned())
    };
    let (pods, remote_port, path, title) = match &args.which {
        Which::Kiali(a) => addon(&addons::KIALI, a.ui_port),
        Which::Prometheus(a) => addon(&addons::PROMETHEUS, a.ui_port),
        Which::Grafana(a) => addon(&addons::GRAFANA, a.ui_port),
        Which::Jaeger(a) => addon(&addons::JAEGER, a.ui_port),
        Which::Zipkin(a) => addon(&addons::ZIPKIN, a.ui_port),
        Which::Skywalking(a) => addon(&addons::SKYWALKING, a.ui_port),
        // Without -n: the kubeconfig context's namespace, known once connected.
        Which::Envoy(a) | Which::Proxy(a) => (
            pods(&a.target, &a.selector, None, global.namespace.clone())?,
            a.ui_port,
            "",
            "proxy admin".to_owned(),
        ),
        Which::Controlz(a) => (
            pods(&a.target, &a.selector, None, Some(istio_ns()))?,
            a.port,
            addons::CONTROLZ.path,
            addons::CONTROLZ.title.to_owned(),
        ),
        Which::IstiodDebug(a) => {
            if a.revision.is_some() && (a.target.is_some() || a.selector.is_some()) {
                return Err(miette!(
                    help = "drop --revision, or the pod name and -l/--selector",
                    "--revision chooses istiod's pods itself: it cannot be given with a pod or a selector"
                ));
            }
            let default = addons::istiod_selector(a.revision.as_deref());
            (
                pods(&a.target, &a.selector, Some(default), Some(istio_ns()))?,
                a.ui_port,
                addons::ISTIOD_DEBUG.path,
                addons::ISTIOD_DEBUG.title.to_owned(),
            )
        }
    };
    let request = OpenRequest {
        pods,
        remote_port,
        path,
        address: args.address.clone(),
        local_port: args.port,
    };
    Ok((request, title))
}

/// Runs `istioctl dashboard`.
pub fn run(args: &DashboardArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let (request, title) = plan(args, global)?;
    istio_kube::runtime()?.block_on(async {
        tokio::select! {
            result = serve(args, global, &request, &title) => result,
            _ = tokio::signal::ctrl_c() => Ok(ExitCode::from(EXIT_INTERRUPTED)),
        }
    })
}

/// Opens the dashboard, prints the URL, opens the browser and forwards until the forward ends.
async fn serve(
    args: &DashboardArgs,
    global: &GlobalArgs,
    request: &OpenRequest,
    title: &str,
) -> miette::Result<ExitCode> {
    let cluster = global.cluster().connect().await?;
    let opened = addons::open(&cluster, request).await?;
    let (url, pod, port) = (&opened.url, opened.forward.pod(), request.remote_port);
    super::term::write_stdout(&format!("{url}\n"))?;
    eprintln!("Forwarding {url} to {title} in pod {pod} (port {port}); press Ctrl-C to stop");
    if args.browser {
        open_browser(url);
    }
    opened
        .forward
        .serve(opened.listener, |event| match event {
            ForwardEvent::Switched { from, to } => {
                eprintln!("pod {from} went away; forwarding to pod {to}")
            }
            ForwardEvent::Failed(e) => eprintln!("\u{2718} a connection was not forwarded: {e}"),
        })
        .await;
    Ok(ExitCode::SUCCESS)
}

/// Opens `url` in a browser in the background: `$BROWSER` (a `:`-separated list of commands,
/// `%s` standing for the URL, else appended), or the desktop's opener. No browser is not an
/// error: the URL is printed already.
fn open_browser(url: &str) {
    let commands: Vec<String> = match std::env::var("BROWSER") {
        Ok(list) if !list.trim().is_empty() => list.split(':').map(str::to_owned).collect(),
        _ => vec![default_opener().to_owned()],
    };
    let url = url.to_owned();
    std::thread::spawn(move || {
        let opened = commands.iter().any(|command| {
            let mut words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            if words.is_empty() {
                return false;
            }
            if words.iter().any(|w| w.contains("%s")) {
                words = words.iter().map(|w| w.replace("%s", &url)).collect();
            } else {
                words.push(url.clone());
            }
            std::process::Command::new(&words[0])
                .args(&words[1..])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        if !opened {
            eprintln!("could not open a browser; open {url} yourself");
        }
    });
}

/// The command that opens a URL on this system.
fn default_opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}
