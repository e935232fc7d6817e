//! Building a [`Document`] from a stream of events (a YAML parser's, or a walk of another tree).

use std::collections::HashMap;

use super::{common, Document, Key, Node, Raw, Slot, Span, Tag, COMMON_STRING};

/// A scalar value, as a parser delivers it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'s> {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits an `i64`.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// Text.
    Str(&'s str),
}

/// A finished node, as handed back to the parser (for anchors and aliases).
#[derive(Debug, Clone, Copy)]
pub struct Mark(Raw);

/// A child of an open collection: its key (for mappings), the node, and whether it came in
/// through a merge key (`<<`), which an explicit key overrides wherever it stands.
#[derive(Clone, Copy)]
struct Child {
    key: Key,
    raw: Raw,
    merged: bool,
}

struct Frame {
    map: bool,
    line: u32,
    /// Index of the frame's first child in `Builder::children`.
    start: usize,
    /// In a mapping: the key read, waiting for its value, with its line.
    pending: Option<(Key, u32)>,
}

/// Builds one [`Document`]: call [`Builder::scalar`], [`Builder::begin_map`] /
/// [`Builder::begin_seq`] … [`Builder::end`] in document order (in a mapping, keys and values
/// alternate), then [`Builder::finish`].
#[derive(Default)]
pub struct Builder {
    nodes: Vec<Slot>,
    strings: String,
    children: Vec<Child>,
    frames: Vec<Frame>,
    root: Option<Raw>,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// How many collections are open.
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Adds a scalar that starts on `line`.
    pub fn scalar(&mut self, value: Scalar<'_>, line: u32) -> Mark {
        let raw = match value {
            Scalar::Null => Raw::new(Tag::Null, line, 0, 0),
            Scalar::Bool(b) => Raw::new(Tag::Bool, line, u32::from(b), 0),
            Scalar::Int(n) => Raw::with_bits(Tag::Int, line, n as u64),
            Scalar::UInt(n) => Raw::with_bits(Tag::UInt, line, n),
            Scalar::Float(f) => Raw::with_bits(Tag::Float, line, f.to_bits()),
            Scalar::Str(s) if self.expects_key() => {
                // A key is stored once, in key form; the node points into it.
                let key = self.intern_key(s);
                let raw = match common::index_of(s) {
                    Some(index) => Raw::new(Tag::Str, line, index, COMMON_STRING),
                    None => {
                        let end = self.strings.len() as u32;
                        Raw::new(Tag::Str, line, end - s.len() as u32, s.len() as u32)
                    }
                };
                if let Some(frame) = self.frames.last_mut() {
                    frame.pending = Some((key, line));
                }
                return Mark(raw);
            }
            Scalar::Str(s) => {
                let span = self.intern(s);
                Raw::new(Tag::Str, line, span.off, span.len)
            }
        };
        self.attach(raw);
        Mark(raw)
    }

    /// Opens a mapping that starts on `line`.
    pub fn begin_map(&mut self, line: u32) {
        self.begin(true, line);
    }

    /// Opens a sequence that starts on `line`.
    pub fn begin_seq(&mut self, line: u32) {
        self.begin(false, line);
    }

    fn begin(&mut self, map: bool, line: u32) {
        self.frames.push(Frame {
            map,
            line,
            start: self.children.len(),
            pending: None,
        });
    }

    /// Closes the innermost collection; `None` when none is open.
    pub fn end(&mut self) -> Option<Mark> {
        let frame = self.frames.pop()?;
        if frame.map && self.has_duplicate_keys(frame.start) {
            let children: Vec<Child> = self.children.drain(frame.start..).collect();
            let children = self.without_duplicate_keys(children);
            self.children.extend(children);
        }
        let tag = if frame.map { Tag::Map } else { Tag::Seq };
        let count = self.children.len() - frame.start;
        let raw = Raw::new(tag, frame.line, self.nodes.len() as u32, count as u32);
        self.nodes
            .extend(self.children[frame.start..].iter().map(|c| Slot {
                raw: c.raw,
                key: c.key,
            }));
        self.children.truncate(frame.start);
        self.attach(raw);
        Some(Mark(raw))
    }

