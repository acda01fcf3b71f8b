//! What `init` finds in a repository that existed before lancelot: its CHANGELOG, the
//! style of its release tags, where it is hosted, the files that carry its version,
//! its language and layout, the hook managers and changelog generators it uses, a
//! documentation site, and its history. Each finding says where it came from, so
//! `init` can show why it chose what it wrote.
//!
//! Detection reads; it never writes. Files are read through the work tree's [`Root`]
//! (no links followed); a file that cannot be read safely is simply not found.

mod manifests;

use git2::Repository;

use crate::config::{AdoptedLayout, Adoption, VersionFile};
use crate::fs::{EntryKind, RelPath, Root, TEXT_LIMIT};
use crate::release::tag_styles;

pub use manifests::{Language, Layout, Manifests, repository_base_url};

/// One thing found, as `init` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is about: `CHANGELOG`, `tag prefix`, …
    pub topic: &'static str,
    /// What was chosen.
    pub value: String,
    /// What it was found from, or why it was chosen.
    pub reason: String,
}

/// Everything found in a repository.
#[derive(Debug, Clone, Default)]
pub struct Detected {
    /// The CHANGELOGs present, the first the one to use.
    pub changelogs: Vec<RelPath>,
    /// The tag prefixes in use, most used first, with how many tags and an example.
    pub tag_styles: Vec<(String, usize, String)>,
    /// Base URLs of the repository's web pages, best first, with where each came from.
    pub repository_urls: Vec<(String, String)>,
    /// The version files, with why each is one.
    pub version_files: Vec<(VersionFile, String)>,
    /// The language, package name and layout.
    pub manifests: Manifests,
    /// Hook managers in use (`pre-commit`, `husky`, `lefthook`, `core.hooksPath`).
    pub hook_managers: Vec<String>,
    /// Changelog generators in use (`towncrier`, `git-cliff`).
    pub generators: Vec<String>,
    /// towncrier's news fragment folder, when towncrier builds the CHANGELOG.
    pub news_fragments: Option<String>,
    /// A documentation site under `docs/` (`MkDocs`, `Sphinx`, …).
    pub docs_site: Option<String>,
    /// HEAD's commit, when the repository has history: the freeze's baseline.
    pub history: Option<String>,
}

/// The CHANGELOG file names recognised, in order of preference.
const CHANGELOG_NAMES: [&str; 8] = [
    "CHANGELOG.md",
    "docs/CHANGELOG.md",
    "CHANGES.md",
    "HISTORY.md",
    "NEWS.md",
    "Changelog.md",
    "changelog.md",
    "docs/changelog.md",
];

/// The files detection reads. Anything missing, unreadable or unsafe to read (a
/// link, a special file) is simply absent.
pub trait Source {
    /// A text file's contents.
    fn text(&self, path: &str) -> Option<String>;
    /// Whether a file or folder is there.
    fn present(&self, path: &str) -> bool;
    /// The names of the folders inside a folder.
    fn folders(&self, path: &str) -> Vec<String>;
}

impl Source for Root {
    fn text(&self, path: &str) -> Option<String> {
        let path = RelPath::parse(path).ok()?;
        self.read_text(&path, TEXT_LIMIT).ok().flatten()
    }

    fn present(&self, path: &str) -> bool {
        RelPath::parse(path)
            .ok()
            .is_some_and(|path| self.exists(&path).unwrap_or(false))
    }

    fn folders(&self, path: &str) -> Vec<String> {
        let Ok(path) = RelPath::parse(path) else {
            return Vec::new();
        };
        self.list(Some(&path))
            .ok()
            .flatten()
            .unwrap_or_default()
            .into_iter()
            .filter(|entry| entry.kind == EntryKind::Folder)
            .map(|entry| entry.name)
            .collect()
    }
}

/// Finds what is there.
pub fn detect(repo: &Repository, files: &Root) -> Detected {
    let changelogs: Vec<RelPath> = CHANGELOG_NAMES
        .iter()
        .filter(|name| files.present(name))
        .filter_map(|name| RelPath::parse(name).ok())
        .collect();
    let names = repo.tag_names(None).ok();
    let tag_styles = names
        .as_ref()
        .map(|names| {
            tag_styles(names.iter().flatten().flatten())
                .into_iter()
                .map(|style| (style.prefix, style.count, style.newest))
                .collect()
        })
        .unwrap_or_default();
    let manifests = Manifests::read(files);
    let changelog_text = changelogs
        .first()
        .and_then(|path| files.text(path.as_str()));
    let mut repository_urls = Vec::new();
    let footer = changelog_text
        .as_deref()
        .and_then(|text| crate::changelog::Changelog::parse(text).conventions().base);
    if let Some(url) = footer {
        repository_urls.push((url, "the CHANGELOG's link footer".to_owned()));
    }
    repository_urls.extend(manifests.urls.iter().cloned());
    let origin = repo
        .find_remote("origin")
        .ok()
        .and_then(|remote| remote.url().ok().map(str::to_owned));
    if let Some(url) = origin.as_deref().and_then(repository_base_url) {
        repository_urls.push((url, "the `origin` remote".to_owned()));
    }
    dedup_by_first(&mut repository_urls);
    Detected {
        changelogs,
        tag_styles,
        repository_urls,
        version_files: manifests.version_files.clone(),
        hook_managers: hook_managers(repo, files),
        generators: generators(files, changelog_text.as_deref()),
        news_fragments: towncrier_directory(files, changelog_text.as_deref()),
        docs_site: docs_site(files),
        history: repo
            .head()
            .and_then(|head| head.peel_to_commit())
            .map(|commit| commit.id().to_string())
            .ok(),
        manifests,
    }
}

