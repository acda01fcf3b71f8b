//! The slice lifecycle and the War Room: every slice of the repository read from its
//! documents, its status moved through the SOP's gates, linted, and shown as a board
//! and a dependency graph.
//!
//! [`Project`] loads everything once (slices, CHANGELOG, env flags); [`gate`] decides
//! status changes, [`lint`] lists findings, [`board`] renders the status board and
//! the graph. None of them print.

pub mod board;
pub mod drift;
pub mod gate;
pub mod lint;
pub mod practices;
pub mod source;

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use serde::Serialize;

use crate::config::Config;
use crate::doc::{self, Status};
use crate::envfile;
use crate::feature::FeatureName;
use crate::fs::{FsError, RelPath, Root, TEXT_LIMIT};
use crate::slice::{Bump, ExistingSlice, Flag, SliceLayout, existing_slices};

/// The statuses a slice moves through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Stage {
    /// Being written.
    Draft,
    /// Contracts written and agreed.
    Approved,
    /// Being built; frozen.
    InProgress,
    /// Shipped; frozen.
    Done,
    /// Replaced by another slice; frozen.
    Superseded,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 5] = [
        Stage::Draft,
        Stage::Approved,
        Stage::InProgress,
        Stage::Done,
        Stage::Superseded,
    ];

    /// How the stage is written in documents.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Draft",
            Stage::Approved => "Approved",
            Stage::InProgress => "In Progress",
            Stage::Done => "Done",
            Stage::Superseded => "Superseded",
        }
    }

    /// The stage a written status means (any spelling the freeze rule accepts).
    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL
            .into_iter()
            .find(|stage| Status::new(stage.label()).matches(text))
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why the lifecycle commands could not run.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// No slice has that name.
    #[error("no slice named {name}")]
    UnknownSlice {
        /// What was asked for.
        name: String,
        /// The slices that exist.
        known: Vec<String>,
    },
    /// Not a status lancelot knows.
    #[error("`{0}` is not a status: use draft, approved, in-progress, done or superseded")]
    UnknownStatus(String),
    /// A gate refused the change.
    #[error("{feature} cannot move to {target}:\n{}", reasons.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    Refused {
        /// The slice.
        feature: String,
        /// The status asked for.
        target: Stage,
        /// Everything missing or wrong.
        reasons: Vec<String>,
        /// What to do instead.
        hint: String,
    },
    /// A file could not be reached or read safely.
    #[error(transparent)]
    Files(#[from] FsError),
    /// The slice's spec or blueprint cannot be read (too large, not a file).
    #[error("the slice {feature} cannot be read: {reason}")]
    Unreadable {
        /// The slice.
        feature: String,
        /// Why.
        reason: String,
    },
}

impl LifecycleError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            LifecycleError::UnknownSlice { known, .. } if known.is_empty() => Some(
                "there are no slices yet: create one with `lancelot new-slice <Feature>`".into(),
            ),
            LifecycleError::UnknownSlice { known, .. } => {
                Some(format!("slices: {}", known.join(", ")))
            }
            LifecycleError::UnknownStatus(_) => None,
            LifecycleError::Refused { hint, .. } => Some(hint.clone()),
            LifecycleError::Files(error) => error.hint(),
            LifecycleError::Unreadable { .. } => Some(UNREADABLE_FIX.into()),
        }
    }
}

/// One slice, read from its documents.
#[derive(Debug, Clone)]
pub struct Slice {
    /// Its name.
    pub feature: FeatureName,
    /// Where its artifacts live (the owning module as its spec declares).
    pub layout: SliceLayout,
    /// The spec's text.
    pub spec: String,
    /// The blueprint's text, when it exists.
    pub blueprint: Option<String>,
    /// The spec's status as written.
    pub status: Option<String>,
    /// The blueprint's status as written.
    pub blueprint_status: Option<String>,
    /// The flag the spec declares (the conventional one when it declares none, or
    /// one that is no flag name: see `flag_written`).
    pub flag: Flag,
    /// What the spec writes as its flag when that is no flag name.
    pub flag_written: Option<String>,
    /// The bump the spec declares, when it is one.
    pub bump: Option<Bump>,
    /// The slices named by `Depends on` (as written: names or spec links).
    pub depends_on: Vec<String>,
}

