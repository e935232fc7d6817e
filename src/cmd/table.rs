//! Tables as istioctl prints them (upper-case headers, columns separated by spaces, no
//! borders), drawn with comfy-table: fitted to the terminal's width on a terminal, plain text
//! at natural width when piped.

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

/// Renders `rows` under `header`, one line per row, without trailing spaces.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    for row in rows {
        table.add_row(row.iter().map(String::as_str));
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 3));
        column.set_cell_alignment(CellAlignment::Left);
    }
    let mut out: String = table
        .lines()
        .map(|l| l.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_without_borders() {
        let text = render(
            &["TAG", "REVISION", "NAMESPACES"],
            &[
                vec!["prod".into(), "b".into(), "shop".into()],
                vec!["default".into(), "a".into(), String::new()],
            ],
        );
        assert_eq!(
            text,
            "TAG       REVISION   NAMESPACES\nprod      b          shop\ndefault   a\n"
        );
    }
}
