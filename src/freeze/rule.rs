//! The freeze rule as a pure function: given the old entry of a frozen document and
//! the new entry at the same path, is the change allowed?

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::config::FreezeConfig;
use crate::doc::{Status, field_value, remove_first_field_lines};

use super::FreezeError;

/// A regular, non-executable file.
pub const MODE_FILE: i32 = 0o100644;
/// A regular, executable file.
pub const MODE_EXECUTABLE: i32 = 0o100755;

/// The `[freeze]` configuration, compiled for checking.
#[derive(Debug, Clone)]
pub struct Rules {
    globs: GlobSet,
    /// Literal leading folders of each glob (empty when it can match anywhere).
    prefixes: Vec<Vec<String>>,
    status_field: String,
    frozen: Vec<(Status, String)>,
    transitions: Vec<(Status, Status)>,
    mutable_fields: Vec<String>,
    /// Whether push options may override a refusal.
    pub allow_override: bool,
    /// The refs whose commits were judged before (see `[freeze] known_refs`).
    pub known_refs: GlobSet,
    /// Who may override (empty: anyone, when overrides are allowed).
    pub override_allow: Vec<String>,
    /// The transitions as written, for messages.
    pub transition_names: Vec<(String, String)>,
}

/// How a frozen document was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Different content or file mode.
    Modified,
    /// No entry at the path any more (deleted, or renamed away).
    Deleted,
    /// Replaced by a symlink, submodule or folder.
    TypeChanged,
}

impl ChangeKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::TypeChanged => "type-changed",
        }
    }
}

/// The entry at a frozen document's path after the change.
#[derive(Debug, Clone, Copy)]
pub enum After<'a> {
    /// Nothing is there.
    Absent,
    /// A regular file with this mode and content.
    File {
        /// Its file mode.
        mode: i32,
        /// Its content.
        text: &'a [u8],
    },
    /// A symlink, submodule or folder.
    Other,
}

/// The judgement of one change to a frozen document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// An allowed status transition.
    Allowed,
    /// A violation of the freeze.
    Violation(ChangeKind),
}

