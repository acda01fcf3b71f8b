//! Rendering a freeze [`Report`]: the text an author reads when a commit or push is
//! refused, and the JSON scripts read.

use std::path::Path;

use serde_json::{Value, json};

use super::{ChangeKind, Report, Rules, Violation};
use crate::feature::FeatureName;
use crate::ui::{BOLD, DIM, HELP, safe};

/// The JSON document of a report.
pub fn to_json(report: &Report) -> Value {
    json!({
        "commits_checked": report.commits_checked,
        "violations": report.violations,
        "refused_refs": report.refused_refs,
    })
}

/// Which rules were in force, and the history they leave out.
pub fn rules_line(rules: &Rules) -> String {
    let baseline = rules
        .baseline
        .as_deref()
        .map(|baseline| {
            format!(
                "; history up to the baseline {} is not judged",
                safe(baseline)
            )
        })
        .unwrap_or_default();
    format!("{DIM}rules: {}{baseline}{DIM:#}\n", rules.origin)
}

/// The text of a report with violations: what changed, where, and what to do instead.
pub fn to_text(report: &Report, rules: &Rules, taken: Taken<'_>) -> String {
    let mut text = String::new();
    for refusal in &report.refused_refs {
        text.push_str(&format!(
            "{BOLD}lancelot: {}: {}{BOLD:#}\n",
            safe(&refusal.name),
            refusal.reason.describe()
        ));
        if let Some(detail) = &refusal.detail {
            text.push_str(&format!("    {}\n", safe(detail)));
        }
    }
    let count = report.violations.len();
    if count == 0 {
        return text;
    }
    text.push_str(&format!(
        "{BOLD}lancelot: {count} change{} to frozen documents refused{BOLD:#} (SOP 2.1: no moving targets)\n",
        if count == 1 { "" } else { "s" }
    ));
    let mut last_commit = None;
    for violation in &report.violations {
        let header = (&violation.commit, &violation.parent);
        if last_commit != Some(header) {
            text.push_str(&format!("\n  {}\n", describe_commit(violation)));
            last_commit = Some(header);
        }
        text.push_str(&violation_line(violation));
    }
    if report
        .violations
        .iter()
        .any(|violation| violation.change == ChangeKind::Malformed)
    {
        text.push_str(&format!(
            "\n{HELP}help:{HELP:#} write the commits again so each tree holds every name once (`git fsck` lists such trees)\n"
        ));
    }
    if report
        .violations
        .iter()
        .any(|violation| violation.change == ChangeKind::Attributes)
    {
        text.push_str(&format!(
            "\n{HELP}help:{HELP:#} leave frozen documents out of .gitattributes patterns that set export-ignore, export-subst, filter, working-tree-encoding, ident or a macro (line endings, diff and linguist-* are fine)\n"
        ));
    }
    let edits: Vec<&Violation> = report
        .violations
        .iter()
        .filter(|violation| {
            !matches!(
                violation.change,
                ChangeKind::Malformed | ChangeKind::Attributes
            )
        })
        .collect();
    if edits.is_empty() {
        return text;
    }
    text.push_str(&format!(
        "\n{HELP}help:{HELP:#} a frozen spec or blueprint is never edited; put the new idea in a follow-up slice:\n"
    ));
    let mut suggested = Vec::new();
    for violation in &edits {
        let command = follow_up_command(&violation.path, &|path| taken(violation, path));
        if !suggested.contains(&command) {
            text.push_str(&format!("        {command}\n"));
            suggested.push(command);
        }
    }
    if let Some(staged) = edits.iter().find(|violation| violation.commit == "index") {
        text.push_str(&format!(
            "      to commit without the edit, take it out of the index: git restore --staged {} (git restore --staged --worktree drops it)\n",
            safe(&staged.path)
        ));
    }
    // The oldest commit that edits a frozen document: everything from it on is judged
    // again at the next push, so the edit has to leave those commits.
    if let Some(first) = edits
        .iter()
        .find(|violation| violation.commit != "index" && violation.rewrite.is_none())
    {
        text.push_str(&format!(
            "      to push without the edit, take it out of the commits first: git rebase -i {}~1, then edit or drop that commit (a git revert on top does not help: the edit stays in the history the server judges)\n",
            short(&first.commit)
        ));
    }
    if !rules.transition_names.is_empty() {
        let transitions: Vec<String> = rules
            .transition_names
            .iter()
            .map(|(from, to)| format!("{} -> {}", safe(from), safe(to)))
            .collect();
        text.push_str(&format!(
            "      or change nothing but the status line, along an allowed transition: {}\n",
            transitions.join(", ")
        ));
    }
    text
}

