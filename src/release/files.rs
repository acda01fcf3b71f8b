//! Rewriting the version in version files: a plain file holding just the version, or
//! one key of a TOML file, rewritten with `toml_edit` so formatting and comments stay.

use semver::Version;
use toml_edit::{DocumentMut, Item, Value};

/// `text` of a version file with the version replaced. `toml_key` (dotted, e.g.
/// `project.version`) selects the key of a TOML file; without it the whole file is the
/// version (its trailing newline, if any, is kept).
pub(super) fn with_version(
    text: &str,
    toml_key: Option<&str>,
    version: &Version,
) -> Result<String, String> {
    let Some(key) = toml_key else {
        let newline = if text.ends_with('\n') { "\n" } else { "" };
        return Ok(format!("{version}{newline}"));
    };
    let mut document: DocumentMut = text
        .parse()
        .map_err(|error| format!("not valid TOML: {error}"))?;
    let parts: Vec<&str> = key.split('.').collect();
    let (last, tables) = parts
        .split_last()
        .ok_or_else(|| "the toml_key is empty".to_owned())?;
    let mut item: &mut Item = document.as_item_mut();
    for part in tables {
        item = item
            .get_mut(part)
            .filter(|found| found.is_table_like())
            .ok_or_else(|| format!("has no `{key}` (no table `{part}`)"))?;
    }
    let item = item
        .get_mut(last)
        .ok_or_else(|| format!("has no `{key}`"))?;
    let Some(value) = item.as_value_mut() else {
        return Err(format!(
            "`{key}` is not a string (it is a table); point toml_key at the version string itself"
        ));
    };
    if !value.is_str() {
        return Err(format!(
            "`{key}` is not a string (it is {}); point toml_key at the version string itself",
            value.type_name()
        ));
    }
    let decor = value.decor().clone();
    let mut replacement = Value::from(version.to_string());
    *replacement.decor_mut() = decor;
    *value = replacement;
    Ok(document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The version currently held by a version file, for checks and messages.
    fn current_version(text: &str, toml_key: Option<&str>) -> Option<String> {
        let Some(key) = toml_key else {
            return Some(text.trim().to_owned());
        };
        let document: DocumentMut = text.parse().ok()?;
        let mut item: &Item = document.as_item();
        for part in key.split('.') {
            item = item.get(part)?;
        }
        item.as_str().map(str::to_owned)
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn plain_files_hold_just_the_version() {
        assert_eq!(
            with_version("1.0.0\n", None, &v("1.1.0")).unwrap(),
            "1.1.0\n"
        );
        assert_eq!(
            with_version("1.0.0", None, &v("2.0.0-rc.1")).unwrap(),
            "2.0.0-rc.1"
        );
    }

    #[test]
    fn toml_keys_are_rewritten_keeping_everything_else() {
        let text = "# Package\n[package]\nname = \"x\"\nversion   = \"0.1.0\"  # bumped by lancelot\nedition = \"2024\"\n\n[dependencies]\nserde = { version = \"1\" }\n";
        let updated = with_version(text, Some("package.version"), &v("0.2.0")).unwrap();
        assert_eq!(updated, text.replace("\"0.1.0\"", "\"0.2.0\""));
        assert_eq!(
            current_version(&updated, Some("package.version")).as_deref(),
            Some("0.2.0")
        );
    }

    #[test]
    fn missing_or_wrong_keys_are_refused() {
        assert!(
            with_version(
                "[project]\nname = \"x\"\n",
                Some("project.version"),
                &v("1.0.0")
            )
            .is_err()
        );
        assert!(with_version("[tool]\n", Some("project.version"), &v("1.0.0")).is_err());
        let error = with_version(
            "[package]\nversion.workspace = true\n",
            Some("package.version"),
            &v("1.0.0"),
        )
        .unwrap_err();
        assert!(error.contains("not a string"), "{error}");
        assert!(with_version("not = [toml", Some("a"), &v("1.0.0")).is_err());
    }
}
