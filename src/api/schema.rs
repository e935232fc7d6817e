//! The schema model: a small builder language in which the Istio API is written once. The same
//! [`Schema`] tree renders the structural `openAPIV3Schema` of a CRD ([`Schema::to_openapi`]) and
//! drives validation of resources (`super::validate`).

use regex::Regex;
use serde_json::{json, Map, Value};

use super::rules::Rule;

/// The JSON type of a schema node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A mapping with declared properties, or a map when `values` is set.
    Object,
    /// A list of `items`.
    Array,
    /// A string.
    String,
    /// A whole number (possibly bounded by `int32`/`uint32` limits).
    Integer,
    /// A floating point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Either a whole number or a string (`x-kubernetes-int-or-string`).
    IntOrString,
    /// Any value at all (protobuf `Value`): no type, unknown fields preserved.
    Any,
}

impl Type {
    /// The word used in messages for a value of this type.
    pub fn noun(self) -> &'static str {
        match self {
            Type::Object => "an object",
            Type::Array => "a list",
            Type::String => "a string",
            Type::Integer => "an integer",
            Type::Number => "a number",
            Type::Boolean => "a boolean",
            Type::IntOrString => "an integer or a string",
            Type::Any => "any value",
        }
    }
}

/// A check that the CRD schema cannot express, applied only by our validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An RE2 regular expression.
    Regex,
    /// A host name, optionally with a leading `*` wildcard label (`*.example.com`, `reviews`).
    Host,
    /// A host with an optional namespace prefix (`ns/host`, `*/host`, `./host`, `~/host`).
    NamespacedHost,
    /// A host that must carry its namespace prefix (`ns/host`), as in Sidecar egress.
    NamespaceSlashHost,
    /// A port number between 1 and 65535.
    Port,
}

