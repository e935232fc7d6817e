//! Loading local inputs (files, directories, stdin) into resources. Every document is parsed
//! once; a document or file that cannot be used becomes a [`LoadError`] and the rest goes on.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use istio_core::tree::{Document, Node};
use miette::{NamedSource, SourceSpan};

use super::kinds::{is_cluster_scoped, kind_key};
use super::resource::{Origin, Resource, Source};
use super::store::StoreBuilder;
use istio_core::inputs::Input;
use istio_core::yaml::{parse_tree, split_documents, DocumentChunk, IndexedText, LineIndex};

/// An input that could not be used, or a document in it.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// The file's display name (`-` for stdin).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// Byte offset and the file's text, when a code frame can be shown.
    pub at: Option<(usize, Arc<Source>)>,
    /// What was wrong.
    pub message: String,
}

/// A [`LoadError`] as a miette diagnostic: `file:line: message`, with a code frame when the
/// file's text is at hand. The frame is read through the file's line index, so drawing it costs
/// the lines it shows, wherever they are in the file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{place}: {message}")]
pub struct LoadDiagnostic {
    place: String,
    message: String,
    #[source_code]
    code: Option<NamedSource<IndexedText>>,
    #[label("here")]
    span: Option<SourceSpan>,
}

impl LoadError {
    /// `file:line` (or just the file when the line is unknown).
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }

    /// The error as a diagnostic pointing from its offset to the end of that line.
    pub fn diagnostic(&self) -> LoadDiagnostic {
        let (code, span) = match &self.at {
            Some((offset, source)) => {
                let text = source.indexed();
                let span = text.rest_of_line(*offset);
                (Some(NamedSource::new(&source.name, text)), Some(span))
            }
            None => (None, None),
        };
        LoadDiagnostic {
            place: self.place(),
            message: self.message.clone(),
            code,
            span,
        }
    }
}

/// A file skipped because of its extension (reported as a note, not an error).
#[derive(Debug, Clone)]
pub struct Skipped(pub PathBuf);

/// What loading produced besides resources.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Inputs or documents that could not be used.
    pub errors: Vec<LoadError>,
    /// Files skipped for their extension.
    pub skipped: Vec<Skipped>,
}

/// Options that shape how resources are read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Namespace given to namespaced resources that have none.
    pub default_namespace: String,
    /// Recurse into directories.
    pub recursive: bool,
}

/// Expands the inputs into the files to read, recording skipped files and unreadable
/// directories in `report`.
fn collect_files(inputs: &[PathBuf], opts: &LoadOptions, report: &mut LoadReport) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in istio_core::inputs::expand(inputs, opts.recursive) {
        match input {
            Input::File(path) => files.push(path),
            Input::Skipped(path) => report.skipped.push(Skipped(path)),
            Input::Unreadable(dir, message) => report.errors.push(LoadError {
                file: dir.display().to_string(),
                line: None,
                at: None,
                message,
            }),
        }
    }
    files
}

/// Largest document analyzed. Kubernetes stores objects of at most about 1.5 MiB, so a bigger
/// document is a mistake (or an attack); refusing it keeps time and memory bounded.
pub const MAX_DOCUMENT_BYTES: usize = 16 << 20;

/// Which resources keep their whole object in the store.
#[derive(Debug, Clone, Default)]
pub enum Keep {
    /// Every resource keeps everything.
    #[default]
    All,
    /// Resources of these kinds (`group/Kind` keys) keep everything; the others keep only
    /// `apiVersion`, `kind` and `metadata` (names, labels, annotations: enough to be found,
    /// selected and suppressed). The analyzers declare the kinds they read, so the objects
    /// nobody reads (a CRD's schema, a ConfigMap's data) do not stay in memory.
    Kinds(HashSet<&'static str>),
}

/// The top-level fields a resource of a kind no analyzer reads keeps.
const IDENTITY_FIELDS: &[&str] = &["apiVersion", "kind", "metadata"];

impl Keep {
    /// The top-level fields a resource of kind `key` keeps: `None` for all of them.
    fn fields(&self, key: &str) -> Option<&'static [&'static str]> {
        match self {
            Keep::Kinds(kinds) if !kinds.contains(key) => Some(IDENTITY_FIELDS),
            _ => None,
        }
    }
}

