//! `lancelot doctor`: is this repository set up the way lancelot expects?

use std::path::Path;

use clap::Args;
use serde::Serialize;
use serde_json::json;

use super::Invocation;
use crate::changelog::Changelog;
use crate::config::Config;
use crate::freeze::{self, Limits, Rules};
use crate::fs::{CONFIG_LIMIT, RelPath, Root};
use crate::hooks::{self, Hook, Located};
use crate::lifecycle::{Project, Stage, lint};
use crate::repo;
use crate::scaffold::{self, ScaffoldError};
use crate::ui::{self, GOOD, HELP, OutputArgs, WARNING};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot doctor`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 all checks pass, 1 some check failed, 2 doctor could not run."
)]
pub struct DoctorArgs {
    /// How the report is printed: `--format text|json`.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One check's result.
#[derive(Debug, Serialize)]
struct Check {
    name: String,
    ok: bool,
    /// Passes, with something worth knowing (shown as `warn`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    warning: bool,
    detail: String,
    fix: Option<String>,
}

impl Check {
    fn pass(name: &str, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: true,
            warning: false,
            detail: detail.into(),
            fix: None,
        }
    }

    fn warn(name: &str, detail: impl Into<String>, advice: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: true,
            warning: true,
            detail: detail.into(),
            fix: Some(advice.into()),
        }
    }

    fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: false,
            warning: false,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

/// Runs `lancelot doctor`.
pub fn run(invocation: &Invocation, args: &DoctorArgs) -> Result<ExitStatus, Error> {
    let repo = repo::discover(&invocation.dir)?;
    if repo.is_bare() {
        return report(args.output, &server_checks(&repo, invocation));
    }
    let workspace = invocation.workspace()?;
    let root = &workspace.files;
    let mut checks = Vec::new();
    let config = match Config::load(root, invocation.config.as_deref()) {
        Ok((config, source)) => {
            let from = source.map_or("defaults (no lancelot.toml)".into(), |path| {
                path.display().to_string()
            });
            checks.push(Check::pass("configuration", format!("valid: {from}")));
            config
        }
        Err(error) => {
            checks.push(Check::fail(
                "configuration",
                ui::with_causes(&error),
                error.hint().unwrap_or_default(),
            ));
            return report(args.output, &checks);
        }
    };
    checks.push(managed_paths_check(root, &config));
    let (templates, runaway) = templates_check(root, &config);
    checks.push(templates);
    if runaway {
        // A render past its budget keeps running until the process ends: end it now
        // rather than let it grow while the other checks run.
        checks.push(Check::fail(
            "other checks",
            "skipped: a template went over its budget and is still running",
            "fix the template, then run doctor again",
        ));
        return report(args.output, &checks);
    }
    checks.extend(hook_checks(
        &workspace.repo,
        &[Hook::PreCommit, Hook::PreMergeCommit, Hook::PrePush],
    ));
    checks.extend(journal_check(workspace.repo.commondir()));
    let project = match Project::load(root, config.clone()) {
        Ok(project) => project,
        Err(error) => {
            checks.push(Check::fail(
                "slices",
                ui::with_causes(&error),
                error.hint().unwrap_or_default(),
            ));
            return report(args.output, &checks);
        }
    };
    match Rules::new(&config.freeze) {
        Ok(rules) => {
            checks.push(slice_statuses_check(&project, &rules));
            checks.push(covered_documents_check(&workspace.repo, &rules));
        }
        Err(error) => checks.push(Check::fail(
            "freeze rule",
            error.to_string(),
            error.hint().unwrap_or_default(),
        )),
    }
    checks.push(status_readings_check(&project));
    checks.extend(changelog_check(&project, &config));
    checks.push(release_check(&workspace.repo, root, &config));
    report(args.output, &checks)
}

/// The templates parse and render a sample slice; whether one ran over its budget.
fn templates_check(root: &Root, config: &Config) -> (Check, bool) {
    match scaffold::check_templates(root, config) {
        Ok(templates) => {
            let overridden = templates
                .origins()
                .values()
                .filter(|origin| *origin != crate::scaffold::BUILT_IN)
                .count();
            let detail = format!(
                "parse and render a sample slice within the budgets ({overridden} overridden in {})",
                config.paths.templates
            );
            (Check::pass("templates", detail), false)
        }
        Err(error) => {
            let runaway = matches!(error, ScaffoldError::Budget { .. });
            let check = Check::fail(
                "templates",
                ui::with_causes(&error),
                error.hint().unwrap_or_default(),
            );
            (check, runaway)
        }
    }
}

/// Every slice's status is one the freeze rule knows.
fn slice_statuses_check(project: &Project, rules: &Rules) -> Check {
    let unknown: Vec<String> = project
        .slices
        .iter()
        .filter(|slice| {
            slice
                .status
                .as_deref()
                .is_none_or(|status| Stage::parse(status).is_none() && !rules.knows_status(status))
        })
        .map(|slice| {
            format!(
                "{} ({})",
                slice.feature.pascal(),
                slice.status.as_deref().unwrap_or("no status")
            )
        })
        .collect();
    if unknown.is_empty() {
        Check::pass(
            "freeze rule",
            format!(
                "recognises the status of all {} spec(s)",
                project.slices.len()
            ),
        )
    } else {
        Check::fail(
            "freeze rule",
            format!("cannot read the status of: {}", unknown.join(", ")),
            "write a status the rule knows (Draft, Approved, In Progress, Done, Superseded); an unreadable status is not frozen",
        )
    }
}

/// What would stop a release: version files and keys, the tag prefix.
fn release_check(repo: &git2::Repository, root: &Root, config: &Config) -> Check {
    let problems = crate::release::check_setup(repo, root, config);
    if problems.is_empty() {
        return Check::pass(
            "release",
            format!(
                "{} version file key(s) hold a version; tags follow tag_prefix = \"{}\"",
                config.release.version_files.len(),
                config.release.tag_prefix
            ),
        );
    }
    let (details, mut fixes): (Vec<String>, Vec<String>) = problems.into_iter().unzip();
    fixes.dedup();
    Check::fail("release", details.join("; "), fixes.join("; "))
}

/// Every path the configuration names, checked the way lancelot reaches it: no
/// symbolic link on the way, no special file.
fn managed_paths_check(root: &Root, config: &Config) -> Check {
    let paths = &config.paths;
    let mut managed = vec![
        RelPath::config_file(),
        paths.specs.clone(),
        paths.blueprints.clone(),
        paths.architecture.clone(),
        paths.runbooks.clone(),
        paths.changelog.clone(),
        paths.env_file.clone(),
        paths.modules.clone(),
        paths.unit_tests.clone(),
        paths.integration_tests.clone(),
        paths.templates.clone(),
    ];
    managed.extend(
        config
            .release
            .version_files
            .iter()
            .map(|file| file.path.clone()),
    );
    let problems: Vec<(String, Option<String>)> = managed
        .iter()
        .filter_map(|path| root.node(path).err())
        .map(|error| (error.to_string(), error.hint()))
        .collect();
    match problems.first() {
        None => Check::pass(
            "managed paths",
            format!(
                "no symbolic links on the way to the {} paths lancelot manages",
                managed.len()
            ),
        ),
        Some((_, hint)) => Check::fail(
            "managed paths",
            problems
                .iter()
                .map(|(problem, _)| problem.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            hint.clone().unwrap_or_default(),
        ),
    }
}

/// What a server running the pre-receive hook needs: the hook, git's own object
/// checks, rules out of pushers' reach, valid limits.
fn server_checks(repo: &git2::Repository, invocation: &Invocation) -> Vec<Check> {
    let mut checks = hook_checks(repo, &[Hook::PreReceive]);
    let head = repo
        .find_reference("HEAD")
        .ok()
        .and_then(|head| head.symbolic_target().ok().flatten().map(str::to_owned));
    let empty = repo
        .references()
        .map(|mut references| references.next().is_none())
        .unwrap_or(true);
    checks.push(match head {
        Some(head) if repo.find_reference(&head).is_ok() => {
            Check::pass("default branch", format!("HEAD names {}", ui::safe(&head)))
        }
        Some(head) if empty => Check::pass(
            "default branch",
            format!("HEAD names {} (the repository is empty)", ui::safe(&head)),
        ),
        Some(head) => Check::fail(
            "default branch",
            format!(
                "HEAD names {}, which does not exist: every push is refused",
                ui::safe(&head)
            ),
            "git symbolic-ref HEAD refs/heads/<the default branch>",
        ),
        None => Check::fail(
            "default branch",
            "HEAD does not name a branch",
            "git symbolic-ref HEAD refs/heads/<the default branch>",
        ),
    });
    let setting = |key: &str| {
        repo.config()
            .ok()
            .and_then(|config| config.get_bool(key).ok())
    };
    for (key, why) in hooks::SERVER_SETTINGS {
        checks.push(if setting(key) == Some(true) {
            Check::pass(key, format!("true ({why})"))
        } else {
            Check::fail(
                key,
                format!("not set: without it, {why} does not hold"),
                format!("git config {key} true (`lancelot hook install --server` sets it)"),
            )
        });
    }
    let pusher = crate::repo::server_settings(repo)
        .ok()
        .and_then(|config| config.get_string(crate::freeze::push::PUSHER_KEY).ok());
    checks.push(Check::pass(
        "pusher",
        match pusher {
            Some(variable) => format!(
                "named by {} (lancelot.pusher), else the hook's account",
                crate::ui::safe(&variable)
            ),
            None => "the account the hook runs under (on GitLab set \
                     `git config lancelot.pusher GL_USERNAME`, on GitHub Enterprise \
                     GITHUB_USER_LOGIN, behind a web server REMOTE_USER)"
                .to_owned(),
        },
    ));
    let configured = crate::repo::server_settings(repo)
        .ok()
        .and_then(|config| config.get_path("lancelot.config").ok())
        .map(|path| repo.path().join(path));
    checks.push(match invocation.config.clone().or(configured) {
        Some(path) => match Config::load_named(&path) {
            Ok(config) => match Rules::new(&config.freeze) {
                Ok(_) => Check::pass(
                    "rules",
                    format!("from the server's own file {}", ui::safe(&path.display().to_string())),
                ),
                Err(error) => Check::fail("rules", error.to_string(), error.hint().unwrap_or_default()),
            },
            Err(error) => Check::fail("rules", ui::with_causes(&error), error.hint().unwrap_or_default()),
        },
        None => Check::pass(
            "rules",
            "from the lancelot.toml of the default branch; a push that weakens them is refused, but a server-side file (git config lancelot.config <file>) keeps them out of pushers' hands altogether",
        ),
    });
    checks.push(match Limits::from_git_config(repo) {
        Ok(limits) => Check::pass(
            "limits",
            format!(
                "{} parents per commit, {} commit-parent pairs, {} tree entries, {} MiB of documents per push",
                limits.parents,
                limits.pairs,
                limits.entries,
                limits.bytes >> 20
            ),
        ),
        Err(error) => Check::fail("limits", error.to_string(), error.hint().unwrap_or_default()),
    });
    checks
}

fn hook_checks(repo: &git2::Repository, wanted: &[Hook]) -> Vec<Check> {
    let program = std::env::current_exe().ok();
    let dir = match hooks::hooks_dir(repo) {
        Ok(dir) => dir,
        Err(error) => {
            return vec![Check::fail(
                "hooks",
                error.to_string(),
                "check core.hooksPath",
            )];
        }
    };
    let folder = Root::folder(&dir).ok();
    let husky = hooks::husky_folder(repo)
        .zip(repo.workdir())
        .and_then(|(husky, root)| Some((husky.clone(), Root::work_tree(root, repo.path()).ok()?)));
    wanted
        .iter()
        .map(|&hook| {
            let name = format!("{} hook", hook.name());
            if let Some((husky, files)) = &husky {
                return husky_check(&name, hook, husky, files);
            }
            let located = match folder.as_ref().map(|folder| hooks::locate(folder, hook)) {
                Some(Ok(located)) => located,
                Some(Err(error)) => {
                    return Check::fail(&name, error.to_string(), error.hint().unwrap_or_default());
                }
                None => Located::Missing,
            };
            located_check(
                &name,
                hook,
                located,
                &dir.join(hook.name()),
                program.as_deref(),
            )
        })
        .collect()
}

/// With husky, lancelot runs when husky's script for the hook calls it.
fn husky_check(name: &str, hook: Hook, husky: &RelPath, files: &Root) -> Check {
    let script = husky.join(hook.name());
    let has_line = files
        .read_text(&script, CONFIG_LIMIT)
        .ok()
        .flatten()
        .is_some_and(|text| text.contains(&hooks::husky_lines(hook)));
    if has_line {
        Check::pass(name, format!("husky runs it from {script}"))
    } else {
        Check::fail(
            name,
            format!("{script} does not call lancelot"),
            "run `lancelot hook install` (it adds the line to husky's script)",
        )
    }
}

/// What doctor says of lancelot's script for `hook`, wherever it was found.
fn located_check(
    name: &str,
    hook: Hook,
    located: Located,
    path: &Path,
    program: Option<&Path>,
) -> Check {
    let install = if hook == Hook::PreReceive {
        "run `lancelot hook install --server <this repository>`"
    } else {
        "run `lancelot hook install`"
    };
    let (script, runner) = match located {
        Located::Missing => {
            return Check::fail(name, format!("not installed ({})", path.display()), install);
        }
        Located::Found {
            script,
            via_pre_commit,
        } => {
            let runner = if via_pre_commit {
                format!(
                    ", run by the pre-commit framework from {}",
                    hooks::legacy_name(hook)
                )
            } else {
                String::new()
            };
            (script, runner)
        }
        Located::PreCommitWithout => {
            return Check::fail(
                name,
                format!(
                    "the pre-commit framework's hook at {} does not run lancelot",
                    path.display()
                ),
                format!(
                    "{install} (it goes into {}, which the framework runs first)",
                    hooks::legacy_name(hook)
                ),
            );
        }
        Located::MovedByLefthook => {
            return Check::fail(
                name,
                format!(
                    "lefthook moved lancelot's hook to {}, where nothing runs it",
                    hooks::lefthook_old_name(hook)
                ),
                format!("{install}: it keeps that hook and runs it first"),
            );
        }
        Located::Foreign => {
            return Check::fail(
                name,
                format!(
                    "{} was not written by lancelot and does not run it",
                    path.display()
                ),
                format!("{install}: it keeps that hook and runs it first"),
            );
        }
    };
    let points_here =
        program.is_some_and(|program| script.contains(&hooks::program_assignment(program)));
    if points_here {
        Check::pass(name, format!("installed, runs this lancelot{runner}"))
    } else {
        Check::fail(
            name,
            format!("installed{runner}, but runs another lancelot binary"),
            "run `lancelot hook install` to point it here",
        )
    }
}

/// Every document under the freeze globs at HEAD: the rule must be able to read its
/// status, or it is not frozen whatever it says.
fn covered_documents_check(repo: &git2::Repository, rules: &Rules) -> Check {
    let documents = match freeze::covered_documents(repo, rules) {
        Ok(documents) => documents,
        Err(error) => {
            return Check::fail(
                "frozen documents",
                error.to_string(),
                error.hint().unwrap_or_default(),
            );
        }
    };
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    for document in &documents {
        let Some(written) = document.statuses.first() else {
            missing.push(document.path.clone());
            continue;
        };
        if rules.frozen_status(written).is_none()
            && !rules.knows_status(written)
            && Stage::parse(written).is_none()
        {
            let nearest = rules
                .nearest_status(written)
                .map(|name| format!("; did you mean `{name}`?"))
                .unwrap_or_default();
            unknown.push(format!("{} (`{written}`{nearest})", document.path));
        }
    }
    if missing.is_empty() && unknown.is_empty() {
        return Check::pass(
            "frozen documents",
            format!(
                "the rule reads the status of all {} document(s) under [freeze] paths",
                documents.len()
            ),
        );
    }
    let listed = |paths: &[String]| {
        let shown: Vec<&str> = paths.iter().take(10).map(String::as_str).collect();
        let more = paths.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!(
            "{} with a status the rule does not know: {}",
            unknown.len(),
            listed(&unknown)
        ));
    }
    if !missing.is_empty() {
        problems.push(format!(
            "{} with no status line: {}",
            missing.len(),
            listed(&missing)
        ));
    }
    Check::fail(
        "frozen documents",
        format!(
            "of {} document(s) under [freeze] paths, {}",
            documents.len(),
            problems.join("; ")
        ),
        "a document whose status the rule cannot read is never frozen: fix its status, or add the status to [freeze] frozen",
    )
}

/// Statuses that readers and the freeze might read differently: a front matter and
/// a body that disagree, look-alike characters.
fn status_readings_check(project: &Project) -> Check {
    let mut problems = Vec::new();
    for slice in &project.slices {
        let documents = [
            ("spec", Some(&slice.spec)),
            ("blueprint", slice.blueprint.as_ref()),
        ];
        for (what, text) in documents {
            for (problem, _) in text
                .map(|text| lint::status_reading_problems(text))
                .unwrap_or_default()
            {
                problems.push(format!("{} ({what}): {problem}", slice.feature.pascal()));
            }
        }
    }
    if problems.is_empty() {
        Check::pass(
            "status readings",
            "every status reads the same to people and to the freeze",
        )
    } else {
        Check::fail(
            "status readings",
            problems.join("; "),
            "write each status once, in plain letters (`lancelot lint` lists them)",
        )
    }
}

/// A write journal left by a run that was stopped while writing, or kept aside.
fn journal_check(git_dir: &std::path::Path) -> Option<Check> {
    let lancelot = git_dir.join("lancelot");
    if lancelot.join("journal.json").exists() {
        return Some(Check::fail(
            "write journal",
            "an earlier run was stopped while writing (.git/lancelot/journal.json): some of its files may be half-written",
            "run any writing command (lancelot init, new-slice, set-status, release): it undoes what that run wrote, or keeps the journal aside if HEAD has moved",
        ));
    }
    lancelot.join("journal-kept.json").exists().then(|| {
        Check::warn(
            "write journal",
            "a journal of a stopped run was kept aside without undoing it (.git/lancelot/journal-kept.json)",
            "check the files it lists with git status, then delete it",
        )
    })
}

fn changelog_check(project: &Project, config: &Config) -> Vec<Check> {
    let path = &config.paths.changelog;
    if project.changelog.is_empty() {
        return vec![Check::fail(
            "CHANGELOG",
            format!("{path} is missing or empty"),
            "run `lancelot init`",
        )];
    }
    let changelog = Changelog::parse(&project.changelog);
    let towncrier = crate::changelog::built_by_towncrier(&project.changelog);
    let mut checks = Vec::new();
    checks.push(match (&config.paths.news_fragments, towncrier) {
        (Some(folder), _) => Check::pass(
            "CHANGELOG",
            format!("{path} is built by towncrier; new slices write news fragments to {folder}/"),
        ),
        (None, true) => Check::fail(
            "CHANGELOG",
            format!("{path} is built by towncrier, but lancelot would write [Unreleased] entries where towncrier writes later releases"),
            "set [paths] news_fragments = \"newsfragments\" (towncrier's `directory`) in lancelot.toml",
        ),
        (None, false) => Check::pass(
            "CHANGELOG",
            format!(
                "{path} parses ({} release(s){})",
                changelog.releases().count(),
                if changelog.unreleased().is_none() {
                    "; new-slice adds ## [Unreleased] above them"
                } else {
                    ""
                }
            ),
        ),
    });
    if let Some(repeated) = changelog.repeated_section() {
        checks.push(Check::fail(
            "CHANGELOG sections",
            format!("{path} has {repeated}"),
            format!(
                "merge them into one: a release moves the entries of one {} section",
                repeated.name
            ),
        ));
    }
    // Headings written before lancelot that are not semver versions: history, each
    // named once however often it repeats.
    let mut historical: Vec<(String, usize)> = Vec::new();
    for section in changelog.sections() {
        if section.is_unreleased() || section.version().is_some() {
            continue;
        }
        let title = section.title().to_owned();
        match historical.iter_mut().find(|(known, _)| *known == title) {
            Some((_, count)) => *count += 1,
            None => historical.push((title, 1)),
        }
    }
    if !historical.is_empty() {
        let named: Vec<String> = historical
            .iter()
            .map(|(title, count)| match count {
                1 => format!("`{title}`"),
                count => format!("`{title}` (×{count})"),
            })
            .collect();
        checks.push(Check::warn(
            "CHANGELOG headings",
            format!(
                "{} heading(s) are not semver versions: {}",
                historical.len(),
                named.join(", ")
            ),
            "release and status ignore them; history stays as written",
        ));
    }
    checks
}

fn report(output: OutputArgs, checks: &[Check]) -> Result<ExitStatus, Error> {
    let ok = checks.iter().all(|check| check.ok);
    output.emit(
        || json!({ "ok": ok, "checks": checks }),
        || {
            let mut text = String::new();
            for check in checks {
                let detail = ui::safe_block(&check.detail);
                if check.ok && check.warning {
                    text.push_str(&format!(
                        "{WARNING}warn{WARNING:#}  {}: {detail}\n",
                        check.name
                    ));
                    if let Some(advice) = &check.fix {
                        text.push_str(&format!("      {HELP}note:{HELP:#} {}\n", ui::safe(advice)));
                    }
                } else if check.ok {
                    text.push_str(&format!("{GOOD}ok{GOOD:#}    {}: {detail}\n", check.name));
                } else {
                    text.push_str(&format!(
                        "{WARNING}FAIL{WARNING:#}  {}: {detail}\n",
                        check.name
                    ));
                    if let Some(fix) = &check.fix {
                        text.push_str(&format!("      {HELP}fix:{HELP:#} {}\n", ui::safe(fix)));
                    }
                }
            }
            text
        },
    )?;
    Ok(if ok {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}
