//! The `lancelot.toml` that `init` writes into a repository that existed before
//! lancelot: the commented defaults, with the values found in the repository put in
//! their place (every comment kept, so the file still teaches every key).

use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

use super::{DEFAULT_TOML, VersionFile};

/// The values `init` chose for a repository; `None` or empty keeps the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adoption {
    /// `project.name`: the package's name.
    pub name: Option<String>,
    /// `paths.changelog`: the CHANGELOG already there.
    pub changelog: Option<String>,
    /// Where slice documents go when `docs/` holds a documentation site
    /// (`docs/slices`): specs, blueprints, architecture notes and runbooks beneath it.
    pub slices_root: Option<String>,
    /// `paths.modules`, `paths.unit_tests`, `paths.integration_tests`, `paths.module_ext`.
    pub layout: Option<AdoptedLayout>,
    /// `release.tag_prefix`.
    pub tag_prefix: Option<String>,
    /// `release.repository_url`.
    pub repository_url: Option<String>,
    /// `release.version_files`.
    pub version_files: Vec<VersionFile>,
    /// `freeze.baseline`: the history before lancelot.
    pub baseline: Option<String>,
    /// `paths.news_fragments`: towncrier's fragment folder.
    pub news_fragments: Option<String>,
}

/// Where owning modules and tests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptedLayout {
    /// `paths.modules`.
    pub modules: String,
    /// `paths.module_ext`.
    pub module_ext: String,
    /// `paths.unit_tests`.
    pub unit_tests: String,
    /// `paths.integration_tests`.
    pub integration_tests: String,
}

/// A file name part (`project.name`) made from a package name: characters other
/// than letters, digits, `-` and `.` become `-`; `None` when nothing is left.
pub fn name_part(package: &str) -> Option<String> {
    let name: String = package
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches(['-', '.']).to_owned();
    (!name.is_empty()).then_some(name)
}

impl Adoption {
    /// The configuration text: [`DEFAULT_TOML`] with these values in place.
    pub fn to_toml(&self) -> String {
        // Keys shown commented out in the defaults are uncommented where they stand.
        let mut text = DEFAULT_TOML.to_owned();
        if let Some(baseline) = &self.baseline {
            text = uncomment(&text, "baseline", baseline);
        }
        if let Some(url) = &self.repository_url {
            text = uncomment(&text, "repository_url", url);
        }
        if let Some(folder) = &self.news_fragments {
            text = uncomment(&text, "news_fragments", folder);
        }
        let Ok(mut document) = text.parse::<DocumentMut>() else {
            // The defaults are tested to parse; keep them rather than fail.
            return DEFAULT_TOML.to_owned();
        };
        let mut set = |table: &str, key: &str, value: Value| {
            if let Some(item) = document
                .get_mut(table)
                .and_then(|table| table.get_mut(key))
                .and_then(Item::as_value_mut)
            {
                let decor = item.decor().clone();
                *item = value;
                *item.decor_mut() = decor;
            }
        };
        if let Some(name) = self.name.as_deref().and_then(name_part) {
            set("project", "name", Value::from(name));
        }
        if let Some(changelog) = &self.changelog {
            set("paths", "changelog", Value::from(changelog.as_str()));
        }
        if let Some(root) = &self.slices_root {
            let root = root.trim_end_matches('/');
            for (key, folder) in [
                ("specs", "specs"),
                ("blueprints", "blueprints"),
                ("architecture", "architecture"),
                ("runbooks", "runbooks"),
            ] {
                set("paths", key, Value::from(format!("{root}/{folder}")));
            }
            let globs = [format!("{root}/specs/**"), format!("{root}/blueprints/**")];
            set("freeze", "paths", Value::Array(globs.iter().collect()));
        }
        if let Some(layout) = &self.layout {
            set("paths", "modules", Value::from(layout.modules.as_str()));
            set(
                "paths",
                "module_ext",
                Value::from(layout.module_ext.as_str()),
            );
            set(
                "paths",
                "unit_tests",
                Value::from(layout.unit_tests.as_str()),
            );
            set(
                "paths",
                "integration_tests",
                Value::from(layout.integration_tests.as_str()),
            );
        }
        if let Some(prefix) = &self.tag_prefix {
            set("release", "tag_prefix", Value::from(prefix.as_str()));
        }
        if !self.version_files.is_empty() {
            let mut files = Array::new();
            for file in &self.version_files {
                let mut entry = InlineTable::new();
                entry.insert("path", Value::from(file.path.as_str()));
                if let Some(key) = &file.toml_key {
                    entry.insert("toml_key", Value::from(key.as_str()));
                }
                if let Some(key) = &file.json_key {
                    entry.insert("json_key", Value::from(key.as_str()));
                }
                let mut entry = Value::InlineTable(entry);
                entry.decor_mut().set_prefix("\n  ");
                files.push_formatted(entry);
            }
            files.set_trailing("\n");
            files.set_trailing_comma(true);
            set("release", "version_files", Value::Array(files));
        }
        document.to_string()
    }
}

