//! `lancelot mcp`: the commands as Model Context Protocol tools, over stdio, for
//! coding agents.
//!
//! Each tool runs this same lancelot with the matching command and `--format json`
//! in the server's repository, and answers with what that command prints: the same
//! data as on the command line, refused exactly as the command line refuses (its
//! JSON error, as a tool error the agent reads). Nothing is asked interactively: a
//! slice is created as `new-slice --yes` creates it.

use std::borrow::Cow;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{Value, json};

/// The server: where it runs lancelot, and on which repository.
#[derive(Debug, Clone)]
pub struct Server {
    program: PathBuf,
    /// `-C` and `--config` as the server was started with.
    global: Vec<String>,
}

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// The runtime or the transport failed.
    #[error("the MCP server stopped: {0}")]
    Stopped(String),
}

/// One tool: its name, what it does, its parameters, and the command line it runs.
struct ToolSpec {
    name: &'static str,
    description: &'static str,
    schema: fn() -> Value,
    command: fn(&JsonObject) -> Result<Vec<String>, String>,
}

fn text(arguments: &JsonObject, key: &str) -> Result<Option<String>, String> {
    match arguments.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    }
}

fn required(arguments: &JsonObject, key: &str) -> Result<String, String> {
    text(arguments, key)?.ok_or_else(|| format!("`{key}` is required"))
}

fn texts(arguments: &JsonObject, key: &str) -> Result<Vec<String>, String> {
    match arguments.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{key}` must be a list of strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{key}` must be a list of strings")),
    }
}

fn flag(arguments: &JsonObject, key: &str) -> Result<bool, String> {
    match arguments.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(_) => Err(format!("`{key}` must be true or false")),
    }
}

/// `--option=value` for each value: a value can never be read as another option.
fn options(name: &str, values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|value| format!("--{name}={value}"))
        .collect()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "list_slices",
        description: "Every slice with its status, flag, bump, the version that shipped it, missing artifacts and last change (lancelot status --format json).",
        schema: || json!({ "type": "object", "properties": {} }),
        command: |_| Ok(strings(&["status", "--format", "json"])),
    },
    ToolSpec {
        name: "show_slice",
        description: "One slice's row of the board (lancelot status <feature> --format json).",
        schema: || {
            json!({ "type": "object", "required": ["feature"], "properties": {
                "feature": { "type": "string", "description": "The slice, in any spelling: HealthMonitor, health-monitor" }
            }})
        },
        command: |arguments| {
            let mut line = strings(&["status", "--format", "json", "--"]);
            line.push(required(arguments, "feature")?);
            Ok(line)
        },
    },
    ToolSpec {
        name: "may_edit",
        description: "Ask before editing: whether a commit changing each file would be refused by the freeze, and why, with the follow-up slice to create instead (lancelot frozen --format json).",
        schema: || {
            json!({ "type": "object", "required": ["paths"], "properties": {
                "paths": { "type": "array", "items": { "type": "string" }, "description": "Files, relative to the repository root" }
            }})
        },
        command: |arguments| {
            let paths = texts(arguments, "paths")?;
            if paths.is_empty() {
                return Err("`paths` names no file".into());
            }
            let mut line = strings(&["frozen", "--format", "json", "--"]);
            line.extend(paths);
            Ok(line)
        },
    },
    ToolSpec {
        name: "new_slice",
        description: "Create an upgrade slice: spec, blueprint, architecture note, runbook, CHANGELOG entry, flag, module and tests, all or nothing (lancelot new-slice --yes --format json). Refused exactly as the command refuses.",
        schema: || {
            json!({ "type": "object", "required": ["feature", "summary"], "properties": {
                "feature": { "type": "string" },
                "summary": { "type": "string", "description": "One line" },
                "depends_on": { "type": "array", "items": { "type": "string" } },
                "include": { "type": "array", "items": { "type": "string" } },
                "exclude": { "type": "array", "items": { "type": "string" } },
                "kind": { "type": "array", "items": { "type": "string", "enum": ["subsystem", "background-process", "runtime-dependency", "control-plane", "persistent-state", "recurring-behaviour"] } },
                "module": { "type": "string" },
                "flag": { "type": "string" },
                "bump": { "type": "string", "enum": ["major", "minor", "patch"] },
                "dry_run": { "type": "boolean", "description": "Only say what would be written" }
            }})
        },
        command: |arguments| {
            let mut line = strings(&["new-slice", "--yes", "--format", "json"]);
            line.push(format!("--summary={}", required(arguments, "summary")?));
            line.extend(options("depends-on", &texts(arguments, "depends_on")?));
            line.extend(options("include", &texts(arguments, "include")?));
            line.extend(options("exclude", &texts(arguments, "exclude")?));
            line.extend(options("kind", &texts(arguments, "kind")?));
            for key in ["module", "flag", "bump"] {
                if let Some(value) = text(arguments, key)? {
                    line.push(format!("--{key}={value}"));
                }
            }
            if flag(arguments, "dry_run")? {
                line.push("--dry-run".into());
            }
            line.push("--".into());
            line.push(required(arguments, "feature")?);
            Ok(line)
        },
    },
    ToolSpec {
        name: "set_status",
        description: "Move a slice (spec and blueprint) to another status through the SOP's gates (lancelot set-status --format json). Refused, with every gap, exactly as the command refuses.",
        schema: || {
            json!({ "type": "object", "required": ["feature", "status"], "properties": {
                "feature": { "type": "string" },
                "status": { "type": "string", "enum": ["draft", "approved", "in-progress", "done", "superseded"] },
                "by": { "type": "string", "description": "With superseded: the slice that replaces it" },
                "dry_run": { "type": "boolean" }
            }})
        },
        command: |arguments| {
            let mut line = strings(&["set-status", "--format", "json"]);
            if let Some(by) = text(arguments, "by")? {
                line.push(format!("--by={by}"));
            }
            if flag(arguments, "dry_run")? {
                line.push("--dry-run".into());
            }
            line.push("--".into());
            line.push(required(arguments, "feature")?);
            line.push(required(arguments, "status")?);
            Ok(line)
        },
    },
    ToolSpec {
        name: "lint",
        description: "Check every slice against the SOP: findings with rule id, level, file, problem and fix (lancelot lint --format json).",
        schema: || json!({ "type": "object", "properties": {} }),
        command: |_| Ok(strings(&["lint", "--format", "json"])),
    },
    ToolSpec {
        name: "board",
        description: "The War Room board as Markdown, with the dependency graph in Mermaid (lancelot status --format md).",
        schema: || json!({ "type": "object", "properties": {} }),
        command: |_| Ok(strings(&["status", "--format", "md"])),
    },
];

