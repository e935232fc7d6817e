//! Validation of built-in kinds as the API server's validation functions do it, for the rules
//! our objects can break: names, labels, replicas, selectors against template labels, containers
//! and ports, Service ports and types, ConfigMap/Secret keys, HPA bounds, webhooks, RBAC
//! references. Errors carry the API server's field paths and wording.

use serde_json::Value;

use crate::resources::ResourceInfo;

/// One field error, as `k8s.io/apimachinery/pkg/util/validation/field` renders it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// The dotted path, e.g. `spec.template.spec.containers[0].image`.
    pub field: String,
    /// The cause type: `FieldValueInvalid`, `FieldValueRequired`, …
    pub reason: &'static str,
    /// The error body: `Invalid value: -1: must be greater than or equal to 0`.
    pub body: String,
}

impl FieldError {
    /// `Invalid value: <value>: <detail>`.
    pub fn invalid(field: impl Into<String>, value: &Value, detail: &str) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueInvalid",
            body: format!("Invalid value: {}: {detail}", go_value(value)),
        }
    }

    /// `Required value` (with `: detail` when there is one).
    pub fn required(field: impl Into<String>, detail: &str) -> Self {
        let body = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        Self {
            field: field.into(),
            reason: "FieldValueRequired",
            body,
        }
    }

    /// `Unsupported value: "x": supported values: "a", "b"`.
    pub fn unsupported(field: impl Into<String>, value: &Value, supported: &[&str]) -> Self {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        Self {
            field: field.into(),
            reason: "FieldValueNotSupported",
            body: format!(
                "Unsupported value: {}: supported values: {}",
                go_value(value),
                list.join(", ")
            ),
        }
    }

    /// `Duplicate value: <value>`.
    pub fn duplicate(field: impl Into<String>, value: &Value) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueDuplicate",
            body: format!("Duplicate value: {}", go_value(value)),
        }
    }

    /// `Forbidden: <detail>`.
    pub fn forbidden(field: impl Into<String>, detail: &str) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueForbidden",
            body: format!("Forbidden: {detail}"),
        }
    }

    /// The whole error: `field: body`.
    pub fn message(&self) -> String {
        format!("{}: {}", self.field, self.body)
    }
}

/// A value as Go's `%#v`/`%q` print it in field errors: strings quoted, numbers bare, maps of
/// strings as `map[string]string{"k":"v"}`.
pub(crate) fn go_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Null => "null".into(),
        Value::Object(map) if map.values().all(Value::is_string) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| *k);
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", go_value(v)))
                .collect();
            format!("map[string]string{{{}}}", inner.join(", "))
        }
        other => other.to_string(),
    }
}

// ---- name and label syntax (k8s.io/apimachinery/pkg/util/validation) ------------------------

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A qualified name (`prefix/name` with a DNS subdomain prefix): the errors, if any.
fn qualified_name_errors(key: &str) -> Vec<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let mut errors = Vec::new();
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            errors.push("prefix part must be non-empty".to_string());
        } else if !is_dns1123_subdomain(prefix) {
            errors.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
        }
    }
    if name.is_empty() {
        errors.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errors.push("name part must be no more than 63 characters".to_string());
    } else if !is_name_part(name) {
        errors.push(QUALIFIED_NAME_MSG.to_string());
    }
    errors
}

fn is_label_value(v: &str) -> bool {
    v.is_empty() || is_name_part(v)
}

/// How a kind's `metadata.name` is checked.
#[derive(Clone, Copy)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
    /// Only: not `.`/`..`, no `/` or `%` (RBAC objects).
    PathSegment,
}

fn name_rule(info: &ResourceInfo) -> NameRule {
    match (info.group.as_str(), info.plural.as_str()) {
        ("", "namespaces") => NameRule::Label,
        ("", "services") => NameRule::Dns1035,
        ("rbac.authorization.k8s.io", _) => NameRule::PathSegment,
        _ => NameRule::Subdomain,
    }
}

