//! Suppressing findings: `-S/--suppress "<code>=<Kind> <name>[.<namespace>]"` rules with `*`
//! wildcards, and the `galley.istio.io/analyze-suppress` annotation on a resource, which lists
//! the codes (comma-separated, or `*` for all) not to report about that resource.

use super::catalog;
use super::resource::Resource;

/// The annotation that suppresses codes for the resource carrying it.
pub const ANNOTATION: &str = "galley.istio.io/analyze-suppress";

/// One `-S` rule: a code and a resource pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The message code, e.g. `IST0102`.
    pub code: String,
    /// `<Kind> <name>[.<namespace>]` or `<Kind> <namespace>/<name>`, `*` matching any run of
    /// characters; `*` alone matches every resource (and findings about none).
    pub pattern: String,
}

/// The `-S` rules of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    rules: Vec<Rule>,
}

/// A `-S` value without `=`, or with an empty side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid suppression: expected <code>=<Kind> <name>[.<namespace>], e.g. \"IST0102=Namespace frod\" or \"IST0107=Pod *.baz\"")]
pub struct InvalidSuppression(pub String);

impl Suppressions {
    /// Parses `-S` values. Returns the rules and a warning for each code the catalog does not
    /// know (such a rule can never match, which is worth saying but not worth failing over).
    pub fn parse(specs: &[String]) -> Result<(Self, Vec<String>), InvalidSuppression> {
        let mut rules = Vec::with_capacity(specs.len());
        let mut warnings = Vec::new();
        for spec in specs {
            let Some((code, pattern)) = spec.split_once('=') else {
                return Err(InvalidSuppression(spec.clone()));
            };
            let (code, pattern) = (code.trim(), pattern.trim());
            if code.is_empty() || pattern.is_empty() {
                return Err(InvalidSuppression(spec.clone()));
            }
            if catalog::Code::parse(code).is_none() {
                warnings.push(format!(
                    "Supplied message code '{code}' is an unknown message code and will not have any effect."
                ));
            }
            rules.push(Rule {
                code: code.to_owned(),
                pattern: pattern.to_owned(),
            });
        }
        Ok((Suppressions { rules }, warnings))
    }

    /// True when no rule was given.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// True when a rule suppresses `code` for `resource` (`None`: a finding about no resource,
    /// which only the pattern `*` matches).
    pub fn matches(&self, code: &str, resource: Option<&Resource>) -> bool {
        self.rules.iter().filter(|r| r.code == code).any(|r| {
            if r.pattern == "*" {
                return true;
            }
            let Some(resource) = resource else {
                return false;
            };
            names(resource).iter().any(|name| glob(&r.pattern, name))
        })
    }
}

/// The names a pattern may be written against: `Kind name` for cluster-scoped resources, and
/// both `Kind name.namespace` (istioctl's documented form) and `Kind namespace/name` (the
/// origin printed in findings) for namespaced ones.
fn names(resource: &Resource) -> Vec<String> {
    let kind = resource.kind();
    if resource.namespace.is_empty() {
        vec![format!("{kind} {}", resource.name)]
    } else {
        vec![
            format!("{kind} {}.{}", resource.name, resource.namespace),
            format!("{kind} {}/{}", resource.namespace, resource.name),
        ]
    }
}

/// True when the resource's `galley.istio.io/analyze-suppress` annotation lists `code` or `*`.
pub fn annotation_suppresses(resource: &Resource, code: &str) -> bool {
    resource.annotation(ANNOTATION).is_some_and(|codes| {
        codes
            .split(',')
            .map(str::trim)
            .any(|c| c == "*" || c == code)
    })
}

/// Matches `text` against `pattern`, where `*` stands for any run of characters (including
/// none) and every other character for itself. Linear in practice: the classic greedy
/// algorithm with one backtrack point.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Origin;
    use serde_json::json;

    fn resource(kind: &str, ns: &str, name: &str, annotations: serde_json::Value) -> Resource {
        Resource {
            kind_key: kind.into(),
            namespace: ns.into(),
            name: name.into(),
            doc: istio_core::tree::Document::from_json(
                &json!({"metadata": {"name": name, "annotations": annotations}}),
            ),
            origin: Origin::Cluster,
        }
    }

    #[test]
    fn globs() {
        assert!(glob("Pod *.baz", "Pod foo.baz"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYbZc"));
        assert!(!glob("a*b*c", "aXbYbZ"));
        assert!(glob("Pod foo", "Pod foo"));
        assert!(!glob("Pod foo", "Pod foo.bar"));
        assert!(glob("**x", "x"));
    }

    #[test]
    fn rules_match_istioctl_and_origin_forms() {
        let specs = vec![
            "IST0102=Namespace frod".to_owned(),
            "IST0107=Pod *.baz".to_owned(),
            "IST0118=Service shop/*".to_owned(),
        ];
        let (s, _) = Suppressions::parse(&specs).expect("valid");
        let ns = resource("Namespace", "", "frod", json!({}));
        let pod = resource("Pod", "baz", "p", json!({}));
        let svc = resource("Service", "shop", "cart", json!({}));
        assert!(s.matches("IST0102", Some(&ns)));
        assert!(!s.matches("IST0118", Some(&ns)));
        assert!(s.matches("IST0107", Some(&pod)));
        assert!(s.matches("IST0118", Some(&svc)));
        assert!(!s.matches("IST0118", Some(&pod)));
        assert!(!s.matches("IST0102", None));
    }

    #[test]
    fn unknown_codes_warn_and_malformed_values_fail() {
        let (_, warnings) = Suppressions::parse(&["IST9999=Pod x".to_owned()]).expect("valid");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("IST9999"));
        assert!(Suppressions::parse(&["IST0102".to_owned()]).is_err());
        assert!(Suppressions::parse(&["=Pod x".to_owned()]).is_err());
    }

    #[test]
    fn annotation_lists_codes_or_star() {
        let r = resource("Pod", "a", "p", json!({ANNOTATION: "IST0103, IST0118"}));
        assert!(annotation_suppresses(&r, "IST0118"));
        assert!(!annotation_suppresses(&r, "IST0102"));
        let all = resource("Pod", "a", "p", json!({ANNOTATION: "*"}));
        assert!(annotation_suppresses(&all, "IST0102"));
        let none = resource("Pod", "a", "p", json!({}));
        assert!(!annotation_suppresses(&none, "IST0102"));
    }
}
