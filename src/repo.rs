//! Finding and opening the repository lancelot works on.
//!
//! Everything git goes through git2 (libgit2); lancelot never starts a `git` process.

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::fs::{FsError, Root};
use crate::lock::{self, LockError, RepoLock};

/// Why the repository could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No repository at or above the starting folder.
    #[error("not inside a git repository: {}", dir.display())]
    NotFound {
        /// Where the search started.
        dir: PathBuf,
    },
    /// The starting folder does not exist.
    #[error("cannot change to {}: it does not exist or is not a folder", dir.display())]
    NoSuchDir {
        /// The folder given to `-C`.
        dir: PathBuf,
    },
    /// The command needs a work tree but the repository is bare.
    #[error("{} is a bare repository; this command needs a work tree", path.display())]
    Bare {
        /// The repository's git folder.
        path: PathBuf,
    },
    /// A git folder inside another repository's files: a repository can plant one
    /// (a folder with `HEAD`, `objects/`, `refs/` and a `config` of its choosing) to
    /// send commands run below it anywhere.
    #[error("{} is a git folder inside the files of the repository at {}; lancelot does not use it", crate::ui::safe(&git_dir.display().to_string()), crate::ui::safe(&outer.display().to_string()))]
    Embedded {
        /// The git folder found.
        git_dir: PathBuf,
        /// The work tree it sits in.
        outer: PathBuf,
    },
    /// The work tree could not be opened.
    #[error(transparent)]
    Files(#[from] FsError),
    /// libgit2 failed.
    #[error("git error: {0}")]
    Git(#[from] git2::Error),
}

impl RepoError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            RepoError::NotFound { .. } => Some(
                "run lancelot inside a git repository, pass -C <DIR>, or create one with `git init`".into(),
            ),
            RepoError::NoSuchDir { .. } => Some("pass an existing folder to -C".into()),
            RepoError::Bare { .. } => Some("run the command in a clone that has a work tree".into()),
            RepoError::Embedded { outer, .. } => Some(format!(
                "run lancelot from the repository's top folder ({}), or name the git folder you mean with GIT_DIR",
                crate::ui::safe(&outer.display().to_string())
            )),
            RepoError::Files(error) => error.hint(),
            RepoError::Git(_) => None,
        }
    }
}

/// An object id from its hexadecimal form: 40 digits for a SHA-1 repository, 64 for
/// a SHA-256 one.
pub fn parse_oid(hex: &str) -> Result<git2::Oid, git2::Error> {
    let format = if hex.len() == 64 {
        git2::ObjectFormat::Sha256
    } else {
        git2::ObjectFormat::Sha1
    };
    git2::Oid::from_str_ext(hex, format)
}

/// Git's order of tree entries: by name, a folder's name read as if it ended in `/`.
/// A tree git writes lists its entries strictly in this order.
pub fn git_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let (a_name, b_name) = (a.name_bytes(), b.name_bytes());
    let common = a_name.len().min(b_name.len());
    a_name[..common].cmp(&b_name[..common]).then_with(|| {
        let next = |entry: &git2::TreeEntry<'_>, name: &[u8]| {
            name.get(common)
                .copied()
                .unwrap_or(if entry.kind() == Some(git2::ObjectType::Tree) {
                    b'/'
                } else {
                    0
                })
        };
        next(a, a_name).cmp(&next(b, b_name))
    })
}

/// Finds the repository containing `start` (searching upward); it may be bare.
pub fn discover(start: &Path) -> Result<Repository, RepoError> {
    if !start.is_dir() {
        return Err(RepoError::NoSuchDir {
            dir: start.to_path_buf(),
        });
    }
    let repo = Repository::discover(start).map_err(|error| match error.code() {
        git2::ErrorCode::NotFound => RepoError::NotFound {
            dir: start.to_path_buf(),
        },
        _ => RepoError::Git(error),
    })?;
    refuse_embedded(&repo)?;
    Ok(repo)
}

/// The index file of `repo` as libgit2 reads it: `GIT_INDEX_FILE` when the
/// repository was opened from the environment (as a hook opens it: the temporary
/// index of `git commit -a`), else the `index` in its git folder (a worktree's own).
pub fn index_file(repo: &Repository, from_environment: bool) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(file) if from_environment => PathBuf::from(file),
        _ => repo.path().join("index"),
    }
}

