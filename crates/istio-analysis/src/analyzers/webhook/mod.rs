//! Analyzers of Istio's admission webhooks.

pub mod analyzer;
