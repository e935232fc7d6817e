//! Analyzers of Kubernetes Services.

pub mod port_name;
