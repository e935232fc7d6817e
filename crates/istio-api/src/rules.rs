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

/// The scheme of a URL-ish string (`http` for `http://x`), or `""` when it has none.
fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, rest) = s.split_once("://")?;
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && !rest.is_empty()).then_some(scheme)
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
            |v| v.as_str().is_none_or(|s| matches!(url_scheme(s), Some("http" | "https")))
        }
        r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])"#
        | r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])"# => {
            |v| {
                v.as_str().is_none_or(|s| match url_scheme(s) {
                    Some(scheme) => matches!(scheme, "http" | "https" | "oci" | "file"),
                    None => !s.is_empty() && !s.contains(char::is_whitespace),
                })
            }
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
}
