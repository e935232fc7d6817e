//! Validation of resources against the rules of their kind, one file per kind.

pub mod virtual_service;
