//! The cluster client layer: a [`Cluster`] built from the kubeconfig (`-c/--kubeconfig`,
//! `--context`), requests retried with exponential backoff on 429/5xx/connection errors
//! (honouring `Retry-After`), errors that name the context and the failing call, and a
//! discovery-driven dynamic API ([`ApiResource`]) for arbitrary objects.
//!
//! Nothing here logs request headers or bodies: bearer tokens and Secret data never reach the
//! output.
#![deny(missing_docs)]

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use kube::api::{DeleteParams, GetParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::{DynamicObject, Request};
use kube::discovery::{ApiResource, Discovery, Scope};
use kube::Resource;
use miette::Diagnostic;
use serde_json::Value;
use thiserror::Error;

pub mod portforward;
mod watch;

pub use watch::Target;

/// The one field manager of every server-side apply this client makes.
pub const FIELD_MANAGER: &str = "istioctl-rs";

/// Attempts of one request before its error is returned.
const MAX_ATTEMPTS: u32 = 8;
/// First backoff delay; doubled per attempt up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Attempts when the server cannot be connected to at all (nothing listens, DNS fails): a
/// down cluster is reported within a second rather than after the whole backoff.
const MAX_CONNECT_ATTEMPTS: u32 = 3;
/// Longest backoff delay (and longest `Retry-After` honoured).
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Page size of list calls.
pub const PAGE_SIZE: u32 = 500;
/// Requests one command keeps in flight at once (applies of a tier, lists of kinds, deletes).
pub const CONCURRENCY: usize = 8;

/// Which cluster to talk to: a kubeconfig file and a context in it. Plain data, so every
/// engine takes it without knowing where it came from (flags, environment, a test).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterConfig {
    /// The kubeconfig file; `None` reads `$KUBECONFIG`, else `~/.kube/config`.
    pub kubeconfig: Option<std::path::PathBuf>,
    /// The context; `None` uses the kubeconfig's current context.
    pub context: Option<String>,
}

impl ClusterConfig {
    /// The context's name for messages: the one asked for, or `(current)`.
    pub fn context_name(&self) -> &str {
        self.context.as_deref().unwrap_or("(current)")
    }

    /// Connects to the cluster and discovers its API ([`Cluster::connect`]).
    pub async fn connect(&self) -> Result<Cluster, KubeError> {
        Cluster::connect(self.kubeconfig.as_deref(), self.context.as_deref()).await
    }
}

/// What went wrong talking to the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The kubeconfig could not be read or used.
    Config(String),
    /// No reply (connection refused, TLS failure, dropped connection), after retries.
    Unreachable(String),
    /// The API server answered with an error status.
    Api {
        /// HTTP status code.
        code: u16,
        /// The Status `reason` (e.g. `NotFound`).
        reason: String,
        /// The Status `message`.
        message: String,
    },
    /// The reply could not be decoded.
    Decode(String),
}

/// An error of one call, naming the context and the call.
#[derive(Debug, Clone, Error)]
#[error("{call} on context {context:?}: {}", describe(.failure))]
pub struct KubeError {
    /// The kubeconfig context in use.
    pub context: String,
    /// The call, e.g. `list deployments.apps in istio-system`.
    pub call: String,
    /// What went wrong.
    pub failure: Failure,
}

fn describe(f: &Failure) -> String {
    match f {
        Failure::Config(m) => format!("invalid kubeconfig: {m}"),
        Failure::Unreachable(m) => format!("the cluster is unreachable: {m}"),
        Failure::Api {
            code,
            reason,
            message,
        } => format!("{message} ({code} {reason})"),
        Failure::Decode(m) => format!("cannot decode the reply: {m}"),
    }
}

impl Diagnostic for KubeError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("istioctl::kube"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let help = match &self.failure {
            Failure::Config(_) => format!(
                "check the kubeconfig (-c/--kubeconfig or $KUBECONFIG) and that context {:?} exists",
                self.context
            ),
            Failure::Unreachable(_) => format!(
                "check that the cluster of context {:?} is running and that its server address is right",
                self.context
            ),
            Failure::Api { code: 401, .. } => format!(
                "the credentials of context {:?} were refused; log in again or fix the user in the kubeconfig",
                self.context
            ),
            Failure::Api { code: 403, .. } => format!(
                "the user of context {:?} lacks this permission; ask a cluster admin for RBAC access ({})",
                self.context, self.call
            ),
            _ => return None,
        };
        Some(Box::new(help))
    }
}

