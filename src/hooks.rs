//! Installing lancelot's git hooks: pre-commit and pre-push in a clone, pre-receive
//! in a bare repository on the server.
//!
//! A hook script lancelot writes carries a marker line, so reinstalling replaces it
//! (idempotently) while a hook written by someone else is never overwritten without
//! `--force`. Scripts are written through the plan executor, like every other file.

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::apply::{FileChange, Plan};
use crate::fs::{CONFIG_LIMIT, FsError, RelPath, Root};

/// The line that marks a hook script as lancelot's.
pub const MARKER: &str = "# lancelot-managed hook";

/// The hooks lancelot provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// Checks the index before each commit.
    PreCommit,
    /// Checks the commits being pushed.
    PrePush,
    /// Refuses pushes on the server.
    PreReceive,
}

impl Hook {
    /// The hook's file name.
    pub fn name(self) -> &'static str {
        match self {
            Hook::PreCommit => "pre-commit",
            Hook::PrePush => "pre-push",
            Hook::PreReceive => "pre-receive",
        }
    }
}

/// What installing did, or would do, for one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The hook was not there and is written.
    Installed,
    /// lancelot's hook is there and up to date: nothing to write.
    Unchanged,
    /// lancelot's older hook (or, with `--force`, another hook) is replaced.
    Replaced,
    /// Another program's hook is there; it is left alone.
    Foreign,
}

/// Why hooks cannot be installed.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Hooks written by someone else are in the way.
    #[error("{} already exist{} and {} not written by lancelot", names.join(" and "), if names.len() == 1 { "s" } else { "" }, if names.len() == 1 { "was" } else { "were" })]
    Foreign {
        /// The hooks in the way.
        names: Vec<String>,
        /// The hooks folder.
        dir: PathBuf,
    },
    /// The hooks folder or a hook could not be reached or read safely.
    #[error(transparent)]
    Files(#[from] FsError),
    /// The repository's configuration could not be read or written.
    #[error("cannot use the git configuration of {}", path.display())]
    Config {
        /// The repository.
        path: PathBuf,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
}

impl HookError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            HookError::Foreign { dir, .. } => Some(format!(
                "pass --force to replace them, or call `lancelot hook <name>` from your own hook in {}",
                dir.display()
            )),
            HookError::Files(error) => error.hint(),
            HookError::Config { .. } => None,
        }
    }
}

/// The folder git runs hooks from: `core.hooksPath` when set (relative to the work
/// tree, or to the git folder of a bare repository), else `hooks` in the common git
/// folder, which linked worktrees share.
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf, HookError> {
    let config = repo.config().map_err(|source| HookError::Config {
        path: repo.path().to_path_buf(),
        source,
    })?;
    if let Ok(custom) = config.get_path("core.hooksPath") {
        if custom.is_absolute() {
            return Ok(custom);
        }
        let base = repo.workdir().unwrap_or_else(|| repo.path());
        return Ok(base.join(custom));
    }
    Ok(repo.commondir().join("hooks"))
}

/// The script of `hook`, running the lancelot at `program` (or the one on `PATH` if
/// that one is gone).
pub fn script(hook: Hook, program: &Path) -> String {
    let purpose = match hook {
        Hook::PreCommit => "refuses commits that change frozen specs or blueprints",
        Hook::PrePush => "refuses pushes of commits that change frozen specs or blueprints",
        Hook::PreReceive => "refuses pushes that change frozen specs or blueprints (fails closed)",
    };
    format!(
        "#!/bin/sh\n\
         {MARKER} ({name}): {purpose}.\n\
         # Written by lancelot {version}; reinstall with `lancelot hook install`.\n\
         {assignment}\n\
         [ -x \"$LANCELOT\" ] || LANCELOT=lancelot\n\
         exec \"$LANCELOT\" hook {name} \"$@\"\n",
        name = hook.name(),
        version = env!("CARGO_PKG_VERSION"),
        assignment = program_assignment(program),
    )
}

