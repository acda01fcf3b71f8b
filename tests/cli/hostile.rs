//! Safe in a hostile clone: an attacker publishes a repository, the user clones it with
//! the real git client and runs one ordinary lancelot command. Nothing outside the
//! clone may change, no secret may reach a file, and the nearest legitimate
//! neighbour must still work.

use std::fs;

use crate::sandbox::{KEY, Sandbox};

const NEW_SLICE: [&str; 5] = [
    "new-slice",
    "Health Monitor",
    "--summary",
    "Watch health",
    "--yes",
];

const SPEC: &str = "# Alpha\n\n- **Status:** Draft\n- **Depends on:** none\n";

#[test]
fn a_specs_folder_linked_outside_receives_no_spec() {
    let sandbox = Sandbox::new();
    sandbox.publish(
        &[("README.md", "hi\n")],
        &[("docs/specs", "../../outside/specs")],
    );
    let outcome = sandbox.contained(|| sandbox.lancelot(NEW_SLICE).run().refused());
    outcome
        .stderr_has("docs/specs is a symbolic link (to ../../outside/specs)")
        .stderr_has("never follows links");
    assert_eq!(
        fs::read_dir(sandbox.path().join("outside/specs"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn a_module_folder_linked_into_site_packages_gets_no_pth_file() {
    let sandbox = Sandbox::new();
    let payload = "import os; os.system('touch pwned')\n";
    sandbox.publish(
        &[
            ("lancelot.toml", "[paths]\nmodule_ext = \"pth\"\n"),
            (".lancelot/templates/module.pth.tera", payload),
            (".lancelot/templates/unit_test.pth.tera", payload),
            (".lancelot/templates/integration_test.pth.tera", payload),
        ],
        &[("src/core", "../../python/site-packages")],
    );
    sandbox
        .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
        .stderr_has("src/core is a symbolic link");
    let packages: Vec<_> = fs::read_dir(sandbox.path().join("python/site-packages"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(packages, ["existing.pth"]);
}

#[test]
fn release_never_writes_a_version_file_behind_a_link() {
    let sandbox = Sandbox::new();
    sandbox.publish(
        &[
            (
                "lancelot.toml",
                "[release]\nversion_files = [{ path = \"pkg/VERSION\" }]\n",
            ),
            (
                "docs/CHANGELOG.md",
                "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- a feature\n",
            ),
        ],
        &[("pkg", "../outside/pkg")],
    );
    let head = sandbox.git(["rev-parse", "HEAD"]);
    sandbox
        .contained(|| sandbox.lancelot(["release", "minor"]).run().refused())
        .stderr_has("pkg is a symbolic link");
    assert_eq!(
        sandbox.git(["rev-parse", "HEAD"]),
        head,
        "a release commit was made"
    );
    assert_eq!(sandbox.git(["tag"]), "");
    assert_eq!(
        fs::read_to_string(sandbox.path().join("outside/pkg/VERSION")).unwrap(),
        "9.9.9\n"
    );
}

#[test]
fn init_does_not_follow_a_linked_docs_folder() {
    let sandbox = Sandbox::new();
    sandbox.publish(&[("README.md", "hi\n")], &[("docs", "../outside")]);
    sandbox
        .contained(|| sandbox.lancelot(["init"]).run().refused())
        .stderr_has("docs is a symbolic link");
}

#[test]
fn set_status_does_not_follow_a_linked_specs_folder() {
    let sandbox = Sandbox::new();
    fs::write(
        sandbox
            .path()
            .join("outside/specs/Lancelot_vNext2_Spec_Alpha.md"),
        SPEC,
    )
    .unwrap();
    sandbox.publish(
        &[("README.md", "hi\n")],
        &[("docs/specs", "../../outside/specs")],
    );
    sandbox
        .contained(|| {
            sandbox
                .lancelot(["set-status", "Alpha", "approved"])
                .run()
                .refused()
        })
        .stderr_has("docs/specs is a symbolic link");
}

#[test]
fn no_configured_path_reaches_into_the_git_folder() {
    for spelling in [
        ".git/config",
        ".GIT/config",
        "git~1/config",
        ".git./config",
        ".git/hooks/pre-commit",
    ] {
        let sandbox = Sandbox::new();
        sandbox.publish(
            &[
                (
                    "lancelot.toml",
                    &format!("[paths]\nchangelog = \"{spelling}\"\n"),
                ),
                (
                    ".lancelot/templates/changelog_entry.md.tera",
                    "[core]\n\tfsmonitor = \"touch pwned\"\n",
                ),
            ],
            &[],
        );
        sandbox
            .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
            .stderr_has("invalid configuration in")
            .stderr_has("inside a git folder");
        let config = fs::read_to_string(sandbox.clone_dir().join(".git/config")).unwrap();
        assert!(!config.contains("fsmonitor"), "{spelling}: {config}");
    }
}

#[test]
fn a_template_linked_to_a_key_or_a_system_file_is_refused() {
    for target in ["../../../home/.ssh/id_ed25519", "/etc/passwd"] {
        let sandbox = Sandbox::new();
        sandbox.publish(
            &[("README.md", "hi\n")],
            &[(".lancelot/templates/spec.md.tera", target)],
        );
        sandbox
            .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
            .stderr_has(".lancelot/templates/spec.md.tera is a symbolic link");
        assert!(
            !sandbox.clone_dir().join("docs").exists(),
            "{target}: files were written"
        );
    }
}

#[test]
fn an_env_file_linked_to_a_key_is_never_replaced_by_the_key() {
    let sandbox = Sandbox::new();
    sandbox.publish(
        &[("README.md", "hi\n")],
        &[(".env.example", "../home/.ssh/id_ed25519")],
    );
    sandbox
        .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
        .stderr_has(".env.example is a symbolic link");
    let env = sandbox.clone_dir().join(".env.example");
    assert!(fs::symlink_metadata(&env).unwrap().file_type().is_symlink());
    assert_eq!(
        fs::read_to_string(sandbox.home().join(".ssh/id_ed25519")).unwrap(),
        format!("{KEY}\n")
    );
}

#[test]
fn a_configuration_linked_to_an_endless_device_is_refused_at_once() {
    let sandbox = Sandbox::new();
    sandbox.publish(&[("README.md", "hi\n")], &[("lancelot.toml", "/dev/zero")]);
    for command in [&["status"][..], &["lint"], &["doctor"], &NEW_SLICE] {
        let outcome = sandbox.contained(|| sandbox.lancelot(command).run());
        assert_ne!(outcome.code, 0, "{command:?}");
        assert!(
            outcome.stderr.contains("lancelot.toml is a symbolic link")
                || outcome.stdout.contains("lancelot.toml is a symbolic link"),
            "{command:?}: {}{}",
            outcome.stdout,
            outcome.stderr
        );
    }
}

#[test]
fn the_legitimate_neighbour_still_works() {
    let sandbox = Sandbox::new();
    sandbox.publish(
        &[
            (
                ".lancelot/templates/spec.md.tera",
                "# {{ feature.title }}\n\n- **Status:** Draft\n{% include \"owner.tera\" %}\n",
            ),
            (
                ".lancelot/templates/owner.tera",
                "- **Owner:** platform team\n",
            ),
            ("docs/CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n"),
        ],
        &[("README", "docs/CHANGELOG.md")],
    );
    sandbox.contained(|| sandbox.lancelot(NEW_SLICE).run().success());
    let spec = fs::read_to_string(
        sandbox
            .clone_dir()
            .join("docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md"),
    )
    .unwrap();
    assert!(spec.contains("- **Owner:** platform team"), "{spec}");
    let changelog = fs::read_to_string(sandbox.clone_dir().join("docs/CHANGELOG.md")).unwrap();
    assert!(changelog.contains("Health Monitor"), "{changelog}");
}

#[test]
fn a_template_cannot_read_the_environment() {
    let sandbox = Sandbox::new();
    sandbox.publish(
        &[(
            ".lancelot/templates/spec.md.tera",
            "# {{ feature.title }}\n\nToken: {{ get_env(name=\"GITHUB_TOKEN\") }}\n",
        )],
        &[],
    );
    sandbox
        .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
        .stderr_has("cannot read the environment");
    assert!(!sandbox.clone_dir().join("docs").exists());
    let doctor = sandbox.contained(|| sandbox.lancelot(["doctor"]).run());
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    assert!(
        doctor.stdout.contains("FAIL  templates"),
        "{}",
        doctor.stdout
    );
}

/// Templates that would hang or crash a render: each is refused by `new-slice` with
/// nothing written, and failed by `doctor`.
#[test]
fn templates_that_would_never_finish_are_stopped_before_anything_is_written() {
    let mut doubling = String::from("{% set s0 = \"xxxxxxxxxxxxxxxx\" %}");
    for step in 1..40 {
        doubling.push_str(&format!("{{% set s{step} = s{0} ~ s{0} %}}", step - 1));
    }
    doubling.push_str("{{ s39 }}");
    let cases = [
        (
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}",
            "more than the 1000",
        ),
        (
            "{% include \"spec.md.tera\" %}",
            "renders itself without end",
        ),
        (
            "{% macro again(n) %}{{ self::again(n=n) }}{% endmacro again %}{{ self::again(n=1) }}",
            "renders itself without end",
        ),
        (
            "{% include \"nowhere.tera\" %}",
            "not a template of the same folder",
        ),
        (doubling.as_str(), "nothing was written"),
    ];
    for (template, message) in cases {
        let sandbox = Sandbox::new();
        sandbox.publish(&[(".lancelot/templates/spec.md.tera", template)], &[]);
        sandbox
            .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
            .stderr_has(message);
        assert!(!sandbox.clone_dir().join("docs").exists(), "{template}");
        let doctor = sandbox.lancelot(["doctor"]).run();
        assert_eq!(doctor.code, 1, "{template}: {}", doctor.stdout);
        assert!(
            doctor.stdout.contains("FAIL  templates"),
            "{}",
            doctor.stdout
        );
    }
}

#[test]
fn a_render_that_runs_too_long_is_stopped_by_the_time_budget() {
    let sandbox = Sandbox::new();
    let nested = "{% for a in range(end=1000) %}{% for b in range(end=1000) %}{% for c in range(end=1000) %}{% endfor %}{% endfor %}{% endfor %}";
    sandbox.publish(&[(".lancelot/templates/runbook.md.tera", nested)], &[]);
    sandbox
        .contained(|| sandbox.lancelot(NEW_SLICE).run().refused())
        .stderr_has("error: rendering .lancelot/templates/runbook.md.tera took longer than the 5 s the templates of one command may take; nothing was written");
    assert!(!sandbox.clone_dir().join("docs").exists());
}

#[test]
fn a_hooks_folder_linked_outside_receives_no_hook() {
    let sandbox = Sandbox::new();
    sandbox.publish(&[("README.md", "hi\n")], &[(".githooks", "../home")]);
    // The project's README tells contributors to run this:
    sandbox.git(["config", "core.hooksPath", ".githooks"]);
    sandbox
        .contained(|| sandbox.lancelot(["hook", "install"]).run().refused())
        .stderr_has(".githooks is a symbolic link");
    assert!(!sandbox.home().join("pre-commit").exists());
}

#[test]
fn a_git_folder_planted_among_the_files_is_not_used() {
    let sandbox = Sandbox::new();
    let victim = sandbox.path().join("outside").display().to_string();
    sandbox.publish(
        &[
            ("app/HEAD", "ref: refs/heads/main\n"),
            ("app/objects/info/.keep", ""),
            ("app/refs/heads/.keep", ""),
            (
                "app/config",
                &format!(
                    "[core]\n\tbare = false\n\tworktree = {victim}\n\thooksPath = {victim}/hooks\n"
                ),
            ),
            ("app/main.py", "print('hello')\n"),
        ],
        &[],
    );
    let app = sandbox.clone_dir().join("app");
    for args in [
        &NEW_SLICE[..],
        &["init"],
        &["hook", "install"],
        &["status"],
        &["receipts"],
    ] {
        let mut command = sandbox.command(args);
        command.current_dir(&app).stdin(std::process::Stdio::null());
        let outcome = sandbox.contained(|| crate::support::Run::from_command(command).run());
        assert_eq!(
            outcome.code, 2,
            "{args:?}: {}{}",
            outcome.stdout, outcome.stderr
        );
        assert!(
            outcome
                .stderr
                .contains("is a git folder inside the files of the repository"),
            "{args:?}: {}",
            outcome.stderr
        );
    }
    // The neighbour: the same command from the clone's top folder works.
    sandbox.contained(|| sandbox.lancelot(NEW_SLICE).run().success());
}

#[test]
fn doctor_stops_as_soon_as_a_template_runs_away() {
    let mut doubling = String::from("{% set s0 = \"xxxxxxxxxxxxxxxx\" %}");
    for step in 1..44 {
        doubling.push_str(&format!("{{% set s{step} = s{0} ~ s{0} %}}", step - 1));
    }
    doubling.push_str("{{ s43 | length }}");
    let sandbox = Sandbox::new();
    sandbox.publish(&[(".lancelot/templates/spec.md.tera", &doubling)], &[]);
    let doctor = sandbox.contained(|| sandbox.lancelot(["doctor"]).run());
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    assert!(
        doctor.stdout.contains("FAIL  templates"),
        "{}",
        doctor.stdout
    );
    assert!(
        doctor.stdout.contains("FAIL  other checks: skipped"),
        "{}",
        doctor.stdout
    );
    assert!(!doctor.stdout.contains("CHANGELOG"), "{}", doctor.stdout);
}

/// Asserts that a run ended as lancelot ends (0, 1 or 2), not with a crash.
#[track_caller]
fn no_crash(outcome: &crate::support::Outcome, what: &str) {
    assert!(
        matches!(outcome.code, 0..=2) && !outcome.stderr.contains("panicked"),
        "{what}: exit {}\n{}",
        outcome.code,
        outcome.stderr
    );
}

#[test]
fn odd_files_submodules_detached_heads_and_worktrees_stop_nothing_else() {
    use std::os::unix::ffi::OsStrExt;
    let repo = crate::support::TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "first", "--yes"])
        .run()
        .success();
    let specs = repo.path().join("docs/specs");
    // A name that is not UTF-8, a binary spec, and a spec over the read limit.
    fs::write(
        specs.join(std::ffi::OsStr::from_bytes(
            b"Lancelot_vNext2_Spec_\xffOdd.md",
        )),
        "- **Status:** In Progress\n",
    )
    .unwrap();
    fs::write(
        specs.join("Lancelot_vNext2_Spec_Binary.md"),
        [&[0u8, 1, 2, 255][..], b"\n- **Status:** Draft\n"].concat(),
    )
    .unwrap();
    repo.commit_all("odd files");
    let huge = fs::File::create(specs.join("Lancelot_vNext2_Spec_Huge.md")).unwrap();
    huge.set_len(33 * 1024 * 1024).unwrap();
    // A submodule inside the docs folders.
    let inner = crate::support::TestRepo::new();
    inner.file("README.md", "inner\n").commit_all("inner");
    repo.git([
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        inner.path().to_str().unwrap(),
        "docs/specs/vendor",
    ]);
    repo.git(["commit", "-qm", "submodule"]);

    for args in [
        &["status"][..],
        &["graph"],
        &["lint"],
        &["doctor"],
        &["check", "--staged"],
        &["check", "--range", "HEAD"],
        &["release", "--dry-run"],
    ] {
        no_crash(&repo.lancelot(args).run(), &args.join(" "));
    }
    // The huge spec is named, and everything else is still there.
    let status = repo.lancelot(["status"]).run().success();
    assert!(
        status.stderr.contains("the slice Huge is left out"),
        "{}",
        status.stderr
    );
    assert!(status.stdout.contains("Alpha") && status.stdout.contains("Binary"));
    let lint = repo.lancelot(["lint"]).run();
    assert!(
        lint.stdout.contains("Spec_Huge.md: cannot be read"),
        "{}",
        lint.stdout
    );
    repo.lancelot(["set-status", "Huge", "approved"])
        .run()
        .refused()
        .stderr_has("the slice Huge cannot be read");

    // Detached, lancelot writes slices; only a release wants a branch.
    let head = repo.rev("HEAD");
    repo.git(["checkout", "-q", "--detach", &head]);
    repo.lancelot(["new-slice", "Beta", "--summary", "b", "--yes"])
        .run()
        .success();
    repo.lancelot(["release", "--dry-run"])
        .run()
        .refused()
        .stderr_has("HEAD is detached");

    // In a linked worktree, the slice lands in that worktree.
    let linked = tempfile::tempdir().unwrap();
    let worktree = linked.path().join("wt");
    repo.git(["worktree", "add", "-q", worktree.to_str().unwrap(), "HEAD"]);
    repo.lancelot_in(&worktree, ["new-slice", "Gamma", "--summary", "g", "--yes"])
        .run()
        .success();
    assert!(
        worktree
            .join("docs/specs/Lancelot_vNext2_Spec_Gamma.md")
            .exists()
    );
    assert!(!repo.exists("docs/specs/Lancelot_vNext2_Spec_Gamma.md"));
    no_crash(
        &repo.lancelot_in(&worktree, ["status"]).run(),
        "status in a worktree",
    );
}
