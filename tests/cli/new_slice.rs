//! `lancelot new-slice`: every artifact, links, dry-run, refusals, rollback, overrides.

use std::path::Path;
use std::process::Command;

use crate::support::{TODAY, TestRepo, assert_refused_unchanged, relative_links};

const SPEC: &str = "docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md";
const BLUEPRINT: &str = "docs/blueprints/Lancelot_vNext2_Blueprint_HealthMonitor.md";
const ARCHITECTURE: &str = "docs/architecture/health_monitor.md";
const RUNBOOK: &str = "docs/operations/runbooks/health_monitor.md";
const MODULE: &str = "src/core/health_monitor.py";
const UNIT_TEST: &str = "tests/unit/test_health_monitor.py";
const INTEGRATION_TEST: &str = "tests/integration/test_health_monitor.py";
const CREATED: [&str; 7] = [
    SPEC,
    BLUEPRINT,
    ARCHITECTURE,
    RUNBOOK,
    MODULE,
    UNIT_TEST,
    INTEGRATION_TEST,
];

fn health_monitor(repo: &TestRepo, extra: &[&str]) -> crate::support::Outcome {
    let mut args = vec![
        "new-slice",
        "Health Monitor",
        "--summary",
        "Watch service health",
        "--yes",
    ];
    args.extend_from_slice(extra);
    repo.lancelot(args).run()
}

#[test]
fn creates_every_artifact_of_the_slice() {
    let repo = TestRepo::new();
    let outcome = health_monitor(
        &repo,
        &[
            "--kind",
            "subsystem",
            "--include",
            "heartbeats",
            "--exclude",
            "paging",
        ],
    )
    .success();
    for path in CREATED {
        assert!(repo.exists(path), "{path} missing");
        assert!(outcome.stdout.contains(path), "{path} not reported");
    }

    let spec = repo.read(SPEC);
    assert!(spec.contains("**Status:** Draft"));
    assert!(spec.contains("**Depends on:** none"));
    assert!(spec.contains("**Scope:**"));
    assert!(spec.contains("**Included:**\n    - heartbeats"));
    assert!(spec.contains("**Excluded:**\n    - paging"));
    assert!(spec.contains("`FEATURE_HEALTH_MONITOR`"));
    assert!(spec.contains("`src/core/health_monitor.py`"));
    assert!(spec.contains("**Version bump:** minor"));
    assert!(spec.contains(&format!("**Created:** {TODAY}")));
    assert!(spec.contains("- new subsystem"));
    for section in [
        "Data Models",
        "Public Methods",
        "Endpoints",
        "Receipts Emitted",
        "Health and Readiness Signals",
    ] {
        let heading = format!("### {section}\n\nTODO:");
        assert!(
            spec.contains(&heading),
            "spec lacks a TODO: {section} section"
        );
    }

    let blueprint = repo.read(BLUEPRINT);
    assert!(blueprint.contains("**Status:** Draft"));
    for section in [
        "## Build Order",
        "## Chunking",
        "### Round 1",
        "### Round 2",
        "## Test Strategy",
        "## Rollout Notes",
    ] {
        assert!(blueprint.contains(section), "blueprint lacks {section}");
    }
    assert!(blueprint.contains("@pytest.mark.integration"));

    let runbook = repo.read(RUNBOOK);
    for field in [
        "running",
        "degraded",
        "stopped",
        "Last activity",
        "Last error",
        "Recovery actions",
        "FEATURE_HEALTH_MONITOR=false",
    ] {
        assert!(runbook.contains(field), "runbook lacks {field}");
    }

    let changelog = repo.read("docs/CHANGELOG.md");
    let unreleased = changelog.split("## [Unreleased]").nth(1).unwrap();
    let added = unreleased.split("### Added").nth(1).unwrap();
    assert!(added.contains("Watch service health"));
    assert!(added.contains("bump: minor"));
    assert!(added.contains("(specs/Lancelot_vNext2_Spec_HealthMonitor.md)"));
    assert!(added.contains("(blueprints/Lancelot_vNext2_Blueprint_HealthMonitor.md)"));

    let env = repo.read(".env.example");
    assert!(
        env.lines()
            .any(|line| line == "FEATURE_HEALTH_MONITOR=false"),
        "{env}"
    );
    assert!(
        env.contains(SPEC),
        "the flag's comment does not point at the spec"
    );

    let module = repo.read(MODULE);
    assert!(module.contains("FLAG = \"FEATURE_HEALTH_MONITOR\""));
    assert!(module.contains("health_monitor.skipped"));
    assert!(module.contains("def health(self)"));
    assert!(
        repo.read(INTEGRATION_TEST)
            .contains("pytest.mark.integration")
    );
}

