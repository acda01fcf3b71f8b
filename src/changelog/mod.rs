//! The CHANGELOG as a parsed Keep a Changelog document.
//!
//! The file is split into a preamble, `## ` version sections, `### ` change groups and
//! a footer of link references, keeping every byte, so that rendering an untouched
//! document gives back the exact input and a transform (adding an entry, cutting a
//! release) only changes what it means to change.

use semver::Version;

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
    /// Link reference definitions (`[1.0.0]: https://…`) ending the document.
    footer: String,
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

    /// The version of a release section (`## [1.2.0] - 2026-01-01`, `## v1.2.0`).
    pub fn version(&self) -> Option<Version> {
        let title = self.title();
        let name = match title.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or_default(),
            None => title.split_whitespace().next().unwrap_or_default(),
        };
        let name = name.trim();
        Version::parse(name.strip_prefix('v').unwrap_or(name)).ok()
    }

    /// The section as written: heading, intro and groups.
    pub fn render_text(&self) -> String {
        format!("{}{}", self.heading, self.render_body())
    }

    /// Everything below the heading: intro and groups.
    pub fn render_body(&self) -> String {
        let mut text = self.intro.clone();
        for group in &self.groups {
            text.push_str(&group.heading);
            text.push_str(&group.body);
        }
        text
    }

    /// The list items of every group, with the group's name.
    pub fn entries(&self) -> Vec<Entry> {
        self.groups
            .iter()
            .flat_map(|group| {
                list_items(&group.body).into_iter().map(|text| Entry {
                    group: group.name().to_owned(),
                    text,
                })
            })
            .collect()
    }
}

/// One list item of a change group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The group it is in, e.g. `Added`.
    pub group: String,
    /// The item's text, continuation lines included.
    pub text: String,
}

/// Splits a group body into its top-level list items (`- ` or `* ` at the start of a
/// line); indented lines continue the item above.
fn list_items(body: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in body.lines() {
        if is_fence(line) {
            in_fence = !in_fence;
        }
        let starts_item =
            !in_fence && (line.starts_with("- ") || line.starts_with("* ") || line == "-");
        match items.last_mut() {
            Some(item) if !starts_item && (line.starts_with([' ', '\t']) || in_fence) => {
                item.push('\n');
                item.push_str(line);
            }
            _ if starts_item => items.push(line.to_owned()),
            _ => {}
        }
    }
    items
}

/// Whether a line is a Markdown link reference definition: `[label]: target`.
fn is_link_definition(line: &str) -> bool {
    let line = line.trim_end();
    let Some(rest) = line.strip_prefix('[') else {
        return false;
    };
    rest.split_once("]:").is_some_and(|(label, target)| {
        !label.is_empty() && !label.contains(']') && !target.trim().is_empty()
    })
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
            footer: String::new(),
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
        changelog.split_footer();
        changelog
    }

    /// Moves the trailing link reference definitions (and the blank lines among them)
    /// out of the last section into the footer.
    fn split_footer(&mut self) {
        let tail: &mut String = match self.sections.last_mut() {
            Some(section) => match section.groups.last_mut() {
                Some(group) => &mut group.body,
                None => &mut section.intro,
            },
            None => return,
        };
        let lines: Vec<&str> = tail.split_inclusive('\n').collect();
        let mut start = lines.len();
        let mut has_link = false;
        while start > 0 {
            let line = lines[start - 1];
            if is_link_definition(line) {
                has_link = true;
            } else if !line.trim().is_empty() {
                break;
            }
            start -= 1;
        }
        // Keep the blank lines before the first definition with the section.
        while start < lines.len() && lines[start].trim().is_empty() {
            start += 1;
        }
        if !has_link {
            return;
        }
        let keep: usize = lines[..start].iter().map(|line| line.len()).sum();
        self.footer = tail.split_off(keep);
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
            text.push_str(&section.render_body());
        }
        text.push_str(&self.footer);
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
        let position = self.unreleased_position();
        let section = &mut self.sections[position];
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

    /// The index of the `[Unreleased]` section, created above every release when the
    /// document has none.
    fn unreleased_position(&mut self) -> usize {
        if let Some(index) = self.sections.iter().position(Section::is_unreleased) {
            return index;
        }
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
}

/// The order of change groups in Keep a Changelog; other groups follow in the order
/// they appear.
const GROUP_ORDER: [&str; 6] = [
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// What [`Changelog::cut_release`] needs to know.
#[derive(Debug, Clone)]
pub struct Cut<'a> {
    /// The version released.
    pub version: &'a Version,
    /// Its date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// Prerelease sections folded into this one (a final release absorbs its
    /// prereleases, so readers see one section per final version).
    pub absorb: &'a [Version],
    /// Where compare links point, e.g. `https://github.com/acme/app`, if configured.
    pub repository_url: Option<&'a str>,
    /// The tag prefix, e.g. `v`.
    pub tag_prefix: &'a str,
}

