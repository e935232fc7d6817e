//! Parsing one YAML document into a [`Document`] tree, iteratively and within limits, so that
//! hostile input (alias bombs, deep nesting) fails fast with a located error instead of
//! exhausting memory or the stack.

use granit_parser::{Event, Parser, ScalarStyle, ScanError};
use serde_json::Value;

use super::scalar;
use crate::tree::{Builder, Document, Mark, Scalar};

/// Deepest nesting of mappings and sequences accepted in one document.
pub const MAX_DEPTH: usize = 256;

/// Most nodes that alias expansion may add to one document (an alias bomb exceeds it fast).
/// Real manifests expand a few hundred; 100 000 keeps a hostile document's memory at tens of MB.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A YAML document that could not be read, with the 1-based line and column where it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What went wrong, in words.
    pub message: String,
    /// 1-based line in the whole stream.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Byte offset in the whole stream, for code frames.
    pub offset: usize,
}

/// Remembers the node anchored as `id` (0: no anchor) and its expanded size.
fn record_anchor(anchors: &mut Vec<Option<(Mark, usize)>>, b: &Builder, id: usize, mark: Mark) {
    if id > 0 {
        if anchors.len() <= id {
            anchors.resize(id + 1, None);
        }
        anchors[id] = Some((mark, b.count(mark)));
    }
}

fn scan_error(err: &ScanError, base_line: u32, base_offset: usize, text: &str) -> YamlError {
    let mark = err.marker();
    let offset = mark.byte_offset().unwrap_or_else(|| {
        text.char_indices()
            .nth(mark.index())
            .map_or(text.len(), |(i, _)| i)
    });
    YamlError {
        message: err.info().to_owned(),
        line: base_line + mark.line().saturating_sub(1) as u32,
        column: mark.col() as u32 + 1,
        offset: base_offset + offset,
    }
}

/// Parses `text`, the body of one document that starts on line `base_line` and at byte
/// `base_offset` of its stream, into a JSON value. An empty document yields `Value::Null`.
pub fn parse_document(text: &str, base_line: u32, base_offset: usize) -> Result<Value, YamlError> {
    parse_tree(text, base_line, base_offset).map(|doc| doc.root().to_json())
}

/// Parses `text`, the body of one document that starts on line `base_line` and at byte
/// `base_offset` of its stream, into a [`Document`] whose nodes carry their stream lines. An
/// empty document yields a `null` root.
pub fn parse_tree(text: &str, base_line: u32, base_offset: usize) -> Result<Document, YamlError> {
    thread_local! {
        static BUILDER: std::cell::RefCell<Builder> = std::cell::RefCell::new(Builder::new());
    }
    BUILDER.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => {
            let parsed = parse_with(&mut b, text, base_line, base_offset);
            // Whatever happened, the builder is left empty for the next document.
            let doc = b.take();
            parsed.map(|()| doc)
        }
        Err(_) => {
            let mut b = Builder::new();
            parse_with(&mut b, text, base_line, base_offset).map(|()| b.finish())
        }
    })
}

/// Byte offsets of the colons of `text` that go-yaml (and so Kubernetes) keeps inside a plain
/// scalar but a YAML 1.2 parser reads as value indicators: in a flow collection, a `:` right
/// after plain text and right before `,`, `]` or `}` (`[1.2.3.4, 2001:db8::]` holds two
/// strings for Kubernetes). Only flow collections opened and closed on one line, outside block
/// and quoted scalars, are looked at.
fn go_yaml_colons(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    // Cheap test first: most documents have no such colon at all.
    if !(text.contains(":]") || text.contains(":,") || text.contains(":}")) {
        return found;
    }
    let mut offset = 0;
    // Indentation of the key whose block scalar the following deeper lines belong to.
    let mut block_scalar: Option<usize> = None;
    // The quote of a quoted scalar that goes on over the next line.
    let mut quote: Option<u8> = None;
    for line in text.split('\n') {
        let start = offset;
        offset += line.len() + 1;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim();
        if let Some(owner) = block_scalar {
            if body.is_empty() || indent > owner {
                continue;
            }
            block_scalar = None;
        }
        quote = scan_flow_line(line.as_bytes(), start, quote, &mut found);
        if quote.is_some() {
            continue;
        }
        let code = body.split(" #").next().unwrap_or(body).trim_end();
        let opener = code
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            .trim_end();
        if opener.ends_with(": |")
            || opener.ends_with(": >")
            || opener.ends_with("- |")
            || opener.ends_with("- >")
            || opener == "|"
            || opener == ">"
        {
            block_scalar = Some(indent);
        }
    }
    found
}

