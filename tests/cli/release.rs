//! `lancelot release` and `lancelot changelog show`, in real repositories.

use crate::support::{TODAY, TestRepo, assert_refused_unchanged};

const CHANGELOG: &str = "docs/CHANGELOG.md";

/// A repository with one slice (declaring `bump`) committed and nothing released.
fn with_slice(bump: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [{ path = \"VERSION\" }]\n",
    )
    .file("VERSION", "0.0.0\n");
    repo.lancelot([
        "new-slice",
        "Alpha",
        "--summary",
        "First slice",
        "--bump",
        bump,
        "--yes",
    ])
    .run()
    .success();
    repo.commit_all("alpha");
    repo
}

/// Asserts that `release <args>` is refused with `message`, leaving files, HEAD, the
/// index and the tags alone.
#[track_caller]
fn refused_unchanged(repo: &TestRepo, args: &[&str], message: &str) {
    let mut full = vec!["release"];
    full.extend_from_slice(args);
    assert_refused_unchanged(repo, &full, message);
}

fn add_entry(repo: &TestRepo, group: &str, entry: &str) {
    let text = repo.read(CHANGELOG);
    let updated = text.replacen(
        "## [Unreleased]\n",
        &format!("## [Unreleased]\n\n### {group}\n\n- {entry}\n"),
        1,
    );
    repo.file(CHANGELOG, &updated).commit_all(entry);
}

fn versions(repo: &TestRepo) -> Vec<String> {
    let text = repo.read(CHANGELOG);
    let parsed = parse_changelog::parse(&text)
        .unwrap_or_else(|e| panic!("parse-changelog rejects the CHANGELOG: {e}\n{text}"));
    parsed.keys().map(|version| (*version).to_owned()).collect()
}

#[test]
fn the_first_release_takes_the_declared_bump() {
    let repo = with_slice("minor");
    let outcome = repo.lancelot(["release"]).run().success();
    assert!(
        outcome
            .stdout
            .contains("Released 0.1.0 (minor, from 0.0.0)"),
        "{}",
        outcome.stdout
    );
    assert_eq!(repo.read("VERSION"), "0.1.0\n");
    let changelog = repo.read(CHANGELOG);
    assert!(
        changelog.contains(&format!(
            "## [Unreleased]\n\n## [0.1.0] - {TODAY}\n\n### Added\n\n- **Alpha**: First slice"
        )),
        "{changelog}"
    );
    assert_eq!(versions(&repo), ["Unreleased", "0.1.0"]);

    assert_eq!(
        repo.git(["log", "-1", "--format=%s"]).trim(),
        "release: v0.1.0"
    );
    let files = repo.git(["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.lines().collect::<Vec<_>>(), ["VERSION", CHANGELOG]);
    assert_eq!(
        repo.git(["cat-file", "-t", "v0.1.0"]).trim(),
        "tag",
        "the tag must be annotated"
    );
    assert_eq!(repo.rev("v0.1.0^{commit}"), repo.rev("HEAD"));
    assert_eq!(
        repo.git(["status", "--porcelain"]),
        "",
        "the release leaves a clean tree"
    );
}

#[test]
fn the_highest_declared_bump_wins() {
    let repo = with_slice("patch");
    repo.lancelot(["release"])
        .run()
        .success()
        .stdout_has("Released 0.0.1 (patch");
    add_entry(&repo, "Fixed", "a fix (bump: patch)");
    add_entry(&repo, "Changed", "a breaking change (bump: major)");
    add_entry(&repo, "Added", "a feature (bump: minor)");
    repo.lancelot(["release"])
        .run()
        .success()
        .stdout_has("Released 1.0.0 (major, from 0.0.1)");
    let notes = repo
        .lancelot(["changelog", "show", "1.0.0"])
        .run()
        .success()
        .stdout;
    let added = notes.find("### Added").unwrap();
    let changed = notes.find("### Changed").unwrap();
    let fixed = notes.find("### Fixed").unwrap();
    assert!(
        added < changed && changed < fixed,
        "groups keep Keep a Changelog order:\n{notes}"
    );
}

#[test]
fn each_explicit_level_and_an_exact_version() {
    let repo = with_slice("minor");
    repo.lancelot(["release", "1.2.3"]).run().success();
    for (level, expected) in [("major", "2.0.0"), ("minor", "2.1.0"), ("patch", "2.1.1")] {
        add_entry(&repo, "Fixed", &format!("change before {level}"));
        repo.lancelot(["release", level])
            .run()
            .success()
            .stdout_has(&format!("Released {expected}"));
        assert_eq!(repo.read("VERSION"), format!("{expected}\n"));
    }
    assert_eq!(
        repo.git(["tag", "--list"]).lines().collect::<Vec<_>>(),
        ["v1.2.3", "v2.0.0", "v2.1.0", "v2.1.1"]
    );
    // A version spelt as its tag is the same version.
    add_entry(&repo, "Fixed", "change before v3");
    repo.lancelot(["release", "v3.0.0"])
        .run()
        .success()
        .stdout_has("Released 3.0.0");
    assert_eq!(repo.read("VERSION"), "3.0.0\n");
}

#[test]
fn a_prerelease_series_and_its_promotion() {
    let repo = with_slice("minor");
    repo.lancelot(["release", "--pre", "rc"])
        .run()
        .success()
        .stdout_has("Released 0.1.0-rc.1");
    add_entry(&repo, "Fixed", "a fix found in rc.1");
    repo.lancelot(["release", "--pre", "rc"])
        .run()
        .success()
        .stdout_has("Released 0.1.0-rc.2");
    assert_eq!(versions(&repo), ["Unreleased", "0.1.0-rc.2", "0.1.0-rc.1"]);
    assert_eq!(
        repo.lancelot(["release", "--next"]).run().success().stdout,
        "0.1.0\n"
    );

    repo.lancelot(["release"])
        .run()
        .success()
        .stdout_has("Released 0.1.0 (");
    assert_eq!(
        versions(&repo),
        ["Unreleased", "0.1.0"],
        "the final release absorbs its prereleases"
    );
    let notes = repo
        .lancelot(["changelog", "show", "v0.1.0"])
        .run()
        .success()
        .stdout;
    assert!(
        notes.contains("**Alpha**: First slice") && notes.contains("a fix found in rc.1"),
        "{notes}"
    );
    let tags = repo.git(["tag", "--list"]);
    assert_eq!(
        tags.lines().collect::<Vec<_>>(),
        ["v0.1.0", "v0.1.0-rc.1", "v0.1.0-rc.2"]
    );

    add_entry(&repo, "Added", "bigger (bump: major)");
    repo.lancelot(["release", "--pre", "beta"])
        .run()
        .success()
        .stdout_has("Released 1.0.0-beta.1");
}

#[test]
fn version_files_keep_their_formatting() {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [\n  { path = \"VERSION\" },\n  { path = \"pyproject.toml\", toml_key = \"project.version\" },\n  { path = \"Cargo.toml\", toml_key = \"package.version\" },\n]\n",
    )
    .file("VERSION", "0.0.0\n")
    .file("pyproject.toml", "[project]\nname = \"app\"\nversion = \"0.0.0\"   # managed by lancelot\n\n[tool.x]\ny = 1\n")
    .file("Cargo.toml", "# The app\n[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n");
    repo.lancelot(["new-slice", "Alpha", "--summary", "x", "--yes"])
        .run()
        .success();
    repo.commit_all("setup");
    repo.lancelot(["release"]).run().success();
    assert_eq!(repo.read("VERSION"), "0.1.0\n");
    assert_eq!(
        repo.read("pyproject.toml"),
        "[project]\nname = \"app\"\nversion = \"0.1.0\"   # managed by lancelot\n\n[tool.x]\ny = 1\n"
    );
    assert_eq!(
        repo.read("Cargo.toml"),
        "# The app\n[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"
    );
    let files = repo.git(["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.lines().count(), 4, "{files}");
}

#[test]
fn hand_written_changelog_content_is_preserved() {
    let repo = TestRepo::new();
    let before = "# Changelog\n\nOur own preamble, kept as is.\n\n## [Unreleased]\n\nA note under Unreleased stays there.\n\n### Fixed\n\n- the crash on start (bump: patch)\n  with a continuation line\n\n### Added\n\n- the export (bump: minor)\n\n## [1.0.0] - 2026-01-01\n\nHand-written release notes.\n\n### Added\n\n- the start\n\n[Unreleased]: https://example.com/compare/v1.0.0...HEAD\n[1.0.0]: https://example.com/releases/tag/v1.0.0\n";
    repo.file(CHANGELOG, before).file(
        "lancelot.toml",
        "[release]\nrepository_url = \"https://example.com/\"\n",
    );
    repo.commit_all("history");
    repo.git(["tag", "v1.0.0"]);
    repo.lancelot(["release"])
        .run()
        .success()
        .stdout_has("Released 1.1.0 (minor, from 1.0.0)");
    let expected = format!(
        "# Changelog\n\nOur own preamble, kept as is.\n\n## [Unreleased]\n\nA note under Unreleased stays there.\n\n## [1.1.0] - {TODAY}\n\n### Added\n\n- the export (bump: minor)\n\n### Fixed\n\n- the crash on start (bump: patch)\n  with a continuation line\n\n## [1.0.0] - 2026-01-01\n\nHand-written release notes.\n\n### Added\n\n- the start\n\n[Unreleased]: https://example.com/compare/v1.1.0...HEAD\n[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0\n[1.0.0]: https://example.com/releases/tag/v1.0.0\n"
    );
    assert_eq!(repo.read(CHANGELOG), expected);
    assert_eq!(versions(&repo), ["Unreleased", "1.1.0", "1.0.0"]);
}

#[test]
fn dry_run_and_next_write_nothing() {
    let repo = with_slice("minor");
    let before = repo.state();
    let outcome = repo.lancelot(["release", "--dry-run"]).run().success();
    assert!(outcome.stdout.contains("the next version is 0.1.0"));
    assert!(outcome.stdout.contains(&format!("## [0.1.0] - {TODAY}")));
    assert!(outcome.stdout.contains("update  VERSION"));
    assert_eq!(
        repo.lancelot(["release", "--next"]).run().success().stdout,
        "0.1.0\n"
    );
    let json = repo
        .lancelot(["release", "--dry-run", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(json["next"], "0.1.0");
    assert_eq!(json["current"], "0.0.0");
    assert_eq!(json["bump"], "minor");
    assert_eq!(repo.state(), before);
}

#[test]
fn no_commit_and_no_tag() {
    let repo = with_slice("minor");
    let head = repo.rev("HEAD");
    repo.lancelot(["release", "--no-commit"])
        .run()
        .success()
        .stdout_has("Nothing committed");
    assert_eq!(repo.rev("HEAD"), head);
    assert_eq!(repo.read("VERSION"), "0.1.0\n");
    assert_eq!(repo.git(["tag", "--list"]), "");
    repo.git(["checkout", "--", "."]);
    repo.lancelot(["release", "--no-tag"]).run().success();
    assert_ne!(repo.rev("HEAD"), head);
    assert_eq!(repo.git(["tag", "--list"]), "");
}

#[test]
fn every_refusal_changes_nothing() {
    let repo = with_slice("minor");
    repo.file("VERSION", "9.9.9\n");
    refused_unchanged(&repo, &[], "uncommitted changes: VERSION");
    repo.git(["add", "VERSION"]);
    refused_unchanged(&repo, &[], "uncommitted changes: VERSION");
    repo.git(["reset", "-q", "--hard"]);

    refused_unchanged(
        &repo,
        &["v1.0"],
        "neither major, minor, patch nor a semver version",
    );
    refused_unchanged(
        &repo,
        &["1.0"],
        "neither major, minor, patch nor a semver version",
    );
    refused_unchanged(&repo, &["1.0.0", "--pre", "rc"], "--pre needs a bump");
    refused_unchanged(&repo, &["--pre", "r.c"], "not a prerelease label");

    repo.lancelot(["release", "1.0.0"]).run().success();
    refused_unchanged(&repo, &[], "nothing to release");
    add_entry(&repo, "Fixed", "a fix");
    refused_unchanged(
        &repo,
        &["0.9.0"],
        "0.9.0 is not greater than the current version 1.0.0",
    );
    refused_unchanged(&repo, &["1.0.0"], "is not greater");

    repo.git(["tag", "v1.5.0"]);
    refused_unchanged(
        &repo,
        &[],
        "disagree: the newest CHANGELOG release is 1.0.0 but the newest tag is v1.5.0",
    );
    repo.git(["tag", "-d", "v1.5.0"]);
    repo.git(["tag", "-d", "v1.0.0"]);
    refused_unchanged(
        &repo,
        &[],
        "this clone has no tags at all (were they fetched?)",
    );
    repo.git(["tag", "v1.0.0", "HEAD~1"]);

    repo.file(
        "lancelot.toml",
        "[release]\ntag_prefix = \"v\"\nversion_files = [{ path = \"VERSION\" }]\n",
    )
    .commit_all("cfg");
    repo.git(["tag", "v1.1.0", "HEAD~1"]);
    refused_unchanged(&repo, &[], "disagree");
    repo.git(["tag", "-d", "v1.1.0"]);

    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [{ path = \"MISSING\" }]\n",
    )
    .commit_all("cfg2");
    refused_unchanged(&repo, &[], "version file MISSING: the file does not exist");
    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [{ path = \"VERSION\", toml_key = \"package.version\" }]\n",
    )
    .commit_all("cfg3");
    refused_unchanged(&repo, &[], "version file VERSION");

    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [{ path = \"VERSION\" }]\n",
    )
    .commit_all("cfg4");
    repo.git(["checkout", "-q", "--detach"]);
    refused_unchanged(&repo, &[], "HEAD is detached");
    repo.lancelot(["release", "--allow-detached", "--no-tag"])
        .run()
        .success();
}

#[test]
fn a_repository_without_commits_is_refused() {
    let repo = TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "x", "--yes"])
        .run()
        .success();
    refused_unchanged_without_head(&repo);
}

#[track_caller]
fn refused_unchanged_without_head(repo: &TestRepo) {
    assert_refused_unchanged(repo, &["release"], "no commits yet");
}

#[test]
fn an_existing_tag_is_refused() {
    let repo = with_slice("minor");
    repo.git(["tag", "v0.1.0"]);
    refused_unchanged(&repo, &[], "the tag v0.1.0 already exists");
    refused_unchanged(
        &repo,
        &["0.2.0"],
        "disagree: the CHANGELOG has no release but the newest tag is v0.1.0",
    );
    repo.git(["tag", "-d", "v0.1.0"]);
    repo.lancelot(["release", "--pre", "rc"]).run().success();
    add_entry(&repo, "Fixed", "x");
    repo.git(["tag", "-a", "-m", "by hand", "v0.1.0-rc.2", "HEAD~1"]);
    refused_unchanged(
        &repo,
        &["--pre", "rc"],
        "the tag v0.1.0-rc.2 already exists",
    );
}

#[test]
fn a_failing_commit_or_tag_rolls_everything_back() {
    let repo = with_slice("minor");
    let lock = repo.path().join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    refused_unchanged(
        &repo,
        &[],
        "the release commit failed; every change was rolled back",
    );
    std::fs::remove_file(&lock).unwrap();

    let tag_lock = repo.path().join(".git/refs/tags/v0.1.0.lock");
    std::fs::create_dir_all(tag_lock.parent().unwrap()).unwrap();
    std::fs::write(&tag_lock, "").unwrap();
    refused_unchanged(
        &repo,
        &[],
        "the release tag failed; every change was rolled back",
    );
    std::fs::remove_file(&tag_lock).unwrap();
    repo.lancelot(["release"]).run().success();
}

#[test]
fn releases_and_refusals_leave_receipts() {
    let repo = with_slice("minor");
    repo.lancelot(["release"]).run().success();
    repo.lancelot(["release"]).run().refused();
    let receipts: Vec<serde_json::Value> =
        crate::support::receipts(&repo.path().join(".git/lancelot/receipts.jsonl"))
            .into_iter()
            .filter(|receipt| receipt["type"].as_str().unwrap().starts_with("release."))
            .collect();
    assert_eq!(receipts[0]["type"], "release.cut");
    assert_eq!(receipts[0]["version"], "0.1.0");
    assert_eq!(receipts[0]["tag"], "v0.1.0");
    assert_eq!(receipts[0]["actor"], "Ada Tester <ada@example.com>");
    assert_eq!(receipts[1]["type"], "release.refused");
    assert!(
        receipts[1]["reason"]
            .as_str()
            .unwrap()
            .contains("nothing to release")
    );
}

#[test]
fn changelog_show_prints_one_version() {
    let repo = with_slice("minor");
    let unreleased = repo
        .lancelot(["changelog", "show", "unreleased"])
        .run()
        .success()
        .stdout;
    assert!(
        unreleased.starts_with("### Added\n\n- **Alpha**"),
        "{unreleased}"
    );
    repo.lancelot(["release"]).run().success();
    let json = repo
        .lancelot(["changelog", "show", "0.1.0", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(json["title"], format!("[0.1.0] - {TODAY}"));
    assert!(json["notes"].as_str().unwrap().contains("First slice"));
    repo.lancelot(["changelog", "show", "9.9.9"])
        .run()
        .refused()
        .stderr_has("no section for 9.9.9")
        .stderr_has("released versions: 0.1.0");
}

#[test]
fn a_summary_cannot_declare_the_bump() {
    let repo = TestRepo::new();
    repo.lancelot(["init"]).run().success();
    repo.lancelot([
        "new-slice",
        "Alpha",
        "--summary",
        "Drop the old API (bump: major; flag `X`) bump: major",
        "--bump",
        "patch",
        "--yes",
    ])
    .run()
    .success();
    repo.commit_all("alpha");
    let next = repo.lancelot(["release", "--next"]).run().success().stdout;
    assert_eq!(next, "0.0.1\n", "the summary's text set the bump");
}

#[test]
fn the_identity_comes_from_the_environment_like_gits() {
    let repo = with_slice("minor");
    repo.git(["config", "--unset", "user.name"]);
    repo.git(["config", "--unset", "user.email"]);
    // The runner sets GIT_AUTHOR_*/GIT_COMMITTER_* (names, addresses, dates), as CI does.
    repo.lancelot(["release"])
        .env("GIT_AUTHOR_NAME", "Release Author")
        .env("GIT_COMMITTER_NAME", "CI Bot")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .run()
        .success();
    assert_eq!(
        repo.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>|%cI"])
            .trim(),
        "Release Author <ada@example.com>|CI Bot <ci@example.com>|2026-03-01T00:00:00Z"
    );
    assert!(
        repo.git(["cat-file", "-p", "v0.1.0"])
            .contains("tagger CI Bot <ci@example.com> 1772323200 +0000")
    );
}

#[test]
fn without_any_identity_a_release_is_refused_and_says_how_to_set_one() {
    let repo = with_slice("minor");
    repo.git(["config", "--unset", "user.name"]);
    repo.git(["config", "--unset", "user.email"]);
    let before = repo.snapshot();
    let mut command = std::process::Command::new(crate::support::binary());
    crate::support::isolate(&mut command, repo.home());
    let output = command
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .current_dir(repo.path())
        .arg("release")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no git identity"), "{stderr}");
    assert!(stderr.contains("GIT_AUTHOR_NAME"), "{stderr}");
    assert_eq!(repo.snapshot(), before);
}

#[test]
fn a_version_at_the_largest_number_is_refused_not_a_crash() {
    let repo = TestRepo::new();
    let largest = u64::MAX;
    repo.file(
        CHANGELOG,
        &format!(
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- more (bump: major)\n\n## [{largest}.0.0] - 2020-01-01\n\n- first\n"
        ),
    )
    .commit_all("huge");
    repo.git(["tag", &format!("v{largest}.0.0")]);
    for args in [
        &["release", "--dry-run"][..],
        &["release"],
        &["release", "major", "--pre", "rc"],
    ] {
        repo.lancelot(args)
            .run()
            .refused()
            .stderr_has("cannot be raised further");
    }
}

/// A Cargo workspace shaped like pyo3's: the crate pins its sister crate exactly, and
/// `Cargo.lock` records both.
fn pyo3_like() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(
        "Cargo.toml",
        "[package]\nname = \"pyo3\"\nversion = \"0.29.2\" # the release\n\n[dependencies]\npyo3-ffi = { path = \"pyo3-ffi\", version = \"=0.29.2\" }\n\n[workspace]\nmembers = [\"pyo3-ffi\"]\n",
    )
    .file("pyo3-ffi/Cargo.toml", "[package]\nname = \"pyo3-ffi\"\nversion = \"0.29.2\"\n")
    .file(
        "Cargo.lock",
        "# This file is automatically @generated by Cargo.\nversion = 4\n\n[[package]]\nname = \"libc\"\nversion = \"0.29.2\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"pyo3\"\nversion = \"0.29.2\"\ndependencies = [\n \"pyo3-ffi\",\n]\n\n[[package]]\nname = \"pyo3-ffi\"\nversion = \"0.29.2\"\n",
    )
    .file(
        "lancelot.toml",
        "[release]\nversion_files = [\n  { path = \"Cargo.toml\", toml_key = \"package.version\" },\n  { path = \"Cargo.toml\", toml_key = \"dependencies.pyo3-ffi.version\" },\n  { path = \"pyo3-ffi/Cargo.toml\", toml_key = \"package.version\" },\n]\n",
    )
    .file(
        CHANGELOG,
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- more (bump: minor)\n\n## [0.29.2] - 2026-01-01\n\n- older\n",
    )
    .commit_all("pyo3 0.29.2");
    repo.git(["tag", "v0.29.2"]);
    repo
}

#[test]
fn every_version_key_of_a_file_is_written_and_the_lock_file_follows() {
    let repo = pyo3_like();
    let dry = repo
        .lancelot(["release", "--dry-run"])
        .run()
        .success()
        .stdout;
    assert_eq!(dry.matches("update  Cargo.toml\n").count(), 1, "{dry}");
    assert!(dry.contains("update  Cargo.lock"), "{dry}");
    repo.lancelot(["release"]).run().success();
    let manifest = repo.read("Cargo.toml");
    assert!(
        manifest.contains("version = \"0.30.0\" # the release"),
        "{manifest}"
    );
    assert!(
        manifest.contains("version = \"=0.30.0\""),
        "the pin lost its operator:\n{manifest}"
    );
    assert!(
        repo.read("pyo3-ffi/Cargo.toml")
            .contains("version = \"0.30.0\"")
    );
    let lock = repo.read("Cargo.lock");
    assert_eq!(lock.matches("version = \"0.30.0\"").count(), 2, "{lock}");
    assert!(
        lock.contains("name = \"libc\"\nversion = \"0.29.2\""),
        "{lock}"
    );
    let committed = repo.git(["show", "--name-only", "--format=", "HEAD"]);
    let mut committed: Vec<&str> = committed.lines().collect();
    committed.sort_unstable();
    assert_eq!(
        committed,
        ["Cargo.lock", "Cargo.toml", CHANGELOG, "pyo3-ffi/Cargo.toml"]
    );
}

#[test]
fn a_release_that_cannot_write_every_version_file_writes_none() {
    let repo = pyo3_like();
    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [\n  { path = \"Cargo.toml\", toml_key = \"package.version\" },\n  { path = \"Cargo.toml\", toml_key = \"dependencies.missing.version\" },\n]\n",
    )
    .commit_all("a wrong key");
    let before = repo.snapshot();
    repo.lancelot(["release"])
        .run()
        .refused()
        .stderr_has("version file Cargo.toml: has no `dependencies.missing.version`");
    assert_eq!(repo.snapshot(), before);
    assert_eq!(repo.git(["tag"]).trim(), "v0.29.2");
}

#[test]
fn package_json_versions_keep_their_formatting() {
    let repo = TestRepo::new();
    let package =
        "{\n    \"name\": \"web\",\n    \"version\": \"1.2.3\",\n    \"private\": true\n}\n";
    repo.file("package.json", package)
        .file(
            "lancelot.toml",
            "[release]\nversion_files = [{ path = \"package.json\", json_key = \"version\" }]\n",
        )
        .file(
            CHANGELOG,
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- x (bump: minor)\n",
        )
        .commit_all("web");
    repo.lancelot(["release"]).run().success();
    assert_eq!(repo.read("package.json"), package.replace("1.2.3", "0.1.0"));
}

#[test]
fn bare_tags_and_shallow_clones_are_named_as_the_cause() {
    let repo = TestRepo::new();
    repo.file(
        CHANGELOG,
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- x\n\n## [2.4.1] - 2026-01-01\n\n- y\n",
    )
    .commit_all("poetry-like");
    for tag in ["2.4.0", "2.4.1"] {
        repo.git(["tag", tag]);
    }
    repo.lancelot(["release", "--dry-run"])
        .run()
        .refused()
        .stderr_has("no release tag starts with `v`, but 2 tags look like `2.4.1`")
        .stderr_has("tag_prefix = \"\"");
    repo.file("lancelot.toml", "[release]\ntag_prefix = \"\"\n")
        .commit_all("bare tags");
    repo.lancelot(["release", "--next"])
        .run()
        .success()
        .stdout_has("2.4.2");

    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    repo.git([
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-tags",
        &url,
        &shallow.path().display().to_string(),
    ]);
    repo.lancelot_in(shallow.path(), ["release", "--dry-run"])
        .run()
        .refused()
        .stderr_has("this clone is shallow")
        .stderr_has("git fetch --tags --unshallow");
}

#[test]
fn a_section_written_twice_is_named_by_doctor_and_refused_by_release() {
    let repo = with_slice("minor");
    let text = repo.read(CHANGELOG);
    // A second [Unreleased] further down, as a bad merge leaves it.
    let twice = format!("{text}\n## [Unreleased]\n\n### Fixed\n\n- a late fix\n");
    repo.file(CHANGELOG, &twice).commit_all("merge");
    let heading = |n: usize| {
        twice
            .lines()
            .enumerate()
            .filter(|(_, line)| *line == "## [Unreleased]")
            .nth(n)
            .map(|(index, _)| index + 1)
            .unwrap()
    };
    let named = format!(
        "two [Unreleased] sections (lines {} and {})",
        heading(0),
        heading(1)
    );
    refused_unchanged(&repo, &["minor"], &named);
    refused_unchanged(&repo, &["--dry-run"], &named);
    repo.lancelot(["release"])
        .run()
        .refused()
        .stderr_has("merge the two [Unreleased] sections into one");
    let doctor = repo.lancelot(["doctor"]).run();
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    assert!(doctor.stdout.contains(&named), "{}", doctor.stdout);

    // Merged, the release goes through and leaves a single [Unreleased].
    repo.file(CHANGELOG, &text).commit_all("fix the merge");
    repo.lancelot(["release"]).run().success();
    let released = repo.read(CHANGELOG);
    assert_eq!(released.matches("## [Unreleased]").count(), 1, "{released}");
    assert!(
        repo.lancelot(["doctor"])
            .run()
            .stdout
            .contains("parses (1 release(s))")
    );

    // A version written twice is refused the same way.
    let version_twice = format!("{released}\n## [0.1.0] - 2026-01-01\n\n- again\n");
    repo.file(CHANGELOG, &version_twice).commit_all("dup");
    add_entry(&repo, "Added", "more");
    refused_unchanged(&repo, &[], "two [0.1.0] sections");
}

#[test]
fn after_a_release_without_its_tag_the_way_out_is_named_and_works() {
    let repo = with_slice("minor");
    let outcome = repo.lancelot(["release", "--no-tag"]).run().success();
    let commit = repo.rev("HEAD");
    let tag_it = format!("git tag -a v0.1.0 {} -m \"Release v0.1.0\"", &commit[..10]);
    outcome.stdout_has(&tag_it);

    add_entry(&repo, "Added", "more");
    // With no tag at all, the clone may lack them, or the release was never tagged:
    // the hint names both ways, the second with the release commit.
    let hint = format!(
        "fetch them (git fetch --tags); if v0.1.0 was never tagged (a release with --no-tag), tag its release commit: `git tag -a v0.1.0 {short} -m \"Release v0.1.0\"`",
        short = &commit[..12]
    );
    repo.lancelot(["release"])
        .run()
        .refused()
        .stderr_has("this clone has no tags at all")
        .stderr_has(&hint);
    // With older tags, the newest release is the one never tagged.
    repo.git(["tag", "v0.0.1", "HEAD~2"]);
    let hint = format!(
        "{short} is the release commit of v0.1.0, never tagged (a release with --no-tag?): tag it with `git tag -a v0.1.0 {short} -m \"Release v0.1.0\"`",
        short = &commit[..12]
    );
    repo.lancelot(["release"])
        .run()
        .refused()
        .stderr_has("the CHANGELOG and the tags disagree")
        .stderr_has(&hint);

    // Following it, the next release goes through.
    repo.git(["tag", "-a", "v0.1.0", &commit[..12], "-m", "Release v0.1.0"]);
    repo.lancelot(["release"])
        .run()
        .success()
        .stdout_has("Released 0.1.1");
}

#[test]
fn a_dry_run_runs_every_check_of_the_real_run() {
    let repo = with_slice("minor");
    repo.file("VERSION", "0.0.0-edited\n");
    refused_unchanged(&repo, &["--dry-run"], "uncommitted changes: VERSION");
    // --next is a query for scripts: it answers from a work tree in any state.
    repo.lancelot(["release", "--next"])
        .run()
        .success()
        .stdout_has("0.1.0");
    repo.git(["checkout", "--", "VERSION"]);
    let detached = repo.rev("HEAD");
    repo.git(["checkout", "-q", &detached]);
    refused_unchanged(&repo, &["--dry-run"], "HEAD is detached");

    let empty = TestRepo::new();
    assert_refused_unchanged(
        &empty,
        &["release", "--dry-run"],
        "the repository has no commits yet",
    );
}

#[test]
fn every_refused_release_leaves_a_receipt() {
    let repo = with_slice("minor");
    for args in [
        &["release", "banana"][..],
        &["release", "2.0.0", "--pre", "rc"],
        &["release", "0.0.1-"],
    ] {
        repo.lancelot(args).run().refused();
    }
    // A dry run or --next is a question, not a release: no receipt.
    repo.lancelot(["release", "banana", "--dry-run"])
        .run()
        .refused();
    let reasons: Vec<String> =
        crate::support::receipts(&repo.path().join(".git/lancelot/receipts.jsonl"))
            .into_iter()
            .filter(|receipt| receipt["type"] == "release.refused")
            .map(|receipt| {
                format!(
                    "{} {}",
                    receipt["requested"]["target"],
                    receipt["reason"].as_str().unwrap()
                )
            })
            .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons[0].starts_with("\"banana\" `banana` is neither"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("--pre needs a bump"), "{reasons:?}");
}

#[test]
fn a_plain_version_file_that_holds_more_than_a_version_is_never_overwritten() {
    let repo = with_slice("minor");
    let pyproject = "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n";
    repo.file("pyproject.toml", pyproject)
        .file(
            "lancelot.toml",
            "[release]\nversion_files = [{ path = \"VERSION\" }, { path = \"pyproject.toml\" }]\n",
        )
        .commit_all("pyproject");
    refused_unchanged(
        &repo,
        &[],
        "version file pyproject.toml: it holds more than a version (it starts `[project]`)",
    );
    refused_unchanged(&repo, &["--dry-run"], "toml_key (e.g. \"project.version\")");
    assert_eq!(repo.read("pyproject.toml"), pyproject);
    assert_eq!(repo.read("VERSION"), "0.0.0\n");

    // Pointed at project.version, a dynamic version is named as such; a key that is
    // no string says what it is.
    repo.file(
        "lancelot.toml",
        "[release]\nversion_files = [{ path = \"pyproject.toml\", toml_key = \"project.version\" }]\n",
    )
    .commit_all("key");
    refused_unchanged(
        &repo,
        &[],
        "the version is dynamic (`project.dynamic` lists it)",
    );
    for (text, shown) in [
        ("[project]\nversion = 3\n", "(it is an integer)"),
        ("[project]\nversion.major = 3\n", "(it is a table)"),
        (
            "[tool.poetry]\nversion = \"1.0.0\"\n",
            "has no `project.version` (no table `project`)",
        ),
    ] {
        repo.file("pyproject.toml", text).commit_all(shown);
        refused_unchanged(&repo, &[], shown);
    }
}

#[test]
fn a_release_names_the_slices_it_ships_that_are_not_done() {
    let repo = with_slice("minor");
    repo.lancelot(["new-slice", "Beta", "--summary", "Second", "--yes"])
        .run()
        .success();
    let spec = "docs/specs/Lancelot_vNext2_Spec_Alpha.md";
    let done = repo
        .read(spec)
        .replace("**Status:** Draft", "**Status:** Done");
    repo.file(spec, &done)
        .commit_all("alpha done, beta drafted");

    let json = repo
        .lancelot(["release", "--dry-run", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(
        json["not_done"],
        serde_json::json!([{ "slice": "Beta", "status": "Draft" }])
    );
    let warning =
        "warning: the release lists the entries of 1 slice(s) that are not Done: Beta (Draft)";
    repo.lancelot(["release", "--dry-run"])
        .run()
        .success()
        .stdout_has(warning);
    repo.lancelot(["release"])
        .run()
        .success()
        .stdout_has(warning);
    let cut = crate::support::receipts(&repo.path().join(".git/lancelot/receipts.jsonl"))
        .into_iter()
        .find(|receipt| receipt["type"] == "release.cut")
        .unwrap();
    assert_eq!(cut["not_done"][0]["slice"], "Beta");

    // Only the entries released count: a later release without Beta's says nothing.
    add_entry(&repo, "Fixed", "a fix");
    let outcome = repo.lancelot(["release"]).run().success();
    assert!(!outcome.stdout.contains("warning"), "{}", outcome.stdout);
}

#[test]
fn a_release_keeps_the_line_ends_and_mark_of_every_file_it_edits() {
    let repo = with_slice("minor");
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let changelog = format!("\u{feff}{}", crlf(&repo.read(CHANGELOG)));
    repo.file(CHANGELOG, &changelog)
        .file("VERSION", "0.0.0\r\n")
        .commit_all("written on Windows");
    repo.lancelot(["release"]).run().success();
    let after = repo.read(CHANGELOG);
    assert!(after.starts_with("\u{feff}# "), "{after:?}");
    assert_eq!(
        after.matches('\n').count(),
        after.matches("\r\n").count(),
        "mixed line ends: {after:?}"
    );
    assert!(
        after.contains(&format!("## [0.1.0] - {TODAY}\r\n")),
        "{after:?}"
    );
    assert_eq!(repo.read("VERSION"), "0.1.0\r\n");
    // Read back by another parser, the release is there.
    assert!(versions(&repo).contains(&"0.1.0".to_owned()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// Whatever a project's CHANGELOG holds, `release` moves each [Unreleased] entry
    /// once, loses and duplicates none, and keeps everything outside them.
    #[test]
    fn a_release_of_any_changelog_keeps_every_entry_and_every_other_byte(
        prose in proptest::collection::vec("[A-Za-z ,.]{0,20}", 0..3),
        unreleased in proptest::collection::vec(("[a-z ]{1,12}", proptest::bool::ANY), 1..6),
        releases in proptest::collection::vec(proptest::collection::vec("[a-z ]{1,12}", 1..4), 0..3),
        wrapped_group in proptest::sample::select(vec!["Added", "Fixed", "Changed"]),
    ) {
        let mut text = String::from("# Changelog\n\n");
        for line in &prose {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("\n## [Unreleased]\n\n");
        text.push_str(&format!("### {wrapped_group}\n\n"));
        for (n, (words, wrapped)) in unreleased.iter().enumerate() {
            text.push_str(&format!("- entry u{n}: {words}\n"));
            if *wrapped {
                text.push_str(&format!("  continued u{n}\n"));
            }
        }
        text.push('\n');
        let count = releases.len();
        let older_start = text.len();
        for (index, entries) in releases.iter().enumerate() {
            text.push_str(&format!("## [0.{}.0] - 2026-01-0{}\n\n### Added\n\n", count - index, index + 1));
            for (n, words) in entries.iter().enumerate() {
                text.push_str(&format!("- entry r{index}x{n}: {words}\n"));
            }
            text.push('\n');
        }
        let older = text[older_start..].to_owned();
        let repo = TestRepo::new();
        repo.file(CHANGELOG, &text).commit_all("history");
        for index in 0..count {
            repo.git(["tag", &format!("v0.{}.0", index + 1)]);
        }
        repo.lancelot(["release", "9.0.0"]).run().success();
        let after = repo.read(CHANGELOG);
        let entries = |text: &str| {
            let mut lines: Vec<String> = text
                .lines()
                .filter(|line| line.starts_with("- entry ") || line.starts_with("  continued "))
                .map(str::to_owned)
                .collect();
            lines.sort();
            lines
        };
        proptest::prop_assert_eq!(entries(&after), entries(&text));
        let preamble = &text[..text.find("## [Unreleased]").unwrap()];
        proptest::prop_assert!(after.starts_with(preamble), "{}", after);
        proptest::prop_assert!(after.contains(&older), "{}", after);
        let released = after
            .split("## [9.0.0]")
            .nth(1)
            .and_then(|rest| rest.split("\n## [").next())
            .unwrap_or_default()
            .to_owned();
        proptest::prop_assert_eq!(entries(&released), entries(&text[..older_start]));
    }
}
