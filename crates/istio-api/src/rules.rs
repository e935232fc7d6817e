//! CEL rules (`x-kubernetes-validations`) of the Istio CRDs, each paired with a native check so
//! that validation needs no CEL interpreter. A rule without a native check is still rendered into
//! the CRD (the API server enforces it) but is not checked locally.

use serde::{Deserialize, Serialize};

use istio_core::tree::Node;

/// One CEL rule of a schema node, with the native check that decides it. It serializes as its
/// rule and message; reading it back pairs it with its check again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "RuleText", from = "RuleText")]
pub struct Rule {
    /// The CEL expression, as rendered into the CRD.
    pub rule: String,
    /// The message the API server reports when the rule fails.
    pub message: String,
    /// Returns `true` when `self` (the value at the node) satisfies the rule.
    pub check: Option<fn(Node<'_>) -> bool>,
}

impl Rule {
    /// Pairs a CEL rule with our native implementation of it, when we have one. Rules are
    /// matched with their white space collapsed (the CRDs wrap long rules over lines).
    pub fn new(rule: &str, message: &str) -> Self {
        let one_line = rule.split_whitespace().collect::<Vec<_>>().join(" ");
        Rule {
            rule: rule.to_owned(),
            message: message.to_owned(),
            check: native(&one_line),
        }
    }
}

/// One CEL rule of a schema node, as written in a CRD.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleText {
    rule: String,
    message: String,
}

impl From<RuleText> for Rule {
    fn from(r: RuleText) -> Self {
        Rule::new(&r.rule, &r.message)
    }
}

impl From<Rule> for RuleText {
    fn from(r: Rule) -> Self {
        RuleText {
            rule: r.rule,
            message: r.message,
        }
    }
}

/// True when `v` has field `name` set (not absent, not null).
fn has(v: Node<'_>, name: &str) -> bool {
    v.get(name).is_some_and(|f| !f.is_null())
}

/// How many of `names` are set on `v`.
fn count(v: Node<'_>, names: &[&str]) -> usize {
    names.iter().filter(|n| has(v, n)).count()
}

fn str_field<'a>(v: Node<'a>, name: &str) -> &'a str {
    v.get(name).and_then(Node::as_str).unwrap_or("")
}

fn keys(v: Node<'_>) -> impl Iterator<Item = &str> {
    v.as_object().into_iter().flat_map(|m| m.keys())
}

fn port_in_range(v: Node<'_>, max: i64) -> bool {
    v.as_i64().is_none_or(|n| 0 < n && n <= max)
}

fn port_name_ok(key: &str) -> bool {
    let bytes = key.as_bytes();
    key.len() < 63
        && !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

fn uds_path_ok(s: &str) -> bool {
    match s.strip_prefix("unix://") {
        Some(rest) => rest.starts_with('/') || rest.starts_with('@'),
        None => true,
    }
}

/// The lower-cased scheme of `s` (`""` for an absolute path) when CEL's `isURL(s)` holds, as
/// Go's `url.ParseRequestURI` judges it: an absolute URL or an absolute path, no control
/// characters, and a numeric port if any.
fn request_uri_scheme(s: &str) -> Option<String> {
    if s.is_empty() || s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let (scheme, rest) =
        match s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))) {
            Some(i) if s.as_bytes()[i] == b':' => {
                let scheme = &s[..i];
                if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    return None;
                }
                (scheme.to_ascii_lowercase(), &s[i + 1..])
            }
            _ => (String::new(), s),
        };
    if !rest.starts_with('/') {
        return None;
    }
    if let Some(authority) = rest.strip_prefix("//").filter(|_| !scheme.is_empty()) {
        let authority = authority.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let port = if host.starts_with('[') {
            let close = host.find(']')?;
            let after = &host[close + 1..];
            if !after.is_empty() && !after.starts_with(':') {
                return None;
            }
            after.strip_prefix(':')
        } else {
            if host.contains(' ') {
                return None;
            }
            host.rsplit_once(':').map(|(_, p)| p)
        };
        if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
    }
    Some(scheme)
}