fn check_name(info: &ResourceInfo, name: &str, errors: &mut Vec<FieldError>) {
    let value = Value::String(name.to_string());
    let detail = match name_rule(info) {
        NameRule::Subdomain if !is_dns1123_subdomain(name) => {
            if name.len() > 253 {
                "must be no more than 253 characters"
            } else {
                DNS1123_SUBDOMAIN_MSG
            }
        }
        NameRule::Label if !is_dns1123_label(name) => {
            if name.len() > 63 {
                "must be no more than 63 characters"
            } else {
                DNS1123_LABEL_MSG
            }
        }
        NameRule::Dns1035 if !is_dns1035_label(name) => {
            if name.len() > 63 {
                "must be no more than 63 characters"
            } else {
                DNS1035_LABEL_MSG
            }
        }
        NameRule::PathSegment if name == "." || name == ".." => "may not be '.' or '..'",
        NameRule::PathSegment if name.contains('/') => "may not contain '/'",
        NameRule::PathSegment if name.contains('%') => "may not contain '%'",
        _ => return,
    };
    errors.push(FieldError::invalid("metadata.name", &value, detail));
}

/// Label keys and values at `path` (e.g. `metadata.labels`).
fn check_labels(labels: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let Some(Value::Object(labels)) = labels else {
        return;
    };
    for (key, value) in labels {
        for e in qualified_name_errors(key) {
            errors.push(FieldError::invalid(path, &Value::String(key.clone()), &e));
        }
        let text = value.as_str().unwrap_or_default();
        if text.len() > 63 {
            errors.push(FieldError::invalid(
                path,
                value,
                "must be no more than 63 characters",
            ));
        } else if !is_label_value(text) {
            errors.push(FieldError::invalid(path, value, LABEL_VALUE_MSG));
        }
    }
}

fn check_annotations(annotations: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let Some(Value::Object(annotations)) = annotations else {
        return;
    };
    for key in annotations.keys() {
        for e in qualified_name_errors(&key.to_ascii_lowercase()) {
            errors.push(FieldError::invalid(path, &Value::String(key.clone()), &e));
        }
    }
}

fn check_object_meta(info: &ResourceInfo, obj: &Value, errors: &mut Vec<FieldError>) {
    if let Some(name) = obj.pointer("/metadata/name").and_then(Value::as_str) {
        check_name(info, name, errors);
    }
    check_labels(obj.pointer("/metadata/labels"), "metadata.labels", errors);
    check_annotations(
        obj.pointer("/metadata/annotations"),
        "metadata.annotations",
        errors,
    );
}

/// The object metadata checks alone (custom resources: name, labels, annotations).
pub(crate) fn validate_metadata(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_object_meta(info, obj, &mut errors);
    errors
}

// ---- kinds -----------------------------------------------------------------------------------

fn int_at(obj: &Value, pointer: &str) -> Option<i64> {
    obj.pointer(pointer).and_then(Value::as_i64)
}

fn non_negative(obj: &Value, pointer: &str, field: &str, errors: &mut Vec<FieldError>) {
    if let Some(v) = int_at(obj, pointer).filter(|v| *v < 0) {
        errors.push(FieldError::invalid(
            field,
            &Value::from(v),
            "must be greater than or equal to 0",
        ));
    }
}

fn port_range(value: &Value, field: &str, errors: &mut Vec<FieldError>) {
    if let Some(port) = value.as_i64() {
        if !(1..=65535).contains(&port) {
            errors.push(FieldError::invalid(
                field,
                value,
                "must be between 1 and 65535, inclusive",
            ));
        }
    }
}

/// An IANA service name, as port names must be.
fn port_name_errors(name: &str) -> Option<&'static str> {
    if name.len() > 15 {
        Some("must be no more than 15 characters")
    } else if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    } else if !name.bytes().any(|c| c.is_ascii_lowercase()) {
        Some("must contain at least one letter (a-z)")
    } else if name.contains("--") {
        Some("must not contain consecutive hyphens")
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("must not begin or end with a hyphen")
    } else {
        None
    }
}

fn check_protocol(port: &Value, field: String, errors: &mut Vec<FieldError>) {
    if let Some(p) = port.get("protocol").filter(|p| !p.is_null()) {
        if !matches!(p.as_str(), Some("TCP" | "UDP" | "SCTP")) {
            errors.push(FieldError::unsupported(field, p, &["SCTP", "TCP", "UDP"]));
        }
    }
}

