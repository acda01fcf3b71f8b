//! The Tera templates a slice is rendered from: built into the binary, each one
//! replaceable by a file of the same name in the repository's templates folder.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::sync::Arc;
use std::time::Instant;

use tera::Tera;

use super::ScaffoldError;
use super::guard::{self, Budget};
use crate::config::Config;
use crate::fs::{EntryKind, FsError, RelPath, Root};

/// The origin of a template that is not the repository's own.
pub const BUILT_IN: &str = "built-in";

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("spec.md.tera", include_str!("../../templates/spec.md.tera")),
    (
        "blueprint.md.tera",
        include_str!("../../templates/blueprint.md.tera"),
    ),
    (
        "architecture.md.tera",
        include_str!("../../templates/architecture.md.tera"),
    ),
    (
        "runbook.md.tera",
        include_str!("../../templates/runbook.md.tera"),
    ),
    (
        "changelog_entry.md.tera",
        include_str!("../../templates/changelog_entry.md.tera"),
    ),
    (
        "module.py.tera",
        include_str!("../../templates/module.py.tera"),
    ),
    (
        "unit_test.py.tera",
        include_str!("../../templates/unit_test.py.tera"),
    ),
    (
        "integration_test.py.tera",
        include_str!("../../templates/integration_test.py.tera"),
    ),
    (
        "module.rs.tera",
        include_str!("../../templates/module.rs.tera"),
    ),
    (
        "unit_test.rs.tera",
        include_str!("../../templates/unit_test.rs.tera"),
    ),
    (
        "integration_test.rs.tera",
        include_str!("../../templates/integration_test.rs.tera"),
    ),
    (
        "module.ts.tera",
        include_str!("../../templates/module.ts.tera"),
    ),
    (
        "unit_test.ts.tera",
        include_str!("../../templates/unit_test.ts.tera"),
    ),
    (
        "integration_test.ts.tera",
        include_str!("../../templates/integration_test.ts.tera"),
    ),
    (
        "module.js.tera",
        include_str!("../../templates/module.js.tera"),
    ),
    (
        "unit_test.js.tera",
        include_str!("../../templates/unit_test.js.tera"),
    ),
    (
        "integration_test.js.tera",
        include_str!("../../templates/integration_test.js.tera"),
    ),
    (
        "module.go.tera",
        include_str!("../../templates/module.go.tera"),
    ),
    (
        "unit_test.go.tera",
        include_str!("../../templates/unit_test.go.tera"),
    ),
    (
        "integration_test.go.tera",
        include_str!("../../templates/integration_test.go.tera"),
    ),
];

/// Which template renders which artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    /// The spec.
    Spec,
    /// The blueprint.
    Blueprint,
    /// The architecture note.
    Architecture,
    /// The runbook.
    Runbook,
    /// The CHANGELOG entry.
    ChangelogEntry,
    /// The owning module.
    Module,
    /// The unit tests.
    UnitTest,
    /// The integration tests.
    IntegrationTest,
}

impl Artifact {
    /// Every artifact, in the order they are written.
    pub const ALL: [Artifact; 8] = [
        Artifact::Spec,
        Artifact::Blueprint,
        Artifact::Architecture,
        Artifact::Runbook,
        Artifact::ChangelogEntry,
        Artifact::Module,
        Artifact::UnitTest,
        Artifact::IntegrationTest,
    ];

    /// The template file name for modules with extension `ext`.
    pub fn template_name(self, ext: &str) -> String {
        match self {
            Artifact::Spec => "spec.md.tera".into(),
            Artifact::Blueprint => "blueprint.md.tera".into(),
            Artifact::Architecture => "architecture.md.tera".into(),
            Artifact::Runbook => "runbook.md.tera".into(),
            Artifact::ChangelogEntry => "changelog_entry.md.tera".into(),
            Artifact::Module => format!("module.{ext}.tera"),
            Artifact::UnitTest => format!("unit_test.{ext}.tera"),
            Artifact::IntegrationTest => format!("integration_test.{ext}.tera"),
        }
    }
}

/// Why a set of templates was not accepted.
enum Refused {
    /// Tera could not parse one.
    Parse(tera::Error),
    /// One includes a missing template, or includes or calls itself.
    Structure { name: String, message: String },
}

/// The loaded templates and where each came from.
pub struct Templates {
    /// When the time budget of this command's templates runs out.
    deadline: Instant,
    tera: Arc<Tera>,
    origins: BTreeMap<String, String>,
    ext: String,
}

