//! Writers never lose each other's work: many lancelot runs at once, many times,
//! and every run that reports success is fully present afterwards. A run that cannot
//! get the repository's lock in time refuses and says who holds it.

use std::collections::BTreeSet;

use crate::support::{Outcome, TestRepo, receipt_types};

/// Starts every run at once and waits for all of them.
fn all_at_once(runs: Vec<crate::support::Run>) -> Vec<Outcome> {
    let children: Vec<_> = runs.into_iter().map(|run| run.spawn()).collect();
    children
        .into_iter()
        .map(|child| Outcome::from(child.wait_with_output().unwrap()))
        .collect()
}

#[test]
fn many_new_slices_at_once_keep_every_entry_and_flag() {
    for round in 0..3 {
        let repo = TestRepo::new();
        repo.lancelot(["init"]).run().success();
        let letter = |n: usize| char::from(b'A' + u8::try_from(n).unwrap());
        let features: Vec<String> = (0..12)
            .map(|n| format!("Round{}Item{}", letter(round), letter(n)))
            .collect();
        let outcomes = all_at_once(
            features
                .iter()
                .map(|feature| {
                    repo.lancelot(["new-slice", feature, "--summary", "at once", "--yes"])
                })
                .collect(),
        );
        let changelog = repo.read("docs/CHANGELOG.md");
        let env = repo.read(".env.example");
        for (feature, outcome) in features.iter().zip(&outcomes) {
            assert_eq!(outcome.code, 0, "{feature}: {}", outcome.stderr);
            assert!(repo.exists(&format!("docs/specs/Lancelot_vNext2_Spec_{feature}.md")));
            assert!(
                changelog.contains(&format!("Lancelot_vNext2_Spec_{feature}.md")),
                "round {round}: the CHANGELOG lost {feature}:\n{changelog}"
            );
            let flag = format!("FEATURE_{}=false", feature_flag(feature));
            assert!(
                env.lines().any(|line| line == flag),
                "round {round}: the env file lost {flag}:\n{env}"
            );
        }
        let flags: BTreeSet<&str> = env
            .lines()
            .filter(|line| line.starts_with("FEATURE_"))
            .collect();
        assert_eq!(flags.len(), features.len(), "flags lost:\n{env}");
        let created = receipt_types(&repo.path().join(".git/lancelot/receipts.jsonl"))
            .into_iter()
            .filter(|kind| kind == "slice.created")
            .count();
        assert_eq!(created, features.len());
    }
}

/// `RoundAItemB` → `ROUND_A_ITEM_B`.
fn feature_flag(feature: &str) -> String {
    let mut flag = String::new();
    for (index, c) in feature.chars().enumerate() {
        if index > 0 && c.is_ascii_uppercase() {
            flag.push('_');
        }
        flag.push(c.to_ascii_uppercase());
    }
    flag
}

#[test]
fn two_releases_at_once_cut_one_version_and_the_loser_leaves_it_alone() {
    for _ in 0..3 {
        let repo = TestRepo::new();
        repo.file(
            "docs/CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- a feature\n",
        )
        .commit_all("first");
        let outcomes = all_at_once(vec![
            repo.lancelot(["release", "minor"]),
            repo.lancelot(["release", "minor"]),
        ]);
        let winners = outcomes.iter().filter(|outcome| outcome.code == 0).count();
        assert_eq!(winners, 1, "{outcomes:#?}");
        let loser = outcomes.iter().find(|outcome| outcome.code != 0).unwrap();
        assert_eq!(loser.code, 2, "{}", loser.stderr);
        let changelog = repo.read("docs/CHANGELOG.md");
        assert!(changelog.contains("## [0.1.0] - "), "{changelog}");
        assert_eq!(repo.git(["tag"]).trim(), "v0.1.0");
        assert_eq!(
            repo.git(["status", "--porcelain"]),
            "",
            "the loser left changes behind"
        );
    }
}

#[test]
fn a_writer_that_cannot_get_the_lock_refuses_and_names_the_holder() {
    let repo = TestRepo::new();
    repo.lancelot(["init"]).run().success();
    let lock_path = repo.path().join(".git/lancelot/lock");
    let holder = std::fs::OpenOptions::new()
        .append(true)
        .open(&lock_path)
        .unwrap();
    holder.lock().unwrap();
    std::fs::write(
        &lock_path,
        "pid 4242, `lancelot release`, since 2026-03-01T00:00:00Z",
    )
    .unwrap();
    let before = repo.snapshot();
    let outcome = repo
        .lancelot(["new-slice", "Alpha", "--summary", "waits", "--yes"])
        .env("LANCELOT_LOCK_WAIT", "0.3")
        .run()
        .refused();
    assert!(
        outcome.stderr.contains(
            "another lancelot is writing in this repository (pid 4242, `lancelot release`, since 2026-03-01T00:00:00Z)"
        ),
        "{}",
        outcome.stderr
    );
    assert_eq!(repo.snapshot(), before);
    // Readers never wait.
    repo.lancelot(["status"]).run().success();
    repo.lancelot(["new-slice", "Alpha", "--summary", "s", "--dry-run"])
        .run()
        .success();
    drop(holder);
    repo.lancelot(["new-slice", "Alpha", "--summary", "now", "--yes"])
        .run()
        .success();
}
