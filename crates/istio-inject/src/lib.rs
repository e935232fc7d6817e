//! Sidecar injection as istiod performs it, for `istioctl kube-inject`: Istio's injection
//! templates (Go templates) run against a workload's pod template, the result merged into the
//! pod, then istiod's post-processing (container order, probe rewriting, status and
//! Prometheus annotations).

#![deny(missing_docs)]

pub mod config;
pub mod data;
pub mod inject;
pub mod kube;
pub mod mesh;
pub mod quantity;
pub mod sources;
pub mod strategic;
pub mod template;
pub mod workload;
pub mod yaml;
