//! Generated histories for the tests and benchmarks of the freeze walk: a stream for
//! `git fast-import` (the real git client builds the repository), deterministic for a
//! given [`Shape`], with drafts edited, documents frozen, frozen documents moved along
//! allowed transitions, some edited anyway (violations), side branches merged back
//! (carrying their violations onto the main line) and source files changing around
//! them.

#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// How documents are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// lancelot's own specs: `docs/specs/Lancelot_vNext2_Spec_F<n>.md`, Markdown with a
    /// `- **Status:** Draft` line; In Progress and Done frozen.
    Specs,
    /// Python-enhancement-proposal-like: `peps/pep-<nnnn>.rst`, an RFC 822 header
    /// (`Status: Draft`) above a reStructuredText body; Active and Final frozen.
    Peps,
}

/// What a generated history holds.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub style: Style,
    /// Folders of source files, and files in each.
    pub folders: usize,
    pub files_per_folder: usize,
    /// Documents under the frozen paths.
    pub documents: usize,
    /// Body of a document: at least this many bytes, up to `max_bytes`.
    pub min_bytes: usize,
    pub max_bytes: usize,
    /// Commits on the main line after the first.
    pub commits: usize,
    /// Every how many commits one edits a document (1: every commit).
    pub document_every: usize,
    /// Every how many commits a frozen document is edited anyway (a violation).
    pub violation_every: usize,
    /// Every how many commits a side branch of three commits is merged back.
    pub merge_every: usize,
}

/// The statuses a document goes through: (draft, first frozen, second frozen).
fn statuses(style: Style) -> [&'static str; 3] {
    match style {
        Style::Specs => ["Draft", "In Progress", "Done"],
        Style::Peps => ["Draft", "Active", "Final"],
    }
}

/// The `lancelot.toml` of a history of `style`.
pub fn config(style: Style) -> &'static str {
    match style {
        Style::Specs => "[freeze]\n",
        Style::Peps => concat!(
            "[freeze]\n",
            "paths = [\"peps/pep-*.rst\"]\n",
            "status_field = \"Status\"\n",
            "frozen = [\"Active\", \"Final\"]\n",
            "transitions = [[\"Active\", \"Final\"]]\n",
        ),
    }
}

/// The globs of the frozen paths, as `git log -- <globs>` takes them.
pub fn globs(style: Style) -> &'static [&'static str] {
    match style {
        Style::Specs => &["docs/specs/*.md", "docs/blueprints/*.md"],
        Style::Peps => &["peps/pep-*.rst"],
    }
}

/// A small deterministic generator (xorshift).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound.max(1) as u64).unwrap()
    }
}

/// One document as the history knows it.
#[derive(Clone)]
struct Document {
    status: usize,
    revision: usize,
    bytes: usize,
}

fn document_path(style: Style, index: usize) -> String {
    match style {
        Style::Specs => format!("docs/specs/Lancelot_vNext2_Spec_F{index}.md"),
        Style::Peps => format!("peps/pep-{:04}.rst", index + 1),
    }
}

/// Words for bodies: enough variety that the texts compress and delta as prose does.
const WORDS: [&str; 24] = [
    "the",
    "service",
    "must",
    "answer",
    "within",
    "budget",
    "request",
    "latency",
    "each",
    "client",
    "retries",
    "with",
    "backoff",
    "when",
    "queue",
    "is",
    "full",
    "and",
    "reports",
    "errors",
    "to",
    "operators",
    "over",
    "time",
];