impl KubeError {
    /// The HTTP status code, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match &self.failure {
            Failure::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True for 404 NotFound.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// A connection to the cluster of one kubeconfig context, with the API discovered.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    context: String,
    kinds: HashMap<(String, String), (ApiResource, bool)>,
    preferred: HashMap<(String, String), (ApiResource, bool)>,
}

/// An API kind resolved by discovery.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Group, version, kind and plural.
    pub resource: ApiResource,
    /// True for namespaced kinds.
    pub namespaced: bool,
}

impl Kind {
    /// `plural.group` (or `plural` for the core group), as kubectl names it.
    pub fn display(&self) -> String {
        if self.resource.group.is_empty() {
            self.resource.plural.clone()
        } else {
            format!("{}.{}", self.resource.plural, self.resource.group)
        }
    }

    fn url(&self, namespace: Option<&str>) -> String {
        let ns = if self.namespaced { namespace } else { None };
        DynamicObject::url_path(&self.resource, ns)
    }
}

/// Where a list reads from.
#[derive(Debug, Clone, Copy)]
pub enum ListScope<'a> {
    /// Every namespace (or the cluster, for cluster-scoped kinds).
    All,
    /// One namespace.
    Namespace(&'a str),
}

impl Cluster {
    /// Reads the kubeconfig (`path`, else `$KUBECONFIG` or `~/.kube/config`), builds a client
    /// for `context` (else the current context) and discovers the API.
    pub async fn connect(path: Option<&Path>, context: Option<&str>) -> Result<Self, KubeError> {
        let config_error = |ctx: &str, m: String| KubeError {
            context: ctx.to_owned(),
            call: "load the kubeconfig".to_owned(),
            failure: Failure::Config(m),
        };
        let kubeconfig = match path {
            Some(p) => Kubeconfig::read_from(p),
            None => Kubeconfig::read(),
        }
        .map_err(|e| config_error(context.unwrap_or("(current)"), e.to_string()))?;
        let name = context
            .map(str::to_owned)
            .or_else(|| kubeconfig.current_context.clone())
            .unwrap_or_default();
        let options = KubeConfigOptions {
            context: context.map(str::to_owned),
            ..KubeConfigOptions::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| config_error(&name, e.to_string()))?;
        let client =
            kube::Client::try_from(config).map_err(|e| config_error(&name, e.to_string()))?;
        let mut cluster = Cluster {
            client,
            context: name,
            kinds: HashMap::new(),
            preferred: HashMap::new(),
        };
        cluster.discover().await?;
        Ok(cluster)
    }

    /// The kubeconfig context in use.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The namespace of the kubeconfig context (`default` when it names none).
    pub fn default_namespace(&self) -> &str {
        self.client.default_namespace()
    }

