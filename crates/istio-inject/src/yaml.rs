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

/// Deepest nesting accepted in one document.
const MAX_DEPTH: usize = 256;
/// Most values alias expansion may add to one document (an alias bomb exceeds it fast).
const MAX_ALIAS_VALUES: usize = 100_000;

/// Parses one YAML document into JSON (an empty document is `null`). Plain scalars are typed
/// as Go's YAML decoder types them (YAML 1.1: `yes`/`no`/`on`/`off` are booleans, `0644` is
/// octal); `<<` merge keys and anchors are resolved.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    use granit_parser::{Event, Parser, ScalarStyle};
    enum Open {
        Seq(Vec<Value>, usize),
        Map(
            serde_json::Map<String, Value>,
            Option<String>,
            usize,
            Vec<Value>,
        ),
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<Option<(Value, usize)>> = Vec::new();
    let mut root: Option<Value> = None;
    let mut expanded = 0usize;
    let err_at = |line: usize, col: usize, message: String| YamlError {
        line: line as u32,
        column: col as u32 + 1,
        message,
    };
    // Places a finished value in its parent; `Ok(false)` when it is the root.
    fn place(
        stack: &mut [Open],
        root: &mut Option<Value>,
        v: Value,
        merge_key: &str,
    ) -> Result<(), String> {
        match stack.last_mut() {
            None => {
                *root = Some(v);
                Ok(())
            }
            Some(Open::Seq(items, _)) => {
                items.push(v);
                Ok(())
            }
            Some(Open::Map(m, key, _, merges)) => match key.take() {
                None => {
                    let k = match v {
                        Value::String(s) => s,
                        Value::Null => "null".to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err("a mapping key must be a scalar".into()),
                    };
                    *key = Some(k);
                    Ok(())
                }
                Some(k) if k == merge_key => {
                    match v {
                        Value::Object(_) => merges.push(v),
                        Value::Array(list) => merges.extend(list),
                        _ => {
                            return Err(
                                "a << merge key needs a mapping or a list of mappings".into()
                            )
                        }
                    }
                    Ok(())
                }
                Some(k) => {
                    m.insert(k, v);
                    Ok(())
                }
            },
        }
    }
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let m = e.marker();
            err_at(m.line(), m.col(), e.info().to_string())
        })?;
        let (line, col) = (span.start.line(), span.start.col());
        match event {
            Event::StreamEnd => break,
            Event::Alias(id) => {
                let Some((v, n)) = anchors.get(id).cloned().flatten() else {
                    return Err(err_at(line, col, "alias to an unknown anchor".into()));
                };
                expanded += n;
                if expanded > MAX_ALIAS_VALUES {
                    return Err(err_at(line, col, format!("aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?)")));
                }
                place(&mut stack, &mut root, v, "<<").map_err(|m| err_at(line, col, m))?;
            }

            Event::Scalar(value, style, id, tag) => {
                // Mapping keys stay text (Kubernetes objects have string keys).
                let is_key = matches!(stack.last(), Some(Open::Map(_, None, _, _)));
                let v = match (&tag, style) {
                    _ if is_key => Value::String(value.to_string()),
                    (Some(t), _) if t.handle() == "tag:yaml.org,2002:" && t.suffix() == "str" => {
                        Value::String(value.to_string())
                    }
                    (_, ScalarStyle::Plain) => plain_scalar(&value),
                    _ => Value::String(value.to_string()),
                };
                if id > 0 {
                    if anchors.len() <= id {
                        anchors.resize(id + 1, None);
                    }
                    anchors[id] = Some((v.clone(), 1));
                }
                place(&mut stack, &mut root, v, "<<").map_err(|m| err_at(line, col, m))?;
            }
            Event::SequenceStart(_, id, _) | Event::MappingStart(_, id, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(
                        line,
                        col,
                        format!("the document nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(Vec::new(), id)
                } else {
                    Open::Map(serde_json::Map::new(), None, id, Vec::new())
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else {
                    return Err(err_at(line, col, "unbalanced collection end".into()));
                };
                let (v, id) = match open {
                    Open::Seq(items, id) => (Value::Array(items), id),
                    Open::Map(mut m, _, id, merges) => {
                        // Merged mappings never override the mapping's own keys; earlier ones win.
                        for merged in merges {
                            if let Value::Object(src) = merged {
                                for (k, x) in src {
                                    m.entry(k).or_insert(x);
                                }
                            }
                        }
                        (Value::Object(m), id)
                    }
                };
                if id > 0 {
                    if anchors.len() <= id {
                        anchors.resize(id + 1, None);
                    }
                    anchors[id] = Some((v.clone(), count_values(&v)));
                }
                place(&mut stack, &mut root, v, "<<").map_err(|m| err_at(line, col, m))?;
            }
            _ => {}
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

fn count_values(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(count_values).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(count_values).sum::<usize>(),
        _ => 1,
    }
}

/// Types a plain scalar as Go's YAML decoder (YAML 1.1) does.
fn plain_scalar(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Value::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(s.to_string());
    }
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match clean.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean).to_string()),
    };
    let int = if let Some(h) = digits.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = digits.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = digits.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        i64::from_str_radix(&digits[1..], 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Value::from(if neg { -i } else { i });
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(u) = digits.parse::<u64>() {
            if !neg {
                return Value::from(u);
            }
        }
    }
    let lower = digits.to_ascii_lowercase();
    let is_float = !lower.is_empty()
        && lower.bytes().any(|b| b.is_ascii_digit())
        && lower
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'-' | b'+'))
        && lower.bytes().filter(|b| *b == b'.').count() <= 1;
    if is_float {
        if let Ok(f) = lower.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(if neg { -f } else { f }) {
                return Value::Number(n);
            }
        }
    }
    Value::String(s.to_string())
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
    // Lines as the parser counts them (a lone `\r` breaks one too), from the shared index.
    let lines = istio_core::yaml::LineIndex::new(text);
    for line in text.split_inclusive('\n') {
        let next = offset + line.len();
        let l = line.trim_end_matches(['\r', '\n']);
        let is_marker = l.strip_prefix("---").is_some_and(|rest| {
            let rest = rest.trim_start_matches([' ', '\t']);
            rest.is_empty() || rest.starts_with('#')
        });
        if is_marker {
            push(start..offset, start_line);
            start = next;
            start_line = lines.line_of(next);
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
    write_map_from(out, m, ind, false);
}

/// Writes a mapping; with `inline`, the first key continues the current line (a list item).
fn write_map_from(out: &mut String, m: &serde_json::Map<String, Value>, ind: usize, inline: bool) {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_unstable();
    for (i, k) in keys.into_iter().enumerate() {
        if !(inline && i == 0) {
            pad(out, ind);
        }
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
                write_map_from(out, m, ind + 2, true);
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
        && s.split('\n')
            .all(|l| !l.ends_with(' ') && !l.ends_with('\t') && !l.contains('\r'))
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
        "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | "null"
            | "~"
            | ".nan"
            | ".inf"
            | "-.inf"
            | "+.inf"
    ) {
        return true;
    }
    let first = s.as_bytes()[0];
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) {
        // `-x`, `:x`, `?x` are plain when followed by a non-space, but quoting is always safe.
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control())
    {
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
    if let Some(rest) = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0o"))
        .or_else(|| t.strip_prefix("0b"))
    {
        return !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_hexdigit());
    }
    // Floats and exponents, sexagesimal (1:20) and dates (2001-12-14) read as non-strings in YAML 1.1.
    if t.parse::<f64>().is_ok() && t.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
        && t.contains(':')
    {
        return true;
    }
    let b = t.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
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
    fn types_scalars_as_go_does() {
        let v =
            parse("a: 0644\nb: yes\nc: '0644'\nd: 1.5\ne: ~\nf: 1e3\ng: 12abc\nh: -7\n").unwrap();
        assert_eq!(
            v,
            json!({"a": 420, "b": true, "c": "0644", "d": 1.5, "e": null, "f": 1000.0, "g": "12abc", "h": -7})
        );
        let v = parse("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\nl: [*b]\n").unwrap();
        assert_eq!(v["m"], json!({"x": 1, "y": 2}));
        assert_eq!(v["l"], json!([{"x": 1}]));
        assert_eq!(parse("a: 1\nb: [\n").unwrap_err().line, 2);
    }

    #[test]
    fn splits_documents() {
        let chunks = split("a: 1\n---\n# c\n---\nb: 2\n");
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].first_line, 5);
        // A lone CR breaks a line for the parser, so for the split too.
        let chunks = split("a: 1\rb: 2\r\n---\nc: [\n");
        assert_eq!(chunks[1].first_line, 4);
        assert_eq!(parse("x: 1\ry: [\n").unwrap_err().line, 2);
    }
}