fn document_text(style: Style, index: usize, document: &Document) -> String {
    let status = statuses(style)[document.status];
    let mut text = String::new();
    match style {
        Style::Specs => {
            let _ = write!(
                text,
                "# Feature F{index}\n\n- **Status:** {status}\n- **Owner:** team {}\n\n## Summary\n\n",
                index % 7
            );
        }
        Style::Peps => {
            let _ = write!(
                text,
                "PEP: {}\nTitle: Feature {index}\nAuthor: Author {}\nStatus: {status}\nType: Standards Track\nCreated: 01-Jan-2020\n\n\nAbstract\n========\n\n",
                index + 1,
                index % 11
            );
        }
    }
    // The body grows a little with each revision, as documents do.
    let mut random = Random(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1));
    let target = document.bytes + document.revision * 40;
    let mut paragraph = 0usize;
    while text.len() < target {
        paragraph += 1;
        if paragraph.is_multiple_of(6) {
            match style {
                Style::Specs => {
                    text.push_str("\n```text\nStatus: example inside a code block\n```\n\n")
                }
                Style::Peps => text.push_str("\nRationale\n=========\n\n"),
            }
        }
        if paragraph.is_multiple_of(4) {
            text.push_str("- a *listed* point with `code` and a [link](https://example.com)\n\n");
        }
        for word in 0..60 {
            text.push_str(WORDS[random.below(WORDS.len())]);
            text.push(if word % 12 == 11 { '\n' } else { ' ' });
        }
        text.push_str("\n\n");
    }
    let _ = writeln!(text, "Revision {}.", document.revision);
    text
}

