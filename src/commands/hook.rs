//! `lancelot hook`: the git hooks (pre-commit, pre-push, pre-receive) and installing
//! them. Hook reports go to stderr, which git shows to the author (as `remote:` lines
//! for pre-receive). Any error refuses: the hooks fail closed.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use git2::{Oid, Repository};
use serde_json::json;

use super::Invocation;
use crate::freeze::push::{self, Decision};
use crate::freeze::{
    self, Checker, FreezeError, KnownRefs, PushedRef, RefUpdate, Report, Rules, RulesSource, input,
    report,
};
use crate::fs::{FsError, RelPath, Root};
use crate::hooks::{self, Hook, Outcome};
use crate::lock;
use crate::receipts::{self, Receipt};
use crate::repo;
use crate::ui::{self, BOLD, OutputArgs, plural};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot hook`.
#[derive(Debug, Args)]
pub struct HookArgs {
    /// The hook to run, or `install`.
    #[command(subcommand)]
    pub command: HookCommand,
}

/// The hooks.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Check the staged changes; git runs this before each commit
    PreCommit,
    /// Check the staged changes of a merge; git runs this before each merge commit
    PreMergeCommit,
    /// Check the commits being pushed; git runs this before each push
    PrePush {
        /// The remote's name (git passes it)
        remote: Option<String>,
        /// The remote's URL (git passes it)
        url: Option<String>,
    },
    /// Refuse pushes that change frozen documents; install it on the server
    #[command(after_help = PRE_RECEIVE_HELP)]
    PreReceive,
    /// Install the hooks into this clone, or the pre-receive hook into a bare repository
    Install(InstallArgs),
}

const PRE_RECEIVE_HELP: &str = "\
Reads `<old> <new> <ref>` lines on stdin and checks every commit the push adds to
the repository (commits it already has are not checked again). Deletions pass.
The rules come from --config, else the git config `lancelot.config` (a path
relative to the git folder), else the lancelot.toml committed at HEAD before the
push. Malformed input, missing objects or any error refuse the push.

With `[freeze] allow_override = true`, `git push -o lancelot-override=\"<reason>\"`
lets a refused push through; the override is recorded as a receipt.";

/// Arguments of `lancelot hook install`.
#[derive(Debug, Args)]
#[command(after_help = "\
Without --pre-commit or --pre-push both are installed. Hooks go where git runs them:
core.hooksPath when set, else the hooks folder of the (common) git directory.

A hook lancelot did not write is kept, never dropped: it is moved to
<hook>.pre-lancelot and lancelot's hook runs it first (with the same input). Beside
the pre-commit framework, lancelot's hook goes into <hook>.legacy, which the
framework runs before its own hooks. With husky (core.hooksPath .husky/_ or .husky),
a line calling lancelot is added to husky's .husky/<hook> script. --force replaces
another hook instead of keeping it.

Examples:
  lancelot hook install
  lancelot hook install --server /srv/git/project.git")]
pub struct InstallArgs {
    /// Install the pre-commit hook (and pre-merge-commit: git skips pre-commit for merges)
    #[arg(long)]
    pub pre_commit: bool,

    /// Install the pre-push hook
    #[arg(long)]
    pub pre_push: bool,

    /// Replace hooks that lancelot did not write instead of running them first
    #[arg(long)]
    pub force: bool,

    /// Install the pre-receive hook into this bare repository (on the server)
    #[arg(long, value_name = "BARE_REPO", conflicts_with_all = ["pre_commit", "pre_push"])]
    pub server: Option<PathBuf>,

    /// Show what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// How the report is printed: `--format text|json`.

    #[command(flatten)]
    pub output: OutputArgs,
}

/// What a lefthook user is told: lefthook moves hooks it did not write aside when it
/// installs again, so lancelot is best run from lefthook's own configuration.
const LEFTHOOK_NOTE: &str = "\
note: `lefthook install` moves hooks it did not write to <hook>.old, where nothing runs
      them. To keep lancelot through it, add it to lefthook.yml:
        pre-commit:
          commands:
            lancelot:
              run: lancelot hook pre-commit
        pre-push:
          commands:
            lancelot:
              run: lancelot hook pre-push {1} {2}
              use_stdin: true
