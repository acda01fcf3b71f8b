//! The GitHub Action's steps, run as GitHub runs them (bash, with the environment a
//! pull_request event sets) against real repositories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{ALPHA, TestRepo, binary, frozen_alpha_local, isolate};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the action's check step in `dir` for a pull request from `base` to `head`.
fn run_step(
    repo: &TestRepo,
    dir: &Path,
    base: &str,
    head: &str,
    extra: &[(&str, &str)],
) -> (Output, String) {
    let event = repo.home().join("event.json");
    std::fs::write(
        &event,
        serde_json::json!({ "pull_request": { "base": { "sha": base }, "head": { "sha": head } } })
            .to_string(),
    )
    .unwrap();
    let summary = repo.home().join("summary.md");
    let _ = std::fs::remove_file(&summary);
    let bin_dir: PathBuf = binary().parent().unwrap().to_owned();
    let mut command = Command::new("bash");
    isolate(&mut command, repo.home());
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    command
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg(root().join("ci/github/run.sh"));
    for (name, value) in extra {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let written = std::fs::read_to_string(&summary).unwrap_or_default();
    (output, written)
}

#[test]
fn the_action_annotates_a_pull_request_that_edits_a_frozen_spec() {
    let repo = frozen_alpha_local();
    let base = repo.rev("HEAD");
    repo.file("NOTES.md", "notes\n").commit_all("notes");
    let clean = repo.rev("HEAD");
    let (output, _) = run_step(&repo, repo.path(), &base, &clean, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    repo.edit_spec("Alpha").commit_all("edit alpha");
    let head = repo.rev("HEAD");
    let (output, summary) = run_step(&repo, repo.path(), &base, &head, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "::error file={ALPHA},title=Frozen document changed::"
        )),
        "{stdout}"
    );
    assert!(summary.contains("| File | Finding |"), "{summary}");
    // check and lint together; a bad command input is refused.
    let (output, summary) = run_step(
        &repo,
        repo.path(),
        &base,
        &head,
        &[("INPUT_COMMAND", "both")],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(summary.contains("### lancelot lint"), "{summary}");
    let (output, _) = run_step(
        &repo,
        repo.path(),
        &base,
        &head,
        &[("INPUT_COMMAND", "all")],
    );
    assert_eq!(output.status.code(), Some(2));
    // An explicit range wins over the event's.
    let range = format!("{base}..{clean}");
    let (output, _) = run_step(&repo, repo.path(), &base, &head, &[("INPUT_RANGE", &range)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn the_action_refuses_a_shallow_checkout_and_says_how_to_fix_it() {
    let repo = frozen_alpha_local();
    let base = repo.rev("HEAD");
    repo.edit_spec("Alpha").commit_all("edit alpha");
    let head = repo.rev("HEAD");
    let shallow = repo.home().join("shallow");
    let url = format!("file://{}", repo.path().display());
    let mut clone = Command::new("git");
    isolate(&mut clone, repo.home());
    let status = clone
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&shallow)
        .status()
        .unwrap();
    assert!(status.success());
    let (output, _) = run_step(&repo, &shallow, &base, &head, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("fetch-depth: 0"),
        "{output:?}"
    );
}

#[test]
fn the_action_definition_runs_its_steps_with_its_inputs() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let action = &yaml_rust2::YamlLoader::load_from_str(&action).unwrap()[0];
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for input in ["range", "config", "command", "version"] {
        assert!(
            !action["inputs"][input]["description"].is_badvalue(),
            "{input}"
        );
    }
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect();
    for script in ["ci/github/install.sh", "ci/github/run.sh"] {
        assert!(runs.iter().any(|run| run.contains(script)), "{script}");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(root().join(script))
                .unwrap()
                .permissions(),
        );
        assert!(mode & 0o111 != 0, "{script} is executable");
    }
    // The install step, with lancelot already restored by the cache: no build, the
    // binary's folder on the job's PATH.
    let home = tempfile::tempdir().unwrap();
    let cached = home.path().join("lancelot/bin");
    std::fs::create_dir_all(&cached).unwrap();
    std::os::unix::fs::symlink(binary(), cached.join("lancelot")).unwrap();
    let github_path = home.path().join("github_path");
    let mut command = Command::new("bash");
    isolate(&mut command, home.path());
    let output = command
        .env("GITHUB_ACTION_PATH", root())
        .env("LANCELOT_ROOT", home.path().join("lancelot"))
        .env("GITHUB_PATH", &github_path)
        .arg(root().join("ci/github/install.sh"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("lancelot "));
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap().trim(),
        cached.display().to_string()
    );
}
