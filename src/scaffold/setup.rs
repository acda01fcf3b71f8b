//! What `init` creates in a repository: its configuration when it has none, the
//! slice folders, the CHANGELOG and the env file, each only when missing, and never
//! a second CHANGELOG beside the one the project already keeps.

use crate::apply::{FileChange, Plan};
use crate::changelog::NEW_CHANGELOG;
use crate::config::Config;
use crate::fs::{FsError, RelPath, Root};

/// The env file written when a repository has none.
pub const NEW_ENV_FILE: &str = "\
# Feature flags: one FEATURE_<NAME>=true|false line per upgrade slice.
# `lancelot new-slice` adds each new slice's flag here, off by default.
";

/// The set-up of a repository: what to create, what is there already, and what the
/// user should look at.
#[derive(Debug, Default)]
pub struct Setup {
    /// The files and folders to create.
    pub plan: Plan,
    /// What already exists, so is left alone.
    pub existing: Vec<String>,
    /// What to look at (a CHANGELOG the configuration does not name).
    pub warnings: Vec<String>,
}

/// Plans setting the work tree `files` up for `config`: `config_text` becomes
/// `lancelot.toml` when given; `changelogs` are the CHANGELOGs the project has.
pub fn plan(
    files: &Root,
    config: &Config,
    config_text: Option<String>,
    changelogs: &[RelPath],
) -> Result<Setup, FsError> {
    let mut setup = Setup::default();
    if let Some(text) = config_text {
        setup
            .plan
            .push(FileChange::create(RelPath::config_file(), text));
    }
    let paths = &config.paths;
    let mut want = |change: FileChange| -> Result<(), FsError> {
        if files.exists(change.path())? {
            setup.existing.push(change.path().to_string());
        } else {
            setup.plan.push(change);
        }
        Ok(())
    };
    for folder in [
        &paths.specs,
        &paths.blueprints,
        &paths.architecture,
        &paths.runbooks,
    ] {
        want(FileChange::Folder {
            path: folder.clone(),
        })?;
    }
    // A CHANGELOG the configuration does not name is still the project's: never a
    // second one beside it.
    let other = changelogs.iter().find(|found| **found != paths.changelog);
    let missing = !files.exists(&paths.changelog)?;
    match other {
        Some(found) if missing => setup.warnings.push(format!(
            "{} does not exist but {found} does; no second CHANGELOG was created: \
             set [paths] changelog = \"{found}\" in lancelot.toml",
            paths.changelog
        )),
        _ => want(FileChange::create(
            paths.changelog.clone(),
            NEW_CHANGELOG.to_owned(),
        ))?,
    }
    want(FileChange::create(
        paths.env_file.clone(),
        NEW_ENV_FILE.to_owned(),
    ))?;
    Ok(setup)
}
