//! `lancelot guide [TOPIC]`: the guides, built into the binary, so `--help` and the
//! hints of errors point at something that works wherever lancelot is installed.

use clap::Args;

use crate::{Error, ExitStatus};

/// The guides: name, what it covers, text.
const GUIDES: [(&str, &str, &str); 13] = [
    (
        "user-guide",
        "global options, init, new-slice, JSON output",
        include_str!("../../docs/user-guide.md"),
    ),
    (
        "adoption",
        "bringing lancelot into a repository with a history",
        include_str!("../../docs/adoption.md"),
    ),
    (
        "config",
        "every key of lancelot.toml",
        include_str!("../../docs/config.md"),
    ),
    (
        "templates",
        "the variables templates see, overriding them",
        include_str!("../../docs/templates.md"),
    ),
    (
        "freeze",
        "the freeze rule, check and the local hooks, its cost",
        include_str!("../../docs/freeze.md"),
    ),
    (
        "server-hooks",
        "the pre-receive hook on a server",
        include_str!("../../docs/server-hooks.md"),
    ),
    (
        "ci",
        "the freeze as a required check in GitHub and GitLab",
        include_str!("../../docs/ci.md"),
    ),
    (
        "lifecycle",
        "statuses and gates, lint, the board, the graph",
        include_str!("../../docs/lifecycle.md"),
    ),
    (
        "lint",
        "every lint rule, its id and its level",
        include_str!("../../docs/lint.md"),
    ),
    (
        "mcp",
        "the MCP server for coding agents, and how to register it",
        include_str!("../../docs/mcp.md"),
    ),
    (
        "receipts",
        "the record of every action",
        include_str!("../../docs/receipts.md"),
    ),
    (
        "release",
        "cutting releases, the CHANGELOG",
        include_str!("../../docs/release.md"),
    ),
    (
        "security",
        "untrusted clones, the server hook's limits",
        include_str!("../../docs/security.md"),
    ),
];

/// Arguments of `lancelot guide`.
#[derive(Debug, Args)]
pub struct GuideArgs {
    /// The guide to print (`freeze`, `config`, …); without one, the list
    pub topic: Option<String>,
}

/// Runs `lancelot guide`.
pub fn run(args: &GuideArgs) -> Result<ExitStatus, Error> {
    let list = || {
        GUIDES
            .iter()
            .map(|(name, about, _)| format!("  {name:<14}{about}\n"))
            .collect::<String>()
    };
    let Some(topic) = args.topic.as_deref() else {
        crate::ui::out(&format!(
            "The guides (print one with `lancelot guide <name>`):\n{}",
            list()
        ))?;
        return Ok(ExitStatus::Success);
    };
    let wanted = topic.trim().trim_end_matches(".md").to_ascii_lowercase();
    match GUIDES.iter().find(|(name, _, _)| *name == wanted) {
        Some((_, _, text)) => {
            crate::ui::out(text)?;
            Ok(ExitStatus::Success)
        }
        None => Err(Error::usage(
            format!("there is no guide `{topic}`"),
            format!("the guides are:\n{}", list().trim_end()),
        )),
    }
}
