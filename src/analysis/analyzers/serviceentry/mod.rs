//! Analyzers of ServiceEntries.

pub mod conflicting_protocol;
pub mod protocol_addresses;
