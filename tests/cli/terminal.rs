//! Nothing a repository says reaches a terminal as a control sequence: statuses,
//! names, paths, commit subjects and authors, configuration values are shown escaped
//! by every command, on a real pseudo-terminal with colours on, and on the `remote:`
//! lines of the server hook. Markdown, Mermaid and DOT output escape by their rules.

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

use crate::sandbox::Sandbox;
use crate::support::TestRepo;

/// Characters an attacker would like to send to a terminal: an OSC 52 clipboard write,
/// a screen clear, an OSC 8 hyperlink, a C1 control, a bell, a carriage return and a
/// right-to-left override.
const HOSTILE: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7} \u{1b}[7;8;5m \u{1b}[2J \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ \u{9b}31m \u{202e}txt.exe\r";

/// Runs a command on a pseudo-terminal with colours on and returns what it printed.
fn on_terminal(mut command: Command) -> String {
    command
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .env("TERM", "xterm-256color");
    let mut session = spawn_with_options(
        command,
        Options::new()
            .timeout_ms(Some(30_000))
            .strip_ansi_escape_codes(false),
    )
    .unwrap();
    // rexpect hands over each byte as a char: put the bytes back together.
    let bytes: Vec<u8> = session
        .exp_eof()
        .unwrap()
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    String::from_utf8(bytes).unwrap()
}

/// Asserts that terminal output holds no control or bidi character but lancelot's own
/// colour codes, tabs and line ends (the terminal turns `\n` into `\r\n`).
#[track_caller]
fn assert_terminal_safe(output: &str) {
    let own = lancelot::ui::own_codes();
    let mut rest = output;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            let code = own
                .iter()
                .find(|code| rest.starts_with(code.as_str()))
                .unwrap_or_else(|| {
                    panic!("an escape sequence lancelot did not write:\n{output:?}")
                });
            rest = &rest[code.len()..];
            continue;
        }
        let allowed = c == '\n' || c == '\t' || (c == '\r' && rest[1..].starts_with('\n'));
        assert!(
            allowed || !lancelot::ui::is_unsafe(c),
            "{c:?} reached the terminal:\n{output:?}"
        );
        rest = &rest[c.len_utf8()..];
    }
}

/// A published repository whose slice statuses, flag, author, subject and CHANGELOG
/// carry terminal control sequences.
fn hostile_clone() -> Sandbox {
    let sandbox = Sandbox::new();
    let spec = |name: &str, status: &str| {
        format!(
            "# {name}\n\n- **Status:** {status}\n- **Feature flag:** `FEATURE_{HOSTILE}`\n- **Version bump:** minor{HOSTILE}\n- **Depends on:** none\n"
        )
    };
    sandbox.publish(
        &[
            (
                "docs/specs/Lancelot_vNext2_Spec_Alpha.md",
                &spec("Alpha", &format!("Draft {HOSTILE}")),
            ),
            (
                "docs/specs/Lancelot_vNext2_Spec_Beta.md",
                &spec("Beta", &format!("In Progress {HOSTILE}")),
            ),
            (
                "docs/specs/Lancelot_vNext2_Spec_Gamma.md",
                &spec("Gamma", HOSTILE),
            ),
            (
                "docs/CHANGELOG.md",
                &format!("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- a feature {HOSTILE}\n"),
            ),
        ],
        &[],
    );
    let clone = sandbox.clone_dir();
    std::fs::write(
        clone.join("docs/specs/Lancelot_vNext2_Spec_Beta.md"),
        spec("Beta", &format!("In Progress {HOSTILE}")) + "An idea folded in.\n",
    )
    .unwrap();
    sandbox.git(["add", "-A"]);
    sandbox.git([
        "commit",
        "-q",
        &format!("--author=Mallory {HOSTILE} <m@example.com>"),
        "-m",
        &format!("edit {HOSTILE}"),
    ]);
    sandbox
}