/// One node of the schema tree. Build nodes with [`obj`], [`map`], [`arr`], [`string`], … and
/// refine them with the chained methods below.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The node's type.
    pub ty: Type,
    /// Our own short description, rendered into the CRD.
    pub doc: Option<&'static str>,
    /// OpenAPI `format` (`int32`, `double`, `date-time`, `byte`).
    pub format: Option<&'static str>,
    /// Declared properties of an object, in schema order.
    pub properties: Vec<(&'static str, Schema)>,
    /// The value schema of a map (`additionalProperties`).
    pub values: Option<Box<Schema>>,
    /// The item schema of a list.
    pub items: Option<Box<Schema>>,
    /// Properties that must be present.
    pub required: Vec<&'static str>,
    /// Allowed string values.
    pub enum_values: Vec<&'static str>,
    /// Inclusive numeric bounds.
    pub minimum: Option<f64>,
    /// Inclusive numeric upper bound.
    pub maximum: Option<f64>,
    /// Length bounds of a string.
    pub min_length: Option<u64>,
    /// Upper length bound of a string.
    pub max_length: Option<u64>,
    /// Size bounds of a list.
    pub min_items: Option<u64>,
    /// Upper size bound of a list.
    pub max_items: Option<u64>,
    /// Size bounds of an object.
    pub min_properties: Option<u64>,
    /// Upper size bound of an object.
    pub max_properties: Option<u64>,
    /// A pattern strings must match, with its compiled form.
    pub pattern: Option<(&'static str, Regex)>,
    /// Whether `null` is an explicit allowed value.
    pub nullable: bool,
    /// Whether unknown fields are kept (`x-kubernetes-preserve-unknown-fields`).
    pub preserve_unknown: bool,
    /// `x-kubernetes-list-type`.
    pub list_type: Option<&'static str>,
    /// `x-kubernetes-list-map-keys`.
    pub list_map_keys: Vec<&'static str>,
    /// Groups of properties of which at most one may be set (protobuf oneofs).
    pub oneofs: Vec<Vec<&'static str>>,
    /// CEL rules (`x-kubernetes-validations`), each with our native check when we have one.
    pub rules: Vec<Rule>,
    /// A check beyond the CRD schema.
    pub check: Option<Format>,
    /// Setting this field is deprecated: validation warns, naming the replacement field when
    /// there is one (`Some("")` when there is none).
    pub deprecated: Option<&'static str>,
}

fn node(ty: Type) -> Schema {
    Schema {
        ty,
        doc: None,
        format: None,
        properties: Vec::new(),
        values: None,
        items: None,
        required: Vec::new(),
        enum_values: Vec::new(),
        minimum: None,
        maximum: None,
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        min_properties: None,
        max_properties: None,
        pattern: None,
        nullable: false,
        preserve_unknown: false,
        list_type: None,
        list_map_keys: Vec::new(),
        oneofs: Vec::new(),
        rules: Vec::new(),
        check: None,
        deprecated: None,
    }
}

/// An object with these properties; any other field is unknown.
pub fn obj(properties: Vec<(&'static str, Schema)>) -> Schema {
    Schema {
        properties,
        ..node(Type::Object)
    }
}

/// An object whose content is free-form (protobuf `Struct`).
pub fn free_obj() -> Schema {
    Schema {
        preserve_unknown: true,
        ..node(Type::Object)
    }
}

/// A map from string keys to `values`.
pub fn map(values: Schema) -> Schema {
    Schema {
        values: Some(Box::new(values)),
        ..node(Type::Object)
    }
}

/// A list of `items`.
pub fn arr(items: Schema) -> Schema {
    Schema {
        items: Some(Box::new(items)),
        ..node(Type::Array)
    }
}

/// A string.
pub fn string() -> Schema {
    node(Type::String)
}

/// A boolean.
pub fn boolean() -> Schema {
    node(Type::Boolean)
}

/// An integer without declared bounds.
pub fn integer() -> Schema {
    node(Type::Integer)
}

/// A signed 32-bit integer (`format: int32`).
pub fn int32() -> Schema {
    Schema {
        format: Some("int32"),
        ..node(Type::Integer)
    }
}

/// An unsigned 32-bit integer (bounds 0..=4294967295).
pub fn uint32() -> Schema {
    Schema {
        minimum: Some(0.0),
        maximum: Some(4_294_967_295.0),
        ..node(Type::Integer)
    }
}

/// A double precision number (`format: double`).
pub fn double() -> Schema {
    Schema {
        format: Some("double"),
        ..node(Type::Number)
    }
}

/// An integer or a string (`x-kubernetes-int-or-string`).
pub fn int_or_string() -> Schema {
    node(Type::IntOrString)
}

/// Any value (protobuf `Value`).
pub fn any() -> Schema {
    Schema {
        preserve_unknown: true,
        ..node(Type::Any)
    }
}

impl Schema {
    /// Sets our description of the node.
    pub fn doc(mut self, doc: &'static str) -> Self {
        self.doc = Some(doc);
        self
    }

    /// Sets the OpenAPI `format`.
    pub fn format(mut self, format: &'static str) -> Self {
        self.format = Some(format);
        self
    }

    /// Restricts a string to these values.
    pub fn one_of_values(mut self, values: &[&'static str]) -> Self {
        self.enum_values = values.to_vec();
        self
    }

    /// Marks properties as required.
    pub fn required(mut self, fields: &[&'static str]) -> Self {
        self.required = fields.to_vec();
        self
    }

    /// Lower numeric bound (inclusive).
    pub fn min(mut self, min: impl Into<f64>) -> Self {
        self.minimum = Some(min.into());
        self
    }

    /// Upper numeric bound (inclusive).
    pub fn max(mut self, max: impl Into<f64>) -> Self {
        self.maximum = Some(max.into());
        self
    }

    /// Minimum string length.
    pub fn min_len(mut self, n: u64) -> Self {
        self.min_length = Some(n);
        self
    }

    /// Maximum string length.
    pub fn max_len(mut self, n: u64) -> Self {
        self.max_length = Some(n);
        self
    }

    /// Minimum list size.
    pub fn min_items(mut self, n: u64) -> Self {
        self.min_items = Some(n);
        self
    }

    /// Maximum list size.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Minimum number of map entries.
    pub fn min_props(mut self, n: u64) -> Self {
        self.min_properties = Some(n);
        self
    }

    /// Maximum number of map entries.
    pub fn max_props(mut self, n: u64) -> Self {
        self.max_properties = Some(n);
        self
    }

    /// A regular expression strings must match. The patterns are constants of the API, so a
    /// pattern that does not compile is a programming error caught by the tests.
    pub fn pattern(mut self, pattern: &'static str) -> Self {
        if let Ok(re) = Regex::new(pattern) {
            self.pattern = Some((pattern, re));
        } else {
            debug_assert!(false, "invalid schema pattern {pattern}");
        }
        self
    }

    /// Allows an explicit `null`.
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Keeps unknown fields of an object with declared properties.
    pub fn preserve(mut self) -> Self {
        self.preserve_unknown = true;
        self
    }

    /// Sets `x-kubernetes-list-type`.
    pub fn list_type(mut self, t: &'static str) -> Self {
        self.list_type = Some(t);
        self
    }

    /// Sets `x-kubernetes-list-map-keys`.
    pub fn list_map_keys(mut self, keys: &[&'static str]) -> Self {
        self.list_map_keys = keys.to_vec();
        self
    }

    /// At most one of these properties may be set (a protobuf oneof).
    pub fn at_most_one_of(mut self, fields: &[&'static str]) -> Self {
        self.oneofs.push(fields.to_vec());
        self
    }

    /// Adds a CEL rule, checked natively when [`Rule::new`] knows it.
    pub fn cel(mut self, rule: &'static str, message: &'static str) -> Self {
        self.rules.push(Rule::new(rule, message));
        self
    }

    /// Adds a check beyond the CRD schema.
    pub fn check(mut self, format: Format) -> Self {
        self.check = Some(format);
        self
    }

    /// Marks the field as deprecated, without a replacement.
    pub fn deprecated(mut self) -> Self {
        self.deprecated = Some("");
        self
    }

    /// Marks the field as deprecated in favour of field `replacement`.
    pub fn deprecated_for(mut self, replacement: &'static str) -> Self {
        self.deprecated = Some(replacement);
        self
    }

    /// The schema of property `name`, if declared.
    pub fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .iter()
            .find_map(|(n, s)| (*n == name).then_some(s))
    }

    /// Renders the node as a structural OpenAPI v3 schema, keys in the order Kubernetes prints.
    pub fn to_openapi(&self) -> Value {
        let mut out = Map::new();
        if self.ty == Type::IntOrString {
            out.insert(
                "anyOf".into(),
                json!([{"type": "integer"}, {"type": "string"}]),
            );
        }
        if let Some(doc) = self.doc {
            out.insert("description".into(), doc.into());
        }
        if !self.enum_values.is_empty() {
            out.insert("enum".into(), json!(self.enum_values));
        }
        if let Some(f) = self.format {
            out.insert("format".into(), f.into());
        }
        if let Some(items) = &self.items {
            out.insert("items".into(), items.to_openapi());
        }
        if let Some(values) = &self.values {
            out.insert("additionalProperties".into(), values.to_openapi());
        }
        let numbers = [
            ("maxItems", self.max_items),
            ("maxLength", self.max_length),
            ("maxProperties", self.max_properties),
        ];
        for (key, n) in numbers {
            if let Some(n) = n {
                out.insert(key.into(), n.into());
            }
        }
        if let Some(max) = self.maximum {
            out.insert("maximum".into(), number(max));
        }
        let numbers = [
            ("minItems", self.min_items),
            ("minLength", self.min_length),
            ("minProperties", self.min_properties),
        ];
        for (key, n) in numbers {
            if let Some(n) = n {
                out.insert(key.into(), n.into());
            }
        }
        if let Some(min) = self.minimum {
            out.insert("minimum".into(), number(min));
        }
        if self.nullable {
            out.insert("nullable".into(), true.into());
        }
        match self.oneofs.as_slice() {
            [] => {}
            [one] => {
                out.insert("oneOf".into(), oneof_json(one));
            }
            many => {
                let all: Vec<Value> = many
                    .iter()
                    .map(|g| json!({"oneOf": oneof_json(g)}))
                    .collect();
                out.insert("allOf".into(), all.into());
            }
        }
        if let Some((pattern, _)) = &self.pattern {
            out.insert("pattern".into(), (*pattern).into());
        }
        if !self.properties.is_empty() {
            let props: Map<String, Value> = self
                .properties
                .iter()
                .map(|(n, s)| ((*n).to_owned(), s.to_openapi()))
                .collect();
            out.insert("properties".into(), props.into());
        }
        if !self.required.is_empty() {
            out.insert("required".into(), json!(self.required));
        }
        let ty = match self.ty {
            Type::Object => Some("object"),
            Type::Array => Some("array"),
            Type::String => Some("string"),
            Type::Integer => Some("integer"),
            Type::Number => Some("number"),
            Type::Boolean => Some("boolean"),
            Type::IntOrString | Type::Any => None,
        };
        if let Some(ty) = ty {
            out.insert("type".into(), ty.into());
        }
        if self.ty == Type::IntOrString {
            out.insert("x-kubernetes-int-or-string".into(), true.into());
        }
        if !self.list_map_keys.is_empty() {
            out.insert(
                "x-kubernetes-list-map-keys".into(),
                json!(self.list_map_keys),
            );
        }
        if let Some(t) = self.list_type {
            out.insert("x-kubernetes-list-type".into(), t.into());
        }
        if self.preserve_unknown {
            out.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
        }
        if !self.rules.is_empty() {
            let rules: Vec<Value> = self
                .rules
                .iter()
                .map(|r| json!({"message": r.message, "rule": r.rule}))
                .collect();
            out.insert("x-kubernetes-validations".into(), rules.into());
        }
        Value::Object(out)
    }
}

/// A bound as JSON: an integer when it is whole, as Kubernetes prints it.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// Istio's encoding of "at most one of these fields": exactly one branch of the `oneOf` holds,
/// either none of the fields is set or exactly one is.
fn oneof_json(fields: &[&'static str]) -> Value {
    let any: Vec<Value> = fields.iter().map(|f| json!({"required": [f]})).collect();
    let mut branches = vec![json!({"not": {"anyOf": any}})];
    branches.extend(fields.iter().map(|f| json!({"required": [f]})));
    Value::Array(branches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oneofs_and_int_or_string_render_as_istio_writes_them() {
        let s = obj(vec![("a", string()), ("b", int_or_string())]).at_most_one_of(&["a", "b"]);
        assert_eq!(
            s.to_openapi(),
            json!({
                "oneOf": [
                    {"not": {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}},
                    {"required": ["a"]},
                    {"required": ["b"]},
                ],
                "properties": {
                    "a": {"type": "string"},
                    "b": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true},
                },
                "type": "object",
            })
        );
        let two = obj(vec![]).at_most_one_of(&["a"]).at_most_one_of(&["b"]);
        assert_eq!(two.to_openapi()["allOf"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn uint32_bounds_are_whole_numbers() {
        assert_eq!(
            uint32().to_openapi(),
            json!({"maximum": 4_294_967_295_u64, "minimum": 0, "type": "integer"})
        );
        assert_eq!(double().min(0).max(100).to_openapi()["maximum"], json!(100));
    }
}