";

/// Runs `lancelot hook …`.
pub fn run(invocation: &Invocation, args: &HookArgs) -> Result<ExitStatus, Error> {
    match &args.command {
        HookCommand::PreCommit | HookCommand::PreMergeCommit => pre_commit(invocation),
        HookCommand::PrePush { remote, .. } => pre_push(invocation, remote.as_deref()),
        HookCommand::PreReceive => pre_receive(invocation),
        HookCommand::Install(install_args) => install(invocation, install_args),
    }
}

/// Opens the repository the way git hands it to a hook: from `GIT_DIR`,
/// `GIT_INDEX_FILE` (the temporary index of `git commit -a`) and the object-directory
/// variables (the quarantine of a push), searching upward from the folder otherwise.
fn open_hook_repository(invocation: &Invocation) -> Result<Repository, Error> {
    if !invocation.dir.is_dir() {
        return Err(crate::repo::RepoError::NoSuchDir {
            dir: invocation.dir.clone(),
        }
        .into());
    }
    // libgit2 searches from the process's folder; -C moves it there first.
    std::env::set_current_dir(&invocation.dir).map_err(|error| {
        Error::usage(
            format!("cannot change to {}: {error}", invocation.dir.display()),
            "pass an existing folder to -C",
        )
    })?;
    let repo = Repository::open_from_env().map_err(|source| match source.code() {
        git2::ErrorCode::NotFound => crate::repo::RepoError::NotFound {
            dir: invocation.dir.clone(),
        }
        .into(),
        _ => Error::Freeze(FreezeError::git(
            "cannot open the repository git passed to the hook",
        )(source)),
    })?;
    repo::refuse_embedded(&repo)?;
    Ok(repo)
}

/// The hook's standard input, as bytes (ref names need not be UTF-8).
fn read_stdin() -> Result<Vec<u8>, Error> {
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|error| FreezeError::HookInput {
            line: String::new(),
            reason: format!("cannot read stdin: {error}"),
        })?;
    Ok(input)
}

fn pre_commit(invocation: &Invocation) -> Result<ExitStatus, Error> {
    let repo = open_hook_repository(invocation)?;
    let source = invocation
        .config
        .as_deref()
        .map_or(RulesSource::Head, RulesSource::File);
    let mut checker = Checker::for_repository(&repo, freeze::load_rules(&repo, source)?)?;
    let report = checker.check_staged(&repo::index_file(&repo, true))?;
    Ok(refuse_if_violations(&repo, &report, checker.rules()))
}

fn pre_push(invocation: &Invocation, remote: Option<&str>) -> Result<ExitStatus, Error> {
    let repo = open_hook_repository(invocation)?;
    let mut tips = Vec::new();
    let mut known = Vec::new();
    let input = read_stdin()?;
    for pushed in input::lines(&input, PushedRef::parse)? {
        if !pushed.local.is_zero() {
            tips.push(pushed.local);
        }
        if !pushed.remote.is_zero() {
            known.push(pushed.remote);
        }
    }
    // The pre-commit framework runs pre-push hooks without git's input: it names
    // what is pushed in PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF instead.
    let from_framework = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.is_empty())
            .and_then(|value| repo.revparse_single(&value).ok())
            .and_then(|object| object.peel_to_commit().ok())
            .map(|commit| commit.id())
    };
    let mut remote = remote.map(str::to_owned);
    if input.is_empty() {
        tips.extend(from_framework("PRE_COMMIT_TO_REF"));
        known.extend(from_framework("PRE_COMMIT_FROM_REF"));
        remote = remote.or_else(|| {
            std::env::var("PRE_COMMIT_REMOTE_NAME")
                .ok()
                .filter(|name| !name.is_empty())
        });
    }
    let remote_refs = remote.map(|name| format!("refs/remotes/{name}/*"));
    // Without a remote name only the remote's old values are known: every commit not
    // reachable from them is checked.
    let known_refs = remote_refs
        .as_deref()
        .map_or(KnownRefs::None, KnownRefs::Matching);
    let source = invocation
        .config
        .as_deref()
        .map_or(RulesSource::WorkTree, RulesSource::File);
    let rules = freeze::load_rules(&repo, source)?;
    known.extend(freeze::baseline_commit(&repo, &rules));
    let commits = freeze::new_commits(&repo, &tips, known_refs, &known)?;
    let mut checker = Checker::for_repository(&repo, rules)?
        .with_threads_from_git_config(std::sync::Arc::new(Repository::open_from_env))?;
    let report = checker.check_commits(&commits)?;
    if !report.is_clean()
        && let Some(reason) = client_override(&repo)
    {
        // The server judges an override and keeps its receipt: the local hook says
        // what it saw and lets the push through to it.
        ui::err(&report::to_text(
            &report,
            checker.rules(),
            &|violation, path| freeze::exists_where(&repo, violation, path),
        ));
        if reason.is_empty() {
            ui::err(&format!(
                "lancelot: an override needs a reason: git push -o {}=\"<why>\"\n",
                push::OVERRIDE_OPTION
            ));
            return Ok(ExitStatus::Findings);
        }
        ui::err(&format!(
            "lancelot: the push asks for an override ({}): passed on to the server, which judges it and keeps its receipt\n",
            ui::safe(&reason)
        ));
        return Ok(ExitStatus::Success);
    }
    Ok(refuse_if_violations(&repo, &report, checker.rules()))
}

