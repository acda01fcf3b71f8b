//! What a project's manifests say: `Cargo.toml` (and its workspace members),
//! `pyproject.toml`, `package.json`, `go.mod` and a `VERSION` file give the language,
//! the package name, the repository's web address and the files that carry the version.

use semver::Version;
use toml::{Table, Value};

use crate::config::VersionFile;
use crate::fs::RelPath;

use super::Source;

/// The languages lancelot has built-in module templates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// A Cargo package or workspace.
    Rust,
    /// A Python package.
    Python,
    /// A `package.json` project with TypeScript.
    TypeScript,
    /// A `package.json` project without TypeScript.
    JavaScript,
    /// A Go module.
    Go,
}

impl Language {
    /// The language's name as shown.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "Rust",
            Language::Python => "Python",
            Language::TypeScript => "TypeScript",
            Language::JavaScript => "JavaScript",
            Language::Go => "Go",
        }
    }

    /// The extension of its source files, which picks the built-in module templates.
    pub fn module_ext(self) -> &'static str {
        match self {
            Language::Rust => "rs",
            Language::Python => "py",
            Language::TypeScript => "ts",
            Language::JavaScript => "js",
            Language::Go => "go",
        }
    }
}

/// Where a slice's owning module and its tests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The folder of owning modules.
    pub modules: String,
    /// The folder of unit tests.
    pub unit_tests: String,
    /// The folder of integration tests.
    pub integration_tests: String,
}

/// What the manifests say.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    /// The language, when a manifest names one.
    pub language: Option<Language>,
    /// The manifest the language came from.
    pub language_source: String,
    /// Where modules and tests go for that language.
    pub layout: Option<Layout>,
    /// The package's name.
    pub name: Option<String>,
    /// The version the manifests hold.
    pub version: Option<String>,
    /// Repository base URLs the manifests name, with the key each came from.
    pub urls: Vec<(String, String)>,
    /// The files and keys holding the version, with why each is one.
    pub version_files: Vec<(VersionFile, String)>,
    /// Files holding a version that is not the project's, left out (path, why).
    pub left_out: Vec<(String, String)>,
}

impl Manifests {
    /// Reads the manifests at the root of `files` (and the members of a Cargo workspace).
    pub fn read(files: &dyn Source) -> Manifests {
        let mut found = Manifests::default();
        if let Some(text) = files.text("Cargo.toml") {
            found.cargo(files, &text);
        }
        if let Some(text) = files.text("pyproject.toml") {
            found.pyproject(files, &text);
        }
        if let Some(text) = files.text("package.json") {
            found.package_json(files, &text);
        }
        if let Some(text) = files.text("go.mod") {
            found.go_mod(&text);
        }
        if let Some(text) = files.text("VERSION") {
            let version = text.trim();
            if Version::parse(version.trim_start_matches('v')).is_ok() {
                found.add_version("VERSION", None, None, version, "holds the version alone");
            }
        }
        if found.language.is_none() && (files.present("setup.py") || files.present("setup.cfg")) {
            found.set_language(Language::Python, "setup.py", python_layout(files, None));
        }
        found
    }

    fn set_language(&mut self, language: Language, source: &str, layout: Layout) {
        if self.language.is_none() {
            self.language = Some(language);
            self.language_source = source.to_owned();
            self.layout = Some(layout);
        }
    }

    fn set_name(&mut self, name: Option<&str>) {
        if self.name.is_none() {
            self.name = name.map(str::to_owned);
        }
    }

    fn add_url(&mut self, url: Option<&str>, source: String) {
        if let Some(url) = url.and_then(repository_base_url) {
            self.urls.push((url, source));
        }
    }

    /// Records a version file, the first version seen being the project's: a file
    /// holding another version is left out (it is released on its own).
    fn add_version(
        &mut self,
        path: &str,
        toml_key: Option<&str>,
        json_key: Option<&str>,
        version: &str,
        why: &str,
    ) {
        let Ok(rel) = RelPath::parse(path) else {
            return;
        };
        let key = toml_key
            .or(json_key)
            .map(|key| format!(" {key}"))
            .unwrap_or_default();
        let bare = bare_version(version);
        match &self.version {
            Some(project) if bare_version(project) != bare => {
                self.left_out.push((
                    format!("{path}{key}"),
                    format!("holds {version}, not the project's {project}"),
                ));
                return;
            }
            Some(_) => {}
            None => self.version = Some(bare.to_owned()),
        }
        self.version_files.push((
            VersionFile {
                path: rel,
                toml_key: toml_key.map(str::to_owned),
                json_key: json_key.map(str::to_owned),
            },
            why.to_owned(),
        ));
    }

