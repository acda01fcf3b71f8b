//! The lifecycle and the War Room: set-status gates, lint, status, graph, receipts,
//! doctor, in real repositories.

use crate::support::{TestRepo, isolate};

const SPEC: &str = "docs/specs/Lancelot_vNext2_Spec_Alpha.md";
const BLUEPRINT: &str = "docs/blueprints/Lancelot_vNext2_Blueprint_Alpha.md";

fn scaffolded(names: &[&str]) -> TestRepo {
    let repo = TestRepo::new();
    for name in names {
        repo.lancelot(["new-slice", name, "--summary", "A slice", "--yes"])
            .run()
            .success();
    }
    repo.commit_all("slices");
    repo
}

/// Replaces every `TODO:` placeholder of a file with written text.
fn fill(repo: &TestRepo, path: &str) {
    let text: Vec<String> = repo
        .read(path)
        .lines()
        .map(|line| match line.find("TODO:") {
            Some(at) => format!("{}Written down.", &line[..at]),
            None => line.to_owned(),
        })
        .collect();
    repo.file(path, &(text.join("\n") + "\n"));
}

fn findings(repo: &TestRepo) -> Vec<serde_json::Value> {
    let outcome = repo.lancelot(["lint", "--format", "json"]).run();
    let json = outcome.json();
    let findings = json["findings"].as_array().unwrap().clone();
    assert_eq!(outcome.code, if findings.is_empty() { 0 } else { 1 });
    findings
}

#[track_caller]
fn assert_finding(repo: &TestRepo, problem: &str) {
    let found = findings(repo);
    assert!(
        found
            .iter()
            .any(|f| f["problem"].as_str().unwrap().contains(problem)),
        "no finding {problem:?} in {found:#?}"
    );
    for finding in &found {
        for key in ["slice", "file", "problem", "fix"] {
            assert!(finding[key].is_string(), "{finding}");
        }
    }
}

#[test]
fn the_gates_lead_a_slice_from_draft_to_done() {
    let repo = scaffolded(&["Alpha"]);
    let before = repo.snapshot();
    let refused = repo
        .lancelot(["set-status", "alpha", "approved"])
        .run()
        .refused();
    for section in [
        "Data Models",
        "Public Methods",
        "Endpoints",
        "Receipts Emitted",
        "Health and Readiness Signals",
        "Scope",
    ] {
        assert!(
            refused.stderr.contains(&format!("\"{section}\"")),
            "{section} not named:\n{}",
            refused.stderr
        );
    }
    assert_eq!(repo.snapshot(), before);

    repo.lancelot(["set-status", "Alpha", "in-progress"])
        .run()
        .refused()
        .stderr_has("must be Approved first")
        .stderr_has("lancelot set-status Alpha approved");

    fill(&repo, SPEC);
    repo.lancelot(["set-status", "alpha", "Approved"])
        .run()
        .success()
        .stdout_has("Moved Alpha from Draft to Approved");
    assert!(repo.read(SPEC).contains("- **Status:** Approved\n"));
    assert!(
        repo.read(BLUEPRINT).contains("- **Status:** Approved\n"),
        "spec and blueprint move together"
    );

    let refused = repo
        .lancelot(["set-status", "alpha", "in_progress"])
        .run()
        .refused();
    for section in [
        "Build Order",
        "Round 1",
        "Round 2",
        "Test Strategy",
        "Rollout Notes",
    ] {
        assert!(
            refused
                .stderr
                .contains(&format!("blueprint's \"{section}\"")),
            "{section}:\n{}",
            refused.stderr
        );
    }
    fill(&repo, BLUEPRINT);
    std::fs::remove_file(repo.path().join("docs/operations/runbooks/alpha.md")).unwrap();
    repo.lancelot(["set-status", "alpha", "in progress"])
        .run()
        .refused()
        .stderr_has("the runbook docs/operations/runbooks/alpha.md is missing");
    repo.git(["checkout", "--", "docs/operations/runbooks/alpha.md"]);
    repo.lancelot(["set-status", "alpha", "in-progress"])
        .run()
        .success();
    repo.commit_all("alpha in progress");

    let base = repo.rev("HEAD");
    repo.lancelot(["set-status", "alpha", "done"])
        .run()
        .success();
    let diff = repo.git(["diff", "--stat"]);
    assert!(
        diff.contains("2 files changed, 2 insertions(+), 2 deletions(-)"),
        "only the status lines: {diff}"
    );
    repo.commit_all("alpha done");
    repo.lancelot(["check", "--range", &format!("{base}..HEAD")])
        .run()
        .success();

    let types = repo.receipt_types();
    assert!(types.contains(&"slice.status_refused".to_owned()));
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "slice.status_changed")
            .count(),
        3
    );
}

