//! A compact, read-only document tree: what analysis keeps of every resource it reads.
//!
//! A [`Document`] holds all nodes of one object in one flat array and its strings in one
//! buffer: a node is 16 bytes (kind and line, payload, and the key when it is a mapping entry),
//! the children of a collection lie side by side, and frequent field names, kinds and values
//! are indexes in a shared table instead of bytes of the buffer. Compared with a tree of `serde_json`
//! values (a heap allocation per string, map and list, 80-byte values), the store of a large
//! analysis takes a fraction of the memory, and every node knows the line it came from, so a
//! message finds its field's line without re-reading the file.
//!
//! Nodes are read through [`Node`] (a copyable handle), [`Map`] and [`Seq`], whose methods
//! follow `serde_json::Value`'s names (`get`, `as_str`, `as_array`, …).

mod build;
mod common;
mod json;
mod path;

pub use build::{Builder, Mark, Scalar};
pub use path::PathSegment;

use std::fmt;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Tag {
    Null = 0,
    Bool = 1,
    Int = 2,
    UInt = 3,
    Float = 4,
    Str = 5,
    Seq = 6,
    Map = 7,
}

const TAGS: [Tag; 8] = [
    Tag::Null,
    Tag::Bool,
    Tag::Int,
    Tag::UInt,
    Tag::Float,
    Tag::Str,
    Tag::Seq,
    Tag::Map,
];

/// Lines above this (268 million) are recorded as this.
const MAX_LINE: u32 = u32::MAX >> 4;

/// One node in 12 bytes: its kind and its 1-based line (of its key, for a mapping entry)
/// packed in `head`, and a payload: the value of a scalar, the span of a string in the string
/// buffer, or the range of a collection's children in the node array.
#[derive(Debug, Clone, Copy)]
struct Raw {
    head: u32,
    a: u32,
    b: u32,
}

impl Raw {
    const NULL: Raw = Raw {
        head: 0,
        a: 0,
        b: 0,
    };

    fn new(tag: Tag, line: u32, a: u32, b: u32) -> Raw {
        Raw {
            head: (line.min(MAX_LINE) << 4) | tag as u32,
            a,
            b,
        }
    }

    fn tag(self) -> Tag {
        TAGS[(self.head & 0x7) as usize]
    }

    fn line(self) -> u32 {
        self.head >> 4
    }

    /// The same node, on another line.
    fn at_line(self, line: u32) -> Raw {
        Raw::new(self.tag(), line, self.a, self.b)
    }

    fn bits(self) -> u64 {
        u64::from(self.a) | (u64::from(self.b) << 32)
    }

    fn with_bits(tag: Tag, line: u32, bits: u64) -> Raw {
        Raw::new(tag, line, bits as u32, (bits >> 32) as u32)
    }
}

/// The `len` of a string span that stands for an entry of the [`common`] table (whose index
/// is then the `off`).
const COMMON_STRING: u32 = u32::MAX;

/// A string: a span of the string buffer, or an entry of the common-strings table.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    off: u32,
    len: u32,
}

/// A mapping key in 4 bytes: with the top bit set, an index in the common-strings table;
/// otherwise the offset, in the string buffer, of the key's length (ASCII digits of 6 bits,
/// `0x40` marking that more follow) followed by its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key(u32);

impl Key {
    const COMMON_BIT: u32 = 1 << 31;
    /// The key of a node that is not a mapping entry.
    const NONE: Key = Key(u32::MAX);

    fn common(index: u32) -> Key {
        Key(Key::COMMON_BIT | index)
    }

    /// True for an entry of the common-strings table (and [`Key::NONE`]).
    fn is_common(self) -> bool {
        self.0 & Key::COMMON_BIT != 0
    }

    /// The key's text in `strings`.
    fn text(self, strings: &str) -> &str {
        if self.is_common() {
            return common::get(self.0 & !Key::COMMON_BIT);
        }
        let bytes = strings.as_bytes();
        let (mut at, mut len, mut shift) = (self.0 as usize, 0usize, 0);
        while let Some(&b) = bytes.get(at) {
            at += 1;
            len |= usize::from(b & 0x3f) << shift;
            shift += 6;
            if b & 0x40 == 0 || shift > 30 {
                break;
            }
        }
        strings.get(at..at + len).unwrap_or_default()
    }
}