/// Refuses a git folder that sits inside another repository's files. git folders
/// are named `.git` (or live in one: worktrees, submodules), or are bare repositories
/// on their own; a git folder of another name with a `.git` above it is one a
/// repository planted among its files, and its `config` (a `core.worktree`, a
/// `core.hooksPath`) is the repository's to choose.
pub fn refuse_embedded(repo: &Repository) -> Result<(), RepoError> {
    let git_dir = repo.path();
    let in_dot_git = git_dir.components().any(|part| part.as_os_str() == ".git");
    if in_dot_git {
        return Ok(());
    }
    let outer = git_dir
        .ancestors()
        .skip(1)
        .find(|folder| std::fs::symlink_metadata(folder.join(".git")).is_ok());
    match outer {
        Some(outer) => Err(RepoError::Embedded {
            git_dir: git_dir.to_path_buf(),
            outer: outer.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// A repository with a work tree.
pub struct Workspace {
    /// The opened repository.
    pub repo: Repository,
    /// The root of the work tree.
    pub root: PathBuf,
    /// The work tree, as the only door to its files.
    pub files: Root,
}

impl Workspace {
    /// Finds the repository containing `start` (searching upward) and its work tree.
    pub fn discover(start: &Path) -> Result<Workspace, RepoError> {
        let repo = discover(start)?;
        let root = match repo.workdir() {
            Some(root) => root.to_path_buf(),
            None => {
                return Err(RepoError::Bare {
                    path: repo.path().to_path_buf(),
                });
            }
        };
        let files = Root::work_tree(&root, repo.path())?;
        Ok(Workspace { repo, root, files })
    }

    /// Takes the repository's writer lock for `command` (see [`crate::lock`]).
    pub fn lock(&self, command: &str) -> Result<RepoLock, LockError> {
        lock::acquire(self.repo.commondir(), command, lock::configured_wait())
    }
}

/// Whose signature: a commit's author, or its committer (also a tag's tagger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `GIT_AUTHOR_*`, `author.*`.
    Author,
    /// `GIT_COMMITTER_*`, `committer.*`.
    Committer,
}

impl Role {
    fn variable(self, part: &str) -> String {
        let role = match self {
            Role::Author => "AUTHOR",
            Role::Committer => "COMMITTER",
        };
        format!("GIT_{role}_{part}")
    }

    fn config_section(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Committer => "committer",
        }
    }
}

/// A git identity and, when the environment fixes it, its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The name, as commits record it.
    pub name: String,
    /// The address.
    pub email: String,
    /// Seconds since 1970 and the offset in minutes, from `GIT_<ROLE>_DATE`.
    pub when: Option<(i64, i32)>,
}

/// Why no identity could be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Neither the environment nor the configuration names one.
    #[error("no {0} is set (GIT_{1}_NAME and GIT_{1}_EMAIL, or user.name and user.email)")]
    Missing(&'static str, &'static str),
    /// `GIT_<ROLE>_DATE` is not a date git reads.
    #[error("{variable} is not a date: {value}")]
    BadDate {
        /// The variable.
        variable: String,
        /// Its value.
        value: String,
    },
}

/// Resolves an identity the way git does: the name from `GIT_<ROLE>_NAME`, then the
/// `<role>.name` config, then `user.name`; the address from `GIT_<ROLE>_EMAIL`, then
/// `<role>.email`, `user.email`, then the `EMAIL` variable; the time from
/// `GIT_<ROLE>_DATE` when set. `env` and `config` look values up.
pub fn resolve_identity(
    role: Role,
    env: &dyn Fn(&str) -> Option<String>,
    config: &dyn Fn(&str) -> Option<String>,
) -> Result<Identity, IdentityError> {
    let section = role.config_section();
    let nonempty = |value: Option<String>| value.filter(|text| !text.trim().is_empty());
    let name = nonempty(env(&role.variable("NAME")))
        .or_else(|| nonempty(config(&format!("{section}.name"))))
        .or_else(|| nonempty(config("user.name")));
    let email = nonempty(env(&role.variable("EMAIL")))
        .or_else(|| nonempty(config(&format!("{section}.email"))))
        .or_else(|| nonempty(config("user.email")))
        .or_else(|| nonempty(env("EMAIL")));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(match role {
            Role::Author => IdentityError::Missing("author", "AUTHOR"),
            Role::Committer => IdentityError::Missing("committer", "COMMITTER"),
        });
    };
    let when = match nonempty(env(&role.variable("DATE"))) {
        None => None,
        Some(value) => Some(parse_git_date(&value).ok_or(IdentityError::BadDate {
            variable: role.variable("DATE"),
            value,
        })?),
    };
    Ok(Identity {
        name: name.trim().to_owned(),
        email: email.trim().to_owned(),
        when,
    })
}

/// A date as git reads `GIT_*_DATE`: `@<seconds> [±hhmm]`, `<seconds> ±hhmm`,
/// RFC 3339 / ISO 8601 (`2026-03-01T12:00:00+01:00`, `2026-03-01 12:00:00 +0100`) or
/// RFC 2822. Returns seconds and the offset in minutes.
fn parse_git_date(value: &str) -> Option<(i64, i32)> {
    let value = value.trim();
    let raw = value.strip_prefix('@').unwrap_or(value);
    let mut parts = raw.split_whitespace();
    if let Some(Ok(seconds)) = parts.next().map(str::parse::<i64>) {
        let offset = match parts.next() {
            None => 0,
            Some(offset) => parse_offset(offset)?,
        };
        return parts.next().is_none().then_some((seconds, offset));
    }
    if let Ok(timestamp) = value.parse::<jiff::Timestamp>() {
        // RFC 3339 ends in `Z` or in the offset, written `+01:00`.
        let offset = value
            .get(value.len().saturating_sub(6)..)
            .and_then(|tail| parse_offset(&tail.replace(':', "")))
            .unwrap_or(0);
        return Some((timestamp.as_second(), offset));
    }
    let spaced = value.replacen(' ', "T", 1);
    if let Some((date, offset)) = spaced.rsplit_once(' ')
        && let (Ok(civil), Some(offset)) =
            (date.parse::<jiff::civil::DateTime>(), parse_offset(offset))
    {
        let zone = jiff::tz::Offset::from_seconds(offset * 60).ok()?;
        let timestamp = civil
            .to_zoned_datetime(jiff::tz::TimeZone::fixed(zone))
            .ok()?
            .timestamp();
        return Some((timestamp.as_second(), offset));
    }
    let zoned = jiff::fmt::rfc2822::parse(value).ok()?;
    Some((zoned.timestamp().as_second(), zoned.offset().seconds() / 60))
}

