//! Validating an Istio resource against its schema in one pass over the value.

use std::fmt;

use istio_core::tree::{Map, Node};

use super::kinds::{self, KindInfo};
use super::schema::{Format, Schema, Type};

/// How serious a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The resource breaks the API.
    Error,
    /// Deprecated or discouraged usage.
    Warning,
}

/// One problem found in a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field path, e.g. `spec.http[0].route[1].weight`; `""` for the resource itself.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// Error or warning.
    pub level: Level,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// An apiVersion of a known Istio group that does not serve the resource's kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} is not served in {api_version}; use one of: {}", served_versions(.group, .served))]
pub struct UnknownVersion {
    /// The kind of the resource.
    pub kind: String,
    /// The apiVersion as written.
    pub api_version: String,
    /// The kind's API group.
    pub group: &'static str,
    /// The versions the group serves for this kind.
    pub served: Vec<&'static str>,
}

fn served_versions(group: &str, served: &[&str]) -> String {
    served
        .iter()
        .map(|v| format!("{group}/{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Validates `value`, one resource, when it is an Istio resource (its apiVersion names one of
/// Istio's API groups); any other resource yields no violations. Checks unknown fields, types,
/// enums, required fields, bounds, patterns, oneofs, the CRDs' CEL rules, and durations, ports,
/// regexes and hosts; deprecated fields are warnings. An apiVersion of an Istio group that does
/// not serve the kind is an [`UnknownVersion`] error naming the served versions.
pub fn validate(value: Node<'_>) -> Result<Vec<Violation>, UnknownVersion> {
    let api_version = value.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    if !kinds::GROUPS.contains(&group) {
        return Ok(Vec::new());
    }
    let mut w = Walker::default();
    let Some(kind) = value.get("kind").and_then(Node::as_str) else {
        w.error_at(
            "kind",
            "the resource has no kind; add e.g. `kind: VirtualService`",
        );
        return Ok(w.out);
    };
    let Some(info) = kinds::find(group, kind) else {
        let known: Vec<&str> = kinds::KINDS
            .iter()
            .filter(|k| k.group == group)
            .map(|k| k.kind)
            .collect();
        w.error_at(
            "kind",
            &format!(
                "{group} has no kind {kind:?}{}; its kinds are: {}",
                did_you_mean(kind, known.iter().copied()),
                known.join(", ")
            ),
        );
        return Ok(w.out);
    };
    if !info.versions.iter().any(|v| v.name == version && v.served) {
        return Err(UnknownVersion {
            kind: kind.to_owned(),
            api_version: api_version.to_owned(),
            group: info.group,
            served: info
                .versions
                .iter()
                .filter(|v| v.served)
                .map(|v| v.name)
                .collect(),
        });
    }
    w.resource(info, value);
    Ok(w.out)
}

/// One step of the path to the current value.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Default)]
struct Walker<'a> {
    path: Vec<Seg<'a>>,
    out: Vec<Violation>,
}

/// A short rendering of a scalar for messages (`"abc"`, `12`, `true`), or its type for others.
fn shown(value: Node<'_>) -> String {
    match value.as_str() {
        Some(s) if s.chars().count() > 60 => {
            let head: String = s.chars().take(57).collect();
            format!("{head:?}…")
        }
        _ if value.is_object() => "an object".to_owned(),
        _ if value.is_array() => "a list".to_owned(),
        _ => value.to_string(),
    }
}

fn type_of(value: Node<'_>) -> &'static str {
    if value.is_f64() {
        "a number"
    } else if value.is_number() {
        "an integer"
    } else if value.is_object() {
        "an object"
    } else {
        value.type_name()
    }
}

/// ` (did you mean "x"?)` when one of `candidates` is close to `word`.
fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    istio_core::suggest::closest(word, candidates)
        .map(|c| format!(" ({})", istio_core::suggest::did_you_mean(c)))
        .unwrap_or_default()
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Walker<'a> {
    fn render_path(&self, extra: Option<&str>) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
            }
        }
        if let Some(extra) = extra {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(extra);
        }
        s
    }

    fn push(&mut self, level: Level, extra: Option<&str>, message: String) {
        let path = self.render_path(extra);
        self.out.push(Violation {
            path,
            message,
            level,
        });
    }

    fn error(&mut self, message: String) {
        self.push(Level::Error, None, message);
    }

    fn error_at(&mut self, field: &str, message: &str) {
        self.push(Level::Error, Some(field), message.to_owned());
    }

    /// The whole resource: apiVersion/kind (already checked), metadata, spec and status.
    fn resource(&mut self, info: &KindInfo, value: Node<'a>) {
        let Some(map) = value.as_object() else {
            self.error("a resource must be a mapping".to_owned());
            return;
        };
        for (key, field) in map {
            match key {
                "apiVersion" | "kind" => {}
                "metadata" => self.metadata(field),
                "spec" => {
                    self.path.push(Seg::Key("spec"));
                    self.walk(info.spec_schema(), field);
                    self.path.pop();
                }
                "status" => {
                    self.path.push(Seg::Key("status"));
                    self.walk(kinds::status_schema(), field);
                    self.path.pop();
                }
                other => self.push(
                    Level::Error,
                    Some(other),
                    format!(
                        "unknown field {other:?}; a resource has only apiVersion, kind, metadata, spec and status{}",
                        did_you_mean(other, ["metadata", "spec", "status"].into_iter())
                    ),
                ),
            }
        }
        if !map.contains_key("metadata") {
            self.error_at("metadata", "missing metadata; add `metadata: {name: ...}`");
        }
        if info.spec_required && map.get("spec").is_none_or(Node::is_null) {
            self.error_at(
                "spec",
                &format!(
                    "missing required field \"spec\"; a {} needs a spec",
                    info.kind
                ),
            );
        }
    }

    fn metadata(&mut self, value: Node<'a>) {
        let Some(meta) = value.as_object() else {
            self.error_at(
                "metadata",
                &format!("metadata must be an object, not {}", type_of(value)),
            );
            return;
        };
        let name = meta.get("name").and_then(Node::as_str);
        let generate = meta.get("generateName").and_then(Node::as_str);
        match (name, generate) {
            (Some(name), _) if !name.is_empty() => {
                if !is_dns_subdomain(name) {
                    self.error_at(
                        "metadata.name",
                        &format!(
                            "{name:?} is not a valid name; use lower case letters, digits, '-' and '.', starting and ending with a letter or digit"
                        ),
                    );
                }
            }
            (_, Some(g)) if !g.is_empty() => {}
            _ => self.error_at(
                "metadata.name",
                "missing metadata.name; every resource needs a name",
            ),
        }
    }

    /// Validates `value` against `schema` at the current path.
    fn walk(&mut self, schema: &Schema, value: Node<'a>) {
        if value.is_null() {
            // Kubernetes drops null fields; protobuf reads them as unset.
            return;
        }
        if let Some(replacement) = &schema.deprecated {
            let hint = if replacement.is_empty() {
                "it may be removed in a future release; remove it".to_owned()
            } else {
                format!("use {replacement:?} instead")
            };
            self.push(Level::Warning, None, format!("deprecated field; {hint}"));
        }
        let integer = value.is_integer();
        match schema.ty {
            Type::Object if value.is_object() => {
                self.object(schema, value.as_object().unwrap_or(Map::empty()));
            }
            Type::Array if value.is_array() => {
                let items = value.as_array();
                let len = items.map_or(0, |a| a.len());
                if let Some(max) = schema.max_items {
                    if len as u64 > max {
                        self.error(format!("has {len} items; at most {max} are allowed"));
                    }
                }
                if let Some(min) = schema.min_items {
                    if (len as u64) < min {
                        self.error(format!("needs at least {min} items, has {len}"));
                    }
                }
                if let Some(item_schema) = &schema.items {
                    for (i, item) in items.into_iter().flatten().enumerate() {
                        self.path.push(Seg::Index(i));
                        if item.is_null()
                            && !item_schema.nullable
                            && !matches!(item_schema.ty, Type::Any)
                        {
                            // Kubernetes drops null fields, but not null list items.
                            self.error(format!(
                                "must be of type {}, not null; remove the empty item",
                                item_schema.ty.json_name()
                            ));
                        } else {
                            self.walk(item_schema, item);
                        }
                        self.path.pop();
                    }
                }
                if let Some(items) = items {
                    self.unique_items(schema, items);
                }
            }
            Type::String if value.is_string() => self.string(schema, value.as_str().unwrap_or("")),
            Type::Integer if integer => self.bounds(schema, value.as_f64().unwrap_or(0.0)),
            Type::Integer if value.is_number() => self.error(format!(
                "must be a whole number, not {value}; drop the fractional part"
            )),
            Type::Number if value.is_number() => self.bounds(schema, value.as_f64().unwrap_or(0.0)),
            Type::Boolean if value.is_boolean() => {}
            Type::Any => {}
            Type::IntOrString if integer || value.is_string() => {}
            ty => {
                let hint = match ty {
                    Type::Integer | Type::Number | Type::Boolean if value.is_string() => {
                        "; remove the quotes"
                    }
                    Type::String if value.is_number() || value.is_boolean() => "; quote the value",
                    Type::Array => "; write it as a list (`- item`)",
                    _ => "",
                };
                let shown_value = if value.is_object() || value.is_array() {
                    String::new()
                } else {
                    format!(" ({})", shown(value))
                };
                self.error(format!(
                    "must be {}, not {}{shown_value}{hint}",
                    ty.noun(),
                    type_of(value)
                ));
                return;
            }
        }
        for rule in &schema.rules {
            if let Some(check) = rule.check {
                if !check(value) {
                    let got = if value.is_string() || value.is_number() || value.is_boolean() {
                        format!(" (got {})", shown(value))
                    } else {
                        String::new()
                    };
                    self.error(format!("{}{got}", rule.message));
                }
            }
        }
    }

    /// `x-kubernetes-list-type: map`: no two items with equal keys; `set`: no two equal items
    /// (as the API server checks them, reporting each later duplicate).
    fn unique_items(&mut self, schema: &Schema, items: istio_core::tree::Seq<'a>) {
        let identity = |item: Node<'a>| -> Option<String> {
            match schema.list_type.as_deref() {
                Some("map") if !schema.list_map_keys.is_empty() => {
                    let map = item.as_object()?;
                    let keys: Vec<String> = schema
                        .list_map_keys
                        .iter()
                        .map(|k| {
                            let v = map
                                .get(k)
                                .map_or_else(|| "null".to_owned(), |v| v.to_json().to_string());
                            format!("{k:?}:{v}")
                        })
                        .collect();
                    Some(format!("{{{}}}", keys.join(",")))
                }
                Some("set") => Some(item.to_json().to_string()),
                _ => None,
            }
        };
        let mut seen: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(id) = identity(item) else { continue };
            if seen.contains(&id) {
                self.path.push(Seg::Index(i));
                let what = if schema.list_type.as_deref() == Some("map") {
                    format!(
                        "the items are keyed by {}, which must differ from item to item",
                        quoted(&schema.list_map_keys)
                    )
                } else {
                    "the items must all differ".to_owned()
                };
                self.error(format!("Duplicate value: {id}; {what}"));
                self.path.pop();
            } else {
                seen.push(id);
            }
        }
    }

    fn bounds(&mut self, schema: &Schema, n: f64) {
        if let Some(min) = schema.minimum {
            if n < min {
                self.error(format!("must be at least {min}, got {n}"));
            }
        }
        if let Some(max) = schema.maximum {
            if n > max {
                self.error(format!("must be at most {max}, got {n}"));
            }
        }
        if schema.format.as_deref() == Some("int32") && (n < i32::MIN as f64 || n > i32::MAX as f64)
        {
            self.error(format!("{n} does not fit in a 32-bit integer"));
        }
        if schema.check == Some(Format::Port) && !(1.0..=65535.0).contains(&n) {
            self.error(format!(
                "{n} is not a valid port; use a number from 1 to 65535"
            ));
        }
    }

    fn string(&mut self, schema: &Schema, s: &str) {
        if !schema.enum_values.is_empty() && !schema.enum_values.iter().any(|v| v == s) {
            self.error(format!(
                "{s:?} is not a valid value; use one of: {}{}",
                schema.enum_values.join(", "),
                did_you_mean(s, schema.enum_values.iter().map(String::as_str))
            ));
        }
        let len = || s.chars().count() as u64;
        if let Some(max) = schema.max_length {
            if len() > max {
                self.error(format!(
                    "is {} characters long; at most {max} are allowed",
                    len()
                ));
            }
        }
        if let Some(min) = schema.min_length {
            if len() < min {
                self.error(format!(
                    "must have at least {min} characters, has {}",
                    len()
                ));
            }
        }
        if let Some((pattern, re)) = &schema.pattern {
            if !re.is_match(s) {
                self.error(format!("{s:?} does not match the pattern {pattern}"));
            }
        }
        match schema.check {
            Some(Format::Regex) => {
                if let Err(err) = regex::Regex::new(s) {
                    let reason = err.to_string();
                    let reason = reason.lines().last().unwrap_or("").trim();
                    let reason = reason.strip_prefix("error: ").unwrap_or(reason);
                    self.error(format!(
                        "{s:?} is not a valid RE2 regular expression: {reason}"
                    ));
                }
            }
            Some(Format::Host) => {
                if let Err(why) = check_host(s) {
                    self.error(format!("{s:?} is not a valid host: {why}"));
                }
            }
            Some(Format::NamespaceSlashHost) if !s.contains('/') => {
                self.error(format!(
                    "{s:?} has no namespace; write `namespace/host`, e.g. `./{s}` for this namespace or `*/{s}` for any"
                ));
            }
            Some(Format::NamespacedHost | Format::NamespaceSlashHost) => {
                let (ns, host) = s.split_once('/').unwrap_or(("", s));
                if !ns.is_empty() && !matches!(ns, "*" | "." | "~") && !is_dns_label(ns) {
                    self.error(format!(
                        "{s:?} has an invalid namespace {ns:?}; write `namespace/host`, with `*`, `.` or `~` or a namespace name before the slash"
                    ));
                } else if let Err(why) = check_host(host) {
                    self.error(format!("{s:?} is not a valid host: {why}"));
                }
            }
            Some(Format::Port) | None => {}
        }
    }

    fn object(&mut self, schema: &Schema, map: Map<'a>) {
        if let Some(max) = schema.max_properties {
            if map.len() as u64 > max {
                self.error(format!(
                    "has {} entries; at most {max} are allowed",
                    map.len()
                ));
            }
        }
        if let Some(min) = schema.min_properties {
            if (map.len() as u64) < min {
                self.error(format!("needs at least {min} entries, has {}", map.len()));
            }
        }
        if let Some(values) = &schema.values {
            for (key, value) in map {
                self.path.push(Seg::Key(key));
                self.walk(values, value);
                self.path.pop();
            }
        } else {
            for (key, value) in map {
                match schema.property(key) {
                    Some(field) => {
                        self.path.push(Seg::Key(key));
                        self.walk(field, value);
                        self.path.pop();
                    }
                    None if schema.preserve_unknown => {}
                    None => {
                        let names = schema.properties.iter().map(|(n, _)| n.as_str());
                        let hint = did_you_mean(key, names.clone());
                        let hint = if hint.is_empty() {
                            format!(
                                "; known fields are: {}",
                                names.collect::<Vec<_>>().join(", ")
                            )
                        } else {
                            format!(
                                "; {}",
                                hint.trim_start()
                                    .trim_start_matches('(')
                                    .trim_end_matches(')')
                            )
                        };
                        self.push(
                            Level::Error,
                            Some(key),
                            format!("unknown field {key:?}{hint}"),
                        );
                    }
                }
            }
        }
        for field in &schema.required {
            if map.get(field).is_none_or(Node::is_null) {
                self.error(format!(
                    "missing required field {field:?}; add it to this object"
                ));
            }
        }
        for group in &schema.oneofs {
            let set: Vec<&str> = group
                .iter()
                .map(String::as_str)
                .filter(|f| map.get(f).is_some_and(|v| !v.is_null()))
                .collect();
            if let [first, second, ..] = set.as_slice() {
                self.push(
                    Level::Error,
                    Some(second),
                    format!(
                        "{second:?} conflicts with {first:?}: only one of {} may be set; keep one",
                        quoted(group)
                    ),
                );
            }
        }
    }
}