/// A node with, when it is a mapping entry, its key: 16 bytes.
#[derive(Debug, Clone, Copy)]
struct Slot {
    raw: Raw,
    key: Key,
}

/// One parsed object (or any YAML/JSON value), immutable: two allocations (the nodes and
/// the strings), whatever its size.
#[derive(Debug, Clone)]
pub struct Document {
    slots: Box<[Slot]>,
    strings: Box<str>,
    root: Raw,
}

static EMPTY: std::sync::LazyLock<Document> = std::sync::LazyLock::new(|| Document {
    slots: Box::new([]),
    strings: "".into(),
    root: Raw::NULL,
});

impl Document {
    /// A document holding only `null`.
    pub fn null() -> &'static Document {
        &EMPTY
    }

    /// The top node.
    pub fn root(&self) -> Node<'_> {
        Node {
            doc: self,
            raw: self.root,
        }
    }

    /// A new document holding a copy of `node` and everything under it (lines kept).
    pub fn from_node(node: Node<'_>) -> Document {
        let mut b = Builder::new();
        b.copy(node);
        b.finish()
    }

    /// A copy of `node` as a document of its own; when it is a mapping, only its entries named
    /// in `keep`.
    pub fn from_node_retaining(node: Node<'_>, keep: &[&str]) -> Document {
        let Some(map) = node.as_object() else {
            return Document::from_node(node);
        };
        let mut b = Builder::new();
        b.begin_map(node.line());
        for (key, value) in map.iter().filter(|(k, _)| keep.contains(k)) {
            b.scalar(Scalar::Str(key), value.line());
            b.copy(value);
        }
        b.end();
        b.finish()
    }

    fn str_at(&self, off: u32, len: u32) -> &str {
        if len == COMMON_STRING {
            return common::get(off);
        }
        self.strings
            .get(off as usize..off as usize + len as usize)
            .unwrap_or_default()
    }

    fn key(&self, index: u32) -> &str {
        let key = self.slots.get(index as usize).map_or(Key::NONE, |s| s.key);
        key.text(&self.strings)
    }

    fn node(&self, index: u32) -> Raw {
        self.slots.get(index as usize).map_or(Raw::NULL, |s| s.raw)
    }
}

/// A node of a [`Document`]: cheap to copy; missing nodes read as `null`.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document,
    raw: Raw,
}

