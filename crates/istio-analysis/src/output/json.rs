//! `-o json`: a pretty-printed JSON array of [`super::Record`]s, and nothing else.

use super::Records;
use crate::run::Finding;

/// Writes the findings as a JSON array (with a final newline), record by record.
pub fn write(findings: &[Finding], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, serde_json::ser::PrettyFormatter::new());
    serde::Serialize::serialize(&Records(findings), &mut serializer)?;
    out.write_all(b"\n")
}

/// The findings as a JSON array (with a final newline).
pub fn render(findings: &[Finding]) -> std::io::Result<String> {
    let mut out = Vec::new();
    write(findings, &mut out)?;
    String::from_utf8(out).map_err(std::io::Error::other)
}
