//! istioctl's `--set PATH=VALUE` syntax.
//!
//! A path is a dotted list of keys (`\.` escapes a dot inside a key). A key may be followed
//! by list selectors: `[N]` picks the N-th entry (N = length appends one), `[key:value]`
//! picks the entry whose `key` equals `value`; a selector may also stand alone as a path
//! element (`components.ingressGateways.[name:istio-ingressgateway].enabled`). Shorthands:
//! `profile`, `hub`, `tag`, `revision`, `namespace` and the trees `meshConfig`, `values`,
//! `components`, `unvalidatedValues` all live under `spec` (a leading `spec.` is accepted).
//!
//! Values are typed as istioctl types them: integer, then float, then Go-style boolean
//! (`true`, `False`, `t` ...), else string (`\,` becomes `,`). The spec's text fields (`hub`,
//! `tag` ...) always stay strings, and so do values whose default is a string.

use serde_json::{Map, Number, Value};

use super::spec::{COMPONENT_FIELDS, COMPONENT_NAMES, K8S_FIELDS, MESH_FIELDS, SPEC_FIELDS};
use super::values;
use istio_core::suggest::closest;

/// One element of a `--set` path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
    /// The list entry whose `key` field equals `value`.
    Select {
        /// Field compared.
        key: String,
        /// Value matched.
        value: String,
    },
}

/// A parsed `--set` flag.
#[derive(Debug, Clone, PartialEq)]
pub struct SetFlag {
    /// The path as given.
    pub raw_path: String,
    /// The path below `spec`.
    pub path: Vec<Segment>,
    /// The typed value.
    pub value: Value,
}

/// Why a `--set` flag was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct SetError {
    /// The path as given.
    pub path: String,
    /// What is wrong.
    pub reason: String,
    /// A nearby valid name, when there is one.
    pub suggestion: Option<String>,
    /// Whether the path names a field the IstioOperator does not have (a validation error
    /// `--force` proceeds past by ignoring the flag).
    pub unknown_field: bool,
}

impl SetError {
    fn new(path: &str, reason: impl Into<String>, suggestion: Option<String>) -> Self {
        Self {
            path: path.to_owned(),
            reason: reason.into(),
            suggestion,
            unknown_field: false,
        }
    }

    fn unknown(path: &str, reason: impl Into<String>, suggestion: Option<String>) -> Self {
        Self {
            unknown_field: true,
            ..Self::new(path, reason, suggestion)
        }
    }
}

/// Text fields of `spec` whose values are never typed.
const TEXT_FIELDS: &[&str] = &[
    "profile",
    "hub",
    "tag",
    "revision",
    "namespace",
    "installPackagePath",
    "compatibilityVersion",
];

/// Parses and checks one `PATH=VALUE` argument.
pub fn parse(arg: &str) -> Result<SetFlag, SetError> {
    parse_with(arg, true)
}

/// Parses one `PATH=VALUE` argument without checking `values.*` paths against the known
/// values (what `--force` proceeds with).
pub fn parse_unchecked(arg: &str) -> Result<SetFlag, SetError> {
    parse_with(arg, false)
}

fn parse_with(arg: &str, check_values: bool) -> Result<SetFlag, SetError> {
    let Some((raw_path, raw_value)) = arg.split_once('=') else {
        return Err(SetError::new(arg, "expected PATH=VALUE", None));
    };
    let raw_path = raw_path.trim();
    let mut path = parse_path(raw_path).map_err(|r| SetError::new(raw_path, r, None))?;
    if path.first() == Some(&Segment::Key("spec".into())) {
        path.remove(0);
    }
    let keys: Vec<&str> = path
        .iter()
        .map(|s| match s {
            Segment::Key(k) => k.as_str(),
            _ => "",
        })
        .collect();
    let Some(Segment::Key(top)) = path.first() else {
        return Err(SetError::new(
            raw_path,
            "a path starts with a field name",
            None,
        ));
    };
    if !SPEC_FIELDS.contains(&top.as_str()) {
        return Err(SetError::unknown(
            raw_path,
            format!("unknown field {top:?}"),
            closest(top, SPEC_FIELDS.iter().copied()).map(str::to_owned),
        ));
    }
    let mut value = typed(raw_value);
    match top.as_str() {
        t if TEXT_FIELDS.contains(&t) => {
            if path.len() > 1 {
                return Err(SetError::new(
                    raw_path,
                    format!("{t} is a plain value"),
                    None,
                ));
            }
            value = Value::String(raw_value.to_owned());
        }
        "components" => check_component_path(raw_path, &path, &keys)?,
        "meshConfig" => {
            if let Some(Segment::Key(field)) = path.get(1) {
                if !MESH_FIELDS.contains(&field.as_str()) {
                    return Err(SetError::new(
                        raw_path,
                        format!("unknown mesh config field {field:?}"),
                        closest(field, MESH_FIELDS.iter().copied()).map(str::to_owned),
                    ));
                }
            }
        }
        "values" if check_values => value = check_values_path(raw_path, &path, value, raw_value)?,
        _ => {}
    }
    Ok(SetFlag {
        raw_path: raw_path.to_owned(),
        path,
        value,
    })
}

