//! The release decision as a pure function of plain values: the CHANGELOG, the tags
//! and the request give the next version, its bump, its tag and the prerelease
//! sections it absorbs, or the refusal. No repository is read here; `prepare`
//! gathers the inputs.

use semver::Version;

use super::version::{bumped, declared_bump, final_of, next_version, parse_label};
use super::{ReleaseError, Target, tag_styles};
use crate::changelog::Changelog;
use crate::fs::RelPath;
use crate::slice::Bump;

/// The repository's tags, as gathered for a release.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Every tag name.
    pub names: Vec<String>,
    /// Whether the clone is shallow (its history and tags may be incomplete).
    pub shallow: bool,
}

impl Tags {
    /// The versions of the tags named `<prefix><semver>`.
    pub fn versions(&self, prefix: &str) -> Vec<Version> {
        self.names
            .iter()
            .filter_map(|name| name.strip_prefix(prefix))
            .filter_map(|version| Version::parse(version).ok())
            .collect()
    }
}

/// What the release manager asked for, as plain values.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// Which version.
    pub target: &'a Target,
    /// A prerelease label.
    pub pre: Option<&'a str>,
    /// The tag prefix.
    pub prefix: &'a str,
    /// The CHANGELOG, for messages.
    pub changelog_path: &'a RelPath,
}

/// The decided release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
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
}

