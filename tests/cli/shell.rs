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

/// Runs `script` in `shell` (when it is installed), in `dir`, with this lancelot
/// first on the PATH; `None` when the shell is not installed.
fn in_shell(
    shell: &str,
    dir: &std::path::Path,
    home: &std::path::Path,
    script: &str,
) -> Option<std::process::Output> {
    let installed = Command::new(shell).arg("--version").output();
    if !installed.is_ok_and(|output| output.status.success()) {
        eprintln!("{shell} is not installed: its completions were not loaded");
        return None;
    }
    let mut command = Command::new(shell);
    isolate(&mut command, home);
    let path = format!(
        "{}:{}",
        binary().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Some(
        command
            .env("PATH", path)
            .current_dir(dir)
            .args(["-c", script])
            .output()
            .unwrap(),
    )
}

/// What bash offers for the words `line` (the last one being completed), in `dir`.
fn bash_completions(
    dir: &std::path::Path,
    home: &std::path::Path,
    line: &[&str],
) -> (Vec<String>, String) {
    let words = line
        .iter()
        .map(|word| format!("'{word}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let script = format!(
        "source <(lancelot completions bash) && COMP_WORDS=({words}) && COMP_CWORD={} && \
         _clap_complete_lancelot lancelot '{}' '{}' && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        line.len() - 1,
        line[line.len() - 1],
        line[line.len() - 2],
    );
    let output = in_shell("bash", dir, home, &script).unwrap();
    let offered = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (
        offered,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn feature_names_are_completed_from_the_repository_the_shell_is_in() {
    let repo = crate::support::TestRepo::new();
    for name in ["Alpha", "AlphaV2", "Beta"] {
        repo.lancelot(["new-slice", name, "--summary", "x", "--yes"])
            .run()
            .success();
    }
    let names = |offered: Vec<String>| -> Vec<String> {
        offered
            .into_iter()
            .filter(|word| !word.starts_with('-'))
            .collect()
    };
    let (offered, _) = bash_completions(repo.path(), repo.home(), &["lancelot", "set-status", "a"]);
    assert_eq!(names(offered), ["Alpha", "AlphaV2"]);
    let (offered, _) = bash_completions(
        repo.path(),
        repo.home(),
        &["lancelot", "new-slice", "Gamma", "--depends-on", "B"],
    );
    assert_eq!(names(offered), ["Beta"]);
    let (offered, _) = bash_completions(
        &repo.path().join("docs"),
        repo.home(),
        &[
            "lancelot",
            "set-status",
            "Alpha",
            "superseded",
            "--by",
            "alphav",
        ],
    );
    assert_eq!(names(offered), ["AlphaV2"], "from a subfolder, in any case");
    let (offered, _) = bash_completions(repo.path(), repo.home(), &["lancelot", "stat"]);
    assert_eq!(offered, ["status"]);
    // Outside a repository there is nothing to offer, and nothing is said.
    let outside = tempfile::tempdir().unwrap();
    let (offered, stderr) =
        bash_completions(outside.path(), repo.home(), &["lancelot", "set-status", ""]);
    assert_eq!(names(offered), Vec::<String>::new());
    assert_eq!(stderr, "");

    // fish, where it is installed, asks lancelot the same way.
    if let Some(output) = in_shell(
        "fish",
        repo.path(),
        repo.home(),
        "lancelot completions fish | source; complete -C 'lancelot set-status Al'",
    ) {
        let offered = String::from_utf8_lossy(&output.stdout);
        assert!(offered.contains("AlphaV2"), "{offered}");
    }

    // zsh, where it is installed: the script loads, and the call it makes answers.
    if let Some(output) = in_shell(
        "zsh",
        repo.path(),
        repo.home(),
        "autoload -U compinit && compinit -u && source <(lancelot completions zsh) && whence -w _clap_dynamic_completer_lancelot && \
         _CLAP_IFS=$'\\n' _CLAP_COMPLETE_INDEX=2 LANCELOT_COMPLETE=zsh lancelot -- lancelot set-status Al",
    ) {
        let offered = String::from_utf8_lossy(&output.stdout);
        assert!(
            offered.contains("function") && offered.contains("AlphaV2"),
            "{offered}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
