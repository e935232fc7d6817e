//! An in-memory Kubernetes API server emulator for istioctl-rs tests.
//!
//! It serves the Kubernetes REST protocol on 127.0.0.1 as kube-apiserver 1.36 does for the
//! requests `kubectl` and the `kube` crate make — discovery of every built-in resource, CRUD,
//! server-side apply, patches, the status subresource, selectors, paging, watch; JSON, YAML and
//! protobuf bodies; defaulting, validation and field validation of built-in kinds and of custom
//! resources against their CRD's schema; RBAC with users by token and the review kinds — over
//! HTTPS with a CA generated at start and a bearer token (or plain HTTP). Simulated controllers
//! make Deployments, DaemonSets and StatefulSets ready after a delay (or never) and CRDs
//! Established; seeded fault injection returns 429s, 500s and dropped connections.
//!
//! ```no_run
//! use kube_emulator::{Config, Emulator, Readiness};
//! use std::time::Duration;
//!
//! let emulator = Emulator::start(Config {
//!     readiness: Readiness::After(Duration::from_millis(200)),
//!     ..Config::default()
//! })?;
//! emulator.write_kubeconfig("/tmp/kubeconfig")?;
//! println!("{} {}", emulator.url(), emulator.token());
//! # Ok::<(), std::io::Error>(())
//! ```

#![deny(missing_docs)]

mod apply;
mod auth;
mod config;
mod controller;
mod crd;
mod defaults;
mod discovery;
mod emulator;
mod faults;
mod fields;
mod handlers;
mod objects;
mod openapi;
mod patch;
mod portforward;
mod protobuf;
mod quantity;
mod rbac;
mod resources;
mod rules;
mod scale;
mod schema;
mod selectors;
mod server;
mod state;
mod status;
mod store;
mod table;
mod tls;
mod util;
mod validation;
mod watch;

pub use config::{Config, FaultKind, Faults, Readiness, User};
pub use emulator::{Emulator, Handle};
pub use state::LoggedRequest;
