//! A Go `text/template` engine with the functions Istio's injection templates call.
//!
//! Istio's templates are written against typed Go values (structs with zero-valued fields,
//! getter methods, enums that print their names) and reach sprig and Istio-specific
//! functions; [`value::Value`] models those distinctions and [`funcs`] provides the functions.
//! Errors name the template and the line of the failing action.

pub mod exec;
pub mod funcs;
pub mod parse;
pub mod value;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use value::Value;

/// A template that failed to parse or to run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {template:?}, line {line}: {message}")]
pub struct TemplateError {
    /// The template's name.
    pub template: String,
    /// 1-based line in the template source.
    pub line: u32,
    /// What went wrong.
    pub message: String,
}

/// A parsed template, ready to run.
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    parsed: parse::Parsed,
}

/// The function table, keyed with a fast hash (names are looked up on every call).
pub type Funcs = HashMap<&'static str, exec::Func, foldhash::fast::RandomState>;

fn functions() -> &'static Funcs {
    static FUNCS: OnceLock<Funcs> = OnceLock::new();
    FUNCS.get_or_init(funcs::all)
}

impl Template {
    /// Parses `source` as the template `name`.
    pub fn parse(name: &str, source: &str) -> Result<Template, TemplateError> {
        let parsed = parse::parse(source).map_err(|e| TemplateError {
            template: name.to_string(),
            line: e.line,
            message: e.message,
        })?;
        Ok(Template {
            name: name.to_string(),
            parsed,
        })
    }

    /// The template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the template with `data` as dot.
    pub fn render(&self, data: &Value) -> Result<String, TemplateError> {
        exec::Exec::run(&self.parsed, functions(), data).map_err(|e| TemplateError {
            template: self.name.clone(),
            line: e.line,
            message: e.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(src: &str, data: serde_json::Value) -> String {
        Template::parse("t", src)
            .unwrap()
            .render(&Value::from_json_any(&data))
            .unwrap()
    }

    #[test]
    fn go_semantics() {
        assert_eq!(
            run("{{ .a }}-{{ .missing }}", json!({"a": 15020})),
            "15020-<no value>"
        );
        assert_eq!(
            run("{{- $l := list }}{{ range $i, $v := .xs }}{{ $l = append $l $v }}{{ end }}{{ $l | join \",\" }}", json!({"xs": ["a", "b"]})),
            "a,b"
        );
        assert_eq!(
            run(
                "{{ if and .a (not .b) }}y{{ else }}n{{ end }}",
                json!({"a": true, "b": false})
            ),
            "y"
        );
        assert_eq!(
            run(
                "{{ with .m }}{{ .k }}{{ else }}none{{ end }}",
                json!({"m": {"k": "v"}})
            ),
            "v"
        );
        assert_eq!(
            run(
                "{{ range .m }}{{ . }}{{ end }}",
                json!({"m": {"b": 2, "a": 1}})
            ),
            "12"
        );
        assert_eq!(run("{{ .x | default \"d\" | quote }}", json!({})), "\"d\"");
        assert_eq!(
            run(
                "{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" .v }}",
                json!({"v": 3})
            ),
            "[3]"
        );
        assert_eq!(run("{{ (.a).b }}", json!({"a": {"b": "c"}})), "c");
        assert_eq!(
            run("{{ toYaml .a | nindent 2 }}", json!({"a": {"k": [1]}})),
            "\n  k:\n  - 1"
        );
    }

    #[test]
    fn errors_name_template_and_line() {
        let t = Template::parse("sidecar", "a\n{{ nope 1 }}").unwrap();
        let e = t.render(&Value::Nil).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(
            e.to_string(),
            "template \"sidecar\", line 2: function \"nope\" not defined"
        );
    }
}
