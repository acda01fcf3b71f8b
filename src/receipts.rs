//! The append-only receipt log: one JSON object per line in
//! `<git dir>/lancelot/receipts.jsonl`, recording what lancelot did, refused or let
//! through (SOP 5.2: receipts are mandatory). docs/receipts.md names every type.
//!
//! Each receipt is written with one `write` on a file opened for appending, under an
//! exclusive lock, so concurrent writers never interleave lines.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock;
use crate::fs::{FsError, RelPath, Root};

/// A push was refused by the freeze.
pub const CHECK_REFUSED: &str = "check.refused";
/// A refused push was let through with a break-glass override.
pub const CHECK_OVERRIDDEN: &str = "check.overridden";
/// A slice was scaffolded.
pub const SLICE_CREATED: &str = "slice.created";
/// A slice moved to another status.
pub const SLICE_STATUS_CHANGED: &str = "slice.status_changed";
/// A status change was refused by a gate.
pub const SLICE_STATUS_REFUSED: &str = "slice.status_refused";
/// A release was cut.
pub const RELEASE_CUT: &str = "release.cut";
/// A release was refused or failed (and rolled back).
pub const RELEASE_REFUSED: &str = "release.refused";

/// Every type of receipt lancelot writes.
pub const KINDS: [&str; 7] = [
    SLICE_CREATED,
    SLICE_STATUS_CHANGED,
    SLICE_STATUS_REFUSED,
    CHECK_REFUSED,
    CHECK_OVERRIDDEN,
    RELEASE_CUT,
    RELEASE_REFUSED,
];

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// What happened, e.g. `check.refused`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When, as RFC 3339.
    pub at: String,
    /// Who: the git user, or the pusher on a server.
    pub actor: String,
    /// Everything else, by receipt type.
    #[serde(flatten)]
    pub details: serde_json::Map<String, Value>,
}

