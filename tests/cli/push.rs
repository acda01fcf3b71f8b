//! The pre-receive hook, through real pushes with the git client into a bare
//! repository (quarantine on, as git does by default).

use crate::support::{
    ALPHA, Outcome, TestRepo, accepted, frozen_alpha, frozen_alpha_with, receipt_types, receipts,
    refused,
};

/// Pushes HEAD to main and asserts the push is refused and the server unchanged.
#[track_caller]
fn push_refused(repo: &TestRepo, change: &str) -> Outcome {
    let before = repo.remote_refs();
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: {change}")),
        "expected `{change}`:\n{}",
        outcome.stderr
    );
    assert_eq!(
        repo.remote_refs(),
        before,
        "a refused push changed the server"
    );
    outcome
}

#[test]
fn an_edit_is_refused_with_a_way_forward() {
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("fold in an idea");
    let outcome = push_refused(&repo, "modified");
    assert!(
        outcome.stderr.contains("remote: "),
        "messages reach the pusher as remote: lines"
    );
    assert!(
        outcome.stderr.contains("fold in an idea"),
        "the commit subject is named"
    );
    assert!(outcome.stderr.contains("frozen: In Progress"));
    assert!(
        outcome
            .stderr
            .contains("lancelot new-slice AlphaV2 --depends-on Alpha")
    );
    assert!(outcome.stderr.contains("In Progress -> Done"));
}

#[test]
fn deleting_renaming_and_case_renaming_are_refused() {
    let repo = frozen_alpha();
    repo.git(["rm", "-q", ALPHA]);
    repo.commit_all("drop alpha");
    push_refused(&repo, "deleted");

    let repo = frozen_alpha();
    repo.git(["mv", ALPHA, "docs/specs/Lancelot_vNext2_Spec_AlphaOld.md"]);
    repo.commit_all("rename alpha");
    push_refused(&repo, "deleted");

    let repo = frozen_alpha();
    repo.git(["mv", ALPHA, "docs/specs/lancelot_vnext2_spec_alpha.md"]);
    repo.commit_all("case-only rename");
    push_refused(&repo, "deleted");
}

#[test]
fn a_mode_change_is_refused() {
    let repo = frozen_alpha();
    repo.git(["update-index", "--chmod=+x", ALPHA]);
    repo.git(["commit", "-q", "-m", "chmod"]);
    push_refused(&repo, "modified");
}

#[test]
fn swapping_in_a_symlink_or_a_folder_is_refused() {
    let repo = frozen_alpha();
    std::fs::remove_file(repo.path().join(ALPHA)).unwrap();
    std::os::unix::fs::symlink("../../README.md", repo.path().join(ALPHA)).unwrap();
    repo.commit_all("symlink swap");
    push_refused(&repo, "type-changed");

    let repo = frozen_alpha();
    std::fs::remove_file(repo.path().join(ALPHA)).unwrap();
    repo.file(&format!("{ALPHA}/inside.md"), "now a folder\n")
        .commit_all("folder swap");
    push_refused(&repo, "type-changed");
}

#[test]
fn an_edit_reverted_later_in_the_same_push_is_still_refused() {
    let repo = frozen_alpha();
    let original = repo.read(ALPHA);
    repo.edit_spec("Alpha").commit_all("edit");
    repo.file(ALPHA, &original).commit_all("revert the edit");
    push_refused(&repo, "modified");
}

