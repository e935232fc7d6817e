//! Server-side printing: `meta.k8s.io/v1` Tables for clients that ask for them in `Accept`
//! (`kubectl get` without `-o`), with kubectl's usual columns for the common kinds.

use serde_json::{json, Value};

use crate::resources::{PrinterColumn, ResourceInfo};

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

/// `k=v,k2=v2` in key order, as label selectors print.
fn pairs(map: &serde_json::Map<String, Value>) -> String {
    let mut entries: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    entries.sort();
    entries.join(",")
}

/// A workload's label selector as kubectl prints it.
fn selector(obj: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(labels) = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
    {
        parts.push(pairs(labels));
    }
    for e in obj
        .pointer("/spec/selector/matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = e["key"].as_str().unwrap_or_default();
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match e["operator"].as_str() {
            Some("In") => format!("{key} in ({})", values.join(",")),
            Some("NotIn") => format!("{key} notin ({})", values.join(",")),
            Some("Exists") => key.to_string(),
            _ => format!("!{key}"),
        });
    }
    let text = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(",");
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// The Containers and Images cells of a workload's template.
fn template_cells(obj: &Value) -> [Value; 2] {
    let containers = obj
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array);
    let field = |name: &str| {
        let items: Vec<&str> = containers
            .into_iter()
            .flatten()
            .filter_map(|c| c[name].as_str())
            .collect();
        json!(items.join(","))
    };
    [field("name"), field("image")]
}

