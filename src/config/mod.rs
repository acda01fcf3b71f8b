//! `lancelot.toml`: the project's naming and folder conventions.
//!
//! Every key has a default, so a repository without the file works. Unknown keys are
//! an error naming the key and the file: a typo must never fall back to a default
//! silently. Each capability owns one table (`[project]`, `[paths]`, and later
//! `[freeze]`, `[release]`), all parsed here so the rules live in one place.

mod adopt;

pub use adopt::{AdoptedLayout, Adoption, name_part};

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::fs::{CONFIG_LIMIT, FsError, RelPath, Root, read_named_file};

/// The file name lancelot reads at the repository root.
pub const CONFIG_FILE: &str = "lancelot.toml";

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Names used in generated file names.
    pub project: ProjectConfig,
    /// Where each artifact of a slice lives.
    pub paths: PathsConfig,
    /// Which documents are frozen and which changes to them are allowed.
    pub freeze: FreezeConfig,
    /// How releases are cut.
    pub release: ReleaseConfig,
    /// Where else slices are looked for.
    pub slices: SlicesConfig,
    /// When a slice's status has drifted from what shipped.
    pub lifecycle: LifecycleConfig,
    /// How each lint rule counts.
    pub lint: LintConfig,
    /// How long a flag may outlive its slice.
    pub flags: FlagsConfig,
}

/// `[flags]`: when a flag whose slice shipped is stale.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FlagsConfig {
    /// Days after the release that shipped a Done slice before `lint` reports its
    /// flag as stale (the gate can go).
    pub max_age_days: u32,
}

impl Default for FlagsConfig {
    fn default() -> Self {
        FlagsConfig { max_age_days: 40 }
    }
}

/// `[lint]`: rule ids (see `docs/lint.md`) whose findings are dropped (`allow`),
/// fail `lint` (`deny`) or are only reported (`warn`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LintConfig {
    /// Rules not checked.
    pub allow: Vec<String>,
    /// Rules whose findings fail `lint`.
    pub deny: Vec<String>,
    /// Rules whose findings are reported without failing `lint`.
    pub warn: Vec<String>,
}

/// `[lifecycle]`: how long shipped work may stay In Progress.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LifecycleConfig {
    /// Days a slice may stay In Progress after the release that shipped its entry,
    /// before `lint` reports it.
    pub max_in_progress_after_release: u32,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            max_in_progress_after_release: 30,
        }
    }
}

/// `[slices]`: the other branches whose slices a new one must not collide with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SlicesConfig {
    /// Ref patterns (`*` matches within a path part, `**` across) whose tips are read
    /// for slices created there: the local branches and the remote-tracking ones.
    pub branches: Vec<String>,
}

impl Default for SlicesConfig {
    fn default() -> Self {
        SlicesConfig {
            branches: vec!["refs/heads/**".into(), "refs/remotes/**".into()],
        }
    }
}

/// `[project]`: the prefix and generation label of spec and blueprint file names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectConfig {
    /// File-name prefix, e.g. `Lancelot` in `Lancelot_vNext2_Spec_X.md`.
    pub name: NamePart,
    /// Generation label, e.g. `vNext2`.
    pub generation: NamePart,
}

impl Default for ProjectConfig {
    fn default() -> Self {
        ProjectConfig {
            name: NamePart("Lancelot".into()),
            generation: NamePart("vNext2".into()),
        }
    }
}

/// `[paths]`: repository-relative folders and files of a slice's artifacts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PathsConfig {
    /// Folder of specs.
    pub specs: RelPath,
    /// Folder of blueprints.
    pub blueprints: RelPath,
    /// Folder of architecture notes.
    pub architecture: RelPath,
    /// Folder of runbooks.
    pub runbooks: RelPath,
    /// The CHANGELOG file.
    pub changelog: RelPath,
    /// The env file that declares every `FEATURE_*` flag.
    pub env_file: RelPath,
    /// Folder of owning modules.
    pub modules: RelPath,
    /// Extension of owning modules and their tests (without the dot).
    pub module_ext: Extension,
    /// Folder of unit tests.
    pub unit_tests: RelPath,
    /// Folder of integration tests.
    pub integration_tests: RelPath,
    /// Folder whose `*.tera` files replace the built-in templates.
    pub templates: RelPath,
    /// towncrier's news fragment folder, when towncrier builds the CHANGELOG: a new
    /// slice writes its entry there as `+<feature>.added.md`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub news_fragments: Option<RelPath>,
}

