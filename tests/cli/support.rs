//! Test repositories and a runner for the lancelot binary.
//!
//! Every run is isolated from the machine: a temporary HOME, no global or system git
//! configuration, no colours and a fixed clock, so output is the same everywhere.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// `SOURCE_DATE_EPOCH` of every run: 2026-03-01T00:00:00Z.
pub const EPOCH: &str = "1772323200";
/// The date that epoch gives.
pub const TODAY: &str = "2026-03-01";

/// Path of the binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lancelot"))
}

/// Applies the isolated environment to a command.
pub fn isolate(command: &mut Command, home: &Path) {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", "2026-03-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-03-01T00:00:00Z");
}

/// The object format test repositories use: SHA-1, or SHA-256 when
/// `LANCELOT_TEST_OBJECT_FORMAT=sha256` (`make test` runs the freeze tests both ways).
pub fn object_format() -> git2::ObjectFormat {
    match std::env::var("LANCELOT_TEST_OBJECT_FORMAT").as_deref() {
        Ok("sha256") => git2::ObjectFormat::Sha256,
        _ => git2::ObjectFormat::Sha1,
    }
}

/// A git repository in a temporary folder.
pub struct TestRepo {
    dir: TempDir,
    home: TempDir,
    /// The bare repository pushed to, when there is one.
    remote: Option<TempDir>,
}

impl TestRepo {
    /// A new, empty repository (no commits), in the object format of the run
    /// ([`object_format`]).
    pub fn new() -> TestRepo {
        TestRepo::in_format(object_format())
    }

    /// A new, empty repository whose objects are named in `format` (SHA-1 or SHA-256).
    pub fn in_format(format: git2::ObjectFormat) -> TestRepo {
        let dir = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut options = git2::RepositoryInitOptions::new();
        options.object_format(format);
        let repo = git2::Repository::init_opts(dir.path(), &options).unwrap();
        let mut config = repo.config().unwrap();
        config.set_str("user.name", "Ada Tester").unwrap();
        config.set_str("user.email", "ada@example.com").unwrap();
        TestRepo {
            dir,
            home,
            remote: None,
        }
    }

    /// A repository with a bare remote `origin` whose pre-receive hook is lancelot's,
    /// installed with `lancelot hook install --server`. `server_config` (if any) is the
    /// remote's lancelot configuration, named by its git config `lancelot.config`.
    pub fn with_server(server_config: Option<&str>) -> TestRepo {
        TestRepo::with_server_in(object_format(), server_config)
    }

    /// `with_server`, both repositories naming their objects in `format`.
    pub fn with_server_in(format: git2::ObjectFormat, server_config: Option<&str>) -> TestRepo {
        let mut repo = TestRepo::in_format(format);
        let remote = tempfile::tempdir().unwrap();
        // Like a hosting server, HEAD names the default branch, `main`.
        let mut options = git2::RepositoryInitOptions::new();
        options.bare(true).object_format(format);
        git2::Repository::init_opts(remote.path(), &options)
            .unwrap()
            .set_head("refs/heads/main")
            .unwrap();
        let path = remote.path().display().to_string();
        repo.lancelot(["hook", "install", "--server", &path])
            .run()
            .success();
        if let Some(config) = server_config {
            fs::write(remote.path().join("lancelot-server.toml"), config).unwrap();
            let bare = git2::Repository::open_bare(remote.path()).unwrap();
            bare.config()
                .unwrap()
                .set_str("lancelot.config", "lancelot-server.toml")
                .unwrap();
        }
        repo.git(["remote", "add", "origin", &path]);
        repo.remote = Some(remote);
        repo
    }

    /// The bare remote.
    pub fn remote(&self) -> &Path {
        self.remote.as_ref().expect("no remote").path()
    }

