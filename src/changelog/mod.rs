//! The CHANGELOG as a parsed Keep a Changelog document.
//!
//! The file is split into a preamble, `## ` version sections and `### ` change groups,
//! keeping every byte, so that rendering an untouched document gives back the exact
//! input and a transform only changes what it means to change.

/// The CHANGELOG written when a repository has none.
pub const NEW_CHANGELOG: &str = "\
# Changelog

Every notable change to this project is recorded here, newest first.
Entries follow Keep a Changelog 1.1 (https://keepachangelog.com/en/1.1.0/) and
versions follow Semantic Versioning (https://semver.org/spec/v2.0.0.html).

## [Unreleased]
";

/// A parsed CHANGELOG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changelog {
    /// Everything before the first `## ` heading.
    preamble: String,
    /// The `## ` sections, in file order.
    sections: Vec<Section>,
}

/// A `## ` section: `[Unreleased]` or a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading line, with its line end.
    heading: String,
    /// Text between the heading and the first group.
    intro: String,
    /// The `### ` groups.
    groups: Vec<Group>,
}

/// A `### ` group such as `Added` or `Fixed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The heading line, with its line end.
    heading: String,
    /// The entries and anything else up to the next heading.
    body: String,
}

/// Which heading a line is, outside fenced code blocks.
enum Line {
    Section,
    Group,
    Text,
}

fn classify(line: &str) -> Line {
    if line.starts_with("## ") || line.trim_end() == "##" {
        Line::Section
    } else if line.starts_with("### ") || line.trim_end() == "###" {
        Line::Group
    } else {
        Line::Text
    }
}

/// Whether a line opens or closes a fenced code block.
fn is_fence(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line.trim_start_matches(' ');
    indent <= 3 && (rest.starts_with("```") || rest.starts_with("~~~"))
}

fn heading_text(heading: &str) -> &str {
    heading.trim_start_matches('#').trim()
}

impl Section {
    /// The heading text without `## `, e.g. `[1.2.0] - 2026-01-01`.
    pub fn title(&self) -> &str {
        heading_text(&self.heading)
    }

    /// Whether this is the `[Unreleased]` section.
    pub fn is_unreleased(&self) -> bool {
        let title = self.title();
        let name = title
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map_or(title, |(name, _)| name);
        name.trim().eq_ignore_ascii_case("unreleased")
    }

    /// The groups of this section.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
}

impl Group {
    /// The group's name, e.g. `Added`.
    pub fn name(&self) -> &str {
        heading_text(&self.heading)
    }

    /// The group's text below its heading.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl Changelog {
    /// Parses a CHANGELOG. Any text parses; nothing is lost.
    pub fn parse(text: &str) -> Changelog {
        let mut changelog = Changelog {
            preamble: String::new(),
            sections: Vec::new(),
        };
        let mut in_fence = false;
        for line in text.split_inclusive('\n') {
            let kind = if in_fence { Line::Text } else { classify(line) };
            if is_fence(line) {
                in_fence = !in_fence;
            }
            match kind {
                Line::Section => changelog.sections.push(Section {
                    heading: line.to_owned(),
                    intro: String::new(),
                    groups: Vec::new(),
                }),
                Line::Group if !changelog.sections.is_empty() => {
                    if let Some(section) = changelog.sections.last_mut() {
                        section.groups.push(Group {
                            heading: line.to_owned(),
                            body: String::new(),
                        });
                    }
                }
                _ => changelog.push_text(line),
            }
        }
        changelog
    }

    fn push_text(&mut self, line: &str) {
        let Some(section) = self.sections.last_mut() else {
            self.preamble.push_str(line);
            return;
        };
        match section.groups.last_mut() {
            Some(group) => group.body.push_str(line),
            None => section.intro.push_str(line),
        }
    }

    /// Renders the document back to text.
    pub fn render(&self) -> String {
        let mut text = self.preamble.clone();
        for section in &self.sections {
            text.push_str(&section.heading);
            text.push_str(&section.intro);
            for group in &section.groups {
                text.push_str(&group.heading);
                text.push_str(&group.body);
            }
        }
        text
    }

    /// The `## ` sections in file order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The `[Unreleased]` section, if there is one.
    pub fn unreleased(&self) -> Option<&Section> {
        self.sections.iter().find(|section| section.is_unreleased())
    }

    /// Adds `entry` (one or more lines) at the end of the `group` group of the
    /// `[Unreleased]` section, creating the section (above every release) and the group
    /// (first in the section) when they are missing.
    pub fn add_unreleased_entry(&mut self, group: &str, entry: &str) {
        let section = self.unreleased_section_mut();
        let index = match section
            .groups
            .iter()
            .position(|g| g.name().eq_ignore_ascii_case(group))
        {
            Some(index) => index,
            None => {
                ensure_blank_line_after(&mut section.intro);
                section.groups.insert(
                    0,
                    Group {
                        heading: format!("### {group}\n"),
                        body: "\n\n".into(),
                    },
                );
                0
            }
        };
        append_entry(&mut section.groups[index].body, entry);
    }

