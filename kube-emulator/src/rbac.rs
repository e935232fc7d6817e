//! Authorization as the API server's RBAC authorizer does it (RBAC mode): Roles, ClusterRoles
//! and their bindings in the store decide; `system:masters` may do anything; every
//! authenticated user may discover the API and review its own access (the default
//! `system:discovery`, `system:public-info-viewer` and `system:basic-user` roles).

use serde_json::{json, Value};

use crate::status::{qualified, ApiError};
use crate::store::Store;

/// Who a request comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    /// The user name.
    pub name: String,
    /// The groups, `system:authenticated` included.
    pub groups: Vec<String>,
}

impl Identity {
    /// A user with the given groups plus `system:authenticated`.
    pub fn new(name: &str, groups: &[String]) -> Self {
        let mut all = groups.to_vec();
        if !all.iter().any(|g| g == "system:authenticated") {
            all.push("system:authenticated".into());
        }
        Self {
            name: name.to_string(),
            groups: all,
        }
    }

    fn is_master(&self) -> bool {
        self.groups.iter().any(|g| g == "system:masters")
    }
}

/// What a resource request asks to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attributes {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
}

fn strs(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn subject_matches(subject: &Value, who: &Identity) -> bool {
    let name = subject["name"].as_str().unwrap_or_default();
    match subject["kind"].as_str() {
        Some("User") => name == who.name,
        Some("Group") => who.groups.iter().any(|g| g == name),
        Some("ServiceAccount") => {
            let ns = subject["namespace"].as_str().unwrap_or_default();
            who.name == format!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

fn rule_allows(rule: &Value, attrs: &Attributes) -> bool {
    let verbs = strs(&rule["verbs"]);
    let groups = strs(&rule["apiGroups"]);
    let resources = strs(&rule["resources"]);
    let names = strs(&rule["resourceNames"]);
    let resource = if attrs.subresource.is_empty() {
        attrs.resource.clone()
    } else {
        format!("{}/{}", attrs.resource, attrs.subresource)
    };
    let star_sub = format!("*/{}", attrs.subresource);
    (verbs.contains(&"*") || verbs.contains(&attrs.verb.as_str()))
        && (groups.contains(&"*") || groups.contains(&attrs.group.as_str()))
        && (resources.contains(&"*")
            || resources.contains(&resource.as_str())
            || (!attrs.subresource.is_empty() && resources.contains(&star_sub.as_str())))
        && (names.is_empty() || (!attrs.name.is_empty() && names.contains(&attrs.name.as_str())))
}

/// The rules bound to `who` in `namespace` (cluster-wide ones included) and what binds each.
fn rules_for(store: &Store, who: &Identity, namespace: &str) -> Vec<(Value, String)> {
    let mut out = Vec::new();
    let role_rules = |kind: &str, ns: &str, name: &str| -> Vec<Value> {
        let (resource, ns) = if kind == "ClusterRole" {
            ("clusterroles", "")
        } else {
            ("roles", ns)
        };
        store
            .list_prefix(
                "rbac.authorization.k8s.io",
                resource,
                (!ns.is_empty()).then_some(ns),
            )
            .find(|(k, _)| k.name == name && k.namespace == ns)
            .map(|(_, role)| role["rules"].as_array().cloned().unwrap_or_default())
            .unwrap_or_default()
    };
    for (key, binding) in
        store.list_prefix("rbac.authorization.k8s.io", "clusterrolebindings", None)
    {
        if binding["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| subject_matches(s, who))
        {
            let role = binding
                .pointer("/roleRef/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let why = format!("ClusterRoleBinding {:?} of ClusterRole {role:?}", key.name);
            for rule in role_rules("ClusterRole", "", role) {
                out.push((rule, why.clone()));
            }
        }
    }
    if !namespace.is_empty() {
        for (key, binding) in
            store.list_prefix("rbac.authorization.k8s.io", "rolebindings", Some(namespace))
        {
            if binding["subjects"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| subject_matches(s, who))
            {
                let kind = binding
                    .pointer("/roleRef/kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let role = binding
                    .pointer("/roleRef/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let why = format!(
                    "RoleBinding \"{}/{}\" of {kind} {role:?}",
                    namespace, key.name
                );
                for rule in role_rules(kind, namespace, role) {
                    out.push((rule, why.clone()));
                }
            }
        }
    }
    out
}

/// The rules every authenticated user has (`system:basic-user`).
fn basic_rules() -> Vec<Value> {
    vec![
        json!({ "verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] }),
        json!({ "verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"] }),
    ]
}

/// Whether `who` may do `attrs`, and the reason the RBAC authorizer gives when it may.
pub(crate) fn decide(store: &Store, who: &Identity, attrs: &Attributes) -> (bool, String) {
    if who.is_master() {
        return (true, String::new());
    }
    if basic_rules().iter().any(|r| rule_allows(r, attrs)) {
        return (true, "RBAC: allowed by ClusterRoleBinding \"system:basic-user\" of ClusterRole \"system:basic-user\" to Group \"system:authenticated\"".into());
    }
    for (rule, why) in rules_for(store, who, &attrs.namespace) {
        if rule_allows(&rule, attrs) {
            return (
                true,
                format!("RBAC: allowed by {why} to User {:?}", who.name),
            );
        }
    }
    (false, String::new())
}

/// The 403 for a denied request, worded like the API server's.
pub(crate) fn forbidden(who: &Identity, attrs: &Attributes) -> ApiError {
    let resource = qualified(&attrs.group, &attrs.resource);
    let subject = if attrs.name.is_empty() {
        resource.clone()
    } else {
        format!("{resource} {:?}", attrs.name)
    };
    let what = if attrs.subresource.is_empty() {
        attrs.resource.clone()
    } else {
        format!("{}/{}", attrs.resource, attrs.subresource)
    };
    let scope = if attrs.namespace.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace {:?}", attrs.namespace)
    };
    let mut err = ApiError::forbidden(format!(
        "{subject} is forbidden: User {:?} cannot {} resource {what:?} in API group {:?} {scope}",
        who.name, attrs.verb, attrs.group
    ));
    let mut details = json!({ "name": attrs.name });
    if !attrs.group.is_empty() {
        details["group"] = json!(attrs.group);
    }
    details["kind"] = json!(attrs.resource);
    err.details = Some(details);
    err
}

/// The rules of `who` in `namespace`, as SelfSubjectRulesReview reports them.
pub(crate) fn rules_review(store: &Store, who: &Identity, namespace: &str) -> Value {
    let mut resource_rules: Vec<Value> = Vec::new();
    let mut non_resource = vec![json!({
        "verbs": ["get"],
        "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
    })];
    if who.is_master() {
        resource_rules.push(json!({ "verbs": ["*"], "apiGroups": ["*"], "resources": ["*"] }));
        non_resource.insert(0, json!({ "verbs": ["*"], "nonResourceURLs": ["*"] }));
    }
    resource_rules.extend(basic_rules());
    for (rule, _) in rules_for(store, who, namespace) {
        let mut entry = json!({ "verbs": rule["verbs"] });
        for key in ["apiGroups", "resources", "resourceNames"] {
            if rule.get(key).is_some_and(|v| !v.is_null()) {
                entry[key] = rule[key].clone();
            }
        }
        if rule.get("nonResourceURLs").is_some_and(|v| !v.is_null()) {
            non_resource.push(
                json!({ "verbs": rule["verbs"], "nonResourceURLs": rule["nonResourceURLs"] }),
            );
        } else {
            resource_rules.push(entry);
        }
    }
    json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource,
        "incomplete": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(verb: &str, group: &str, resource: &str, namespace: &str) -> Attributes {
        Attributes {
            verb: verb.into(),
            group: group.into(),
            resource: resource.into(),
            namespace: namespace.into(),
            ..Attributes::default()
        }
    }

    #[test]
    fn rules_and_wording() {
        let alice = Identity::new("alice", &[]);
        let rule = json!({ "verbs": ["get", "list"], "apiGroups": ["apps"], "resources": ["deployments", "*/status"] });
        assert!(rule_allows(
            &rule,
            &attrs("get", "apps", "deployments", "ns")
        ));
        assert!(!rule_allows(
            &rule,
            &attrs("create", "apps", "deployments", "ns")
        ));
        let mut status = attrs("get", "apps", "daemonsets", "ns");
        status.subresource = "status".into();
        assert!(rule_allows(&rule, &status));
        let named = json!({ "verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"] });
        let mut get_a = attrs("get", "", "configmaps", "ns");
        assert!(!rule_allows(&named, &get_a));
        get_a.name = "a".into();
        assert!(rule_allows(&named, &get_a));
        assert_eq!(
            forbidden(&alice, &attrs("create", "apps", "deployments", "istio-system")).message,
            "deployments.apps is forbidden: User \"alice\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"istio-system\""
        );
        assert_eq!(
            forbidden(&alice, &attrs("list", "", "namespaces", "")).message,
            "namespaces is forbidden: User \"alice\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"
        );
        assert_eq!(
            forbidden(&alice, &get_a).message,
            "configmaps \"a\" is forbidden: User \"alice\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"ns\""
        );
    }
}