/// Loads every input into `store`; returns what went wrong along the way.
pub fn load_inputs(inputs: &[PathBuf], opts: &LoadOptions, store: &mut StoreBuilder) -> LoadReport {
    load_inputs_keeping(inputs, opts, &Keep::All, store)
}

/// [`load_inputs`], keeping whole objects only as `keep` says.
pub fn load_inputs_keeping(
    inputs: &[PathBuf],
    opts: &LoadOptions,
    keep: &Keep,
    store: &mut StoreBuilder,
) -> LoadReport {
    let mut report = LoadReport::default();
    for path in collect_files(inputs, opts, &mut report) {
        let name = path.display().to_string();
        match istio_core::inputs::read(&path) {
            Ok(bytes) => {
                let again = (path.as_os_str() != "-").then(|| path.clone());
                load_text(name, again, bytes, opts, keep, store, &mut report);
            }
            Err(e) => report.errors.push(LoadError {
                file: name,
                line: None,
                at: None,
                message: format!("cannot read file: {e}"),
            }),
        }
    }
    report
}

/// Loads the documents of one file's bytes. Bytes that are not UTF-8 spoil only the documents
/// that hold them: they are read as `?` (so that offsets stay those of the file), and each such
/// document is reported instead of analyzed.
pub fn load_bytes(
    name: String,
    bytes: Vec<u8>,
    opts: &LoadOptions,
    keep: &Keep,
    store: &mut StoreBuilder,
    report: &mut LoadReport,
) {
    load_text(name, None, bytes, opts, keep, store, report);
}

/// [`load_bytes`] of a file that can be read again from `path`: its text is released once its
/// documents are loaded, unless one of them had an error (whose code frame needs the text).
fn load_text(
    name: String,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
    opts: &LoadOptions,
    keep: &Keep,
    store: &mut StoreBuilder,
    report: &mut LoadReport,
) {
    let (text, original) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut text = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
            }
            (text, Some(bytes))
        }
    };
    let source = Arc::new(Source::new(name, Arc::from(text), path));
    let errors = report.errors.len();
    load_documents(&source, original.as_deref(), opts, keep, store, report);
    if report.errors.len() == errors {
        source.release();
    }
}

/// Loads the documents of one source.
pub fn load_source(
    source: &Arc<Source>,
    opts: &LoadOptions,
    store: &mut StoreBuilder,
    report: &mut LoadReport,
) {
    load_documents(source, None, opts, &Keep::All, store, report);
}

/// What one document of a file yields, decided without the store (so documents can be parsed
/// in parallel) and then added to it in file order.
enum Parsed {
    /// An empty document.
    Nothing,
    /// A document that cannot be used: its line, the byte offset of the problem, and what is
    /// wrong.
    Problem(u32, usize, String),
    /// A resource, with the line it starts on.
    One(Document, u32),
    /// The items of a `List`, each with its line.
    Items(Vec<(Document, u32)>),
}

/// Below this many bytes a file's documents are parsed on the calling thread: starting
/// threads would cost more than they save.
const PARALLEL_MIN_BYTES: usize = 256 << 10;

