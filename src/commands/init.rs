//! `lancelot init`: set a repository up for slices, creating only what is missing.

use clap::Args;
use serde_json::json;

use super::Invocation;
use crate::apply::{FileChange, Plan};
use crate::changelog::NEW_CHANGELOG;
use crate::cli::Format;
use crate::config::DEFAULT_TOML;
use crate::fs::RelPath;
use crate::ui::{self, BOLD, DIM};
use crate::{Error, ExitStatus};

/// The env file written when a repository has none.
const NEW_ENV_FILE: &str = "\
# Feature flags: one FEATURE_<NAME>=true|false line per upgrade slice.
# `lancelot new-slice` adds each new slice's flag here, off by default.
";

/// Arguments of `lancelot init`.
#[derive(Debug, Args)]
#[command(
    after_help = "init never overwrites: it reports what it created and what already existed."
)]
pub struct InitArgs {
    /// Show what would be created, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `lancelot init`.
pub fn run(invocation: &Invocation, args: &InitArgs) -> Result<ExitStatus, Error> {
    let workspace = invocation.workspace()?;
    let _lock = (!args.dry_run)
        .then(|| workspace.lock("init"))
        .transpose()?;
    let root = &workspace.files;
    if let Some(path) = invocation.config.as_ref().filter(|path| !path.exists()) {
        return Err(Error::usage(
            format!("the configuration file {} does not exist", path.display()),
            "init creates lancelot.toml at the repository root; drop --config, or create the file first",
        ));
    }
    let config = invocation.config(root)?;
    let paths = &config.paths;

    let mut plan = Plan::new();
    let mut existing = Vec::new();
    let mut want = |change: FileChange| -> Result<(), Error> {
        if root.exists(change.path())? {
            existing.push(change.path().to_string());
        } else {
            plan.push(change);
        }
        Ok(())
    };
    if invocation.config.is_none() {
        want(FileChange::create(
            RelPath::config_file(),
            DEFAULT_TOML.to_owned(),
        ))?;
    }
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
    want(FileChange::create(
        paths.changelog.clone(),
        NEW_CHANGELOG.to_owned(),
    ))?;
    want(FileChange::create(
        paths.env_file.clone(),
        NEW_ENV_FILE.to_owned(),
    ))?;

    if !args.dry_run {
        plan.apply(root)?;
    }
    match args.format {
        Format::Json => super::print_json(&json!({
            "dry_run": args.dry_run,
            "created": plan.summary(),
            "existing": existing,
        }))?,
        Format::Text => {
            let verb = if args.dry_run {
                "Would create"
            } else {
                "Created"
            };
            let mut text = String::new();
            if plan.changes().is_empty() {
                text.push_str("Nothing to do: the repository is already set up.\n");
            } else {
                text.push_str(&format!("{BOLD}{verb}:{BOLD:#}\n{}", ui::plan_lines(&plan)));
            }
            for path in &existing {
                text.push_str(&format!("  {DIM}exists  {}{DIM:#}\n", ui::safe(path)));
            }
            if !args.dry_run && !plan.changes().is_empty() {
                text.push_str("\nNext: lancelot new-slice \"<Feature>\"\n");
            }
            ui::out(&text)?;
        }
    }
    Ok(ExitStatus::Success)
}
