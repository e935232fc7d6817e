//! istioctl-rs: a fast, single-binary clone of `istioctl`. This crate is the command line
//! only: [`cli`] declares the flags, and each [`cmd`] module parses its arguments, makes one
//! call into an engine crate and prints what it returns.
//!
//! The engines, none of which knows clap or the terminal:
//! - `istio-core`: YAML with lines, the compact document tree, local inputs, shared helpers;
//! - `istio-api`: Istio's API as Rust types, CRDs, validation, the Istio release modelled;
//! - `istio-kube`: the cluster client;
//! - `istio-install`: IstioOperator configuration, rendering, apply/prune/uninstall plans;
//! - `istio-analysis`: the analysis engine and its analyzers.
#![deny(missing_docs)]

pub mod cli;
pub mod cmd;
