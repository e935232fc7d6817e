//! Inputs that once broke the engine (found by `fuzz/`), and every analyze fixture, run through
//! the whole engine and every formatter: none may panic.

use std::path::{Path, PathBuf};

use istio_analysis::output::render_all;
use istio_analysis::run::analyze_bytes;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_input_makes_the_engine_or_a_formatter_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analyze");
    let mut files = Vec::new();
    files_under(&root, &mut files);
    files.sort();
    assert!(files.len() > 5, "fixtures found: {files:?}");
    for file in files {
        let bytes = std::fs::read(&file).expect("read fixture");
        let outcome = std::panic::catch_unwind(|| {
            let (findings, report) = analyze_bytes(&bytes);
            render_all(&findings, &report.errors)
        });
        assert!(outcome.is_ok(), "{} made the engine panic", file.display());
    }
}
