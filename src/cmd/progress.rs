//! The installer's progress, drawn: one spinner line per component on a terminal (stderr),
//! and a `✔ … installed` line on stdout as each component becomes ready.

use std::collections::BTreeMap;
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
    _multi: MultiProgress,
}

impl Progress {
    /// Lines for `components`, hidden when `hidden` (a dry run).
    pub fn new(components: &[Component], hidden: bool) -> Self {
        let multi = MultiProgress::new();
        if hidden {
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
            _multi: multi,
        }
    }

    /// Draws one event.
    pub fn event(&self, event: Event) {
        match event {
            Event::Waiting(c, names) => {
                if let Some(bar) = self.bars.get(&c) {
                    bar.set_message(format!("{}: waiting for {}", title(c), names.join(", ")));
                }
            }
            Event::Ready(c) => self.done(c),
            Event::Pruned(key) => println!("  removed {key} (no longer in the configuration)"),
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
        println!("\u{2714} {} installed", title(c));
    }

    /// Removes every line still drawn.
    pub fn clear(&self) {
        for bar in self.bars.values() {
            bar.finish_and_clear();
        }
    }
}