/// `text` with the commented-out example `# <key> = …` replaced by `<key> = <value>`.
fn uncomment(text: &str, key: &str, value: &str) -> String {
    let quoted = Value::from(value).to_string();
    let line = format!("{key} = {}", quoted.trim());
    let mut done = false;
    let mut out: Vec<String> = text
        .lines()
        .map(|current| {
            let example = current
                .strip_prefix("# ")
                .is_some_and(|rest| rest.starts_with(&format!("{key} = ")));
            if example && !done {
                done = true;
                line.clone()
            } else {
                current.to_owned()
            }
        })
        .collect();
    out.push(String::new());
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::fs::RelPath;

    #[test]
    fn the_defaults_stay_the_defaults() {
        let text = Adoption::default().to_toml();
        assert_eq!(Config::from_toml(&text, "t").unwrap(), Config::default());
    }

    #[test]
    fn found_values_replace_the_defaults_and_comments_stay() {
        let adoption = Adoption {
            name: Some("my_tool".into()),
            changelog: Some("CHANGELOG.md".into()),
            slices_root: Some("docs/slices".into()),
            layout: Some(AdoptedLayout {
                modules: "src".into(),
                module_ext: "rs".into(),
                unit_tests: "src".into(),
                integration_tests: "tests".into(),
            }),
            tag_prefix: Some(String::new()),
            repository_url: Some("https://github.com/o/r".into()),
            version_files: vec![
                VersionFile {
                    path: RelPath::parse("Cargo.toml").unwrap(),
                    toml_key: Some("package.version".into()),
                    json_key: None,
                },
                VersionFile {
                    path: RelPath::parse("package.json").unwrap(),
                    toml_key: None,
                    json_key: Some("version".into()),
                },
            ],
            baseline: Some("0123456789abcdef0123456789abcdef01234567".into()),
            news_fragments: Some("newsfragments".into()),
        };
        let text = adoption.to_toml();
        let config = Config::from_toml(&text, "t").unwrap();
        assert_eq!(config.project.name.as_str(), "my-tool");
        assert_eq!(config.paths.changelog.as_str(), "CHANGELOG.md");
        assert_eq!(config.paths.specs.as_str(), "docs/slices/specs");
        assert_eq!(config.paths.runbooks.as_str(), "docs/slices/runbooks");
        assert_eq!(
            config.freeze.paths,
            ["docs/slices/specs/**", "docs/slices/blueprints/**"]
        );
        assert_eq!(config.paths.module_ext.as_str(), "rs");
        assert_eq!(config.release.tag_prefix, "");
        assert_eq!(
            config.release.repository_url.as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(config.release.version_files, adoption.version_files);
        assert_eq!(
            config
                .paths
                .news_fragments
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("newsfragments")
        );
        assert_eq!(
            config.freeze.baseline.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert!(text.contains("# Reference: docs/config.md"));
        assert!(text.contains("# The history before the freeze"));
        assert!(
            text.contains("\n  { path = \"Cargo.toml\", toml_key = \"package.version\" },\n"),
            "{text}"
        );
    }

    #[test]
    fn hostile_values_stay_strings() {
        let adoption = Adoption {
            repository_url: Some("x\"\n[freeze]\nallow_override = true\n".into()),
            baseline: Some("v1\"\nallow_override = true #".into()),
            ..Adoption::default()
        };
        let config = Config::from_toml(&adoption.to_toml(), "t").unwrap();
        assert!(!config.freeze.allow_override);
        assert_eq!(
            config.freeze.baseline.as_deref(),
            Some("v1\"\nallow_override = true #")
        );
    }

    #[test]
    fn names_fit_a_file_name() {
        assert_eq!(name_part("@acme/app").as_deref(), Some("acme-app"));
        assert_eq!(name_part("pyo3").as_deref(), Some("pyo3"));
        assert_eq!(name_part("__"), None);
    }
}
