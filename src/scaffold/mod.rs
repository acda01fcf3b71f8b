//! Scaffolding: turn a [`SliceRequest`] into a [`Plan`] that creates every artifact of
//! a new upgrade slice (spec, blueprint, architecture note, runbook, module and tests)
//! and adds its CHANGELOG entry and flag.
//!
//! Planning reads the repository but writes nothing; every refusal (the slice exists,
//! a target exists, the flag is taken) happens here, before a single byte is written.

mod context;
pub mod guard;
pub mod names;
pub mod setup;
mod templates;

pub use templates::{Artifact, BUILT_IN, BUILTIN, Templates};

use crate::apply::{self, FileChange, Plan};
use crate::changelog::{self, Changelog, NEW_CHANGELOG};
use crate::config::Config;
use crate::envfile;
use crate::feature::FeatureName;
use crate::fs::{FsError, RelPath, Root, TEXT_LIMIT};
use crate::slice::{Bump, ExistingSlice, Flag, Kind, SliceLayout, existing_slices, find_slice};
use context::SliceContext;

/// Everything needed to create a slice, validated.
#[derive(Debug, Clone)]
pub struct SliceRequest {
    /// The feature.
    pub feature: FeatureName,
    /// One-line summary.
    pub summary: String,
    /// Slices this one builds on.
    pub depends_on: Vec<ExistingSlice>,
    /// What the slice explicitly includes.
    pub included: Vec<String>,
    /// What the slice explicitly leaves out.
    pub excluded: Vec<String>,
    /// Why it is a slice (SOP 2.2).
    pub kinds: Vec<Kind>,
    /// The owning module, when not the conventional one.
    pub module: Option<RelPath>,
    /// The flag that gates it.
    pub flag: Flag,
    /// The version bump it declares.
    pub bump: Bump,
}

