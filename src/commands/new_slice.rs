//! `lancelot new-slice`: scaffold a whole upgrade slice, from flags or the wizard.

use std::io::IsTerminal;

use clap::Args;
use serde_json::json;

use super::Invocation;
use crate::apply::Plan;
use crate::receipts;
use crate::repo::Workspace;
use crate::scaffold::{Scaffolder, SliceRequest};
use crate::slice::{Bump, Kind};
use crate::ui::{self, BOLD, DIM, HELP, OutputArgs};
use crate::wizard::{self, Answers, PromptError, Prompter, TerminalPrompter};
use crate::{Error, ExitStatus, clock};

const AFTER_HELP: &str = "\
With stdin and stderr on a terminal and no --yes, a wizard asks for whatever the
flags did not give, shows the plan and asks to confirm. Without a terminal every
answer comes from flags: --summary is required, everything else has a default.

Everything is written at once or not at all: if any file cannot be written, the
files already written are removed and the CHANGELOG and env file are restored.

Examples:
  lancelot new-slice \"Health Monitor\"
  lancelot new-slice health-monitor --summary \"Watch service health\" --kind subsystem --yes
  lancelot new-slice Scheduler --summary \"Run recurring jobs\" --depends-on HealthMonitor \\
      --include \"cron-style schedules\" --exclude \"distributed locking\" --bump minor --dry-run";

/// Arguments of `lancelot new-slice`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct NewSliceArgs {
    /// The feature, as you would write it: "Health Monitor", health-monitor or HealthMonitor
    #[arg(value_name = "FEATURE")]
    pub feature: Option<String>,

    /// One-line summary (spec, CHANGELOG entry, module docstring)
    #[arg(long, short = 's', value_name = "TEXT")]
    pub summary: Option<String>,

    /// A slice this one depends on (repeatable; must exist)
    #[arg(long = "depends-on", value_name = "FEATURE", add = clap_complete::ArgValueCompleter::new(super::shell::feature_names))]
    pub depends_on: Vec<String>,

    /// Something the slice explicitly includes (repeatable)
    #[arg(long = "include", value_name = "ITEM")]
    pub include: Vec<String>,

    /// Something the slice explicitly leaves out (repeatable)
    #[arg(long = "exclude", value_name = "ITEM")]
    pub exclude: Vec<String>,

    /// Why it is a new slice, per SOP 2.2 (repeatable)
    #[arg(long = "kind", value_enum, value_name = "KIND")]
    pub kinds: Vec<Kind>,

    /// The owning module: a file, or a package folder ending in / [default: <modules>/<feature>.<ext>]
    #[arg(long, value_name = "PATH")]
    pub module: Option<String>,

    /// The feature flag [default: FEATURE_<FEATURE>]
    #[arg(long, value_name = "NAME")]
    pub flag: Option<String>,

    /// The version bump the slice declares for its release [default: minor]
    #[arg(long, value_enum)]
    pub bump: Option<Bump>,

    /// Print every file that would be created or changed, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask anything: take every answer from flags and defaults
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// How the report is printed: `--format text|json`.

    #[command(flatten)]
    pub output: OutputArgs,
}

impl NewSliceArgs {
    fn answers(&self) -> Answers {
        Answers {
            feature: self.feature.clone(),
            summary: self.summary.clone(),
            depends_on: self.depends_on.clone(),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            kinds: self.kinds.clone(),
            module: self.module.clone(),
            flag: self.flag.clone(),
            bump: self.bump,
        }
    }
}

