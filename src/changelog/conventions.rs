//! How a CHANGELOG already writes its links and headings, so a release written into
//! it looks like the ones before: the repository its links point at, the ref its
//! `[Unreleased]` link compares to (`HEAD`, `main`), whether a version links to a
//! comparison (`…/compare/v1.1.0...v1.2.0`, GitLab's `/-/compare/`, git-cliff's `..`)
//! or to its tag (`…/releases/tag/1.2.0`), and whether headings carry their link
//! (`## [1.2.0](…) - 2026-01-31`). Read from the newest release and the footer.

use semver::Version;

use super::{Changelog, is_link_definition};

/// How a version's link is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionLink {
    /// `<base><path><prefix><previous><dots><prefix><version>`.
    Compare {
        /// `/compare/` or `/-/compare/`.
        path: String,
        /// `...` or `..`.
        dots: String,
    },
    /// `<base><path><prefix><version>`.
    Tag {
        /// `/releases/tag/`, `/-/tags/`, `/tree/`, `/commits/`.
        path: String,
    },
}

/// A CHANGELOG's conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventions {
    /// The repository URL its links use.
    pub base: Option<String>,
    /// How the newest release links.
    pub version_link: VersionLink,
    /// How the `[Unreleased]` link compares: its path, dots and head ref.
    pub unreleased: (String, String, String),
    /// The `[Unreleased]` link's label as written (`Unreleased`, `unreleased`).
    pub unreleased_label: String,
    /// Whether release headings carry their link: `## [1.2.0](…) - date`.
    pub inline_headings: bool,
}

impl Default for Conventions {
    fn default() -> Self {
        Conventions {
            base: None,
            version_link: VersionLink::Compare {
                path: "/compare/".into(),
                dots: "...".into(),
            },
            unreleased: ("/compare/".into(), "...".into(), "HEAD".into()),
            unreleased_label: "Unreleased".into(),
            inline_headings: false,
        }
    }
}

/// The ways a repository URL continues into a page: (marker, compares).
const MARKERS: [(&str, bool); 6] = [
    ("/-/compare/", true),
    ("/compare/", true),
    ("/-/tags/", false),
    ("/releases/tag/", false),
    ("/tree/", false),
    ("/commits/", false),
];

/// A link's repository URL and how it continues.
fn parse_link(url: &str) -> Option<(String, VersionLink, String)> {
    let url = url.trim();
    MARKERS.iter().find_map(|(marker, compares)| {
        let (base, rest) = url.split_once(marker)?;
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return None;
        }
        let style = if *compares {
            let dots = if rest.contains("...") {
                "..."
            } else if rest.contains("..") {
                ".."
            } else {
                return None;
            };
            VersionLink::Compare {
                path: (*marker).to_owned(),
                dots: dots.to_owned(),
            }
        } else {
            VersionLink::Tag {
                path: (*marker).to_owned(),
            }
        };
        Some((
            base.trim_end_matches('/').to_owned(),
            style,
            rest.to_owned(),
        ))
    })
}

/// The label and target of a link reference definition line.
fn definition(line: &str) -> Option<(&str, &str)> {
    if !is_link_definition(line) {
        return None;
    }
    let (label, target) = line.trim().strip_prefix('[')?.split_once("]:")?;
    Some((label, target.trim()))
}

