//! The plan executor: every command that writes files describes the writes as a
//! [`Plan`], which is either shown (`--dry-run`) or applied all-or-nothing.
//!
//! Files are written to a temporary file in the target folder and renamed into place,
//! so a reader never sees half a file. If any write fails, every file created is
//! removed, every file changed gets its old bytes back, and every folder created is
//! removed again, so the work tree is exactly as before.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::config::RelPath;

/// Set while a plan is being applied, so an interrupt handler can wait instead of
/// leaving a half-written change behind.
pub static APPLYING: AtomicBool = AtomicBool::new(false);

/// One file write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// A new file; the path must not exist.
    Create {
        /// Where.
        path: RelPath,
        /// What.
        contents: String,
        /// Whether the file is a program (mode 0755 less the umask).
        executable: bool,
    },
    /// A new, empty folder; the path must not exist.
    Folder {
        /// Where.
        path: RelPath,
    },
    /// A change to an existing file, which must still hold `before` when applied.
    Update {
        /// Where.
        path: RelPath,
        /// The contents the plan was made from.
        before: String,
        /// The new contents.
        after: String,
        /// Whether the file must end up executable (otherwise its mode is kept).
        executable: bool,
    },
}

impl FileChange {
    /// A new, non-executable file.
    pub fn create(path: RelPath, contents: impl Into<String>) -> FileChange {
        FileChange::Create {
            path,
            contents: contents.into(),
            executable: false,
        }
    }

    /// A change to an existing file, keeping its mode.
    pub fn update(
        path: RelPath,
        before: impl Into<String>,
        after: impl Into<String>,
    ) -> FileChange {
        FileChange::Update {
            path,
            before: before.into(),
            after: after.into(),
            executable: false,
        }
    }

    /// The same change, making the file executable.
    pub fn executable(self) -> FileChange {
        match self {
            FileChange::Create { path, contents, .. } => FileChange::Create {
                path,
                contents,
                executable: true,
            },
            FileChange::Update {
                path,
                before,
                after,
                ..
            } => FileChange::Update {
                path,
                before,
                after,
                executable: true,
            },
            folder @ FileChange::Folder { .. } => folder,
        }
    }

    /// The file written.
    pub fn path(&self) -> &RelPath {
        match self {
            FileChange::Create { path, .. }
            | FileChange::Folder { path }
            | FileChange::Update { path, .. } => path,
        }
    }

    /// `create` or `update`.
    pub fn action(&self) -> &'static str {
        match self {
            FileChange::Create { .. } | FileChange::Folder { .. } => "create",
            FileChange::Update { .. } => "update",
        }
    }

    /// The contents after the change.
    pub fn contents(&self) -> &str {
        match self {
            FileChange::Create { contents, .. } => contents,
            FileChange::Folder { .. } => "",
            FileChange::Update { after, .. } => after,
        }
    }

    /// A unified diff of the change (a new file diffs against nothing).
    pub fn diff(&self) -> String {
        let (before, after) = match self {
            FileChange::Create { contents, .. } => ("", contents.as_str()),
            FileChange::Folder { .. } => return String::new(),
            FileChange::Update { before, after, .. } => (before.as_str(), after.as_str()),
        };
        let path = self.path().as_str();
        similar::TextDiff::from_lines(before, after)
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }
}

/// A summary line of a change, for JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeSummary {
    /// Repository-relative path.
    pub path: String,
    /// `create` or `update`.
    pub action: &'static str,
}

/// An ordered list of file writes, applied all-or-nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    changes: Vec<FileChange>,
}

/// Why a plan could not be applied. Whatever was written was rolled back, unless
/// [`ApplyError::RollbackFailed`] says otherwise.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A file to create appeared, or a file to change was changed, since planning.
    #[error("{path} changed while lancelot was working; nothing was written")]
    Conflict {
        /// The file.
        path: RelPath,
    },
    /// A write failed; everything written before it was undone.
    #[error("cannot {action} {path}; every change was rolled back")]
    Write {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A write failed and so did part of the rollback.
    #[error("cannot {action} {path}, and the rollback failed for: {}", leftovers.join(", "))]
    RollbackFailed {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The I/O error of the write.
        #[source]
        source: std::io::Error,
        /// Paths left in the new state.
        leftovers: Vec<String>,
    },
}

