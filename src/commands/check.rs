//! `lancelot check`: run the freeze rule over the staged changes or a range of commits.

use std::sync::Arc;

use clap::{ArgGroup, Args};
use git2::Repository;

use super::Invocation;
use crate::branches::{Clash, SliceName};
use crate::freeze::{self, Checker, Report, Rules, RulesSource, report};
use crate::repo;
use crate::ui::{self, FindingsOutputArgs, plural};
use crate::{Error, ExitStatus};

const AFTER_HELP: &str = "\
The rule: a commit may not change a spec or blueprint that was frozen (In Progress,
Done, Superseded) in its parent, except to move its status along an allowed
transition. Each commit is compared with each of its parents.

The rules in force are never taken from the commits being checked: --staged uses
the lancelot.toml committed at HEAD, --range A..B the one at A (the work tree's for a
single revision), unless --config names a file.

Exit status: 0 no violations, 1 violations found, 2 the check could not run.

Examples:
  lancelot check --staged
  lancelot check --range origin/main..HEAD --format json
  lancelot check --range \"$BASE...$HEAD\" --format github   # in a GitHub Actions job";

/// Arguments of `lancelot check`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP, group(ArgGroup::new("what").required(true).args(["staged", "range"])))]
pub struct CheckArgs {
    /// Check the staged changes (the index) against HEAD, as the pre-commit hook does
    #[arg(long)]
    pub staged: bool,

    /// Check every commit of a range: A..B, A...B, or one revision for its whole history
    #[arg(long, value_name = "RANGE")]
    pub range: Option<String>,

    /// How the report is printed: `--format text|json|github|codequality` (GitHub
    /// Actions annotations on each changed document and a job summary; GitLab's Code
    /// Quality report).
    #[command(flatten)]
    pub output: FindingsOutputArgs,
}

/// Runs `lancelot check`.
pub fn run(invocation: &Invocation, args: &CheckArgs) -> Result<ExitStatus, Error> {
    let repo = repo::discover(&invocation.dir)?;
    let explicit = invocation.config.as_deref().map(RulesSource::File);
    let (report, rules) = match &args.range {
        Some(range) => {
            let (mut commits, base) = freeze::range_commits(&repo, range, &[])?;
            let source =
                explicit.unwrap_or(base.map_or(RulesSource::WorkTree, RulesSource::Commit));
            let rules = freeze::load_rules(&repo, source)?;
            if let Some(baseline) = freeze::baseline_commit(&repo, &rules) {
                commits = freeze::range_commits(&repo, range, &[baseline])?.0;
            }
            let path = repo.path().to_owned();
            let mut checker = Checker::for_repository(&repo, rules)?
                .with_threads_from_git_config(Arc::new(move || Repository::open(&path)))?;
            let progress = args
                .output
                .is_text()
                .then(|| ui::progress::on_terminal("judged", "commits"))
                .flatten();
            if let Some(progress) = progress {
                checker = checker.with_progress(progress);
            }
            (checker.check_commits(&commits)?, checker.into_rules())
        }
        None => {
            if repo.is_bare() {
                return Err(Error::usage(
                    "a bare repository has no staged changes to check",
                    "check its commits instead: lancelot check --range <A>..<B>",
                ));
            }
            let rules = freeze::load_rules(&repo, explicit.unwrap_or(RulesSource::Head))?;
            let mut checker = Checker::for_repository(&repo, rules)?;
            let index_file = crate::repo::index_file(&repo, false);
            (checker.check_staged(&index_file)?, checker.into_rules())
        }
    };
    let collisions = match &args.range {
        Some(range) => range_collisions(&repo, range)?,
        None => Vec::new(),
    };
    let taken =
        |violation: &freeze::Violation, path: &str| freeze::exists_where(&repo, violation, path);
    let status = print_report(
        &report,
        &rules,
        &collisions,
        &taken,
        args.output,
        args.staged,
    );
    // The process ends next: freeing the repository's caches of a long walk (tens of
    // thousands of objects) would cost a tenth of the check for nothing.
    std::mem::forget(repo);
    status
}

/// A slice added by the range `A..B` (or `A...B`) that collides with one `A`'s side
/// added since the two parted: same feature, flag or owning module.
type Collision = (SliceName, SliceName, Clash);

fn range_collisions(repo: &Repository, range: &str) -> Result<Vec<Collision>, Error> {
    let commit = |object: Option<&git2::Object<'_>>| Some(object?.peel_to_commit().ok()?.id());
    // range_commits read the range already: a range that is one revision, or that
    // does not parse, has no base to collide with.
    let Some((base, head)) = repo
        .revparse(range)
        .ok()
        .and_then(|spec| Some((commit(spec.from())?, commit(spec.to())?)))
    else {
        return Ok(Vec::new());
    };
    let (config, _) = freeze::config_at_commit(repo, base)?;
    Ok(crate::branches::range_collisions(repo, &config, base, head)
        .map_err(crate::branches::BranchesError::from)?)
}

/// What a collision is, in a sentence.
fn collision_message((ours, theirs, clash): &Collision) -> String {
    format!(
        "the slice {} takes {}, which the base also took since the two parted (the slice {}): rename one before they meet",
        ours.feature.pascal(),
        clash.describe(ours),
        theirs.feature.pascal()
    )
}

fn print_report(
    report: &Report,
    rules: &Rules,
    collisions: &[Collision],
    taken: report::Taken<'_>,
    output: FindingsOutputArgs,
    staged: bool,
) -> Result<ExitStatus, Error> {
    let clean = report.is_clean() && collisions.is_empty();
    let collided = if collisions.is_empty() {
        String::new()
    } else {
        format!(
            "lancelot: {} added by the range collide{} with the base:\n{}",
            plural(collisions.len(), "slice"),
            if collisions.len() == 1 { "s" } else { "" },
            collisions
                .iter()
                .map(|collision| format!("  {}\n", collision_message(collision)))
                .collect::<String>()
        )
    };
    output.emit(
        "lancelot check: changes to frozen documents",
        || {
            let mut json = report::to_json(report);
            json["collisions"] = collisions
                .iter()
                .map(|(ours, theirs, clash)| {
                    serde_json::json!({
                        "slice": ours.feature.pascal(),
                        "takes": clash.describe(ours),
                        "base_slice": theirs.feature.pascal(),
                    })
                })
                .collect();
            json
        },
        || {
            if clean {
                // The staged check of a repository without a commit judges nothing.
                let checked = if staged && report.commits_checked == 0 {
                    "no commit yet, nothing is frozen".to_owned()
                } else {
                    format!(
                        "{} checked, no frozen document changed",
                        plural(report.commits_checked, "commit")
                    )
                };
                format!("lancelot: {checked}\n{}", report::rules_line(rules))
            } else {
                format!(
                    "{}{collided}{}",
                    report::to_text(report, rules, taken),
                    report::rules_line(rules)
                )
            }
        },
        || {
            let mut annotations = report::annotations(report, taken);
            annotations.extend(collisions.iter().map(|collision| ui::ci::Annotation {
                file: collision.0.spec.clone(),
                line: None,
                title: "Slice collides with the base".into(),
                message: collision_message(collision),
                warning: false,
            }));
            annotations
        },
    )?;
    Ok(if clean {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}
