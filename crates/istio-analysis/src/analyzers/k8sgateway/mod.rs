//! Analyzers of Kubernetes Gateway API resources.

pub mod crd_version;
pub mod selector;