    fn cargo(&mut self, files: &dyn Source, text: &str) {
        let Ok(root) = text.parse::<Table>() else {
            return;
        };
        let workspace = root.get("workspace").and_then(Value::as_table);
        if let Some(version) = workspace
            .and_then(|workspace| lookup(workspace, &["package", "version"]))
            .and_then(Value::as_str)
        {
            self.add_version(
                "Cargo.toml",
                Some("workspace.package.version"),
                None,
                version,
                "the version the workspace's crates inherit",
            );
        }
        let crates = cargo_crates(files, &root);
        for (folder, manifest) in &crates {
            if let Some(version) = lookup(manifest, &["package", "version"]).and_then(Value::as_str)
            {
                let path = manifest_path(folder);
                self.add_version(
                    &path,
                    Some("package.version"),
                    None,
                    version,
                    "the crate's version",
                );
            }
        }
        self.cargo_pins(&crates, workspace);
        // The crate the project is named after: the root's package, else the member
        // with the shortest name (`git-cliff` rather than `git-cliff-core`).
        let main = if root.contains_key("package") {
            crates.first()
        } else {
            crates.iter().min_by_key(|(_, manifest)| {
                lookup(manifest, &["package", "name"])
                    .and_then(Value::as_str)
                    .map_or(usize::MAX, str::len)
            })
        };
        let (folder, manifest) = main.map_or(("", None), |(folder, manifest)| {
            (folder.as_str(), Some(manifest))
        });
        let field = |key: &str| {
            manifest
                .and_then(|m| lookup(m, &["package", key]))
                .and_then(Value::as_str)
        };
        self.set_name(field("name"));
        self.add_url(
            field("repository"),
            format!("{} package.repository", manifest_path(folder)),
        );
        let shared = lookup(&root, &["workspace", "package", "repository"]).and_then(Value::as_str);
        self.add_url(shared, "Cargo.toml workspace.package.repository".to_owned());
        let under = |sub: &str| {
            if folder.is_empty() {
                sub.to_owned()
            } else {
                format!("{folder}/{sub}")
            }
        };
        self.set_language(
            Language::Rust,
            "Cargo.toml",
            Layout {
                modules: under("src"),
                unit_tests: under("src"),
                integration_tests: under("tests"),
            },
        );
    }

