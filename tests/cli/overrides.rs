//! Break-glass overrides are audited or refused, the pusher is who the server
//! authenticated, and GitLab's web page shows the reason of a refusal.

use crate::support::receipts;
use crate::support::{ALPHA, accepted, frozen_alpha, frozen_alpha_with, refused};

const OVERRIDE: [&str; 3] = [
    "-o",
    "lancelot-override=prod is down (INC-42)",
    "HEAD:refs/heads/main",
];

#[test]
fn an_override_whose_receipt_cannot_be_written_is_refused() {
    let repo = frozen_alpha_with(Some("[freeze]\nallow_override = true\n"));
    repo.edit_spec("Alpha").commit_all("urgent fix");
    // The receipt log cannot be appended to: a folder stands where it should be.
    let log = repo.remote().join("lancelot/receipts.jsonl");
    std::fs::create_dir_all(&log).unwrap();
    let before = repo.remote_refs();
    let outcome = refused(repo.push(OVERRIDE));
    assert!(
        outcome
            .stderr
            .contains("override refused: its receipt could not be written"),
        "{}",
        outcome.stderr
    );
    assert_eq!(repo.remote_refs(), before);

    // The neighbour: with a writable log the same override goes through, recorded.
    std::fs::remove_dir(&log).unwrap();
    accepted(repo.push(OVERRIDE));
    assert_eq!(receipts(&log).last().unwrap()["type"], "check.overridden");
}

#[test]
fn the_pusher_is_not_taken_from_variables_the_pusher_sets() {
    let repo = frozen_alpha_with(Some("[freeze]\nallow_override = true\n"));
    repo.edit_spec("Alpha").commit_all("urgent fix");
    accepted(repo.push_with_env(
        &[
            ("USER", "someone-else"),
            ("LOGNAME", "someone-else"),
            ("GL_USERNAME", "ceo"),
        ],
        OVERRIDE,
    ));
    let receipt = receipts(&repo.remote().join("lancelot/receipts.jsonl"))
        .pop()
        .unwrap();
    let pusher = receipt["pusher"].as_str().unwrap();
    assert!(pusher.starts_with("uid "), "{pusher}");
    assert_eq!(receipt["pusher_source"], "account");
}

/// Sets a git config key of the server repository, as its administrator would.
fn server_git_config(repo: &crate::support::TestRepo, key: &str, value: &str) {
    let server = git2::Repository::open_bare(repo.remote()).unwrap();
    server.config().unwrap().set_str(key, value).unwrap();
}

#[test]
fn a_pusher_variable_counts_only_where_the_administrator_named_it() {
    let repo = frozen_alpha_with(Some(
        "[freeze]\nallow_override = true\noverride_allow = [\"grace\"]\n",
    ));
    repo.edit_spec("Alpha").commit_all("urgent fix");
    // Any of these a pusher sets as easily as USER over a local or SSH transport.
    for variable in ["REMOTE_USER", "GITHUB_USER_LOGIN", "GL_USERNAME"] {
        let outcome = refused(repo.push_with_env(&[(variable, "grace"), ("GL_ID", "1")], OVERRIDE));
        assert!(
            outcome.stderr.contains("may not override here") && outcome.stderr.contains("uid "),
            "{variable}: {}",
            outcome.stderr
        );
    }
    // The pusher's own ~/.gitconfig cannot name one either.
    let global = repo.home().join(".gitconfig");
    std::fs::write(&global, "[lancelot]\n\tpusher = REMOTE_USER\n").unwrap();
    let global = global.display().to_string();
    refused(repo.push_with_env(
        &[("REMOTE_USER", "grace"), ("GIT_CONFIG_GLOBAL", &global)],
        OVERRIDE,
    ));
    // Named by the server's own config: the web server's user counts.
    server_git_config(&repo, "lancelot.pusher", "REMOTE_USER");
    accepted(repo.push_with_env(&[("REMOTE_USER", "grace")], OVERRIDE));
}

