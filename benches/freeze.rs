//! Measures the freeze check on a synthetic repository of realistic size: many files
//! and folders, many frozen specs, a long history. Run with `make bench`.
//!
//! What it shows: checking a push costs time in proportion to what the push changes,
//! not to the size of the repository or of its history.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::time;

use git2::{Oid, Repository, Signature, Tree};
use lancelot::config::FreezeConfig;
use lancelot::freeze::{Checker, KnownRefs, Rules, new_commits};

const FOLDERS: usize = 200;
const FILES_PER_FOLDER: usize = 100;
const SPECS: usize = 500;
const HISTORY: usize = 300;
const PUSH: usize = 50;

fn signature() -> Signature<'static> {
    Signature::new(
        "Bench",
        "bench@example.com",
        &git2::Time::new(1_772_323_200, 0),
    )
    .unwrap()
}

/// The trees of the synthetic repository, rebuilt only where a revision changes them
/// (as git itself stores history).
struct Trees {
    folders: Vec<Oid>,
    specs: Vec<Oid>,
}

impl Trees {
    /// `FOLDERS` × `FILES_PER_FOLDER` source files and `SPECS` frozen specs.
    fn new(repo: &Repository) -> Trees {
        let folders = (0..FOLDERS)
            .map(|folder| folder_tree(repo, folder, None))
            .collect();
        let specs = (0..SPECS).map(|spec| spec_blob(repo, spec, None)).collect();
        Trees { folders, specs }
    }

    /// Revision `revision` changes one source file and, when `touch_spec`, one spec.
    fn revise(&mut self, repo: &Repository, revision: usize, touch_spec: bool) -> Oid {
        let folder = revision % FOLDERS;
        self.folders[folder] = folder_tree(repo, folder, Some(revision));
        if touch_spec {
            let spec = revision % SPECS;
            self.specs[spec] = spec_blob(repo, spec, Some(revision));
        }
        let mut src = repo.treebuilder(None).unwrap();
        for (index, tree) in self.folders.iter().enumerate() {
            src.insert(format!("pkg{index}"), *tree, 0o040000).unwrap();
        }
        let mut specs = repo.treebuilder(None).unwrap();
        for (index, blob) in self.specs.iter().enumerate() {
            specs
                .insert(format!("Lancelot_vNext2_Spec_S{index}.md"), *blob, 0o100644)
                .unwrap();
        }
        let mut docs = repo.treebuilder(None).unwrap();
        docs.insert("specs", specs.write().unwrap(), 0o040000)
            .unwrap();
        let mut root = repo.treebuilder(None).unwrap();
        root.insert("src", src.write().unwrap(), 0o040000).unwrap();
        root.insert("docs", docs.write().unwrap(), 0o040000)
            .unwrap();
        root.write().unwrap()
    }
}

fn folder_tree(repo: &Repository, folder: usize, revision: Option<usize>) -> Oid {
    let mut files = repo.treebuilder(None).unwrap();
    for file in 0..FILES_PER_FOLDER {
        let text = match revision {
            Some(revision) if file == 0 => format!("value = {revision}\n"),
            _ => format!("value = {folder}.{file}\n"),
        };
        let blob = repo.blob(text.as_bytes()).unwrap();
        files.insert(format!("m{file}.py"), blob, 0o100644).unwrap();
    }
    files.write().unwrap()
}

fn spec_blob(repo: &Repository, spec: usize, revision: Option<usize>) -> Oid {
    let extra = revision.map_or(String::new(), |revision| {
        format!("Edited in revision {revision}.\n")
    });
    let text =
        format!("# Spec {spec}\n\n- **Status:** In Progress\n\nBody of spec {spec}.\n{extra}");
    repo.blob(text.as_bytes()).unwrap()
}

fn commit(repo: &Repository, tree: Oid, parent: Option<Oid>, message: &str) -> Oid {
    let tree: Tree<'_> = repo.find_tree(tree).unwrap();
    let parents: Vec<_> = parent
        .map(|p| repo.find_commit(p).unwrap())
        .into_iter()
        .collect();
    let parent_refs: Vec<_> = parents.iter().collect();
    repo.commit(
        None,
        &signature(),
        &signature(),
        message,
        &tree,
        &parent_refs,
    )
    .unwrap()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path()).unwrap();
    let files = FOLDERS * FILES_PER_FOLDER + SPECS;
    println!(
        "building a repository: {files} files, {HISTORY} commits of history, a push of {PUSH} commits"
    );
    let mut trees = Trees::new(&repo);
    let mut head = None;
    for revision in 0..HISTORY {
        let tree = trees.revise(&repo, revision, false);
        head = Some(commit(&repo, tree, head, &format!("history {revision}")));
    }
    let base = head.unwrap();
    repo.reference("refs/heads/main", base, true, "bench")
        .unwrap();

    let mut clean_trees = Trees {
        folders: trees.folders.clone(),
        specs: trees.specs.clone(),
    };
    let mut clean_tip = base;
    for revision in HISTORY..HISTORY + PUSH {
        let tree = clean_trees.revise(&repo, revision, false);
        clean_tip = commit(&repo, tree, Some(clean_tip), &format!("push {revision}"));
    }
    let mut dirty_tip = base;
    for revision in HISTORY..HISTORY + PUSH {
        let tree = trees.revise(&repo, revision, true);
        dirty_tip = commit(&repo, tree, Some(dirty_tip), &format!("dirty {revision}"));
    }

    let rules = Rules::new(&FreezeConfig::default()).unwrap();
    let known = rules.known_refs.clone();
    let pushed = time("find the pushed commits (rev-list --not --all)", 5, || {
        new_commits(&repo, &[clean_tip], KnownRefs::Globs(&known), &[]).unwrap()
    });
    assert_eq!(pushed.len(), PUSH);
    let report = time("check a clean push of 50 commits", 5, || {
        Checker::new(&repo, rules.clone())
            .check_commits(&pushed)
            .unwrap()
    });
    assert!(report.is_clean());

    let dirty = new_commits(&repo, &[dirty_tip], KnownRefs::Globs(&known), &[]).unwrap();
    let report = time(
        "check a push of 50 commits, each editing a frozen spec",
        5,
        || {
            Checker::new(&repo, rules.clone())
                .check_commits(&dirty)
                .unwrap()
        },
    );
    assert_eq!(report.violations.len(), PUSH);

    let whole: Vec<Oid> = {
        let mut walk = repo.revwalk().unwrap();
        walk.push(base).unwrap();
        walk.collect::<Result<_, _>>().unwrap()
    };
    time("check the whole history (300 commits)", 3, || {
        Checker::new(&repo, rules.clone())
            .check_commits(&whole)
            .unwrap()
    });
}
