//! The freeze enforcer (SOP 2.1, "No Moving Targets"): no commit may change a spec or
//! blueprint whose status is frozen, except for an allowed status transition.
//!
//! [`rule`] is the pure judgement of one change; [`walk`] finds the changes to judge
//! (the index, a range of commits, the commits of a push) by walking only the trees
//! under the frozen paths whose ids differ; [`report`] renders the violations.
//! Violations are data, not errors: an error means the check itself could not run.

pub mod attributes;
pub mod blobs;
pub mod index;
pub mod input;
mod parallel;
pub mod push;
pub mod report;
pub mod rule;
pub mod rules_change;
mod staged;
pub mod walk;

use std::path::Path;

use git2::{Oid, Repository};
use serde::Serialize;

use crate::config::Config;
use crate::fs::Root;

pub use input::{PushedRef, RefUpdate};
pub use rule::{ChangeKind, Rules, Verdict};
pub use walk::{Checker, KnownRefs, Limits, Opener, Progress, new_commits, range_commits};

/// Why a check could not run. Hooks refuse the push on any of these (fail closed).
#[derive(Debug, thiserror::Error)]
pub enum FreezeError {
    /// The `[freeze]` table is invalid.
    #[error("invalid freeze configuration: {key}: {problem}")]
    Config {
        /// The key at fault, e.g. `[freeze] paths`.
        key: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The configuration file could not be read or parsed.
    #[error(transparent)]
    ConfigFile(#[from] crate::config::ConfigError),
    /// A git operation failed.
    #[error("{context}")]
    Git {
        /// What was being done.
        context: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// A revision or range does not resolve.
    #[error("cannot resolve `{spec}`")]
    BadRevision {
        /// What was given.
        spec: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// The history is cut off (a shallow clone) where a commit's parents are needed.
    #[error(
        "the history is shallow at {commit}: its parents were not fetched, so its changes cannot be checked"
    )]
    Shallow {
        /// The commit whose parents are missing.
        commit: String,
    },
    /// The work tree could not be opened.
    #[error(transparent)]
    Files(#[from] crate::fs::FsError),
    /// The check would do more work than its limits allow.
    #[error("the check stopped at its limit of {limit} {what}{}", commit.as_deref().map(|c| format!(" (commit {c})")).unwrap_or_default())]
    Limit {
        /// What is counted.
        what: String,
        /// The limit in force.
        limit: u64,
        /// The git config key that sets it.
        key: String,
        /// The commit at fault, when one is.
        commit: Option<String>,
    },
    /// The server's HEAD names a branch that does not exist while others do.
    #[error(
        "the server's HEAD names {head}, which does not exist: the freeze cannot tell which branch is the default one it protects"
    )]
    DanglingHead {
        /// The branch HEAD names.
        head: String,
    },
    /// A hook received input it does not understand.
    #[error("malformed hook input line {line:?}: {reason}")]
    HookInput {
        /// The input line, as received.
        line: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl FreezeError {
    /// Wraps a libgit2 error with what was being done.
    pub fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> FreezeError {
        let context = context.into();
        move |source| FreezeError::Git { context, source }
    }

    /// [`git`](FreezeError::git) with the context written only when there is an
    /// error: the walk reads objects by the million, and formatting each one's
    /// context was a tenth of its time.
    pub fn git_with(context: impl FnOnce() -> String) -> impl FnOnce(git2::Error) -> FreezeError {
        move |source| FreezeError::Git {
            context: context(),
            source,
        }
    }

    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            FreezeError::Config { key, .. } if key.starts_with("git config") => Some(format!(
                "set it to a positive number: {key} <number> (`lancelot guide config`)"
            )),
            FreezeError::Config { .. } => Some("fix [freeze] in lancelot.toml; `lancelot guide config` describes every key".into()),
            FreezeError::ConfigFile(error) => error.hint(),
            FreezeError::Files(error) => error.hint(),
            FreezeError::Git { .. } => None,
            FreezeError::BadRevision { .. } => Some(
                "check the revision exists locally; in CI fetch the base branch first (e.g. `git fetch origin main`)".into(),
            ),
            FreezeError::Shallow { .. } => Some(
                "fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in the CI checkout) and run the check again".into(),
            ),
            FreezeError::Limit { key, .. } => Some(format!(
                "nothing was accepted; if the work is legitimate (a first push of a long history, a huge octopus merge), raise the limit where the check runs: git config {key} <number> (`lancelot guide security`)"
            )),
            FreezeError::DanglingHead { .. } => Some(
                "on the server, point HEAD at the default branch: git symbolic-ref HEAD refs/heads/main (`lancelot doctor` in the bare repository checks it)".into(),
            ),
            FreezeError::HookInput { .. } => Some("git passes `<old> <new> <ref>` lines; run the hook only from git".into()),
        }
    }
}

/// One change to a frozen document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The commit making the change (`index` for staged changes).
    pub commit: String,
    /// The parent it is compared with.
    pub parent: String,
    /// The frozen document.
    pub path: String,
    /// How it changed.
    pub change: ChangeKind,
    /// The frozen status it had in the parent.
    pub status: String,
    /// The commit's subject line.
    #[serde(skip)]
    pub subject: String,
    /// The ref whose tip was rewritten, when this compares an old tip with the new one
    /// of a non-fast-forward update (`commit` is the new tip, `parent` the old).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<String>,
    /// Whether `rewrite` names refs other than the default branch that the push
    /// creates or moves: `commit` is their tip, `parent` the default branch's, whose
    /// frozen documents they must not contradict.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub against_default: bool,
    /// How many later commits (merges bringing it onto another line) carry the same
    /// change again; reported here once instead of once per merge.
    #[serde(skip_serializing_if = "is_zero")]
    pub carried_by: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Why a ref update is refused whatever its commits contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefReason {
    /// The repository's default branch would be deleted.
    DefaultBranchDeleted,
    /// A `refs/replace/*` ref would change what git serves for an object.
    ReplaceRef,
    /// The `[freeze]` rules of the default branch would be weakened.
    RulesWeakened,
}

impl RefReason {
    /// What is refused, as a user reads it.
    pub fn describe(self) -> &'static str {
        match self {
            RefReason::DefaultBranchDeleted => "deleting the default branch is refused",
            RefReason::ReplaceRef => {
                "a replace ref makes git serve another object in place of a judged one; refused"
            }
            RefReason::RulesWeakened => "weakens the freeze rules in force, refused",
        }
    }
}

