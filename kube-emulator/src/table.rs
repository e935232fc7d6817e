//! Server-side printing: `meta.k8s.io/v1` Tables for clients that ask for them in `Accept`
//! (`kubectl get` without `-o`), with kubectl's usual columns for the common kinds.

use serde_json::{json, Value};

use crate::resources::ResourceInfo;

/// Whether the `Accept` header asks for a Table.
pub(crate) fn wanted(accept: &str) -> bool {
    accept.contains("as=Table")
}

/// How much of each object a row carries (`includeObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Include {
    None,
    Metadata,
    Object,
}

impl Include {
    /// From the `includeObject` parameter (default: Metadata).
    pub fn parse(param: Option<&str>) -> Self {
        match param {
            Some("None") => Self::None,
            Some("Object") => Self::Object,
            _ => Self::Metadata,
        }
    }
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp.
fn parse_time(text: &str) -> Option<i64> {
    crate::util::parse_rfc3339(text).map(|(secs, _)| secs)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// kubectl's short human duration (`5s`, `3m2s`, `4h`, `2d3h`, …).
fn human(seconds: i64) -> String {
    if seconds < 0 {
        return "0s".into();
    }
    let (minutes, hours) = (seconds / 60, seconds / 3_600);
    let with = |big: i64, unit: &str, small: i64, small_unit: &str| {
        if small == 0 {
            format!("{big}{unit}")
        } else {
            format!("{big}{unit}{small}{small_unit}")
        }
    };
    match () {
        _ if seconds < 120 => format!("{seconds}s"),
        _ if minutes < 10 => with(minutes, "m", seconds % 60, "s"),
        _ if minutes < 180 => format!("{minutes}m"),
        _ if hours < 8 => with(hours, "h", minutes % 60, "m"),
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 192 => with(hours / 24, "d", hours % 24, "h"),
        _ if hours < 24 * 365 * 2 => format!("{}d", hours / 24),
        _ => format!("{}y", hours / 24 / 365),
    }
}

fn age(obj: &Value) -> String {
    obj.pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(parse_time)
        .map_or_else(|| "<unknown>".into(), |t| human(now_secs() - t))
}

fn int(obj: &Value, pointer: &str) -> i64 {
    obj.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn text(obj: &Value, pointer: &str, default: &str) -> String {
    obj.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(default)
        .to_string()
}

fn count(obj: &Value, pointers: &[&str]) -> i64 {
    pointers
        .iter()
        .filter_map(|p| obj.pointer(p).and_then(Value::as_object))
        .map(|m| m.len() as i64)
        .sum()
}

type Cells = fn(&Value) -> Vec<Value>;

/// Column names (besides Name) and the function computing their cells.
fn layout(info: &ResourceInfo) -> (&'static [&'static str], Cells) {
    match (info.group.as_str(), info.plural.as_str()) {
        ("", "namespaces") => (&["Status", "Age"], |o| {
            vec![json!(text(o, "/status/phase", "Active")), json!(age(o))]
        }),
        ("", "pods") => (&["Ready", "Status", "Restarts", "Age"], |o| {
            let statuses = o
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array);
            let ready = statuses.map_or(0, |s| s.iter().filter(|c| c["ready"] == true).count());
            let total = o
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let restarts: i64 = statuses
                .into_iter()
                .flatten()
                .filter_map(|c| c["restartCount"].as_i64())
                .sum();
            vec![
                json!(format!("{ready}/{total}")),
                json!(text(o, "/status/phase", "Pending")),
                json!(restarts),
                json!(age(o)),
            ]
        }),
        ("apps", "deployments") => (&["Ready", "Up-to-date", "Available", "Age"], |o| {
            let wanted = o
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            vec![
                json!(format!("{}/{wanted}", int(o, "/status/readyReplicas"))),
                json!(int(o, "/status/updatedReplicas")),
                json!(int(o, "/status/availableReplicas")),
                json!(age(o)),
            ]
        }),
        ("", "services") => (
            &["Type", "Cluster-IP", "External-IP", "Port(s)", "Age"],
            |o| {
                let ports: Vec<String> = o
                    .pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
                    .collect();
                vec![
                    json!(text(o, "/spec/type", "ClusterIP")),
                    json!(text(o, "/spec/clusterIP", "<none>")),
                    json!("<none>"),
                    json!(if ports.is_empty() {
                        "<none>".into()
                    } else {
                        ports.join(",")
                    }),
                    json!(age(o)),
                ]
            },
        ),
        ("", "configmaps") => (&["Data", "Age"], |o| {
            vec![json!(count(o, &["/data", "/binaryData"])), json!(age(o))]
        }),
        ("", "secrets") => (&["Type", "Data", "Age"], |o| {
            vec![
                json!(text(o, "/type", "Opaque")),
                json!(count(o, &["/data", "/stringData"])),
                json!(age(o)),
            ]
        }),
        ("apiextensions.k8s.io", "customresourcedefinitions") => (&["Created At"], |o| {
            vec![json!(text(o, "/metadata/creationTimestamp", ""))]
        }),
        _ => (&["Age"], |o| vec![json!(age(o))]),
    }
}

fn row(obj: &Value, cells: Cells, include: Include) -> Value {
    let mut all = vec![obj.pointer("/metadata/name").cloned().unwrap_or(json!(""))];
    all.extend(cells(obj));
    let mut row = json!({ "cells": all });
    match include {
        Include::None => {}
        Include::Metadata => {
            row["object"] = json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj["metadata"],
            });
        }
        Include::Object => row["object"] = obj.clone(),
    }
    row
}

/// A Table of `objects` with list metadata `metadata`.
pub(crate) fn table<'a>(
    info: &ResourceInfo,
    objects: impl IntoIterator<Item = &'a Value>,
    metadata: Value,
    include: Include,
) -> Value {
    let (names, cells) = layout(info);
    let mut columns = vec![json!({
        "name": "Name", "type": "string", "format": "name", "priority": 0,
        "description": "Name must be unique within a namespace.",
    })];
    columns.extend(names.iter().map(|name| {
        json!({ "name": name, "type": "string", "format": "", "priority": 0, "description": "" })
    }));
    let rows: Vec<Value> = objects
        .into_iter()
        .map(|o| row(o, cells, include))
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": columns,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_kubectl() {
        for (secs, text) in [
            (5, "5s"),
            (119, "119s"),
            (125, "2m5s"),
            (600, "10m"),
            (3 * 3600 + 60, "3h1m"),
            (30 * 3600, "30h"),
            (50 * 3600, "2d2h"),
            (400 * 86_400, "400d"),
            (-3, "0s"),
        ] {
            assert_eq!(human(secs), text, "{secs}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_time("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(parse_time("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(parse_time("garbage"), None);
    }
}
