//! The schema model: the JSON schema of an API type ([`crate::types`]) read into one tree
//! ([`Schema::from_json_schema`]) that renders the structural `openAPIV3Schema` of a CRD
//! ([`Schema::to_openapi`]) and drives validation of resources (`super::validate`).

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::rules::Rule;

/// The keyword carrying a [`Format`] check of ours.
pub const CHECK_KEY: &str = "x-istioctl-check";
/// The keyword marking a deprecated field; its value names the replacement (`""` for none).
pub const DEPRECATED_KEY: &str = "x-istioctl-deprecated";

/// The JSON type of a schema node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

    /// The OpenAPI name of the type, as Kubernetes names it in messages (`object`).
    pub fn json_name(self) -> &'static str {
        match self {
            Type::Object => "object",
            Type::Array => "array",
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::IntOrString => "integer or string",
            Type::Any => "any",
        }
    }
}

/// A check that the CRD schema cannot express, applied only by our validation.
/// Serialized as its [`Format::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

impl Format {
    const ALL: [Format; 5] = [
        Format::Regex,
        Format::Host,
        Format::NamespacedHost,
        Format::NamespaceSlashHost,
        Format::Port,
    ];

    /// The word naming the check in a type's JSON schema (`x-istioctl-check`).
    pub fn key(self) -> &'static str {
        match self {
            Format::Regex => "regex",
            Format::Host => "host",
            Format::NamespacedHost => "namespaced-host",
            Format::NamespaceSlashHost => "namespace-slash-host",
            Format::Port => "port",
        }
    }

    /// The check named `key`.
    pub fn from_key(key: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// One node of the schema tree, read from a type's JSON schema with
/// [`Schema::from_json_schema`]. It serializes compactly (unset fields left out) for the
/// committed copies under [`crate::SCHEMAS_PATH`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The node's type.
    pub ty: Type,
    /// Our own short description, rendered into the CRD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// OpenAPI `format` (`int32`, `double`, `date-time`, `byte`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Declared properties of an object, in schema order.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "properties")]
    pub properties: Vec<(String, Schema)>,
    /// The value schema of a map (`additionalProperties`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<Schema>>,
    /// The item schema of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Schema>>,
    /// Properties that must be present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    /// Allowed string values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    /// Inclusive numeric bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Inclusive numeric upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Length bounds of a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Upper length bound of a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Size bounds of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Upper size bound of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// Size bounds of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<u64>,
    /// Upper size bound of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<u64>,
    /// A pattern strings must match, with its compiled form.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "pattern")]
    pub pattern: Option<(String, Regex)>,
    /// Whether `null` is an explicit allowed value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Whether unknown fields are kept (`x-kubernetes-preserve-unknown-fields`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub preserve_unknown: bool,
    /// `x-kubernetes-list-type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_type: Option<String>,
    /// `x-kubernetes-list-map-keys`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list_map_keys: Vec<String>,
    /// Groups of properties of which at most one may be set (protobuf oneofs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oneofs: Vec<Vec<String>>,
    /// CEL rules (`x-kubernetes-validations`), each with our native check when we have one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// A check beyond the CRD schema (`x-istioctl-check`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Format>,
    /// Setting this field is deprecated: validation warns, naming the replacement field when
    /// there is one (`Some("")` when there is none) (`x-istioctl-deprecated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Declared properties as a JSON object, in their order.
mod properties {
    use std::fmt;

    use serde::de::{MapAccess, Visitor};
    use serde::{Deserializer, Serializer};

    use super::Schema;

    pub fn serialize<S: Serializer>(props: &[(String, Schema)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(props.iter().map(|(n, p)| (n, p)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Schema)>, D::Error> {
        struct Properties;
        impl<'de> Visitor<'de> for Properties {
            type Value = Vec<(String, Schema)>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of property schemas")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut props = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    props.push(entry);
                }
                // Schema nodes are large and live for the whole run: no spare capacity.
                props.shrink_to_fit();
                Ok(props)
            }
        }
        d.deserialize_map(Properties)
    }
}

/// A pattern as its text; compiled when read.
mod pattern {
    use regex::Regex;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &Option<(String, Regex)>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some((text, _)) => s.serialize_str(text),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<(String, Regex)>, D::Error> {
        let text = String::deserialize(d)?;
        let re = Regex::new(&text).map_err(D::Error::custom)?;
        Ok(Some((text, re)))
    }
}

/// The keywords [`Schema::from_json_schema`] understands; any other is a programming error.
const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "description",
    "properties",
    "additionalProperties",
    "items",
    "required",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "pattern",
    "nullable",
    "oneOf",
    "allOf",
    "anyOf",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-validations",
    CHECK_KEY,
    DEPRECATED_KEY,
];

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The fields of one oneOf in Istio's encoding (`[{not: {anyOf: …}}, {required: [f]}, …]`).
fn oneof_fields(branches: &Value) -> Vec<String> {
    branches
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b.get("required"))
        .flat_map(|r| strings(Some(r)))
        .collect()
}

