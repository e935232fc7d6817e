//! Test support: run one analyzer over YAML fixtures and get its findings as a user reads them
//! — code, resource, `file:line`, the rendered message and its hint — ready for a snapshot.
//!
//! ```ignore
//! insta::assert_snapshot!(analyze(&ANALYZER, &["service/port-names.yaml"]));
//! ```
//!
//! renders one line per finding, its hint indented below it:
//!
//! ```text
//! IST0118 Service shop/cart service/port-names.yaml:10 Port "web" (port 80, targetPort 8080) …
//!     hint: Rename the port …
//! ```

use std::fmt;
use std::path::PathBuf;

use super::analyzer::Analyzer;
use super::load::{load_inputs, LoadOptions};
use super::mesh::MeshConfig;
use super::run::{run, RunOptions};
use super::store::StoreBuilder;

/// Path of a fixture under `tests/fixtures/analyze/`.
pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/analyze")
}

/// One finding as a user reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The code, e.g. `IST0101`.
    pub code: String,
    /// `Kind namespace/name` (or `Kind name`).
    pub origin: String,
    /// The fixture (relative to `tests/fixtures/analyze/`) and the 1-based line.
    pub location: Option<(String, u32)>,
    /// The rendered message.
    pub message: String,
    /// The rendered fix hint (may be empty).
    pub hint: String,
}

/// The findings of one run, in the order the engine reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings(pub Vec<Found>);

impl Findings {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Only the findings with this code.
    pub fn only(self, code: &str) -> Findings {
        Findings(self.0.into_iter().filter(|f| f.code == code).collect())
    }

    /// `(code, origin, line)` of each finding.
    pub fn tuples(&self) -> Vec<(String, String, u32)> {
        self.0
            .iter()
            .map(|f| {
                let line = f.location.as_ref().map_or(0, |(_, l)| *l);
                (f.code.clone(), f.origin.clone(), line)
            })
            .collect()
    }
}

impl fmt::Display for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for found in &self.0 {
            write!(f, "{} {}", found.code, found.origin)?;
            if let Some((file, line)) = &found.location {
                write!(f, " {file}:{line}")?;
            }
            writeln!(f, " {}", found.message)?;
            if !found.hint.is_empty() {
                writeln!(f, "    hint: {}", found.hint)?;
            }
        }
        Ok(())
    }
}

/// Runs `analyzer` over the fixtures (all namespaces, default mesh config). Panics if a
/// fixture fails to load.
pub fn analyze(analyzer: &dyn Analyzer, fixtures: &[&str]) -> Findings {
    analyze_with_mesh(analyzer, fixtures, MeshConfig::defaults("istio-system"))
}

/// Like [`analyze`], with a given mesh configuration.
pub fn analyze_with_mesh(analyzer: &dyn Analyzer, fixtures: &[&str], mesh: MeshConfig) -> Findings {
    let mut builder = StoreBuilder::default();
    let inputs: Vec<PathBuf> = fixtures.iter().map(|f| fixture(f)).collect();
    let opts = LoadOptions {
        default_namespace: "default".to_owned(),
        recursive: true,
    };
    let report = load_inputs(&inputs, &opts, &mut builder);
    assert!(
        report.errors.is_empty(),
        "fixtures failed to load: {:?}",
        report.errors
    );
    let store = builder.build();
    let opts = RunOptions {
        istio_namespace: "istio-system".to_owned(),
        ..RunOptions::default()
    };
    let base = fixtures_dir().display().to_string();
    let mut rule_errors = crate::rules::RuleErrors::default();
    let findings = run(&[analyzer], &store, &mesh, &opts, &mut rule_errors);
    assert!(
        rule_errors.is_empty(),
        "built-in analyzers report no rule errors"
    );
    let found = findings
        .into_iter()
        .map(|f| Found {
            code: f.entry.code.to_owned(),
            origin: f.origin,
            location: f.location.map(|(file, line)| {
                let relative = file
                    .strip_prefix(&base)
                    .map_or(file.as_str(), |r| r.trim_start_matches('/'))
                    .to_owned();
                (relative, line)
            }),
            message: f.text,
            hint: f.hint,
        })
        .collect();
    Findings(found)
}
