//! `x check-inject` as one call: for each of Istio's injection webhooks on the cluster
//! (revision injectors and revision tags), would it inject a pod with these labels in this
//! namespace, and why. A webhook injects when one of its webhooks' `namespaceSelector` selects
//! the namespace's labels and its `objectSelector` the pod's, as the API server decides.

use std::collections::BTreeMap;

use serde_json::Value;

use istio_kube::{Cluster, KubeError, ListScope};

use crate::render::REVISION_LABEL;

/// Labels, by key.
pub type Labels = BTreeMap<String, String>;

/// Whose labels to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// Pod labels given directly (`-l`).
    Labels(Labels),
    /// A pod, by name.
    Pod(String),
    /// A Deployment, by name: its pod template's labels.
    Deployment(String),
}

/// One webhook configuration's answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// The MutatingWebhookConfiguration.
    pub webhook: String,
    /// The revision it injects (its `istio.io/rev` label, `default` without one).
    pub revision: String,
    /// Whether it would inject.
    pub injected: bool,
    /// Why (not).
    pub reason: String,
}

/// Why the check could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CheckInjectError {
    /// A call to the cluster failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Kube(#[from] KubeError),
    /// The namespace, pod or Deployment does not exist.
    #[error("{what} not found")]
    #[diagnostic(help("check the name and the namespace (-n)"))]
    NotFound {
        /// What was looked for, e.g. `pod shop/web-1`.
        what: String,
    },
    /// No injection webhook is installed.
    #[error(
        "no Istio injection webhook (MutatingWebhookConfiguration) is installed on the cluster"
    )]
    #[diagnostic(help("install a control plane with `istioctl install`"))]
    NoWebhooks,
}

/// The labels at `pointer` of an object.
fn labels_at(object: &Value, pointer: &str) -> Labels {
    object
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    operator: String,
    values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(&self.key);
        match self.operator.as_str() {
            "In" => value.is_some_and(|v| self.values.contains(v)),
            "NotIn" => value.is_none_or(|v| !self.values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            // An operator the API server would have refused: it selects nothing.
            _ => false,
        }
    }

    /// `key=value` labels that satisfy it positively (`In`, `Exists`), for reasons.
    fn wanted(&self) -> Vec<String> {
        match self.operator.as_str() {
            "In" => self
                .values
                .iter()
                .map(|v| format!("{}={v}", self.key))
                .collect(),
            "Exists" => vec![self.key.clone()],
            _ => Vec::new(),
        }
    }
}

/// The requirements of a label selector (`matchLabels` as `In`); an absent selector has none
/// and selects everything.
fn requirements(selector: Option<&Value>) -> Vec<Requirement> {
    let Some(selector) = selector else {
        return Vec::new();
    };
    let mut out: Vec<Requirement> = labels_at(selector, "/matchLabels")
        .into_iter()
        .map(|(key, v)| Requirement {
            key,
            operator: "In".into(),
            values: vec![v],
        })
        .collect();
    for e in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = |k: &str| {
            e.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        out.push(Requirement {
            key: s("key"),
            operator: s("operator"),
            values: e
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        });
    }
    out
}

/// The labels of `labels` that positively satisfy one of `reqs`, as `key=value`.
fn matched(reqs: &[Requirement], labels: &Labels) -> Vec<String> {
    reqs.iter()
        .filter(|r| matches!(r.operator.as_str(), "In" | "Exists") && r.matches(labels))
        .filter_map(|r| labels.get(&r.key).map(|v| format!("{}={v}", r.key)))
        .collect()
}

/// True for the webhook configurations of Istio's injector: one of its webhooks is named
/// `…sidecar-injector.istio.io`.
fn is_injector(mwc: &Value) -> bool {
    mwc.get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| w.get("name").and_then(Value::as_str))
        .any(|n| n.ends_with("sidecar-injector.istio.io"))
}

/// Whether one webhook configuration would inject a pod with `pod` labels in a namespace
/// with `ns` labels, and why.
pub fn verdict(mwc: &Value, ns: &Labels, pod: &Labels) -> Verdict {
    let name = mwc
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let revision = labels_at(mwc, "/metadata/labels")
        .get(REVISION_LABEL)
        .cloned()
        .unwrap_or_else(|| "default".to_owned());
    let hooks: Vec<(Vec<Requirement>, Vec<Requirement>)> = mwc
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|w| {
            (
                requirements(w.get("namespaceSelector")),
                requirements(w.get("objectSelector")),
            )
        })
        .collect();
    let selects = |(n, o): &&(Vec<Requirement>, Vec<Requirement>)| {
        n.iter().all(|r| r.matches(ns)) && o.iter().all(|r| r.matches(pod))
    };
    if let Some((n, o)) = hooks.iter().find(selects) {
        let mut why: Vec<String> = matched(n, ns)
            .into_iter()
            .map(|l| format!("namespace label {l}"))
            .collect();
        why.extend(
            matched(o, pod)
                .into_iter()
                .map(|l| format!("pod label {l}")),
        );
        let reason = if why.is_empty() {
            "no injection label is needed: the webhook selects namespaces and pods without one"
                .to_owned()
        } else {
            format!("{} matches", why.join(" and "))
        };
        return Verdict {
            webhook: name,
            revision,
            injected: true,
            reason,
        };
    }
    let reason = if pod.get("sidecar.istio.io/inject").map(String::as_str) == Some("false") {
        "pod label sidecar.istio.io/inject=false turns injection off".to_owned()
    } else if ns.get("istio-injection").map(String::as_str) == Some("disabled") {
        "namespace label istio-injection=disabled turns injection off".to_owned()
    } else {
        let mut ns_wanted: Vec<String> = hooks
            .iter()
            .flat_map(|(n, _)| n.iter().flat_map(Requirement::wanted))
            .collect();
        let mut pod_wanted: Vec<String> = hooks
            .iter()
            .flat_map(|(_, o)| o.iter().flat_map(Requirement::wanted))
            .collect();
        for v in [&mut ns_wanted, &mut pod_wanted] {
            v.sort();
            v.dedup();
        }
        let show = |v: &[String]| {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.join(", ")
            }
        };
        format!(
            "no matching namespace label ({}) or pod label ({})",
            show(&ns_wanted),
            show(&pod_wanted)
        )
    };
    Verdict {
        webhook: name,
        revision,
        injected: false,
        reason,
    }
}

