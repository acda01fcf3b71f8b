//! The tag styles a repository uses: `v1.2.3`, `1.2.3`, `app-v1.2.3`. Read from the
//! tag names, so `init` can propose a `tag_prefix` and `release` can say why no tag
//! matches the one configured.

use semver::Version;

/// Tags that share a prefix before their version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagStyle {
    /// What comes before the version: `v`, `` (bare), `app-v`.
    pub prefix: String,
    /// How many tags have it.
    pub count: usize,
    /// The tag of the newest version with it.
    pub newest: String,
}

/// The styles of `names` (tag names), most used first; names without a semver
/// version in them are left out.
pub fn tag_styles<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<TagStyle> {
    let mut styles: Vec<(TagStyle, Version)> = Vec::new();
    for name in names {
        let Some((prefix, version)) = split_version(name) else {
            continue;
        };
        match styles.iter_mut().find(|(style, _)| style.prefix == prefix) {
            Some((style, newest)) => {
                style.count += 1;
                if version > *newest {
                    style.newest = name.to_owned();
                    *newest = version;
                }
            }
            None => styles.push((
                TagStyle {
                    prefix: prefix.to_owned(),
                    count: 1,
                    newest: name.to_owned(),
                },
                version,
            )),
        }
    }
    let mut styles: Vec<TagStyle> = styles.into_iter().map(|(style, _)| style).collect();
    styles.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.prefix.cmp(&b.prefix)));
    styles
}

/// A tag name split into the prefix before its version and the version: the first
/// digit where the rest is a semver version.
fn split_version(name: &str) -> Option<(&str, Version)> {
    name.char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .find_map(|(at, _)| {
            Version::parse(&name[at..])
                .ok()
                .map(|version| (&name[..at], version))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_counted_by_prefix() {
        let names = [
            "2.4.1",
            "2.4.0",
            "1.0.0",
            "v0.9.0",
            "app-v1.2.0",
            "nightly",
            "release-2024",
        ];
        let styles = tag_styles(names);
        assert_eq!(
            styles[0],
            TagStyle {
                prefix: String::new(),
                count: 3,
                newest: "2.4.1".into()
            }
        );
        assert!(
            styles
                .iter()
                .any(|style| style.prefix == "v" && style.count == 1)
        );
        assert!(styles.iter().any(|style| style.prefix == "app-v"));
        assert_eq!(styles.len(), 3);
    }
}
