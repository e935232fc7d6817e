//! Analyzers of Deployments.

pub mod multi_service;
