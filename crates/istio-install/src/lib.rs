//! The install path: an IstioOperator configuration ([`operator`]) is rendered into
//! Kubernetes objects ([`render`]), which [`apply`] puts on a cluster in dependency order,
//! waits for ([`readiness`]) and prunes. One call per command: [`install::install`],
//! [`uninstall::uninstall`], [`verify::verify`], [`precheck::precheck`],
//! [`check_inject::check_inject`]; [`upgrade`] gates in-place upgrades by version; [`kinds`]
//! is the one table of the kinds we own.
#![deny(missing_docs)]

pub mod addons;
pub mod ambient;
pub mod apply;
pub mod check_inject;
pub mod compat;
pub mod install;
pub mod kinds;
pub mod mesh;
pub mod operator;
pub mod precheck;
pub mod readiness;
pub mod record;
pub mod render;
pub mod tag;
pub mod uninstall;
pub mod upgrade;
pub mod verify;

/// A YAML error as a diagnostic showing `origin` and the offending line (profiles, `-f` files,
/// rendered templates).
pub fn yaml_report(err: &serde_saphyr::Error, text: &str, origin: &str) -> miette::Report {
    let mut options = serde_saphyr::RenderOptions::default();
    options.source_name = Some(origin);
    serde_saphyr::miette::to_miette_report_with_options(err, text, origin, options)
}
