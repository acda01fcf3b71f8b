//! `lancelot lint`: every slice checked against the SOP.

use clap::Args;
use serde_json::json;

use super::{Invocation, load_project};
use crate::lifecycle::source::SourceTree;
use crate::lifecycle::{board, lint};
use crate::ui::{self, BOLD, DIM, FindingsOutputArgs, HELP, WARNING};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot lint`.
#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 no findings, 1 findings, 2 lint could not run.")]
pub struct LintArgs {
    /// How the report is printed: `--format text|json|github|codequality` (GitHub
    /// Actions annotations on each file and a job summary; GitLab's Code Quality
    /// report).
    #[command(flatten)]
    pub output: FindingsOutputArgs,
}

/// Runs `lancelot lint`.
pub fn run(invocation: &Invocation, args: &LintArgs) -> Result<ExitStatus, Error> {
    let (workspace, project) = load_project(invocation)?;
    let context = lint::Context {
        elsewhere: &crate::branches::elsewhere(&workspace.repo, &project.config)?,
        last_change: &board::last_change_dates(&workspace.repo, &project),
        tree: &SourceTree::read(workspace.files.path(), &project.config),
        today: &crate::clock::today(),
    };
    let findings = lint::lint(&project, context);
    let failing = findings
        .iter()
        .any(|finding| finding.level == lint::Level::Deny);
    let status = if !failing {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    };
    args.output.emit(
        "lancelot lint",
        || json!({ "slices_checked": project.slices.len(), "findings": findings }),
        || lint_text(&findings, project.slices.len()),
        || {
            findings
                .iter()
                .map(|finding| ui::ci::Annotation {
                    file: finding.file.clone(),
                    line: None,
                    title: format!("lancelot lint: {}", finding.rule),
                    message: format!(
                        "{}: {}; fix: {}",
                        finding.file, finding.problem, finding.fix
                    ),
                    warning: finding.level == lint::Level::Warn,
                })
                .collect()
        },
    )?;
    Ok(status)
}

/// The lint report for people.
fn lint_text(findings: &[lint::Finding], checked: usize) -> String {
    if findings.is_empty() {
        return format!("lancelot: {checked} slice(s) checked, no findings\n");
    }
    let mut text = String::new();
    let mut last = None;
    for finding in findings {
        if last != Some(&finding.slice) {
            text.push_str(&format!(
                "{BOLD}{}{BOLD:#}\n",
                if finding.slice == "-" {
                    "repository"
                } else {
                    &finding.slice
                }
            ));
            last = Some(&finding.slice);
        }
        let warning = if finding.level == lint::Level::Warn {
            format!("{WARNING}warning:{WARNING:#} ")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "  {warning}{}: {} {DIM}[{}]{DIM:#}\n    {HELP}fix:{HELP:#} {}\n",
            ui::safe(&finding.file),
            ui::safe(&finding.problem),
            finding.rule,
            ui::safe(&finding.fix)
        ));
    }
    text.push_str(&format!("\n{} finding(s)\n", findings.len()));
    text
}