    /// True when two keys have the same text. A common string is always stored as such, so a
    /// common key equals only itself.
    fn same_key(&self, a: Key, b: Key) -> bool {
        a == b || (!a.is_common() && !b.is_common() && self.str_of(a) == self.str_of(b))
    }

    /// True when two of the open mapping's entries (from `start`) share a key.
    fn has_duplicate_keys(&self, start: usize) -> bool {
        let children = &self.children[start..];
        if children.len() <= 16 {
            return children
                .iter()
                .enumerate()
                .any(|(i, a)| children[..i].iter().any(|b| self.same_key(a.key, b.key)));
        }
        let mut seen = std::collections::HashSet::with_capacity(children.len());
        !children.iter().all(|c| seen.insert(self.str_of(c.key)))
    }

    /// Adds again a node added before (a YAML alias), now starting on `line`.
    pub fn repeat(&mut self, mark: Mark, line: u32) {
        self.attach(mark.0.at_line(line));
    }

    /// Number of nodes under (and including) `mark`, counting repeated nodes each time.
    pub fn count(&self, mark: Mark) -> usize {
        let mut count = 0;
        let mut todo = vec![mark.0];
        while let Some(raw) = todo.pop() {
            count += 1;
            if matches!(raw.tag(), Tag::Seq | Tag::Map) {
                let range = raw.a as usize..(raw.a + raw.b) as usize;
                todo.extend(
                    self.nodes
                        .get(range)
                        .unwrap_or_default()
                        .iter()
                        .map(|s| s.raw),
                );
            }
        }
        count
    }

    /// Adds a copy of `node` (from any document) and everything under it.
    pub fn copy(&mut self, node: Node<'_>) {
        let line = node.line();
        if let Some(map) = node.as_object() {
            self.begin_map(line);
            for (k, v) in map.iter() {
                self.scalar(Scalar::Str(k), v.line());
                self.copy(v);
            }
            self.end();
        } else if let Some(seq) = node.as_array() {
            self.begin_seq(line);
            for item in seq.iter() {
                self.copy(item);
            }
            self.end();
        } else {
            let raw = node.raw;
            let raw = if raw.tag() == Tag::Str {
                let span = self.intern(node.doc.str_at(raw.a, raw.b));
                Raw {
                    a: span.off,
                    b: span.len,
                    ..raw
                }
            } else {
                raw
            };
            self.attach(raw);
        }
    }

    /// The finished document (`null` when nothing was added). Open collections are closed.
    pub fn finish(mut self) -> Document {
        self.take()
    }

    /// The finished document, leaving the builder empty but with its buffers: parsing many
    /// documents with one builder allocates each document's memory once, at its exact size.
    pub fn take(&mut self) -> Document {
        while self.end().is_some() {}
        let doc = Document {
            slots: self.nodes.as_slice().into(),
            strings: self.strings.as_str().into(),
            root: self.root.take().unwrap_or(Raw::NULL),
        };
        self.nodes.clear();
        self.strings.clear();
        self.children.clear();
        doc
    }

