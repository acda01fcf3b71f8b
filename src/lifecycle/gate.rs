//! Status changes and their gates: contracts before approval, a complete slice before
//! work starts, only the freeze's transitions once frozen, never back.

use super::{LifecycleError, Project, Slice, Stage};
use crate::apply::{self, FileChange, Plan};
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
    if !project.declares(&slice.flag) {
        gaps.push(format!(
            "the flag {} is not declared in {}",
            slice.flag.as_str(),
            project.config.paths.env_file
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
    let from = slice.status.clone();
    if superseded_by.is_some_and(|other| other.feature == slice.feature) {
        let feature = slice.feature.pascal();
        return Err(LifecycleError::Refused {
            feature: feature.clone(),
            target,
            reasons: vec!["a slice cannot supersede itself".into()],
            hint: format!(
                "name the slice that replaces it: lancelot set-status {feature} superseded --by <FEATURE>"
            ),
        });
    }
    // Asking again for what is already written changes nothing: the same status,
    // and the same slice in its `Superseded by` line.
    let same_successor = superseded_by.is_none_or(|other| {
        doc::field_value(slice.spec.as_bytes(), "Superseded by").is_some_and(|written| {
            written
                .strip_prefix('[')
                .and_then(|rest| rest.split_once(']'))
                .is_some_and(|(name, _)| name == other.feature.pascal())
        })
    });
    if slice.stage() == Some(target) && same_successor {
        return Ok(StatusChange {
            from,
            to: target,
            plan: Plan::new(),
        });
    }
    check_gate(project, rules, slice, target, superseded_by.is_some())?;
    let plan = status_edits(slice, target, superseded_by)?;
    Ok(StatusChange {
        from,
        to: target,
        plan,
    })
}

/// Whether `slice` may move to `target` (with a `Superseded by` link when
/// `superseded`): the SOP's gates (§§3-6) and the freeze's transitions. Reads
/// nothing; refuses with every reason at once.
pub fn check_gate(
    project: &Project,
    rules: &Rules,
    slice: &Slice,
    target: Stage,
    superseded: bool,
) -> Result<(), LifecycleError> {
    let feature = slice.feature.pascal();
    let refused = refusal(project, rules, slice, target).or_else(|| {
        (superseded && target != Stage::Superseded).then(|| {
            (
                vec![
                    "--by names the slice that supersedes this one; it goes with superseded only"
                        .into(),
                ],
                format!("lancelot set-status {feature} superseded --by <FEATURE>"),
            )
        })
    });
    match refused {
        Some((reasons, hint)) => Err(LifecycleError::Refused {
            feature,
            target,
            reasons,
            hint,
        }),
        None => Ok(()),
    }
}

/// Why `slice` may not move to `target`, with what to do; `None` when it may.
fn refusal(
    project: &Project,
    rules: &Rules,
    slice: &Slice,
    target: Stage,
) -> Option<(Vec<String>, String)> {
    let feature = slice.feature.pascal();
    let written = &slice.status;
    let current = slice.stage();
    let frozen = written
        .as_deref()
        .and_then(|status| rules.frozen_status(status));
    let gaps_or_none =
        |gaps: Vec<String>, hint: &str| (!gaps.is_empty()).then(|| (gaps, hint.to_owned()));
    match target {
        // A frozen slice never goes back (SOP 2.1): new work is a new slice.
        Stage::Draft | Stage::Approved | Stage::InProgress if frozen.is_some() => Some((
            vec![format!(
                "the slice is {}, which is frozen: a frozen slice never goes back",
                written.as_deref().unwrap_or_default()
            )],
            format!(
                "put new work in a follow-up slice: {}",
                follow_up_command(slice.layout.spec.as_str(), &|path| {
                    project
                        .slices
                        .iter()
                        .any(|other| other.layout.spec.as_str() == path)
                })
            ),
        )),
        Stage::Draft if current != Some(Stage::Approved) => Some((
            vec![format!(
                "only an Approved slice goes back to Draft (it is {})",
                shown(written)
            )],
            "check the spec's Status line".into(),
        )),
        Stage::Draft => None,
        Stage::Approved if current != Some(Stage::Draft) => Some((
            vec![format!(
                "only a Draft slice can be approved (it is {})",
                shown(written)
            )],
            "check the spec's Status line".into(),
        )),
        Stage::Approved => gaps_or_none(
            approval_gaps(slice),
            "write the contracts first (SOP Step 5): replace each TODO: line, then run set-status again",
        ),
        Stage::InProgress if current != Some(Stage::Approved) => Some((
            vec![format!(
                "the slice must be Approved first (it is {})",
                shown(written)
            )],
            format!("approve it first: lancelot set-status {feature} approved"),
        )),
        Stage::InProgress => {
            let mut gaps = approval_gaps(slice);
            gaps.extend(completeness_gaps(project, slice));
            gaps_or_none(
                gaps,
                "complete the slice (SOP 8.1: spec, blueprint, architecture note, runbook, CHANGELOG entry, flag, module), then run set-status again",
            )
        }
        Stage::Done if !unfinished_dependencies(project, slice).is_empty() => {
            let unfinished = unfinished_dependencies(project, slice);
            let first = unfinished[0].feature.pascal();
            Some((
                unfinished
                    .iter()
                    .map(|dependency| {
                        format!(
                            "it depends on {}, which is {}",
                            dependency.feature.pascal(),
                            shown(&dependency.status)
                        )
                    })
                    .collect(),
                format!(
                    "a slice is done when what it builds on is: finish {first} first (lancelot set-status {first} done), or drop it from the spec's Depends on"
                ),
            ))
        }
        Stage::Done | Stage::Superseded => {
            let from = written.as_deref().unwrap_or_default();
            let allowed: Vec<String> = rules
                .transition_names
                .iter()
                .map(|(from, to)| format!("{from} -> {to}"))
                .collect();
            (!rules.allowed_transition(from, target.label())).then(|| {
                (
                    vec![format!(
                        "the freeze does not allow {} -> {target}",
                        shown(written)
                    )],
                    format!("allowed transitions: {}", allowed.join(", ")),
                )
            })
        }
    }
}

/// The slices `slice` depends on that are not finished: neither Done nor Superseded
/// (a superseded slice is history; its successor carries the work on).
pub fn unfinished_dependencies<'p>(project: &'p Project, slice: &Slice) -> Vec<&'p Slice> {
    project
        .dependencies(slice)
        .0
        .into_iter()
        .filter(|dependency| !matches!(dependency.stage(), Some(Stage::Done | Stage::Superseded)))
        .collect()
}

