//! `lint`: every rule of the SOP a slice's documents can break, as findings with a fix.

use serde::Serialize;

use super::gate::{approval_gaps, completeness_gaps, has_changelog_entry};
use super::{Project, Slice, Stage};
use crate::doc::{PLACEHOLDER, Status, field_block, field_values, is_invisible, is_look_alike};

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The slice (`-` for repository-wide findings).
    pub slice: String,
    /// The file concerned.
    pub file: String,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub fix: String,
}

/// Lints every slice and the repository-wide rules (orphan flags, dependency cycles).
pub fn lint(project: &Project) -> Vec<Finding> {
    let mut findings = Vec::new();
    for slice in &project.slices {
        lint_slice(project, slice, &mut findings);
    }
    let env_file = project.config.paths.env_file.to_string();
    for flag in &project.env_flags {
        if !project.slices.iter().any(|slice| slice.flag == *flag) {
            findings.push(Finding {
                slice: "-".into(),
                file: env_file.clone(),
                problem: format!("{flag} gates no slice"),
                fix: format!("remove {flag}, or create its slice with `lancelot new-slice`"),
            });
        }
    }
    for cycle in project.cycles() {
        findings.push(Finding {
            slice: cycle[0].clone(),
            file: project.config.paths.specs.to_string(),
            problem: format!("dependency cycle: {}", cycle.join(" -> ")),
            fix: "remove one of these Depends on links".into(),
        });
    }
    findings
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

fn lint_slice(project: &Project, slice: &Slice, findings: &mut Vec<Finding>) {
    let name = slice.feature.pascal();
    let layout = &slice.layout;
    let mut found = |file: &dyn ToString, problem: String, fix: String| {
        findings.push(Finding {
            slice: name.clone(),
            file: file.to_string(),
            problem,
            fix,
        });
    };
    let spec = &layout.spec;
    match slice.status.as_deref() {
        None => found(
            spec,
            "the spec has no Status line".into(),
            "add `- **Status:** Draft` to its header".into(),
        ),
        Some(status) if Stage::parse(status).is_none() => found(
            spec,
            format!(
                "status `{status}` is not a status lancelot knows, so the freeze cannot protect this spec"
            ),
            "use Draft, Approved, In Progress, Done or Superseded".into(),
        ),
        Some(_) => {}
    }
    let documents = [
        (spec, Some(&slice.spec)),
        (&layout.blueprint, slice.blueprint.as_ref()),
    ];
    for (path, text) in documents {
        for (problem, fix) in text
            .map(|text| status_reading_problems(text))
            .unwrap_or_default()
        {
            found(path, problem, fix);
        }
    }
    for field in ["Depends on", "Scope"] {
        if field_block(&slice.spec, field).is_none() {
            found(
                spec,
                format!("the spec has no \"{field}\" header field"),
                format!("add `- **{field}:**` to its header"),
            );
        }
    }
    for name in project.dependencies(slice).1 {
        found(
            spec,
            format!("Depends on names {name}, which is not a slice"),
            "link an existing spec, or create that slice first".into(),
        );
    }

    match &slice.blueprint {
        None => found(
            &layout.blueprint,
            "the blueprint is missing".into(),
            "write it (SOP Step 2): build order, chunking, test strategy, rollout notes".into(),
        ),
        Some(blueprint) => {
            if !blueprint.contains(spec.file_name()) {
                found(
                    &layout.blueprint,
                    "the blueprint does not link its spec".into(),
                    format!("add a link to {spec}"),
                );
            }
            if !slice.spec.contains(layout.blueprint.file_name()) {
                found(
                    spec,
                    "the spec does not link its blueprint".into(),
                    format!("add a link to {}", layout.blueprint),
                );
            }
            match slice.blueprint_status.as_deref() {
                None => found(
                    &layout.blueprint,
                    "the blueprint has no Status line".into(),
                    "add `- **Status:** …` like the spec's".into(),
                ),
                Some(status) if Stage::parse(status).is_none() => found(
                    &layout.blueprint,
                    format!(
                        "status `{status}` is not a status lancelot knows, so the freeze cannot protect this blueprint"
                    ),
                    "use Draft, Approved, In Progress, Done or Superseded".into(),
                ),
                Some(status) if Stage::parse(status) != slice.stage() => found(
                    &layout.blueprint,
                    format!(
                        "the blueprint is {status} but the spec is {}",
                        slice.status.as_deref().unwrap_or("without a status")
                    ),
                    format!("move both together: lancelot set-status {name} <status>"),
                ),
                Some(_) => {}
            }
        }
    }
    for (what, path) in slice.supporting_files() {
        if !project.exists(path) {
            found(
                path,
                format!("the {what} is missing"),
                format!("create {path} (SOP 8.1, Step 4)"),
            );
        }
    }
    if !has_changelog_entry(project, slice) {
        found(
            &project.config.paths.changelog,
            "no CHANGELOG entry links the spec and the blueprint".into(),
            "add an entry under ## [Unreleased] linking both (SOP 8.2)".into(),
        );
    }
    if !project.env_flags.contains(&slice.flag) {
        found(
            &project.config.paths.env_file,
            format!("the flag {} is not declared", slice.flag),
            format!("add `{}=false` (SOP Step 3)", slice.flag),
        );
    }
    if slice.stage().is_some_and(|stage| stage >= Stage::Approved) {
        for gap in approval_gaps(slice) {
            found(
                spec,
                gap,
                "write it: an approved spec has no TODO: placeholders".into(),
            );
        }
        if slice
            .stage()
            .is_some_and(|stage| stage >= Stage::InProgress)
        {
            let blueprint_gaps = completeness_gaps(project, slice)
                .into_iter()
                .filter(|gap| gap.starts_with("the blueprint's"));
            for gap in blueprint_gaps {
                found(
                    &layout.blueprint,
                    gap,
                    "write it: a slice in progress has a complete blueprint".into(),
                );
            }
        }
        let leftover = slice
            .spec
            .lines()
            .filter(|line| line.contains(PLACEHOLDER))
            .count();
        if leftover > 0 && approval_gaps(slice).is_empty() {
            found(
                spec,
                format!("{leftover} TODO: placeholder line(s) remain"),
                "write or remove them".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
