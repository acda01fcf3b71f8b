//! Cutting a release: compute the next version from the CHANGELOG's unreleased
//! entries, cut the CHANGELOG section, rewrite the version files, then commit and tag.
//!
//! [`prepare`] validates everything and computes the whole change without writing;
//! [`execute`] applies it all-or-nothing: if the commit or the tag fails, every file
//! is restored and HEAD, the index and the tags are as before.

mod compute;
mod files;
mod tags;
mod version;

use std::path::Path;

use git2::{Oid, Repository, StatusOptions};
use semver::Version;

pub use compute::{Ask, Decision, Tags, decide};
pub use files::Key;
pub use tags::{TagStyle, tag_styles};
pub use version::{bumped, declared_bump, final_of, next_version, parse_label};

use crate::apply::{self, ApplyError, FileChange, Plan};
use crate::changelog::{Changelog, Cut};
use crate::config::Config;
use crate::fs::{FsError, RelPath, Root, TEXT_LIMIT};
use crate::repo::{IdentityError, Role, signature};
use crate::slice::Bump;

/// What the release manager asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The highest bump the unreleased entries declare.
    Computed,
    /// This bump, whatever the entries declare.
    Level(Bump),
    /// Exactly this version.
    Exact(Version),
}

/// A release request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Which version.
    pub target: Target,
    /// A prerelease label (`rc` gives `X.Y.Z-rc.N`).
    pub pre: Option<String>,
    /// Whether a detached HEAD may be released from.
    pub allow_detached: bool,
    /// Whether the work tree must be clean and a commit possible (not for `--next`).
    pub check_tree: bool,
}

/// A computed release, ready to apply.
#[derive(Debug)]
pub struct Release {
    /// The newest version released so far (0.0.0 when none).
    pub current: Version,
    /// The version this release gets.
    pub next: Version,
    /// Its tag.
    pub tag: String,
    /// The bump applied (`None` for an explicit version).
    pub bump: Option<Bump>,
    /// Prerelease sections folded into this release's section.
    pub absorbed: Vec<Version>,
    /// The new CHANGELOG section, as written.
    pub section: String,
    /// Every file write.
    pub plan: Plan,
}

/// What [`execute`] did in git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// The release commit.
    pub commit: Option<Oid>,
    /// The tag created.
    pub tag: Option<String>,
}

