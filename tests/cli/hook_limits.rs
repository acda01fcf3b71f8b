//! The server hook's cost is bounded by what a push adds, not by what a pusher can
//! make it: duplicate parents are judged once, and the parents of one commit, the
//! commit–parent pairs and the tree entries of one check are capped (git config
//! `lancelot.maxParents`, `lancelot.maxPairs`, `lancelot.maxEntries`), refusing past
//! a cap with a message naming it.

use crate::support::TestRepo;
use crate::support::{ALPHA, accepted, frozen_alpha, refused};

/// Writes a commit object as given (git itself would drop duplicate parents).
fn raw_commit(repo: &TestRepo, tree: &str, parents: &[String]) -> String {
    let mut text = format!("tree {tree}\n");
    for parent in parents {
        text.push_str(&format!("parent {parent}\n"));
    }
    text.push_str(
        "author Mallory <m@example.com> 1772323200 +0000\ncommitter Mallory <m@example.com> 1772323200 +0000\n\ncrafted\n",
    );
    let git = git2::Repository::open(repo.path()).unwrap();
    let odb = git.odb().unwrap();
    odb.write(git2::ObjectType::Commit, text.as_bytes())
        .unwrap()
        .to_string()
}

/// Sets a git config value in the server's bare repository.
/// `count` commits, each a child of HEAD adding its own file; returns their ids.
fn side_commits(repo: &TestRepo, count: usize) -> Vec<String> {
    let git = git2::Repository::open(repo.path()).unwrap();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    let signature = git2::Signature::now("Ada Tester", "ada@example.com").unwrap();
    (0..count)
        .map(|n| {
            let blob = git.blob(format!("side {n}\n").as_bytes()).unwrap();
            let mut builder = git.treebuilder(Some(&head.tree().unwrap())).unwrap();
            builder
                .insert(format!("side-{n}.txt"), blob, 0o100644)
                .unwrap();
            let tree = git.find_tree(builder.write().unwrap()).unwrap();
            git.commit(
                None,
                &signature,
                &signature,
                &format!("side {n}"),
                &tree,
                &[&head],
            )
            .unwrap()
            .to_string()
        })
        .collect()
}

#[test]
fn a_parent_listed_thirty_thousand_times_is_judged_once() {
    let repo = frozen_alpha();
    let main = repo.rev("HEAD");
    repo.edit_spec("Alpha");
    repo.git(["add", "-A"]);
    let tree = repo.git(["write-tree"]).trim().to_owned();
    let crafted = raw_commit(&repo, &tree, &vec![main; 30_000]);
    let outcome = refused(repo.push([format!("{crafted}:refs/heads/main")]));
    assert_eq!(
        outcome
            .stderr
            .matches(&format!("{ALPHA}: modified"))
            .count(),
        1,
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_commit_with_more_parents_than_the_limit_is_refused_until_the_limit_is_raised() {
    let repo = frozen_alpha();
    let tree = repo.rev("HEAD^{tree}");
    let parents = side_commits(&repo, 150);
    let octopus = raw_commit(&repo, &tree, &parents);
    let before = repo.remote_refs();
    let outcome = refused(repo.push([format!("{octopus}:refs/heads/main")]));
    assert!(
        outcome
            .stderr
            .contains("stopped at its limit of 100 parents of one commit")
            && outcome.stderr.contains(&octopus),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("git config lancelot.maxParents"),
        "{}",
        outcome.stderr
    );
    assert_eq!(repo.remote_refs(), before);

    repo.server_config("lancelot.maxParents", "200");
    accepted(repo.push([format!("{octopus}:refs/heads/main")]));
}

#[test]
fn a_legitimate_octopus_merge_is_accepted() {
    let repo = frozen_alpha();
    let base = repo.rev("HEAD");
    for branch in ["one", "two", "three"] {
        repo.git(["checkout", "-q", "-b", branch, &base]);
        repo.file(&format!("{branch}.txt"), branch)
            .commit_all(branch);
    }
    repo.git(["checkout", "-q", "-b", "merged", &base]);
    repo.git([
        "merge", "-q", "--no-ff", "-m", "octopus", "one", "two", "three",
    ]);
    assert_eq!(
        repo.git(["rev-list", "--parents", "-n1", "HEAD"])
            .split(' ')
            .count(),
        5
    );
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn the_work_of_one_push_is_capped_and_the_cap_named() {
    let repo = frozen_alpha();
    for n in 0..5 {
        repo.file(&format!("note-{n}.txt"), "x")
            .commit_all(&format!("note {n}"));
    }
    repo.server_config("lancelot.maxPairs", "3");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("limit of 3 commit-parent pairs"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("git config lancelot.maxPairs"),
        "{}",
        outcome.stderr
    );

    repo.server_config("lancelot.maxPairs", "10");
    repo.server_config("lancelot.maxEntries", "4");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("limit of 4 tree entries visited"),
        "{}",
        outcome.stderr
    );

    repo.server_config("lancelot.maxEntries", "not-a-number");
    refused(repo.push(["HEAD:refs/heads/main"]));

    repo.server_config("lancelot.maxEntries", "1000");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn the_bytes_of_documents_read_are_capped_and_huge_ones_never_read() {
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("edit");
    repo.server_config("lancelot.maxBytes", "64");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome
            .stderr
            .contains("limit of 64 bytes of documents read"),
        "{}",
        outcome.stderr
    );
    repo.server_config("lancelot.maxBytes", "100000");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );

    // A frozen document grown past 32 MiB is an edit, judged without reading it.
    let repo = frozen_alpha();
    let huge = repo.read(ALPHA) + &"a".repeat(33 << 20);
    repo.file(ALPHA, &huge).commit_all("grow it");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}