/// Decides the release, or refuses it.
///
/// Versions come from the CHANGELOG; the tags must agree with it. The next version
/// is the explicit one, or the last final release raised by the bump asked for (or
/// the highest an unreleased or pending prerelease entry declares, patch when none
/// says), continued as a prerelease when a label is given. A final release absorbs
/// its own prereleases.
pub fn decide(changelog: &Changelog, tags: &Tags, ask: Ask<'_>) -> Result<Decision, ReleaseError> {
    let released: Vec<Version> = changelog.releases().map(|(version, _)| version).collect();
    let current = released
        .iter()
        .max()
        .cloned()
        .unwrap_or(Version::new(0, 0, 0));
    let last_final = released
        .iter()
        .filter(|version| version.pre.is_empty())
        .max()
        .cloned()
        .unwrap_or(Version::new(0, 0, 0));
    let unreleased: Vec<String> = changelog
        .unreleased()
        .map(|section| section.entries().into_iter().map(|e| e.text).collect())
        .unwrap_or_default();
    // Entries of prereleases since the last final release still count for its bump.
    let pending: Vec<String> = changelog
        .releases()
        .filter(|(version, _)| !version.pre.is_empty() && version > &last_final)
        .flat_map(|(_, section)| section.entries().into_iter().map(|entry| entry.text))
        .collect();
    let pre = ask.pre.map(parse_label).transpose()?;
    let (next, bump) = next_of(
        ask.target,
        &current,
        &last_final,
        &unreleased,
        &pending,
        pre.as_deref(),
    )?;
    let promotion = next.pre.is_empty() && !current.pre.is_empty() && final_of(&current) == next;
    if unreleased.is_empty() && !promotion {
        return Err(ReleaseError::NothingUnreleased {
            path: ask.changelog_path.clone(),
        });
    }
    if next <= current {
        return Err(ReleaseError::NotGreater { next, current });
    }
    let tag = format!("{}{next}", ask.prefix);
    if tags.names.contains(&tag) {
        return Err(ReleaseError::TagExists(tag));
    }
    let tagged = tags.versions(ask.prefix);
    diagnose_tags(changelog, tags, &tagged, ask.prefix)?;
    check_agreement(changelog, &tagged, ask.prefix)?;
    let absorbed = if next.pre.is_empty() {
        released
            .iter()
            .filter(|version| !version.pre.is_empty() && final_of(version) == next)
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    Ok(Decision {
        current,
        next,
        tag,
        bump,
        absorbed,
    })
}

/// The next version and the bump that gave it.
fn next_of(
    target: &Target,
    current: &Version,
    last_final: &Version,
    unreleased: &[String],
    pending: &[String],
    pre: Option<&str>,
) -> Result<(Version, Option<Bump>), ReleaseError> {
    let too_large = || ReleaseError::Overflow {
        version: last_final.clone(),
    };
    let bump = match target {
        Target::Exact(version) => return Ok((version.clone(), None)),
        Target::Level(bump) => *bump,
        Target::Computed => unreleased
            .iter()
            .chain(pending)
            .map(|entry| declared_bump(entry).unwrap_or(Bump::Patch))
            .max()
            .unwrap_or(Bump::Patch),
    };
    let mut raised = bumped(last_final, bump).ok_or_else(too_large)?;
    // A computed release never goes below the prerelease it continues or promotes.
    if matches!(target, Target::Computed) && !current.pre.is_empty() && final_of(current) > raised {
        raised = final_of(current);
    }
    let next = next_version(current, &raised, pre).ok_or_else(too_large)?;
    Ok((next, Some(bump)))
}

/// Why the CHANGELOG and the tags would disagree, when the cause is not the
/// CHANGELOG: a shallow clone or one without tags, or tags of another style.
fn diagnose_tags(
    changelog: &Changelog,
    tags: &Tags,
    tagged: &[Version],
    prefix: &str,
) -> Result<(), ReleaseError> {
    let released = changelog.releases().map(|(version, _)| version).max();
    if released.is_none() || released.as_ref() == tagged.iter().max() {
        return Ok(());
    }
    if tags.shallow {
        return Err(ReleaseError::Incomplete(
            "this clone is shallow: its history and tags are incomplete, so the released versions cannot be checked".into(),
        ));
    }
    if tags.names.is_empty() {
        return Err(ReleaseError::Incomplete(
            "the CHANGELOG records releases but this clone has no tags at all (were they fetched?)"
                .into(),
        ));
    }
    if tagged.is_empty()
        && let Some(style) = tag_styles(tags.names.iter().map(String::as_str))
            .into_iter()
            .find(|style| style.prefix != prefix)
    {
        return Err(ReleaseError::TagStyle {
            prefix: prefix.to_owned(),
            seen: style.prefix,
            count: style.count,
            example: style.newest,
        });
    }
    Ok(())
}

/// The CHANGELOG and the tags must agree on the newest released version.
fn check_agreement(
    changelog: &Changelog,
    tagged: &[Version],
    prefix: &str,
) -> Result<(), ReleaseError> {
    let in_changelog = changelog.releases().map(|(version, _)| version).max();
    let in_tags = tagged.iter().max().cloned();
    if in_changelog != in_tags {
        // The CHANGELOG ahead: its newest release was never tagged.
        let untagged = in_changelog
            .as_ref()
            .filter(|ahead| in_tags.as_ref().is_none_or(|tagged| *ahead > tagged))
            .map(|ahead| (format!("{prefix}{ahead}"), None));
        let changelog = in_changelog.map_or("the CHANGELOG has no release".into(), |v| {
            format!("the newest CHANGELOG release is {v}")
        });
        let tags = in_tags.map_or("there is no release tag".into(), |v| {
            format!("the newest tag is {prefix}{v}")
        });
        return Err(ReleaseError::Disagree {
            changelog,
            tags,
            untagged,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    /// A CHANGELOG with these releases (newest first) and unreleased entries.
    fn changelog(releases: &[&str], unreleased: &[&str]) -> Changelog {
        let mut text = String::from("# Changelog\n\n## [Unreleased]\n\n");
        if !unreleased.is_empty() {
            text.push_str("### Added\n\n");
            for entry in unreleased {
                text.push_str(&format!("- {entry}\n"));
            }
            text.push('\n');
        }
        for release in releases {
            text.push_str(&format!(
                "## [{release}] - 2026-01-01\n\n### Added\n\n- x (bump: minor)\n\n"
            ));
        }
        Changelog::parse(&text)
    }

    fn tags(names: &[&str]) -> Tags {
        Tags {
            names: names.iter().map(|name| (*name).to_owned()).collect(),
            shallow: false,
        }
    }

    fn decide_with(
        releases: &[&str],
        unreleased: &[&str],
        target: Target,
        pre: Option<&str>,
    ) -> Result<Decision, ReleaseError> {
        let tagged: Vec<String> = releases.iter().map(|r| format!("v{r}")).collect();
        let names: Vec<&str> = tagged.iter().map(String::as_str).collect();
        let path = RelPath::parse("CHANGELOG.md").unwrap();
        decide(
            &changelog(releases, unreleased),
            &tags(&names),
            Ask {
                target: &target,
                pre,
                prefix: "v",
                changelog_path: &path,
            },
        )
    }

    fn next(releases: &[&str], unreleased: &[&str], target: Target, pre: Option<&str>) -> String {
        decide_with(releases, unreleased, target, pre)
            .unwrap()
            .next
            .to_string()
    }

    #[test]
    fn the_version_table_of_the_release_guide() {
        let minor = ["a feature (bump: minor)"];
        assert_eq!(
            next(&["1.4.0"], &minor, Target::Computed, Some("rc")),
            "1.5.0-rc.1"
        );
        assert_eq!(
            next(
                &["1.5.0-rc.1", "1.4.0"],
                &["more (bump: patch)"],
                Target::Computed,
                Some("rc")
            ),
            "1.5.0-rc.2"
        );
        assert!(matches!(
            decide_with(
                &["1.5.0-rc.2", "1.4.0"],
                &["more"],
                Target::Computed,
                Some("beta")
            ),
            Err(ReleaseError::NotGreater { .. })
        ));
        // Promotion needs no new entry.
        assert_eq!(
            next(&["1.5.0-rc.2", "1.4.0"], &[], Target::Computed, None),
            "1.5.0"
        );
        assert_eq!(
            next(
                &["1.5.0-rc.2", "1.4.0"],
                &["breaking (bump: major)"],
                Target::Computed,
                Some("rc")
            ),
            "2.0.0-rc.1"
        );
    }

    #[test]
    fn bumps_come_from_the_entries_or_the_request() {
        assert_eq!(next(&["1.4.0"], &["fix"], Target::Computed, None), "1.4.1");
        assert_eq!(
            next(
                &["1.4.0"],
                &["x (bump: minor)", "y (bump: major)"],
                Target::Computed,
                None
            ),
            "2.0.0"
        );
        assert_eq!(
            next(
                &["1.4.0"],
                &["x (bump: major)"],
                Target::Level(Bump::Patch),
                None
            ),
            "1.4.1"
        );
        assert_eq!(next(&[], &["first"], Target::Computed, None), "0.0.1");
        assert_eq!(
            next(&["1.4.0"], &["x"], Target::Exact(v("3.0.0")), None),
            "3.0.0"
        );
        let decided = decide_with(&["1.5.0-rc.2", "1.4.0"], &[], Target::Computed, None).unwrap();
        assert_eq!(decided.absorbed, [v("1.5.0-rc.2")]);
        assert_eq!(decided.tag, "v1.5.0");
    }

    #[test]
    fn every_refusal() {
        let nothing = decide_with(&["1.4.0"], &[], Target::Computed, None);
        assert!(matches!(
            nothing,
            Err(ReleaseError::NothingUnreleased { .. })
        ));
        let lower = decide_with(&["1.4.0"], &["x"], Target::Exact(v("1.3.0")), None);
        assert!(matches!(lower, Err(ReleaseError::NotGreater { .. })));
        let label = decide_with(&["1.4.0"], &["x"], Target::Computed, Some("r c"));
        assert!(matches!(label, Err(ReleaseError::BadLabel { .. })));
        let overflow = decide_with(
            &[&format!("{}.0.0", u64::MAX)],
            &["x (bump: major)"],
            Target::Computed,
            None,
        );
        assert!(matches!(overflow, Err(ReleaseError::Overflow { .. })));

        let path = RelPath::parse("CHANGELOG.md").unwrap();
        let ask = |prefix| Ask {
            target: &Target::Computed,
            pre: None,
            prefix,
            changelog_path: &path,
        };
        let log = changelog(&["1.4.0"], &["x"]);
        let exists = decide(&log, &tags(&["v1.4.0", "v1.4.1"]), ask("v"));
        assert!(matches!(exists, Err(ReleaseError::TagExists(tag)) if tag == "v1.4.1"));
        let behind = decide(&log, &tags(&["v1.3.0"]), ask("v"));
        assert!(matches!(behind, Err(ReleaseError::Disagree { .. })));
        let bare = decide(&log, &tags(&["1.4.0", "1.3.0"]), ask("v"));
        assert!(
            matches!(bare, Err(ReleaseError::TagStyle { ref seen, count: 2, .. }) if seen.is_empty())
        );
        let none = decide(&log, &tags(&[]), ask("v"));
        assert!(matches!(none, Err(ReleaseError::Incomplete(_))));
        let shallow = Tags {
            names: vec!["v1.3.0".into()],
            shallow: true,
        };
        assert!(matches!(
            decide(&log, &shallow, ask("v")),
            Err(ReleaseError::Incomplete(_))
        ));
        assert!(decide(&log, &tags(&["v1.4.0"]), ask("v")).is_ok());
    }
}
