//! The REST verbs on resources: get, list (selectors, paging), watch, create, update, patch
//! (apply, merge, strategic merge, JSON patch), delete and deletecollection.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use hyper::{Method, Response};
use serde_json::{json, Value};

use crate::apply::{self, Scope};
use crate::fields::{self, Directive, Unknown};
use crate::objects::{self, main_scope, WriteOptions};
use crate::patch;
use crate::protobuf;
use crate::rbac::{self, Attributes, Identity};
use crate::resources::{ResourceInfo, Verbs};
use crate::scale;
use crate::schema;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::state::{bytes_response, json_response, proto_response, with_warnings, Body, State};
use crate::status::{ApiError, ApiResult};
use crate::store::{Key, Store};
use crate::table::{self, Include};
use crate::util::{meta_str, now_rfc3339, random_hex};
use crate::validation::FieldError;
use crate::watch::{self, WatchRequest};

/// A request on a resource, its path already resolved.
pub(crate) struct ResourceRequest {
    pub method: Method,
    pub info: ResourceInfo,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
    pub query: HashMap<String, String>,
    pub content_type: String,
    pub accept: String,
    pub user_agent: String,
    pub body: Bytes,
    /// Who sends it.
    pub user: Identity,
}

impl ResourceRequest {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    fn flag(&self, name: &str) -> bool {
        matches!(self.param(name), Some("true" | "1"))
    }

    fn dry_run(&self) -> bool {
        self.param("dryRun") == Some("All")
    }

    /// The field manager: `fieldManager=`, else the user agent's program name, as the API
    /// server derives it.
    fn manager(&self) -> String {
        match self.param("fieldManager") {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => self
                .user_agent
                .split('/')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or("unknown")
                .to_string(),
        }
    }

    fn scope(&self) -> ApiResult<Scope> {
        match self.subresource.as_deref() {
            None => Ok(main_scope(&self.info)),
            Some("status") if self.info.status => Ok(Scope::Status),
            Some(_) => Err(ApiError::no_route()),
        }
    }

    fn key(&self, name: &str) -> Key {
        Key::new(&self.info, self.namespace.as_deref().unwrap_or(""), name)
    }

    fn labels(&self) -> ApiResult<LabelSelector> {
        LabelSelector::parse(self.param("labelSelector").unwrap_or(""))
            .map_err(ApiError::bad_request)
    }

    fn fields(&self) -> ApiResult<FieldSelector> {
        FieldSelector::parse(self.param("fieldSelector").unwrap_or(""))
            .map_err(ApiError::bad_request)
    }

    /// The body as JSON or YAML, by content type (JSON is also accepted as YAML).
    fn body_value(&self) -> ApiResult<Value> {
        let media = self.media_type();
        if media == protobuf::MEDIA_TYPE && self.is_builtin() {
            return protobuf::decode(&self.body).map_err(|e| {
                ApiError::bad_request(format!("the protobuf body cannot be decoded: {e}"))
            });
        }
        if media.contains("protobuf") || media.contains("cbor") {
            return Err(ApiError::unsupported_media_type(media));
        }
        let text = std::str::from_utf8(&self.body)
            .map_err(|_| ApiError::bad_request("the request body is not UTF-8"))?;
        if text.trim().is_empty() {
            return Err(ApiError::bad_request("the request body is empty"));
        }
        if media.contains("yaml") && !text.trim_start().starts_with('{') {
            serde_saphyr::from_str::<Value>(text)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
        } else {
            serde_json::from_str(text)
                .map_err(|e| ApiError::bad_request(format!("error decoding JSON: {e}")))
        }
    }

    /// The body, which must be a map (an object).
    fn body_object(&self) -> ApiResult<Value> {
        let value = self.body_value()?;
        if value.is_object() {
            Ok(value)
        } else {
            Err(ApiError::bad_request(
                "the request body must be an object (a JSON or YAML map)",
            ))
        }
    }

