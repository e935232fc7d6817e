//! Test support: run one analyzer over YAML fixtures and get `(code, origin, line)` triples.

use std::path::PathBuf;

use super::analyzer::Analyzer;
use super::load::{load_inputs, LoadOptions};
use super::mesh::MeshConfig;
use super::run::{run, RunOptions};
use super::store::StoreBuilder;

/// Path of a fixture under `tests/fixtures/analyze/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/analyze")
        .join(name)
}

/// Runs `analyzer` over the fixtures (all namespaces, default mesh config) and returns
/// `(code, origin, line)` of each finding, sorted. Panics if a fixture fails to load.
pub fn analyze(analyzer: &dyn Analyzer, fixtures: &[&str]) -> Vec<(String, String, u32)> {
    analyze_with_mesh(analyzer, fixtures, MeshConfig::defaults("istio-system"))
}

/// Like [`analyze`], with a given mesh configuration.
pub fn analyze_with_mesh(
    analyzer: &dyn Analyzer,
    fixtures: &[&str],
    mesh: MeshConfig,
) -> Vec<(String, String, u32)> {
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
    let mut rule_errors = Vec::new();
    let findings = run(&[analyzer], &store, &mesh, &opts, &mut rule_errors);
    assert!(
        rule_errors.is_empty(),
        "built-in analyzers report no rule errors"
    );
    findings
        .into_iter()
        .map(|f| {
            (
                f.entry.code.to_owned(),
                f.origin,
                f.location.map_or(0, |(_, line)| line),
            )
        })
        .collect()
}
