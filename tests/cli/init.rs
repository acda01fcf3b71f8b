//! `lancelot init`: creates what is missing, never overwrites, reports both.

use crate::support::TestRepo;

#[test]
fn sets_up_a_repository_and_is_idempotent() {
    let repo = TestRepo::new();
    let first = repo.lancelot(["init"]).run().success();
    for path in ["lancelot.toml", "docs/CHANGELOG.md", ".env.example"] {
        assert!(repo.exists(path), "{path} missing");
        assert!(first.stdout.contains(path), "{path} not reported");
    }
    for folder in [
        "docs/specs",
        "docs/blueprints",
        "docs/architecture",
        "docs/operations/runbooks",
    ] {
        assert!(repo.path().join(folder).is_dir(), "{folder} missing");
    }
    assert!(repo.read("docs/CHANGELOG.md").contains("## [Unreleased]"));
    assert!(
        repo.read("lancelot.toml")
            .contains("generation = \"vNext2\"")
    );

    let before = repo.snapshot();
    let second = repo.lancelot(["init"]).run().success();
    assert_eq!(repo.snapshot(), before);
    assert!(
        second.stdout.contains("already set up"),
        "{}",
        second.stdout
    );
    assert!(second.stdout.contains("exists  docs/CHANGELOG.md"));
}

#[test]
fn never_overwrites_existing_files() {
    let repo = TestRepo::new();
    repo.file("docs/CHANGELOG.md", "# Ours\n")
        .file(".env.example", "A=1\n");
    let json = repo
        .lancelot(["init", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(repo.read("docs/CHANGELOG.md"), "# Ours\n");
    assert_eq!(repo.read(".env.example"), "A=1\n");
    let existing: Vec<&str> = json["existing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(existing, ["docs/CHANGELOG.md", ".env.example"]);
    let created: Vec<&str> = json["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert!(created.contains(&"lancelot.toml"));
}

#[test]
fn dry_run_writes_nothing() {
    let repo = TestRepo::new();
    repo.lancelot(["init", "--dry-run"])
        .run()
        .success()
        .stdout_has("Would create");
    assert!(repo.snapshot().is_empty());
}

#[test]
fn the_written_config_is_used_by_new_slice() {
    let repo = TestRepo::new();
    repo.lancelot(["init"]).run().success();
    let config = repo
        .read("lancelot.toml")
        .replace("modules = \"src/core\"", "modules = \"lib\"");
    repo.file("lancelot.toml", &config);
    repo.lancelot(["new-slice", "Alpha", "--summary", "x", "--yes"])
        .run()
        .success();
    assert!(repo.exists("lib/alpha.py"));
}
