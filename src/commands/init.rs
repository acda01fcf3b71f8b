//! `lancelot init`: set a repository up for slices, creating only what is missing.
//!
//! In a repository without `lancelot.toml`, init first looks at what is there (the
//! CHANGELOG, release tags, version files, language, hook managers, a documentation
//! site, the history) and writes what it found into the new `lancelot.toml`, showing
//! each finding with its reason. Where there are several candidates it asks on a
//! terminal; otherwise it takes the most likely one and says which others it saw.

use std::io::IsTerminal;

use clap::Args;
use serde_json::json;

use super::Invocation;
use crate::apply::Plan;
use crate::config::Config;
use crate::detect::{self, Choices, Detected, Finding, SLICES_APART};
use crate::fs::RelPath;
use crate::scaffold::setup::{self, Setup};
use crate::ui::{self, BOLD, DIM, OutputArgs, WARNING};
use crate::wizard::{self, Prompter, TerminalPrompter};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot init`.
#[derive(Debug, Args)]
#[command(after_help = "\
init never overwrites: it reports what it created and what already existed.

In a repository that has no lancelot.toml yet, init first detects what is there and
writes it into the new lancelot.toml: the CHANGELOG (no second one is created), the
release tag style (tag_prefix), the repository URL for compare links, the files that
carry the version, the language and module layout, and the current commit as the
freeze baseline (history before lancelot is not judged). Each finding is shown with
its reason. On a terminal, init asks where there are several candidates; --yes (or no
terminal) takes the most likely one. See `lancelot guide adoption`.")]
pub struct InitArgs {
    /// Show what would be detected and created, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask: take the most likely candidate wherever there are several
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// How the report is printed: `--format text|json`.

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `lancelot init`.
pub fn run(invocation: &Invocation, args: &InitArgs) -> Result<ExitStatus, Error> {
    let workspace = invocation.workspace()?;
    let lock = (!args.dry_run)
        .then(|| workspace.lock("init"))
        .transpose()?;
    let root = &workspace.files;
    if let Some(path) = invocation.config.as_ref().filter(|path| !path.exists()) {
        return Err(Error::usage(
            format!("the configuration file {} does not exist", path.display()),
            "init creates lancelot.toml at the repository root; drop --config, or create the file first",
        ));
    }
    let detected = detect::detect(&workspace.repo, root);
    let adopting = invocation.config.is_none() && !root.exists(&RelPath::config_file())?;

    let mut findings = Vec::new();
    let (config, config_text) = if adopting {
        let interactive = !args.yes
            && !args.dry_run
            && !args.output.is_json()
            && std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal();
        let choices = if interactive {
            wizard::install_interrupt_handler();
            ask(&detected, &mut TerminalPrompter::new())?
        } else {
            Choices::default()
        };
        findings = detected.findings(&choices);
        let text = detected.adoption(&choices).to_toml();
        (
            Config::from_toml(&text, "the detected configuration")?,
            Some(text),
        )
    } else {
        (invocation.config(root)?, None)
    };
    let Setup {
        plan,
        existing,
        warnings,
    } = setup::plan(root, &config, config_text, &detected.changelogs)?;
    if let Some(lock) = &lock {
        plan.apply_journaled(root, lock.journal())?;
    }
    args.output.emit(
        || {
            json!({
                "dry_run": args.dry_run,
                "detected": findings.iter().map(|finding| json!({
                    "topic": finding.topic,
                    "value": finding.value,
                    "reason": finding.reason,
                })).collect::<Vec<_>>(),
                "created": plan.summary(),
                "existing": existing,
                "warnings": warnings,
            })
        },
        || text_report(args.dry_run, &findings, &plan, &existing, &warnings),
    )?;
    Ok(ExitStatus::Success)
}

/// Asks between candidates where detection found several.
fn ask(detected: &Detected, prompter: &mut dyn Prompter) -> Result<Choices, Error> {
    let mut choices = Choices::default();
    if detected.changelogs.len() > 1 {
        let items: Vec<String> = detected
            .changelogs
            .iter()
            .map(ToString::to_string)
            .collect();
        choices.changelog =
            prompter.choose_one("Which CHANGELOG does lancelot keep?", &items, 0)?;
    }
    if detected.tag_styles.len() > 1 {
        let items: Vec<String> = detected
            .tag_styles
            .iter()
            .map(|(prefix, count, example)| {
                format!("tag_prefix = \"{prefix}\"  ({count} tags like {example})")
            })
            .collect();
        choices.tag_style = prompter.choose_one("Which tags are releases?", &items, 0)?;
    }
    if detected.repository_urls.len() > 1 {
        let items: Vec<String> = detected
            .repository_urls
            .iter()
            .map(|(url, source)| format!("{url}  (from {source})"))
            .collect();
        choices.repository_url =
            prompter.choose_one("Which address do CHANGELOG compare links use?", &items, 0)?;
    }
    if let Some(site) = &detected.docs_site {
        let items = vec![
            format!("{SLICES_APART}/  (apart from the site's pages)"),
            "docs/  (specs, blueprints, architecture and runbooks beside the site's pages)"
                .to_owned(),
        ];
        let question = format!("docs/ holds a {site} site. Where do slice documents go?");
        choices.slices_apart = prompter.choose_one(&question, &items, 0)? == 0;
    }
    Ok(choices)
}

/// The text report: what was found and why, then what was (or would be) created.
fn text_report(
    dry_run: bool,
    findings: &[Finding],
    plan: &Plan,
    existing: &[String],
    warnings: &[String],
) -> String {
    let mut text = String::new();
    if !findings.is_empty() {
        text.push_str(&format!("{BOLD}Found:{BOLD:#}\n"));
        let topic_width = findings.iter().map(|f| f.topic.len()).max().unwrap_or(0);
        let value_width = findings
            .iter()
            .map(|f| ui::safe(&f.value).to_string().chars().count())
            .max()
            .unwrap_or(0)
            .min(48);
        for finding in findings {
            text.push_str(&format!(
                "  {:<topic_width$}  {:<value_width$}  {DIM}{}{DIM:#}\n",
                finding.topic,
                ui::safe(&finding.value).to_string(),
                ui::safe(&finding.reason),
            ));
        }
        text.push('\n');
    }
    let verb = if dry_run { "Would create" } else { "Created" };
    if plan.changes().is_empty() {
        text.push_str("Nothing to do: the repository is already set up.\n");
    } else {
        text.push_str(&format!("{BOLD}{verb}:{BOLD:#}\n{}", ui::plan_lines(plan)));
    }
    for path in existing {
        text.push_str(&format!("  {DIM}exists  {}{DIM:#}\n", ui::safe(path)));
    }
    for warning in warnings {
        text.push_str(&format!(
            "{WARNING}warning:{WARNING:#} {}\n",
            ui::safe(warning)
        ));
    }
    if !dry_run && !plan.changes().is_empty() {
        text.push_str("\nNext: review lancelot.toml, then lancelot new-slice \"<Feature>\"\n");
    }
    text
}
