//! `schema.ValidationAnalyzer.<Kind>`: validation of Istio resources against their API, one
//! analyzer per kind, plus the VirtualService route checks.

pub mod validation;
pub mod virtual_service;
