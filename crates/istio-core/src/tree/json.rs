//! Conversions between [`Document`] trees and `serde_json` values.

use serde_json::{Map, Number, Value};

use super::{Builder, Document, Node, Scalar, Tag};

/// `node` and everything under it as a `serde_json::Value` (mapping order kept).
pub(super) fn to_json(node: Node<'_>) -> Value {
    match node.raw.tag() {
        Tag::Null => Value::Null,
        Tag::Bool => Value::Bool(node.raw.a != 0),
        Tag::Int => Value::Number(Number::from(node.raw.bits() as i64)),
        Tag::UInt => Value::Number(Number::from(node.raw.bits())),
        Tag::Float => {
            Number::from_f64(f64::from_bits(node.raw.bits())).map_or(Value::Null, Value::Number)
        }
        Tag::Str => Value::String(node.as_str().unwrap_or_default().to_owned()),
        Tag::Seq => Value::Array(node.as_array().into_iter().flatten().map(to_json).collect()),
        Tag::Map => {
            let map = node.as_object();
            let mut out = Map::with_capacity(map.map_or(0, |m| m.len()));
            for (k, v) in map.into_iter().flat_map(|m| m.iter()) {
                out.insert(k.to_owned(), to_json(v));
            }
            Value::Object(out)
        }
    }
}

impl Document {
    /// A document holding `value` (every line is 0: it did not come from a file).
    pub fn from_json(value: &Value) -> Document {
        let mut b = Builder::new();
        add(&mut b, value);
        b.finish()
    }
}

fn add(b: &mut Builder, value: &Value) {
    match value {
        Value::Null => {
            b.scalar(Scalar::Null, 0);
        }
        Value::Bool(v) => {
            b.scalar(Scalar::Bool(*v), 0);
        }
        Value::Number(n) => {
            let scalar = if let Some(i) = n.as_i64() {
                Scalar::Int(i)
            } else if let Some(u) = n.as_u64() {
                Scalar::UInt(u)
            } else {
                Scalar::Float(n.as_f64().unwrap_or_default())
            };
            b.scalar(scalar, 0);
        }
        Value::String(s) => {
            b.scalar(Scalar::Str(s), 0);
        }
        Value::Array(items) => {
            b.begin_seq(0);
            for item in items {
                add(b, item);
            }
            b.end();
        }
        Value::Object(map) => {
            b.begin_map(0);
            for (k, v) in map {
                b.scalar(Scalar::Str(k), 0);
                add(b, v);
            }
            b.end();
        }
    }
}