impl Slice {
    /// The lifecycle stage of the spec's status.
    pub fn stage(&self) -> Option<Stage> {
        self.status.as_deref().and_then(Stage::parse)
    }

    /// The artifacts besides spec and blueprint that a complete slice has (SOP 8.1,
    /// Step 4), with what each is called.
    pub fn supporting_files(&self) -> [(&'static str, &RelPath); 3] {
        [
            ("architecture note", &self.layout.architecture),
            ("runbook", &self.layout.runbook),
            ("owning module", &self.layout.module),
        ]
    }
}

/// What to do about a slice whose documents cannot be read.
pub const UNREADABLE_FIX: &str = "a spec or blueprint lancelot cannot read is no slice to it: make it a regular text file under 32 MiB, or move it out of the docs folders";

/// A slice whose spec or blueprint cannot be read: listed, never read again.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Its name, from the spec's file name.
    pub feature: FeatureName,
    /// The document that cannot be read.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Everything the lifecycle commands read, loaded once.
#[derive(Debug)]
pub struct Project {
    /// The supporting files of the slices (notes, runbooks, modules) that exist.
    present: HashSet<RelPath>,
    /// The configuration.
    pub config: Config,
    /// Every slice, sorted by name.
    pub slices: Vec<Slice>,
    /// Slices whose documents cannot be read (a huge or special file among the
    /// specs): the others are still worked with.
    pub unreadable: Vec<Unreadable>,
    /// The CHANGELOG's text ("" when missing).
    pub changelog: String,
    /// The flags the env file declares.
    pub env_flags: Vec<String>,
}

impl Project {
    /// Reads the slices, the CHANGELOG and the env file of the work tree `files`.
    pub fn load(files: &Root, config: Config) -> Result<Project, LifecycleError> {
        let existing = existing_slices(files, &config)?;
        let mut slices = Vec::new();
        let mut unreadable = Vec::new();
        for slice in &existing {
            match read_slice(files, &config, slice) {
                Ok(read) => slices.push(read),
                // One document that is no text file lancelot reads does not stop the
                // work on every other slice.
                Err(LifecycleError::Files(
                    error @ (FsError::TooLarge { .. } | FsError::NotAFile { .. }),
                )) => unreadable.push(Unreadable {
                    feature: slice.feature.clone(),
                    path: slice.spec.to_string(),
                    reason: error.to_string(),
                }),
                Err(error) => return Err(error),
            }
        }
        let mut present = HashSet::new();
        for slice in &slices {
            let fragment = slice.layout.news_fragment.iter();
            for path in slice
                .supporting_files()
                .into_iter()
                .map(|(_, path)| path)
                .chain(fragment)
            {
                if files.exists(path)? {
                    present.insert(path.clone());
                }
            }
        }
        let changelog = read_optional(files, &config.paths.changelog)?.unwrap_or_default();
        let env_flags = read_optional(files, &config.paths.env_file)?
            .map(|text| {
                envfile::feature_flags(&text)
                    .into_iter()
                    .map(|flag| flag.name)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Project {
            present,
            config,
            slices,
            unreadable,
            changelog,
            env_flags,
        })
    }

    /// Whether the env file declares `flag`.
    pub fn declares(&self, flag: &Flag) -> bool {
        self.env_flags
            .iter()
            .any(|declared| declared == flag.as_str())
    }

    /// A project from what was read: the slices, the CHANGELOG's text, the flags the
    /// env file declares and the supporting files that exist.
    pub fn from_parts(
        config: Config,
        slices: Vec<Slice>,
        changelog: String,
        env_flags: Vec<String>,
        present: HashSet<RelPath>,
    ) -> Project {
        Project {
            present,
            config,
            slices,
            unreadable: Vec::new(),
            changelog,
            env_flags,
        }
    }

    /// The slices whose CHANGELOG entries `text` holds (a line linking the spec) and
    /// that are not Done: a release listing them ships the entry of work that is
    /// unfinished, or was replaced.
    pub fn not_done_in(&self, text: &str) -> Vec<&Slice> {
        self.slices
            .iter()
            .filter(|slice| slice.stage() != Some(Stage::Done))
            .filter(|slice| {
                let spec = slice.layout.spec.file_name();
                text.lines().any(|line| line.contains(spec))
            })
            .collect()
    }

    /// The slice `name` designates, under any spelling.
    pub fn slice(&self, name: &str) -> Result<&Slice, LifecycleError> {
        let unknown = || LifecycleError::UnknownSlice {
            name: name.to_owned(),
            known: self
                .slices
                .iter()
                .map(|slice| slice.feature.pascal())
                .collect(),
        };
        let wanted = FeatureName::parse(name).map_err(|_| unknown())?;
        if let Some(unreadable) = self
            .unreadable
            .iter()
            .find(|slice| slice.feature.key() == wanted.key())
        {
            return Err(LifecycleError::Unreadable {
                feature: unreadable.feature.pascal(),
                reason: unreadable.reason.clone(),
            });
        }
        self.slices
            .iter()
            .find(|slice| slice.feature.key() == wanted.key())
            .ok_or_else(unknown)
    }

    /// Whether a supporting file of a slice (architecture note, runbook, owning
    /// module) exists in the work tree.
    pub fn exists(&self, path: &RelPath) -> bool {
        self.present.contains(path)
    }

    /// The names of the slices `slice` depends on that exist, and those that do not.
    pub fn dependencies(&self, slice: &Slice) -> (Vec<&Slice>, Vec<String>) {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for name in &slice.depends_on {
            match self
                .slices
                .iter()
                .find(|other| dependency_key(name) == Some(other.feature.key()))
            {
                Some(other) => found.push(other),
                None => missing.push(name.clone()),
            }
        }
        (found, missing)
    }

    /// Dependency cycles, each as the list of slices around it.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut cycles = Vec::new();
        let mut reported = BTreeSet::new();
        for start in &self.slices {
            let mut path = vec![start.feature.pascal()];
            self.find_cycle(start, &mut path, &mut cycles, &mut reported);
        }
        cycles
    }