#[test]
fn every_relative_link_in_every_generated_file_resolves() {
    let repo = TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "First", "--yes"])
        .run()
        .success();
    health_monitor(&repo, &["--depends-on", "alpha"]).success();
    let spec = repo.read(SPEC);
    assert!(
        spec.contains("**Depends on:** [Alpha](Lancelot_vNext2_Spec_Alpha.md)"),
        "{spec}"
    );

    let mut checked = 0;
    for file in CREATED.iter().copied().chain(["docs/CHANGELOG.md"]) {
        let text = repo.read(file);
        let folder = Path::new(file).parent().unwrap();
        for link in relative_links(&text) {
            let target = repo.path().join(folder).join(&link);
            assert!(target.exists(), "{file}: link {link} does not resolve");
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} links checked");
}

#[test]
fn generated_python_compiles_and_its_tests_pass() {
    let repo = TestRepo::new();
    health_monitor(&repo, &[]).success();
    let python = std::env::var("LANCELOT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let compiled = Command::new(&python)
        .args(["-m", "py_compile", MODULE, UNIT_TEST, INTEGRATION_TEST])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );

    let has_pytest = Command::new(&python)
        .args(["-c", "import pytest"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pytest {
        assert!(
            std::env::var_os("LANCELOT_TEST_PYTHON").is_none(),
            "LANCELOT_TEST_PYTHON={python} has no pytest"
        );
        eprintln!("pytest is not installed; `make test` installs it and runs the generated tests");
        return;
    }
    let pytest = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests",
        ])
        .current_dir(repo.path())
        .env_remove("HEALTH_MONITOR_SERVICE_URL")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&pytest.stdout);
    assert!(pytest.status.success(), "generated tests failed:\n{report}");
    assert!(report.contains("5 passed"), "{report}");
    assert!(
        report.contains("1 skipped"),
        "the integration test must skip without its env:\n{report}"
    );
    assert!(report.contains("HEALTH_MONITOR_SERVICE_URL"), "{report}");
}

#[test]
fn every_spelling_names_the_same_slice() {
    for spelling in [
        "Health Monitor",
        "health-monitor",
        "HealthMonitor",
        "health_monitor",
    ] {
        let repo = TestRepo::new();
        repo.lancelot(["new-slice", spelling, "--summary", "x", "--yes"])
            .run()
            .success();
        assert!(repo.exists(SPEC), "{spelling}");
        assert!(repo.exists(MODULE), "{spelling}");
    }
}

#[test]
fn refuses_a_slice_that_exists_under_any_spelling() {
    let repo = TestRepo::new();
    health_monitor(&repo, &[]).success();
    for spelling in ["health-monitor", "HEALTH MONITOR", "healthMonitor"] {
        assert_refused_unchanged(
            &repo,
            &["new-slice", spelling, "--summary", "again", "--yes"],
            "the slice HealthMonitor already exists",
        );
    }
}

#[test]
fn refuses_bad_names_and_writes_nothing() {
    let repo = TestRepo::new();
    let long = "a".repeat(65);
    let cases = [
        ("", "empty"),
        ("   ", "empty"),
        ("docs/evil", "path separator"),
        ("..", "path separator"),
        ("a\\b", "path separator"),
        ("Health\nMonitor", "control character"),
        ("Tab\there", "control character"),
        ("!!!", "no letters or digits"),
        ("2fast", "not a valid identifier"),
        ("Ünïcode", "not a valid identifier"),
        ("class", "reserved word"),
        (long.as_str(), "the limit is 64"),
    ];
    for (name, message) in cases {
        assert_refused_unchanged(
            &repo,
            &["new-slice", name, "--summary", "x", "--yes"],
            message,
        );
    }
    assert!(repo.snapshot().is_empty());
}

#[test]
fn refuses_when_a_target_file_exists_and_leaves_the_tree_unchanged() {
    let repo = TestRepo::new();
    repo.file(MODULE, "# hand-written\n")
        .file("docs/CHANGELOG.md", "# Changelog\n");
    assert_refused_unchanged(
        &repo,
        &["new-slice", "Health Monitor", "--summary", "x", "--yes"],
        "src/core/health_monitor.py already exists",
    );
}

