//! Analyzers of Sidecars.

pub mod selector;
