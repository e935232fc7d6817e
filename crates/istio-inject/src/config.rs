//! The injector's configuration (the `config` key of the `istio-sidecar-injector` ConfigMap)
//! and the Helm values it was rendered with (its `values` key).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::template::{Template, TemplateError, Value};
use crate::yaml;

/// The injection policy of the injector configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Inject unless a pod opts out.
    Enabled,
    /// Inject only pods that opt in.
    Disabled,
}

/// A problem with the injector configuration or the values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The text is not YAML.
    #[error("{what} is not valid YAML (line {line}): {message}")]
    Yaml {
        /// Which input.
        what: &'static str,
        /// 1-based line.
        line: u32,
        /// The parser's message.
        message: String,
    },
    /// A field has the wrong shape.
    #[error("{0}")]
    Invalid(String),
    /// A template does not parse.
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// A label selector of `neverInjectSelector`/`alwaysInjectSelector`.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    match_labels: BTreeMap<String, String>,
    expressions: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    fn from_json(v: &Json) -> Result<Selector, ConfigError> {
        let mut match_labels = BTreeMap::new();
        if let Some(Json::Object(m)) = v.get("matchLabels") {
            for (k, v) in m {
                match_labels.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
            }
        }
        let mut expressions = Vec::new();
        if let Some(Json::Array(list)) = v.get("matchExpressions") {
            for e in list {
                let key = e
                    .get("key")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string();
                let op = e
                    .get("operator")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string();
                if !matches!(op.as_str(), "In" | "NotIn" | "Exists" | "DoesNotExist") {
                    return Err(ConfigError::Invalid(format!(
                        "selector expression on {key:?}: unknown operator {op:?} (use In, NotIn, Exists or DoesNotExist)"
                    )));
                }
                let values = match e.get("values") {
                    Some(Json::Array(a)) => a
                        .iter()
                        .map(|x| x.as_str().unwrap_or_default().to_string())
                        .collect(),
                    _ => Vec::new(),
                };
                expressions.push((key, op, values));
            }
        }
        Ok(Selector {
            match_labels,
            expressions,
        })
    }

    /// Whether the selector selects nothing-in-particular (matches no pod in istiod).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty()
    }

    /// Whether `labels` match.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self
                .expressions
                .iter()
                .all(|(k, op, values)| match op.as_str() {
                    "In" => labels.get(k).is_some_and(|v| values.contains(v)),
                    "NotIn" => labels.get(k).is_none_or(|v| !values.contains(v)),
                    "Exists" => labels.contains_key(k),
                    _ => !labels.contains_key(k),
                })
    }
}

/// The injector configuration.
#[derive(Debug, Clone)]
pub struct InjectConfig {
    /// The injection policy.
    pub policy: Policy,
    /// Pods whose labels match are injected unless they opt out.
    pub always_inject: Vec<Selector>,
    /// Pods whose labels match are not injected unless they opt in.
    pub never_inject: Vec<Selector>,
    /// Annotations added to every injected pod.
    pub injected_annotations: BTreeMap<String, String>,
    /// Templates applied when a pod names none.
    pub default_templates: Vec<String>,
    /// Template names that stand for lists of templates.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// The templates by name.
    pub templates: BTreeMap<String, Template>,
}

fn string_map(v: Option<&Json>, what: &str) -> Result<BTreeMap<String, String>, ConfigError> {
    match v {
        None | Some(Json::Null) => Ok(BTreeMap::new()),
        Some(Json::Object(m)) => Ok(m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect()),
        Some(_) => Err(ConfigError::Invalid(format!("{what} must be a mapping"))),
    }
}

fn string_list(v: Option<&Json>, what: &str) -> Result<Vec<String>, ConfigError> {
    match v {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str().map(str::to_string).ok_or_else(|| {
                    ConfigError::Invalid(format!("{what} must be a list of strings"))
                })
            })
            .collect(),
        Some(_) => Err(ConfigError::Invalid(format!("{what} must be a list"))),
    }
}

