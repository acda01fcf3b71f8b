//! lancelot's index reader against the index files git writes: every version (2, 3
//! and 4), both object formats, every kind of entry (executable, symbolic link,
//! submodule, skip-worktree, intent-to-add, a path longer than the 12-bit length
//! field, a name that is not UTF-8, a conflict) and the extensions git adds (cache
//! tree, resolve-undo, untracked cache, end of index, offset table). The entries it
//! reads must be those `git ls-files --stage` lists and libgit2 reads; the staged
//! check must judge alike whatever the index looks like, including the split and
//! sparse indexes left to libgit2.

use std::io::Write;
use std::process::{Command, Stdio};

use git2::ObjectFormat;
use lancelot::freeze::index::{self, Entry, IndexError};

use crate::support::{ALPHA, TestRepo, frozen_alpha_local, isolate};

/// Runs git in `repo` with `input` on stdin; panics when it fails.
fn git_with_input(repo: &TestRepo, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut command = Command::new("git");
    isolate(&mut command, repo.home());
    let mut child = command
        .current_dir(repo.path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The entries of the index as `git ls-files --stage` lists them, but for `left_out`.
fn listed_by_git(repo: &TestRepo, left_out: &[u8]) -> Vec<Entry> {
    let listing = git_with_input(repo, &["ls-files", "--stage", "-z"], b"");
    listing
        .split(|&byte| byte == 0)
        .filter(|line| !line.is_empty())
        .filter_map(|line| {
            let tab = line.iter().position(|&byte| byte == b'\t').unwrap();
            let (fields, path) = (&line[..tab], &line[tab + 1..]);
            let fields = String::from_utf8(fields.to_vec()).unwrap();
            let mut fields = fields.split(' ');
            let mode = u32::from_str_radix(fields.next().unwrap(), 8).unwrap();
            let id = git2::Oid::from_str_ext(fields.next().unwrap(), object_format(repo)).unwrap();
            assert_eq!(fields.next(), Some("0"), "a conflict is left");
            (path != left_out).then(|| Entry {
                path: path.to_vec(),
                id,
                mode,
            })
        })
        .collect()
}

/// The entries libgit2 reads from the same file, but those added with `git add -N`.
fn read_by_libgit2(repo: &TestRepo) -> Result<Vec<Entry>, git2::Error> {
    let index = git2::Index::open_ext(&repo.path().join(".git/index"), object_format(repo))?;
    Ok(index
        .iter()
        .filter(|entry| entry.flags_extended & (1 << 13) == 0)
        .map(|entry| Entry {
            path: entry.path,
            id: entry.id,
            mode: entry.mode,
        })
        .collect())
}

/// Asserts two lists of entries are equal, showing only where they differ.
#[track_caller]
fn assert_same(read: &[Entry], expected: &[Entry], context: &str) {
    let show = |entry: &Entry| {
        let path = String::from_utf8_lossy(&entry.path);
        let path: String = path.chars().take(60).collect();
        format!("{path} {} {:o}", entry.id, entry.mode)
    };
    let only_read: Vec<String> = read
        .iter()
        .filter(|e| !expected.contains(e))
        .map(show)
        .collect();
    let only_expected: Vec<String> = expected
        .iter()
        .filter(|e| !read.contains(e))
        .map(show)
        .collect();
    assert!(
        read == expected,
        "{context}: read only {only_read:#?}\nexpected only {only_expected:#?}\n({} read, {} expected)",
        read.len(),
        expected.len()
    );
}

/// Asserts that reading `bytes` keeping only `docs/specs/` gives those of `all`, and
/// returns how many.
#[track_caller]
fn reads_only_the_specs(
    bytes: &[u8],
    format: ObjectFormat,
    shared: impl FnOnce(git2::Oid) -> Option<Vec<u8>>,
    all: &[Entry],
) -> usize {
    let under = |path: &[u8]| path.starts_with(b"docs/specs/");
    let specs = index::read(bytes, id_length(format), under, shared).unwrap();
    let expected: Vec<Entry> = all
        .iter()
        .filter(|entry| under(&entry.path))
        .cloned()
        .collect();
    assert_eq!(specs, expected);
    specs.len()
}

/// Asserts that `check --staged` finds the Alpha spec `change`d (and refuses).
#[track_caller]
fn staged_check_finds(repo: &TestRepo, change: &str) {
    let outcome = repo.lancelot(["check", "--staged"]).run();
    assert_eq!(outcome.code, 1, "{}{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains(&format!("{ALPHA}: {change}")),
        "{}",
        outcome.stdout
    );
}

fn object_format(repo: &TestRepo) -> ObjectFormat {
    git2::Repository::open(repo.path()).unwrap().object_format()
}

fn id_length(format: ObjectFormat) -> usize {
    match format {
        ObjectFormat::Sha256 => 32,
        _ => 20,
    }
}

/// A repository whose index holds every kind of entry and extension git writes.
fn every_kind_of_entry(format: ObjectFormat) -> (TestRepo, Vec<u8>) {
    let repo = TestRepo::in_format(format);
    for folder in ["docs/specs", "docs/blueprints", "src/freeze", "src/fs"] {
        for n in 0..30 {
            repo.file(
                &format!("{folder}/file_{n:02}.md"),
                &format!("{folder} {n}\n"),
            );
        }
    }
    repo.file("run.sh", "#!/bin/sh\n");
    repo.git(["add", "-A"]);
    repo.git(["update-index", "--chmod=+x", "run.sh"]);
    repo.git(["commit", "-q", "-m", "files"]);
    let blob = repo.git(["rev-parse", "HEAD:run.sh"]).trim().to_owned();
    let commit = repo.rev("HEAD");
    // A symbolic link, a submodule, a path past the 12-bit length field (it exists
    // in the index only: no file system takes it) and a name that is not UTF-8.
    let long = format!("docs/{}/end.md", vec!["a".repeat(200); 21].join("/"));
    assert!(long.len() > 0xfff);
    let mut info = Vec::new();
    for (mode, id, path) in [
        ("120000", blob.as_str(), b"docs/link".as_slice()),
        ("160000", commit.as_str(), b"vendor/module".as_slice()),
        ("100644", blob.as_str(), long.as_bytes()),
        ("100644", blob.as_str(), b"docs/specs/caf\xe9.md".as_slice()),
    ] {
        info.extend(format!("{mode} {id}\t").as_bytes());
        info.extend(path);
        info.push(0);
    }
    git_with_input(
        &repo,
        &["update-index", "--add", "-z", "--index-info"],
        &info,
    );
    // A conflict, resolved: the resolve-undo extension.
    let stages: Vec<u8> = (1..=3)
        .flat_map(|stage| format!("100644 {blob} {stage}\tsrc/conflicted.rs\0").into_bytes())
        .collect();
    git_with_input(&repo, &["update-index", "-z", "--index-info"], &stages);
    let conflicted = std::fs::read(repo.path().join(".git/index")).unwrap();
    repo.file("src/conflicted.rs", "resolved\n");
    repo.git(["add", "src/conflicted.rs"]);
    // Skip-worktree (an extended flag), intent-to-add (left out: a commit does not
    // record it), the cache tree, the untracked cache.
    repo.git(["update-index", "--skip-worktree", "docs/specs/file_03.md"]);
    repo.file("docs/specs/new.md", "not yet staged\n");
    repo.git(["add", "-N", "docs/specs/new.md"]);
    repo.git(["config", "core.untrackedCache", "true"]);
    repo.git(["config", "index.recordEndOfIndexEntries", "true"]);
    repo.git(["config", "index.recordOffsetTable", "true"]);
    repo.git(["config", "index.threads", "2"]);
    repo.git(["update-index", "--untracked-cache"]);
    repo.git(["write-tree"]);
    repo.git(["status", "--porcelain"]);
    (repo, conflicted)
}

#[test]
fn the_reader_reads_what_git_writes_in_every_version_and_format() {
    for format in [ObjectFormat::Sha1, ObjectFormat::Sha256] {
        let (repo, conflicted) = every_kind_of_entry(format);
        assert_eq!(
            index::read(&conflicted, id_length(format), |_| true, |_| None),
            Err(IndexError::Conflicts)
        );
        for version in ["2", "3", "4"] {
            // Version 2 cannot hold the extended flags: git writes 3 then.
            repo.git(["update-index", "--index-version", version]);
            repo.git(["status", "--porcelain"]);
            let bytes = std::fs::read(repo.path().join(".git/index")).unwrap();
            let written = u32::from_be_bytes(bytes[4..8].try_into().unwrap());
            assert_eq!(written.to_string(), version.replace('2', "3"), "{format:?}");

            let read = index::read(&bytes, id_length(format), |_| true, |_| None).unwrap();
            let by_git = listed_by_git(&repo, b"docs/specs/new.md");
            assert_same(&read, &by_git, &format!("{format:?}, version {version}"));
            match read_by_libgit2(&repo) {
                Ok(entries) => assert_same(&read, &entries, &format!("libgit2, version {version}")),
                // libgit2 1.9 cannot read a path past the length field in version 4.
                Err(error) if version == "4" => {
                    assert!(error.message().contains("invalid entry"), "{error}");
                }
                Err(error) => panic!("libgit2 cannot read version {version}: {error}"),
            }
            assert!(read.iter().any(|entry| entry.path.len() > 0xfff));

            let specs = reads_only_the_specs(&bytes, format, |_| None, &by_git);
            assert_eq!(specs, 31);
        }
    }
}

#[test]
fn the_reader_merges_a_split_index_as_git_does() {
    for format in [ObjectFormat::Sha1, ObjectFormat::Sha256] {
        let (repo, _) = every_kind_of_entry(format);
        for version in ["3", "4"] {
            repo.git(["update-index", "--index-version", version]);
            repo.git(["update-index", "--split-index"]);
            // Replaced, deleted and added entries, kept in the split part.
            for n in 0..3 {
                repo.file(
                    &format!("docs/specs/file_{n:02}.md"),
                    &format!("edited {version}\n"),
                );
            }
            repo.git(["add", "docs/specs"]);
            let (spec, source) = (
                format!("docs/specs/file_1{version}.md"),
                format!("src/fs/file_0{version}.md"),
            );
            repo.git(["rm", "-q", "--cached", &spec, &source]);
            repo.file(&format!("docs/specs/added_{version}.md"), "added\n");
            repo.file(&format!("src/added_{version}.rs"), "added\n");
            repo.git([
                "add",
                &format!("docs/specs/added_{version}.md"),
                &format!("src/added_{version}.rs"),
            ]);

            let bytes = std::fs::read(repo.path().join(".git/index")).unwrap();
            assert!(
                bytes.windows(4).any(|window| window == b"link"),
                "{format:?}, version {version}: not split"
            );
            let shared = |id: git2::Oid| {
                std::fs::read(repo.path().join(format!(".git/sharedindex.{id}"))).ok()
            };
            let read = index::read(&bytes, id_length(format), |_| true, shared).unwrap();
            // `git add docs/specs` staged the intent-to-add entry: nothing is left out.
            let context = format!("{format:?}, version {version}");
            assert_same(&read, &listed_by_git(&repo, b""), &context);
            assert!(read.iter().all(|entry| entry.path != spec.as_bytes()));

            reads_only_the_specs(&bytes, format, shared, &read);
            // Without its shared part the split index is not read.
            assert!(matches!(
                index::read(&bytes, id_length(format), |_| true, |_| None),
                Err(IndexError::NotRead(_))
            ));
            repo.git(["update-index", "--no-split-index"]);
        }
    }
}

#[test]
fn the_reader_reads_version_2_as_git_writes_it() {
    // Without extended flags git keeps version 2.
    let repo = TestRepo::in_format(crate::support::object_format());
    for n in 0..50 {
        repo.file(&format!("docs/specs/spec_{n:02}.md"), &format!("{n}\n"));
    }
    repo.commit_all("specs");
    repo.git(["update-index", "--index-version", "2"]);
    let bytes = std::fs::read(repo.path().join(".git/index")).unwrap();
    assert_eq!(&bytes[4..8], 2u32.to_be_bytes());
    let format = object_format(&repo);
    let read = index::read(&bytes, id_length(format), |_| true, |_| None).unwrap();
    assert_eq!(read, listed_by_git(&repo, b""));
    assert_eq!(read.len(), 50);
}

/// The staged check of an edit of the frozen Alpha spec (refused), then of an
/// unrelated change (accepted), in `repo` as it is set up.
#[track_caller]
fn judges_alike(repo: &TestRepo) {
    repo.edit_spec("Alpha");
    repo.git(["add", ALPHA]);
    staged_check_finds(repo, "modified");
    repo.git(["reset", "-q", "--", ALPHA]);
    repo.git(["checkout", "--", ALPHA]);
    repo.file("notes.txt", "unrelated\n");
    repo.git(["add", "notes.txt"]);
    repo.lancelot(["check", "--staged"]).run().success();
    repo.git(["reset", "-q", "--", "notes.txt"]);
}

#[test]
fn the_staged_check_judges_alike_whatever_the_index_looks_like() {
    let repo = frozen_alpha_local();
    for version in ["2", "3", "4"] {
        repo.git(["update-index", "--index-version", version]);
        judges_alike(&repo);
    }
    // No checksum (index.skipHash): git does not check it, and neither does lancelot.
    repo.git(["config", "index.skipHash", "true"]);
    repo.git(["update-index", "--index-version", "2"]);
    judges_alike(&repo);
    repo.git(["config", "--unset", "index.skipHash"]);
    // Split index: most entries in a shared file (libgit2 refuses it).
    repo.git(["update-index", "--split-index"]);
    judges_alike(&repo);
    repo.git(["update-index", "--no-split-index"]);
    // Sparse index, the frozen folder checked out.
    repo.file("src/lib.rs", "pub fn f() {}\n")
        .commit_all("source");
    repo.git(["sparse-checkout", "init", "--cone", "--sparse-index"]);
    repo.git(["sparse-checkout", "set", "docs"]);
    assert!(
        repo.git(["ls-files", "--sparse"]).contains("src/\n"),
        "not sparse"
    );
    judges_alike(&repo);
}

#[test]
fn a_frozen_folder_outside_a_sparse_checkout_is_read_from_its_tree() {
    let repo = frozen_alpha_local();
    repo.file("src/lib.rs", "pub fn f() {}\n")
        .file("docs/specs/README.md", "The specs.\n")
        .commit_all("source");
    repo.git(["sparse-checkout", "init", "--cone", "--sparse-index"]);
    repo.git(["sparse-checkout", "set", "src"]);
    assert!(
        repo.git(["ls-files", "--sparse"]).contains("docs/\n"),
        "not sparse"
    );
    // The specs are one folder entry of the index, not deleted.
    repo.file("src/lib.rs", "pub fn g() {}\n");
    repo.git(["add", "src/lib.rs"]);
    repo.lancelot(["check", "--staged"])
        .run()
        .success()
        .stdout_has("no frozen document changed");
    // A folder entry whose tree lacks the spec (the index of a commit deleting it,
    // HEAD moved back): the spec is deleted.
    repo.git(["reset", "-q", "--", "src/lib.rs"]);
    repo.git(["sparse-checkout", "disable"]);
    repo.git(["rm", "-q", ALPHA]);
    repo.git(["commit", "-q", "-m", "spec deleted"]);
    repo.git(["reset", "-q", "--soft", "HEAD~1"]);
    repo.git(["sparse-checkout", "init", "--cone", "--sparse-index"]);
    repo.git(["sparse-checkout", "set", "src"]);
    assert!(
        repo.git(["ls-files", "--sparse"]).contains("docs/\n"),
        "not sparse"
    );
    staged_check_finds(&repo, "deleted");
}

#[test]
fn a_conflict_anywhere_stops_the_staged_check() {
    let repo = frozen_alpha_local();
    let blob = repo
        .git(["rev-parse", &format!("HEAD:{ALPHA}")])
        .trim()
        .to_owned();
    let stages: Vec<u8> = (1..=3)
        .flat_map(|stage| format!("100644 {blob} {stage}\tsrc/elsewhere.rs\0").into_bytes())
        .collect();
    git_with_input(
        &repo,
        &["update-index", "--add", "-z", "--index-info"],
        &stages,
    );
    repo.lancelot(["check", "--staged"])
        .run()
        .refused()
        .stderr_has("resolve merge conflicts first");
}

#[test]
fn an_intent_to_add_entry_is_not_staged_content() {
    // `git rm --cached` then `git add -N` of the frozen spec: the commit would not
    // record it, so the spec would be deleted.
    let repo = frozen_alpha_local();
    repo.git(["rm", "-q", "--cached", ALPHA]);
    repo.git(["add", "-N", ALPHA]);
    staged_check_finds(&repo, "deleted");
    let committed = repo.git(["write-tree"]);
    let listed = repo.git(["ls-tree", "-r", "--name-only", committed.trim()]);
    assert!(
        !listed.contains(ALPHA),
        "git records it after all: {listed}"
    );
}

#[test]
fn a_merge_resolved_in_a_split_index_is_no_conflict() {
    // A conflicted merge changing much of a split index writes its stages into a
    // new shared file; `git add` of the resolved files deletes them in the split
    // part only.
    let repo = frozen_alpha_local();
    repo.git(["config", "core.splitIndex", "true"]);
    for n in 0..200 {
        repo.file(&format!("src/f{n}.txt"), "base\n");
    }
    repo.commit_all("files");
    let main = repo
        .git(["rev-parse", "--abbrev-ref", "HEAD"])
        .trim()
        .to_owned();
    repo.git(["checkout", "-q", "-b", "other"]);
    for n in 0..80 {
        repo.file(&format!("src/f{n}.txt"), "other\n");
    }
    repo.commit_all("other");
    repo.git(["checkout", "-q", &main]);
    for n in 0..3 {
        repo.file(&format!("src/f{n}.txt"), "main\n");
    }
    repo.commit_all("main");
    let mut merge = Command::new("git");
    isolate(&mut merge, repo.home());
    let merged = merge
        .current_dir(repo.path())
        .args(["merge", "-q", "other"])
        .output()
        .unwrap();
    assert!(!merged.status.success(), "the merge should conflict");
    repo.lancelot(["check", "--staged"])
        .run()
        .refused()
        .stderr_has("resolve merge conflicts first");
    for n in 0..3 {
        repo.file(&format!("src/f{n}.txt"), "resolved\n");
        repo.git(["add", &format!("src/f{n}.txt")]);
    }
    assert!(repo.git(["ls-files", "-u"]).is_empty());
    let bytes = std::fs::read(repo.path().join(".git/index")).unwrap();
    assert!(
        bytes.windows(4).any(|window| window == b"link"),
        "not split"
    );
    repo.lancelot(["check", "--staged"])
        .run()
        .success()
        .stdout_has("no frozen document changed");
}
