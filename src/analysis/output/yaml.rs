//! `-o yaml`: a YAML list of [`super::Record`]s, and nothing else.

use super::records;
use crate::analysis::run::Finding;

/// Renders the findings as a YAML sequence (`[]` when there are none).
pub fn render(findings: &[Finding]) -> Result<String, serde_saphyr::SerializeError> {
    if findings.is_empty() {
        return Ok("[]\n".to_owned());
    }
    // Plain one-line scalars (no folded `>` blocks): a message stays greppable on its line.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    serde_saphyr::to_string_with_options(&records(findings), options)
}
