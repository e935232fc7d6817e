//! Byte-stable YAML output: keys sorted, documents joined with `---`.

use serde_json::Value;

/// Returns `v` with every map's keys sorted, as istioctl prints objects.
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Serializes one value as a YAML document (keys sorted).
pub fn to_yaml(v: &Value) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    // Long single-line strings stay on one line.
    options.folded_wrap_chars = usize::MAX / 2;
    serde_saphyr::to_string_with_options(&sorted(v), options).unwrap_or_default()
}

/// Serializes values as a multi-document YAML stream.
pub fn to_yaml_stream<'a>(docs: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for doc in docs {
        if !out.is_empty() {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(doc));
    }
    out
}
