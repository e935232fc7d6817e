//! Istio's API in one place: the schemas of the 14 Istio kinds, written once in a small builder
//! language ([`schema`]), from which we render the CustomResourceDefinitions ([`crds`]) and
//! validate resources ([`validate`]).
//!
//! - [`KINDS`]: every kind with its group, names, versions and printer columns;
//!   [`KindInfo::key`] gives the `group/Kind` key analysis uses.
//! - [`validate`]: one pass over a resource, yielding [`Violation`]s with field paths
//!   (errors map to IST0106 SchemaValidationError, warnings to IST0133 SchemaWarning).
//! - [`crds`]: the CRDs with structural `openAPIV3Schema`s, names, versions, printer columns
//!   and the status subresource.

mod crd;
mod kinds;
pub mod rules;
pub mod schema;
pub mod spec;
mod validate;

pub use crd::{crd, crds, crds_yaml};
pub use kinds::{find, status_schema, Column, KindInfo, Version, GROUPS, KINDS};
pub use validate::{validate, Level, UnknownVersion, Violation};
