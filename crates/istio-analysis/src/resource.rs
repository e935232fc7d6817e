//! A resource under analysis: its identity, its object, and where it came from.

use std::sync::Arc;

use istio_core::tree::{Document, Map, Node};
use istio_core::yaml::{IndexedText, LineIndex, PathSegment};

/// Index of a resource in its [`super::store::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub u32);

/// A file (or stdin) that resources were read from, for code frames.
///
/// Resources carry the lines of their fields, so once a file is loaded its text is needed only
/// to draw code frames: a file's text is released after loading ([`Source::release`]) and read
/// again when a frame is drawn. Text that cannot be read again (stdin) stays. The text's line
/// index is built once, on the first diagnostic that needs it ([`Source::indexed`]), so that
/// every diagnostic of a large file costs what its own lines cost. Code frames are drawn from
/// the text with the values of Secrets masked, byte for byte
/// (`istio_core::yaml::mask_secrets`), so offsets and lines still fit.
#[derive(Debug)]
pub struct Source {
    /// The name shown to users: the path as given, or `-` for stdin.
    pub name: String,
    /// Where to read the text again; `None` for stdin and generated text.
    path: Option<std::path::PathBuf>,
    held: std::sync::Mutex<Held>,
}

/// The text of a [`Source`] while it is held, and, once a code frame asked for them, that text
/// with Secret values masked and its line index.
#[derive(Debug, Default)]
struct Held {
    text: Option<Arc<str>>,
    masked: Option<Arc<str>>,
    lines: Option<Arc<LineIndex>>,
}

impl Source {
    /// A source named `name` holding `text`, which can be read again from `path` (if any).
    pub fn new(name: String, text: Arc<str>, path: Option<std::path::PathBuf>) -> Source {
        Source {
            name,
            path,
            held: std::sync::Mutex::new(Held {
                text: Some(text),
                ..Held::default()
            }),
        }
    }

    /// The text, read again from the file if it was released (empty if that fails).
    fn held_text(&self, held: &mut Held) -> Arc<str> {
        if let Some(t) = held.text.as_ref() {
            return t.clone();
        }
        let bytes = self
            .path
            .as_ref()
            .and_then(|p| istio_core::inputs::read(p).ok())
            .unwrap_or_default();
        let read: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes).as_ref());
        *held = Held {
            text: Some(read.clone()),
            ..Held::default()
        };
        read
    }

    /// The whole text (read again from the file if it was released; empty if that fails).
    pub fn text(&self) -> Arc<str> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        self.held_text(&mut held)
    }

    /// The whole text with Secret values masked and its line index (both built on the first
    /// call, then shared), for code frames and for the lines of byte offsets. Everything shown
    /// to users from a file's text goes through here.
    pub fn indexed(&self) -> IndexedText {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let text = self.held_text(&mut held);
        let masked = held
            .masked
            .get_or_insert_with(|| match istio_core::yaml::mask_secrets(&text) {
                std::borrow::Cow::Borrowed(_) => text.clone(),
                std::borrow::Cow::Owned(masked) => Arc::from(masked),
            })
            .clone();
        let lines = held
            .lines
            .get_or_insert_with(|| Arc::new(LineIndex::new(&masked)))
            .clone();
        IndexedText::with_index(masked, lines)
    }

    /// Drops the text (and its index) when it can be read again, to keep memory to the
    /// analysis itself.
    pub fn release(&self) {
        if self.path.is_some() {
            *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Held::default();
        }
    }
}

/// Where a resource came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A document (or an item of a `List`) of a local file.
    File {
        /// The file, shared by all its resources.
        source: Arc<Source>,
        /// 1-based line of the resource itself (its first field).
        line: u32,
    },
    /// An object read from the live cluster under analysis (its kubeconfig context), or made up
    /// in its place (the default ingress gateway of a file-only analysis).
    Cluster,
    /// An object read from a remote cluster of a multicluster analysis (`--remote-contexts`),
    /// named by its kubeconfig context. Objects of different clusters never replace each other.
    RemoteCluster(Arc<str>),
}

/// One Kubernetes or Istio object.
#[derive(Debug, Clone)]
pub struct Resource {
    /// `group/Kind`, as in [`super::kinds::Kind`].
    pub kind_key: Arc<str>,
    /// The namespace; empty for cluster-scoped kinds.
    pub namespace: Arc<str>,
    /// metadata.name.
    pub name: Box<str>,
    /// The whole object (or, for kinds no selected analyzer reads, its identity only).
    pub doc: Document,
    /// Where it came from.
    pub origin: Origin,
}

impl Resource {
    /// The kind without group (`VirtualService`).
    pub fn kind(&self) -> &str {
        self.kind_key.rsplit('/').next().unwrap_or(&self.kind_key)
    }

    /// The remote cluster (kubeconfig context) the resource was read from; `None` for the
    /// cluster under analysis and for files.
    pub fn remote_cluster(&self) -> Option<&str> {
        match &self.origin {
            Origin::RemoteCluster(context) => Some(context),
            _ => None,
        }
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

    /// The whole object.
    pub fn root(&self) -> Node<'_> {
        self.doc.root()
    }

    /// The `metadata` mapping (empty when absent).
    pub fn metadata(&self) -> Map<'_> {
        self.root()
            .get("metadata")
            .and_then(Node::as_object)
            .unwrap_or(Map::empty())
    }

    /// metadata.labels (empty when absent).
    pub fn labels(&self) -> Map<'_> {
        self.metadata()
            .get("labels")
            .and_then(Node::as_object)
            .unwrap_or(Map::empty())
    }

    /// metadata.annotations (empty when absent).
    pub fn annotations(&self) -> Map<'_> {
        self.metadata()
            .get("annotations")
            .and_then(Node::as_object)
            .unwrap_or(Map::empty())
    }

    /// One label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels().get(key).and_then(Node::as_str)
    }

    /// One annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations().get(key).and_then(Node::as_str)
    }

    /// `spec` (null when absent).
    pub fn spec(&self) -> Node<'_> {
        self.root().at("spec")
    }

    /// The line of the field at `path` (e.g. `spec.http[0].route`), or of its deepest existing
    /// ancestor; `None` when the path is empty or absent, or for a cluster object.
    pub fn line_of(&self, path: Option<&str>) -> Option<u32> {
        self.root()
            .field_line(&PathSegment::parse_path(path.unwrap_or_default()))
    }
}
