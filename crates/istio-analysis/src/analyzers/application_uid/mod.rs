//! Analyzers of the user IDs applications run as.

pub mod analyzer;
