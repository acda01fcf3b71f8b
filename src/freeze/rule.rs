//! The freeze rule as a pure function: given the old entry of a frozen document and
//! the new entry at the same path, is the change allowed?

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::config::FreezeConfig;
use crate::doc::reader::{self, Line};
use crate::doc::{
    Status, field_span, field_value, find_field_value, find_header_value, sibling_field_line,
};

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
    /// Whether the status is read in the header only (`status_in = "header"`).
    header_only: bool,
    frozen: Vec<(Status, String)>,
    transitions: Vec<(Status, Status)>,
    mutable_fields: Vec<String>,
    /// Whether push options may override a refusal.
    pub allow_override: bool,
    /// The refs whose commits were judged before (see `[freeze] known_refs`).
    pub known_refs: GlobSet,
    /// Who may override (empty: anyone, when overrides are allowed).
    pub override_allow: Vec<String>,
    /// The revision whose history is not judged (`[freeze] baseline`).
    pub baseline: Option<String>,
    /// Where the rules come from, for messages: `lancelot.toml at 4b1d2c3e5f`.
    pub origin: String,
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
    /// A tree git's fsck rejects, or whose entries a checkout would confuse: two
    /// entries of one name, a `.git` or `..` entry, names equal but for case or
    /// Unicode normalisation.
    Malformed,
    /// A `.gitattributes` change that drops it from archives or rewrites it in
    /// checkouts (`export-ignore`, `export-subst`, `filter`, …).
    Attributes,
}