    /// The row detail of a requested Table, if the client asked for one.
    fn table(&self) -> Option<Include> {
        table::wanted(&self.accept).then(|| Include::parse(self.param("includeObject")))
    }

    fn media_type(&self) -> &str {
        self.content_type.split(';').next().unwrap_or("").trim()
    }

    /// Whether the resource is a built-in kind (not served for a CRD).
    fn is_builtin(&self) -> bool {
        schema::kind(&self.info.group_version(), &self.info.kind).is_some()
    }

    /// A response with `obj`, in protobuf when the client prefers it and the kind has that
    /// form, else JSON; with one `Warning` header per warning.
    fn reply(&self, code: u16, obj: &Value, warnings: &[String]) -> Response<Body> {
        let response = match protobuf::preferred(&self.accept)
            .then(|| protobuf::encode(obj).ok())
            .flatten()
        {
            Some(bytes) => proto_response(code, bytes),
            None => json_response(code, obj),
        };
        with_warnings(response, warnings)
    }

    /// What `fieldValidation` asks for.
    fn directive(&self) -> ApiResult<Directive> {
        Directive::parse(self.param("fieldValidation")).map_err(ApiError::bad_request)
    }
}

/// The CRD that serves a custom resource.
fn crd_of<'a>(store: &'a Store, info: &ResourceInfo) -> Option<&'a Value> {
    store
        .list_prefix("apiextensions.k8s.io", "customresourcedefinitions", None)
        .map(|(_, crd)| crd.as_ref())
        .find(|crd| {
            crd.pointer("/spec/group").and_then(Value::as_str) == Some(info.group.as_str())
                && crd.pointer("/spec/names/plural").and_then(Value::as_str)
                    == Some(info.plural.as_str())
        })
}

/// The fields of `obj` its kind does not declare, removed; for custom resources also the
/// schema's defaults, pruning and validation.
fn unknown_fields(
    store: &Store,
    req: &ResourceRequest,
    obj: &mut Value,
    name: &str,
) -> ApiResult<(Vec<Unknown>, Vec<String>)> {
    if let Some(def) = schema::kind(&req.info.group_version(), &req.info.kind) {
        if let Some(error) = fields::builtin_type_error(def, obj, &req.info.version) {
            return Err(ApiError::undecodable(
                &req.info.kind,
                &req.info.version,
                &error,
            ));
        }
        return Ok((fields::builtin_unknown(def, obj, true), Vec::new()));
    }
    let mut errors = crate::validation::validate_metadata(&req.info, obj);
    let schema =
        crd_of(store, &req.info).and_then(|crd| fields::crd_schema(crd, &req.info.version));
    let (unknown, warnings) = match schema {
        Some(schema) => {
            let check = fields::check_custom(schema, obj);
            errors.extend(check.errors);
            (check.unknown, check.warnings)
        }
        None => (Vec::new(), Vec::new()),
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(
            &req.info.group,
            &req.info.kind,
            name,
            &errors,
        ));
    }
    Ok((unknown, warnings))
}

fn strict_error(unknown: &[Unknown]) -> String {
    let list: Vec<String> = unknown
        .iter()
        .map(|u| format!("unknown field {:?}", u.dotted))
        .collect();
    format!("strict decoding error: {}", list.join(", "))
}

/// Field validation of the object about to be written (create, update, patch): unknown fields
/// per `fieldValidation` (Strict: 400; Warn: a warning each; Ignore: dropped), custom
/// resources against their schema. Returns the warnings. `decoded` tells whether the object
/// is the request body (create/update) rather than a patch result.
fn admit(
    store: &Store,
    req: &ResourceRequest,
    obj: &mut Value,
    name: &str,
    decoded: bool,
) -> ApiResult<Vec<String>> {
    let directive = req.directive()?;
    let (unknown, mut warnings) = unknown_fields(store, req, obj, name)?;
    if unknown.is_empty() {
        return Ok(warnings);
    }
    match directive {
        Directive::Strict if decoded => Err(ApiError::undecodable(
            &req.info.kind,
            &req.info.version,
            &strict_error(&unknown),
        )),
        Directive::Strict => Err(ApiError::bad_request(strict_error(&unknown))),
        Directive::Warn => {
            warnings.extend(
                unknown
                    .iter()
                    .map(|u| format!("unknown field {:?}", u.dotted)),
            );
            Ok(warnings)
        }
        Directive::Ignore => Ok(warnings),
    }
}

