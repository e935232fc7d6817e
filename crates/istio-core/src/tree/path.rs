//! Field paths (`spec.http[0].route`), as messages name fields and trees find their lines
//! ([`Node::field_line`](super::Node::field_line)).

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

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "apiVersion: v1\nkind: X\nspec:\n  http:\n  - route:\n    - weight: 10\n    - destination:\n        host: a\n      weight: 90\n";

    fn line(path: &str) -> Option<u32> {
        let tree = crate::yaml::parse_tree(DOC, 5, 0).expect("valid");
        tree.root().field_line(&PathSegment::parse_path(path))
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
