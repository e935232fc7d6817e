//! `istioctl x check-inject`: for each of Istio's injection webhooks (revision injectors and
//! revision tags), whether it would inject a pod — named, a Deployment's (`deployment/NAME`),
//! or given by its labels (`-l`) — in a namespace, and why, as istioctl's table.

use std::process::ExitCode;

use clap::Args;

use super::table;
use super::term::{run_interruptible, write_stdout};
use crate::cli::GlobalArgs;
use istio_analysis::UsageError;
use istio_install::check_inject::{check_inject, Labels, Subject};

/// Arguments of `istioctl x check-inject`.
#[derive(Debug, Args)]
pub struct CheckInjectArgs {
    /// The pod (NAME or pod/NAME) or Deployment (deployment/NAME) to check
    #[arg(value_name = "POD|deployment/NAME")]
    pub target: Option<String>,
    /// Check a pod with these labels instead, e.g. -l app=web,version=v1
    #[arg(short = 'l', long = "labels", value_name = "KEY=VALUE,...")]
    pub labels: Option<String>,
}

fn usage(message: String, help: &str) -> miette::Report {
    UsageError {
        message,
        help: Some(help.to_owned()),
    }
    .into()
}

/// The subject the arguments name: exactly one of a target and `-l`.
fn subject(args: &CheckInjectArgs) -> miette::Result<Subject> {
    const HELP: &str =
        "name a pod (NAME), a Deployment (deployment/NAME), or give labels with -l KEY=VALUE,...";
    match (&args.target, &args.labels) {
        (Some(_), Some(_)) => Err(usage(
            "give a pod or Deployment name, or -l labels, not both".to_owned(),
            HELP,
        )),
        (None, None) => Err(usage(
            "check-inject needs a pod or Deployment name, or -l labels".to_owned(),
            HELP,
        )),
        (None, Some(text)) => {
            let mut labels = Labels::new();
            for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
                let Some((k, v)) = pair.split_once('=') else {
                    return Err(usage(format!("label {pair:?} is not KEY=VALUE"), HELP));
                };
                labels.insert(k.trim().to_owned(), v.trim().to_owned());
            }
            Ok(Subject::Labels(labels))
        }
        (Some(target), None) => match target.split_once('/') {
            None => Ok(Subject::Pod(target.clone())),
            Some(("pod" | "pods" | "po", name)) => Ok(Subject::Pod(name.to_owned())),
            Some(("deployment" | "deployments" | "deploy", name)) => {
                Ok(Subject::Deployment(name.to_owned()))
            }
            Some((kind, _)) => Err(usage(
                format!("cannot check injection for kind {kind:?}: only pods and Deployments"),
                HELP,
            )),
        },
    }
}

/// Runs `istioctl x check-inject`.
pub fn run(args: &CheckInjectArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    let subject = subject(args)?;
    let namespace = global
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    run_interruptible(async move {
        let cluster = global.cluster().connect().await?;
        let verdicts = check_inject(&cluster, &namespace, &subject).await?;
        let rows: Vec<Vec<String>> = verdicts
            .iter()
            .map(|v| {
                vec![
                    v.webhook.clone(),
                    v.revision.clone(),
                    if v.injected { "\u{2714}" } else { "\u{2718}" }.to_owned(),
                    v.reason.clone(),
                ]
            })
            .collect();
        let mut text = table::render(&["WEBHOOK", "REVISION", "INJECTED", "REASON"], &rows);
        let injecting: Vec<&str> = verdicts
            .iter()
            .filter(|v| v.injected)
            .map(|v| v.webhook.as_str())
            .collect();
        if injecting.len() > 1 {
            text.push_str(&format!(
                "! {} webhooks would inject the pod ({}): it gets one sidecar, from whichever the API server calls first; leave one injection label\n",
                injecting.len(),
                injecting.join(", ")
            ));
        }
        write_stdout(&text)?;
        Ok(ExitCode::SUCCESS)
    })
}
