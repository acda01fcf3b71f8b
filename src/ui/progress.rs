//! A progress line on stderr for work that takes a while: shown only on a terminal,
//! only once the work has run for a second, redrawn at most ten times a second, and
//! erased when the work is done, so nothing of it stays in the output.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use crate::freeze::Progress;
use std::time::{Duration, Instant};

/// How long work runs before its progress shows.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// How often the line is redrawn at most.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// A progress line `lancelot: <verb> <done>/<total> <noun>` on stderr, when stderr is
/// a terminal; `None` otherwise (a hook, a pipe, a CI log). Told `done == total`, it
/// erases itself.
pub fn on_terminal(verb: &'static str, noun: &'static str) -> Option<Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let started = Instant::now();
    let shown: Mutex<Option<Instant>> = Mutex::new(None);
    Some(Arc::new(move |done: usize, total: usize| {
        let Ok(mut shown) = shown.lock() else {
            return;
        };
        let now = Instant::now();
        let mut stderr = std::io::stderr().lock();
        if done >= total {
            if shown.take().is_some() {
                let _ = write!(stderr, "\r\x1b[2K").and_then(|()| stderr.flush());
            }
            return;
        }
        let due = match *shown {
            Some(last) => now.duration_since(last) >= REDRAW_EVERY,
            None => now.duration_since(started) >= QUIET_FOR,
        };
        if due {
            *shown = Some(now);
            let _ = write!(stderr, "\r\x1b[2Klancelot: {verb} {done}/{total} {noun}")
                .and_then(|()| stderr.flush());
        }
    }))
}