impl Changelog {
    /// The release sections, newest first as written.
    pub fn releases(&self) -> impl Iterator<Item = (Version, &Section)> {
        self.sections
            .iter()
            .filter_map(|section| section.version().map(|version| (version, section)))
    }

    /// The section of `version`.
    pub fn release(&self, version: &Version) -> Option<&Section> {
        self.releases()
            .find(|(found, _)| found == version)
            .map(|(_, section)| section)
    }

    /// Cuts a release: the `[Unreleased]` groups (and those of the absorbed
    /// prereleases) move into a new `## [version] - date` section right below a fresh,
    /// empty `[Unreleased]`; the absorbed sections go; link references are updated when
    /// a repository URL is configured. Everything else stays byte for byte.
    pub fn cut_release(&mut self, cut: &Cut<'_>) {
        let mut sources: Vec<Vec<Group>> = Vec::new();
        // Oldest absorbed prerelease first, so entries read in the order they landed.
        let mut absorbed: Vec<(Version, Vec<Group>)> = Vec::new();
        self.sections.retain_mut(|section| match section.version() {
            Some(version) if cut.absorb.contains(&version) => {
                absorbed.push((version, std::mem::take(&mut section.groups)));
                false
            }
            _ => true,
        });
        absorbed.sort_by(|a, b| a.0.cmp(&b.0));
        sources.extend(absorbed.into_iter().map(|(_, groups)| groups));
        let unreleased_index = self.unreleased_position();
        let unreleased = &mut self.sections[unreleased_index];
        sources.push(std::mem::take(&mut unreleased.groups));
        ensure_blank_line_after(&mut unreleased.intro);

        let mut groups = merge_groups(sources);
        if let Some(last) = groups.last_mut().filter(|last| !last.body.ends_with('\n')) {
            last.body.push('\n');
        }
        let release = Section {
            heading: format!("## [{}] - {}\n", cut.version, cut.date),
            intro: "\n".into(),
            groups,
        };
        self.sections.insert(unreleased_index + 1, release);
        if let Some(url) = cut.repository_url {
            self.update_links(url, cut);
        }
    }