    fn unreleased_section_mut(&mut self) -> &mut Section {
        let position = self.sections.iter().position(Section::is_unreleased);
        let index = match position {
            Some(index) => index,
            None => {
                if !self.preamble.is_empty() {
                    ensure_blank_line_after(&mut self.preamble);
                }
                self.sections.insert(
                    0,
                    Section {
                        heading: "## [Unreleased]\n".into(),
                        intro: "\n".into(),
                        groups: Vec::new(),
                    },
                );
                0
            }
        };
        &mut self.sections[index]
    }
}

/// Makes `text` end with a blank line (an empty `text` becomes one blank line), so a
/// heading can follow it.
fn ensure_blank_line_after(text: &mut String) {
    if text.trim().is_empty() {
        if text.is_empty() {
            text.push('\n');
        }
        return;
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.ends_with("\n\n") {
        text.push('\n');
    }
}

/// Appends entry lines after the last non-blank line of a group body, keeping the
/// blank lines that separated the body from what follows (at least one).
fn append_entry(body: &mut String, entry: &str) {
    let content_len = body.trim_end().len();
    // The first newline after the content ends its last line; the rest are blank lines.
    let mut blank_lines = body[content_len..].matches('\n').count().saturating_sub(1);
    if content_len == 0 {
        blank_lines = blank_lines.max(1);
    }
    body.truncate(content_len);
    body.push('\n');
    body.push_str(entry.trim_end_matches('\n'));
    body.push('\n');
    body.push_str(&"\n".repeat(blank_lines));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn adds_to_an_empty_unreleased_section() {
        let mut changelog = Changelog::parse(NEW_CHANGELOG);
        changelog.add_unreleased_entry("Added", "- first");
        let text = changelog.render();
        assert!(
            text.ends_with("## [Unreleased]\n\n### Added\n\n- first\n\n"),
            "{text}"
        );
    }

    #[test]
    fn appends_after_existing_entries_and_keeps_the_rest() {
        let before = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- one\n\n### Fixed\n\n- bug\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- old\n";
        let mut changelog = Changelog::parse(before);
        changelog.add_unreleased_entry("Added", "- two");
        assert_eq!(
            changelog.render(),
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- one\n- two\n\n### Fixed\n\n- bug\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- old\n"
        );
    }

    #[test]
    fn creates_the_added_group_first() {
        let before = "## [Unreleased]\n\n### Fixed\n\n- bug\n";
        let mut changelog = Changelog::parse(before);
        changelog.add_unreleased_entry("Added", "- new");
        assert_eq!(
            changelog.render(),
            "## [Unreleased]\n\n### Added\n\n- new\n\n### Fixed\n\n- bug\n"
        );
    }

    #[test]
    fn creates_unreleased_above_the_releases() {
        let before = "# Changelog\nintro\n## [1.0.0] - 2026-01-01\n- old\n";
        let mut changelog = Changelog::parse(before);
        changelog.add_unreleased_entry("Added", "- new");
        assert_eq!(
            changelog.render(),
            "# Changelog\nintro\n\n## [Unreleased]\n\n### Added\n\n- new\n\n## [1.0.0] - 2026-01-01\n- old\n"
        );
    }

    #[test]
    fn headings_inside_code_fences_are_text() {
        let text = "## [Unreleased]\n\n```\n## not a section\n### nor a group\n```\n";
        let changelog = Changelog::parse(text);
        assert_eq!(changelog.sections().len(), 1);
        assert!(changelog.sections()[0].groups().is_empty());
    }

    #[test]
    fn unreleased_is_found_in_any_case_and_with_or_without_brackets() {
        for heading in ["## [Unreleased]", "## Unreleased", "## [unreleased]"] {
            let changelog = Changelog::parse(&format!("{heading}\n"));
            assert!(changelog.unreleased().is_some(), "{heading}");
        }
    }

    proptest! {
        #[test]
        fn rendering_a_parsed_document_gives_back_the_input(text in "(?s)(#{0,4} ?[a-zA-Z\\[\\]`~ \r]{0,8}\n?){0,30}") {
            prop_assert_eq!(Changelog::parse(&text).render(), text);
        }

        #[test]
        fn adding_an_entry_keeps_every_other_line(text in "(?s)(#{0,3} ?[a-zU\\[\\] ]{0,6}\n){0,20}") {
            let mut changelog = Changelog::parse(&text);
            changelog.add_unreleased_entry("Added", "- zzz entry");
            let rendered = changelog.render();
            prop_assert!(rendered.contains("- zzz entry\n"));
            let again = Changelog::parse(&rendered);
            let unreleased = again.unreleased();
            prop_assert!(unreleased.is_some());
        }
    }
}