/// An apply configuration must fit the schema: unknown fields fail the request whatever
/// `fieldValidation` says (structured-merge-diff cannot type them).
fn check_apply_configuration(
    store: &Store,
    req: &ResourceRequest,
    patch: &Value,
    name: &str,
) -> ApiResult<()> {
    let mut copy = patch.clone();
    let (unknown, _) = unknown_fields(store, req, &mut copy, name)?;
    if unknown.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = unknown
        .iter()
        .map(|u| format!("{}: field not declared in schema", u.smd))
        .collect();
    let detail = match lines.as_slice() {
        [one] => one.clone(),
        many => format!("errors:\n  {}", many.join("\n  ")),
    };
    let group_version = if req.info.group.is_empty() {
        format!("/{}", req.info.version)
    } else {
        req.info.group_version()
    };
    Err(ApiError::unclassified(format!(
        "failed to create typed patch object ({}/{name}; {group_version}, Kind={}): {detail}",
        req.namespace.as_deref().unwrap_or(""),
        req.info.kind
    )))
}

/// The object as served at the request's group-version.
fn present(info: &ResourceInfo, mut obj: Value) -> Value {
    obj["apiVersion"] = json!(info.group_version());
    obj
}

/// Handles a request on a resource.
pub(crate) fn handle(state: &Arc<State>, req: ResourceRequest) -> ApiResult<Response<Body>> {
    match req.info.verbs {
        Verbs::CreateOnly => {
            return match (&req.method, &req.name) {
                (&Method::POST, None) => review(state, &req),
                _ => Err(ApiError::method_not_allowed()),
            }
        }
        Verbs::ReadOnly if req.method != Method::GET => return Err(ApiError::method_not_allowed()),
        _ => {}
    }
    if req.subresource.as_deref() == Some("token")
        && req.info.group.is_empty()
        && req.info.plural == "serviceaccounts"
    {
        return match (&req.method, req.name.clone()) {
            (&Method::POST, Some(name)) => token_request(state, &req, &name),
            _ => Err(ApiError::method_not_allowed()),
        };
    }
    if req.subresource.as_deref() == Some("scale") && scale::has_scale(&req.info) {
        return match (&req.method, req.name.clone()) {
            (&Method::GET | &Method::PUT | &Method::PATCH, Some(name)) => {
                scale_request(state, &req, &name)
            }
            _ => Err(ApiError::method_not_allowed()),
        };
    }
    if matches!(req.method, Method::POST | Method::PUT | Method::PATCH) {
        req.directive()?;
    }
    match (&req.method, req.name.clone()) {
        (&Method::GET, None) if req.flag("watch") => watch_request(state, &req),
        (&Method::GET, None) => list(state, &req),
        (&Method::GET, Some(name)) => get(state, &req, &name),
        (&Method::POST, None) => create(state, &req),
        (&Method::PUT, Some(name)) => update(state, &req, &name),
        (&Method::PATCH, Some(name)) => patch_request(state, &req, &name),
        (&Method::DELETE, Some(name)) => delete(state, &req, &name),
        (&Method::DELETE, None) => delete_collection(state, &req),
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// The review kinds (access reviews, rules reviews, self and token reviews), answered from
/// RBAC (or, without RBAC mode, allowing everything); nothing is stored.
fn review(state: &Arc<State>, req: &ResourceRequest) -> ApiResult<Response<Body>> {
    let mut obj = req.body_object()?;
    check_body_kind(req, &obj)?;
    obj["apiVersion"] = json!(req.info.group_version());
    obj["kind"] = json!(req.info.kind);
    if obj.get("metadata").is_none_or(Value::is_null) {
        obj["metadata"] = json!({});
    }
    let store = state.lock();
    let status = match req.info.kind.as_str() {
        "SelfSubjectAccessReview" | "SubjectAccessReview" | "LocalSubjectAccessReview" => {
            let who = if req.info.kind == "SelfSubjectAccessReview" {
                req.user.clone()
            } else {
                let spec = &obj["spec"];
                let groups: Vec<String> = spec["groups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                Identity::new(spec["user"].as_str().unwrap_or_default(), &groups)
            };
            let spec = &obj["spec"];
            if let Some(attrs) = spec.get("resourceAttributes").filter(|a| a.is_object()) {
                let text = |k: &str| attrs[k].as_str().unwrap_or_default().to_string();
                let mut namespace = text("namespace");
                if req.info.kind == "LocalSubjectAccessReview" {
                    namespace = req.namespace.clone().unwrap_or_default();
                }
                let attributes = Attributes {
                    verb: text("verb"),
                    group: text("group"),
                    resource: text("resource"),
                    subresource: text("subresource"),
                    namespace,
                    name: text("name"),
                };
                let (allowed, reason) = if state.rbac {
                    rbac::decide(&store, &who, &attributes)
                } else {
                    (true, String::new())
                };
                let mut status = json!({ "allowed": allowed });
                if !reason.is_empty() {
                    status["reason"] = json!(reason);
                }
                status
            } else if spec
                .get("nonResourceAttributes")
                .is_some_and(Value::is_object)
            {
                json!({ "allowed": true })
            } else {
                return Err(ApiError::invalid_fields(
                    &req.info.group,
                    &req.info.kind,
                    "",
                    &[FieldError::invalid(
                        "spec.resourceAttributes",
                        &Value::String("null".into()),
                        "exactly one of nonResourceAttributes or resourceAttributes must be specified",
                    )],
                ));
            }
        }
        "SelfSubjectRulesReview" => {
            let namespace = obj
                .pointer("/spec/namespace")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let who = if state.rbac {
                req.user.clone()
            } else {
                crate::auth::admin()
            };
            rbac::rules_review(&store, &who, namespace)
        }
        "SelfSubjectReview" => json!({
            "userInfo": { "username": req.user.name, "groups": req.user.groups },
        }),
        "TokenReview" => {
            let token = obj
                .pointer("/spec/token")
                .and_then(Value::as_str)
                .unwrap_or_default();
            drop(store);
            match state.authenticate(&format!("Bearer {token}")) {
                Some(who) => json!({
                    "authenticated": true,
                    "user": { "username": who.name, "groups": who.groups },
                    "audiences": ["https://kubernetes.default.svc.cluster.local"],
                }),
                None => {
                    json!({ "user": {}, "error": "[invalid bearer token, token lookup failed]" })
                }
            }
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "kube-emulator does not serve creating {other} objects"
            )))
        }
    };
    obj["status"] = status;
    Ok(req.reply(201, &obj, &[]))
}