    /// Rewrites the `[Unreleased]` compare link, adds the new version's link and drops
    /// the links of absorbed prereleases.
    fn update_links(&mut self, url: &str, cut: &Cut<'_>) {
        let url = url.trim_end_matches('/');
        let prefix = cut.tag_prefix;
        let version = cut.version;
        let previous = self
            .releases()
            .map(|(found, _)| found)
            .filter(|found| found < version)
            .max();
        let version_link = match previous {
            Some(previous) => {
                format!("[{version}]: {url}/compare/{prefix}{previous}...{prefix}{version}\n")
            }
            None => format!("[{version}]: {url}/releases/tag/{prefix}{version}\n"),
        };
        let unreleased_link = format!("[Unreleased]: {url}/compare/{prefix}{version}...HEAD\n");
        let absorbed: Vec<String> = cut.absorb.iter().map(|v| format!("[{v}]:")).collect();
        let own = format!("[{version}]:");
        let mut lines: Vec<String> = self
            .footer
            .split_inclusive('\n')
            .filter(|line| {
                let lower = line.to_ascii_lowercase();
                !lower.starts_with("[unreleased]:")
                    && !line.starts_with(&own)
                    && !absorbed
                        .iter()
                        .any(|label| line.starts_with(label.as_str()))
            })
            .map(|line| {
                if line.ends_with('\n') {
                    line.to_owned()
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        let first_link = lines
            .iter()
            .position(|line| is_link_definition(line))
            .unwrap_or(lines.len());
        lines.insert(first_link, version_link);
        lines.insert(first_link, unreleased_link);
        let mut footer = lines.concat();
        if !footer.starts_with('\n') {
            footer.insert(0, '\n');
        }
        // The footer follows the last section: make sure that section ends its line.
        if let Some(section) = self.sections.last_mut() {
            let tail = match section.groups.last_mut() {
                Some(group) => &mut group.body,
                None => &mut section.intro,
            };
            if !tail.is_empty() && !tail.ends_with('\n') {
                tail.push('\n');
            }
            if tail.ends_with("\n\n") && footer.starts_with('\n') {
                footer.remove(0);
            }
        }
        self.footer = footer;
    }
}

/// Merges the groups of several sections: groups of the same name are joined (in the
/// order given), groups come in Keep a Changelog order. A group from a single source
/// keeps its text exactly.
fn merge_groups(sources: Vec<Vec<Group>>) -> Vec<Group> {
    let mut merged: Vec<(String, Vec<Group>)> = Vec::new();
    for group in sources.into_iter().flatten() {
        let key = group.name().to_ascii_lowercase();
        match merged.iter_mut().find(|(name, _)| *name == key) {
            Some((_, parts)) => parts.push(group),
            None => merged.push((key, vec![group])),
        }
    }
    let rank = |name: &str| {
        GROUP_ORDER
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))
            .unwrap_or(GROUP_ORDER.len())
    };
    merged.sort_by_key(|(name, _)| rank(name));
    merged
        .into_iter()
        .map(|(_, mut parts)| {
            if parts.len() == 1 {
                return parts.remove(0);
            }
            let heading = parts[0].heading.clone();
            let items: Vec<&str> = parts
                .iter()
                .map(|part| part.body.trim_matches('\n'))
                .filter(|body| !body.trim().is_empty())
                .collect();
            Group {
                heading,
                body: format!("\n{}\n\n", items.join("\n")),
            }
        })
        .collect()
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

    #[test]
    fn link_references_at_the_end_are_the_footer() {
        let text = "## [1.0.0] - 2026-01-01\n\n- a\n\n[1.0.0]: https://x/1\n\n[a]: https://x/a\n";
        let changelog = Changelog::parse(text);
        assert_eq!(
            changelog.footer,
            "[1.0.0]: https://x/1\n\n[a]: https://x/a\n"
        );
        assert_eq!(changelog.render(), text);
    }

    #[test]
    fn entries_are_top_level_list_items_with_their_continuations() {
        let changelog = Changelog::parse(
            "## [Unreleased]\n\n### Added\n\n- one\n  more of one\n- two\n\n### Fixed\n\n* three\n",
        );
        let entries = changelog.unreleased().unwrap().entries();
        let texts: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.group.as_str(), e.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("Added", "- one\n  more of one"),
                ("Added", "- two"),
                ("Fixed", "* three")
            ]
        );
    }

    #[test]
    fn a_final_release_absorbs_its_prereleases() {
        let text = "## [Unreleased]\n\n### Fixed\n\n- late fix\n\n## [1.1.0-rc.2] - 2026-02-02\n\n### Fixed\n\n- rc fix\n\n## [1.1.0-rc.1] - 2026-02-01\n\n### Added\n\n- feature\n\n## [1.0.0] - 2026-01-01\n\n- old\n";
        let mut changelog = Changelog::parse(text);
        let version = Version::parse("1.1.0").unwrap();
        let absorb = [
            Version::parse("1.1.0-rc.1").unwrap(),
            Version::parse("1.1.0-rc.2").unwrap(),
        ];
        changelog.cut_release(&Cut {
            version: &version,
            date: "2026-03-01",
            absorb: &absorb,
            repository_url: Some("https://example.com/repo"),
            tag_prefix: "v",
        });
        assert_eq!(
            changelog.render(),
            "## [Unreleased]\n\n## [1.1.0] - 2026-03-01\n\n### Added\n\n- feature\n\n### Fixed\n\n- rc fix\n- late fix\n\n## [1.0.0] - 2026-01-01\n\n- old\n\n[Unreleased]: https://example.com/repo/compare/v1.1.0...HEAD\n[1.1.0]: https://example.com/repo/compare/v1.0.0...v1.1.0\n"
        );
    }

    proptest! {
        #[test]
        fn rendering_a_parsed_document_gives_back_the_input(text in "(?s)(#{0,4} ?[a-zA-Z\\[\\]`~ \r]{0,8}\n?){0,30}") {
            prop_assert_eq!(Changelog::parse(&text).render(), text);
        }

        #[test]
        fn cutting_a_release_never_panics_and_empties_unreleased(text in "(?s)(#{0,3} ?[a-zU\\[\\]0-9. -]{0,8}\n){0,20}") {
            let mut changelog = Changelog::parse(&text);
            changelog.add_unreleased_entry("Fixed", "- something (bump: patch)");
            let version = Version::new(9, 9, 9);
            changelog.cut_release(&Cut {
                version: &version,
                date: "2026-01-01",
                absorb: &[],
                repository_url: Some("https://example.com"),
                tag_prefix: "v",
            });
            let again = Changelog::parse(&changelog.render());
            prop_assert!(again.unreleased().is_some_and(|section| section.entries().is_empty()));
            prop_assert!(again.release(&version).is_some_and(|section| !section.entries().is_empty()));
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
