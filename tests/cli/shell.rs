//! Shell completions load in a real shell, and the manual pages render.

use std::process::Command;

use crate::support::{binary, isolate};

#[test]
fn bash_completions_load_in_bash() {
    let home = tempfile::tempdir().unwrap();
    let script = format!(
        "source <('{}' completions bash) && complete -p lancelot",
        binary().display()
    );
    let mut command = Command::new("bash");
    isolate(&mut command, home.path());
    let output = command.args(["-c", &script]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("complete ") && stdout.trim_end().ends_with(" lancelot"),
        "{stdout}"
    );
    // Every shell clap knows gets a script; a shell it does not is a usage error.
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let mut command = Command::new(binary());
        isolate(&mut command, home.path());
        let output = command.args(["completions", shell]).output().unwrap();
        assert!(
            output.status.success() && !output.stdout.is_empty(),
            "{shell}"
        );
    }
    let mut command = Command::new(binary());
    isolate(&mut command, home.path());
    let output = command.args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_manual_pages_render() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut command = Command::new(binary());
    isolate(&mut command, home.path());
    let output = command
        .args(["man", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    for page in [
        "lancelot.1",
        "lancelot-check.1",
        "lancelot-new-slice.1",
        "lancelot-release.1",
    ] {
        let roff = std::fs::read_to_string(out.path().join(page)).unwrap();
        assert!(roff.contains(".TH "), "{page}");
    }
    assert!(
        !out.path().join("lancelot-man.1").exists(),
        "the hidden command has no page"
    );
    // Rendered as a reader sees it, where man is installed.
    let mut man = Command::new("man");
    isolate(&mut man, home.path());
    if let Ok(rendered) = man
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .arg("-l")
        .arg(out.path().join("lancelot-check.1"))
        .output()
    {
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(rendered.status.success(), "{rendered:?}");
        assert!(
            text.contains("SYNOPSIS") && text.contains("--staged"),
            "{text}"
        );
    }
}

#[test]
fn the_guides_are_built_in() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut command = Command::new(binary());
        isolate(&mut command, home.path());
        command
            .current_dir(home.path())
            .args(args)
            .output()
            .unwrap()
    };
    let list = run(&["guide"]);
    assert!(list.status.success());
    let list = String::from_utf8(list.stdout).unwrap();
    for name in [
        "user-guide",
        "freeze",
        "config",
        "server-hooks",
        "ci",
        "security",
    ] {
        assert!(list.contains(&format!("  {name} ")), "{name}: {list}");
    }
    // Outside any repository, the guide prints as written in docs/.
    let freeze = run(&["guide", "freeze"]);
    assert!(freeze.status.success());
    let expected = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/freeze.md"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(freeze.stdout).unwrap(), expected);
    let unknown = run(&["guide", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("server-hooks"));
    // --help points at the guides, not at files of a repository.
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    assert!(
        help.contains("lancelot guide freeze") && !help.contains("docs/freeze.md"),
        "{help}"
    );
}
