//! The documents a walk reads come from gitoxide's object store where it finds them
//! and from libgit2 otherwise: every object reads as libgit2 reads it, in packs
//! (deltified deep), loose, borrowed through alternates, in either object format;
//! and a push whose objects stay in the quarantine, loose or packed, is judged on
//! them.

use std::path::Path;

use lancelot::freeze::blobs::Blobs;

use crate::support::{
    TestRepo, accepted, edit_refused_then_done_accepted, frozen_alpha, refused, spec_path,
    spec_text,
};

/// A repository with many versions of one document, packed so that most are deltas
/// on others, then more versions left loose.
fn packed_history() -> TestRepo {
    let repo = TestRepo::new();
    let mut text = String::from("Title: Versions\nStatus: Draft\n\n");
    for version in 0..60 {
        text.push_str(&format!(
            "Paragraph {version}: {}\n",
            "words ".repeat(version)
        ));
        if version % 7 == 0 {
            text = text.replacen("Paragraph", "Section", 1);
        }
        repo.file("doc.md", &text)
            .file("other.txt", &format!("other {version}\n"))
            .commit_all(&format!("version {version}"));
    }
    repo.git(["gc", "-q", "--aggressive"]);
    for version in 60..64 {
        text.push_str(&format!("Loose {version}\n"));
        repo.file("doc.md", &text).commit_all("loose");
    }
    repo
}

/// Every object git lists in the repository at `dir` (alternates included): (id,
/// type, delta base).
fn objects(repo: &TestRepo, dir: &Path) -> Vec<(String, String, String)> {
    repo.git([
        "-C",
        &dir.display().to_string(),
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objectname) %(objecttype) %(deltabase)",
    ])
    .lines()
    .map(|line| {
        let mut fields = line.split(' ').map(str::to_owned);
        let mut next = || fields.next().unwrap();
        (next(), next(), next())
    })
    .collect()
}

/// Reads every one of `objects` of the repository at `dir` through [`Blobs`], on two
/// handles, and compares with libgit2: the same size, the same bytes of every blob,
/// an error for every other kind and for an object that is not there.
fn assert_reads_as_libgit2(dir: &Path, objects: &[(String, String, String)]) {
    let repo = git2::Repository::open(dir).unwrap();
    let odb = repo.odb().unwrap();
    let mut blobs = Blobs::default();
    let mut other_thread = blobs.for_thread(&repo);
    for (id, kind, _) in objects {
        let oid = git2::Oid::from_str_ext(id, repo.object_format()).unwrap();
        let expected = odb.read(oid).unwrap();
        assert_eq!(
            blobs.size(&repo, oid).unwrap(),
            expected.len() as u64,
            "{kind} {id}"
        );
        if kind == "blob" {
            assert_eq!(&*blobs.read(&repo, oid).unwrap(), expected.data(), "{id}");
            assert_eq!(&*other_thread.read(&repo, oid).unwrap(), expected.data());
        } else {
            assert!(
                blobs.read(&repo, oid).is_err(),
                "{kind} {id} read as a blob"
            );
        }
    }
    let absent = git2::Oid::hash_object_ext(
        git2::ObjectType::Blob,
        b"never written",
        repo.object_format(),
    )
    .unwrap();
    assert!(blobs.size(&repo, absent).is_err());
    assert!(blobs.read(&repo, absent).is_err());
}

#[test]
fn every_object_of_a_packed_and_loose_history_reads_as_libgit2_reads_it() {
    let repo = packed_history();
    let all = objects(&repo, repo.path());
    let deltas = all
        .iter()
        .filter(|(_, kind, base)| kind == "blob" && !base.trim_start_matches('0').is_empty())
        .count();
    assert!(deltas > 40, "the pack holds only {deltas} blob deltas");
    assert!(all.len() > 250, "{} objects", all.len());
    assert_reads_as_libgit2(repo.path(), &all);
}

#[test]
fn objects_borrowed_through_alternates_read_as_libgit2_reads_them() {
    let origin = packed_history();
    let borrower = tempfile::tempdir().unwrap();
    let path = borrower.path().join("clone");
    origin.git([
        "clone",
        "-q",
        "--shared",
        &origin.path().display().to_string(),
        &path.display().to_string(),
    ]);
    std::fs::write(path.join("own.txt"), "only in the borrower\n").unwrap();
    let clone = path.display().to_string();
    origin.git(["-C", &clone, "add", "own.txt"]);
    origin.git(["-C", &clone, "commit", "-q", "-m", "own"]);
    let all = objects(&origin, &path);
    let own = origin.git(["-C", &clone, "rev-parse", "HEAD:own.txt"]);
    assert!(all.iter().any(|(id, _, _)| *id == own.trim()));
    assert!(all.len() > 250, "the alternates were not listed");
    assert_reads_as_libgit2(&path, &all);
}

/// A server that keeps every push as a pack (`receive.unpackLimit 1`): the pushed
/// objects are in the quarantine's pack while the hook runs.
fn frozen_alpha_keeping_packs() -> TestRepo {
    let repo = frozen_alpha();
    repo.server_config("receive.unpackLimit", "1");
    repo
}

#[test]
fn a_push_kept_as_a_pack_in_the_quarantine_is_judged_on_its_objects() {
    let repo = frozen_alpha_keeping_packs();
    edit_refused_then_done_accepted(&repo);
    // The accepted pack is the repository's own now: the next push's old document is
    // read there, its new one in the quarantine.
    repo.edit_spec("Alpha").commit_all("edit when done");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(outcome.stderr.contains("modified"), "{}", outcome.stderr);
}

#[test]
fn a_push_of_loose_objects_in_the_quarantine_is_judged_on_them() {
    let repo = frozen_alpha();
    repo.set_status("Alpha", "Done").commit_all("done");
    repo.edit_spec("Alpha").commit_all("and edited");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(outcome.stderr.contains("modified"), "{}", outcome.stderr);
}

#[test]
fn a_text_over_the_document_limit_in_the_repository_is_never_read() {
    // Its size is read from the server's own objects, without inflating it: a text
    // over 32 MiB is no document, whatever status it writes.
    let repo = frozen_alpha();
    let huge = spec_text("Bravo", "In Progress") + &"a".repeat(33 << 20);
    repo.file(&spec_path("Bravo"), &huge).commit_all("huge");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(&spec_path("Bravo"), &(huge + "more"))
        .commit_all("edit it");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    // The same text within the limit is frozen.
    repo.file(&spec_path("Bravo"), &spec_text("Bravo", "In Progress"))
        .commit_all("small");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.edit_spec("Bravo").commit_all("edit the small one");
    refused(repo.push(["HEAD:refs/heads/main"]));
}