/// Why a release was refused or failed. Nothing is left changed by any of them.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// Tracked files are modified or staged.
    #[error("the work tree has uncommitted changes: {}", paths.join(", "))]
    Dirty {
        /// Some of the changed paths.
        paths: Vec<String>,
    },
    /// HEAD is not on a branch.
    #[error("HEAD is detached: a release commit would not be on any branch")]
    Detached,
    /// There is no commit to release from.
    #[error("the repository has no commits yet")]
    NoCommits,
    /// There is no CHANGELOG.
    #[error("{path} does not exist")]
    NoChangelog {
        /// The configured CHANGELOG.
        path: RelPath,
    },
    /// towncrier builds the CHANGELOG: lancelot does not cut its sections.
    #[error("{path} is built by towncrier: lancelot does not write its release sections")]
    Towncrier {
        /// The CHANGELOG.
        path: RelPath,
    },
    /// The `[Unreleased]` section has no entries.
    #[error("nothing to release: the [Unreleased] section of {path} has no entries")]
    NothingUnreleased {
        /// The CHANGELOG.
        path: RelPath,
    },
    /// The requested version is not after the current one.
    #[error("{next} is not greater than the current version {current}")]
    NotGreater {
        /// The requested version.
        next: Version,
        /// The current version.
        current: Version,
    },
    /// The requested version is neither a bump nor a semver version.
    #[error("`{text}` is neither major, minor, patch nor a semver version: {reason}")]
    NotAVersion {
        /// What was given.
        text: String,
        /// Why semver refuses it.
        reason: String,
    },
    /// The prerelease label is not one semver accepts.
    #[error("`{label}` is not a prerelease label: use letters, digits and -, like rc or beta")]
    BadLabel {
        /// The label given.
        label: String,
    },
    /// A part of the version is the largest number semver holds.
    #[error("{version} cannot be raised further: a part of it is the largest number semver holds")]
    Overflow {
        /// The version that cannot be raised.
        version: Version,
    },
    /// The tag exists already.
    #[error("the tag {0} already exists")]
    TagExists(String),
    /// No tag has the configured prefix, but tags of another style exist.
    #[error("no release tag starts with `{prefix}`, but {count} tags look like `{example}`")]
    TagStyle {
        /// The configured prefix.
        prefix: String,
        /// The prefix the tags use.
        seen: String,
        /// How many tags have it.
        count: usize,
        /// One of them.
        example: String,
    },
    /// The clone lacks the history or the tags the check needs.
    #[error("{0}")]
    Incomplete(String),
    /// No tag at all, and the newest CHANGELOG release has its release commit here.
    #[error("{reason}")]
    NoTags {
        /// What is missing.
        reason: String,
        /// The tag the newest release would have.
        tag: String,
        /// Its release commit, abbreviated.
        commit: String,
    },
    /// The CHANGELOG names a section twice.
    #[error("{path} has {repeated}")]
    Repeated {
        /// The CHANGELOG.
        path: RelPath,
        /// The repeated section.
        repeated: crate::changelog::Repeated,
    },
    /// The CHANGELOG and the tags disagree on the current version.
    #[error("the CHANGELOG and the tags disagree: {changelog} but {tags}")]
    Disagree {
        /// What the CHANGELOG says.
        changelog: String,
        /// What the tags say.
        tags: String,
        /// When the CHANGELOG is ahead: the tag its newest release lacks, and the
        /// commit `release: <tag>` found on HEAD's first-parent line, if any.
        untagged: Option<(String, Option<String>)>,
    },
    /// A version file is missing or lacks its key.
    #[error("version file {path}: {reason}")]
    VersionFile {
        /// The version file, as configured.
        path: RelPath,
        /// What is wrong.
        reason: String,
    },
    /// No git identity to sign the commit and tag with.
    #[error("no git identity to write the release commit and tag with")]
    NoIdentity(#[source] IdentityError),
    /// A file could not be reached or read safely.
    #[error(transparent)]
    Files(#[from] FsError),
    /// A git operation failed while preparing.
    #[error("{context}")]
    Git {
        /// What was being done.
        context: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// Writing the files failed (they were restored).
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// The commit or the tag failed; every file, the index and HEAD were restored.
    #[error("the release {step} failed; every change was rolled back")]
    RolledBack {
        /// `commit` or `tag`.
        step: &'static str,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// The commit or tag failed and some files could not be restored.
    #[error("the release {step} failed and these files could not be restored: {}", leftovers.join(", "))]
    RollbackIncomplete {
        /// `commit` or `tag`.
        step: &'static str,
        /// Paths left changed.
        leftovers: Vec<String>,
    },
}

impl ReleaseError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ReleaseError::Dirty { .. } => "commit or stash the changes, then release from a clean tree".into(),
            ReleaseError::Detached => "check out the branch to release (or pass --allow-detached)".into(),
            ReleaseError::NoCommits => "commit the slices first, then release".into(),
            ReleaseError::NoChangelog { .. } => {
                "run `lancelot init`, or set [paths] changelog in lancelot.toml".into()
            }
            ReleaseError::Towncrier { .. } => {
                "build the release with towncrier (`towncrier build --version <X.Y.Z>`), bump the version files and tag it as you do today; lancelot keeps new slices' entries in the news fragment folder for it".into()
            }
            ReleaseError::NothingUnreleased { .. } => {
                "slices add their entries with `lancelot new-slice`; add an entry under ## [Unreleased]".into()
            }
            ReleaseError::NotGreater { .. } => "give a greater version, or a bump: major, minor or patch".into(),
            ReleaseError::NotAVersion { .. } | ReleaseError::BadLabel { .. } => "versions are semver, like 1.4.0 or 2.0.0-rc.1 (a leading v is accepted)".into(),
            ReleaseError::Overflow { .. } => "give the version to release exactly".into(),
            ReleaseError::TagExists(_) => "that version was released already; pick the next one".into(),
            ReleaseError::TagStyle { seen, .. } => format!(
                "set [release] tag_prefix = \"{seen}\" in lancelot.toml (tagging the released commit anew would make a second, wrong tag)"
            ),
            ReleaseError::Incomplete(_) => {
                "fetch them: git fetch --tags --unshallow (or --tags alone in a full clone), then release again".into()
            }
            ReleaseError::NoTags { tag, commit, .. } => format!(
                "fetch them (git fetch --tags); if {tag} was never tagged (a release with --no-tag), tag its release commit: `git tag -a {tag} {commit} -m \"Release {tag}\"`, then release again"
            ),
            ReleaseError::Repeated { repeated, .. } => format!(
                "merge the two {} sections into one (a release moves one section's entries), then release again",
                repeated.name
            ),
            ReleaseError::Disagree { untagged: Some((tag, Some(commit))), .. } => format!(
                "{commit} is the release commit of {tag}, never tagged (a release with --no-tag?): tag it with `git tag -a {tag} {commit} -m \"Release {tag}\"`, then release again"
            ),
            ReleaseError::Disagree { untagged: Some((tag, None)), .. } => format!(
                "tag the commit that released it (`git tag -a {tag} <commit> -m \"Release {tag}\"`), or fix the CHANGELOG heading, then release again"
            ),
            ReleaseError::Disagree { .. } => {
                "make them agree: tag the released commit, or fix the CHANGELOG heading, then release again".into()
            }
            ReleaseError::VersionFile { .. } => {
                "fix [release] version_files in lancelot.toml, or add the key to the file".into()
            }
            ReleaseError::NoIdentity(_) => "set one as git reads it: git config user.name \"…\" and git config user.email \"…\", or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL and GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL".into(),
            ReleaseError::Apply(error) => return error.hint(),
            ReleaseError::RollbackIncomplete { .. } => "restore the listed files with `git checkout -- <file>`".into(),
            ReleaseError::Files(error) => return error.hint(),
            ReleaseError::Git { .. } | ReleaseError::RolledBack { .. } => return None,
        })
    }

    fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> ReleaseError {
        let context = context.into();
        move |source| ReleaseError::Git { context, source }
    }
}

