//! istioctl-rs: a fast, single-binary clone of `istioctl`.
//!
//! - [`cli`]: the command line (global flags and subcommands).
//! - [`cmd`]: one module per subcommand.

pub mod analysis;
pub mod api;
pub mod cli;
pub mod cmd;
pub mod version;
pub mod yaml;
