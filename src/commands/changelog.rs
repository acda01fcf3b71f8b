//! `lancelot changelog show`: print the notes of one version (for release pages).

use clap::{Args, Subcommand};
use semver::Version;
use serde_json::json;

use super::Invocation;
use crate::changelog::Changelog;
use crate::fs::TEXT_LIMIT;
use crate::ui::{self, OutputArgs};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot changelog`.
#[derive(Debug, Args)]
pub struct ChangelogArgs {
    /// What to do with the CHANGELOG.
    #[command(subcommand)]
    pub command: ChangelogCommand,
}

/// `lancelot changelog` commands.
#[derive(Debug, Subcommand)]
pub enum ChangelogCommand {
    /// Print the notes of a version (or `unreleased`)
    Show {
        /// A version such as 1.2.0 (a leading v is accepted), or `unreleased`
        version: String,
        /// How the report is printed: `--format text|json`.
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs `lancelot changelog …`.
pub fn run(invocation: &Invocation, args: &ChangelogArgs) -> Result<ExitStatus, Error> {
    let ChangelogCommand::Show { version, output } = &args.command;
    let workspace = invocation.workspace()?;
    let config = invocation.config(&workspace.files)?;
    let path = &config.paths.changelog;
    let Some(text) = workspace.files.read_text(path, TEXT_LIMIT)? else {
        return Err(Error::usage(
            format!("{path} does not exist"),
            "run `lancelot init`, or set [paths] changelog in lancelot.toml",
        ));
    };
    let changelog = Changelog::parse(&text);
    let section = if version.eq_ignore_ascii_case("unreleased") {
        changelog.unreleased()
    } else {
        let wanted = version.strip_prefix('v').unwrap_or(version);
        let wanted = Version::parse(wanted).map_err(|error| {
            Error::usage(
                format!("`{version}` is not a version: {error}"),
                "give a version such as 1.2.0, or `unreleased`",
            )
        })?;
        changelog.release(&wanted)
    };
    let Some(section) = section else {
        let known: Vec<String> = changelog.releases().map(|(v, _)| v.to_string()).collect();
        let hint = if known.is_empty() {
            "the CHANGELOG has no releases yet".to_owned()
        } else {
            format!("released versions: {}", known.join(", "))
        };
        return Err(Error::usage(
            format!("{path} has no section for {version}"),
            hint,
        ));
    };
    let notes = section.render_body().trim().to_owned();
    output.emit(
        || json!({ "title": section.title(), "notes": notes }),
        || format!("{}\n", ui::safe_block(&notes)),
    )?;
    Ok(ExitStatus::Success)
}