impl ApplyError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            ApplyError::Conflict { .. } => Some("run the command again".into()),
            ApplyError::Write { .. } => {
                Some("fix the cause above (a file where a folder should be, permissions, disk space) and run the command again".into())
            }
            ApplyError::RollbackFailed { .. } => Some(
                "restore the listed paths with `git status` / `git checkout -- <path>` and remove new files by hand".into(),
            ),
        }
    }
}

/// A plan that was applied, kept to undo it if a later step fails.
#[derive(Debug)]
pub struct Applied {
    done: Vec<Done>,
}

impl Applied {
    /// Restores every file and removes every file and folder the plan created; returns
    /// the paths that could not be restored.
    pub fn rollback(self) -> Vec<String> {
        undo(self.done)
    }
}

/// What has been done so far, to undo on failure.
#[derive(Debug)]
enum Done {
    CreatedDir(PathBuf),
    CreatedFile(PathBuf),
    UpdatedFile { path: PathBuf, before: Vec<u8> },
}

impl Plan {
    /// An empty plan.
    pub fn new() -> Plan {
        Plan::default()
    }

    /// Adds a change at the end.
    pub fn push(&mut self, change: FileChange) {
        self.changes.push(change);
    }

    /// The changes, in the order they are applied.
    pub fn changes(&self) -> &[FileChange] {
        &self.changes
    }

    /// One line per change, for JSON output.
    pub fn summary(&self) -> Vec<ChangeSummary> {
        self.changes
            .iter()
            .map(|change| ChangeSummary {
                path: change.path().to_string(),
                action: change.action(),
            })
            .collect()
    }

    /// Applies every change under `root`, or none of them. The returned handle can
    /// undo the whole change later, when a step after the writes fails (a commit, say).
    pub fn apply(&self, root: &Path) -> Result<Applied, ApplyError> {
        self.check_unchanged(root)?;
        APPLYING.store(true, Ordering::SeqCst);
        let mut done = Vec::new();
        let result = self.write_all(root, &mut done);
        let result = match result {
            Ok(()) => Ok(Applied { done }),
            Err((action, path, source)) => {
                let leftovers = undo(done);
                if leftovers.is_empty() {
                    Err(ApplyError::Write {
                        action,
                        path,
                        source,
                    })
                } else {
                    Err(ApplyError::RollbackFailed {
                        action,
                        path,
                        source,
                        leftovers,
                    })
                }
            }
        };
        APPLYING.store(false, Ordering::SeqCst);
        result
    }

    /// Refuses to start if the tree moved since the plan was made.
    fn check_unchanged(&self, root: &Path) -> Result<(), ApplyError> {
        for change in &self.changes {
            let target = change.path().under(root);
            let unchanged = match change {
                FileChange::Create { .. } | FileChange::Folder { .. } => !exists(&target),
                FileChange::Update { before, .. } => {
                    fs::read(&target).is_ok_and(|bytes| bytes == before.as_bytes())
                }
            };
            if !unchanged {
                return Err(ApplyError::Conflict {
                    path: change.path().clone(),
                });
            }
        }
        Ok(())
    }

