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
        to_yaml(&json!({
            "defaultTemplates": default_templates,
            "policy": policy,
            "alwaysInjectSelector": hook["alwaysInjectSelector"],
            "neverInjectSelector": hook["neverInjectSelector"],
            "injectedAnnotations": hook["injectedAnnotations"],
            "template": "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}",
            "templates": templates,
        }))
    }
}

/// The injection templates the injector ConfigMap carries, by name.
const INJECTION_TEMPLATES: &[&str] = &["sidecar", "gateway", "grpc-simple", "grpc-agent"];
