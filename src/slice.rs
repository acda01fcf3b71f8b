//! What an upgrade slice is: its declared kinds and version bump, its flag, and where
//! each of its artifacts lives.
//!
//! The naming convention of the SOP (`<name>_<generation>_Spec_<Feature>.md`, …) is
//! spelled out here once; scaffolding, and later lint and the board, ask this module.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::config::Config;
use crate::feature::FeatureName;
use crate::fs::{EntryKind, FsError, RelPath, Root};

/// The version bump a slice declares for the release that ships it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Backwards-compatible fixes.
    Patch,
    /// Backwards-compatible additions (the default for a new slice).
    Minor,
    /// Incompatible changes.
    Major,
}

impl Bump {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl Bump {
    /// The bump named `text` (`major`, `minor` or `patch`, any case).
    pub fn parse(text: &str) -> Option<Bump> {
        [Bump::Patch, Bump::Minor, Bump::Major]
            .into_iter()
            .find(|bump| text.trim().eq_ignore_ascii_case(bump.as_str()))
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of change that make something a new upgrade slice (SOP 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A new subsystem.
    Subsystem,
    /// A new background process.
    BackgroundProcess,
    /// A new runtime dependency.
    RuntimeDependency,
    /// A new control-plane surface.
    ControlPlane,
    /// New persistent state.
    PersistentState,
    /// New recurring behaviour (cron, polling, watchers).
    Recurring,
}

impl Kind {
    /// Every kind, in the SOP's order.
    pub const ALL: [Kind; 6] = [
        Kind::Subsystem,
        Kind::BackgroundProcess,
        Kind::RuntimeDependency,
        Kind::ControlPlane,
        Kind::PersistentState,
        Kind::Recurring,
    ];

    /// The command-line spelling, e.g. `background-process`.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Subsystem => "subsystem",
            Kind::BackgroundProcess => "background-process",
            Kind::RuntimeDependency => "runtime-dependency",
            Kind::ControlPlane => "control-plane",
            Kind::PersistentState => "persistent-state",
            Kind::Recurring => "recurring",
        }
    }

    /// The SOP's wording, e.g. `new background process`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Subsystem => "new subsystem",
            Kind::BackgroundProcess => "new background process",
            Kind::RuntimeDependency => "new runtime dependency",
            Kind::ControlPlane => "new control-plane surface",
            Kind::PersistentState => "new persistent state",
            Kind::Recurring => "new recurring behaviour (cron, polling, watchers)",
        }
    }
}

/// A feature flag name: `FEATURE_` followed by upper-case letters, digits and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Flag(String);

impl Flag {
    /// The flag derived from the feature name.
    pub fn for_feature(feature: &FeatureName) -> Flag {
        Flag(feature.flag())
    }

    /// The flag name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Flag {
    type Err = String;

