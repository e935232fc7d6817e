//! Kubernetes built-in kinds (Pod, Deployment, Service, …) checked for shape against
//! k8s-openapi's types, i.e. Kubernetes 1.32's API.
//!
//! [`check`] picks the k8s-openapi type of a resource from its `apiVersion` and `kind` and
//! deserializes the parsed document into it with a small deserializer over [`serde_json::Value`]
//! that knows where it is: a value of the wrong type is reported with its field path
//! (`spec.template.spec.containers[0].ports[0].containerPort`), and a field the type does not
//! have (which k8s-openapi would silently drop) is reported as unknown, with the closest known
//! name of that object as a suggestion (the deserializer sees each object's field names, which
//! k8s-openapi passes to `deserialize_struct`). After a type error the document is deserialized
//! again without the offending value, so every problem is reported, not only the first.
//!
//! Like Kubernetes, `null` counts as an absent field, and numbers are accepted as quantities
//! (`cpu: 1`). A kind of one of Kubernetes' groups in a version Kubernetes 1.32 does not serve
//! (`apps/v1beta1` Deployment) is an error naming the served versions, and so is a kind the group
//! does not have; resources of other groups (custom resources) are not checked here.

use std::cell::RefCell;
use std::fmt;

use k8s_openapi::Resource;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;

use super::validate::closest;

/// A shape problem in a Kubernetes built-in resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// Field path (`spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`), or `""` for
    /// the whole resource.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// One kind of k8s-openapi with its checker.
struct Builtin {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    check: fn(&Value) -> Vec<ShapeError>,
}

macro_rules! builtins {
    ($($ty:ty),* $(,)?) => {
        &[$(Builtin {
            group: <$ty as Resource>::GROUP,
            version: <$ty as Resource>::VERSION,
            kind: <$ty as Resource>::KIND,
            check: shape::<$ty>,
        }),*]
    };
}

use k8s_openapi::api as k;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration;

/// Every kind k8s-openapi has for Kubernetes 1.32.
static BUILTINS: &[Builtin] = builtins![
    k::core::v1::Binding,
    k::core::v1::ComponentStatus,
    k::core::v1::ConfigMap,
    k::core::v1::Endpoints,
    k::core::v1::Event,
    k::core::v1::LimitRange,
    k::core::v1::Namespace,
    k::core::v1::Node,
    k::core::v1::PersistentVolume,
    k::core::v1::PersistentVolumeClaim,
    k::core::v1::Pod,
    k::core::v1::PodTemplate,
    k::core::v1::ReplicationController,
    k::core::v1::ResourceQuota,
    k::core::v1::Secret,
    k::core::v1::Service,
    k::core::v1::ServiceAccount,
    k::admissionregistration::v1::MutatingWebhookConfiguration,
    k::admissionregistration::v1::ValidatingAdmissionPolicy,
    k::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
    k::admissionregistration::v1::ValidatingWebhookConfiguration,
    k::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
    k::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
    k::admissionregistration::v1beta1::ValidatingAdmissionPolicy,
    k::admissionregistration::v1beta1::ValidatingAdmissionPolicyBinding,
    apiextensions::v1::CustomResourceDefinition,
    apiregistration::v1::APIService,
    k::apps::v1::ControllerRevision,
    k::apps::v1::DaemonSet,
    k::apps::v1::Deployment,
    k::apps::v1::ReplicaSet,
    k::apps::v1::StatefulSet,
    k::authentication::v1::SelfSubjectReview,
    k::authentication::v1::TokenRequest,
    k::authentication::v1::TokenReview,
    k::authentication::v1beta1::SelfSubjectReview,
    k::authorization::v1::LocalSubjectAccessReview,
    k::authorization::v1::SelfSubjectAccessReview,
    k::authorization::v1::SelfSubjectRulesReview,
    k::authorization::v1::SubjectAccessReview,
    k::autoscaling::v1::HorizontalPodAutoscaler,
    k::autoscaling::v1::Scale,
    k::autoscaling::v2::HorizontalPodAutoscaler,
    k::batch::v1::CronJob,
    k::batch::v1::Job,
    k::certificates::v1::CertificateSigningRequest,
    k::certificates::v1alpha1::ClusterTrustBundle,
    k::coordination::v1::Lease,
    k::coordination::v1alpha2::LeaseCandidate,
    k::discovery::v1::EndpointSlice,
    k::events::v1::Event,
    k::flowcontrol::v1::FlowSchema,
    k::flowcontrol::v1::PriorityLevelConfiguration,
    k::apiserverinternal::v1alpha1::StorageVersion,
    k::networking::v1::Ingress,
    k::networking::v1::IngressClass,
    k::networking::v1::NetworkPolicy,
    k::networking::v1beta1::IPAddress,
    k::networking::v1beta1::ServiceCIDR,
    k::node::v1::RuntimeClass,
    k::policy::v1::Eviction,
    k::policy::v1::PodDisruptionBudget,
    k::rbac::v1::ClusterRole,
    k::rbac::v1::ClusterRoleBinding,
    k::rbac::v1::Role,
    k::rbac::v1::RoleBinding,
    k::resource::v1alpha3::DeviceClass,
    k::resource::v1alpha3::ResourceClaim,
    k::resource::v1alpha3::ResourceClaimTemplate,
    k::resource::v1alpha3::ResourceSlice,
    k::resource::v1beta1::DeviceClass,
    k::resource::v1beta1::ResourceClaim,
    k::resource::v1beta1::ResourceClaimTemplate,
    k::resource::v1beta1::ResourceSlice,
    k::scheduling::v1::PriorityClass,
    k::storage::v1::CSIDriver,
    k::storage::v1::CSINode,
    k::storage::v1::CSIStorageCapacity,
    k::storage::v1::StorageClass,
    k::storage::v1::VolumeAttachment,
    k::storage::v1alpha1::VolumeAttributesClass,
    k::storage::v1beta1::VolumeAttributesClass,
    k::storagemigration::v1alpha1::StorageVersionMigration,
];

