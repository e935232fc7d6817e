//! Analyzers of the status conditions Istio writes on resources.

pub mod condition;
