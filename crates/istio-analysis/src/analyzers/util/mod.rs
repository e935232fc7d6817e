pub mod hosts;
pub mod selectors;
pub mod workloads;
