//! The embedded IstioOperator profiles (`profiles/*.yaml`, converted to JSON at build time).

/// The profile every other profile is merged onto.
pub const DEFAULT_PROFILE: &str = "default";

/// Names of the embedded profiles, sorted.
pub fn names() -> Vec<&'static str> {
    crate::render::data::operator_profile_names()
}