    /// Sets `key` to `value` in the bare remote's git config, as its admin would.
    pub fn server_config(&self, key: &str, value: &str) {
        let mut command = Command::new("git");
        isolate(&mut command, self.home());
        let status = command
            .arg("--git-dir")
            .arg(self.remote())
            .args(["config", key, value])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Runs `git push origin <args>` and reports what happened, without asserting.
    pub fn push<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.push_with_env(&[], args)
    }

    /// `push` with extra environment variables, which reach the server's hook over a
    /// local transport (as a forge sets its own for the hooks it runs).
    pub fn push_with_env<I, S>(&self, env: &[(&str, &str)], args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new("git");
        isolate(&mut command, self.home.path());
        command.envs(env.iter().copied());
        command
            .current_dir(self.path())
            .arg("push")
            .arg("origin")
            .args(args);
        Outcome::from(command.output().unwrap())
    }

    /// Writes a spec of `feature` with `status` and a fixed body.
    pub fn spec(&self, feature: &str, status: &str) -> &TestRepo {
        self.file(&spec_path(feature), &spec_text(feature, status))
    }

    /// Changes the status line of `feature`'s spec, nothing else.
    pub fn set_status(&self, feature: &str, status: &str) -> &TestRepo {
        let path = spec_path(feature);
        let text = self.read(&path);
        let line = text
            .lines()
            .find(|line| line.contains("**Status:**"))
            .unwrap()
            .to_owned();
        self.file(
            &path,
            &text.replacen(&line, &format!("- **Status:** {status}"), 1),
        )
    }

    /// Appends a line to `feature`'s spec.
    pub fn edit_spec(&self, feature: &str) -> &TestRepo {
        let path = spec_path(feature);
        let text = self.read(&path);
        self.file(&path, &format!("{text}An idea folded in mid-flight.\n"))
    }

    /// The id of a revision.
    pub fn rev(&self, revision: &str) -> String {
        self.git(["rev-parse", revision]).trim().to_owned()
    }

    /// The remote's refs as `<oid> <ref>` lines.
    pub fn remote_refs(&self) -> String {
        let mut command = Command::new("git");
        isolate(&mut command, self.home.path());
        let output = command
            .arg("--git-dir")
            .arg(self.remote())
            .args(["for-each-ref", "--format=%(objectname) %(refname)"])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn file(&self, path: &str, contents: &str) -> &TestRepo {
        let target = self.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, contents).unwrap();
        self
    }

    /// Reads a file of the work tree.
    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.path().join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    /// Whether a path exists in the work tree.
    pub fn exists(&self, path: &str) -> bool {
        self.path().join(path).exists()
    }

    /// Every file and folder of the work tree outside `.git`, with file contents.
    pub fn snapshot(&self) -> BTreeMap<String, Option<Vec<u8>>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path
                    .strip_prefix(self.path())
                    .unwrap()
                    .display()
                    .to_string();
                if name == ".git" {
                    continue;
                }
                if path.is_dir() {
                    out.insert(format!("{name}/"), None);
                    stack.push(path);
                } else {
                    out.insert(name, Some(fs::read(&path).unwrap()));
                }
            }
        }
        out
    }

    /// Stages and commits everything with the git CLI.
    pub fn commit_all(&self, message: &str) -> &TestRepo {
        self.git(["add", "-A"]);
        self.git(["commit", "-q", "--allow-empty", "-m", message]);
        self
    }

    /// Runs the git CLI in the work tree; panics when it fails.
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new("git");
        isolate(&mut command, self.home.path());
        let output = command
            .current_dir(self.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// A lancelot command running in the work tree.
    pub fn lancelot<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.lancelot_in(self.path(), args)
    }

    /// A lancelot command running in `dir`.
    pub fn lancelot_in<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(binary());
        isolate(&mut command, self.home.path());
        command.current_dir(dir).args(args).stdin(Stdio::null());
        Run { command }
    }

    /// What a refused command must leave alone: the work tree's files, HEAD (empty
    /// when unborn), the tags and the staged paths.
    pub fn state(&self) -> (String, String, String, String) {
        let git = git2::Repository::open(self.path()).unwrap();
        let head = git
            .head()
            .ok()
            .and_then(|head| head.target())
            .map(|oid| oid.to_string())
            .unwrap_or_default();
        (
            format!("{:?}", self.snapshot()),
            head,
            self.git(["tag", "--list"]),
            self.git(["diff", "--cached", "--name-only"]),
        )
    }

    /// The types of the receipts in this repository's log, oldest first.
    pub fn receipt_types(&self) -> Vec<String> {
        receipt_types(&self.path().join(".git/lancelot/receipts.jsonl"))
    }

    /// The isolated HOME of this repository's runs.
    pub fn home(&self) -> &Path {
        self.home.path()
    }
}

