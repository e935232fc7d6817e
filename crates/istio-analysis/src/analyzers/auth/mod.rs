//! Analyzers of Istio AuthorizationPolicies.

pub mod authorization_policies;