impl Rules {
    /// Compiles the configuration; invalid globs or empty statuses are errors.
    pub fn new(config: &FreezeConfig) -> Result<Rules, FreezeError> {
        let mut builder = GlobSetBuilder::new();
        let mut prefixes = Vec::new();
        for pattern in &config.paths {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|error| FreezeError::Config(format!("[freeze] paths: {error}")))?;
            builder.add(glob);
            prefixes.push(literal_prefix(pattern));
        }
        let globs = builder
            .build()
            .map_err(|error| FreezeError::Config(format!("[freeze] paths: {error}")))?;
        let mut known = GlobSetBuilder::new();
        for pattern in &config.known_refs {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map_err(|error| FreezeError::Config(format!("[freeze] known_refs: {error}")))?;
            known.add(glob);
        }
        let known_refs = known
            .build()
            .map_err(|error| FreezeError::Config(format!("[freeze] known_refs: {error}")))?;
        let status = |key: &str, text: &str| {
            let status = Status::new(text);
            if status.is_empty() {
                Err(FreezeError::Config(format!(
                    "[freeze] {key}: a status cannot be empty"
                )))
            } else {
                Ok(status)
            }
        };
        if config.status_field.trim().is_empty() {
            return Err(FreezeError::Config(
                "[freeze] status_field cannot be empty".into(),
            ));
        }
        let frozen = config
            .frozen
            .iter()
            .map(|name| Ok((status("frozen", name)?, name.clone())))
            .collect::<Result<_, FreezeError>>()?;
        let transitions = config
            .transitions
            .iter()
            .map(|t| {
                Ok((
                    status("transitions", &t.from)?,
                    status("transitions", &t.to)?,
                ))
            })
            .collect::<Result<_, FreezeError>>()?;
        Ok(Rules {
            globs,
            prefixes,
            status_field: config.status_field.trim().to_owned(),
            frozen,
            transitions,
            mutable_fields: config.mutable_fields.clone(),
            allow_override: config.allow_override,
            known_refs,
            override_allow: config.override_allow.clone(),
            transition_names: config
                .transitions
                .iter()
                .map(|t| (t.from.clone(), t.to.clone()))
                .collect(),
        })
    }

    /// Whether a repository-relative file path is under the freeze.
    pub fn covers(&self, path: &str) -> bool {
        self.globs.is_match(path)
    }

    /// Whether the folder `dir` (a repository-relative path, `""` for the root) may
    /// hold covered files, so the walk can skip every other folder.
    pub fn may_cover_folder(&self, dir: &str) -> bool {
        let parts: Vec<&str> = if dir.is_empty() {
            Vec::new()
        } else {
            dir.split('/').collect()
        };
        self.prefixes.iter().any(|prefix| {
            parts
                .iter()
                .zip(prefix.iter())
                .all(|(part, literal)| part == literal)
        })
    }

    /// The status written in a document, if it has one.
    pub fn status_of(&self, text: &[u8]) -> Option<String> {
        field_value(text, &self.status_field)
    }

    /// The configured frozen status a written status means, if any.
    pub fn frozen_status(&self, status: &str) -> Option<&str> {
        self.frozen
            .iter()
            .find(|(frozen, _)| frozen.matches(status))
            .map(|(_, name)| name.as_str())
    }

    /// Whether `status` is one the rule knows (frozen or part of a transition).
    pub fn knows_status(&self, status: &str) -> bool {
        self.frozen.iter().any(|(frozen, _)| frozen.matches(status))
            || self
                .transitions
                .iter()
                .any(|(from, to)| from.matches(status) || to.matches(status))
    }

    /// Whether moving from `before` to `after` is a configured transition.
    pub fn allowed_transition(&self, before: &str, after: &str) -> bool {
        self.transitions
            .iter()
            .any(|(from, to)| from.matches(before) && to.matches(after))
    }

    /// Judges the change of a frozen document (mode `old_mode`, content `old_text`,
    /// status `old_status`) into `after`. Identical entries never reach the judge.
    pub fn judge(
        &self,
        old_mode: i32,
        old_text: &[u8],
        old_status: &str,
        after: After<'_>,
    ) -> Verdict {
        match after {
            After::Absent => Verdict::Violation(ChangeKind::Deleted),
            After::Other => Verdict::Violation(ChangeKind::TypeChanged),
            After::File { mode, text } => {
                let transition = mode == old_mode
                    && self
                        .status_of(text)
                        .is_some_and(|new_status| self.allowed_transition(old_status, &new_status))
                    && remove_first_field_lines(old_text, &self.mutable_fields)
                        == remove_first_field_lines(text, &self.mutable_fields);
                if transition {
                    Verdict::Allowed
                } else {
                    Verdict::Violation(ChangeKind::Modified)
                }
            }
        }
    }
}

/// Whether a tree entry mode is a regular file.
pub fn is_regular_file(mode: i32) -> bool {
    mode == MODE_FILE || mode == MODE_EXECUTABLE
}