/// `+0100` → 60 minutes.
fn parse_offset(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// An object id as a hash map key. git2's `Oid` hashes its whole 32-byte buffer when
/// SHA-256 support is built in, the unused tail of a SHA-1 id included, which libgit2
/// does not always clear: two equal ids could hash apart, and a map miss what it
/// holds. This key hashes the id's own bytes.
#[derive(Debug, Clone, Copy)]
pub struct Key(pub git2::Oid);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0 == other.0
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_bytes().hash(state);
    }
}

impl From<git2::Oid> for Key {
    fn from(oid: git2::Oid) -> Key {
        Key(oid)
    }
}

/// The git settings a server administrator makes for a repository: its own config
/// file and the system's, never the user-level files (`~/.gitconfig`, XDG), which
/// belong to whoever runs the hook — over a local transport, the pusher.
pub fn server_settings(repo: &Repository) -> Result<git2::Config, git2::Error> {
    let mut config = git2::Config::new()?;
    if let Ok(system) = git2::Config::find_system() {
        config.add_file(&system, git2::ConfigLevel::System, false)?;
    }
    let local = repo.path().join("config");
    if local.is_file() {
        config.add_file(&local, git2::ConfigLevel::Local, false)?;
    }
    Ok(config)
}

/// The signature of `role` in `repo`, as git would write it (see [`resolve_identity`]).
pub fn signature(repo: &Repository, role: Role) -> Result<git2::Signature<'static>, IdentityError> {
    let config = repo.config().ok();
    let identity = resolve_identity(role, &|name| std::env::var(name).ok(), &|key| {
        config
            .as_ref()
            .and_then(|config| config.get_string(key).ok())
    })?;
    let signature = match identity.when {
        Some((seconds, offset)) => git2::Signature::new(
            &identity.name,
            &identity.email,
            &git2::Time::new(seconds, offset),
        ),
        None => git2::Signature::now(&identity.name, &identity.email),
    };
    signature.map_err(|_| match role {
        Role::Author => IdentityError::Missing("author", "AUTHOR"),
        Role::Committer => IdentityError::Missing("committer", "COMMITTER"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(
        role: Role,
        env: &[(&str, &str)],
        config: &[(&str, &str)],
    ) -> Result<Identity, IdentityError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let config: HashMap<String, String> = config
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        resolve_identity(role, &|k| env.get(k).cloned(), &|k| config.get(k).cloned())
    }

    #[test]
    fn identities_resolve_in_gits_order() {
        let config = [("user.name", "Config User"), ("user.email", "user@config")];
        let from_config = resolve(Role::Author, &[], &config).unwrap();
        assert_eq!(
            (from_config.name.as_str(), from_config.email.as_str()),
            ("Config User", "user@config")
        );
        let env = [
            ("GIT_COMMITTER_NAME", "CI Bot"),
            ("GIT_COMMITTER_EMAIL", "ci@example.com"),
        ];
        let committer = resolve(Role::Committer, &env, &config).unwrap();
        assert_eq!(committer.name, "CI Bot");
        assert_eq!(
            resolve(Role::Author, &env, &config).unwrap().name,
            "Config User"
        );
        let roles = [("author.name", "Author Key"), ("user.name", "User")];
        let with_email = [("EMAIL", "fallback@example.com")];
        let author = resolve(Role::Author, &with_email, &roles).unwrap();
        assert_eq!(
            (author.name.as_str(), author.email.as_str()),
            ("Author Key", "fallback@example.com")
        );
        assert!(matches!(
            resolve(Role::Author, &[], &[]),
            Err(IdentityError::Missing(..))
        ));
    }

    #[test]
    fn dates_are_read_in_gits_formats() {
        for (text, expected) in [
            ("@1772323200 +0000", (1_772_323_200, 0)),
            ("1772323200 +0130", (1_772_323_200, 90)),
            ("2026-03-01T00:00:00Z", (1_772_323_200, 0)),
            ("2026-03-01T01:00:00+01:00", (1_772_323_200, 60)),
            ("2026-03-01 01:00:00 +0100", (1_772_323_200, 60)),
            ("Sun, 01 Mar 2026 00:00:00 +0000", (1_772_323_200, 0)),
        ] {
            assert_eq!(parse_git_date(text), Some(expected), "{text}");
        }
        assert_eq!(parse_git_date("yesterday-ish"), None);
    }
}