#[test]
fn gitlab_pushers_are_named_by_gitlab_and_may_be_limited() {
    let repo = frozen_alpha_with(Some(
        "[freeze]\nallow_override = true\noverride_allow = [\"grace\"]\n",
    ));
    server_git_config(&repo, "lancelot.pusher", "GL_USERNAME");
    repo.edit_spec("Alpha").commit_all("urgent fix");
    let ada = [
        ("GL_ID", "user-7"),
        ("GL_USERNAME", "ada"),
        ("GL_PROTOCOL", "ssh"),
    ];
    let outcome = refused(repo.push_with_env(&ada, OVERRIDE));
    assert!(
        outcome.stderr.contains("ada may not override here"),
        "{}",
        outcome.stderr
    );
    let grace = [("GL_ID", "user-9"), ("GL_USERNAME", "grace")];
    accepted(repo.push_with_env(&grace, OVERRIDE));
    let receipt = receipts(&repo.remote().join("lancelot/receipts.jsonl"))
        .pop()
        .unwrap();
    assert_eq!(
        (
            receipt["pusher"].as_str(),
            receipt["pusher_source"].as_str()
        ),
        (Some("grace"), Some("GL_USERNAME"))
    );
}

#[test]
fn under_gitlab_every_refusal_line_carries_its_marker() {
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("edit");
    let outcome = refused(repo.push_with_env(
        &[("GL_ID", "user-7"), ("GL_USERNAME", "ada")],
        ["HEAD:refs/heads/main"],
    ));
    let lines: Vec<&str> = outcome
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("remote: "))
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line.contains(&format!("{ALPHA}: modified")))
    );
    for line in &lines {
        assert!(
            line.starts_with("GL-HOOK-ERR:"),
            "{line:?}\n{}",
            outcome.stderr
        );
        assert!(
            line.chars().count() <= 120 + "GL-HOOK-ERR: ".len(),
            "{line:?}"
        );
    }

    // Without GitLab the lines are plain.
    let repo = frozen_alpha();
    repo.edit_spec("Alpha").commit_all("edit");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        !outcome.stderr.contains("GL-HOOK-ERR"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn the_local_pre_push_hook_lets_an_override_through_to_the_server() {
    let repo = frozen_alpha_with(Some("[freeze]\nallow_override = true\n"));
    repo.lancelot(["hook", "install", "--pre-push"])
        .run()
        .success();
    repo.edit_spec("Alpha").commit_all("urgent fix");
    let before = repo.remote_refs();
    // Without an override the local hook stops the push before it leaves.
    let stopped_locally = |outcome: crate::support::Outcome| {
        assert_ne!(outcome.code, 0, "{}", outcome.stderr);
        assert!(
            outcome.stderr.contains("failed to push"),
            "{}",
            outcome.stderr
        );
        assert!(!outcome.stderr.contains("remote:"), "{}", outcome.stderr);
        outcome
    };
    stopped_locally(repo.push(["HEAD:refs/heads/main"]));
    // An override without a reason is stopped locally, saying what is missing.
    let outcome = stopped_locally(repo.push(["-o", "lancelot-override=", "HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("an override needs a reason"),
        "{}",
        outcome.stderr
    );
    assert_eq!(repo.remote_refs(), before);
    // With a reason it reaches the server, which judges it and keeps the receipt.
    let outcome = accepted(repo.push(OVERRIDE));
    assert!(
        outcome.stderr.contains(
            "the push asks for an override (prod is down (INC-42)): passed on to the server"
        ),
        "{}",
        outcome.stderr
    );
    let log = repo.remote().join("lancelot/receipts.jsonl");
    assert_eq!(receipts(&log).last().unwrap()["type"], "check.overridden");

    // push.pushOption given with -c works the same way.
    repo.edit_spec("Alpha").commit_all("second urgent fix");
    repo.git([
        "-c",
        "push.pushOption=lancelot-override=INC-43",
        "push",
        "origin",
        "HEAD:refs/heads/main",
    ]);
    assert_eq!(receipts(&log).last().unwrap()["reason"], "INC-43");
}
