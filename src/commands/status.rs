//! `lancelot status`: the War Room board.

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{Invocation, load_project};
use crate::lifecycle::board;
use crate::ui;
use crate::{Error, ExitStatus};

/// Formats of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum BoardFormat {
    /// A text table.
    #[default]
    Text,
    /// JSON rows, for scripts.
    Json,
    /// A Markdown board with a Mermaid dependency graph.
    Md,
}

/// Arguments of `lancelot status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Show only this slice
    #[arg(add = clap_complete::ArgValueCompleter::new(super::shell::feature_names))]
    pub feature: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: BoardFormat,
    /// Every column in text: flag, module, each artifact, the last change's author
    #[arg(long)]
    pub wide: bool,
}

/// Runs `lancelot status`.
pub fn run(invocation: &Invocation, args: &StatusArgs) -> Result<ExitStatus, Error> {
    let (workspace, project) = load_project(invocation)?;
    super::warn_unreadable(&project);
    let only = args
        .feature
        .as_deref()
        .map(|name| project.slice(name))
        .transpose()?;
    let rows = board::rows(&project, &workspace.repo, only);
    match args.format {
        BoardFormat::Json => ui::print_json(&json!(rows))?,
        BoardFormat::Text => ui::out(&board::text(&rows, args.wide))?,
        BoardFormat::Md => ui::out(&board::markdown(&project, &rows))?,
    }
    Ok(ExitStatus::Success)
}