/// Whether `group` (`""` for the core group) is one of Kubernetes' API groups that k8s-openapi
/// knows.
pub fn is_builtin_group(group: &str) -> bool {
    BUILTINS.iter().any(|b| b.group == group)
}

/// Checks a resource of one of Kubernetes' API groups against the k8s-openapi type of its
/// `apiVersion` and `kind`. Resources of other groups, and resources without an `apiVersion` or
/// `kind` (reported elsewhere), yield no errors; so do `…List` kinds, which are not checked.
pub fn check(value: &Value) -> Vec<ShapeError> {
    let field = |name: &str| value.get(name).and_then(Value::as_str).unwrap_or("");
    let (api_version, kind) = (field("apiVersion"), field("kind"));
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    if api_version.is_empty() || kind.is_empty() || !is_builtin_group(group) {
        return Vec::new();
    }
    if let Some(b) = BUILTINS
        .iter()
        .find(|b| b.group == group && b.version == version && b.kind == kind)
    {
        return (b.check)(value);
    }
    let error = |path: &str, message: String| {
        vec![ShapeError {
            path: path.to_owned(),
            message,
        }]
    };
    let served = |in_group: bool| -> Vec<String> {
        BUILTINS
            .iter()
            .filter(|b| b.kind == kind && (!in_group || b.group == group))
            .map(|b| api_version_of(b.group, b.version))
            .collect()
    };
    let mut elsewhere = served(true);
    if elsewhere.is_empty() {
        elsewhere = served(false);
    }
    if !elsewhere.is_empty() {
        let fix = match elsewhere.as_slice() {
            [one] => format!("use {one}"),
            many => format!("use one of: {}", many.join(", ")),
        };
        return error(
            "apiVersion",
            format!("{kind} is not served in {api_version}; {fix}"),
        );
    }
    if kind.ends_with("List") {
        return Vec::new();
    }
    let mut kinds: Vec<&str> = BUILTINS
        .iter()
        .filter(|b| b.group == group)
        .map(|b| b.kind)
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let name = match group {
        "" => "the core API group (v1)".to_owned(),
        g => g.to_owned(),
    };
    error(
        "kind",
        format!(
            "{name} has no kind {kind:?}{}; its kinds are: {}",
            closest(kind, kinds.iter().copied())
                .map(|c| format!(" (did you mean {c:?}?)"))
                .unwrap_or_default(),
            kinds.join(", ")
        ),
    )
}

fn api_version_of(group: &str, version: &str) -> String {
    match group {
        "" => version.to_owned(),
        g => format!("{g}/{version}"),
    }
}

/// At most this many type errors are reported per resource.
const MAX_ERRORS: usize = 50;

