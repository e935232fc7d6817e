//! Kubernetes' protobuf encoding of built-in kinds (`application/vnd.kubernetes.protobuf`): the
//! `k8s\0` prefix, the `runtime.Unknown` envelope, and each type's message, read and written by
//! walking the generated schema (JSON names and protobuf field numbers of every built-in type).

use base64::Engine;
use serde_json::{Map, Value};

use crate::schema::{self, Field, Ty, TypeDef};
use crate::util::{parse_rfc3339, rfc3339};

/// The protobuf media type.
pub(crate) const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

const MAGIC: &[u8] = b"k8s\0";

/// Whether an `Accept` header prefers protobuf: its first media type the emulator can serve is
/// protobuf (Table requests and JSON, YAML or wildcards first mean no).
pub(crate) fn preferred(accept: &str) -> bool {
    for entry in accept.split(',') {
        let mut parts = entry.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        if parts.any(|p| p.starts_with("as=")) {
            return false;
        }
        match media.as_str() {
            MEDIA_TYPE => return true,
            "application/json" | "application/yaml" | "*/*" | "application/*" => return false,
            _ => {}
        }
    }
    false
}

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

/// One wire value.
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.buf.get(self.pos).ok_or("truncated protobuf varint")?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("protobuf varint longer than 10 bytes".into())
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&end| end <= self.buf.len())
            .ok_or("truncated protobuf field")?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// The next field: its number and value, or `None` at the end.
    fn next(&mut self) -> Result<Option<(u32, Wire<'a>)>, String> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let tag = u32::try_from(key >> 3).map_err(|_| "protobuf field number out of range")?;
        let wire = match (key & 7) as u8 {
            VARINT => Wire::Varint(self.varint()?),
            FIXED64 => {
                let b = self.take(8)?;
                Wire::Fixed64(u64::from_le_bytes(b.try_into().map_err(|_| "fixed64")?))
            }
            LEN => {
                let len = usize::try_from(self.varint()?).map_err(|_| "length out of range")?;
                Wire::Bytes(self.take(len)?)
            }
            FIXED32 => {
                let b = self.take(4)?;
                Wire::Fixed32(u32::from_le_bytes(b.try_into().map_err(|_| "fixed32")?))
            }
            other => return Err(format!("unsupported protobuf wire type {other}")),
        };
        Ok(Some((tag, wire)))
    }
}

/// The fields of a small message (`IntOrString`, `Time`, …) by number.
fn small_fields(bytes: &[u8]) -> Result<Vec<(u32, Wire<'_>)>, String> {
    let mut reader = Reader::new(bytes);
    let mut out = Vec::new();
    while let Some(field) = reader.next()? {
        out.push(field);
    }
    Ok(out)
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| "a protobuf string is not UTF-8".to_string())
}

