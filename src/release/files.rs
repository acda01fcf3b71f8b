//! Rewriting the version in version files, faithfully: a plain file holding just the
//! version, keys of a TOML file (`toml_edit`) or of a JSON file (`jsonc-parser`'s
//! concrete syntax tree), each rewritten in place so formatting and comments stay.
//! All the keys of one file are applied to one text, in one edit; a version written
//! with an operator (`=0.29.2`, `^1.4.0`) keeps it. `Cargo.lock` follows the crates
//! whose version changed.

use semver::Version;
use toml_edit::{DocumentMut, Item, Value};

/// Where the version is in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// The whole file is the version.
    Whole,
    /// A dotted key of a TOML file, e.g. `package.version`.
    Toml(String),
    /// A dotted key of a JSON file, e.g. `version`.
    Json(String),
}

/// `text` with the version at every one of `keys` replaced by `version`; the old
/// values in the order of `keys`.
pub(super) fn with_versions(
    text: &str,
    keys: &[Key],
    version: &Version,
) -> Result<(String, Vec<String>), String> {
    let mut text = text.to_owned();
    let mut old = Vec::new();
    for key in keys {
        let (updated, previous) = match key {
            Key::Whole if keys.len() > 1 => {
                return Err("a file that is the version cannot also have keys".into());
            }
            Key::Whole => whole(&text, version)?,
            Key::Toml(key) => toml(&text, key, version)?,
            Key::Json(key) => json(&text, key, version)?,
        };
        text = updated;
        old.push(previous);
    }
    Ok((text, old))
}

/// A whole-file version, keeping the white space around it (and a leading `v`).
/// Refused when the file holds anything else: rewriting it would lose that.
fn whole(text: &str, version: &Version) -> Result<(String, String), String> {
    let old = text.trim();
    let before = &text[..text.len() - text.trim_start().len()];
    let after = &text[text.trim_end().len()..];
    if old.is_empty() {
        return Ok((format!("{before}{version}{after}"), String::new()));
    }
    let first_line = old.lines().next().unwrap_or_default();
    let replaced = replaced(old, version, "the file")
        .ok()
        .filter(|_| !old.contains(char::is_whitespace));
    match replaced {
        Some(new) => Ok((format!("{before}{new}{after}"), old.to_owned())),
        None => Err(format!(
            "it holds more than a version (it starts `{}`), and a plain version file is rewritten whole: name where the version is with toml_key (e.g. \"project.version\") or json_key (e.g. \"version\")",
            first_line.chars().take(40).collect::<String>()
        )),
    }
}

/// `old` with its version replaced by `version`, keeping an operator in front of it
/// (`=0.29.2` → `=0.30.0`); refused when `old` is no version at all.
fn replaced(old: &str, version: &Version, key: &str) -> Result<String, String> {
    let trimmed = old.trim();
    let operator_end = trimmed
        .find(|c: char| c.is_ascii_digit())
        .ok_or_else(|| format!("`{key}` holds `{old}`, which is not a version"))?;
    let (operator, rest) = trimmed.split_at(operator_end);
    let known_operator = matches!(
        operator.trim(),
        "" | "=" | "^" | "~" | ">=" | "<=" | ">" | "<" | "v"
    );
    let looks_like_a_version = rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if !known_operator || !looks_like_a_version {
        return Err(format!(
            "`{key}` holds `{old}`, which is not a version lancelot can rewrite"
        ));
    }
    Ok(format!("{operator}{version}"))
}

/// The TOML key `key` rewritten (`toml_edit` keeps every other byte).
fn toml(text: &str, key: &str, version: &Version) -> Result<(String, String), String> {
    let mut document: DocumentMut = text
        .parse()
        .map_err(|error| format!("not valid TOML: {error}"))?;
    let parts: Vec<&str> = key.split('.').collect();
    let (last, tables) = parts
        .split_last()
        .ok_or_else(|| "the toml_key is empty".to_owned())?;
    let dynamic = key == "project.version"
        && document
            .get("project")
            .and_then(|project| project.get("dynamic"))
            .and_then(Item::as_array)
            .is_some_and(|names| names.iter().any(|name| name.as_str() == Some("version")));
    if dynamic {
        return Err(
            "has no `project.version`: the version is dynamic (`project.dynamic` lists it), set by the build backend; drop this version file, or name the file the backend reads it from".into(),
        );
    }
    let mut item: &mut Item = document.as_item_mut();
    for part in tables {
        item = item
            .get_mut(part)
            .filter(|found| found.is_table_like())
            .ok_or_else(|| format!("has no `{key}` (no table `{part}`)"))?;
    }
    let item = item
        .get_mut(last)
        .filter(|found| !found.is_none())
        .ok_or_else(|| format!("has no `{key}`"))?;
    let Some(value) = item.as_value_mut() else {
        return Err(format!(
            "`{key}` is not a string (it is {}); point toml_key at the version string itself",
            with_article(item.type_name())
        ));
    };
    let Some(old) = value.as_str().map(str::to_owned) else {
        return Err(format!(
            "`{key}` is not a string (it is {}); point toml_key at the version string itself",
            with_article(value.type_name())
        ));
    };
    let decor = value.decor().clone();
    let mut replacement = Value::from(replaced(&old, version, key)?);
    *replacement.decor_mut() = decor;
    *value = replacement;
    Ok((document.to_string(), old))
}