impl Server {
    /// A server running `program` with the global options `global` (`-C`, `--config`).
    pub fn new(program: PathBuf, global: Vec<String>) -> Server {
        Server { program, global }
    }

    /// Serves requests on stdin and stdout until the client goes.
    pub fn serve_stdio(self) -> Result<(), McpError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| McpError::Stopped(error.to_string()))?;
        runtime.block_on(async move {
            let running = self
                .serve(rmcp::transport::stdio())
                .await
                .map_err(|error| McpError::Stopped(error.to_string()))?;
            running
                .waiting()
                .await
                .map_err(|error| McpError::Stopped(error.to_string()))?;
            Ok(())
        })
    }

    /// Runs one tool's command line; the tool's answer.
    fn run(&self, line: Vec<String>) -> CallToolResult {
        let output = Command::new(&self.program)
            .args(&self.global)
            .args(&line)
            // stdin is the protocol's: the command must never read it.
            .stdin(Stdio::null())
            .env("NO_COLOR", "1")
            .output();
        let output = match output {
            Ok(output) => output,
            Err(error) => {
                return CallToolResult::error(vec![ContentBlock::text(format!(
                    "cannot run lancelot: {error}"
                ))]);
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = output.status.code();
        let mut result = match code {
            // 0: done; 1: done, with findings (lint's, or a frozen file).
            Some(0 | 1) => CallToolResult::success(vec![ContentBlock::text(stdout.clone())]),
            _ => CallToolResult::error(vec![ContentBlock::text(if stdout.trim().is_empty() {
                stderr
            } else {
                stdout.clone()
            })]),
        };
        if let Ok(value) = serde_json::from_str::<Value>(&stdout) {
            result.structured_content = Some(match value {
                Value::Object(_) => value,
                other => json!({ "result": other }),
            });
        }
        result
    }
}

impl rmcp::ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("lancelot", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "lancelot enforces the upgrade-slice SOP: a spec or blueprint In Progress, Done or Superseded is frozen. Ask may_edit before changing a document under docs/; put new ideas in a new slice (new_slice) instead of editing a frozen one.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, rmcp::ErrorData> {
        let tools = TOOLS
            .iter()
            .map(|tool| {
                let schema = match (tool.schema)() {
                    Value::Object(schema) => schema,
                    _ => JsonObject::new(),
                };
                Tool::new(
                    Cow::Borrowed(tool.name),
                    Cow::Borrowed(tool.description),
                    Arc::new(schema),
                )
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, rmcp::ErrorData> {
        let Some(tool) = TOOLS.iter().find(|tool| tool.name == request.name) else {
            return Err(rmcp::ErrorData::invalid_params(
                format!("no tool named {}", request.name),
                None,
            ));
        };
        let arguments = request.arguments.unwrap_or_default();
        let line = match (tool.command)(&arguments) {
            Ok(line) => line,
            Err(message) => {
                return Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into());
            }
        };
        let server = self.clone();
        let result = tokio::task::spawn_blocking(move || server.run(line))
            .await
            .unwrap_or_else(|error| {
                CallToolResult::error(vec![ContentBlock::text(format!(
                    "the tool stopped: {error}"
                ))])
            });
        Ok(result.into())
    }
}
