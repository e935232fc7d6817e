//! `istioctl version`: the client version and the Istio version it installs.

use std::process::ExitCode;

use clap::Args;

use crate::cli::GlobalArgs;
use crate::version::{CLIENT_VERSION, ISTIO_VERSION};

/// Arguments of `istioctl version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print only the client version
    #[arg(long)]
    pub short: bool,
    /// Output format: one of json|yaml
    #[arg(short = 'o', long, value_parser = ["json", "yaml"])]
    pub output: Option<String>,
}

/// Prints the versions.
pub fn run(args: &VersionArgs, _global: &GlobalArgs) -> miette::Result<ExitCode> {
    match args.output.as_deref() {
        Some("json") => {
            let doc = serde_json::json!({
                "clientVersion": { "version": CLIENT_VERSION, "istioVersion": ISTIO_VERSION }
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Some(_) => {
            println!(
                "clientVersion:\n  version: {CLIENT_VERSION}\n  istioVersion: {ISTIO_VERSION}"
            );
        }
        None if args.short => println!("{CLIENT_VERSION}"),
        None => {
            println!("client version: {CLIENT_VERSION}");
            println!("istio version (installed by this client): {ISTIO_VERSION}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