/// A ref update refused as such.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefRefusal {
    /// The ref, as text.
    #[serde(rename = "ref")]
    pub name: String,
    /// Why the update is refused.
    pub reason: RefReason,
    /// What exactly, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The result of a check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// How many commits (or the index) were checked.
    pub commits_checked: usize,
    /// Every violation found.
    pub violations: Vec<Violation>,
    /// Ref updates refused as such (a server's push only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused_refs: Vec<RefRefusal>,
}

impl Report {
    /// Whether the check passed.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty() && self.refused_refs.is_empty()
    }
}

/// Where the rules in force come from. They are never taken from the commits being
/// checked, so a change cannot weaken the rule that judges it.
#[derive(Debug, Clone, Copy)]
pub enum RulesSource<'a> {
    /// A configuration file given explicitly (`--config`, `lancelot.config`).
    File(&'a Path),
    /// The `lancelot.toml` committed in this commit (the base of what is checked).
    Commit(Oid),
    /// The `lancelot.toml` committed at HEAD (the defaults when HEAD is unborn).
    Head,
    /// The `lancelot.toml` of a pushed commit: on a server whose repository is still
    /// empty, the first push of its default branch brings the rules (there is nothing
    /// frozen yet to protect).
    Pushed(Oid),
    /// The `lancelot.toml` of the work tree (the defaults without one).
    WorkTree,
}

/// Loads and compiles the rules in force, noting where they come from.
pub fn load_rules(repo: &Repository, source: RulesSource<'_>) -> Result<Rules, FreezeError> {
    let (config, origin) = match source {
        RulesSource::File(path) => (
            Config::load_named(path)?,
            format!("the file {}", crate::ui::safe(&path.display().to_string())),
        ),
        RulesSource::Commit(oid) => config_at_commit(repo, oid)?,
        RulesSource::Pushed(oid) => {
            let (config, origin) = config_at_commit(repo, oid)?;
            (
                config,
                format!("{origin}, the first push of the default branch"),
            )
        }
        RulesSource::Head => match repo.head().and_then(|head| head.peel_to_commit()) {
            Ok(commit) => config_at_commit(repo, commit.id())?,
            Err(error) if error.code() == git2::ErrorCode::UnbornBranch => (
                Config::default(),
                "the built-in defaults (HEAD has no commit yet)".to_owned(),
            ),
            Err(error) => return Err(FreezeError::git("cannot read HEAD")(error)),
        },
        RulesSource::WorkTree => match repo.workdir() {
            Some(root) => match Config::load(&Root::work_tree(root, repo.path())?, None)? {
                (config, Some(_)) => (config, "the work tree's lancelot.toml".to_owned()),
                (config, None) => (
                    config,
                    "the built-in defaults (no lancelot.toml in the work tree)".to_owned(),
                ),
            },
            None => return load_rules(repo, RulesSource::Head),
        },
    };
    let mut rules = Rules::new(&config.freeze)?;
    rules.origin = origin;
    Ok(rules)
}