impl Templates {
    /// Loads the built-in templates, replaced by the repository's own where present.
    ///
    /// Every `*.tera` file of the templates folder is loaded, so overrides can include
    /// or import partials of their own.
    pub fn load(files: &Root, config: &Config) -> Result<Templates, ScaffoldError> {
        let mut sources: BTreeMap<String, (String, String)> = BUILTIN
            .iter()
            .map(|(name, text)| {
                (
                    (*name).to_owned(),
                    ((*text).to_owned(), BUILT_IN.to_owned()),
                )
            })
            .collect();
        for (name, text) in read_folder(files, &config.paths.templates)? {
            let origin = config.paths.templates.join(&name).to_string();
            sources.insert(name, (text, origin));
        }
        let ext = config.paths.module_ext.as_str().to_owned();
        for artifact in Artifact::ALL {
            let name = artifact.template_name(&ext);
            if !sources.contains_key(&name) {
                return Err(ScaffoldError::MissingTemplate {
                    name,
                    folder: config.paths.templates.to_string(),
                });
            }
        }
        let origins: BTreeMap<String, String> = sources
            .iter()
            .map(|(name, (_, origin))| (name.clone(), origin.clone()))
            .collect();
        let texts: Vec<(String, String)> = sources
            .into_iter()
            .map(|(name, (text, _))| (name, text))
            .collect();
        let deadline = Instant::now() + guard::TIME_BUDGET;
        let parsed = guard::within_budget(deadline, move || {
            let mut tera = guard::engine();
            tera.add_raw_templates(texts).map_err(Refused::Parse)?;
            guard::check_structure(&tera)
                .map_err(|(name, message)| Refused::Structure { name, message })?;
            Ok(tera)
        });
        let tera = match parsed {
            Ok(Ok(tera)) => tera,
            Ok(Err(Refused::Parse(error))) => return Err(template_error(&error, &origins)),
            Ok(Err(Refused::Structure { name, message })) => {
                return Err(ScaffoldError::Template {
                    origin: origin_of(&origins, &name),
                    message,
                });
            }
            Err(budget) => {
                return Err(ScaffoldError::Budget {
                    what: "reading the templates".into(),
                    budget,
                });
            }
        };
        Ok(Templates {
            tera: Arc::new(tera),
            origins,
            ext,
            deadline,
        })
    }

    /// Renders the template of `artifact` with `context`, within the budgets.
    pub fn render(
        &self,
        artifact: Artifact,
        context: &tera::Context,
    ) -> Result<String, ScaffoldError> {
        let name = artifact.template_name(&self.ext);
        let tera = Arc::clone(&self.tera);
        let context = context.clone();
        let template = name.clone();
        let rendered =
            guard::within_budget(self.deadline, move || tera.render(&template, &context));
        let over = |budget| ScaffoldError::Budget {
            what: format!("rendering {}", origin_of(&self.origins, &name)),
            budget,
        };
        let text = rendered
            .map_err(over)?
            .map_err(|error| template_error(&error, &self.origins))?;
        if text.len() > guard::OUTPUT_LIMIT {
            return Err(over(Budget::Output));
        }
        Ok(text)
    }

    /// Whether the module and its tests come from the built-in templates.
    pub fn code_is_builtin(&self) -> bool {
        [
            Artifact::Module,
            Artifact::UnitTest,
            Artifact::IntegrationTest,
        ]
        .iter()
        .all(|artifact| {
            self.origins
                .get(&artifact.template_name(&self.ext))
                .is_some_and(|origin| origin == BUILT_IN)
        })
    }

    /// Where each template comes from: `built-in` or a repository path.
    pub fn origins(&self) -> &BTreeMap<String, String> {
        &self.origins
    }
}

/// Reads the `*.tera` files of the templates folder; a missing folder has none. A
/// template that is a symbolic link is refused (it could name any file of the
/// machine); subfolders are not read.
fn read_folder(files: &Root, folder: &RelPath) -> Result<Vec<(String, String)>, ScaffoldError> {
    let Some(entries) = files.list(Some(folder))? else {
        return Ok(Vec::new());
    };
    let mut templates = Vec::new();
    let mut total = 0;
    for entry in entries {
        if !entry.name.ends_with(".tera") || entry.kind == EntryKind::Folder {
            continue;
        }
        let path = folder.join(&entry.name);
        if templates.len() == guard::TEMPLATE_COUNT {
            return Err(ScaffoldError::Template {
                origin: folder.to_string(),
                message: format!(
                    "more than {} templates; lancelot reads at most that many",
                    guard::TEMPLATE_COUNT
                ),
            });
        }
        let text = files
            .read_text(&path, guard::TEMPLATE_LIMIT)?
            .ok_or_else(|| FsError::NotAFile {
                path: path.to_string(),
            })?;
        total += text.len() as u64;
        if total > guard::TEMPLATES_LIMIT {
            return Err(ScaffoldError::Template {
                origin: folder.to_string(),
                message: format!(
                    "the templates add up to more than {} KiB; lancelot reads at most that much",
                    guard::TEMPLATES_LIMIT >> 10
                ),
            });
        }
        templates.push((entry.name, text));
    }
    Ok(templates)
}

/// Turns a Tera error and its causes into one message naming the template file.
fn template_error(error: &tera::Error, origins: &BTreeMap<String, String>) -> ScaffoldError {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let origin = origins
        .iter()
        .filter(|(name, _)| message.contains(name.as_str()))
        .map(|(_, origin)| origin.clone())
        .next()
        .unwrap_or_else(|| "a template".into());
    ScaffoldError::Template { origin, message }
}

/// Where the template `name` comes from (`built-in` or its repository path).
fn origin_of(origins: &BTreeMap<String, String>, name: &str) -> String {
    origins
        .get(name)
        .cloned()
        .unwrap_or_else(|| name.to_owned())
}
