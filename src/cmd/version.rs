//! `istioctl version`: the client version, the Istio version it installs, and the control
//! plane's version read from the cluster (istiod's image tag) unless `--remote=false`.

use std::process::ExitCode;

use clap::Args;

use crate::cli::GlobalArgs;
use istio_api::release::{CLIENT_VERSION, ISTIO_VERSION};
use istio_install::apply::{control_planes, ControlPlane};
use istio_kube::KubeError;

/// Arguments of `istioctl version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print only the client version
    #[arg(long)]
    pub short: bool,
    /// Output format: one of json|yaml
    #[arg(short = 'o', long, value_parser = ["json", "yaml"])]
    pub output: Option<String>,
    /// Also read the control plane version from the cluster (`--remote=false` to skip)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub remote: bool,
}

/// Prints the versions.
pub fn run(args: &VersionArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let planes = if args.remote && !args.short {
        Some(istio_kube::runtime()?.block_on(remote(global)))
    } else {
        None
    };
    match args.output.as_deref() {
        Some("json") => {
            let mut doc = serde_json::json!({
                "clientVersion": { "version": CLIENT_VERSION, "istioVersion": ISTIO_VERSION }
            });
            if let Some(Ok(planes)) = &planes {
                doc["meshVersion"] = planes
                    .iter()
                    .map(|p| serde_json::json!({"component": "istiod", "namespace": p.namespace, "revision": p.revision, "version": p.version}))
                    .collect();
            }
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Some(_) => {
            println!(
                "clientVersion:\n  version: {CLIENT_VERSION}\n  istioVersion: {ISTIO_VERSION}"
            );
            if let Some(Ok(planes)) = &planes {
                if !planes.is_empty() {
                    println!("meshVersion:");
                }
                for p in planes {
                    println!(
                        "- component: istiod\n  namespace: {}\n  revision: {}\n  version: {}",
                        p.namespace, p.revision, p.version
                    );
                }
            }
        }
        None if args.short => println!("{CLIENT_VERSION}"),
        None => {
            println!("client version: {CLIENT_VERSION}");
            println!("istio version (installed by this client): {ISTIO_VERSION}");
            match &planes {
                Some(Ok(planes)) if planes.is_empty() => println!(
                    "control plane version: none (no istiod in namespace {})",
                    global.istio_namespace
                ),
                Some(Ok(planes)) => {
                    for p in planes {
                        println!(
                            "control plane version: {} (istiod {}/{}, revision {})",
                            p.version, p.namespace, p.name, p.revision
                        );
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(Err(e)) = &planes {
        eprintln!("warning: control plane version unavailable: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The control planes in the Istio namespace of the cluster.
async fn remote(global: &GlobalArgs) -> Result<Vec<ControlPlane>, KubeError> {
    let cluster = global.cluster().connect().await?;
    control_planes(&cluster, Some(&global.istio_namespace)).await
}
