//! YAML loading within limits: a stream is split into documents, each document is parsed once,
//! with bounded depth and alias expansion, into a [`crate::tree::Document`] whose nodes know
//! their lines ([`parse_tree`]), or into a `serde_json::Value` ([`parse_document`]) where a
//! JSON value is wanted. [`LineIndex`] and [`IndexedText`] locate lines and code frames of
//! a large text without scanning it per diagnostic.

mod document;
mod lines;
mod scalar;
mod secrets;
mod split;

pub use crate::tree::PathSegment;
pub use document::{parse_document, parse_tree, YamlError, MAX_ALIAS_NODES, MAX_DEPTH};
pub use lines::{IndexedText, LineIndex};
pub use secrets::{mask_secrets, secret_ranges, SecretScrubber};
pub use split::{split_documents, DocumentChunk};
