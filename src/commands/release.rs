//! `lancelot release`: cut a version from the CHANGELOG's unreleased entries.

use clap::Args;
use semver::Version;
use serde_json::json;

use super::Invocation;
use crate::lifecycle::Project;
use crate::receipts;
use crate::release::{self, Release, ReleaseError, Request, Target};
use crate::slice::Bump;
use crate::ui::{self, BOLD, DIM, HELP, OutputArgs, WARNING};
use crate::{Error, ExitStatus, clock};

const AFTER_HELP: &str = "\
Without a version, the next one is the highest bump the unreleased CHANGELOG entries
declare in the field list that ends each entry, `(bump: major|minor|patch; …)`; an
entry without one counts as patch.

The release moves the [Unreleased] entries into a `## [X.Y.Z] - date` section,
rewrites the [release] version_files, commits exactly those files as
`release: <tag>` and adds an annotated tag. It refuses, changing nothing, when
tracked files are modified, nothing is unreleased, the version is not greater, the
tag exists, the CHANGELOG and the tags disagree, a version file or key is missing,
or HEAD is detached. If the commit or the tag fails, everything is restored.

Examples:
  lancelot release --dry-run
  lancelot release minor --pre rc     # 1.3.0-rc.1, then rc.2, …
  lancelot release                    # promotes 1.3.0-rc.2 to 1.3.0
  lancelot release 2.0.0
  lancelot release --next             # prints the next version only";

/// Arguments of `lancelot release`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ReleaseArgs {
    /// major, minor, patch, or an exact semver version such as 2.0.0 [default: computed]
    #[arg(value_name = "BUMP|VERSION")]
    pub target: Option<String>,

    /// Cut a prerelease with this label: X.Y.Z-<LABEL>.N
    #[arg(long, value_name = "LABEL")]
    pub pre: Option<String>,

    /// Print the next version, the CHANGELOG section and the files it would change; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Print only the next version (for scripts)
    #[arg(long, conflicts_with_all = ["dry_run", "no_commit", "no_tag"])]
    pub next: bool,

    /// Write the files but do not commit (and so do not tag)
    #[arg(long)]
    pub no_commit: bool,

    /// Commit but do not tag
    #[arg(long)]
    pub no_tag: bool,

    /// Release even though HEAD is not on a branch
    #[arg(long)]
    pub allow_detached: bool,

    /// How the report is printed: `--format text|json`.

    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_target(text: Option<&str>, pre: Option<&str>) -> Result<Target, Error> {
    let Some(text) = text else {
        return Ok(Target::Computed);
    };
    for bump in [Bump::Major, Bump::Minor, Bump::Patch] {
        if text.eq_ignore_ascii_case(bump.as_str()) {
            return Ok(Target::Level(bump));
        }
    }
    if pre.is_some() {
        return Err(Error::usage(
            format!("--pre needs a bump, not the exact version {text}"),
            "give the prerelease itself (e.g. 2.0.0-rc.1), or a bump with --pre (e.g. major --pre rc)",
        ));
    }
    // `v2.0.0` is how tags spell it: the version is the same (as `changelog show`).
    let version = text
        .strip_prefix(['v', 'V'])
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(text);
    Version::parse(version).map(Target::Exact).map_err(|error| {
        ReleaseError::NotAVersion {
            text: text.to_owned(),
            reason: error.to_string(),
        }
        .into()
    })
}

/// Runs `lancelot release`. Every refusal of a real run, from a version that does not
/// parse to a commit that fails, leaves a `release.refused` receipt.
pub fn run(invocation: &Invocation, args: &ReleaseArgs) -> Result<ExitStatus, Error> {
    let workspace = invocation.workspace()?;
    let real = !args.next && !args.dry_run;
    let outcome = release(invocation, &workspace, args);
    if let (true, Err(error)) = (real, &outcome) {
        super::record(
            &workspace.repo,
            receipts::RELEASE_REFUSED,
            json!({
                "requested": { "target": args.target, "pre": args.pre },
                "reason": error.to_string(),
            }),
        );
    }
    outcome
}

