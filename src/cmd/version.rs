//! `istioctl version`: the client version, the Istio version it installs, and, unless
//! `--remote=false`, the cluster's control planes per revision (istiod's image tag) and its
//! data plane (the proxy versions of injected pods). `-s` prints the summary lines only;
//! `-r` keeps one revision.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::table;
use crate::cli::GlobalArgs;
use istio_api::release::{CLIENT_VERSION, ISTIO_VERSION};
use istio_install::mesh::{self, Mesh, Proxy};

/// Arguments of `istioctl version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print the summary lines only (the client version alone with --remote=false)
    #[arg(short = 's', long)]
    pub short: bool,
    /// Output format: one of json|yaml
    #[arg(short = 'o', long, value_parser = ["json", "yaml"])]
    pub output: Option<String>,
    /// Also read the control plane and data plane versions from the cluster (`--remote=false` to skip)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub remote: bool,
    /// Show only this control plane revision and the proxies it injected
    #[arg(short = 'r', long = "revision", value_name = "REVISION")]
    pub revision: Option<String>,
}

/// Prints the versions.
pub fn run(args: &VersionArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let mesh = if args.remote {
        let revision = args.revision.as_deref();
        Some(istio_kube::runtime()?.block_on(async {
            let cluster = global.cluster().connect().await?;
            mesh::versions(&cluster, &global.istio_namespace, revision).await
        }))
    } else {
        None
    };
    match args.output.as_deref() {
        Some(format) => {
            let mut doc = json!({
                "clientVersion": { "version": CLIENT_VERSION, "istioVersion": ISTIO_VERSION }
            });
            if let Some(Ok(mesh)) = &mesh {
                doc["meshVersion"] = mesh
                    .planes
                    .iter()
                    .map(|p| json!({"component": "istiod", "namespace": p.namespace, "name": p.name, "revision": p.revision, "version": p.version}))
                    .collect();
                doc["dataPlaneVersion"] = mesh
                    .proxies
                    .iter()
                    .map(|p| json!({"namespace": p.namespace, "pod": p.name, "revision": p.revision, "version": p.version}))
                    .collect();
            }
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            } else {
                print!("{}", serde_saphyr::to_string(&doc).unwrap_or_default());
            }
        }
        None if args.short && !args.remote => println!("{CLIENT_VERSION}"),
        None => {
            println!("client version: {CLIENT_VERSION}");
            if !args.short {
                println!("istio version (installed by this client): {ISTIO_VERSION}");
            }
            if let Some(Ok(mesh)) = &mesh {
                print_mesh(mesh, global, args.short);
            }
        }
    }
    if let Some(Err(e)) = &mesh {
        eprintln!("warning: control plane version unavailable: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

fn print_mesh(mesh: &Mesh, global: &GlobalArgs, short: bool) {
    if mesh.planes.is_empty() {
        println!(
            "control plane version: none (no istiod in namespace {})",
            global.istio_namespace
        );
    } else {
        println!(
            "control plane version: {}",
            versions(mesh.planes.iter().map(|p| &p.version))
        );
    }
    if mesh.proxies.is_empty() {
        println!("data plane version: none (no injected pods)");
    } else {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &mesh.proxies {
            *counts.entry(p.version.as_str()).or_default() += 1;
        }
        let text: Vec<String> = counts
            .iter()
            .map(|(v, n)| format!("{v} ({n} {})", if *n == 1 { "proxy" } else { "proxies" }))
            .collect();
        println!("data plane version: {}", text.join(", "));
    }
    if short || mesh.planes.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = mesh
        .planes
        .iter()
        .map(|p| {
            let injected: Vec<&Proxy> = mesh
                .proxies
                .iter()
                .filter(|x| x.revision == p.revision)
                .collect();
            let mut by_version: BTreeMap<&str, usize> = BTreeMap::new();
            for x in &injected {
                *by_version.entry(x.version.as_str()).or_default() += 1;
            }
            let proxies = if injected.is_empty() {
                "0".to_owned()
            } else {
                let detail: Vec<String> = by_version
                    .iter()
                    .map(|(v, n)| format!("{n}\u{d7}{v}"))
                    .collect();
                format!("{} ({})", injected.len(), detail.join(", "))
            };
            vec![
                p.revision.clone(),
                p.namespace.clone(),
                p.name.clone(),
                p.version.clone(),
                proxies,
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["REVISION", "NAMESPACE", "ISTIOD", "VERSION", "PROXIES"],
            &rows
        )
    );
}

/// Distinct versions, in order, comma-separated.
fn versions<'a>(all: impl Iterator<Item = &'a String>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for v in all {
        if !seen.contains(&v.as_str()) {
            seen.push(v);
        }
    }
    seen.join(", ")
}
