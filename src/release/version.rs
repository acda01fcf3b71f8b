//! Version arithmetic: the current version, the declared bump of CHANGELOG entries,
//! and the next version, prereleases included. Pure functions over `semver` values.

use semver::{Prerelease, Version};

use crate::slice::Bump;

/// The bump an entry declares with `bump: major|minor|patch`, if any.
pub fn declared_bump(entry: &str) -> Option<Bump> {
    let lower = entry.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(position) = rest.find("bump:") {
        let value = rest[position + "bump:".len()..].trim_start();
        for bump in [Bump::Major, Bump::Minor, Bump::Patch] {
            if value.starts_with(bump.as_str()) {
                return Some(bump);
            }
        }
        rest = &rest[position + 1..];
    }
    None
}

/// `version` without its prerelease part: the final version a prerelease leads to.
pub fn final_of(version: &Version) -> Version {
    Version::new(version.major, version.minor, version.patch)
}

/// `version` raised by `bump` (a prerelease is dropped; lower parts reset).
pub fn bumped(version: &Version, bump: Bump) -> Version {
    match bump {
        Bump::Major => Version::new(version.major + 1, 0, 0),
        Bump::Minor => Version::new(version.major, version.minor + 1, 0),
        Bump::Patch => Version::new(version.major, version.minor, version.patch + 1),
    }
}

/// Validates a prerelease label such as `rc` or `beta`.
pub fn parse_label(label: &str) -> Result<String, String> {
    let valid = !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid || label.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`{label}` is not a prerelease label: use letters, digits and -, like rc or beta"
        ));
    }
    Ok(label.to_owned())
}

/// The label and number of a `<label>.<n>` prerelease.
fn label_and_number(pre: &Prerelease) -> Option<(&str, u64)> {
    let (label, number) = pre.as_str().rsplit_once('.')?;
    Some((label, number.parse().ok()?))
}

/// The version to release: `target` itself, or with `pre`, the next `<pre>.<n>` of
/// `target` (`n` counts on while `current` is a prerelease of the same target and
/// label, and starts at 1 otherwise).
pub fn next_version(current: &Version, target: &Version, pre: Option<&str>) -> Version {
    let Some(label) = pre else {
        return target.clone();
    };
    let number = match label_and_number(&current.pre) {
        Some((current_label, n)) if final_of(current) == *target && current_label == label => n + 1,
        _ => 1,
    };
    let mut next = target.clone();
    // The label was validated and the number is digits, so this always parses.
    next.pre = Prerelease::new(&format!("{label}.{number}")).unwrap_or(Prerelease::EMPTY);
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn entries_declare_their_bump() {
        assert_eq!(
            declared_bump("- **A**: x (bump: minor; flag `F`)"),
            Some(Bump::Minor)
        );
        assert_eq!(declared_bump("- Bump: MAJOR change"), Some(Bump::Major));
        assert_eq!(
            declared_bump("- bump: none, then bump: patch"),
            Some(Bump::Patch)
        );
        assert_eq!(declared_bump("- fixed a bug"), None);
    }

    #[test]
    fn bumps_reset_lower_parts() {
        assert_eq!(bumped(&v("1.2.3"), Bump::Major), v("2.0.0"));
        assert_eq!(bumped(&v("1.2.3"), Bump::Minor), v("1.3.0"));
        assert_eq!(bumped(&v("1.2.3"), Bump::Patch), v("1.2.4"));
        assert_eq!(bumped(&v("0.0.0"), Bump::Minor), v("0.1.0"));
    }

    #[test]
    fn prereleases_count_up_while_the_target_stays() {
        let target = v("1.3.0");
        assert_eq!(
            next_version(&v("1.2.0"), &target, Some("rc")),
            v("1.3.0-rc.1")
        );
        assert_eq!(
            next_version(&v("1.3.0-rc.1"), &target, Some("rc")),
            v("1.3.0-rc.2")
        );
        assert_eq!(
            next_version(&v("1.3.0-beta.4"), &target, Some("rc")),
            v("1.3.0-rc.1")
        );
        assert_eq!(
            next_version(&v("1.3.0-rc.2"), &v("2.0.0"), Some("rc")),
            v("2.0.0-rc.1")
        );
        assert_eq!(next_version(&v("1.3.0-rc.2"), &target, None), v("1.3.0"));
    }

    #[test]
    fn labels_are_validated() {
        assert!(parse_label("rc").is_ok());
        assert!(parse_label("beta-2").is_ok());
        for bad in ["", "r.c", "12", "rc 1", "ü"] {
            assert!(parse_label(bad).is_err(), "{bad:?}");
        }
    }
}
