//! Istio's API in one place: the 15 Istio kinds' `spec`s as Rust types ([`types`]), whose
//! derived JSON schemas are read into one schema model ([`schema`]) from which we render the
//! CustomResourceDefinitions ([`crds`]) and validate resources ([`validate`]).
//!
//! - [`KINDS`]: every kind with its group, names, versions and printer columns;
//!   [`KindInfo::key`] gives the `group/Kind` key analysis uses.
//! - [`validate`]: one pass over a resource, yielding [`Violation`]s with field paths
//!   (errors and warnings; analysis decides which message codes they become).
//! - [`crds`]: the CRDs with structural `openAPIV3Schema`s, names, versions, printer columns
//!   and the status subresource; they are committed as `manifests/crds/istio-crds.yaml`
//!   (`cargo run --example gen-api -- --write` regenerates it, a test fails when it is stale).
//! - The schemas themselves are committed too, under [`SCHEMAS_PATH`], and embedded: a run
//!   reads a kind's copy instead of generating it from the type (same command, same test).
//!
//! The types in [`types`] state facts of Istio's API (field names, types, enums, oneofs,
//! bounds, patterns, int-or-string and preserve-unknown-fields places, CEL rules) through serde
//! and schemars attributes; their doc comments are our own words. `tests/api_crds.rs` compares
//! every generated CRD, descriptions aside, with Istio's when the shared reference checkout is
//! present, so a change of the API shows up there. Checks the CRDs cannot express (regexes,
//! hosts, ports) and deprecations are attached with [`types::ext::check`] and
//! [`types::ext::deprecated_for`]; every CEL rule has a native implementation in [`rules`].
//! [`release`] names the Istio release all of it models.
#![deny(missing_docs)]

pub mod builtin;
mod crd;
mod kinds;
pub mod release;
pub mod rules;
pub mod schema;
pub mod text;
pub mod types;
mod validate;

pub use crd::{crd, crds, crds_file, crds_yaml, CRDS_PATH};
pub use kinds::{
    find, generate_status_schema, schema_files, status_schema, Column, KindInfo, Version, GROUPS,
    KINDS, SCHEMAS_PATH,
};
pub use validate::{validate, Level, UnknownVersion, Violation};
