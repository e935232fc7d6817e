//! YAML in and out. Output is written as Go's `sigs.k8s.io/yaml` writes objects: keys sorted,
//! block style, list items at their parent's indentation, strings quoted only when a plain
//! scalar would read back as something else.

use std::fmt::Write as _;

use serde_json::Value;

/// A YAML text that could not be parsed: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the parsed text (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Parses one YAML document into JSON. An empty document is `null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
        // The library's message carries its own location and code frame; callers report
        // the location in the whole stream, so only the reason is kept.
        let full = e.to_string();
        let first = full.lines().next().unwrap_or_default();
        let reason = first.strip_prefix("error: ").unwrap_or(first);
        let reason = match reason.split_once(": ") {
            Some((loc, rest)) if loc.starts_with("line ") => rest,
            _ => reason,
        };
        let message = reason.split(" at line ").next().unwrap_or(reason).trim().to_string();
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// A YAML document of a stream: its text and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// The document's text, without its `---` line.
    pub text: &'a str,
    /// The line of the stream its text starts on.
    pub first_line: u32,
}

/// Splits a stream at `---` lines (as Go's YAML reader does). Documents holding nothing but
/// blank lines and comments are dropped.
pub fn split(text: &str) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    let mut push = |range: std::ops::Range<usize>, first_line: u32| {
        let body = &text[range];
        if body.lines().any(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        }) {
            out.push(Chunk {
                text: body,
                first_line,
            });
        }
    };
    for (n, line) in (1u32..).zip(text.split_inclusive('\n')) {
        let next = offset + line.len();
        let l = line.trim_end_matches(['\r', '\n']);
        let is_marker = l.strip_prefix("---").is_some_and(|rest| {
            let rest = rest.trim_start_matches([' ', '\t']);
            rest.is_empty() || rest.starts_with('#')
        });
        if is_marker {
            push(start..offset, start_line);
            start = next;
            start_line = n + 1;
        }
        offset = next;
    }
    push(start..text.len(), start_line);
    out
}

/// Writes `v` as a YAML document (with a trailing newline; `{}` and `[]` for empty roots).
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        other => {
            write_scalar(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn write_map(out: &mut String, m: &serde_json::Map<String, Value>, ind: usize) {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for k in keys {
        pad(out, ind);
        write_plain_or_quoted(out, k);
        out.push(':');
        write_value_after_key(out, &m[k], ind);
    }
}

fn write_value_after_key(out: &mut String, v: &Value, ind: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, ind + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, ind);
        }
        other => {
            out.push(' ');
            write_scalar(out, other, ind + 2);
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, a: &[Value], ind: usize) {
    for v in a {
        pad(out, ind);
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                // The first key continues the `- ` line; the rest align under it.
                let mut first = String::new();
                write_map(&mut first, m, ind + 2);
                out.push_str(first.trim_start_matches(' '));
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, ind + 2);
            }
            other => {
                out.push(' ');
                write_scalar(out, other, ind + 2);
                out.push('\n');
            }
        }
    }
}

fn write_scalar(out: &mut String, v: &Value, ind: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s, ind),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_string(out: &mut String, s: &str, ind: usize) {
    if s.contains('\n') && block_safe(s) {
        let keep = if s.ends_with('\n') { "" } else { "-" };
        out.push('|');
        out.push_str(keep);
        let body = s.strip_suffix('\n').unwrap_or(s);
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                pad(out, ind);
                out.push_str(line);
            }
        }
        return;
    }
    write_plain_or_quoted(out, s);
}

/// A multi-line string can be a literal block when no line has trailing blanks, it does not
/// end in several newlines, and its first line does not start with a space.
fn block_safe(s: &str) -> bool {
    !s.starts_with(' ')
        && !s.starts_with('\t')
        && !s.ends_with("\n\n")
        && s.split('\n').all(|l| !l.ends_with(' ') && !l.ends_with('\t') && !l.contains('\r'))
        && s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control())
}

fn write_plain_or_quoted(out: &mut String, s: &str) {
    if needs_quotes(s) {
        if s.chars().any(|c| c.is_control()) || s.contains('\'') {
            out.push_str(&serde_json::to_string(s).unwrap_or_default());
        } else {
            out.push('\'');
            out.push_str(s);
            out.push('\'');
        }
    } else {
        out.push_str(s);
    }
}

/// True when `s` written plain would not read back as the same string.
pub fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~" | ".nan" | ".inf" | "-.inf" | "+.inf"
    ) {
        return true;
    }
    let first = s.as_bytes()[0];
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) {
        // `-x`, `:x`, `?x` are plain when followed by a non-space, but quoting is always safe.
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control()) {
        return true;
    }
    looks_numeric(s)
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return true;
    }
    if let Some(rest) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0o")).or_else(|| t.strip_prefix("0b")) {
        return !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_hexdigit());
    }
    // Floats and exponents, sexagesimal (1:20) and dates (2001-12-14) read as non-strings in YAML 1.1.
    if t.parse::<f64>().is_ok() && t.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b':' || b == b'.') && t.contains(':') {
        return true;
    }
    let b = t.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5..7].iter().all(u8::is_ascii_digit) && b[7] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_go_style_yaml() {
        let v = json!({"b": [{"x": 1, "a": "15001"}, "p"], "a": {}, "c": "two\nlines", "d": ""});
        assert_eq!(
            to_string(&v),
            "a: {}\nb:\n- a: '15001'\n  x: 1\n- p\nc: |-\n  two\n  lines\nd: ''\n"
        );
        assert_eq!(parse(&to_string(&v)).unwrap(), v);
    }

    #[test]
    fn splits_documents() {
        let chunks = split("a: 1\n---\n# c\n---\nb: 2\n");
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].first_line, 5);
    }
}