/// True for a DNS-1123 label: 1-63 lower case letters, digits or '-', starting and ending with
/// a letter or digit.
fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// True for a DNS-1123 subdomain (a Kubernetes object name).
fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// Checks a host: `*`, an IP address, or DNS labels (case-insensitive) where only the first may
/// be a `*` wildcard (`*.example.com`, `*example.com`).
fn check_host(host: &str) -> Result<(), String> {
    if host == "*" || host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    if host.is_empty() {
        return Err("the host is empty".to_owned());
    }
    if host.len() > 255 {
        return Err("a host has at most 255 characters".to_owned());
    }
    let rest = host
        .strip_prefix("*.")
        .or_else(|| host.strip_prefix('*'))
        .unwrap_or(host);
    let rest = rest.strip_suffix('.').unwrap_or(rest);
    for label in rest.split('.') {
        if label.contains('*') {
            return Err(
                "a wildcard `*` may only be the first label, as in `*.example.com`".to_owned(),
            );
        }
        let lower = label.to_ascii_lowercase();
        if !is_dns_label(&lower) {
            return Err(format!(
                "label {label:?} must be 1-63 letters, digits or '-', starting and ending with a letter or digit"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn non_istio_resources_pass_through() {
        let svc = json!({"apiVersion": "v1", "kind": "Service", "spec": {"anything": 1}});
        assert_eq!(
            validate(istio_core::tree::Document::from_json(&svc).root()),
            Ok(Vec::new())
        );
    }

    #[test]
    fn unknown_versions_name_the_served_ones() {
        let vs = json!({"apiVersion": "security.istio.io/v9", "kind": "PeerAuthentication"});
        let err = validate(istio_core::tree::Document::from_json(&vs).root())
            .expect_err("v9 is not served");
        assert_eq!(err.served, vec!["v1", "v1beta1"]);
        assert_eq!(
            err.to_string(),
            "PeerAuthentication is not served in security.istio.io/v9; use one of: security.istio.io/v1, security.istio.io/v1beta1"
        );
    }

    #[test]
    fn violations_carry_paths_levels_and_codes() {
        let vs = json!({
            "apiVersion": "networking.istio.io/v1",
            "kind": "VirtualService",
            "metadata": {"name": "r"},
            "spec": {
                "http": [{"route": [{"destination": {"host": "a"}}, {"weight": 1.5}], "mirrorPercent": 1}],
                "hostz": ["a"],
            },
        });
        let found = validate(istio_core::tree::Document::from_json(&vs).root()).expect("served");
        let rendered: Vec<String> = found
            .iter()
            .map(|v| format!("{:?} {}", v.level, v))
            .collect();
        assert_eq!(
            rendered,
            vec![
                "Error spec.http[0].route[1].weight: must be a whole number, not 1.5; drop the fractional part",
                "Error spec.http[0].route[1]: missing required field \"destination\"; add it to this object",
                "Warning spec.http[0].mirrorPercent: deprecated field; use \"mirrorPercentage\" instead",
                "Error spec.hostz: unknown field \"hostz\"; did you mean \"hosts\"?",
            ]
        );
    }

    #[test]
    fn hosts() {
        for ok in [
            "*",
            "reviews",
            "*.example.com",
            "a.b-c.d",
            "10.0.0.1",
            "::1",
            "Reviews.Default",
        ] {
            assert!(check_host(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a..b", "foo.*.com", "-a.com", "a_b.com"] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
    }
}
