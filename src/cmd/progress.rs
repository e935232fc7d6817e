//! The installer's progress, drawn: one spinner line per component on a terminal (stderr),
//! plain lines (each change of what a component waits for, once) when stderr is not a
//! terminal, and a `✔ … installed` line on stdout as each component becomes ready (above the
//! spinners when both share the terminal, so no spinner line stays behind).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use istio_install::install::Event;
use istio_install::render::Component;

/// The name of a component on its progress line.
fn title(c: Component) -> &'static str {
    match c {
        Component::Base => "Istio core",
        Component::Pilot => "Istiod",
        Component::Cni => "CNI",
        Component::Ztunnel => "Ztunnel",
        Component::IngressGateways => "Ingress gateways",
        Component::EgressGateways => "Egress gateways",
    }
}

/// One progress line per component.
pub struct Progress {
    bars: BTreeMap<Component, ProgressBar>,
    finished: Mutex<Vec<Component>>,
    multi: MultiProgress,
    /// Spinners are drawn (on stderr, a terminal).
    drawing: bool,
    /// Plain lines instead of spinners: the last line printed per component.
    plain: Option<Mutex<BTreeMap<Component, String>>>,
}

impl Progress {
    /// Lines for `components`, hidden when `hidden` (a dry run).
    pub fn new(components: &[Component], hidden: bool) -> Self {
        let multi = MultiProgress::new();
        let plain = !hidden && !std::io::stderr().is_terminal();
        if hidden || plain {
            multi.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let style = ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bars = components
            .iter()
            .map(|c| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_message(format!("{}: applying", title(*c)));
                bar.enable_steady_tick(Duration::from_millis(120));
                (*c, bar)
            })
            .collect();
        Progress {
            bars,
            finished: Mutex::new(Vec::new()),
            multi,
            drawing: !hidden && !plain,
            plain: plain.then(|| Mutex::new(BTreeMap::new())),
        }
    }

    /// Draws one event.
    pub fn event(&self, event: Event) {
        match event {
            Event::Waiting(c, names) => {
                let line = format!("{}: waiting for {}", title(c), names.join(", "));
                match &self.plain {
                    Some(last) => {
                        let Ok(mut last) = last.lock() else { return };
                        if last.get(&c) != Some(&line) {
                            eprintln!("{line}");
                            last.insert(c, line);
                        }
                    }
                    None => {
                        if let Some(bar) = self.bars.get(&c) {
                            bar.set_message(line);
                        }
                    }
                }
            }
            Event::Ready(c) => self.done(c),
            Event::Pruned(key) => {
                self.say(&format!("  removed {key} (no longer in the configuration)"))
            }
        }
    }

    fn done(&self, c: Component) {
        let Some(bar) = self.bars.get(&c) else { return };
        let Ok(mut finished) = self.finished.lock() else {
            return;
        };
        if finished.contains(&c) {
            return;
        }
        finished.push(c);
        bar.finish_and_clear();
        self.multi.remove(bar);
        self.say(&format!("\u{2714} {} installed", title(c)));
    }

    /// A line for stdout. While spinners are drawn on the terminal stdout also writes to, the
    /// line goes above them through indicatif, which keeps count of the lines it drew.
    fn say(&self, line: &str) {
        if self.drawing && std::io::stdout().is_terminal() && self.multi.println(line).is_ok() {
            return;
        }
        println!("{line}");
    }

    /// Removes every line still drawn.
    pub fn clear(&self) {
        for bar in self.bars.values() {
            bar.finish_and_clear();
        }
    }
}
