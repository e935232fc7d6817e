//! Spanned YAML loading for analysis: a stream is split into documents, each document is parsed
//! once into a [`serde_json::Value`] with bounded depth and alias expansion, and the line of any
//! field can be looked up later from the document's text (only for resources that get a message).

mod document;
mod field_line;
mod scalar;
mod split;

pub use document::{parse_document, parse_tree, YamlError, MAX_ALIAS_NODES, MAX_DEPTH};
pub use field_line::{field_line, PathSegment};
pub use split::{split_documents, DocumentChunk};
