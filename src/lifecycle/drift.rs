//! Status drift: what the CHANGELOG says shipped, against what the specs say.
//!
//! Shipped work that stays marked Approved, work released a month ago and still In
//! Progress, a Done slice whose entry missed the release cut after it: each is a
//! status nobody updated. Pure: the dates come in as text (`YYYY-MM-DD`).

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use super::lint::Finding;
use super::{Project, Slice, Stage};
use crate::changelog::Changelog;

/// The release whose CHANGELOG section holds a slice's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shipped {
    /// Its version.
    pub version: String,
    /// Its date as the heading writes it (`YYYY-MM-DD`), when it does.
    pub date: Option<String>,
}

/// Where each slice's CHANGELOG entry is: the release that shipped it (the oldest,
/// when several name it), keyed by the slice's Pascal name; and whether a release
/// was cut at all, with the newest release date.
#[derive(Debug, Default)]
pub struct Releases {
    shipped: HashMap<String, Shipped>,
    unreleased: Vec<String>,
    newest_date: Option<String>,
}

impl Releases {
    /// Reads `project`'s CHANGELOG.
    pub fn read(project: &Project) -> Releases {
        let changelog = Changelog::parse(&project.changelog);
        let mut releases = Releases::default();
        let names = |text: &str| -> Vec<String> {
            project
                .slices
                .iter()
                .filter(|slice| text.contains(slice.layout.spec.file_name()))
                .map(|slice| slice.feature.pascal())
                .collect()
        };
        for (index, (version, section)) in changelog.releases().enumerate() {
            let date = heading_date(section.title());
            // The newest release's own date, or none: never an older one's.
            if index == 0 {
                releases.newest_date.clone_from(&date);
            }
            // Sections run newest first: an older release naming the slice wins.
            for name in names(&section.render_text()) {
                releases.shipped.insert(
                    name,
                    Shipped {
                        version: version.to_string(),
                        date: date.clone(),
                    },
                );
            }
        }
        if let Some(section) = changelog.unreleased() {
            releases.unreleased = names(&section.render_text());
        }
        releases
    }

    /// The release that shipped `slice`.
    pub fn shipped(&self, slice: &Slice) -> Option<&Shipped> {
        self.shipped.get(&slice.feature.pascal())
    }
}

/// The date of a release heading, `[1.2.0] - 2026-01-01`: the first `YYYY-MM-DD`
/// after the version (a CalVer version such as `[2026-01-15]` is no date).
fn heading_date(title: &str) -> Option<String> {
    let after_version = match title.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or("", |(_, after)| after),
        None => title
            .split_once(char::is_whitespace)
            .map_or("", |(_, after)| after),
    };
    after_version
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .map(|word| word.trim_matches('-'))
        .find(|word| word.len() == 10 && word.parse::<Date>().is_ok())
        .map(str::to_owned)
}

/// Days from `from` to `to`, when both are dates.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    let from: Date = from.parse().ok()?;
    let to: Date = to.parse().ok()?;
    let span = from.until(to).ok()?;
    Some(i64::from(span.get_days()))
}

/// The drift findings of every slice. `today` is the date to measure from;
/// `last_change` gives the date of each slice's last commit (when it became what it
/// is), keyed by Pascal name; `max_in_progress_days` is
/// `[lifecycle] max_in_progress_after_release`.
pub fn findings(
    project: &Project,
    releases: &Releases,
    today: &str,
    last_change: &HashMap<String, String>,
    max_in_progress_days: u32,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for slice in &project.slices {
        let feature = slice.feature.pascal();
        let spec = slice.layout.spec.to_string();
        let status = slice.status.clone().unwrap_or_default();
        let mut push = |rule: &str, problem: String, fix: String| {
            findings.push(Finding::new(rule, &feature, &spec, problem, fix));
        };
        let shipped = releases.shipped(slice);
        match (slice.stage(), shipped) {
            (Some(Stage::Draft | Stage::Approved), Some(shipped)) => push(
                "drift-shipped-early",
                format!(
                    "its CHANGELOG entry shipped in {}, but the spec is still {status}",
                    shipped.version
                ),
                format!(
                    "bring the status up to date: lancelot set-status {feature} in-progress (then done, if the work is finished)"
                ),
            ),
            (Some(Stage::InProgress), Some(shipped)) => {
                let age = shipped
                    .date
                    .as_deref()
                    .and_then(|date| days_between(date, today));
                if let Some(age) = age.filter(|age| *age > i64::from(max_in_progress_days)) {
                    push(
                        "drift-in-progress",
                        format!(
                            "shipped in {} {age} days ago, and still In Progress (more than {max_in_progress_days} days)",
                            shipped.version
                        ),
                        format!(
                            "if the work is finished: lancelot set-status {feature} done; if not, it ships unfinished behind its flag"
                        ),
                    );
                }
            }
            (Some(Stage::Done), None) if releases.unreleased.contains(&feature) => {
                // Done before the newest release was cut, yet its entry missed it.
                let missed = match (last_change.get(&feature), &releases.newest_date) {
                    (Some(done), Some(cut)) => days_between(done, cut).is_some_and(|days| days > 0),
                    _ => false,
                };
                if missed {
                    push(
                        "drift-unreleased",
                        format!(
                            "Done since {}, but its entry is still under [Unreleased] after the release of {}",
                            last_change.get(&feature).map_or("", String::as_str),
                            releases.newest_date.as_deref().unwrap_or_default()
                        ),
                        "the next release ships it; if it should have been in the last one, say so in the CHANGELOG".into(),
                    );
                }
            }
            _ => {}
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_from_headings_and_counted_in_days() {
        assert_eq!(
            heading_date("[1.2.0] - 2026-01-01"),
            Some("2026-01-01".into())
        );
        assert_eq!(
            heading_date("[1.2.0](https://x/compare/v1...v2) - 2026-02-03"),
            Some("2026-02-03".into())
        );
        assert_eq!(
            heading_date("1.2.0 (2026-03-04)"),
            Some("2026-03-04".into())
        );
        assert_eq!(heading_date("[Unreleased]"), None);
        assert_eq!(heading_date("[2026-01-15]"), None);
        assert_eq!(
            heading_date("[2026-01-15] - 2026-01-16"),
            Some("2026-01-16".into())
        );
        assert_eq!(heading_date("v1.2.0 2026-05-06"), Some("2026-05-06".into()));
        assert_eq!(days_between("2026-01-01", "2026-02-01"), Some(31));
        assert_eq!(days_between("2026-02-01", "2026-01-01"), Some(-31));
        assert_eq!(days_between("soon", "2026-01-01"), None);
    }
}