/// The override the running `git push` asks for (`-o lancelot-override=…` on its
/// command line, or `push.pushOption` in the configuration), if any. git gives
/// pre-push hooks no push options, so the command line is read from the git process
/// that runs the hook (on Linux, from /proc).
fn client_override(repo: &Repository) -> Option<String> {
    let mut config: Vec<String> = repo
        .config()
        .ok()
        .and_then(|config| {
            let entries = config.multivar("push.pushoption", None).ok()?;
            let mut values = Vec::new();
            let _ = entries.for_each(|entry| {
                values.extend(entry.value().map(str::to_owned));
            });
            Some(values)
        })
        .unwrap_or_default();
    if let Ok(parameters) = std::env::var("GIT_CONFIG_PARAMETERS") {
        config.extend(push::config_parameters(&parameters, "push.pushOption"));
    }
    push::client_override_request(&git_push_arguments(), &config)
}

/// The arguments (after the program name) of the `git push` process running this
/// hook: the nearest ancestor, within a few generations (the hook script, a hook
/// manager), whose program is git. Empty where processes cannot be read.
fn git_push_arguments() -> Vec<String> {
    #[cfg(target_os = "linux")]
    {
        let mut pid = std::os::unix::process::parent_id();
        for _ in 0..6 {
            let Ok(line) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                break;
            };
            let mut words = line
                .split(|byte| *byte == 0)
                .map(|word| String::from_utf8_lossy(word).into_owned());
            let program = words.next().unwrap_or_default();
            let args: Vec<String> = words.filter(|word| !word.is_empty()).collect();
            let is_git = Path::new(&program)
                .file_name()
                .is_some_and(|name| name == "git" || name == "git.exe");
            if is_git && args.iter().any(|arg| arg == "push") {
                return args;
            }
            // The parent: the field after the command name, which ends at the last `)`.
            let Some(parent) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    let rest = stat.rsplit_once(')')?.1;
                    rest.split_whitespace().nth(1)?.parse().ok()
                })
            else {
                break;
            };
            if parent <= 1 {
                break;
            }
            pid = parent;
        }
    }
    Vec::new()
}

fn refuse_if_violations(repo: &Repository, report: &Report, rules: &Rules) -> ExitStatus {
    if report.is_clean() {
        return ExitStatus::Success;
    }
    ui::err(&report::to_text(report, rules, &|violation, path| {
        freeze::exists_where(repo, violation, path)
    }));
    ExitStatus::Findings
}