    fn find_cycle(
        &self,
        slice: &Slice,
        path: &mut Vec<String>,
        cycles: &mut Vec<Vec<String>>,
        reported: &mut BTreeSet<Vec<String>>,
    ) {
        for next in self.dependencies(slice).0 {
            let name = next.feature.pascal();
            if let Some(position) = path.iter().position(|seen| *seen == name) {
                let mut cycle = path[position..].to_vec();
                let mut key = cycle.clone();
                key.sort();
                if reported.insert(key) {
                    cycle.push(name);
                    cycles.push(cycle);
                }
                continue;
            }
            path.push(name);
            self.find_cycle(next, path, cycles, reported);
            path.pop();
        }
    }
}

/// The spelling-independent key of a `Depends on` item: a feature name, or a link to
/// a spec file named by the SOP's convention.
fn dependency_key(item: &str) -> Option<String> {
    let name = item.rsplit('/').next().unwrap_or(item);
    let name = name.strip_suffix(".md").unwrap_or(name);
    let name = name
        .rsplit_once("_Spec_")
        .map_or(name, |(_, feature)| feature);
    FeatureName::parse(name).ok().map(|feature| feature.key())
}

/// Strips backticks and a trailing remark: `` `FEATURE_X` (default `false`) `` → `FEATURE_X`.
fn first_token(value: &str) -> Option<String> {
    let token = value.split_whitespace().next()?.trim_matches('`');
    (!token.is_empty()).then(|| token.to_owned())
}

fn read_slice(
    files: &Root,
    config: &Config,
    existing: &ExistingSlice,
) -> Result<Slice, LifecycleError> {
    let spec = read_optional(files, &existing.spec)?.unwrap_or_default();
    let slice = Slice::from_spec(config, existing, spec);
    let blueprint = read_optional(files, &slice.layout.blueprint)?;
    Ok(slice.with_blueprint(blueprint))
}

impl Slice {
    /// A slice as its spec describes it (no blueprint yet): its fields read, its
    /// layout from the configuration and the spec's owning module.
    pub fn from_spec(config: &Config, existing: &ExistingSlice, spec: String) -> Slice {
        let field = |name: &str| doc::field_value(spec.as_bytes(), name);
        let module = field("Owning module")
            .and_then(|value| first_token(&value))
            .and_then(|path| RelPath::parse(&path).ok());
        let mut layout = SliceLayout::new(config, &existing.feature, module);
        // The spec as found: `HTTPServer` is spelled `HttpServer` by the convention.
        layout.spec = existing.spec.clone();
        let depends_on = match field("Depends on") {
            Some(value) if value.eq_ignore_ascii_case("none") || value.trim().is_empty() => {
                Vec::new()
            }
            Some(value) => {
                let links = doc::link_targets(&value);
                if links.is_empty() {
                    value
                        .split(',')
                        .map(|item| item.trim().to_owned())
                        .filter(|item| !item.is_empty())
                        .collect()
                } else {
                    links
                }
            }
            None => Vec::new(),
        };
        let written = field("Feature flag").and_then(|value| first_token(&value));
        let flag = written
            .as_deref()
            .and_then(|text| text.parse::<Flag>().ok());
        Slice {
            flag_written: written.filter(|_| flag.is_none()),
            flag: flag.unwrap_or_else(|| Flag::for_feature(&existing.feature)),
            bump: field("Version bump")
                .and_then(|value| first_token(&value))
                .and_then(|text| Bump::parse(&text)),
            status: field("Status"),
            blueprint_status: None,
            feature: existing.feature.clone(),
            layout,
            blueprint: None,
            depends_on,
            spec,
        }
    }

