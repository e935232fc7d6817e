//! Template data: the values a Go template sees. Go's engine reflects over typed Go values; here
//! the few distinctions that change what Istio's templates print are kept explicitly: a map
//! whose elements are strings (a missing key reads as `""`, as `map[string]string` does), a
//! struct (a missing field reads as its zero value, named fields and getter methods), and an
//! enum (prints its name, answers `.String`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value as Json;

/// A value inside template execution.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Go's invalid value or a nil interface: a missing map entry, `nil`.
    #[default]
    Nil,
    /// `bool`.
    Bool(bool),
    /// Any signed or unsigned integer.
    Int(i64),
    /// `float64` (numbers decoded from JSON into `any`).
    Float(f64),
    /// `string`.
    Str(Arc<str>),
    /// A slice.
    List(Rc<Vec<Value>>),
    /// A map with string keys, iterated in key order as Go's templates do.
    Map(Rc<MapValue>),
    /// A struct (or a pointer to one).
    Struct(Rc<StructValue>),
}

/// A map and the zero value its missing keys read as.
#[derive(Clone, Debug, Default)]
pub struct MapValue {
    /// The entries.
    pub entries: BTreeMap<String, Value>,
    /// True for `map[string]string`: a missing key reads as `""` instead of no value.
    pub string_elems: bool,
}

/// A struct: its type name (for messages), fields and getters by Go name, how it prints, and
/// the JSON that `structToJSON`/`protoToJSON` produce for it.
#[derive(Clone, Debug, Default)]
pub struct StructValue {
    /// Go type name, used in error messages.
    pub type_name: &'static str,
    /// Fields and argument-less methods by Go name.
    pub fields: Vec<(Arc<str>, Value)>,
    /// What `print` shows for it (enums print their name); `None`: Go's `{...}` form.
    pub display: Option<Arc<str>>,
    /// Its JSON encoding, when it has one.
    pub json: Option<Rc<Json>>,
}

impl StructValue {
    /// The field or method `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v)
    }
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    /// A `map[string]any`.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(MapValue {
            entries,
            string_elems: false,
        }))
    }

    /// A `map[string]string`.
    pub fn string_map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(MapValue {
            entries,
            string_elems: true,
        }))
    }

    /// An enum value: prints as `name`, `.String` gives `name`.
    pub fn enumeration(type_name: &'static str, name: &str) -> Value {
        let name: Arc<str> = Arc::from(name);
        Value::Struct(Rc::new(StructValue {
            type_name,
            fields: vec![(Arc::from("String"), Value::Str(name.clone()))],
            display: Some(name),
            json: None,
        }))
    }

    /// Go's notion of truth: false, 0, "", empty collections and nil are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::Struct(_) => true,
        }
    }

    /// The Go type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(m) if m.string_elems => "map[string]string",
            Value::Map(_) => "map[string]interface {}",
            Value::Struct(s) => s.type_name,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts a JSON value decoded into Go's `any`: every number is a `float64`.
    pub fn from_json_any(v: &Json) -> Value {
        match v {
            Json::Null => Value::Nil,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            Json::String(s) => Value::str(s),
            Json::Array(a) => Value::list(a.iter().map(Value::from_json_any).collect()),
            Json::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json_any(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to JSON the way Go's `encoding/json` encodes the value (maps with sorted keys,
    /// whole floats without a fraction).
    pub fn to_json(&self) -> Json {
        match self {
            Value::Nil => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => float_json(*f),
            Value::Str(s) => Json::String(s.to_string()),
            Value::List(l) => Json::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => Json::Object(
                m.entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Value::Struct(s) => match (&s.json, &s.display) {
                (Some(j), _) => (**j).clone(),
                (None, Some(d)) => Json::String(d.to_string()),
                (None, None) => Json::Object(
                    s.fields
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_json()))
                        .collect(),
                ),
            },
        }
    }

    /// Go's `fmt.Sprint` of the value.
    pub fn sprint(&self) -> String {
        let mut out = String::new();
        self.write_go(&mut out, false);
        out
    }

    /// Writes Go's `%v` form; `nested` is true inside a collection.
    pub fn write_go(&self, out: &mut String, nested: bool) {
        match self {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.push_str(&format_float_g(*f)),
            Value::Str(s) => out.push_str(s),
            Value::List(l) => {
                out.push('[');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.write_go(out, true);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_go(out, true);
                }
                out.push(']');
            }
            Value::Struct(s) => match &s.display {
                Some(d) => out.push_str(d),
                None => {
                    if !nested {
                        out.push('&');
                    }
                    out.push('{');
                    for (i, (_, v)) in s.fields.iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        v.write_go(out, true);
                    }
                    out.push('}');
                }
            },
        }
    }
}

/// A float as `encoding/json` writes it: whole numbers without a fraction.
pub fn float_json(f: f64) -> Json {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        Json::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
    }
}

/// Go's `%v` for a `float64`: the shortest representation, in exponent form when the decimal
/// exponent is below -4 or at least 6 (so 1e6 prints as `1e+06`, as `fmt.Sprint` does).
pub fn format_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "1.5e6".
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_does() {
        assert_eq!(format_float_g(15020.0), "15020");
        assert_eq!(format_float_g(0.5), "0.5");
        assert_eq!(format_float_g(1e6), "1e+06");
        assert_eq!(format_float_g(123456.0), "123456");
        assert_eq!(format_float_g(0.00001), "1e-05");
    }
}
