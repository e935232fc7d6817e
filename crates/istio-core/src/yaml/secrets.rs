//! Keeping Secret values out of what the tools print: code frames show source lines, and
//! messages may quote values, so the values under a Secret's `data` and `stringData` are masked
//! before either reaches a user (or a CI log).
//!
//! The masking works on the text, line by line, so that it holds for documents that are not
//! valid YAML (a syntax error is exactly when a code frame is drawn). A document's values are
//! masked when it is a Secret (`kind: Secret`, also as an item of a `List`) or when its kind
//! cannot be told (missing, or not a plain name) and it has `data` or `stringData` keys.
//! Masking keeps every byte offset and line: each byte of a value becomes `*`.

use std::borrow::Cow;
use std::ops::Range;

use super::split::split_documents;

/// The byte ranges of `text` that hold Secret values (see the module documentation).
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for chunk in split_documents(text) {
        let doc = &text[chunk.range.clone()];
        let start = chunk.range.start;
        let trimmed = doc.trim_start();
        let ranges = if trimmed.starts_with('{') || trimmed.starts_with('[') {
            flow_ranges(doc)
        } else {
            block_ranges(doc)
        };
        out.extend(ranges.into_iter().map(|r| r.start + start..r.end + start));
    }
    out
}

/// `text` with every Secret value masked, byte for byte (offsets and lines are kept).
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let ranges = secret_ranges(text);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        for b in &mut bytes[r] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Whole characters were replaced by ASCII, so the text is still UTF-8.
    Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
}

/// Shortest value scrubbed from messages: shorter ones would blank out unrelated words.
const MIN_SCRUBBED: usize = 3;

/// The Secret values of a text, gathered once, to scrub from any number of messages about it
/// (each message costs its own length times the values, never the text's length).
#[derive(Debug, Clone, Default)]
pub struct SecretScrubber {
    /// The values, longest first, so that a value containing another is masked whole.
    values: Vec<String>,
}

impl SecretScrubber {
    /// The scrubber of `text`'s Secret values (see the module documentation).
    pub fn new(text: &str) -> Self {
        let mut values: Vec<String> = secret_ranges(text)
            .into_iter()
            .filter_map(|r| text.get(r))
            .map(|v| v.trim().trim_matches(['"', '\'']))
            .filter(|v| v.len() >= MIN_SCRUBBED)
            .map(str::to_owned)
            .collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        SecretScrubber { values }
    }

    /// `message` with every Secret value it quotes masked (as `*`s of its length).
    pub fn scrub<'m>(&self, message: &'m str) -> Cow<'m, str> {
        let mut out: Cow<'m, str> = Cow::Borrowed(message);
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = Cow::Owned(out.replace(v.as_str(), &"*".repeat(v.chars().count())));
            }
        }
        out
    }
}

/// One line of a block-style document.
struct Line<'a> {
    /// Byte offset of the line in the document.
    start: usize,
    /// The line without its line break.
    text: &'a str,
    /// Column of its first key or value (after indentation and `- ` list markers); `None` for
    /// blank and comment-only lines.
    column: Option<usize>,
    /// Column of its first character (its indentation).
    indent: usize,
}

impl Line<'_> {
    /// The key at `column`, when the line holds `key:` there.
    fn key(&self) -> Option<&str> {
        let rest = &self.text[self.column?..];
        let (key, after) = split_key(rest)?;
        (after.is_empty() || after.starts_with([' ', '\t'])).then_some(key)
    }

    /// The value after the key's colon (trimmed at the start), with its byte range.
    fn value_range(&self) -> Option<Range<usize>> {
        let column = self.column?;
        let rest = &self.text[column..];
        let (_, after) = split_key(rest)?;
        let value_start = self.text.len() - after.len();
        let lead = after.len() - after.trim_start().len();
        let value = after.trim_end_matches('\r');
        (!value.trim().is_empty())
            .then(|| self.start + value_start + lead..self.start + value_start + value.len())
    }

    /// Everything after the indentation (and list markers).
    fn content_range(&self) -> Option<Range<usize>> {
        let body = self.text.trim_end_matches('\r');
        (self.indent < body.len()).then(|| self.start + self.indent..self.start + body.len())
    }
}

/// Splits `key: rest` (the key plain or quoted) at its colon; `rest` starts after the colon.
fn split_key(text: &str) -> Option<(&str, &str)> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = text[1..].find(quote)? + 1;
        let after = text[close + 1..].strip_prefix(':')?;
        return Some((&text[1..close], after));
    }
    let colon = text.find(':')?;
    let key = &text[..colon];
    if key.is_empty() || key.contains(['{', '[', '#']) {
        return None;
    }
    Some((key.trim_end(), &text[colon + 1..]))
}