impl<'a> Node<'a> {
    /// A `null` node (what [`Node::at`] gives for a missing key).
    pub fn null() -> Node<'static> {
        Document::null().root()
    }

    /// The 1-based line of the node (of its key when it is a mapping entry); 0 when it did not
    /// come from a file.
    pub fn line(self) -> u32 {
        self.raw.line()
    }

    /// The entry `key` of a mapping.
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        self.as_object()?.get(key)
    }

    /// The entry `key` of a mapping, or `null` (like indexing a `serde_json::Value`).
    pub fn at(self, key: &str) -> Node<'a> {
        self.get(key).unwrap_or(Node {
            doc: self.doc,
            raw: Raw::NULL,
        })
    }

    /// Item `index` of a sequence.
    pub fn item(self, index: usize) -> Option<Node<'a>> {
        self.as_array()?.get(index)
    }

    /// The node at a JSON pointer (`/spec/ports/0`), as `serde_json::Value::pointer` finds it.
    pub fn pointer(self, pointer: &str) -> Option<Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |node, token| {
            let token = token.replace("~1", "/").replace("~0", "~");
            match node.raw.tag() {
                Tag::Map => node.get(&token),
                Tag::Seq => token.parse().ok().and_then(|i| node.item(i)),
                _ => None,
            }
        })
    }

    /// The mapping, if this is one.
    pub fn as_object(self) -> Option<Map<'a>> {
        (self.raw.tag() == Tag::Map).then_some(Map {
            doc: self.doc,
            start: self.raw.a,
            len: self.raw.b,
        })
    }

    /// The sequence, if this is one.
    pub fn as_array(self) -> Option<Seq<'a>> {
        (self.raw.tag() == Tag::Seq).then_some(Seq {
            doc: self.doc,
            start: self.raw.a,
            len: self.raw.b,
        })
    }

    /// The string, if this is one.
    pub fn as_str(self) -> Option<&'a str> {
        (self.raw.tag() == Tag::Str).then(|| self.doc.str_at(self.raw.a, self.raw.b))
    }

    /// The node as text: a string as it is, anything else as JSON (`80`, `true`, `[1]`).
    pub fn text(self) -> std::borrow::Cow<'a, str> {
        match self.as_str() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(self.to_string()),
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(self) -> Option<bool> {
        (self.raw.tag() == Tag::Bool).then_some(self.raw.a != 0)
    }

    /// The number as an `i64`, if it is an integer in range.
    pub fn as_i64(self) -> Option<i64> {
        match self.raw.tag() {
            Tag::Int => Some(self.raw.bits() as i64),
            Tag::UInt => i64::try_from(self.raw.bits()).ok(),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self.raw.tag() {
            Tag::Int => u64::try_from(self.raw.bits() as i64).ok(),
            Tag::UInt => Some(self.raw.bits()),
            _ => None,
        }
    }

    /// The number as an `f64`, if it is a number.
    pub fn as_f64(self) -> Option<f64> {
        match self.raw.tag() {
            Tag::Int => Some(self.raw.bits() as i64 as f64),
            Tag::UInt => Some(self.raw.bits() as f64),
            Tag::Float => Some(f64::from_bits(self.raw.bits())),
            _ => None,
        }
    }

    /// True for `null` (and missing nodes).
    pub fn is_null(self) -> bool {
        self.raw.tag() == Tag::Null
    }

    /// True for strings.
    pub fn is_string(self) -> bool {
        self.raw.tag() == Tag::Str
    }

    /// True for booleans.
    pub fn is_boolean(self) -> bool {
        self.raw.tag() == Tag::Bool
    }

    /// True for numbers.
    pub fn is_number(self) -> bool {
        matches!(self.raw.tag(), Tag::Int | Tag::UInt | Tag::Float)
    }

    /// True for numbers that are not integers.
    pub fn is_f64(self) -> bool {
        self.raw.tag() == Tag::Float
    }

    /// True for integers (of any size).
    pub fn is_integer(self) -> bool {
        matches!(self.raw.tag(), Tag::Int | Tag::UInt)
    }

    /// True for sequences.
    pub fn is_array(self) -> bool {
        self.raw.tag() == Tag::Seq
    }

    /// True for mappings.
    pub fn is_object(self) -> bool {
        self.raw.tag() == Tag::Map
    }

    /// What the node is, in words: `null`, `a string`, `a number`, `a boolean`, `a list`,
    /// `a mapping`.
    pub fn type_name(self) -> &'static str {
        match self.raw.tag() {
            Tag::Null => "null",
            Tag::Bool => "a boolean",
            Tag::Int | Tag::UInt | Tag::Float => "a number",
            Tag::Str => "a string",
            Tag::Seq => "a list",
            Tag::Map => "a mapping",
        }
    }

    /// The node and everything under it as a `serde_json::Value`.
    pub fn to_json(self) -> serde_json::Value {
        json::to_json(self)
    }

    /// The line of the field at `path` below this node (its key's line for a mapping entry,
    /// its own for a list item), or of the deepest part of `path` that exists; `None` when the
    /// path is empty, its first step is missing, or the node has no line.
    pub fn field_line(self, path: &[PathSegment]) -> Option<u32> {
        let mut node = None;
        for segment in path {
            let here = node.unwrap_or(self);
            let next = match segment {
                PathSegment::Key(k) => here.get(k),
                PathSegment::Index(i) => here.item(*i),
            };
            match next {
                Some(n) => node = Some(n),
                None => break,
            }
        }
        node.map(Node::line).filter(|&l| l > 0)
    }
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// JSON text of the node (strings quoted), as `serde_json::Value` displays.
impl fmt::Display for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl PartialEq<str> for Node<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Node<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// Structural equality (lines aside).
impl PartialEq for Node<'_> {
    fn eq(&self, other: &Node<'_>) -> bool {
        match (self.raw.tag(), other.raw.tag()) {
            (Tag::Map, Tag::Map) => {
                let (a, b) = (self.as_object(), other.as_object());
                a.zip(b).is_some_and(|(a, b)| {
                    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
                })
            }
            (Tag::Seq, Tag::Seq) => {
                let (a, b) = (self.as_array(), other.as_array());
                a.zip(b)
                    .is_some_and(|(a, b)| a.len() == b.len() && a.iter().eq(b.iter()))
            }
            (Tag::Str, Tag::Str) => self.as_str() == other.as_str(),
            (Tag::Null, Tag::Null) => true,
            (Tag::Bool, Tag::Bool) => self.as_bool() == other.as_bool(),
            (x, y) if x == y && x != Tag::Float => self.raw.bits() == other.raw.bits(),
            _ => self.is_number() && other.is_number() && self.as_f64() == other.as_f64(),
        }
    }
}