/// Adds to `found` the offsets (from `base`) of the colons [`go_yaml_colons`] looks for in one
/// line, which starts inside a quoted scalar opened by `quote` if any; returns the quote of a
/// quoted scalar left open at the end of the line.
fn scan_flow_line(
    line: &[u8],
    base: usize,
    quote: Option<u8>,
    found: &mut Vec<usize>,
) -> Option<u8> {
    let token_start = |i: usize| i == 0 || matches!(line[i - 1], b' ' | b'\t' | b'[' | b'{' | b',');
    // Skips a quoted scalar's text from `i`; the index after its closing quote, or `None`
    // when it goes on past the line.
    let skip_quoted = |mut i: usize, q: u8| -> Option<usize> {
        while i < line.len() {
            match line[i] {
                b'\\' if q == b'"' => i += 2,
                b'\'' if q == b'\'' && line.get(i + 1) == Some(&b'\'') => i += 2,
                c if c == q => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    let mut i = 0;
    if let Some(q) = quote {
        match skip_quoted(0, q) {
            Some(end) => i = end,
            None => return Some(q),
        }
    }
    let mut depth = 0usize;
    let mut candidates = Vec::new();
    while i < line.len() {
        match line[i] {
            b'#' if i == 0 || matches!(line[i - 1], b' ' | b'\t') => break,
            q @ (b'"' | b'\'') if token_start(i) => match skip_quoted(i + 1, q) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return Some(q),
            },
            b'[' | b'{' if depth > 0 || token_start(i) => depth += 1,
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    found.append(&mut candidates);
                }
            }
            b':' if depth > 0
                && line
                    .get(i + 1)
                    .is_some_and(|n| matches!(n, b',' | b']' | b'}'))
                && i > 0
                && !matches!(
                    line[i - 1],
                    b' ' | b'\t' | b'[' | b'{' | b',' | b'"' | b'\''
                ) =>
            {
                candidates.push(base + i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Feeds the events of `text` to `b`.
fn parse_with(
    b: &mut Builder,
    text: &str,
    base_line: u32,
    base_offset: usize,
) -> Result<(), YamlError> {
    // Colons go-yaml keeps in plain scalars are hidden from the parser (as a character that
    // cannot end a plain scalar, keeping every offset) and given back in the scalars' text.
    let colons = go_yaml_colons(text);
    let substituted;
    let parsed: &str = if colons.is_empty() {
        text
    } else {
        let mut bytes = text.as_bytes().to_vec();
        for &i in &colons {
            bytes[i] = b'`';
        }
        substituted = String::from_utf8_lossy(&bytes).into_owned();
        &substituted
    };
    let mut parser = Parser::new_from_str(parsed);
    // Anchored nodes by anchor id, with the number of nodes each expands to.
    let mut anchors: Vec<Option<(Mark, usize)>> = Vec::new();
    let mut alias_nodes = 0usize;
    let located = |message: String, line: usize, col: usize, offset: Option<usize>| YamlError {
        message,
        line: base_line + line.saturating_sub(1) as u32,
        column: col as u32 + 1,
        offset: base_offset + offset.unwrap_or(0),
    };
    let mut open_anchors: Vec<usize> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e, base_line, base_offset, text))?;
        let line = base_line + span.start.line().saturating_sub(1) as u32;
        let at = |message: String| {
            located(
                message,
                span.start.line(),
                span.start.col(),
                span.start.byte_offset(),
            )
        };
        match event {
            Event::StreamStart | Event::DocumentStart(..) | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::Scalar(value_text, style, id, tag) => {
                let restored;
                let value_text: &str = match (span.start.byte_offset(), span.end.byte_offset()) {
                    (Some(s), Some(e))
                        if style == ScalarStyle::Plain
                            && colons.iter().any(|c| (s..e).contains(c)) =>
                    {
                        restored = text.get(s..e).unwrap_or(&value_text).to_owned();
                        &restored
                    }
                    _ => &value_text,
                };
                let text = value_text;
                let value = match (&tag, style) {
                    (Some(tag), _) if tag.handle() == "tag:yaml.org,2002:" => {
                        scalar::tagged(text, tag.suffix()).unwrap_or(Scalar::Str(text))
                    }
                    (_, ScalarStyle::Plain) => scalar::plain(text),
                    _ => Scalar::Str(text),
                };
                let mark = b.scalar(value, line);
                record_anchor(&mut anchors, b, id, mark);
            }
            Event::SequenceStart(_, id, _) | Event::MappingStart(_, id, _) => {
                if b.depth() >= MAX_DEPTH {
                    return Err(at(format!(
                        "the document nests deeper than {MAX_DEPTH} levels"
                    )));
                }
                if matches!(event, Event::SequenceStart(..)) {
                    b.begin_seq(line);
                } else {
                    b.begin_map(line);
                }
                // The anchor of a collection is recorded when it ends.
                open_anchors.push(id);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(mark) = b.end() else {
                    return Err(at("unbalanced collection end".to_owned()));
                };
                let id = open_anchors.pop().unwrap_or(0);
                record_anchor(&mut anchors, b, id, mark);
            }
            Event::Alias(id) => {
                let Some((mark, count)) = anchors.get(id).copied().flatten() else {
                    return Err(at("alias to an unknown anchor".to_owned()));
                };
                alias_nodes += count;
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(at(format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
                    )));
                }
                b.repeat(mark, line);
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keys_never_override_explicit_keys() {
        let text = "b: &b {x: 1, w: 2}\nc: &c {w: 3, z: 4}\nm:\n  x: 0\n  <<: [*b, *c]\n  z: 9\n";
        let value = parse_document(text, 1, 0).expect("valid");
        assert_eq!(value["m"], json!({"x": 0, "w": 2, "z": 9}));
    }

    #[test]
    fn parses_nested_values_with_anchors_and_merge_keys() {
        let text = "base: &b {x: 1, w: two}\nuse:\n  <<: *b\n  w: 3\nlist: [a, 'b', !!str 5]\n";
        let value = parse_document(text, 1, 0).expect("valid");
        assert_eq!(
            value,
            json!({"base": {"x": 1, "w": "two"}, "use": {"w": 3, "x": 1}, "list": ["a", "b", "5"]})
        );
    }

    #[test]
    fn colons_before_flow_indicators_stay_in_plain_scalars_as_in_go_yaml() {
        let value = parse_document(
            concat!(
                "addresses: [1.2.3.4, 001:db8::, fe80::, 2001:db8::1]\n",
                "m: {k: 001:db8::, j: x}\n",
                "q: [\"a\":1]\n",
                "script: | # kept\n  test [ x:] ok\n",
                "s: 'it''s [a:]'\n",
                "d: \"two\n  [b:] lines\"\n",
                "after: [c:]\n",
            ),
            1,
            0,
        )
        .expect("valid");
        assert_eq!(
            value,
            json!({
                "addresses": ["1.2.3.4", "001:db8::", "fe80::", "2001:db8::1"],
                "m": {"k": "001:db8::", "j": "x"},
                "q": [{"a": 1}],
                "script": "test [ x:] ok\n",
                "s": "it's [a:]",
                "d": "two [b:] lines",
                "after": ["c:"],
            })
        );
    }

    #[test]
    fn errors_carry_stream_lines() {
        let err = parse_document("a: 1\nb: [\n", 10, 100).expect_err("invalid");
        assert_eq!(err.line, 11, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse_document(&text, 1, 0).expect_err("too deep");
        // The parser's own recursion limit (256) or ours, whichever comes first.
        assert!(
            err.message.contains("limit") || err.message.contains("nests deeper"),
            "{err:?}"
        );
        assert_eq!(err.line, 1);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse_document(&text, 1, 0).expect_err("bomb");
        assert!(err.message.contains("alias"), "{err:?}");
    }
}