    /// Accepts `FEATURE_X` or `X` (the prefix is added), in any case.
    fn from_str(text: &str) -> Result<Flag, String> {
        let upper = text.trim().to_ascii_uppercase();
        let name = if upper.starts_with("FEATURE_") {
            upper
        } else {
            format!("FEATURE_{upper}")
        };
        let rest = &name["FEATURE_".len()..];
        let valid = rest.starts_with(|c: char| c.is_ascii_uppercase())
            && rest
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if valid {
            Ok(Flag(name))
        } else {
            Err(format!(
                "`{}` is not a flag name: use FEATURE_ followed by letters, digits and _, like FEATURE_HEALTH_MONITOR",
                text.trim()
            ))
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a slice's artifacts live, all relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SliceLayout {
    /// The spec.
    pub spec: RelPath,
    /// The blueprint.
    pub blueprint: RelPath,
    /// The architecture note.
    pub architecture: RelPath,
    /// The runbook.
    pub runbook: RelPath,
    /// The owning module (a file, or a package's `__init__` file).
    pub module: RelPath,
    /// The unit tests of the owning module.
    pub unit_test: RelPath,
    /// The integration tests of the owning module.
    pub integration_test: RelPath,
    /// The slice's towncrier news fragment, when towncrier builds the CHANGELOG.
    pub news_fragment: Option<RelPath>,
}

impl SliceLayout {
    /// The conventional layout of `feature`; `module` replaces the default module path.
    ///
    /// The code follows its language's conventions: Python `tests/unit/test_<feature>.py`;
    /// Rust unit tests inside the module (`src/<feature>.rs`) and an integration test
    /// `tests/<feature>.rs`; Go a package folder `<modules>/<feature>/` with
    /// `<feature>_test.go` and `<feature>_integration_test.go`; TypeScript and
    /// JavaScript `<feature-name>.ts` beside `<feature-name>.test.ts`.
    pub fn new(config: &Config, feature: &FeatureName, module: Option<RelPath>) -> SliceLayout {
        let paths = &config.paths;
        let ext = paths.module_ext.as_str();
        let snake = feature.snake();
        let (module, unit_test, integration_test) = match ext {
            "rs" => {
                let module =
                    module.unwrap_or_else(|| paths.modules.join(&format!("{snake}.{ext}")));
                let integration = paths.integration_tests.join(&format!("{snake}.{ext}"));
                (module.clone(), module, integration)
            }
            "go" => {
                let package = snake.replace('_', "");
                let module = module.unwrap_or_else(|| {
                    paths.modules.join(&package).join(&format!("{snake}.{ext}"))
                });
                let beside = |suffix: &str| {
                    let name = format!("{snake}{suffix}.{ext}");
                    match module.parent() {
                        Some(folder) => folder.join(&name),
                        None => RelPath::parse(&name).unwrap_or_else(|_| module.clone()),
                    }
                };
                let (unit, integration) = (beside("_test"), beside("_integration_test"));
                (module, unit, integration)
            }
            "ts" | "js" | "mts" | "mjs" | "tsx" | "jsx" => {
                let kebab = feature.kebab();
                (
                    module.unwrap_or_else(|| paths.modules.join(&format!("{kebab}.{ext}"))),
                    paths.unit_tests.join(&format!("{kebab}.test.{ext}")),
                    paths
                        .integration_tests
                        .join(&format!("{kebab}.integration.test.{ext}")),
                )
            }
            _ => (
                module.unwrap_or_else(|| paths.modules.join(&format!("{snake}.{ext}"))),
                paths.unit_tests.join(&format!("test_{snake}.{ext}")),
                paths.integration_tests.join(&format!("test_{snake}.{ext}")),
            ),
        };
        SliceLayout {
            spec: paths.specs.join(&spec_file_name(config, &feature.pascal())),
            blueprint: paths.blueprints.join(&doc_file_name(
                config,
                "Blueprint",
                &feature.pascal(),
            )),
            architecture: paths.architecture.join(&format!("{snake}.md")),
            runbook: paths.runbooks.join(&format!("{snake}.md")),
            module,
            unit_test,
            integration_test,
            news_fragment: paths
                .news_fragments
                .as_ref()
                .map(|folder| folder.join(&format!("+{snake}.added.md"))),
        }
    }
}

/// `Lancelot_vNext2_Spec_HealthMonitor.md`.
pub fn spec_file_name(config: &Config, pascal: &str) -> String {
    doc_file_name(config, "Spec", pascal)
}

fn doc_file_name(config: &Config, kind: &str, pascal: &str) -> String {
    format!(
        "{}_{}_{kind}_{pascal}.md",
        config.project.name, config.project.generation
    )
}

/// A slice that already exists, found by its spec file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExistingSlice {
    /// Its name, parsed from the spec file name.
    pub feature: FeatureName,
    /// Its spec.
    pub spec: RelPath,
}

/// Lists the slices whose specs are in the configured specs folder, sorted by name.
///
/// A missing folder means no slices. Files that do not follow the naming convention
/// are ignored; a spec that is a symbolic link is refused, like any link lancelot
/// meets in a repository.
pub fn existing_slices(files: &Root, config: &Config) -> Result<Vec<ExistingSlice>, FsError> {
    let folder = &config.paths.specs;
    let Some(entries) = files.list(Some(folder))? else {
        return Ok(Vec::new());
    };
    let prefix = format!(
        "{}_{}_Spec_",
        config.project.name, config.project.generation
    );
    let mut slices = Vec::new();
    for entry in entries {
        let Some(name) = entry
            .name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".md"))
        else {
            continue;
        };
        let Ok(feature) = FeatureName::parse(name) else {
            continue;
        };
        let spec = folder.join(&entry.name);
        if entry.kind != EntryKind::File {
            // Reports the link (or the special file) by name.
            files.node(&spec)?;
            continue;
        }
        slices.push(ExistingSlice { spec, feature });
    }
    slices.sort_by_key(|slice| slice.feature.pascal());
    Ok(slices)
}

/// Finds the existing slice that `name` designates, under any spelling.
pub fn find_slice<'a>(
    slices: &'a [ExistingSlice],
    name: &FeatureName,
) -> Option<&'a ExistingSlice> {
    slices
        .iter()
        .find(|slice| slice.feature.key() == name.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_layout_follows_the_sop() {
        let feature = FeatureName::parse("Health Monitor").unwrap();
        let layout = SliceLayout::new(&Config::default(), &feature, None);
        assert_eq!(
            layout.spec.as_str(),
            "docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md"
        );
        assert_eq!(
            layout.blueprint.as_str(),
            "docs/blueprints/Lancelot_vNext2_Blueprint_HealthMonitor.md"
        );
        assert_eq!(
            layout.architecture.as_str(),
            "docs/architecture/health_monitor.md"
        );
        assert_eq!(
            layout.runbook.as_str(),
            "docs/operations/runbooks/health_monitor.md"
        );
        assert_eq!(layout.module.as_str(), "src/core/health_monitor.py");
        assert_eq!(
            layout.unit_test.as_str(),
            "tests/unit/test_health_monitor.py"
        );
        assert_eq!(
            layout.integration_test.as_str(),
            "tests/integration/test_health_monitor.py"
        );
    }

    #[test]
    fn flags_accept_the_bare_name_and_any_case() {
        assert_eq!("health".parse::<Flag>().unwrap().as_str(), "FEATURE_HEALTH");
        assert_eq!(
            "feature_x_2".parse::<Flag>().unwrap().as_str(),
            "FEATURE_X_2"
        );
        for bad in ["", "FEATURE_", "FEATURE_2X", "FEATURE_A-B", "a b"] {
            assert!(bad.parse::<Flag>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn bumps_are_ordered_by_size() {
        assert!(Bump::Major > Bump::Minor && Bump::Minor > Bump::Patch);
    }
}
