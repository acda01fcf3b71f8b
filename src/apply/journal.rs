//! The write journal: what a plan is about to write, kept in the git folder while it
//! writes, so that a run killed midway (power cut, `kill -9`) is undone by the next.
//!
//! A plan's own rollback covers every failure the process lives through. A process
//! that dies between two writes cannot roll back; its journal stays behind, and the
//! next writer, once it holds the repository's lock (so the dead run is certainly not
//! writing any more), undoes what the dead run wrote, where the files still hold it,
//! and removes its temporary files.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Done, FileChange, Plan, undo};
use crate::fs::{EntryKind, FsError, Node, RelPath, Root, TEXT_LIMIT};

/// The journal file, in lancelot's folder of the common git folder.
const JOURNAL: &str = "lancelot/journal.json";

/// Where a journal that is not undone is kept, for the user to look at.
const KEPT: &str = "lancelot/journal-kept.json";

/// Largest journal read back (a plan holds a few documents and the CHANGELOG).
const JOURNAL_LIMIT: u64 = 64 * TEXT_LIMIT;

/// Where a repository's writers keep their journal.
#[derive(Debug, Clone)]
pub struct Journal {
    /// The common git folder.
    git_dir: PathBuf,
    /// The command writing, as the note of a later recovery names it.
    command: String,
}

/// What a journal records: enough to undo every step of one plan.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    pid: u32,
    command: String,
    /// The folder the plan's paths are relative to.
    root: PathBuf,
    /// The commit HEAD named when the plan was written: once HEAD has moved, the
    /// files may have been committed, and nothing is undone.
    #[serde(default)]
    head: Option<String>,
    steps: Vec<Step>,
}

/// One step of the plan, in the order it is taken.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
enum Step {
    /// A folder that did not exist.
    Folder { path: String },
    /// A new file and what it holds.
    Create { path: String, contents: String },
    /// A file changed from `before` to `after`.
    Update {
        path: String,
        before: String,
        after: String,
    },
}

/// What a recovery did.
#[derive(Debug)]
pub enum Recovery {
    /// The stopped run's writes were undone.
    Undone {
        /// The command that was stopped.
        command: String,
        /// Its process id.
        pid: u32,
        /// The files it planned to write (each restored where it held what was
        /// written).
        paths: Vec<String>,
        /// Paths that could not be restored.
        leftovers: Vec<String>,
    },
    /// Nothing was undone: the journal is kept aside, and why.
    Kept {
        /// Why nothing was undone.
        reason: String,
        /// Where the journal now is.
        kept: String,
    },
}

impl Journal {
    /// The journal of the repository whose common git folder is `git_dir`.
    pub fn new(git_dir: &Path, command: &str) -> Journal {
        Journal {
            git_dir: git_dir.to_path_buf(),
            command: command.to_owned(),
        }
    }

    fn folder(&self) -> Result<Root, FsError> {
        Root::folder(&self.git_dir)
    }

    /// Records `plan`, about to be applied under `root`.
    pub(super) fn open(&self, plan: &Plan, root: &Root) -> Result<(), FsError> {
        let mut steps = Vec::new();
        let mut seen: Vec<RelPath> = Vec::new();
        for change in plan.changes() {
            let folder = match change {
                FileChange::Folder { .. } => Some(change.path().clone()),
                _ => change.path().parent(),
            };
            // Folders that are missing now are created by the plan, outermost first.
            let mut chain = Vec::new();
            let mut next = folder;
            while let Some(path) = next {
                next = path.parent();
                chain.push(path);
            }
            for path in chain.into_iter().rev() {
                if !seen.contains(&path) && root.node(&path).ok() == Some(Node::Missing) {
                    steps.push(Step::Folder {
                        path: path.to_string(),
                    });
                }
                seen.push(path);
            }
            match change {
                FileChange::Create { contents, .. } => steps.push(Step::Create {
                    path: change.path().to_string(),
                    contents: contents.clone(),
                }),
                FileChange::Update { before, after, .. } => steps.push(Step::Update {
                    path: change.path().to_string(),
                    before: before.clone(),
                    after: after.clone(),
                }),
                FileChange::Folder { .. } => {}
            }
        }
        let record = Record {
            pid: std::process::id(),
            command: self.command.clone(),
            root: root.path().to_path_buf(),
            head: head_of(root.path(), &self.git_dir),
            steps,
        };
        let text = serde_json::to_string(&record).map_err(|error| FsError::Io {
            action: "write the journal",
            path: self.git_dir.join(JOURNAL).display().to_string(),
            source: std::io::Error::other(error),
        })?;
        let folder = self.folder()?;
        let path = RelPath::from_static(JOURNAL);
        if let Some(parent) = path.parent() {
            folder.create_dirs(&parent)?;
        }
        match folder.node(&path)? {
            Node::Missing => folder.write_new(&path, text.as_bytes(), false),
            _ => folder.replace(&path, text.as_bytes(), false),
        }
    }

    /// Removes the journal: the plan was written, or rolled back.
    pub(super) fn close(&self) -> Result<(), FsError> {
        let folder = self.folder()?;
        let path = RelPath::from_static(JOURNAL);
        match folder.node(&path)? {
            Node::Missing => Ok(()),
            _ => folder.remove_file(&path),
        }
    }