/// The account the hook runs under, as the system authenticated it.
fn server_account() -> String {
    #[cfg(unix)]
    {
        let uid = rustix::process::getuid().as_raw();
        let name = std::fs::read_to_string("/etc/passwd")
            .ok()
            .and_then(|passwd| {
                passwd.lines().find_map(|line| {
                    let mut fields = line.split(':');
                    let name = fields.next()?;
                    (fields.nth(1)? == uid.to_string()).then(|| name.to_owned())
                })
            });
        match name {
            Some(name) => format!("uid {uid} ({name})"),
            None => format!("uid {uid}"),
        }
    }
    #[cfg(not(unix))]
    {
        "the server account".to_owned()
    }
}

fn pre_receive(invocation: &Invocation) -> Result<ExitStatus, Error> {
    let repo = open_hook_repository(invocation)?;
    let env = |name: &str| std::env::var(name).ok();
    let gitlab = env("GL_ID").is_some_and(|id| !id.is_empty());
    let say = |text: &str| ui::err(&ui::remote_text(text, gitlab));
    let trusted = repo::server_settings(&repo)
        .ok()
        .and_then(|config| config.get_string(push::PUSHER_KEY).ok());
    let pusher = push::pusher(&env, trusted.as_deref(), server_account());
    let mut refs = Vec::new();
    let (report, rules) = match check_push(&repo, invocation, &mut refs) {
        Ok(checked) => checked,
        Err(error) => {
            let details = json!({ "refs": refs, "error": error.to_string() });
            let _ = record(&repo, &pusher, receipts::CHECK_REFUSED, details);
            say(&format!(
                "{BOLD}lancelot: push refused: the freeze check could not run{BOLD:#}\n{}",
                ui::error_text(&error)
            ));
            return Ok(ExitStatus::Refused);
        }
    };
    let request = push::override_request(&env);
    let decision = push::decide(report.is_clean(), &rules, request.as_deref(), &pusher);
    let mut details = json!({
        "refs": refs,
        "commits_checked": report.commits_checked,
        "violations": report.violations,
        "refused_refs": report.refused_refs,
        "pusher": pusher.name,
        "pusher_source": pusher.source,
    });
    let mut text = report::to_text(&report, &rules, &|violation, path| {
        freeze::exists_where(&repo, violation, path)
    });
    match decision {
        Decision::Accept => Ok(ExitStatus::Success),
        Decision::Override(reason) => {
            details["reason"] = json!(reason);
            match record(&repo, &pusher, receipts::CHECK_OVERRIDDEN, details) {
                Ok(()) => {
                    text.push_str(&format!(
                        "\n{BOLD}lancelot: OVERRIDE by {}: the push is accepted despite the refusals above.{BOLD:#}\n  reason: {}\n  (recorded as a check.overridden receipt)\n",
                        ui::safe(&pusher.name),
                        ui::safe(&reason)
                    ));
                    say(&text);
                    Ok(ExitStatus::Success)
                }
                Err(error) => {
                    text.push_str(&format!(
                        "lancelot: override refused: its receipt could not be written ({}); an override is never unaudited\nlancelot: push refused\n",
                        ui::with_causes(&error)
                    ));
                    say(&text);
                    Ok(ExitStatus::Findings)
                }
            }
        }
        Decision::Refuse(why) => {
            if let Err(error) = record(&repo, &pusher, receipts::CHECK_REFUSED, details) {
                text.push_str(&format!(
                    "lancelot: warning: cannot record the check.refused receipt: {}\n",
                    ui::with_causes(&error)
                ));
            }
            if let Some(why) = why {
                text.push_str(&format!("lancelot: {}\n", why.describe(&pusher)));
            }
            text.push_str("lancelot: push refused\n");
            say(&text);
            Ok(ExitStatus::Findings)
        }
    }
}