/// Decodes a request body: `k8s\0` + `runtime.Unknown{typeMeta, raw}`, `raw` being the message
/// of the built-in kind named by `typeMeta`. Returns the object as JSON.
pub(crate) fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or("the protobuf body lacks the k8s\\0 prefix")?;
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    for (tag, wire) in small_fields(rest)? {
        match (tag, wire) {
            (1, Wire::Bytes(type_meta)) => {
                for (t, w) in small_fields(type_meta)? {
                    match (t, w) {
                        (1, Wire::Bytes(b)) => api_version = utf8(b)?,
                        (2, Wire::Bytes(b)) => kind = utf8(b)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let def = schema::kind(&api_version, &kind)
        .filter(|d| d.proto)
        .ok_or_else(|| format!("no protobuf form is known for kind {kind:?} of {api_version:?}"))?;
    let Value::Object(fields) = message(def, raw)? else {
        return Err("a protobuf message did not decode to an object".into());
    };
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), Value::String(api_version));
    obj.insert("kind".into(), Value::String(kind));
    obj.extend(fields);
    Ok(Value::Object(obj))
}

fn message(def: &TypeDef, bytes: &[u8]) -> Result<Value, String> {
    let fields: Vec<(&Field, &[u32])> = def.fields.iter().map(|f| (f, f.inline)).collect();
    let mut out = Map::new();
    read_fields(&fields, bytes, &mut out)?;
    Ok(Value::Object(out))
}

/// Reads a message into `out`; fields of embedded messages (paths) land in `out` too.
fn read_fields(
    fields: &[(&Field, &[u32])],
    bytes: &[u8],
    out: &mut Map<String, Value>,
) -> Result<(), String> {
    let mut reader = Reader::new(bytes);
    while let Some((tag, wire)) = reader.next()? {
        if let Some((field, _)) = fields.iter().find(|(f, p)| p.is_empty() && f.tag == tag) {
            read_field(field, wire, out).map_err(|e| format!("{}: {e}", field.json))?;
            continue;
        }
        let nested: Vec<(&Field, &[u32])> = fields
            .iter()
            .filter(|(_, p)| p.first() == Some(&tag))
            .map(|(f, p)| (*f, &p[1..]))
            .collect();
        if let (false, Wire::Bytes(inner)) = (nested.is_empty(), wire) {
            read_fields(&nested, inner, out)?;
        }
        // Unknown field numbers are skipped, as Go's decoder does.
    }
    Ok(())
}

/// Fields that Go declares as pointers among the integers and booleans of the kinds clients
/// send: a zero there is a value (`replicas: 0`), while elsewhere Go's JSON leaves zeros out.
const POINTERS: &[&str] = &[
    "activeDeadlineSeconds",
    "allocateLoadBalancerNodePorts",
    "allowPrivilegeEscalation",
    "automountServiceAccountToken",
    "averageUtilization",
    "backoffLimit",
    "backoffLimitPerIndex",
    "completions",
    "defaultMode",
    "enableServiceLinks",
    "expirationSeconds",
    "failedJobsHistoryLimit",
    "fsGroup",
    "hostUsers",
    "immutable",
    "maxReplicas",
    "minReplicas",
    "mode",
    "optional",
    "parallelism",
    "partition",
    "priority",
    "privileged",
    "progressDeadlineSeconds",
    "readOnlyRootFilesystem",
    "replicas",
    "revisionHistoryLimit",
    "runAsGroup",
    "runAsNonRoot",
    "runAsUser",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "stabilizationWindowSeconds",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "suspend",
    "terminationGracePeriodSeconds",
    "timeoutSeconds",
    "ttlSecondsAfterFinished",
];

fn is_zero(ty: &Ty, zero: bool) -> bool {
    matches!(ty, Ty::Bool | Ty::Int32 | Ty::Int64 | Ty::Float64) && zero
}

fn read_field(field: &Field, wire: Wire<'_>, out: &mut Map<String, Value>) -> Result<(), String> {
    let wire_zero = matches!(wire, Wire::Varint(0) | Wire::Fixed64(0));
    match field.ty {
        Ty::List(inner) => {
            let list = out
                .entry(field.json)
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = list else {
                return Err("repeated field decoded twice".into());
            };
            match (inner, wire) {
                // Packed repeated numbers.
                (Ty::Int32 | Ty::Int64 | Ty::Bool, Wire::Bytes(bytes)) => {
                    let mut reader = Reader::new(bytes);
                    while reader.pos < bytes.len() {
                        items.push(value(inner, Wire::Varint(reader.varint()?))?);
                    }
                }
                (_, wire) => items.push(value(inner, wire)?),
            }
        }
        Ty::Map(inner) => {
            let Wire::Bytes(entry) = wire else {
                return Err("a map entry is not a message".into());
            };
            let (mut key, mut val) = (String::new(), None);
            for (tag, w) in small_fields(entry)? {
                match (tag, w) {
                    (1, Wire::Bytes(b)) => key = utf8(b)?,
                    (2, w) => val = Some(value(inner, w)?),
                    _ => {}
                }
            }
            let map = out
                .entry(field.json)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = map {
                map.insert(key, val.unwrap_or_else(|| empty(inner)));
            }
        }
        ty => {
            // Go writes non-pointer fields even when empty; its JSON leaves empty strings and
            // zero times out (`omitempty`), and so does this decoder.
            match value(&ty, wire)? {
                Value::Null => {}
                Value::String(s) if s.is_empty() => {}
                Value::Bool(false) | Value::Number(_)
                    if is_zero(&ty, wire_zero) && !POINTERS.contains(&field.json) => {}
                v => {
                    out.insert(field.json.into(), v);
                }
            }
        }
    }
    Ok(())
}

/// The JSON of a map value that protobuf left out (its zero value).
fn empty(ty: &Ty) -> Value {
    match ty {
        Ty::String | Ty::Bytes | Ty::Quantity => Value::String(String::new()),
        Ty::Ref(_) => Value::Object(Map::new()),
        Ty::List(_) => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

fn value(ty: &Ty, wire: Wire<'_>) -> Result<Value, String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(match (ty, wire) {
        (Ty::String, Wire::Bytes(b)) => Value::String(utf8(b)?),
        (Ty::Bool, Wire::Varint(v)) => Value::Bool(v != 0),
        (Ty::Int32, Wire::Varint(v)) => Value::from(v as i64 as i32),
        (Ty::Int64, Wire::Varint(v)) => Value::from(v as i64),
        (Ty::Float64, Wire::Fixed64(v)) => Value::from(f64::from_bits(v)),
        (Ty::Float64, Wire::Fixed32(v)) => Value::from(f64::from(f32::from_bits(v))),
        (Ty::Bytes, Wire::Bytes(b)) => Value::String(b64.encode(b)),
        (Ty::IntOrString, Wire::Bytes(b)) => {
            let (mut is_string, mut int, mut text) = (false, 0i64, String::new());
            for (tag, w) in small_fields(b)? {
                match (tag, w) {
                    (1, Wire::Varint(t)) => is_string = t == 1,
                    (2, Wire::Varint(v)) => int = i64::from(v as i64 as i32),
                    (3, Wire::Bytes(s)) => text = utf8(s)?,
                    _ => {}
                }
            }
            if is_string {
                Value::String(text)
            } else {
                Value::from(int)
            }
        }
        (Ty::Quantity, Wire::Bytes(b)) => {
            let mut text = String::new();
            for (tag, w) in small_fields(b)? {
                if let (1, Wire::Bytes(s)) = (tag, w) {
                    text = utf8(s)?;
                }
            }
            Value::String(text)
        }
        (Ty::Time | Ty::MicroTime, Wire::Bytes(b)) => {
            let (mut secs, mut nanos) = (0i64, 0u32);
            for (tag, w) in small_fields(b)? {
                match (tag, w) {
                    (1, Wire::Varint(s)) => secs = s as i64,
                    (2, Wire::Varint(n)) => nanos = n as u32,
                    _ => {}
                }
            }
            // The zero time (Go's year 1, or the epoch) is an unset time.
            if secs <= 0 && nanos == 0 {
                return Ok(Value::Null);
            }
            let micros = matches!(ty, Ty::MicroTime).then_some(nanos / 1_000);
            Value::String(rfc3339(secs, micros))
        }
        (Ty::Raw, Wire::Bytes(b)) => {
            let mut raw: &[u8] = &[];
            for (tag, w) in small_fields(b)? {
                if let (1, Wire::Bytes(r)) = (tag, w) {
                    raw = r;
                }
            }
            if raw.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(raw)
                    .map_err(|e| format!("embedded JSON is not valid: {e}"))?
            }
        }
        (Ty::Ref(i), Wire::Bytes(b)) => message(schema::types(*i), b)?,
        (ty, _) => return Err(format!("the wire type does not fit a {ty:?}")),
    })
}

// ---- writing ---------------------------------------------------------------------------------

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_key(out: &mut Vec<u8>, tag: u32, wire: u8) {
    put_varint(out, (u64::from(tag) << 3) | u64::from(wire));
}

fn put_bytes(out: &mut Vec<u8>, tag: u32, bytes: &[u8]) {
    put_key(out, tag, LEN);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn int(value: &Value) -> Result<i64, String> {
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
        })
        .ok_or_else(|| format!("{value} is not an integer"))
}