impl Default for PathsConfig {
    fn default() -> Self {
        let path = RelPath::from_static;
        PathsConfig {
            specs: path("docs/specs"),
            blueprints: path("docs/blueprints"),
            architecture: path("docs/architecture"),
            runbooks: path("docs/operations/runbooks"),
            changelog: path("docs/CHANGELOG.md"),
            env_file: path(".env.example"),
            modules: path("src/core"),
            module_ext: Extension("py".into()),
            unit_tests: path("tests/unit"),
            integration_tests: path("tests/integration"),
            templates: path(".lancelot/templates"),
            news_fragments: None,
        }
    }
}

/// `[freeze]`: the rule that keeps In Progress specs and blueprints unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FreezeConfig {
    /// Globs over repository-relative paths: `*` stops at `/`, `**` crosses folders.
    pub paths: Vec<String>,
    /// The header field holding a document's status.
    pub status_field: String,
    /// Where in a document its status is read.
    pub status_in: StatusIn,
    /// Statuses that freeze a document.
    pub frozen: Vec<String>,
    /// Status changes allowed on a frozen document (nothing else may change).
    pub transitions: Vec<Transition>,
    /// Header fields an allowed transition may change besides nothing else.
    pub mutable_fields: Vec<String>,
    /// Whether `git push -o lancelot-override=<reason>` may push past a refusal.
    pub allow_override: bool,
    /// Globs over ref names (`*` crosses `/`) whose commits a server has already
    /// judged: only commits reachable from them before a push are not checked again.
    pub known_refs: Vec<String>,
    /// Who may override (names as the server authenticates pushers); empty: anyone,
    /// when `allow_override` is on.
    pub override_allow: Vec<String>,
    /// A commit or tag whose history came before the freeze: the commits it reaches
    /// are not judged (a repository adopting lancelot with years of history).
    pub baseline: Option<String>,
}

/// Where in a document the freeze reads its status.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum StatusIn {
    /// Anywhere a reader may see it: every line, the front matter, the rendering.
    #[default]
    Document,
    /// In the document's header only: its front matter, or else its first block of
    /// lines (an RFC 822 preamble, `Status: Final`, as Python's PEPs have). A status
    /// line further down is text about a status, not the document's.
    Header,
}

/// An allowed status change of a frozen document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The status before.
    pub from: String,
    /// The status after.
    pub to: String,
}

impl Default for FreezeConfig {
    fn default() -> Self {
        let transition = |from: &str, to: &str| Transition {
            from: from.into(),
            to: to.into(),
        };
        FreezeConfig {
            paths: vec!["docs/specs/**".into(), "docs/blueprints/**".into()],
            status_field: "Status".into(),
            status_in: StatusIn::Document,
            frozen: vec!["In Progress".into(), "Done".into(), "Superseded".into()],
            transitions: vec![
                transition("In Progress", "Done"),
                transition("In Progress", "Superseded"),
                transition("Done", "Superseded"),
            ],
            mutable_fields: vec!["Status".into(), "Superseded by".into()],
            allow_override: false,
            known_refs: vec!["refs/heads/*".into(), "refs/tags/*".into()],
            override_allow: Vec::new(),
            baseline: None,
        }
    }
}

/// `[release]`: tags, version files and links of `lancelot release`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReleaseConfig {
    /// Prefix of release tags: `v` gives `v1.2.0`.
    pub tag_prefix: String,
    /// Files that hold the version, rewritten by each release.
    pub version_files: Vec<VersionFile>,
    /// Base URL of the repository's web pages, for CHANGELOG compare links
    /// (`<url>/compare/v1.0.0...v1.1.0`); no links are written without it.
    pub repository_url: Option<String>,
}

impl Default for ReleaseConfig {
    fn default() -> Self {
        ReleaseConfig {
            tag_prefix: "v".into(),
            version_files: Vec::new(),
            repository_url: None,
        }
    }
}

/// A file holding the version: a plain file holding just the version, a TOML file
/// with the version at `toml_key` (a dotted path such as `package.version`), or a JSON
/// file with it at `json_key`. One file may be listed once per key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionFile {
    /// The file, relative to the repository root.
    pub path: RelPath,
    /// The dotted key of the version in a TOML file.
    pub toml_key: Option<String>,
    /// The dotted key of the version in a JSON file (`package.json`: `version`).
    pub json_key: Option<String>,
}

