//! Analyzers of Istio Gateways.

pub mod certificate;
pub mod conflicting;
pub mod ingress_port;
pub mod secret;