    fn write_all(
        &self,
        root: &Path,
        done: &mut Vec<Done>,
    ) -> Result<(), (&'static str, String, std::io::Error)> {
        for change in &self.changes {
            let target = change.path().under(root);
            if let FileChange::Folder { .. } = change {
                create_dirs(&target, done)
                    .map_err(|(dir, e)| ("create the folder", dir.display().to_string(), e))?;
                continue;
            }
            let parent = target.parent().unwrap_or(root);
            create_dirs(parent, done)
                .map_err(|(dir, e)| ("create the folder", dir.display().to_string(), e))?;
            let failed = |e| (change.action(), change.path().to_string(), e);
            match change {
                FileChange::Create {
                    contents,
                    executable,
                    ..
                } => {
                    write_new(&target, contents.as_bytes(), *executable).map_err(failed)?;
                    done.push(Done::CreatedFile(target));
                }
                FileChange::Folder { .. } => {}
                FileChange::Update {
                    before,
                    after,
                    executable,
                    ..
                } => {
                    replace(&target, after.as_bytes(), *executable).map_err(failed)?;
                    done.push(Done::UpdatedFile {
                        path: target,
                        before: before.clone().into_bytes(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Whether anything (even a dangling symlink) is at `path`. A path under a regular
/// file does not exist.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Creates the missing folders of `dir`, recording each one created.
fn create_dirs(dir: &Path, done: &mut Vec<Done>) -> Result<(), (PathBuf, std::io::Error)> {
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(path) = cursor {
        if exists(path) {
            break;
        }
        missing.push(path.to_path_buf());
        cursor = path.parent();
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path).map_err(|e| (path.clone(), e))?;
        done.push(Done::CreatedDir(path));
    }
    Ok(())
}

/// A temporary file in the folder of `target`, created with `mode` (less the umask),
/// so renaming it into place is atomic.
fn temp_file_beside(target: &Path, mode: u32) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lancelot-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder.tempfile_in(dir)
}

/// Writes a new file via a temporary file; fails if something appeared at `target`.
/// The file gets the permissions any new file of the user gets (0666, or 0777 for a
/// program, less the umask).
fn write_new(target: &Path, contents: &[u8], executable: bool) -> std::io::Result<()> {
    let mut temp = temp_file_beside(target, if executable { 0o777 } else { 0o666 })?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(target).map_err(|e| e.error)?;
    Ok(())
}

/// Replaces a file's contents via a temporary file, keeping its permissions (adding
/// the execute bits where read bits are set when `executable`).
fn replace(target: &Path, contents: &[u8], executable: bool) -> std::io::Result<()> {
    #[allow(unused_mut)]
    let mut permissions = fs::metadata(target)?.permissions();
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        let mode = permissions.mode();
        permissions.set_mode(mode | ((mode & 0o444) >> 2));
    }
    #[cfg(not(unix))]
    let _ = executable;
    let mut temp = temp_file_beside(target, 0o600)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.as_file().set_permissions(permissions)?;
    temp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Undoes `done` in reverse order; returns the paths that could not be restored.
fn undo(done: Vec<Done>) -> Vec<String> {
    let mut leftovers = Vec::new();
    for step in done.into_iter().rev() {
        let (path, result) = match step {
            Done::CreatedFile(path) => {
                let result = fs::remove_file(&path);
                (path, result)
            }
            Done::UpdatedFile { path, before } => {
                let result = replace(&path, &before, false);
                (path, result)
            }
            Done::CreatedDir(path) => {
                let result = fs::remove_dir(&path);
                (path, result)
            }
        };
        if result.is_err() {
            leftovers.push(path.display().to_string());
        }
    }
    leftovers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(path: &str) -> RelPath {
        RelPath::parse(path).unwrap()
    }

    fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.strip_prefix(root).unwrap().display().to_string();
                if path.is_dir() {
                    out.push((format!("{name}/"), Vec::new()));
                    stack.push(path);
                } else {
                    out.push((name, fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn applies_creates_and_updates_in_order() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.md"), "old\n").unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("a/b/new.md"), "new\n"));
        plan.push(FileChange::update(rel("log.md"), "old\n", "old\nmore\n"));
        plan.apply(dir.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a/b/new.md")).unwrap(),
            "new\n"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("log.md")).unwrap(),
            "old\nmore\n"
        );
    }

    #[test]
    fn a_failure_midway_restores_everything() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.md"), "old\n").unwrap();
        // `blocker` is a file, so no folder can be created under it.
        fs::write(dir.path().join("blocker"), "x").unwrap();
        let before = snapshot(dir.path());
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("deep/er/new.md"), "new\n"));
        plan.push(FileChange::update(rel("log.md"), "old\n", "changed\n"));
        plan.push(FileChange::create(rel("blocker/sub/file.py"), "x"));
        let error = plan.apply(dir.path()).unwrap_err();
        assert!(matches!(error, ApplyError::Write { .. }), "{error:?}");
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn an_applied_plan_can_be_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.md"), "old\n").unwrap();
        let before = snapshot(dir.path());
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("new/file.md"), "x"));
        plan.push(FileChange::update(rel("log.md"), "old\n", "new\n"));
        let applied = plan.apply(dir.path()).unwrap();
        assert_ne!(snapshot(dir.path()), before);
        assert!(applied.rollback().is_empty());
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn refuses_when_the_tree_moved_since_planning() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.md"), "edited by someone\n").unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::update(rel("log.md"), "old\n", "new\n"));
        assert!(matches!(
            plan.apply(dir.path()),
            Err(ApplyError::Conflict { .. })
        ));
        fs::write(dir.path().join("new.md"), "x").unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("new.md"), "y"));
        assert!(matches!(
            plan.apply(dir.path()),
            Err(ApplyError::Conflict { .. })
        ));
    }

    #[test]
    fn updates_keep_the_file_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        fs::write(&path, "a").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::update(rel("run.sh"), "a", "b"));
        plan.apply(dir.path()).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }
}