impl VersionFile {
    /// Where the version is in the file; both keys at once is an error.
    pub fn key(&self) -> Result<crate::release::Key, String> {
        use crate::release::Key;
        match (&self.toml_key, &self.json_key) {
            (None, None) => Ok(Key::Whole),
            (Some(key), None) => Ok(Key::Toml(key.clone())),
            (None, Some(key)) => Ok(Key::Json(key.clone())),
            (Some(_), Some(_)) => Err("give toml_key or json_key, not both".into()),
        }
    }
}

/// The commented default configuration that `lancelot init` writes.
pub const DEFAULT_TOML: &str = include_str!("../../templates/lancelot.toml");

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {}", crate::ui::safe(&path.display().to_string()))]
    Read {
        /// The configuration file named.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: FsError,
    },
    /// The file is not valid TOML or has unknown keys or invalid values.
    #[error("invalid configuration in {origin}: {message}")]
    Parse {
        /// Where the text came from (a path, or a path in a commit).
        origin: String,
        /// The parser's message, naming the key and line.
        message: String,
    },
}

impl ConfigError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Read { source, .. } => source.hint().or_else(|| {
                Some(
                    "check the path given to --config, or remove the option to use lancelot.toml"
                        .into(),
                )
            }),
            ConfigError::Parse { .. } => Some(
                "fix the key or value named above; `lancelot guide config` lists every key and its default"
                    .into(),
            ),
        }
    }
}

impl Config {
    /// Parses configuration text; `origin` names its source in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|error| ConfigError::Parse {
            origin: origin.to_owned(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        // A misspelt rule id would silently do nothing.
        let lint = &config.lint;
        for (key, ids) in [
            ("allow", &lint.allow),
            ("deny", &lint.deny),
            ("warn", &lint.warn),
        ] {
            if let Some(unknown) = ids.iter().find(|id| {
                !crate::lifecycle::lint::RULES
                    .iter()
                    .any(|rule| rule.id == *id)
            }) {
                return Err(ConfigError::Parse {
                    origin: origin.to_owned(),
                    message: format!(
                        "[lint] {key}: `{unknown}` is not a lint rule (`lancelot guide lint` lists them)"
                    ),
                });
            }
        }
        Ok(config)
    }

    /// Loads the configuration for the work tree `root`.
    ///
    /// `explicit` (from `--config`) wins; otherwise `lancelot.toml` at the root is read
    /// when present (never through a symbolic link), and the defaults are used when it
    /// is not. Returns the file read.
    pub fn load(
        root: &Root,
        explicit: Option<&Path>,
    ) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let Some((text, path)) = Config::source(root, explicit)? else {
            return Ok((Config::default(), None));
        };
        let config = Config::from_toml(&text, &path.display().to_string())?;
        Ok((config, Some(path)))
    }

    /// The text of the configuration file [`load`](Config::load) reads, and its path;
    /// `None` when the defaults are in force.
    pub fn source(
        root: &Root,
        explicit: Option<&Path>,
    ) -> Result<Option<(String, PathBuf)>, ConfigError> {
        if let Some(path) = explicit {
            return Ok(Some((Config::read_named(path)?, path.to_path_buf())));
        }
        let file = RelPath::config_file();
        let path = file.under(root.path());
        let read = root
            .read_text(&file, CONFIG_LIMIT)
            .map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
        Ok(read.map(|text| (text, path)))
    }

    /// Reads a configuration file named by the user or the server's administrator.
    pub fn read_named(path: &Path) -> Result<String, ConfigError> {
        read_named_file(path, CONFIG_LIMIT).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Loads a configuration file named by the user or the server's administrator.
    pub fn load_named(path: &Path) -> Result<Config, ConfigError> {
        Config::from_toml(&Config::read_named(path)?, &path.display().to_string())
    }
}

