//! `lancelot check` and the local hooks (pre-commit, pre-push), in real repositories.

use std::process::Command;

use crate::support::{ALPHA, TestRepo, frozen_alpha_local, isolate, spec_path};

/// `git commit -a`, hooks and all, without asserting how it ends.
fn commit_all_through_hooks(repo: &TestRepo) -> std::process::Output {
    let mut command = Command::new("git");
    isolate(&mut command, repo.home());
    command
        .current_dir(repo.path())
        .args(["commit", "-q", "-a", "-m", "edit"])
        .output()
        .unwrap()
}

#[test]
fn staged_changes_to_a_frozen_spec_are_found() {
    let repo = frozen_alpha_local();
    repo.lancelot(["check", "--staged"])
        .run()
        .success()
        .stdout_has("no frozen document changed");
    repo.edit_spec("Alpha");
    repo.lancelot(["check", "--staged"]).run().success();
    repo.git(["add", ALPHA]);
    let outcome = repo.lancelot(["check", "--staged"]).run();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .contains(&format!("{ALPHA}: modified (frozen: In Progress)")),
        "{}",
        outcome.stdout
    );
    assert!(outcome.stdout.contains("staged changes"));

    let json = repo
        .lancelot(["check", "--staged", "--format", "json"])
        .run()
        .json();
    assert_eq!(json["commits_checked"], 1);
    let violation = &json["violations"][0];
    assert_eq!(violation["commit"], "index");
    assert_eq!(violation["parent"], repo.rev("HEAD"));
    assert_eq!(violation["path"], ALPHA);
    assert_eq!(violation["change"], "modified");
    assert_eq!(violation["status"], "In Progress");
}

#[test]
fn the_staged_check_reads_the_frozen_folders_and_the_attributes_on_their_way() {
    let staged = |repo: &crate::support::TestRepo| {
        let outcome = repo.lancelot(["check", "--staged"]).run();
        (outcome.code, outcome.stdout)
    };
    let objects = |repo: &crate::support::TestRepo| repo.git(["count-objects"]);
    // A root .gitattributes dropping the frozen spec from archives.
    let repo = frozen_alpha_local();
    repo.file(".gitattributes", "docs/specs/*.md export-ignore\n");
    repo.git(["add", ".gitattributes"]);
    let before = objects(&repo);
    let (code, stdout) = staged(&repo);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!("{ALPHA}: attributes changed")),
        "{stdout}"
    );
    assert_eq!(objects(&repo), before, "the check writes no object");
    // The whole folder removed, or a file where it was.
    let repo = frozen_alpha_local();
    repo.git(["rm", "-q", "-r", "--cached", "docs/specs"]);
    let (code, stdout) = staged(&repo);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains(&format!("{ALPHA}: deleted")), "{stdout}");
    std::fs::remove_dir_all(repo.path().join("docs/specs")).unwrap();
    repo.file("docs/specs", "not a folder\n");
    repo.git(["add", "docs/specs"]);
    assert_eq!(staged(&repo).0, 1);
    // Changes elsewhere, and a new spec beside the frozen one, pass.
    let repo = frozen_alpha_local();
    repo.file("src/a.py", "a = 1\n")
        .file("docs/architecture/x.md", "x\n");
    repo.spec("Beta", "Draft");
    repo.git(["add", "-A"]);
    let (code, stdout) = staged(&repo);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_range_is_checked_commit_by_commit() {
    let repo = frozen_alpha_local();
    let base = repo.rev("HEAD");
    repo.file("src/a.py", "a = 1\n").commit_all("clean");
    repo.edit_spec("Alpha").commit_all("edit");
    let range = format!("{base}..HEAD");
    let outcome = repo
        .lancelot(["check", "--range", &range, "--format", "json"])
        .run();
    assert_eq!(outcome.code, 1);
    let json = outcome.json();
    assert_eq!(json["commits_checked"], 2);
    assert_eq!(json["violations"].as_array().unwrap().len(), 1);
    assert_eq!(json["violations"][0]["commit"], repo.rev("HEAD"));
    assert_eq!(json["violations"][0]["parent"], repo.rev("HEAD~1"));

    let whole = repo
        .lancelot(["check", "--range", "HEAD", "--format", "json"])
        .run()
        .json();
    assert_eq!(whole["commits_checked"], 4);
    repo.lancelot(["check", "--range", &format!("{base}..HEAD~1")])
        .run()
        .success()
        .stdout_has("1 commit checked");
}