/// A mapping: entries in their order in the file.
#[derive(Clone, Copy)]
pub struct Map<'a> {
    doc: &'a Document,
    start: u32,
    len: u32,
}

impl<'a> Map<'a> {
    /// An empty mapping.
    pub fn empty() -> Map<'static> {
        Map {
            doc: Document::null(),
            start: 0,
            len: 0,
        }
    }

    /// Number of entries.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// True when there is no entry.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The value of `key`.
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        (self.start..self.start + self.len)
            .find(|&i| self.doc.key(i) == key)
            .map(|i| Node {
                doc: self.doc,
                raw: self.doc.node(i),
            })
    }

    /// True when `key` is present.
    pub fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The entries, in order.
    pub fn iter(self) -> MapIter<'a> {
        MapIter {
            doc: self.doc,
            range: self.start..self.start + self.len,
        }
    }

    /// The keys, in order.
    pub fn keys(self) -> impl DoubleEndedIterator<Item = &'a str> + Clone + 'a {
        self.iter().map(|(k, _)| k)
    }

    /// The values, in order.
    pub fn values(self) -> impl DoubleEndedIterator<Item = Node<'a>> + Clone + 'a {
        self.iter().map(|(_, v)| v)
    }
}

impl fmt::Debug for Map<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for Map<'a> {
    type Item = (&'a str, Node<'a>);
    type IntoIter = MapIter<'a>;

    fn into_iter(self) -> MapIter<'a> {
        self.iter()
    }
}

/// The entries of a [`Map`].
#[derive(Clone)]
pub struct MapIter<'a> {
    doc: &'a Document,
    range: std::ops::Range<u32>,
}

impl<'a> MapIter<'a> {
    fn entry(&self, i: u32) -> (&'a str, Node<'a>) {
        (
            self.doc.key(i),
            Node {
                doc: self.doc,
                raw: self.doc.node(i),
            },
        )
    }
}

impl<'a> Iterator for MapIter<'a> {
    type Item = (&'a str, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.range.next()?;
        Some(self.entry(i))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for MapIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.range.next_back()?;
        Some(self.entry(i))
    }
}

impl ExactSizeIterator for MapIter<'_> {}

/// A sequence.
#[derive(Clone, Copy)]
pub struct Seq<'a> {
    doc: &'a Document,
    start: u32,
    len: u32,
}

impl<'a> Seq<'a> {
    /// Number of items.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// True when there is no item.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// Item `index`.
    pub fn get(self, index: usize) -> Option<Node<'a>> {
        (index < self.len as usize).then(|| Node {
            doc: self.doc,
            raw: self.doc.node(self.start + index as u32),
        })
    }

    /// The first item.
    pub fn first(self) -> Option<Node<'a>> {
        self.get(0)
    }

    /// The items, in order.
    pub fn iter(self) -> SeqIter<'a> {
        SeqIter {
            doc: self.doc,
            range: self.start..self.start + self.len,
        }
    }
}

impl fmt::Debug for Seq<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for Seq<'a> {
    type Item = Node<'a>;
    type IntoIter = SeqIter<'a>;

    fn into_iter(self) -> SeqIter<'a> {
        self.iter()
    }
}

/// The items of a [`Seq`].
#[derive(Clone)]
pub struct SeqIter<'a> {
    doc: &'a Document,
    range: std::ops::Range<u32>,
}

impl<'a> Iterator for SeqIter<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        let i = self.range.next()?;
        Some(Node {
            doc: self.doc,
            raw: self.doc.node(i),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for SeqIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.range.next_back()?;
        Some(Node {
            doc: self.doc,
            raw: self.doc.node(i),
        })
    }
}

impl ExactSizeIterator for SeqIter<'_> {}

#[cfg(test)]
mod tests;
