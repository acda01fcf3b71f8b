//! The plan executor: every command that writes files describes the writes as a
//! [`Plan`], which is either shown (`--dry-run`) or applied all-or-nothing.
//!
//! Every write goes through [`Root`], so it never follows a symbolic link or lands
//! outside the repository. Files are written to a temporary file in the target folder
//! and renamed into place, so a reader never sees half a file. If any write fails,
//! every file created is removed, every file changed gets its old bytes back, and
//! every folder created is removed again, so the work tree is exactly as before. A
//! rollback touches only what this run wrote: a file someone changed since is left.

mod journal;

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::fs::{FsError, Node, RelPath, Root, TEXT_LIMIT};

pub use journal::{Journal, Recovery};

/// Set while a plan is being applied, so an interrupt handler can wait instead of
/// leaving a half-written change behind.
pub static APPLYING: AtomicBool = AtomicBool::new(false);

/// The byte order mark some editors write at the start of a UTF-8 file.
const BOM: char = '\u{feff}';

/// Whether every line of `text` ends in CRLF (and there is at least one).
fn all_crlf(text: &str) -> bool {
    let lines = text.matches('\n').count();
    lines > 0 && text.matches("\r\n").count() == lines
}

/// `text` in the plain form edits work on: without a byte order mark, and with LF
/// line ends when every line ends in CRLF (a file that mixes them is left as it is).
/// [`FileChange::edit`] writes the result back in the file's own form.
pub fn plain(text: &str) -> std::borrow::Cow<'_, str> {
    let unmarked = text.strip_prefix(BOM).unwrap_or(text);
    if all_crlf(unmarked) {
        std::borrow::Cow::Owned(unmarked.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(unmarked)
    }
}

/// `plain` (an edit of `plain(before)`) in `before`'s form.
fn restyle(before: &str, plain: &str) -> String {
    let unmarked = before.strip_prefix(BOM);
    let mut text = String::with_capacity(plain.len() + plain.len() / 16 + 3);
    if unmarked.is_some() && !plain.starts_with(BOM) {
        text.push(BOM);
    }
    if all_crlf(unmarked.unwrap_or(before)) {
        text.push_str(&plain.replace("\r\n", "\n").replace('\n', "\r\n"));
    } else {
        text.push_str(plain);
    }
    text
}

/// One file write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// A new file; the path must not exist.
    Create {
        /// The file to create.
        path: RelPath,
        /// Its contents.
        contents: String,
        /// Whether the file is a program (mode 0755 less the umask).
        executable: bool,
    },
    /// A new, empty folder; the path must not exist.
    Folder {
        /// The folder to create.
        path: RelPath,
    },
    /// A change to an existing file, which must still hold `before` when applied.
    Update {
        /// The file to change.
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

    /// An edit of the existing text file `before`: `plain_after` is the edited text in
    /// plain form (see [`plain`]), written back in `before`'s conventions: its byte
    /// order mark, and CRLF line ends when every line of `before` ends so.
    pub fn edit(path: RelPath, before: String, plain_after: &str) -> FileChange {
        let after = restyle(&before, plain_after);
        FileChange::update(path, before, after)
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
        /// The file found changed.
        path: RelPath,
    },
    /// A path of the plan cannot be written safely (a link, a git folder).
    #[error(transparent)]
    Unsafe(FsError),
    /// A write failed; everything written before it was undone.
    #[error("{source}; every change was rolled back")]
    Write {
        /// The write that failed.
        source: FsError,
    },
    /// A write failed and so did part of the rollback.
    #[error("{source}, and the rollback failed for: {}", leftovers.join(", "))]
    RollbackFailed {
        /// Why the write failed.
        source: FsError,
        /// Paths left in the new state.
        leftovers: Vec<String>,
    },
}

impl ApplyError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            ApplyError::Conflict { .. } => Some("run the command again".into()),
            ApplyError::Unsafe(error) => error.hint(),
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
pub struct Applied<'r> {
    root: &'r Root,
    done: Vec<Done>,
}

impl Applied<'_> {
    /// Restores every file and removes every file and folder the plan created, where
    /// they still hold what the plan wrote; returns the paths that could not be
    /// restored.
    pub fn rollback(self) -> Vec<String> {
        undo(self.root, self.done)
    }
}

