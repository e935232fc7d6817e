//! `x-kubernetes-validations` of CRD schemas: CEL rules evaluated with `self` bound to the value
//! at the rule's schema node, as the API server does, with the CEL standard library, the strings
//! and lists extensions and Kubernetes' `url()` (`getScheme`, `getHost`, `getPort`,
//! `getEscapedPath`). Transition rules (`oldSelf`) apply to updates only; the emulator checks
//! custom resources without the old object, so it evaluates them as a create. A rule the
//! emulator cannot evaluate is reported as a warning, never passed silently.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cel::extractors::This;
use cel::objects::Value as Cel;
use cel::{Context, Env, Program};
use serde_json::Value;

/// What a rule gave.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The rule holds (or is a transition rule, which a create skips).
    Holds,
    /// The rule does not hold.
    Fails,
    /// The rule could not be evaluated: why.
    Unevaluable(String),
}

/// Compiled rules (or why they do not compile), by text.
type Programs = Mutex<HashMap<String, Result<Arc<Program>, String>>>;

fn programs() -> &'static Programs {
    static PROGRAMS: OnceLock<Programs> = OnceLock::new();
    PROGRAMS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn environment() -> Result<Arc<Env>, String> {
    static ENV: OnceLock<Result<Arc<Env>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        env.add_extension(cel::extensions::strings)
            .and_then(|_| env.add_extension(cel::extensions::lists))
            .map_err(|e| format!("{e:?}"))?;
        Ok(Arc::new(env))
    })
    .clone()
}

fn compile(rule: &str) -> Result<Arc<Program>, String> {
    let mut cache = programs().lock().unwrap_or_else(|p| p.into_inner());
    cache
        .entry(rule.to_string())
        .or_insert_with(|| {
            let env = environment()?;
            env.compile(rule)
                .map(Arc::new)
                .map_err(|e| format!("does not compile: {e}"))
        })
        .clone()
}

/// JSON as CEL values: integers are `int`, as Kubernetes binds them.
fn to_cel(value: &Value) -> Cel {
    match value {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cel::Int(i),
            None => Cel::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Cel::from(s.clone()),
        Value::Array(items) => Cel::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(map) => {
            let entries: HashMap<String, Cel> =
                map.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            Cel::from(entries)
        }
    }
}

/// The parts of a URL that Kubernetes' `url()` exposes: scheme, host, port, escaped path.
fn url_parts(text: &str) -> Option<(String, String, String, String)> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (
            h.to_string(),
            after.strip_prefix(':').unwrap_or("").to_string(),
        )
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.to_string()),
            None => (host_port.to_string(), String::new()),
        }
    };
    Some((scheme.to_string(), host, port, path.to_string()))
}

fn context(env: Arc<Env>) -> Context<'static, 'static> {
    let mut ctx = Context::with_env(env);
    // `url(s)` validates and passes the text on; its getters parse it again.
    let declared = [
        ctx.add_function(
            "url",
            |s: Arc<String>| -> Result<Arc<String>, cel::ExecutionError> {
                match url_parts(&s) {
                    Some(_) => Ok(s),
                    None => Err(cel::ExecutionError::function_error(
                        "url",
                        format!("URL parse error during conversion from string: {s}"),
                    )),
                }
            },
        ),
        ctx.add_function("getScheme", |This(s): This<Arc<String>>| {
            url_parts(&s).map(|p| p.0).unwrap_or_default()
        }),
        ctx.add_function("getHost", |This(s): This<Arc<String>>| {
            url_parts(&s).map(|p| p.1).unwrap_or_default()
        }),
        ctx.add_function("getPort", |This(s): This<Arc<String>>| {
            url_parts(&s).map(|p| p.2).unwrap_or_default()
        }),
        ctx.add_function("getEscapedPath", |This(s): This<Arc<String>>| {
            url_parts(&s).map(|p| p.3).unwrap_or_default()
        }),
    ];
    // A name the standard library already declares would be a programming error here.
    debug_assert!(declared.iter().all(Result::is_ok));
    ctx
}