impl Schema {
    fn empty(ty: Type) -> Schema {
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

    /// Reads the JSON schema schemars generates for an API type (every subschema inlined):
    /// `Option<T>` (`anyOf: [T, null]`, `type: [T, "null"]`) is read as `T` with the keywords
    /// set beside it; integers follow protobuf's JSON mapping (`uint32` is bounded by
    /// 0..=4294967295, 64-bit integers carry no format); `additionalProperties: true` is a
    /// free-form object; a schema without a type is any value; `oneOf`/`allOf` are Istio's
    /// encoding of oneofs; `x-istioctl-check` and `x-istioctl-deprecated` are our own checks.
    pub fn from_json_schema(value: &Value) -> Schema {
        let Value::Object(obj) = value else {
            // `true`: any value (protobuf `Value`).
            return Schema {
                preserve_unknown: true,
                ..Schema::empty(Type::Any)
            };
        };
        let nullable_branches = obj
            .get("anyOf")
            .and_then(Value::as_array)
            .filter(|b| b.iter().any(is_null_schema));
        if let Some(branches) = nullable_branches {
            let mut merged = branches
                .iter()
                .find(|b| !is_null_schema(b))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for (k, v) in obj {
                if k != "anyOf" {
                    merged.insert(k.clone(), v.clone());
                }
            }
            return Schema::from_json_schema(&Value::Object(merged));
        }
        for key in obj.keys() {
            debug_assert!(
                KEYWORDS.contains(&key.as_str()),
                "unexpected JSON schema keyword {key:?} in {value}"
            );
        }
        let type_name = match obj.get("type") {
            Some(Value::String(t)) => Some(t.as_str()),
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            _ => None,
        };
        let int_or_string = obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
        // A Rust enum whose variants have doc comments: `oneOf` of one constant each.
        let constants: Option<Vec<String>> = obj
            .get("oneOf")
            .and_then(Value::as_array)
            .filter(|b| !b.is_empty() && b.iter().all(|x| x.get("const").is_some()))
            .map(|b| {
                b.iter()
                    .filter_map(|x| x["const"].as_str())
                    .map(str::to_owned)
                    .collect()
            });
        let ty = match type_name {
            _ if int_or_string => Type::IntOrString,
            _ if constants.is_some() => Type::String,
            Some("object") => Type::Object,
            Some("array") => Type::Array,
            Some("string") => Type::String,
            Some("integer") => Type::Integer,
            Some("number") => Type::Number,
            Some("boolean") => Type::Boolean,
            _ => Type::Any,
        };
        let mut s = Schema::empty(ty);
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        let count = |key: &str| obj.get(key).and_then(Value::as_u64);
        let bound = |key: &str| obj.get(key).and_then(Value::as_f64);
        s.doc = text("description").filter(|d| !d.is_empty());
        s.format = text("format");
        s.minimum = bound("minimum");
        s.maximum = bound("maximum");
        match s.format.as_deref() {
            Some("uint32") => {
                s.format = None;
                s.minimum.get_or_insert(0.0);
                s.maximum.get_or_insert(f64::from(u32::MAX));
            }
            Some("int64" | "uint64") => s.format = None,
            _ => {}
        }
        s.min_length = count("minLength");
        s.max_length = count("maxLength");
        s.min_items = count("minItems");
        s.max_items = count("maxItems");
        s.min_properties = count("minProperties");
        s.max_properties = count("maxProperties");
        if let Some(p) = text("pattern") {
            match Regex::new(&p) {
                Ok(re) => s.pattern = Some((p, re)),
                Err(_) => debug_assert!(false, "invalid schema pattern {p}"),
            }
        }
        s.nullable = obj.get("nullable") == Some(&Value::Bool(true));
        s.preserve_unknown = ty == Type::Any
            || obj.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        s.list_type = text("x-kubernetes-list-type");
        s.list_map_keys = strings(obj.get("x-kubernetes-list-map-keys"));
        s.enum_values = constants
            .clone()
            .unwrap_or_else(|| strings(obj.get("enum")));
        s.required = strings(obj.get("required"));
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            s.properties = props
                .iter()
                .map(|(n, p)| (n.clone(), Schema::from_json_schema(p)))
                .collect();
        }
        match obj.get("additionalProperties") {
            Some(Value::Bool(true)) => s.preserve_unknown = true,
            Some(v @ Value::Object(_)) => s.values = Some(Box::new(Schema::from_json_schema(v))),
            _ => {}
        }
        if let Some(items) = obj.get("items") {
            s.items = Some(Box::new(Schema::from_json_schema(items)));
        }
        if !int_or_string && constants.is_none() {
            if let Some(branches) = obj.get("oneOf") {
                s.oneofs.push(oneof_fields(branches));
            }
            for part in obj
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(branches) = part.get("oneOf") {
                    s.oneofs.push(oneof_fields(branches));
                }
            }
        }
        for rule in obj
            .get("x-kubernetes-validations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = |k: &str| rule.get(k).and_then(Value::as_str).unwrap_or("");
            s.rules.push(Rule::new(field("rule"), field("message")));
        }
        s.check = text(CHECK_KEY).and_then(|k| Format::from_key(&k));
        debug_assert!(
            text(CHECK_KEY).is_none() || s.check.is_some(),
            "unknown check in {value}"
        );
        s.deprecated = text(DEPRECATED_KEY);
        s
    }

    /// Keeps descriptions only `levels` deep (0: none; 2: the node and its properties), as the
    /// CRDs describe only a spec and its fields.
    pub fn keep_docs(&mut self, levels: usize) {
        if levels == 0 {
            self.doc = None;
        }
        let below = levels.saturating_sub(1);
        for (_, p) in &mut self.properties {
            p.keep_docs(below);
        }
        for child in self.items.iter_mut().chain(self.values.iter_mut()) {
            child.keep_docs(below);
        }
    }

    /// The schema of property `name`, if declared.
    pub fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .iter()
            .find_map(|(n, s)| (n == name).then_some(s))
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
        if let Some(doc) = &self.doc {
            out.insert("description".into(), doc.as_str().into());
        }
        if !self.enum_values.is_empty() {
            out.insert("enum".into(), json!(self.enum_values));
        }
        if let Some(f) = &self.format {
            out.insert("format".into(), f.as_str().into());
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
            out.insert("pattern".into(), pattern.as_str().into());
        }
        if !self.properties.is_empty() {
            let props: Map<String, Value> = self
                .properties
                .iter()
                .map(|(n, s)| (n.clone(), s.to_openapi()))
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
        if let Some(t) = &self.list_type {
            out.insert("x-kubernetes-list-type".into(), t.as_str().into());
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
fn oneof_json(fields: &[String]) -> Value {
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
        let istio = json!({
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
        });
        let s = Schema::from_json_schema(&istio);
        assert_eq!(s.oneofs, vec![vec!["a".to_owned(), "b".to_owned()]]);
        assert_eq!(s.to_openapi(), istio);
        let two = json!({
            "allOf": [
                {"oneOf": [{"not": {"anyOf": [{"required": ["a"]}]}}, {"required": ["a"]}]},
                {"oneOf": [{"not": {"anyOf": [{"required": ["b"]}]}}, {"required": ["b"]}]},
            ],
            "type": "object",
        });
        assert_eq!(Schema::from_json_schema(&two).to_openapi(), two);
    }

    #[test]
    fn options_and_protobuf_integers_read_as_kubernetes_writes_them() {
        let option_list = json!({
            "anyOf": [
                {"type": "array", "items": {"type": "integer", "format": "uint32", "minimum": 0}},
                {"type": "null"},
            ],
            "maxItems": 2,
            "description": "d",
        });
        assert_eq!(
            Schema::from_json_schema(&option_list).to_openapi(),
            json!({
                "description": "d",
                "items": {"maximum": 4_294_967_295_u64, "minimum": 0, "type": "integer"},
                "maxItems": 2,
                "type": "array",
            })
        );
        let option_number =
            json!({"type": ["number", "null"], "format": "double", "minimum": 0, "maximum": 100.0});
        assert_eq!(
            Schema::from_json_schema(&option_number).to_openapi(),
            json!({"format": "double", "maximum": 100, "minimum": 0, "type": "number"})
        );
        let free =
            Schema::from_json_schema(&json!({"type": "object", "additionalProperties": true}));
        assert_eq!(
            free.to_openapi(),
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})
        );
    }

    #[test]
    fn our_checks_and_deprecations_are_read_but_not_rendered() {
        let s = Schema::from_json_schema(&json!({
            "type": "string",
            "x-istioctl-check": "host",
            "x-istioctl-deprecated": "hosts",
        }));
        assert_eq!(s.check, Some(Format::Host));
        assert_eq!(s.deprecated.as_deref(), Some("hosts"));
        assert_eq!(s.to_openapi(), json!({"type": "string"}));
        for f in Format::ALL {
            assert_eq!(Format::from_key(f.key()), Some(f));
            // The committed schemas name a check by its key too.
            assert_eq!(serde_json::to_value(f).ok(), Some(json!(f.key())));
        }
    }
}
