//! Faults while writing: a write that fails midway (a full disk, injected with
//! `LANCELOT_FAULT=write:N` in debug builds) leaves every file as it was and no
//! temporary file; a run killed midway (`LANCELOT_FAULT=kill:N`) leaves its journal,
//! and the next writer undoes what it wrote; two runs for one feature at once give
//! one slice.

use std::path::Path;

use crate::support::{Outcome, TestRepo};

/// Files lancelot writes only while it works: its temporary files and its journal.
fn leftovers(repo: &TestRepo) -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(&path, found);
            } else if (name.starts_with(".lancelot-") && name.ends_with(".tmp"))
                || name == "journal.json"
            {
                found.push(path.display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    walk(repo.path(), &mut found);
    found
}

/// Runs `args` with the Nth write failing, for every N until the run gets through:
/// each failed run leaves the repository exactly as it was. Returns how many writes
/// the run makes.
fn every_failing_write_changes_nothing(repo: &TestRepo, args: &[&str]) -> usize {
    for at in 1..60 {
        let before = repo.state();
        let outcome = repo
            .lancelot(args)
            .env("LANCELOT_FAULT", format!("write:{at}"))
            .run();
        if outcome.code == 0 {
            return at - 1;
        }
        assert_eq!(outcome.code, 2, "write {at}: {}", outcome.stderr);
        assert!(
            outcome.stderr.contains("no space left on device"),
            "write {at}: {}",
            outcome.stderr
        );
        assert_eq!(
            repo.state(),
            before,
            "write {at} of {args:?} changed the repository"
        );
        assert_eq!(
            leftovers(repo),
            Vec::<String>::new(),
            "write {at} of {args:?}"
        );
    }
    panic!("{args:?} never got through");
}

#[test]
fn a_write_failing_midway_restores_every_file_in_every_writing_command() {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [{ path = \"VERSION\" }]\n",
    )
    .file("VERSION", "0.0.0\n")
    .commit_all("start");
    let writes = every_failing_write_changes_nothing(
        &repo,
        &["new-slice", "Alpha", "--summary", "first", "--yes"],
    );
    // The journal, four documents, the CHANGELOG, the env file, a module, two
    // __init__.py and two tests: a failure at each of them was undone.
    assert!(writes >= 10, "only {writes} writes");
    repo.commit_all("alpha");

    let spec = "docs/specs/Lancelot_vNext2_Spec_Alpha.md";
    let written = repo
        .read(spec)
        .lines()
        .map(|line| match line.find("TODO:") {
            Some(at) => format!("{}Written down.", &line[..at]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    repo.file(spec, &format!("{written}\n"))
        .commit_all("contracts");
    let writes = every_failing_write_changes_nothing(&repo, &["set-status", "Alpha", "approved"]);
    assert!(
        writes >= 3,
        "the journal, the spec and the blueprint: {writes}"
    );
    repo.commit_all("approved");

    let writes = every_failing_write_changes_nothing(&repo, &["release"]);
    assert!(
        writes >= 3,
        "the journal, the CHANGELOG and VERSION: {writes}"
    );
    assert_eq!(repo.read("VERSION"), "0.1.0\n");
}

/// A snapshot of the work tree and the staged paths, without lancelot's own folder.
fn tree(repo: &TestRepo) -> (String, String) {
    (
        format!("{:?}", repo.snapshot()),
        repo.git(["status", "--porcelain"]),
    )
}

#[test]
fn a_run_killed_midway_is_undone_by_the_next_writer() {
    let args = ["new-slice", "Alpha", "--summary", "first", "--yes"];
    for at in 1..14 {
        let repo = TestRepo::new();
        repo.file("docs/CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
            .file(".env.example", "# flags\n")
            .commit_all("start");
        let before = tree(&repo);
        let killed: Outcome = repo
            .lancelot(args)
            .env("LANCELOT_FAULT", format!("kill:{at}"))
            .run();
        if killed.code == 0 {
            assert!(at > 10, "the run got through after {at} writes");
            return;
        }
        assert_ne!(killed.code, 2, "kill {at} did not kill: {}", killed.stderr);
        // The next writer (here one refused at once, for a missing --summary) takes
        // the lock, undoes the dead run and says so.
        let next = repo.lancelot(["new-slice", "Beta", "--yes"]).run();
        assert_eq!(next.code, 2, "{}", next.stderr);
        if at > 1 {
            assert!(
                next.stderr
                    .contains("an earlier `lancelot new-slice` (pid "),
                "kill {at}: {}",
                next.stderr
            );
        }
        assert_eq!(
            tree(&repo),
            before,
            "kill {at}: the dead run's writes remain"
        );
        assert_eq!(leftovers(&repo), Vec::<String>::new(), "kill {at}");
        // And the slice can be created as if nothing had happened.
        repo.lancelot(args).run().success();
    }
    panic!("the run never got through");
}

#[test]
fn two_runs_for_one_feature_at_once_make_one_slice() {
    for _ in 0..3 {
        let repo = TestRepo::new();
        let children: Vec<_> = (0..2)
            .map(|n| {
                repo.lancelot([
                    "new-slice",
                    "Alpha",
                    "--summary",
                    if n == 0 { "first" } else { "second" },
                    "--yes",
                ])
                .spawn()
            })
            .collect();
        let outcomes: Vec<Outcome> = children
            .into_iter()
            .map(|child| Outcome::from(child.wait_with_output().unwrap()))
            .collect();
        let succeeded = outcomes.iter().filter(|outcome| outcome.code == 0).count();
        assert_eq!(succeeded, 1, "{outcomes:#?}");
        let loser = outcomes.iter().find(|outcome| outcome.code != 0).unwrap();
        assert_eq!(loser.code, 2);
        assert!(
            loser.stderr.contains("the slice Alpha already exists"),
            "{}",
            loser.stderr
        );
        let changelog = repo.read("docs/CHANGELOG.md");
        assert_eq!(changelog.matches("**Alpha**").count(), 1, "{changelog}");
        assert_eq!(
            repo.read(".env.example").matches("FEATURE_ALPHA=").count(),
            1
        );
    }
}

#[test]
fn a_journal_is_never_replayed_over_later_work_or_outside_the_repository() {
    // Killed midway; the half-written slice is then committed by hand.
    let repo = TestRepo::new();
    let killed = repo
        .lancelot(["new-slice", "Beta", "--summary", "b", "--yes"])
        .env("LANCELOT_FAULT", "kill:6")
        .run();
    assert_ne!(killed.code, 0);
    // doctor, which writes nothing, says a run was stopped midway.
    repo.lancelot(["doctor"])
        .run()
        .stdout_has("write journal: an earlier run was stopped while writing");
    repo.commit_all("what was there");
    let committed = tree(&repo);
    let next = repo.lancelot(["new-slice", "Gamma", "--yes"]).run();
    assert!(
        next.stderr.contains(
            "HEAD has moved since: what it wrote may be committed, so nothing was undone"
        ),
        "{}",
        next.stderr
    );
    assert_eq!(tree(&repo), committed, "committed work was undone");
    assert!(repo.path().join(".git/lancelot/journal-kept.json").exists());
    repo.lancelot(["doctor"])
        .run()
        .stdout_has("write journal: a journal of a stopped run was kept aside");
    assert!(!repo.path().join(".git/lancelot/journal.json").exists());

    // A journal naming a folder outside the repository is never acted on.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("victim.txt"), "mine\n").unwrap();
    let journal = serde_json::json!({
        "pid": 1,
        "command": "new-slice",
        "root": elsewhere.path(),
        "head": null,
        "steps": [{ "step": "create", "path": "victim.txt", "contents": "mine\n" }]
    });
    std::fs::write(
        repo.path().join(".git/lancelot/journal.json"),
        journal.to_string(),
    )
    .unwrap();
    let next = repo.lancelot(["new-slice", "Gamma", "--yes"]).run();
    assert!(
        next.stderr.contains("which is not this repository's"),
        "{}",
        next.stderr
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("victim.txt")).unwrap(),
        "mine\n"
    );
}
