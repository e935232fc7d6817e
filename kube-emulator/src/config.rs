//! Configuration of an emulator instance.

use std::time::Duration;

/// When the simulated controller reports a Deployment ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Ready this long after each change of the Deployment's spec.
    After(Duration),
    /// Never ready (to test time-outs): status stays "progressing".
    Never,
}

impl Readiness {
    /// Parses `2s`, `500ms`, … or `never`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim() == "never" {
            Ok(Self::Never)
        } else {
            istio_core::duration::parse_flag(text).map(Self::After)
        }
    }
}

/// One kind of injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 Too Many Requests with `Retry-After: 1`.
    TooManyRequests,
    /// 500 Internal Server Error.
    ServerError,
    /// The connection is closed without a reply.
    DropConnection,
}

impl FaultKind {
    /// Parses `429`, `5xx` or `drop`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "429" => Ok(Self::TooManyRequests),
            "5xx" | "500" => Ok(Self::ServerError),
            "drop" => Ok(Self::DropConnection),
            other => Err(format!(
                "unknown fault kind {other:?}: use 429, 5xx or drop"
            )),
        }
    }
}

/// Fault injection. Faults hit resource requests only (never `/version`, discovery or
/// `/openapi`), so that clients can still discover the API. Which request fails is decided by a
/// seeded pseudo-random sequence (one draw per resource request, in arrival order), so a run
/// with the same seed and the same request order fails the same requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Fraction of resource requests that fail, 0.0 ..= 1.0.
    pub rate: f64,
    /// Seed of the pseudo-random sequence.
    pub seed: u64,
    /// Kinds of fault to inject, picked in turn by the same sequence.
    pub kinds: Vec<FaultKind>,
    /// Latency added to every resource request.
    pub latency: Duration,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            rate: 0.0,
            seed: 1,
            kinds: vec![
                FaultKind::TooManyRequests,
                FaultKind::ServerError,
                FaultKind::DropConnection,
            ],
            latency: Duration::ZERO,
        }
    }
}

/// A user the emulator knows by bearer token, besides the administrator (whose token is
/// [`Config::token`] and who is in `system:masters`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The bearer token.
    pub token: String,
    /// The user name, e.g. `alice`.
    pub name: String,
    /// Groups besides `system:authenticated` (which every user is in).
    pub groups: Vec<String>,
}

impl User {
    /// A user with no extra groups.
    pub fn new(token: &str, name: &str) -> Self {
        Self {
            token: token.into(),
            name: name.into(),
            groups: Vec::new(),
        }
    }
}

/// How to start an emulator. `Config::default()` is HTTPS on a free port of 127.0.0.1 with a
/// random token, workloads ready at once, no faults, no RBAC, port forwarding over WebSocket
/// and SPDY.
#[derive(Clone, Debug)]
pub struct Config {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Serve plain HTTP instead of HTTPS.
    pub plain_http: bool,
    /// The bearer token clients must send; `None` generates a random one.
    pub token: Option<String>,
    /// When Deployments become ready.
    pub readiness: Readiness,
    /// Injected faults.
    pub faults: Faults,
    /// Print one line per request to stderr.
    pub log_requests: bool,
    /// Enforce RBAC: requests of users other than the administrator are allowed only by the
    /// Roles and ClusterRoles bound to them (off: every authenticated user may do anything).
    pub rbac: bool,
    /// Further users, by token (a kubeconfig for one: [`Handle::kubeconfig_for`](crate::Handle::kubeconfig_for)).
    pub users: Vec<User>,
    /// Serve `pods/portforward` over WebSocket (`v4.channel.k8s.io` and SPDY tunneled in
    /// WebSocket) as well as SPDY/3.1; off, WebSocket upgrades are refused as by a server or
    /// proxy that passes SPDY only, so clients must fall back.
    pub websocket_port_forward: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            plain_http: false,
            token: None,
            readiness: Readiness::After(Duration::ZERO),
            faults: Faults::default(),
            log_requests: false,
            rbac: false,
            users: Vec::new(),
            websocket_port_forward: true,
        }
    }
}