#[test]
fn the_rules_of_the_range_base_are_in_force() {
    let repo = frozen_alpha_local();
    let base = repo.rev("HEAD");
    repo.file("lancelot.toml", "[freeze]\npaths = []\n")
        .commit_all("disable the freeze");
    repo.edit_spec("Alpha").commit_all("edit");
    let outcome = repo
        .lancelot(["check", "--range", &format!("{base}..HEAD")])
        .run();
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    // An explicit --config is the caller's choice.
    repo.file("relaxed.toml", "[freeze]\npaths = []\n");
    repo.lancelot([
        "--config",
        "relaxed.toml",
        "check",
        "--range",
        &format!("{base}..HEAD"),
    ])
    .run()
    .success();
}

#[test]
fn bad_revisions_and_bad_config_are_errors_not_findings() {
    let repo = frozen_alpha_local();
    repo.lancelot(["check", "--range", "origin/main..HEAD"])
        .run()
        .refused()
        .stderr_has("cannot resolve `origin/main..HEAD`")
        .stderr_has("git fetch");
    repo.file("bad.toml", "[freeze]\npaths = [\"docs/[\"]\n");
    repo.lancelot(["--config", "bad.toml", "check", "--staged"])
        .run()
        .refused()
        .stderr_has("[freeze] paths");
    repo.lancelot(["check"]).run().refused();
}

#[test]
fn a_shallow_clone_asks_for_more_history() {
    let origin = frozen_alpha_local();
    origin.edit_spec("Alpha").commit_all("edit");
    let clone = TestRepo::new();
    let url = format!("file://{}", origin.path().display());
    let mut command = Command::new("git");
    isolate(&mut command, clone.home());
    let target = clone.path().join("shallow");
    let status = command
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success());
    clone
        .lancelot_in(&target, ["check", "--range", "HEAD"])
        .run()
        .refused()
        .stderr_has("the history is shallow")
        .stderr_has("fetch-depth: 0");
}

#[test]
fn the_pre_commit_hook_refuses_commits_including_commit_dash_a() {
    let repo = frozen_alpha_local();
    repo.lancelot(["hook", "install"]).run().success();
    repo.edit_spec("Alpha");
    let output = commit_all_through_hooks(&repo);
    assert!(!output.status.success(), "git commit -a went through");
    assert!(String::from_utf8_lossy(&output.stderr).contains("frozen: In Progress"));

    repo.git(["checkout", "--", ALPHA]);
    repo.set_status("Alpha", "Done");
    repo.git(["commit", "-q", "-a", "-m", "done"]);
    assert!(repo.read(&spec_path("Alpha")).contains("Done"));
}