    /// The slice with its blueprint's text (`None`: missing).
    pub fn with_blueprint(mut self, blueprint: Option<String>) -> Slice {
        self.blueprint_status = blueprint
            .as_deref()
            .and_then(|text| doc::field_value(text.as_bytes(), "Status"));
        self.blueprint = blueprint;
        self
    }
}

/// A document of the work tree (lossily decoded), `None` when it does not exist.
fn read_optional(files: &Root, path: &RelPath) -> Result<Option<String>, FsError> {
    Ok(files
        .read(path, TEXT_LIMIT)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_accept_the_freeze_rules_spellings() {
        assert_eq!(Stage::parse("in-progress"), Some(Stage::InProgress));
        assert_eq!(Stage::parse("IN_PROGRESS"), Some(Stage::InProgress));
        assert_eq!(Stage::parse("Done (2026-01-01)"), Some(Stage::Done));
        assert_eq!(Stage::parse("approved"), Some(Stage::Approved));
        assert_eq!(Stage::parse("In Prgress"), None);
    }

    #[test]
    fn dependencies_are_names_or_spec_links() {
        assert_eq!(
            dependency_key("Lancelot_vNext2_Spec_HealthMonitor.md"),
            Some("healthmonitor".into())
        );
        assert_eq!(
            dependency_key("../specs/Acme_v3_Spec_Jobs.md"),
            Some("jobs".into())
        );
        assert_eq!(
            dependency_key("health-monitor"),
            Some("healthmonitor".into())
        );
    }

    #[test]
    fn tokens_lose_backticks_and_remarks() {
        assert_eq!(
            first_token("`FEATURE_X` (default `false`)").as_deref(),
            Some("FEATURE_X")
        );
        assert_eq!(first_token("minor").as_deref(), Some("minor"));
        assert_eq!(
            first_token("FEATURE_X` (default `false").as_deref(),
            Some("FEATURE_X")
        );
        assert_eq!(first_token("  "), None);
    }
}