#[test]
fn refuses_a_flag_that_is_already_declared() {
    let repo = TestRepo::new();
    repo.file(".env.example", "FEATURE_HEALTH_MONITOR=true\n");
    assert_refused_unchanged(
        &repo,
        &["new-slice", "Health Monitor", "--summary", "x", "--yes"],
        "FEATURE_HEALTH_MONITOR is already declared in .env.example",
    );
    health_monitor(&repo, &["--flag", "health_v2"]).success();
    assert!(
        repo.read(".env.example")
            .ends_with("FEATURE_HEALTH_V2=false\n")
    );
}

#[test]
fn refuses_unknown_or_self_dependencies() {
    let repo = TestRepo::new();
    repo.lancelot(["new-slice", "Alpha", "--summary", "x", "--yes"])
        .run()
        .success();
    let outcome = repo
        .lancelot([
            "new-slice",
            "Beta",
            "--summary",
            "x",
            "--depends-on",
            "Gamma",
            "--yes",
        ])
        .run()
        .refused()
        .stderr_has("--depends-on Gamma: no such slice")
        .stderr_has("existing slices: Alpha");
    assert!(!outcome.stderr.contains("panicked"));
    assert_refused_unchanged(
        &repo,
        &[
            "new-slice",
            "Beta",
            "--summary",
            "x",
            "--depends-on",
            "beta",
            "--yes",
        ],
        "cannot depend on itself",
    );
}

