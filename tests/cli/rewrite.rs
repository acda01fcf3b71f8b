//! The freeze against a hostile pusher, at the level of ref updates: rewritten
//! histories are judged tip against tip, refs a forge writes are not trusted, replace
//! refs and the deletion of the default branch are refused. Each refusal has its
//! legitimate neighbour, which is accepted.

use std::process::Command;

use crate::support::{ALPHA, accepted, frozen_alpha, refused};
use crate::support::{TestRepo, isolate};

/// Runs git against the server's bare repository, as the forge itself would.
fn server_git(repo: &TestRepo, args: &[&str]) -> String {
    let mut command = Command::new("git");
    isolate(&mut command, repo.home());
    let output = command
        .arg("--git-dir")
        .arg(repo.remote())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn replacing_main_with_a_new_root_is_judged_against_the_old_tip() {
    let repo = frozen_alpha();
    repo.git(["checkout", "-q", "--orphan", "fresh"]);
    repo.edit_spec("Alpha").commit_all("a fresh start");
    let outcome = refused(repo.push(["--force", "HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("refs/heads/main rewritten from"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );

    // The neighbour: a new root that keeps every frozen document as it was.
    let repo = frozen_alpha();
    repo.git(["checkout", "-q", "--orphan", "fresh"]);
    repo.file("NOTICE", "squashed history\n")
        .commit_all("squash");
    accepted(repo.push(["--force", "HEAD:refs/heads/main"]));
}

#[test]
fn rewinding_main_to_before_the_freeze_is_refused() {
    let repo = frozen_alpha();
    let outcome = refused(repo.push(["--force", "HEAD~1:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_new_commit_on_a_base_from_before_the_freeze_is_refused() {
    let repo = frozen_alpha();
    repo.git(["checkout", "-q", "-b", "old", "HEAD~1"]);
    repo.edit_spec("Alpha").commit_all("edit the draft instead");
    refused(repo.push(["--force", "HEAD:refs/heads/main"]));
}

#[test]
fn a_force_push_that_only_moves_a_status_along_a_transition_is_accepted() {
    let repo = frozen_alpha();
    repo.file("notes.txt", "x\n").commit_all("notes");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.set_status("Alpha", "Done").commit_all("alpha done");
    accepted(repo.push(["--force", "HEAD:refs/heads/main"]));
}

#[test]
fn a_commit_the_forge_stored_under_its_own_ref_is_still_judged() {
    let repo = frozen_alpha();
    repo.git(["checkout", "-q", "-b", "fork"]);
    repo.edit_spec("Alpha").commit_all("edit from a fork");
    let edit = repo.rev("HEAD");
    // A merge request from a fork: the forge fetches its head into a ref of its own,
    // with no pre-receive hook involved.
    let local = repo.path().display().to_string();
    for forge_ref in [
        "refs/merge-requests/7/head",
        "refs/pull/7/head",
        "refs/keep-around/x",
    ] {
        server_git(
            &repo,
            &["fetch", "-q", &local, &format!("{edit}:{forge_ref}")],
        );
    }
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("edit from a fork"),
        "{}",
        outcome.stderr
    );

    // The neighbour: a commit already on a branch of the server is not checked again.
    let repo = frozen_alpha();
    repo.git(["checkout", "-q", "-b", "topic"]);
    repo.file("notes.txt", "x\n").commit_all("notes");
    accepted(repo.push(["HEAD:refs/heads/topic"]));
    let outcome = accepted(repo.push(["HEAD:refs/heads/main"]));
    assert!(!outcome.stderr.contains("lancelot"), "{}", outcome.stderr);
}

#[test]
fn replace_refs_are_refused_and_their_deletion_is_not() {
    let repo = frozen_alpha();
    let frozen_blob = repo.rev(&format!("HEAD:{ALPHA}"));
    let edited = {
        let mut command = Command::new("git");
        isolate(&mut command, repo.home());
        let output =
            command
                .current_dir(repo.path())
                .args(["hash-object", "-w", "--stdin"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    use std::io::Write;
                    child.stdin.take().unwrap().write_all(
                        b"# Alpha\n\n- **Status:** In Progress\n\nSilently replaced.\n",
                    )?;
                    child.wait_with_output()
                })
                .unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    repo.git(["replace", &frozen_blob, &edited]);
    let replace_ref = format!("refs/replace/{frozen_blob}");
    let outcome = refused(repo.push([format!("{replace_ref}:{replace_ref}")]));
    assert!(
        outcome
            .stderr
            .contains(&format!("{replace_ref}: a replace ref")),
        "{}",
        outcome.stderr
    );
    assert!(!repo.remote_refs().contains("refs/replace/"));

    // A replace ref the forge already had can be deleted.
    let local = repo.path().display().to_string();
    server_git(
        &repo,
        &[
            "fetch",
            "-q",
            &local,
            &format!("{replace_ref}:{replace_ref}"),
        ],
    );
    accepted(repo.push([format!(":{replace_ref}")]));
}

#[test]
fn deleting_the_default_branch_is_refused_and_other_branches_are_not() {
    let repo = frozen_alpha();
    accepted(repo.push(["HEAD:refs/heads/topic"]));
    accepted(repo.push([":refs/heads/topic"]));
    let outcome = refused(repo.push([":refs/heads/main"]));
    assert!(
        outcome
            .stderr
            .contains("refs/heads/main: deleting the default branch is refused"),
        "{}",
        outcome.stderr
    );
    assert!(repo.remote_refs().contains("refs/heads/main"));
}

#[test]
fn a_push_that_weakens_the_rules_in_force_is_refused_and_tightening_is_not() {
    let repo = frozen_alpha();
    let before = repo.remote_refs();
    repo.file(
        "lancelot.toml",
        "[freeze]\npaths = [\"docs/specs/**\"]\nallow_override = true\n",
    )
    .commit_all("simplify the rules");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    for expected in [
        "refs/heads/main: weakens the freeze rules in force, refused",
        "stops freezing `docs/blueprints/**`",
        "turns overrides on",
    ] {
        assert!(
            outcome.stderr.contains(expected),
            "{expected}\n{}",
            outcome.stderr
        );
    }
    assert_eq!(repo.remote_refs(), before);

    // Tightening is accepted; deleting the file afterwards falls back to weaker defaults.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.file(
        "lancelot.toml",
        "[freeze]\npaths = [\"docs/specs/**\", \"docs/blueprints/**\", \"docs/adr/**\"]\n",
    )
    .commit_all("freeze the ADRs too");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.git(["rm", "-q", "lancelot.toml"]);
    repo.commit_all("drop the rules file");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains("stops freezing `docs/adr/**`"),
        "{}",
        outcome.stderr
    );

    // A branch that is not the default one does not change the rules in force.
    accepted(repo.push(["HEAD:refs/heads/experiment"]));
}

#[test]
fn with_a_server_side_file_the_repositorys_rules_file_is_not_in_force() {
    let repo = crate::support::frozen_alpha_with(Some("[freeze]\n"));
    repo.file("lancelot.toml", "[freeze]\npaths = []\n")
        .commit_all("no rules in the repository");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    // ... and the server's own rules still hold.
    repo.edit_spec("Alpha").commit_all("edit");
    refused(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn a_ref_deleted_and_pushed_again_is_judged_against_the_default_branch() {
    let repo = frozen_alpha();
    accepted(repo.push(["HEAD:refs/heads/release-1", "HEAD:refs/tags/v1.0"]));
    repo.git(["checkout", "-q", "--orphan", "evil"]);
    repo.edit_spec("Alpha")
        .commit_all("a root with an edited Alpha");
    refused(repo.push(["--force", "HEAD:refs/tags/v1.0"]));
    // Deleting the tag and the branch is allowed; pushing them again is judged.
    accepted(repo.push([":refs/tags/v1.0", ":refs/heads/release-1"]));
    let outcome = refused(repo.push(["HEAD:refs/tags/v1.0", "HEAD:refs/heads/release-1"]));
    assert!(
        outcome
            .stderr
            .contains("refs/tags/v1.0, refs/heads/release-1 at "),
        "{}",
        outcome.stderr
    );
    assert_eq!(
        outcome
            .stderr
            .matches(&format!("{ALPHA}: modified"))
            .count(),
        1,
        "{}",
        outcome.stderr
    );
    // A brand-new branch holding the edited Alpha is the same contradiction.
    refused(repo.push(["HEAD:refs/heads/evil"]));
}

#[test]
fn a_new_ref_showing_an_edited_frozen_document_through_a_link_is_refused() {
    let repo = frozen_alpha();
    let frozen = repo.read(ALPHA);
    let branch = repo.git(["rev-parse", "--abbrev-ref", "HEAD"]);
    let edited = repo
        .read(ALPHA)
        .replace("Status:** In Progress", "Status:** In Progress\n\nEdited.");
    let name = ALPHA.rsplit('/').next().unwrap();
    // The document a link to a copy elsewhere; then its whole folder a link.
    for (link, target) in [
        (ALPHA.to_owned(), format!("../../other/{name}")),
        ("docs/specs".to_owned(), "../other".to_owned()),
    ] {
        repo.git(["checkout", "-q", "--orphan", "side"]);
        repo.git(["rm", "-q", "-r", "--cached", "."]);
        repo.git(["clean", "-q", "-fdx"]);
        repo.file(&format!("other/{name}"), &edited);
        std::fs::create_dir_all(repo.path().join(&link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, repo.path().join(&link)).unwrap();
        repo.commit_all("a link to an edited copy");
        let outcome = refused(repo.push(["HEAD:refs/heads/side"]));
        assert!(
            outcome.stderr.contains(&format!("{ALPHA}: modified")),
            "{link}\n{}",
            outcome.stderr
        );
        // A link to the frozen text itself contradicts nothing.
        repo.file(&format!("other/{name}"), &frozen);
        repo.commit_all("the frozen text");
        accepted(repo.push(["HEAD:refs/heads/side"]));
        repo.push([":refs/heads/side"]);
        repo.git(["checkout", "-q", "-f", branch.trim()]);
        repo.git(["branch", "-q", "-D", "side"]);
    }
}

#[test]
fn new_refs_from_other_lines_of_history_are_accepted() {
    let repo = frozen_alpha();
    // A tag on a commit from before the freeze, and a branch growing from it: Alpha
    // is a Draft there, edited or not.
    accepted(repo.push(["HEAD~1:refs/tags/v0.9"]));
    repo.git(["checkout", "-q", "-b", "old-line", "HEAD~1"]);
    repo.edit_spec("Alpha")
        .commit_all("edit the draft on an old line");
    accepted(repo.push(["HEAD:refs/heads/old-line"]));
    // A branch from before a transition: Alpha In Progress there, Done on main.
    repo.git(["checkout", "-q", "main"]);
    repo.git(["checkout", "-q", "-b", "before-done"]);
    repo.file("NOTES.md", "work\n").commit_all("unrelated work");
    repo.git(["checkout", "-q", "main"]);
    repo.set_status("Alpha", "Done").commit_all("alpha done");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.git(["checkout", "-q", "before-done"]);
    accepted(repo.push(["HEAD:refs/heads/before-done"]));
    // A root that leaves the frozen documents out holds none of them.
    repo.git(["checkout", "-q", "--orphan", "pages"]);
    repo.git(["rm", "-q", "-r", "--cached", "."]);
    repo.git(["clean", "-q", "-fdx"]);
    repo.file("index.html", "site\n").commit_all("pages");
    accepted(repo.push(["HEAD:refs/heads/gh-pages"]));
}

#[test]
fn moving_a_ref_onto_a_contradicting_history_is_judged_against_the_default_branch() {
    // A branch without the document first, then the edited document on it.
    let repo = frozen_alpha();
    repo.git(["checkout", "-q", "--orphan", "x"]);
    repo.git(["rm", "-q", "-r", "--cached", "."]);
    repo.git(["clean", "-q", "-fdx"]);
    repo.file("README", "hi\n").commit_all("unrelated root");
    accepted(repo.push(["HEAD:refs/heads/x"]));
    let alpha = crate::support::spec_text("Alpha", "In Progress") + "An edited body.\n";
    repo.file(ALPHA, &alpha)
        .commit_all("the frozen spec, edited");
    let outcome = refused(repo.push(["HEAD:refs/heads/x"]));
    assert!(
        outcome.stderr.contains("refs/heads/x at "),
        "{}",
        outcome.stderr
    );
    // A tag that first names a blob, then a commit with the edited document.
    let blob = repo.git(["hash-object", "-w", "README"]).trim().to_owned();
    accepted(repo.push([format!("{blob}:refs/tags/v1")]));
    refused(repo.push(["--force", "HEAD:refs/tags/v1"]));
    // The neighbour: moving the branch along without the frozen document.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.file("NOTES", "more\n").commit_all("more");
    accepted(repo.push(["HEAD:refs/heads/x"]));
}

#[test]
fn a_server_whose_head_names_a_missing_branch_refuses_until_it_is_fixed() {
    let repo = frozen_alpha();
    server_git(&repo, &["symbolic-ref", "HEAD", "refs/heads/master"]);
    repo.git(["checkout", "-q", "--orphan", "evil"]);
    repo.edit_spec("Alpha").commit_all("an edited root");
    let outcome = refused(repo.push(["HEAD:refs/heads/evil"]));
    assert!(
        outcome
            .stderr
            .contains("HEAD names refs/heads/master, which does not exist"),
        "{}",
        outcome.stderr
    );
    let doctor = crate::support::Run::from_command({
        let mut command = Command::new(crate::support::binary());
        isolate(&mut command, repo.home());
        command.arg("-C").arg(repo.remote()).arg("doctor");
        command
    })
    .run();
    assert!(
        doctor.stdout.contains("FAIL  default branch"),
        "{}",
        doctor.stdout
    );
    // Fixed on the server, the same push is judged (and refused for what it is).
    server_git(&repo, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    let outcome = refused(repo.push(["HEAD:refs/heads/evil"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_push_through_an_alias_of_the_default_branch_is_judged_as_the_default_branch() {
    let repo = frozen_alpha();
    // The alias a server keeps after renaming master to main.
    server_git(
        &repo,
        &["symbolic-ref", "refs/heads/master", "refs/heads/main"],
    );
    let before = repo.remote_refs();
    repo.file("lancelot.toml", "[freeze]\nfrozen = [\"Nothing\"]\n")
        .commit_all("weaken");
    let outcome = refused(repo.push(["HEAD:refs/heads/master"]));
    assert!(
        outcome
            .stderr
            .contains("refs/heads/main: weakens the freeze rules in force, refused"),
        "{}",
        outcome.stderr
    );
    let outcome = refused(repo.push([":refs/heads/master"]));
    assert!(
        outcome.stderr.contains("refs/heads/main"),
        "{}",
        outcome.stderr
    );
    assert_eq!(repo.remote_refs(), before);
    // Through the alias, an ordinary change lands on main.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.file("NOTES.md", "notes\n").commit_all("notes");
    accepted(repo.push(["HEAD:refs/heads/master"]));
    assert_eq!(
        server_git(&repo, &["rev-parse", "refs/heads/main"]).trim(),
        repo.rev("HEAD")
    );
}
