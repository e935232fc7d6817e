//! `istioctl tag set|generate|list|remove`: revision tags, the stable names namespaces select
//! with `istio.io/rev=TAG` ([`istio_install::tag`]).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::table;
use super::term::{confirm, run_interruptible, write_stdout};
use crate::cli::GlobalArgs;
use istio_install::render::to_yaml_stream;
use istio_install::tag::{self, TagSpec};

/// Arguments of `istioctl tag`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// What to do with tags.
    #[command(subcommand)]
    pub command: TagCommand,
}

/// `istioctl tag` subcommands.
#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Create or move a revision tag on the cluster
    Set(SetArgs),
    /// Print the webhooks a revision tag is made of, without applying them
    Generate(SetArgs),
    /// List the revision tags, their revisions and the namespaces using them
    List(ListArgs),
    /// Remove a revision tag from the cluster
    Remove(RemoveArgs),
}

/// Arguments of `tag set` and `tag generate`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The tag's name
    pub tag: String,
    /// The control plane revision the tag points at
    #[arg(
        short = 'r',
        long = "revision",
        value_name = "REVISION",
        required = true
    )]
    pub revision: String,
    /// Move the tag even when it points at another revision (and namespaces use it)
    #[arg(long)]
    pub overwrite: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long = "skip-confirmation")]
    pub yes: bool,
    /// The MutatingWebhookConfiguration's name (default istio-revision-tag-TAG)
    #[arg(long = "webhook-name", value_name = "NAME")]
    pub webhook_name: Option<String>,
    /// For the default tag: inject every namespace that has no injection label
    #[arg(long = "auto-inject-namespaces")]
    pub auto_inject_namespaces: bool,
}

/// Arguments of `tag list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format: one of table|json|yaml
    #[arg(short = 'o', long, default_value = "table", value_parser = ["table", "json", "yaml"])]
    pub output: String,
}

/// Arguments of `tag remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The tag's name
    pub tag: String,
    /// Do not ask for confirmation when namespaces still use the tag
    #[arg(short = 'y', long = "skip-confirmation")]
    pub yes: bool,
}

/// Runs `istioctl tag`.
pub fn run(args: &TagArgs, global: &GlobalArgs) -> miette::Result<ExitCode> {
    run_interruptible(async {
        let cluster = global.cluster().connect().await?;
        match &args.command {
            TagCommand::Generate(a) => {
                let objects = tag::generate(&cluster, &spec(a)).await?;
                write_stdout(&to_yaml_stream(&objects))?;
            }
            TagCommand::Set(a) => {
                let current = tag::tags(&cluster)
                    .await?
                    .into_iter()
                    .find(|t| t.tag == a.tag);
                if let Some(c) =
                    current.filter(|c| c.revision != a.revision && !c.namespaces.is_empty())
                {
                    if a.overwrite {
                        let q = format!(
                            "Moving tag {:?} from revision {:?} to {:?} changes the injection of namespaces {}. Proceed?",
                            a.tag, c.revision, a.revision, c.namespaces.join(", ")
                        );
                        if !confirm(&q, a.yes)? {
                            println!("Cancelled.");
                            return Ok(ExitCode::SUCCESS);
                        }
                    }
                }
                let (objects, before) = tag::set(&cluster, &spec(a), a.overwrite).await?;
                for o in &objects {
                    println!("\u{2714} {} {} applied", o.kind(), o.name());
                }
                match before {
                    Some(b) if b.revision != a.revision => println!(
                        "Revision tag {:?} moved from revision {:?} to {:?}.",
                        a.tag, b.revision, a.revision
                    ),
                    _ => println!(
                        "Revision tag {:?} points at revision {:?}.",
                        a.tag, a.revision
                    ),
                }
                println!(
                    "To use it, label a namespace: kubectl label namespace NAMESPACE istio.io/rev={}",
                    a.tag
                );
            }
            TagCommand::List(a) => {
                let tags = tag::tags(&cluster).await?;
                match a.output.as_str() {
                    "json" => println!(
                        "{}",
                        serde_json::to_string_pretty(&tags).unwrap_or_default()
                    ),
                    "yaml" => {
                        write_stdout(&serde_saphyr::to_string(&json!(tags)).unwrap_or_default())?
                    }
                    _ if tags.is_empty() => println!("No Istio revision tag found."),
                    _ => {
                        let rows: Vec<Vec<String>> = tags
                            .iter()
                            .map(|t| {
                                vec![t.tag.clone(), t.revision.clone(), t.namespaces.join(",")]
                            })
                            .collect();
                        write_stdout(&table::render(&["TAG", "REVISION", "NAMESPACES"], &rows))?;
                    }
                }
            }
            TagCommand::Remove(a) => {
                let found = tag::find(&cluster, &a.tag).await?;
                if !found.namespaces.is_empty() {
                    let q = format!(
                        "Namespaces {} still use tag {:?}: their new pods will no longer be injected. Remove it?",
                        found.namespaces.join(", "),
                        a.tag
                    );
                    if !confirm(&q, a.yes)? {
                        println!("Cancelled.");
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                tag::remove(&cluster, &found).await?;
                println!("\u{2714} Revision tag {:?} removed", a.tag);
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn spec(a: &SetArgs) -> TagSpec {
    TagSpec {
        tag: a.tag.clone(),
        revision: a.revision.clone(),
        webhook_name: a.webhook_name.clone(),
        auto_inject_namespaces: a.auto_inject_namespaces,
    }
}
