//! `lint`: every rule of the SOP a slice's documents can break, as findings with a fix.

use serde::Serialize;

use super::gate::{approval_gaps, completeness_gaps, has_changelog_entry};
use super::{Project, Slice, Stage};
use std::collections::HashMap;

use super::drift::{self, Releases};
use super::practices;
use super::source::SourceTree;
use crate::branches::{Elsewhere, SliceName};
use crate::doc::{PLACEHOLDER, Status, field_block, field_values, is_invisible, is_look_alike};

/// How a rule's findings count: `deny` fails `lint` (exit 1), `warn` is reported
/// only; `[lint] allow` silences a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported, and `lint` exits 1.
    Deny,
    /// Reported; `lint` still exits 0.
    Warn,
}

/// A lint rule: its stable id, how its findings count by default, and what it checks.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The id in findings and in `[lint] allow` / `deny`.
    pub id: &'static str,
    /// The level without configuration.
    pub level: Level,
    /// One line on what it finds.
    pub summary: &'static str,
}

const fn rule(id: &'static str, level: Level, summary: &'static str) -> Rule {
    Rule { id, level, summary }
}

/// Every rule, in the order `docs/lint.md` explains them.
pub const RULES: &[Rule] = &[
    rule(
        "status-missing",
        Level::Deny,
        "a spec or blueprint without a Status line",
    ),
    rule(
        "status-unknown",
        Level::Deny,
        "a status lancelot does not know, so the freeze cannot protect the document",
    ),
    rule(
        "status-reading",
        Level::Deny,
        "a status that reads two ways: front matter against body, look-alike or invisible characters",
    ),
    rule(
        "status-mismatch",
        Level::Deny,
        "a blueprint whose status is not its spec's",
    ),
    rule(
        "header-field",
        Level::Deny,
        "a spec without its Depends on or Scope header field",
    ),
    rule(
        "dependency-unknown",
        Level::Deny,
        "Depends on names no slice",
    ),
    rule(
        "dependency-cycle",
        Level::Deny,
        "slices that depend on each other in a circle",
    ),
    rule(
        "blueprint-missing",
        Level::Deny,
        "a slice without its blueprint",
    ),
    rule(
        "blueprint-unlinked",
        Level::Deny,
        "a blueprint that does not link its spec",
    ),
    rule(
        "spec-unlinked",
        Level::Deny,
        "a spec that does not link its blueprint",
    ),
    rule(
        "artifact-missing",
        Level::Deny,
        "a missing architecture note, runbook or owning module",
    ),
    rule(
        "changelog-entry",
        Level::Deny,
        "no CHANGELOG entry links the spec and the blueprint",
    ),
    rule(
        "flag-name",
        Level::Deny,
        "a Feature flag that is not a flag name",
    ),
    rule(
        "flag-undeclared",
        Level::Deny,
        "a slice's flag the env file does not declare",
    ),
    rule(
        "flag-orphan",
        Level::Deny,
        "a flag of the env file that gates no slice",
    ),
    rule(
        "placeholder",
        Level::Deny,
        "TODO: placeholders left in an approved spec or a blueprint in progress",
    ),
    rule(
        "unreadable",
        Level::Deny,
        "a spec or blueprint lancelot cannot read",
    ),
    rule(
        "branch-collision",
        Level::Deny,
        "a feature, flag or owning module another branch's slice takes too",
    ),
    rule(
        "drift-shipped-early",
        Level::Deny,
        "a slice whose entry shipped while it is still Draft or Approved",
    ),
    rule(
        "drift-in-progress",
        Level::Warn,
        "a slice still In Progress long after its entry shipped",
    ),
    rule(
        "drift-unreleased",
        Level::Warn,
        "a Done slice whose entry missed the release cut after it",
    ),
    rule(
        "flag-stale",
        Level::Warn,
        "the flag of a slice Done and shipped longer ago than [flags] max_age_days",
    ),
    rule(
        "module-orphan",
        Level::Warn,
        "a Done slice's module that nothing but its tests names",
    ),
    rule(
        "receipt-unnamed",
        Level::Warn,
        "receipts the spec lists that its module never names",
    ),
    rule(
        "flag-unread",
        Level::Warn,
        "a flag the env file declares that no file reads",
    ),
    rule(
        "flag-undeclared-read",
        Level::Warn,
        "a FEATURE_* name read in a file that the env file does not declare",
    ),
];

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: String,
    /// How it counts.
    pub level: Level,
    /// The slice (`-` for repository-wide findings).
    pub slice: String,
    /// The file concerned.
    pub file: String,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub fix: String,
}

