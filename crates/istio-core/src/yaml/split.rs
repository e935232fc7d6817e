//! Splitting a YAML stream into documents at `---` lines, so that an error in one document
//! leaves the others readable.

use std::ops::Range;

/// One document of a YAML stream: its byte range in the stream and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentChunk {
    /// Byte range of the document's text (without its `---` line).
    pub range: Range<usize>,
    /// The 1-based line of the stream on which the document's text starts.
    pub first_line: u32,
}

/// True when `line` is a document marker: `---` or `...` followed by nothing or white space.
/// A `---` line may carry content after the marker (`--- text`); that content belongs to the
/// following document, so for `---` we only split when nothing but white space or a comment
/// follows, and otherwise keep the marker inside the document for the parser to read.
fn marker_kind(line: &str) -> Option<bool> {
    let line = line.trim_end_matches(['\r', '\n']);
    for (marker, starts_new) in [("---", true), ("...", false)] {
        if let Some(rest) = line.strip_prefix(marker) {
            let rest = rest.trim_start_matches([' ', '\t']);
            if rest.is_empty() || rest.starts_with('#') {
                return Some(starts_new);
            }
        }
    }
    None
}

/// How many `\r` of `line` (a line up to its `\n`) are not the first half of a `\r\n`.
fn lone_carriage_returns(line: &str) -> u32 {
    if !line.contains('\r') {
        return 0;
    }
    let body = line.strip_suffix("\r\n").unwrap_or(line);
    body.bytes().filter(|&b| b == b'\r').count() as u32
}

/// Splits `text` into documents. Empty documents (only blank lines and comments) are dropped.
pub fn split_documents(text: &str) -> Vec<DocumentChunk> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    let push = |chunks: &mut Vec<DocumentChunk>, range: Range<usize>, first_line: u32| {
        let body = &text[range.clone()];
        let has_content = body.lines().any(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && !t.starts_with('%')
        });
        if has_content {
            chunks.push(DocumentChunk { range, first_line });
        }
    };
    // Lines are counted as the parser and the line index count them: a lone `\r` breaks a
    // line too.
    let mut line_no = 1u32;
    for line in text.split_inclusive('\n') {
        let next = offset + line.len();
        let breaks = u32::from(line.ends_with('\n')) + lone_carriage_returns(line);
        if marker_kind(line).is_some() {
            push(&mut chunks, start..offset, start_line);
            start = next;
            start_line = line_no.saturating_add(breaks);
        }
        line_no = line_no.saturating_add(breaks);
        offset = next;
    }
    push(&mut chunks, start..text.len(), start_line);
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_marker_lines_and_keeps_lines() {
        let text = "a: 1\n---\n# only a comment\n---\nb: 2\nc: 3\n...\n--- # next\nd: 4";
        let chunks = split_documents(text);
        let bodies: Vec<_> = chunks
            .iter()
            .map(|c| (&text[c.range.clone()], c.first_line))
            .collect();
        assert_eq!(
            bodies,
            vec![("a: 1\n", 1), ("b: 2\nc: 3\n", 5), ("d: 4", 9)]
        );
    }

    #[test]
    fn a_lone_carriage_return_breaks_a_line() {
        let text = "a: 1\rb: 2\r\n---\nc: 3\n";
        let chunks = split_documents(text);
        assert_eq!(chunks[1].first_line, 4);
        let err = crate::yaml::parse_document("x: 1\ry: [\n", 1, 0).expect_err("invalid");
        assert_eq!(err.line, 2, "the parser counts it too");
    }

    #[test]
    fn content_after_marker_is_not_a_split() {
        let text = "--- !!str x\n";
        assert_eq!(split_documents(text).len(), 1);
    }
}
