//! Feature names: parsed once from what people type, then spelled consistently.
//!
//! `"Health Monitor"`, `health-monitor` and `HealthMonitor` are one feature. Every
//! other module asks a [`FeatureName`] for its spelling (`pascal()` for doc file
//! names, `snake()` for modules, `flag()` for the env flag) and never re-derives it.

use std::fmt;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase};
use serde::Serialize;

/// Longest feature name accepted, in characters.
pub const MAX_LEN: usize = 64;

/// A validated feature name and its spellings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureName {
    /// What the user typed, trimmed.
    input: String,
    /// Words separated by underscores, lower case: `health_monitor`.
    snake: String,
}

/// Why a feature name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeatureNameError {
    /// Nothing but whitespace.
    #[error("the feature name is empty")]
    Empty,
    /// Longer than [`MAX_LEN`].
    #[error("the feature name is {len} characters long; the limit is {MAX_LEN}")]
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// Contains `/`, `\` or `..`, which could make file names escape their folder.
    #[error("the feature name `{0}` contains a path separator or `..`")]
    PathLike(String),
    /// Contains a newline or another control character.
    #[error("the feature name contains a newline or control character")]
    ControlCharacter,
    /// Has no letters or digits at all.
    #[error("the feature name `{0}` has no letters or digits")]
    NoWords(String),
    /// Normalises to something that is not an ASCII identifier starting with a letter.
    #[error("the feature name `{input}` becomes `{normalised}`, which is not a valid identifier")]
    NotIdentifier {
        /// What was given.
        input: String,
        /// What it normalised to.
        normalised: String,
    },
}

impl FeatureNameError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        Some(
            "name the feature with ASCII letters and digits, starting with a letter, e.g. \"Health Monitor\", health-monitor or HealthMonitor"
                .into(),
        )
    }
}

impl FeatureName {
    /// Parses a feature name as people write it.
    pub fn parse(input: &str) -> Result<FeatureName, FeatureNameError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(FeatureNameError::Empty);
        }
        let len = input.chars().count();
        if len > MAX_LEN {
            return Err(FeatureNameError::TooLong { len });
        }
        if input.chars().any(char::is_control) {
            return Err(FeatureNameError::ControlCharacter);
        }
        if input.contains(['/', '\\']) || input.contains("..") {
            return Err(FeatureNameError::PathLike(input.to_owned()));
        }
        // Through the Pascal form and back, so that a name read back from a file name
        // (`HealthMonitor2`) spells exactly like the name typed (`Health Monitor 2`).
        let snake = input.to_snake_case().to_upper_camel_case().to_snake_case();
        if snake.is_empty() {
            return Err(FeatureNameError::NoWords(input.to_owned()));
        }
        let identifier = snake.starts_with(|c: char| c.is_ascii_lowercase())
            && snake
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !identifier {
            return Err(FeatureNameError::NotIdentifier {
                input: input.to_owned(),
                normalised: snake,
            });
        }
        Ok(FeatureName {
            input: input.to_owned(),
            snake,
        })
    }

    /// What the user typed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// `HealthMonitor`: used in spec and blueprint file names.
    pub fn pascal(&self) -> String {
        self.snake.to_upper_camel_case()
    }

    /// `health_monitor`: used for modules, notes and tests.
    pub fn snake(&self) -> &str {
        &self.snake
    }

    /// `health-monitor`.
    pub fn kebab(&self) -> String {
        self.snake.replace('_', "-")
    }

    /// `Health Monitor`: for headings and prose.
    pub fn title(&self) -> String {
        self.snake.to_title_case()
    }

    /// `HEALTH_MONITOR`.
    pub fn upper(&self) -> String {
        self.snake.to_shouty_snake_case()
    }

    /// `FEATURE_HEALTH_MONITOR`: the default flag.
    pub fn flag(&self) -> String {
        format!("FEATURE_{}", self.upper())
    }

    /// The spelling-independent identity: `healthmonitor`. Two names with the same key
    /// are the same feature, whatever their separators or capitals.
    pub fn key(&self) -> String {
        self.snake.replace('_', "")
    }
}

impl fmt::Display for FeatureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pascal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_people_use_normalise_to_one_feature() {
        for input in [
            "Health Monitor",
            "health-monitor",
            "HealthMonitor",
            "health_monitor",
            "  HEALTH MONITOR ",
        ] {
            let name = FeatureName::parse(input).unwrap();
            assert_eq!(name.pascal(), "HealthMonitor", "{input}");
            assert_eq!(name.snake(), "health_monitor", "{input}");
            assert_eq!(name.flag(), "FEATURE_HEALTH_MONITOR", "{input}");
            assert_eq!(name.title(), "Health Monitor", "{input}");
            assert_eq!(name.kebab(), "health-monitor", "{input}");
        }
    }

    #[test]
    fn names_with_digits_spell_like_their_file_names() {
        let spaced = FeatureName::parse("Health Monitor 2").unwrap();
        let joined = FeatureName::parse("HealthMonitor2").unwrap();
        assert_eq!(
            spaced,
            FeatureName {
                input: "Health Monitor 2".into(),
                snake: joined.snake().into()
            }
        );
        assert_eq!(
            (spaced.snake(), spaced.flag().as_str()),
            ("health_monitor2", "FEATURE_HEALTH_MONITOR2")
        );
    }

    #[test]
    fn single_words_and_digits() {
        let name = FeatureName::parse("scheduler").unwrap();
        assert_eq!(
            (name.pascal().as_str(), name.flag().as_str()),
            ("Scheduler", "FEATURE_SCHEDULER")
        );
        assert_eq!(FeatureName::parse("v2 API").unwrap().snake(), "v2_api");
    }

    proptest::proptest! {
        #[test]
        fn any_input_parses_or_is_refused_and_accepted_names_are_safe(input in "\\PC{0,80}") {
            if let Ok(name) = FeatureName::parse(&input) {
                let snake = name.snake().to_owned();
                proptest::prop_assert!(!snake.is_empty() && snake.len() <= MAX_LEN * 2);
                proptest::prop_assert!(snake.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
                proptest::prop_assert!(!name.pascal().contains(['/', '\\', '.']));
                // Read back from its file name, a feature is spelled exactly the same.
                let again = FeatureName::parse(&name.pascal()).unwrap();
                proptest::prop_assert_eq!(again.key(), name.key());
                proptest::prop_assert_eq!(again.snake(), name.snake());
                proptest::prop_assert_eq!(again.flag(), name.flag());
            }
        }
    }

    #[test]
    fn refusals() {
        use FeatureNameError as E;
        let refused = |input: &str| FeatureName::parse(input).unwrap_err();
        assert_eq!(refused(""), E::Empty);
        assert_eq!(refused(" \t "), E::Empty);
        assert!(matches!(refused("a/b"), E::PathLike(_)));
        assert!(matches!(refused("a\\b"), E::PathLike(_)));
        assert!(matches!(refused(".."), E::PathLike(_)));
        assert!(matches!(refused("a..b"), E::PathLike(_)));
        assert_eq!(refused("Health\nMonitor"), E::ControlCharacter);
        assert_eq!(refused("Health\u{7}"), E::ControlCharacter);
        assert!(matches!(refused("!!! ---"), E::NoWords(_)));
        assert!(matches!(refused("2fast"), E::NotIdentifier { .. }));
        assert!(matches!(refused("Café"), E::NotIdentifier { .. }));
        assert!(matches!(refused(&"a".repeat(65)), E::TooLong { len: 65 }));
        assert!(FeatureName::parse(&"a".repeat(64)).is_ok());
    }
}
