//! Finding and opening the repository lancelot works on.
//!
//! Everything git goes through git2 (libgit2); lancelot never starts a `git` process.

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::fs::{FsError, Root};
use crate::lock::{self, LockError, RepoLock};

/// Why the repository could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No repository at or above the starting folder.
    #[error("not inside a git repository: {}", dir.display())]
    NotFound {
        /// Where the search started.
        dir: PathBuf,
    },
    /// The starting folder does not exist.
    #[error("cannot change to {}: it does not exist or is not a folder", dir.display())]
    NoSuchDir {
        /// The folder given to `-C`.
        dir: PathBuf,
    },
    /// The command needs a work tree but the repository is bare.
    #[error("{} is a bare repository; this command needs a work tree", path.display())]
    Bare {
        /// The repository's git folder.
        path: PathBuf,
    },
    /// The work tree could not be opened.
    #[error(transparent)]
    Files(#[from] FsError),
    /// libgit2 failed.
    #[error("git error: {0}")]
    Git(#[from] git2::Error),
}

impl RepoError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            RepoError::NotFound { .. } => Some(
                "run lancelot inside a git repository, pass -C <DIR>, or create one with `git init`".into(),
            ),
            RepoError::NoSuchDir { .. } => Some("pass an existing folder to -C".into()),
            RepoError::Bare { .. } => Some("run the command in a clone that has a work tree".into()),
            RepoError::Files(error) => error.hint(),
            RepoError::Git(_) => None,
        }
    }
}

/// Finds the repository containing `start` (searching upward); it may be bare.
pub fn discover(start: &Path) -> Result<Repository, RepoError> {
    if !start.is_dir() {
        return Err(RepoError::NoSuchDir {
            dir: start.to_path_buf(),
        });
    }
    Repository::discover(start).map_err(|error| match error.code() {
        git2::ErrorCode::NotFound => RepoError::NotFound {
            dir: start.to_path_buf(),
        },
        _ => RepoError::Git(error),
    })
}

/// A repository with a work tree.
pub struct Workspace {
    /// The opened repository.
    pub repo: Repository,
    /// The root of the work tree.
    pub root: PathBuf,
    /// The work tree, as the only door to its files.
    pub files: Root,
}

impl Workspace {
    /// Finds the repository containing `start` (searching upward) and its work tree.
    pub fn discover(start: &Path) -> Result<Workspace, RepoError> {
        let repo = discover(start)?;
        let root = match repo.workdir() {
            Some(root) => root.to_path_buf(),
            None => {
                return Err(RepoError::Bare {
                    path: repo.path().to_path_buf(),
                });
            }
        };
        let files = Root::work_tree(&root, repo.path())?;
        Ok(Workspace { repo, root, files })
    }

    /// Takes the repository's writer lock for `command` (see [`crate::lock`]).
    pub fn lock(&self, command: &str) -> Result<RepoLock, LockError> {
        lock::acquire(self.repo.commondir(), command, lock::configured_wait())
    }
}
