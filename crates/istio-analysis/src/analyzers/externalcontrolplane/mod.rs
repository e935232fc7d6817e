//! Analyzers of a remote cluster's link to an external Istio control plane.

pub mod webhooks;
