//! Byte-stable YAML and JSON output, written straight from JSON values.
//!
//! YAML: maps with their keys sorted (as istioctl prints objects), block style, lists under a
//! key at the key's indentation (Kubernetes style), strings plain when no YAML 1.1 or 1.2
//! reader could take them for anything else (a number, a boolean, null, a flow or block
//! indicator), multi-line strings as literal blocks, everything else double-quoted. Whole
//! floats are written as integers, as Go's encoders write the float64 values Helm reads.
//!
//! JSON: [`to_go_json`] indents like Go's `json.MarshalIndent` (what Helm's `toPrettyJson`
//! writes) with sorted keys and Go's number formatting.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// Returns `v` with every map's keys sorted.
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
    let mut out = String::with_capacity(1024);
    write_document(&mut out, v);
    out
}

/// Serializes values as a multi-document YAML stream (`---` between documents).
pub fn to_yaml_stream<'a>(docs: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_document(&mut out, doc);
    }
    out
}

/// Appends one YAML document for `v`.
pub fn write_document(out: &mut String, v: &Value) {
    match v {
        Value::Object(m) if !m.is_empty() => write_map(out, m, 0, false),
        Value::Array(a) if !a.is_empty() => write_seq(out, a, 0, false),
        Value::String(s) if is_block(s) => {
            out.push('|');
            write_block(out, s, 0);
        }
        other => {
            write_inline(out, other);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn sorted_entries(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// A map whose keys start at column `n`; the first key follows a `- ` already written when
/// `inline`.
fn write_map(out: &mut String, m: &Map<String, Value>, n: usize, inline: bool) {
    for (i, (k, v)) in sorted_entries(m).into_iter().enumerate() {
        if i > 0 || !inline {
            indent(out, n);
        }
        write_str(out, k, true);
        out.push(':');
        write_value_after(out, v, n, true);
    }
}

/// A sequence whose `- ` markers start at column `n`; the first marker follows a `- ` already
/// written when `inline`.
fn write_seq(out: &mut String, a: &[Value], n: usize, inline: bool) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, n);
        }
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                write_map(out, m, n + 2, true);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push(' ');
                write_seq(out, inner, n + 2, true);
            }
            other => write_value_after(out, other, n, false),
        }
    }
}

/// The value after `key:` (or a lone `-`) at column `n`.
fn write_value_after(out: &mut String, v: &Value, n: usize, in_map: bool) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, n + 2, false);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            // Kubernetes style: a list under a key starts at the key's column.
            write_seq(out, a, if in_map { n } else { n + 2 }, false);
        }
        Value::String(s) if is_block(s) => {
            out.push_str(" |");
            write_block(out, s, n + 2);
        }
        other => {
            out.push(' ');
            write_inline(out, other);
            out.push('\n');
        }
    }
}

fn write_inline(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n, false),
        Value::String(s) => write_str(out, s, false),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Numbers as Go writes float64 values: whole ones without a fraction. `json` selects
