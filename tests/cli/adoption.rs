//! Bringing lancelot into repositories that existed before it, shaped like real ones:
//! nothing of theirs lost, nothing rewritten without saying so, and messages that
//! name the real cause.

use crate::support::TestRepo;

/// A repository of enhancement proposals shaped like kubernetes/enhancements: each
/// KEP a folder with a `kep.yaml` whose `status` is the lifecycle.
fn kep_like() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[freeze]\npaths = [\"keps/**/kep.yaml\"]\nfrozen = [\"implemented\"]\ntransitions = [{ from = \"implemented\", to = \"withdrawn\" }]\n",
    )
    .file("keps/sig-node/1234-cgroups/kep.yaml", "title: cgroups\nstatus: implemented\n")
    .file("keps/sig-node/1235-typo/kep.yaml", "title: typo\nstatus: imlpemented\n")
    .file("keps/sig-apps/2000-draft/kep.yaml", "title: no status yet\n")
    .file("keps/sig-apps/2000-draft/README.md", "# notes\n")
    .commit_all("keps");
    repo
}

#[test]
fn doctor_names_documents_the_freeze_cannot_read_with_the_status_they_likely_mean() {
    let repo = kep_like();
    let doctor = repo.lancelot(["doctor"]).run();
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    for expected in [
        "of 3 document(s) under [freeze] paths",
        "keps/sig-node/1235-typo/kep.yaml (`imlpemented`; did you mean `implemented`?)",
        "1 with no status line: keps/sig-apps/2000-draft/kep.yaml",
    ] {
        assert!(
            doctor.stdout.contains(expected),
            "{expected}\n{}",
            doctor.stdout
        );
    }
}

#[test]
fn a_refused_edit_of_a_document_that_is_no_slice_suggests_nothing_that_fails() {
    let repo = kep_like();
    repo.file(
        "keps/sig-node/1234-cgroups/kep.yaml",
        "title: cgroups v2\nstatus: implemented\n",
    )
    .commit_all("edit");
    let outcome = repo.lancelot(["check", "--range", "HEAD~1..HEAD"]).run();
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert!(
        outcome.stdout.contains("lancelot new-slice <Feature>"),
        "{}",
        outcome.stdout
    );
    assert!(
        !outcome.stdout.contains("--depends-on"),
        "{}",
        outcome.stdout
    );
}
