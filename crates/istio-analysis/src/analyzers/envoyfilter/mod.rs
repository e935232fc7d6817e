//! Analyzers of Istio EnvoyFilters.

pub mod patch;
