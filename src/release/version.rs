//! Version arithmetic: the current version, the declared bump of CHANGELOG entries,
//! and the next version, prereleases included. Pure functions over `semver` values.

use semver::{Prerelease, Version};

use crate::slice::Bump;

/// The bump an entry declares in its own field: the parenthesised field list that
/// ends the entry, `(bump: minor; flag `F`; …)`, as `new-slice` writes it. Free text
/// before it (a summary that says `bump: major`) declares nothing.
pub fn declared_bump(entry: &str) -> Option<Bump> {
    fields(entry)?
        .split(';')
        .filter_map(|field| field.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("bump"))
        .and_then(|(_, value)| {
            let value = value.trim();
            [Bump::Major, Bump::Minor, Bump::Patch]
                .into_iter()
                .find(|bump| value.eq_ignore_ascii_case(bump.as_str()))
        })
}

/// The inside of the parenthesised group that ends `entry` (parentheses inside it,
/// such as link targets, are balanced).
fn fields(entry: &str) -> Option<&str> {
    let trimmed = entry.trim_end();
    let body = trimmed.strip_suffix(')')?;
    let mut depth = 1usize;
    for (index, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&body[index + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// `version` without its prerelease part: the final version a prerelease leads to.
pub fn final_of(version: &Version) -> Version {
    Version::new(version.major, version.minor, version.patch)
}

/// `version` raised by `bump` (a prerelease is dropped; lower parts reset); `None`
/// when the part to raise is already the largest number semver can hold.
pub fn bumped(version: &Version, bump: Bump) -> Option<Version> {
    Some(match bump {
        Bump::Major => Version::new(version.major.checked_add(1)?, 0, 0),
        Bump::Minor => Version::new(version.major, version.minor.checked_add(1)?, 0),
        Bump::Patch => Version::new(version.major, version.minor, version.patch.checked_add(1)?),
    })
}

/// Validates a prerelease label such as `rc` or `beta`.
pub fn parse_label(label: &str) -> Result<String, super::ReleaseError> {
    let valid = !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid || label.chars().all(|c| c.is_ascii_digit()) {
        return Err(super::ReleaseError::BadLabel {
            label: label.to_owned(),
        });
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
/// label, and starts at 1 otherwise); `None` when `n` cannot count further.
pub fn next_version(current: &Version, target: &Version, pre: Option<&str>) -> Option<Version> {
    let Some(label) = pre else {
        return Some(target.clone());
    };
    let number = match label_and_number(&current.pre) {
        Some((current_label, n)) if final_of(current) == *target && current_label == label => {
            n.checked_add(1)?
        }
        _ => 1,
    };
    let mut next = target.clone();
    next.pre = Prerelease::new(&format!("{label}.{number}")).ok()?;
    Some(next)
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
        assert_eq!(
            declared_bump(
                "- **A**: watch (bump: minor; flag `F`; spec: [S](specs/S.md); blueprint: [B](b/B.md))"
            ),
            Some(Bump::Minor)
        );
        assert_eq!(
            declared_bump("- fixed a crash (Bump: PATCH)"),
            Some(Bump::Patch)
        );
        assert_eq!(declared_bump("- fixed a bug"), None);
        assert_eq!(declared_bump("- a note (see #12)"), None);
    }

    proptest::proptest! {
        /// Whatever a one-line summary says, the entry `new-slice` writes declares the
        /// bump of its own field.
        #[test]
        fn the_field_wins_over_any_summary(summary in "[^\n\r]*", level in 0usize..3) {
            let bump = [Bump::Patch, Bump::Minor, Bump::Major][level];
            let entry = format!(
                "- **Alpha**: {summary} (bump: {bump}; flag `FEATURE_ALPHA`; spec: [S](specs/S.md); blueprint: [B](../b/B.md))",
                bump = bump.as_str()
            );
            proptest::prop_assert_eq!(declared_bump(&entry), Some(bump));
        }
    }

    #[test]
    fn free_text_declares_nothing() {
        assert_eq!(declared_bump("- Bump: MAJOR change"), None);
        assert_eq!(
            declared_bump("- **A**: now with bump: major inside (bump: patch; flag `F`)"),
            Some(Bump::Patch)
        );
        assert_eq!(
            declared_bump("- **A**: sneaky (bump: major) (bump: minor; flag `F`)"),
            Some(Bump::Minor)
        );
        assert_eq!(
            declared_bump("- **A**: unbalanced ) (bump: major; (bump: patch; flag `F`)"),
            Some(Bump::Patch)
        );
        assert_eq!(declared_bump("- (bump: major) and then more text"), None);
    }

    #[test]
    fn bumps_reset_lower_parts() {
        assert_eq!(bumped(&v("1.2.3"), Bump::Major), Some(v("2.0.0")));
        assert_eq!(bumped(&v("1.2.3"), Bump::Minor), Some(v("1.3.0")));
        assert_eq!(bumped(&v("1.2.3"), Bump::Patch), Some(v("1.2.4")));
        assert_eq!(bumped(&v("0.0.0"), Bump::Minor), Some(v("0.1.0")));
        let largest = format!("{}.0.0", u64::MAX);
        assert_eq!(bumped(&v(&largest), Bump::Major), None);
        assert_eq!(
            next_version(
                &v(&format!("1.0.0-rc.{}", u64::MAX)),
                &v("1.0.0"),
                Some("rc")
            ),
            None
        );
    }

    #[test]
    fn prereleases_count_up_while_the_target_stays() {
        let target = v("1.3.0");
        assert_eq!(
            next_version(&v("1.2.0"), &target, Some("rc")).unwrap(),
            v("1.3.0-rc.1")
        );
        assert_eq!(
            next_version(&v("1.3.0-rc.1"), &target, Some("rc")).unwrap(),
            v("1.3.0-rc.2")
        );
        assert_eq!(
            next_version(&v("1.3.0-beta.4"), &target, Some("rc")).unwrap(),
            v("1.3.0-rc.1")
        );
        assert_eq!(
            next_version(&v("1.3.0-rc.2"), &v("2.0.0"), Some("rc")).unwrap(),
            v("2.0.0-rc.1")
        );
        assert_eq!(
            next_version(&v("1.3.0-rc.2"), &target, None),
            Some(v("1.3.0"))
        );
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