#[test]
fn refuses_invalid_answers() {
    let repo = TestRepo::new();
    let cases: [(&[&str], &str); 5] = [
        (&["--summary", "  "], "--summary: it is empty"),
        (
            &["--summary", "two\nlines"],
            "--summary: it must be one line",
        ),
        (
            &["--summary", "x", "--flag", "not a flag"],
            "--flag: `not a flag` is not a flag name",
        ),
        (
            &["--summary", "x", "--module", "../outside.py"],
            "--module: `../outside.py` leaves the repository",
        ),
        (
            &["--summary", "x", "--module", "src/core/x.rb"],
            "neither a .py file nor a package folder",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["new-slice", "Health Monitor", "--yes"];
        args.extend_from_slice(extra);
        assert_refused_unchanged(&repo, &args, message);
    }
}

#[test]
fn without_a_terminal_a_missing_summary_fails_at_once() {
    let repo = TestRepo::new();
    assert_refused_unchanged(&repo, &["new-slice", "Health Monitor"], "missing --summary");
    repo.lancelot(["new-slice", "Health Monitor"])
        .run()
        .stderr_has("help: pass --summary");
    assert_refused_unchanged(&repo, &["new-slice", "--summary", "x"], "missing <FEATURE>");
}

#[test]
fn dry_run_prints_every_file_and_writes_nothing() {
    let repo = TestRepo::new();
    repo.file("docs/CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
        .file(".env.example", "A=1\n");
    let before = repo.snapshot();
    let outcome = health_monitor(&repo, &["--dry-run"]).success();
    assert_eq!(repo.snapshot(), before);
    for path in CREATED.iter().chain(&["docs/CHANGELOG.md", ".env.example"]) {
        assert!(outcome.stdout.contains(path), "{path} not listed");
    }
    assert!(outcome.stdout.contains("update  docs/CHANGELOG.md"));
    assert!(
        outcome.stdout.contains("+FEATURE_HEALTH_MONITOR=false"),
        "no diff of the env file"
    );
    assert!(
        outcome.stdout.contains("+### Added"),
        "no diff of the CHANGELOG"
    );
    assert!(outcome.stdout.contains("nothing was written"));

    let json = health_monitor(&repo, &["--dry-run", "--format", "json"])
        .success()
        .json();
    assert_eq!(json["dry_run"], true);
    let changes = json["changes"].as_array().unwrap();
    // Seven artifacts, the CHANGELOG, the env file and two new test packages.
    assert_eq!(changes.len(), 11);
    assert!(changes.iter().all(|c| c["contents"].is_string()));
    assert_eq!(repo.snapshot(), before);
}

#[test]
fn json_output_lists_what_was_written() {
    let repo = TestRepo::new();
    let json = health_monitor(&repo, &["--format", "json", "--bump", "major"])
        .success()
        .json();
    assert_eq!(json["feature"]["pascal"], "HealthMonitor");
    assert_eq!(json["feature"]["snake"], "health_monitor");
    assert_eq!(json["flag"], "FEATURE_HEALTH_MONITOR");
    assert_eq!(json["bump"], "major");
    let paths: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths[0], SPEC);
    assert!(paths.contains(&"docs/CHANGELOG.md"));
    assert!(repo.read("docs/CHANGELOG.md").contains("bump: major"));
}

#[test]
fn a_file_where_a_folder_must_go_is_refused_before_anything_is_written() {
    let repo = TestRepo::new();
    // `src/core` is a file, so the module's folder cannot be created. The plan sees it
    // before the documents, the CHANGELOG and the env file are written (a failure
    // while writing is rolled back: see the unit tests of `apply`).
    repo.file(
        "docs/CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- a bug\n",
    )
    .file(".env.example", "DATABASE_URL=postgres://localhost\n")
    .file("src/core", "not a folder\n");
    let before = repo.snapshot();
    health_monitor(&repo, &[])
        .refused()
        .stderr_has("error: src/core is not a folder");
    assert_eq!(repo.snapshot(), before, "something was written");
}

#[test]
fn a_repository_template_replaces_the_built_in_one() {
    let repo = TestRepo::new();
    repo.file(
        ".lancelot/templates/spec.md.tera",
        "# {{ feature.title }}\n\n**Status:** Draft\n{% include \"owner.tera\" %}\n",
    )
    .file(
        ".lancelot/templates/owner.tera",
        "Owner: platform team of {{ project.name }}",
    );
    health_monitor(&repo, &[]).success();
    assert_eq!(
        repo.read(SPEC),
        "# Health Monitor\n\n**Status:** Draft\nOwner: platform team of Lancelot\n"
    );
    assert!(
        repo.read(BLUEPRINT).contains("## Build Order"),
        "other templates stay built-in"
    );
}

#[test]
fn a_broken_template_is_named_and_nothing_is_written() {
    let repo = TestRepo::new();
    repo.file(".lancelot/templates/runbook.md.tera", "{{ feature.title ");
    assert_refused_unchanged(
        &repo,
        &["new-slice", "Health Monitor", "--summary", "x", "--yes"],
        ".lancelot/templates/runbook.md.tera",
    );
    repo.file(
        ".lancelot/templates/runbook.md.tera",
        "{{ no_such_variable }}",
    );
    assert_refused_unchanged(
        &repo,
        &["new-slice", "Health Monitor", "--summary", "x", "--yes"],
        "no_such_variable",
    );
}

#[test]
fn works_from_a_subdirectory_and_with_dash_c() {
    let repo = TestRepo::new();
    repo.file("docs/notes/readme.md", "x");
    repo.lancelot_in(
        &repo.path().join("docs/notes"),
        ["new-slice", "Alpha", "--summary", "x", "--yes"],
    )
    .run()
    .success();
    assert!(repo.exists("docs/specs/Lancelot_vNext2_Spec_Alpha.md"));
    assert!(!repo.exists("docs/notes/docs"));

    let elsewhere = tempfile::tempdir().unwrap();
    let dir = repo.path().join("docs/notes").display().to_string();
    repo.lancelot_in(
        elsewhere.path(),
        ["-C", &dir, "new-slice", "Beta", "--summary", "x", "--yes"],
    )
    .run()
    .success();
    assert!(repo.exists("docs/specs/Lancelot_vNext2_Spec_Beta.md"));
}

#[test]
fn outside_a_repository_it_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let repo = TestRepo::new();
    let outcome = repo
        .lancelot_in(
            dir.path(),
            ["new-slice", "Alpha", "--summary", "x", "--yes"],
        )
        .run()
        .refused()
        .stderr_has("not inside a git repository")
        .stderr_has("help:");
    assert!(outcome.stdout.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    repo.lancelot([
        "-C",
        "no/such/dir",
        "new-slice",
        "Alpha",
        "--summary",
        "x",
        "--yes",
    ])
    .run()
    .refused()
    .stderr_has("does not exist");
}

#[test]
fn follows_the_configured_paths_and_names() {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[project]\nname = \"Acme\"\ngeneration = \"v3\"\n[paths]\nspecs = \"design/specs\"\nmodules = \"app\"\nchangelog = \"CHANGELOG.md\"\nenv_file = \"config/flags.env\"\n",
    );
    repo.lancelot(["new-slice", "Scheduler", "--summary", "Run jobs", "--yes"])
        .run()
        .success();
    assert!(repo.exists("design/specs/Acme_v3_Spec_Scheduler.md"));
    assert!(repo.exists("docs/blueprints/Acme_v3_Blueprint_Scheduler.md"));
    assert!(repo.exists("app/scheduler.py"));
    assert!(
        repo.read("CHANGELOG.md")
            .contains("(design/specs/Acme_v3_Spec_Scheduler.md)")
    );
    assert!(
        repo.read("config/flags.env")
            .contains("FEATURE_SCHEDULER=false")
    );
    let blueprint = repo.read("docs/blueprints/Acme_v3_Blueprint_Scheduler.md");
    assert!(
        blueprint.contains("(../../design/specs/Acme_v3_Spec_Scheduler.md)"),
        "{blueprint}"
    );
}