#[test]
fn status_only_transitions_are_accepted() {
    let repo = frozen_alpha();
    repo.set_status("Alpha", "Done").commit_all("alpha done");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    let text = repo.read(ALPHA).replace(
        "- **Status:** Done",
        "- **Status:** Superseded\n- **Superseded by:** [Beta](Lancelot_vNext2_Spec_Beta.md)",
    );
    repo.file(ALPHA, &text).commit_all("alpha superseded");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn a_transition_with_an_edit_is_refused() {
    let repo = frozen_alpha();
    repo.set_status("Alpha", "Done")
        .edit_spec("Alpha")
        .commit_all("done, and one more thing");
    push_refused(&repo, "modified");
}

#[test]
fn going_back_to_draft_is_refused() {
    let repo = frozen_alpha();
    repo.set_status("Alpha", "Draft").commit_all("reopen alpha");
    push_refused(&repo, "modified");
}

#[test]
fn freezing_and_editing_a_draft_in_one_commit_is_accepted() {
    let repo = TestRepo::with_server(None);
    repo.spec("Alpha", "Draft").commit_all("draft");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.set_status("Alpha", "In Progress")
        .edit_spec("Alpha")
        .commit_all("final edits and freeze");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn an_edit_in_a_later_commit_of_the_same_push_is_refused() {
    let repo = TestRepo::with_server(None);
    repo.spec("Alpha", "Draft").commit_all("draft");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.set_status("Alpha", "In Progress").commit_all("freeze");
    repo.file("src/a.py", "x = 1\n").commit_all("work");
    repo.edit_spec("Alpha").commit_all("sneak an edit in");
    let outcome = push_refused(&repo, "modified");
    assert!(outcome.stderr.contains("sneak an edit in"));
    assert!(
        !outcome.stderr.contains("\"work\""),
        "clean commits are not blamed"
    );
}

#[test]
fn a_stale_branch_merged_after_the_freeze_is_refused() {
    let repo = TestRepo::with_server(None);
    repo.spec("Alpha", "Draft").commit_all("draft");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.git(["checkout", "-q", "-b", "stale"]);
    repo.edit_spec("Alpha").commit_all("edit while draft");
    repo.git(["checkout", "-q", "-"]);
    repo.set_status("Alpha", "In Progress").commit_all("freeze");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    // The branch's edit merges cleanly, changing the frozen spec relative to main.
    repo.git(["merge", "-q", "--no-edit", "stale"]);
    push_refused(&repo, "modified");
}

#[test]
fn merging_main_into_a_feature_branch_is_judged_by_its_result() {
    let repo = TestRepo::with_server(None);
    repo.spec("Alpha", "Draft").commit_all("draft");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    let main = repo.git(["branch", "--show-current"]).trim().to_owned();
    repo.git(["checkout", "-q", "-b", "feature"]);
    repo.edit_spec("Alpha")
        .commit_all("feature edits the draft");
    accepted(repo.push(["HEAD:refs/heads/feature"]));
    repo.git(["checkout", "-q", &main]);
    repo.set_status("Alpha", "In Progress")
        .commit_all("freeze on main");
    accepted(repo.push(["HEAD:refs/heads/main"]));

    repo.git(["checkout", "-q", "feature"]);
    // The merge keeps the feature's edit on top of the frozen spec: refused.
    repo.git(["merge", "-q", "--no-edit", "-X", "ours", &main]);
    let outcome = refused(repo.push(["HEAD:refs/heads/feature"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );

    // Resolving the merge to main's frozen text is accepted.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(["merge", "-q", "--no-commit", &main]);
    repo.git(["checkout", &main, "--", ALPHA]);
    repo.git(["commit", "-q", "--no-edit"]);
    assert_eq!(
        repo.git(["show", &format!("{main}:{ALPHA}")]),
        repo.read(ALPHA)
    );
    accepted(repo.push(["HEAD:refs/heads/feature"]));
}

#[test]
fn tags_light_and_annotated_are_checked() {
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("edit");
    repo.git(["tag", "light"]);
    repo.git(["tag", "-a", "-m", "annotated", "annotated"]);
    refused(repo.push(["refs/tags/light"]));
    refused(repo.push(["refs/tags/annotated"]));
    assert!(!repo.remote_refs().contains("refs/tags"));

    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(["tag", "-a", "-m", "release", "v1"]);
    repo.git(["tag", "good"]);
    accepted(repo.push(["refs/tags/v1", "refs/tags/good"]));
}

#[test]
fn new_branches_are_checked_and_known_commits_are_not_checked_again() {
    let repo = frozen_alpha();
    accepted(repo.push(["HEAD:refs/heads/copy"]));
    repo.edit_spec("Alpha").commit_all("edit on a new branch");
    refused(repo.push(["HEAD:refs/heads/topic"]));
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.file("src/x.py", "x = 1\n").commit_all("clean work");
    accepted(repo.push(["HEAD:refs/heads/topic"]));
}

#[test]
fn deletions_pass() {
    let repo = frozen_alpha();
    accepted(repo.push(["HEAD:refs/heads/doomed"]));
    accepted(repo.push([":refs/heads/doomed"]));
    assert!(!repo.remote_refs().contains("doomed"));
}

#[test]
fn a_force_push_of_an_edit_is_refused() {
    let repo = frozen_alpha();
    repo.file("src/a.py", "a = 1\n").commit_all("clean work");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.edit_spec("Alpha");
    repo.git(["commit", "-q", "-a", "--amend", "-m", "rewritten work"]);
    let outcome = refused(repo.push(["--force", "HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("rewritten work"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn crlf_documents_follow_the_same_rule() {
    let repo = TestRepo::with_server(None);
    let crlf = |status: &str, extra: &str| {
        format!("# Alpha\r\n\r\n**Status:** {status}\r\n\r\nBody.\r\n{extra}")
    };
    repo.file(ALPHA, &crlf("In Progress", ""))
        .commit_all("frozen, CRLF");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(ALPHA, &crlf("Done", "")).commit_all("done, CRLF");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(ALPHA, &crlf("Done", "More.\r\n"))
        .commit_all("edit, CRLF");
    push_refused(&repo, "modified");
}

#[test]
fn documents_in_nested_folders_are_frozen() {
    let repo = TestRepo::with_server(None);
    let nested = "docs/blueprints/platform/ingest/Lancelot_vNext2_Blueprint_Ingest.md";
    repo.file(nested, "- status: in-progress\n\nSteps.\n")
        .commit_all("nested blueprint");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(nested, "- status: in-progress\n\nSteps, changed.\n")
        .commit_all("edit nested");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{nested}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn weakening_the_config_in_the_same_push_does_not_help() {
    let repo = frozen_alpha();
    repo.file(
        "lancelot.toml",
        "[freeze]\nfrozen = [\"Nothing\"]\npaths = [\"nowhere/**\"]\n",
    )
    .commit_all("relax the freeze");
    repo.edit_spec("Alpha").commit_all("now edit");
    push_refused(&repo, "modified");
}

#[test]
fn the_committed_config_of_the_server_head_is_in_force() {
    let repo = TestRepo::with_server(None);
    repo.file("lancelot.toml", "[freeze]\npaths = [\"design/**\"]\n")
        .file("design/Plan.md", "Status: In Progress\n")
        .spec("Alpha", "In Progress")
        .commit_all("custom freeze paths");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.edit_spec("Alpha")
        .commit_all("docs/specs is not frozen here");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file("design/Plan.md", "Status: In Progress\nmore\n")
        .commit_all("edit design");
    refused(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn every_refusal_is_recorded_as_a_receipt() {
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("edit");
    push_refused(&repo, "modified");
    let receipts = receipts(&repo.remote().join("lancelot/receipts.jsonl"));
    let receipt = receipts.last().unwrap();
    assert_eq!(receipt["type"], "check.refused");
    assert_eq!(receipt["refs"][0], "refs/heads/main");
    assert_eq!(receipt["violations"][0]["path"], ALPHA);
    assert_eq!(receipt["violations"][0]["commit"], repo.rev("HEAD"));
    assert!(receipt["at"].as_str().unwrap().starts_with("2026-03-01T"));
}

#[test]
fn overrides_are_refused_unless_enabled() {
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("urgent fix");
    let outcome = refused(repo.push([
        "-o",
        "lancelot-override=prod is down",
        "HEAD:refs/heads/main",
    ]));
    assert!(
        outcome.stderr.contains("overrides are disabled"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn an_enabled_override_lets_the_push_through_and_is_recorded() {
    let repo = frozen_alpha_with(Some("[freeze]\nallow_override = true\n"));
    repo.edit_spec("Alpha").commit_all("urgent fix");
    let outcome = refused(repo.push(["-o", "lancelot-override=", "HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("an override needs a reason"),
        "{}",
        outcome.stderr
    );

    let outcome = accepted(repo.push([
        "-o",
        "lancelot-override=prod is down (INC-42)",
        "HEAD:refs/heads/main",
    ]));
    assert!(outcome.stderr.contains("OVERRIDE"), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("prod is down (INC-42)"));
    assert_eq!(
        repo.remote_refs()
            .lines()
            .next()
            .unwrap()
            .split(' ')
            .next()
            .unwrap(),
        repo.rev("HEAD")
    );
    let log = repo.remote().join("lancelot/receipts.jsonl");
    assert_eq!(receipt_types(&log), ["check.refused", "check.overridden"]);
    let last = receipts(&log).pop().unwrap();
    assert_eq!(last["reason"], "prod is down (INC-42)");
    assert!(last["pusher"].is_string());
}

#[test]
fn the_hook_fails_closed_on_bad_input_and_missing_objects() {
    let repo = frozen_alpha();
    let hook = |input: &str| {
        let mut command = std::process::Command::new(crate::support::binary());
        crate::support::isolate(&mut command, repo.home());
        command
            .env("GIT_DIR", repo.remote())
            .args(["hook", "pre-receive"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Outcome::from(child.wait_with_output().unwrap())
    };
    let zero = "0".repeat(40);
    let head = repo.rev("HEAD");
    let missing = "ab".repeat(20);
    for input in [
        "garbage\n".to_owned(),
        format!("{zero} {head}\n"),
        format!("{zero} not-an-id refs/heads/x\n"),
        format!("{head} {missing} refs/heads/main\n"),
    ] {
        let outcome = hook(&input);
        assert_ne!(outcome.code, 0, "accepted {input:?}");
        assert!(
            outcome.stderr.contains("push refused"),
            "{input:?}: {}",
            outcome.stderr
        );
    }
    assert_eq!(hook("").code, 0, "no updates, nothing to refuse");
    assert_eq!(
        hook(&format!("{head} {zero} refs/heads/topic\n")).code,
        0,
        "deletions of other branches than the default pass"
    );
}

#[test]
fn a_push_that_would_break_the_configuration_is_refused() {
    let repo = frozen_alpha();
    repo.file("lancelot.toml", "[freeze]\npathz = []\n")
        .commit_all("typo in the config");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(outcome.stderr.contains("pathz"), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("could not run"),
        "{}",
        outcome.stderr
    );
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.file(
        "lancelot.toml",
        "[freeze]\nfrozen = [\"In Progress\", \"Done\", \"Superseded\", \"Approved\"]\n",
    )
    .commit_all("valid config, freezing Approved too");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn ref_names_that_are_not_utf8_are_judged_like_any_other() {
    use std::os::unix::ffi::OsStrExt;
    let repo = frozen_alpha();
    let odd = std::ffi::OsStr::from_bytes(b"HEAD:refs/heads/caf\xe9-latin1");
    repo.file("notes.txt", "fine\n").commit_all("notes");
    accepted(repo.push([odd]));
    repo.edit_spec("Alpha").commit_all("edit on an odd branch");
    let outcome = refused(repo.push([odd]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn the_follow_up_named_is_one_that_does_not_exist_yet() {
    let repo = frozen_alpha();
    repo.spec("AlphaV2", "In Progress")
        .commit_all("a first follow-up");
    repo.push(["main"]);
    // Alpha edited: AlphaV2 exists, so AlphaV3 is suggested, on the server and locally.
    repo.edit_spec("Alpha").commit_all("fold in an idea");
    let outcome = push_refused(&repo, "modified");
    assert!(
        outcome
            .stderr
            .contains("lancelot new-slice AlphaV3 --depends-on Alpha"),
        "{}",
        outcome.stderr
    );
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    // AlphaV2 edited: its follow-up is AlphaV3 (not AlphaV2V2), building on AlphaV2.
    repo.edit_spec("AlphaV2");
    repo.git(["add", "-A"]);
    repo.lancelot(["check", "--staged"])
        .run()
        .stdout_has("lancelot new-slice AlphaV3 --depends-on AlphaV2");
}

#[test]
fn a_refused_push_says_how_to_take_the_edit_back_out() {
    let repo = frozen_alpha();
    let base = repo.rev("HEAD");
    repo.edit_spec("Alpha").commit_all("first edit");
    let first = repo.rev("HEAD");
    repo.edit_spec("Alpha").commit_all("second edit");
    let outcome = push_refused(&repo, "modified");
    let hint = format!("git rebase -i {}~1, then edit or drop", &first[..10]);
    assert!(outcome.stderr.contains(&hint), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("does not help"),
        "{}",
        outcome.stderr
    );

    // It does not: reverting both edits leaves them in the history judged.
    repo.git(["revert", "--no-edit", "HEAD", "HEAD~1"]);
    assert_eq!(repo.read(&crate::support::spec_path("Alpha")), {
        repo.git([
            "show",
            &format!("{base}:{}", crate::support::spec_path("Alpha")),
        ])
    });
    push_refused(&repo, "modified");
    // Taking the commits out, as the hint says, lets the push through.
    repo.git(["reset", "-q", "--hard", &base]);
    repo.file("notes.txt", "other work\n")
        .commit_all("other work");
    assert_eq!(repo.push(["HEAD:refs/heads/main"]).code, 0);

    // Staged, the hint names the path to take out of the index.
    repo.edit_spec("Alpha");
    repo.git(["add", "-A"]);
    repo.lancelot(["check", "--staged"])
        .run()
        .stdout_has("git restore --staged docs/specs/Lancelot_vNext2_Spec_Alpha.md");
}
