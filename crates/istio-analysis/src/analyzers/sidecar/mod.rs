//! Analyzers of Sidecars.

pub mod default_selector;
pub mod selector;