#[test]
fn an_unknown_config_key_names_the_key_and_the_file() {
    let repo = TestRepo::new();
    repo.file("lancelot.toml", "[paths]\nspecz = \"docs/specs\"\n");
    assert_refused_unchanged(
        &repo,
        &["new-slice", "Alpha", "--summary", "x", "--yes"],
        "specz",
    );
    repo.lancelot(["new-slice", "Alpha", "--summary", "x", "--yes"])
        .run()
        .stderr_has("lancelot.toml");
}

#[test]
fn an_explicit_config_file_replaces_lancelot_toml() {
    let repo = TestRepo::new();
    repo.file("lancelot.toml", "[paths]\nmodules = \"wrong\"\n")
        .file("ci/lancelot.toml", "[paths]\nmodules = \"right\"\n");
    repo.lancelot([
        "--config",
        "ci/lancelot.toml",
        "new-slice",
        "Alpha",
        "--summary",
        "x",
        "--yes",
    ])
    .run()
    .success();
    assert!(repo.exists("right/alpha.py"));
    repo.lancelot([
        "--config",
        "missing.toml",
        "new-slice",
        "Beta",
        "--summary",
        "x",
        "--yes",
    ])
    .run()
    .refused()
    .stderr_has("missing.toml");
}

#[test]
fn a_package_folder_can_own_the_slice() {
    let repo = TestRepo::new();
    repo.lancelot([
        "new-slice",
        "Scheduler",
        "--summary",
        "x",
        "--module",
        "src/core/scheduler/",
        "--yes",
    ])
    .run()
    .success();
    assert!(repo.exists("src/core/scheduler/__init__.py"));
    let spec = repo.read("docs/specs/Lancelot_vNext2_Spec_Scheduler.md");
    assert!(spec.contains("`src/core/scheduler/__init__.py`"));
    assert!(
        repo.read("tests/unit/test_scheduler.py")
            .contains("src/core/scheduler/__init__.py")
    );
}

#[test]
fn another_module_language_needs_its_own_templates() {
    let repo = TestRepo::new();
    repo.file("lancelot.toml", "[paths]\nmodule_ext = \"kt\"\nmodules = \"src\"\nunit_tests = \"tests\"\nintegration_tests = \"tests/it\"\n");
    assert_refused_unchanged(
        &repo,
        &["new-slice", "Alpha", "--summary", "x", "--yes"],
        "no template module.kt.tera",
    );
    repo.file(".lancelot/templates/module.kt.tera", "// {{ summary }}\n")
        .file(".lancelot/templates/unit_test.kt.tera", "// unit\n")
        .file(".lancelot/templates/integration_test.kt.tera", "// it\n");
    repo.lancelot(["new-slice", "Alpha", "--summary", "Kotlin", "--yes"])
        .run()
        .success();
    assert_eq!(repo.read("src/alpha.kt"), "// Kotlin\n");
    assert!(repo.exists("tests/test_alpha.kt"));
}

/// A Cargo package as `init` configures it: modules in `src`, integration tests in
/// `tests`, Rust templates.
fn rust_package(lib: bool) -> TestRepo {
    let repo = TestRepo::new();
    repo.file(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
    )
    .file(
        "lancelot.toml",
        "[paths]\nmodules = \"src\"\nmodule_ext = \"rs\"\nunit_tests = \"src\"\nintegration_tests = \"tests\"\n",
    );
    if lib {
        repo.file("src/lib.rs", "//! Demo.\n\npub mod existing;\n")
            .file("src/existing.rs", "//! Existing.\n");
    } else {
        repo.file("src/main.rs", "fn main() {\n    println!(\"demo\");\n}\n");
    }
    repo
}