/// `isURL(self) ? url(self).getScheme() in schemes : (isURL("http://" + self) && …)`: a URL
/// with one of `schemes` (`""` among them), or a string that is a URL once `http://` is put in
/// front.
fn url_or_host_path(s: &str, schemes: &[&str]) -> bool {
    match request_uri_scheme(s) {
        Some(scheme) => schemes.contains(&scheme.as_str()),
        None => request_uri_scheme(&format!("http://{s}")).is_some(),
    }
}

/// The native implementation of a CEL rule of the Istio CRDs, when we have one.
fn native(rule: &str) -> Option<fn(Node<'_>) -> bool> {
    let check: fn(Node<'_>) -> bool = match rule {
        "duration(self) >= duration('1ms')" => {
            |v| v.as_str().is_none_or(|s| istio_core::duration::parse_go(s).is_some_and(|ns| ns >= 1_000_000))
        }
        "0 < self && self <= 65535" => |v| port_in_range(v, 65535),
        r#"!self.contains("*")"# => |v| v.as_str().is_none_or(|s| !s.contains('*')),
        r#"self != "*""# => |v| v.as_str() != Some("*"),
        "self.size() == 0" => |v| v.as_str().is_none_or(str::is_empty),
        r#"self.all(key, !key.contains("*"))"# => |v| keys(v).all(|k| !k.contains('*')),
        "self.all(key, key.size() != 0)" => |v| keys(v).all(|k| !k.is_empty()),
        r#"self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))"# => {
            |v| keys(v).all(port_name_ok)
        }
        "self.all(key, 0 < int(key) && int(key) <= 65535)" => {
            |v| keys(v).all(|k| k.parse::<i64>().is_ok_and(|n| 0 < n && n <= 65535))
        }
        r#"self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true"# => {
            |v| v.as_str().is_none_or(uds_path_ok)
        }
        r#"self.startsWith("unix://") ? !self.endsWith("/") : true"# => {
            |v| v.as_str().is_none_or(|s| !(s.starts_with("unix://") && s.ends_with('/')))
        }
        r#"(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true"# => {
            |v| !(str_field(v, "address").starts_with("unix://") && has(v, "ports"))
        }
        "(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1" => {
            |v| count(v, &["selector", "targetRef", "targetRefs"]) <= 1
        }
        "(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1" => {
            |v| count(v, &["tlsCertificates", "credentialNames"]) <= 1
        }
        "(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1" => {
            |v| count(v, &["credentialName", "credentialNames"]) <= 1
        }
        "(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1" => {
            |v| count(v, &["credentialNames", "tlsCertificates"]) <= 1
        }
        "(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1" => {
            |v| count(v, &["workloadSelector", "targetRefs"]) <= 1
        }
        "(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1" => {
            |v| count(v, &["workloadSelector", "endpoints"]) <= 1
        }
        "(has(self.jwksUri) ? 1 : 0) + (has(self.jwks_uri) ? 1 : 0) + (has(self.jwks) ? 1 : 0) <= 1" => {
            |v| count(v, &["jwksUri", "jwks_uri", "jwks"]) <= 1
        }
        r#"url(self).getScheme() in ["http", "https"]"# => {
            |v| {
                v.as_str().is_none_or(|s| {
                    request_uri_scheme(s).is_some_and(|scheme| matches!(scheme.as_str(), "http" | "https"))
                })
            }
        }
        r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])"#
        | r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])"# => {
            |v| v.as_str().is_none_or(|s| url_or_host_path(s, &["", "http", "https", "oci", "file"]))
        }
        "(has(self.selector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1" => {
            |v| count(v, &["selector", "targetRefs"]) <= 1
        }
        "has(self.wasm) != has(self.lua)" => |v| has(v, "wasm") != has(v, "lua"),
        "has(self.address) || has(self.network)" => |v| has(v, "address") || has(v, "network"),
        "(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && !has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true" => {
            |v| {
                count(v, &["serviceAccounts", "notServiceAccounts"]) == 0
                    || count(v, &["principals", "notPrincipals", "namespaces", "notNamespaces"]) == 0
            }
        }
        r#"has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)"# => {
            |v| (str_field(v, "context") == "WAYPOINT") == has(v, "waypoint")
        }
        "has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true" => {
            |v| {
                !has(v, "portLevelMtls")
                    || v.pointer("/selector/matchLabels")
                        .and_then(Node::as_object)
                        .is_some_and(|m| !m.is_empty())
            }
        }
        r#"!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))"# => {
            |v| {
                let cidr = v
                    .get("addresses")
                    .and_then(Node::as_array)
                    .is_some_and(|a| a.iter().any(|k| k.as_str().is_some_and(|s| s.contains('/'))));
                let resolution = v.get("resolution").and_then(Node::as_str).unwrap_or("NONE");
                !cidr || matches!(resolution, "STATIC" | "NONE")
            }
        }
        r#"((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true"# => {
            |v| {
                v.get("resolution").and_then(Node::as_str).unwrap_or("NONE") != "NONE"
                    || !has(v, "endpoints")
            }
        }
        r#"((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true"# => {
            |v| {
                str_field(v, "resolution") != "DNS_ROUND_ROBIN"
                    || v.get("endpoints").and_then(Node::as_array).is_none_or(|e| e.len() <= 1)
            }
        }
        "self.all(l1, self.exists_one(l2, l1.number == l2.number))" => |v| {
            let numbers: Vec<Node<'_>> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("number"))
                .collect();
            numbers
                .iter()
                .enumerate()
                .all(|(i, n)| !numbers[..i].contains(n))
        },
        r#"((has(self.operation) ? self.operation : "") == "UPSERT") ? (self.value != "") : true"# => {
            |v| str_field(v, "operation") != "UPSERT" || !str_field(v, "value").is_empty()
        }
        r#"((has(self.operation) ? self.operation : "") == "REMOVE") ? !has(self.value) : true"# => {
            |v| str_field(v, "operation") != "REMOVE" || !has(v, "value")
        }
        r#"(has(self.valueFrom) ? self.valueFrom : "") != "HOST" || !has(self.value)"# => {
            |v| str_field(v, "valueFrom") != "HOST" || !has(v, "value")
        }
        r#"self in ["", "HTTP", "HTTPS"]"# => {
            |v| v.as_str().is_none_or(|s| matches!(s, "" | "HTTP" | "HTTPS"))
        }
        _ => return None,
    };
    Some(check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn native_rules_decide_like_cel() {
        let rule = Rule::new("duration(self) >= duration('1ms')", "m");
        let check = rule.check.expect("native");
        assert!(check(
            istio_core::tree::Document::from_json(&json!("1ms")).root()
        ));
        assert!(!check(
            istio_core::tree::Document::from_json(&json!("999us")).root()
        ));
        assert!(!check(
            istio_core::tree::Document::from_json(&json!("soon")).root()
        ));
        let rule = Rule::new(
            "(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1",
            "m",
        );
        let check = rule.check.expect("native");
        assert!(check(
            istio_core::tree::Document::from_json(&json!({"endpoints": []})).root()
        ));
        assert!(!check(
            istio_core::tree::Document::from_json(
                &json!({"endpoints": [], "workloadSelector": {}})
            )
            .root()
        ));
        assert!(Rule::new("self.unknownFunction()", "m").check.is_none());
    }

    #[test]
    fn urls_are_judged_as_go_parses_request_uris() {
        let wasm = |s: &str| url_or_host_path(s, &["", "http", "https", "oci", "file"]);
        for ok in [
            "oci://ghcr.io/org/filter:v1",
            "HTTPS://example.com/f.wasm",
            "file:///opt/filter.wasm",
            "/opt/filter.wasm",
            "ghcr.io/org/filter:v1",
            "localhost:5000/filter",
            "http://[::1]:8080/f.wasm",
        ] {
            assert!(wasm(ok), "{ok}");
        }
        for bad in ["ftp://example.com/f.wasm", "s3://bucket/f", "a\tb"] {
            assert!(!wasm(bad), "{bad}");
        }
        let jwks = |s: &str| {
            request_uri_scheme(s).is_some_and(|scheme| matches!(scheme.as_str(), "http" | "https"))
        };
        assert!(jwks("https://example.com/.well-known/jwks.json"));
        assert!(!jwks("example.com/jwks.json"));
        assert!(!jwks("ftp://example.com/keys"));
    }
}
