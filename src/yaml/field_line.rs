//! Finding the line of one field of a document, by re-reading only that document's events.

use granit_parser::{Event, Parser};

/// One step of a field path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl PathSegment {
    /// Parses a dotted path like `spec.http[0].route[1].weight`; a key holding dots or brackets
    /// is written quoted in brackets: `metadata.annotations["sidecar.istio.io/inject"]`.
    pub fn parse_path(path: &str) -> Vec<PathSegment> {
        let mut out = Vec::new();
        let mut rest = path;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("[\"") {
                let end = after.find("\"]").unwrap_or(after.len());
                out.push(PathSegment::Key(after[..end].to_owned()));
                rest = after.get(end + 2..).unwrap_or("");
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').unwrap_or(after.len());
                if let Ok(i) = after[..end].parse() {
                    out.push(PathSegment::Index(i));
                }
                rest = after.get(end + 1..).unwrap_or("");
            } else if let Some(after) = rest.strip_prefix('.') {
                rest = after;
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                out.push(PathSegment::Key(rest[..end].to_owned()));
                rest = &rest[end..];
            }
        }
        out
    }
}

enum Level {
    Seq {
        index: usize,
    },
    Map {
        expecting_key: bool,
        key: Option<String>,
    },
}

/// Returns the 1-based stream line of the field at `path` in the document `text` (which starts on
/// `base_line`): the line of its key for a mapping entry, of the item for a sequence element.
/// When the full path is absent, the line of its deepest existing ancestor is returned.
pub fn field_line(text: &str, base_line: u32, path: &[PathSegment]) -> Option<u32> {
    let mut parser = Parser::new_from_str(text);
    let mut levels: Vec<Level> = Vec::new();
    // How many leading segments of `path` the current position matches.
    let mut best: Option<(usize, u32)> = None;
    let mut matched = 0usize;
    let to_line = |line: usize| base_line + line.saturating_sub(1) as u32;
    while let Some(Ok((event, span))) = parser.next_event() {
        let line = to_line(span.start.line());
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        );
        // Position of this node in its parent, and whether it is a key.
        if is_node {
            let depth = levels.len();
            let mut is_key = false;
            let mut here: Option<PathSegment> = None;
            match levels.last_mut() {
                Some(Level::Seq { index }) => {
                    here = Some(PathSegment::Index(*index));
                    *index += 1;
                }
                Some(Level::Map { expecting_key, key }) => {
                    if *expecting_key {
                        is_key = true;
                        *expecting_key = false;
                        if let Event::Scalar(text, ..) = &event {
                            *key = Some(text.to_string());
                        } else {
                            *key = None;
                        }
                    } else {
                        here = key.take().map(PathSegment::Key);
                        *expecting_key = true;
                    }
                }
                None => {}
            }
            if is_key {
                // The key's line is where a field starts.
                if let (Event::Scalar(text, ..), true) =
                    (&event, depth >= 1 && matched == depth - 1)
                {
                    if path.get(depth - 1) == Some(&PathSegment::Key(text.to_string())) {
                        let segs = depth;
                        if best.is_none_or(|(n, _)| segs > n) {
                            best = Some((segs, line));
                        }
                    }
                }
                continue;
            }
            if let (Some(seg), true) = (&here, depth >= 1 && matched == depth - 1) {
                if path.get(depth - 1) == Some(seg) {
                    matched = depth;
                    if matches!(seg, PathSegment::Index(_)) && best.is_none_or(|(n, _)| depth > n) {
                        best = Some((depth, line));
                    }
                }
            }
        }
        match event {
            Event::SequenceStart(..) => levels.push(Level::Seq { index: 0 }),
            Event::MappingStart(..) => levels.push(Level::Map {
                expecting_key: true,
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let depth = levels.len();
                levels.pop();
                if matched >= depth {
                    matched = depth.saturating_sub(1);
                }
                // Once we left the matched subtree, nothing deeper can match.
                if let Some((n, _)) = best {
                    if n == path.len() {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    best.map(|(_, line)| line)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "apiVersion: v1\nkind: X\nspec:\n  http:\n  - route:\n    - weight: 10\n    - destination:\n        host: a\n      weight: 90\n";

    fn line(path: &str) -> Option<u32> {
        field_line(DOC, 5, &PathSegment::parse_path(path))
    }

    #[test]
    fn finds_lines_of_keys_and_items() {
        assert_eq!(line("kind"), Some(6));
        assert_eq!(line("spec.http"), Some(8));
        assert_eq!(line("spec.http[0]"), Some(9));
        assert_eq!(line("spec.http[0].route[1].weight"), Some(13));
        assert_eq!(line("spec.http[0].route[1].destination.host"), Some(12));
    }

    #[test]
    fn tree_lines_agree_with_field_line() {
        let tree = crate::yaml::parse_tree(DOC, 5, 0).expect("valid");
        for path in [
            "kind",
            "spec.http",
            "spec.http[0]",
            "spec.http[0].route[1].weight",
            "spec.http[0].route[1].destination.host",
            "spec.http[0].route[7].weight",
        ] {
            let node = tree.root().deepest(&PathSegment::parse_path(path));
            assert_eq!(Some(node.line()), line(path), "{path}");
        }
    }

    #[test]
    fn tree_lines_of_list_items() {
        let list = "apiVersion: v1\nkind: List\nmeta: {items: [9]}\nitems:\n- kind: A\n  x: 1\n-   kind: B\n- [c]\nafter: [1]\n";
        let tree = crate::yaml::parse_tree(list, 3, 0).expect("valid");
        let items = tree
            .root()
            .get("items")
            .and_then(crate::tree::Node::as_array);
        let lines: Vec<u32> = items.into_iter().flatten().map(|i| i.line()).collect();
        assert_eq!(lines, vec![7, 9, 10]);
    }

    #[test]
    fn parses_quoted_keys() {
        assert_eq!(
            PathSegment::parse_path("metadata.annotations[\"a.io/b.c\"].x[2]"),
            vec![
                PathSegment::Key("metadata".into()),
                PathSegment::Key("annotations".into()),
                PathSegment::Key("a.io/b.c".into()),
                PathSegment::Key("x".into()),
                PathSegment::Index(2),
            ]
        );
        assert_eq!(
            PathSegment::parse_path("spec.http[0].route"),
            vec![
                PathSegment::Key("spec".into()),
                PathSegment::Key("http".into()),
                PathSegment::Index(0),
                PathSegment::Key("route".into()),
            ]
        );
    }

    #[test]
    fn falls_back_to_the_deepest_ancestor() {
        assert_eq!(line("spec.http[0].route[7].weight"), Some(9));
        assert_eq!(line("nothing"), None);
    }
}
