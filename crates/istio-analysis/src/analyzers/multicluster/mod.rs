//! Analyzers of multicluster meshes: resources read from several clusters
//! (`--remote-contexts`).

pub mod services;