fn text(value: &Value) -> Result<&str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("{value} is not a string"))
}

/// Encodes an object of a built-in kind (`apiVersion`, `kind` set) with the `k8s\0` envelope.
/// Fails for kinds and values without a protobuf form (the caller then answers JSON).
pub(crate) fn encode(obj: &Value) -> Result<Vec<u8>, String> {
    let api_version = obj["apiVersion"].as_str().unwrap_or_default();
    let kind = obj["kind"].as_str().unwrap_or_default();
    let def = schema::kind(api_version, kind)
        .filter(|d| d.proto)
        .ok_or_else(|| format!("no protobuf form for {kind} of {api_version}"))?;
    let raw = write_message(def, obj)?;
    Ok(envelope(api_version, kind, &raw))
}

/// Encodes a list (`metadata` = ListMeta, `items` of the list's kind) with the envelope.
pub(crate) fn encode_list(
    api_version: &str,
    kind: &str,
    metadata: &Value,
    items: &[&Value],
) -> Result<Vec<u8>, String> {
    let def = schema::kind(api_version, kind)
        .filter(|d| d.proto)
        .ok_or_else(|| format!("no protobuf form for {kind} of {api_version}"))?;
    let list_meta = schema::named("ListMeta").ok_or("ListMeta is missing from the schema")?;
    let mut raw = Vec::new();
    put_bytes(&mut raw, 1, &write_message(list_meta, metadata)?);
    for item in items {
        put_bytes(&mut raw, 2, &write_message(def, item)?);
    }
    Ok(envelope(api_version, &format!("{kind}List"), &raw))
}

fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut type_meta = Vec::new();
    put_bytes(&mut type_meta, 1, api_version.as_bytes());
    put_bytes(&mut type_meta, 2, kind.as_bytes());
    let mut out = MAGIC.to_vec();
    put_bytes(&mut out, 1, &type_meta);
    put_bytes(&mut out, 2, raw);
    put_bytes(&mut out, 3, b"");
    put_bytes(&mut out, 4, b"");
    out
}

fn write_message(def: &TypeDef, value: &Value) -> Result<Vec<u8>, String> {
    let Value::Object(obj) = value else {
        return Err(format!("{} must be an object", def.name));
    };
    let fields: Vec<(&Field, &[u32])> = def.fields.iter().map(|f| (f, f.inline)).collect();
    let mut out = Vec::new();
    write_fields(&fields, obj, &mut out)?;
    Ok(out)
}

fn write_fields(
    fields: &[(&Field, &[u32])],
    obj: &Map<String, Value>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let mut parts: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut nested_tags: Vec<u32> = Vec::new();
    for (field, path) in fields {
        match path.first() {
            Some(&tag) => {
                if !nested_tags.contains(&tag) {
                    nested_tags.push(tag);
                }
            }
            None => {
                let Some(value) = obj.get(field.json).filter(|v| !v.is_null()) else {
                    continue;
                };
                if field.tag == 0 {
                    return Err(format!("{} has no protobuf field number", field.json));
                }
                let mut bytes = Vec::new();
                write_field(field, value, &mut bytes)
                    .map_err(|e| format!("{}: {e}", field.json))?;
                parts.push((field.tag, bytes));
            }
        }
    }
    for tag in nested_tags {
        let nested: Vec<(&Field, &[u32])> = fields
            .iter()
            .filter(|(_, p)| p.first() == Some(&tag))
            .map(|(f, p)| (*f, &p[1..]))
            .collect();
        let mut inner = Vec::new();
        write_fields(&nested, obj, &mut inner)?;
        let mut bytes = Vec::new();
        put_bytes(&mut bytes, tag, &inner);
        parts.push((tag, bytes));
    }
    parts.sort_by_key(|(tag, _)| *tag);
    for (_, bytes) in parts {
        out.extend(bytes);
    }
    Ok(())
}

fn write_field(field: &Field, value: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    match field.ty {
        Ty::List(inner) => {
            let items = value.as_array().ok_or("not a list")?;
            for item in items {
                write_value(field.tag, inner, item, out)?;
            }
        }
        Ty::Map(inner) => {
            let map = value.as_object().ok_or("not a map")?;
            for (key, item) in map {
                let mut entry = Vec::new();
                put_bytes(&mut entry, 1, key.as_bytes());
                if !item.is_null() {
                    write_value(2, inner, item, &mut entry)?;
                }
                put_bytes(out, field.tag, &entry);
            }
        }
        ty => write_value(field.tag, &ty, value, out)?,
    }
    Ok(())
}