/// A document under the freeze globs, as committed at HEAD, and its statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveredDocument {
    /// Its path.
    pub path: String,
    /// The status values a reader finds in it (none: it has no status line).
    pub statuses: Vec<String>,
}

/// Every document the freeze globs cover at HEAD (regular files up to 32 MiB), with
/// its statuses: what `doctor` checks the rule can read.
pub fn covered_documents(
    repo: &Repository,
    rules: &Rules,
) -> Result<Vec<CoveredDocument>, FreezeError> {
    let tree = match repo.head().and_then(|head| head.peel_to_tree()) {
        Ok(tree) => tree,
        Err(error) if error.code() == git2::ErrorCode::UnbornBranch => return Ok(Vec::new()),
        Err(error) => return Err(FreezeError::git("cannot read HEAD")(error)),
    };
    let mut files = Vec::new();
    let mut open = |oid: Oid, path: &str| {
        repo.find_tree(oid)
            .map_err(FreezeError::git(format!("cannot read the folder {path}")))
    };
    walk::covered_files(rules, &tree, "", &mut open, &mut files)?;
    let mut documents = Vec::new();
    for (path, id) in files {
        let small = repo
            .odb()
            .and_then(|odb| odb.read_header(id))
            .is_ok_and(|(size, _)| size as u64 <= walk::DOCUMENT_LIMIT);
        let statuses = if small {
            let blob = repo
                .find_blob(id)
                .map_err(FreezeError::git(format!("cannot read {path}")))?;
            rules.status_values(blob.content())
        } else {
            Vec::new()
        };
        documents.push(CoveredDocument { path, statuses });
    }
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(documents)
}

/// `dir/name`, or `name` at the root (`dir` empty).
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The folders strictly above `path` (`a/b/c`: ``, `a`, `a/b`); none above the root.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let above = path
        .char_indices()
        .filter(|(_, c)| *c == '/')
        .map(|(at, _)| &path[..at]);
    std::iter::once("")
        .chain(above)
        .take_while(move |_| !path.is_empty())
}

/// Whether a file may be edited, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Editable {
    /// The path, from the repository root.
    pub path: String,
    /// Whether a commit changing it would be refused.
    pub frozen: bool,
    /// Its status as committed, when it has one the freeze reads.
    pub status: Option<String>,
    /// Why, in a sentence (with the way forward when it is frozen).
    pub reason: String,
}

/// Whether a commit changing `path` (from the repository root) would be refused: the
/// freeze covers it and its version at HEAD has a frozen status.
pub fn editable(repo: &Repository, rules: &Rules, path: &str) -> Result<Editable, FreezeError> {
    let answer = |frozen: bool, status: Option<String>, reason: String| Editable {
        path: path.to_owned(),
        frozen,
        status,
        reason,
    };
    if !rules.covers(path) {
        return Ok(answer(
            false,
            None,
            "may be edited: the freeze does not cover this path".into(),
        ));
    }
    let head = match repo.head().and_then(|head| head.peel_to_tree()) {
        Ok(tree) => Some(tree),
        Err(error) if error.code() == git2::ErrorCode::UnbornBranch => None,
        Err(error) => return Err(FreezeError::git("cannot read HEAD")(error)),
    };
    let at_head = |path: &str| head.as_ref()?.get_path(Path::new(path)).ok();
    let Some(entry) = at_head(path).filter(|entry| entry.kind() == Some(git2::ObjectType::Blob))
    else {
        return Ok(answer(
            false,
            None,
            "may be edited: it is not committed yet, so nothing of it is frozen".into(),
        ));
    };
    let blob = repo
        .find_blob(entry.id())
        .map_err(FreezeError::git(format!("cannot read {path}")))?;
    let status = rules.status_of(blob.content());
    match rules.frozen_status_of(blob.content()) {
        Some(frozen) => Ok(answer(
            true,
            status,
            format!(
                "frozen ({frozen}): a commit changing it is refused; put the new idea in a follow-up slice ({}), or change nothing but its status along an allowed transition",
                report::follow_up_command(path, &|other| at_head(other).is_some())
            ),
        )),
        None => {
            let shown = status.clone().unwrap_or_else(|| "no status".into());
            Ok(answer(
                false,
                status,
                format!("may be edited: its status ({shown}) is not frozen"),
            ))
        }
    }
}