impl ChangeKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::TypeChanged => "type-changed",
            ChangeKind::Malformed => "malformed",
            ChangeKind::Attributes => "attributes",
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
        const MOST: usize = 1000;
        let lists = [
            ("paths", config.paths.len()),
            ("frozen", config.frozen.len()),
            ("transitions", config.transitions.len()),
            ("mutable_fields", config.mutable_fields.len()),
            ("known_refs", config.known_refs.len()),
            ("override_allow", config.override_allow.len()),
        ];
        if let Some((key, count)) = lists.into_iter().find(|(_, count)| *count > MOST) {
            return Err(FreezeError::Config {
                key: format!("[freeze] {key}"),
                problem: format!("{count} entries; lancelot reads at most {MOST}"),
            });
        }
        let mut builder = GlobSetBuilder::new();
        let mut prefixes = Vec::new();
        for pattern in &config.paths {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|error| config_error("paths", error))?;
            builder.add(glob);
            prefixes.push(literal_prefix(pattern));
        }
        let globs = builder
            .build()
            .map_err(|error| config_error("paths", error))?;
        let mut known = GlobSetBuilder::new();
        for pattern in &config.known_refs {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map_err(|error| config_error("known_refs", error))?;
            known.add(glob);
        }
        let known_refs = known
            .build()
            .map_err(|error| config_error("known_refs", error))?;
        let status = |key: &str, text: &str| {
            let status = Status::new(text);
            if status.is_empty() {
                Err(config_error(key, "a status cannot be empty"))
            } else {
                Ok(status)
            }
        };
        if config.status_field.trim().is_empty() {
            return Err(config_error("status_field", "it cannot be empty"));
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
            header_only: config.status_in == crate::config::StatusIn::Header,
            frozen,
            transitions,
            mutable_fields: config.mutable_fields.clone(),
            allow_override: config.allow_override,
            known_refs,
            override_allow: config.override_allow.clone(),
            baseline: config.baseline.clone(),
            origin: "the built-in defaults".into(),
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

    /// The folders that hold every covered path (the literal leading folders of the
    /// globs), none inside another; `""` (the root) when a glob starts with a pattern.
    pub fn folders(&self) -> Vec<String> {
        let mut folders: Vec<String> = self
            .prefixes
            .iter()
            .map(|prefix| prefix.join("/"))
            .collect();
        folders.sort();
        folders.dedup();
        let inside = |folder: &str, other: &str| {
            other.is_empty()
                || folder
                    .strip_prefix(other)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let all = folders.clone();
        folders.retain(|folder| {
            !all.iter()
                .any(|other| other != folder && inside(folder, other))
        });
        folders
    }

    /// The header field that holds a document's status.
    pub fn status_field(&self) -> &str {
        &self.status_field
    }

    /// The statuses a reader finds in a document, where the rule reads them: the
    /// whole document's first ones, or the header's (`status_in = "header"`).
    pub fn status_values(&self, text: &[u8]) -> Vec<String> {
        if !self.header_only {
            return crate::doc::field_values(text, &self.status_field);
        }
        let mut values = Vec::new();
        find_header_value(text, &self.status_field, |value| {
            values.push(value.to_owned());
            None::<()>
        });
        values
    }

    /// The status written in a document (the first a reader finds), if it has one.
    pub fn status_of(&self, text: &[u8]) -> Option<String> {
        field_value(text, &self.status_field)
    }

    /// The configured frozen status a document is in: a document whose front matter
    /// and body disagree is frozen when either is.
    pub fn frozen_status_of(&self, text: &[u8]) -> Option<&str> {
        // A value written again is not matched again: a document may repeat one
        // status line a million times.
        let mut not_frozen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let pick = |written: &str| {
            if not_frozen.contains(written) {
                return None;
            }
            // Right-to-left text (`U+202E`, `<bdo dir=rtl>`) shows the value backwards.
            let frozen = self.frozen_status(written).or_else(|| {
                let backwards: String = written.chars().rev().collect();
                self.frozen_status(&backwards)
            });
            if frozen.is_none() {
                not_frozen.insert(written.to_owned());
            }
            frozen
        };
        if self.header_only {
            find_header_value(text, &self.status_field, pick)
        } else {
            find_field_value(text, &self.status_field, pick)
        }
    }

    /// The configured frozen status a written status means, if any.
    pub fn frozen_status(&self, status: &str) -> Option<&str> {
        // Normalised once, compared with each frozen status.
        let written = Status::new(status);
        self.frozen
            .iter()
            .find(|(frozen, _)| frozen.matches_status(&written))
            .map(|(_, name)| name.as_str())
    }

    /// The status the rule knows that `written` is closest to, when it is close: the
    /// likely meaning of a misspelt status (`imlpemented`).
    pub fn nearest_status(&self, written: &str) -> Option<&str> {
        let written = Status::new(written);
        let known = self.frozen.iter().map(|(_, name)| name.as_str()).chain(
            self.transition_names
                .iter()
                .flat_map(|(from, to)| [from.as_str(), to.as_str()]),
        );
        known
            .map(|name| {
                let score =
                    strsim::normalized_levenshtein(written.as_str(), Status::new(name).as_str());
                (score, name)
            })
            .filter(|(score, _)| *score >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name)
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

    /// Judges the change of a frozen document (mode `old_mode`, content `old_text`)
    /// into `after`. Identical entries never reach the judge.
    pub fn judge(&self, old_mode: i32, old_text: &[u8], after: After<'_>) -> Verdict {
        match after {
            After::Absent => Verdict::Violation(ChangeKind::Deleted),
            After::Other => Verdict::Violation(ChangeKind::TypeChanged),
            After::File { mode, text } => {
                if mode == old_mode && self.transition_only(old_text, text) {
                    Verdict::Allowed
                } else {
                    Verdict::Violation(ChangeKind::Modified)
                }
            }
        }
    }

    /// Whether `new` is `old` with its status moved along a transition and nothing
    /// else: byte for byte the same lines, except the status value on the status
    /// line(s) a reader finds (the new value exactly one status name), the values of
    /// `mutable_fields` lines that were there (each a single word or spec link), and one
    /// added `mutable_fields` line directly below a status line, written like it with a
    /// spec link as its value (what `set-status --by` writes).
    pub fn transition_only(&self, old: &[u8], new: &[u8]) -> bool {
        let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
            return false;
        };
        if old.starts_with('\u{feff}') != new.starts_with('\u{feff}') {
            return false;
        }
        // Counted first, and compared line by line as read: any pair of documents is
        // judged in constant memory.
        let adds_a_line = match reader::line_count(new).checked_sub(reader::line_count(old)) {
            Some(0) => false,
            Some(1) => true,
            _ => return false,
        };
        let others: Vec<&str> = self.other_mutable_fields().collect();
        let mut fields = vec![self.status_field.as_str()];
        fields.extend(others.iter().copied());
        // Most edits change a line that is no field line of the old text: refused
        // before the costly rendering. (With a line added, the lines below it shift.)
        if !adds_a_line && edits_other_lines(old, new, &fields) {
            return false;
        }
        // One rendering of the old text finds the status and every mutable field.
        let mut found = reader::fields_lines(old, &fields).into_iter();
        let status_lines = found.next().unwrap_or_default();
        // By line: a document may hold a million field lines.
        let mut mutable: std::collections::HashMap<usize, &str> = std::collections::HashMap::new();
        let mut absent: Vec<&str> = Vec::new();
        for (field, lines) in others.into_iter().zip(found) {
            if lines.is_empty() {
                absent.push(field);
            }
            for index in lines {
                mutable.entry(index).or_insert(field);
            }
        }
        let mut before = reader::Lines::new(old).peekable();
        let mut after = reader::Lines::new(new).peekable();
        let (mut index, mut moved, mut inserted) = (0, false, false);
        // Where the values changed (in the old text, in the new one) and where the
        // added line is: what the rendering must show as the only difference.
        let mut edits = Edits::default();
        while let Some(line) = before.next() {
            let Some(counterpart) = after.next() else {
                return false;
            };
            let at = index;
            index += 1;
            if status_lines.binary_search(&at).is_ok() {
                match self.status_edit(&line, &counterpart) {
                    Some(changed) => moved |= changed,
                    None => return false,
                }
                edits.note(old, new, &line, &counterpart, &self.status_field);
                if adds_a_line
                    && !inserted
                    && self.added_below(&line, after.peek(), before.peek(), &absent)
                {
                    inserted = true;
                    if let Some(added) = after.next() {
                        edits.note_added(new, &added, &absent, at + 1);
                    }
                }
                continue;
            }
            let edited_in_place = mutable.get(&at).is_some_and(|field| {
                let same = same_field_line(&line, &counterpart, field);
                if same {
                    edits.note(old, new, &line, &counterpart, field);
                }
                same
            });
            if !edited_in_place && line.raw != counterpart.raw {
                return false;
            }
        }
        after.next().is_none() && moved && inserted == adds_a_line && edits.render_alike(old, new)
    }

    /// The mutable fields other than the status field.
    fn other_mutable_fields(&self) -> impl Iterator<Item = &str> {
        self.mutable_fields
            .iter()
            .map(String::as_str)
            .filter(|field| {
                !field.trim().is_empty() && !field.eq_ignore_ascii_case(&self.status_field)
            })
    }

    /// `Some(changed)` when `new` is the status line `old`, unchanged or with only its
    /// value moved along a transition to exactly a status name; `None` otherwise.
    fn status_edit(&self, old: &Line<'_>, new: &Line<'_>) -> Option<bool> {
        if old.raw == new.raw {
            return Some(false);
        }
        if !old.plain || !new.plain || old.place != new.place {
            return None;
        }
        let field = &self.status_field;
        let (before, after) = (
            field_span(old.content, field)?,
            field_span(new.content, field)?,
        );
        let same_frame = old.content[..before.start] == new.content[..after.start]
            && old.raw[before.end..] == new.raw[after.end..];
        let (from, to) = (&old.content[before], &new.content[after]);
        // The new value is the configured name itself (ASCII letters in any case): no
        // look-alike letters, invisible characters or anything else can ride along.
        // The old value is plain text too: dropping markup with it (an `<a title='`
        // opened on the status line) could reveal the lines below it.
        // In front matter, a `:` or `#` in the old value decides what YAML makes of
        // the line (invalid, or a comment): dropping it changes more than the value.
        let yaml_safe = old.place != reader::Place::FrontMatter || !from.contains([':', '#']);
        let allowed =
            is_plain_value(from)
                && yaml_safe
                && self.transitions.iter().zip(&self.transition_names).any(
                    |((source, _), (_, target))| source.matches(from) && is_spelled(target, to),
                );
        (same_frame && allowed).then_some(true)
    }

    /// Whether `candidate` is a mutable field line added directly below the status
    /// line `status`: a field the document did not have, written like the status line,
    /// whose value is a link to a spec.
    fn added_below(
        &self,
        status: &Line<'_>,
        candidate: Option<&Line<'_>>,
        next_old: Option<&Line<'_>>,
        absent: &[&str],
    ) -> bool {
        let Some(candidate) = candidate else {
            return false;
        };
        if next_old.is_some_and(|next| next.raw == candidate.raw) || !candidate.plain {
            return false;
        }
        // Between the status line and a setext underline (`===`, `---`) or a table's
        // delimiter row, the added line would take the heading or the table from the
        // status line's block: it changes what the lines around it are.
        if next_old.is_some_and(|next| underlines(next.content)) {
            return false;
        }
        let ending = &candidate.raw[candidate.content.len()..];
        if ending != &status.raw[status.content.len()..] || candidate.place != status.place {
            return false;
        }
        absent.iter().any(|field| {
            field_span(candidate.content, field).is_some_and(|span| {
                let value = &candidate.content[span];
                is_spec_link(value)
                    && sibling_field_line(status.content, &self.status_field, field, value)
                        .is_some_and(|expected| expected == candidate.content)
            })
        })
    }
}

/// The value changes of a transition, by byte range in the old and the new text (each
/// value with the rest of its line), and the line it adds: the rendering of the two
/// texts must differ by these alone.
#[derive(Default)]
struct Edits {
    old: Vec<std::ops::Range<usize>>,
    new: Vec<std::ops::Range<usize>>,
    /// The added line: its value's range in the new text, and its index.
    added: Option<(std::ops::Range<usize>, usize)>,
}

/// The marks a value is replaced by when the texts are rendered without it.
const MASK: &str = "LANCELOTMASKEDVALUE";

/// Where `part` (a slice of `text`) is in `text`.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

impl Edits {
    /// Notes the value of `field` changed from line `before` of `old` to `after` of
    /// `new` (nothing when the line is the same).
    fn note(&mut self, old: &str, new: &str, before: &Line<'_>, after: &Line<'_>, field: &str) {
        if before.raw == after.raw {
            return;
        }
        if let (Some(was), Some(is)) = (
            field_span(before.content, field),
            field_span(after.content, field),
        ) {
            // A value and the rest of its line: markup may pair across the value's end
            // on its own line (`*(since May)*`), never with other lines.
            let (from, to) = (
                offset_in(old, before.content),
                offset_in(new, after.content),
            );
            self.old.push(from + was.start..from + before.content.len());
            self.new.push(to + is.start..to + after.content.len());
        }
    }

    /// Notes the line `added` (the `index`th of `new`), a field of `absent`.
    fn note_added(&mut self, new: &str, added: &Line<'_>, absent: &[&str], index: usize) {
        let value = absent
            .iter()
            .find_map(|field| field_span(added.content, field))
            .map_or(0..0, |span| {
                let from = offset_in(new, added.content);
                from + span.start..from + added.content.len()
            });
        self.added = Some((value, index));
    }

    /// Whether the two texts, as rendered, differ only where the values changed and
    /// by the added line: no value pairs with markup elsewhere (a `[` making a link
    /// definition's label invalid, a `(` in a link title, a backtick over a comment)
    /// to hide or reveal anything when it changes.
    fn render_alike(&self, old: &str, new: &str) -> bool {
        if old.contains(MASK) || new.contains(MASK) {
            return false;
        }
        let mut new_values = self.new.clone();
        new_values.extend(self.added.as_ref().map(|(value, _)| value.clone()));
        let (Some(old_masked), Some(new_masked)) = (inert(old, &self.old), inert(new, &new_values))
        else {
            return false;
        };
        let Some((_, index)) = &self.added else {
            return true;
        };
        // With the values masked, the texts differ by the added line alone: its own
        // rendered line, or its text joined to the status line's paragraph.
        let Some(added) = reader::Lines::new(&new_masked).nth(*index) else {
            return false;
        };
        let (before, after) = (
            reader::rendered_lines(&old_masked),
            reader::rendered_lines(&new_masked),
        );
        let shown = reader::rendered_lines(added.raw);
        let [(_, shown)] = shown.as_slice() else {
            return false;
        };
        // Lines may regroup (a line below joins the added list item instead of the
        // status's), but no text may appear or vanish: the texts read in order must
        // be the same but for the added one.
        let words = |lines: &[(usize, String)]| {
            lines
                .iter()
                .flat_map(|(_, text)| text.split_whitespace())
                .collect::<Vec<&str>>()
                .join(" ")
        };
        let (was, is) = (words(&before), words(&after));
        let shown = shown.split_whitespace().collect::<Vec<&str>>().join(" ");
        !shown.is_empty() && is.replacen(&format!(" {shown}"), "", 1) == was
    }
}

/// `text` with each of `values` (byte ranges) replaced by a mark, when the rendering
/// of `text` is the rendering of the marked text with each mark shown as its value
/// renders on its own line; `None` when a value renders otherwise in place (it pairs
/// with markup on other lines, to hide or reveal them when it changes).
fn inert(text: &str, values: &[std::ops::Range<usize>]) -> Option<String> {
    let mut sorted = values.to_vec();
    sorted.sort_by_key(|range| range.start);
    let mut masked = String::with_capacity(text.len());
    let mut shown: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    let mut end = 0;
    for range in &sorted {
        masked.push_str(text.get(end..range.start)?);
        masked.push_str(MASK);
        shown.push_back(shown_on_its_line(text, range)?);
        end = range.end;
    }
    masked.push_str(text.get(end..)?);
    let (plain, marked) = (
        reader::rendered_lines(text),
        reader::rendered_lines(&masked),
    );
    if plain.len() != marked.len() {
        return None;
    }
    for ((at, line), (marked_at, marked)) in plain.iter().zip(&marked) {
        let mut parts = marked.split(MASK);
        let mut expected = parts.next().unwrap_or_default().to_owned();
        for part in parts {
            expected.push_str(&shown.pop_front()?);
            expected.push_str(part);
        }
        if at != marked_at || *line != expected {
            return None;
        }
    }
    shown.is_empty().then_some(masked)
}

/// How the value at `range` of `text` renders on its line alone: the line rendered
/// as it is, less what the line renders around a mark in place of the value.
fn shown_on_its_line(text: &str, range: &std::ops::Range<usize>) -> Option<String> {
    let start = text
        .get(..range.start)?
        .rfind(['\n', '\r'])
        .map_or(0, |at| at + 1);
    let end = text
        .get(range.end..)?
        .find(['\n', '\r'])
        .map_or(text.len(), |at| range.end + at);
    let line = text.get(start..end)?;
    let marked = format!(
        "{}{MASK}{}",
        text.get(start..range.start)?,
        text.get(range.end..end)?
    );
    let (line, marked) = (
        reader::rendered_lines(line),
        reader::rendered_lines(&marked),
    );
    let ([(_, line)], [(_, marked)]) = (line.as_slice(), marked.as_slice()) else {
        return None;
    };
    let (before, after) = marked.split_once(MASK)?;
    line.strip_prefix(before)?
        .strip_suffix(after)
        .map(str::to_owned)
}

/// Whether `new` (as many lines as `old`) changes a line that no field edit can
/// account for: one not written whole on both sides, or that is no line of one of
/// `fields` in the old text. Every line the full comparison accepts as changed
/// passes this, so a `true` here is its `false`.
fn edits_other_lines(old: &str, new: &str, fields: &[&str]) -> bool {
    reader::Lines::new(old)
        .zip(reader::Lines::new(new))
        .any(|(before, after)| {
            before.raw != after.raw
                && (!before.plain
                    || !after.plain
                    || before.place != after.place
                    || fields
                        .iter()
                        .all(|field| field_span(before.content, field).is_none()))
        })
}

/// Whether `line` can underline the line above it into a heading (`===`, `---`) or
/// be a table's delimiter row (`|---|:--`).
fn underlines(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty()
        && (trimmed.chars().all(|c| c == '=')
            || trimmed.chars().all(|c| c == '-' || c == ' ')
            || (trimmed.contains('-')
                && trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))))
}

