//! SHA-256 repositories (`git init --object-format=sha256`) work everywhere: the
//! server hook and its install, `check`, the local hooks, `new-slice` and `release`.
//! The same flows as the SHA-1 tests, on the other object format.

use git2::ObjectFormat::Sha256;

use crate::support::{ALPHA, TestRepo, edit_refused_then_done_accepted, frozen_alpha_in, refused};

/// A SHA-256 server whose `main` has the Alpha spec In Progress.
fn frozen_alpha() -> TestRepo {
    let repo = frozen_alpha_in(Sha256, None);
    assert_eq!(repo.rev("HEAD").len(), 64, "not a SHA-256 repository");
    repo
}

#[test]
fn the_server_hook_judges_sha256_pushes() {
    let repo = frozen_alpha();
    edit_refused_then_done_accepted(&repo);

    repo.git(["checkout", "-q", "--orphan", "fresh"]);
    repo.edit_spec("Alpha").commit_all("new root");
    refused(repo.push(["--force", "HEAD:refs/heads/main"]));
    refused(repo.push([":refs/heads/main"]));
}

#[test]
fn check_and_the_local_hooks_read_sha256_history() {
    let repo = TestRepo::in_format(Sha256);
    repo.spec("Alpha", "In Progress").commit_all("frozen");
    repo.edit_spec("Alpha").commit_all("edit");
    let outcome = repo.lancelot(["check", "--range", "HEAD~1..HEAD"]).run();
    assert_eq!(outcome.code, 1, "{}{}", outcome.stdout, outcome.stderr);
    assert!(outcome.stdout.contains(&format!("{ALPHA}: modified")));

    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.lancelot(["hook", "install"]).run().success();
    repo.edit_spec("Alpha");
    repo.git(["add", "-A"]);
    let mut command = std::process::Command::new("git");
    crate::support::isolate(&mut command, repo.home());
    let commit = command
        .current_dir(repo.path())
        .args(["commit", "-q", "-m", "edit"])
        .output()
        .unwrap();
    assert!(
        !commit.status.success(),
        "the pre-commit hook let the edit through"
    );
}

#[test]
fn new_slice_and_release_work_on_sha256() {
    let repo = TestRepo::in_format(Sha256);
    repo.lancelot(["init"]).run().success();
    repo.lancelot(["new-slice", "Alpha", "--summary", "first", "--yes"])
        .run()
        .success();
    repo.commit_all("alpha");
    repo.lancelot(["release"]).run().success();
    assert_eq!(repo.rev("v0.1.0^{commit}"), repo.rev("HEAD"));
    assert_eq!(repo.rev("HEAD").len(), 64);
}
