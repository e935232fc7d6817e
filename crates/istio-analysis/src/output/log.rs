//! `-o log`: istioctl's line per finding,
//! `Error [IST0101] (VirtualService default/reviews a.yaml:12) <message>`, followed by a hint
//! line and, when asked (on a terminal), a code frame pointing at the field's line.

use std::fmt::Write as _;

use istio_core::yaml::IndexedText;
use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

use crate::message::Level;
use crate::run::Finding;

/// How the log is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogStyle {
    /// ANSI colors for levels and frames.
    pub color: bool,
    /// A code frame under each finding read from a file.
    pub frames: bool,
}

/// A code frame for one finding: its file, and the line the finding points at.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{code}")]
struct Frame {
    code: &'static str,
    #[source_code]
    text: NamedSource<IndexedText>,
    #[label("{code}")]
    span: SourceSpan,
}

const RESET: &str = "\x1b[0m";

fn level_color(level: Level) -> &'static str {
    match level {
        Level::Error => "\x1b[1;31m",
        Level::Warning => "\x1b[1;33m",
        Level::Info => "\x1b[1;36m",
    }
}

/// Renders the code frame of one finding at 1-based `line` of its source, without miette's
/// header line. The frame is read through the source's line index: it costs the lines shown.
fn frame(handler: &GraphicalReportHandler, f: &Finding, line: u32) -> Option<String> {
    let source = f.source.as_ref()?;
    let text = source.indexed();
    let span = text.line_span(line)?;
    let diagnostic = Frame {
        code: f.entry.code,
        text: NamedSource::new(&source.name, text),
        span,
    };
    let mut rendered = String::new();
    handler.render_report(&mut rendered, &diagnostic).ok()?;
    // Drop the header (the code again): the frame starts at the line naming the file.
    let start = rendered
        .lines()
        .position(|l| l.contains("─[") || l.contains("-["))?;
    let mut out = String::new();
    for l in rendered.lines().skip(start) {
        if l.trim().is_empty() {
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    Some(out)
}

/// Renders the findings as log lines.
pub fn render(findings: &[Finding], style: LogStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_links(false)
        .with_urls(false);
    let mut out = String::new();
    for f in findings {
        let place = match &f.location {
            Some((file, line)) => format!("{} {file}:{line}", f.origin),
            None => f.origin.clone(),
        };
        let level = if style.color {
            format!("{}{}{RESET}", level_color(f.level), f.level)
        } else {
            f.level.to_string()
        };
        let _ = writeln!(out, "{level} [{}] ({place}) {}", f.entry.code, f.text);
        if !f.hint.is_empty() {
            let _ = writeln!(out, "    Hint: {}", f.hint);
        }
        if !style.frames {
            continue;
        }
        let frame = f
            .location
            .as_ref()
            .and_then(|(_, line)| frame(&handler, f, *line));
        if let Some(text) = frame {
            out.push_str(&text);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzers::service::port_name::ANALYZER as PORT_NAME;
    use crate::load::{load_bytes, Keep, LoadOptions, LoadReport};
    use crate::mesh::MeshConfig;
    use crate::run::{run, RunOptions};
    use crate::store::StoreBuilder;

    fn findings(text: &str) -> Vec<Finding> {
        let opts = LoadOptions {
            default_namespace: "default".to_owned(),
            recursive: true,
        };
        let mut builder = StoreBuilder::default();
        let mut report = LoadReport::default();
        load_bytes(
            "svc.yaml".into(),
            text.as_bytes().to_vec(),
            &opts,
            &Keep::All,
            &mut builder,
            &mut report,
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let store = builder.build();
        run(
            &[&PORT_NAME],
            &store,
            &MeshConfig::defaults("istio-system"),
            &RunOptions::default(),
            &mut Default::default(),
        )
    }

    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - name: odd\n    port: 80\n";

    #[test]
    fn lines_and_hints_without_frames() {
        let text = render(&findings(SVC), LogStyle::default());
        assert_eq!(
            text.lines().next(),
            Some("Info [IST0118] (Service default/web svc.yaml:7) Port \"odd\" (port 80, targetPort 80) names no protocol Istio knows, neither as <protocol>[-<suffix>] nor by its appProtocol.")
        );
        assert!(text
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("    Hint: ")));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn frames_point_at_the_line() {
        let text = render(
            &findings(SVC),
            LogStyle {
                color: false,
                frames: true,
            },
        );
        assert!(text.contains("╭─[svc.yaml:7:3]"), "{text}");
        assert!(text.contains(" 7 │   - name: odd"), "{text}");
        assert!(text.contains("IST0118"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        let colored = render(
            &findings(SVC),
            LogStyle {
                color: true,
                frames: true,
            },
        );
        assert!(colored.contains("\x1b[1;36mInfo\x1b[0m"), "{colored}");
    }
}
