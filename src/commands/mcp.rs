//! `lancelot mcp`: a Model Context Protocol server on stdin/stdout.

use std::path::Path;

use clap::Args;

use crate::mcp::Server;
use crate::{Error, ExitStatus};

const AFTER_HELP: &str = "\
Speaks MCP (JSON-RPC over stdin and stdout) to a coding agent, with the tools
list_slices, show_slice, may_edit, new_slice, set_status, lint and board. Each runs
the matching lancelot command with --format json in this repository and answers with
what it prints; a refusal is a tool error carrying the command's JSON error.

Register it with a client, e.g. in .mcp.json (Claude Code), .cursor/mcp.json or
.vscode/mcp.json:
  { \"mcpServers\": { \"lancelot\": { \"command\": \"lancelot\", \"args\": [\"mcp\"] } } }
or: claude mcp add lancelot -- lancelot mcp

`lancelot guide mcp` has more.";

/// Arguments of `lancelot mcp`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct McpArgs {}

/// Runs `lancelot mcp` until the client closes the connection.
pub fn run(directory: Option<&Path>, config: Option<&Path>) -> Result<ExitStatus, Error> {
    let program = std::env::current_exe().map_err(|error| {
        Error::usage(
            format!("cannot find the lancelot program to run the tools with: {error}"),
            "run lancelot from its installed path",
        )
    })?;
    let mut global = Vec::new();
    if let Some(directory) = directory {
        let directory = std::path::absolute(directory).unwrap_or_else(|_| directory.to_path_buf());
        global.push("-C".to_owned());
        global.push(directory.to_string_lossy().into_owned());
    }
    if let Some(config) = config {
        let config = std::path::absolute(config).unwrap_or_else(|_| config.to_path_buf());
        global.push(format!("--config={}", config.to_string_lossy()));
    }
    Server::new(program, global).serve_stdio()?;
    Ok(ExitStatus::Success)
}