impl Receipt {
    /// What matters of the receipt to a person reading the log, on one line: the
    /// slice and its move, the refs and the count of violations, the version.
    pub fn summary(&self) -> String {
        let text = |key: &str| -> String {
            match self.details.get(key) {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Null) | None => String::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                Some(other) => other.to_string(),
            }
        };
        let count = |key: &str| {
            self.details
                .get(key)
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        match self.kind.as_str() {
            SLICE_CREATED => format!(
                "{} ({}, {} bump)",
                text("slice"),
                text("flag"),
                text("bump")
            ),
            SLICE_STATUS_CHANGED => {
                let by = text("superseded_by");
                let by = if by.is_empty() {
                    by
                } else {
                    format!(" by {by}")
                };
                format!("{}: {} -> {}{by}", text("slice"), text("from"), text("to"))
            }
            SLICE_STATUS_REFUSED => format!(
                "{}: {} -> {} refused ({} reason(s))",
                text("slice"),
                text("from"),
                text("to"),
                count("reasons")
            ),
            CHECK_REFUSED | CHECK_OVERRIDDEN => {
                let what = match self.details.get("error") {
                    Some(Value::String(error)) => format!("could not run: {error}"),
                    _ => format!("{} violation(s)", count("violations")),
                };
                let reason = text("reason");
                let reason = if reason.is_empty() {
                    reason
                } else {
                    format!(", override: {reason}")
                };
                format!("{}: {what}{reason}", text("refs"))
            }
            RELEASE_CUT => {
                let previous = text("previous");
                if previous.is_empty() {
                    text("version")
                } else {
                    format!("{} (after {previous})", text("version"))
                }
            }
            RELEASE_REFUSED => {
                let target = self
                    .details
                    .get("requested")
                    .and_then(|requested| requested.get("target"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                format!("{target}: {}", text("reason"))
            }
            _ => Value::Object(self.details.clone()).to_string(),
        }
    }

    /// A receipt of `kind` by `actor`, now, with `details` (a JSON object).
    pub fn new(kind: &str, actor: &str, details: Value) -> Receipt {
        let details = match details {
            Value::Object(map) => map,
            Value::Null => serde_json::Map::new(),
            other => {
                let mut map = serde_json::Map::new();
                map.insert("details".into(), other);
                map
            }
        };
        Receipt {
            kind: kind.to_owned(),
            at: clock::now().timestamp().to_string(),
            actor: actor.to_owned(),
            details,
        }
    }
}

/// The log file of the repository whose git folder is `git_dir`.
pub fn log_path(git_dir: &Path) -> PathBuf {
    git_dir.join(LOG.as_str())
}

/// The log, relative to the git folder.
static LOG: LazyLock<RelPath> = LazyLock::new(|| RelPath::from_static("lancelot/receipts.jsonl"));

/// Appends a receipt to the log of `git_dir`, creating the log when needed. The log
/// is never reached through a symbolic link.
pub fn append(git_dir: &Path, receipt: &Receipt) -> Result<(), FsError> {
    let io = |source| FsError::Io {
        action: "append to",
        path: log_path(git_dir).display().to_string(),
        source,
    };
    let mut line =
        serde_json::to_string(receipt).map_err(|error| io(std::io::Error::other(error)))?;
    line.push('\n');
    let mut file = Root::folder(git_dir)?.open_append(&LOG)?;
    file.lock().map_err(io)?;
    let written = file.write_all(line.as_bytes()).and_then(|()| file.flush());
    let unlocked = file.unlock();
    written.and(unlocked).map_err(io)
}

/// Reads every receipt of the log of `git_dir`, oldest first. Lines that are not
/// receipts (a torn write after a crash, say) are skipped and counted.
pub fn read_all(git_dir: &Path) -> Result<(Vec<Receipt>, usize), FsError> {
    let Some(file) = Root::folder(git_dir)?.open_read(&LOG)? else {
        return Ok((Vec::new(), 0));
    };
    let mut receipts = Vec::new();
    let mut skipped = 0;
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(|source| FsError::Io {
            action: "read",
            path: log_path(git_dir).display().to_string(),
            source,
        })?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice(&line) {
            Ok(receipt) => receipts.push(receipt),
            Err(_) => skipped += 1,
        }
    }
    Ok((receipts, skipped))
}

/// The git user of a repository, as `Name <email>`, for receipts of local actions.
pub fn git_actor(repo: &git2::Repository) -> String {
    let config = repo.config().ok();
    let get = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    match (get("user.name"), get("user.email")) {
        (Some(name), Some(email)) => format!("{name} <{email}>"),
        (Some(name), None) => name,
        (None, Some(email)) => format!("<{email}>"),
        (None, None) => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn receipts_round_trip_through_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let receipt = Receipt::new(
            CHECK_REFUSED,
            "Ada",
            serde_json::json!({ "ref": "refs/heads/main" }),
        );
        append(dir.path(), &receipt).unwrap();
        append(dir.path(), &receipt).unwrap();
        let (read, skipped) = read_all(dir.path()).unwrap();
        assert_eq!((read.len(), skipped), (2, 0));
        assert_eq!(read[0], receipt);
        let line = fs::read_to_string(log_path(dir.path())).unwrap();
        let value: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
        assert_eq!(value["type"], "check.refused");
        assert_eq!(value["ref"], "refs/heads/main");
        assert!(value["at"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn concurrent_writers_never_interleave_lines() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(8192);
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let path = dir.path().to_path_buf();
                let long = long.clone();
                std::thread::spawn(move || {
                    for n in 0..50 {
                        let receipt = Receipt::new(
                            "test.write",
                            "t",
                            serde_json::json!({ "writer": writer, "n": n, "pad": long }),
                        );
                        append(&path, &receipt).unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let (read, skipped) = read_all(dir.path()).unwrap();
        assert_eq!((read.len(), skipped), (200, 0));
    }

    #[test]
    fn a_torn_line_is_skipped_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("lancelot")).unwrap();
        fs::write(
            log_path(dir.path()),
            "{\"type\":\"x\",\"at\":\"t\",\"actor\":\"a\"}\n{\"ty",
        )
        .unwrap();
        let (read, skipped) = read_all(dir.path()).unwrap();
        assert_eq!((read.len(), skipped), (1, 1));
    }
}
