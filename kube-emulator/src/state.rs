//! The shared state of a running emulator (store, settings, request log) and the response
//! helpers every layer uses. It sits at the bottom: it imports no module that serves requests.

use std::convert::Infallible;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::Response;
use serde_json::Value;
use tokio::sync::mpsc;

use std::collections::HashMap;

use crate::auth;
use crate::config::{Config, Faults, Readiness};
use crate::faults::FaultPlan;
use crate::rbac::Identity;
use crate::store::{Key, Store};

/// What a write leaves for the simulated controllers.
#[derive(Debug)]
pub(crate) enum Notice {
    /// The generation of the object at this key moved.
    Workload(Key),
    /// This namespace turned Terminating.
    NamespaceDeleted(String),
    /// The CRD at this key turned Terminating.
    CrdDeleted(Key),
}

/// Response body type of every handler.
pub(crate) type Body = UnsyncBoxBody<Bytes, Infallible>;

/// Shared state of a running emulator.
pub(crate) struct State {
    store: Mutex<Store>,
    readiness: Mutex<Readiness>,
    pub(crate) token: String,
    pub(crate) faults: FaultPlan,
    pub(crate) server_address: String,
    pub(crate) log_requests: bool,
    pub(crate) requests: Mutex<Vec<LoggedRequest>>,
    changes: mpsc::UnboundedSender<Notice>,
    /// RBAC mode.
    pub(crate) rbac: bool,
    /// Whether `pods/portforward` accepts WebSocket upgrades.
    pub(crate) websocket_port_forward: bool,
    /// Users by token: configured ones and those of issued service-account tokens.
    users: Mutex<HashMap<String, Identity>>,
}

/// Locks a mutex; a panic elsewhere does not make the state unusable.
pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl State {
    /// The state of a new emulator, and the receiver of [`State::notify`] notices (the
    /// simulated controllers read it).
    pub fn new(
        config: &Config,
        token: String,
        server_address: String,
    ) -> (Self, mpsc::UnboundedReceiver<Notice>) {
        let (changes, receiver) = mpsc::unbounded_channel();
        let state = Self {
            store: Mutex::new(Store::new()),
            readiness: Mutex::new(config.readiness),
            faults: FaultPlan::new(config.faults.clone()),
            token,
            server_address,
            log_requests: config.log_requests,
            requests: Mutex::new(Vec::new()),
            changes,
            rbac: config.rbac,
            websocket_port_forward: config.websocket_port_forward,
            users: Mutex::new(
                config
                    .users
                    .iter()
                    .map(|u| (u.token.clone(), Identity::new(&u.name, &u.groups)))
                    .collect(),
            ),
        };
        (state, receiver)
    }

    /// The user an `Authorization` header authenticates, if any.
    pub fn authenticate(&self, header: &str) -> Option<Identity> {
        if auth::authorized(header, &self.token) {
            return Some(auth::admin());
        }
        let token = auth::bearer(header)?;
        locked(&self.users).get(token).cloned()
    }

    /// Makes `token` authenticate `who` from now on (TokenRequest).
    pub fn issue_token(&self, token: String, who: Identity) {
        locked(&self.users).insert(token, who);
    }

    /// Leaves a notice for the simulated controllers.
    pub fn notify(&self, notice: Notice) {
        // The receiver lives as long as the runtime; a send after shutdown changes nothing.
        let _ = self.changes.send(notice);
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        locked(&self.requests).clone()
    }

    /// Replaces the fault injection.
    pub fn set_faults(&self, faults: Faults) {
        self.faults.set(faults);
    }

    /// Changes when Deployments become ready.
    pub fn set_readiness(&self, readiness: Readiness) {
        *locked(&self.readiness) = readiness;
    }

    /// Locks the store.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        locked(&self.store)
    }

    /// When Deployments become ready.
    pub fn readiness(&self) -> Readiness {
        *locked(&self.readiness)
    }
}

/// One request the emulator answered, as [`Handle::requests`](crate::Handle::requests) reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The HTTP method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// The status code; `None` when the connection was dropped by fault injection.
    pub status: Option<u16>,
}

/// A JSON response.
pub(crate) fn json_response(code: u16, value: &Value) -> Response<Body> {
    bytes_response(code, value.to_string().into_bytes())
}

/// A protobuf response (`application/vnd.kubernetes.protobuf`).
pub(crate) fn proto_response(code: u16, body: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("Content-Type", "application/vnd.kubernetes.protobuf")
        .body(Full::new(Bytes::from(body)).boxed_unsync())
        .expect("static response parts are valid")
}

/// Adds one `Warning: 299 - "…"` header per warning, as the API server sends them.
pub(crate) fn with_warnings(mut response: Response<Body>, warnings: &[String]) -> Response<Body> {
    for warning in warnings {
        let escaped = warning.replace('\\', "\\\\").replace('"', "\\\"");
        if let Ok(value) = hyper::header::HeaderValue::from_str(&format!("299 - \"{escaped}\"")) {
            response.headers_mut().append("Warning", value);
        }
    }
    response
}

/// A response with an already serialized JSON body.
pub(crate) fn bytes_response(code: u16, body: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body)).boxed_unsync())
        .expect("static response parts are valid")
}