impl Changelog {
    /// The conventions this CHANGELOG follows (defaults where it shows none).
    pub fn conventions(&self) -> Conventions {
        let mut found = Conventions::default();
        let newest = self
            .sections
            .iter()
            .filter_map(|section| section.version().map(|version| (version, section)))
            .max_by(|a, b| a.0.cmp(&b.0));
        if let Some((_, section)) = newest {
            let title = section.title();
            let label = title
                .strip_prefix('[')
                .and_then(|rest| rest.split(']').next())
                .unwrap_or_default();
            // `[1.2.0](https://…)`: the heading carries the link.
            let inline = title
                .strip_prefix(&format!("[{label}]("))
                .and_then(|rest| rest.split(')').next());
            let footer_link = self.footer.lines().find_map(|line| {
                definition(line)
                    .filter(|(name, _)| *name == label)
                    .map(|(_, target)| target)
            });
            if let Some(url) = inline {
                found.inline_headings = true;
                if let Some((base, style, _)) = parse_link(url) {
                    found.base = Some(base);
                    found.version_link = style;
                }
            } else if let Some((base, style, _)) = footer_link.and_then(parse_link) {
                found.base = Some(base);
                found.version_link = style;
            }
        }
        let unreleased = self.footer.lines().find_map(|line| {
            definition(line).filter(|(label, _)| label.eq_ignore_ascii_case("unreleased"))
        });
        if let Some((label, url)) = unreleased {
            found.unreleased_label = label.to_owned();
            if let Some((base, VersionLink::Compare { path, dots }, rest)) = parse_link(url) {
                let head = rest.rsplit(dots.as_str()).next().unwrap_or("HEAD").trim();
                found.unreleased = (path, dots, head.to_owned());
                found.base.get_or_insert(base);
            }
        } else if let VersionLink::Compare { path, dots } = &found.version_link {
            found.unreleased = (path.clone(), dots.clone(), "HEAD".into());
        }
        // The first release links to its tag whatever the file's style: with nothing
        // before it, its link says nothing of how later ones compare.
        let releases = self
            .sections
            .iter()
            .filter(|s| s.version().is_some())
            .count();
        if releases < 2 && matches!(found.version_link, VersionLink::Tag { .. }) {
            let (path, dots, _) = &found.unreleased;
            found.version_link = VersionLink::Compare {
                path: path.clone(),
                dots: dots.clone(),
            };
        }
        if found.base.is_none() {
            // Any link of the footer names the repository.
            found.base = self.footer.lines().rev().find_map(|line| {
                definition(line)
                    .and_then(|(_, url)| parse_link(url))
                    .map(|(base, _, _)| base)
            });
        }
        found
    }
}

impl Conventions {
    /// The link of `version` (tags named `<prefix><version>`), against `previous`.
    pub fn version_url(
        &self,
        base: &str,
        prefix: &str,
        previous: Option<&Version>,
        version: &Version,
    ) -> String {
        match (&self.version_link, previous) {
            (VersionLink::Compare { path, dots }, Some(previous)) => {
                format!("{base}{path}{prefix}{previous}{dots}{prefix}{version}")
            }
            (VersionLink::Compare { path, .. }, None) => {
                let tags = if path.starts_with("/-/") {
                    "/-/tags/"
                } else {
                    "/releases/tag/"
                };
                format!("{base}{tags}{prefix}{version}")
            }
            (VersionLink::Tag { path }, _) => format!("{base}{path}{prefix}{version}"),
        }
    }

