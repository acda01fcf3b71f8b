//! Measures `lancelot status` (the War Room board) on a repository with many slices
//! and a long history. Run with `make bench`.
//!
//! What it shows: the last change of every slice is found in one walk of the history,
//! looking only into the folders that hold slice files and whose trees changed.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::time;

use git2::{Oid, Repository, Signature};
use lancelot::config::Config;
use lancelot::fs::Root;
use lancelot::lifecycle::{Project, board};

const SLICES: usize = 3_000;
const HISTORY: usize = 5_000;

fn spec(slice: usize, revision: usize) -> String {
    format!(
        "# Slice{slice}\n\n- **Status:** Draft\n- **Depends on:** none\n\nRevision {revision}.\n"
    )
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let signature = Signature::new(
        "Bench",
        "bench@example.com",
        &git2::Time::new(1_772_323_200, 0),
    )
    .unwrap();
    println!("building a repository: {SLICES} slices, {HISTORY} commits that each edit one spec");
    let names: Vec<String> = (0..SLICES)
        .map(|slice| format!("Lancelot_vNext2_Spec_Slice{}.md", slice_name(slice)))
        .collect();
    let mut blobs: Vec<Oid> = (0..SLICES)
        .map(|slice| repo.blob(spec(slice, 0).as_bytes()).unwrap())
        .collect();
    let mut parent: Option<Oid> = None;
    for revision in 0..HISTORY {
        let slice = revision % SLICES;
        blobs[slice] = repo.blob(spec(slice, revision).as_bytes()).unwrap();
        let mut specs = repo.treebuilder(None).unwrap();
        for (name, blob) in names.iter().zip(&blobs) {
            specs.insert(name, *blob, 0o100644).unwrap();
        }
        let mut docs = repo.treebuilder(None).unwrap();
        docs.insert("specs", specs.write().unwrap(), 0o040000)
            .unwrap();
        let mut root = repo.treebuilder(None).unwrap();
        root.insert("docs", docs.write().unwrap(), 0o040000)
            .unwrap();
        let tree = repo.find_tree(root.write().unwrap()).unwrap();
        let parents: Vec<git2::Commit<'_>> = parent
            .iter()
            .map(|id| repo.find_commit(*id).unwrap())
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        parent = Some(
            repo.commit(
                Some("HEAD"),
                &signature,
                &signature,
                &format!("revision {revision}"),
                &tree,
                &parents,
            )
            .unwrap(),
        );
    }
    // A clone's objects are packed: pack them (the bench may use the git client).
    let packed = std::process::Command::new("git")
        .args(["repack", "-adq"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(packed.success());
    std::fs::create_dir_all(dir.path().join("docs/specs")).unwrap();
    for (slice, name) in names.iter().enumerate() {
        std::fs::write(dir.path().join("docs/specs").join(name), spec(slice, 0)).unwrap();
    }

    let files = Root::work_tree(dir.path(), repo.path()).unwrap();
    let project = Project::load(&files, Config::default()).unwrap();
    assert_eq!(project.slices.len(), SLICES);
    let rows = time("the board of 3,000 slices over 5,000 commits", 3, || {
        board::rows(&project, &repo, None)
    });
    assert!(rows.iter().all(|row| row.last_commit.is_some()));
}

/// Slice names in letters only (`A`, `B`, …, `AA`), so they read back as written.
fn slice_name(mut slice: usize) -> String {
    let mut name = String::new();
    loop {
        name.insert(0, char::from(b'A' + u8::try_from(slice % 26).unwrap()));
        slice /= 26;
        if slice == 0 {
            return name;
        }
        slice -= 1;
    }
}