    /// True when the next node added is a mapping key.
    fn expects_key(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.map && f.pending.is_none())
    }

    fn intern(&mut self, s: &str) -> Span {
        if let Some(index) = common::index_of(s) {
            return Span {
                off: index,
                len: COMMON_STRING,
            };
        }
        let span = Span {
            off: self.strings.len() as u32,
            len: s.len() as u32,
        };
        self.strings.push_str(s);
        span
    }

    /// Stores a mapping key (see [`Key`]).
    fn intern_key(&mut self, s: &str) -> Key {
        if let Some(index) = common::index_of(s) {
            return Key::common(index);
        }
        let key = Key(self.strings.len() as u32);
        let mut len = s.len();
        loop {
            let digit = (len & 0x3f) as u8;
            len >>= 6;
            let more = if len > 0 { 0x40 } else { 0 };
            self.strings.push(char::from(digit | more));
            if len == 0 {
                break;
            }
        }
        self.strings.push_str(s);
        key
    }

    fn str_of(&self, key: Key) -> &str {
        key.text(&self.strings)
    }

    /// Hands a finished node to its parent: as a key or a value in a mapping, an item in a
    /// sequence, or the root.
    fn attach(&mut self, raw: Raw) {
        let Some(frame) = self.frames.last_mut() else {
            self.root = Some(raw);
            return;
        };
        if !frame.map {
            self.children.push(Child {
                key: Key::NONE,
                raw,
                merged: false,
            });
            return;
        }
        match frame.pending.take() {
            None => {
                let key = self.key_of(raw);
                if let Some(frame) = self.frames.last_mut() {
                    frame.pending = Some((key, raw.line()));
                }
            }
            Some((key, line)) => {
                if self.str_of(key) == "<<" {
                    self.merge(raw);
                } else {
                    self.children.push(Child {
                        key,
                        raw: raw.at_line(line),
                        merged: false,
                    });
                }
            }
        }
    }

    /// A mapping key as text: strings as they are, other scalars as they print, collections
    /// as JSON.
    fn key_of(&mut self, raw: Raw) -> Key {
        let text = match raw.tag() {
            Tag::Str if raw.b == COMMON_STRING => return Key::common(raw.a),
            Tag::Str => self
                .strings
                .get(raw.a as usize..(raw.a + raw.b) as usize)
                .unwrap_or_default()
                .to_owned(),
            Tag::Null => "null".to_owned(),
            _ => {
                let doc = Document {
                    slots: self.nodes.clone().into_boxed_slice(),
                    strings: self.strings.clone().into_boxed_str(),
                    root: raw,
                };
                doc.root().to_json().to_string()
            }
        };
        self.intern_key(&text)
    }

    /// Folds the entries of the mapping(s) in `raw` (a mapping or a list of mappings) into the
    /// open mapping, as merged entries.
    fn merge(&mut self, raw: Raw) {
        let sources: Vec<Raw> = match raw.tag() {
            Tag::Map => vec![raw],
            Tag::Seq => self.slice(raw),
            _ => Vec::new(),
        };
        for source in sources.into_iter().filter(|r| r.tag() == Tag::Map) {
            let range = source.a as usize..(source.a + source.b) as usize;
            for i in range {
                if let Some(&Slot { raw, key }) = self.nodes.get(i) {
                    self.children.push(Child {
                        key,
                        raw,
                        merged: true,
                    });
                }
            }
        }
    }

    fn slice(&self, raw: Raw) -> Vec<Raw> {
        self.nodes
            .get(raw.a as usize..(raw.a + raw.b) as usize)
            .unwrap_or_default()
            .iter()
            .map(|s| s.raw)
            .collect()
    }

    /// Keeps the first place of each key; its value is the last explicit one, or else the
    /// first merged one.
    fn without_duplicate_keys(&self, children: Vec<Child>) -> Vec<Child> {
        let mut out: Vec<Child> = Vec::with_capacity(children.len());
        let mut index: HashMap<&str, usize> = HashMap::new();
        let large = children.len() > 16;
        for child in children {
            let key = self.str_of(child.key);
            let found = if large {
                index.get(key).copied()
            } else {
                out.iter().position(|c| self.same_key(c.key, child.key))
            };
            match found {
                Some(at) if !child.merged => out[at].raw = child.raw,
                Some(_) => {}
                None => {
                    if large {
                        index.insert(key, out.len());
                    }
                    out.push(child);
                }
            }
        }
        out
    }
}