/// The folders before the first component with a glob character, e.g. `docs/specs`
/// for `docs/specs/**` (a folder on that path, above or below it, may hold matches).
fn literal_prefix(pattern: &str) -> Vec<String> {
    let components: Vec<&str> = pattern.split('/').collect();
    let folders = components
        .split_last()
        .map_or(&[][..], |(_, folders)| folders);
    folders
        .iter()
        .take_while(|part| !part.contains(['*', '?', '[', '{', '\\']))
        .map(|part| (*part).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Transition;

    fn rules() -> Rules {
        Rules::new(&FreezeConfig::default()).unwrap()
    }

    const IN_PROGRESS: &[u8] = b"# Spec\n\n**Status:** In Progress\n\nBody.\n";

    fn file(text: &[u8]) -> After<'_> {
        After::File {
            mode: MODE_FILE,
            text,
        }
    }

    #[test]
    fn globs_cover_what_they_say() {
        let rules = rules();
        assert!(rules.covers("docs/specs/A.md"));
        assert!(rules.covers("docs/specs/nested/deeper/B.md"));
        assert!(!rules.covers("docs/other/A.md"));
        assert!(!rules.covers("src/docs/specs/A.md"));
        let star = Rules::new(&FreezeConfig {
            paths: vec!["docs/*.md".into()],
            ..FreezeConfig::default()
        })
        .unwrap();
        assert!(star.covers("docs/a.md"));
        assert!(!star.covers("docs/sub/a.md"), "* must stop at /");
    }

    #[test]
    fn folders_outside_the_globs_are_skipped() {
        let rules = rules();
        for dir in ["", "docs", "docs/specs", "docs/specs/deep"] {
            assert!(rules.may_cover_folder(dir), "{dir}");
        }
        for dir in ["src", "docs/architecture", "tests/docs"] {
            assert!(!rules.may_cover_folder(dir), "{dir}");
        }
        let anywhere = Rules::new(&FreezeConfig {
            paths: vec!["**/*.spec.md".into()],
            ..FreezeConfig::default()
        })
        .unwrap();
        assert!(anywhere.may_cover_folder("src/deep"));
    }

    #[test]
    fn a_status_only_transition_is_allowed() {
        let rules = rules();
        let done = b"# Spec\n\n**Status:** Done\n\nBody.\n";
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, "In Progress", file(done)),
            Verdict::Allowed
        );
        let superseded =
            b"# Spec\n\n**Status:** Superseded\n**Superseded by:** [B](B.md)\n\nBody.\n";
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, "In Progress", file(superseded)),
            Verdict::Allowed
        );
    }

    #[test]
    fn a_transition_with_an_edit_is_refused() {
        let done_and_edited = b"# Spec\n\n**Status:** Done\n\nBody, edited.\n";
        assert_eq!(
            rules().judge(MODE_FILE, IN_PROGRESS, "In Progress", file(done_and_edited)),
            Verdict::Violation(ChangeKind::Modified)
        );
    }

    #[test]
    fn going_back_or_sideways_is_refused() {
        let rules = rules();
        for status in ["Draft", "Approved", "In Progress (again)"] {
            let text = format!("# Spec\n\n**Status:** {status}\n\nBody.\n");
            assert_eq!(
                rules.judge(MODE_FILE, IN_PROGRESS, "In Progress", file(text.as_bytes())),
                Verdict::Violation(ChangeKind::Modified),
                "{status}"
            );
        }
    }

    #[test]
    fn mode_type_and_absence_are_violations() {
        let rules = rules();
        let done = b"# Spec\n\n**Status:** Done\n\nBody.\n";
        let chmod = After::File {
            mode: MODE_EXECUTABLE,
            text: done,
        };
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, "In Progress", chmod),
            Verdict::Violation(ChangeKind::Modified)
        );
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, "In Progress", After::Absent),
            Verdict::Violation(ChangeKind::Deleted)
        );
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, "In Progress", After::Other),
            Verdict::Violation(ChangeKind::TypeChanged)
        );
    }

    #[test]
    fn frozen_statuses_match_any_spelling() {
        let rules = rules();
        assert_eq!(rules.frozen_status("in-progress"), Some("In Progress"));
        assert_eq!(rules.frozen_status("DONE (2026-01-01)"), Some("Done"));
        assert_eq!(rules.frozen_status("Draft"), None);
        assert!(rules.knows_status("done"));
        assert!(!rules.knows_status("In Prgress"));
    }

    #[test]
    fn invalid_configuration_is_refused() {
        let bad_glob = FreezeConfig {
            paths: vec!["docs/[".into()],
            ..FreezeConfig::default()
        };
        assert!(Rules::new(&bad_glob).is_err());
        let empty_status = FreezeConfig {
            transitions: vec![Transition {
                from: " - ".into(),
                to: "Done".into(),
            }],
            ..FreezeConfig::default()
        };
        assert!(Rules::new(&empty_status).is_err());
    }
}
