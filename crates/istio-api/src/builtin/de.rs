//! The deserializer behind [`super::check`]: a serde `Deserializer` over a parsed document that
//! knows where it is, so each type error and unknown field is reported with its field path,
//! and every problem of a resource is found, not only the first.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;

use istio_core::suggest::closest;

use super::ShapeError;

/// At most this many type errors are reported per resource.
pub(super) const MAX_ERRORS: usize = 50;

/// Deserializes `value` into `T`, collecting unknown fields and type errors; after each type
/// error the offending value is skipped and the resource deserialized again.
pub(super) fn shape<T: DeserializeOwned>(value: &Value) -> Vec<ShapeError> {
    let mut ctx = Ctx::default();
    let mut errors: Vec<ShapeError> = Vec::new();
    while errors.len() < MAX_ERRORS {
        let Err(e) = T::deserialize(ValueDe::new(value, String::new(), None, &ctx)) else {
            break;
        };
        let (e, skip) = e.into_parts();
        let again = !skip.is_empty() && !ctx.skip.contains(&skip);
        if again {
            ctx.skip.push(skip);
        }
        errors.push(e);
        if !again {
            break;
        }
    }
    let mut out: Vec<ShapeError> = Vec::new();
    for u in ctx.unknown.into_inner().into_iter().chain(errors) {
        if !out.iter().any(|o| o.path == u.path) {
            out.push(u);
        }
    }
    out
}

/// State shared by one deserialization run.
#[derive(Default)]
pub(super) struct Ctx {
    /// Paths of values with a type error in an earlier run: treated as absent.
    skip: Vec<String>,
    /// Unknown fields met so far.
    pub(super) unknown: RefCell<Vec<ShapeError>>,
}