#[test]
fn superseded_by_fills_its_line_and_passes_the_freeze() {
    let repo = scaffolded(&["Alpha", "Beta"]);
    for path in [SPEC, BLUEPRINT] {
        let text = repo
            .read(path)
            .replacen("**Status:** Draft", "**Status:** In Progress", 1);
        repo.file(path, &text);
    }
    repo.commit_all("alpha frozen");
    let base = repo.rev("HEAD");
    // A slice is never superseded by itself.
    let before = repo.read(SPEC);
    repo.lancelot(["set-status", "Alpha", "superseded", "--by", "alpha"])
        .run()
        .refused()
        .stderr_has("a slice cannot supersede itself");
    assert_eq!(repo.read(SPEC), before);
    repo.lancelot(["set-status", "Alpha", "superseded", "--by", "beta"])
        .run()
        .success();
    // Asking again for what is written changes nothing and succeeds.
    let written = repo.read(SPEC);
    repo.lancelot(["set-status", "Alpha", "superseded", "--by", "beta"])
        .run()
        .success();
    repo.lancelot(["set-status", "Alpha", "superseded"])
        .run()
        .success();
    assert_eq!(repo.read(SPEC), written);
    let spec = repo.read(SPEC);
    assert!(
        spec.contains(
            "- **Status:** Superseded\n- **Superseded by:** [Beta](Lancelot_vNext2_Spec_Beta.md)\n"
        ),
        "{spec}"
    );
    assert!(
        repo.read(BLUEPRINT)
            .contains("**Superseded by:** [Beta](../specs/Lancelot_vNext2_Spec_Beta.md)")
    );
    repo.commit_all("alpha superseded");
    repo.lancelot(["check", "--range", &format!("{base}..HEAD")])
        .run()
        .success();
}

#[test]
fn a_frozen_slice_never_goes_back_and_follows_only_the_transitions() {
    let repo = scaffolded(&["Alpha"]);
    for path in [SPEC, BLUEPRINT] {
        let text = repo
            .read(path)
            .replacen("**Status:** Draft", "**Status:** Done", 1);
        repo.file(path, &text);
    }
    for target in ["draft", "approved", "in-progress"] {
        repo.lancelot(["set-status", "Alpha", target])
            .run()
            .refused()
            .stderr_has("frozen")
            .stderr_has("lancelot new-slice AlphaV2 --depends-on Alpha");
    }
    repo.lancelot(["set-status", "Alpha", "done"])
        .run()
        .success()
        .stdout_has("already Done");

    let repo = scaffolded(&["Alpha"]);
    repo.lancelot(["set-status", "Alpha", "done"])
        .run()
        .refused()
        .stderr_has("the freeze does not allow Draft -> Done")
        .stderr_has("In Progress -> Done");
    repo.lancelot(["set-status", "Alpha", "finished"])
        .run()
        .refused()
        .stderr_has("is not a status");
    repo.lancelot(["set-status", "Gamma", "done"])
        .run()
        .refused()
        .stderr_has("no slice named Gamma")
        .stderr_has("slices: Alpha");
}

#[test]
fn a_fresh_slice_lints_clean() {
    let repo = scaffolded(&["Alpha", "Beta"]);
    repo.lancelot([
        "new-slice",
        "Gamma",
        "--summary",
        "x",
        "--depends-on",
        "Alpha",
        "--yes",
    ])
    .run()
    .success();
    assert_eq!(findings(&repo), Vec::<serde_json::Value>::new());
    repo.lancelot(["lint"])
        .run()
        .success()
        .stdout_has("3 slice(s) checked, no findings");
}

#[test]
fn lint_finds_every_missing_artifact() {
    let cases: [(&str, &str); 5] = [
        (BLUEPRINT, "the blueprint is missing"),
        (
            "docs/architecture/alpha.md",
            "the architecture note is missing",
        ),
        (
            "docs/operations/runbooks/alpha.md",
            "the runbook is missing",
        ),
        ("src/core/alpha.py", "the owning module is missing"),
        (".env.example", "the flag FEATURE_ALPHA is not declared"),
    ];
    for (path, problem) in cases {
        let repo = scaffolded(&["Alpha"]);
        std::fs::remove_file(repo.path().join(path)).unwrap();
        assert_finding(&repo, problem);
    }
}

