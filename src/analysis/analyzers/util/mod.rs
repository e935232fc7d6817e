pub mod hosts;
pub mod selectors;