/// Evaluates `rule` with `self` = `value`.
pub(crate) fn evaluate(rule: &str, value: &Value) -> Outcome {
    if rule.contains("oldSelf") {
        return Outcome::Holds;
    }
    let program = match compile(rule) {
        Ok(p) => p,
        Err(e) => return Outcome::Unevaluable(e),
    };
    let env = match environment() {
        Ok(env) => env,
        Err(e) => return Outcome::Unevaluable(e),
    };
    let mut ctx = context(env);
    ctx.add_variable_from_value("self", to_cel(value));
    match program.execute(&ctx) {
        Ok(Cel::Bool(true)) => Outcome::Holds,
        Ok(Cel::Bool(false)) => Outcome::Fails,
        Ok(other) => Outcome::Unevaluable(format!("gives {other:?}, not a boolean")),
        Err(e) => Outcome::Unevaluable(format!("evaluation error: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn istio_style_rules() {
        let spec = json!({ "selector": { "matchLabels": { "app": "a" } }, "targetRef": { "kind": "Gateway" } });
        let one_of = "(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) <= 1";
        assert_eq!(evaluate(one_of, &spec), Outcome::Fails);
        assert_eq!(evaluate(one_of, &json!({ "selector": {} })), Outcome::Holds);
        assert_eq!(
            evaluate("0 < self && self <= 65535", &json!(8080)),
            Outcome::Holds
        );
        assert_eq!(
            evaluate("0 < self && self <= 65535", &json!(70000)),
            Outcome::Fails
        );
        assert_eq!(
            evaluate("duration(self) >= duration('1ms')", &json!("10s")),
            Outcome::Holds
        );
        assert_eq!(
            evaluate("duration(self) >= duration('1ms')", &json!("0s")),
            Outcome::Fails
        );
        assert_eq!(
            evaluate(
                "self.all(key, !key.contains(\"*\"))",
                &json!({ "a": "x", "b*": "y" })
            ),
            Outcome::Fails
        );
        assert_eq!(
            evaluate(
                "self.startsWith(\"unix://\") ? (self.substring(7, 8) == \"/\") : true",
                &json!("unix:///run/x")
            ),
            Outcome::Holds
        );
        assert_eq!(
            evaluate(
                "url(self).getScheme() in [\"http\", \"https\"]",
                &json!("https://example.com/x")
            ),
            Outcome::Holds
        );
        assert_eq!(
            evaluate(
                "url(self).getScheme() in [\"http\", \"https\"]",
                &json!("ftp://example.com")
            ),
            Outcome::Fails
        );
        assert_eq!(
            evaluate(
                "self.all(l1, self.exists_one(l2, l1.number == l2.number))",
                &json!([{ "number": 1 }, { "number": 1 }])
            ),
            Outcome::Fails
        );
        assert_eq!(evaluate("self.oldSelf == self", &json!(1)), Outcome::Holds);
        assert!(
            matches!(evaluate("self.(", &json!(1)), Outcome::Unevaluable(e) if e.starts_with("does not compile"))
        );
        assert!(
            matches!(evaluate("self + 1", &json!(1)), Outcome::Unevaluable(e) if e.contains("not a boolean"))
        );
    }

    /// Every rule of Istio's CRDs (from the reference data, when present) compiles here.
    #[test]
    fn every_istio_crd_rule_compiles() {
        let dir = std::env::var("ISTIO_REFERENCE_DIR").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/reference/istio"
            )
            .to_string()
        });
        let path = std::path::Path::new(&dir).join("charts/base/files/crd-all.gen.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("SKIPPED: {} is absent", path.display());
            return;
        };
        fn collect(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::Array(rs)) = m.get("x-kubernetes-validations") {
                        out.extend(
                            rs.iter()
                                .filter_map(|r| r["rule"].as_str().map(str::to_string)),
                        );
                    }
                    m.values().for_each(|c| collect(c, out));
                }
                Value::Array(a) => a.iter().for_each(|c| collect(c, out)),
                _ => {}
            }
        }
        let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
        let mut all = Vec::new();
        docs.iter().for_each(|d| collect(d, &mut all));
        assert!(all.len() > 100, "{} rules", all.len());
        let failing: Vec<String> = all
            .iter()
            .filter_map(|r| compile(r).err().map(|e| format!("{r}: {e}")))
            .collect();
        assert!(
            failing.is_empty(),
            "{} of {} rules fail:\n{}",
            failing.len(),
            all.len(),
            failing.join("\n")
        );
    }
}
