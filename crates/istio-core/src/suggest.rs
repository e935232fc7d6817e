//! "Did you mean …?": the one typo suggestion every command uses (flags' values, `--set`
//! paths, profile names, analyzer names, unknown fields and kinds).

/// How alike a candidate must be (Jaro-Winkler similarity, case aside) to be offered.
const THRESHOLD: f64 = 0.8;

/// The candidate closest to `word` (case aside), when one is close enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean "x"?`, the help line of a suggestion.
pub fn did_you_mean(suggestion: &str) -> String {
    format!("did you mean {suggestion:?}?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_close_names_only() {
        assert_eq!(closest("demoo", ["default", "demo"]), Some("demo"));
        assert_eq!(closest("DEMO", ["default", "demo"]), Some("demo"));
        assert_eq!(closest("zzz", ["default", "demo"]), None);
        assert_eq!(did_you_mean("service"), "did you mean \"service\"?");
    }
}