    /// Internal dependencies pinned to a version (in a crate's or the workspace's
    /// dependency tables): the pin moves with the release.
    fn cargo_pins(&mut self, crates: &[(String, Table)], workspace: Option<&Table>) {
        let names: Vec<&str> = crates
            .iter()
            .filter_map(|(_, manifest)| lookup(manifest, &["package", "name"]))
            .filter_map(Value::as_str)
            .collect();
        let mut tables: Vec<(String, &str, Option<&Value>)> = Vec::new();
        for (folder, manifest) in crates {
            for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
                tables.push((manifest_path(folder), table, manifest.get(table)));
            }
        }
        let shared = workspace.and_then(|workspace| workspace.get("dependencies"));
        tables.push(("Cargo.toml".to_owned(), "workspace.dependencies", shared));
        for (path, table_name, table) in tables {
            for (dependency, spec) in table.and_then(Value::as_table).into_iter().flatten() {
                let Some(spec) = spec.as_table() else {
                    continue;
                };
                let internal = names.contains(&dependency.as_str()) && spec.contains_key("path");
                let version = spec.get("version").and_then(Value::as_str);
                if let Some(version) = version.filter(|_| internal && !dependency.contains('.')) {
                    self.add_version(
                        &path,
                        Some(&format!("{table_name}.{dependency}.version")),
                        None,
                        version,
                        "pins a crate of this workspace",
                    );
                }
            }
        }
    }

    fn pyproject(&mut self, files: &dyn Source, text: &str) {
        let Ok(root) = text.parse::<Table>() else {
            return;
        };
        let project = root.get("project").and_then(Value::as_table);
        let poetry = lookup(&root, &["tool", "poetry"]).and_then(Value::as_table);
        let dynamic = project
            .and_then(|project| project.get("dynamic"))
            .and_then(Value::as_array)
            .is_some_and(|fields| fields.iter().any(|field| field.as_str() == Some("version")));
        if let Some(version) = project
            .and_then(|project| project.get("version"))
            .and_then(Value::as_str)
            .filter(|_| !dynamic)
        {
            self.add_version(
                "pyproject.toml",
                Some("project.version"),
                None,
                version,
                "the package's version",
            );
        }
        if let Some(version) = poetry
            .and_then(|poetry| poetry.get("version"))
            .and_then(Value::as_str)
        {
            self.add_version(
                "pyproject.toml",
                Some("tool.poetry.version"),
                None,
                version,
                "the Poetry package's version",
            );
        }
        let name = project
            .and_then(|project| project.get("name"))
            .or_else(|| poetry.and_then(|poetry| poetry.get("name")))
            .and_then(Value::as_str);
        self.set_name(name);
        if let Some(urls) = project
            .and_then(|project| project.get("urls"))
            .and_then(Value::as_table)
        {
            let mut urls: Vec<(&String, &str)> = urls
                .iter()
                .filter_map(|(key, url)| Some((key, url.as_str()?)))
                .collect();
            // Source and repository links before the home page.
            urls.sort_by_key(|(key, _)| url_rank(key));
            for (key, url) in urls {
                self.add_url(Some(url), format!("pyproject.toml project.urls.{key}"));
            }
        }
        for key in ["repository", "homepage"] {
            let url = poetry
                .and_then(|poetry| poetry.get(key))
                .and_then(Value::as_str);
            self.add_url(url, format!("pyproject.toml tool.poetry.{key}"));
        }
        let layout = python_layout(files, name);
        self.set_language(Language::Python, "pyproject.toml", layout);
    }

    fn package_json(&mut self, files: &dyn Source, text: &str) {
        let Ok(serde_json::Value::Object(root)) = serde_json::from_str(text) else {
            return;
        };
        if let Some(version) = root.get("version").and_then(serde_json::Value::as_str) {
            self.add_version(
                "package.json",
                None,
                Some("version"),
                version,
                "the package's version",
            );
        }
        let name = root.get("name").and_then(serde_json::Value::as_str);
        // A scoped name (`@acme/app`) is the package's; the project is its last part.
        self.set_name(name.map(|name| name.rsplit('/').next().unwrap_or(name)));
        let repository = match root.get("repository") {
            Some(serde_json::Value::String(url)) => Some(url.as_str()),
            Some(serde_json::Value::Object(repository)) => {
                repository.get("url").and_then(serde_json::Value::as_str)
            }
            _ => None,
        };
        self.add_url(repository, "package.json repository".to_owned());
        let typescript = files.present("tsconfig.json")
            || ["devDependencies", "dependencies"].iter().any(|table| {
                root.get(*table)
                    .and_then(serde_json::Value::as_object)
                    .is_some_and(|table| table.contains_key("typescript"))
            });
        let language = if typescript {
            Language::TypeScript
        } else {
            Language::JavaScript
        };
        self.set_language(
            language,
            "package.json",
            Layout {
                modules: "src".into(),
                unit_tests: "src".into(),
                integration_tests: "tests".into(),
            },
        );
    }

    fn go_mod(&mut self, text: &str) {
        let Some(module) = text.lines().find_map(|line| {
            let rest = line.trim().strip_prefix("module")?;
            rest.starts_with(char::is_whitespace)
                .then(|| rest.trim().trim_matches('"').to_owned())
        }) else {
            return;
        };
        self.set_name(module.rsplit('/').next());
        self.add_url(
            Some(&format!("https://{module}")),
            "go.mod module".to_owned(),
        );
        self.set_language(
            Language::Go,
            "go.mod",
            Layout {
                modules: "internal".into(),
                unit_tests: "internal".into(),
                integration_tests: "tests".into(),
            },
        );
    }
}

