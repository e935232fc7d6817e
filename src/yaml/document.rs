//! Parsing one YAML document into a JSON value, iteratively and within limits, so that hostile
//! input (alias bombs, deep nesting) fails fast with a located error instead of exhausting memory
//! or the stack.

use granit_parser::{Event, Parser, ScalarStyle, ScanError};
use serde_json::{Map, Value};

use super::scalar;

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

/// An entry of a mapping being read: key, value, and whether it came from a merge key (`<<`),
/// which an explicit key overrides wherever it stands.
type MapEntry = (String, Value, bool);

/// An open collection with its anchor. Mapping entries are gathered first and the map is built
/// at its end with the exact capacity: growing maps one entry at a time wastes a quarter of
/// their memory on average, and the values of every resource stay in memory.
enum Frame {
    Seq(Vec<Value>, usize),
    Map(Vec<MapEntry>, Option<String>, usize),
}

/// Builds a map from gathered entries: later explicit keys replace earlier ones, merged keys
/// never replace anything.
fn build_map(entries: Vec<MapEntry>) -> Map<String, Value> {
    let mut map = Map::with_capacity(entries.len());
    for (k, v, merged) in entries {
        if merged {
            map.entry(k).or_insert(v);
        } else {
            map.insert(k, v);
        }
    }
    map
}

struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(Value, usize)>,
    alias_nodes: usize,
    root: Option<Value>,
}

/// Counts the nodes of `value`, iteratively.
fn node_count(value: &Value) -> usize {
    let mut count = 0;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        count += 1;
        match v {
            Value::Array(items) => todo.extend(items.iter()),
            Value::Object(map) => todo.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// Turns a mapping key into a string, as JSON requires.
fn key_string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

impl Builder {
    /// Adds a finished node to its parent (or makes it the root); records its anchor.
    fn push(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            let count = node_count(&value);
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, (Value::Null, 0));
            }
            self.anchors[anchor] = (value.clone(), count);
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                None => *pending = Some(key_string(value)),
                Some(key) => {
                    // YAML merge keys (`<<: *base`) fold the aliased mapping in.
                    if key == "<<" {
                        merge_into(entries, value);
                    } else {
                        entries.push((key, value, false));
                    }
                }
            },
        }
    }
}

fn merge_into(entries: &mut Vec<MapEntry>, value: Value) {
    let sources = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    for source in sources {
        if let Value::Object(fields) = source {
            entries.extend(fields.into_iter().map(|(k, v)| (k, v, true)));
        }
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
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        stack: Vec::new(),
        anchors: Vec::new(),
        alias_nodes: 0,
        root: None,
    };
    let located = |message: String, line: usize, col: usize, offset: Option<usize>| YamlError {
        message,
        line: base_line + line.saturating_sub(1) as u32,
        column: col as u32 + 1,
        offset: base_offset + offset.unwrap_or(0),
    };
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e, base_line, base_offset, text))?;
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
            Event::Scalar(text, style, anchor, tag) => {
                let value = match (&tag, style) {
                    (Some(tag), _) if tag.handle() == "tag:yaml.org,2002:" => {
                        scalar::tagged(&text, tag.suffix())
                            .unwrap_or(Value::String(text.into_owned()))
                    }
                    (_, ScalarStyle::Plain) => scalar::plain(&text),
                    _ => Value::String(text.into_owned()),
                };
                b.push(value, anchor);
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(at(format!(
                        "the document nests deeper than {MAX_DEPTH} levels"
                    )));
                }
                if matches!(event, Event::SequenceStart(..)) {
                    b.stack.push(Frame::Seq(Vec::new(), anchor));
                } else {
                    b.stack.push(Frame::Map(Vec::new(), None, anchor));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match b.stack.pop() {
                    Some(Frame::Seq(mut items, anchor)) => {
                        items.shrink_to_fit();
                        (Value::Array(items), anchor)
                    }
                    Some(Frame::Map(entries, _, anchor)) => {
                        (Value::Object(build_map(entries)), anchor)
                    }
                    None => return Err(at("unbalanced collection end".to_owned())),
                };
                b.push(value, anchor);
            }
            Event::Alias(id) => {
                let Some((value, count)) = b.anchors.get(id).cloned() else {
                    return Err(at("alias to an unknown anchor".to_owned()));
                };
                b.alias_nodes += count;
                if b.alias_nodes > MAX_ALIAS_NODES {
                    return Err(at(format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
                    )));
                }
                b.push(value, 0);
            }
            _ => {}
        }
    }
    Ok(b.root.unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keys_never_override_explicit_keys() {
        let text = "b: &b {x: 1, y: 2}\nc: &c {y: 3, z: 4}\nm:\n  x: 0\n  <<: [*b, *c]\n  z: 9\n";
        let value = parse_document(text, 1, 0).expect("valid");
        assert_eq!(value["m"], json!({"x": 0, "y": 2, "z": 9}));
    }

    #[test]
    fn parses_nested_values_with_anchors_and_merge_keys() {
        let text = "base: &b {x: 1, y: two}\nuse:\n  <<: *b\n  y: 3\nlist: [a, 'b', !!str 5]\n";
        let value = parse_document(text, 1, 0).expect("valid");
        assert_eq!(
            value,
            json!({"base": {"x": 1, "y": "two"}, "use": {"y": 3, "x": 1}, "list": ["a", "b", "5"]})
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
