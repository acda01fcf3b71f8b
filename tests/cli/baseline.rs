//! Adopting the freeze over existing history: `[freeze] baseline` names the commit
//! whose history is not judged, so the first push of years of history to a server
//! with the hook is accepted, and the first later change to a frozen document is not.

use crate::support::TestRepo;
use crate::support::{ALPHA, accepted, refused};

/// A repository whose history already broke the freeze (a frozen spec edited, twice
/// carried by merges), then adopted lancelot with `baseline` at that history's tip.
fn adopted_history(repo: &TestRepo) -> String {
    repo.spec("Alpha", "In Progress")
        .commit_all("alpha frozen, years ago");
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.edit_spec("Alpha")
        .commit_all("an old edit of a frozen spec");
    repo.git(["checkout", "-q", "-"]);
    repo.file("notes.txt", "x\n").commit_all("other work");
    repo.git(["merge", "-q", "--no-edit", "side"]);
    let history = repo.rev("HEAD");
    repo.file(
        "lancelot.toml",
        &format!("[freeze]\nbaseline = \"{history}\"\n"),
    )
    .commit_all("adopt lancelot");
    history
}

#[test]
fn the_first_push_of_an_adopted_history_is_accepted_and_later_edits_are_not() {
    let repo = TestRepo::with_server(None);
    adopted_history(&repo);
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.edit_spec("Alpha").commit_all("a new edit");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn without_a_baseline_the_old_violations_refuse_the_first_push() {
    let repo = TestRepo::with_server(None);
    repo.spec("Alpha", "In Progress")
        .commit_all("alpha frozen, years ago");
    repo.edit_spec("Alpha")
        .commit_all("an old edit of a frozen spec");
    refused(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn moving_the_baseline_later_is_a_weakening() {
    let repo = TestRepo::with_server(None);
    adopted_history(&repo);
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.edit_spec("Alpha").commit_all("a new edit");
    let edit = repo.rev("HEAD");
    repo.file(
        "lancelot.toml",
        &format!("[freeze]\nbaseline = \"{edit}\"\n"),
    )
    .commit_all("move the baseline past the edit");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("moves the baseline to"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn check_leaves_the_history_out_names_its_rules_and_reports_a_violation_once() {
    let repo = TestRepo::new();
    let history = adopted_history(&repo);
    let outcome = repo.lancelot(["check", "--range", "HEAD"]).run().success();
    assert!(
        outcome.stdout.contains(&format!(
            "rules: the work tree's lancelot.toml; history up to the baseline {history} is not judged"
        )),
        "{}",
        outcome.stdout
    );

    // Without the baseline the old edit is reported once, its merge counted.
    repo.file("lancelot.toml", "[freeze]\n")
        .commit_all("drop the baseline");
    let outcome = repo.lancelot(["check", "--range", "HEAD"]).run();
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert_eq!(
        outcome
            .stdout
            .matches(&format!("{ALPHA}: modified"))
            .count(),
        1,
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("carried again by 1 later merge"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn the_pre_push_hook_leaves_the_history_out_too() {
    let repo = TestRepo::new();
    adopted_history(&repo);
    let remote = tempfile::tempdir().unwrap();
    let mut options = git2::RepositoryInitOptions::new();
    options
        .bare(true)
        .object_format(crate::support::object_format());
    git2::Repository::init_opts(remote.path(), &options).unwrap();
    repo.git([
        "remote",
        "add",
        "origin",
        &remote.path().display().to_string(),
    ]);
    repo.lancelot(["hook", "install", "--pre-push"])
        .run()
        .success();
    assert_eq!(repo.push(["HEAD:refs/heads/main"]).code, 0);
}
