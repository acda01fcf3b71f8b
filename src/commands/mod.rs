//! One module per command: its arguments and the glue between the command line, the
//! domain modules and what the user sees. Domain modules never print; commands do.

pub mod changelog;
pub mod check;
pub mod config;
pub mod doctor;
pub mod frozen;
pub mod graph;
pub mod guide;
pub mod hook;
pub mod init;
pub mod lint;
pub mod mcp;
pub mod new_slice;
pub mod receipts;
pub mod release;
pub mod set_status;
pub mod shell;
pub mod status;

use std::path::{Path, PathBuf};

use crate::Error;
use crate::config::Config;
use crate::fs::Root;
use crate::lifecycle::Project;
use crate::repo::Workspace;

/// Records a receipt of what a command did, by the repository's git identity. A
/// receipt that cannot be written does not undo the work: the user is warned.
pub(crate) fn record(repo: &git2::Repository, kind: &str, details: serde_json::Value) {
    let receipt = crate::receipts::Receipt::new(kind, &crate::receipts::git_actor(repo), details);
    if let Err(error) = crate::receipts::append(repo.path(), &receipt) {
        crate::ui::warn(&format!("cannot record the {kind} receipt: {error}"));
    }
}

/// Where a command runs and which configuration it reads.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The folder the command runs in (after `-C`).
    pub dir: PathBuf,
    /// The configuration file given with `--config`, resolved against `dir`.
    pub config: Option<PathBuf>,
}

impl Invocation {
    /// Resolves `-C` and `--config` against the process's current folder.
    pub fn new(directory: Option<&Path>, config: Option<&Path>) -> Result<Invocation, Error> {
        let cwd = std::env::current_dir().map_err(|error| {
            Error::usage(
                format!("cannot read the current folder: {error}"),
                "run lancelot from an existing folder, or pass -C <DIR>",
            )
        })?;
        let dir = match directory {
            Some(directory) => cwd.join(directory),
            None => cwd,
        };
        let config = config.map(|path| dir.join(path));
        Ok(Invocation { dir, config })
    }

    /// The repository containing the folder, with its work tree.
    pub fn workspace(&self) -> Result<Workspace, Error> {
        Ok(Workspace::discover(&self.dir)?)
    }

    /// The configuration for the work tree `root`.
    pub fn config(&self, root: &Root) -> Result<Config, Error> {
        Ok(Config::load(root, self.config.as_deref())?.0)
    }
}

/// Says on stderr which slices cannot be read (the board and the graph leave them
/// out; `lint` lists them as findings).
pub(crate) fn warn_unreadable(project: &Project) {
    for slice in &project.unreadable {
        let warning = crate::ui::WARNING;
        crate::ui::err(&format!(
            "{warning}warning:{warning:#} the slice {} is left out: {} (`lancelot lint` lists it)\n",
            slice.feature.pascal(),
            crate::ui::safe(&slice.reason)
        ));
    }
}

/// The repository and its slices, for the lifecycle commands.
pub(crate) fn load_project(invocation: &Invocation) -> Result<(Workspace, Project), Error> {
    let workspace = invocation.workspace()?;
    let config = invocation.config(&workspace.files)?;
    let project = Project::load(&workspace.files, config).map_err(Error::Lifecycle)?;
    Ok((workspace, project))
}
