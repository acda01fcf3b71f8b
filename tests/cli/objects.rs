//! Hostile objects: trees that git's fsck rejects, or whose entries a checkout would
//! read otherwise than the freeze, are refused under the frozen paths; the server
//! install turns git's own object checks on.

use std::process::Command;

use crate::support::{ALPHA, accepted, frozen_alpha, refused};
use crate::support::{TestRepo, isolate};

/// Writes a tree object from `(mode, name, id)` entries as given, in that order.
fn raw_tree(repo: &TestRepo, entries: &[(&str, &str, &str)]) -> String {
    let mut bytes = Vec::new();
    for (mode, name, id) in entries {
        bytes.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        let format = if id.len() == 64 {
            git2::ObjectFormat::Sha256
        } else {
            git2::ObjectFormat::Sha1
        };
        bytes.extend_from_slice(git2::Oid::from_str_ext(id, format).unwrap().as_bytes());
    }
    let git = git2::Repository::open(repo.path()).unwrap();
    git.odb()
        .unwrap()
        .write(git2::ObjectType::Tree, &bytes)
        .unwrap()
        .to_string()
}

/// A commit on main whose specs folder holds the frozen Alpha twice: the original
/// first (what a lookup by name finds), an edited copy second (what a checkout
/// writes last).
fn duplicate_entry_commit(repo: &TestRepo) -> String {
    let original = repo.rev(&format!("HEAD:{ALPHA}"));
    repo.edit_spec("Alpha");
    let edited = repo.git(["hash-object", "-w", ALPHA]).trim().to_owned();
    repo.git(["checkout", "-q", "--", ALPHA]);
    let name = "Lancelot_vNext2_Spec_Alpha.md";
    let specs = raw_tree(
        repo,
        &[("100644", name, &original), ("100644", name, &edited)],
    );
    let docs = raw_tree(repo, &[("40000", "specs", &specs)]);
    let readme = repo.rev("HEAD:README.md");
    let root = raw_tree(
        repo,
        &[("100644", "README.md", &readme), ("40000", "docs", &docs)],
    );
    repo.git(["commit-tree", &root, "-p", "HEAD", "-m", "two Alphas"])
        .trim()
        .to_owned()
}

