//! `lancelot mcp`, spoken to as a coding agent's client speaks: JSON-RPC over the
//! process's stdin and stdout (initialize, tools/list, tools/call) in a real
//! repository.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{TestRepo, binary, isolate};

/// A client session with a running server.
struct Session {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: u64,
}

impl Session {
    fn start(repo: &TestRepo) -> Session {
        let mut command = Command::new(binary());
        isolate(&mut command, repo.home());
        let mut child = command
            .arg("mcp")
            .current_dir(repo.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut session = Session {
            child,
            input,
            output,
            next_id: 0,
        };
        let initialized = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "lancelot-tests", "version": "1" }
            }),
        );
        assert_eq!(
            initialized["result"]["serverInfo"]["name"], "lancelot",
            "{initialized}"
        );
        assert!(initialized["result"]["capabilities"]["tools"].is_object());
        session.send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        session
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.input, "{message}").unwrap();
        self.input.flush().unwrap();
    }

    /// Sends a request and reads lines until its response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let mut line = String::new();
            assert!(
                self.output.read_line(&mut line).unwrap() > 0,
                "the server closed stdout"
            );
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == id {
                return message;
            }
        }
    }

    /// Calls a tool: (is it an error, its structured content).
    fn call(&mut self, tool: &str, arguments: Value) -> (bool, Value) {
        let response = self.request(
            "tools/call",
            json!({ "name": tool, "arguments": arguments }),
        );
        let result = &response["result"];
        assert!(result.is_object(), "{response}");
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        let structured = result
            .get("structuredContent")
            .cloned()
            .unwrap_or_else(|| json!({ "text": text }));
        (result["isError"] == true, structured)
    }

    fn close(mut self) {
        drop(self.input);
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
        }
        assert!(status.success(), "{status:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_agent_lists_asks_creates_and_is_refused_as_the_command_line_is() {
    let repo = TestRepo::new();
    let mut session = Session::start(&repo);

    let tools = session.request("tools/list", json!({}));
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "list_slices",
            "show_slice",
            "may_edit",
            "new_slice",
            "set_status",
            "lint",
            "board"
        ]
    );
    for tool in tools["result"]["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool["description"].as_str().unwrap().len() > 20);
    }

    // Created as `new-slice --yes --format json` creates it.
    let (error, created) = session.call(
        "new_slice",
        json!({ "feature": "Health Monitor", "summary": "Watch health", "kind": ["subsystem"] }),
    );
    assert!(!error, "{created}");
    assert_eq!(created["feature"]["pascal"], "HealthMonitor");
    assert!(repo.exists("docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md"));
    let (_, listed) = session.call("list_slices", json!({}));
    assert_eq!(listed["result"][0]["feature"], "HealthMonitor");
    assert_eq!(listed["result"][0]["status"], "Draft");
    let (_, shown) = session.call("show_slice", json!({ "feature": "health-monitor" }));
    assert_eq!(shown["result"][0]["feature"], "HealthMonitor");

    // Refused as the command line refuses: its JSON error, as a tool error.
    let (error, refused) = session.call(
        "new_slice",
        json!({ "feature": "healthmonitor", "summary": "again" }),
    );
    assert!(error);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{refused}"
    );
    let (error, gaps) = session.call(
        "set_status",
        json!({ "feature": "HealthMonitor", "status": "approved" }),
    );
    assert!(error);
    assert!(
        gaps["error"].as_str().unwrap().contains("\"Data Models\""),
        "{gaps}"
    );
    // A value that looks like an option is a value, never an option: `--help` is a
    // feature name (Help), as `lancelot new-slice -- --help` takes it.
    let (error, odd) = session.call(
        "new_slice",
        json!({ "feature": "--help", "summary": "--version", "dry_run": true }),
    );
    assert!(!error, "{odd}");
    assert_eq!(odd["feature"]["pascal"], "Help");
    assert_eq!(odd["dry_run"], true);
    let (error, missing) = session.call("new_slice", json!({ "feature": "Jobs" }));
    assert!(error);
    assert!(
        missing["text"]
            .as_str()
            .unwrap()
            .contains("`summary` is required")
    );

    // Ask before editing: frozen or not, and why.
    repo.commit_all("slice");
    let spec = "docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md";
    let (_, answer) = session.call("may_edit", json!({ "paths": [spec] }));
    assert_eq!(answer["result"][0]["frozen"], false);
    let frozen = repo
        .read(spec)
        .replace("**Status:** Draft", "**Status:** In Progress");
    repo.file(spec, &frozen).commit_all("frozen by hand");
    let (error, answer) = session.call("may_edit", json!({ "paths": [spec, "README.md"] }));
    assert!(!error);
    assert_eq!(answer["result"][0]["frozen"], true);
    assert!(
        answer["result"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("lancelot new-slice HealthMonitorV2 --depends-on HealthMonitor")
    );
    assert_eq!(answer["result"][1]["frozen"], false);

    let (_, lint) = session.call("lint", json!({}));
    assert!(lint["findings"].is_array(), "{lint}");
    let (_, board) = session.call("board", json!({}));
    assert!(
        board["text"].as_str().unwrap().starts_with("# War Room"),
        "{board}"
    );

    let unknown = session.request("tools/call", json!({ "name": "rm_rf", "arguments": {} }));
    assert!(unknown["error"].is_object(), "{unknown}");
    session.close();
}
