//! What people read, pinned: the text of every command's main success and refusal
//! paths, as the user sees it (paths, the binary's location and object ids
//! normalised). A wrong sentence shows in the snapshot's diff. Machine output is
//! checked by parsing its JSON elsewhere.

use insta::assert_snapshot;

use crate::support::{ALPHA, frozen_alpha};
use crate::support::{Outcome, TestRepo, spec_text};

/// A repository with the Alpha slice scaffolded and committed.
fn alpha() -> TestRepo {
    let repo = TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "the first", "--yes"])
        .run()
        .success();
    repo.commit_all("alpha");
    repo
}

fn screen(repo: &TestRepo, args: &[&str]) -> String {
    repo.lancelot(args).run().screen(repo)
}

#[test]
fn init() {
    let repo = TestRepo::new();
    assert_snapshot!("init_empty", screen(&repo, &["init"]));
    assert_snapshot!("init_again", screen(&repo, &["init"]));
    let adopted = TestRepo::new();
    adopted
        .file(
            "Cargo.toml",
            "[package]\nname = \"tool\"\nversion = \"1.2.0\"\nrepository = \"https://github.com/acme/tool\"\n",
        )
        .file("src/main.rs", "fn main() {}\n")
        .file("CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n- x\n")
        .commit_all("1.2.0");
    adopted.git(["tag", "v1.2.0"]);
    assert_snapshot!(
        "init_adopting_dry_run",
        screen(&adopted, &["init", "--dry-run"])
    );
    assert_snapshot!(
        "init_missing_config",
        screen(&repo, &["--config", "nope.toml", "init"])
    );
}

#[test]
fn new_slice() {
    let repo = TestRepo::new();
    assert_snapshot!(
        "new_slice_created",
        screen(
            &repo,
            &[
                "new-slice",
                "Health Monitor",
                "--summary",
                "watch it",
                "--yes"
            ]
        )
    );
    assert_snapshot!(
        "new_slice_exists",
        screen(
            &repo,
            &["new-slice", "Health Monitor", "--summary", "again", "--yes"]
        )
    );
    assert_snapshot!(
        "new_slice_dry_run",
        screen(
            &repo,
            &[
                "new-slice",
                "Beta",
                "--summary",
                "second",
                "--dry-run",
                "--yes"
            ]
        )
    );
    assert_snapshot!(
        "new_slice_bad_name",
        screen(&repo, &["new-slice", "---", "--summary", "x", "--yes"])
    );
}

#[test]
fn check_and_hooks() {
    let repo = TestRepo::new();
    repo.file(ALPHA, &spec_text("Alpha", "In Progress"))
        .commit_all("alpha frozen");
    assert_snapshot!("check_clean", screen(&repo, &["check", "--range", "HEAD"]));
    repo.file(ALPHA, &(spec_text("Alpha", "In Progress") + "An edit.\n"))
        .commit_all("edit");
    assert_snapshot!(
        "check_violation",
        screen(&repo, &["check", "--range", "HEAD~1..HEAD"])
    );
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.file(
        ALPHA,
        &(spec_text("Alpha", "In Progress") + "A staged edit.\n"),
    );
    repo.git(["add", "-A"]);
    assert_snapshot!(
        "hook_pre_commit_refused",
        screen(&repo, &["hook", "pre-commit"])
    );
    assert_snapshot!(
        "check_staged_refused",
        screen(&repo, &["check", "--staged"])
    );
}

#[test]
fn hook_install_and_server() {
    let repo = TestRepo::new();
    assert_snapshot!("hook_install", screen(&repo, &["hook", "install"]));
    assert_snapshot!("hook_install_again", screen(&repo, &["hook", "install"]));
    let server = frozen_alpha();
    server.edit_spec("Alpha").commit_all("an edit");
    let pushed = server.push(["HEAD:refs/heads/main"]);
    assert_snapshot!("pre_receive_refused", pushed.screen(&server));
}

#[test]
fn pre_push_refused() {
    let server = frozen_alpha();
    server
        .lancelot(["hook", "install", "--pre-push"])
        .run()
        .success();
    server.edit_spec("Alpha").commit_all("an edit");
    let pushed = server.push(["HEAD:refs/heads/main"]);
    assert_snapshot!("pre_push_refused", pushed.screen(&server));
}

#[test]
fn lifecycle() {
    let repo = alpha();
    assert_snapshot!(
        "set_status_refused",
        screen(&repo, &["set-status", "Alpha", "approved"])
    );
    assert_snapshot!(
        "set_status_dry_run",
        screen(&repo, &["set-status", "Alpha", "approved", "--dry-run"])
    );
    assert_snapshot!("lint_findings", screen(&repo, &["lint"]));
    assert_snapshot!("status_board", screen(&repo, &["status"]));
    assert_snapshot!("graph", screen(&repo, &["graph"]));
    assert_snapshot!(
        "unknown_slice",
        screen(&repo, &["set-status", "Gamma", "done"])
    );
    let empty = TestRepo::new();
    assert_snapshot!("lint_clean", screen(&empty, &["lint"]));
}

#[test]
fn release() {
    let repo = alpha();
    assert_snapshot!("release_dry_run", screen(&repo, &["release", "--dry-run"]));
    assert_snapshot!("release_done", screen(&repo, &["release"]));
    assert_snapshot!("release_nothing", screen(&repo, &["release"]));
    assert_snapshot!(
        "changelog_show",
        screen(&repo, &["changelog", "show", "0.1.0"])
    );
}

#[test]
fn doctor() {
    let repo = alpha();
    let outcome: Outcome = repo.lancelot(["doctor"]).run();
    assert_snapshot!("doctor_new_repository", outcome.screen(&repo));
    repo.lancelot(["hook", "install"]).run().success();
    assert_snapshot!("doctor_with_hooks", screen(&repo, &["doctor"]));
}
