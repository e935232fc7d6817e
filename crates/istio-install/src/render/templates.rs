//! The injection templates under `manifests/injection/`: Go templates istiod runs, embedded
//! verbatim (they are never rendered here).

use include_dir::{include_dir, Dir};

static INJECTION: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../manifests/injection");

/// A raw embedded file, e.g. `injection/sidecar.tmpl`.
pub fn raw(path: &str) -> &'static str {
    INJECTION
        .get_file(path.strip_prefix("injection/").unwrap_or(path))
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default()
}
