//! istioctl-rs: a fast, single-binary clone of `istioctl`.
//!
//! - [`cli`]: the command line (global flags and subcommands).
//! - [`cmd`]: one module per subcommand.
//! - [`operator`]: the IstioOperator model, profiles, `-f` overlays and `--set` flags.
//! - [`kube`]: the cluster client layer.
//! - [`install`]: the apply pipeline of `install`, `uninstall` and `verify-install`.
//! - [`render`]: manifests rendered from a merged configuration.

pub mod analysis;
pub mod api;
pub mod cli;
pub mod cmd;
pub mod inputs;
pub mod install;
pub mod kube;
pub mod operator;
pub mod render;
pub mod tree;
pub mod version;
pub mod yaml;