/// Why a slice cannot be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The feature name is not acceptable.
    #[error(transparent)]
    Name(#[from] crate::feature::FeatureNameError),
    /// The feature name is not a name the generated code can use.
    #[error(transparent)]
    Clash(#[from] names::NameClash),
    /// A slice with this name (under any spelling) exists.
    #[error("the slice {feature} already exists: {spec}")]
    SliceExists {
        /// The name asked for.
        feature: String,
        /// The existing spec.
        spec: RelPath,
    },
    /// A file the slice would create is already there.
    #[error("{path} already exists; nothing was written")]
    TargetExists {
        /// The file that is already there.
        path: RelPath,
    },
    /// No file declares the modules of a new Rust module's folder.
    #[error("no lib.rs, main.rs or mod.rs declares the modules of the folder of {module}")]
    NoRustModuleOwner {
        /// The new module.
        module: RelPath,
    },
    /// towncrier builds the CHANGELOG and no fragment folder is configured.
    #[error(
        "{path} is built by towncrier (it holds its `{}` marker): an entry written there would land where towncrier writes later releases",
        changelog::TOWNCRIER_MARKER
    )]
    TowncrierChangelog {
        /// The CHANGELOG.
        path: RelPath,
    },
    /// The flag is already declared in the env file.
    #[error("the flag {flag} is already declared in {env_file}")]
    FlagDeclared {
        /// The flag.
        flag: String,
        /// The env file.
        env_file: RelPath,
    },
    /// `--depends-on` names no existing slice.
    #[error("--depends-on {name}: no such slice")]
    UnknownDependency {
        /// The name given.
        name: String,
        /// The slices that exist.
        known: Vec<String>,
    },
    /// Another branch created a slice with the same feature, flag or module.
    #[error("{} {value} is already taken on {}: the slice {theirs}, created there since that branch parted from yours", what.noun(), branches.join(", "))]
    TakenElsewhere {
        /// What is taken.
        what: crate::branches::Clash,
        /// The name, flag or module.
        value: String,
        /// The slice that takes it.
        theirs: String,
        /// The branches it is on.
        branches: Vec<String>,
    },
    /// A slice cannot depend on itself.
    #[error("the slice {0} cannot depend on itself")]
    SelfDependency(String),
    /// An answer (flag value or wizard input) is not acceptable.
    #[error("{option}: {message}")]
    InvalidAnswer {
        /// The option it came from, e.g. `--summary`.
        option: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A file could not be reached or read safely.
    #[error(transparent)]
    Files(#[from] FsError),
    /// A template is missing for the configured module extension.
    #[error("no template {name}: built-in module templates exist for py, rs, ts, js and go")]
    MissingTemplate {
        /// The template file name.
        name: String,
        /// The templates folder.
        folder: String,
    },
    /// Parsing or rendering the templates went over a budget.
    #[error("{what} {}; nothing was written", budget.describe())]
    Budget {
        /// What was being done, naming the template.
        what: String,
        /// Which budget.
        budget: guard::Budget,
    },
    /// A template failed to parse or render.
    #[error("template error in {origin}: {message}")]
    Template {
        /// The template file (or `built-in`).
        origin: String,
        /// Tera's message.
        message: String,
    },
}

impl ScaffoldError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            ScaffoldError::Name(error) => error.hint(),
            ScaffoldError::Clash(clash) => Some(match clash.why {
                names::Why::Taken => format!(
                    "add a word to the name (e.g. \"{} Service\"), or write the module templates yourself (`lancelot guide templates`)",
                    clash.input
                ),
                _ => format!("add a word to the name, e.g. \"{} Service\"", clash.input),
            }),
            ScaffoldError::SliceExists { .. } => Some(
                "a frozen or active slice is never extended: pick a new feature name for the follow-up slice".into(),
            ),
            ScaffoldError::TargetExists { .. } => {
                Some("move the file away, or pass --module / --flag to use other names".into())
            }
            ScaffoldError::NoRustModuleOwner { .. } => Some(
                "set [paths] modules to the crate's source folder (src), or pass --module with a path inside it".into(),
            ),
            ScaffoldError::TowncrierChangelog { .. } => Some(
                "set [paths] news_fragments = \"newsfragments\" (towncrier's `directory`) in lancelot.toml: each new slice then writes its entry there as a news fragment".into(),
            ),
            ScaffoldError::FlagDeclared { .. } => Some("pass --flag <NAME> to gate the slice with another flag".into()),
            ScaffoldError::UnknownDependency { known, .. } if known.is_empty() => {
                Some("there are no slices yet; drop --depends-on".into())
            }
            ScaffoldError::UnknownDependency { known, .. } => {
                Some(format!("existing slices: {}", known.join(", ")))
            }
            ScaffoldError::SelfDependency(_) => Some("drop that --depends-on".into()),
            ScaffoldError::TakenElsewhere { what, .. } => Some(match what {
                crate::branches::Clash::Feature => "the two would collide when the branches meet: pick another name, or build on that slice once it is merged".into(),
                crate::branches::Clash::Flag => "pass --flag <NAME> to gate the slice with another flag".into(),
                crate::branches::Clash::Module => "pass --module <PATH> to give the slice another owning module".into(),
            }),
            ScaffoldError::InvalidAnswer { .. } => None,
            ScaffoldError::Files(error) => error.hint(),
            ScaffoldError::MissingTemplate { name, folder } => {
                Some(format!("add {folder}/{name}, or set [paths] module_ext = \"py\""))
            }
            ScaffoldError::Budget { .. } => Some(
                "a repository template loops or recurses without end, or grows without bound; fix it (`lancelot guide templates`, Limits)".into(),
            ),
            ScaffoldError::Template { .. } => {
                Some("fix the template; `lancelot guide templates` lists every variable a template can use".into())
            }
        }
    }
}

/// Plans new slices in one repository.
pub struct Scaffolder<'r> {
    files: &'r Root,
    config: Config,
    existing: Vec<ExistingSlice>,
    templates: Templates,
    elsewhere: Vec<crate::branches::Elsewhere>,
}

