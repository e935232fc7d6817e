//! Route reachability of VirtualServices, part of `schema.ValidationAnalyzer.VirtualService`: a rule after a match-less rule, a rule whose matches all repeat earlier ones
//! (IST0130), and a match that repeats, or is covered by, an earlier one (IST0131).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::analyzer::Context;
use crate::catalog::codes::{IST0130, IST0131};
use crate::message::Message;
use crate::resource::ResourceId;

/// Reports the unreachable rules and ineffective matches of a VirtualService (`object`, the
/// whole resource).
pub fn check_routes(ctx: &mut Context<'_>, id: ResourceId, object: &Value) {
    let spec = object.get("spec").unwrap_or(&Value::Null);
    for kind in ["http", "tcp", "tls"] {
        unreachable_rules(ctx, id, spec, kind);
    }
}

/// The items of a list field (none when absent or not a list).
fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

/// An HTTP match already seen: its rule, its URI prefix, and the rest of its conditions.
struct Seen<'a> {
    rule: usize,
    prefix: Option<&'a str>,
    rest: Map<String, Value>,
}

/// Reports the unreachable rules and ineffective matches of the `kind` (`http`, `tcp`, `tls`)
/// rules of a VirtualService spec.
fn unreachable_rules(ctx: &mut Context<'_>, id: ResourceId, spec: &Value, kind: &str) {
    let rules: Vec<&Value> = items(spec.get(kind)).collect();
    let mut by_form: HashMap<String, usize> = HashMap::new();
    let mut seen: Vec<Seen<'_>> = Vec::new();
    let mut matchless: Option<usize> = None;
    for (r, rule) in rules.iter().enumerate() {
        let matches: Vec<&Value> = items(rule.get("match")).collect();
        if matches.is_empty() {
            if matchless.is_some() {
                let args = vec![
                    name_or_index(rule, r),
                    "only the last rule can have no matches".to_owned(),
                ];
                ctx.report(Message::new(IST0130, id, args).at(format!("spec.{kind}[{r}]")));
            }
            matchless = Some(r);
            continue;
        }
        let mut duplicates = 0;
        for (m, request) in matches.iter().enumerate() {
            let form = canonical(&without_name(request));
            let earlier = match by_form.get(&form) {
                Some(&earlier) => {
                    duplicates += 1;
                    Some(earlier)
                }
                None => {
                    by_form.insert(form, r);
                    covering(&seen, request)
                }
            };
            if let Some(earlier) = earlier {
                let args = vec![
                    name_or_index(rule, r),
                    name_or_index(request, m),
                    name_or_index(rules[earlier], earlier),
                ];
                ctx.report(
                    Message::new(IST0131, id, args).at(format!("spec.{kind}[{r}].match[{m}]")),
                );
            }
            if kind == "http" {
                let (prefix, rest) = split_prefix(request);
                seen.push(Seen {
                    rule: r,
                    prefix,
                    rest,
                });
            }
        }
        if duplicates == matches.len() {
            let args = vec![
                name_or_index(rule, r),
                "all matches used by prior rules".to_owned(),
            ];
            ctx.report(Message::new(IST0130, id, args).at(format!("spec.{kind}[{r}]")));
        }
    }
}

/// The rule of an earlier HTTP match whose URI prefix is a prefix of this match's URI prefix
/// while its other conditions are a subset of this match's.
fn covering(seen: &[Seen<'_>], request: &Value) -> Option<usize> {
    let (prefix, rest) = split_prefix(request);
    let prefix = prefix?;
    seen.iter()
        .find(|s| {
            s.prefix.is_some_and(|p| prefix.starts_with(p))
                && s.rest.iter().all(|(k, v)| rest.get(k) == Some(v))
        })
        .map(|s| s.rule)
}

/// The URI prefix of an HTTP match, and its other conditions (without `name` and `uri`,
/// defaults dropped).
fn split_prefix(request: &Value) -> (Option<&str>, Map<String, Value>) {
    let uri = request.get("uri");
    let prefix = uri
        .and_then(Value::as_object)
        .filter(|u| u.len() == 1)
        .and_then(|u| u.get("prefix"))
        .and_then(Value::as_str);
    let mut rest = match without_name(request) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    rest.remove("uri");
    (prefix, rest)
}

/// A match without its `name` and without default (empty, false, zero) values, which do not
/// change what it matches.
fn without_name(request: &Value) -> Value {
    let mut value = strip_defaults(request);
    if let Value::Object(map) = &mut value {
        map.remove("name");
    }
    value
}

fn strip_defaults(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), strip_defaults(v)))
                .filter(|(_, v)| !is_default(v))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.iter().map(strip_defaults).collect()),
        other => other.clone(),
    }
}

fn is_default(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(l) => l.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

/// A canonical text of a value: mapping keys sorted.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), canonical(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(list) => {
            let inner: Vec<String> = list.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

/// `"name"` of a rule or match, or `#index` when it has none.
fn name_or_index(value: &Value, index: usize) -> String {
    match value.get("name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => format!("{name:?}"),
        _ => format!("#{index}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::analyzers::schema::validation::VIRTUAL_SERVICE;
    use crate::testing::analyze;

    #[test]
    fn unreachable_rules_and_ineffective_matches() {
        let found = analyze(&VIRTUAL_SERVICE, &["schema/virtual-service-routes.yaml"]);
        insta::assert_snapshot!(found);
    }
}