    /// The `[Unreleased]` link once `version` is released.
    pub fn unreleased_url(&self, base: &str, prefix: &str, version: &Version) -> String {
        let (path, dots, head) = &self.unreleased;
        format!("{base}{path}{prefix}{version}{dots}{head}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_footer_of_tag_links_and_a_main_head() {
        let text = "# Change Log\n\n## [2.4.1] - 2026-05-09\n\n- x\n\n## [2.4.0] - 2026-05-03\n\n- y\n\n[Unreleased]: https://github.com/python-poetry/poetry/compare/2.4.1...main\n[2.4.1]: https://github.com/python-poetry/poetry/releases/tag/2.4.1\n[2.4.0]: https://github.com/python-poetry/poetry/releases/tag/2.4.0\n";
        let found = Changelog::parse(text).conventions();
        assert_eq!(
            found.base.as_deref(),
            Some("https://github.com/python-poetry/poetry")
        );
        assert_eq!(found.unreleased.2, "main");
        let next = Version::new(2, 5, 0);
        let base = found.base.clone().unwrap();
        assert_eq!(
            found.version_url(&base, "", Some(&Version::new(2, 4, 1)), &next),
            "https://github.com/python-poetry/poetry/releases/tag/2.5.0"
        );
        assert_eq!(
            found.unreleased_url(&base, "", &next),
            "https://github.com/python-poetry/poetry/compare/2.5.0...main"
        );
    }

    #[test]
    fn inline_headings_with_two_dots() {
        let text = "## [2.13.1](https://github.com/orhun/git-cliff/compare/v2.13.0..v2.13.1) - 2026-04-26\n\n### Fixes\n\n- x\n\n<!-- generated by git-cliff -->\n";
        let found = Changelog::parse(text).conventions();
        assert!(found.inline_headings);
        let base = found.base.clone().unwrap();
        assert_eq!(
            found.version_url(
                &base,
                "v",
                Some(&Version::new(2, 13, 1)),
                &Version::new(2, 14, 0)
            ),
            "https://github.com/orhun/git-cliff/compare/v2.13.1..v2.14.0"
        );
    }

    #[test]
    fn gitlab_links_and_defaults() {
        let text = "## [1.1.0] - 2026-01-01\n\n[1.1.0]: https://gitlab.com/g/p/-/compare/v1.0.0...v1.1.0\n";
        let found = Changelog::parse(text).conventions();
        let base = found.base.clone().unwrap();
        assert_eq!(base, "https://gitlab.com/g/p");
        assert_eq!(
            found.version_url(&base, "v", None, &Version::new(0, 1, 0)),
            "https://gitlab.com/g/p/-/tags/v0.1.0"
        );
        assert_eq!(
            found.unreleased_url(&base, "v", &Version::new(1, 2, 0)),
            "https://gitlab.com/g/p/-/compare/v1.2.0...HEAD"
        );
        assert_eq!(
            Changelog::parse("# x\n").conventions(),
            Conventions::default()
        );
    }

    fn cut(text: &str, version: Version, prefix: &str) -> String {
        let mut changelog = Changelog::parse(text);
        changelog.add_unreleased_entry("Added", "- a feature");
        changelog.cut_release(&crate::changelog::Cut {
            version: &version,
            date: "2026-12-01",
            absorb: &[],
            repository_url: None,
            tag_prefix: prefix,
        });
        changelog.render()
    }

    #[test]
    fn a_release_follows_the_files_own_links_without_configuration() {
        let poetry = "# Change Log\n\n## [2.4.1] - 2026-05-09\n\n- x\n\n## [2.4.0] - 2026-05-03\n\n- y\n\n[Unreleased]: https://github.com/python-poetry/poetry/compare/2.4.1...main\n[2.4.1]: https://github.com/python-poetry/poetry/releases/tag/2.4.1\n[2.4.0]: https://github.com/python-poetry/poetry/releases/tag/2.4.0\n";
        let after = cut(poetry, Version::new(2, 5, 0), "");
        assert!(
            after.ends_with("\n[Unreleased]: https://github.com/python-poetry/poetry/compare/2.5.0...main\n[2.5.0]: https://github.com/python-poetry/poetry/releases/tag/2.5.0\n[2.4.1]: https://github.com/python-poetry/poetry/releases/tag/2.4.1\n[2.4.0]: https://github.com/python-poetry/poetry/releases/tag/2.4.0\n"),
            "{after}"
        );
        assert!(
            after.contains(
                "## [Unreleased]\n\n## [2.5.0] - 2026-12-01\n\n### Added\n\n- a feature\n"
            ),
            "{after}"
        );
    }

    #[test]
    fn inline_headings_and_a_generator_marker_are_kept() {
        let cliff = "# Changelog\n\n## [2.13.1](https://github.com/orhun/git-cliff/compare/v2.13.0..v2.13.1) - 2026-04-26\n\n### Fixes\n\n- x\n\n\n<!-- generated by git-cliff -->\n";
        let after = cut(cliff, Version::new(2, 14, 0), "v");
        assert!(
            after.contains("## [2.14.0](https://github.com/orhun/git-cliff/compare/v2.13.1..v2.14.0) - 2026-12-01\n"),
            "{after}"
        );
        assert!(
            after.ends_with("- x\n\n\n<!-- generated by git-cliff -->\n"),
            "{after}"
        );

        let marked = "## [1.0.0] - 2026-01-01\n\n- x\n\n[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n\n<!-- generated by a tool -->\n";
        let after = cut(marked, Version::new(1, 1, 0), "v");
        assert!(
            after.ends_with("[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n\n<!-- generated by a tool -->\n"),
            "{after}"
        );
    }
}