/// `an integer`, `a table`.
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// The JSON key `key` rewritten in place (comments, order and spacing kept).
fn json(text: &str, key: &str, version: &Version) -> Result<(String, String), String> {
    use jsonc_parser::cst::{CstInputValue, CstRootNode};
    let root = CstRootNode::parse(text, &jsonc_parser::ParseOptions::default())
        .map_err(|error| format!("not valid JSON: {error}"))?;
    let parts: Vec<&str> = key.split('.').collect();
    let (last, objects) = parts
        .split_last()
        .ok_or_else(|| "the json_key is empty".to_owned())?;
    let mut object = root
        .object_value()
        .ok_or_else(|| "is not a JSON object".to_owned())?;
    for part in objects {
        object = object
            .object_value(part)
            .ok_or_else(|| format!("has no `{key}` (no object `{part}`)"))?;
    }
    let property = object.get(last).ok_or_else(|| format!("has no `{key}`"))?;
    let old = property
        .value()
        .and_then(|value| value.as_string_lit())
        .and_then(|literal| literal.decoded_value().ok())
        .ok_or_else(|| format!("`{key}` is not a string"))?;
    property.set_value(CstInputValue::String(replaced(&old, version, key)?));
    Ok((root.to_string(), old))
}

/// `Cargo.lock` with the version of each package named in `crates` (the workspace's
/// own crates: no `source`) set to `version`; `None` when nothing changes.
pub(super) fn cargo_lock(
    text: &str,
    crates: &[String],
    version: &Version,
) -> Result<Option<String>, String> {
    let mut document: DocumentMut = text
        .parse()
        .map_err(|error| format!("not valid TOML: {error}"))?;
    let Some(packages) = document
        .get_mut("package")
        .and_then(Item::as_array_of_tables_mut)
    else {
        return Ok(None);
    };
    let mut changed = false;
    for package in packages.iter_mut() {
        let ours = package.get("source").is_none()
            && package
                .get("name")
                .and_then(Item::as_str)
                .is_some_and(|name| crates.iter().any(|wanted| wanted == name));
        if !ours {
            continue;
        }
        if let Some(value) = package.get_mut("version").and_then(Item::as_value_mut) {
            let decor = value.decor().clone();
            let mut replacement = Value::from(version.to_string());
            *replacement.decor_mut() = decor;
            *value = replacement;
            changed = true;
        }
    }
    Ok(changed.then(|| document.to_string()))
}