    /// (Re-)reads the API's groups and kinds, e.g. after CRDs were applied.
    pub async fn discover(&mut self) -> Result<(), KubeError> {
        let mut attempt = 0;
        let discovery = loop {
            // Aggregated discovery (two requests) where the server serves it, else one
            // request per group-version.
            let aggregated = Discovery::new(self.client.clone()).run_aggregated().await;
            let result = match aggregated {
                Ok(d) => Ok(d),
                // A server without it answers the legacy documents, or an error status.
                Err(e) if !retryable_client_error(&e) => {
                    Discovery::new(self.client.clone()).run().await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(d) => break d,
                // A group that vanishes between listing the groups and reading it (a CRD
                // deleted meanwhile) answers 404: read the API again.
                Err(e)
                    if attempt + 1 < attempts_for(&e)
                        && (retryable_client_error(&e) || client_status(&e) == Some(404)) =>
                {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(self.error("discover the API", client_failure(&e))),
            }
        };
        let mut kinds = HashMap::new();
        let mut preferred = HashMap::new();
        for group in discovery.groups() {
            for (ar, caps) in group.recommended_resources() {
                let namespaced = matches!(caps.scope, Scope::Namespaced);
                preferred.insert((ar.group.clone(), ar.kind.clone()), (ar, namespaced));
            }
            for version in group.versions() {
                for (ar, caps) in group.versioned_resources(version) {
                    let namespaced = matches!(caps.scope, Scope::Namespaced);
                    kinds.insert((ar.api_version.clone(), ar.kind.clone()), (ar, namespaced));
                }
            }
        }
        self.kinds = kinds;
        self.preferred = preferred;
        Ok(())
    }

    /// The kind `kind` of API group `group` in the server's preferred version, if served.
    pub fn preferred_kind(&self, group: &str, kind: &str) -> Option<Kind> {
        self.preferred
            .get(&(group.to_owned(), kind.to_owned()))
            .map(|(ar, namespaced)| Kind {
                resource: ar.clone(),
                namespaced: *namespaced,
            })
    }

    /// The kind `kind` of `api_version`, if the server serves it.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<Kind> {
        self.kinds
            .get(&(api_version.to_owned(), kind.to_owned()))
            .map(|(ar, namespaced)| Kind {
                resource: ar.clone(),
                namespaced: *namespaced,
            })
    }

    /// Like [`Cluster::kind`], an error naming the kind when the server does not serve it.
    pub fn require_kind(&self, api_version: &str, kind: &str) -> Result<Kind, KubeError> {
        self.kind(api_version, kind).ok_or_else(|| {
            self.error(
                &format!("resolve {kind} ({api_version})"),
                Failure::Api {
                    code: 404,
                    reason: "NotFound".to_owned(),
                    message: format!("the server does not serve {kind} in {api_version}"),
                },
            )
        })
    }

    fn error(&self, call: &str, failure: Failure) -> KubeError {
        KubeError {
            context: self.context.clone(),
            call: call.to_owned(),
            failure,
        }
    }

    /// Sends a request, retrying on 429/5xx/connection errors, and decodes the JSON reply.
    pub async fn send(
        &self,
        call: &str,
        request: http::Request<Vec<u8>>,
    ) -> Result<Value, KubeError> {
        let (parts, body) = request.into_parts();
        let mut attempt = 0;
        loop {
            let mut builder = http::Request::builder()
                .method(parts.method.clone())
                .uri(parts.uri.clone());
            for (k, v) in &parts.headers {
                builder = builder.header(k, v);
            }
            let req = builder
                .body(kube::client::Body::from(body.clone()))
                .map_err(|e| self.error(call, Failure::Config(e.to_string())))?;
            let (failure, wait) = match self.client.send(req).await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(http::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s).min(MAX_BACKOFF));
                    match resp.into_body().collect_bytes().await {
                        Ok(bytes) if (200..300).contains(&status) => {
                            return serde_json::from_slice(&bytes)
                                .map_err(|e| self.error(call, Failure::Decode(e.to_string())));
                        }
                        Ok(bytes) => {
                            let failure = status_failure(status, &bytes);
                            if !matches!(status, 429 | 500 | 502 | 503 | 504) {
                                return Err(self.error(call, failure));
                            }
                            (failure, retry_after)
                        }
                        Err(e) => (Failure::Unreachable(e.to_string()), None),
                    }
                }
                Err(e) if retryable_client_error(&e) => {
                    if attempt + 1 >= attempts_for(&e) {
                        return Err(self.error(call, client_failure(&e)));
                    }
                    (client_failure(&e), None)
                }
                Err(e) => return Err(self.error(call, client_failure(&e))),
            };
            attempt += 1;
            if attempt >= MAX_ATTEMPTS {
                return Err(self.error(call, failure));
            }
            tokio::time::sleep(wait.unwrap_or_else(|| backoff(attempt - 1))).await;
        }
    }

    /// GETs a path (e.g. `/version`).
    pub async fn get_path(&self, path: &str) -> Result<Value, KubeError> {
        let req = http::Request::get(path)
            .body(Vec::new())
            .map_err(|e| self.error(&format!("GET {path}"), Failure::Config(e.to_string())))?;
        self.send(&format!("GET {path}"), req).await
    }

    /// Gets one object; `None` when it does not exist.
    pub async fn get(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, KubeError> {
        let call = format!("get {} {}", kind.display(), qualified(namespace, name));
        let req = Request::new(kind.url(namespace))
            .get(name, &GetParams::default())
            .map_err(|e| self.error(&call, Failure::Config(e.to_string())))?;
        match self.send(&call, req).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lists every object of a kind, page by page.
    pub async fn list(
        &self,
        kind: &Kind,
        scope: ListScope<'_>,
        label_selector: Option<&str>,
    ) -> Result<Vec<Value>, KubeError> {
        let namespace = match scope {
            ListScope::All => None,
            ListScope::Namespace(ns) => Some(ns),
        };
        let call = match namespace.filter(|_| kind.namespaced) {
            Some(ns) => format!("list {} in namespace {ns}", kind.display()),
            None => format!("list {}", kind.display()),
        };
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut lp = ListParams::default().limit(PAGE_SIZE);
            if let Some(sel) = label_selector {
                lp = lp.labels(sel);
            }
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let req = Request::new(kind.url(namespace))
                .list(&lp)
                .map_err(|e| self.error(&call, Failure::Config(e.to_string())))?;
            let mut page = self.send(&call, req).await?;
            let group_version = kind.resource.api_version.clone();
            if let Some(Value::Array(list)) = page.get_mut("items").map(Value::take) {
                for mut item in list {
                    // List items carry no apiVersion/kind; restore them.
                    if let Value::Object(map) = &mut item {
                        map.entry("apiVersion")
                            .or_insert_with(|| Value::String(group_version.clone()));
                        map.entry("kind")
                            .or_insert_with(|| Value::String(kind.resource.kind.clone()));
                    }
                    items.push(item);
                }
            }
            token = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            if token.is_none() {
                return Ok(items);
            }
        }
    }

    /// Server-side applies `object` with [`FIELD_MANAGER`] and `force`, like istioctl.
    pub async fn apply(
        &self,
        kind: &Kind,
        object: &Value,
        dry_run: bool,
    ) -> Result<Value, KubeError> {
        let namespace = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str);
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let call = format!("apply {} {}", kind.display(), qualified(namespace, name));
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        params.dry_run = dry_run;
        let req = Request::new(kind.url(namespace))
            .patch(name, &params, &Patch::Apply(object))
            .map_err(|e| self.error(&call, Failure::Config(e.to_string())))?;
        self.send(&call, req).await
    }

    /// Deletes an object (dependents in the background); a missing object is not an error.
    pub async fn delete(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<(), KubeError> {
        let call = format!("delete {} {}", kind.display(), qualified(namespace, name));
        let req = Request::new(kind.url(namespace))
            .delete(name, &DeleteParams::background())
            .map_err(|e| self.error(&call, Failure::Config(e.to_string())))?;
        match self.send(&call, req).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Creates an object at a collection path (e.g. a SelfSubjectAccessReview).
    pub async fn create(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        object: &Value,
    ) -> Result<Value, KubeError> {
        let call = format!("create {}", kind.display());
        let body = serde_json::to_vec(object)
            .map_err(|e| self.error(&call, Failure::Decode(e.to_string())))?;
        let req = Request::new(kind.url(namespace))
            .create(&PostParams::default(), body)
            .map_err(|e| self.error(&call, Failure::Config(e.to_string())))?;
        self.send(&call, req).await
    }
}

/// `namespace/name`, or `name` without a namespace.
pub fn qualified(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name.to_owned(),
    }
}

fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(attempt.min(10)))
        .min(MAX_BACKOFF)
}

/// How many attempts an error deserves: few when no connection could be made at all.
fn attempts_for(e: &kube::Error) -> u32 {
    let text = error_chain(e);
    if text.contains("(Connect)")
        || text.contains("tcp connect error")
        || text.contains("dns error")
    {
        MAX_CONNECT_ATTEMPTS
    } else {
        MAX_ATTEMPTS
    }
}

/// The HTTP status of an API error, if the server answered.
fn client_status(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

fn retryable_client_error(e: &kube::Error) -> bool {
    matches!(e, kube::Error::HyperError(_) | kube::Error::Service(_))
        || matches!(e, kube::Error::Api(s) if matches!(s.code, 429 | 500 | 502 | 503 | 504))
}

fn client_failure(e: &kube::Error) -> Failure {
    match e {
        kube::Error::Api(s) => Failure::Api {
            code: s.code,
            reason: s.reason.clone(),
            message: s.message.clone(),
        },
        other => Failure::Unreachable(error_chain(other)),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn status_failure(code: u16, body: &[u8]) -> Failure {
    let status: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let field = |k: &str| {
        status
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut message = field("message");
    if message.is_empty() {
        message = http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("error")
            .to_owned();
    }
    Failure::Api {
        code,
        reason: field("reason"),
        message,
    }
}

/// A single-threaded runtime for one command's cluster work.
pub fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| miette::miette!("cannot start the async runtime: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(0), FIRST_BACKOFF);
        assert_eq!(backoff(1), FIRST_BACKOFF * 2);
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