#[test]
fn the_pre_push_hook_checks_the_commits_being_pushed() {
    let repo = frozen_alpha_local();
    let remote = tempfile::tempdir().unwrap();
    let mut options = git2::RepositoryInitOptions::new();
    options
        .bare(true)
        .object_format(crate::support::object_format());
    git2::Repository::init_opts(remote.path(), &options).unwrap();
    repo.git([
        "remote",
        "add",
        "origin",
        &remote.path().display().to_string(),
    ]);
    repo.lancelot(["hook", "install", "--pre-push"])
        .run()
        .success();
    repo.git(["push", "-q", "origin", "HEAD:refs/heads/main"]);
    repo.git(["fetch", "-q", "origin"]);
    repo.edit_spec("Alpha");
    repo.git(["commit", "-q", "--no-verify", "-a", "-m", "edit"]);
    let outcome = repo.push(["HEAD:refs/heads/main"]);
    assert_ne!(outcome.code, 0);
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn hook_install_is_idempotent_and_keeps_foreign_hooks() {
    let repo = TestRepo::new();
    let first = repo.lancelot(["hook", "install"]).run().success();
    assert!(first.stdout.contains("installed") && first.stdout.contains(".git/hooks/pre-commit"));
    let script = repo.read(".git/hooks/pre-commit");
    assert!(script.contains("lancelot-managed hook") && script.contains("hook pre-commit"));
    repo.lancelot(["hook", "install"])
        .run()
        .success()
        .stdout_has("already installed");

    repo.file(".git/hooks/pre-push", "#!/bin/sh\necho mine\n");
    let before = repo.read(".git/hooks/pre-push");
    repo.lancelot(["hook", "install"])
        .run()
        .success()
        .stdout_has("chained")
        .stdout_has("kept as pre-push.pre-lancelot");
    assert_eq!(repo.read(".git/hooks/pre-push.pre-lancelot"), before);
    repo.file(".git/hooks/pre-push", "#!/bin/sh\necho another\n");
    repo.lancelot(["hook", "install", "--pre-push", "--force"])
        .run()
        .success()
        .stdout_has("replaced")
        .stdout_has("kept, not run, as pre-push.lancelot-backup");
    assert!(repo.read(".git/hooks/pre-push").contains("hook pre-push"));
    // Replaced, never lost: the user's hook is kept beside it.
    assert_eq!(
        repo.read(".git/hooks/pre-push.lancelot-backup"),
        "#!/bin/sh\necho another\n"
    );
    repo.file(".git/hooks/pre-push", "#!/bin/sh\necho a third\n");
    repo.lancelot(["hook", "install", "--pre-push", "--force"])
        .run()
        .success();
    assert_eq!(
        repo.read(".git/hooks/pre-push.lancelot-backup.2"),
        "#!/bin/sh\necho a third\n"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(repo.path().join(".git/hooks/pre-push"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(mode & 0o111, 0, "the replaced hook must be executable");
}

#[test]
fn hooks_go_where_git_runs_them() {
    let repo = TestRepo::new();
    repo.git(["config", "core.hooksPath", "tools/hooks"]);
    repo.lancelot(["hook", "install", "--pre-commit"])
        .run()
        .success();
    assert!(repo.exists("tools/hooks/pre-commit"));
    assert!(!repo.exists("tools/hooks/pre-push"));

    let main = TestRepo::new();
    main.file("a", "a").commit_all("init");
    let linked = main.path().join("linked");
    main.git([
        "worktree",
        "add",
        "-q",
        "-b",
        "other",
        linked.to_str().unwrap(),
    ]);
    main.lancelot_in(&linked, ["hook", "install"])
        .run()
        .success();
    assert!(
        main.exists(".git/hooks/pre-commit"),
        "linked worktrees share the common hooks folder"
    );
}

#[test]
fn server_install_needs_a_bare_repository() {
    let repo = TestRepo::new();
    repo.lancelot(["hook", "install", "--server", "."])
        .run()
        .refused()
        .stderr_has("not a bare git repository");
}

#[test]
fn client_hooks_are_refused_in_a_bare_repository() {
    let repo = TestRepo::with_server(None);
    let bare = repo.remote().to_owned();
    let hooks = || {
        let mut names: Vec<String> = std::fs::read_dir(bare.join("hooks"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.ends_with(".sample"))
            .collect();
        names.sort();
        names
    };
    let before = hooks();
    repo.lancelot_in(&bare, ["hook", "install"])
        .run()
        .refused()
        .stderr_has("is a bare repository: nobody commits there")
        .stderr_has("lancelot hook install --server .");
    assert_eq!(hooks(), before, "nothing was installed");
    repo.lancelot_in(&bare, ["hook", "install", "--server", "."])
        .run()
        .success()
        .stdout_has("1 hook points at");
}

#[test]
fn hooks_find_a_lancelot_installed_under_a_path_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let repo = frozen_alpha_local();
    let folder = tempfile::tempdir().unwrap();
    let odd = folder
        .path()
        .join(std::ffi::OsStr::from_bytes(b"bin-\xff\xfe 'quoted'"));
    std::fs::create_dir(&odd).unwrap();
    let program = odd.join("lancelot");
    std::fs::copy(crate::support::binary(), &program).unwrap();
    // A binary just copied can be "busy" while another test thread forks with the
    // copy's file still open (ETXTBSY): try again for a moment.
    let status = (0..100)
        .find_map(|_| {
            let mut install = Command::new(&program);
            isolate(&mut install, repo.home());
            match install
                .current_dir(repo.path())
                .args(["hook", "install", "--pre-commit"])
                .status()
            {
                Err(error) if error.raw_os_error() == Some(26) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    None
                }
                other => Some(other.unwrap()),
            }
        })
        .unwrap();
    assert!(status.success());
    let script = std::fs::read(repo.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(script.is_ascii(), "the hook script is not plain text");

    // A harmless commit passes (the hook found the program), a frozen edit does not.
    repo.file("notes.txt", "fine\n").commit_all("notes");
    repo.edit_spec("Alpha");
    let output = commit_all_through_hooks(&repo);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("change to frozen documents refused"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn grafts_do_not_change_what_is_judged() {
    let repo = frozen_alpha_local();
    repo.edit_spec("Alpha").commit_all("edit");
    let edit = repo.rev("HEAD");
    // A graft that makes the edit look like a root commit, with nothing to compare.
    repo.file(".git/info/grafts", &format!("{edit}\n"));
    assert_eq!(
        repo.git(["rev-list", "--count", "HEAD"]).trim(),
        "1",
        "git applies the graft"
    );
    repo.lancelot(["check", "--range", "HEAD~0"])
        .run()
        .stdout_has(&format!("{ALPHA}: modified"));
}

#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    let repo = frozen_alpha_local();
    for args in [
        &["check", "--staged"][..],
        &["check", "--staged", "--format", "json"][..],
        &["status"][..],
    ] {
        // The reader is gone before lancelot writes a byte: `lancelot … | head -0`.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut command = std::process::Command::new(crate::support::binary());
        crate::support::isolate(&mut command, repo.home());
        let output = command
            .current_dir(repo.path())
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(141), "{args:?}");
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn with_format_json_an_error_is_json_too() {
    let repo = frozen_alpha_local();
    let outcome = repo
        .lancelot([
            "check",
            "--range",
            "no-such-branch..HEAD",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(outcome.stderr.is_empty(), "{}", outcome.stderr);
    let json = outcome.json();
    assert!(
        json["error"].as_str().unwrap().contains("no-such-branch"),
        "{json}"
    );
    assert!(json["causes"].is_array(), "{json}");
    assert!(json["help"].is_string() || json["help"].is_null(), "{json}");
    // In text, the same error goes to stderr.
    let outcome = repo
        .lancelot(["check", "--range", "no-such-branch..HEAD"])
        .run();
    assert_eq!(outcome.code, 2);
    assert!(outcome.stdout.is_empty() && outcome.stderr.contains("error:"));
}

#[test]
fn format_github_annotates_each_changed_document_and_writes_the_job_summary() {
    let repo = frozen_alpha_local();
    let base = repo.rev("HEAD");
    repo.edit_spec("Alpha").commit_all("edit alpha, 100%: done");
    let summary = repo.path().join("summary.md");
    let range = format!("{base}..HEAD");
    let outcome = repo
        .lancelot(["check", "--range", &range, "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .run();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let annotations: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|line| line.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 1, "{}", outcome.stdout);
    let annotation = annotations[0];
    assert!(
        annotation.starts_with(&format!(
            "::error file={ALPHA},title=Frozen document changed::{ALPHA}: modified (frozen: In Progress)"
        )),
        "{annotation}"
    );
    // The message is data: `%` escaped, and no raw line break.
    assert!(annotation.contains("100%25: done"), "{annotation}");
    assert!(
        outcome.stdout.ends_with("lancelot: 1 finding\n"),
        "{}",
        outcome.stdout
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("### lancelot check"), "{written}");
    assert!(written.contains("| File | Finding |"), "{written}");
    // Lint reports the same way; a clean check says so.
    repo.lancelot(["check", "--staged", "--format", "github"])
        .run()
        .success()
        .stdout_has("lancelot: no findings");
}

#[test]
fn a_merge_commit_that_changes_a_frozen_spec_is_refused_by_the_pre_merge_commit_hook() {
    let repo = frozen_alpha_local();
    repo.lancelot(["hook", "install"]).run().success();
    let main = repo.git(["rev-parse", "--abbrev-ref", "HEAD"]);
    // A side branch edits Alpha past its own hook; main moves on meanwhile.
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.edit_spec("Alpha");
    repo.git(["commit", "-q", "-a", "--no-verify", "-m", "edit alpha"]);
    repo.git(["checkout", "-q", main.trim()]);
    repo.file("NOTES.md", "notes\n");
    repo.git(["add", "NOTES.md"]);
    repo.git(["commit", "-q", "-m", "notes"]);
    let before = repo.rev("HEAD");
    let mut command = Command::new("git");
    isolate(&mut command, repo.home());
    let merge = command
        .current_dir(repo.path())
        .args(["merge", "--no-edit", "side"])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "{merge:?}");
    let stderr = String::from_utf8_lossy(&merge.stderr);
    assert!(stderr.contains(&format!("{ALPHA}: modified")), "{stderr}");
    assert_eq!(repo.rev("HEAD"), before, "no merge commit was made");
    // A merge that leaves the frozen spec alone goes through.
    repo.git(["merge", "--abort"]);
    repo.git(["checkout", "-q", "-b", "other", "HEAD~1"]);
    repo.file("OTHER.md", "other\n");
    repo.git(["add", "OTHER.md"]);
    repo.git(["commit", "-q", "-m", "other"]);
    repo.git(["checkout", "-q", main.trim()]);
    repo.git(["merge", "-q", "--no-edit", "other"]);
}

#[test]
fn format_codequality_writes_gitlabs_report() {
    let repo = frozen_alpha_local();
    let base = repo.rev("HEAD");
    repo.edit_spec("Alpha").commit_all("edit alpha");
    let range = format!("{base}..HEAD");
    let report = |repo: &TestRepo| {
        let outcome = repo
            .lancelot(["check", "--range", &range, "--format", "codequality"])
            .run();
        assert_eq!(outcome.code, 1, "{}", outcome.stderr);
        outcome.json()
    };
    let first = report(&repo);
    let issues = first.as_array().unwrap();
    assert_eq!(issues.len(), 1, "{first}");
    let issue = &issues[0];
    for key in ["description", "check_name", "fingerprint", "severity"] {
        assert!(issue[key].is_string(), "{key}: {issue}");
    }
    assert_eq!(issue["location"]["path"], ALPHA);
    assert!(issue["location"]["lines"]["begin"].is_u64(), "{issue}");
    assert!(
        ["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap())
    );
    // The same finding keeps its fingerprint from run to run.
    assert_eq!(report(&repo)[0]["fingerprint"], issue["fingerprint"]);
    // No finding: an empty report.
    let clean = repo
        .lancelot(["check", "--staged", "--format", "codequality"])
        .run()
        .success();
    assert_eq!(clean.json(), serde_json::json!([]));
}

#[test]
fn the_ci_templates_are_valid_yaml_and_wire_the_report() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let gitlab = yaml_rust2::YamlLoader::load_from_str(&read("ci/lancelot.gitlab-ci.yml")).unwrap();
    let job = &gitlab[0]["lancelot-freeze"];
    let script = job["script"][0].as_str().unwrap().trim_end();
    assert!(script.contains("--format codequality"), "{script}");
    assert!(script.contains("$CI_MERGE_REQUEST_DIFF_BASE_SHA...$CI_COMMIT_SHA"));
    let report = job["artifacts"]["reports"]["codequality"].as_str().unwrap();
    assert!(script.ends_with(&format!("> {report}")), "{script}");
    assert_eq!(job["variables"]["GIT_DEPTH"].as_i64(), Some(0));
    let hooks = yaml_rust2::YamlLoader::load_from_str(&read(".pre-commit-hooks.yaml")).unwrap();
    let ids: Vec<&str> = hooks[0]
        .as_vec()
        .unwrap()
        .iter()
        .map(|hook| hook["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["lancelot-freeze", "lancelot-freeze-push", "lancelot-lint"]
    );
    let stages: Vec<&str> = hooks[0][0]["stages"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|stage| stage.as_str().unwrap())
        .collect();
    assert_eq!(stages, ["pre-commit", "pre-merge-commit"]);
}

#[test]
fn the_pre_push_hook_reads_what_the_pre_commit_framework_names() {
    // The framework gives no refs on stdin: PRE_COMMIT_FROM_REF and _TO_REF instead.
    let repo = frozen_alpha_local();
    let from = repo.rev("HEAD");
    repo.file("NOTES.md", "notes\n").commit_all("notes");
    let clean = repo.rev("HEAD");
    let push = |to: &str| {
        repo.lancelot(["hook", "pre-push"])
            .env("PRE_COMMIT_FROM_REF", &from)
            .env("PRE_COMMIT_TO_REF", to)
            .run()
    };
    assert_eq!(push(&clean).code, 0);
    repo.edit_spec("Alpha").commit_all("edit alpha");
    let outcome = push(&repo.rev("HEAD"));
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn quiet_prints_no_report_and_the_exit_status_tells() {
    let repo = frozen_alpha_local();
    let clean = repo.lancelot(["--quiet", "check", "--staged"]).run();
    assert_eq!(clean.code, 0);
    assert!(
        clean.stdout.is_empty() && clean.stderr.is_empty(),
        "{clean:?}"
    );
    repo.edit_spec("Alpha");
    repo.git(["add", ALPHA]);
    let found = repo.lancelot(["check", "--staged", "-q"]).run();
    assert_eq!(found.code, 1);
    assert!(found.stdout.is_empty(), "{}", found.stdout);
    // JSON is for scripts: --quiet leaves it alone. Errors are still said.
    let json = repo
        .lancelot(["-q", "check", "--staged", "--format", "json"])
        .run();
    assert_eq!(json.json()["violations"][0]["path"], ALPHA);
    repo.lancelot(["-q", "check", "--range", "nope..HEAD"])
        .run()
        .refused()
        .stderr_has("error:");
}

#[test]
fn the_staged_check_says_when_there_is_nothing_to_check() {
    // No commit yet: nothing is frozen, and no commit was checked.
    let repo = TestRepo::new();
    repo.file("README.md", "x\n");
    repo.git(["add", "README.md"]);
    let outcome = repo.lancelot(["check", "--staged"]).run().success();
    assert!(
        outcome.stdout.contains("no commit yet, nothing is frozen"),
        "{}",
        outcome.stdout
    );
    assert_eq!(
        repo.lancelot(["check", "--staged", "--format", "json"])
            .run()
            .success()
            .json()["commits_checked"],
        0
    );
    // A bare repository has no index to check.
    let bare = tempfile::tempdir().unwrap();
    let mut init = Command::new("git");
    isolate(&mut init, repo.home());
    assert!(
        init.args(["init", "-q", "--bare"])
            .arg(bare.path())
            .status()
            .unwrap()
            .success()
    );
    repo.lancelot_in(bare.path(), ["check", "--staged"])
        .run()
        .refused()
        .stderr_has("a bare repository has no staged changes");
}

#[test]
fn frozen_says_whether_a_file_may_be_edited_and_why() {
    let repo = crate::support::frozen_alpha_local();
    repo.spec("Beta", "Draft").commit_all("beta");
    let outcome = repo
        .lancelot([
            "frozen",
            "docs/specs/Lancelot_vNext2_Spec_Alpha.md",
            "docs/specs/Lancelot_vNext2_Spec_Beta.md",
            "README.md",
        ])
        .run();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert!(
        lines[0].starts_with("docs/specs/Lancelot_vNext2_Spec_Alpha.md: frozen (In Progress): a commit changing it is refused")
            && lines[0].contains("lancelot new-slice AlphaV2 --depends-on Alpha"),
        "{lines:?}"
    );
    assert_eq!(
        lines[1],
        "docs/specs/Lancelot_vNext2_Spec_Beta.md: may be edited: its status (Draft) is not frozen"
    );
    assert_eq!(
        lines[2],
        "README.md: may be edited: the freeze does not cover this path"
    );
    // From a subfolder, as JSON; a file not yet committed is not frozen.
    repo.spec("Gamma", "In Progress");
    let json = repo
        .lancelot_in(
            &repo.path().join("docs/specs"),
            [
                "frozen",
                "Lancelot_vNext2_Spec_Gamma.md",
                "--format",
                "json",
            ],
        )
        .run()
        .success()
        .json();
    assert_eq!(json[0]["path"], "docs/specs/Lancelot_vNext2_Spec_Gamma.md");
    assert_eq!(json[0]["frozen"], false);
    // What it says is what the pre-commit check does.
    repo.edit_spec("Alpha");
    repo.git(["add", "-A"]);
    assert_eq!(repo.lancelot(["check", "--staged"]).run().code, 1);
}