fn release(
    invocation: &Invocation,
    workspace: &crate::repo::Workspace,
    args: &ReleaseArgs,
) -> Result<ExitStatus, Error> {
    let real = !args.next && !args.dry_run;
    let lock = real.then(|| workspace.lock("release")).transpose()?;
    let config = invocation.config(&workspace.files)?;
    let request = Request {
        target: parse_target(args.target.as_deref(), args.pre.as_deref())?,
        pre: args.pre.clone(),
        allow_detached: args.allow_detached,
        // A dry run checks everything the real run checks; only --next, a query,
        // answers from a work tree in any state.
        check_tree: !args.next,
    };
    let repo = &workspace.repo;
    let release = release::prepare(repo, &workspace.files, &config, &request, &clock::today())?;
    // Said, not refused: flags keep unfinished work dark, and teams ship it so.
    let not_done: Vec<(String, String)> = Project::load(&workspace.files, config)
        .map(|project| {
            project
                .not_done_in(&release.section)
                .iter()
                .map(|slice| {
                    (
                        slice.feature.pascal(),
                        slice
                            .status
                            .clone()
                            .unwrap_or_else(|| "without a status".into()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();

    if args.next {
        ui::out(&format!("{}\n", release.next))?;
        return Ok(ExitStatus::Success);
    }
    if args.dry_run {
        report(args, &release, &not_done, None)?;
        return Ok(ExitStatus::Success);
    }
    let commit = !args.no_commit;
    let executed = release::execute(
        repo,
        &workspace.files,
        &release,
        lock.as_ref().map(crate::lock::RepoLock::journal),
        commit,
        commit && !args.no_tag,
    )?;
    super::record(
        repo,
        receipts::RELEASE_CUT,
        json!({
            "version": release.next.to_string(),
            "previous": release.current.to_string(),
            "tag": executed.tag,
            "commit": executed.commit.map(|oid| oid.to_string()),
            "files": release.plan.summary(),
            "not_done": not_done_json(&not_done),
        }),
    );
    report(args, &release, &not_done, Some(&executed))?;
    Ok(ExitStatus::Success)
}

fn not_done_json(not_done: &[(String, String)]) -> serde_json::Value {
    not_done
        .iter()
        .map(|(slice, status)| json!({ "slice": slice, "status": status }))
        .collect()
}

/// The warning naming the released entries of slices that are not Done.
fn not_done_warning(not_done: &[(String, String)]) -> String {
    if not_done.is_empty() {
        return String::new();
    }
    let named: Vec<String> = not_done
        .iter()
        .map(|(slice, status)| format!("{slice} ({})", ui::safe(status)))
        .collect();
    format!(
        "\n{WARNING}warning:{WARNING:#} the release lists the entries of {} slice(s) that are not Done: {}; their work ships unfinished (behind its flag) or replaced\n",
        not_done.len(),
        named.join(", ")
    )
}

fn report(
    args: &ReleaseArgs,
    release: &Release,
    not_done: &[(String, String)],
    executed: Option<&release::Executed>,
) -> Result<(), Error> {
    let bump = release
        .bump
        .map_or("explicit".to_owned(), |bump| bump.to_string());
    let json = || {
        json!({
            "dry_run": executed.is_none(),
            "current": release.current.to_string(),
            "next": release.next.to_string(),
            "bump": bump,
            "tag": release.tag,
            "absorbed": release.absorbed.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "section": release.section,
            "files": release.plan.summary(),
            "commit": executed.and_then(|e| e.commit).map(|oid| oid.to_string()),
            "tagged": executed.and_then(|e| e.tag.clone()),
            "not_done": not_done_json(not_done),
        })
    };
    let text = || {
        let mut text = String::new();
        match executed {
            None => {
                text.push_str(&format!(
                    "{BOLD}Dry run: the next version is {}{BOLD:#} ({bump}, from {}) {DIM}(nothing was written){DIM:#}\n\n",
                    release.next, release.current
                ));
                text.push_str("CHANGELOG section:\n\n");
                for line in release.section.trim_end().lines() {
                    text.push_str(&format!("    {}\n", ui::safe(line)));
                }
                text.push_str(&not_done_warning(not_done));
                text.push_str("\nFiles it would change:\n");
                text.push_str(&ui::plan_lines(&release.plan));
                text.push_str(&format!(
                    "\nThen: commit \"release: {}\" and annotated tag {}\n{HELP}help:{HELP:#} run it without --dry-run to release\n",
                    ui::safe(&release.tag),
                    ui::safe(&release.tag)
                ));
            }
            Some(executed) => {
                text.push_str(&format!(
                    "{BOLD}Released {}{BOLD:#} ({bump}, from {})\n",
                    release.next, release.current
                ));
                text.push_str(&ui::plan_lines(&release.plan));
                if let Some(commit) = executed.commit {
                    text.push_str(&format!(
                        "  commit  {} release: {}\n",
                        &commit.to_string()[..10],
                        ui::safe(&release.tag)
                    ));
                }
                if let Some(tag) = &executed.tag {
                    text.push_str(&format!("  tag     {}\n", ui::safe(tag)));
                }
                text.push_str(&not_done_warning(not_done));
                match &executed.tag {
                    Some(_) => text.push_str("\nPush it: git push --follow-tags\n"),
                    None => {
                        let tag = ui::safe(&release.tag);
                        text.push_str(&match executed.commit {
                            None => format!(
                                "\nNothing committed (--no-commit): review, commit (`git commit -am \"release: {tag}\"`) and tag it (`git tag -a {tag} -m \"Release {tag}\"`) before the next release.\n"
                            ),
                            Some(commit) => format!(
                                "\nNot tagged (--no-tag): tag the release commit (`git tag -a {tag} {} -m \"Release {tag}\"`) before the next release, which reads the current version from the tags.\n",
                                &commit.to_string()[..10]
                            ),
                        });
                    }
                }
            }
        }
        text
    };
    args.output.emit(json, text)
}
