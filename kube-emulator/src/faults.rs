//! Deterministic fault injection: one seeded pseudo-random draw per resource request.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::config::{FaultKind, Faults};

/// The fault plan of a running emulator: the configuration and how many draws were made.
pub(crate) struct FaultPlan {
    state: Mutex<(Faults, u64)>,
}

/// SplitMix64: a tiny, well-mixed generator; `draw(seed, n)` is the n-th number of a sequence.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl FaultPlan {
    /// A plan for `config`.
    pub fn new(config: Faults) -> Self {
        Self {
            state: Mutex::new((config, 0)),
        }
    }

    /// Replaces the configuration; the sequence restarts from its first draw.
    pub fn set(&self, config: Faults) {
        *self.lock() = (config, 0);
    }

    fn lock(&self) -> MutexGuard<'_, (Faults, u64)> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The latency to add to the next resource request, and its fault if it gets one.
    pub fn draw(&self) -> (Duration, Option<FaultKind>) {
        let mut state = self.lock();
        let (config, counter) = &mut *state;
        if config.rate <= 0.0 || config.kinds.is_empty() {
            return (config.latency, None);
        }
        let n = *counter;
        *counter += 1;
        let r = splitmix(config.seed ^ splitmix(n));
        let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= config.rate {
            return (config.latency, None);
        }
        let pick = splitmix(r) % config.kinds.len() as u64;
        (config.latency, Some(config.kinds[pick as usize]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(rate: f64, seed: u64) -> FaultPlan {
        FaultPlan::new(Faults {
            rate,
            seed,
            ..Faults::default()
        })
    }

    #[test]
    fn deterministic_and_near_rate() {
        let a: Vec<_> = (0..1000)
            .map({
                let p = plan(0.2, 7);
                move |_| p.draw().1
            })
            .collect();
        let b: Vec<_> = (0..1000)
            .map({
                let p = plan(0.2, 7);
                move |_| p.draw().1
            })
            .collect();
        assert_eq!(a, b);
        let hits = a.iter().filter(|f| f.is_some()).count();
        assert!((150..250).contains(&hits), "{hits}");
        assert!(plan(0.0, 7).draw().1.is_none());
        let p = plan(1.0, 7);
        assert!(p.draw().1.is_some());
        p.set(Faults::default());
        assert!(p.draw().1.is_none());
    }
}
