//! A stand-in for a user's machine, to run lancelot in a clone of a repository an
//! attacker published: a home with keys, a Python `site-packages`, folders outside
//! the clone, the attacker's bare upstream, and the clone made from it with the real
//! git client. Everything outside the clone's work tree is hashed before and after a
//! command, so any write outside it (or into the clone's git configuration) is caught.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

use crate::support::{Run, binary, isolate};

/// The private key in the user's home.
pub const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY----- s3cr3t-k3y-m4t3r14l";
/// The token in the user's environment.
pub const TOKEN: &str = "ghp_t0k3nThatMustNeverBeWritten";

/// A user's machine with an attacker's repository cloned into it.
pub struct Sandbox {
    dir: TempDir,
}

/// What a folder tree holds: each path's kind and contents (or link target).
pub type Hashes = BTreeMap<String, String>;

impl Sandbox {
    /// A machine whose home holds an SSH key, with a Python `site-packages` and an
    /// `outside` folder beside where the clone will go.
    pub fn new() -> Sandbox {
        let sandbox = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        let write = |path: &str, text: &str| {
            let path = sandbox.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("home/.ssh/id_ed25519", &format!("{KEY}\n"));
        write("home/.bashrc", "# the user's shell\n");
        write(
            "python/site-packages/existing.pth",
            "# a package's path file\n",
        );
        write("outside/notes.md", "# the user's own notes\n");
        write("outside/pkg/VERSION", "9.9.9\n");
        fs::create_dir_all(sandbox.path().join("outside/specs")).unwrap();
        sandbox
    }

    /// The sandbox itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The user's home.
    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// The clone's work tree.
    pub fn clone_dir(&self) -> PathBuf {
        self.path().join("clone")
    }

    /// The attacker writes a repository with `files` (path → contents) and `links`
    /// (path → link target), commits it, publishes it as a bare upstream, and the
    /// user clones it with the real git client.
    pub fn publish(&self, files: &[(&str, &str)], links: &[(&str, &str)]) -> &Sandbox {
        let author = self.path().join("attacker");
        fs::create_dir_all(&author).unwrap();
        self.git_in(&author, ["init", "-q", "-b", "main"]);
        for (path, contents) in files {
            let target = author.join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, contents).unwrap();
        }
        for (path, target) in links {
            let link = author.join(path);
            fs::create_dir_all(link.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target, link).unwrap();
        }
        self.git_in(&author, ["add", "-A"]);
        self.git_in(
            &author,
            ["commit", "-q", "--allow-empty", "-m", "a helpful project"],
        );
        let upstream = self.path().join("upstream.git");
        self.git_in(
            self.path(),
            ["init", "-q", "--bare", "-b", "main", "upstream.git"],
        );
        self.git_in(
            &author,
            [
                OsStr::new("push"),
                OsStr::new("-q"),
                upstream.as_os_str(),
                OsStr::new("main"),
            ],
        );
        self.git_in(self.path(), ["clone", "-q", "upstream.git", "clone"]);
        let clone = self.clone_dir();
        self.git_in(&clone, ["config", "user.name", "Victim User"]);
        self.git_in(&clone, ["config", "user.email", "victim@example.com"]);
        self
    }

    /// Runs git in `dir`; panics when it fails.
    pub fn git_in<I, S>(&self, dir: &Path, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new("git");
        isolate(&mut command, &self.home());
        let output = command.current_dir(dir).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "git failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs git in the clone.
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.git_in(&self.clone_dir(), args)
    }

    /// A lancelot command in the clone, with the user's secrets in reach: a token in
    /// the environment and a key in the home.
    pub fn lancelot<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.command(args);
        command.stdin(Stdio::null());
        Run::from_command(command)
    }

    /// The command of a lancelot run in the clone (see [`Sandbox::lancelot`]).
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(binary());
        isolate(&mut command, &self.home());
        command
            .env("GITHUB_TOKEN", TOKEN)
            .current_dir(self.clone_dir())
            .args(args);
        command
    }

    /// Everything of the machine except the clone's work tree: the home, the other
    /// folders, the upstream, and the clone's git configuration and hooks.
    pub fn outside(&self) -> Hashes {
        let mut hashes = hash_tree(self.path(), &["clone"]);
        let git = self.clone_dir().join(".git");
        for (path, hash) in hash_tree(&git, &["objects", "logs", "lancelot", "index"]) {
            hashes.insert(format!("clone/.git/{path}"), hash);
        }
        hashes
    }

    /// Asserts that no file of the clone (its git folder included) holds a secret.
    #[track_caller]
    pub fn assert_no_secret_in_clone(&self) {
        for (path, hash) in hash_tree(&self.clone_dir(), &[]) {
            assert!(
                !hash.contains(KEY) && !hash.contains(TOKEN) && !hash.contains("root:x:0:0"),
                "a secret reached {path}"
            );
        }
    }

    /// Runs `action`, then asserts that nothing outside the clone changed and that no
    /// secret reached the clone.
    #[track_caller]
    pub fn contained<T>(&self, action: impl FnOnce() -> T) -> T {
        let before = self.outside();
        let result = action();
        let after = self.outside();
        for (path, hash) in &after {
            assert_eq!(
                before.get(path),
                Some(hash),
                "{path} outside the clone was written"
            );
        }
        assert_eq!(
            before.len(),
            after.len(),
            "something outside the clone was removed"
        );
        self.assert_no_secret_in_clone();
        result
    }
}

/// Every path under `root` (links not followed) with its kind and contents, skipping
/// the top-level names in `skip`.
pub fn hash_tree(root: &Path, skip: &[&str]) -> Hashes {
    let mut out = Hashes::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            if dir == root && skip.iter().any(|skipped| name == *skipped) {
                continue;
            }
            let meta = fs::symlink_metadata(&path).unwrap();
            let hash = if meta.file_type().is_symlink() {
                format!("link -> {}", fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                stack.push(path.clone());
                "folder".to_owned()
            } else {
                format!(
                    "file {:o}: {}",
                    std::os::unix::fs::PermissionsExt::mode(&meta.permissions()),
                    String::from_utf8_lossy(&fs::read(&path).unwrap())
                )
            };
            out.insert(name, hash);
        }
    }
    out
}
