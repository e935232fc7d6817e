pub mod selectors;
