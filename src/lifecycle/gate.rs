//! Status changes and their gates: contracts before approval, a complete slice before
//! work starts, only the freeze's transitions once frozen, never back.

use super::{LifecycleError, Project, Slice, Stage};
use crate::apply::{FileChange, Plan};
use crate::doc::{self, field_block, is_unfilled, section};
use crate::freeze::Rules;
use crate::freeze::report::follow_up_command;

/// The contract sections the SOP requires before coding (Step 5).
pub const CONTRACT_SECTIONS: [&str; 5] = [
    "Data Models",
    "Public Methods",
    "Endpoints",
    "Receipts Emitted",
    "Health and Readiness Signals",
];

/// The blueprint sections the SOP requires (Step 2).
pub const BLUEPRINT_SECTIONS: [&str; 5] = [
    "Build Order",
    "Round 1",
    "Round 2",
    "Test Strategy",
    "Rollout Notes",
];

/// A planned status change.
#[derive(Debug)]
pub struct StatusChange {
    /// The status as written before.
    pub from: Option<String>,
    /// The status after.
    pub to: Stage,
    /// The file edits (empty when the slice already has the status).
    pub plan: Plan,
}

/// What keeps the spec from approval: unwritten contracts, Depends on, Scope.
pub fn approval_gaps(slice: &Slice) -> Vec<String> {
    let mut gaps = Vec::new();
    for name in CONTRACT_SECTIONS {
        match section(&slice.spec, name) {
            None => gaps.push(format!("the spec has no \"{name}\" section")),
            Some(body) if is_unfilled(&body) => gaps.push(format!(
                "the spec's \"{name}\" section is not written (TODO:)"
            )),
            Some(_) => {}
        }
    }
    for field in ["Depends on", "Scope"] {
        match field_block(&slice.spec, field) {
            None => gaps.push(format!("the spec has no \"{field}\" header field")),
            Some(block) if is_unfilled(&block) => {
                gaps.push(format!("the spec's \"{field}\" is not filled (TODO:)"))
            }
            Some(_) => {}
        }
    }
    gaps
}