/// TokenRequest (`serviceaccounts/{name}/token`): a token that authenticates the service
/// account from now on.
fn token_request(
    state: &Arc<State>,
    req: &ResourceRequest,
    name: &str,
) -> ApiResult<Response<Body>> {
    let namespace = req.namespace.clone().unwrap_or_default();
    if state.lock().get(&req.key(name)).is_none() {
        return Err(ApiError::not_found("", "serviceaccounts", name));
    }
    let mut obj = req.body_object()?;
    let seconds = obj
        .pointer("/spec/expirationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    if seconds < 600 {
        return Err(ApiError::invalid_fields(
            "authentication.k8s.io",
            "TokenRequest",
            name,
            &[FieldError::invalid(
                "spec.expirationSeconds",
                &Value::from(seconds),
                "may not specify a duration less than 10 minutes",
            )],
        ));
    }
    let token = format!("kube-emulator-sa.{}", random_hex(32));
    let who = Identity::new(
        &format!("system:serviceaccount:{namespace}:{name}"),
        &[
            "system:serviceaccounts".to_string(),
            format!("system:serviceaccounts:{namespace}"),
        ],
    );
    state.issue_token(token.clone(), who);
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + seconds;
    obj["apiVersion"] = json!("authentication.k8s.io/v1");
    obj["kind"] = json!("TokenRequest");
    obj["metadata"] = json!({ "name": name, "namespace": namespace, "creationTimestamp": null });
    obj["spec"]["expirationSeconds"] = json!(seconds);
    if obj.pointer("/spec/audiences").is_none_or(Value::is_null) {
        obj["spec"]["audiences"] = json!(["https://kubernetes.default.svc.cluster.local"]);
    }
    obj["status"] =
        json!({ "token": token, "expirationTimestamp": crate::util::rfc3339(expires, None) });
    Ok(req.reply(201, &obj, &[]))
}