#[test]
fn a_tree_with_two_entries_of_one_name_is_refused() {
    let repo = frozen_alpha();
    let commit = duplicate_entry_commit(&repo);
    // With git's own checks (set by hook install --server), git refuses it first.
    let outcome = refused_by_git(repo.push([format!("{commit}:refs/heads/main")]));
    assert!(outcome.contains("duplicate"), "{outcome}");
    // Without them, the hook refuses it.
    repo.server_config("receive.fsckObjects", "false");
    let outcome = refused(repo.push([format!("{commit}:refs/heads/main")]));
    assert!(
        outcome.stderr.contains(&format!(
            "{ALPHA}: malformed tree: a second entry of the same name"
        )),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_file_turned_folder_out_of_git_order_is_refused() {
    // Before: [Alpha, z, z.x] in git's order. After: `z` a folder, left in the place
    // of the file, so the names keep their order but git's order (`z/` after `z.x`)
    // is broken.
    let repo = frozen_alpha();
    let name = "Lancelot_vNext2_Spec_Alpha.md";
    let blob = repo.rev(&format!("HEAD:{ALPHA}"));
    let readme = repo.rev("HEAD:README.md");
    let files = |z: (&str, &str, &str)| {
        let specs = raw_tree(
            &repo,
            &[("100644", name, &blob), z, ("100644", "z.x", &readme)],
        );
        let docs = raw_tree(&repo, &[("40000", "specs", &specs)]);
        raw_tree(
            &repo,
            &[("100644", "README.md", &readme), ("40000", "docs", &docs)],
        )
    };
    let before = files(("100644", "z", &readme));
    let first = repo
        .git(["commit-tree", &before, "-p", "HEAD", "-m", "z"])
        .trim()
        .to_owned();
    accepted(repo.push([format!("{first}:refs/heads/main")]));
    let inner = raw_tree(&repo, &[("100644", "README.md", &readme)]);
    let after = files(("40000", "z", &inner));
    let second = repo
        .git(["commit-tree", &after, "-p", &first, "-m", "z a folder"])
        .trim()
        .to_owned();
    repo.server_config("receive.fsckObjects", "false");
    let outcome = refused(repo.push([format!("{second}:refs/heads/main")]));
    assert!(
        outcome.stderr.contains("out of git's order"),
        "{}",
        outcome.stderr
    );
}

/// A commit on main whose frozen Alpha is listed with `mode` (same contents).
fn mode_commit(repo: &TestRepo, mode: &str) -> String {
    let blob = repo.rev(&format!("HEAD:{ALPHA}"));
    let specs = raw_tree(repo, &[(mode, "Lancelot_vNext2_Spec_Alpha.md", &blob)]);
    let docs = raw_tree(repo, &[("40000", "specs", &specs)]);
    let readme = repo.rev("HEAD:README.md");
    let root = raw_tree(
        repo,
        &[("100644", "README.md", &readme), ("40000", "docs", &docs)],
    );
    repo.git(["commit-tree", &root, "-p", "HEAD", "-m", "odd mode"])
        .trim()
        .to_owned()
}

#[test]
fn a_file_and_a_folder_of_one_name_are_refused() {
    let repo = frozen_alpha();
    let name = "Lancelot_vNext2_Spec_Alpha.md";
    let blob = repo.rev(&format!("HEAD:{ALPHA}"));
    let readme = repo.rev("HEAD:README.md");
    let inner = raw_tree(&repo, &[("100644", "README.md", &readme)]);
    // git's order puts the folder (`…md/`) after the file (`…md`).
    let specs = raw_tree(&repo, &[("100644", name, &blob), ("40000", name, &inner)]);
    let docs = raw_tree(&repo, &[("40000", "specs", &specs)]);
    let root = raw_tree(
        &repo,
        &[("100644", "README.md", &readme), ("40000", "docs", &docs)],
    );
    let commit = repo
        .git(["commit-tree", &root, "-p", "HEAD", "-m", "a twin folder"])
        .trim()
        .to_owned();
    repo.server_config("receive.fsckObjects", "false");
    let outcome = refused(repo.push([format!("{commit}:refs/heads/main")]));
    assert!(
        outcome.stderr.contains("a second entry of the same name"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_file_mode_git_never_writes_is_refused() {
    // libgit2 reads these as a file; git checks the entry out as a submodule, so the
    // document would vanish from clones and archives. git's fsck only warns.
    for mode in ["140000", "60000", "10000", "100664"] {
        let repo = frozen_alpha();
        let commit = mode_commit(&repo, mode);
        let outcome = refused(repo.push([format!("{commit}:refs/heads/main")]));
        assert!(
            outcome.stderr.contains(&format!(
                "{ALPHA}: malformed tree: the file mode {mode}, which git never writes"
            )),
            "{mode}\n{}",
            outcome.stderr
        );
    }
    // The canonical mode is the neighbour that passes.
    let repo = frozen_alpha();
    let commit = mode_commit(&repo, "100644");
    accepted(repo.push([format!("{commit}:refs/heads/main")]));
}

#[test]
fn names_equal_but_for_case_or_unicode_form_are_refused_under_the_frozen_paths() {
    for twin in [
        "docs/specs/lancelot_vnext2_spec_alpha.md",
        "docs/specs/Lancelot_vNext2_Spec_Alph\u{0061}\u{200b}.md",
        "docs/\u{17f}pecs/Lancelot_vNext2_Spec_Alpha.md",
    ] {
        let repo = frozen_alpha();
        let text = repo.read(ALPHA) + "An edited twin.\n";
        repo.file(twin, &text).commit_all("a twin");
        let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
        assert!(
            outcome.stderr.contains("malformed tree: the same name as")
                && outcome.stderr.contains("Unicode form"),
            "{twin}\n{}",
            outcome.stderr
        );
    }
    // In a folder the commit adds, every name is new: the pair is refused there too.
    let repo = frozen_alpha();
    repo.file("docs/specs/v2/B.md", "# B\n\n**Status:** In Progress\n")
        .file("docs/specs/v2/b.md", "# b\n\n**Status:** Draft\n")
        .commit_all("a case pair in a new folder");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome
            .stderr
            .contains("docs/specs/v2/b.md: malformed tree: the same name as"),
        "{}",
        outcome.stderr
    );
    // The neighbours: another spec beside it, and a case pair outside the frozen paths.
    let repo = frozen_alpha();
    repo.spec("Beta", "Draft").commit_all("beta");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file("readme.md", "lower\n").commit_all("readme twin");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn the_server_install_turns_gits_object_checks_on() {
    let repo = TestRepo::with_server(None);
    let mut command = Command::new("git");
    isolate(&mut command, repo.home());
    let output = command
        .arg("--git-dir")
        .arg(repo.remote())
        .args(["config", "--get", "receive.fsckObjects"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "true");
}

/// Asserts git (not the hook) refused a push; returns its stderr.
#[track_caller]
fn refused_by_git(outcome: crate::support::Outcome) -> String {
    assert_ne!(outcome.code, 0, "accepted:\n{}", outcome.stderr);
    assert!(
        !outcome.stderr.contains("pre-receive hook declined"),
        "{}",
        outcome.stderr
    );
    outcome.stderr
}

#[test]
fn doctor_on_the_server_checks_what_the_hook_relies_on() {
    let repo = TestRepo::with_server(None);
    let remote = repo.remote().display().to_string();
    let doctor = repo.lancelot(["-C", &remote, "doctor"]).run().success();
    for expected in [
        "ok    pre-receive hook: installed, runs this lancelot",
        "ok    receive.fsckObjects: true",
        "ok    rules: from the lancelot.toml of the default branch",
        "ok    limits: 100 parents per commit",
    ] {
        assert!(
            doctor.stdout.contains(expected),
            "{expected}\n{}",
            doctor.stdout
        );
    }
    repo.server_config("receive.fsckObjects", "false");
    let doctor = repo.lancelot(["-C", &remote, "doctor"]).run();
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    assert!(
        doctor.stdout.contains("FAIL  receive.fsckObjects"),
        "{}",
        doctor.stdout
    );
}

#[test]
fn attributes_that_drop_or_rewrite_a_frozen_document_are_refused() {
    for (file, line) in [
        (".gitattributes", "docs/specs/*.md export-ignore"),
        (
            "docs/.gitattributes",
            "specs/Lancelot_vNext2_Spec_Alpha.md export-subst",
        ),
        ("docs/specs/.gitattributes", "*.md filter=rewrite"),
        (".gitattributes", "[attr]hide export-ignore\n*.md hide"),
        (".gitattributes", "Lancelot_vNext2_Spec_Alpha.md ident"),
        (".gitattributes", "docs/specs/ export-ignore"),
        (".gitattributes", "specs export-ignore"),
        ("docs/.gitattributes", "specs export-ignore"),
        // git takes a macro's last definition, the root file's over the built-in one.
        (
            ".gitattributes",
            "[attr]binary export-ignore\ndocs/specs/*.md binary",
        ),
        (
            ".gitattributes",
            "[attr]diff text\n[attr]diff export-ignore\ndocs/specs/*.md diff",
        ),
        // Clones that ignore case (macOS, Windows) match patterns so.
        (
            ".gitattributes",
            "docs/specs/lancelot_vnext2_spec_alpha.MD export-ignore",
        ),
    ] {
        let repo = frozen_alpha();
        repo.file(file, &format!("{line}\n"))
            .commit_all("attributes");
        let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
        assert!(
            outcome
                .stderr
                .contains(&format!("{ALPHA}: attributes changed: {file} gives it")),
            "{line}\n{}",
            outcome.stderr
        );
    }
    // A root macro redefining a harmless name applies to lines already there.
    let repo = frozen_alpha();
    repo.file("docs/specs/.gitattributes", "*.md diff\n")
        .commit_all("diff");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(".gitattributes", "[attr]diff export-ignore\n")
        .commit_all("macro");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!(
            "{ALPHA}: attributes changed: .gitattributes gives it export-ignore set"
        )),
        "{}",
        outcome.stderr
    );
    // A link named .gitattributes: git archive reads its target text as the file.
    let repo = frozen_alpha();
    std::os::unix::fs::symlink(
        "Lancelot_vNext2_Spec_Alpha.md export-ignore",
        repo.path().join("docs/specs/.gitattributes"),
    )
    .unwrap();
    repo.commit_all("a link");
    refused(repo.push(["HEAD:refs/heads/main"]));
    // Taking away an unset that masked a set one sets it.
    let repo = frozen_alpha();
    repo.file(
        ".gitattributes",
        "docs/specs/*.md export-ignore\ndocs/specs/*.md -export-ignore\n",
    )
    .commit_all("masked");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(".gitattributes", "docs/specs/*.md export-ignore\n")
        .commit_all("unmasked");
    refused(repo.push(["HEAD:refs/heads/main"]));
    // An unused root macro is nobody's business.
    let repo = frozen_alpha();
    repo.file(
        ".gitattributes",
        "[attr]lfs filter=lfs diff=lfs merge=lfs -text\n*.png lfs\n",
    )
    .commit_all("lfs");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    // The neighbours: line endings, diffs and linguist hints, other files, and taking
    // an attribute away.
    let repo = frozen_alpha();
    repo.file(
        ".gitattributes",
        "* text=auto eol=lf\n*.md diff=markdown linguist-documentation\nREADME.md export-ignore\ndocs/specs/Lancelot_vNext2_Spec_Alpha.md -export-ignore\n[attr]mine text eol=lf\n",
    )
    .commit_all("harmless attributes");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}