/// One object, or [`CheckInjectError::NotFound`] naming it as `what namespace/name`.
async fn fetch(
    cluster: &Cluster,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    what: &str,
) -> Result<serde_json::Value, CheckInjectError> {
    let kind = cluster.require_kind(api_version, kind)?;
    cluster
        .get(&kind, namespace, name)
        .await?
        .ok_or_else(|| CheckInjectError::NotFound {
            what: format!("{what} {}", istio_kube::qualified(namespace, name)),
        })
}

/// The verdict of every Istio injection webhook on the cluster for `subject` in `namespace`,
/// sorted by webhook name.
pub async fn check_inject(
    cluster: &Cluster,
    namespace: &str,
    subject: &Subject,
) -> Result<Vec<Verdict>, CheckInjectError> {
    let ns = fetch(cluster, "v1", "Namespace", None, namespace, "namespace").await?;
    let ns_labels = labels_at(&ns, "/metadata/labels");
    let pod_labels = match subject {
        Subject::Labels(l) => l.clone(),
        Subject::Pod(name) => {
            let pod = fetch(cluster, "v1", "Pod", Some(namespace), name, "pod").await?;
            labels_at(&pod, "/metadata/labels")
        }
        Subject::Deployment(name) => {
            let d = fetch(
                cluster,
                "apps/v1",
                "Deployment",
                Some(namespace),
                name,
                "deployment",
            )
            .await?;
            labels_at(&d, "/spec/template/metadata/labels")
        }
    };
    let kind = cluster.require_kind(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    )?;
    let mut out: Vec<Verdict> = cluster
        .list(&kind, ListScope::All, None)
        .await?
        .iter()
        .filter(|m| is_injector(m))
        .map(|m| verdict(m, &ns_labels, &pod_labels))
        .collect();
    if out.is_empty() {
        return Err(CheckInjectError::NoWebhooks);
    }
    out.sort_by(|a, b| a.webhook.cmp(&b.webhook));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn tag_webhook() -> Value {
        json!({
            "metadata": {"name": "istio-revision-tag-prod", "labels": {"istio.io/rev": "b"}},
            "webhooks": [
                {"name": "rev.namespace.sidecar-injector.istio.io",
                 "namespaceSelector": {"matchExpressions": [
                     {"key": "istio.io/rev", "operator": "In", "values": ["prod"]},
                     {"key": "istio-injection", "operator": "DoesNotExist"}]},
                 "objectSelector": {"matchExpressions": [
                     {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]}]}},
                {"name": "rev.object.sidecar-injector.istio.io",
                 "namespaceSelector": {"matchExpressions": [
                     {"key": "istio.io/rev", "operator": "DoesNotExist"},
                     {"key": "istio-injection", "operator": "DoesNotExist"}]},
                 "objectSelector": {"matchExpressions": [
                     {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]},
                     {"key": "istio.io/rev", "operator": "In", "values": ["prod"]}]}},
            ],
        })
    }

    #[test]
    fn selectors_decide_and_the_reason_names_the_labels() {
        let hook = tag_webhook();
        let v = verdict(&hook, &labels(&[("istio.io/rev", "prod")]), &labels(&[]));
        assert!(v.injected);
        assert_eq!(v.revision, "b");
        assert_eq!(v.reason, "namespace label istio.io/rev=prod matches");
        let v = verdict(&hook, &labels(&[]), &labels(&[("istio.io/rev", "prod")]));
        assert!(v.injected);
        assert_eq!(v.reason, "pod label istio.io/rev=prod matches");
        let v = verdict(
            &hook,
            &labels(&[("istio.io/rev", "prod")]),
            &labels(&[("sidecar.istio.io/inject", "false")]),
        );
        assert!(!v.injected);
        assert_eq!(
            v.reason,
            "pod label sidecar.istio.io/inject=false turns injection off"
        );
        let v = verdict(&hook, &labels(&[("istio.io/rev", "a")]), &labels(&[]));
        assert!(!v.injected);
        assert_eq!(
            v.reason,
            "no matching namespace label (istio.io/rev=prod) or pod label (istio.io/rev=prod)"
        );
    }
}
