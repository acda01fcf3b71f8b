//! Fault injection, for the tests of what lancelot leaves behind when a write fails
//! or the process dies midway. Debug builds only: a release build never reads the
//! variable.
//!
//! `LANCELOT_FAULT=write:N` makes the Nth file write of the process fail halfway, as
//! a full disk does; `LANCELOT_FAULT=kill:N` ends the process there at once, as
//! `kill -9` or a power cut would (no destructor, no rollback).

/// The variable read (by debug builds).
pub const VARIABLE: &str = "LANCELOT_FAULT";

/// Called halfway through every file write; fails or stops the process at the write
/// the variable names.
#[cfg(debug_assertions)]
pub fn at_write() -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let count = WRITES.fetch_add(1, Ordering::SeqCst) + 1;
    let Ok(spec) = std::env::var(VARIABLE) else {
        return Ok(());
    };
    let Some((kind, at)) = spec.split_once(':') else {
        return Ok(());
    };
    if at.trim().parse::<usize>().ok() != Some(count) {
        return Ok(());
    }
    match kind {
        "write" => Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "no space left on device (injected by LANCELOT_FAULT)",
        )),
        // As `kill -9` ends it: no unwinding, no destructor, no rollback (and,
        // unlike abort, no core file), with the status a shell reports for it.
        "kill" => std::process::exit(137),
        _ => Ok(()),
    }
}

/// Release builds inject nothing.
#[cfg(not(debug_assertions))]
pub fn at_write() -> std::io::Result<()> {
    Ok(())
}
