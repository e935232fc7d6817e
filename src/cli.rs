//! The command line: istioctl's global flags and the subcommands.

use clap::{Args, Parser, Subcommand};

use crate::cmd;

/// Istio configuration command line utility, in one fast binary.
#[derive(Debug, Parser)]
#[command(name = "istioctl", version = istio_api::release::CLIENT_VERSION, about, long_about = None)]
pub struct Cli {
    /// Flags every subcommand accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// istioctl's global flags.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Kubernetes configuration file
    #[arg(short = 'c', long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// Kubernetes configuration context
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// Kubernetes namespace
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Istio system namespace
    #[arg(
        short = 'i',
        long = "istioNamespace",
        global = true,
        default_value = "istio-system",
        value_name = "NAMESPACE"
    )]
    pub istio_namespace: String,
}

impl GlobalArgs {
    /// The cluster the kubeconfig flags name.
    pub fn cluster(&self) -> istio_kube::ClusterConfig {
        istio_kube::ClusterConfig {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze Istio configuration and print validation messages
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Validate Istio and Kubernetes resources in files against the API
    Validate(cmd::validate::ValidateArgs),
    /// Print the client version and the Istio version it installs
    Version(cmd::version::VersionArgs),
    /// Generate a shell completion script
    Completion(cmd::completion::CompletionArgs),
    /// Commands related to Istio manifests
    Manifest(cmd::manifest::ManifestArgs),
    /// Commands related to Istio configuration profiles
    Profile(cmd::profile::ProfileArgs),
    /// Apply an Istio control plane to the cluster and wait until it is ready
    #[command(visible_alias = "apply")]
    Install(cmd::install::InstallArgs),
    /// Upgrade an installed Istio control plane in place to this release, after checking the version step
    Upgrade(cmd::install::InstallArgs),
    /// Remove Istio from the cluster (a revision's control plane, or everything with --purge)
    Uninstall(cmd::uninstall::UninstallArgs),
    /// Inject the Istio sidecar into the workloads of Kubernetes YAML, offline
    #[command(name = "kube-inject")]
    KubeInject(cmd::kube_inject::KubeInjectArgs),
    /// Verify that the cluster matches what the configuration renders
    VerifyInstall(cmd::verify_install::VerifyInstallArgs),
    /// Open an addon's or a component's web UI through a port forward
    #[command(visible_aliases = ["dash", "d"])]
    Dashboard(cmd::dashboard::DashboardArgs),
    /// Revision tags: stable names for control plane revisions
    Tag(cmd::tag::TagArgs),
    /// Experimental commands
    #[command(name = "x", visible_alias = "experimental")]
    X(cmd::precheck::ExperimentalArgs),
}