fn lines(doc: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for text in doc.split('\n') {
        let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
        let mut column = indent;
        let mut rest = &text[indent..];
        while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            let skipped = after.len() - after.trim_start_matches([' ', '\t']).len();
            column += rest.len() - after.len() + skipped;
            rest = &after[skipped..];
        }
        let blank = rest.trim().is_empty() || rest.trim_start().starts_with('#');
        out.push(Line {
            start,
            text,
            column: (!blank).then_some(column),
            indent,
        });
        start += text.len() + 1;
    }
    out
}

/// What a `kind:` value says about a document.
#[derive(Debug, PartialEq, Eq)]
enum Class {
    Secret,
    Other,
    Unknown,
}

fn classify(value: Option<&str>) -> Class {
    let Some(value) = value else {
        return Class::Unknown;
    };
    let value = value.split(" #").next().unwrap_or("").trim();
    let value = value.trim_matches(['"', '\'']);
    if value == "Secret" {
        Class::Secret
    } else if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric()) {
        Class::Other
    } else {
        Class::Unknown
    }
}

/// Secret values of a block-style document: for each object (a mapping at one key column), its
/// `data` and `stringData` values when the object is a Secret or of unknown kind.
fn block_ranges(doc: &str) -> Vec<Range<usize>> {
    let lines = lines(doc);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(column) = line.column else { continue };
        if !matches!(line.key(), Some("data" | "stringData")) {
            continue;
        }
        let (first, last) = object_extent(&lines, i, column);
        let kind = lines[first..=last]
            .iter()
            .filter(|l| l.column == Some(column) && l.key() == Some("kind"))
            .find_map(|l| l.value_range().map(|r| &doc[r]));
        let class = match kind {
            Some(k) => classify(Some(k)),
            // A `kind:` without a value cannot be told either.
            None if lines[first..=last]
                .iter()
                .any(|l| l.column == Some(column) && l.key() == Some("kind")) =>
            {
                Class::Unknown
            }
            None => classify(None),
        };
        if class == Class::Other {
            continue;
        }
        // The value on the key's own line (a flow mapping, a scalar, a block indicator).
        out.extend(line.value_range());
        // The nested lines: keys of the data map keep their names, everything else is masked.
        let mut map_column = None;
        for nested in &lines[i + 1..] {
            let Some(c) = nested.column else {
                // Comments inside the map may quote values too.
                if nested.indent > column {
                    out.extend(nested.content_range());
                }
                continue;
            };
            if c <= column && nested.indent <= column {
                break;
            }
            let map_column = *map_column.get_or_insert(c);
            match nested.key() {
                Some(_) if c == map_column => out.extend(nested.value_range()),
                _ => out.extend(nested.content_range()),
            }
        }
    }
    out
}

/// The lines `(first, last)` of the object whose keys sit at `column` and that holds line `at`.
fn object_extent(lines: &[Line<'_>], at: usize, column: usize) -> (usize, usize) {
    let starts_item = |l: &Line<'_>| l.column == Some(column) && l.indent < column;
    let mut first = at;
    if !starts_item(&lines[at]) {
        for (j, l) in lines[..at].iter().enumerate().rev() {
            match l.column {
                None => continue,
                Some(c) if c < column => break,
                Some(c) if c == column && l.indent < column => {
                    first = j;
                    break;
                }
                Some(_) if l.indent < column => break,
                Some(_) => first = j,
            }
        }
    }
    let mut last = at;
    for (j, l) in lines.iter().enumerate().skip(at + 1) {
        match l.column {
            None => continue,
            Some(_) if l.indent < column => break,
            Some(_) => last = j,
        }
    }
    (first, last)
}

/// Secret values of a flow-style (JSON) document: every scalar inside the value of a `data`
/// or `stringData` key, when the document names kind `Secret` or names no kind.
fn flow_ranges(doc: &str) -> Vec<Range<usize>> {
    let tokens = flow_tokens(doc);
    let kinds: Vec<&str> = tokens
        .windows(3)
        .filter(|w| w[0].text(doc).trim_matches('"') == "kind" && w[1].text(doc) == ":")
        .map(|w| w[2].text(doc).trim_matches(['"', '\'']))
        .collect();
    let secret = kinds.is_empty() || kinds.iter().any(|k| classify(Some(k)) != Class::Other);
    if !secret {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < tokens.len() {
        let key = tokens[i].text(doc).trim_matches(['"', '\'']);
        if matches!(key, "data" | "stringData")
            && tokens[i + 1].text(doc) == ":"
            && tokens[i + 2].text(doc) == "{"
        {
            let mut depth = 0usize;
            let mut j = i + 2;
            let mut after_colon = false;
            while j < tokens.len() {
                match tokens[j].text(doc) {
                    "{" | "[" => depth += 1,
                    "}" | "]" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ":" => after_colon = true,
                    "," => after_colon = false,
                    _ if after_colon || depth > 1 => out.push(tokens[j].range.clone()),
                    _ => {}
                }
                j += 1;
            }
            i = j;
        }
        i += 1;
    }
    out
}

/// A token of flow-style text: punctuation, a quoted string or a plain scalar.
struct Token {
    range: Range<usize>,
}

impl Token {
    fn text<'d>(&self, doc: &'d str) -> &'d str {
        &doc[self.range.clone()]
    }
}