fn count_list(obj: &Value, pointer: &str) -> usize {
    obj.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

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
        ("apps", "deployments") => (
            &[
                "Ready",
                "Up-to-date",
                "Available",
                "Age",
                "*Containers",
                "*Images",
                "*Selector",
            ],
            |o| {
                let wanted = o
                    .pointer("/spec/replicas")
                    .and_then(Value::as_i64)
                    .unwrap_or(1);
                let mut cells = vec![
                    json!(format!("{}/{wanted}", int(o, "/status/readyReplicas"))),
                    json!(int(o, "/status/updatedReplicas")),
                    json!(int(o, "/status/availableReplicas")),
                    json!(age(o)),
                ];
                cells.extend(template_cells(o));
                cells.push(json!(selector(o)));
                cells
            },
        ),
        ("apps", "daemonsets") => (
            &[
                "Desired",
                "Current",
                "Ready",
                "Up-to-date",
                "Available",
                "Node Selector",
                "Age",
                "*Containers",
                "*Images",
                "*Selector",
            ],
            |o| {
                let node_selector = o
                    .pointer("/spec/template/spec/nodeSelector")
                    .and_then(Value::as_object)
                    .map(pairs)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "<none>".into());
                let mut cells = vec![
                    json!(int(o, "/status/desiredNumberScheduled")),
                    json!(int(o, "/status/currentNumberScheduled")),
                    json!(int(o, "/status/numberReady")),
                    json!(int(o, "/status/updatedNumberScheduled")),
                    json!(int(o, "/status/numberAvailable")),
                    json!(node_selector),
                    json!(age(o)),
                ];
                cells.extend(template_cells(o));
                cells.push(json!(selector(o)));
                cells
            },
        ),
        ("apps", "statefulsets") => (&["Ready", "Age", "*Containers", "*Images"], |o| {
            let wanted = o
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let mut cells = vec![
                json!(format!("{}/{wanted}", int(o, "/status/readyReplicas"))),
                json!(age(o)),
            ];
            cells.extend(template_cells(o));
            cells
        }),
        ("apps", "replicasets") => (
            &[
                "Desired",
                "Current",
                "Ready",
                "Age",
                "*Containers",
                "*Images",
                "*Selector",
            ],
            |o| {
                let mut cells = vec![
                    json!(o
                        .pointer("/spec/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(1)),
                    json!(int(o, "/status/replicas")),
                    json!(int(o, "/status/readyReplicas")),
                    json!(age(o)),
                ];
                cells.extend(template_cells(o));
                cells.push(json!(selector(o)));
                cells
            },
        ),
        ("", "serviceaccounts") => (&["Secrets", "Age"], |o| {
            vec![json!(count_list(o, "/secrets")), json!(age(o))]
        }),
        ("", "endpoints") => (&["Endpoints", "Age"], |o| {
            let mut addresses = Vec::new();
            for subset in o
                .pointer("/subsets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for address in subset["addresses"].as_array().into_iter().flatten() {
                    for port in subset["ports"].as_array().into_iter().flatten() {
                        addresses.push(format!(
                            "{}:{}",
                            address["ip"].as_str().unwrap_or_default(),
                            port["port"]
                        ));
                    }
                }
            }
            let text = if addresses.is_empty() {
                "<none>".to_string()
            } else {
                addresses.join(",")
            };
            vec![json!(text), json!(age(o))]
        }),
        ("rbac.authorization.k8s.io", "roles" | "clusterroles") => (&["Created At"], |o| {
            vec![json!(text(o, "/metadata/creationTimestamp", ""))]
        }),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => (
            &["Role", "Age", "*Users", "*Groups", "*ServiceAccounts"],
            |o| {
                let role = format!(
                    "{}/{}",
                    text(o, "/roleRef/kind", ""),
                    text(o, "/roleRef/name", "")
                );
                let subjects = |kind: &str| {
                    let names: Vec<String> = o
                        .pointer("/subjects")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter(|s| s["kind"] == kind)
                        .map(|s| match (kind, s["namespace"].as_str()) {
                            ("ServiceAccount", Some(ns)) => {
                                format!("{ns}/{}", s["name"].as_str().unwrap_or_default())
                            }
                            _ => s["name"].as_str().unwrap_or_default().to_string(),
                        })
                        .collect();
                    json!(names.join(", "))
                };
                vec![
                    json!(role),
                    json!(age(o)),
                    subjects("User"),
                    subjects("Group"),
                    subjects("ServiceAccount"),
                ]
            },
        ),
        (
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations" | "validatingwebhookconfigurations",
        ) => (&["Webhooks", "Age"], |o| {
            vec![json!(count_list(o, "/webhooks")), json!(age(o))]
        }),
        ("autoscaling", "horizontalpodautoscalers") => (
            &[
                "Reference",
                "Targets",
                "MinPods",
                "MaxPods",
                "Replicas",
                "Age",
            ],
            |o| {
                let reference = format!(
                    "{}/{}",
                    text(o, "/spec/scaleTargetRef/kind", ""),
                    text(o, "/spec/scaleTargetRef/name", "")
                );
                let targets: Vec<String> = o
                    .pointer("/spec/metrics")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|m| {
                        let name = m.pointer("/resource/name")?.as_str()?;
                        let util = m.pointer("/resource/target/averageUtilization")?;
                        Some(format!("{name}: <unknown>/{util}%"))
                    })
                    .collect();
                vec![
                    json!(reference),
                    json!(if targets.is_empty() {
                        "<none>".to_string()
                    } else {
                        targets.join(", ")
                    }),
                    json!(o
                        .pointer("/spec/minReplicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(1)),
                    json!(int(o, "/spec/maxReplicas")),
                    json!(int(o, "/status/currentReplicas")),
                    json!(age(o)),
                ]
            },
        ),
        ("policy", "poddisruptionbudgets") => (
            &[
                "Min Available",
                "Max Unavailable",
                "Allowed Disruptions",
                "Age",
            ],
            |o| {
                let show = |p: &str| match o.pointer(p) {
                    Some(Value::String(s)) => json!(s),
                    Some(Value::Number(n)) => json!(n.to_string()),
                    _ => json!("N/A"),
                };
                vec![
                    show("/spec/minAvailable"),
                    show("/spec/maxUnavailable"),
                    json!(int(o, "/status/disruptionsAllowed")),
                    json!(age(o)),
                ]
            },
        ),
        ("", "services") => (
            &[
                "Type",
                "Cluster-IP",
                "External-IP",
                "Port(s)",
                "Age",
                "*Selector",
            ],
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
                    json!(o
                        .pointer("/spec/selector")
                        .and_then(Value::as_object)
                        .map(pairs)
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "<none>".into())),
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
/// The value at a simple JSONPath (`.spec.hosts`, `.status.conditions[0].type`), if any.
fn json_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.trim().trim_start_matches('{').trim_end_matches('}');
    let mut current = obj;
    for part in path
        .trim_start_matches('.')
        .split('.')
        .filter(|p| !p.is_empty())
    {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            current = current.get(key)?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let n: usize = index.trim_end_matches(']').parse().ok()?;
            current = current.get(n)?;
        }
    }
    Some(current)
}