/// The crates of a `Cargo.lock` with no `source` (the workspace's own) whose version is
/// `version`: the members that inherit a workspace version.
pub(super) fn workspace_crates_at(text: &str, version: &str) -> Vec<String> {
    let Ok(document) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    document
        .get("package")
        .and_then(Item::as_array_of_tables)
        .map(|packages| {
            packages
                .iter()
                .filter(|package| package.get("source").is_none())
                .filter(|package| package.get("version").and_then(Item::as_str) == Some(version))
                .filter_map(|package| package.get("name").and_then(Item::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `package.name` of a `Cargo.toml`.
pub(super) fn cargo_package_name(text: &str) -> Option<String> {
    let document: DocumentMut = text.parse().ok()?;
    document
        .get("package")?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn toml_keys(keys: &[&str]) -> Vec<Key> {
        keys.iter().map(|key| Key::Toml((*key).into())).collect()
    }

    #[test]
    fn plain_files_hold_just_the_version() {
        assert_eq!(
            with_versions("1.0.0\n", &[Key::Whole], &v("1.1.0"))
                .unwrap()
                .0,
            "1.1.0\n"
        );
        assert_eq!(
            with_versions("1.0.0", &[Key::Whole], &v("2.0.0-rc.1"))
                .unwrap()
                .0,
            "2.0.0-rc.1"
        );
        assert_eq!(
            with_versions("\r\nv1.0.0\r\n", &[Key::Whole], &v("1.1.0"))
                .unwrap()
                .0,
            "\r\nv1.1.0\r\n"
        );
        assert_eq!(
            with_versions("", &[Key::Whole], &v("0.1.0")).unwrap().0,
            "0.1.0"
        );
        // Anything else would be lost: refused.
        for text in [
            "[project]\nname = \"x\"\n",
            "1.0.0\nbuilt by ci\n",
            "version: 1.0.0\n",
            "1.0.0 beta",
        ] {
            let refused = with_versions(text, &[Key::Whole], &v("1.1.0")).unwrap_err();
            assert!(refused.contains("holds more than a version"), "{refused}");
        }
    }

    #[test]
    fn toml_keys_are_rewritten_keeping_everything_else() {
        let text = "# Package\n[package]\nname = \"x\"\nversion   = \"0.1.0\"  # bumped by lancelot\nedition = \"2024\"\n\n[dependencies]\nserde = { version = \"1\" }\n";
        let (updated, old) =
            with_versions(text, &toml_keys(&["package.version"]), &v("0.2.0")).unwrap();
        assert_eq!(updated, text.replace("\"0.1.0\"", "\"0.2.0\""));
        assert_eq!(old, ["0.1.0"]);
    }

    #[test]
    fn every_key_of_one_file_is_kept_and_pins_stay_pins() {
        let text = "[package]\nname = \"pyo3\"\nversion = \"0.29.2\"\n\n[dependencies]\npyo3-ffi = { path = \"pyo3-ffi\", version = \"=0.29.2\" }\npyo3-macros = { version = \"^0.29.2\", optional = true }\n";
        let keys = toml_keys(&[
            "package.version",
            "dependencies.pyo3-ffi.version",
            "dependencies.pyo3-macros.version",
        ]);
        let (updated, _) = with_versions(text, &keys, &v("0.30.0")).unwrap();
        assert!(updated.contains("version = \"0.30.0\"\n"), "{updated}");
        assert!(updated.contains("version = \"=0.30.0\""), "{updated}");
        assert!(updated.contains("version = \"^0.30.0\""), "{updated}");
        assert!(!updated.contains("0.29.2"), "{updated}");
    }

    #[test]
    fn json_keys_are_rewritten_in_place() {
        let text = "{\n  // the app\n  \"name\": \"app\",\n  \"version\": \"1.2.3\",\n  \"nested\": { \"version\": \"1.2.3\" }\n}\n";
        let keys = [Key::Json("version".into())];
        let (updated, old) = with_versions(text, &keys, &v("1.3.0")).unwrap();
        assert_eq!(updated, text.replacen("\"1.2.3\"", "\"1.3.0\"", 1));
        assert_eq!(old, ["1.2.3"]);
        let keys = [Key::Json("nested.version".into())];
        assert!(
            with_versions(text, &keys, &v("1.3.0"))
                .unwrap()
                .0
                .contains("{ \"version\": \"1.3.0\" }")
        );
        assert!(with_versions("[1]", &[Key::Json("version".into())], &v("1.0.0")).is_err());
    }

    #[test]
    fn missing_or_wrong_keys_are_refused() {
        let missing = with_versions(
            "[project]\nname = \"x\"\n",
            &toml_keys(&["project.version"]),
            &v("1.0.0"),
        );
        assert!(missing.is_err());
        assert!(with_versions("[tool]\n", &toml_keys(&["project.version"]), &v("1.0.0")).is_err());
        let error = with_versions(
            "[package]\nversion.workspace = true\n",
            &toml_keys(&["package.version"]),
            &v("1.0.0"),
        )
        .unwrap_err();
        assert!(error.contains("not a string"), "{error}");
        assert!(with_versions("not = [toml", &toml_keys(&["a"]), &v("1.0.0")).is_err());
        let not_a_version = with_versions(
            "[p]\nv = \"workspace\"\n",
            &toml_keys(&["p.v"]),
            &v("1.0.0"),
        );
        assert!(not_a_version.unwrap_err().contains("not a version"));
    }

    #[test]
    fn the_lock_file_follows_the_workspace_crates() {
        let lock = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"serde\"\nversion = \"0.1.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"app-core\"\nversion = \"0.1.0\"\n";
        assert_eq!(workspace_crates_at(lock, "0.1.0"), ["app", "app-core"]);
        let updated = cargo_lock(lock, &["app".into(), "app-core".into()], &v("0.2.0"))
            .unwrap()
            .unwrap();
        assert_eq!(
            updated.matches("version = \"0.2.0\"").count(),
            2,
            "{updated}"
        );
        assert!(
            updated.contains("name = \"serde\"\nversion = \"0.1.0\""),
            "{updated}"
        );
        assert_eq!(
            cargo_lock(lock, &["other".into()], &v("0.2.0")).unwrap(),
            None
        );
    }
}
