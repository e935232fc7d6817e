pub mod selectors;
pub mod workloads;