/// `encoding/json`'s exponent form for very large or small values; YAML gets a form every
/// YAML 1.1 reader takes for a float.
fn write_number(out: &mut String, n: &Number, json: bool) {
    if n.is_i64() || n.is_u64() {
        let _ = write!(out, "{n}");
        return;
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 1e21 {
        let _ = write!(out, "{}", f as i128);
        return;
    }
    let text = format!("{f}");
    if json || text.contains('.') || !text.contains(['e', 'E']) {
        out.push_str(&text);
        return;
    }
    // `1e-7` → `1.0e-07`-like forms that YAML 1.1 resolves as floats.
    let (mantissa, exp) = text.split_once(['e', 'E']).unwrap_or((&text, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_owned()
    } else {
        format!("{mantissa}.0")
    };
    let exp = if exp.starts_with(['-', '+']) {
        exp.to_owned()
    } else {
        format!("+{exp}")
    };
    let _ = write!(out, "{mantissa}e{exp}");
}

/// Whether a string is written as a literal block: it spans lines and holds only characters a
/// block scalar can carry.
fn is_block(s: &str) -> bool {
    s.contains('\n') && s.chars().all(|c| c == '\n' || c == '\t' || printable(c))
}

/// Characters YAML allows unescaped (tab and line breaks aside).
fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && c != '\u{FEFF}'
}

/// A literal block scalar: header indicators after `|`, then the lines at column `n`.
fn write_block(out: &mut String, s: &str, n: usize) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let body = match trailing {
        0 => s,
        _ => &s[..s.len() - 1],
    };
    // An explicit indentation when the first line with content starts with a space, or an
    // all-space line comes before it (the reader would take the indentation from there).
    let needs_indicator = body
        .split('\n')
        .find(|l| !l.trim_matches(' ').is_empty() || l.starts_with(' '))
        .is_some_and(|l| l.starts_with(' '));
    if needs_indicator {
        let _ = write!(out, "{}", 2);
    }
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, n);
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// YAML 1.1 booleans and nulls, lower-cased.
const SPECIAL_WORDS: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", "-.inf", "+.inf",
    ".nan", "<<", "=",
];

/// Whether `s` can be written as a plain scalar and read back as the same string.
fn plain_ok(s: &str, key: bool) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if s.len() > 1024 && key {
        return false;
    }
    let first_ok = first.is_ascii_alphanumeric()
        || matches!(
            first,
            b'/' | b'.' | b'_' | b'$' | b'(' | b'^' | b'+' | b'=' | b'<'
        )
        || (first == b'-' && bytes.len() > 1 && bytes[1] != b' ');
    if !first_ok || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b' ' => {
                if bytes.get(i + 1) == Some(&b'#') {
                    return false;
                }
            }
            b':' => {
                if bytes.get(i + 1) == Some(&b' ') {
                    return false;
                }
            }
            b'#' if i > 0 && bytes[i - 1] == b' ' => return false,
            0x21..=0x7e => {}
            _ => return false,
        }
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if SPECIAL_WORDS.contains(&lower.as_str()) {
        return false;
    }
    !looks_numeric(s)
}

/// Conservatively: anything a YAML 1.1 or 1.2 reader might resolve as a number (integers in
/// any base, floats, sexagesimals).
fn looks_numeric(s: &str) -> bool {
    let rest = s.strip_prefix(['-', '+']).unwrap_or(s);
    let Some(first) = rest.bytes().next() else {
        return false;
    };
    (first.is_ascii_digit() || first == b'.')
        && rest.bytes().all(|b| {
            b.is_ascii_hexdigit()
                || matches!(
                    b,
                    b'x' | b'X' | b'o' | b'O' | b'_' | b'.' | b':' | b'+' | b'-'
                )
        })
}

/// A string: plain when safe, else double-quoted with YAML escapes.
fn write_str(out: &mut String, s: &str, key: bool) {
    if plain_ok(s, key) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if printable(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
    }
    out.push('"');
}

/// JSON as Helm's `toPrettyJson` writes it: two-space indentation, `": "` after keys, keys
/// sorted, empty maps and lists as `{}` and `[]`, Go's number formatting, and `<`, `>`, `&`
/// escaped as Go's encoder escapes them.
pub fn to_go_json(v: &Value) -> String {
    let mut out = String::with_capacity(4096);
    write_json(&mut out, v, 0);
    out
}

fn write_json(out: &mut String, v: &Value, n: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(num) => write_number(out, num, true),
        Value::String(s) => write_json_str(out, s),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Array(a) => {
            out.push_str("[\n");
            for (i, item) in a.iter().enumerate() {
                indent(out, n + 2);
                write_json(out, item, n + 2);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            indent(out, n);
            out.push(']');
        }
        Value::Object(m) => {
            out.push_str("{\n");
            let entries = sorted_entries(m);
            let last = entries.len();
            for (i, (k, item)) in entries.into_iter().enumerate() {
                indent(out, n + 2);
                write_json_str(out, k);
                out.push_str(": ");
                write_json(out, item, n + 2);
                out.push_str(if i + 1 < last { ",\n" } else { "\n" });
            }
            indent(out, n);
            out.push('}');
        }
    }
}

fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A scalar as Go's `fmt` prints it inside a template (`{{ .Values.x }}`): strings as they
/// are, booleans as `true`/`false`, numbers in Go's float64 formatting, nothing for null.
pub fn go_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
        // Maps and lists are never printed as scalars by the charts we follow.
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A number as Go's `%v` prints a float64: whole values below 1e21 without a fraction, other
/// values in the shortest form, exponents as `e+06`.
pub fn go_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let exp = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if (-4..21).contains(&exp) {
        if f.fract() == 0.0 {
            return format!("{}", f as i128);
        }
        return format!("{f}");
    }
    let text = format!("{f:e}");
    let (mantissa, e) = text.split_once('e').unwrap_or((&text, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let sign = if e < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", e.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: &Value) -> Value {
        let text = to_yaml(v);
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn kubernetes_style_layout() {
        let v = json!({"b": [{"x": 1, "a": [1, 2]}, [3, 4], "s"], "a": {"c": {}, "d": []}});
        assert_eq!(
            to_yaml(&v),
            "a:\n  c: {}\n  d: []\nb:\n- a:\n  - 1\n  - 2\n  x: 1\n- - 3\n  - 4\n- s\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "true", "No", "on", "null", "~", "1", "1.0", "1e3", "0x1F", "1_000", "12:30", "",
            " lead", "trail ", "a: b", "a #b", "- x", "-", "---", "*", "&a", "!t", "%p", "@x",
            "`x", "{a}", "[a]", "'q'", "\"q\"", ".5", ".inf", "é\u{7f}",
        ] {
            let v = json!({ s: s });
            assert_eq!(round_trip(&v), v, "{s:?} in {}", to_yaml(&v));
            assert!(to_yaml(&v).contains('"'), "{s:?} should be quoted");
        }
        for s in [
            "500m",
            "2048Mi",
            "istio-system",
            "--domain",
            "$(POD_NAMESPACE).svc",
            "a:b",
            "100%",
        ] {
            let v = json!({ s: s });
            assert_eq!(to_yaml(&v), format!("{s}: {s}\n"));
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        for s in [
            "a\nb",
            "a\nb\n",
            "a\nb\n\n",
            "  x\ny\n",
            "\n  x\n",
            "a\n\n  b\n",
            "tab\tx\ny",
        ] {
            let v = json!({"k": s, "l": [s]});
            assert_eq!(round_trip(&v), v, "{s:?} in\n{}", to_yaml(&v));
            assert!(to_yaml(&v).contains('|'), "{s:?} as a block");
        }
        assert_eq!(to_yaml(&json!({"k": "a\nb"})), "k: |-\n  a\n  b\n");
    }

    #[test]
    fn numbers_follow_go() {
        let v = json!({"a": 1.0, "b": 0.5, "c": 1e-7, "d": -3, "e": 5000.0});
        assert_eq!(to_yaml(&v), "a: 1\nb: 0.5\nc: 0.0000001\nd: -3\ne: 5000\n");
        assert_eq!(go_text(&json!(1.0)), "1");
        assert_eq!(go_text(&json!(100.0)), "100");
        assert_eq!(go_text(&json!(0.1)), "0.1");
        assert_eq!(go_text(&json!(1e21)), "1e+21");
        assert_eq!(to_go_json(&json!({"b": [], "a": {"x": 1.0, "y": "<&>"}})),
            "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": \"\\u003c\\u0026\\u003e\"\n  },\n  \"b\": []\n}");
    }
}