/// The pod's volumes: names (required, DNS labels, unique) and exactly one source each.
/// Returns the valid names, which volume mounts may use.
fn check_volumes(spec: &Value, path: &str, errors: &mut Vec<FieldError>) -> Vec<String> {
    let sources: Vec<&str> = crate::schema::named("Volume")
        .map(|def| {
            def.fields
                .iter()
                .map(|f| f.json)
                .filter(|f| *f != "name")
                .collect()
        })
        .unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for (i, volume) in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("{path}.volumes[{i}]");
        match volume
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            None => errors.push(FieldError::required(format!("{at}.name"), "")),
            Some(name) if !is_dns1123_label(name) => errors.push(FieldError::invalid(
                format!("{at}.name"),
                &volume["name"],
                DNS1123_LABEL_MSG,
            )),
            Some(name) if names.iter().any(|n| n == name) => {
                errors.push(FieldError::duplicate(format!("{at}.name"), &volume["name"]))
            }
            Some(name) => names.push(name.to_string()),
        }
        let given: Vec<&str> = sources
            .iter()
            .copied()
            .filter(|s| volume.get(*s).is_some_and(|v| !v.is_null()))
            .collect();
        match given.as_slice() {
            [] => errors.push(FieldError::required(at, "must specify a volume type")),
            [_] => {}
            [_, more @ ..] => {
                for extra in more {
                    errors.push(FieldError::forbidden(
                        format!("{at}.{extra}"),
                        "may not specify more than 1 volume type",
                    ));
                }
            }
        }
    }
    names
}

/// A probe has exactly one handler.
fn check_probe(probe: &Value, at: &str, errors: &mut Vec<FieldError>) {
    let given: Vec<&str> = ["exec", "httpGet", "tcpSocket", "grpc"]
        .into_iter()
        .filter(|h| probe.get(*h).is_some_and(|v| !v.is_null()))
        .collect();
    match given.as_slice() {
        [] => errors.push(FieldError::required(at, "must specify a handler type")),
        [_] => {}
        [_, more @ ..] => {
            for extra in more {
                errors.push(FieldError::forbidden(
                    format!("{at}.{extra}"),
                    "may not specify more than 1 handler type",
                ));
            }
        }
    }
}

fn check_mounts(container: &Value, at: &str, volumes: &[String], errors: &mut Vec<FieldError>) {
    let mut paths: Vec<&str> = Vec::new();
    for (j, mount) in container
        .get("volumeMounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let mat = format!("{at}.volumeMounts[{j}]");
        match mount
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            None => errors.push(FieldError::required(format!("{mat}.name"), "")),
            Some(name) if !volumes.iter().any(|v| v == name) => errors.push(FieldError {
                field: format!("{mat}.name"),
                reason: "FieldValueNotFound",
                body: format!("Not found: {}", go_value(&mount["name"])),
            }),
            Some(_) => {}
        }
        match mount
            .get("mountPath")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
        {
            None => errors.push(FieldError::required(format!("{mat}.mountPath"), "")),
            Some(p) if paths.contains(&p) => errors.push(FieldError::invalid(
                format!("{mat}.mountPath"),
                &mount["mountPath"],
                "must be unique",
            )),
            Some(p) => paths.push(p),
        }
    }
}

fn check_containers(
    spec: &Value,
    path: &str,
    key: &str,
    volumes: &[String],
    errors: &mut Vec<FieldError>,
) {
    let Some(containers) = spec.get(key).and_then(Value::as_array) else {
        if key == "containers" {
            errors.push(FieldError::required(format!("{path}.containers"), ""));
        }
        return;
    };
    if key == "containers" && containers.is_empty() {
        errors.push(FieldError::required(format!("{path}.containers"), ""));
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let at = format!("{path}.{key}[{i}]");
        match c
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            None => errors.push(FieldError::required(format!("{at}.name"), "")),
            Some(name) => {
                if !is_dns1123_label(name) {
                    errors.push(FieldError::invalid(
                        format!("{at}.name"),
                        &c["name"],
                        DNS1123_LABEL_MSG,
                    ));
                }
                if names.contains(&name) {
                    errors.push(FieldError::duplicate(format!("{at}.name"), &c["name"]));
                }
                names.push(name);
            }
        }
        if c.get("image")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            errors.push(FieldError::required(format!("{at}.image"), ""));
        }
        check_resources(&c["resources"], &format!("{at}.resources"), errors);
        check_mounts(c, &at, volumes, errors);
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            if let Some(p) = c.get(probe).filter(|p| !p.is_null()) {
                check_probe(p, &format!("{at}.{probe}"), errors);
            }
        }
        for (j, port) in c
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let pat = format!("{at}.ports[{j}]");
            match port.get("containerPort") {
                None | Some(Value::Null) => {
                    errors.push(FieldError::required(format!("{pat}.containerPort"), ""))
                }
                Some(v) => port_range(v, &format!("{pat}.containerPort"), errors),
            }
            if let Some(host) = port.get("hostPort").filter(|v| v.as_i64() != Some(0)) {
                port_range(host, &format!("{pat}.hostPort"), errors);
            }
            if let Some(name) = port
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
            {
                if let Some(detail) = port_name_errors(name) {
                    errors.push(FieldError::invalid(
                        format!("{pat}.name"),
                        &port["name"],
                        detail,
                    ));
                }
            }
            check_protocol(port, format!("{pat}.protocol"), errors);
        }
    }
}