/// Computes the release: validates the repository and the request, the next version,
/// the new CHANGELOG and version files. Writes nothing.
pub fn prepare(
    repo: &Repository,
    files: &Root,
    config: &Config,
    request: &Request,
    today: &str,
) -> Result<Release, ReleaseError> {
    if request.check_tree {
        check_tree(repo, request.allow_detached)?;
    }
    let changelog_path = &config.paths.changelog;
    let before = read(files, changelog_path)?.ok_or_else(|| ReleaseError::NoChangelog {
        path: changelog_path.clone(),
    })?;
    if config.paths.news_fragments.is_some() || crate::changelog::built_by_towncrier(&before) {
        return Err(ReleaseError::Towncrier {
            path: changelog_path.clone(),
        });
    }
    let mut changelog = Changelog::parse(&apply::plain(&before));
    if let Some(repeated) = changelog.repeated_section() {
        return Err(ReleaseError::Repeated {
            path: changelog_path.clone(),
            repeated,
        });
    }
    let prefix = config.release.tag_prefix.as_str();
    let tags = gather_tags(repo)?;
    let decision = compute::decide(
        &changelog,
        &tags,
        compute::Ask {
            target: &request.target,
            pre: request.pre.as_deref(),
            prefix,
            changelog_path,
        },
    )
    .map_err(|error| match error {
        ReleaseError::Disagree {
            changelog,
            tags,
            untagged: Some((tag, None)),
        } => {
            let commit = release_commit(repo, &tag);
            ReleaseError::Disagree {
                changelog,
                tags,
                untagged: Some((tag, commit)),
            }
        }
        // No tag at all, but the newest release was cut on this branch: a clone
        // without its tags, or a first release made with --no-tag.
        ReleaseError::Incomplete(reason) if tags.names.is_empty() && !tags.shallow => {
            let found = changelog
                .releases()
                .map(|(version, _)| version)
                .max()
                .and_then(|version| {
                    let tag = format!("{prefix}{version}");
                    release_commit(repo, &tag).map(|commit| (version, tag, commit))
                });
            match found {
                Some((_, tag, commit)) => ReleaseError::NoTags {
                    reason,
                    tag,
                    commit,
                },
                None => ReleaseError::Incomplete(reason),
            }
        }
        error => error,
    })?;
    let compute::Decision {
        current,
        next,
        tag,
        bump,
        absorbed,
    } = decision;
    changelog.cut_release(&Cut {
        version: &next,
        date: today,
        absorb: &absorbed,
        repository_url: config.release.repository_url.as_deref(),
        tag_prefix: prefix,
    });
    let section = changelog
        .release(&next)
        .map(|section| section.render_text())
        .unwrap_or_default();

    let mut plan = Plan::new();
    plan.push(FileChange::edit(
        changelog_path.clone(),
        before,
        &changelog.render(),
    ));
    for change in version_file_changes(files, config, &next)? {
        plan.push(change);
    }
    Ok(Release {
        current,
        next,
        tag,
        bump,
        absorbed,
        section,
        plan,
    })
}