/// Runs `cargo test` in the repository; its output.
fn cargo_test(repo: &TestRepo) -> String {
    let target = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet"])
        .current_dir(repo.path())
        .env("CARGO_TARGET_DIR", target.path())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "cargo test failed:\n{text}");
    text
}

#[test]
fn a_rust_slice_is_compiled_and_tested_by_cargo() {
    for lib in [true, false] {
        let repo = rust_package(lib);
        repo.lancelot(["new-slice", "Health Monitor", "--summary", "x", "--yes"])
            .run()
            .success();
        let module = repo.read("src/health_monitor.rs");
        assert!(module.contains("#[cfg(test)]\nmod tests {"), "{module}");
        assert!(!repo.exists("src/test_health_monitor.rs"));
        let integration = repo.read("tests/health_monitor.rs");
        assert!(
            integration.contains("#[path = \"../src/health_monitor.rs\"]"),
            "{integration}"
        );
        let owner = if lib { "src/lib.rs" } else { "src/main.rs" };
        let declared = if lib {
            "pub mod existing;\npub mod health_monitor;\n"
        } else {
            "\n#[allow(dead_code)] // until main wires the slice in\nmod health_monitor;\n"
        };
        assert!(repo.read(owner).contains(declared), "{}", repo.read(owner));
        let output = cargo_test(&repo);
        // The unit tests run in the crate, the integration test in tests/.
        // (The integration test includes the module, its unit tests with it.)
        assert!(output.contains("test result: ok. 4 passed"), "{output}");
        assert!(output.contains("test result: ok. 5 passed"), "{output}");
        assert!(!output.contains("warning"), "{output}");
    }
}

#[test]
fn typescript_and_go_slices_follow_their_conventions() {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[paths]\nmodules = \"src\"\nmodule_ext = \"ts\"\nunit_tests = \"src\"\nintegration_tests = \"tests\"\n",
    );
    repo.lancelot(["new-slice", "Health Monitor", "--summary", "x", "--yes"])
        .run()
        .success();
    assert!(
        repo.read("src/health-monitor.ts")
            .contains("export class HealthMonitor")
    );
    assert!(
        repo.read("src/health-monitor.test.ts")
            .contains("import * as mod from \"./health-monitor\";")
    );
    assert!(
        repo.read("tests/health-monitor.integration.test.ts")
            .contains("from \"../src/health-monitor\";")
    );

    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[paths]\nmodules = \"internal\"\nmodule_ext = \"go\"\n",
    );
    repo.lancelot(["new-slice", "Health Monitor", "--summary", "x", "--yes"])
        .run()
        .success();
    for (file, expected) in [
        (
            "internal/healthmonitor/health_monitor.go",
            "package healthmonitor\n",
        ),
        (
            "internal/healthmonitor/health_monitor_test.go",
            "func TestFlagIsOffByDefault",
        ),
        (
            "internal/healthmonitor/health_monitor_integration_test.go",
            "//go:build integration\n",
        ),
    ] {
        assert!(repo.read(file).contains(expected), "{file}");
    }
}

#[test]
fn keeps_hand_written_changelog_content() {
    let repo = TestRepo::new();
    let before = "# Changelog\n\nOur own words.\n\n## [Unreleased]\n\n### Added\n\n- **Alpha**: first\n\n### Fixed\n\n- a bug\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- the start\n\n[1.0.0]: https://example.com/v1.0.0\n";
    repo.file("docs/CHANGELOG.md", before);
    health_monitor(&repo, &[]).success();
    let after = repo.read("docs/CHANGELOG.md");
    let entry = after
        .lines()
        .find(|line| line.contains("Health Monitor"))
        .unwrap();
    assert_eq!(after.replacen(&format!("{entry}\n"), "", 1), before);
    assert!(
        after.contains("- **Alpha**: first\n- **Health Monitor**"),
        "{after}"
    );
}

#[test]
fn writes_files_only_and_leaves_git_state_to_the_user() {
    let repo = TestRepo::new();
    repo.file("README.md", "hello\n").commit_all("initial");
    let head = repo.git(["rev-parse", "HEAD"]);
    health_monitor(&repo, &[]).success();
    assert_eq!(repo.git(["rev-parse", "HEAD"]), head);
    assert_eq!(
        repo.git(["diff", "--cached", "--name-only"]),
        "",
        "nothing is staged"
    );
    let untracked = repo.git(["status", "--porcelain", "--untracked-files=all"]);
    assert!(untracked.contains(&format!("?? {SPEC}")), "{untracked}");
}