/// Deserializes `value` into `T`, collecting unknown fields and type errors; after each type
/// error the offending value is skipped and the resource deserialized again.
fn shape<T: DeserializeOwned>(value: &Value) -> Vec<ShapeError> {
    let mut ctx = Ctx::default();
    let mut errors: Vec<ShapeError> = Vec::new();
    while errors.len() < MAX_ERRORS {
        let Err(e) = T::deserialize(ValueDe::new(value, String::new(), None, &ctx)) else {
            break;
        };
        let (e, skip) = e.into_parts();
        let again = !skip.is_empty() && !ctx.skip.contains(&skip);
        if again {
            ctx.skip.push(skip);
        }
        errors.push(e);
        if !again {
            break;
        }
    }
    let mut out: Vec<ShapeError> = Vec::new();
    for u in ctx.unknown.into_inner().into_iter().chain(errors) {
        if !out.iter().any(|o| o.path == u.path) {
            out.push(u);
        }
    }
    out
}

/// State shared by one deserialization run.
#[derive(Default)]
struct Ctx {
    /// Paths of values with a type error in an earlier run: treated as absent.
    skip: Vec<String>,
    /// Unknown fields met so far.
    unknown: RefCell<Vec<ShapeError>>,
}

/// The path of `key` inside the object at `parent`, in [`crate::yaml::PathSegment::parse_path`]'s
/// syntax.
fn child_key(parent: &str, key: &str) -> String {
    if key.is_empty() || key.contains(['.', '[', ']', '"']) {
        format!("{parent}[{key:?}]")
    } else if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// A deserialization error; located (given a path and a message) by the innermost value it
/// came out of.
#[derive(Debug)]
struct DeError {
    kind: ErrorKind,
    /// The problem, and the path to skip in the next run: the value itself, or for a missing
    /// field the object lacking it.
    at: Option<(ShapeError, String)>,
}

#[derive(Debug)]
enum ErrorKind {
    InvalidType {
        expected: String,
    },
    InvalidValue {
        expected: String,
    },
    MissingField(&'static str),
    Custom(String),
    /// A complete message.
    Described(String),
}

impl DeError {
    fn new(kind: ErrorKind) -> Self {
        Self { kind, at: None }
    }

    /// Describes the error at `path`, whose value is `value`, unless an inner value did.
    fn locate(mut self, path: &str, value: &Value) -> Self {
        let skip = path;
        if self.at.is_some() {
            return self;
        }
        let (path, message) = match &self.kind {
            ErrorKind::InvalidType { expected } => (path.to_owned(), wrong_type(expected, value)),
            ErrorKind::InvalidValue { expected } => {
                let message = match (value, int_bits(expected)) {
                    (Value::Number(n), Some(bits)) => {
                        format!("{n} does not fit in a {bits}-bit integer")
                    }
                    _ => format!("{} is not valid; expected {expected}", shown(value)),
                };
                (path.to_owned(), message)
            }
            ErrorKind::MissingField(field) => (
                child_key(path, field),
                format!("missing required field {field:?}"),
            ),
            ErrorKind::Described(message) => (path.to_owned(), message.clone()),
            ErrorKind::Custom(message) => match value {
                Value::Object(_) | Value::Array(_) | Value::Null => {
                    (path.to_owned(), message.clone())
                }
                scalar => (
                    path.to_owned(),
                    format!("{} is not valid: {message}", shown(scalar)),
                ),
            },
        };
        self.at = Some((ShapeError { path, message }, skip.to_owned()));
        self
    }

    /// The problem and the path to skip in the next run.
    fn into_parts(self) -> (ShapeError, String) {
        match self.at {
            Some(at) => at,
            None => (
                ShapeError {
                    path: String::new(),
                    message: self.to_string(),
                },
                String::new(),
            ),
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((at, _)) = &self.at {
            return write!(f, "{}: {}", at.path, at.message);
        }
        match &self.kind {
            ErrorKind::InvalidType { expected } => write!(f, "must be {}", noun(expected)),
            ErrorKind::InvalidValue { expected } => write!(f, "invalid value; expected {expected}"),
            ErrorKind::MissingField(field) => write!(f, "missing required field {field:?}"),
            ErrorKind::Custom(message) | ErrorKind::Described(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(ErrorKind::Custom(msg.to_string()))
    }

    fn invalid_type(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::InvalidType {
            expected: expected.to_string(),
        })
    }

    fn invalid_value(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::InvalidValue {
            expected: expected.to_string(),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(ErrorKind::MissingField(field))
    }
}

/// The bit width of an integer type named by serde's `Expected` (`i32`), or k8s-openapi's
/// `a 32-bit integer`.
fn int_bits(expected: &str) -> Option<u32> {
    match expected {
        "i8" | "u8" => Some(8),
        "i16" | "u16" => Some(16),
        "i32" | "u32" | "a 32-bit integer" => Some(32),
        "i64" | "u64" => Some(64),
        _ => None,
    }
}

/// What a value of the expected type is, in words, from serde's or k8s-openapi's `Expected`.
fn noun(expected: &str) -> &str {
    match expected {
        _ if int_bits(expected).is_some() => "an integer",
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "an object",
        "a character" => "a string",
        "IntOrString" => "an integer or a string",
        "Quantity" => "a quantity (a number, or a string such as \"100m\")",
        e if e.starts_with("a ") || e.starts_with("an ") => e,
        // k8s-openapi's objects expect their type name.
        _ => "an object",
    }
}

/// `must be an integer, not a string ("ten")` with a hint when the fix is obvious.
fn wrong_type(expected: &str, value: &Value) -> String {
    let noun = noun(expected);
    let hint = match (noun, value) {
        ("an integer", Value::String(s)) if s.trim().parse::<i64>().is_ok() => {
            "; remove the quotes"
        }
        ("a number", Value::String(s)) if s.trim().parse::<f64>().is_ok() => "; remove the quotes",
        ("a boolean", Value::String(s)) if matches!(s.as_str(), "true" | "false") => {
            "; remove the quotes"
        }
        ("a string", Value::Number(_) | Value::Bool(_)) => "; quote the value",
        ("a list", _) => "; write it as a list (`- item`)",
        _ => "",
    };
    let got = match value {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => format!("a boolean ({})", shown(value)),
        Value::Number(n) if n.is_f64() => format!("a number ({})", shown(value)),
        Value::Number(_) => format!("an integer ({})", shown(value)),
        Value::String(_) => format!("a string ({})", shown(value)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    format!("must be {noun}, not {got}{hint}")
}

/// Why `s` is not a Kubernetes quantity (`100m`, `1.5Gi`, `2e3`), if it is not one: a signed
/// decimal number followed by a binary suffix (Ki … Ei), a decimal suffix (n, u, m, k, M, G, T,
/// P, E) or a decimal exponent (`e3`, `E-2`).
fn quantity_problem(s: &str) -> Option<String> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let number_end = unsigned
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(number_end);
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let dots = number.len() - digits;
    let exponent = |e: &str| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    };
    let suffix_ok = matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || suffix.strip_prefix(['e', 'E']).is_some_and(exponent);
    if digits > 0 && dots <= 1 && suffix_ok {
        return None;
    }
    let fix = match suffix {
        "KB" | "kB" | "MB" | "GB" | "TB" | "PB" | "EB" => {
            let unit = suffix[..1].to_uppercase();
            format!(
                "write {number}{} (powers of 1000) or {number}{unit}i (powers of 1024)",
                unit.replace('K', "k")
            )
        }
        _ => "write a number with an optional suffix, such as 100m, 128Mi or 2".to_owned(),
    };
    Some(format!("{s:?} is not a quantity; {fix}"))
}

/// A scalar as written in JSON, long strings cut.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            let head: String = s.chars().take(57).collect();
            format!("{head:?}…")
        }
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        other => other.to_string(),
    }
}

/// Deserializes one value of the document, knowing its path.
struct ValueDe<'a, 'c> {
    value: &'a Value,
    path: String,
    /// The key of this value and the field names of the typed object holding it, when it is a
    /// field of one.
    field: Option<(&'a str, &'static [&'static str])>,
    ctx: &'c Ctx,
}

impl<'a, 'c> ValueDe<'a, 'c> {
    fn new(
        value: &'a Value,
        path: String,
        field: Option<(&'a str, &'static [&'static str])>,
        ctx: &'c Ctx,
    ) -> Self {
        Self {
            value,
            path,
            field,
            ctx,
        }
    }
}

impl<'de, 'c> de::Deserializer<'de> for ValueDe<'de, 'c> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                // `replicas: 2.0` reaches Kubernetes as JSON `2`, a valid integer.
                (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    visitor.visit_i64(f as i64)
                }
                (None, None, f) => visitor.visit_f64(f.unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(SeqDe {
                iter: items.iter().enumerate(),
                path: &self.path,
                ctx: self.ctx,
            }),
            Value::Object(map) => visitor.visit_map(MapDe {
                iter: map.iter(),
                pending: None,
                path: &self.path,
                fields: None,
                ctx: self.ctx,
            }),
        };
        result.map_err(|e| e.locate(&self.path, self.value))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let (path, value) = (self.path.clone(), self.value);
        match value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.locate(&path, value))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let (path, value) = (self.path.clone(), self.value);
        let result = match (name, value) {
            // Kubernetes takes any number as a quantity (`cpu: 0.5`); k8s-openapi only integers.
            ("Quantity", Value::Number(n)) => visitor
                .visit_newtype_struct(de::value::StringDeserializer::<DeError>::new(n.to_string())),
            ("Quantity", Value::String(s)) => match quantity_problem(s) {
                Some(problem) => Err(DeError::new(ErrorKind::Described(problem))),
                None => visitor.visit_newtype_struct(self),
            },
            _ => visitor.visit_newtype_struct(self),
        };
        result.map_err(|e| e.locate(&path, value))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Value::Object(map) => visitor
                .visit_map(MapDe {
                    iter: map.iter(),
                    pending: None,
                    path: &self.path,
                    fields: Some(fields),
                    ctx: self.ctx,
                })
                .map_err(|e| e.locate(&self.path, self.value)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Value::String(s) => visitor
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: DeError| e.locate(&self.path, self.value)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let Value::String(s) = self.value else {
            return self.deserialize_any(visitor);
        };
        if (&visitor as &dyn de::Expected).to_string() != "a base64-encoded string" {
            return self.deserialize_any(visitor);
        }
        // Kubernetes (Go's base64 decoder) ignores line breaks in base64 data such as a Secret's
        // `data`; k8s-openapi's decoder does not.
        let joined: String = s.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
        visitor.visit_string(joined).map_err(|e: DeError| {
            let e = match e.kind {
                ErrorKind::Custom(why) => DeError::new(ErrorKind::Described(format!(
                    "{} is not valid base64: {why}",
                    shown(self.value)
                ))),
                _ => e,
            };
            e.locate(&self.path, self.value)
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if let Some((key, known)) = self.field {
            let hint = match closest(key, known.iter().copied()) {
                Some(c) => format!("; did you mean {c:?}?"),
                None => {
                    let mut names = known.to_vec();
                    names.sort_unstable();
                    format!("; known fields are: {}", names.join(", "))
                }
            };
            self.ctx.unknown.borrow_mut().push(ShapeError {
                path: self.path.clone(),
                message: format!("unknown field {key:?}{hint}"),
            });
        }
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// The entries of an object; `null` values and values skipped after a type error count as
/// absent.
struct MapDe<'a, 'p, 'c> {
    iter: serde_json::map::Iter<'a>,
    pending: Option<(&'a str, &'a Value, String)>,
    path: &'p str,
    fields: Option<&'static [&'static str]>,
    ctx: &'c Ctx,
}

impl<'de> de::MapAccess<'de> for MapDe<'de, '_, '_> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for (key, value) in self.iter.by_ref() {
            if value.is_null() {
                continue;
            }
            let path = child_key(self.path, key);
            if self.ctx.skip.contains(&path) {
                continue;
            }
            self.pending = Some((key, value, path));
            let key: de::value::BorrowedStrDeserializer<'de, DeError> =
                de::value::BorrowedStrDeserializer::new(key);
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some((key, value, path)) => {
                let field = self.fields.map(|fields| (key, fields));
                seed.deserialize(ValueDe::new(value, path, field, self.ctx))
            }
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}

/// The items of a list; `null` items and items skipped after a type error count as absent.
struct SeqDe<'a, 'p, 'c> {
    iter: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: &'p str,
    ctx: &'c Ctx,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'de, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        for (i, value) in self.iter.by_ref() {
            if value.is_null() {
                continue;
            }
            let path = format!("{}[{i}]", self.path);
            if self.ctx.skip.contains(&path) {
                continue;
            }
            return seed
                .deserialize(ValueDe::new(value, path, None, self.ctx))
                .map(Some);
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_document, split_documents};
    use k8s_openapi::api::{apps, autoscaling, batch, core, networking, policy, rbac};

    fn documents(text: &str) -> Vec<Value> {
        split_documents(text)
            .into_iter()
            .filter_map(|c| {
                let doc = text.get(c.range.clone())?;
                parse_document(doc, c.first_line, c.range.start).ok()
            })
            .filter(|v| !v.is_null())
            .collect()
    }

    /// Our deserializer builds the same object as serde_json's.
    fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(value: &Value) {
        let ctx = Ctx::default();
        let ours = T::deserialize(ValueDe::new(value, String::new(), None, &ctx))
            .unwrap_or_else(|e| panic!("{e}"));
        let theirs: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours, theirs);
        assert!(ctx.unknown.into_inner().is_empty());
    }

    #[test]
    fn valid_fixtures_deserialize_like_serde_json() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/validate/builtin"
        );
        let mut seen = 0;
        for file in ["deployment", "service", "workloads"] {
            let text = std::fs::read_to_string(format!("{dir}/{file}.valid.yaml"))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            for v in documents(&text) {
                seen += 1;
                assert_eq!(check(&v), vec![], "{v}");
                match v["kind"].as_str().unwrap_or("") {
                    "Deployment" => same::<apps::v1::Deployment>(&v),
                    "Service" => same::<core::v1::Service>(&v),
                    "ServiceAccount" => same::<core::v1::ServiceAccount>(&v),
                    "ConfigMap" => same::<core::v1::ConfigMap>(&v),
                    "Secret" => same::<core::v1::Secret>(&v),
                    "CronJob" => same::<batch::v1::CronJob>(&v),
                    "HorizontalPodAutoscaler" => {
                        same::<autoscaling::v2::HorizontalPodAutoscaler>(&v)
                    }
                    "PodDisruptionBudget" => same::<policy::v1::PodDisruptionBudget>(&v),
                    "Ingress" => same::<networking::v1::Ingress>(&v),
                    "Role" => same::<rbac::v1::Role>(&v),
                    "RoleBinding" => same::<rbac::v1::RoleBinding>(&v),
                    _ => seen -= 1,
                }
            }
        }
        assert_eq!(seen, 11);
    }

    fn errors(yaml: &str) -> Vec<(String, String)> {
        documents(yaml)
            .iter()
            .flat_map(check)
            .map(|e| (e.path, e.message))
            .collect()
    }

    #[test]
    fn other_groups_and_list_kinds_pass_through() {
        assert!(errors("apiVersion: example.com/v1\nkind: Deployment\nspec: 1\n").is_empty());
        assert!(errors("apiVersion: apps/v1\nkind: DeploymentList\nitems: 3\n").is_empty());
        assert!(errors("kind: Deployment\nspec: 1\n").is_empty());
    }

    #[test]
    fn every_type_error_is_reported_not_only_the_first() {
        let mut yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n".to_owned();
        for i in 0..60 {
            yaml.push_str(&format!("  k{i}: {i}\n"));
        }
        let found = errors(&yaml);
        assert_eq!(found.len(), MAX_ERRORS);
        assert_eq!(
            found[0],
            (
                "data.k0".to_owned(),
                "must be a string, not an integer (0); quote the value".to_owned()
            )
        );
    }

    #[test]
    fn keys_with_dots_are_quoted_in_paths() {
        assert_eq!(
            errors("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    istio.io/rev: 1\n"),
            vec![(
                "metadata.labels[\"istio.io/rev\"]".to_owned(),
                "must be a string, not an integer (1); quote the value".to_owned()
            )]
        );
        assert_eq!(child_key("", "a"), "a");
        assert_eq!(child_key("a", "b"), "a.b");
        assert_eq!(child_key("a", ""), "a[\"\"]");
    }

    #[test]
    fn quantities_follow_kubernetes_syntax() {
        for ok in [
            "1",
            "100m",
            "1.5Gi",
            "+.5",
            "-1",
            "2e3",
            "5E-3",
            "1.",
            "128974848",
            "12Ei",
        ] {
            assert_eq!(quantity_problem(ok), None, "{ok}");
        }
        for bad in ["", "1 Gi", "1GB", "1..2", "m", "1e", "1Kb", "0x10"] {
            assert!(quantity_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_missing_required_field_skips_its_object_and_goes_on() {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nstatus:\n  conditions:\n  - type: A\n    status: \"True\"\n  - type: B\n    status: 1\n";
        assert_eq!(
            errors(yaml),
            vec![
                (
                    "status.conditions[0].lastTransitionTime".to_owned(),
                    "missing required field \"lastTransitionTime\"".to_owned()
                ),
                (
                    "status.conditions[1].status".to_owned(),
                    "must be a string, not an integer (1); quote the value".to_owned()
                ),
                (
                    "status.conditions[1].lastTransitionTime".to_owned(),
                    "missing required field \"lastTransitionTime\"".to_owned()
                ),
            ]
        );
    }
}
