//! The bottom of istioctl-rs: what every engine crate reads and nothing else.
//!
//! - [`yaml`]: YAML documents split and parsed within limits, with field paths and lines.
//! - [`tree`]: the compact, line-annotated document tree analysis and validation walk.
//! - [`inputs`]: local inputs (files, directories walked in a stable order, stdin).
//! - [`suggest`]: the one "did you mean" helper.
//! - [`duration`]: durations as Go writes them (`1m30s`).
#![deny(missing_docs)]

pub mod duration;
pub mod inputs;
pub mod suggest;
pub mod tree;
pub mod yaml;