/// The Python that runs generated code in these tests.
fn python() -> String {
    std::env::var("LANCELOT_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

#[test]
fn a_name_the_language_cannot_use_is_refused_with_the_reason() {
    let repo = TestRepo::new();
    for (name, shown) in [
        ("None", "the Python class `None`, a reserved word"),
        ("true", "the Python class `True`, a reserved word"),
        ("False", "the Python class `False`, a reserved word"),
        ("lambda", "the Python module `lambda`, a reserved word"),
        (
            "Health",
            "the Python class `Health`, which the built-in templates already declare or use",
        ),
    ] {
        assert_refused_unchanged(
            &repo,
            &["new-slice", name, "--summary", "x", "--yes"],
            shown,
        );
    }
    repo.lancelot(["new-slice", "None", "--summary", "x", "--yes"])
        .run()
        .refused()
        .stderr_has("add a word to the name, e.g. \"None Service\"");
    // The wizard refuses before asking anything else (no terminal: it would fail on
    // the missing summary otherwise).
    repo.lancelot(["new-slice", "None"])
        .run()
        .refused()
        .stderr_has("reserved word");

    // A module named like a standard library module is loaded under a name of its own
    // by its tests, so it shadows nothing.
    for (name, test) in [
        ("Sys", "tests/unit/test_sys.py"),
        ("Dataclasses", "tests/unit/test_dataclasses.py"),
    ] {
        repo.lancelot(["new-slice", name, "--summary", "x", "--yes"])
            .run()
            .success();
        let ran = run_python_unit_tests(&repo, test);
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
    }

    // With the repository's own module templates, `Health` is the repository's call.
    repo.file(
        ".lancelot/templates/module.py.tera",
        "class {{ feature.pascal }}:\n    pass\n",
    )
    .file(".lancelot/templates/unit_test.py.tera", "# unit\n")
    .file(".lancelot/templates/integration_test.py.tera", "# it\n");
    repo.lancelot(["new-slice", "Health", "--summary", "x", "--yes"])
        .run()
        .success();
    assert_eq!(repo.read("src/core/health.py"), "class Health:\n    pass\n");
    assert_refused_unchanged(
        &repo,
        &["new-slice", "None", "--summary", "x", "--yes"],
        "reserved word",
    );
}

#[test]
fn rust_and_go_names_are_checked_against_their_languages() {
    let repo = rust_package(true);
    for (name, shown) in [
        ("type", "the Rust module `type`, a reserved word"),
        ("Self Check", "create  src/self_check.rs"),
        (
            "Option",
            "the Rust struct `Option`, which the built-in templates",
        ),
        ("std", "the Rust module `std`, which the built-in templates"),
        (
            "main",
            "the Rust file `main.rs`, which Cargo reads as a crate root",
        ),
    ] {
        if name == "Self Check" {
            // A name with more words is fine: only whole identifiers clash.
            repo.lancelot(["new-slice", name, "--summary", "x", "--yes", "--dry-run"])
                .run()
                .success()
                .stdout_has(shown);
            continue;
        }
        assert_refused_unchanged(
            &repo,
            &["new-slice", name, "--summary", "x", "--yes"],
            shown,
        );
    }

    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[paths]\nmodules = \"internal\"\nmodule_ext = \"go\"\n",
    );
    for (name, shown) in [
        (
            "Fall Through",
            "the Go package `fallthrough`, a reserved word",
        ),
        ("New", "the Go type `New`, which the built-in templates"),
        (
            "Load Test",
            "the Go file `load_test.go`, which the Go tools read as a test file or a build constraint",
        ),
        ("Support Windows", "the Go file `support_windows.go`"),
    ] {
        assert_refused_unchanged(
            &repo,
            &["new-slice", name, "--summary", "x", "--yes"],
            shown,
        );
    }
    repo.lancelot(["new-slice", "Windows", "--summary", "x", "--yes"])
        .run()
        .success();
    assert!(repo.exists("internal/windows/windows.go"));
}

/// Runs every `test_*` function of a generated Python unit test file (no pytest
/// needed); the generated module is loaded and exercised with it.
fn run_python_unit_tests(repo: &TestRepo, file: &str) -> std::process::Output {
    const RUNNER: &str = "import importlib.util, sys\n\
spec = importlib.util.spec_from_file_location('generated_tests', sys.argv[1])\n\
tests = importlib.util.module_from_spec(spec)\n\
spec.loader.exec_module(tests)\n\
ran = [getattr(tests, name)() for name in dir(tests) if name.startswith('test_')]\n\
assert ran, 'no tests'\n";
    Command::new(python())
        .args(["-c", RUNNER, file])
        .current_dir(repo.path())
        .output()
        .unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any name either is refused (exit 2, nothing written) or yields files inside the
    /// repository whose Python compiles and whose unit tests pass.
    #[test]
    fn every_accepted_name_yields_working_code_inside_the_repository(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "None", "true", "class", "Health", "Receipt", "Dict", "Os", "Sys", "Time",
                "type", "Self", "Option", "main", "Load", "Test", "Set", "New", "Status",
                "Monitor", "x2", "API", "v2", "..", "é", "2", "_", "Calendar", "Typing",
            ]),
            1..=3,
        ),
        separator in proptest::sample::select(vec![" ", "-", "_", ""]),
    ) {
        let name = words.join(separator);
        let repo = TestRepo::new();
        let before = repo.state();
        let outcome = repo
            .lancelot(["new-slice", name.as_str(), "--summary", "x", "--yes", "--format", "json"])
            .run();
        if outcome.code != 0 {
            proptest::prop_assert_eq!(outcome.code, 2, "{}", outcome.stderr);
            proptest::prop_assert_eq!(repo.state(), before);
            return Ok(());
        }
        let report = outcome.json();
        let root = repo.path().canonicalize().unwrap();
        let mut unit_test = None;
        for change in report["changes"].as_array().unwrap() {
            let path = change["path"].as_str().unwrap();
            let full = repo.path().join(path).canonicalize().unwrap();
            proptest::prop_assert!(full.starts_with(&root), "{} is outside", path);
            if path.starts_with("tests/unit/") && path.ends_with(".py") {
                unit_test = Some(path.to_owned());
            }
        }
        let unit_test = unit_test.unwrap();
        let ran = run_python_unit_tests(&repo, &unit_test);
        proptest::prop_assert!(
            ran.status.success(),
            "{}: {}",
            name,
            String::from_utf8_lossy(&ran.stderr)
        );
    }
}

