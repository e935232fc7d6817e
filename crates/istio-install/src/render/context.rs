//! The injector configuration istiod reads (the `config` key of the `istio-sidecar-injector`
//! ConfigMap), built from the istiod chart's values.

use serde_json::{json, Map, Value};

use super::templates;
use super::yaml::to_yaml;

/// What the injector configuration is built from: the istiod chart's values.
#[derive(Debug, Clone)]
pub struct Context {
    /// The istiod chart's values (`sidecarInjectorWebhook`, `global`, …).
    pub values: Value,
}

impl Context {
    /// The context for the istiod chart's values.
    pub fn for_values(values: &Value) -> Self {
        Context {
            values: values.clone(),
        }
    }

    /// The injector ConfigMap's `config`: policy, selectors and injection templates (ours, one
    /// file each under `manifests/injection/`, then the values' custom templates).
    pub fn injector_config(&self) -> String {
        let hook = &self.values["sidecarInjectorWebhook"];
        let mut templates = Map::new();
        for name in INJECTION_TEMPLATES {
            templates.insert(
                (*name).into(),
                templates::raw(&format!("injection/{name}.tmpl")).into(),
            );
        }
        if let Some(custom) = hook["templates"].as_object() {
            templates.extend(custom.clone());
        }
        let default_templates = match hook["defaultTemplates"].as_array() {
            Some(list) if !list.is_empty() => Value::Array(list.clone()),
            _ => json!(["sidecar"]),
        };
        let policy = if self.values["global"]["proxy"]["autoInject"] == "disabled" {
            "disabled"
        } else {
            "enabled"
        };
        let mut config = json!({
            "defaultTemplates": default_templates,
            "policy": policy,
            "alwaysInjectSelector": hook["alwaysInjectSelector"],
            "neverInjectSelector": hook["neverInjectSelector"],
            "template": "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}",
            "templates": templates,
        });
        // Istio writes the annotations only when some are set.
        if hook["injectedAnnotations"]
            .as_object()
            .is_some_and(|a| !a.is_empty())
        {
            config["injectedAnnotations"] = hook["injectedAnnotations"].clone();
        }
        to_yaml(&config)
    }
}

/// The injection templates the injector ConfigMap carries, by name.
const INJECTION_TEMPLATES: &[&str] = &[
    "sidecar",
    "gateway",
    "grpc-simple",
    "grpc-agent",
    "waypoint",
    "kube-gateway",
    "agentgateway",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn config(hook: Value) -> Value {
        let ctx = Context::for_values(&json!({ "sidecarInjectorWebhook": hook }));
        serde_saphyr::from_str(&ctx.injector_config()).unwrap()
    }

    #[test]
    fn injected_annotations_only_when_set() {
        let empty = config(json!({ "injectedAnnotations": {} }));
        assert!(empty.get("injectedAnnotations").is_none());
        let set = config(json!({ "injectedAnnotations": { "team": "shop" } }));
        assert_eq!(set["injectedAnnotations"], json!({ "team": "shop" }));
        assert_eq!(set["defaultTemplates"], json!(["sidecar"]));
    }
}
