//! Versions: the client's own and the Istio release it installs.

/// The version of this client build (the workspace's version, shared by all its crates).
pub const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The released Istio version whose control plane this binary renders and installs;
/// it is the default image tag.
pub const ISTIO_VERSION: &str = "1.30.3";

/// The default image registry (`hub`).
pub const DEFAULT_HUB: &str = "docker.io/istio";
