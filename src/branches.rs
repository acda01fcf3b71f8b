//! Slices on other branches: two branches that each create `HealthMonitor` (or
//! the flag `FEATURE_HEALTH_MONITOR`, or the module `src/core/health_monitor.py`) pass
//! every check alone and collide only when they meet. This finds them before.
//!
//! A slice counts as created on a branch when its spec is in the branch's tip but not
//! in the commit where the branch and ours part (their merge base): a slice both sides
//! inherited is one slice, not a collision. Only the specs folder of each tip is read,
//! and each folder and spec once per object id.

use std::collections::HashMap;

use git2::{Oid, Repository};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::Config;
use crate::doc;
use crate::feature::FeatureName;
use crate::slice::Flag;

/// Most refs read (a repository with more keeps the first ones in name order).
const MOST_REFS: usize = 2_000;

/// Why the other branches could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BranchesError {
    /// A `[slices] branches` pattern is not a glob.
    #[error("[slices] branches: `{pattern}` is not a pattern: {message}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
    /// git could not read a ref, a commit or a tree.
    #[error("cannot read the branches: {0}")]
    Git(#[from] git2::Error),
}

/// A slice as a commit holds it: enough to tell a collision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceName {
    /// Its name, from the spec's file name.
    pub feature: FeatureName,
    /// The flag it declares (the conventional one when it declares none).
    pub flag: String,
    /// The owning module it declares, if any.
    pub module: Option<String>,
    /// Its spec.
    pub spec: String,
    /// The spec's blob, when read from a commit: the same blob at the same path is
    /// the same slice.
    pub blob: Option<Oid>,
}

/// A slice created on other branches than ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    /// The slice.
    pub slice: SliceName,
    /// The branches it was created on (short names: `feature/x`, `origin/feature/x`).
    pub branches: Vec<String>,
}

/// What collides: the feature name, the flag or the owning module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// The same feature, under any spelling.
    Feature,
    /// The same flag.
    Flag,
    /// The same owning module.
    Module,
}

impl Clash {
    /// `the feature`, `the flag`, `the owning module`.
    pub fn noun(self) -> &'static str {
        match self {
            Clash::Feature => "the feature",
            Clash::Flag => "the flag",
            Clash::Module => "the owning module",
        }
    }
}

impl Clash {
    /// `the flag FEATURE_X`: what `slice` takes that collides.
    pub fn describe(self, slice: &SliceName) -> String {
        let value = match self {
            Clash::Feature => slice.feature.pascal(),
            Clash::Flag => slice.flag.clone(),
            Clash::Module => slice.module.clone().unwrap_or_default(),
        };
        format!("{} {value}", self.noun())
    }
}

impl SliceName {
    /// What `self` and `other` (a different slice) both take, if anything.
    pub fn clash(&self, other: &SliceName) -> Option<Clash> {
        if self.feature.key() == other.feature.key() {
            Some(Clash::Feature)
        } else if self.flag == other.flag {
            Some(Clash::Flag)
        } else if self.module.is_some() && self.module == other.module {
            Some(Clash::Module)
        } else {
            None
        }
    }
}

/// Reads slices out of commits, remembering each folder and spec it read.
pub struct Reader<'r> {
    repo: &'r Repository,
    config: &'r Config,
    prefix: String,
    folders: HashMap<Oid, Vec<(String, Oid)>>,
    specs: HashMap<(String, Oid), SliceName>,
}

impl<'r> Reader<'r> {
    /// A reader of `repo`'s commits, with `config`'s naming and folders.
    pub fn new(repo: &'r Repository, config: &'r Config) -> Reader<'r> {
        Reader {
            repo,
            config,
            prefix: format!(
                "{}_{}_Spec_",
                config.project.name, config.project.generation
            ),
            folders: HashMap::new(),
            specs: HashMap::new(),
        }
    }

    /// The specs of `commit`'s specs folder: file name and blob id.
    fn specs_of(&mut self, commit: Oid) -> Result<Vec<(String, Oid)>, git2::Error> {
        let Some(folder) = self.specs_folder(commit)? else {
            return Ok(Vec::new());
        };
        if let Some(known) = self.folders.get(&folder) {
            return Ok(known.clone());
        }
        let listed: Vec<(String, Oid)> = self
            .repo
            .find_tree(folder)?
            .iter()
            .filter(|entry| entry.kind() == Some(git2::ObjectType::Blob))
            .filter_map(|entry| Some((entry.name().ok()?.to_owned(), entry.id())))
            .filter(|(name, _)| name.starts_with(&self.prefix) && name.ends_with(".md"))
            .collect();
        self.folders.insert(folder, listed.clone());
        Ok(listed)
    }

    /// The id of `commit`'s specs folder, if it has one.
    fn specs_folder(&self, commit: Oid) -> Result<Option<Oid>, git2::Error> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        Ok(
            match tree.get_path(std::path::Path::new(self.config.paths.specs.as_str())) {
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => Some(entry.id()),
                _ => None,
            },
        )
    }

    /// The slice of one spec blob.
    fn slice(&mut self, name: &str, blob: Oid) -> Option<SliceName> {
        let key = (name.to_owned(), blob);
        if let Some(known) = self.specs.get(&key) {
            return Some(known.clone());
        }
        let feature = name
            .strip_prefix(&self.prefix)
            .and_then(|rest| rest.strip_suffix(".md"))
            .and_then(|name| FeatureName::parse(name).ok())?;
        // A spec too large to be one (a hostile branch's) is never read.
        let (size, _) = self.repo.odb().ok()?.read_header(blob).ok()?;
        if size as u64 > crate::freeze::walk::DOCUMENT_LIMIT {
            return None;
        }
        let text = self.repo.find_blob(blob).ok()?;
        let field = |field: &str| doc::field_value(text.content(), field);
        let token = |value: String| {
            value
                .split_whitespace()
                .next()
                .map(|word| word.trim_matches('`').to_owned())
        };
        let flag = field("Feature flag")
            .and_then(token)
            .filter(|flag| flag.parse::<Flag>().is_ok())
            .unwrap_or_else(|| feature.flag());
        let module = field("Owning module").and_then(token);
        let slice = SliceName {
            feature,
            flag,
            module,
            spec: self.config.paths.specs.join(name).to_string(),
            blob: Some(blob),
        };
        self.specs.insert(key, slice.clone());
        Some(slice)
    }

    /// The slices of `tip` whose specs are not in `since` (created after it).
    pub fn added(&mut self, tip: Oid, since: Option<Oid>) -> Result<Vec<SliceName>, git2::Error> {
        let before: Vec<String> = match since {
            Some(since) => self
                .specs_of(since)?
                .into_iter()
                .map(|(name, _)| name)
                .collect(),
            None => Vec::new(),
        };
        let mut slices = Vec::new();
        for (name, blob) in self.specs_of(tip)? {
            if !before.contains(&name)
                && let Some(slice) = self.slice(&name, blob)
            {
                slices.push(slice);
            }
        }
        Ok(slices)
    }
}

