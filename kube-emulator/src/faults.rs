//! Deterministic fault injection: one seeded pseudo-random draw per resource request.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::{FaultKind, Faults};

/// The fault plan of a running emulator.
pub(crate) struct FaultPlan {
    config: Faults,
    counter: AtomicU64,
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
            config,
            counter: AtomicU64::new(0),
        }
    }

    /// The latency to add to each resource request.
    pub fn latency(&self) -> std::time::Duration {
        self.config.latency
    }

    /// The fault for the next resource request, if it gets one.
    pub fn next(&self) -> Option<FaultKind> {
        if self.config.rate <= 0.0 || self.config.kinds.is_empty() {
            return None;
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let r = splitmix(self.config.seed ^ splitmix(n));
        let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= self.config.rate {
            return None;
        }
        let pick = splitmix(r) % self.config.kinds.len() as u64;
        Some(self.config.kinds[pick as usize])
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
                move |_| p.next()
            })
            .collect();
        let b: Vec<_> = (0..1000)
            .map({
                let p = plan(0.2, 7);
                move |_| p.next()
            })
            .collect();
        assert_eq!(a, b);
        let hits = a.iter().filter(|f| f.is_some()).count();
        assert!((150..250).contains(&hits), "{hits}");
        assert!(plan(0.0, 7).next().is_none());
        assert!(plan(1.0, 7).next().is_some());
    }
}