impl<'r> Scaffolder<'r> {
    /// Reads what scaffolding needs from the work tree `files`: the existing slices
    /// and the templates.
    pub fn new(files: &'r Root, config: Config) -> Result<Scaffolder<'r>, ScaffoldError> {
        let existing = existing_slices(files, &config)?;
        let templates = Templates::load(files, &config)?;
        Ok(Scaffolder {
            files,
            config,
            existing,
            templates,
            elsewhere: Vec::new(),
        })
    }

    /// Also refuses a feature, flag or owning module that a slice created on another
    /// branch takes ([`crate::branches::elsewhere`]).
    pub fn with_elsewhere(mut self, elsewhere: Vec<crate::branches::Elsewhere>) -> Self {
        self.elsewhere = elsewhere;
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The slices that already exist.
    pub fn existing(&self) -> &[ExistingSlice] {
        &self.existing
    }

    /// Parses a feature name and refuses one that exists under any spelling.
    pub fn new_feature(&self, input: &str) -> Result<FeatureName, ScaffoldError> {
        let feature = FeatureName::parse(input)?;
        if let Some(other) = self
            .elsewhere
            .iter()
            .find(|other| other.slice.feature.key() == feature.key())
        {
            return Err(taken_elsewhere(
                crate::branches::Clash::Feature,
                feature.pascal(),
                other,
            ));
        }
        names::check(
            &feature,
            self.config.paths.module_ext.as_str(),
            self.templates.code_is_builtin(),
        )?;
        if let Some(slice) = find_slice(&self.existing, &feature) {
            return Err(ScaffoldError::SliceExists {
                feature: feature.pascal(),
                spec: slice.spec.clone(),
            });
        }
        Ok(feature)
    }

    /// Checks again that `request` can be created: its feature is still new and every
    /// slice it depends on still exists (another run may have changed either).
    pub fn recheck(&self, request: &SliceRequest) -> Result<(), ScaffoldError> {
        self.new_feature(request.feature.input())?;
        for dependency in &request.depends_on {
            self.dependency(&request.feature, dependency.feature.input())?;
        }
        Ok(())
    }

    /// Resolves a `--depends-on` name to an existing slice other than `feature`.
    pub fn dependency(
        &self,
        feature: &FeatureName,
        name: &str,
    ) -> Result<ExistingSlice, ScaffoldError> {
        if FeatureName::parse(name).is_ok_and(|wanted| wanted.key() == feature.key()) {
            return Err(ScaffoldError::SelfDependency(feature.pascal()));
        }
        self.known_slice(name)
    }

    /// Resolves a `--depends-on` name to an existing slice.
    pub fn known_slice(&self, name: &str) -> Result<ExistingSlice, ScaffoldError> {
        let unknown = || ScaffoldError::UnknownDependency {
            name: name.to_owned(),
            known: self.existing.iter().map(|s| s.feature.pascal()).collect(),
        };
        let wanted = FeatureName::parse(name).map_err(|_| unknown())?;
        find_slice(&self.existing, &wanted)
            .cloned()
            .ok_or_else(unknown)
    }

    /// The status `slice`'s spec declares, when it can be read.
    pub fn status(&self, slice: &ExistingSlice) -> Option<String> {
        let text = self.files.read_text(&slice.spec, TEXT_LIMIT).ok()??;
        crate::doc::field_value(text.as_bytes(), "Status")
    }

    /// Parses `--module`: a file ending in the module extension, or a package folder
    /// (ending in `/` or without an extension) whose `__init__` file is the module.
    pub fn module_path(&self, text: &str) -> Result<RelPath, ScaffoldError> {
        let invalid = |message: String| ScaffoldError::InvalidAnswer {
            option: "--module",
            message,
        };
        let path = RelPath::parse(text).map_err(invalid)?;
        let ext = self.config.paths.module_ext.as_str();
        let is_folder = text.trim_end().ends_with('/') || !path.file_name().contains('.');
        if is_folder {
            // The file that is a folder's module in each language.
            let file = match ext {
                "rs" => "mod.rs".to_owned(),
                "go" => format!("{}.go", path.file_name()),
                "ts" | "js" | "mts" | "mjs" | "tsx" | "jsx" => format!("index.{ext}"),
                _ => format!("__init__.{ext}"),
            };
            return Ok(path.join(&file));
        }
        if !path.file_name().ends_with(&format!(".{ext}")) {
            return Err(invalid(format!(
                "`{text}` is neither a .{ext} file nor a package folder (end it with /)"
            )));
        }
        Ok(path)
    }

    /// Where the slice's artifacts go.
    pub fn layout(&self, request: &SliceRequest) -> SliceLayout {
        SliceLayout::new(&self.config, &request.feature, request.module.clone())
    }

    /// Plans every write the slice needs, refusing if any target already exists or the
    /// flag is already declared.
    pub fn plan(&self, request: &SliceRequest, today: String) -> Result<Plan, ScaffoldError> {
        let config = &self.config;
        let layout = self.layout(request);
        let shared = SliceContext::new(config, request, &layout, today);
        let render = |artifact: Artifact, file: &RelPath| -> Result<String, ScaffoldError> {
            let context = shared
                .for_file(config, request, &layout, file)
                .map_err(|error| ScaffoldError::Template {
                    origin: "the template context".into(),
                    message: error.to_string(),
                })?;
            self.templates.render(artifact, &context)
        };

        for other in &self.elsewhere {
            if other.slice.flag == request.flag.as_str() {
                return Err(taken_elsewhere(
                    crate::branches::Clash::Flag,
                    request.flag.as_str().to_owned(),
                    other,
                ));
            }
            if other.slice.module.as_deref() == Some(layout.module.as_str()) {
                return Err(taken_elsewhere(
                    crate::branches::Clash::Module,
                    layout.module.to_string(),
                    other,
                ));
            }
        }

        let mut plan = Plan::new();
        let documents = [
            (Artifact::Spec, &layout.spec),
            (Artifact::Blueprint, &layout.blueprint),
            (Artifact::Architecture, &layout.architecture),
            (Artifact::Runbook, &layout.runbook),
        ];
        for (artifact, path) in documents {
            self.create(&mut plan, path, render(artifact, path)?)?;
        }

        let changelog_path = &config.paths.changelog;
        let entry = render(Artifact::ChangelogEntry, changelog_path)?;
        let current = self.read_optional(changelog_path)?;
        if let Some(fragment) = &layout.news_fragment {
            // towncrier builds the CHANGELOG from its fragments: one line, no bullet.
            let line = entry.trim().trim_start_matches(['-', '*']).trim_start();
            self.create(&mut plan, fragment, format!("{line}\n"))?;
        } else if current
            .as_deref()
            .is_some_and(changelog::built_by_towncrier)
        {
            return Err(ScaffoldError::TowncrierChangelog {
                path: changelog_path.clone(),
            });
        } else {
            let plain_text = current.as_deref().map(apply::plain);
            let mut changelog = Changelog::parse(plain_text.as_deref().unwrap_or(NEW_CHANGELOG));
            changelog.add_unreleased_entry("Added", &entry);
            self.write(&mut plan, changelog_path, current, changelog.render());
        }

        let env_path = &config.paths.env_file;
        let env = self.read_optional(env_path)?;
        let plain_env = env.as_deref().map(apply::plain).unwrap_or_default();
        let flag = request.flag.as_str();
        if envfile::feature_flags(&plain_env)
            .iter()
            .any(|declared| declared.name == flag)
        {
            return Err(ScaffoldError::FlagDeclared {
                flag: flag.to_owned(),
                env_file: env_path.clone(),
            });
        }
        let comment = format!(
            "{}: off until the slice ships. Spec: {}",
            request.feature.title(),
            layout.spec
        );
        let new_env = envfile::with_flag(&plain_env, &comment, flag, false);
        self.write(&mut plan, env_path, env, new_env);

        if layout.unit_test == layout.module {
            // Unit tests live in the module (Rust's `#[cfg(test)] mod tests`).
            let module = format!(
                "{}\n{}",
                render(Artifact::Module, &layout.module)?.trim_end(),
                render(Artifact::UnitTest, &layout.module)?
            );
            self.create(&mut plan, &layout.module, module)?;
        } else {
            self.create(
                &mut plan,
                &layout.module,
                render(Artifact::Module, &layout.module)?,
            )?;
            self.add_python_package_marker(&mut plan, &layout.unit_test)?;
            self.create(
                &mut plan,
                &layout.unit_test,
                render(Artifact::UnitTest, &layout.unit_test)?,
            )?;
        }
        self.add_python_package_marker(&mut plan, &layout.integration_test)?;
        self.create(
            &mut plan,
            &layout.integration_test,
            render(Artifact::IntegrationTest, &layout.integration_test)?,
        )?;
        if config.paths.module_ext.as_str() == "rs" {
            self.declare_rust_module(&mut plan, &layout.module)?;
        }
        Ok(plan)
    }

    fn create(
        &self,
        plan: &mut Plan,
        path: &RelPath,
        contents: String,
    ) -> Result<(), ScaffoldError> {
        if self.files.exists(path)? {
            return Err(ScaffoldError::TargetExists { path: path.clone() });
        }
        plan.push(FileChange::create(path.clone(), contents));
        Ok(())
    }

    /// Declares a new Rust module in the file that owns its folder (`lib.rs`,
    /// `main.rs`, `mod.rs`, or `<folder>.rs`), after the declarations already there,
    /// so `cargo test` compiles it and runs its unit tests.
    fn declare_rust_module(&self, plan: &mut Plan, module: &RelPath) -> Result<(), ScaffoldError> {
        let (name, folder) = if module.file_name() == "mod.rs" {
            let own = module.parent();
            let name = own.as_ref().map(|own| own.file_name().to_owned());
            (name, own.and_then(|own| own.parent()))
        } else {
            let name = module.file_name().strip_suffix(".rs").map(str::to_owned);
            (name, module.parent())
        };
        let Some(name) = name.filter(|name| !name.is_empty()) else {
            return Ok(());
        };
        let mut owners = Vec::new();
        if let Some(folder) = &folder {
            for file in ["lib.rs", "main.rs", "mod.rs"] {
                owners.push(folder.join(file));
            }
            if let Some(parent) = folder.parent() {
                owners.push(parent.join(&format!("{}.rs", folder.file_name())));
            } else if let Ok(beside) = RelPath::parse(&format!("{}.rs", folder.file_name())) {
                owners.push(beside);
            }
        }
        for owner in owners {
            let Some(text) = self.read_optional(&owner)? else {
                continue;
            };
            // A binary's module is dead code until main uses it: say so rather than
            // fail a build that denies warnings.
            let declaration = if owner.file_name() == "main.rs" {
                format!("#[allow(dead_code)] // until main wires the slice in\nmod {name};\n")
            } else {
                format!("pub mod {name};\n")
            };
            if let Some(updated) = with_module_declared(&apply::plain(&text), &name, &declaration) {
                self.write(plan, &owner, Some(text), updated);
            }
            return Ok(());
        }
        Err(ScaffoldError::NoRustModuleOwner {
            module: module.clone(),
        })
    }

    /// pytest cannot collect two test files of the same name (the unit and the
    /// integration test) unless their folders are packages. A new Python test folder
    /// gets an empty `__init__.py`; an existing folder is the project's business.
    fn add_python_package_marker(
        &self,
        plan: &mut Plan,
        test_file: &RelPath,
    ) -> Result<(), ScaffoldError> {
        let Some(folder) = test_file.parent() else {
            return Ok(());
        };
        let marker = folder.join("__init__.py");
        let already_planned = plan.changes().iter().any(|change| change.path() == &marker);
        if self.config.paths.module_ext.as_str() == "py"
            && !already_planned
            && !self.files.exists(&folder)?
        {
            plan.push(FileChange::create(marker, String::new()));
        }
        Ok(())
    }

    /// Plans writing `after` to `path`: an edit of `before` (in its plain form, kept in
    /// the file's own line ends and mark) or a new file.
    fn write(&self, plan: &mut Plan, path: &RelPath, before: Option<String>, after: String) {
        plan.push(match before {
            Some(before) => FileChange::edit(path.clone(), before, &after),
            None => FileChange::create(path.clone(), after),
        });
    }

    /// Reads a text file of the work tree; `None` when it does not exist.
    fn read_optional(&self, path: &RelPath) -> Result<Option<String>, ScaffoldError> {
        Ok(self.files.read_text(path, TEXT_LIMIT)?)
    }
}

fn taken_elsewhere(
    what: crate::branches::Clash,
    value: String,
    other: &crate::branches::Elsewhere,
) -> ScaffoldError {
    ScaffoldError::TakenElsewhere {
        what,
        value,
        theirs: other.slice.feature.pascal(),
        branches: other.branches.clone(),
    }
}

/// `text` (a Rust file) with `declaration` (of module `name`) added after its last
/// module declaration (or at its end); `None` when it declares the module already.
fn with_module_declared(text: &str, name: &str, declaration: &str) -> Option<String> {
    fn declares(line: &str) -> Option<&str> {
        let line = line
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ");
        line.strip_prefix("mod ")
            .filter(|rest| rest.trim_end().ends_with(';'))
            .map(|rest| rest.trim_end().trim_end_matches(';').trim())
    }
    if text.lines().any(|line| declares(line) == Some(name)) {
        return None;
    }
    let line = declaration;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let out = match lines.iter().rposition(|line| declares(line).is_some()) {
        Some(last) => {
            let mut out: String = lines[..=last].concat();
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(line);
            out.push_str(&lines[last + 1..].concat());
            out
        }
        None => {
            let mut out = text.to_owned();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
            out
        }
    };
    Some(out)
}

/// Loads the templates of the work tree `files` and renders each with a sample slice,
/// as `new-slice` would: every check and budget of a real run applies. For `doctor`.
pub fn check_templates(files: &Root, config: &Config) -> Result<Templates, ScaffoldError> {
    let templates = Templates::load(files, config)?;
    let feature = FeatureName::parse("Doctor Sample")?;
    let request = SliceRequest {
        flag: Flag::for_feature(&feature),
        feature,
        summary: "A sample slice that lancelot doctor renders".into(),
        depends_on: Vec::new(),
        included: vec!["what the sample includes".into()],
        excluded: vec!["what the sample leaves out".into()],
        kinds: vec![Kind::Subsystem],
        module: None,
        bump: Bump::Minor,
    };
    let layout = SliceLayout::new(config, &request.feature, None);
    let shared = SliceContext::new(config, &request, &layout, "2026-01-01".into());
    for artifact in Artifact::ALL {
        let file = match artifact {
            Artifact::Spec => &layout.spec,
            Artifact::Blueprint => &layout.blueprint,
            Artifact::Architecture => &layout.architecture,
            Artifact::Runbook => &layout.runbook,
            Artifact::ChangelogEntry => &config.paths.changelog,
            Artifact::Module => &layout.module,
            Artifact::UnitTest => &layout.unit_test,
            Artifact::IntegrationTest => &layout.integration_test,
        };
        let context = shared
            .for_file(config, &request, &layout, file)
            .map_err(|error| ScaffoldError::Template {
                origin: "the template context".into(),
                message: error.to_string(),
            })?;
        templates.render(artifact, &context)?;
    }
    Ok(templates)
}

/// Validates a one-line answer such as the summary or a scope item.
pub fn one_line(option: &'static str, text: &str) -> Result<String, ScaffoldError> {
    let text = text.trim();
    let invalid = |message: &str| ScaffoldError::InvalidAnswer {
        option,
        message: message.to_owned(),
    };
    if text.is_empty() {
        return Err(invalid("it is empty"));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid("it must be one line without control characters"));
    }
    if text.chars().count() > 300 {
        return Err(invalid(
            "it is over 300 characters; keep it to one sentence",
        ));
    }
    Ok(text.to_owned())
}
