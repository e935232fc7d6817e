//! Where the lines of a text start, found once per text, so that a diagnostic about line or
//! byte N of a large file costs what its own lines cost instead of a scan from the start.
//!
//! [`LineIndex`] answers "which line holds this byte" and "where does line N start" by binary
//! search. [`IndexedText`] is a text with its index as miette [`SourceCode`]: a code frame is cut
//! from the lines around its span (miette's own `str` source scans the text from its first byte
//! for every frame). Line breaks are `\n`, `\r\n` and a lone `\r`, as in YAML and in miette.

use std::ops::Range;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// The byte offsets at which the lines of a text start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Offset of the first byte of each line; the first is 0.
    starts: Vec<usize>,
    /// Length of the text.
    len: usize,
}

impl LineIndex {
    /// Indexes `text` (one pass over its bytes).
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// How many lines the text has (a final line break starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based index of the line holding byte `offset` (offsets past the end: the last
    /// line).
    fn index_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The 1-based line holding byte `offset` (offsets past the end: the last line).
    pub fn line_of(&self, offset: usize) -> u32 {
        u32::try_from(self.index_of(offset) + 1).unwrap_or(u32::MAX)
    }

    /// The byte offset at which 1-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }

    /// The bytes of 1-based `line` of `text` (the text this index was built from), without
    /// its line break.
    pub fn line_range(&self, text: &str, line: u32) -> Option<Range<usize>> {
        let start = self.line_start(line)?;
        let next = self.starts.get(line as usize).copied().unwrap_or(self.len);
        let body = text.get(start..next.min(text.len()))?;
        let body = body.trim_end_matches('\n').trim_end_matches('\r');
        Some(start..start + body.len())
    }

    /// The bytes from 0-based line `first` to the end of 0-based line `last`, line breaks
    /// included.
    fn window(&self, first: usize, last: usize) -> Range<usize> {
        let start = self.starts.get(first).copied().unwrap_or(self.len);
        let end = self.starts.get(last + 1).copied().unwrap_or(self.len);
        start..end.max(start)
    }
}

/// A text with its [`LineIndex`], as miette source code whose code frames are read from the
/// lines around their span only. Cloning shares both.
#[derive(Debug, Clone)]
pub struct IndexedText {
    text: Arc<str>,
    lines: Arc<LineIndex>,
}

impl IndexedText {
    /// Indexes `text`.
    pub fn new(text: Arc<str>) -> IndexedText {
        let lines = Arc::new(LineIndex::new(&text));
        IndexedText { text, lines }
    }

    /// `text` with the index built from it before. An index of another text yields frames of
    /// the wrong lines (never a panic).
    pub fn with_index(text: Arc<str>, lines: Arc<LineIndex>) -> IndexedText {
        IndexedText { text, lines }
    }

    /// The text.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// Its line index.
    pub fn lines(&self) -> &Arc<LineIndex> {
        &self.lines
    }

    /// The span of 1-based `line` without its indentation and line break (for a label on
    /// the line), if the text has that line.
    pub fn line_span(&self, line: u32) -> Option<SourceSpan> {
        let range = self.lines.line_range(&self.text, line)?;
        let body = self.text.get(range.clone())?;
        let indent = body.len() - body.trim_start().len();
        Some(SourceSpan::new(
            (range.start + indent).into(),
            range.len() - indent,
        ))
    }

    /// The byte offset of 1-based `line` and `column` (counted in characters, as YAML parsers
    /// count them), clamped to the end of that line; the end of the text for a line it does
    /// not have. Costs the one line.
    pub fn offset_of(&self, line: u32, column: u32) -> usize {
        let Some(range) = self.lines.line_range(&self.text, line) else {
            return self.text.len();
        };
        let body = self.text.get(range.clone()).unwrap_or_default();
        let skip = column.saturating_sub(1) as usize;
        range.start + body.char_indices().nth(skip).map_or(body.len(), |(i, _)| i)
    }

    /// The span from byte `offset` to the end of its line (for a label at a position).
    pub fn rest_of_line(&self, offset: usize) -> SourceSpan {
        let offset = offset.min(self.text.len());
        let line = self.lines.line_of(offset);
        let end = self
            .lines
            .line_range(&self.text, line)
            .map_or(offset, |r| r.end.max(offset));
        SourceSpan::new(offset.into(), end - offset)
    }
}