/// Reads the ref updates and checks every commit they add.
fn check_push(
    repo: &Repository,
    invocation: &Invocation,
    refs: &mut Vec<String>,
) -> Result<(Report, Rules), Error> {
    let updates: Vec<RefUpdate> = input::lines(&read_stdin()?, RefUpdate::parse)?
        .into_iter()
        .map(|update| update.written(repo))
        .collect();
    let mut tips = Vec::new();
    for update in &updates {
        refs.push(update.display_name());
        if !update.is_deletion() {
            tips.push(update.new);
        }
    }
    let configured = repo::server_settings(repo)
        .ok()
        .and_then(|config| config.get_path("lancelot.config").ok())
        .map(|path| repo.path().join(path));
    let default_branch = repo
        .find_reference("HEAD")
        .ok()
        .and_then(|head| head.symbolic_target_bytes().map(<[u8]>::to_vec));
    // A server whose repository is still empty (no ref at all) has nothing frozen to
    // protect: the first push of its default branch brings the rules (and their
    // baseline, so a repository with years of history can move in).
    let empty = repo
        .references()
        .map(|mut references| references.next().is_none())
        .unwrap_or(false);
    // Which branch is the default one decides what the freeze protects: with HEAD
    // naming a branch that is gone, nothing can be judged against it.
    if let Some(head) = default_branch.as_deref()
        && !empty
        && repo.find_reference(&String::from_utf8_lossy(head)).is_err()
    {
        return Err(FreezeError::DanglingHead {
            head: String::from_utf8_lossy(head).into_owned(),
        }
        .into());
    }
    let first_push = updates
        .iter()
        .filter(|_| empty)
        .find(|update| Some(update.name.as_slice()) == default_branch.as_deref())
        .filter(|update| !update.is_deletion())
        .map(|update| update.new);
    let source = match (&invocation.config, &configured, first_push) {
        (Some(path), _, _) | (None, Some(path), _) => RulesSource::File(path),
        (None, None, Some(tip)) => RulesSource::Pushed(tip),
        (None, None, None) => RulesSource::Head,
    };
    let from_repository = !matches!(source, RulesSource::File(_));
    let rules = freeze::load_rules(repo, source)?;
    let baseline: Vec<Oid> = freeze::baseline_commit(repo, &rules).into_iter().collect();
    let commits = freeze::new_commits(repo, &tips, KnownRefs::Globs(&rules.known_refs), &baseline)?;
    // The checker's limits bound the work first; the configuration check then walks
    // only commits and parents the checker accepted to look at.
    let mut checker = Checker::for_repository(repo, rules)?
        .with_threads_from_git_config(std::sync::Arc::new(Repository::open_from_env))?;
    let mut report = checker.check_commits(&commits)?;
    let refs_report = checker.check_ref_updates(&updates, default_branch.as_deref(), &baseline)?;
    report.violations.extend(refs_report.violations);
    report.refused_refs.extend(refs_report.refused_refs);
    report.refused_refs.extend(freeze::check_rules_change(
        repo,
        &updates,
        default_branch.as_deref(),
        from_repository,
    )?);
    Ok((report, checker.into_rules()))
}

/// Appends a receipt of the pusher's push.
fn record(
    repo: &Repository,
    pusher: &push::Pusher,
    kind: &str,
    details: serde_json::Value,
) -> Result<(), crate::fs::FsError> {
    receipts::append(repo.path(), &Receipt::new(kind, &pusher.name, details))
}