/// The crates of a Cargo repository, as (folder, manifest): the root's package
/// first, then the workspace's members that have a package.
fn cargo_crates(files: &dyn Source, root: &Table) -> Vec<(String, Table)> {
    let mut crates: Vec<(String, Table)> = Vec::new();
    if root.contains_key("package") {
        crates.push((String::new(), root.clone()));
    }
    let members = lookup(root, &["workspace", "members"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for member in members {
        for folder in expand_member(files, member) {
            let manifest = files
                .text(&format!("{folder}/Cargo.toml"))
                .and_then(|text| text.parse::<Table>().ok());
            let known = crates.iter().any(|(known, _)| *known == folder);
            if let Some(manifest) = manifest.filter(|m| m.contains_key("package") && !known) {
                crates.push((folder, manifest));
            }
        }
    }
    crates
}

/// The path of the manifest of the crate in `folder` (`""`: the root).
fn manifest_path(folder: &str) -> String {
    if folder.is_empty() {
        "Cargo.toml".to_owned()
    } else {
        format!("{folder}/Cargo.toml")
    }
}

/// The version without an operator: `=0.29.2` gives `0.29.2`.
fn bare_version(version: &str) -> &str {
    version.trim_start_matches(['=', '^', '~', '>', '<', ' ', 'v'])
}

/// The value at a dotted path in a TOML table.
fn lookup<'a>(table: &'a Table, path: &[&str]) -> Option<&'a Value> {
    let (last, tables) = path.split_last()?;
    let mut table = table;
    for part in tables {
        table = table.get(*part)?.as_table()?;
    }
    table.get(*last)
}

/// The folders a workspace member pattern names: `crates/core` or `crates/*`.
fn expand_member(files: &dyn Source, member: &str) -> Vec<String> {
    let member = member.trim_end_matches('/');
    match member.strip_suffix("/*") {
        Some(parent) if !parent.contains('*') => files
            .folders(parent)
            .into_iter()
            .map(|name| format!("{parent}/{name}"))
            .collect(),
        _ if member.contains(['*', '?', '[']) => Vec::new(),
        _ => vec![member.to_owned()],
    }
}

/// How likely a `project.urls` key names the repository: lower first.
fn url_rank(key: &str) -> u8 {
    match key
        .to_ascii_lowercase()
        .replace(['-', '_', ' '], "")
        .as_str()
    {
        "repository" | "source" | "sourcecode" | "code" => 0,
        "changelog" | "changes" | "releasenotes" | "issues" | "bugtracker" => 1,
        "homepage" => 2,
        _ => 3,
    }
}

/// A Python project's layout: the package folder (`src/<name>` or `<name>`) holds
/// the modules; tests go under `tests/`.
fn python_layout(files: &dyn Source, name: Option<&str>) -> Layout {
    let package = name.map(|name| name.to_ascii_lowercase().replace(['-', '.'], "_"));
    let modules = package
        .iter()
        .flat_map(|package| [format!("src/{package}"), package.clone()])
        .find(|folder| files.present(&format!("{folder}/__init__.py")))
        .unwrap_or_else(|| if files.present("src") { "src" } else { "." }.to_owned());
    Layout {
        modules,
        unit_tests: "tests/unit".into(),
        integration_tests: "tests/integration".into(),
    }
}

