//! Injecting a YAML stream, as `istioctl kube-inject` does: each document in turn, workloads
//! (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob,
//! DeploymentConfig, and those inside a `List`) get their pod template injected; any other
//! document is written back unchanged, in its place.

use serde_json::{Map, Value as Json};

use crate::config::Policy;
use crate::inject::{
    inject_pod, injection_required, pod_mesh, Owner, PodError, Prepared, Settings,
};
use crate::kube::{self, Kind};
use crate::yaml;

/// Namespaces whose pods are never injected.
const IGNORED_NAMESPACES: &[&str] = &["kube-system", "kube-public"];

/// A document that could not be injected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DocError {
    /// 1-based index of the document in the stream.
    pub document: usize,
    /// 1-based line of the stream where the problem is (the document's first line when the
    /// problem is not tied to a line).
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
    /// The workload, `Kind namespace/name`, when known.
    pub workload: Option<String>,
    /// What went wrong.
    pub message: String,
}

/// The result of injecting a stream: the text to print and warnings for skipped workloads.
#[derive(Debug, Clone, Default)]
pub struct Injected {
    /// The injected YAML stream.
    pub output: String,
    /// A line per workload left alone, as istioctl prints them on stderr.
    pub warnings: Vec<String>,
}

/// Injects every workload of a YAML stream. Documents are injected on every core, and the
/// output keeps their order; on failure the first failing document is reported and nothing
/// is returned.
pub fn inject_stream(settings: &Settings, text: &str) -> Result<Injected, DocError> {
    let chunks = yaml::split(text);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
        .min(chunks.len() / 16 + 1);
    let results: Vec<Result<(String, Vec<String>), DocError>> = if threads <= 1 {
        let prepared = Prepared::new(settings);
        chunks
            .iter()
            .enumerate()
            .map(|(i, c)| inject_document(settings, &prepared, i + 1, c))
            .collect()
    } else {
        // Contiguous slices per thread, so each converts the settings for templates once.
        let per = chunks.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .chunks(per)
                .enumerate()
                .map(|(t, slice)| {
                    scope.spawn(move || {
                        let prepared = Prepared::new(settings);
                        slice
                            .iter()
                            .enumerate()
                            .map(|(i, c)| inject_document(settings, &prepared, t * per + i + 1, c))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| match h.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    };
    let mut out = Injected::default();
    for r in results {
        let (text, warnings) = r?;
        out.output.push_str(&text);
        out.warnings.extend(warnings);
    }
    Ok(out)
}

/// Injects one document: its output text (with the `---` that follows it) and its warnings.
fn inject_document(
    settings: &Settings,
    prepared: &Prepared,
    doc_no: usize,
    chunk: &yaml::Chunk<'_>,
) -> Result<(String, Vec<String>), DocError> {
    let mut out = String::new();
    let mut warnings = Vec::new();
    let warnings_ref = &mut warnings;
    let fail = |line: u32, column: u32, workload: Option<String>, message: String| DocError {
        document: doc_no,
        line,
        column,
        workload,
        message,
    };
    let value = yaml::parse(chunk.text).map_err(|e| {
        fail(
            chunk.first_line + e.line.saturating_sub(1),
            e.column,
            None,
            format!("document {doc_no} is not valid YAML: {}", e.message),
        )
    })?;
    let Json::Object(map) = &value else {
        return Err(fail(
            chunk.first_line,
            0,
            None,
            format!(
                "document {doc_no} is not a Kubernetes object (a mapping with apiVersion and kind)"
            ),
        ));
    };
    let api_version = map
        .get("apiVersion")
        .and_then(Json::as_str)
        .unwrap_or_default();
    let kind = map.get("kind").and_then(Json::as_str).unwrap_or_default();
    if kind.is_empty() || api_version.is_empty() {
        let missing = if kind.is_empty() {
            "kind"
        } else {
            "apiVersion"
        };
        return Err(fail(
            chunk.first_line,
            0,
            None,
            format!("document {doc_no} has no {missing}; every document must be a Kubernetes object with apiVersion and kind"),
        ));
    }
    let doc_line = |path: &str| chunk.first_line + line_of(chunk.text, path).unwrap_or(0);
    let is_list = kind == "List" && api_version == "v1";
    let workload = Kind::of(api_version, kind);
    if is_list {
        let mut list = value;
        if let Some(Json::Array(items)) = list.get_mut("items") {
            for (n, item) in items.iter_mut().enumerate() {
                let (a, k) = (
                    item.get("apiVersion")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    item.get("kind")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                );
                if let Some(kind) = Kind::of(&a, &k) {
                    inject_object(settings, prepared, kind, item, warnings_ref).map_err(
                        |(w, m)| {
                            fail(
                                doc_line("items"),
                                0,
                                w,
                                format!("document {doc_no}, item {}: {m}", n + 1),
                            )
                        },
                    )?;
                }
            }
        }
        kube::normalize_list(&mut list);
        out.push_str(&yaml::to_string(&list));
    } else if let Some(k) = workload {
        let mut obj = value;
        inject_object(settings, prepared, k, &mut obj, warnings_ref).map_err(|(w, m)| {
            fail(
                doc_line("template"),
                0,
                w,
                format!("document {doc_no}: {m}"),
            )
        })?;
        out.push_str(&yaml::to_string(&obj));
    } else {
        out.push_str(chunk.text);
        if !chunk.text.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("---\n");
    Ok((out, warnings))
}

/// The first line (0-based, within the document) mentioning `key:`, to point errors at the
/// pod template.
fn line_of(text: &str, key: &str) -> Option<u32> {
    let needle = format!("{key}:");
    text.lines()
        .position(|l| l.trim_start().starts_with(&needle))
        .map(|i| i as u32)
}

/// The workload a bare pod belongs to, from its controller reference (istiod's
/// `GetDeployMetaFromPod`).
fn pod_owner(pod: &Json) -> Owner {
    let meta = pod.get("metadata").cloned().unwrap_or(Json::Null);
    let s = |v: &Json, k: &str| {
        v.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut owner = Owner {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: s(&meta, "name"),
        namespace: s(&meta, "namespace"),
    };
    if !s(&meta, "generateName").is_empty() {
        let controller = meta
            .get("ownerReferences")
            .and_then(Json::as_array)
            .and_then(|refs| {
                refs.iter()
                    .find(|r| r.get("controller").and_then(Json::as_bool) == Some(true))
            });
        if let Some(r) = controller {
            owner.api_version = s(r, "apiVersion");
            owner.kind = s(r, "kind");
            owner.name = s(r, "name");
            let labels = meta.get("labels").cloned().unwrap_or(Json::Null);
            let hash = s(&labels, "pod-template-hash");
            if owner.kind == "ReplicaSet" && !hash.is_empty() && owner.name.ends_with(&hash) {
                owner.name = owner
                    .name
                    .trim_end_matches(&hash)
                    .trim_end_matches('-')
                    .to_string();
                owner.kind = "Deployment".into();
            } else if owner.kind == "ReplicationController"
                && !s(&labels, "deploymentconfig").is_empty()
            {
                owner.name = s(&labels, "deploymentconfig");
                owner.kind = "DeploymentConfig".into();
            } else if owner.kind == "Job" {
                if let Some((base, stamp)) = owner.name.rsplit_once('-') {
                    if (8..=11).contains(&stamp.len()) && stamp.bytes().all(|b| b.is_ascii_digit())
                    {
                        owner.name = base.to_string();
                        owner.kind = "CronJob".into();
                        owner.api_version = "batch/v1".into();
                    }
                }
            }
        }
    }
    if owner.name.is_empty() {
        owner.name = s(&meta, "name");
    }
    owner
}

/// Injects one workload object in place. Errors carry the workload's name when known.
fn inject_object(
    settings: &Settings,
    prepared: &Prepared,
    kind: Kind,
    obj: &mut Json,
    warnings: &mut Vec<String>,
) -> Result<(), (Option<String>, String)> {
    let s = |v: &Json, k: &str| {
        v.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let meta = obj.get("metadata").cloned().unwrap_or(Json::Null);
    let (meta_path, spec_path) = kind.pod_paths();
    let spec = match kube::at(obj, spec_path) {
        Some(t @ Json::Object(_)) => t.clone(),
        _ => {
            return Err((
                Some(format!("{:?} {}", kind, s(&meta, "name"))),
                format!(
                    "{kind:?} {:?} has no {}; a workload needs a pod template",
                    s(&meta, "name"),
                    spec_path.join(".")
                ),
            ))
        }
    };
    let pod_metadata = kube::at(obj, meta_path)
        .cloned()
        .unwrap_or(Json::Object(Map::new()));
    let pod = Json::Object(
        [
            ("metadata".to_string(), pod_metadata),
            ("spec".to_string(), spec),
        ]
        .into_iter()
        .collect(),
    );
    let owner = if kind == Kind::Pod {
        pod_owner(&pod)
    } else {
        Owner {
            api_version: s(obj, "apiVersion"),
            kind: s(obj, "kind"),
            name: s(&meta, "name"),
            namespace: s(&meta, "namespace"),
        }
    };
    let pod_meta = pod.get("metadata").cloned().unwrap_or(Json::Null);
    let name = match s(&pod_meta, "name") {
        n if n.is_empty() => owner.name.clone(),
        n => n,
    };
    let namespace = match s(&pod_meta, "namespace") {
        n if n.is_empty() => owner.namespace.clone(),
        n => n,
    };
    let full_name = if owner.namespace.is_empty() {
        name.clone()
    } else {
        format!("{}/{name}", owner.namespace)
    };
    let kind_name = s(obj, "kind");
    let label = format!("{kind_name} {full_name:?}");
    let finish = |obj: &mut Json| kube::normalize_object(kind, obj);
    if kube::at(&pod, &["spec", "hostNetwork"]).and_then(Json::as_bool) == Some(true) {
        warnings.push(format!(
            "===> Skipping injection because {label} has host networking enabled"
        ));
        finish(obj);
        return Ok(());
    }
    let mesh = pod_mesh(&settings.mesh, &pod).map_err(|e| (Some(label.clone()), e.to_string()))?;
    if !injection_required(
        IGNORED_NAMESPACES,
        Policy::Enabled,
        &[],
        &[],
        &pod,
        &namespace,
    ) {
        warnings.push(format!(
            "===> Skipping injection because {label} has sidecar injection disabled"
        ));
        finish(obj);
        return Ok(());
    }
    let injected = inject_pod(settings, prepared, mesh.as_ref(), &pod, &owner)
        .map_err(|e: PodError| (Some(label.clone()), format!("{label}: {e}")))?;
    for (path, key) in [(meta_path, "metadata"), (spec_path, "spec")] {
        if let (Some(slot), Some(v)) = (kube::at_mut(obj, path), injected.get(key)) {
            *slot = v.clone();
        } else if let (Some((last, parent)), Some(v)) = (path.split_last(), injected.get(key)) {
            if let Some(Json::Object(p)) = kube::at_mut(obj, parent) {
                p.insert((*last).to_string(), v.clone());
            }
        }
    }
    finish(obj);
    Ok(())
}