impl Config {
    /// Loads the configuration committed in `tree` (its root `lancelot.toml`), or the
    /// defaults when the tree has none. `origin` names the tree in error messages.
    pub fn from_tree(
        repo: &git2::Repository,
        tree: &git2::Tree<'_>,
        origin: &str,
    ) -> Result<Config, ConfigError> {
        let Some(entry) = tree.get_name(CONFIG_FILE) else {
            return Ok(Config::default());
        };
        let origin = format!("{CONFIG_FILE} at {origin}");
        let unreadable = |message: String| ConfigError::Parse {
            origin: origin.clone(),
            message,
        };
        let regular = matches!(entry.filemode(), 0o100644 | 0o100755);
        if !regular {
            return Err(unreadable("not a regular file (a link or a folder)".into()));
        }
        let too_large = repo
            .odb()
            .and_then(|odb| odb.read_header(entry.id()))
            .map_or(true, |(size, _)| size as u64 > CONFIG_LIMIT);
        if too_large {
            return Err(unreadable(format!(
                "unreadable or larger than {CONFIG_LIMIT} bytes"
            )));
        }
        let blob = entry
            .to_object(repo)
            .and_then(|object| object.peel_to_blob())
            .map_err(|error| unreadable(format!("not a readable file ({})", error.message())))?;
        let text =
            std::str::from_utf8(blob.content()).map_err(|_| unreadable("not UTF-8 text".into()))?;
        Config::from_toml(text, &origin)
    }
}

/// A piece of a file name (project name, generation label): letters, digits, `-`, `.`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NamePart(String);

impl NamePart {
    /// The name part as written in file names.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NamePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for NamePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let valid = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if valid {
            Ok(NamePart(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` cannot be part of a file name: use letters, digits, `-` or `.`"
            )))
        }
    }
}

/// A file extension without the dot, e.g. `py`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Extension(String);

impl Extension {
    /// The extension without the dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Extension {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let ext = text.strip_prefix('.').unwrap_or(&text);
        if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Extension(ext.to_owned()))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a file extension: use letters and digits, like `py`"
            )))
        }
    }
}

/// A string in the schema, with what it must be.
fn string_schema(description: &str) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "description": description })
}

impl schemars::JsonSchema for NamePart {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NamePart".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        string_schema("a part of the spec and blueprint file names, letters and digits")
    }
}

impl schemars::JsonSchema for Extension {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Extension".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        string_schema("a file extension without its dot, e.g. py or rs")
    }
}

impl schemars::JsonSchema for Transition {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Transition".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "an allowed status change: { from = \"In Progress\", to = \"Done\" } or [\"In Progress\", \"Done\"]",
            "anyOf": [
                {
                    "type": "object",
                    "properties": { "from": { "type": "string" }, "to": { "type": "string" } },
                    "required": ["from", "to"],
                    "additionalProperties": false
                },
                { "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_file() {
        let parsed = Config::from_toml(DEFAULT_TOML, "default").unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(Config::from_toml("", "x").unwrap(), Config::default());
    }

    #[test]
    fn partial_tables_keep_other_defaults() {
        let config = Config::from_toml("[paths]\nspecs = \"specs/\"\n", "x").unwrap();
        assert_eq!(config.paths.specs.as_str(), "specs");
        assert_eq!(config.paths.blueprints.as_str(), "docs/blueprints");
    }

    #[test]
    fn unknown_keys_name_the_key_and_the_file() {
        let error = Config::from_toml("[paths]\nspecz = \"x\"\n", "lancelot.toml").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("specz"), "{message}");
        assert!(message.contains("lancelot.toml"), "{message}");
    }

    #[test]
    fn unknown_tables_are_refused() {
        let error = Config::from_toml("[projekt]\nname = \"x\"\n", "f").unwrap_err();
        assert!(error.to_string().contains("projekt"));
    }

    #[test]
    fn project_names_must_fit_in_a_file_name() {
        assert!(Config::from_toml("[project]\nname = \"a/b\"\n", "f").is_err());
        assert!(Config::from_toml("[project]\nname = \"\"\n", "f").is_err());
        assert!(Config::from_toml("[project]\ngeneration = \"v3.1-beta\"\n", "f").is_ok());
    }

    #[test]
    fn links_are_relative_to_the_linking_file() {
        let spec = RelPath::parse("docs/specs/A.md").unwrap();
        let from = |p: &str| spec.link_from(&RelPath::parse(p).unwrap());
        assert_eq!(from("docs/CHANGELOG.md"), "specs/A.md");
        assert_eq!(from("docs/blueprints/B.md"), "../specs/A.md");
        assert_eq!(from("docs/specs/C.md"), "A.md");
        assert_eq!(from("README.md"), "docs/specs/A.md");
        assert_eq!(from("docs/operations/runbooks/a.md"), "../../specs/A.md");
    }

    #[test]
    fn module_ext_accepts_a_leading_dot() {
        let config = Config::from_toml("[paths]\nmodule_ext = \".rs\"\n", "f").unwrap();
        assert_eq!(config.paths.module_ext.as_str(), "rs");
    }
}
