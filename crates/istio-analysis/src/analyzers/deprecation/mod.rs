//! Analyzers of deprecated Istio configuration.

pub mod fields;