/// The edits of the version files: every key of one file in one edit, and
/// `Cargo.lock` following the crates whose version changed. Refused, before anything
/// is written, when any file or key cannot be rewritten.
fn version_file_changes(
    files: &Root,
    config: &Config,
    next: &Version,
) -> Result<Vec<FileChange>, ReleaseError> {
    let refuse = |path: &RelPath, reason: String| ReleaseError::VersionFile {
        path: path.clone(),
        reason,
    };
    let mut paths: Vec<&RelPath> = Vec::new();
    for file in &config.release.version_files {
        if !paths.contains(&&file.path) {
            paths.push(&file.path);
        }
    }
    let mut changes = Vec::new();
    let mut crates: Vec<String> = Vec::new();
    let lock = RelPath::from_static("Cargo.lock");
    let lock_text = read(files, &lock)?;
    for path in paths {
        let keys = config
            .release
            .version_files
            .iter()
            .filter(|file| file.path == *path)
            .map(|file| file.key().map_err(|reason| refuse(path, reason)))
            .collect::<Result<Vec<Key>, _>>()?;
        let text =
            read(files, path)?.ok_or_else(|| refuse(path, "the file does not exist".into()))?;
        let (updated, old) = files::with_versions(&apply::plain(&text), &keys, next)
            .map_err(|reason| refuse(path, reason))?;
        if path.file_name() == "Cargo.toml" {
            for (key, old) in keys.iter().zip(&old) {
                match key {
                    Key::Toml(key) if key == "package.version" => {
                        crates.extend(files::cargo_package_name(&text));
                    }
                    Key::Toml(key) if key == "workspace.package.version" => {
                        let lock_text = lock_text.as_deref().unwrap_or_default();
                        crates.extend(files::workspace_crates_at(lock_text, old));
                    }
                    _ => {}
                }
            }
        }
        changes.push(FileChange::edit(path.clone(), text, &updated));
    }
    let lock_listed = config
        .release
        .version_files
        .iter()
        .any(|file| file.path == lock);
    if let (Some(text), false, false) = (lock_text, crates.is_empty(), lock_listed) {
        let updated = files::cargo_lock(&apply::plain(&text), &crates, next)
            .map_err(|reason| refuse(&lock, reason))?;
        if let Some(updated) = updated {
            changes.push(FileChange::edit(lock, text, &updated));
        }
    }
    Ok(changes)
}

/// Refuses a detached HEAD (unless allowed), uncommitted changes to tracked files, and
/// a missing git identity.
fn check_tree(repo: &Repository, allow_detached: bool) -> Result<(), ReleaseError> {
    if repo.head().is_err() {
        return Err(ReleaseError::NoCommits);
    }
    if repo.head_detached().unwrap_or(false) && !allow_detached {
        return Err(ReleaseError::Detached);
    }
    let mut options = StatusOptions::new();
    options
        .include_untracked(false)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repo
        .statuses(Some(&mut options))
        .map_err(ReleaseError::git("cannot read the status of the work tree"))?;
    let paths: Vec<String> = statuses
        .iter()
        .filter(|entry| entry.status() != git2::Status::CURRENT)
        .take(5)
        .map(|entry| String::from_utf8_lossy(entry.path_bytes()).into_owned())
        .collect();
    if !paths.is_empty() {
        return Err(ReleaseError::Dirty { paths });
    }
    signature(repo, Role::Author).map_err(ReleaseError::NoIdentity)?;
    signature(repo, Role::Committer).map_err(ReleaseError::NoIdentity)?;
    Ok(())
}