/// What keeps a slice from starting: every artifact of the SOP, written.
pub fn completeness_gaps(project: &Project, slice: &Slice) -> Vec<String> {
    let layout = &slice.layout;
    let mut gaps = Vec::new();
    match &slice.blueprint {
        None => gaps.push(format!("the blueprint {} is missing", layout.blueprint)),
        Some(blueprint) => {
            for name in BLUEPRINT_SECTIONS {
                match section(blueprint, name) {
                    None => gaps.push(format!("the blueprint has no \"{name}\" section")),
                    Some(body) if is_unfilled(&body) => gaps.push(format!(
                        "the blueprint's \"{name}\" section is not written (TODO:)"
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    for (what, path) in slice.supporting_files() {
        if !project.exists(path) {
            gaps.push(format!("the {what} {path} is missing"));
        }
    }
    if !has_changelog_entry(project, slice) {
        gaps.push(format!(
            "{} has no entry linking the spec and the blueprint",
            project.config.paths.changelog
        ));
    }
    if !project.env_flags.contains(&slice.flag) {
        gaps.push(format!(
            "the flag {} is not declared in {}",
            slice.flag, project.config.paths.env_file
        ));
    }
    gaps
}

/// Whether a CHANGELOG line links both the spec and the blueprint.
pub fn has_changelog_entry(project: &Project, slice: &Slice) -> bool {
    let spec = slice.layout.spec.file_name();
    let blueprint = slice.layout.blueprint.file_name();
    let fragment = slice
        .layout
        .news_fragment
        .as_ref()
        .is_some_and(|fragment| project.present.contains(fragment));
    fragment
        || project
            .changelog
            .lines()
            .any(|line| line.contains(spec) && line.contains(blueprint))
}

/// Plans moving `slice` (spec and blueprint together) to `target`, or refuses with
/// everything that is missing.
pub fn change_status(
    project: &Project,
    rules: &Rules,
    slice: &Slice,
    target: Stage,
    superseded_by: Option<&Slice>,
) -> Result<StatusChange, LifecycleError> {
    let feature = slice.feature.pascal();
    let refuse = |reasons: Vec<String>, hint: String| LifecycleError::Refused {
        feature: feature.clone(),
        target,
        reasons,
        hint,
    };
    let written = slice.status.clone();
    let current = slice.stage();
    let unchanged = StatusChange {
        from: written.clone(),
        to: target,
        plan: Plan::new(),
    };
    if current == Some(target) && superseded_by.is_none() {
        return Ok(unchanged);
    }
    let frozen = written
        .as_deref()
        .and_then(|status| rules.frozen_status(status));
    match target {
        Stage::Draft | Stage::Approved | Stage::InProgress if frozen.is_some() => {
            return Err(refuse(
                vec![format!(
                    "the slice is {}, which is frozen: a frozen slice never goes back",
                    written.as_deref().unwrap_or_default()
                )],
                format!(
                    "put new work in a follow-up slice: {}",
                    follow_up_command(slice.layout.spec.as_str())
                ),
            ));
        }
        Stage::Draft if current != Some(Stage::Approved) => {
            return Err(refuse(
                vec![format!(
                    "only an Approved slice goes back to Draft (it is {})",
                    shown(&written)
                )],
                "check the spec's Status line".into(),
            ));
        }
        Stage::Draft => {}
        Stage::Approved => {
            if current != Some(Stage::Draft) {
                return Err(refuse(
                    vec![format!(
                        "only a Draft slice can be approved (it is {})",
                        shown(&written)
                    )],
                    "check the spec's Status line".into(),
                ));
            }
            let gaps = approval_gaps(slice);
            if !gaps.is_empty() {
                return Err(refuse(
                    gaps,
                    "write the contracts first (SOP Step 5): replace each TODO: line, then run set-status again".into(),
                ));
            }
        }
        Stage::InProgress => {
            if current != Some(Stage::Approved) {
                return Err(refuse(
                    vec![format!(
                        "the slice must be Approved first (it is {})",
                        shown(&written)
                    )],
                    format!("approve it first: lancelot set-status {feature} approved"),
                ));
            }
            let mut gaps = approval_gaps(slice);
            gaps.extend(completeness_gaps(project, slice));
            if !gaps.is_empty() {
                return Err(refuse(
                    gaps,
                    "complete the slice (SOP 8.1: spec, blueprint, architecture note, runbook, CHANGELOG entry, flag, module), then run set-status again".into(),
                ));
            }
        }
        Stage::Done | Stage::Superseded => {
            let from = written.as_deref().unwrap_or_default();
            if !rules.allowed_transition(from, target.label()) {
                let allowed: Vec<String> = rules
                    .transition_names
                    .iter()
                    .map(|(from, to)| format!("{from} -> {to}"))
                    .collect();
                return Err(refuse(
                    vec![format!(
                        "the freeze does not allow {} -> {target}",
                        shown(&written)
                    )],
                    format!("allowed transitions: {}", allowed.join(", ")),
                ));
            }
        }
    }
    if superseded_by.is_some() && target != Stage::Superseded {
        return Err(refuse(
            vec![
                "--by names the slice that supersedes this one; it goes with superseded only"
                    .into(),
            ],
            format!("lancelot set-status {feature} superseded --by <FEATURE>"),
        ));
    }

    let mut plan = Plan::new();
    let documents = [
        (&slice.layout.spec, Some(&slice.spec)),
        (&slice.layout.blueprint, slice.blueprint.as_ref()),
    ];
    for (path, text) in documents {
        let Some(text) = text else { continue };
        let mut updated =
            doc::set_field_value(text, "Status", target.label()).ok_or_else(|| {
                refuse(
                    vec![format!("{path} has no Status line")],
                    "add a `**Status:**` header line".into(),
                )
            })?;
        if let Some(other) = superseded_by {
            let link = format!(
                "[{}]({})",
                other.feature.pascal(),
                other.layout.spec.link_from(path)
            );
            updated =
                doc::upsert_field(&updated, "Superseded by", &link, "Status").unwrap_or(updated);
        }
        if updated != *text {
            plan.push(FileChange::update(path.clone(), text.clone(), updated));
        }
    }
    Ok(StatusChange {
        from: written,
        to: target,
        plan,
    })
}

fn shown(status: &Option<String>) -> String {
    status.clone().unwrap_or_else(|| "without a status".into())
}