/// The line of a hook script that names the program: `LANCELOT='/usr/bin/lancelot'`.
/// A path that is not printable UTF-8 (any bytes a file system allows) is spelled as
/// octal escapes for `printf`, so the script stays ASCII and finds the program exactly.
pub fn program_assignment(program: &Path) -> String {
    let bytes = path_bytes(program);
    if let Ok(text) = std::str::from_utf8(&bytes)
        && !text.chars().any(crate::ui::is_unsafe)
    {
        return format!("LANCELOT='{}'", text.replace('\'', r"'\''"));
    }
    let octal: String = bytes.iter().map(|byte| format!("\\{byte:03o}")).collect();
    // The trailing `x` keeps a final newline of the path from being dropped by `$(…)`.
    format!("LANCELOT=\"$(printf '{octal}x')\"; LANCELOT=\"${{LANCELOT%x}}\"")
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

/// Plans writing `hooks` into the hooks folder `dir`: the plan (paths relative to
/// `dir`) and what happens to each hook. Foreign hooks are refused unless `force`; a
/// hook that is a symbolic link is never written through.
pub fn plan_install(
    dir: &Root,
    hooks: &[Hook],
    program: &Path,
    force: bool,
) -> Result<(Plan, Vec<(Hook, Outcome)>), HookError> {
    let mut plan = Plan::new();
    let mut outcomes = Vec::new();
    let mut foreign = Vec::new();
    for &hook in hooks {
        let wanted = script(hook, program);
        let relative = RelPath::from_static(hook.name());
        let current = dir
            .read(&relative, CONFIG_LIMIT)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let outcome = match current {
            None => {
                plan.push(FileChange::create(relative, wanted).executable());
                Outcome::Installed
            }
            Some(current) if current == wanted && is_executable(&dir.path().join(hook.name())) => {
                Outcome::Unchanged
            }
            Some(current) if current.contains(MARKER) || force => {
                plan.push(FileChange::update(relative, current, wanted).executable());
                Outcome::Replaced
            }
            Some(_) => {
                foreign.push(hook.name().to_owned());
                Outcome::Foreign
            }
        };
        outcomes.push((hook, outcome));
    }
    if !foreign.is_empty() {
        return Err(HookError::Foreign {
            names: foreign,
            dir: dir.path().to_path_buf(),
        });
    }
    Ok((plan, outcomes))
}

/// The plan for a hooks folder that does not exist yet (a dry run): every hook is new.
pub fn plan_missing_folder(hooks: &[Hook], program: &Path) -> (Plan, Vec<(Hook, Outcome)>) {
    let mut plan = Plan::new();
    for &hook in hooks {
        plan.push(
            FileChange::create(RelPath::from_static(hook.name()), script(hook, program))
                .executable(),
        );
    }
    let outcomes = hooks
        .iter()
        .map(|&hook| (hook, Outcome::Installed))
        .collect();
    (plan, outcomes)
}

/// The git settings a server running the pre-receive hook wants: push options (for
/// the break-glass override) and `receive.fsckObjects`, so git itself refuses
/// malformed objects before the hook runs.
pub const SERVER_SETTINGS: [(&str, &str); 2] = [
    (
        "receive.advertisePushOptions",
        "for the break-glass override",
    ),
    (
        "receive.fsckObjects",
        "git refuses malformed objects before the hook runs",
    ),
];

/// Sets every [`SERVER_SETTINGS`] key to true.
pub fn configure_server(repo: &Repository) -> Result<(), HookError> {
    let fail = |source| HookError::Config {
        path: repo.path().to_path_buf(),
        source,
    };
    let mut config = repo.config().map_err(fail)?;
    for (key, _) in SERVER_SETTINGS {
        config.set_bool(key, true).map_err(fail)?;
    }
    Ok(())
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_quote_the_program_path() {
        let text = script(Hook::PreReceive, Path::new("/opt/it's/lancelot"));
        assert!(text.starts_with("#!/bin/sh\n"));
        assert!(text.contains(MARKER));
        assert!(text.contains(r"LANCELOT='/opt/it'\''s/lancelot'"));
        assert!(text.contains("exec \"$LANCELOT\" hook pre-receive \"$@\""));
    }

    #[cfg(unix)]
    #[test]
    fn scripts_spell_any_path_in_ascii() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/opt/bin-\xff\n/lancelot"));
        let line = program_assignment(path);
        assert!(line.is_ascii(), "{line}");
        assert_eq!(
            line,
            r#"LANCELOT="$(printf '\057\157\160\164\057\142\151\156\055\377\012\057\154\141\156\143\145\154\157\164x')"; LANCELOT="${LANCELOT%x}""#
        );
    }

    #[test]
    fn installing_twice_changes_nothing_and_foreign_hooks_are_kept() {
        let temp = tempfile::tempdir().unwrap();
        let dir = Root::folder(temp.path()).unwrap();
        let program = Path::new("/usr/bin/lancelot");
        let (plan, outcomes) = plan_install(&dir, &[Hook::PreCommit], program, false).unwrap();
        assert_eq!(outcomes, [(Hook::PreCommit, Outcome::Installed)]);
        plan.apply(&dir).unwrap();
        let (plan, outcomes) = plan_install(&dir, &[Hook::PreCommit], program, false).unwrap();
        assert_eq!(outcomes, [(Hook::PreCommit, Outcome::Unchanged)]);
        assert!(plan.changes().is_empty());

        std::fs::write(temp.path().join("pre-push"), "#!/bin/sh\nmy own\n").unwrap();
        let error =
            plan_install(&dir, &[Hook::PreCommit, Hook::PrePush], program, false).unwrap_err();
        assert!(
            error.to_string().contains("pre-push already exists"),
            "{error}"
        );
        let (_, outcomes) = plan_install(&dir, &[Hook::PrePush], program, true).unwrap();
        assert_eq!(outcomes, [(Hook::PrePush, Outcome::Replaced)]);
    }
}