/// Requests and limits: not negative, requests at most the limits.
fn check_resources(resources: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let quantity = |v: &Value| match v {
        Value::String(s) => crate::quantity::parse(s).ok(),
        other => other.as_f64(),
    };
    let shown = |v: &Value| {
        Value::String(
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string()),
        )
    };
    for kind in ["limits", "requests"] {
        for (name, value) in resources[kind].as_object().into_iter().flatten() {
            if quantity(value).is_some_and(|q| q < 0.0) {
                errors.push(FieldError::invalid(
                    format!("{path}.{kind}[{name}]"),
                    &shown(value),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    for (name, request) in resources["requests"].as_object().into_iter().flatten() {
        let Some(limit) = resources["limits"].get(name) else {
            continue;
        };
        if let (Some(r), Some(l)) = (quantity(request), quantity(limit)) {
            if r > l {
                let limit_text = shown(limit);
                errors.push(FieldError::invalid(
                    format!("{path}.requests[{name}]"),
                    &shown(request),
                    &format!(
                        "must be less than or equal to {name} limit of {}",
                        limit_text.as_str().unwrap_or_default()
                    ),
                ));
            }
        }
    }
}

fn check_pod_spec(
    spec: &Value,
    path: &str,
    restart: Option<&[&str]>,
    errors: &mut Vec<FieldError>,
) {
    let volumes = check_volumes(spec, path, errors);
    check_containers(spec, path, "containers", &volumes, errors);
    check_containers(spec, path, "initContainers", &volumes, errors);
    if let (Some(allowed), Some(policy)) = (restart, spec.get("restartPolicy")) {
        if !policy.as_str().is_some_and(|p| allowed.contains(&p)) {
            errors.push(FieldError::unsupported(
                format!("{path}.restartPolicy"),
                policy,
                allowed,
            ));
        }
    }
    if let Some(dns) = spec.get("dnsPolicy") {
        const DNS: &[&str] = &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
        if !dns.as_str().is_some_and(|d| DNS.contains(&d)) {
            errors.push(FieldError::unsupported(
                format!("{path}.dnsPolicy"),
                dns,
                DNS,
            ));
        }
    }
}

/// Whether a label selector (`matchLabels` and `matchExpressions`) selects these labels.
fn selector_matches(selector: &Value, labels: &Value) -> bool {
    let label = |k: &str| labels.get(k).and_then(Value::as_str);
    let by_labels = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .all(|(k, v)| label(k) == v.as_str());
    let by_expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|e| {
            let key = e["key"].as_str().unwrap_or_default();
            let values: Vec<&str> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            match e["operator"].as_str() {
                Some("In") => label(key).is_some_and(|v| values.contains(&v)),
                Some("NotIn") => !label(key).is_some_and(|v| values.contains(&v)),
                Some("Exists") => label(key).is_some(),
                Some("DoesNotExist") => label(key).is_none(),
                _ => false,
            }
        });
    by_labels && by_expressions
}

fn selector_is_empty(selector: &Value) -> bool {
    let empty = |k: &str| match selector.get(k) {
        Some(Value::Object(m)) => m.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => true,
    };
    empty("matchLabels") && empty("matchExpressions")
}

/// A workload: replicas, selector, template labels and pod spec.
fn check_workload(obj: &Value, kind_word: &str, replicas: bool, errors: &mut Vec<FieldError>) {
    let spec = &obj["spec"];
    if replicas {
        non_negative(obj, "/spec/replicas", "spec.replicas", errors);
    }
    non_negative(obj, "/spec/minReadySeconds", "spec.minReadySeconds", errors);
    non_negative(
        obj,
        "/spec/revisionHistoryLimit",
        "spec.revisionHistoryLimit",
        errors,
    );
    match spec.get("selector").filter(|s| !s.is_null()) {
        None => errors.push(FieldError::required("spec.selector", "")),
        Some(selector) if selector_is_empty(selector) => errors.push(FieldError::invalid(
            "spec.selector",
            selector,
            &format!("empty selector is invalid for {kind_word}"),
        )),
        Some(selector) => {
            let labels = spec
                .pointer("/template/metadata/labels")
                .cloned()
                .unwrap_or(Value::Object(Default::default()));
            if !selector_matches(selector, &labels) {
                errors.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    &labels,
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    check_labels(
        spec.pointer("/template/metadata/labels"),
        "spec.template.metadata.labels",
        errors,
    );
    match spec.pointer("/template/spec") {
        Some(pod) => check_pod_spec(pod, "spec.template.spec", Some(&["Always"]), errors),
        None => errors.push(FieldError::required("spec.template.spec.containers", "")),
    }
}

fn check_service(obj: &Value, errors: &mut Vec<FieldError>) {
    const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    let spec = &obj["spec"];
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP");
    if let Some(t) = spec.get("type") {
        if !t.as_str().is_some_and(|t| TYPES.contains(&t)) {
            errors.push(FieldError::unsupported("spec.type", t, TYPES));
        }
    }
    let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
    let ports = spec.get("ports").and_then(Value::as_array);
    if kind != "ExternalName" && !headless && ports.is_none_or(Vec::is_empty) {
        errors.push(FieldError::required("spec.ports", ""));
    }
    if kind == "ExternalName"
        && spec
            .get("externalName")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        errors.push(FieldError::required("spec.externalName", ""));
    }
    let ports = ports.map(Vec::as_slice).unwrap_or_default();
    let mut names = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let at = format!("spec.ports[{i}]");
        match port
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            None if ports.len() > 1 => errors.push(FieldError::required(format!("{at}.name"), "")),
            None => {}
            Some(name) => {
                if !is_dns1123_label(name) {
                    errors.push(FieldError::invalid(
                        format!("{at}.name"),
                        &port["name"],
                        DNS1123_LABEL_MSG,
                    ));
                }
                if names.contains(&name) {
                    errors.push(FieldError::duplicate(format!("{at}.name"), &port["name"]));
                }
                names.push(name);
            }
        }
        match port.get("port") {
            None | Some(Value::Null) => errors.push(FieldError::required(format!("{at}.port"), "")),
            Some(p) => port_range(p, &format!("{at}.port"), errors),
        }
        check_protocol(port, format!("{at}.protocol"), errors);
        match port.get("targetPort") {
            Some(Value::String(name)) => {
                if let Some(detail) = port_name_errors(name) {
                    errors.push(FieldError::invalid(
                        format!("{at}.targetPort"),
                        &port["targetPort"],
                        detail,
                    ));
                }
            }
            Some(t @ Value::Number(_)) => port_range(t, &format!("{at}.targetPort"), errors),
            _ => {}
        }
        if let Some(node_port) = port
            .get("nodePort")
            .filter(|p| p.as_i64().is_some_and(|p| p != 0))
        {
            if matches!(kind, "ClusterIP") {
                errors.push(FieldError::forbidden(
                    format!("{at}.nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            } else if !node_port
                .as_i64()
                .is_some_and(|p| (30000..=32767).contains(&p))
            {
                errors.push(FieldError::invalid(
                    format!("{at}.nodePort"),
                    node_port,
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
            }
        }
    }
}

fn check_config_keys(obj: &Value, errors: &mut Vec<FieldError>) {
    for field in ["data", "binaryData", "stringData"] {
        for key in obj
            .get(field)
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            let valid = !key.is_empty()
                && key.len() <= 253
                && key
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
                && key != "."
                && key != "..";
            if !valid {
                errors.push(FieldError::invalid(
                    format!("{field}[{key}]"),
                    &Value::String(key.clone()),
                    CONFIG_KEY_MSG,
                ));
            }
        }
    }
}

fn check_hpa(obj: &Value, errors: &mut Vec<FieldError>) {
    let min = int_at(obj, "/spec/minReplicas").unwrap_or(1);
    if min < 1 {
        errors.push(FieldError::invalid(
            "spec.minReplicas",
            &Value::from(min),
            "must be greater than or equal to 1",
        ));
    }
    match int_at(obj, "/spec/maxReplicas") {
        None => errors.push(FieldError::required("spec.maxReplicas", "")),
        Some(max) if max < min => errors.push(FieldError::invalid(
            "spec.maxReplicas",
            &Value::from(max),
            "must be greater than or equal to `minReplicas`",
        )),
        Some(_) => {}
    }
    for field in ["kind", "name"] {
        if obj
            .pointer(&format!("/spec/scaleTargetRef/{field}"))
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            errors.push(FieldError::required(
                format!("spec.scaleTargetRef.{field}"),
                "",
            ));
        }
    }
}

fn check_webhooks(obj: &Value, errors: &mut Vec<FieldError>) {
    for (i, hook) in obj
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("webhooks[{i}]");
        let name = hook.get("name").and_then(Value::as_str).unwrap_or_default();
        if name.is_empty() {
            errors.push(FieldError::required(format!("{at}.name"), ""));
        } else if name.split('.').count() < 3 || !is_dns1123_subdomain(name) {
            errors.push(FieldError::invalid(
                format!("{at}.name"),
                &hook["name"],
                "should be a domain with at least three segments separated by dots",
            ));
        }
        match hook.get("sideEffects").and_then(Value::as_str) {
            None => errors.push(FieldError::required(
                format!("{at}.sideEffects"),
                "must specify one of None, NoneOnDryRun",
            )),
            Some("None" | "NoneOnDryRun") => {}
            Some(_) => errors.push(FieldError::unsupported(
                format!("{at}.sideEffects"),
                &hook["sideEffects"],
                &["None", "NoneOnDryRun"],
            )),
        }
        if hook
            .get("admissionReviewVersions")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            errors.push(FieldError::required(
                format!("{at}.admissionReviewVersions"),
                "must specify one of v1, v1beta1",
            ));
        }
        let config = &hook["clientConfig"];
        let has_url = config.get("url").is_some_and(|u| !u.is_null());
        let has_service = config.get("service").is_some_and(|s| !s.is_null());
        if has_url == has_service {
            errors.push(FieldError::required(
                format!("{at}.clientConfig"),
                "exactly one of url or service is required",
            ));
        }
        if let Some(port) = config.pointer("/service/port") {
            port_range(port, &format!("{at}.clientConfig.service.port"), errors);
        }
        if let Some(timeout) = hook.get("timeoutSeconds").and_then(Value::as_i64) {
            if !(1..=30).contains(&timeout) {
                errors.push(FieldError::invalid(
                    format!("{at}.timeoutSeconds"),
                    &hook["timeoutSeconds"],
                    "the timeout value must be between 1 and 30 seconds",
                ));
            }
        }
    }
}

fn check_binding(obj: &Value, cluster: bool, errors: &mut Vec<FieldError>) {
    let role_ref = &obj["roleRef"];
    let kinds: &[&str] = if cluster {
        &["ClusterRole"]
    } else {
        &["Role", "ClusterRole"]
    };
    match role_ref.get("kind").and_then(Value::as_str) {
        None | Some("") => errors.push(FieldError::required("roleRef.kind", "")),
        Some(k) if !kinds.contains(&k) => errors.push(FieldError::unsupported(
            "roleRef.kind",
            &role_ref["kind"],
            kinds,
        )),
        Some(_) => {}
    }
    match role_ref.get("apiGroup").and_then(Value::as_str) {
        Some("rbac.authorization.k8s.io") => {}
        _ => errors.push(FieldError::unsupported(
            "roleRef.apiGroup",
            role_ref
                .get("apiGroup")
                .unwrap_or(&Value::String(String::new())),
            &["rbac.authorization.k8s.io"],
        )),
    }
    if role_ref
        .get("name")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        errors.push(FieldError::required("roleRef.name", ""));
    }
    for (i, subject) in obj
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("subjects[{i}]");
        if subject
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            errors.push(FieldError::required(format!("{at}.name"), ""));
        }
        const KINDS: &[&str] = &["ServiceAccount", "User", "Group"];
        match subject.get("kind") {
            Some(k) if k.as_str().is_some_and(|k| KINDS.contains(&k)) => {}
            k => errors.push(FieldError::unsupported(
                format!("{at}.kind"),
                k.unwrap_or(&Value::String(String::new())),
                KINDS,
            )),
        }
    }
}

/// Validates an object of a built-in kind (after defaulting); `old` is the stored object on
/// updates (for immutable fields).
pub(crate) fn validate(info: &ResourceInfo, obj: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_object_meta(info, obj, &mut errors);
    match (info.group.as_str(), info.plural.as_str()) {
        ("apps", "deployments") => check_workload(obj, "deployment", true, &mut errors),
        ("apps", "replicasets") => check_workload(obj, "deployment", true, &mut errors),
        ("apps", "statefulsets") => check_workload(obj, "statefulset", true, &mut errors),
        ("apps", "daemonsets") => check_workload(obj, "daemonset", false, &mut errors),
        ("", "pods") => {
            if let Some(spec) = obj.get("spec") {
                check_pod_spec(
                    spec,
                    "spec",
                    Some(&["Always", "OnFailure", "Never"]),
                    &mut errors,
                );
            }
        }
        ("", "services") => check_service(obj, &mut errors),
        ("", "configmaps" | "secrets") => check_config_keys(obj, &mut errors),
        ("autoscaling", "horizontalpodautoscalers") => check_hpa(obj, &mut errors),
        (
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations" | "validatingwebhookconfigurations",
        ) => check_webhooks(obj, &mut errors),
        ("rbac.authorization.k8s.io", "rolebindings") => check_binding(obj, false, &mut errors),
        ("rbac.authorization.k8s.io", "clusterrolebindings") => {
            check_binding(obj, true, &mut errors)
        }
        ("policy", "poddisruptionbudgets") => {
            let spec = &obj["spec"];
            if spec.get("minAvailable").is_some_and(|v| !v.is_null())
                && spec.get("maxUnavailable").is_some_and(|v| !v.is_null())
            {
                errors.push(FieldError::invalid(
                    "spec",
                    spec,
                    "minAvailable and maxUnavailable cannot be both set",
                ));
            }
        }
        _ => {}
    }
    if let Some(old) = old {
        check_immutable(info, obj, old, &mut errors);
    }
    errors
}

fn check_immutable(info: &ResourceInfo, obj: &Value, old: &Value, errors: &mut Vec<FieldError>) {
    let fields: &[(&str, &str)] = match (info.group.as_str(), info.plural.as_str()) {
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            &[("/roleRef", "roleRef")]
        }
        _ => &[],
    };
    for (pointer, field) in fields {
        if obj.pointer(pointer) != old.pointer(pointer) {
            let value = obj.pointer(pointer).cloned().unwrap_or(Value::Null);
            errors.push(FieldError::invalid(*field, &value, "cannot change roleRef"));
        }
    }
    if info.group.is_empty()
        && matches!(info.plural.as_str(), "configmaps" | "secrets")
        && old.get("immutable").and_then(Value::as_bool) == Some(true)
    {
        const DETAIL: &str = "field is immutable when `immutable` is set";
        if obj.get("immutable").and_then(Value::as_bool) != Some(true) {
            errors.push(FieldError::forbidden("immutable", DETAIL));
        }
        for field in ["data", "binaryData"] {
            if obj.get(field) != old.get(field) {
                errors.push(FieldError::forbidden(field, DETAIL));
            }
        }
    }
    if info.group == "apps" && info.plural != "replicasets" {
        if let (Some(new), Some(old)) =
            (obj.pointer("/spec/selector"), old.pointer("/spec/selector"))
        {
            if new != old {
                errors.push(FieldError::invalid(
                    "spec.selector",
                    new,
                    "field is immutable",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn info(group: &str, plural: &str) -> ResourceInfo {
        crate::resources::builtins()
            .into_iter()
            .find(|r| r.group == group && r.plural == plural)
            .unwrap()
    }

    fn messages(info: &ResourceInfo, obj: Value) -> Vec<String> {
        validate(info, &obj, None)
            .iter()
            .map(FieldError::message)
            .collect()
    }

    #[test]
    fn deployments() {
        let deploy = info("apps", "deployments");
        let bad = json!({
            "metadata": { "name": "bad" },
            "spec": {
                "replicas": -1,
                "selector": { "matchLabels": { "app": "a" } },
                "template": {
                    "metadata": { "labels": { "app": "b" } },
                    "spec": { "containers": [{ "name": "c", "image": "i", "ports": [{ "containerPort": 70000 }] }] },
                },
            },
        });
        assert_eq!(
            messages(&deploy, bad),
            [
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`",
                "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            ]
        );
        let no_image = json!({
            "metadata": { "name": "Bad_Name" },
            "spec": { "selector": { "matchLabels": { "app": "a" } },
                      "template": { "metadata": { "labels": { "app": "a" } }, "spec": { "containers": [{ "name": "c" }] } } },
        });
        assert_eq!(
            messages(&deploy, no_image),
            [
                format!("metadata.name: Invalid value: \"Bad_Name\": {DNS1123_SUBDOMAIN_MSG}"),
                "spec.template.spec.containers[0].image: Required value".to_string(),
            ]
        );
    }

    #[test]
    fn resources() {
        let deploy = info("apps", "deployments");
        let obj = json!({
            "metadata": { "name": "d" },
            "spec": { "selector": { "matchLabels": { "a": "b" } }, "template": { "metadata": { "labels": { "a": "b" } },
                "spec": { "containers": [{ "name": "c", "image": "i", "resources": { "requests": { "cpu": "2", "memory": "-1" }, "limits": { "cpu": "1" } } }] } } },
        });
        assert_eq!(
            messages(&deploy, obj),
            [
                "spec.template.spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0",
                "spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
            ]
        );
    }

    #[test]
    fn volumes_mounts_and_probes() {
        let deploy = info("apps", "deployments");
        let obj = json!({
            "metadata": { "name": "d" },
            "spec": { "selector": { "matchLabels": { "a": "b" } }, "template": { "metadata": { "labels": { "a": "b" } },
                "spec": {
                    "volumes": [{ "name": "data", "emptyDir": {} }, { "name": "data", "emptyDir": {} }, { "name": "none" }],
                    "containers": [{ "name": "c", "image": "i",
                        "volumeMounts": [{ "name": "data", "mountPath": "/d" }, { "name": "cfg", "mountPath": "/d" }],
                        "livenessProbe": { "periodSeconds": 5 } }],
                } } },
        });
        assert_eq!(
            messages(&deploy, obj),
            [
                "spec.template.spec.volumes[1].name: Duplicate value: \"data\"",
                "spec.template.spec.volumes[2]: Required value: must specify a volume type",
                "spec.template.spec.containers[0].volumeMounts[1].name: Not found: \"cfg\"",
                "spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/d\": must be unique",
                "spec.template.spec.containers[0].livenessProbe: Required value: must specify a handler type",
            ]
        );
    }

    #[test]
    fn immutable_config() {
        let cm = info("", "configmaps");
        let old = json!({ "metadata": { "name": "c" }, "immutable": true, "data": { "a": "1" } });
        let new = json!({ "metadata": { "name": "c" }, "immutable": true, "data": { "a": "2" } });
        let messages: Vec<String> = validate(&cm, &new, Some(&old))
            .iter()
            .map(FieldError::message)
            .collect();
        assert_eq!(
            messages,
            ["data: Forbidden: field is immutable when `immutable` is set"]
        );
        assert!(validate(&cm, &old, Some(&old)).is_empty());
    }

    #[test]
    fn labels_services_and_config_keys() {
        let cm = info("", "configmaps");
        assert_eq!(
            messages(
                &cm,
                json!({ "metadata": { "name": "c", "labels": { "bad key": "ok", "k": "bad value" } }, "data": { "a b": "x" } })
            ),
            [
                format!("metadata.labels: Invalid value: \"bad key\": {QUALIFIED_NAME_MSG}"),
                format!("metadata.labels: Invalid value: \"bad value\": {LABEL_VALUE_MSG}"),
                format!("data[a b]: Invalid value: \"a b\": {CONFIG_KEY_MSG}"),
            ]
        );
        let svc = info("", "services");
        assert_eq!(
            messages(&svc, json!({ "metadata": { "name": "s" }, "spec": { "ports": [{ "port": 0 }, { "name": "b", "port": 80, "protocol": "HTTP" }] } })),
            [
                "spec.ports[0].name: Required value",
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            ]
        );
        assert_eq!(
            messages(&svc, json!({ "metadata": { "name": "s" }, "spec": {} })),
            ["spec.ports: Required value"]
        );
    }
}
