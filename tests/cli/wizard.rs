//! The interactive wizard, driven through a real pseudo-terminal.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};

use crate::support::{TestRepo, binary, isolate};

const TIMEOUT_MS: u64 = 20_000;

fn spawn(repo: &TestRepo, args: &[&str]) -> PtySession {
    let mut command = Command::new(binary());
    isolate(&mut command, repo.home());
    command
        .env("TERM", "xterm")
        .current_dir(repo.path())
        .args(args);
    spawn_with_options(
        command,
        Options::new()
            .timeout_ms(Some(TIMEOUT_MS))
            .strip_ansi_escape_codes(true),
    )
    .unwrap()
}

/// Sends keys without a newline (rexpect buffers `send` until flushed).
fn press(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

#[test]
fn the_wizard_asks_what_flags_did_not_give_and_writes_the_slice() {
    let repo = TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "first", "--yes"])
        .run()
        .success();

    let mut session = spawn(&repo, &["new-slice", "--kind", "subsystem"]);
    session.exp_string("Feature name").unwrap();
    session.send_line("alpha").unwrap();
    session.exp_string("already exists").unwrap();
    session.send_line("Health Monitor").unwrap();
    session.exp_string("One-line summary").unwrap();
    session.send_line("Watch service health").unwrap();
    session.exp_string("Depends on").unwrap();
    press(&mut session, " ");
    press(&mut session, "\r");
    session.exp_string("Included in scope").unwrap();
    session.send_line("heartbeats; readiness endpoint").unwrap();
    session.exp_string("Excluded from scope").unwrap();
    session.send_line("").unwrap();
    session.exp_string("Version bump").unwrap();
    press(&mut session, "\r");
    session.exp_string("Owning module").unwrap();
    session.send_line("").unwrap();
    session.exp_string("Feature flag").unwrap();
    session.send_line("").unwrap();
    session
        .exp_string("docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md")
        .unwrap();
    session.exp_string("Write these files?").unwrap();
    press(&mut session, "y");
    session
        .exp_string("Created the slice HealthMonitor")
        .unwrap();
    session.exp_eof().unwrap();
    assert!(matches!(
        session.process().wait().unwrap(),
        WaitStatus::Exited(_, 0)
    ));

    let spec = repo.read("docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md");
    assert!(
        spec.contains("**Depends on:** [Alpha](Lancelot_vNext2_Spec_Alpha.md)"),
        "{spec}"
    );
    assert!(
        spec.contains("    - heartbeats\n    - readiness endpoint\n"),
        "{spec}"
    );
    assert!(spec.contains("- new subsystem"));
    assert!(spec.contains("**Version bump:** minor"));
    assert!(
        repo.read(".env.example")
            .contains("FEATURE_HEALTH_MONITOR=false")
    );
}

#[test]
fn ctrl_c_in_the_wizard_exits_130_and_writes_nothing() {
    let repo = TestRepo::new();
    repo.file("docs/CHANGELOG.md", "# Changelog\n");
    let before = repo.snapshot();
    let mut session = spawn(&repo, &["new-slice", "Health Monitor"]);
    session.exp_string("One-line summary").unwrap();
    session.send_control('c').unwrap();
    // Said once, as an error, on a line of its own (not after the prompt).
    let (shown, _) = session
        .exp_regex("\n.*error: interrupted; nothing was written")
        .unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains("interrupted"), "said twice: {shown}{rest}");
    let status = session.process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
    assert_eq!(repo.snapshot(), before);

    // At a multi-select too.
    let mut session = spawn(&repo, &["new-slice", "Health Monitor", "--summary", "x"]);
    session.exp_string("Why is this a new slice?").unwrap();
    session.send_control('c').unwrap();
    session
        .exp_string("error: interrupted; nothing was written")
        .unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains("interrupted"), "said twice: {rest}");
    let status = session.process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
    assert_eq!(repo.snapshot(), before);
}

#[test]
fn given_options_are_checked_before_the_first_question() {
    let repo = TestRepo::new();
    let mut session = spawn(&repo, &["new-slice", "Foo", "--depends-on", "Nope"]);
    let before_error = session
        .exp_string("error: --depends-on Nope: no such slice")
        .unwrap();
    assert!(!before_error.contains("One-line summary"), "{before_error}");
    session.exp_eof().unwrap();
    assert!(matches!(
        session.process().wait().unwrap(),
        WaitStatus::Exited(_, 2)
    ));
    let mut session = spawn(&repo, &["new-slice", "--flag", "not a flag"]);
    let before_error = session.exp_string("error: --flag").unwrap();
    assert!(!before_error.contains("Feature name"), "{before_error}");
    session.exp_eof().unwrap();
}