fn check_component_path(raw: &str, path: &[Segment], keys: &[&str]) -> Result<(), SetError> {
    let Some(name) = keys.get(1).filter(|k| !k.is_empty()) else {
        return Err(SetError::new(
            raw,
            "expected a component name after components.",
            None,
        ));
    };
    if !COMPONENT_NAMES.contains(name) {
        return Err(SetError::unknown(
            raw,
            format!("unknown component {name:?}"),
            closest(name, COMPONENT_NAMES.iter().copied()).map(str::to_owned),
        ));
    }
    let is_gateway = name.ends_with("Gateways");
    let field_at = if is_gateway {
        if path.len() > 2 && matches!(path[2], Segment::Key(_)) {
            return Err(SetError::new(
                raw,
                format!("{name} is a list: select an entry with [N] or [name:NAME]"),
                None,
            ));
        }
        3
    } else {
        2
    };
    if let Some(field) = keys.get(field_at).filter(|k| !k.is_empty()) {
        let mut fields: Vec<&str> = COMPONENT_FIELDS.to_vec();
        if is_gateway {
            fields.push("name");
        }
        if !fields.contains(field) {
            return Err(SetError::unknown(
                raw,
                format!("unknown component field {field:?}"),
                closest(field, fields.iter().copied()).map(str::to_owned),
            ));
        }
        if *field == "k8s" {
            if let Some(k) = keys.get(field_at + 1).filter(|k| !k.is_empty()) {
                if !K8S_FIELDS.contains(k) {
                    return Err(SetError::unknown(
                        raw,
                        format!("unknown k8s field {k:?}"),
                        closest(k, K8S_FIELDS.iter().copied()).map(str::to_owned),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_values_path(
    raw: &str,
    path: &[Segment],
    value: Value,
    raw_value: &str,
) -> Result<Value, SetError> {
    // Only the leading run of plain keys can be checked against the defaults tree.
    let keys: Vec<String> = path[1..]
        .iter()
        .map_while(|s| match s {
            Segment::Key(k) => Some(k.clone()),
            _ => None,
        })
        .collect();
    let whole = keys.len() == path.len() - 1;
    let default = values::check_path(&keys).map_err(|e| {
        SetError::new(
            raw,
            format!("unknown value path values.{}", e.path),
            e.suggestion,
        )
    })?;
    let Some(default) = default.filter(|_| whole) else {
        return Ok(value);
    };
    let bad = |want: &str| {
        SetError::new(
            raw,
            format!("bad value {raw_value:?}: expected {want}"),
            None,
        )
    };
    match (default, &value) {
        (Value::String(_), Value::String(_)) => Ok(value),
        // Strings stay strings: `tag=1.20` must not become the number 1.2.
        (Value::String(_), _) => Ok(Value::String(raw_value.to_owned())),
        (Value::Bool(_), Value::Bool(_)) => Ok(value),
        (Value::Bool(_), _) => Err(bad("a boolean")),
        (Value::Number(_), Value::Number(_)) => Ok(value),
        (Value::Number(_), _) => Err(bad("a number")),
        (Value::Object(_), v) if !v.is_object() => Err(SetError::new(
            raw,
            format!("values.{} is a map, not a single value", keys.join(".")),
            None,
        )),
        (Value::Array(_), v) if !v.is_array() => Err(SetError::new(
            raw,
            format!("values.{} is a list, not a single value", keys.join(".")),
            None,
        )),
        _ => Ok(value),
    }
}

/// Types a raw value like istioctl does.
pub fn typed(raw: &str) -> Value {
    if let Ok(i) = raw.parse::<i64>() {
        return Value::Number(i.into());
    }
    let numeric = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && raw.chars().any(|c| c.is_ascii_digit());
    if numeric {
        if let Some(n) = raw.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    match raw {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(raw.replace("\\,", ",")),
    }
}

/// Splits a path into segments.
pub fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    let mut depth = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                cur.push('.');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '.' if depth == 0 => tokens.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    tokens.push(cur);
    let mut segments = Vec::new();
    for token in tokens {
        if token.is_empty() {
            return Err("empty path element".into());
        }
        let (key, mut rest) = match token.find('[') {
            Some(i) => (&token[..i], &token[i..]),
            None => (token.as_str(), ""),
        };
        if !key.is_empty() {
            segments.push(Segment::Key(key.to_owned()));
        }
        while !rest.is_empty() {
            let Some(end) = rest.find(']').filter(|_| rest.starts_with('[')) else {
                return Err(format!("malformed selector in {token:?}"));
            };
            let inner = &rest[1..end];
            segments.push(match inner.split_once(':') {
                Some((k, v)) if !k.is_empty() => Segment::Select {
                    key: k.to_owned(),
                    value: v.to_owned(),
                },
                _ => Segment::Index(
                    inner
                        .parse()
                        .map_err(|_| format!("bad list index [{inner}]"))?,
                ),
            });
            rest = &rest[end + 1..];
        }
    }
    Ok(segments)
}

/// Writes `flag.value` at `flag.path` in the `spec` tree, creating maps and list entries.
pub fn apply(spec: &mut Value, flag: &SetFlag) -> Result<(), SetError> {
    let mut node = spec;
    for (i, seg) in flag.path.iter().enumerate() {
        let last = i + 1 == flag.path.len();
        let fresh = || match flag.path.get(i + 1) {
            Some(Segment::Key(_)) => Value::Object(Map::new()),
            Some(_) => Value::Array(Vec::new()),
            None => Value::Null,
        };
        match seg {
            Segment::Key(k) => {
                if node.is_null() {
                    *node = Value::Object(Map::new());
                }
                let Value::Object(map) = node else {
                    return Err(SetError::new(
                        &flag.raw_path,
                        format!("{k:?} is below a plain value"),
                        None,
                    ));
                };
                if last {
                    map.insert(k.clone(), flag.value.clone());
                    return Ok(());
                }
                node = map.entry(k.clone()).or_insert_with(fresh);
                if node.is_null() {
                    *node = fresh();
                }
            }
            Segment::Index(n) => {
                if node.is_null() {
                    *node = Value::Array(Vec::new());
                }
                let Value::Array(list) = node else {
                    return Err(SetError::new(
                        &flag.raw_path,
                        format!("[{n}] applied to a non-list"),
                        None,
                    ));
                };
                if *n > list.len() {
                    return Err(SetError::new(
                        &flag.raw_path,
                        format!(
                            "index [{n}] is out of range: the list has {} entries",
                            list.len()
                        ),
                        None,
                    ));
                }
                if *n == list.len() {
                    list.push(fresh());
                }
                if last {
                    list[*n] = flag.value.clone();
                    return Ok(());
                }
                node = &mut list[*n];
            }
            Segment::Select { key, value } => {
                let Value::Array(list) = node else {
                    return Err(SetError::new(
                        &flag.raw_path,
                        format!("[{key}:{value}] applied to a non-list"),
                        None,
                    ));
                };
                let names: Vec<String> = list
                    .iter()
                    .filter_map(|e| e.get(key).and_then(Value::as_str).map(str::to_owned))
                    .collect();
                let Some(pos) = list
                    .iter()
                    .position(|e| e.get(key).and_then(Value::as_str) == Some(value.as_str()))
                else {
                    return Err(SetError::new(
                        &flag.raw_path,
                        format!("no entry has {key}={value}"),
                        closest(value, names.iter().map(String::as_str)).map(str::to_owned),
                    ));
                };
                if last {
                    list[pos] = flag.value.clone();
                    return Ok(());
                }
                node = &mut list[pos];
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_split_into_segments() {
        assert_eq!(
            parse_path(r"a.b[0].c.[name:x].d\.e").unwrap(),
            vec![
                Segment::Key("a".into()),
                Segment::Key("b".into()),
                Segment::Index(0),
                Segment::Key("c".into()),
                Segment::Select {
                    key: "name".into(),
                    value: "x".into()
                },
                Segment::Key("d.e".into()),
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x").is_err());
    }

    #[test]
    fn values_are_typed_like_istioctl() {
        assert_eq!(typed("3"), json!(3));
        assert_eq!(typed("0.5"), json!(0.5));
        assert_eq!(typed("true"), json!(true));
        assert_eq!(typed("False"), json!(false));
        assert_eq!(typed("50m"), json!("50m"));
        assert_eq!(typed("a\\,b"), json!("a,b"));
        assert_eq!(typed("inf"), json!("inf"));
    }

    #[test]
    fn string_values_stay_strings() {
        let f = parse("tag=1.20").unwrap();
        assert_eq!(f.value, json!("1.20"));
        let f = parse("values.global.proxy.clusterDomain=123").unwrap();
        assert_eq!(f.value, json!("123"));
        assert!(parse("values.pilot.autoscaleEnabled=maybe").is_err());
    }

    #[test]
    fn apply_creates_and_selects() {
        let mut spec =
            json!({"components": {"ingressGateways": [{"name": "edge-gw", "enabled": true}]}});
        apply(
            &mut spec,
            &parse("components.ingressGateways[0].enabled=false").unwrap(),
        )
        .unwrap();
        apply(
            &mut spec,
            &parse("components.ingressGateways.[name:edge-gw].k8s.service.type=NodePort").unwrap(),
        )
        .unwrap();
        apply(&mut spec, &parse("values.pilot.env.A=1").unwrap()).unwrap();
        assert_eq!(
            spec,
            json!({
                "components": {"ingressGateways": [{"name": "edge-gw", "enabled": false,
                    "k8s": {"service": {"type": "NodePort"}}}]},
                "values": {"pilot": {"env": {"A": 1}}}
            })
        );
        let err = apply(
            &mut spec,
            &parse("components.ingressGateways.[name:edge-gx].enabled=true").unwrap(),
        )
        .unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("edge-gw"));
        assert!(apply(
            &mut spec,
            &parse("components.ingressGateways[5].enabled=true").unwrap()
        )
        .is_err());
    }
}
