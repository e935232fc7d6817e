//! Formatters of analysis findings: `log` (one line per finding, a hint line and, on a terminal,
//! a code frame), `json` and `yaml` (an array of records), and `sarif` (SARIF 2.1.0).

pub mod json;
pub mod log;
pub mod sarif;
pub mod yaml;

use miette::{GraphicalReportHandler, GraphicalTheme};
use serde::Serialize;

use super::catalog;
use super::load::LoadError;
use super::run::Finding;

/// A finding as `-o json` and `-o yaml` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record<'a> {
    /// The code, e.g. `IST0101`.
    pub code: &'a str,
    /// `Error`, `Warning` or `Info`.
    pub level: String,
    /// `Kind namespace/name`, `Kind name` for cluster-scoped resources, or empty.
    pub origin: &'a str,
    /// `file:line` for resources read from files, else empty.
    pub reference: String,
    /// The message.
    pub message: &'a str,
    /// istio.io's page about the code.
    pub documentation_url: String,
    /// How to fix it (may be empty).
    pub hint: &'a str,
}

impl<'a> Record<'a> {
    /// The record of one finding.
    pub fn new(f: &'a Finding) -> Self {
        Record {
            code: f.entry.code,
            level: f.level.to_string(),
            origin: &f.origin,
            reference: f
                .location
                .as_ref()
                .map(|(file, line)| format!("{file}:{line}"))
                .unwrap_or_default(),
            message: &f.text,
            documentation_url: catalog::documentation_url(f.entry.code),
            hint: &f.hint,
        }
    }
}

/// The records of findings, in order, serialized one by one (no list of records is built).
pub struct Records<'a>(pub &'a [Finding]);

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Record::new))
    }
}

/// Renders load errors as miette diagnostics, `file:line: message` and a code frame, for stderr.
pub fn load_errors(errors: &[LoadError], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for error in errors {
        let mut one = String::new();
        if handler
            .render_report(&mut one, &error.diagnostic())
            .is_err()
        {
            one = format!("Error: {}: {}\n", error.place(), error.message);
        }
        out.push_str(&one);
        out.push('\n');
    }
    out
}

/// Renders findings and load errors in every format, with colors and code frames: what the
/// fuzz target and its regression tests drive, so that no input makes a formatter panic.
/// Returns the total length of what was rendered.
pub fn render_all(findings: &[Finding], errors: &[LoadError]) -> usize {
    let style = log::LogStyle {
        color: true,
        frames: true,
    };
    log::render(findings, style).len()
        + json::render(findings).map_or(0, |s| s.len())
        + yaml::render(findings).map_or(0, |s| s.len())
        + sarif::render(findings, errors).map_or(0, |s| s.len())
        + load_errors(errors, true).len()
}