/// The slices created on the branches `config` names (other than the one checked
/// out) since they parted from HEAD, each with the branches holding it.
pub fn elsewhere(repo: &Repository, config: &Config) -> Result<Vec<Elsewhere>, BranchesError> {
    let patterns = patterns(config)?;
    let head = repo.head().ok();
    let head_ref = head
        .as_ref()
        .filter(|head| head.is_branch())
        .and_then(|head| head.name().ok().map(str::to_owned));
    let head_commit = head
        .and_then(|head| head.peel_to_commit().ok())
        .map(|c| c.id());
    // The same branch elsewhere (`origin/<ours>`, behind or rewritten) holds our own
    // slices, not another's.
    let ours_elsewhere = head_ref
        .as_deref()
        .and_then(|name| name.strip_prefix("refs/heads/"))
        .map(|short| format!("/{short}"));
    let head_tree = head_commit.and_then(|id| repo.find_commit(id).ok()?.tree().ok());
    let mut reader = Reader::new(repo, config);
    let mut found: Vec<Elsewhere> = Vec::new();
    let mut names: Vec<String> = repo
        .references()?
        .flatten()
        .filter(|reference| reference.kind() == Some(git2::ReferenceType::Direct))
        .filter_map(|reference| reference.name().ok().map(str::to_owned))
        .filter(|name| patterns.is_match(name) && Some(name) != head_ref.as_ref())
        .filter(|name| {
            !(name.starts_with("refs/remotes/")
                && ours_elsewhere
                    .as_deref()
                    .is_some_and(|short| name.ends_with(short)))
        })
        .collect();
    names.sort();
    names.truncate(MOST_REFS);
    for name in names {
        let Ok(tip) = repo
            .find_reference(&name)
            .and_then(|reference| reference.peel_to_commit())
        else {
            continue;
        };
        if Some(tip.id()) == head_commit {
            continue;
        }
        // Most branches leave the specs folder as ours: nothing there to compare,
        // and no merge base to look for.
        if let Some(head) = head_commit
            && reader.specs_folder(tip.id())? == reader.specs_folder(head)?
        {
            continue;
        }
        let base = match head_commit {
            Some(head) => repo.merge_base(head, tip.id()).ok(),
            None => None,
        };
        let branch = short_name(&name);
        for slice in reader.added(tip.id(), base)? {
            // Ours too, to the byte (a squash merge, a rebase): one slice.
            let same_here = head_tree
                .as_ref()
                .and_then(|tree| tree.get_path(std::path::Path::new(&slice.spec)).ok())
                .is_some_and(|entry| Some(entry.id()) == slice.blob);
            if same_here {
                continue;
            }
            match found.iter_mut().find(|known| known.slice == slice) {
                Some(known) => known.branches.push(branch.clone()),
                None => found.push(Elsewhere {
                    slice,
                    branches: vec![branch.clone()],
                }),
            }
        }
    }
    Ok(found)
}

/// `refs/heads/x` → `x`, `refs/remotes/origin/x` → `origin/x`.
fn short_name(name: &str) -> String {
    name.strip_prefix("refs/heads/")
        .or_else(|| name.strip_prefix("refs/remotes/"))
        .unwrap_or(name)
        .to_owned()
}

fn patterns(config: &Config) -> Result<GlobSet, BranchesError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in &config.slices.branches {
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|error| BranchesError::Pattern {
                pattern: pattern.clone(),
                message: error.kind().to_string(),
            })?;
        builder.add(glob);
    }
    builder.build().map_err(|error| BranchesError::Pattern {
        pattern: config.slices.branches.join(", "),
        message: error.to_string(),
    })
}

/// The slices `head` adds since it parted from `base` that collide with slices `base`
/// added since then: `(ours, theirs, what)`. For `check --range base...head`.
pub fn range_collisions(
    repo: &Repository,
    config: &Config,
    base: Oid,
    head: Oid,
) -> Result<Vec<(SliceName, SliceName, Clash)>, git2::Error> {
    let parted = repo.merge_base(base, head).ok();
    let mut reader = Reader::new(repo, config);
    let ours = reader.added(head, parted)?;
    let theirs = reader.added(base, parted)?;
    let mut collisions = Vec::new();
    for slice in &ours {
        for other in &theirs {
            if let Some(clash) = slice.clash(other) {
                collisions.push((slice.clone(), other.clone(), clash));
            }
        }
    }
    Ok(collisions)
}