/// Runs `lancelot new-slice`.
///
/// A run from flags holds the repository's writer lock from its first read. The wizard
/// asks without it (a person may take minutes); once the plan is confirmed, the lock
/// is taken and the slice planned again from what the repository holds then.
pub fn run(invocation: &Invocation, args: &NewSliceArgs) -> Result<ExitStatus, Error> {
    let workspace = invocation.workspace()?;
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let early_lock = (!interactive && !args.dry_run)
        .then(|| workspace.lock("new-slice"))
        .transpose()?;
    let config = invocation.config(&workspace.files)?;
    let elsewhere = crate::branches::elsewhere(&workspace.repo, &config)?;
    let scaffolder = Scaffolder::new(&workspace.files, config)?.with_elsewhere(elsewhere);

    let mut terminal = interactive.then(|| {
        wizard::install_interrupt_handler();
        TerminalPrompter::new()
    });
    let request = wizard::resolve(
        &scaffolder,
        &args.answers(),
        terminal
            .as_mut()
            .map(|prompter| prompter as &mut dyn Prompter),
    )?;
    let mut plan = scaffolder.plan(&request, clock::today())?;

    if let Some(prompter) = terminal.as_mut().filter(|_| !args.dry_run) {
        ui::err(&format!(
            "\n{BOLD}The slice {} will write:{BOLD:#}\n{}",
            request.feature,
            ui::plan_lines(&plan)
        ));
        if !prompter.confirm("Write these files?", true)? {
            return Err(PromptError::Declined.into());
        }
    }
    if !args.dry_run {
        let lock = match early_lock {
            Some(lock) => lock,
            None => {
                let lock = workspace.lock("new-slice")?;
                plan = replan(invocation, &workspace, &request, &plan)?;
                lock
            }
        };
        plan.apply_journaled(&workspace.files, lock.journal())?;
        let details = json!({
            "slice": request.feature.pascal(),
            "flag": request.flag.as_str(),
            "bump": request.bump.as_str(),
            "depends_on": request.depends_on.iter().map(|s| s.feature.pascal()).collect::<Vec<_>>(),
            "files": plan.summary(),
        });
        super::record(&workspace.repo, receipts::SLICE_CREATED, details);
    }
    report(args, &request, &plan)?;
    Ok(ExitStatus::Success)
}

/// Plans the confirmed request again under the lock: the slice must still be new and
/// its dependencies still there, and it must write the files the user confirmed.
fn replan(
    invocation: &Invocation,
    workspace: &Workspace,
    request: &SliceRequest,
    confirmed: &Plan,
) -> Result<Plan, Error> {
    let config = invocation.config(&workspace.files)?;
    let elsewhere = crate::branches::elsewhere(&workspace.repo, &config)?;
    let scaffolder = Scaffolder::new(&workspace.files, config)?.with_elsewhere(elsewhere);
    scaffolder.recheck(request)?;
    let plan = scaffolder.plan(request, clock::today())?;
    let files = |plan: &Plan| {
        plan.changes()
            .iter()
            .map(|change| (change.path().clone(), change.action()))
            .collect::<Vec<_>>()
    };
    if files(&plan) != files(confirmed) {
        return Err(Error::usage(
            "the repository changed while you answered: the slice would now write other files; nothing was written",
            "run new-slice again",
        ));
    }
    Ok(plan)
}

fn report(args: &NewSliceArgs, request: &SliceRequest, plan: &Plan) -> Result<(), Error> {
    args.output.emit(
        || report_json(args, request, plan),
        || report_text(args, request, plan),
    )
}

fn report_json(args: &NewSliceArgs, request: &SliceRequest, plan: &Plan) -> serde_json::Value {
    let feature = &request.feature;
    let changes: Vec<_> = plan
        .changes()
        .iter()
        .map(|change| {
            let mut value = json!({ "path": change.path().as_str(), "action": change.action() });
            if args.dry_run {
                value["contents"] = json!(change.contents());
            }
            value
        })
        .collect();
    json!({
        "dry_run": args.dry_run,
        "feature": {
            "pascal": feature.pascal(),
            "snake": feature.snake(),
            "title": feature.title(),
        },
        "flag": request.flag.as_str(),
        "bump": request.bump.as_str(),
        "depends_on": request.depends_on.iter().map(|s| s.feature.pascal()).collect::<Vec<_>>(),
        "changes": changes,
    })
}

fn report_text(args: &NewSliceArgs, request: &SliceRequest, plan: &Plan) -> String {
    let feature = &request.feature;
    let mut text = if args.dry_run {
        format!(
            "{BOLD}Dry run: the slice {feature} would write these files{BOLD:#} {DIM}(nothing was written){DIM:#}\n"
        )
    } else {
        format!(
            "{BOLD}Created the slice {feature}{BOLD:#} ({}, bump {})\n",
            request.flag, request.bump
        )
    };
    text.push_str(&ui::plan_lines(plan));
    if args.dry_run {
        for change in plan.changes() {
            if let crate::apply::FileChange::Update { .. } = change {
                text.push('\n');
                text.push_str(&ui::safe_block(&change.diff()));
            }
        }
        text.push_str(&format!(
            "\n{HELP}help:{HELP:#} run the same command without --dry-run to write them\n"
        ));
    } else {
        text.push_str(&format!(
            "\nNext: write the TODO: sections of the spec's contracts, then `git add` and commit the slice.\n\
             The flag {} is off, so the system boots without the slice.\n",
            request.flag
        ));
    }
    text
}
