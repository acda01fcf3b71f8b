//! The walk on several threads judges as the walk on one: the same violations, in the
//! same order, counted the same, on a generated history with drafts, freezes,
//! transitions, edits of frozen documents and merges carrying them; through the
//! library and through `lancelot check`.

use std::sync::Arc;

use git2::Repository;
use lancelot::freeze::{self, Checker, RulesSource};

#[path = "../common/history.rs"]
mod history;

use crate::support::{binary, isolate, object_format};

fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shape = history::Shape {
        style: history::Style::Specs,
        folders: 4,
        files_per_folder: 5,
        documents: 40,
        min_bytes: 300,
        max_bytes: 3000,
        commits: 900,
        document_every: 1,
        violation_every: 37,
        merge_every: 60,
    };
    let how = history::Build {
        bare: false,
        repack: false,
        sha256: object_format() == git2::ObjectFormat::Sha256,
    };
    history::build(dir.path(), &shape, how);
    dir
}

#[test]
fn many_threads_report_what_one_thread_reports() {
    let dir = generated();
    let repo = Repository::open(dir.path()).unwrap();
    let (commits, base) = freeze::range_commits(&repo, "base..main", &[]).unwrap();
    assert!(commits.len() > 900, "{}", commits.len());
    let rules = freeze::load_rules(&repo, RulesSource::Commit(base.unwrap())).unwrap();
    let one = Checker::new(&repo, rules.clone())
        .check_commits(&commits)
        .unwrap();
    let path = dir.path().to_owned();
    for threads in [2, 3, 8] {
        let path = path.clone();
        let many = Checker::new(&repo, rules.clone())
            .with_threads(threads, Arc::new(move || Repository::open(&path)))
            .check_commits(&commits)
            .unwrap();
        assert_eq!(one, many, "{threads} threads");
    }
    // Progress counts every commit once, on one thread or many, and ends at the total.
    for threads in [1, 3] {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let path = path.clone();
        Checker::new(&repo, rules.clone())
            .with_threads(threads, Arc::new(move || Repository::open(&path)))
            .with_progress(Arc::new(move |done, total| {
                record.lock().unwrap().push((done, total));
            }))
            .check_commits(&commits)
            .unwrap();
        let seen = seen.lock().unwrap();
        let mut counts: Vec<usize> = seen.iter().map(|(done, _)| *done).collect();
        counts.sort_unstable();
        counts.dedup();
        assert_eq!(
            counts,
            (1..=commits.len()).collect::<Vec<_>>(),
            "{threads} threads"
        );
        assert!(seen.iter().all(|(_, total)| *total == commits.len()));
        assert_eq!(seen.last(), Some(&(commits.len(), commits.len())));
    }
    // The history holds what the walk must get right.
    assert!(one.violations.len() > 20, "{}", one.violations.len());
    assert!(
        one.violations
            .iter()
            .any(|violation| violation.carried_by > 0)
    );
    assert_eq!(one.commits_checked, commits.len());
}

#[test]
fn check_reports_the_same_on_one_thread_and_on_many() {
    let dir = generated();
    let home = tempfile::tempdir().unwrap();
    let check = |threads: &str| {
        let mut git = std::process::Command::new("git");
        isolate(&mut git, home.path());
        let set = git
            .current_dir(dir.path())
            .args(["config", "lancelot.threads", threads])
            .status()
            .unwrap();
        assert!(set.success());
        let mut command = std::process::Command::new(binary());
        isolate(&mut command, home.path());
        let output = command
            .current_dir(dir.path())
            .args(["check", "--range", "base..main", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(check("1"), check("4"));
}