fn get(state: &Arc<State>, req: &ResourceRequest, name: &str) -> ApiResult<Response<Body>> {
    req.scope()?;
    let store = state.lock();
    let obj = store
        .get(&req.key(name))
        .ok_or_else(|| ApiError::not_found(&req.info.group, &req.info.plural, name))?;
    if let Some(include) = req.table() {
        let metadata = json!({ "resourceVersion": store.rv().to_string() });
        return Ok(json_response(
            200,
            &table::table(&req.info, [obj], metadata, include),
        ));
    }
    Ok(req.reply(200, &present(&req.info, obj.clone()), &[]))
}

fn encode_continue(key: &Key) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{}/{}", key.namespace, key.name))
}

fn decode_continue(token: &str) -> ApiResult<(String, String)> {
    let bad = || ApiError::bad_request(format!("invalid continue token {token:?}"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (ns, name) = text.split_once('/').ok_or_else(bad)?;
    Ok((ns.to_string(), name.to_string()))
}

fn list(state: &Arc<State>, req: &ResourceRequest) -> ApiResult<Response<Body>> {
    let labels = req.labels()?;
    let fields = req.fields()?;
    let limit = match req.param("limit") {
        None | Some("") | Some("0") => None,
        Some(text) => Some(
            text.parse::<usize>()
                .map_err(|_| ApiError::bad_request(format!("invalid limit {text:?}")))?,
        ),
    };
    let after = req
        .param("continue")
        .filter(|t| !t.is_empty())
        .map(decode_continue)
        .transpose()?;
    // Collect shared references under the lock; serialize after releasing it.
    let (items, rv, next, remaining) = {
        let store = state.lock();
        let mut items: Vec<Arc<Value>> = Vec::new();
        let mut next = None;
        let mut remaining = 0usize;
        let after = after
            .as_ref()
            .map(|(ns, name)| (ns.as_str(), name.as_str()));
        let matching = store
            .list_after(
                &req.info.group,
                &req.info.plural,
                req.namespace.as_deref(),
                after,
            )
            .filter(|(_, obj)| labels.matches(obj) && fields.matches(obj));
        for (key, obj) in matching {
            if limit.is_some_and(|l| items.len() >= l) {
                remaining += 1;
            } else {
                items.push(Arc::clone(obj));
                next = Some(key.clone());
            }
        }
        (items, store.rv(), next, remaining)
    };
    let mut metadata = json!({ "resourceVersion": rv.to_string() });
    if let (true, Some(key)) = (remaining > 0, next) {
        metadata["continue"] = json!(encode_continue(&key));
        metadata["remainingItemCount"] = json!(remaining);
    }
    if let Some(include) = req.table() {
        let objects = items.iter().map(|o| o.as_ref());
        return Ok(json_response(
            200,
            &table::table(&req.info, objects, metadata, include),
        ));
    }
    if protobuf::preferred(&req.accept) {
        let refs: Vec<&Value> = items.iter().map(|i| i.as_ref()).collect();
        let gv = req.info.group_version();
        if let Ok(bytes) = protobuf::encode_list(&gv, &req.info.kind, &metadata, &refs) {
            return Ok(proto_response(200, bytes));
        }
    }
    Ok(list_response(&req.info, &metadata, &items))
}

/// Serializes a list without copying its items.
fn list_response(info: &ResourceInfo, metadata: &Value, items: &[Arc<Value>]) -> Response<Body> {
    let gv = info.group_version();
    let mut out = json!({
        "kind": format!("{}List", info.kind),
        "apiVersion": gv,
        "metadata": metadata,
    })
    .to_string();
    out.pop(); // the closing brace
    out.push_str(",\"items\":[");
    let mut bytes = out.into_bytes();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        let written = if item["apiVersion"] == gv.as_str() {
            serde_json::to_writer(&mut bytes, item.as_ref())
        } else {
            serde_json::to_writer(&mut bytes, &present(info, Value::clone(item)))
        };
        written.expect("JSON values always serialize");
    }
    bytes.extend_from_slice(b"]}");
    bytes_response(200, bytes)
}

fn watch_request(state: &Arc<State>, req: &ResourceRequest) -> ApiResult<Response<Body>> {
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    Ok(watch::watch(
        state,
        WatchRequest {
            info: req.info.clone(),
            namespace: req.namespace.clone(),
            labels: req.labels()?,
            fields: req.fields()?,
            resource_version: req.param("resourceVersion").map(str::to_string),
            timeout,
            send_initial_events: req.flag("sendInitialEvents"),
            table: req.table(),
        },
    ))
}

/// Checks the body's namespace against the path's, as the API server does.
fn check_body_namespace(req: &ResourceRequest, obj: &Value) -> ApiResult<()> {
    if let (Some(body_ns), Some(path_ns)) = (meta_str(obj, "namespace"), req.namespace.as_deref()) {
        if req.info.namespaced && !body_ns.is_empty() && body_ns != path_ns {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
    }
    Ok(())
}

fn check_body_kind(req: &ResourceRequest, obj: &Value) -> ApiResult<()> {
    match obj.get("kind").and_then(Value::as_str) {
        Some(kind) if kind != req.info.kind => Err(ApiError::bad_request(format!(
            "the kind of the provided object ({kind}) does not match the resource {} ({})",
            req.info.plural, req.info.kind
        ))),
        _ => Ok(()),
    }
}

fn create(state: &Arc<State>, req: &ResourceRequest) -> ApiResult<Response<Body>> {
    if req.subresource.is_some() {
        return Err(ApiError::method_not_allowed());
    }
    if req.info.namespaced && req.namespace.is_none() {
        return Err(ApiError::no_route());
    }
    let mut obj = req.body_object()?;
    check_body_namespace(req, &obj)?;
    check_body_kind(req, &obj)?;
    let name = match (meta_str(&obj, "name"), meta_str(&obj, "generateName")) {
        (Some(name), _) if !name.is_empty() => name.to_string(),
        (_, Some(prefix)) if !prefix.is_empty() => format!("{prefix}{}", random_hex(5)),
        _ => {
            return Err(ApiError::invalid_fields(
                &req.info.group,
                &req.info.kind,
                "",
                &[FieldError::required(
                    "metadata.name",
                    "name or generateName is required",
                )],
            ))
        }
    };
    if name.len() > 253 || name.contains(['/', '%']) || name == "." || name == ".." {
        return Err(ApiError::invalid(
            &req.info.group,
            &req.info.plural,
            &name,
            format!(
                "{} \"{name}\" is invalid: metadata.name: Invalid value: may not contain '/' or '%', be '.' or '..', or be longer than 253 characters",
                req.info.kind
            ),
        ));
    }
    let key = req.key(&name);
    let manager = req.manager();
    let mut store = state.lock();
    if store.get(&key).is_some() {
        return Err(ApiError::already_exists(
            &req.info.group,
            &req.info.plural,
            &name,
        ));
    }
    let warnings = admit(&store, req, &mut obj, &name, true)?;
    let opts = WriteOptions {
        manager: &manager,
        dry_run: req.dry_run(),
        scope: main_scope(&req.info),
        applied: false,
    };
    let created = objects::write(state, &mut store, &req.info, key, None, obj, &opts)?;
    Ok(req.reply(201, &present(&req.info, created), &warnings))
}

fn update(state: &Arc<State>, req: &ResourceRequest, name: &str) -> ApiResult<Response<Body>> {
    let scope = req.scope()?;
    let mut obj = req.body_object()?;
    check_body_namespace(req, &obj)?;
    check_body_kind(req, &obj)?;
    if let Some(body_name) = meta_str(&obj, "name") {
        if body_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
    }
    let manager = req.manager();
    let key = req.key(name);
    let mut store = state.lock();
    let current = store
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&req.info.group, &req.info.plural, name))?;
    let warnings = if scope == Scope::Status {
        Vec::new()
    } else {
        admit(&store, req, &mut obj, name, true)?
    };
    let opts = WriteOptions {
        manager: &manager,
        dry_run: req.dry_run(),
        scope,
        applied: false,
    };
    let updated = objects::write(
        state,
        &mut store,
        &req.info,
        key,
        Some(&current),
        obj,
        &opts,
    )?;
    Ok(req.reply(200, &present(&req.info, updated), &warnings))
}