/// Whether `path` exists where `violation` was made: in its commit's tree, or in
/// the index for staged changes. Follow-up names are picked among those that do not.
pub fn exists_where(repo: &Repository, violation: &Violation, path: &str) -> bool {
    if violation.commit == "index" {
        return repo
            .index()
            .is_ok_and(|index| index.get_path(Path::new(path), 0).is_some());
    }
    crate::repo::parse_oid(&violation.commit)
        .and_then(|id| repo.find_commit(id))
        .and_then(|commit| commit.tree())
        .is_ok_and(|tree| tree.get_path(Path::new(path)).is_ok())
}

/// The commit `[freeze] baseline` names, when the repository has it. A baseline the
/// repository does not have hides nothing: more is judged, never less.
pub fn baseline_commit(repo: &Repository, rules: &Rules) -> Option<Oid> {
    let revision = rules.baseline.as_deref()?;
    repo.revparse_single(revision)
        .and_then(|object| object.peel_to_commit())
        .map(|commit| commit.id())
        .ok()
}

/// A commit and its tree.
fn commit_and_tree(
    repo: &Repository,
    oid: Oid,
) -> Result<(git2::Commit<'_>, git2::Tree<'_>), FreezeError> {
    let commit = repo
        .find_commit(oid)
        .map_err(FreezeError::git(format!("cannot read commit {oid}")))?;
    let tree = commit
        .tree()
        .map_err(FreezeError::git(format!("cannot read the tree of {oid}")))?;
    Ok((commit, tree))
}

/// The configuration committed at `oid`, and where it came from.
pub fn config_at_commit(repo: &Repository, oid: Oid) -> Result<(Config, String), FreezeError> {
    let (_, tree) = commit_and_tree(repo, oid)?;
    let short = oid.to_string().chars().take(10).collect::<String>();
    let origin = if tree.get_name(crate::config::CONFIG_FILE).is_some() {
        format!("lancelot.toml at {short}")
    } else {
        format!("the built-in defaults (no lancelot.toml at {short})")
    };
    Ok((Config::from_tree(repo, &tree, &oid.to_string())?, origin))
}

/// Judges the rules a push leaves in force: the `lancelot.toml` of the new tip of the
/// default branch. Rules that would not load are refused as an error (once on the
/// default branch, every later push would fail closed, the fix included). When the
/// rules in force come from the repository (`from_repository`: no server-side file),
/// a change that weakens them is refused as a ref refusal (see [`rules_change`]).
pub fn check_rules_change(
    repo: &Repository,
    updates: &[RefUpdate],
    default_branch: Option<&[u8]>,
    from_repository: bool,
) -> Result<Vec<RefRefusal>, FreezeError> {
    let Some(update) = updates
        .iter()
        .find(|update| Some(update.name.as_slice()) == default_branch && !update.is_deletion())
    else {
        return Ok(Vec::new());
    };
    let Some(new_tip) = peeled_commit(repo, update.new) else {
        return Ok(Vec::new());
    };
    let (new, _) = config_at_commit(repo, new_tip)?;
    Rules::new(&new.freeze)?;
    let old_tip = (!update.is_creation())
        .then(|| peeled_commit(repo, update.old))
        .flatten();
    let (Some(old_tip), true) = (old_tip, from_repository) else {
        return Ok(Vec::new());
    };
    let (old, _) = config_at_commit(repo, old_tip)?;
    let weakened = rules_change::weakenings(&old.freeze, &new.freeze);
    if weakened.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![RefRefusal {
        name: update.display_name(),
        reason: RefReason::RulesWeakened,
        detail: Some(weakened.join("; ")),
    }])
}

/// The commit an object id leads to, if any.
fn peeled_commit(repo: &Repository, oid: Oid) -> Option<Oid> {
    repo.find_object(oid, None)
        .and_then(|object| object.peel_to_commit())
        .map(|commit| commit.id())
        .ok()
}