/// Makes sure the hooks folder exists (unless `dry_run`). A `core.hooksPath` inside
/// the work tree (`.githooks`, say) is a folder of the repository's files, so it is
/// reached like them: a symbolic link on the way is refused, never followed.
fn prepare_hooks_folder(repo: &Repository, dir: &Path, dry_run: bool) -> Result<(), Error> {
    let in_work_tree = repo.workdir().and_then(|root| {
        let relative = dir.strip_prefix(root).ok()?.to_str()?;
        Some((root, RelPath::parse(relative).ok()?))
    });
    if let Some((root, relative)) = in_work_tree {
        let files = Root::work_tree(root, repo.path())?;
        if dry_run {
            files.node(&relative)?;
        } else {
            files.create_dirs(&relative)?;
        }
        return Ok(());
    }
    if !dry_run {
        // Outside the work tree the folder comes from git (the git folder, or a
        // core.hooksPath the user set), not from a repository's files.
        std::fs::create_dir_all(dir).map_err(|source| FsError::Io {
            action: "create the folder",
            path: dir.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

fn install(invocation: &Invocation, args: &InstallArgs) -> Result<ExitStatus, Error> {
    let (repo, hooks) = install_target(invocation, args)?;
    let program = std::env::current_exe().map_err(|error| {
        Error::usage(
            format!("cannot find the lancelot program to point the hooks at: {error}"),
            "run lancelot from its installed path",
        )
    })?;
    let lock = (!args.dry_run)
        .then(|| lock::acquire(repo.commondir(), "hook install", lock::configured_wait()))
        .transpose()?;
    let husky = hooks::husky_folder(&repo).filter(|_| !args.force && args.server.is_none());
    let (outcomes, shown_dir) = match (&husky, repo.workdir()) {
        (Some(husky), Some(root)) => {
            // husky runs its own scripts in .husky/: lancelot is called from those.
            let files = Root::work_tree(root, repo.path())?;
            let (plan, outcomes) = hooks::plan_husky(&files, husky, &hooks)?;
            if let Some(lock) = &lock {
                plan.apply_journaled(&files, lock.journal())?;
            }
            (outcomes, husky.under(root))
        }
        _ => install_scripts(&repo, &hooks, &program, args, lock.as_ref())?,
    };
    let dangling_head = args
        .server
        .as_ref()
        .and_then(|_| repo.find_reference("HEAD").ok())
        .and_then(|head| head.symbolic_target().ok().flatten().map(str::to_owned))
        .filter(|target| repo.find_reference(target).is_err());
    install_report(
        args,
        &outcomes,
        &shown_dir,
        husky.is_some(),
        &program,
        dangling_head.as_deref(),
    )?;
    Ok(ExitStatus::Success)
}

/// The repository and the hooks `hook install` is asked for: the pre-receive hook of
/// a bare repository with `--server`, else the clone's pre-commit and pre-push hooks.
fn install_target(
    invocation: &Invocation,
    args: &InstallArgs,
) -> Result<(Repository, Vec<Hook>), Error> {
    if let Some(path) = &args.server {
        let path = invocation.dir.join(path);
        let repo = Repository::open_bare(&path).map_err(|error| {
            Error::usage(
                format!(
                    "{} is not a bare git repository: {}",
                    path.display(),
                    error.message()
                ),
                "pass the path of the server's bare repository, e.g. /srv/git/project.git",
            )
        })?;
        return Ok((repo, vec![Hook::PreReceive]));
    }
    let repo = repo::discover(&invocation.dir)?;
    if repo.is_bare() {
        // No one commits in a bare repository: client hooks there would never run.
        return Err(Error::usage(
            format!(
                "{} is a bare repository: nobody commits there, so the pre-commit and pre-push hooks would never run",
                repo.path().display()
            ),
            "on the server, install the pre-receive hook: lancelot hook install --server . (in a clone, run hook install without --server)",
        ));
    }
    let hooks = match (args.pre_commit, args.pre_push) {
        (false, false) => vec![Hook::PreCommit, Hook::PreMergeCommit, Hook::PrePush],
        (pre_commit, pre_push) => [
            (pre_commit, Hook::PreCommit),
            (pre_commit, Hook::PreMergeCommit),
            (pre_push, Hook::PrePush),
        ]
        .into_iter()
        .filter_map(|(wanted, hook)| wanted.then_some(hook))
        .collect(),
    };
    Ok((repo, hooks))
}

/// Writes lancelot's scripts into the hooks folder (keeping what is there), and the
/// server settings with `--server`; what happened to each hook, and the folder.
fn install_scripts(
    repo: &Repository,
    hooks: &[Hook],
    program: &Path,
    args: &InstallArgs,
    lock: Option<&lock::RepoLock>,
) -> Result<(Vec<(Hook, Outcome)>, PathBuf), Error> {
    let dir = hooks::hooks_dir(repo)?;
    prepare_hooks_folder(repo, &dir, args.dry_run)?;
    let hooks_folder = match Root::folder(&dir) {
        Ok(folder) => Some(folder),
        Err(_) if args.dry_run => None,
        Err(error) => return Err(error.into()),
    };
    let (plan, outcomes) = match &hooks_folder {
        Some(folder) => hooks::plan_install(folder, hooks, program, args.force)?,
        None => hooks::plan_missing_folder(hooks, program),
    };
    if let (Some(folder), Some(lock)) = (&hooks_folder, lock) {
        plan.apply_journaled(folder, lock.journal())?;
        if args.server.is_some() {
            hooks::configure_server(repo)?;
        }
    }
    Ok((outcomes, dir))
}

/// What `hook install` did (or would do), where each script is and what runs it.
fn install_report(
    args: &InstallArgs,
    outcomes: &[(Hook, Outcome)],
    shown_dir: &Path,
    husky: bool,
    program: &Path,
    dangling_head: Option<&str>,
) -> Result<(), Error> {
    let would =
        |done: &'static str, planned: &'static str| if args.dry_run { planned } else { done };
    let describe = |outcome: &Outcome| match outcome {
        Outcome::Installed => would("installed", "would install"),
        Outcome::Replaced | Outcome::ReplacedKeeping(_) => would("replaced", "would replace"),
        Outcome::Unchanged => "already installed",
        Outcome::Chained(_) => would("chained", "would chain"),
        Outcome::BesidePreCommit => would("installed", "would install"),
        Outcome::InHusky => would("added", "would add"),
    };
    // Where lancelot's script (or line) is, and what runs it.
    let placed = |hook: Hook, outcome: &Outcome| -> (String, String) {
        let file = |name: &str| shown_dir.join(name).display().to_string();
        match outcome {
            Outcome::BesidePreCommit => (
                file(hooks::legacy_name(hook)),
                "the pre-commit framework's hook runs it first".to_owned(),
            ),
            Outcome::Chained(manager) => (
                file(hook.name()),
                format!(
                    "runs the {} hook that was here first, kept as {}",
                    manager.map_or("earlier", |manager| manager.name()),
                    hooks::chained_name(hook)
                ),
            ),
            Outcome::ReplacedKeeping(backup) => (
                file(hook.name()),
                format!("the hook that was here is kept, not run, as {backup}"),
            ),
            Outcome::InHusky => (
                file(hook.name()),
                "husky runs it; commit it so the whole team runs lancelot".to_owned(),
            ),
            _ => (file(hook.name()), String::new()),
        }
    };
    let lefthook = outcomes
        .iter()
        .any(|(_, outcome)| *outcome == Outcome::Chained(Some(hooks::Manager::Lefthook)));
    args.output.emit(
        || {
            json!({
                "dry_run": args.dry_run,
                "hooks_dir": shown_dir.display().to_string(),
                "hooks": outcomes.iter().map(|(hook, outcome)| {
                    let (file, note) = placed(*hook, outcome);
                    json!({
                        "hook": hook.name(),
                        "outcome": describe(outcome),
                        "file": file,
                        "note": note,
                    })
                }).collect::<Vec<_>>(),
            })
        },
        || {
            let mut text = String::new();
            for (hook, outcome) in outcomes {
                let (file, note) = placed(*hook, outcome);
                text.push_str(&format!("{:<17} {}\n", describe(outcome), ui::safe(&file)));
                if !note.is_empty() {
                    text.push_str(&format!("{:<17} {}\n", "", ui::safe(&note)));
                }
            }
            if args.server.is_some() && !args.dry_run {
                for (key, why) in hooks::SERVER_SETTINGS {
                    text.push_str(&format!("{key} = true ({why})\n"));
                }
            }
            if let Some(head) = dangling_head {
                text.push_str(&format!(
                    "note: HEAD names {}, which does not exist yet: the freeze protects the branch HEAD names, and refuses pushes while it is missing and other branches exist. If the default branch has another name: git -C <repository> symbolic-ref HEAD refs/heads/<name>\n",
                    ui::safe(head)
                ));
            }
            if husky {
                text.push_str(&format!(
                    "{} {} the lancelot on PATH\n",
                    plural(outcomes.len(), "hook"),
                    if outcomes.len() == 1 { "calls" } else { "call" }
                ));
            } else {
                text.push_str(&format!(
                    "{} {} at {}\n",
                    plural(outcomes.len(), "hook"),
                    if outcomes.len() == 1 { "points" } else { "point" },
                    ui::safe(&program.display().to_string())
                ));
            }
            if lefthook {
                text.push_str(LEFTHOOK_NOTE);
            }
            text
        },
    )?;
    Ok(())
}