/// One violation's line: the path, what happened, and why it matters.
fn violation_line(violation: &Violation) -> String {
    let path = safe(&violation.path);
    let status = safe(&violation.status);
    match violation.change {
        ChangeKind::Attributes => format!(
            "    {path}: attributes changed: {status} {DIM}(archives drop or rewrite it, or checkouts rewrite it){DIM:#}\n"
        ),
        ChangeKind::Malformed => format!(
            "    {path}: malformed tree: {status} {DIM}(git fsck rejects it, or checkouts disagree on which file it is){DIM:#}\n"
        ),
        change => {
            let carried = match violation.carried_by {
                0 => String::new(),
                1 => ", carried again by 1 later merge".into(),
                count => format!(", carried again by {count} later merges"),
            };
            format!(
                "    {path}: {} {DIM}(frozen: {status}{carried}){DIM:#}\n",
                change.as_str()
            )
        }
    }
}

fn describe_commit(violation: &Violation) -> String {
    if let Some(name) = violation
        .rewrite
        .as_ref()
        .filter(|_| violation.against_default)
    {
        return format!(
            "{} at {}, against the default branch at {} (no ref may contradict its frozen documents)",
            safe(name),
            short(&violation.commit),
            short(&violation.parent)
        );
    }
    if let Some(name) = &violation.rewrite {
        return format!(
            "{} rewritten from {} to {} (not a fast-forward: the old tip's frozen documents are compared with the new tip)",
            safe(name),
            short(&violation.parent),
            short(&violation.commit)
        );
    }
    if violation.commit == "index" {
        return format!(
            "staged changes (compared with HEAD {})",
            short(&violation.parent)
        );
    }
    format!(
        "commit {} \"{}\" (compared with parent {})",
        short(&violation.commit),
        safe(&violation.subject),
        short(&violation.parent)
    )
}

/// The violations of `report` as CI annotations, one on each changed document.
pub fn annotations(report: &Report, taken: Taken<'_>) -> Vec<crate::ui::ci::Annotation> {
    report
        .violations
        .iter()
        .map(|violation| {
            let (title, what) = match violation.change {
                ChangeKind::Attributes => (
                    "Frozen document: attributes changed",
                    format!("attributes changed: {}", violation.status),
                ),
                ChangeKind::Malformed => (
                    "Frozen documents: malformed tree",
                    format!("malformed tree: {}", violation.status),
                ),
                change => (
                    "Frozen document changed",
                    format!("{} (frozen: {})", change.as_str(), violation.status),
                ),
            };
            let at = if violation.commit == "index" {
                "in the staged changes".to_owned()
            } else if violation.subject.is_empty() {
                format!("by commit {}", short(&violation.commit))
            } else {
                format!(
                    "by commit {} ({})",
                    short(&violation.commit),
                    violation.subject
                )
            };
            crate::ui::ci::Annotation {
                file: violation.path.clone(),
                line: None,
                title: title.to_owned(),
                message: format!(
                    "{}: {what}, {at}. A frozen spec or blueprint is never edited (SOP 2.1): put the new idea in a follow-up slice ({}), or change nothing but its status along an allowed transition.",
                    violation.path,
                    follow_up_command(&violation.path, &|path| taken(violation, path))
                ),
                warning: false,
            }
        })
        .collect()
}

fn short(oid: &str) -> &str {
    oid.get(..10).unwrap_or(oid)
}