/// Whether a status value is plain text: dropping it can change nothing else a reader
/// sees. Refused: `<` and `>` (HTML: a tag, an attribute, a comment), `[` and `]` (a
/// link), quotes and unbalanced parentheses (the end of a link title opened on an
/// earlier line), `|` (a table's cells: the rows below drop the cells past them), a
/// backtick (a code span over a `<!--` below), `~` and `$` (struck text, math), `\`
/// (an escape, a hard line break), invisible and control characters. A note such as
/// `(since May)` goes with the transition; emphasis and `&` cannot pair across lines.
fn is_plain_value(value: &str) -> bool {
    let mut depth = 0usize;
    value.chars().all(|c| {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return false,
            ')' => depth -= 1,
            _ => {}
        }
        !matches!(
            c,
            '<' | '>' | '[' | ']' | '"' | '\'' | '|' | '`' | '~' | '$' | '\\'
        ) && !crate::doc::is_invisible(c)
            && !c.is_control()
    }) && depth == 0
}

/// Whether `value` is the status `name` as configured: the same text, ASCII letters in
/// either case. Nothing else reads as it, however alike it looks.
fn is_spelled(name: &str, value: &str) -> bool {
    let name = name.trim();
    value == name || (value.is_ascii() && name.is_ascii() && value.eq_ignore_ascii_case(name))
}

