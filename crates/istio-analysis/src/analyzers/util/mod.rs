pub mod hosts;
pub mod protocol;
pub mod selectors;
pub mod workloads;
