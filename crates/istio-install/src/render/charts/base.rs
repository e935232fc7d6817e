//! The base chart: Istio's CRDs, the reader service account, and the default revision's
//! validation webhook and policy.

use serde_json::{json, Map, Value};

use super::istiod::validation_policy;
use super::{labels, meta, pull_secrets, with, Rendered};
use crate::render::chart::{at, first_text, istio_labels, list, text, truthy, Chart, Scope};
use crate::render::data;

/// The names of the CRDs the base chart renders with these values.
pub fn crd_names(v: &Value) -> Result<Vec<&'static str>, crate::render::chart::BadSetting> {
    let scope = Scope::from_values(v)?;
    if !(scope.cluster
        && truthy(at(v, "base.enableCRDTemplates"))
        && truthy(at(v, "base.enableIstioConfigCRDs")))
    {
        return Ok(Vec::new());
    }
    let excluded: Vec<String> = list(at(v, "base.excludedCRDs")).iter().map(text).collect();
    Ok(data::crd_names()
        .filter(|n| !excluded.iter().any(|e| e == n))
        .collect())
}

/// Everything the base chart renders; the CRDs only `with_crds` (else see [`crd_names`]).
pub fn render(v: &Value, with_crds: bool) -> Rendered {
    let scope = Scope::from_values(v)?;
    let mut out = Vec::new();
    let istio_ns = first_text(&[at(v, "global.istioNamespace")]);
    if with_crds {
        let names = crd_names(v)?;
        for mut crd in data::crds() {
            let name = crd["metadata"]["name"].as_str().unwrap_or_default();
            if !names.contains(&name) {
                continue;
            }
            crd["metadata"]["labels"] = Value::Object(istio_labels(Chart::Base, None));
            out.push(crd);
        }
    }
    if scope.namespaced && v["global"]["enableReaderRBAC"] != Value::Bool(false) {
        let mut sa = json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": meta(
                "istio-reader-service-account",
                Some(&istio_ns),
                with(
                    labels([("app", "istio-reader".into()), ("release", "istio".into())]),
                    istio_labels(Chart::Base, Some("istio-reader")),
                ),
                None,
            ),
        });
        if let Some(secrets) = pull_secrets(at(v, "global.imagePullSecrets")) {
            sa["imagePullSecrets"] = secrets;
        }
        out.push(sa);
    }
    let default_rev = text(&v["defaultRevision"]);
    if scope.cluster && !default_rev.is_empty() {
        out.push(default_validator(v, &default_rev, &istio_ns));
        if truthy(at(v, "experimental.stableValidationPolicy")) {
            out.extend(validation_policy(
                "stable-channel-default-policy.istio.io",
                "stable-channel-default-policy-binding",
                &default_rev,
                Chart::Base,
            ));
        }
    }
    Ok(out)
}

/// `istiod-default-validator`: validation for objects without a revision label, served by
/// the default revision's istiod.
fn default_validator(v: &Value, default_rev: &str, istio_ns: &str) -> Value {
    let mut client = Map::new();
    let url = first_text(&[at(v, "base.validationURL")]);
    if !url.is_empty() {
        client.insert("url".into(), url.into());
    } else {
        let service = if default_rev == "default" {
            "istiod".to_owned()
        } else {
            format!("istiod-{default_rev}")
        };
        client.insert(
            "service".into(),
            json!({"name": service, "namespace": istio_ns, "path": "/validate"}),
        );
    }
    let ca = first_text(&[at(v, "base.validationCABundle")]);
    if !ca.is_empty() {
        client.insert("caBundle".into(), ca.clone().into());
    }
    let policy = match first_text(&[at(v, "base.validationFailurePolicy")]) {
        p if !p.is_empty() => p,
        _ if !ca.is_empty() => "Fail".to_owned(),
        _ => "Ignore".to_owned(),
    };
    let labels = with(
        labels([
            ("app", "istiod".into()),
            ("istio", "istiod".into()),
            ("istio.io/rev", default_rev.into()),
        ]),
        istio_labels(Chart::Base, Some("istiod")),
    );
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": meta("istiod-default-validator", None, labels, None),
        "webhooks": [{
            "name": "validation.istio.io",
            "clientConfig": client,
            "rules": [{
                "operations": ["CREATE", "UPDATE"],
                "apiGroups": ["security.istio.io", "networking.istio.io", "telemetry.istio.io", "extensions.istio.io"],
                "apiVersions": ["*"],
                "resources": ["*"],
            }],
            "failurePolicy": policy,
            "sideEffects": "None",
            "admissionReviewVersions": ["v1"],
        }],
    })
}