/// The stream: `git fast-import` input for the whole history, with the branch `main`
/// and the tag `base` on its first commit.
pub fn fast_import_stream(shape: &Shape) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let mut documents: Vec<Document> = (0..shape.documents)
        .map(|_| Document {
            status: 0,
            revision: 0,
            bytes: shape.min_bytes + random.below(shape.max_bytes - shape.min_bytes + 1),
        })
        .collect();
    // Documents frozen from the start, so that even a short range meets them; the
    // first is the one side branches edit.
    for (index, document) in documents.iter_mut().enumerate() {
        if index.is_multiple_of(3) {
            document.status = 1;
        }
    }
    let mut mark = 0usize;
    let mut time = 1_600_000_000u64;
    let mut commit = |out: &mut Vec<u8>,
                      branch: &str,
                      from: Option<usize>,
                      merge: Option<usize>,
                      files: &[(String, String)],
                      message: &str| {
        mark += 1;
        time += 60;
        let _ = write!(
            out,
            "commit refs/heads/{branch}\nmark :{mark}\ncommitter Bench <bench@example.com> {time} +0000\ndata {}\n{message}\n",
            message.len() + 1
        );
        if let Some(from) = from {
            let _ = writeln!(out, "from :{from}");
        }
        if let Some(merge) = merge {
            let _ = writeln!(out, "merge :{merge}");
        }
        for (path, text) in files {
            let _ = write!(out, "M 100644 inline {path}\ndata {}\n", text.len());
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        mark
    };
    let source = |folder: usize, file: usize, revision: usize| {
        (
            format!("src/pkg{folder}/m{file}.py"),
            format!("VALUE = {revision}\n\ndef f{file}():\n    return VALUE + {folder}\n"),
        )
    };
    // The first commit: the rules, every source file and every document.
    let mut files = vec![("lancelot.toml".to_owned(), config(shape.style).to_owned())];
    for folder in 0..shape.folders {
        for file in 0..shape.files_per_folder {
            files.push(source(folder, file, 0));
        }
    }
    for (index, document) in documents.iter().enumerate() {
        files.push((
            document_path(shape.style, index),
            document_text(shape.style, index, document),
        ));
    }
    let mut head = commit(&mut out, "main", None, None, &files, "first");
    let _ = write!(out, "reset refs/tags/base\nfrom :{head}\n\n");
    let sources = (shape.folders * shape.files_per_folder).max(1);
    // Edits a document: a draft is edited (and frozen after some revisions), a frozen
    // one moves along its transition now and then or, every `violation_every` commits,
    // is edited anyway. With no draft left, a new document is written.
    let edit = |random: &mut Random, documents: &mut Vec<Document>, step: usize| {
        let violation = shape.violation_every > 0 && step.is_multiple_of(shape.violation_every);
        let transition = !violation && random.below(10) == 0;
        let wanted = |document: &Document| match (violation, transition) {
            (true, _) => document.status > 0,
            (false, true) => document.status == 1,
            (false, false) => document.status == 0,
        };
        let count = documents.len();
        let start = 1 + random.below(count - 1);
        let found = (0..count - 1)
            .map(|offset| 1 + (start - 1 + offset) % (count - 1))
            .find(|&index| wanted(&documents[index]));
        let index = match found {
            Some(index) => index,
            None if violation || transition => start,
            None => {
                documents.push(Document {
                    status: 0,
                    revision: 0,
                    bytes: shape.min_bytes + random.below(shape.max_bytes - shape.min_bytes + 1),
                });
                documents.len() - 1
            }
        };
        let document = &mut documents[index];
        if transition && document.status == 1 {
            document.status = 2;
        } else if document.status == 0 || violation {
            document.revision += 1;
            if document.status == 0 && document.revision >= 5 + index * 37 % 50 {
                document.status = 1;
            }
        }
        (
            document_path(shape.style, index),
            document_text(shape.style, index, document),
        )
    };
    // A side branch edits the first document (frozen): a violation its merge carries.
    let side_edit = |documents: &mut Vec<Document>| {
        documents[0].revision += 1;
        (
            document_path(shape.style, 0),
            document_text(shape.style, 0, &documents[0]),
        )
    };
    let mut side_count = 0;
    for step in 1..=shape.commits {
        let mut files = Vec::new();
        for _ in 0..2 {
            let index = random.below(sources);
            if shape.folders > 0 {
                files.push(source(
                    index / shape.files_per_folder,
                    index % shape.files_per_folder,
                    step,
                ));
            }
        }
        if step.is_multiple_of(shape.document_every.max(1)) {
            files.push(edit(&mut random, &mut documents, step));
        }
        head = commit(
            &mut out,
            "main",
            Some(head),
            None,
            &files,
            &format!("change {step}"),
        );
        if shape.merge_every > 0 && step.is_multiple_of(shape.merge_every) {
            side_count += 1;
            let branch = format!("side{side_count}");
            let change = side_edit(&mut documents);
            let mut tip = commit(
                &mut out,
                &branch,
                Some(head),
                None,
                std::slice::from_ref(&change),
                &format!("side {side_count}: edit a frozen document"),
            );
            for side_step in 1..3 {
                let file = source(side_count % shape.folders.max(1), side_step, step);
                tip = commit(
                    &mut out,
                    &branch,
                    Some(tip),
                    None,
                    &[file],
                    &format!("side {side_count}.{side_step}"),
                );
            }
            head = commit(
                &mut out,
                "main",
                Some(head),
                Some(tip),
                &[change],
                &format!("merge side {side_count}"),
            );
        }
    }
    out
}

/// How a history is built: a bare repository or a clone with a work tree, packed as
/// a clone's objects are or as `git fast-import` leaves them, in which object format.
#[derive(Debug, Clone, Copy)]
pub struct Build {
    pub bare: bool,
    pub repack: bool,
    pub sha256: bool,
}

/// Builds the history of `shape` in a new repository at `dir`, with the real git
/// client.
pub fn build(dir: &Path, shape: &Shape, how: Build) {
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    std::fs::create_dir_all(dir).unwrap();
    let format = if how.sha256 {
        "--object-format=sha256"
    } else {
        "--object-format=sha1"
    };
    if how.bare {
        git(&["init", "-q", "--bare", "-b", "main", format]);
    } else {
        git(&["init", "-q", "-b", "main", format]);
    }
    let mut import = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    import
        .stdin
        .take()
        .unwrap()
        .write_all(&fast_import_stream(shape))
        .unwrap();
    assert!(import.wait().unwrap().success(), "git fast-import");
    if how.repack {
        git(&["repack", "-adq", "--depth=50", "--window=10"]);
    }
    if !how.bare {
        git(&["checkout", "-q", "-f", "main"]);
    }
}
