//! The embedded `manifests/` tree and the template engine that renders it.
//!
//! Component templates are minijinja templates producing multi-document YAML. The injection
//! templates under `manifests/injection/` are Go templates consumed by istiod, so they are
//! embedded verbatim and never rendered here.

use include_dir::{include_dir, Dir};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::Value;

static MANIFESTS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../manifests");

/// A raw embedded file, e.g. `injection/sidecar.tmpl`.
pub fn raw(path: &str) -> &'static str {
    MANIFESTS
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default()
}

/// `text` filter: a scalar as YAML would spell it (`true`, not Python's `True`).
fn text(v: minijinja::Value) -> String {
    match v.kind() {
        minijinja::value::ValueKind::Bool => v.is_true().to_string(),
        minijinja::value::ValueKind::Undefined | minijinja::value::ValueKind::None => String::new(),
        _ => v.to_string(),
    }
}

/// The template engine over the embedded component templates.
pub struct Engine {
    env: Environment<'static>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An engine that loads templates lazily from the embedded tree.
    pub fn new() -> Self {
        let mut env = Environment::new();
        // Missing optional values chain to "undefined" rather than failing the render.
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        // Templates produce YAML; values are quoted explicitly with `tojson` where needed.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_filter("text", text);
        // `is ip`: an IPv4 or IPv6 address (not a host name).
        env.add_test("ip", |v: &str| v.parse::<std::net::IpAddr>().is_ok());
        env.set_loader(|name| {
            Ok(MANIFESTS
                .get_file(name)
                .and_then(|f| f.contents_utf8())
                .map(str::to_owned))
        });
        Self { env }
    }

    /// Renders the template at `path` and parses its YAML documents (empty ones dropped).
    pub fn render(&self, path: &str, ctx: &impl Serialize) -> miette::Result<Vec<Value>> {
        let template = self
            .env
            .get_template(path)
            .map_err(|e| miette::miette!("template {path}: {e:#}"))?;
        let text = template
            .render(minijinja::Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| miette::miette!("template {path}: {e:#}"))?;
        let docs: Vec<Value> =
            serde_saphyr::from_multiple(&text).map_err(|e| crate::yaml_report(&e, &text, path))?;
        Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
    }
}