/// Whether `new` is the mutable field line `old` with at most its value changed, to a
/// single word or a spec link.
fn same_field_line(old: &Line<'_>, new: &Line<'_>, field: &str) -> bool {
    if old.raw == new.raw {
        return true;
    }
    if !old.plain || !new.plain || old.place != new.place {
        return false;
    }
    let (Some(before), Some(after)) = (
        field_span(old.content, field),
        field_span(new.content, field),
    ) else {
        return false;
    };
    let value = &new.content[after.clone()];
    // The old value goes whole: like a status value, it must hold no markup that
    // pairs with other lines.
    let was = &old.content[before.clone()];
    old.content[..before.start] == new.content[..after.start]
        && old.raw[before.end..] == new.raw[after.end..]
        && (is_spec_link(was) || is_plain_value(was))
        && (is_spec_link(value) || is_single_word(value))
}

/// `[Name](path/to/Spec.md)`: a feature name linking to a Markdown file, as
/// `set-status --by` writes it.
fn is_spec_link(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('[') else {
        return false;
    };
    let Some((name, target)) = rest.split_once("](") else {
        return false;
    };
    let Some(target) = target.strip_suffix(')') else {
        return false;
    };
    (1..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && (4..=512).contains(&target.len())
        && target.ends_with(".md")
        && target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '%' | '-'))
}

/// One short word: letters, digits and `. - : /` (a date, a version, a name).
fn is_single_word(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '/'))
}

