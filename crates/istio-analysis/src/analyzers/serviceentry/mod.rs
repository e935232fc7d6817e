//! Analyzers of ServiceEntries.

pub mod protocol_addresses;