#[test]
fn every_command_escapes_what_the_repository_says() {
    let sandbox = hostile_clone();
    let commands: [&[&str]; 11] = [
        &["status"],
        &["status", "--format", "md"],
        &["graph"],
        &["graph", "--format", "dot"],
        &["lint"],
        &["doctor"],
        &["check", "--range", "HEAD~1..HEAD"],
        &["release", "--dry-run"],
        &["changelog", "show", "unreleased"],
        &["set-status", "Gamma", "approved"],
        &["receipts"],
    ];
    let mut reversed = 0;
    for args in commands {
        let output = on_terminal(sandbox.command(args));
        assert!(
            output.contains("\\u{1b}") || output.contains("\\u001b"),
            "{args:?} did not show the hostile text escaped:\n{output}"
        );
        assert_terminal_safe(&output);
        reversed += usize::from(output.contains("\\u{202e}"));
    }
    assert!(
        reversed > 5,
        "the right-to-left override was rarely shown escaped"
    );
}

#[test]
fn error_messages_escape_what_the_repository_wrote() {
    let cases: [(&str, &str, &[&str]); 3] = [
        (
            "lancelot.toml",
            "[project]\nname = \"A\u{1b}[7;8;5m\"\n",
            &["status"],
        ),
        (
            ".lancelot/templates/spec.md.tera",
            "{{ nope \u{1b}[7;8;5m",
            &["new-slice", "X", "--summary", "s", "--yes"],
        ),
        (
            ".lancelot/templates/spec.md.tera",
            "{{ throw(message=\"\u{1b}[7;8;5m \u{1b}]52;c;eA==\u{7}\") }}",
            &["new-slice", "X", "--summary", "s", "--yes"],
        ),
    ];
    for (path, text, args) in cases {
        let sandbox = Sandbox::new();
        sandbox.publish(&[(path, text)], &[]);
        let output = on_terminal(sandbox.command(args));
        assert!(output.contains("error:"), "{output}");
        assert!(
            output.contains("\\u{1b}"),
            "{args:?}: the escape was not shown:\n{output}"
        );
        assert_terminal_safe(&output);
    }
}

#[test]
fn the_markdown_board_cannot_break_its_table_or_carry_html() {
    let repo = TestRepo::new();
    repo.spec("Alpha", "Draft | <img src=x onerror=alert(1)> `x`")
        .commit_all("alpha");
    let board = repo
        .lancelot(["status", "--format", "md"])
        .run()
        .success()
        .stdout;
    let row = board
        .lines()
        .find(|line| line.starts_with("| Alpha"))
        .unwrap();
    let cells = row.replace("\\|", "").matches('|').count();
    assert_eq!(cells, 14, "a status split the table row: {row}");
    assert!(row.contains("&lt;img src=x onerror=alert(1)&gt;"), "{row}");
    assert!(!board.contains("<img"), "{board}");
}

#[test]
fn graph_labels_are_escaped_for_mermaid_and_dot() {
    let repo = TestRepo::new();
    repo.spec("Alpha", "Draft\"] --> X[\"pwned <b>")
        .commit_all("alpha");
    let mermaid = repo.lancelot(["graph"]).run().success().stdout;
    assert!(
        mermaid.contains("Alpha[\"Alpha<br/>Draft#quot;#93; --#62; X#91;#quot;pwned #60;b#62;\"]"),
        "{mermaid}"
    );
    let dot = repo
        .lancelot(["graph", "--format", "dot"])
        .run()
        .success()
        .stdout;
    assert!(
        dot.contains("label=\"Alpha\\nDraft\\\"] --> X[\\\"pwned <b>\""),
        "{dot}"
    );
}

#[test]
fn a_pushed_path_cannot_print_a_line_of_its_own_on_the_remote_prompt() {
    let repo = TestRepo::with_server(None);
    let evil = "docs/specs/Lancelot_vNext2_Spec_Alpha\nremote: lancelot: push accepted\r.md";
    repo.file(evil, "# Alpha\n\n- **Status:** In Progress\n")
        .commit_all("alpha in progress");
    assert_eq!(repo.push(["HEAD:refs/heads/main"]).code, 0);
    repo.file(evil, "# Alpha\n\n- **Status:** In Progress\n\nAn edit.\n")
        .commit_all("edit");
    let outcome = repo.push(["HEAD:refs/heads/main"]);
    assert_ne!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains(
            "Lancelot_vNext2_Spec_Alpha\\nremote: lancelot: push accepted\\r.md: modified"
        ),
        "{}",
        outcome.stderr
    );
    assert!(
        !outcome.stderr.lines().any(|line| line
            .trim_start_matches("remote: ")
            .starts_with("remote: lancelot: push accepted")
            || line.trim() == "remote: lancelot: push accepted"),
        "{}",
        outcome.stderr
    );
}