/// What would stop a release, checked up front (for `doctor`): each problem with
/// what to do. Every version file and key must hold a version lancelot can rewrite,
/// and existing release tags must follow `tag_prefix`.
pub fn check_setup(repo: &Repository, root: &Root, config: &Config) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut paths: Vec<&RelPath> = Vec::new();
    for file in &config.release.version_files {
        if !paths.contains(&&file.path) {
            paths.push(&file.path);
        }
    }
    let fix = "fix the file, or the entry in [release] version_files".to_owned();
    for path in paths {
        let keys: Result<Vec<Key>, String> = config
            .release
            .version_files
            .iter()
            .filter(|file| file.path == *path)
            .map(crate::config::VersionFile::key)
            .collect();
        let outcome = keys.and_then(|keys: Vec<Key>| match read(root, path) {
            Ok(Some(text)) => {
                files::with_versions(&text, &keys, &Version::new(0, 0, 0)).map(|_| ())
            }
            Ok(None) => Err("the file does not exist".into()),
            Err(error) => Err(error.to_string()),
        });
        if let Err(reason) = outcome {
            problems.push((format!("version file {path}: {reason}"), fix.clone()));
        }
    }
    let prefix = config.release.tag_prefix.as_str();
    let tags = gather_tags(repo).unwrap_or_default();
    if tags.versions(prefix).is_empty()
        && let Some(style) = tag_styles(tags.names.iter().map(String::as_str))
            .into_iter()
            .find(|style| style.prefix != prefix)
    {
        problems.push((
            format!(
                "no tag follows tag_prefix = \"{prefix}\", but {} tag(s) look like {}",
                style.count, style.newest
            ),
            format!(
                "set [release] tag_prefix = \"{}\" in lancelot.toml",
                style.prefix
            ),
        ));
    }
    problems
}

/// The repository's tags, as a release reads them.
/// How far back the commit of an untagged release is looked for.
const RELEASE_COMMIT_SEARCH: usize = 10_000;

/// The short id of the commit `release: <tag>` (the message `release` writes) on
/// HEAD's first-parent line, looking back at most [`RELEASE_COMMIT_SEARCH`] commits.
fn release_commit(repo: &Repository, tag: &str) -> Option<String> {
    let message = format!("release: {tag}");
    let mut commit = repo.head().ok()?.peel_to_commit().ok()?;
    for _ in 0..RELEASE_COMMIT_SEARCH {
        if commit.message_bytes().trim_ascii() == message.as_bytes() {
            let id = commit.id().to_string();
            return Some(id[..id.len().min(12)].to_owned());
        }
        commit = commit.parent(0).ok()?;
    }
    None
}

fn gather_tags(repo: &Repository) -> Result<compute::Tags, ReleaseError> {
    let names = repo
        .tag_names(None)
        .map_err(ReleaseError::git("cannot list tags"))?;
    Ok(compute::Tags {
        names: names
            .iter()
            .flatten()
            .flatten()
            .map(str::to_owned)
            .collect(),
        shallow: repo.is_shallow(),
    })
}

/// Reads a text file of the work tree; `None` when it does not exist.
fn read(files: &Root, path: &RelPath) -> Result<Option<String>, ReleaseError> {
    Ok(files.read_text(path, TEXT_LIMIT)?)
}

/// Applies a prepared release: writes the files, then (when `commit`) a commit
/// `release: <tag>` holding exactly those files and (when `tag`) an annotated tag.
/// A failing commit or tag undoes everything.
pub fn execute(
    repo: &Repository,
    files: &Root,
    release: &Release,
    journal: Option<&apply::Journal>,
    commit: bool,
    tag: bool,
) -> Result<Executed, ReleaseError> {
    let applied = match journal {
        Some(journal) => release.plan.apply_journaled(files, journal)?,
        None => release.plan.apply(files)?,
    };
    if !commit {
        return Ok(Executed {
            commit: None,
            tag: None,
        });
    }
    let paths: Vec<&RelPath> = release
        .plan
        .changes()
        .iter()
        .map(FileChange::path)
        .collect();
    match commit_and_tag(repo, &paths, &release.tag, tag) {
        Ok(executed) => Ok(executed),
        Err(failure) => {
            let GitFailure {
                step,
                source,
                mut leftovers,
            } = failure;
            leftovers.extend(applied.rollback());
            if leftovers.is_empty() {
                Err(ReleaseError::RolledBack { step, source })
            } else {
                Err(ReleaseError::RollbackIncomplete { step, leftovers })
            }
        }
    }
}

