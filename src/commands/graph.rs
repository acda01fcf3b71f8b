//! `lancelot graph`: the slices' dependency graph.

use clap::{Args, ValueEnum};

use super::{Invocation, load_project};
use crate::lifecycle::board;
use crate::ui;
use crate::{Error, ExitStatus};

/// Formats of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum GraphFormat {
    /// Mermaid, for GitHub and GitLab Markdown.
    #[default]
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// JSON: the slices and the dependencies between them, for scripts.
    Json,
}

/// Arguments of `lancelot graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
}

/// Runs `lancelot graph`.
pub fn run(invocation: &Invocation, args: &GraphArgs) -> Result<ExitStatus, Error> {
    let (_, project) = load_project(invocation)?;
    super::warn_unreadable(&project);
    let text = match args.format {
        GraphFormat::Mermaid => board::mermaid(&project),
        GraphFormat::Dot => board::dot(&project),
        GraphFormat::Json => ui::json_text(&board::graph_json(&project))?,
    };
    ui::out(&text)?;
    Ok(ExitStatus::Success)
}
