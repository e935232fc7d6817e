//! Every analyzer, one per file, grouped as Istio groups them, registered in [`all`].

use super::analyzer::Analyzer;

pub mod service;

/// All analyzers, in the order `-L` lists them.
pub fn all() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(service::port_name::PortNameAnalyzer)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_described() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for a in &all {
            assert!(
                !a.description().is_empty(),
                "{} has no description",
                a.name()
            );
            assert!(!a.inputs().is_empty(), "{} declares no inputs", a.name());
        }
    }
}
