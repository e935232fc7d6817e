//! Analyzers of Istio annotations.

pub mod k8s;
pub mod known;