/// The edits that move `slice` to `target`: the status of the spec and the
/// blueprint, and a `Superseded by` link to `superseded_by`.
pub fn status_edits(
    slice: &Slice,
    target: Stage,
    superseded_by: Option<&Slice>,
) -> Result<Plan, LifecycleError> {
    let mut plan = Plan::new();
    let documents = [
        (&slice.layout.spec, Some(&slice.spec)),
        (&slice.layout.blueprint, slice.blueprint.as_ref()),
    ];
    for (path, text) in documents {
        let Some(text) = text else { continue };
        let plain_text = apply::plain(text);
        let mut updated =
            doc::set_field_value(&plain_text, "Status", target.label()).ok_or_else(|| {
                LifecycleError::Refused {
                    feature: slice.feature.pascal(),
                    target,
                    reasons: vec![format!("{path} has no Status line")],
                    hint: "add a `**Status:**` header line".into(),
                }
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
        if updated != plain_text {
            plan.push(FileChange::edit(path.clone(), text.clone(), &updated));
        }
    }
    Ok(plan)
}

fn shown(status: &Option<String>) -> String {
    status.clone().unwrap_or_else(|| "without a status".into())
}

#[cfg(test)]
mod tests {
    //! The gates of SOP §§3-6 and the freeze's transitions, without a repository.

    use std::collections::HashSet;

    use super::*;
    use crate::config::Config;
    use crate::feature::FeatureName;
    use crate::fs::RelPath;
    use crate::slice::ExistingSlice;

    const SECTIONS: &str = "## Data Models\n\nA model.\n\n## Public Methods\n\nstart()\n\n## Endpoints\n\nGET /x\n\n## Receipts Emitted\n\nx.started\n\n## Health and Readiness Signals\n\nready\n";
    const BLUEPRINT: &str = "# Blueprint\n\n**Status:** Approved\n\n## Build Order\n\n1\n\n## Round 1\n\nx\n\n## Round 2\n\ny\n\n## Test Strategy\n\nz\n\n## Rollout Notes\n\nw\n";

    fn spec(status: &str, contracts: &str) -> String {
        format!(
            "# Alpha\n\n- **Status:** {status}\n- **Depends on:** none\n- **Scope:** the alpha\n\n{contracts}"
        )
    }

    fn slice(config: &Config, status: &str, contracts: &str, blueprint: Option<&str>) -> Slice {
        let feature = FeatureName::parse("Alpha").unwrap();
        let existing = ExistingSlice {
            spec: RelPath::parse("docs/specs/Lancelot_vNext2_Spec_Alpha.md").unwrap(),
            feature,
        };
        Slice::from_spec(config, &existing, spec(status, contracts))
            .with_blueprint(blueprint.map(str::to_owned))
    }

    /// A project where the slice is complete, or not.
    fn project(config: &Config, slice: &Slice, complete: bool) -> Project {
        let present: HashSet<RelPath> = if complete {
            slice
                .supporting_files()
                .iter()
                .map(|(_, path)| (*path).clone())
                .collect()
        } else {
            HashSet::new()
        };
        let entry = format!(
            "- Alpha ({} {})\n",
            slice.layout.spec.file_name(),
            slice.layout.blueprint.file_name()
        );
        Project::from_parts(
            config.clone(),
            vec![slice.clone()],
            if complete { entry } else { String::new() },
            if complete {
                vec![slice.flag.as_str().to_owned()]
            } else {
                Vec::new()
            },
            present,
        )
    }

    fn gate(status: &str, target: Stage, complete: bool) -> Result<(), Vec<String>> {
        let config = Config::default();
        let rules = Rules::new(&config.freeze).unwrap();
        let contracts = if complete {
            SECTIONS
        } else {
            "## Data Models\n\nTODO: write\n"
        };
        let slice = slice(&config, status, contracts, complete.then_some(BLUEPRINT));
        check_gate(
            &project(&config, &slice, complete),
            &rules,
            &slice,
            target,
            false,
        )
        .map_err(|error| match error {
            LifecycleError::Refused { reasons, .. } => reasons,
            other => vec![other.to_string()],
        })
    }

    #[test]
    fn approval_needs_the_contracts_written() {
        assert_eq!(gate("Draft", Stage::Approved, true), Ok(()));
        let gaps = gate("Draft", Stage::Approved, false).unwrap_err();
        assert!(
            gaps.iter()
                .any(|gap| gap.contains("\"Data Models\" section is not written")),
            "{gaps:?}"
        );
        assert!(
            gaps.iter()
                .any(|gap| gap.contains("no \"Endpoints\" section")),
            "{gaps:?}"
        );
    }

    #[test]
    fn work_starts_on_an_approved_complete_slice_only() {
        assert_eq!(gate("Approved", Stage::InProgress, true), Ok(()));
        let gaps = gate("Approved", Stage::InProgress, false).unwrap_err();
        for missing in [
            "the blueprint",
            "the architecture note",
            "the runbook",
            "has no entry",
            "the flag FEATURE_ALPHA",
        ] {
            assert!(
                gaps.iter().any(|gap| gap.contains(missing)),
                "{missing}: {gaps:?}"
            );
        }
        let gaps = gate("Draft", Stage::InProgress, true).unwrap_err();
        assert!(gaps[0].contains("must be Approved first"), "{gaps:?}");
    }

    #[test]
    fn statuses_move_forward_and_a_frozen_slice_never_back() {
        assert_eq!(gate("Approved", Stage::Draft, true), Ok(()));
        assert!(
            gate("Draft", Stage::Draft, true).is_err(),
            "only Approved goes back"
        );
        assert_eq!(gate("In Progress", Stage::Done, true), Ok(()));
        assert_eq!(gate("In Progress", Stage::Superseded, true), Ok(()));
        assert_eq!(gate("Done", Stage::Superseded, true), Ok(()));
        for (from, to) in [
            ("In Progress", Stage::Draft),
            ("In Progress", Stage::Approved),
            ("Done", Stage::InProgress),
            ("Superseded", Stage::Done),
        ] {
            let reasons = gate(from, to, true).unwrap_err();
            assert!(
                reasons[0].contains("frozen slice never goes back")
                    || reasons[0].contains("the freeze does not allow"),
                "{from} -> {to}: {reasons:?}"
            );
        }
        assert!(gate("Draft", Stage::Done, true).unwrap_err()[0].contains("does not allow"));
    }

    #[test]
    fn superseded_by_goes_with_superseded_only() {
        let config = Config::default();
        let rules = Rules::new(&config.freeze).unwrap();
        let alpha = slice(&config, "In Progress", SECTIONS, Some(BLUEPRINT));
        let project = project(&config, &alpha, true);
        assert!(check_gate(&project, &rules, &alpha, Stage::Done, true).is_err());
        assert!(check_gate(&project, &rules, &alpha, Stage::Superseded, true).is_ok());
    }

    #[test]
    fn the_edits_write_the_status_and_the_superseding_link() {
        let config = Config::default();
        let alpha = slice(&config, "In Progress", SECTIONS, Some(BLUEPRINT));
        let mut beta = alpha.clone();
        beta.feature = FeatureName::parse("Beta").unwrap();
        beta.layout.spec = RelPath::parse("docs/specs/Lancelot_vNext2_Spec_Beta.md").unwrap();
        let plan = status_edits(&alpha, Stage::Superseded, Some(&beta)).unwrap();
        assert_eq!(plan.changes().len(), 2, "the spec and the blueprint");
        let spec = plan.changes()[0].contents();
        assert!(spec.contains("- **Status:** Superseded\n- **Superseded by:** [Beta](Lancelot_vNext2_Spec_Beta.md)\n"), "{spec}");
    }
}