/// What lint reads besides the slices' documents.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Slices created on other branches.
    pub elsewhere: &'a [Elsewhere],
    /// The date of each slice's last change, by Pascal name.
    pub last_change: &'a HashMap<String, String>,
    /// The source tree.
    pub tree: &'a SourceTree,
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
}

/// Every finding of every rule, at the levels `[lint]` sets.
pub fn lint(project: &Project, context: Context<'_>) -> Vec<Finding> {
    let config = &project.config;
    let releases = Releases::read(project);
    let mut findings = document_findings(project, context.elsewhere);
    findings.extend(drift::findings(
        project,
        &releases,
        context.today,
        context.last_change,
        config.lifecycle.max_in_progress_after_release,
    ));
    findings.extend(practices::findings(
        project,
        context.tree,
        &releases,
        practices::Limits {
            today: context.today,
            max_flag_age_days: config.flags.max_age_days,
        },
    ));
    with_levels(findings, &config.lint)
}

impl Finding {
    /// A finding of the rule `rule`, at that rule's default level.
    pub fn new(
        rule: &str,
        slice: impl Into<String>,
        file: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        let level = RULES
            .iter()
            .find(|known| known.id == rule)
            .map_or(Level::Deny, |known| known.level);
        Finding {
            rule: rule.into(),
            level,
            slice: slice.into(),
            file: file.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// Lints every slice and the repository-wide rules (orphan flags, dependency cycles),
/// and the slices that collide with one created on another branch (`elsewhere`).
fn document_findings(project: &Project, elsewhere: &[Elsewhere]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for slice in &project.slices {
        let ours = SliceName {
            feature: slice.feature.clone(),
            flag: slice.flag.as_str().to_owned(),
            module: Some(slice.layout.module.to_string()),
            spec: slice.layout.spec.to_string(),
            blob: None,
        };
        for other in elsewhere {
            if let Some(clash) = ours.clash(&other.slice) {
                findings.push(Finding::new(
                    "branch-collision",
                    slice.feature.pascal(),
                    slice.layout.spec.to_string(),
                    format!(
                        "{} is also taken on {}, by the slice {} created there: they collide when the branches meet",
                        clash.describe(&ours),
                        other.branches.join(", "),
                        other.slice.feature.pascal()
                    ),
                    "rename one of the two slices (or its flag or module) before the branches are merged",
                ));
            }
        }
    }
    for slice in &project.slices {
        lint_slice(project, slice, &mut findings);
    }
    for slice in &project.unreadable {
        findings.push(Finding::new(
            "unreadable",
            slice.feature.pascal(),
            slice.path.clone(),
            format!("cannot be read: {}", slice.reason),
            super::UNREADABLE_FIX,
        ));
    }
    let env_file = project.config.paths.env_file.to_string();
    for flag in &project.env_flags {
        if !project
            .slices
            .iter()
            .any(|slice| slice.flag.as_str() == flag)
        {
            findings.push(Finding::new(
                "flag-orphan",
                "-",
                env_file.clone(),
                format!("{flag} gates no slice"),
                format!("remove {flag}, or create its slice with `lancelot new-slice`"),
            ));
        }
    }
    for cycle in project.cycles() {
        findings.push(Finding::new(
            "dependency-cycle",
            cycle[0].clone(),
            project.config.paths.specs.to_string(),
            format!("dependency cycle: {}", cycle.join(" -> ")),
            "remove one of these Depends on links",
        ));
    }
    findings
}

/// `findings` at the levels `[lint]` sets: a rule in `allow` is dropped, one in
/// `deny` fails, one in `warn` is reported only; the others keep their default.
fn with_levels(findings: Vec<Finding>, config: &crate::config::LintConfig) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|finding| !config.allow.contains(&finding.rule))
        .map(|mut finding| {
            if config.deny.contains(&finding.rule) {
                finding.level = Level::Deny;
            } else if config.warn.contains(&finding.rule) {
                finding.level = Level::Warn;
            }
            finding
        })
        .collect()
}

/// What is wrong with how a document writes its status, for a reader and for the
/// freeze: a front matter and a body that disagree, and statuses that only look like
/// one lancelot knows (invisible or look-alike characters), as `(problem, fix)`.
pub fn status_reading_problems(text: &str) -> Vec<(String, String)> {
    let readings = field_values(text.as_bytes(), "Status");
    let mut problems = Vec::new();
    if let [front, body] = readings.as_slice()
        && Stage::parse(front) != Stage::parse(body)
    {
        problems.push((
            format!(
                "the front matter says `{front}` but the body says `{body}`: readers and tools disagree (the freeze holds the document frozen if either is)"
            ),
            "write the same status in both, or keep only one".into(),
        ));
    }
    for written in &readings {
        let imitated = Stage::ALL
            .into_iter()
            .find(|stage| is_look_alike(&Status::new(stage.label()), written));
        if let Some(stage) = imitated {
            let shown: String = written
                .chars()
                .map(|c| match c {
                    c if is_invisible(c) || !c.is_ascii() => format!("U+{:04X}", u32::from(c)),
                    c => c.to_string(),
                })
                .collect();
            problems.push((
                format!(
                    "status `{shown}` only looks like {stage}: it holds invisible or look-alike characters (the freeze reads it as {stage})"
                ),
                format!("write it in plain letters: {stage}"),
            ));
        }
    }
    problems
}

/// A finding of one slice: its rule, the file, what is wrong, how to fix it.
type Found = (&'static str, String, String, String);

fn found(
    rule: &'static str,
    file: &dyn ToString,
    problem: impl Into<String>,
    fix: impl Into<String>,
) -> Found {
    (rule, file.to_string(), problem.into(), fix.into())
}

fn lint_slice(project: &Project, slice: &Slice, findings: &mut Vec<Finding>) {
    let kinds = [
        status_findings(slice),
        reading_findings(slice),
        header_findings(project, slice),
        blueprint_findings(slice),
        artifact_findings(project, slice),
        approved_findings(project, slice),
    ];
    let name = slice.feature.pascal();
    findings.extend(
        kinds
            .into_iter()
            .flatten()
            .map(|(rule, file, problem, fix)| Finding::new(rule, name.clone(), file, problem, fix)),
    );
}

/// The spec's status: written, and one lancelot knows.
fn status_findings(slice: &Slice) -> Vec<Found> {
    let spec = &slice.layout.spec;
    match slice.status.as_deref() {
        None => vec![found(
            "status-missing",
            spec,
            "the spec has no Status line",
            "add `- **Status:** Draft` to its header",
        )],
        Some(status) if Stage::parse(status).is_none() => vec![found(
            "status-unknown",
            spec,
            format!(
                "status `{status}` is not a status lancelot knows, so the freeze cannot protect this spec"
            ),
            "use Draft, Approved, In Progress, Done or Superseded",
        )],
        Some(_) => Vec::new(),
    }
}

/// How the spec and the blueprint write their status: readings that disagree,
/// look-alike statuses.
fn reading_findings(slice: &Slice) -> Vec<Found> {
    let layout = &slice.layout;
    [
        (&layout.spec, Some(&slice.spec)),
        (&layout.blueprint, slice.blueprint.as_ref()),
    ]
    .into_iter()
    .flat_map(|(path, text)| {
        text.map(|text| status_reading_problems(text))
            .unwrap_or_default()
            .into_iter()
            .map(move |(problem, fix)| found("status-reading", path, problem, fix))
    })
    .collect()
}

/// The spec's header: Depends on and Scope written, dependencies that exist.
fn header_findings(project: &Project, slice: &Slice) -> Vec<Found> {
    let spec = &slice.layout.spec;
    let mut findings: Vec<Found> = ["Depends on", "Scope"]
        .into_iter()
        .filter(|field| field_block(&slice.spec, field).is_none())
        .map(|field| {
            found(
                "header-field",
                spec,
                format!("the spec has no \"{field}\" header field"),
                format!("add `- **{field}:**` to its header"),
            )
        })
        .collect();
    for name in project.dependencies(slice).1 {
        findings.push(found(
            "dependency-unknown",
            spec,
            format!("Depends on names {name}, which is not a slice"),
            "link an existing spec, or create that slice first",
        ));
    }
    findings
}

/// The blueprint: there, linked both ways with its spec, at the spec's status.
fn blueprint_findings(slice: &Slice) -> Vec<Found> {
    let layout = &slice.layout;
    let (spec, path) = (&layout.spec, &layout.blueprint);
    let Some(blueprint) = &slice.blueprint else {
        return vec![found(
            "blueprint-missing",
            path,
            "the blueprint is missing",
            "write it (SOP Step 2): build order, chunking, test strategy, rollout notes",
        )];
    };
    let mut findings = Vec::new();
    if !blueprint.contains(spec.file_name()) {
        findings.push(found(
            "blueprint-unlinked",
            path,
            "the blueprint does not link its spec",
            format!("add a link to {spec}"),
        ));
    }
    if !slice.spec.contains(path.file_name()) {
        findings.push(found(
            "spec-unlinked",
            spec,
            "the spec does not link its blueprint",
            format!("add a link to {path}"),
        ));
    }
    match slice.blueprint_status.as_deref() {
        None => findings.push(found(
            "status-missing",
            path,
            "the blueprint has no Status line",
            "add `- **Status:** …` like the spec's",
        )),
        Some(status) if Stage::parse(status).is_none() => findings.push(found(
            "status-unknown",
            path,
            format!(
                "status `{status}` is not a status lancelot knows, so the freeze cannot protect this blueprint"
            ),
            "use Draft, Approved, In Progress, Done or Superseded",
        )),
        Some(status) if Stage::parse(status) != slice.stage() => findings.push(found(
            "status-mismatch",
            path,
            format!(
                "the blueprint is {status} but the spec is {}",
                slice.status.as_deref().unwrap_or("without a status")
            ),
            format!(
                "move both together: lancelot set-status {} <status>",
                slice.feature.pascal()
            ),
        )),
        Some(_) => {}
    }
    findings
}

/// The slice's other artifacts (SOP 8.1): notes, runbook, module, CHANGELOG entry, flag.
fn artifact_findings(project: &Project, slice: &Slice) -> Vec<Found> {
    let mut findings: Vec<Found> = slice
        .supporting_files()
        .into_iter()
        .filter(|(_, path)| !project.exists(path))
        .map(|(what, path)| {
            found(
                "artifact-missing",
                path,
                format!("the {what} is missing"),
                format!("create {path} (SOP 8.1, Step 4)"),
            )
        })
        .collect();
    if !has_changelog_entry(project, slice) {
        findings.push(found(
            "changelog-entry",
            &project.config.paths.changelog,
            "no CHANGELOG entry links the spec and the blueprint",
            "add an entry under ## [Unreleased] linking both (SOP 8.2)",
        ));
    }
    if let Some(written) = &slice.flag_written {
        findings.push(found(
            "flag-name",
            &slice.layout.spec,
            format!("the Feature flag `{written}` is not a flag name"),
            format!(
                "write FEATURE_ and upper-case letters, digits or _, like {}",
                slice.flag.as_str()
            ),
        ));
    }
    if !project.declares(&slice.flag) {
        let flag = slice.flag.as_str();
        findings.push(found(
            "flag-undeclared",
            &project.config.paths.env_file,
            format!("the flag {flag} is not declared"),
            format!("add `{flag}=false` (SOP Step 3)"),
        ));
    }
    findings
}

/// What an approved slice must have written: its contracts; in progress, its
/// blueprint; and no placeholder left.
fn approved_findings(project: &Project, slice: &Slice) -> Vec<Found> {
    let stage = slice.stage();
    if stage.is_none_or(|stage| stage < Stage::Approved) {
        return Vec::new();
    }
    let spec = &slice.layout.spec;
    let gaps = approval_gaps(slice);
    let leftover = slice
        .spec
        .lines()
        .filter(|line| line.contains(PLACEHOLDER))
        .count();
    let mut findings: Vec<Found> = gaps
        .iter()
        .map(|gap| {
            found(
                "placeholder",
                spec,
                gap,
                "write it: an approved spec has no TODO: placeholders",
            )
        })
        .collect();
    if stage.is_some_and(|stage| stage >= Stage::InProgress) {
        findings.extend(
            completeness_gaps(project, slice)
                .into_iter()
                .filter(|gap| gap.starts_with("the blueprint's"))
                .map(|gap| {
                    found(
                        "placeholder",
                        &slice.layout.blueprint,
                        gap,
                        "write it: a slice in progress has a complete blueprint",
                    )
                }),
        );
    }
    if leftover > 0 && gaps.is_empty() {
        findings.push(found(
            "placeholder",
            spec,
            format!("{leftover} TODO: placeholder line(s) remain"),
            "write or remove them",
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented_once_under_a_kebab_case_id() {
        let documented = include_str!("../../docs/lint.md");
        for (index, rule) in RULES.iter().enumerate() {
            assert!(
                documented.contains(&format!("| `{}` |", rule.id)),
                "{}",
                rule.id
            );
            assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(!RULES[..index].iter().any(|other| other.id == rule.id));
        }
    }

    #[test]
    fn disagreeing_and_look_alike_statuses_are_reported() {
        let problems =
            status_reading_problems("---\nstatus: Draft\n---\n**Status:** In Progress\n");
        assert!(
            problems[0]
                .0
                .contains("the front matter says `Draft` but the body says `In Progress`"),
            "{problems:?}"
        );
        let problems = status_reading_problems("**Status:** In\u{200b}Progress\n");
        assert!(
            problems[0]
                .0
                .contains("`InU+200BProgress` only looks like In Progress"),
            "{problems:?}"
        );
        assert!(status_reading_problems("---\nstatus: Done\n---\n**Status:** done\n").is_empty());
        assert!(status_reading_problems("**Status:** In Progress\n").is_empty());
    }

    use std::collections::HashSet;

    use crate::config::Config;
    use crate::feature::FeatureName;
    use crate::fs::RelPath;
    use crate::slice::ExistingSlice;

    fn slice(spec: &str, blueprint: Option<&str>) -> Slice {
        let existing = ExistingSlice {
            spec: RelPath::parse("docs/specs/Lancelot_vNext2_Spec_Alpha.md").unwrap(),
            feature: FeatureName::parse("Alpha").unwrap(),
        };
        Slice::from_spec(&Config::default(), &existing, spec.to_owned())
            .with_blueprint(blueprint.map(str::to_owned))
    }

    fn problems(findings: Vec<Found>) -> Vec<String> {
        findings
            .into_iter()
            .map(|(_, _, problem, _)| problem)
            .collect()
    }

    #[test]
    fn each_kind_of_finding() {
        assert_eq!(
            problems(status_findings(&slice("# A\n", None))),
            ["the spec has no Status line"]
        );
        assert!(
            problems(status_findings(&slice("**Status:** Shipping\n", None)))[0]
                .contains("`Shipping` is not a status")
        );
        assert!(status_findings(&slice("**Status:** Draft\n", None)).is_empty());

        let alpha = slice(
            "**Status:** Draft\n**Depends on:** [Ghost](Lancelot_vNext2_Spec_Ghost.md)\n",
            None,
        );
        let project = Project::from_parts(
            Config::default(),
            vec![alpha.clone()],
            String::new(),
            Vec::new(),
            HashSet::new(),
        );
        assert_eq!(
            problems(header_findings(&project, &alpha)),
            [
                "the spec has no \"Scope\" header field",
                "Depends on names Lancelot_vNext2_Spec_Ghost.md, which is not a slice"
            ]
        );

        assert_eq!(
            problems(blueprint_findings(&alpha)),
            ["the blueprint is missing"]
        );
        let linked = slice(
            "**Status:** Draft\nsee Lancelot_vNext2_Blueprint_Alpha.md\n",
            Some("**Status:** Approved\nsee Lancelot_vNext2_Spec_Alpha.md\n"),
        );
        assert_eq!(
            problems(blueprint_findings(&linked)),
            ["the blueprint is Approved but the spec is Draft"]
        );

        let missing = problems(artifact_findings(&project, &alpha));
        assert_eq!(missing.len(), 5, "{missing:?}");
        assert!(
            missing[4].contains("FEATURE_ALPHA is not declared"),
            "{missing:?}"
        );

        assert!(
            approved_findings(&project, &alpha).is_empty(),
            "a draft may hold TODO:"
        );
        let approved = slice("**Status:** Approved\n## Data Models\n\nTODO: x\n", None);
        assert!(
            problems(approved_findings(&project, &approved))
                .iter()
                .any(|problem| problem.contains("\"Data Models\" section is not written"))
        );
    }
}