impl InjectConfig {
    /// Parses an injector configuration. A text that is not a configuration with
    /// `templates` (or the legacy `template`) is taken as one `sidecar` template, as istioctl
    /// reads `--injectConfigFile`.
    pub fn parse(text: &str) -> Result<InjectConfig, ConfigError> {
        let parsed = yaml::parse(text);
        let has_templates = |m: &Map<String, Json>| {
            m.get("templates")
                .is_some_and(|t| t.as_object().is_some_and(|o| !o.is_empty()))
                || m.get("template")
                    .is_some_and(|t| t.as_str().is_some_and(|s| !s.trim().is_empty()))
        };
        match parsed {
            Ok(Json::Object(m)) if has_templates(&m) => InjectConfig::from_map(&m),
            _ => {
                let mut templates = BTreeMap::new();
                templates.insert("sidecar".to_string(), Template::parse("sidecar", text)?);
                Ok(InjectConfig {
                    policy: Policy::Enabled,
                    always_inject: Vec::new(),
                    never_inject: Vec::new(),
                    injected_annotations: BTreeMap::new(),
                    default_templates: vec!["sidecar".into()],
                    aliases: BTreeMap::new(),
                    templates,
                })
            }
        }
    }

    fn from_map(m: &Map<String, Json>) -> Result<InjectConfig, ConfigError> {
        let policy = match m.get("policy").and_then(Json::as_str) {
            None | Some("enabled") => Policy::Enabled,
            Some("disabled") => Policy::Disabled,
            Some(other) => {
                return Err(ConfigError::Invalid(format!(
                    "policy: unknown value {other:?} (use enabled or disabled)"
                )))
            }
        };
        let selectors = |k: &str| -> Result<Vec<Selector>, ConfigError> {
            match m.get(k) {
                None | Some(Json::Null) => Ok(Vec::new()),
                Some(Json::Array(a)) => a.iter().map(Selector::from_json).collect(),
                Some(_) => Err(ConfigError::Invalid(format!(
                    "{k} must be a list of label selectors"
                ))),
            }
        };
        let mut templates = BTreeMap::new();
        match m.get("templates") {
            None | Some(Json::Null) => {}
            Some(Json::Object(t)) => {
                for (name, src) in t {
                    let Some(src) = src.as_str() else {
                        return Err(ConfigError::Invalid(format!(
                            "templates.{name} must be a string"
                        )));
                    };
                    templates.insert(name.clone(), Template::parse(name, src)?);
                }
            }
            Some(_) => {
                return Err(ConfigError::Invalid(
                    "templates must be a mapping of names to templates".into(),
                ))
            }
        }
        // The legacy single template stands for `sidecar` when there is no such template.
        if let Some(src) = m.get("template").and_then(Json::as_str) {
            if !templates.contains_key("sidecar") && !src.trim().is_empty() {
                templates.insert("sidecar".into(), Template::parse("sidecar", src)?);
            }
        }
        let mut default_templates = string_list(m.get("defaultTemplates"), "defaultTemplates")?;
        if default_templates.is_empty() {
            default_templates.push("sidecar".into());
        }
        let mut aliases = BTreeMap::new();
        if let Some(Json::Object(a)) = m.get("aliases") {
            for (k, v) in a {
                aliases.insert(k.clone(), string_list(Some(v), "aliases")?);
            }
        }
        Ok(InjectConfig {
            policy,
            always_inject: selectors("alwaysInjectSelector")?,
            never_inject: selectors("neverInjectSelector")?,
            injected_annotations: string_map(m.get("injectedAnnotations"), "injectedAnnotations")?,
            default_templates,
            aliases,
            templates,
        })
    }
}

/// The Helm values the injector was rendered with.
#[derive(Debug, Clone, Default)]
pub struct Values {
    json: Json,
}