/// The path of `key` inside the object at `parent`, in [`istio_core::yaml::PathSegment::parse_path`]'s
/// syntax.
pub(super) fn child_key(parent: &str, key: &str) -> String {
    if key.is_empty() || key.contains(['.', '[', ']', '"']) {
        format!("{parent}[{key:?}]")
    } else if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// A deserialization error; located (given a path and a message) by the innermost value it
/// came out of.
#[derive(Debug)]
pub(super) struct DeError {
    kind: ErrorKind,
    /// The problem, and the path to skip in the next run: the value itself, or for a missing
    /// field the object lacking it.
    at: Option<(ShapeError, String)>,
}

#[derive(Debug)]
enum ErrorKind {
    InvalidType {
        expected: String,
    },
    InvalidValue {
        expected: String,
    },
    MissingField(&'static str),
    Custom(String),
    /// A complete message.
    Described(String),
}

impl DeError {
    fn new(kind: ErrorKind) -> Self {
        Self { kind, at: None }
    }

    /// Describes the error at `path`, whose value is `value`, unless an inner value did.
    fn locate(mut self, path: &str, value: &Value) -> Self {
        let skip = path;
        if self.at.is_some() {
            return self;
        }
        let (path, message) = match &self.kind {
            ErrorKind::InvalidType { expected } => (path.to_owned(), wrong_type(expected, value)),
            ErrorKind::InvalidValue { expected } => {
                let message = match (value, int_bits(expected)) {
                    (Value::Number(n), Some(bits)) => {
                        format!("{n} does not fit in a {bits}-bit integer")
                    }
                    _ => format!("{} is not valid; expected {expected}", shown(value)),
                };
                (path.to_owned(), message)
            }
            ErrorKind::MissingField(field) => (
                child_key(path, field),
                format!("missing required field {field:?}"),
            ),
            ErrorKind::Described(message) => (path.to_owned(), message.clone()),
            ErrorKind::Custom(message) => match value {
                Value::Object(_) | Value::Array(_) | Value::Null => {
                    (path.to_owned(), message.clone())
                }
                scalar => (
                    path.to_owned(),
                    format!("{} is not valid: {message}", shown(scalar)),
                ),
            },
        };
        self.at = Some((ShapeError { path, message }, skip.to_owned()));
        self
    }

    /// The problem and the path to skip in the next run.
    fn into_parts(self) -> (ShapeError, String) {
        match self.at {
            Some(at) => at,
            None => (
                ShapeError {
                    path: String::new(),
                    message: self.to_string(),
                },
                String::new(),
            ),
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((at, _)) = &self.at {
            return write!(f, "{}: {}", at.path, at.message);
        }
        match &self.kind {
            ErrorKind::InvalidType { expected } => write!(f, "must be {}", noun(expected)),
            ErrorKind::InvalidValue { expected } => write!(f, "invalid value; expected {expected}"),
            ErrorKind::MissingField(field) => write!(f, "missing required field {field:?}"),
            ErrorKind::Custom(message) | ErrorKind::Described(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(ErrorKind::Custom(msg.to_string()))
    }

    fn invalid_type(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::InvalidType {
            expected: expected.to_string(),
        })
    }

    fn invalid_value(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::InvalidValue {
            expected: expected.to_string(),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(ErrorKind::MissingField(field))
    }
}

/// The bit width of an integer type named by serde's `Expected` (`i32`), or k8s-openapi's
/// `a 32-bit integer`.
fn int_bits(expected: &str) -> Option<u32> {
    match expected {
        "i8" | "u8" => Some(8),
        "i16" | "u16" => Some(16),
        "i32" | "u32" | "a 32-bit integer" => Some(32),
        "i64" | "u64" => Some(64),
        _ => None,
    }
}

/// What a value of the expected type is, in words, from serde's or k8s-openapi's `Expected`.
fn noun(expected: &str) -> &str {
    match expected {
        _ if int_bits(expected).is_some() => "an integer",
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "an object",
        "a character" => "a string",
        "IntOrString" => "an integer or a string",
        "Quantity" => "a quantity (a number, or a string such as \"100m\")",
        e if e.starts_with("a ") || e.starts_with("an ") => e,
        // k8s-openapi's objects expect their type name.
        _ => "an object",
    }
}

/// `must be an integer, not a string ("ten")` with a hint when the fix is obvious.
fn wrong_type(expected: &str, value: &Value) -> String {
    let noun = noun(expected);
    let hint = match (noun, value) {
        ("an integer", Value::String(s)) if s.trim().parse::<i64>().is_ok() => {
            "; remove the quotes"
        }
        ("a number", Value::String(s)) if s.trim().parse::<f64>().is_ok() => "; remove the quotes",
        ("a boolean", Value::String(s)) if matches!(s.as_str(), "true" | "false") => {
            "; remove the quotes"
        }
        ("a string", Value::Number(_) | Value::Bool(_)) => "; quote the value",
        ("a list", _) => "; write it as a list (`- item`)",
        _ => "",
    };
    let got = match value {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => format!("a boolean ({})", shown(value)),
        Value::Number(n) if n.is_f64() => format!("a number ({})", shown(value)),
        Value::Number(_) => format!("an integer ({})", shown(value)),
        Value::String(_) => format!("a string ({})", shown(value)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    format!("must be {noun}, not {got}{hint}")
}

/// Why `s` is not a Kubernetes quantity (`100m`, `1.5Gi`, `2e3`), if it is not one: a signed
/// decimal number followed by a binary suffix (Ki … Ei), a decimal suffix (n, u, m, k, M, G, T,
/// P, E) or a decimal exponent (`e3`, `E-2`).
pub(super) fn quantity_problem(s: &str) -> Option<String> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let number_end = unsigned
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(number_end);
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let dots = number.len() - digits;
    let exponent = |e: &str| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    };
    let suffix_ok = matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || suffix.strip_prefix(['e', 'E']).is_some_and(exponent);
    if digits > 0 && dots <= 1 && suffix_ok {
        return None;
    }
    let fix = match suffix {
        "KB" | "kB" | "MB" | "GB" | "TB" | "PB" | "EB" => {
            let unit = suffix[..1].to_uppercase();
            format!(
                "write {number}{} (powers of 1000) or {number}{unit}i (powers of 1024)",
                unit.replace('K', "k")
            )
        }
        _ => "write a number with an optional suffix, such as 100m, 128Mi or 2".to_owned(),
    };
    Some(format!("{s:?} is not a quantity; {fix}"))
}

/// A scalar as written in JSON, long strings cut.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            let head: String = s.chars().take(57).collect();
            format!("{head:?}…")
        }
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        other => other.to_string(),
    }
}

/// Deserializes one value of the document, knowing its path.
pub(super) struct ValueDe<'a, 'c> {
    value: &'a Value,
    path: String,
    /// The key of this value and the field names of the typed object holding it, when it is a
    /// field of one.
    field: Option<(&'a str, &'static [&'static str])>,
    ctx: &'c Ctx,
}

impl<'a, 'c> ValueDe<'a, 'c> {
    pub(super) fn new(
        value: &'a Value,
        path: String,
        field: Option<(&'a str, &'static [&'static str])>,
        ctx: &'c Ctx,
    ) -> Self {
        Self {
            value,
            path,
            field,
            ctx,
        }
    }
}

impl<'de, 'c> de::Deserializer<'de> for ValueDe<'de, 'c> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                // `replicas: 2.0` reaches Kubernetes as JSON `2`, a valid integer.
                (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    visitor.visit_i64(f as i64)
                }
                (None, None, f) => visitor.visit_f64(f.unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(SeqDe {
                iter: items.iter().enumerate(),
                path: &self.path,
                ctx: self.ctx,
            }),
            Value::Object(map) => visitor.visit_map(MapDe {
                iter: map.iter(),
                pending: None,
                path: &self.path,
                fields: None,
                ctx: self.ctx,
            }),
        };
        result.map_err(|e| e.locate(&self.path, self.value))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let (path, value) = (self.path.clone(), self.value);
        match value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.locate(&path, value))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let (path, value) = (self.path.clone(), self.value);
        let result = match (name, value) {
            // Kubernetes takes any number as a quantity (`cpu: 0.5`); k8s-openapi only integers.
            ("Quantity", Value::Number(n)) => visitor
                .visit_newtype_struct(de::value::StringDeserializer::<DeError>::new(n.to_string())),
            ("Quantity", Value::String(s)) => match quantity_problem(s) {
                Some(problem) => Err(DeError::new(ErrorKind::Described(problem))),
                None => visitor.visit_newtype_struct(self),
            },
            _ => visitor.visit_newtype_struct(self),
        };
        result.map_err(|e| e.locate(&path, value))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Value::Object(map) => visitor
                .visit_map(MapDe {
                    iter: map.iter(),
                    pending: None,
                    path: &self.path,
                    fields: Some(fields),
                    ctx: self.ctx,
                })
                .map_err(|e| e.locate(&self.path, self.value)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Value::String(s) => visitor
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: DeError| e.locate(&self.path, self.value)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let Value::String(s) = self.value else {
            return self.deserialize_any(visitor);
        };
        if (&visitor as &dyn de::Expected).to_string() != "a base64-encoded string" {
            return self.deserialize_any(visitor);
        }
        // Kubernetes (Go's base64 decoder) ignores line breaks in base64 data such as a Secret's
        // `data`; k8s-openapi's decoder does not.
        let joined: String = s.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
        visitor.visit_string(joined).map_err(|e: DeError| {
            let e = match e.kind {
                ErrorKind::Custom(why) => DeError::new(ErrorKind::Described(format!(
                    "{} is not valid base64: {why}",
                    shown(self.value)
                ))),
                _ => e,
            };
            e.locate(&self.path, self.value)
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if let Some((key, known)) = self.field {
            let hint = match closest(key, known.iter().copied()) {
                Some(c) => format!("; did you mean {c:?}?"),
                None => {
                    let mut names = known.to_vec();
                    names.sort_unstable();
                    format!("; known fields are: {}", names.join(", "))
                }
            };
            self.ctx.unknown.borrow_mut().push(ShapeError {
                path: self.path.clone(),
                message: format!("unknown field {key:?}{hint}"),
            });
        }
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// The entries of an object; `null` values and values skipped after a type error count as
/// absent.
struct MapDe<'a, 'p, 'c> {
    iter: serde_json::map::Iter<'a>,
    pending: Option<(&'a str, &'a Value, String)>,
    path: &'p str,
    fields: Option<&'static [&'static str]>,
    ctx: &'c Ctx,
}

impl<'de> de::MapAccess<'de> for MapDe<'de, '_, '_> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for (key, value) in self.iter.by_ref() {
            if value.is_null() {
                continue;
            }
            let path = child_key(self.path, key);
            if self.ctx.skip.contains(&path) {
                continue;
            }
            self.pending = Some((key, value, path));
            let key: de::value::BorrowedStrDeserializer<'de, DeError> =
                de::value::BorrowedStrDeserializer::new(key);
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some((key, value, path)) => {
                let field = self.fields.map(|fields| (key, fields));
                seed.deserialize(ValueDe::new(value, path, field, self.ctx))
            }
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}

/// The items of a list; `null` items and items skipped after a type error count as absent.
struct SeqDe<'a, 'p, 'c> {
    iter: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: &'p str,
    ctx: &'c Ctx,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'de, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        for (i, value) in self.iter.by_ref() {
            if value.is_null() {
                continue;
            }
            let path = format!("{}[{i}]", self.path);
            if self.ctx.skip.contains(&path) {
                continue;
            }
            return seed
                .deserialize(ValueDe::new(value, path, None, self.ctx))
                .map(Some);
        }
        Ok(None)
    }
}