fn dedup_by_first(urls: &mut Vec<(String, String)>) {
    let mut seen = Vec::new();
    urls.retain(|(url, _)| {
        let new = !seen.contains(url);
        seen.push(url.clone());
        new
    });
}

/// Hook managers whose configuration is in the repository, or a `core.hooksPath`.
fn hook_managers(repo: &Repository, files: &Root) -> Vec<String> {
    let mut found = Vec::new();
    if files.present(".pre-commit-config.yaml") {
        found.push("pre-commit".to_owned());
    }
    if files.present(".husky") {
        found.push("husky".to_owned());
    }
    if ["lefthook.yml", "lefthook.yaml", ".lefthook.yml"]
        .iter()
        .any(|name| files.present(name))
    {
        found.push("lefthook".to_owned());
    }
    if repo
        .config()
        .ok()
        .and_then(|config| config.get_string("core.hooksPath").ok())
        .is_some()
    {
        found.push("core.hooksPath".to_owned());
    }
    found
}

/// Changelog generators in use: a configuration file or their marker in the CHANGELOG.
fn generators(files: &Root, changelog: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    let pyproject = files.text("pyproject.toml").unwrap_or_default();
    let marker = |needle: &str| changelog.is_some_and(|text| text.contains(needle));
    if files.present("towncrier.toml")
        || pyproject.contains("[tool.towncrier]")
        || marker("towncrier release notes start")
    {
        found.push("towncrier".to_owned());
    }
    if files.present("cliff.toml") || marker("generated by git-cliff") {
        found.push("git-cliff".to_owned());
    }
    found
}

/// towncrier's fragment folder (its `directory`, else `newsfragments`) when towncrier
/// builds the CHANGELOG.
fn towncrier_directory(files: &Root, changelog: Option<&str>) -> Option<String> {
    let configured = ["towncrier.toml", "pyproject.toml"]
        .iter()
        .find_map(|name| {
            let table: toml::Table = files.text(name)?.parse().ok()?;
            let towncrier = table.get("tool")?.get("towncrier")?;
            Some(
                towncrier
                    .get("directory")
                    .and_then(toml::Value::as_str)
                    .unwrap_or("newsfragments")
                    .to_owned(),
            )
        });
    let marked = changelog.is_some_and(crate::changelog::built_by_towncrier);
    configured
        .or_else(|| marked.then(|| "newsfragments".to_owned()))
        .filter(|folder| RelPath::parse(folder).is_ok())
}

/// A documentation site whose sources live in `docs/`.
fn docs_site(files: &Root) -> Option<String> {
    [
        ("mkdocs.yml", "MkDocs"),
        ("docs/mkdocs.yml", "MkDocs"),
        ("docs/conf.py", "Sphinx"),
        ("docs/source/conf.py", "Sphinx"),
        ("docusaurus.config.js", "Docusaurus"),
        ("docusaurus.config.ts", "Docusaurus"),
        ("docs/.vitepress", "VitePress"),
        ("book.toml", "mdBook"),
    ]
    .iter()
    .find(|(path, _)| files.present(path))
    .map(|(_, name)| (*name).to_owned())
}

/// Which candidate `init` takes where there are several (indexes into [`Detected`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    /// Into [`Detected::changelogs`].
    pub changelog: usize,
    /// Into [`Detected::tag_styles`].
    pub tag_style: usize,
    /// Into [`Detected::repository_urls`].
    pub repository_url: usize,
    /// With a documentation site in `docs/`: slices under `docs/slices/` (else the
    /// SOP's folders directly under `docs/`).
    pub slices_apart: bool,
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            changelog: 0,
            tag_style: 0,
            repository_url: 0,
            slices_apart: true,
        }
    }
}

/// Where slice documents go beside a documentation site.
pub const SLICES_APART: &str = "docs/slices";