/// The https base URL of a repository from any of the forms a remote or a manifest
/// gives: `git@github.com:o/r.git`, `ssh://git@gitlab.com/g/s/p.git`,
/// `https://github.com/o/r/tree/main`, `git+https://…`, `github:o/r`. `None` for
/// anything that is not a repository on a web host.
pub fn repository_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    if let Some(short) = url.strip_prefix("github:") {
        return repository_base_url(&format!("https://github.com/{short}"));
    }
    let url = url.strip_prefix("git+").unwrap_or(url);
    let (host, path) = if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("ssh://"))
        .or_else(|| url.strip_prefix("git://"))
    {
        rest.split_once('/')?
    } else {
        // scp form: user@host:path
        let (host, path) = url.split_once(':')?;
        if host.contains('/') || path.starts_with("//") {
            return None;
        }
        (host, path)
    };
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let valid_host = !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    if !valid_host {
        return None;
    }
    let path = path.split(['?', '#']).next()?.trim_matches('/');
    // Where a web page inside the repository starts.
    let path = [
        "/-/",
        "/tree/",
        "/blob/",
        "/src/",
        "/compare/",
        "/releases/",
    ]
    .iter()
    .fold(path, |path, marker| {
        path.split(marker).next().unwrap_or(path)
    });
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    let valid_path = parts.len() >= 2
        && parts.iter().all(|part| {
            !part.is_empty()
                && *part != "."
                && *part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        });
    if !valid_path {
        return None;
    }
    // GitHub, Bitbucket and Gitea repositories are owner/name; GitLab nests groups.
    let parts = if host == "github.com" || host == "bitbucket.org" {
        &parts[..2]
    } else {
        &parts[..]
    };
    Some(format!("https://{host}/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Files in memory.
    struct Files(BTreeMap<&'static str, &'static str>);

    impl Source for Files {
        fn text(&self, path: &str) -> Option<String> {
            self.0.get(path).map(|text| (*text).to_owned())
        }
        fn present(&self, path: &str) -> bool {
            self.0
                .keys()
                .any(|known| *known == path || known.starts_with(&format!("{path}/")))
        }
        fn folders(&self, path: &str) -> Vec<String> {
            let mut names: Vec<String> = self
                .0
                .keys()
                .filter_map(|known| known.strip_prefix(&format!("{path}/")))
                .filter_map(|rest| rest.split_once('/').map(|(name, _)| name.to_owned()))
                .collect();
            names.dedup();
            names
        }
    }

    fn keys(found: &Manifests) -> Vec<String> {
        found
            .version_files
            .iter()
            .map(|(file, _)| {
                let key = file.toml_key.as_deref().or(file.json_key.as_deref());
                format!("{} {}", file.path, key.unwrap_or("-"))
            })
            .collect()
    }

    #[test]
    fn a_cargo_workspace_gives_every_version_and_pin() {
        let files = Files(BTreeMap::from([
            (
                "Cargo.toml",
                "[package]\nname = \"pyo3\"\nversion = \"0.29.2\"\nrepository = \"https://github.com/PyO3/pyo3\"\n\n[dependencies]\npyo3-ffi = { path = \"pyo3-ffi\", version = \"=0.29.2\" }\nserde = { version = \"1.0\" }\n\n[workspace]\nmembers = [\"pyo3-ffi\", \"pyo3-macros\", \"examples/*\"]\n",
            ),
            (
                "pyo3-ffi/Cargo.toml",
                "[package]\nname = \"pyo3-ffi\"\nversion = \"0.29.2\"\n",
            ),
            (
                "pyo3-macros/Cargo.toml",
                "[package]\nname = \"pyo3-macros\"\nversion = \"0.29.2\"\n[dependencies]\npyo3-ffi = { path = \"../pyo3-ffi\", version = \"=0.29.2\" }\n",
            ),
            (
                "examples/demo/Cargo.toml",
                "[package]\nname = \"demo\"\nversion = \"0.1.0\"\npublish = false\n",
            ),
        ]));
        let found = Manifests::read(&files);
        assert_eq!(
            keys(&found),
            [
                "Cargo.toml package.version",
                "pyo3-ffi/Cargo.toml package.version",
                "pyo3-macros/Cargo.toml package.version",
                "Cargo.toml dependencies.pyo3-ffi.version",
                "pyo3-macros/Cargo.toml dependencies.pyo3-ffi.version",
            ]
        );
        assert_eq!(found.left_out.len(), 1, "{:?}", found.left_out);
        assert_eq!(found.language, Some(Language::Rust));
        assert_eq!(found.name.as_deref(), Some("pyo3"));
        assert_eq!(found.urls[0].0, "https://github.com/PyO3/pyo3");
        let layout = found.layout.unwrap();
        assert_eq!(
            (layout.modules.as_str(), layout.integration_tests.as_str()),
            ("src", "tests")
        );
    }

    #[test]
    fn an_inherited_workspace_version_is_written_once() {
        let files = Files(BTreeMap::from([
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\n[workspace.package]\nversion = \"2.0.0\"\n[workspace.dependencies]\ncore = { path = \"crates/core\", version = \"2.0.0\" }\n",
            ),
            (
                "crates/core/Cargo.toml",
                "[package]\nname = \"core\"\nversion.workspace = true\n",
            ),
            (
                "crates/cli/Cargo.toml",
                "[package]\nname = \"cli\"\nversion = { workspace = true }\n",
            ),
        ]));
        let found = Manifests::read(&files);
        assert_eq!(
            keys(&found),
            [
                "Cargo.toml workspace.package.version",
                "Cargo.toml workspace.dependencies.core.version",
            ]
        );
        assert_eq!(
            found.layout.unwrap().modules,
            "crates/cli/src",
            "the shortest name"
        );
    }

    #[test]
    fn poetry_and_pep_621_projects() {
        let files = Files(BTreeMap::from([
            (
                "pyproject.toml",
                "[tool.poetry]\nname = \"poetry\"\nversion = \"2.4.1\"\nrepository = \"https://github.com/python-poetry/poetry\"\nhomepage = \"https://python-poetry.org/\"\n",
            ),
            ("src/poetry/__init__.py", ""),
        ]));
        let found = Manifests::read(&files);
        assert_eq!(keys(&found), ["pyproject.toml tool.poetry.version"]);
        assert_eq!(found.layout.unwrap().modules, "src/poetry");
        assert_eq!(found.urls.len(), 1, "the home page is no repository");

        let dynamic = Files(BTreeMap::from([(
            "pyproject.toml",
            "[project]\nname = \"rich\"\ndynamic = [\"version\"]\n[project.urls]\nHomepage = \"https://github.com/Textualize/rich\"\n",
        )]));
        let found = Manifests::read(&dynamic);
        assert!(found.version_files.is_empty());
        assert_eq!(found.urls[0].0, "https://github.com/Textualize/rich");
    }

    #[test]
    fn package_json_and_go_mod() {
        let files = Files(BTreeMap::from([
            (
                "package.json",
                "{\n  \"name\": \"@acme/app\",\n  \"version\": \"1.4.0\",\n  \"repository\": { \"type\": \"git\", \"url\": \"git+https://github.com/acme/app.git\" },\n  \"devDependencies\": { \"typescript\": \"^5\" }\n}\n",
            ),
            ("VERSION", "1.4.0\n"),
        ]));
        let found = Manifests::read(&files);
        assert_eq!(keys(&found), ["package.json version", "VERSION -"]);
        assert_eq!(found.language, Some(Language::TypeScript));
        assert_eq!(found.name.as_deref(), Some("app"));
        assert_eq!(found.urls[0].0, "https://github.com/acme/app");

        let go = Files(BTreeMap::from([(
            "go.mod",
            "module github.com/acme/tool\n\ngo 1.22\n",
        )]));
        let found = Manifests::read(&go);
        assert_eq!(found.language, Some(Language::Go));
        assert_eq!(found.name.as_deref(), Some("tool"));
        assert_eq!(found.urls[0].0, "https://github.com/acme/tool");
    }

    #[test]
    fn remote_forms_give_the_web_address() {
        for (url, base) in [
            (
                "git@github.com:ajeetdsouza/zoxide.git",
                Some("https://github.com/ajeetdsouza/zoxide"),
            ),
            (
                "https://github.com/o/r/tree/main/docs",
                Some("https://github.com/o/r"),
            ),
            (
                "ssh://git@gitlab.com:2222/group/sub/proj.git",
                Some("https://gitlab.com/group/sub/proj"),
            ),
            (
                "https://gitlab.com/group/proj/-/tags",
                Some("https://gitlab.com/group/proj"),
            ),
            (
                "git@bitbucket.org:team/repo.git",
                Some("https://bitbucket.org/team/repo"),
            ),
            (
                "https://gitea.example.org/o/r.git",
                Some("https://gitea.example.org/o/r"),
            ),
            (
                "https://user:token@github.com/o/r.git",
                Some("https://github.com/o/r"),
            ),
            ("github:o/r", Some("https://github.com/o/r")),
            ("/srv/git/repo.git", None),
            ("file:///srv/git/repo.git", None),
            ("https://python-poetry.org/", None),
            ("https://evil.example/o/r\u{1b}[2J", None),
            ("https://github.com/../x", None),
        ] {
            assert_eq!(repository_base_url(url).as_deref(), base, "{url}");
        }
    }
}
