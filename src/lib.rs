//! istioctl-rs: a fast, single-binary clone of `istioctl`.
//!
//! - [`cli`]: the command line (global flags and subcommands).
//! - [`cmd`]: one module per subcommand.
//! - [`operator`]: the IstioOperator model, profiles, `-f` overlays and `--set` flags.
//! - [`render`]: manifests rendered from a merged configuration.

pub mod analysis;
pub mod api;
pub mod cli;
pub mod cmd;
pub mod inputs;
pub mod operator;
pub mod render;
pub mod version;
pub mod yaml;
