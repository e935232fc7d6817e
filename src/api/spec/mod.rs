//! The Istio API, kind by kind: each module's `spec()` is the schema of that kind's `spec`.

pub mod authorization_policy;
pub mod destination_rule;
pub mod envoy_filter;
pub mod gateway;
pub mod peer_authentication;
pub mod proxy_config;
pub mod request_authentication;
pub mod service_entry;
pub mod shared;
pub mod sidecar;
pub mod telemetry;
pub mod virtual_service;
pub mod wasm_plugin;
pub mod workload_entry;
pub mod workload_group;