#[test]
fn lint_finds_broken_documents() {
    let repo = scaffolded(&["Alpha"]);
    repo.file("docs/CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n");
    assert_finding(&repo, "no CHANGELOG entry links the spec and the blueprint");

    let repo = scaffolded(&["Alpha"]);
    let spec = repo
        .read(SPEC)
        .replace("**Status:** Draft", "**Status:** In Prgress");
    repo.file(SPEC, &spec);
    assert_finding(&repo, "status `In Prgress` is not a status lancelot knows");
    assert_finding(&repo, "the blueprint is Draft but the spec is In Prgress");

    let repo = scaffolded(&["Alpha"]);
    let spec = repo
        .read(SPEC)
        .replace("**Status:** Draft", "**Status:** Approved");
    repo.file(SPEC, &spec);
    assert_finding(
        &repo,
        "the spec's \"Data Models\" section is not written (TODO:)",
    );

    let repo = scaffolded(&["Alpha"]);
    let spec = repo.read(SPEC).replace(
        "**Depends on:** none",
        "**Depends on:** [Ghost](Lancelot_vNext2_Spec_Ghost.md)",
    );
    repo.file(SPEC, &spec);
    assert_finding(
        &repo,
        "Depends on names Lancelot_vNext2_Spec_Ghost.md, which is not a slice",
    );

    let repo = scaffolded(&["Alpha"]);
    let spec: String = repo
        .read(SPEC)
        .lines()
        .filter(|l| !l.contains("**Blueprint:**"))
        .map(|l| format!("{l}\n"))
        .collect();
    repo.file(SPEC, &spec);
    assert_finding(&repo, "the spec does not link its blueprint");

    let repo = scaffolded(&["Alpha"]);
    let env = repo.read(".env.example");
    repo.file(".env.example", &format!("{env}FEATURE_ORPHAN=true\n"));
    assert_finding(&repo, "FEATURE_ORPHAN gates no slice");
}

#[test]
fn lint_finds_dependency_cycles() {
    let repo = scaffolded(&["Alpha", "Beta"]);
    let link = |name: &str| format!("**Depends on:** [{name}](Lancelot_vNext2_Spec_{name}.md)");
    let alpha = repo
        .read(SPEC)
        .replace("**Depends on:** none", &link("Beta"));
    repo.file(SPEC, &alpha);
    let beta_path = "docs/specs/Lancelot_vNext2_Spec_Beta.md";
    let beta = repo
        .read(beta_path)
        .replace("**Depends on:** none", &link("Alpha"));
    repo.file(beta_path, &beta);
    assert_finding(&repo, "dependency cycle: Alpha -> Beta -> Alpha");
    repo.lancelot(["lint"]).run().stdout_has("fix:");
}