/// Loads the documents of `source`; `original` holds the file's bytes when they were not all
/// UTF-8, to tell which documents are spoilt. Large files are parsed on every core; the
/// resources and errors come out in file order either way.
fn load_documents(
    source: &Arc<Source>,
    original: Option<&[u8]>,
    opts: &LoadOptions,
    keep: &Keep,
    store: &mut StoreBuilder,
    report: &mut LoadReport,
) {
    let text = source.text();
    let text: &str = &text;
    let chunks = split_documents(text);
    let parse = |chunk: &DocumentChunk| read_document(text, chunk, original, keep);
    let workers = if text.len() < PARALLEL_MIN_BYTES {
        1
    } else {
        super::cores()
    };
    let parsed: Vec<Parsed> = if workers <= 1 || chunks.len() < 2 {
        chunks.iter().map(parse).collect()
    } else {
        let per_worker = chunks.len().div_ceil(workers);
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .chunks(per_worker)
                .map(|group| scope.spawn(move || group.iter().map(parse).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let error = |line: u32, offset: usize, message: String| LoadError {
        file: source.name.clone(),
        line: Some(line),
        at: Some((offset, source.clone())),
        message,
    };
    let origin = |line: u32| Origin::File {
        source: source.clone(),
        line,
    };
    for (chunk, parsed) in chunks.iter().zip(parsed) {
        let (one, items) = match parsed {
            Parsed::Nothing => continue,
            Parsed::Problem(line, at, message) => {
                report.errors.push(error(line, at, message));
                continue;
            }
            Parsed::One(doc, line) => (Some((doc, line)), Vec::new()),
            Parsed::Items(items) => (None, items),
        };
        for (doc, line) in one.into_iter().chain(items) {
            if let Err(message) = add_resource(doc, origin(line), opts, store) {
                // The file's line index is built on the first such error, and shared by the
                // others and by their code frames.
                let at = source
                    .indexed()
                    .lines()
                    .line_start(line)
                    .unwrap_or(chunk.range.start);
                report.errors.push(error(line, at, message));
            }
        }
    }
}

/// Parses one document of `text` (see [`load_documents`]) and prunes it as `keep` says.
fn read_document(
    text: &str,
    chunk: &DocumentChunk,
    original: Option<&[u8]>,
    keep: &Keep,
) -> Parsed {
    let body = &text[chunk.range.clone()];
    if let Some(bad) = original
        .and_then(|bytes| bytes.get(chunk.range.clone()))
        .and_then(|doc| std::str::from_utf8(doc).err())
    {
        let offset = chunk.range.start + bad.valid_up_to();
        // Lines counted as everywhere else (a lone `\r` breaks one), over this document only.
        let line = chunk.first_line - 1
            + LineIndex::new(&text[chunk.range.start..offset]).line_of(usize::MAX);
        let byte = original.and_then(|b| b.get(offset)).copied().unwrap_or(0);
        return Parsed::Problem(
            line,
            offset,
            format!("the document is not valid UTF-8 (byte 0x{byte:02X}); it is skipped"),
        );
    }
    if body.len() > MAX_DOCUMENT_BYTES {
        return Parsed::Problem(
            chunk.first_line,
            chunk.range.start,
            format!(
                "the document is {:.1} MiB, over the {} MiB limit (Kubernetes objects are at most about 1.5 MiB); it is skipped",
                body.len() as f64 / (1024.0 * 1024.0),
                MAX_DOCUMENT_BYTES >> 20
            ),
        );
    }
    let doc = match parse_tree(body, chunk.first_line, chunk.range.start) {
        Ok(doc) if doc.root().is_null() => return Parsed::Nothing,
        Ok(doc) => doc,
        Err(e) => return Parsed::Problem(e.line, e.offset, format!("invalid YAML: {e}")),
    };
    let first_content = body
        .lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(0);
    let doc_line = chunk.first_line + first_content as u32;
    let root = doc.root();
    let is_list = root
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && root.get("items").is_some_and(Node::is_array);
    if !is_list {
        return match kept_fields(keep, root) {
            Some(fields) => Parsed::One(Document::from_node_retaining(root, fields), doc_line),
            None => Parsed::One(doc, doc_line),
        };
    }
    let items = root.get("items").and_then(Node::as_array);
    Parsed::Items(
        items
            .into_iter()
            .flatten()
            .map(|item| {
                let line = Some(item.line()).filter(|&l| l > 0).unwrap_or(doc_line);
                let doc = match kept_fields(keep, item) {
                    Some(fields) => Document::from_node_retaining(item, fields),
                    None => Document::from_node(item),
                };
                (doc, line)
            })
            .collect(),
    )
}

/// The top-level fields `keep` leaves to the resource at `root`, by its apiVersion and kind
/// (`None`: all of them).
fn kept_fields(keep: &Keep, root: Node<'_>) -> Option<&'static [&'static str]> {
    if matches!(keep, Keep::All) {
        return None;
    }
    let api_version = root.get("apiVersion")?.as_str()?;
    let kind = root.get("kind")?.as_str()?;
    keep.fields(&kind_key(api_version, kind))
}

/// Checks an object's identity and adds it to the store.
pub fn add_resource(
    doc: Document,
    origin: Origin,
    opts: &LoadOptions,
    store: &mut StoreBuilder,
) -> Result<(), String> {
    let Some(map) = doc.root().as_object() else {
        return Err(format!(
            "the document is not an object (found {}); a Kubernetes resource is a mapping with apiVersion, kind and metadata",
            doc.root().type_name()
        ));
    };
    let kind = map.get("kind").and_then(Node::as_str).unwrap_or_default();
    if kind.is_empty() {
        return Err("the resource has no kind; add `kind:` (e.g. `kind: Deployment`)".to_owned());
    }
    let api_version = map
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default();
    if api_version.is_empty() {
        return Err(format!("the {kind} has no apiVersion; add `apiVersion:`"));
    }
    let meta = map.get("metadata").and_then(Node::as_object);
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or_default();
    if name.is_empty() {
        return Err(format!(
            "the {kind} has no metadata.name; add `metadata: {{name: …}}`"
        ));
    }
    let key = kind_key(api_version, kind);
    let namespace = if is_cluster_scoped(&key) {
        String::new()
    } else {
        meta.and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(&opts.default_namespace)
            .to_owned()
    };
    let name: Box<str> = name.into();
    store.add(Resource {
        kind_key: key.into(),
        namespace: namespace.into(),
        name,
        doc,
        origin,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unread_kinds_keep_only_their_identity() {
        let opts = LoadOptions {
            default_namespace: "default".to_owned(),
            recursive: false,
        };
        let keep = Keep::Kinds(["Service"].into_iter().collect());
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: b}}\ndata: {big: x}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: []}\n";
        let mut builder = StoreBuilder::default();
        let mut report = LoadReport::default();
        load_bytes(
            "t.yaml".into(),
            text.as_bytes().to_vec(),
            &opts,
            &keep,
            &mut builder,
            &mut report,
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let store = builder.build();
        let (_, cm) = store.iter().next().expect("config map");
        assert!(cm.root().get("data").is_none());
        assert_eq!(cm.label("a"), Some("b"));
        let (_, svc) = store.iter().nth(1).expect("service");
        assert!(svc.root().get("spec").is_some());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_reported_on_their_line() {
        let opts = LoadOptions {
            default_namespace: "default".to_owned(),
            recursive: false,
        };
        // A lone CR breaks a line, as the parser and the line index count lines.
        let bytes =
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: x\rdata: \xE9\n"
                .to_vec();
        let mut builder = StoreBuilder::default();
        let mut report = LoadReport::default();
        load_bytes(
            "u.yaml".into(),
            bytes,
            &opts,
            &Keep::All,
            &mut builder,
            &mut report,
        );
        let found: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.line, &*e.message))
            .collect();
        assert_eq!(
            found,
            [(
                Some(6),
                "the document is not valid UTF-8 (byte 0xE9); it is skipped"
            )]
        );
        assert_eq!(builder.build().iter().count(), 1);
    }

    #[test]
    fn a_large_file_loads_in_file_order_with_its_errors_in_place() {
        let opts = LoadOptions {
            default_namespace: "default".to_owned(),
            recursive: false,
        };
        // Over PARALLEL_MIN_BYTES, with a broken document every 100 and a List in between.
        let mut text = String::new();
        let mut expected_errors = Vec::new();
        let mut expected_names = Vec::new();
        let mut line = 1;
        for i in 0..3000 {
            if i > 0 {
                text.push_str("---\n");
                line += 1;
            }
            if i % 100 == 7 {
                expected_errors.push(line);
                text.push_str("kind: [unclosed\n");
                line += 1;
            } else if i % 500 == 9 {
                text.push_str(&format!(
                    "apiVersion: v1\nkind: List\nitems:\n- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: a{i}}}}}\n- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: b{i}}}}}\n"
                ));
                expected_names.extend([format!("a{i}"), format!("b{i}")]);
                line += 5;
            } else {
                let pad = "x".repeat(80);
                text.push_str(&format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  pad: {pad}\n"
                ));
                expected_names.push(format!("c{i}"));
                line += 6;
            }
        }
        assert!(text.len() > PARALLEL_MIN_BYTES);
        let mut builder = StoreBuilder::default();
        let mut report = LoadReport::default();
        load_bytes(
            "big.yaml".into(),
            text.into_bytes(),
            &opts,
            &Keep::All,
            &mut builder,
            &mut report,
        );
        let lines: Vec<u32> = report.errors.iter().filter_map(|e| e.line).collect();
        assert_eq!(lines, expected_errors);
        let store = builder.build();
        let names: Vec<&str> = store.iter().map(|(_, r)| &*r.name).collect();
        assert_eq!(names, expected_names);
    }
}
