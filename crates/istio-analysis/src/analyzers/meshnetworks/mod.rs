//! Analyzers of the mesh networks configuration.

pub mod mesh_networks;
