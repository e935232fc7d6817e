//! A resource under analysis: its identity, its object, and where it came from.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::yaml::{field_line, PathSegment};

/// Index of a resource in its [`super::store::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub u32);

/// A file (or stdin) that resources were read from, kept for line look-ups and code frames.
#[derive(Debug)]
pub struct Source {
    /// The name shown to users: the path as given, or `-` for stdin.
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
}

/// Where a resource came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A document of a local file.
    File {
        /// The file, shared by all its resources.
        source: Arc<Source>,
        /// Byte range of the document in the file.
        range: std::ops::Range<usize>,
        /// 1-based line on which the document's text starts.
        first_line: u32,
        /// For an item of a `List`, its index in `items`.
        list_item: Option<usize>,
        /// 1-based line of the resource itself (its first field).
        line: u32,
    },
    /// An object read from a live cluster.
    Cluster,
}

/// One Kubernetes or Istio object.
#[derive(Debug, Clone)]
pub struct Resource {
    /// `group/Kind`, as in [`super::kinds::Kind`].
    pub kind_key: Box<str>,
    /// The object's apiVersion.
    pub api_version: Box<str>,
    /// The namespace; empty for cluster-scoped kinds.
    pub namespace: Box<str>,
    /// metadata.name.
    pub name: Box<str>,
    /// The whole object.
    pub value: Value,
    /// Where it came from.
    pub origin: Origin,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// An empty mapping, for fields that are absent (`labels`, `selector`, …).
pub fn empty_map() -> &'static Map<String, Value> {
    &EMPTY
}

impl Resource {
    /// The kind without group (`VirtualService`).
    pub fn kind(&self) -> &str {
        self.kind_key.rsplit('/').next().unwrap_or(&self.kind_key)
    }

    /// `Kind namespace/name`, or `Kind name` for cluster-scoped resources (istioctl's origin).
    pub fn origin_name(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind(), self.name)
        } else {
            format!("{} {}/{}", self.kind(), self.namespace, self.name)
        }
    }

    /// `namespace/name` or `name`.
    pub fn full_name(&self) -> String {
        if self.namespace.is_empty() {
            self.name.to_string()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// The `metadata` mapping (empty when absent).
    pub fn metadata(&self) -> &Map<String, Value> {
        self.value
            .get("metadata")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY)
    }

    /// metadata.labels (empty when absent).
    pub fn labels(&self) -> &Map<String, Value> {
        self.metadata()
            .get("labels")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY)
    }

    /// metadata.annotations (empty when absent).
    pub fn annotations(&self) -> &Map<String, Value> {
        self.metadata()
            .get("annotations")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY)
    }

    /// One label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels().get(key).and_then(Value::as_str)
    }

    /// One annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations().get(key).and_then(Value::as_str)
    }

    /// `spec` (Null when absent).
    pub fn spec(&self) -> &Value {
        self.value.get("spec").unwrap_or(&Value::Null)
    }

    /// The file name and the line of the field at `path` (e.g. `spec.http[0].route`), or of the
    /// resource when the path is empty or absent. `None` for cluster objects.
    pub fn location(&self, path: Option<&str>) -> Option<(&Source, u32)> {
        let Origin::File {
            source,
            range,
            first_line,
            list_item,
            line,
        } = &self.origin
        else {
            return None;
        };
        let Some(path) = path.filter(|p| !p.is_empty()) else {
            return Some((source, *line));
        };
        let mut segments = Vec::new();
        if let Some(i) = list_item {
            segments.push(PathSegment::Key("items".to_owned()));
            segments.push(PathSegment::Index(*i));
        }
        segments.extend(PathSegment::parse_path(path));
        let text = source.text.get(range.clone()).unwrap_or("");
        let found = field_line(text, *first_line, &segments).unwrap_or(*line);
        Some((source, found))
    }
}
