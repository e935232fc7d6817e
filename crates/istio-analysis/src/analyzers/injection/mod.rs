//! Analyzers of sidecar injection.

pub mod analyzer;
pub mod image;
pub mod image_auto;