#[test]
fn the_board_in_every_format() {
    let repo = scaffolded(&["Alpha"]);
    repo.lancelot([
        "new-slice",
        "Beta",
        "--summary",
        "x",
        "--depends-on",
        "Alpha",
        "--bump",
        "patch",
        "--yes",
    ])
    .run()
    .success();
    std::fs::remove_file(repo.path().join("src/core/beta.py")).unwrap();

    // By default, narrow enough for an 80-column terminal.
    let text = repo.lancelot(["status"]).run().success().stdout;
    assert!(text.starts_with("FEATURE"), "{text}");
    assert!(
        text.lines().all(|line| line.chars().count() <= 80),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Alpha") && l.contains("Draft") && l.ends_with("2026-03-01")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Beta") && l.contains("module") && l.contains("uncommitted")),
        "{text}"
    );
    // Every column with --wide.
    let wide = repo.lancelot(["status", "--wide"]).run().success().stdout;
    assert!(
        wide.lines().any(|l| l.starts_with("Alpha")
            && l.contains("FEATURE_ALPHA")
            && l.contains("2026-03-01 Ada Tester")),
        "{wide}"
    );
    assert!(
        wide.lines()
            .any(|l| l.starts_with("Beta") && l.contains("NO") && l.contains("uncommitted")),
        "{wide}"
    );

    let rows = repo
        .lancelot(["status", "--format", "json"])
        .run()
        .success()
        .json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["feature"], "Alpha");
    assert_eq!(rows[0]["status"], "Draft");
    assert_eq!(rows[0]["flag"], "FEATURE_ALPHA");
    assert_eq!(rows[0]["bump"], "minor");
    assert_eq!(rows[0]["last_commit"]["author"], "Ada Tester");
    assert_eq!(rows[0]["last_commit"]["date"], "2026-03-01");
    assert_eq!(rows[1]["artifacts"]["module"], false);
    assert_eq!(rows[1]["depends_on"][0], "Alpha");

    let one = repo
        .lancelot(["status", "beta", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(one.as_array().unwrap().len(), 1);

    let md = repo
        .lancelot(["status", "--format", "md"])
        .run()
        .success()
        .stdout;
    assert!(md.contains("| Feature | Status | Flag |"), "{md}");
    assert!(md.contains("| Alpha | Draft | `FEATURE_ALPHA` |"), "{md}");
    assert!(md.contains("```mermaid\ngraph LR\n"), "{md}");
    assert!(md.contains("Beta -->|depends on| Alpha"), "{md}");
}

#[test]
fn the_graph_is_coloured_by_status() {
    let repo = scaffolded(&["Alpha"]);
    repo.lancelot([
        "new-slice",
        "Beta",
        "--summary",
        "x",
        "--depends-on",
        "Alpha",
        "--yes",
    ])
    .run()
    .success();
    let text = repo
        .read(SPEC)
        .replace("**Status:** Draft", "**Status:** In Progress");
    repo.file(SPEC, &text);
    let mermaid = repo.lancelot(["graph"]).run().success().stdout;
    assert!(
        mermaid.contains("Alpha[\"Alpha<br/>In Progress\"]:::inprogress"),
        "{mermaid}"
    );
    assert!(mermaid.contains("Beta[\"Beta<br/>Draft\"]:::draft"));
    assert!(mermaid.contains("classDef inprogress fill:#fde68a"));
    let dot = repo
        .lancelot(["graph", "--format", "dot"])
        .run()
        .success()
        .stdout;
    assert!(dot.starts_with("digraph slices {"));
    assert!(
        dot.contains("\"Alpha\" [label=\"Alpha\\nIn Progress\", fillcolor=\"#fde68a\"];"),
        "{dot}"
    );
    assert!(dot.contains("\"Beta\" -> \"Alpha\""));
    let json = repo
        .lancelot(["graph", "--format", "json"])
        .run()
        .success()
        .json();
    let slices = json["slices"].as_array().unwrap();
    assert!(slices.iter().any(|slice| slice["feature"] == "Alpha"
        && slice["status"] == "In Progress"
        && slice["flag"] == "FEATURE_ALPHA"));
    assert_eq!(
        json["depends_on"],
        serde_json::json!([{ "from": "Beta", "to": "Alpha" }])
    );
}

#[test]
fn receipts_are_listed_and_filtered() {
    let repo = scaffolded(&["Alpha"]);
    repo.lancelot(["set-status", "Alpha", "approved"])
        .run()
        .refused();
    let all = repo
        .lancelot(["receipts", "--format", "json"])
        .run()
        .success()
        .json();
    let types: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["slice.created", "slice.status_refused"]);
    let created = &all[0];
    assert_eq!(created["slice"], "Alpha");
    assert_eq!(created["actor"], "Ada Tester <ada@example.com>");
    assert_eq!(created["at"], "2026-03-01T00:00:00Z");

    let slices = repo
        .lancelot([
            "receipts",
            "--type",
            "slice.status_refused",
            "--format",
            "json",
        ])
        .run()
        .success()
        .json();
    assert_eq!(slices.as_array().unwrap().len(), 1);
    let prefix = repo
        .lancelot(["receipts", "--type", "slice", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(prefix.as_array().unwrap().len(), 2);
    let later = repo
        .lancelot(["receipts", "--since", "2026-03-02", "--format", "json"])
        .run()
        .success()
        .json();
    assert!(later.as_array().unwrap().is_empty());
    let text = repo
        .lancelot(["receipts", "--since", "2026-03-01"])
        .run()
        .success()
        .stdout;
    assert!(
        text.contains("slice.created") && text.contains("slice.status_refused"),
        "{text}"
    );
    repo.lancelot(["receipts", "--since", "yesterday"])
        .run()
        .refused()
        .stderr_has("not a date");
    // A line per receipt says what matters: the time to the second, the slice.
    let created_line = text
        .lines()
        .find(|line| line.contains("slice.created"))
        .unwrap();
    assert!(
        created_line.starts_with("2026-03-01 00:00:00  slice.created"),
        "{created_line}"
    );
    assert!(
        created_line.contains("Alpha (FEATURE_ALPHA"),
        "{created_line}"
    );
    assert!(!created_line.contains('{'), "no raw JSON: {created_line}");
    // The records as stored, one per line.
    let lines = repo
        .lancelot(["receipts", "--format", "jsonl"])
        .run()
        .success()
        .stdout;
    let records: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records, all.as_array().unwrap().clone());
    // A type no receipt has is a mistake, not an empty log.
    repo.lancelot(["receipts", "--type", "nope"])
        .run()
        .refused()
        .stderr_has("`nope` is no type of receipt");
}

#[test]
fn two_processes_appending_receipts_never_interleave() {
    let repo = TestRepo::new();
    let git_dir = repo.path().join(".git");
    let run_many = |count: usize| {
        let git_dir = git_dir.clone();
        let home = repo.home().to_path_buf();
        std::thread::spawn(move || {
            for _ in 0..count {
                let mut command = std::process::Command::new(crate::support::binary());
                isolate(&mut command, &home);
                // Malformed hook input: every run refuses and records a check.refused receipt.
                let mut child = command
                    .env("GIT_DIR", &git_dir)
                    .args(["hook", "pre-receive"])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(b"not a ref update line\n")
                    .unwrap();
                assert!(!child.wait().unwrap().success());
            }
        })
    };
    let first = run_many(40);
    let second = run_many(40);
    first.join().unwrap();
    second.join().unwrap();
    // Reading fails on any torn or interleaved line.
    let types = repo.receipt_types();
    assert_eq!(types.len(), 80);
    assert!(types.iter().all(|kind| kind == "check.refused"));
}

#[test]
fn doctor_checks_the_set_up() {
    let repo = scaffolded(&["Alpha"]);
    let outcome = repo.lancelot(["doctor"]).run();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stdout
            .contains("FAIL  pre-commit hook: not installed"),
        "{}",
        outcome.stdout
    );
    assert!(outcome.stdout.contains("ok    configuration"));
    assert!(
        outcome
            .stdout
            .contains("ok    freeze rule: recognises the status of all 1 spec(s)")
    );
    repo.lancelot(["hook", "install"]).run().success();
    repo.lancelot(["doctor"]).run().success();

    repo.file(".lancelot/templates/spec.md.tera", "{% if %}");
    let json = repo.lancelot(["doctor", "--format", "json"]).run().json();
    assert_eq!(json["ok"], false);
    let failed: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["templates"]);

    std::fs::remove_file(repo.path().join(".lancelot/templates/spec.md.tera")).unwrap();
    let spec = repo
        .read(SPEC)
        .replace("**Status:** Draft", "**Status:** Shipping");
    repo.file(SPEC, &spec)
        .file("docs/CHANGELOG.md", "# Changelog\n\n## Next\n");
    let outcome = repo.lancelot(["doctor"]).run();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stdout
            .contains("cannot read the status of: Alpha (Shipping)"),
        "{}",
        outcome.stdout
    );
    // A heading that is no version is history: a warning, not a failure.
    assert!(
        outcome
            .stdout
            .contains("warn  CHANGELOG headings: 1 heading(s) are not semver versions: `Next`"),
        "{}",
        outcome.stdout
    );
    assert!(
        !outcome.stdout.contains("FAIL  CHANGELOG"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn the_board_finds_each_slices_last_change_in_one_walk() {
    let repo = TestRepo::new();
    repo.spec("Alpha", "Draft")
        .spec("Beta", "Draft")
        .spec("AlphaBeta", "Draft")
        .commit_all("three slices");
    let first = repo.rev("HEAD");
    // Alpha's owning module is a package: a folder the walk must enter.
    let alpha_spec = repo
        .read("docs/specs/Lancelot_vNext2_Spec_Alpha.md")
        .replace(
            "- **Depends on:** none",
            "- **Depends on:** none\n- **Owning module:** `src/core/alpha/__init__.py`",
        );
    repo.file("docs/specs/Lancelot_vNext2_Spec_Alpha.md", &alpha_spec)
        .commit_all("alpha owns a package");
    repo.file("src/core/alpha/__init__.py", "# alpha\n")
        .file("src/core/alpha-notes.txt", "a sibling that sorts between\n")
        .commit_all("alpha's module");
    let module_commit = repo.rev("HEAD");
    repo.file("README.md", "unrelated\n").commit_all("readme");
    let rows = repo
        .lancelot(["status", "--format", "json"])
        .run()
        .success()
        .json();
    let last = |feature: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|row| row["feature"] == feature)
            .unwrap()["last_commit"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(last("Alpha"), module_commit);
    assert_eq!(last("Beta"), first);
    assert_eq!(last("AlphaBeta"), first);
}

#[test]
fn lint_and_doctor_report_statuses_that_read_two_ways() {
    let repo = TestRepo::new();
    repo.file(
        "docs/specs/Lancelot_vNext2_Spec_Alpha.md",
        "---\nstatus: Draft\n---\n# Alpha\n\n- **Status:** In Progress\n- **Depends on:** none\n",
    )
    .file(
        "docs/specs/Lancelot_vNext2_Spec_Beta.md",
        "# Beta\n\n- **Status:** D\u{43e}ne\n- **Depends on:** none\n",
    )
    .commit_all("two slices");
    let lint = repo.lancelot(["lint"]).run();
    assert_eq!(lint.code, 1);
    assert!(
        lint.stdout
            .contains("the front matter says `Draft` but the body says `In Progress`"),
        "{}",
        lint.stdout
    );
    assert!(
        lint.stdout
            .contains("status `DU+043Ene` only looks like Done"),
        "{}",
        lint.stdout
    );
    let doctor = repo.lancelot(["doctor"]).run();
    assert!(
        doctor
            .stdout
            .contains("FAIL  status readings: Alpha (spec)"),
        "{}",
        doctor.stdout
    );
}

/// Fills the spec and blueprint of `name` and moves it to In Progress.
fn start(repo: &TestRepo, name: &str) {
    fill(repo, &format!("docs/specs/Lancelot_vNext2_Spec_{name}.md"));
    repo.lancelot(["set-status", name, "approved"])
        .run()
        .success();
    fill(
        repo,
        &format!("docs/blueprints/Lancelot_vNext2_Blueprint_{name}.md"),
    );
    repo.lancelot(["set-status", name, "in-progress"])
        .run()
        .success();
}

/// Alpha, and Beta depending on it.
fn beta_on_alpha() -> TestRepo {
    let repo = scaffolded(&["Alpha"]);
    repo.lancelot([
        "new-slice",
        "Beta",
        "--summary",
        "B",
        "--depends-on",
        "Alpha",
        "--yes",
    ])
    .run()
    .success();
    repo
}

#[test]
fn a_slice_is_done_only_when_what_it_depends_on_is() {
    let repo = beta_on_alpha();
    start(&repo, "Alpha");
    start(&repo, "Beta");
    repo.commit_all("both in progress");
    let before = repo.state();
    repo.lancelot(["set-status", "Beta", "done"])
        .run()
        .refused()
        .stderr_has("it depends on Alpha, which is In Progress")
        .stderr_has("finish Alpha first (lancelot set-status Alpha done)");
    assert_eq!(repo.state(), before);
    repo.lancelot(["set-status", "Alpha", "done"])
        .run()
        .success();
    repo.lancelot(["set-status", "Beta", "done"])
        .run()
        .success();

    // A superseded dependency is history: its successor carries the work on.
    let repo = beta_on_alpha();
    repo.lancelot(["new-slice", "AlphaV2", "--summary", "A2", "--yes"])
        .run()
        .success();
    start(&repo, "Alpha");
    start(&repo, "Beta");
    start(&repo, "AlphaV2");
    repo.lancelot(["set-status", "Alpha", "superseded", "--by", "AlphaV2"])
        .run()
        .success();
    repo.lancelot(["set-status", "Beta", "done"])
        .run()
        .success();
}

#[test]
fn a_status_change_keeps_the_documents_line_ends_and_passes_the_freeze() {
    let repo = scaffolded(&["Alpha"]);
    start(&repo, "Alpha");
    for path in [SPEC, BLUEPRINT] {
        let text = repo.read(path).replace('\n', "\r\n");
        repo.file(path, &format!("\u{feff}{text}"));
    }
    repo.commit_all("in progress, on Windows");
    let base = repo.rev("HEAD");
    repo.lancelot(["set-status", "Alpha", "done"])
        .run()
        .success();
    for path in [SPEC, BLUEPRINT] {
        let text = repo.read(path);
        assert!(text.starts_with('\u{feff}'), "{path}");
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{path}: mixed line ends"
        );
        assert!(text.contains("**Status:** Done\r\n"), "{path}");
    }
    repo.commit_all("done");
    repo.lancelot(["check", "--range", &format!("{base}..HEAD")])
        .run()
        .success();
}

/// Sets the status line of a slice's spec and blueprint by hand.
fn written_status(repo: &TestRepo, name: &str, status: &str) {
    for path in [
        format!("docs/specs/Lancelot_vNext2_Spec_{name}.md"),
        format!("docs/blueprints/Lancelot_vNext2_Blueprint_{name}.md"),
    ] {
        let text = repo
            .read(&path)
            .replace("**Status:** Draft", &format!("**Status:** {status}"));
        repo.file(&path, &text);
    }
}

#[test]
fn lint_reports_statuses_that_drifted_from_what_shipped() {
    // Today is 2026-03-01 and every commit is dated that day (see support).
    let repo = scaffolded(&["Alpha", "Beta", "Gamma", "Delta"]);
    written_status(&repo, "Beta", "In Progress");
    written_status(&repo, "Gamma", "Done");
    written_status(&repo, "Delta", "Done");
    let changelog = repo.read("docs/CHANGELOG.md");
    let entry = |name: &str| {
        changelog
            .lines()
            .find(|line| line.contains(&format!("Spec_{name}.md")))
            .unwrap()
            .to_owned()
    };
    let text = format!(
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n{}\n\n## [1.1.0] - 2026-03-15\n\n### Added\n\n{}\n\n## [1.0.0] - 2026-01-10\n\n### Added\n\n{}\n{}\n",
        entry("Delta"),
        entry("Gamma"),
        entry("Alpha"),
        entry("Beta"),
    );
    repo.file("docs/CHANGELOG.md", &text).commit_all("history");

    let drifted: Vec<(String, String)> = findings(&repo)
        .iter()
        .filter(|finding| {
            let problem = finding["problem"].as_str().unwrap();
            problem.contains("shipped") || problem.contains("[Unreleased]")
        })
        .map(|finding| {
            (
                finding["slice"].as_str().unwrap().to_owned(),
                finding["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        drifted,
        [
            (
                "Alpha".to_owned(),
                "its CHANGELOG entry shipped in 1.0.0, but the spec is still Draft".to_owned()
            ),
            (
                "Beta".to_owned(),
                "shipped in 1.0.0 50 days ago, and still In Progress (more than 30 days)".to_owned()
            ),
            (
                "Delta".to_owned(),
                "Done since 2026-03-01, but its entry is still under [Unreleased] after the release of 2026-03-15".to_owned()
            ),
        ]
    );

    // The board shows the version that shipped each slice.
    let rows = repo
        .lancelot(["status", "--format", "json"])
        .run()
        .success()
        .json();
    let shipped: Vec<(String, serde_json::Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["feature"].as_str().unwrap().to_owned(),
                row["shipped"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shipped,
        [
            ("Alpha".to_owned(), serde_json::json!("1.0.0")),
            ("Beta".to_owned(), serde_json::json!("1.0.0")),
            ("Delta".to_owned(), serde_json::Value::Null),
            ("Gamma".to_owned(), serde_json::json!("1.1.0")),
        ]
    );

    // A longer allowance keeps Beta quiet.
    repo.file(
        "lancelot.toml",
        "[lifecycle]\nmax_in_progress_after_release = 60\n",
    );
    assert!(
        !findings(&repo)
            .iter()
            .any(|finding| finding["slice"] == "Beta"
                && finding["problem"].as_str().unwrap().contains("days ago"))
    );
}

#[test]
fn every_finding_has_a_rule_id_and_a_level_the_configuration_sets() {
    let repo = scaffolded(&["Alpha"]);
    std::fs::remove_file(repo.path().join("docs/operations/runbooks/alpha.md")).unwrap();
    repo.file(
        ".env.example",
        &format!("{}FEATURE_GHOST=false\n", repo.read(".env.example")),
    );
    let json = repo.lancelot(["lint", "--format", "json"]).run().json();
    let rules: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["level"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("artifact-missing".into(), "deny".into())),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("flag-orphan".into(), "deny".into())),
        "{rules:?}"
    );
    let text = repo.lancelot(["lint"]).run().stdout;
    assert!(text.contains("[flag-orphan]"), "{text}");

    // allow drops a rule, warn keeps it reported without failing.
    repo.file(
        "lancelot.toml",
        "[lint]\nallow = [\"flag-orphan\", \"flag-unread\"]\nwarn = [\"artifact-missing\"]\n",
    );
    let outcome = repo.lancelot(["lint"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    assert!(
        !outcome.stdout.contains("FEATURE_GHOST"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains(
            "warning: docs/operations/runbooks/alpha.md: the runbook is missing [artifact-missing]"
        ),
        "{}",
        outcome.stdout
    );
    // A rule id that does not exist is refused, not ignored.
    repo.file("lancelot.toml", "[lint]\nallow = [\"flag-orphans\"]\n");
    repo.lancelot(["lint"])
        .run()
        .refused()
        .stderr_has("[lint] allow: `flag-orphans` is not a lint rule");

    // Every rule the code can report is documented.
    let documented = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint.md"),
    )
    .unwrap();
    for (rule, _) in &rules {
        assert!(
            documented.contains(&format!("| `{rule}` |")),
            "{rule} is not in docs/lint.md"
        );
    }
}

/// The findings of one rule: `(slice, file, problem)`.
fn rule_findings(repo: &TestRepo, rule: &str) -> Vec<(String, String, String)> {
    let json = repo.lancelot(["lint", "--format", "json"]).run().json();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == rule)
        .map(|finding| {
            assert_eq!(finding["level"], "warn", "{finding}");
            (
                finding["slice"].as_str().unwrap().to_owned(),
                finding["file"].as_str().unwrap().to_owned(),
                finding["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn lint_sees_stale_flags_orphan_modules_and_flags_in_code() {
    // Today is 2026-03-01; Alpha is Done and shipped in 1.0.0 on 2026-01-01.
    let repo = scaffolded(&["Alpha"]);
    fill(&repo, SPEC);
    fill(&repo, BLUEPRINT);
    let spec = repo.read(SPEC).replace(
        "### Receipts Emitted\n\nWritten down.",
        "### Receipts Emitted\n\n- `alpha.started` when it starts\n- `alpha.exploded` when it fails",
    );
    assert!(spec.contains("`alpha.exploded`"), "{spec}");
    repo.file(SPEC, &spec);
    written_status(&repo, "Alpha", "Done");
    let changelog = repo.read("docs/CHANGELOG.md");
    let entry = changelog
        .lines()
        .find(|line| line.contains("Spec_Alpha.md"))
        .unwrap()
        .to_owned();
    repo.file(
        "docs/CHANGELOG.md",
        &format!(
            "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n{entry}\n"
        ),
    )
    .file(
        ".env.example",
        &format!("{}FEATURE_GHOST=false\n", repo.read(".env.example")),
    )
    .file(
        "src/app.py",
        "import os\n\nshadow = os.environ.get(\"FEATURE_SHADOW\")\n",
    )
    .file(".gitignore", "build/\n")
    .file("build/generated.py", "FEATURE_IGNORED = 1\n")
    .commit_all("shipped");

    let stale = rule_findings(&repo, "flag-stale");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].2.starts_with(
            "FEATURE_ALPHA gates a slice Done and shipped in 1.0.0 59 days ago (more than 40)"
        ),
        "{stale:?}"
    );
    let orphan = rule_findings(&repo, "module-orphan");
    assert_eq!(orphan.len(), 1, "{orphan:?}");
    assert_eq!(orphan[0].1, "src/core/alpha.py");
    let receipts = rule_findings(&repo, "receipt-unnamed");
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert!(
        receipts[0].2.ends_with("never names: `alpha.exploded`"),
        "{receipts:?}"
    );
    assert_eq!(
        rule_findings(&repo, "flag-unread"),
        [(
            "-".to_owned(),
            ".env.example".to_owned(),
            "FEATURE_GHOST is declared but no file reads it".to_owned()
        )]
    );
    // Read in src/app.py; the ignored build/ folder is not read.
    assert_eq!(
        rule_findings(&repo, "flag-undeclared-read"),
        [(
            "-".to_owned(),
            "src/app.py".to_owned(),
            "FEATURE_SHADOW is read here, but .env.example does not declare it".to_owned()
        )]
    );

    // Wired in, the module is no orphan; a longer flag lifetime keeps the flag quiet.
    repo.file("src/app.py", "from core.alpha import Alpha\n")
        .file("lancelot.toml", "[flags]\nmax_age_days = 90\n");
    assert!(rule_findings(&repo, "module-orphan").is_empty());
    assert!(rule_findings(&repo, "flag-stale").is_empty());
    assert!(rule_findings(&repo, "flag-undeclared-read").is_empty());
}

#[test]
fn a_slice_filled_in_and_in_progress_lints_clean_with_every_rule() {
    // As `make demo` leaves it, then filled in and started, as the SOP has it.
    let repo = scaffolded(&["Health Monitor"]);
    start(&repo, "HealthMonitor");
    repo.commit_all("in progress");
    assert_eq!(findings(&repo), Vec::<serde_json::Value>::new());
    // A release ships it behind its flag; still nothing to report.
    repo.lancelot(["release"]).run().success();
    assert_eq!(findings(&repo), Vec::<serde_json::Value>::new());
}