/// A failed commit or tag, and what could not be put back in git.
struct GitFailure {
    step: &'static str,
    source: git2::Error,
    leftovers: Vec<String>,
}

impl GitFailure {
    fn at(step: &'static str) -> impl FnOnce(git2::Error) -> GitFailure {
        move |source| GitFailure {
            step,
            source,
            leftovers: Vec::new(),
        }
    }
}

/// Commits `paths` on HEAD and tags the commit; on failure HEAD and the index are put
/// back (the caller restores the files).
fn commit_and_tag(
    repo: &Repository,
    paths: &[&RelPath],
    tag: &str,
    create_tag: bool,
) -> Result<Executed, GitFailure> {
    let parent = repo
        .head()
        .and_then(|head| head.peel_to_commit())
        .map_err(GitFailure::at("commit"))?;
    let parent_tree = parent.tree().map_err(GitFailure::at("commit"))?;
    let message = format!("release: {tag}");
    let mut index_written = false;
    let committed = (|| {
        let identity =
            |role| signature(repo, role).map_err(|error| git2::Error::from_str(&error.to_string()));
        let (author, committer) = (identity(Role::Author)?, identity(Role::Committer)?);
        let mut index = repo.index()?;
        for path in paths {
            index.add_path(Path::new(path.as_str()))?;
        }
        index.write()?;
        index_written = true;
        let tree = repo.find_tree(index.write_tree()?)?;
        let id = repo.commit(
            Some("HEAD"),
            &author,
            &committer,
            &message,
            &tree,
            &[&parent],
        )?;
        Ok::<_, git2::Error>((id, committer))
    })();
    let (commit_id, signature) = match committed {
        Ok(done) => done,
        Err(error) => {
            let mut failure = GitFailure::at("commit")(error);
            if index_written {
                failure.leftovers.extend(restore_index(repo, &parent_tree));
            }
            return Err(failure);
        }
    };
    if !create_tag {
        return Ok(Executed {
            commit: Some(commit_id),
            tag: None,
        });
    }
    let tagged = repo
        .find_object(commit_id, None)
        .and_then(|object| repo.tag(tag, &object, &signature, &format!("Release {tag}\n"), false));
    if let Err(error) = tagged {
        let mut failure = GitFailure::at("tag")(error);
        failure.leftovers.extend(reset_head(repo, parent.id()));
        failure.leftovers.extend(restore_index(repo, &parent_tree));
        return Err(failure);
    }
    Ok(Executed {
        commit: Some(commit_id),
        tag: Some(tag.to_owned()),
    })
}

/// Points HEAD (or the branch it names) back at `commit`; names HEAD when it cannot.
fn reset_head(repo: &Repository, commit: Oid) -> Option<String> {
    let branch = repo
        .find_reference("HEAD")
        .ok()
        .and_then(|head| head.symbolic_target().ok().flatten().map(str::to_owned));
    let moved = match branch {
        Some(branch) => repo.find_reference(&branch).and_then(|mut reference| {
            reference
                .set_target(commit, "lancelot: release rolled back")
                .map(|_| ())
        }),
        None => repo.set_head_detached(commit),
    };
    moved
        .err()
        .map(|_| format!("HEAD (reset it with `git reset --soft {commit}`)"))
}

/// Makes the index match `tree` again; names the index when it cannot.
fn restore_index(repo: &Repository, tree: &git2::Tree<'_>) -> Option<String> {
    let restored = repo
        .index()
        .and_then(|mut index| index.read_tree(tree).and_then(|()| index.write()));
    restored
        .err()
        .map(|_| "the index (run `git reset`)".to_owned())
}
