//! What the benchmarks share: timing a piece of work.

use std::time::{Duration, Instant};

/// Runs `work` `runs` times, prints the best time under `label` and returns the last
/// result.
pub(crate) fn time<T>(label: &str, runs: usize, mut work: impl FnMut() -> T) -> T {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        result = Some(work());
        best = best.min(start.elapsed());
    }
    println!(
        "{label:<58} {:>9.2} ms (best of {runs})",
        best.as_secs_f64() * 1000.0
    );
    result.unwrap()
}
