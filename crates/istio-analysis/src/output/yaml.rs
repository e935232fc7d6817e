//! `-o yaml`: a YAML list of [`super::Record`]s, and nothing else.

use super::Records;
use crate::run::Finding;

/// Writes the findings as a YAML sequence (`[]` when there are none), record by record.
pub fn write(findings: &[Finding], out: &mut impl std::io::Write) -> std::io::Result<()> {
    if findings.is_empty() {
        return out.write_all(b"[]\n");
    }
    // Plain one-line scalars (no folded `>` blocks): a message stays greppable on its line.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    serde_saphyr::to_io_writer_with_options(out, &Records(findings), options)
        .map_err(std::io::Error::other)
}

/// The findings as a YAML sequence.
pub fn render(findings: &[Finding]) -> std::io::Result<String> {
    let mut out = Vec::new();
    write(findings, &mut out)?;
    String::from_utf8(out).map_err(std::io::Error::other)
}