/// Whether every line of `text` ends in CRLF.
fn all_crlf(text: &str) -> bool {
    text.matches('\n').count() == text.matches("\r\n").count()
}

#[test]
fn edited_files_keep_their_line_ends_and_byte_order_mark() {
    let repo = TestRepo::new();
    let changelog = "\u{feff}# Changelog\r\n\r\n## [Unreleased]\r\n\r\n### Added\r\n\r\n- **Old**: kept\r\n\r\n## [1.0.0] - 2026-01-01\r\n\r\n- start\r\n";
    let env = "# Flags\r\nFEATURE_OLD=false\r\n";
    repo.file("docs/CHANGELOG.md", changelog)
        .file(".env.example", env);
    health_monitor(&repo, &[]).success();
    let after = repo.read("docs/CHANGELOG.md");
    assert!(after.starts_with('\u{feff}'), "{after:?}");
    assert!(all_crlf(&after), "mixed line ends: {after:?}");
    assert!(
        after.contains("- **Old**: kept\r\n- **Health Monitor**"),
        "{after:?}"
    );
    // Nothing else changed: the entry is the only new line.
    let entry = after
        .split("\r\n")
        .find(|line| line.contains("Health Monitor"))
        .unwrap();
    assert_eq!(after.replacen(&format!("{entry}\r\n"), "", 1), changelog);
    let env_after = repo.read(".env.example");
    assert!(env_after.starts_with(env), "{env_after:?}");
    assert!(all_crlf(&env_after), "mixed line ends: {env_after:?}");
    assert!(env_after.ends_with("FEATURE_HEALTH_MONITOR=false\r\n"));
    assert_eq!(env_after.matches("\r\n\r\n").count(), 1, "{env_after:?}");

    // A file that already mixes line ends is not rewritten: only the edit is new.
    let repo = TestRepo::new();
    let mixed = "# Flags\r\nFEATURE_OLD=false\n";
    repo.file(".env.example", mixed);
    health_monitor(&repo, &[]).success();
    assert!(repo.read(".env.example").starts_with(mixed));
}