fn flow_tokens(doc: &str) -> Vec<Token> {
    let bytes = doc.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                out.push(Token { range: i..i + 1 });
                i += 1;
            }
            b'"' | b'\'' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b {
                    if bytes[j] == b'\\' && b == b'"' {
                        j += 1;
                    }
                    j += 1;
                }
                let end = (j + 1).min(bytes.len());
                out.push(Token { range: i..end });
                i = end;
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                let mut j = i;
                while j < bytes.len()
                    && !matches!(bytes[j], b'{' | b'}' | b'[' | b']' | b',' | b'\n')
                    && !(bytes[j] == b':'
                        && bytes.get(j + 1).is_none_or(|n| n.is_ascii_whitespace()))
                {
                    j += 1;
                }
                let text = doc[i..j].trim_end();
                out.push(Token {
                    range: i..i + text.len().max(1),
                });
                i = j.max(i + 1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels: {app: db}\ndata:\n  password: aHVudGVyMg==\n  user: YWRtaW4=\nstringData:\n  token: \"s3cr3t-t0ken\"\n  cert: |\n    -----BEGIN CERTIFICATE-----\n    key: not-a-key\n  # old: hunter1\ntype: Opaque\n";

    #[test]
    fn masks_values_keeps_keys_lines_and_offsets() {
        let masked = mask_secrets(SECRET);
        assert_eq!(masked.len(), SECRET.len());
        assert_eq!(masked.lines().count(), SECRET.lines().count());
        assert_eq!(
            masked,
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels: {app: db}\ndata:\n  password: ************\n  user: ********\nstringData:\n  token: **************\n  cert: *\n    ***************************\n    **************\n  **************\ntype: Opaque\n"
        );
    }

    #[test]
    fn other_kinds_are_left_alone_and_unknown_ones_masked() {
        let cm = "kind: ConfigMap\nmetadata: {name: x}\ndata:\n  mesh: |\n    a: b\n";
        assert_eq!(mask_secrets(cm), cm);
        let unknown = "metadata: {name: x}\ndata:\n  password: hunter2\n";
        assert_eq!(
            mask_secrets(unknown),
            "metadata: {name: x}\ndata:\n  password: *******\n"
        );
        let garbled = "kind: [Secret\ndata: {password: hunter2}\n";
        assert_eq!(
            mask_secrets(garbled),
            "kind: [Secret\ndata: *******************\n"
        );
    }

    #[test]
    fn broken_yaml_and_list_items_and_several_documents() {
        let text = "kind: ConfigMap\ndata:\n  a: b\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  stringData:\n    password: [hunter2\n  metadata:\n    name: x\n- kind: ConfigMap\n  data:\n    plain: text\n";
        let masked = mask_secrets(text);
        assert!(masked.contains("    password: ********\n"), "{masked}");
        assert!(masked.contains("  data:\n    plain: text\n"), "{masked}");
        assert!(
            masked.starts_with("kind: ConfigMap\ndata:\n  a: b\n"),
            "{masked}"
        );
    }

    #[test]
    fn json_documents() {
        let text = r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {"password": "aHVudGVy", "n": 3}}"#;
        let masked = mask_secrets(text);
        assert_eq!(
            masked,
            r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {"password": **********, "n": *}}"#
        );
        let cm = r#"{"kind": "ConfigMap", "data": {"a": "b"}}"#;
        assert_eq!(mask_secrets(cm), cm);
    }

    #[test]
    fn messages_lose_the_values_they_quote() {
        let message = "data.password: \"aHVudGVyMg==\" is not valid base64 (hint: s3cr3t-t0ken)";
        let scrubber = SecretScrubber::new(SECRET);
        assert_eq!(
            scrubber.scrub(message),
            "data.password: \"************\" is not valid base64 (hint: ************)"
        );
        assert!(matches!(
            scrubber.scrub("nothing here"),
            Cow::Borrowed("nothing here")
        ));
    }
}