/// Whether a path exists where a violation was made (see
/// [`super::exists_where`]); follow-up names are picked among those that do not.
pub type Taken<'a> = &'a dyn Fn(&Violation, &str) -> bool;

/// `lancelot new-slice <Feature>V2 --depends-on <Feature>` for a spec or blueprint
/// named by the SOP's convention, with the first version number whose document
/// `exists` says is not there (`HealthMonitorV2` is followed by `HealthMonitorV3`);
/// for any other frozen document (a PEP, a KEP), a generic new slice, since depending
/// on it would fail.
pub fn follow_up_command(path: &str, exists: &dyn Fn(&str) -> bool) -> String {
    let file = Path::new(path);
    let stem = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slice = ["_Spec_", "_Blueprint_"].iter().find_map(|marker| {
        let (prefix, name) = stem.rsplit_once(marker)?;
        let feature = FeatureName::parse(name).ok()?;
        Some((format!("{prefix}{marker}"), feature.pascal()))
    });
    let Some((prefix, frozen)) = slice else {
        return "lancelot new-slice <Feature>".to_owned();
    };
    let (base, version) = versioned(&frozen);
    let sibling = |name: &str| {
        let mut sibling = file.with_file_name(format!("{prefix}{name}"));
        if let Some(extension) = file.extension() {
            sibling.set_extension(extension);
        }
        sibling.to_string_lossy().into_owned()
    };
    let next = (version + 1..version + 1000)
        .map(|number| format!("{base}V{number}"))
        .find(|name| !exists(&sibling(name)))
        .unwrap_or_else(|| format!("{base}Next"));
    format!("lancelot new-slice {next} --depends-on {frozen}")
}

/// `HealthMonitorV2` → (`HealthMonitor`, 2); a name without a version is version 1.
fn versioned(pascal: &str) -> (&str, u32) {
    let digits = pascal.len() - pascal.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, number) = pascal.split_at(pascal.len() - digits);
    match (head.strip_suffix('V'), number.parse()) {
        (Some(base), Ok(number)) if !base.is_empty() => (base, number),
        _ => (pascal, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ups_are_named_after_the_frozen_slice() {
        let none = |_: &str| false;
        assert_eq!(
            follow_up_command("docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md", &none),
            "lancelot new-slice HealthMonitorV2 --depends-on HealthMonitor"
        );
        assert_eq!(
            follow_up_command("docs/blueprints/Acme_v3_Blueprint_Scheduler.md", &none),
            "lancelot new-slice SchedulerV2 --depends-on Scheduler"
        );
        assert_eq!(
            follow_up_command("docs/specs/!!!.md", &none),
            "lancelot new-slice <Feature>"
        );
        assert_eq!(
            follow_up_command("peps/pep-0572.rst", &none),
            "lancelot new-slice <Feature>",
            "a document that is not a slice cannot be depended on"
        );
    }

    #[test]
    fn follow_ups_take_the_first_version_not_taken() {
        let taken = |path: &str| {
            [
                "docs/specs/Lancelot_vNext2_Spec_HealthMonitorV2.md",
                "docs/specs/Lancelot_vNext2_Spec_HealthMonitorV3.md",
            ]
            .contains(&path)
        };
        assert_eq!(
            follow_up_command("docs/specs/Lancelot_vNext2_Spec_HealthMonitor.md", &taken),
            "lancelot new-slice HealthMonitorV4 --depends-on HealthMonitor"
        );
        assert_eq!(
            follow_up_command("docs/specs/Lancelot_vNext2_Spec_HealthMonitorV2.md", &taken),
            "lancelot new-slice HealthMonitorV4 --depends-on HealthMonitorV2"
        );
        assert_eq!(
            follow_up_command("docs/specs/Lancelot_vNext2_Spec_V2.md", &|_| false),
            "lancelot new-slice V2V2 --depends-on V2",
            "a name that is only a version has no base to count from"
        );
        assert_eq!(versioned("ApiV10"), ("Api", 10));
        assert_eq!(versioned("Api10"), ("Api10", 1));
    }
}