    /// Undoes the plan of a run that died while writing, if its journal is there.
    /// Call with the repository's lock held.
    pub fn recover(&self) -> Result<Option<Recovery>, FsError> {
        let folder = self.folder()?;
        let path = RelPath::from_static(JOURNAL);
        // A journal cut short by a kill is a temporary file that was never renamed:
        // only lock holders write here, so any such file is a dead run's.
        if let Some(parent) = path.parent()
            && let Ok(Some(entries)) = folder.list(Some(&parent))
        {
            for entry in entries {
                if entry.kind == EntryKind::File
                    && entry.name.starts_with(".lancelot-")
                    && entry.name.ends_with(".tmp")
                {
                    let _ = folder.remove_file(&parent.join(&entry.name));
                }
            }
        }
        let Some(bytes) = folder.read(&path, JOURNAL_LIMIT)? else {
            return Ok(None);
        };
        let keep = |reason: String| -> Result<Option<Recovery>, FsError> {
            let kept = RelPath::from_static(KEPT);
            if folder.node(&kept)? != Node::Missing {
                folder.remove_file(&kept)?;
            }
            folder.write_new(&kept, &bytes, false)?;
            folder.remove_file(&path)?;
            Ok(Some(Recovery::Kept {
                reason,
                kept: self.git_dir.join(KEPT).display().to_string(),
            }))
        };
        let Ok(record) = serde_json::from_slice::<Record>(&bytes) else {
            return keep("its journal is not one this lancelot reads".into());
        };
        let stopped = format!("`lancelot {}` (pid {})", record.command, record.pid);
        if !self.owns(&record.root) {
            return keep(format!(
                "{stopped} wrote under {}, which is not this repository's",
                record.root.display()
            ));
        }
        if record.head != head_of(&record.root, &self.git_dir) {
            return keep(format!(
                "{stopped} was stopped while writing, and HEAD has moved since: what it wrote may be committed, so nothing was undone; check `git status`"
            ));
        }
        let paths: Vec<String> = record
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Create { path, .. } | Step::Update { path, .. } => Some(path.clone()),
                Step::Folder { .. } => None,
            })
            .collect();
        let leftovers = match Root::folder(&record.root) {
            Ok(root) => undo_record(&root, &record),
            // The work tree is gone: there is nothing left to undo.
            Err(_) => Vec::new(),
        };
        folder.remove_file(&path)?;
        Ok(Some(Recovery::Undone {
            command: record.command,
            pid: record.pid,
            paths,
            leftovers,
        }))
    }

    /// Whether `root` is a folder this repository's plans write under: one of its
    /// work trees, or a folder inside its git folder (the hooks), or its configured
    /// hooks folder.
    fn owns(&self, root: &Path) -> bool {
        let canonical = |path: &Path| path.canonicalize().ok();
        let Some(git_dir) = canonical(&self.git_dir) else {
            return false;
        };
        let Some(root) = canonical(root) else {
            // Gone: nothing there to undo, and nothing to fear.
            return true;
        };
        if root.starts_with(&git_dir) {
            return true;
        }
        let work_tree = git2::Repository::open(&root)
            .ok()
            .and_then(|repo| canonical(repo.commondir()))
            .is_some_and(|common| common == git_dir);
        let hooks = git2::Repository::open(&self.git_dir)
            .ok()
            .and_then(|repo| crate::hooks::hooks_dir(&repo).ok())
            .and_then(|hooks| canonical(&hooks))
            .is_some_and(|hooks| hooks == root);
        work_tree || hooks
    }
}

/// The commit HEAD names in the work tree at `root` (or, for a folder that is no
/// work tree, in the repository at `git_dir`).
fn head_of(root: &Path, git_dir: &Path) -> Option<String> {
    let repo = git2::Repository::open(root)
        .or_else(|_| git2::Repository::open(git_dir))
        .ok()?;
    let head = repo.head().ok()?.target()?;
    Some(head.to_string())
}

/// Undoes a recorded plan under `root` and removes the dead run's temporary files.
fn undo_record(root: &Root, record: &Record) -> Vec<String> {
    let parse = |path: &str| RelPath::parse(path).ok();
    let done: Vec<Done> = record
        .steps
        .iter()
        .filter_map(|step| match step {
            Step::Folder { path } => parse(path).map(Done::CreatedDir),
            Step::Create { path, contents } => parse(path).map(|path| Done::CreatedFile {
                path,
                contents: contents.clone().into_bytes(),
            }),
            Step::Update {
                path,
                before,
                after,
            } => parse(path).map(|path| Done::UpdatedFile {
                path,
                before: before.clone().into_bytes(),
                after: after.clone().into_bytes(),
            }),
        })
        .collect();
    // Temporary files first: a folder the run created is empty without them.
    let prefix = format!(".lancelot-{}-", record.pid);
    let mut folders: Vec<Option<RelPath>> = Vec::new();
    for step in &done {
        let folder = match step {
            Done::CreatedDir(path) => Some(path.clone()),
            Done::CreatedFile { path, .. } | Done::UpdatedFile { path, .. } => path.parent(),
        };
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    for folder in &folders {
        let Ok(Some(entries)) = root.list(folder.as_ref()) else {
            continue;
        };
        for entry in entries {
            if entry.kind == EntryKind::File
                && entry.name.starts_with(&prefix)
                && entry.name.ends_with(".tmp")
            {
                let temp = match folder {
                    Some(folder) => Ok(folder.join(&entry.name)),
                    None => RelPath::parse(&entry.name),
                };
                if let Ok(temp) = temp {
                    let _ = root.remove_file(&temp);
                }
            }
        }
    }
    undo(root, done)
}
