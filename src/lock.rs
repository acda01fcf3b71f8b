//! One writer at a time. Every command that writes (init, new-slice, set-status,
//! release, hook install) holds the repository's lock from its first read to its
//! receipt, so two runs at once never lose each other's CHANGELOG entries or flags.
//!
//! The lock is an operating-system advisory lock on `lancelot/lock` in the common git
//! folder: a killed process releases it, so it can never be left stale. A second run
//! waits a little, then refuses and says who holds the lock.

use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::apply::{Journal, Recovery};
use crate::fs::{FsError, RelPath, Root};

/// How long a run waits for the lock by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);
/// The environment variable that sets the wait, in seconds.
pub const WAIT_VARIABLE: &str = "LANCELOT_LOCK_WAIT";
/// How often the lock is tried while waiting.
const RETRY: Duration = Duration::from_millis(25);

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it.
    #[error("another lancelot is writing in this repository ({holder}); nothing was done")]
    Held {
        /// Who holds it, as that run recorded itself.
        holder: String,
    },
    /// The lock file could not be opened or locked.
    #[error(transparent)]
    Files(#[from] FsError),
}

impl LockError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            LockError::Held { .. } => Some(format!(
                "wait for it to finish and run the command again (or wait longer: {WAIT_VARIABLE}=<seconds>)"
            )),
            LockError::Files(error) => error.hint(),
        }
    }
}

/// The held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct RepoLock {
    _file: std::fs::File,
    journal: Journal,
}

impl RepoLock {
    /// The journal the holder's plans are written with ([`crate::apply::Plan::apply_journaled`]).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }
}

/// Takes the lock of the repository whose common git folder is `git_dir`, for the
/// command `command`, waiting up to `wait` for another holder to finish.
pub fn acquire(git_dir: &Path, command: &str, wait: Duration) -> Result<RepoLock, LockError> {
    let path = RelPath::from_static("lancelot/lock");
    let mut file = Root::folder(git_dir)?.open_append(&path)?;
    let shown = git_dir.join(path.as_str()).display().to_string();
    let io = |source| FsError::Io {
        action: "lock",
        path: shown.clone(),
        source,
    };
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(RETRY);
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    holder: holder(&mut file),
                });
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(io(error).into()),
        }
    }
    let me = format!(
        "pid {}, `lancelot {command}`, since {}",
        std::process::id(),
        crate::clock::now().timestamp()
    );
    // The file is opened for appending: empty it, then say who holds the lock.
    file.set_len(0)
        .and_then(|()| file.write_all(me.as_bytes()))
        .and_then(|()| file.flush())
        .map_err(io)?;
    // A run that died while writing left its journal: it holds no lock any more, so
    // what it wrote is undone now, before anything else reads the files.
    let journal = Journal::new(git_dir, command);
    match journal.recover() {
        Ok(Some(recovery)) => crate::ui::err(&recovery_note(&recovery)),
        Ok(None) => {}
        // A journal that cannot be read (a folder in its place) stops no one; the
        // next write of a journal says what is in the way.
        Err(error) => crate::ui::warn(&format!(
            "cannot read the journal of an earlier run: {error}"
        )),
    }
    Ok(RepoLock {
        _file: file,
        journal,
    })
}

/// The note that says a stopped run was undone.
fn recovery_note(recovery: &Recovery) -> String {
    match recovery {
        Recovery::Undone {
            command,
            pid,
            paths,
            leftovers,
        } => {
            let mut note = format!(
                "note: an earlier `lancelot {}` (pid {pid}) was stopped while writing; what it had written is undone ({} file(s) checked)\n",
                crate::ui::safe(command),
                paths.len()
            );
            if !leftovers.is_empty() {
                note.push_str(&format!(
                    "note: these could not be restored: {}\n",
                    crate::ui::safe(&leftovers.join(", "))
                ));
            }
            note
        }
        Recovery::Kept { reason, kept } => format!(
            "note: an earlier run left a write journal: {}; it is kept as {}\n",
            crate::ui::safe(reason),
            crate::ui::safe(kept)
        ),
    }
}

/// What the holder wrote about itself.
fn holder(file: &mut std::fs::File) -> String {
    let mut text = String::new();
    let read = file
        .rewind()
        .and_then(|()| file.take(512).read_to_string(&mut text));
    match read {
        Ok(_) if !text.trim().is_empty() => crate::ui::safe(text.trim()).to_string(),
        _ => "a process that has not said who it is yet".into(),
    }
}

/// The wait: `LANCELOT_LOCK_WAIT` seconds, or [`DEFAULT_WAIT`].
pub fn configured_wait() -> Duration {
    std::env::var(WAIT_VARIABLE)
        .ok()
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map_or(DEFAULT_WAIT, Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path(), "new-slice Alpha", Duration::ZERO).unwrap();
        let started = Instant::now();
        let error = acquire(dir.path(), "release", Duration::from_millis(100)).unwrap_err();
        assert!(
            started.elapsed() >= Duration::from_millis(100),
            "it did not wait"
        );
        let message = error.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("`lancelot new-slice Alpha`"), "{message}");
        drop(first);
        let second = acquire(dir.path(), "release", Duration::ZERO).unwrap();
        drop(second);
        let text = std::fs::read_to_string(dir.path().join("lancelot/lock")).unwrap();
        assert!(text.contains("`lancelot release`"), "{text}");
    }
}
