//! `lancelot set-status`: move a slice (spec and blueprint together) through the
//! SOP's gates and the freeze's transitions.

use clap::Args;
use serde_json::json;

use super::Invocation;
use crate::freeze::{self, RulesSource};
use crate::lifecycle::{LifecycleError, Project, Stage, gate};
use crate::receipts;
use crate::ui::{self, BOLD, DIM, OutputArgs};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot set-status`.
#[derive(Debug, Args)]
#[command(after_help = "\
Gates:
  approved     every contract section of the spec (Data Models, Public Methods,
               Endpoints, Receipts Emitted, Health and Readiness Signals), Depends on
               and Scope are written: no TODO: placeholders
  in-progress  approved first, and the slice is complete: blueprint sections, notes,
               runbook, CHANGELOG entry, flag, owning module
  done, superseded
               only along the [freeze] transitions; only the status line changes,
               so the freeze check accepts the commit
A frozen slice never goes back: put new work in a follow-up slice (new-slice).
The spec and the blueprint move together. Files are edited, not committed.")]
pub struct SetStatusArgs {
    /// The slice, in any spelling
    #[arg(add = clap_complete::ArgValueCompleter::new(super::shell::feature_names))]
    pub feature: String,
    /// draft, approved, in-progress, done or superseded (any spelling)
    pub status: String,
    /// The slice that supersedes this one (fills a `Superseded by` line)
    #[arg(long, value_name = "FEATURE")]
    #[arg(add = clap_complete::ArgValueCompleter::new(super::shell::feature_names))]
    pub by: Option<String>,
    /// Show the edit, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// How the report is printed: `--format text|json`.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `lancelot set-status`.
pub fn run(invocation: &Invocation, args: &SetStatusArgs) -> Result<ExitStatus, Error> {
    let workspace = invocation.workspace()?;
    let lock = (!args.dry_run)
        .then(|| workspace.lock("set-status"))
        .transpose()?;
    let config = invocation.config(&workspace.files)?;
    let project = Project::load(&workspace.files, config)?;
    let rules = freeze::load_rules(&workspace.repo, RulesSource::WorkTree)?;
    let slice = project.slice(&args.feature)?;
    let target = Stage::parse(&args.status)
        .ok_or_else(|| LifecycleError::UnknownStatus(args.status.clone()))?;
    let superseded_by = args
        .by
        .as_deref()
        .map(|name| project.slice(name))
        .transpose()?;
    let record = |kind: &str, details: serde_json::Value| {
        if !args.dry_run {
            super::record(&workspace.repo, kind, details);
        }
    };
    let change = match gate::change_status(&project, &rules, slice, target, superseded_by) {
        Ok(change) => change,
        Err(error) => {
            let reasons = match &error {
                LifecycleError::Refused { reasons, .. } => reasons.clone(),
                other => vec![other.to_string()],
            };
            record(
                receipts::SLICE_STATUS_REFUSED,
                json!({ "slice": slice.feature.pascal(), "from": slice.status, "to": target.label(), "reasons": reasons }),
            );
            return Err(error.into());
        }
    };
    if let Some(lock) = &lock {
        change
            .plan
            .apply_journaled(&workspace.files, lock.journal())?;
        if !change.plan.changes().is_empty() {
            record(
                receipts::SLICE_STATUS_CHANGED,
                json!({
                    "slice": slice.feature.pascal(),
                    "from": change.from,
                    "to": target.label(),
                    "superseded_by": superseded_by.map(|s| s.feature.pascal()),
                }),
            );
        }
    }
    args.output.emit(
        || {
            json!({
                "slice": slice.feature.pascal(),
                "from": change.from,
                "to": target.label(),
                "dry_run": args.dry_run,
                "changes": change.plan.summary(),
            })
        },
        || {
            let mut text = if change.plan.changes().is_empty() {
                format!(
                    "{} is already {target}; nothing to change\n",
                    slice.feature.pascal()
                )
            } else {
                let verb = if args.dry_run { "Would move" } else { "Moved" };
                format!(
                    "{BOLD}{verb} {} from {} to {target}{BOLD:#}\n{}",
                    slice.feature.pascal(),
                    ui::safe(change.from.as_deref().unwrap_or("no status")),
                    ui::plan_lines(&change.plan)
                )
            };
            if args.dry_run {
                for change in change.plan.changes() {
                    text.push('\n');
                    text.push_str(&ui::safe_block(&change.diff()));
                }
            } else if !change.plan.changes().is_empty() {
                text.push_str(&format!(
                    "{DIM}Commit the change when ready; lancelot does not commit it.{DIM:#}\n"
                ));
            }
            text
        },
    )?;
    Ok(ExitStatus::Success)
}
