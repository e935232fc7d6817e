//! The analysis engine: inputs are loaded into a [`store::Store`] indexed by kind, namespace,
//! name and labels; [`analyzer::Analyzer`]s read the kinds they declare and report
//! [`message::Message`]s, whose wording, level and hints come from the [`catalog`].
#![deny(missing_docs)]

pub mod analyze;
pub mod analyzer;
pub mod analyzers;
pub mod catalog;
pub mod cluster;
pub mod defaults;
pub mod kinds;
pub mod load;
pub mod mesh;
pub mod message;
pub mod output;
pub mod resource;
pub mod rules;
pub mod run;
pub mod store;
pub mod suppress;
#[cfg(test)]
pub mod testing;

pub use analyze::{analyze, ClusterSource, Report, Request, Skipped, UsageError};

/// How many threads loading and analysis use: the cores available to the process. Asked once,
/// as finding out reads cgroup files (tens of microseconds) and large inputs ask per file.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