fn patch_request(
    state: &Arc<State>,
    req: &ResourceRequest,
    name: &str,
) -> ApiResult<Response<Body>> {
    let scope = req.scope()?;
    let media = req.media_type().to_string();
    const PATCH_TYPES: &[&str] = &[
        "application/apply-patch+yaml",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/json-patch+json",
    ];
    if !PATCH_TYPES.contains(&media.as_str()) {
        return Err(ApiError::unsupported_media_type(&media));
    }
    let patch_body = if media == "application/json-patch+json" {
        req.body_value()?
    } else {
        req.body_object()?
    };
    let manager = req.manager();
    let key = req.key(name);
    let mut store = state.lock();
    let current = store.get(&key).cloned();
    let not_found = || ApiError::not_found(&req.info.group, &req.info.plural, name);
    let (new, applied) = match media.as_str() {
        "application/apply-patch+yaml" => {
            if req.param("fieldManager").is_none_or(str::is_empty) {
                return Err(ApiError::bad_request(
                    "PATCH: fieldManager is required for apply requests",
                ));
            }
            if current.is_none() && scope == Scope::Status {
                return Err(not_found());
            }
            check_body_namespace(req, &patch_body)?;
            check_body_kind(req, &patch_body)?;
            if let Some(body_name) = meta_str(&patch_body, "name") {
                if body_name != name {
                    return Err(ApiError::bad_request(format!(
                        "the name of the object ({body_name}) does not match the name on the URL ({name})"
                    )));
                }
            }
            if scope != Scope::Status {
                check_apply_configuration(&store, req, &patch_body, name)?;
            }
            let api_version = req.info.group_version();
            let now = now_rfc3339();
            let request = apply::ApplyRequest {
                manager: &manager,
                force: req.flag("force"),
                api_version: &api_version,
                scope,
                now: &now,
            };
            (apply::apply(current.as_ref(), &patch_body, &request)?, true)
        }
        "application/merge-patch+json" => {
            let mut new = current.clone().ok_or_else(not_found)?;
            patch::merge_patch(&mut new, &patch_body);
            (new, false)
        }
        "application/strategic-merge-patch+json" => {
            let mut new = current.clone().ok_or_else(not_found)?;
            patch::strategic_merge_patch(&mut new, &patch_body);
            (new, false)
        }
        "application/json-patch+json" => {
            let mut new = current.clone().ok_or_else(not_found)?;
            patch::json_patch(&mut new, &patch_body).map_err(|e| {
                ApiError::invalid(
                    &req.info.group,
                    &req.info.plural,
                    name,
                    format!("the server rejected our request due to an error in our request: {e}"),
                )
            })?;
            (new, false)
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    let created = current.is_none();
    let mut new = new;
    let warnings = if scope == Scope::Status {
        Vec::new()
    } else {
        admit(&store, req, &mut new, name, false)?
    };
    let opts = WriteOptions {
        manager: &manager,
        dry_run: req.dry_run(),
        scope,
        applied,
    };
    let written = objects::write(
        state,
        &mut store,
        &req.info,
        key,
        current.as_ref(),
        new,
        &opts,
    )?;
    Ok(req.reply(
        if created { 201 } else { 200 },
        &present(&req.info, written),
        &warnings,
    ))
}

fn delete(state: &Arc<State>, req: &ResourceRequest, name: &str) -> ApiResult<Response<Body>> {
    if req.subresource.is_some() {
        return Err(ApiError::method_not_allowed());
    }
    let mut store = state.lock();
    let deleted = objects::delete(state, &mut store, &req.info, &req.key(name), req.dry_run())?;
    Ok(req.reply(200, &present(&req.info, deleted), &[]))
}

fn delete_collection(state: &Arc<State>, req: &ResourceRequest) -> ApiResult<Response<Body>> {
    let labels = req.labels()?;
    let fields = req.fields()?;
    let mut store = state.lock();
    let keys: Vec<Key> = store
        .list_prefix(&req.info.group, &req.info.plural, req.namespace.as_deref())
        .filter(|(_, obj)| labels.matches(obj) && fields.matches(obj))
        .map(|(k, _)| k.clone())
        .collect();
    let mut items = Vec::new();
    for key in keys {
        let deleted = objects::delete(state, &mut store, &req.info, &key, req.dry_run())?;
        items.push(present(&req.info, deleted));
    }
    let list = json!({
        "kind": format!("{}List", req.info.kind),
        "apiVersion": req.info.group_version(),
        "metadata": { "resourceVersion": store.rv().to_string() },
        "items": items,
    });
    Ok(json_response(200, &list))
}

/// GET, PUT or PATCH (merge or JSON patch) of the `scale` subresource.
fn scale_request(
    state: &Arc<State>,
    req: &ResourceRequest,
    name: &str,
) -> ApiResult<Response<Body>> {
    let key = req.key(name);
    let mut store = state.lock();
    let current = store
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&req.info.group, &req.info.plural, name))?;
    let mut wanted = scale::to_scale(&current);
    match req.method {
        Method::GET => return Ok(json_response(200, &wanted)),
        Method::PUT => wanted = req.body_object()?,
        _ => {
            let body = req.body_value()?;
            match req.media_type() {
                "application/json-patch+json" => patch::json_patch(&mut wanted, &body)
                    .map_err(|e| ApiError::invalid(&req.info.group, &req.info.plural, name, e))?,
                "application/merge-patch+json" => patch::merge_patch(&mut wanted, &body),
                "application/strategic-merge-patch+json" => {
                    patch::strategic_merge_patch(&mut wanted, &body)
                }
                other => return Err(ApiError::unsupported_media_type(other)),
            }
        }
    }
    let updated = scale::with_replicas(&current, &wanted)
        .map_err(|e| ApiError::invalid(&req.info.group, &req.info.plural, name, e))?;
    let manager = req.manager();
    let opts = WriteOptions {
        manager: &manager,
        dry_run: req.dry_run(),
        scope: main_scope(&req.info),
        applied: false,
    };
    let written = objects::write(
        state,
        &mut store,
        &req.info,
        key,
        Some(&current),
        updated,
        &opts,
    )?;
    Ok(json_response(200, &scale::to_scale(&written)))
}
