//! The SOP's prohibited practices (§9) where a machine can see them in the code, and
//! flags that outlived their slice. Each is a heuristic over the source tree's text,
//! so each warns by default; `[lint] deny` makes it fail.

use super::drift::{Releases, days_between};
use super::lint::Finding;
use super::source::SourceTree;
use super::{Project, Slice, Stage};
use crate::doc::{is_unfilled, section};

/// How the rules here judge.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'a> {
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
    /// `[flags] max_age_days`.
    pub max_flag_age_days: u32,
}

/// Every finding of these rules.
pub fn findings(
    project: &Project,
    tree: &SourceTree,
    releases: &Releases,
    limits: Limits<'_>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for slice in &project.slices {
        stale_flag(project, slice, tree, releases, limits, &mut findings);
        orphan_module(project, slice, tree, &mut findings);
        unnamed_receipts(slice, tree, &mut findings);
    }
    flags_in_code(project, tree, &mut findings);
    findings
}

/// A list of paths for a message: the first few, and how many more.
fn listed(paths: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

/// `flag-stale`: the flag of a slice Done and shipped more than `max_age_days` ago.
fn stale_flag(
    project: &Project,
    slice: &Slice,
    tree: &SourceTree,
    releases: &Releases,
    limits: Limits<'_>,
    findings: &mut Vec<Finding>,
) {
    if slice.stage() != Some(Stage::Done) {
        return;
    }
    let Some(shipped) = releases.shipped(slice) else {
        return;
    };
    let Some(age) = shipped
        .date
        .as_deref()
        .and_then(|date| days_between(date, limits.today))
    else {
        return;
    };
    if age <= i64::from(limits.max_flag_age_days) {
        return;
    }
    let flag = slice.flag.as_str();
    let readers = tree.files_with(flag, &|_| false);
    let env_file = project.config.paths.env_file.to_string();
    let fix = if readers.is_empty() {
        format!("nothing reads it any more: remove {flag} from {env_file}")
    } else {
        format!(
            "remove the gate where it is read ({}), then {flag} from {env_file}",
            listed(&readers)
        )
    };
    findings.push(Finding::new(
        "flag-stale",
        slice.feature.pascal(),
        &env_file,
        format!(
            "{flag} gates a slice Done and shipped in {} {age} days ago (more than {}): the flag is stale",
            shipped.version, limits.max_flag_age_days
        ),
        fix,
    ));
}

/// The name code imports a module by: its file stem, or its folder's name for a
/// package's `__init__`, `mod` or `index` file.
fn import_name(slice: &Slice) -> Option<String> {
    let module = &slice.layout.module;
    let stem = module.file_name().split('.').next()?.to_owned();
    if matches!(stem.as_str(), "__init__" | "mod" | "index") {
        return module.parent().map(|folder| folder.file_name().to_owned());
    }
    Some(stem)
}

/// `module-orphan`: a Done slice's owning module that nothing but its tests names.
fn orphan_module(project: &Project, slice: &Slice, tree: &SourceTree, findings: &mut Vec<Finding>) {
    if slice.stage() != Some(Stage::Done) || !project.exists(&slice.layout.module) {
        return;
    }
    let Some(name) = import_name(slice) else {
        return;
    };
    let paths = &project.config.paths;
    let module = slice.layout.module.as_str();
    // Tests name the module without wiring it in: their folders (when they are not
    // the modules' own) and files named after it do not count.
    let tests: Vec<&str> = [paths.unit_tests.as_str(), paths.integration_tests.as_str()]
        .into_iter()
        .filter(|folder| *folder != paths.modules.as_str())
        .collect();
    let skip = |path: &str| {
        path == module
            || tests
                .iter()
                .any(|folder| path.starts_with(&format!("{folder}/")))
            || path
                .rsplit('/')
                .next()
                .is_some_and(|file| file.contains("test") && file.contains(name.as_str()))
    };
    if tree.files_with(&name, &skip).is_empty() {
        findings.push(Finding::new(
            "module-orphan",
            slice.feature.pascal(),
            module,
            format!(
                "the slice is Done, but nothing outside its tests names its module `{name}`: an orphan module not wired into runtime (SOP §9)"
            ),
            "wire it in where the system starts its capabilities (behind the flag), or remove it",
        ));
    }
}

/// `receipt-unnamed`: receipts the spec lists that its module never names.
fn unnamed_receipts(slice: &Slice, tree: &SourceTree, findings: &mut Vec<Finding>) {
    let Some(module) = tree.text(slice.layout.module.as_str()) else {
        return;
    };
    let Some(listed) = section(&slice.spec, "Receipts Emitted").filter(|body| !is_unfilled(body))
    else {
        return;
    };
    let missing: Vec<String> = listed
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| {
            name.contains('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        })
        .filter(|name| !module.contains(*name))
        .map(|name| format!("`{name}`"))
        .collect();
    if !missing.is_empty() {
        findings.push(Finding::new(
            "receipt-unnamed",
            slice.feature.pascal(),
            slice.layout.spec.as_str(),
            format!(
                "the spec lists receipts its module {} never names: {}",
                slice.layout.module,
                missing.join(", ")
            ),
            "emit them from the module, or take them out of the spec (in a new slice, if it is frozen)",
        ));
    }
}

/// `flag-unread` and `flag-undeclared-read`: flags declared but read nowhere, and
/// flags read but declared nowhere.
fn flags_in_code(project: &Project, tree: &SourceTree, findings: &mut Vec<Finding>) {
    let env_file = project.config.paths.env_file.to_string();
    for flag in &project.env_flags {
        if tree.files_with(flag, &|_| false).is_empty() {
            findings.push(Finding::new(
                "flag-unread",
                "-",
                &env_file,
                format!("{flag} is declared but no file reads it"),
                format!("read it where its slice is gated, or remove it from {env_file}"),
            ));
        }
    }
    for (flag, file) in tree.flags() {
        if !project.env_flags.contains(&flag) {
            findings.push(Finding::new(
                "flag-undeclared-read",
                "-",
                file,
                format!("{flag} is read here, but {env_file} does not declare it"),
                format!("declare it in {env_file} (`{flag}=false`), or stop reading it"),
            ));
        }
    }
}