impl Detected {
    /// The configuration values for these findings and choices.
    pub fn adoption(&self, choices: &Choices) -> Adoption {
        Adoption {
            name: self.manifests.name.clone(),
            changelog: self
                .changelogs
                .get(choices.changelog)
                .map(ToString::to_string),
            slices_root: (self.docs_site.is_some() && choices.slices_apart)
                .then(|| SLICES_APART.to_owned()),
            layout: self
                .manifests
                .language
                .zip(self.manifests.layout.as_ref())
                .map(|(language, layout)| AdoptedLayout {
                    modules: layout.modules.clone(),
                    module_ext: language.module_ext().to_owned(),
                    unit_tests: layout.unit_tests.clone(),
                    integration_tests: layout.integration_tests.clone(),
                }),
            tag_prefix: self
                .tag_styles
                .get(choices.tag_style)
                .map(|(prefix, _, _)| prefix.clone()),
            repository_url: self
                .repository_urls
                .get(choices.repository_url)
                .map(|(url, _)| url.clone()),
            version_files: self
                .version_files
                .iter()
                .map(|(file, _)| file.clone())
                .collect(),
            baseline: self.history.clone(),
            news_fragments: self.news_fragments.clone(),
        }
    }

    /// The findings as `init` shows them, each with its reason.
    pub fn findings(&self, choices: &Choices) -> Vec<Finding> {
        let mut findings = self.chosen_findings(choices);
        findings.extend(self.manifest_findings());
        findings.extend(self.setup_findings(choices));
        findings
    }

    /// The CHANGELOG, tag style and repository URL chosen, naming the others.
    fn chosen_findings(&self, choices: &Choices) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut add = |topic, value: String, reason: String| {
            findings.push(Finding {
                topic,
                value,
                reason,
            });
        };
        let others = |all: &[String], chosen: usize| -> String {
            let rest: Vec<&str> = all
                .iter()
                .enumerate()
                .filter(|(index, _)| *index != chosen)
                .map(|(_, text)| text.as_str())
                .collect();
            if rest.is_empty() {
                String::new()
            } else {
                format!(" (also {})", rest.join(", "))
            }
        };
        let changelogs: Vec<String> = self.changelogs.iter().map(ToString::to_string).collect();
        match changelogs.get(choices.changelog) {
            None => add(
                "CHANGELOG",
                "none".into(),
                "none found: a new one is created".into(),
            ),
            Some(chosen) => add(
                "CHANGELOG",
                chosen.clone(),
                format!(
                    "found{}; no second one is created",
                    others(&changelogs, choices.changelog)
                ),
            ),
        }
        if let Some((prefix, count, example)) = self.tag_styles.get(choices.tag_style) {
            let styles: Vec<String> = self
                .tag_styles
                .iter()
                .map(|(_, _, example)| example.clone())
                .collect();
            add(
                "tag prefix",
                format!("\"{prefix}\""),
                format!(
                    "{count} release tag(s) like {example}{}",
                    others(&styles, choices.tag_style)
                ),
            );
        }
        if let Some((url, source)) = self.repository_urls.get(choices.repository_url) {
            add("repository URL", url.clone(), format!("from {source}"));
        }
        findings
    }

    /// What the manifests say: version files (and those left out), language, name.
    fn manifest_findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut add = |topic, value: String, reason: String| {
            findings.push(Finding {
                topic,
                value,
                reason,
            });
        };
        for (file, reason) in &self.version_files {
            let key = file
                .toml_key
                .as_deref()
                .or(file.json_key.as_deref())
                .map(|key| format!(" {key}"))
                .unwrap_or_default();
            add(
                "version file",
                format!("{}{key}", file.path),
                reason.clone(),
            );
        }
        for (file, reason) in &self.manifests.left_out {
            add("not a version file", file.clone(), reason.clone());
        }
        if let Some(language) = self.manifests.language {
            add(
                "language",
                language.name().into(),
                format!("from {}", self.manifests.language_source),
            );
        }
        if let Some(name) = &self.manifests.name {
            add("project name", name.clone(), "the package's name".into());
        }
        findings
    }

    /// What lancelot fits in with: hook managers, changelog generators, a docs site,
    /// the history.
    fn setup_findings(&self, choices: &Choices) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut add = |topic, value: String, reason: String| {
            findings.push(Finding {
                topic,
                value,
                reason,
            });
        };
        for manager in &self.hook_managers {
            add(
                "hook manager",
                manager.clone(),
                "lancelot's hooks are chained with it, not put in its place".into(),
            );
        }
        for generator in &self.generators {
            let reason = match (generator.as_str(), &self.news_fragments) {
                ("towncrier", Some(folder)) => {
                    format!("it builds the CHANGELOG: new slices write news fragments to {folder}/")
                }
                _ => "release follows its headings and links, and writes nothing after its marker"
                    .into(),
            };
            add("changelog generator", generator.clone(), reason);
        }
        if let Some(site) = &self.docs_site {
            let reason = if choices.slices_apart {
                format!("slice documents go under {SLICES_APART}/, apart from its pages")
            } else {
                "slice documents go in docs/ beside its pages".to_owned()
            };
            add("documentation site", site.clone(), reason);
        }
        if let Some(commit) = &self.history {
            add(
                "freeze baseline",
                commit.chars().take(10).collect(),
                "the history before lancelot is not judged".into(),
            );
        }
        findings
    }
}