/// A prepared lancelot run.
pub struct Run {
    command: Command,
}

impl Run {
    /// A run of a prepared command.
    pub fn from_command(command: Command) -> Run {
        Run { command }
    }

    /// Adds an environment variable.
    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Run {
        self.command.env(name, value);
        self
    }

    /// Starts it without waiting, its output captured.
    pub fn spawn(mut self) -> std::process::Child {
        self.command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs it.
    pub fn run(mut self) -> Outcome {
        let output = self.command.output().unwrap();
        Outcome::from(output)
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<Output> for Outcome {
    fn from(output: Output) -> Outcome {
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Outcome {
    /// Asserts exit 0 and returns self.
    #[track_caller]
    pub fn success(self) -> Outcome {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts exit 2 (refused) with an `error:` message and returns self.
    #[track_caller]
    pub fn refused(self) -> Outcome {
        assert_eq!(
            self.code, 2,
            "expected exit 2\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.starts_with("error: "),
            "no error message:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts that stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Outcome {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts that stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Outcome {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    /// What the user reads (stdout, then stderr), with what changes from run to run
    /// replaced: the repository's, home's and server's temporary paths, the lancelot
    /// binary's path, object ids and the trailing spaces git adds to `remote:` lines.
    pub fn screen(&self, repo: &TestRepo) -> String {
        let mut text = String::new();
        if !self.stdout.is_empty() {
            text.push_str(&self.stdout);
        }
        if !self.stderr.is_empty() {
            if !text.is_empty() {
                text.push_str("--- stderr ---\n");
            }
            text.push_str(&self.stderr);
        }
        text.push_str(&format!("--- exit {} ---\n", self.code));
        normalize(&text, repo)
    }

    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Where the default configuration puts `feature`'s spec.
pub fn spec_path(feature: &str) -> String {
    format!("docs/specs/Lancelot_vNext2_Spec_{feature}.md")
}

/// A small spec of `feature` with `status`.
pub fn spec_text(feature: &str, status: &str) -> String {
    format!(
        "# {feature}\n\n- **Status:** {status}\n- **Depends on:** none\n\n## Data Models\n\nA record.\n"
    )
}

/// Every Markdown link target of `text` that is a relative path (no scheme, no anchor-only).
pub fn relative_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else { break };
        let target = &after[..end];
        if !target.contains("://") && !target.starts_with('#') && !target.starts_with("mailto:") {
            links.push(target.split('#').next().unwrap().replace("%20", " "));
        }
        rest = &after[end..];
    }
    links
}

/// The receipts of a log file (`<git dir>/lancelot/receipts.jsonl`), oldest first.
pub fn receipts(log: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(log)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", log.display()))
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("torn receipt {line:?}: {e}"))
        })
        .collect()
}

/// The types of the receipts of a log file, oldest first.
pub fn receipt_types(log: &Path) -> Vec<String> {
    receipts(log)
        .iter()
        .map(|receipt| receipt["type"].as_str().unwrap().to_owned())
        .collect()
}

/// `text` with the run's temporary paths, binary path and object ids replaced.
pub fn normalize(text: &str, repo: &TestRepo) -> String {
    let mut text = text.to_owned();
    let mut replace = |path: &Path, name: &str| {
        let shown = path.display().to_string();
        // macOS puts temporary folders behind /private.
        text = text
            .replace(&format!("/private{shown}"), name)
            .replace(&shown, name);
    };
    replace(&binary(), "[LANCELOT]");
    if let Some(remote) = repo.remote.as_ref() {
        replace(remote.path(), "[SERVER]");
    }
    replace(repo.path(), "[REPO]");
    replace(repo.home(), "[HOME]");
    // Object ids (full or abbreviated): runs of 7 or more lower-case hex digits, with
    // a digit among them, standing alone between other characters.
    let is_id = |run: &str| {
        run.len() >= 7
            && run.chars().any(|c| c.is_ascii_digit())
            && run
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    };
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let line = line.trim_end();
            let mut out = String::new();
            let mut run = String::new();
            for c in line.chars().chain(std::iter::once('\n')) {
                if c.is_ascii_alphanumeric() {
                    run.push(c);
                    continue;
                }
                if is_id(&run) {
                    out.push_str("[OID]");
                } else {
                    out.push_str(&run);
                }
                run.clear();
                if c != '\n' {
                    out.push(c);
                }
            }
            out
        })
        .collect();
    lines.join("\n") + "\n"
}

// The frozen Alpha spec, shared by the freeze tests.

/// Where the default configuration puts the Alpha spec.
pub const ALPHA: &str = "docs/specs/Lancelot_vNext2_Spec_Alpha.md";

/// A server repository whose `main` has the Alpha spec In Progress.
pub fn frozen_alpha() -> TestRepo {
    frozen_alpha_with(None)
}

pub fn frozen_alpha_with(server_config: Option<&str>) -> TestRepo {
    frozen_alpha_in(object_format(), server_config)
}

/// `frozen_alpha_with` in the object format `format`.
pub fn frozen_alpha_in(format: git2::ObjectFormat, server_config: Option<&str>) -> TestRepo {
    let repo = TestRepo::with_server_in(format, server_config);
    repo.spec("Alpha", "Draft")
        .file("README.md", "hello\n")
        .commit_all("alpha drafted");
    repo.set_status("Alpha", "In Progress")
        .commit_all("alpha in progress");
    accepted(repo.push(["HEAD:refs/heads/main"]));
    repo
}

#[track_caller]
pub fn accepted(outcome: Outcome) -> Outcome {
    assert_eq!(outcome.code, 0, "push refused:\n{}", outcome.stderr);
    outcome
}

#[track_caller]
pub fn refused(outcome: Outcome) -> Outcome {
    assert_ne!(outcome.code, 0, "push accepted:\n{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("pre-receive hook declined"),
        "{}",
        outcome.stderr
    );
    outcome
}

/// On a [`frozen_alpha`] server: a push editing the frozen Alpha is refused as
/// modifying it; with the edit dropped, a push moving Alpha to Done is accepted.
pub fn edit_refused_then_done_accepted(repo: &TestRepo) {
    repo.edit_spec("Alpha").commit_all("edit");
    let outcome = refused(repo.push(["HEAD:refs/heads/main"]));
    assert!(
        outcome.stderr.contains(&format!("{ALPHA}: modified")),
        "{}",
        outcome.stderr
    );
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.set_status("Alpha", "Done").commit_all("done");
    accepted(repo.push(["HEAD:refs/heads/main"]));
}

/// A repository (no server) whose Alpha spec went Draft, then In Progress.
pub fn frozen_alpha_local() -> TestRepo {
    let repo = TestRepo::new();
    repo.spec("Alpha", "Draft").commit_all("draft");
    repo.set_status("Alpha", "In Progress").commit_all("freeze");
    repo
}

/// Asserts that `lancelot <args>` is refused with `message` and leaves the work
/// tree, HEAD, the tags and the index as they were.
#[track_caller]
pub fn assert_refused_unchanged(repo: &TestRepo, args: &[&str], message: &str) {
    let before = repo.state();
    repo.lancelot(args).run().refused().stderr_has(message);
    assert_eq!(repo.state(), before, "a refused command changed something");
}
