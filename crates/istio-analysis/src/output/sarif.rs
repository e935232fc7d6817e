//! `-o sarif`: SARIF 2.1.0 for code-scanning services. One run whose driver lists one rule per
//! code that occurs (from the catalog); one result per finding, located at its file and line,
//! or at its resource (a logical location) when it was not read from a file. Inputs that could
//! not be read are reported as tool execution notifications.

use serde_json::{json, Map, Value};

use crate::catalog::{self, Entry};
use crate::load::LoadError;
use crate::message::Level;
use crate::run::Finding;

/// The schema SARIF 2.1.0 files name.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where users read about the tool.
pub const INFORMATION_URI: &str =
    "https://istio.io/latest/docs/reference/commands/istioctl/#istioctl-analyze";

/// SARIF's name for a level.
pub fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// Turns a path as given on the command line into a URI reference: relative paths stay
/// relative, absolute ones become `file://` URIs, and characters that URIs reserve are
/// percent-encoded.
pub fn path_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule(entry: &Entry) -> Value {
    let mut rule = json!({
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.description},
        "helpUri": catalog::documentation_url(entry.code),
        "defaultConfiguration": {"level": sarif_level(entry.level)},
    });
    // A user rule's metadata comes from its file: no istio.io page, unless it names its own.
    if let Some((_, origin)) = catalog::Code::user(entry.code) {
        if origin.url.is_empty() {
            rule.as_object_mut().map(|r| r.remove("helpUri"));
        }
        rule["properties"] = json!({"userRule": true, "file": origin.file, "line": origin.line});
    }
    rule
}

fn logical(origin: &str) -> Value {
    json!([{"fullyQualifiedName": origin, "kind": "resource"}])
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut location = Map::new();
    if let Some((file, line)) = &f.location {
        location.insert(
            "physicalLocation".into(),
            json!({
                "artifactLocation": {"uri": path_uri(file)},
                "region": {"startLine": line},
            }),
        );
    }
    if !f.origin.is_empty() {
        location.insert("logicalLocations".into(), logical(&f.origin));
    }
    let mut text = f.text.clone();
    if !f.hint.is_empty() {
        text.push_str(&format!(" Hint: {}", f.hint));
    }
    let mut result = json!({
        "ruleId": f.entry.code,
        "ruleIndex": rule_index,
        "level": sarif_level(f.level),
        "message": {"text": text},
    });
    if !location.is_empty() {
        result["locations"] = json!([Value::Object(location)]);
    }
    result
}

fn notification(e: &LoadError) -> Value {
    let mut n = json!({
        "level": "error",
        "message": {"text": e.message},
    });
    let mut physical = json!({"artifactLocation": {"uri": path_uri(&e.file)}});
    if let Some(line) = e.line {
        physical["region"] = json!({"startLine": line});
    }
    n["locations"] = json!([{"physicalLocation": physical}]);
    n
}

/// Renders the findings (and the inputs that failed to load) as a SARIF 2.1.0 log.
pub fn render(findings: &[Finding], errors: &[LoadError]) -> Result<String, serde_json::Error> {
    let mut codes: Vec<&'static Entry> = findings.iter().map(|f| f.entry).collect();
    codes.sort_by(|a, b| a.code.cmp(b.code));
    codes.dedup_by(|a, b| a.code == b.code);
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = codes
                .binary_search_by(|e| e.code.cmp(f.entry.code))
                .unwrap_or_default();
            result(f, index)
        })
        .collect();
    let mut invocation = json!({"executionSuccessful": errors.is_empty()});
    if !errors.is_empty() {
        invocation["toolExecutionNotifications"] =
            Value::Array(errors.iter().map(notification).collect());
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "istioctl",
                "version": istio_api::release::CLIENT_VERSION,
                "informationUri": INFORMATION_URI,
                "rules": codes.iter().map(|e| rule(e)).collect::<Vec<_>>(),
            }},
            "invocations": [invocation],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log)?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_uri("dir/a.yaml"), "dir/a.yaml");
        assert_eq!(path_uri("/abs/a b.yaml"), "file:///abs/a%20b.yaml");
        assert_eq!(path_uri("-"), "-");
        assert_eq!(path_uri("ü.yaml"), "%C3%BC.yaml");
    }

    fn finding(code: &'static str, origin: &str, location: Option<(&str, u32)>) -> Finding {
        let entry = catalog::Code::parse(code).expect("catalog code").entry();
        Finding {
            entry,
            level: entry.level,
            origin: origin.to_owned(),
            location: location.map(|(f, l)| (f.to_owned(), l)),
            source: None,
            text: format!("{code} text"),
            hint: String::new(),
        }
    }

    #[test]
    fn rules_per_code_and_logical_locations_without_files() {
        let findings = vec![
            finding("IST0118", "Service a/b", Some(("x.yaml", 3))),
            finding("IST0101", "VirtualService a/r", None),
            finding("IST0118", "Service a/c", Some(("x.yaml", 9))),
        ];
        let log: Value =
            serde_json::from_str(&render(&findings, &[]).expect("render")).expect("json");
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<_> = rules
            .iter()
            .map(|r| r["id"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(ids, ["IST0101", "IST0118"]);
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        let results = run["results"].as_array().expect("results");
        assert_eq!(results[1]["ruleIndex"], 0);
        assert_eq!(results[1]["level"], "error");
        assert!(results[1]["locations"][0].get("physicalLocation").is_none());
        assert_eq!(
            results[1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "VirtualService a/r"
        );
        assert_eq!(results[2]["ruleIndex"], 1);
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["region"]["startLine"],
            9
        );
    }

    #[test]
    fn levels() {
        assert_eq!(sarif_level(Level::Info), "note");
        assert_eq!(sarif_level(Level::Warning), "warning");
        assert_eq!(sarif_level(Level::Error), "error");
    }
}
