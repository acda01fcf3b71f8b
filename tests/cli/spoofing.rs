//! The freeze reads a status as a reader sees it, and lets a status move only as
//! itself: through the server hook, with the real git client. Each spoofed document
//! is frozen and its edit refused; each smuggling transition is refused; what
//! `set-status` writes is accepted.

use crate::support::TestRepo;
use crate::support::{ALPHA, accepted, frozen_alpha, refused};

/// Pushes `document` as Alpha's spec, then an edit of it; returns the edit's outcome.
fn push_then_edit(document: &str) -> crate::support::Outcome {
    let repo = TestRepo::with_server(None);
    repo.file(ALPHA, document).commit_all("alpha");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.file(ALPHA, &format!("{document}An idea folded in mid-flight.\n"))
        .commit_all("fold in an idea");
    repo.push(["HEAD:refs/heads/main"])
}

#[test]
fn a_status_a_reader_sees_as_frozen_is_frozen() {
    for document in [
        "# Alpha\n\n<!-- Status: Draft -->\n**Status:** In Progress\n",
        "# Alpha\n\n<!--\n- **Status:** Draft\n-->\n**Status:** In Progress\n",
        "# Alpha\n\n```yaml\nstatus: Draft\n```\n**Status:** In Progress\n",
        "---\nstatus: Draft\n---\n# Alpha\n\n**Status:** In Progress\n",
        "---\nstatus: In Progress\n---\n# Alpha\n\n**Status:** Draft\n",
        "# Alpha\n\n**Status:** In\u{200b}Progress\n",
        "# Alpha\n\n**Status:** In Pr\u{43e}gress\n",
        "# Alpha\n\n**Status:** D\u{43e}ne\n",
    ] {
        let outcome = refused(push_then_edit(document));
        assert!(
            outcome.stderr.contains(&format!("{ALPHA}: modified")),
            "{document:?}\n{}",
            outcome.stderr
        );
    }
}

#[test]
fn a_status_only_hidden_text_calls_frozen_is_not() {
    for document in [
        "# Alpha\n\n<!-- Status: In Progress -->\n**Status:** Draft\n",
        "# Alpha\n\n```\nStatus: Done\n```\n**Status:** Draft\n",
    ] {
        accepted(push_then_edit(document));
    }
}

#[test]
fn text_cannot_be_smuggled_through_a_transition() {
    let status_line = "- **Status:** In Progress\n";
    for replacement in [
        "- **Status:** Done (amended: the system must now answer in 900ms)\n",
        "- **Status:** Done\n## Status: the system must now answer in 900ms\n",
        "- **Status:** Done\n- **Superseded by:** the system must now answer in 900ms\n",
        "**Status:** Done\n",
    ] {
        let repo = frozen_alpha();
        let text = repo.read(ALPHA).replacen(status_line, replacement, 1);
        repo.file(ALPHA, &text).commit_all("alpha done");
        let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
        assert!(
            outcome.stderr.contains(&format!("{ALPHA}: modified")),
            "{replacement:?}\n{}",
            outcome.stderr
        );
    }
    // Moving the status line is an edit too.
    let repo = frozen_alpha();
    let text = repo.read(ALPHA).replacen(status_line, "", 1) + "- **Status:** Done\n";
    repo.file(ALPHA, &text).commit_all("status moved");
    refused(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn what_set_status_writes_passes_the_server() {
    let repo = frozen_alpha();
    repo.spec("Beta", "Draft").commit_all("beta drafted");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.lancelot(["set-status", "Alpha", "done"])
        .run()
        .success();
    repo.commit_all("alpha done");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo.lancelot(["set-status", "Alpha", "superseded", "--by", "Beta"])
        .run()
        .success();
    assert!(
        repo.read(ALPHA).contains("- **Superseded by:** [Beta]("),
        "{}",
        repo.read(ALPHA)
    );
    repo.commit_all("alpha superseded");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

#[test]
fn a_document_in_utf16_or_with_control_characters_stays_frozen() {
    let utf16 = |text: &str| -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let text = "# Alpha\r\n\r\n**Status:** In Progress\r\n\r\nThe original text.\r\n";
    let repo = TestRepo::with_server(None);
    std::fs::create_dir_all(repo.path().join("docs/specs")).unwrap();
    std::fs::write(repo.path().join(ALPHA), utf16(text)).unwrap();
    repo.commit_all("alpha in utf-16");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    std::fs::write(
        repo.path().join(ALPHA),
        utf16(&text.replace("original", "edited")),
    )
    .unwrap();
    repo.commit_all("edit");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
    // A NUL inside the field name shows as nothing on a terminal.
    refused(push_then_edit("# Alpha\n\n**Sta\0tus:** In Progress\n"));
}