/// What has been done so far, to undo on failure.
#[derive(Debug)]
enum Done {
    CreatedDir(RelPath),
    CreatedFile {
        path: RelPath,
        contents: Vec<u8>,
    },
    UpdatedFile {
        path: RelPath,
        before: Vec<u8>,
        after: Vec<u8>,
    },
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
    pub fn apply<'r>(&self, root: &'r Root) -> Result<Applied<'r>, ApplyError> {
        self.check_unchanged(root)?;
        APPLYING.store(true, Ordering::SeqCst);
        let result = self.write_or_undo(root);
        APPLYING.store(false, Ordering::SeqCst);
        result
    }

    /// Writes every change, undoing them all when one fails.
    fn write_or_undo<'r>(&self, root: &'r Root) -> Result<Applied<'r>, ApplyError> {
        let mut done = Vec::new();
        match self.write_all(root, &mut done) {
            Ok(()) => Ok(Applied { root, done }),
            Err(source) => {
                let leftovers = undo(root, done);
                if leftovers.is_empty() {
                    Err(ApplyError::Write { source })
                } else {
                    Err(ApplyError::RollbackFailed { source, leftovers })
                }
            }
        }
    }

    /// [`Plan::apply`], with the plan recorded in `journal` while it is written: a run
    /// killed midway is undone by the next writer (see [`Journal::recover`]).
    pub fn apply_journaled<'r>(
        &self,
        root: &'r Root,
        journal: &Journal,
    ) -> Result<Applied<'r>, ApplyError> {
        self.check_unchanged(root)?;
        // From the journal's first byte to its removal, an interrupt waits: a run
        // stopped after its writes but before the journal goes would be undone later.
        APPLYING.store(true, Ordering::SeqCst);
        let result = self.journaled(root, journal);
        APPLYING.store(false, Ordering::SeqCst);
        result
    }

    fn journaled<'r>(&self, root: &'r Root, journal: &Journal) -> Result<Applied<'r>, ApplyError> {
        journal
            .open(self, root)
            .map_err(|source| ApplyError::Write { source })?;
        let applied = self.write_or_undo(root);
        // Written or rolled back, the plan has nothing left to undo. A journal left
        // behind would make the next writer undo this run's writes: if it cannot be
        // removed, the plan is rolled back and the error reported.
        match (journal.close(), applied) {
            (Err(source), Ok(applied)) => {
                let leftovers = applied.rollback();
                Err(if leftovers.is_empty() {
                    ApplyError::Write { source }
                } else {
                    ApplyError::RollbackFailed { source, leftovers }
                })
            }
            (_, applied) => applied,
        }
    }

    /// Refuses to start if the tree moved since the plan was made, or if a path of the
    /// plan leads through a link or into a git folder. Other problems (a file where a
    /// folder must go) surface when writing, and are rolled back.
    fn check_unchanged(&self, root: &Root) -> Result<(), ApplyError> {
        for change in &self.changes {
            let path = change.path();
            if let Some(parent) = path.parent() {
                root.node(&parent).map(Some).or_else(unsafe_only)?;
            }
            let unchanged = match change {
                FileChange::Create { .. } | FileChange::Folder { .. } => {
                    let node = root.node(path).map(Some).or_else(unsafe_only)?;
                    node.is_none_or(|node| node == Node::Missing)
                }
                FileChange::Update { before, .. } => {
                    let current = root.read(path, TEXT_LIMIT).or_else(unsafe_only)?;
                    current.is_some_and(|bytes| bytes == before.as_bytes())
                }
            };
            if !unchanged {
                return Err(ApplyError::Conflict { path: path.clone() });
            }
        }
        Ok(())
    }

    fn write_all(&self, root: &Root, done: &mut Vec<Done>) -> Result<(), FsError> {
        for change in &self.changes {
            let path = change.path();
            let folder = match change {
                FileChange::Folder { .. } => Some(path.clone()),
                _ => path.parent(),
            };
            if let Some(folder) = folder {
                for created in root.create_dirs(&folder)? {
                    done.push(Done::CreatedDir(created));
                }
            }
            match change {
                FileChange::Create {
                    contents,
                    executable,
                    ..
                } => {
                    root.write_new(path, contents.as_bytes(), *executable)?;
                    done.push(Done::CreatedFile {
                        path: path.clone(),
                        contents: contents.clone().into_bytes(),
                    });
                }
                FileChange::Folder { .. } => {}
                FileChange::Update {
                    before,
                    after,
                    executable,
                    ..
                } => {
                    root.replace(path, after.as_bytes(), *executable)?;
                    done.push(Done::UpdatedFile {
                        path: path.clone(),
                        before: before.clone().into_bytes(),
                        after: after.clone().into_bytes(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// A link or a git folder stops a plan before it starts; any other problem is left
/// to the write, which reports it and rolls back.
fn unsafe_only<T>(error: FsError) -> Result<Option<T>, ApplyError> {
    match error {
        FsError::Symlink { .. } | FsError::GitFolder { .. } => Err(ApplyError::Unsafe(error)),
        _ => Ok(None),
    }
}

/// Undoes `done` in reverse order, touching only files that still hold what was
/// written (someone else's later change is theirs to keep) and folders that are empty
/// again; returns the paths that could not be restored.
fn undo(root: &Root, done: Vec<Done>) -> Vec<String> {
    let mut leftovers = Vec::new();
    let still_holds = |path: &RelPath, bytes: &[u8]| {
        root.read(path, TEXT_LIMIT).ok().flatten().as_deref() == Some(bytes)
    };
    for step in done.into_iter().rev() {
        let (path, result) = match step {
            Done::CreatedFile { path, contents } => {
                let result = if still_holds(&path, &contents) {
                    root.remove_file(&path)
                } else {
                    Ok(())
                };
                (path, result)
            }
            Done::UpdatedFile {
                path,
                before,
                after,
            } => {
                let result = if still_holds(&path, &after) {
                    root.replace(&path, &before, false)
                } else {
                    Ok(())
                };
                (path, result)
            }
            Done::CreatedDir(path) => {
                let empty = root
                    .list(Some(&path))
                    .ok()
                    .flatten()
                    .is_some_and(|entries| entries.is_empty());
                let result = if empty {
                    root.remove_dir(&path)
                } else {
                    Ok(())
                };
                (path, result)
            }
        };
        if result.is_err() {
            leftovers.push(path.to_string());
        }
    }
    leftovers
}

#[cfg(test)]
mod tests {
    #[test]
    fn edits_keep_the_files_line_ends_and_mark() {
        let path = RelPath::parse("f.md").unwrap();
        let after = |before: &str, edit: &dyn Fn(&str) -> String| {
            let plain_after = edit(&plain(before));
            match FileChange::edit(path.clone(), before.to_owned(), &plain_after) {
                FileChange::Update { after, .. } => after,
                _ => unreachable!(),
            }
        };
        let append = |text: &str| format!("{text}new\n");
        assert_eq!(after("a\r\nb\r\n", &append), "a\r\nb\r\nnew\r\n");
        assert_eq!(after("\u{feff}a\n", &append), "\u{feff}a\nnew\n");
        assert_eq!(after("\u{feff}a\r\n", &append), "\u{feff}a\r\nnew\r\n");
        // A file that mixes line ends is not normalised: only the edit is new.
        assert_eq!(after("a\r\nb\n", &append), "a\r\nb\nnew\n");
        assert_eq!(after("", &append), "new\n");
        // The plain form is what an editor sees.
        assert_eq!(plain("\u{feff}x\r\ny\r\n"), "x\ny\n");
        assert_eq!(plain("x\ry\r\n"), "x\ry\n");
    }

    use super::*;

    use std::fs;
    use std::path::Path;

    fn rel(path: &str) -> RelPath {
        RelPath::parse(path).unwrap()
    }

    fn root(dir: &Path) -> Root {
        Root::work_tree(dir, &dir.join(".git")).unwrap()
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
        plan.apply(&root(dir.path())).unwrap();
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
        let error = plan.apply(&root(dir.path())).unwrap_err();
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
        let root = root(dir.path());
        let applied = plan.apply(&root).unwrap();
        assert_ne!(snapshot(dir.path()), before);
        assert!(applied.rollback().is_empty());
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn a_rollback_leaves_what_someone_else_changed_since() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.md"), "old\n").unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("new/mine.md"), "mine"));
        plan.push(FileChange::create(rel("new/theirs.md"), "mine"));
        plan.push(FileChange::update(rel("log.md"), "old\n", "new\n"));
        let root = root(dir.path());
        let applied = plan.apply(&root).unwrap();
        // After the writes, another program edits two of the files.
        fs::write(dir.path().join("log.md"), "new\nand theirs\n").unwrap();
        fs::write(dir.path().join("new/theirs.md"), "theirs").unwrap();
        assert!(applied.rollback().is_empty());
        assert_eq!(
            fs::read_to_string(dir.path().join("log.md")).unwrap(),
            "new\nand theirs\n"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("new/theirs.md")).unwrap(),
            "theirs"
        );
        assert!(
            !dir.path().join("new/mine.md").exists(),
            "its own file stays behind"
        );
    }

    #[test]
    fn links_and_git_folders_stop_a_plan_before_it_starts() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("docs")).unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("a.md"), "a"));
        plan.push(FileChange::create(rel("docs/b.md"), "b"));
        let error = plan.apply(&root(dir.path())).unwrap_err();
        assert!(
            matches!(error, ApplyError::Unsafe(FsError::Symlink { .. })),
            "{error:?}"
        );
        assert!(
            !dir.path().join("a.md").exists(),
            "a file was written before the refusal"
        );
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn refuses_when_the_tree_moved_since_planning() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.md"), "edited by someone\n").unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::update(rel("log.md"), "old\n", "new\n"));
        assert!(matches!(
            plan.apply(&root(dir.path())),
            Err(ApplyError::Conflict { .. })
        ));
        fs::write(dir.path().join("new.md"), "x").unwrap();
        let mut plan = Plan::new();
        plan.push(FileChange::create(rel("new.md"), "y"));
        assert!(matches!(
            plan.apply(&root(dir.path())),
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
        plan.apply(&root(dir.path())).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }
}
