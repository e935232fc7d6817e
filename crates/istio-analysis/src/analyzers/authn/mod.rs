//! Analyzers of Istio request authentication.

pub mod blocked_cidrs;
