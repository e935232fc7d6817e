//! `-o json`: a pretty-printed JSON array of [`super::Record`]s, and nothing else.

use super::records;
use crate::analysis::run::Finding;

/// Renders the findings as a JSON array (with a final newline).
pub fn render(findings: &[Finding]) -> Result<String, serde_json::Error> {
    let mut out = serde_json::to_string_pretty(&records(findings))?;
    out.push('\n');
    Ok(out)
}