/// The error of `[freeze] <key>`.
fn config_error(key: &str, problem: impl ToString) -> FreezeError {
    FreezeError::Config {
        key: format!("[freeze] {key}"),
        problem: problem.to_string(),
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
        assert_eq!(rules.folders(), ["docs/blueprints", "docs/specs"]);
        assert_eq!(anywhere.folders(), [""]);
        let nested = Rules::new(&FreezeConfig {
            paths: vec![
                "docs/specs/*.md".into(),
                "docs/*.md".into(),
                "docs/x/*.md".into(),
                "docsx/*.md".into(),
            ],
            ..FreezeConfig::default()
        })
        .unwrap();
        assert_eq!(nested.folders(), ["docs", "docsx"]);
    }

    #[test]
    fn a_status_only_transition_is_allowed() {
        let rules = rules();
        let done = b"# Spec\n\n**Status:** Done\n\nBody.\n";
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, file(done)),
            Verdict::Allowed
        );
        let superseded =
            b"# Spec\n\n**Status:** Superseded\n**Superseded by:** [B](B.md)\n\nBody.\n";
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, file(superseded)),
            Verdict::Allowed
        );
    }

    #[test]
    fn a_transition_with_an_edit_is_refused() {
        let done_and_edited = b"# Spec\n\n**Status:** Done\n\nBody, edited.\n";
        assert_eq!(
            rules().judge(MODE_FILE, IN_PROGRESS, file(done_and_edited)),
            Verdict::Violation(ChangeKind::Modified)
        );
    }

    #[test]
    fn going_back_or_sideways_is_refused() {
        let rules = rules();
        for status in ["Draft", "Approved", "In Progress (again)"] {
            let text = format!("# Spec\n\n**Status:** {status}\n\nBody.\n");
            assert_eq!(
                rules.judge(MODE_FILE, IN_PROGRESS, file(text.as_bytes())),
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
            rules.judge(MODE_FILE, IN_PROGRESS, chmod),
            Verdict::Violation(ChangeKind::Modified)
        );
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, After::Absent),
            Verdict::Violation(ChangeKind::Deleted)
        );
        assert_eq!(
            rules.judge(MODE_FILE, IN_PROGRESS, After::Other),
            Verdict::Violation(ChangeKind::TypeChanged)
        );
    }

    /// The spec after `set-status` moved it, judged as the server does.
    fn after_set_status(text: &str, to: &str, by: Option<&str>) -> String {
        let moved = crate::doc::set_field_value(text, "Status", to).unwrap();
        match by {
            Some(link) => {
                crate::doc::upsert_field(&moved, "Superseded by", link, "Status").unwrap()
            }
            None => moved,
        }
    }

    #[test]
    fn smuggled_text_is_not_a_transition() {
        let rules = rules();
        let base = "# Spec\n\n- **Status:** In Progress\n- **Depends on:** none\n\nBody.\n";
        for edited in [
            base.replace("In Progress", "Done (amended: answers in 900ms)"),
            base.replace("In Progress", "Done 900ms"),
            base.replace(
                "- **Status:** In Progress\n",
                "- **Status:** Done\n## Status: the API now answers in 900ms\n",
            ),
            base.replace(
                "- **Status:** In Progress\n",
                "- **Status:** Done\n- **Superseded by:** the API changes\n",
            ),
            base.replace(
                "- **Status:** In Progress\n- **Depends on:** none\n",
                "- **Depends on:** none\n- **Status:** Done\n",
            ),
            base.replace("- **Status:** In Progress", "**Status:** Done"),
            base.replace("- **Status:** In Progress\n", "- **Status:** Done\n<!--\n"),
            // Look-alikes and hidden text that normalise to `Done`.
            base.replace("In Progress", "D0NE"),
            base.replace("In Progress", "\u{1d507}\u{1d52c}\u{1d52b}\u{1d522}"),
            base.replace("In Progress", "D\u{24de}ne"),
            base.replace("In Progress", "Done\u{20e0}"),
            base.replace("In Progress", "Do\u{34f}ne"),
            base.replace("In Progress", "D\u{202e}enO"),
            base.replace("In Progress", "Done\u{200b}\u{200b}"),
            base.replace("In Progress", "Done\u{e0020}\u{e0041}\u{e004d}"),
        ] {
            assert_eq!(
                rules.judge(MODE_FILE, base.as_bytes(), file(edited.as_bytes())),
                Verdict::Violation(ChangeKind::Modified),
                "{edited}"
            );
        }
    }

    #[test]
    fn a_status_readers_see_is_read_whatever_surrounds_it() {
        // Each renders `**Status:** In Progress` as text (CommonMark); an earlier
        // construct must neither hide it nor shadow it with another status.
        let rules = rules();
        for text in [
            "# Spec A\n\nComments in specs start with `<!--`.\n\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n<!-->\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\r\r**Status:** In Progress\r\rBody text.\r",
            "# Spec A\n\n```x``` marks inline code.\n\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n\n1. item\n   ```\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n\n    Status: Draft\n\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n\n[ref]: https://example.com \"\nStatus: Draft\n\"\n\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n\n<img src=\"x.png\" alt=\"\nStatus: Draft\n\">\n\n**Status:** In Progress\n\nBody text.\n",
            "---\ntitle: Spec A\nnotes: |\n  status: draft notes\nstatus: In Progress\n---\nBody text.\n",
            "---\nstatus: Draft\nstatus: In Progress\n---\nBody text.\n",
            "---\n\"status\": In Progress\n---\nBody text.\n",
            "---\nstatus: >-\n  In Progress\n---\nBody text.\n",
            // Second review: markup on the status line, quotes, HTML, names in other forms.
            "# Spec A\n\n**Status:** ~~Draft~~ In Progress\n\nBody text.\n",
            "# Spec A\n\n**Status:** In **Progress**\n\nBody text.\n",
            "# Spec A\n\n**Status:** *In* Progress\n\nBody text.\n",
            "# Spec A\n\n**Status:** [In Progress](#)\n\nBody text.\n",
            "# Spec A\n\n**Status:** <span>In Progress</span>\n\nBody text.\n",
            "# Spec A\n\nStatus: In&nbsp;Progress\n\nBody text.\n",
            "---\nstatus: \"In Progress\"\n---\nBody text.\n",
            "---\nstatus: 'In Progress'\n---\nBody text.\n",
            "# Spec A\n\n<p>Status: In Progress</p>\n\nBody text.\n",
            "# Spec A\n\n<details open><summary>Status: In Progress</summary></details>\n\nBody text.\n",
            "# Spec A\n\nfoo<br>Status: In Progress\n\nBody text.\n",
            "# Spec A\n\n**Status:**\nIn Progress\n\nBody text.\n",
            "# Spec A\n\nSt\u{200b}atus: In Progress\n\nBody text.\n",
            "# Spec A\n\n\u{feff}Status: In Progress\n\nBody text.\n",
            "# Spec A\n\n\u{ff33}tatus: In Progress\n\nBody text.\n",
            "# Spec A\n\nStatus\u{ff1a} In Progress\n\nBody text.\n",
            "---\n{status: In Progress, title: A}\n---\nBody text.\n",
            "---\n\"st\\x61tus\": In Progress\n---\nBody text.\n",
            "---\nstatus: !!str In Progress\n---\nBody text.\n",
            // Third review.
            "# Spec A\n\n**St\u{430}tus:** In Progress\n\nBody text.\n",
            "# Spec A\n\n**Status\u{2236}** In Progress\n\nBody text.\n",
            "# Spec A\n\n**Status:** \u{202e}ssergorP nI\n\nBody text.\n",
            "# Spec A\n\nStatus: <bdo dir=\"rtl\">ssergorP nI</bdo>\n\nBody text.\n",
            &format!(
                "# Spec A\n\n**Status:** In{}Progress\n\nBody text.\n",
                " ".repeat(300)
            ),
            "# Spec A\n\n<div>Status&#58 In Progress</div>\n\nBody text.\n",
            "# Spec A\n\n<span title=\">\">Status: In Progress</span>\n\nBody text.\n",
            "# Spec A\n\n<div><!-->Status: In Progress</div>\n\nBody text.\n",
            "# Spec A\n\nx<article>Status: In Progress</article>\n\nBody text.\n",
            "# Spec A\n\n<template>\nStatus: Draft\n</template>\n\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n\n<div>\n<img src=\"logo.png\" alt=\"\n<p>\nStatus: Draft\n\">\n</div>\n\n**Status:** In Progress\n\nBody text.\n",
            "# Spec A\n\n| **Status:** | In Progress |\n| --- | --- |\n\nBody text.\n",
            "---\nstatus: In\n  Progress\n---\nBody text.\n",
            "---\n  status: In Progress\n---\nBody text.\n",
            "---\n# Status: In Progress\ntitle: A\n---\nBody text.\n",
            "---\ns: &s In Progress\nstatus: *s\n---\nBody text.\n",
            "---\nstatus: \"In\\x20Progress\"\n---\nBody text.\n",
            "---\n<<: {status: In Progress}\n---\nBody text.\n",
            "---\nstatus: ! In Progress\n---\nBody text.\n",
            "---\n? status\n: In Progress\n---\nBody text.\n",
            // Fifth review: a table row, a name alone above its value, a reST field.
            "# Spec A\n\n| Status | In Progress |\n| --- | --- |\n\nBody text.\n",
            "# Spec A\n\nStatus | In Progress\n---|---\n\nBody text.\n",
            "# Spec A\n\n## Status\n\nIn Progress\n\nBody text.\n",
            "# Spec A\n\n**Status:**\n\n- In Progress\n\nBody text.\n",
            "# Spec A\n\n<dl><dt>Status</dt><dd>In Progress</dd></dl>\n\nBody text.\n",
            ":Status: In Progress\n\nBody text.\n",
        ] {
            assert_eq!(
                rules.frozen_status_of(text.as_bytes()),
                Some("In Progress"),
                "{text:?}"
            );
            let edited = text.replace("Body text.", "Body text EDITED.");
            assert_eq!(
                rules.judge(MODE_FILE, text.as_bytes(), file(edited.as_bytes())),
                Verdict::Violation(ChangeKind::Modified),
                "{text:?}"
            );
        }
        // Past the first MiB, what a renderer shows still counts.
        for tail in ["<p>Status: In Progress</p>\n", "**Status:**\nIn Progress\n"] {
            let long = format!(
                "# Spec A\n\n{}\n\n{tail}\nBody text.\n",
                "word ".repeat(300_000)
            );
            assert_eq!(
                rules.frozen_status_of(long.as_bytes()),
                Some("In Progress"),
                "{tail}"
            );
        }
        // Past the render limit, behind a construct the line reader misreads.
        let long = format!(
            "# Spec A\n\n[//]: # 'x\n    ```\n'\n\n<!--\n{}\n-->\n\n**Status:** In Progress\n\nBody text.\n",
            "x".repeat(1 << 20)
        );
        assert_eq!(rules.frozen_status_of(long.as_bytes()), Some("In Progress"));
        // The neighbours: statuses no reader sees as the document's.
        for text in [
            "# Spec\n\n**Status:** ~~In Progress~~ Draft\n",
            "# Spec\n\n<!-- **Status:** In Progress -->\n**Status:** Draft\n",
            "# Spec\n\n**Status:** Draft\n\n```\nStatus: In Progress\n```\n",
            "---\nnotes:\n  status: In Progress\nstatus: Draft\n---\n",
            "# Spec\n\n## Status\n\nIn progress until the review of the design, which we hope to finish in spring.\n",
            "# Spec\n\n| Field | Status |\n| --- | --- |\n| a | In Progress |\n",
        ] {
            assert_eq!(rules.frozen_status_of(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn a_changed_field_cannot_turn_a_link_definition_on_or_off() {
        let rules = rules();
        // A spec link inside a link reference definition's label makes the label
        // invalid, so its lines show; a plain word makes it valid, and hides them.
        let shown = "# Spec\n\n- **Status:** In Progress\n\n[We refund every breach within 24 hours.\nSuperseded by: [Beta](docs/specs/Beta.md)\n]: /x\n\nBody.\n";
        let hidden = shown.replace("In Progress", "Done").replace(
            "Superseded by: [Beta](docs/specs/Beta.md)",
            "Superseded by: none",
        );
        assert_eq!(
            rules.judge(MODE_FILE, shown.as_bytes(), file(hidden.as_bytes())),
            Verdict::Violation(ChangeKind::Modified)
        );
        // The other way: a word inside a valid label, a link making it invalid.
        let was_hidden = "# Spec\n\n- **Status:** In Progress\n\n[We sell every customer's data.\nSuperseded by: none\n]: /x\n\nBody.\n";
        let revealed = was_hidden.replace("In Progress", "Done").replace(
            "Superseded by: none",
            "Superseded by: [Beta](docs/specs/Beta.md)",
        );
        assert_eq!(
            rules.judge(MODE_FILE, was_hidden.as_bytes(), file(revealed.as_bytes())),
            Verdict::Violation(ChangeKind::Modified)
        );
        // A status line inside a label, and the link `set-status --by` adds below it.
        let inside =
            "# Spec\n\n[We sell every customer's data.\n**Status:** In Progress\n]: /x\n\nBody.\n";
        let added = inside.replace(
            "**Status:** In Progress\n",
            "**Status:** Superseded\n**Superseded by:** [Beta](docs/specs/Beta.md)\n",
        );
        assert_eq!(
            rules.judge(MODE_FILE, inside.as_bytes(), file(added.as_bytes())),
            Verdict::Violation(ChangeKind::Modified)
        );
    }

    #[test]
    fn an_added_line_cannot_take_a_heading_or_a_table_from_the_status_line() {
        let rules = rules();
        for underline in ["  ===", "  ---", "|---|"] {
            let old = format!("# Spec\n\n- **Status:** In Progress\n{underline}\n\nBody.\n");
            let new = old.replace(
                "- **Status:** In Progress\n",
                "- **Status:** Superseded\n- **Superseded by:** [Beta](docs/specs/Beta.md)\n",
            );
            assert_eq!(
                rules.judge(MODE_FILE, old.as_bytes(), file(new.as_bytes())),
                Verdict::Violation(ChangeKind::Modified),
                "{underline}"
            );
        }
        // A value YAML reads otherwise: `In Progress: x` is no valid front matter.
        let old = "---\nstatus: In Progress: since May\n---\n# Spec\n";
        let new = old.replace("In Progress: since May", "Done");
        assert_eq!(
            rules.judge(MODE_FILE, old.as_bytes(), file(new.as_bytes())),
            Verdict::Violation(ChangeKind::Modified)
        );
    }

    #[test]
    fn in_the_header_only_the_header_is_read() {
        let rules = Rules::new(&FreezeConfig {
            paths: vec!["peps/pep-*.rst".into()],
            status_in: crate::config::StatusIn::Header,
            frozen: vec!["Final".into()],
            transitions: Vec::new(),
            ..FreezeConfig::default()
        })
        .unwrap();
        let header = "PEP: 8\nTitle: Style\nStatus: Final\nType: Process\n\nAbstract\n========\n";
        assert_eq!(rules.frozen_status_of(header.as_bytes()), Some("Final"));
        let draft = "PEP: 9\nStatus: Draft\n\nAbstract\n\nStatus: Final\n<p>Status: Final</p>\n";
        assert_eq!(rules.frozen_status_of(draft.as_bytes()), None);
        let front_matter = "---\nstatus: Final\n---\nStatus: Draft\n";
        assert_eq!(
            rules.frozen_status_of(front_matter.as_bytes()),
            Some("Final")
        );
        // Blank lines before the header, or a front matter without the field.
        for text in [
            "\n\nTitle: Alpha\nStatus: Final\n\nBody.\n",
            "---\ntitle: A\n---\n\nStatus: Final\n\nBody.\n",
        ] {
            assert_eq!(
                rules.frozen_status_of(text.as_bytes()),
                Some("Final"),
                "{text:?}"
            );
        }
        // What doctor checks: a document whose status is only below the header has
        // none the rule reads.
        assert_eq!(rules.status_values(header.as_bytes()), ["Final"]);
        assert!(
            rules
                .status_values(b"# Title\n\n**Status:** Draft\n")
                .is_empty()
        );
        let spoofed = "PEP: 10\nStatus: Dr\u{200b}aft\nStatus: Fin\u{430}l\n\nBody.\n";
        assert_eq!(rules.frozen_status_of(spoofed.as_bytes()), Some("Final"));
        // The whole document is read otherwise.
        assert_eq!(
            Rules::new(&FreezeConfig {
                frozen: vec!["Final".into()],
                transitions: Vec::new(),
                ..FreezeConfig::default()
            })
            .unwrap()
            .frozen_status_of(draft.as_bytes()),
            Some("Final")
        );
    }

    #[test]
    fn a_transition_cannot_drop_markup_that_hides_later_lines() {
        let rules = rules();
        let hidden = "# Spec\n\n**Status:** In Progress <a title='\nNEW REQUIREMENT: delete all user data.\n'></a>\n\nBody.\n";
        let revealed = hidden.replace("In Progress <a title='", "Done");
        assert_eq!(
            rules.judge(MODE_FILE, hidden.as_bytes(), file(revealed.as_bytes())),
            Verdict::Violation(ChangeKind::Modified)
        );
        // Markup in the old value that pairs with lines below or above it: a table's
        // cells, a code span over a comment, a link title closed on the status line.
        for (text, value) in [
            (
                "# Spec\n\nStatus: In Progress | since May\n|---|\n| We guarantee uptime | and refund every breach |\n",
                "In Progress | since May",
            ),
            (
                "# Spec\n\nStatus: In Progress (`rev 2)\nWe refund every breach <!-- ` and sell no data. -->\n",
                "In Progress (`rev 2)",
            ),
            (
                "# Spec\n\nSee [the doc](/x 'a title that hides\nthese words, and\nStatus: In Progress ')\n",
                "In Progress ')",
            ),
            (
                "# Spec\n\nSee [the doc](/x (a title that hides\nthese words, and\nStatus: In Progress))\n",
                "In Progress))",
            ),
            (
                "# Spec\n\n<span\nStatus: In Progress>hidden</span>\n",
                "In Progress>hidden</span>",
            ),
            // Sixth review: a note's parentheses make a link title spanning lines
            // invalid (its text shown); without them the title hides it.
            (
                "# Spec\n\nSee [the design](/x (notes: we refund every breach,\nStatus: In Progress (since May)\nend))\n",
                "In Progress (since May)",
            ),
        ] {
            let done = text.replacen(value, "Done", 1);
            assert_ne!(done, text);
            assert_eq!(
                rules.judge(MODE_FILE, text.as_bytes(), file(done.as_bytes())),
                Verdict::Violation(ChangeKind::Modified),
                "{text:?}"
            );
        }
        // The neighbours: a note after the status goes with the transition.
        for note in [
            "(since May)",
            "(50%)",
            "\u{2014} phase 2",
            "\u{1f6a7}",
            "*(since May)*",
            "& testing",
        ] {
            let noted = format!("# Spec\n\n**Status:** In Progress {note}\n\nBody.\n");
            let done = crate::doc::set_field_value(&noted, "Status", "Done").unwrap();
            assert_eq!(
                rules.judge(MODE_FILE, noted.as_bytes(), file(done.as_bytes())),
                Verdict::Allowed,
                "{note}"
            );
        }
    }

    #[test]
    fn what_set_status_writes_is_a_transition() {
        let rules = rules();
        for base in [
            "# Spec\n\n- **Status:** In Progress\n- **Depends on:** none\n\nBody.\n",
            "---\ntitle: Spec\nstatus: In Progress\n---\n# Spec\n\n**Status**: In Progress\r\n\r\nBody.\r\n",
            "\u{feff}Status: in-progress\n<!-- a note -->\nBody.",
        ] {
            for (to, by) in [
                ("Done", None),
                ("Superseded", Some("[Beta](Lancelot_vNext2_Spec_Beta.md)")),
            ] {
                let moved = after_set_status(base, to, by);
                assert_eq!(
                    rules.judge(MODE_FILE, base.as_bytes(), file(moved.as_bytes())),
                    Verdict::Allowed,
                    "{moved:?}"
                );
            }
        }
    }

    #[test]
    fn a_document_is_frozen_when_any_reading_is() {
        let rules = rules();
        let text = b"---\nstatus: Draft\n---\n<!-- Status: Draft -->\n**Status:** In Progress\n";
        assert_eq!(rules.frozen_status_of(text), Some("In Progress"));
        assert_eq!(
            rules.frozen_status_of(b"Status: In\xe2\x80\x8bProgress\n"),
            Some("In Progress")
        );
        assert_eq!(
            rules.frozen_status_of("Status: D\u{43e}ne\n".as_bytes()),
            Some("Done")
        );
        assert_eq!(
            rules.frozen_status_of(b"```\nStatus: Done\n```\nStatus: Draft\n"),
            None
        );
    }

    proptest::proptest! {
        /// Adding comments, code blocks or invisible characters never unfreezes.
        #[test]
        fn a_frozen_document_stays_frozen(noise in "[a-zA-Z <>!`~#*:-]{0,40}", zw in 0usize..4) {
            let rules = rules();
            let invisible = ["", "\u{200b}", "\u{2060}", "\u{feff}"][zw];
            let body = format!("<!-- {noise} -->\n```\n{noise}\n```\n**Status:** In{invisible} Progress\n{noise}\n");
            proptest::prop_assert!(rules.frozen_status_of(body.as_bytes()).is_some(), "{body:?}");
        }

        /// A `set-status` rewrite is always an allowed transition.
        #[test]
        fn set_status_rewrites_are_transitions(
            before in "[a-zA-Z ,.]{0,40}",
            after in "[a-zA-Z ,.]{0,40}",
            decoration in 0usize..4,
        ) {
            let rules = rules();
            let line = ["- **Status:** In Progress", "**Status**: in-progress", "Status: In Progress", "> _Status:_ In Progress"][decoration];
            let base = format!("# Spec\n{before}\n{line}\n{after}\n");
            for (to, by) in [("Done", None), ("Superseded", Some("[Beta](../specs/Beta.md)"))] {
                let moved = after_set_status(&base, to, by);
                proptest::prop_assert_eq!(rules.judge(MODE_FILE, base.as_bytes(), file(moved.as_bytes())), Verdict::Allowed, "{:?}", moved);
            }
        }

        /// The judge never panics, whatever the bytes.
        #[test]
        fn the_judge_takes_any_bytes(old in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200), new in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let rules = rules();
            let _ = rules.frozen_status_of(&old);
            let _ = rules.judge(MODE_FILE, &old, file(&new));
        }
    }

    #[test]
    fn a_misspelt_status_points_at_the_status_it_means() {
        let rules = rules();
        assert_eq!(rules.nearest_status("In Prgress"), Some("In Progress"));
        assert_eq!(rules.nearest_status("Superceded"), Some("Superseded"));
        assert_eq!(rules.nearest_status("Withdrawn"), None);
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