impl Values {
    /// Parses values (JSON or YAML); empty text is no values.
    pub fn parse(text: &str) -> Result<Values, ConfigError> {
        let json = yaml::parse(text).map_err(|e| ConfigError::Yaml {
            what: "the values",
            line: e.line,
            message: e.message,
        })?;
        Values::from_json(json)
    }

    /// Values from JSON.
    pub fn from_json(json: Json) -> Result<Values, ConfigError> {
        match json {
            Json::Null => Ok(Values {
                json: Json::Object(Map::new()),
            }),
            j @ Json::Object(_) => Ok(Values { json: j }),
            _ => Err(ConfigError::Invalid("the values must be a mapping".into())),
        }
    }

    /// The value at a dotted path.
    pub fn get(&self, path: &str) -> Option<&Json> {
        path.split('.').try_fold(&self.json, |v, k| v.get(k))
    }

    /// A string at a dotted path (numbers and booleans as text), `""` when absent.
    pub fn string(&self, path: &str) -> String {
        match self.get(path) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }

    /// A boolean at a dotted path.
    pub fn bool(&self, path: &str) -> Option<bool> {
        self.get(path).and_then(Json::as_bool)
    }

    /// The values as templates see them (`.Values`: numbers are float64 as in Go's `any`).
    pub fn value(&self) -> Value {
        Value::from_json_any(&self.json)
    }

    /// The image of the proxy (istiod's `ProxyImage`): hub, image name and tag, with the
    /// variant (`sidecar.istio.io/proxyImageType`, the proxy config's image type or
    /// `global.variant`) applied to the tag.
    pub fn proxy_image(
        &self,
        proxy_image_type: Option<&str>,
        annotations: &BTreeMap<String, String>,
    ) -> String {
        let name = match self.string("global.proxy.image") {
            s if s.is_empty() => "proxyv2".to_string(),
            s => s,
        };
        let tag = match self.get("global.tag") {
            Some(Json::Number(n)) => n.to_string(),
            _ => self.string("global.tag"),
        };
        let mut image_type =
            proxy_image_type.map_or_else(|| self.string("global.variant"), str::to_string);
        if let Some(t) = annotations.get("sidecar.istio.io/proxyImageType") {
            image_type = t.clone();
        }
        let hub = self.string("global.hub");
        format!("{hub}/{name}:{}", tag_with_type(&tag, &image_type))
    }
}

fn tag_with_type(tag: &str, image_type: &str) -> String {
    if image_type.is_empty() {
        return tag.to_string();
    }
    let mut tag = tag;
    for known in ["distroless", "debug"] {
        if let Some(t) = tag.strip_suffix(&format!("-{known}")) {
            tag = t;
            break;
        }
    }
    if image_type == "default" {
        tag.to_string()
    } else {
        format!("{tag}-{image_type}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_config_and_bare_templates() {
        let c = InjectConfig::parse("policy: disabled\ntemplates:\n  sidecar: 'a: {{ .X }}'\naliases:\n  both: [sidecar, x]\n").unwrap();
        assert_eq!(c.policy, Policy::Disabled);
        assert_eq!(c.default_templates, vec!["sidecar"]);
        assert_eq!(c.aliases["both"], vec!["sidecar", "x"]);
        let bare = InjectConfig::parse("spec:\n  containers: []\n").unwrap();
        assert!(bare.templates.contains_key("sidecar"));
    }

    #[test]
    fn proxy_image() {
        let v = Values::parse(
            r#"{"global": {"hub": "h", "tag": "1.2-distroless", "proxy": {"image": "p"}}}"#,
        )
        .unwrap();
        assert_eq!(v.proxy_image(None, &BTreeMap::new()), "h/p:1.2-distroless");
        assert_eq!(
            v.proxy_image(Some("debug"), &BTreeMap::new()),
            "h/p:1.2-debug"
        );
        assert_eq!(v.proxy_image(Some("default"), &BTreeMap::new()), "h/p:1.2");
    }
}
