//! The one error type commands return, and the exit codes it maps to.
//!
//! Each domain module has its own `thiserror` enum; this module gathers them so the
//! edge (`main`) can print one message, an optional hint, and pick the exit code.

use std::process::ExitCode;

use crate::apply::ApplyError;
use crate::config::ConfigError;
use crate::feature::FeatureNameError;
use crate::freeze::FreezeError;
use crate::fs::FsError;
use crate::hooks::HookError;
use crate::lifecycle::LifecycleError;
use crate::lock::LockError;
use crate::release::ReleaseError;
use crate::repo::RepoError;
use crate::scaffold::ScaffoldError;
use crate::wizard::PromptError;

/// The documented exit codes of every lancelot command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command did what was asked.
    Success,
    /// 1: a check ran and found problems.
    Findings,
    /// 2: bad usage or input, or an operation lancelot refused or could not complete.
    Refused,
    /// 130: interrupted by the user (Ctrl-C) before anything was written.
    Interrupted,
    /// 141: the output was closed by its reader (`lancelot receipts | head -1`), as a
    /// command stopped by SIGPIPE reports it.
    ClosedPipe,
}

impl ExitStatus {
    /// The numeric process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Refused => 2,
            ExitStatus::Interrupted => 130,
            ExitStatus::ClosedPipe => 141,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration could not be read or is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The repository could not be found or opened.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// A feature name was refused.
    #[error(transparent)]
    Feature(#[from] FeatureNameError),
    /// A slice could not be planned.
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    /// The freeze check could not run.
    #[error(transparent)]
    Freeze(#[from] FreezeError),
    /// A release was refused or failed.
    #[error(transparent)]
    Release(#[from] ReleaseError),
    /// A lifecycle command was refused or could not run.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// Hooks could not be installed.
    #[error(transparent)]
    Hook(#[from] HookError),
    /// A file could not be reached or read safely.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// Another run holds the repository's writer lock.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Files could not be written (everything was rolled back).
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// The MCP server stopped.
    #[error(transparent)]
    Mcp(#[from] crate::mcp::McpError),
    /// The other branches could not be read.
    #[error(transparent)]
    Branches(#[from] crate::branches::BranchesError),
    /// The interactive wizard failed or was cancelled.
    #[error(transparent)]
    Prompt(#[from] PromptError),
    /// The command line asks for something lancelot cannot do.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do instead.
        hint: Option<String>,
    },
    /// Writing the command's output failed (for example a closed pipe).
    #[error("could not write output")]
    Output(#[source] std::io::Error),
}

impl Error {
    /// A usage error with a hint telling the user what to do instead.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// What the user can do about the error, when there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Config(e) => e.hint(),
            Error::Repo(e) => e.hint(),
            Error::Feature(e) => e.hint(),
            Error::Scaffold(e) => e.hint(),
            Error::Apply(e) => e.hint(),
            Error::Fs(e) => e.hint(),
            Error::Lock(e) => e.hint(),
            Error::Freeze(e) => e.hint(),
            Error::Hook(e) => e.hint(),
            Error::Lifecycle(e) => e.hint(),
            Error::Release(e) => e.hint(),
            Error::Prompt(e) => e.hint(),
            Error::Branches(crate::branches::BranchesError::Pattern { .. }) => Some(
                "fix [slices] branches in lancelot.toml: ref patterns such as \"refs/heads/*\""
                    .into(),
            ),
            Error::Branches(_) => None,
            Error::Mcp(_) => None,
            Error::Usage { hint, .. } => hint.clone(),
            Error::Output(_) => None,
        }
    }

    /// The exit status this error maps to.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Prompt(PromptError::Interrupted) => ExitStatus::Interrupted,
            Error::Output(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                ExitStatus::ClosedPipe
            }
            _ => ExitStatus::Refused,
        }
    }
}