/// A CRD column's cell, as the API server's CRD table convertor makes it: strings as printed
/// by JSONPath (lists and maps as JSON), dates as ages, numbers and booleans as they are.
fn custom_cell(column: &PrinterColumn, obj: &Value) -> Value {
    let Some(value) = json_path(obj, &column.json_path).filter(|v| !v.is_null()) else {
        return Value::Null;
    };
    match column.kind.as_str() {
        "string" => match value {
            Value::String(s) => json!(s),
            other => json!(other.to_string()),
        },
        "date" => match value.as_str().and_then(parse_time) {
            Some(t) => json!(human(now_secs() - t)),
            None => json!(format!("<invalid: {value}>")),
        },
        "integer" => value.as_i64().map_or(Value::Null, |i| json!(i)),
        "number" => value.as_f64().map_or(Value::Null, |f| json!(f)),
        "boolean" => value.as_bool().map_or(Value::Null, |b| json!(b)),
        _ => Value::Null,
    }
}

fn custom_table<'a>(
    info: &ResourceInfo,
    objects: impl IntoIterator<Item = &'a Value>,
    metadata: Value,
    include: Include,
) -> Value {
    let mut columns = vec![json!({
        "name": "Name", "type": "string", "format": "name", "priority": 0,
        "description": "Name must be unique within a namespace.",
    })];
    columns.extend(info.printer_columns.iter().map(|c| {
        json!({ "name": c.name, "type": c.kind, "format": c.format, "priority": c.priority, "description": c.description })
    }));
    let rows: Vec<Value> = objects
        .into_iter()
        .map(|o| {
            let mut cells = vec![o.pointer("/metadata/name").cloned().unwrap_or(json!(""))];
            cells.extend(info.printer_columns.iter().map(|c| custom_cell(c, o)));
            let mut row = json!({ "cells": cells });
            match include {
                Include::None => {}
                Include::Metadata => {
                    row["object"] = json!({
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": o["metadata"],
                    });
                }
                Include::Object => row["object"] = o.clone(),
            }
            row
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": columns,
        "rows": rows,
    })
}

pub(crate) fn table<'a>(
    info: &ResourceInfo,
    objects: impl IntoIterator<Item = &'a Value>,
    metadata: Value,
    include: Include,
) -> Value {
    if !info.printer_columns.is_empty() {
        return custom_table(info, objects, metadata, include);
    }
    let (names, cells) = layout(info);
    let mut columns = vec![json!({
        "name": "Name", "type": "string", "format": "name", "priority": 0,
        "description": "Name must be unique within a namespace.",
    })];
    // A leading `*` marks a column of `-o wide` only (priority 1).
    columns.extend(names.iter().map(|name| {
        let (name, priority) = match name.strip_prefix('*') {
            Some(wide) => (wide, 1),
            None => (*name, 0),
        };
        json!({ "name": name, "type": "string", "format": "", "priority": priority, "description": "" })
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
    fn crd_columns_follow_their_json_paths() {
        let column = |kind: &str, path: &str| PrinterColumn {
            name: "C".into(),
            kind: kind.into(),
            format: String::new(),
            description: String::new(),
            priority: 0,
            json_path: path.into(),
        };
        let obj = json!({ "spec": { "hosts": ["a", "b"], "n": 3, "gateways": "gw", "list": [{ "t": "x" }] } });
        assert_eq!(
            custom_cell(&column("string", ".spec.hosts"), &obj),
            json!("[\"a\",\"b\"]")
        );
        assert_eq!(
            custom_cell(&column("string", ".spec.gateways"), &obj),
            json!("gw")
        );
        assert_eq!(
            custom_cell(&column("string", ".spec.list[0].t"), &obj),
            json!("x")
        );
        assert_eq!(custom_cell(&column("integer", ".spec.n"), &obj), json!(3));
        assert_eq!(
            custom_cell(&column("string", ".spec.missing"), &obj),
            Value::Null
        );
    }

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