#[test]
fn answers_are_refused_and_shown_in_the_wizards_own_words() {
    let repo = TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "first", "--yes"])
        .run()
        .success();
    repo.lancelot(["new-slice", "Beta", "--summary", "second", "--yes"])
        .run()
        .success();
    let spec = "docs/specs/Lancelot_vNext2_Spec_Alpha.md";
    let superseded = repo
        .read(spec)
        .replace("**Status:** Draft", "**Status:** Superseded");
    repo.file(spec, &superseded);

    let mut session = spawn(&repo, &["new-slice", "Jobs", "--kind", "subsystem"]);
    session.exp_string("One-line summary").unwrap();
    // An empty answer says why it is refused, without a flag's name.
    session.send_line("").unwrap();
    let refusal = session.exp_string("It is empty").unwrap();
    assert!(!refusal.contains("--summary"), "{refusal}");
    session.send_line("Run jobs").unwrap();
    // The picker shows each slice's status.
    session.exp_string("Alpha (Superseded)").unwrap();
    session.exp_string("Beta (Draft)").unwrap();
    press(&mut session, "\r");
    session.exp_string("Included in scope").unwrap();
    session.send_line("").unwrap();
    session.exp_string("Excluded from scope").unwrap();
    session.send_line("").unwrap();
    session.exp_string("Version bump").unwrap();
    press(&mut session, "\r");
    session.exp_string("Owning module").unwrap();
    session.send_line("").unwrap();
    session.exp_string("Feature flag").unwrap();
    // A flag typed as a name is shown as the flag it becomes.
    session.send_line("jobs").unwrap();
    // (The pty's text arrives byte by byte: the dot between them is two of them.)
    session.exp_regex("Feature flag \\S+ FEATURE_JOBS").unwrap();
    session.exp_string("Write these files?").unwrap();
    press(&mut session, "y");
    session.exp_string("Created the slice Jobs").unwrap();
    session.exp_eof().unwrap();
    assert!(repo.read(".env.example").contains("FEATURE_JOBS=false"));
}

#[test]
fn declining_the_plan_writes_nothing() {
    let repo = TestRepo::new();
    let mut session = spawn(
        &repo,
        &[
            "new-slice",
            "Alpha",
            "--summary",
            "x",
            "--kind",
            "subsystem",
            "--include",
            "a",
            "--exclude",
            "b",
            "--bump",
            "patch",
            "--module",
            "src/core/alpha.py",
            "--flag",
            "FEATURE_ALPHA",
        ],
    );
    session.exp_string("Write these files?").unwrap();
    press(&mut session, "n");
    session
        .exp_string("cancelled; nothing was written")
        .unwrap();
    session.exp_eof().unwrap();
    assert!(matches!(
        session.process().wait().unwrap(),
        WaitStatus::Exited(_, 2)
    ));
    assert!(repo.snapshot().is_empty());
}

#[test]
fn init_asks_between_candidates_on_a_terminal() {
    let repo = TestRepo::new();
    repo.file("CHANGELOG.md", "# Changelog\n\n## [1.0.0] - 2026-01-01\n")
        .file("CHANGES.md", "# Changes\n\n## [1.0.0] - 2026-01-01\n")
        .file("mkdocs.yml", "site_name: x\n")
        .commit_all("history");
    repo.git(["tag", "v1.0.0"]);
    repo.git(["tag", "1.0.0"]);
    let mut session = spawn(&repo, &["init"]);
    session
        .exp_string("Which CHANGELOG does lancelot keep?")
        .unwrap();
    press(&mut session, "\x1b[B"); // down: CHANGES.md
    press(&mut session, "\r");
    session.exp_string("Which tags are releases?").unwrap();
    press(&mut session, "\r");
    session.exp_string("Where do slice documents go?").unwrap();
    press(&mut session, "\x1b[B"); // down: docs/
    press(&mut session, "\r");
    session.exp_string("Created:").unwrap();
    session.exp_eof().unwrap();
    let config = repo.read("lancelot.toml");
    assert!(config.contains("changelog = \"CHANGES.md\""), "{config}");
    assert!(config.contains("specs = \"docs/specs\""), "{config}");
    assert!(!repo.exists("docs/CHANGELOG.md"));
}
