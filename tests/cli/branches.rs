//! Slices on other branches: a feature, flag or owning module created on another
//! branch (local or remote-tracking) is refused by new-slice, reported by lint, and
//! reported by check --range when a range adds one its base added too.

use crate::support::TestRepo;

/// A repository with a first commit on `main`.
fn on_main() -> TestRepo {
    let repo = TestRepo::with_server(None);
    repo.file("README.md", "app\n").commit_all("start");
    repo.git(["branch", "-M", "main"]);
    repo
}

fn new_slice(repo: &TestRepo, name: &str, extra: &[&str]) -> crate::support::Outcome {
    let mut args = vec!["new-slice", name, "--summary", "x", "--yes"];
    args.extend_from_slice(extra);
    repo.lancelot(args).run()
}

#[test]
fn new_slice_refuses_what_another_branch_created() {
    let repo = on_main();
    // Inherited by every branch: never a collision.
    new_slice(&repo, "Alpha", &[]).success();
    repo.commit_all("alpha");
    repo.git(["checkout", "-q", "-b", "feature/health"]);
    new_slice(&repo, "Health Monitor", &[]).success();
    repo.commit_all("health");
    repo.git(["checkout", "-q", "-b", "teammate", "main"]);
    new_slice(
        &repo,
        "Beta",
        &["--flag", "FEATURE_SHARED", "--module", "src/core/shared.py"],
    )
    .success();
    repo.commit_all("beta");
    repo.git(["push", "-q", "origin", "teammate"]);
    repo.git(["checkout", "-q", "main"]);
    repo.git(["branch", "-q", "-D", "teammate"]);

    let before = repo.state();
    new_slice(&repo, "health-monitor", &[])
        .refused()
        .stderr_has(
            "the feature HealthMonitor is already taken on feature/health: the slice HealthMonitor",
        )
        .stderr_has("pick another name");
    new_slice(&repo, "Gamma", &["--flag", "FEATURE_SHARED"])
        .refused()
        .stderr_has("the flag FEATURE_SHARED is already taken on origin/teammate: the slice Beta")
        .stderr_has("pass --flag");
    new_slice(&repo, "Gamma", &["--module", "src/core/shared.py"])
        .refused()
        .stderr_has("the owning module src/core/shared.py is already taken on origin/teammate");
    assert_eq!(repo.state(), before);
    // The neighbours go through; seen from the other branch, main's new slice is
    // the one taken elsewhere.
    new_slice(&repo, "Gamma", &[]).success();
    repo.commit_all("gamma");
    repo.git(["checkout", "-q", "feature/health"]);
    new_slice(&repo, "Delta", &[]).success();
    new_slice(&repo, "Gamma", &[])
        .refused()
        .stderr_has("the feature Gamma is already taken on main");
    repo.commit_all("delta");

    // [slices] branches narrows where lancelot looks.
    repo.git(["checkout", "-q", "main"]);
    repo.file(
        "lancelot.toml",
        "[slices]\nbranches = [\"refs/heads/**\"]\n",
    );
    new_slice(&repo, "Epsilon", &["--flag", "FEATURE_SHARED"]).success();
}

#[test]
fn lint_and_check_report_slices_created_on_both_sides() {
    let repo = on_main();
    new_slice(&repo, "Alpha", &[]).success();
    repo.commit_all("alpha, inherited by every branch");
    repo.git(["checkout", "-q", "-b", "feature/jobs"]);
    new_slice(&repo, "Jobs", &[]).success();
    repo.commit_all("jobs on a branch");
    repo.git(["checkout", "-q", "main"]);
    new_slice(&repo, "Jobs", &["--flag", "FEATURE_MAIN_JOBS"])
        .refused()
        .stderr_has("already taken on feature/jobs");
    // Created anyway on main (by hand, or before the branch existed here).
    repo.git([
        "checkout",
        "-q",
        "feature/jobs",
        "--",
        "docs/specs/Lancelot_vNext2_Spec_Jobs.md",
    ]);
    // Its own way: not the same file as the branch's.
    let spec = "docs/specs/Lancelot_vNext2_Spec_Jobs.md";
    let own = repo.read(spec).replace(
        "- **Status:** Draft",
        "- **Status:** Draft\n- **Note:** main's own",
    );
    repo.file(spec, &own);
    repo.commit_all("jobs on main too");

    let lint = repo.lancelot(["lint", "--format", "json"]).run();
    assert_eq!(lint.code, 1, "{}", lint.stdout);
    let findings = lint.json()["findings"].as_array().unwrap().clone();
    let collision: Vec<_> = findings
        .iter()
        .filter(|finding| {
            finding["problem"]
                .as_str()
                .unwrap()
                .contains("also taken on")
        })
        .collect();
    assert_eq!(collision.len(), 1, "{findings:#?}");
    assert_eq!(collision[0]["slice"], "Jobs");
    assert!(
        collision[0]["problem"]
            .as_str()
            .unwrap()
            .starts_with("the feature Jobs is also taken on feature/jobs"),
        "{collision:?}"
    );
    // Alpha, inherited on both sides, is one slice.
    assert!(!findings.iter().any(|finding| finding["slice"] == "Alpha"
        && finding["problem"].as_str().unwrap().contains("also taken")));

    // In CI, the pull request's range is checked against its base.
    let outcome = repo
        .lancelot(["check", "--range", "main...feature/jobs"])
        .run();
    assert_eq!(outcome.code, 1, "{}{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains("the slice Jobs takes the feature Jobs, which the base also took"),
        "{}",
        outcome.stdout
    );
    let json = repo
        .lancelot(["check", "--range", "main..feature/jobs", "--format", "json"])
        .run()
        .json();
    assert_eq!(json["collisions"][0]["slice"], "Jobs");
    // A range that adds nothing the base added is clean.
    repo.git(["checkout", "-q", "-b", "feature/other", "main~1"]);
    new_slice(&repo, "Other", &[]).success();
    repo.commit_all("other");
    repo.lancelot(["check", "--range", "main...feature/other"])
        .run()
        .success();
}

/// Asserts that lint finds no branch collision.
#[track_caller]
fn assert_no_collision(repo: &TestRepo) {
    let lint = repo.lancelot(["lint", "--format", "json"]).run().json();
    assert!(
        !lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["rule"] == "branch-collision"),
        "{lint}"
    );
}

#[test]
fn a_slice_merged_by_squash_or_pushed_before_a_rebase_is_one_slice() {
    let repo = on_main();
    repo.git(["push", "-q", "origin", "main"]);
    repo.git(["checkout", "-q", "-b", "feature/x"]);
    new_slice(&repo, "Gamma", &[]).success();
    repo.commit_all("gamma");
    repo.git(["push", "-q", "origin", "feature/x"]);
    // The branch amended after its push: origin/feature/x is our own slice, older.
    let spec = "docs/specs/Lancelot_vNext2_Spec_Gamma.md";
    repo.file(spec, &format!("{}\nAmended.\n", repo.read(spec)));
    repo.git(["commit", "-qam", "amend", "--amend"]);
    assert_no_collision(&repo);
    // Pushed again, then squash-merged into main while the branch still exists (as a
    // forge does): one slice, not two.
    repo.git(["push", "-q", "--force", "origin", "feature/x"]);
    repo.git(["checkout", "-q", "main"]);
    repo.git(["merge", "-q", "--squash", "feature/x"]);
    repo.git(["commit", "-qm", "squash"]);
    assert_no_collision(&repo);
}