fn write_value(tag: u32, ty: &Ty, value: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    match ty {
        Ty::String => put_bytes(out, tag, text(value)?.as_bytes()),
        Ty::Bool => {
            put_key(out, tag, VARINT);
            put_varint(out, u64::from(value.as_bool().ok_or("not a boolean")?));
        }
        Ty::Int32 | Ty::Int64 => {
            put_key(out, tag, VARINT);
            put_varint(out, int(value)? as u64);
        }
        Ty::Float64 => {
            put_key(out, tag, FIXED64);
            let f = value.as_f64().ok_or("not a number")?;
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Ty::Bytes => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(text(value)?)
                .map_err(|e| format!("not base64: {e}"))?;
            put_bytes(out, tag, &decoded);
        }
        Ty::IntOrString => {
            let mut inner = Vec::new();
            match value {
                Value::String(s) => {
                    put_key(&mut inner, 1, VARINT);
                    put_varint(&mut inner, 1);
                    put_key(&mut inner, 2, VARINT);
                    put_varint(&mut inner, 0);
                    put_bytes(&mut inner, 3, s.as_bytes());
                }
                other => {
                    put_key(&mut inner, 1, VARINT);
                    put_varint(&mut inner, 0);
                    put_key(&mut inner, 2, VARINT);
                    put_varint(&mut inner, int(other)? as u64);
                    put_bytes(&mut inner, 3, b"");
                }
            }
            put_bytes(out, tag, &inner);
        }
        Ty::Quantity => {
            let mut inner = Vec::new();
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            put_bytes(&mut inner, 1, text.as_bytes());
            put_bytes(out, tag, &inner);
        }
        Ty::Time | Ty::MicroTime => {
            let (secs, nanos) = parse_rfc3339(text(value)?).ok_or("not an RFC 3339 time")?;
            let mut inner = Vec::new();
            put_key(&mut inner, 1, VARINT);
            put_varint(&mut inner, secs as u64);
            put_key(&mut inner, 2, VARINT);
            put_varint(&mut inner, u64::from(nanos));
            put_bytes(out, tag, &inner);
        }
        Ty::Raw => {
            let mut inner = Vec::new();
            put_bytes(&mut inner, 1, value.to_string().as_bytes());
            put_bytes(out, tag, &inner);
        }
        Ty::Any => return Err("a union of schema types has no protobuf form here".into()),
        Ty::Ref(i) => {
            let bytes = write_message(schema::types(*i), value)?;
            put_bytes(out, tag, &bytes);
        }
        Ty::List(_) | Ty::Map(_) => return Err("nested lists have no protobuf form".into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_a_deployment() {
        let deploy = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "web",
                "namespace": "default",
                "labels": { "app": "web" },
                "creationTimestamp": "2026-01-02T03:04:05Z",
            },
            "spec": {
                "replicas": 3,
                "selector": { "matchLabels": { "app": "web" } },
                "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": 1 } },
                "template": {
                    "metadata": { "labels": { "app": "web" } },
                    "spec": {
                        "containers": [{
                            "name": "web",
                            "image": "nginx",
                            "ports": [{ "containerPort": 80, "protocol": "TCP" }],
                            "resources": { "limits": { "cpu": "500m" } },
                        }],
                        "volumes": [{ "name": "data", "emptyDir": {} }],
                    },
                },
            },
        });
        let bytes = encode(&deploy).unwrap();
        assert!(bytes.starts_with(b"k8s\0"));
        assert_eq!(decode(&bytes).unwrap(), deploy);
    }

    #[test]
    fn secrets_bytes_and_rules_nested_twice() {
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": { "name": "s" },
            "data": { "k": "aGVsbG8=" },
            "type": "Opaque",
        });
        assert_eq!(decode(&encode(&secret).unwrap()).unwrap(), secret);
        let hook = json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": { "name": "v" },
            "webhooks": [{
                "name": "v.example.com",
                "rules": [{ "apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"], "scope": "*" }],
                "clientConfig": { "caBundle": "Y2E=" },
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
            }],
        });
        assert_eq!(decode(&encode(&hook).unwrap()).unwrap(), hook);
    }

    #[test]
    fn rejects_what_is_not_protobuf() {
        assert!(decode(b"{}").unwrap_err().contains("k8s\\0"));
        // Empty strings and zero times (Go writes them) decode as absent.
        let sparse = json!({ "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": { "name": "c", "namespace": "", "creationTimestamp": "0001-01-01T00:00:00Z" },
            "data": { "k": "" } });
        assert_eq!(
            decode(&encode(&sparse).unwrap()).unwrap(),
            json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": { "k": "" } })
        );
        assert!(decode(b"k8s\0\x0a\x02\x0a\x00")
            .unwrap_err()
            .contains("no protobuf form"));
        let list = encode_list("v1", "ConfigMap", &json!({"resourceVersion": "5"}), &[]).unwrap();
        assert!(list.windows(13).any(|w| w == b"ConfigMapList"));
    }
}