impl SourceCode for IndexedText {
    /// What miette's `str` source returns for the same span and context, computed from the
    /// lines the frame shows: the window from the first context line to the last is read by
    /// miette's own code, and its positions are moved back into the whole text.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.text;
        let start = span.offset();
        let end = start.saturating_add(span.len());
        // miette's scan ends at the byte before the span's end: for an empty span at a line
        // start, that is on the line before.
        let first = self.lines.index_of(start.min(end.saturating_sub(1)));
        let last = self.lines.index_of(end.saturating_sub(1).max(start));
        let from = first.saturating_sub(context_lines_before);
        // One line more than the frame shows: miette counts the line after a span that ends on
        // a line break as the span's own. Reading stops where miette's scan stops, so a
        // longer window changes nothing.
        let mut window = self
            .lines
            .window(from, last.saturating_add(context_lines_after + 1));
        if end >= window.end {
            // A span reaching the end of the text: the rest of the text, as miette reads it.
            window.end = text.len();
        }
        let window_text = text.get(window.clone()).ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(
            start.saturating_sub(window.start).into(),
            span.len().min(end.saturating_sub(window.start)),
        );
        let inner = window_text.read_span(&local, context_lines_before, context_lines_after)?;
        let inner_span = inner.span();
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new(
                (inner_span.offset() + window.start).into(),
                inner_span.len(),
            ),
            inner.line() + from,
            inner.column(),
            inner.line_count() + from,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets_and_starts_of_lines() {
        let text = "a: 1\nb: 2\r\nc: 3\rd: 4\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 5);
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(4), 1);
        assert_eq!(index.line_of(5), 2);
        assert_eq!(index.line_of(10), 2, "the \\n of a \\r\\n ends its line");
        assert_eq!(index.line_of(11), 3);
        assert_eq!(index.line_of(16), 4, "a lone \\r breaks a line");
        assert_eq!(index.line_of(1000), 5);
        assert_eq!(index.line_start(2), Some(5));
        assert_eq!(index.line_start(0), None);
        assert_eq!(index.line_start(6), None);
        let body = |line| index.line_range(text, line).map(|r| &text[r]);
        assert_eq!(body(2), Some("b: 2"));
        assert_eq!(body(3), Some("c: 3"));
        assert_eq!(body(4), Some("d: 4"));
        assert_eq!(body(5), Some(""));
    }

    #[test]
    fn line_spans_skip_indentation() {
        let text = IndexedText::new(Arc::from("a:\n  - name: odd\n    port: 80"));
        assert_eq!(text.line_span(2), Some(SourceSpan::new(5.into(), 11)));
        assert_eq!(text.line_span(3), Some(SourceSpan::new(21.into(), 8)));
        assert_eq!(text.line_span(4), None);
        assert_eq!(text.rest_of_line(7), SourceSpan::new(7.into(), 9));
        assert_eq!(text.rest_of_line(999), SourceSpan::new(29.into(), 0));
        assert_eq!(text.offset_of(2, 5), 7);
        assert_eq!(text.offset_of(2, 99), 16, "clamped to the line");
        assert_eq!(text.offset_of(9, 1), 29, "a line past the end");
        let wide = IndexedText::new(Arc::from("a: 1\nü: é\n"));
        assert_eq!(wide.offset_of(2, 4), 9, "columns count characters");
    }

    /// A small deterministic generator (xorshift), so that the comparison below covers many
    /// texts without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % bound as u64) as usize
        }
    }

    fn same(text: &str, span: SourceSpan, before: usize, after: usize) -> Result<(), String> {
        let indexed = IndexedText::new(Arc::from(text));
        let whole = text.read_span(&span, before, after);
        let windowed = indexed.read_span(&span, before, after);
        let outcome = match (whole, windowed) {
            (Ok(w), Ok(x)) => {
                let a = (w.data(), w.span(), w.line(), w.column(), w.line_count());
                let b = (x.data(), x.span(), x.line(), x.column(), x.line_count());
                (a == b).then_some(()).ok_or(format!("{a:?} != {b:?}"))
            }
            (Err(_), Err(_)) => Ok(()),
            (w, x) => Err(format!("{:?} vs {:?}", w.is_ok(), x.is_ok())),
        };
        outcome
    }

    #[test]
    fn frames_equal_miettes_own_reading_of_the_whole_text() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let pieces = ["a", "key: value", " ", "\n", "\n", "\r\n", "\r", "ü", "- x"];
        for case in 0..20000 {
            let mut text = String::new();
            for _ in 0..rng.next(80) {
                text.push_str(pieces[rng.next(pieces.len())]);
            }
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let start = boundaries[rng.next(boundaries.len())];
            let len = rng.next(text.len() - start + 2);
            let span = SourceSpan::new(start.into(), len);
            let (before, after) = (rng.next(4), rng.next(4));
            if let Err(diff) = same(&text, span, before, after) {
                panic!("case {case}: {text:?} {span:?} {before} {after}: {diff}");
            }
        }
    }
}
