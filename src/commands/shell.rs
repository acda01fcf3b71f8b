//! `lancelot completions` and `lancelot man`: the shell's side of the command line,
//! generated from the same clap definitions as `--help`, so they never disagree.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, CommandFactory};

use crate::cli::Cli;
use crate::{Error, ExitStatus};

const COMPLETIONS_HELP: &str = "\
Prints the completion script of a shell on stdout. Load it from your shell's start-up
file:
  bash:  source <(lancelot completions bash)          # in ~/.bashrc
  zsh:   lancelot completions zsh > ~/.zfunc/_lancelot  (with ~/.zfunc in $fpath)
  fish:  lancelot completions fish > ~/.config/fish/completions/lancelot.fish

The script asks lancelot (on your PATH) for each completion, so the feature names of
set-status, status, --by and --depends-on are the slices of the repository you are in.";

/// Arguments of `lancelot completions`.
#[derive(Debug, Args)]
#[command(after_help = COMPLETIONS_HELP)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The variable with which a shell's completion script calls lancelot back.
pub const COMPLETE_VARIABLE: &str = "LANCELOT_COMPLETE";

/// Runs `lancelot completions`: a script that asks lancelot itself for each
/// completion, so feature names come from the repository the shell is in. A shell
/// without such scripts gets clap's static one.
pub fn completions(args: &CompletionsArgs) -> Result<ExitStatus, Error> {
    let mut script = Vec::new();
    let shells = clap_complete::env::Shells::builtins();
    let dynamic = shells.completer(&args.shell.to_string()).map(|shell| {
        shell.write_registration(
            COMPLETE_VARIABLE,
            "lancelot",
            "lancelot",
            "lancelot",
            &mut script,
        )
    });
    match dynamic {
        Some(written) => written.map_err(Error::Output)?,
        None => clap_complete::generate(args.shell, &mut Cli::command(), "lancelot", &mut script),
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}

/// The slices of the repository the shell is in whose names start with `current`
/// (any case), each with its status; nothing outside a repository.
pub fn feature_names(current: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let Ok(dir) = std::env::current_dir() else {
        return Vec::new();
    };
    let Ok(workspace) = crate::repo::Workspace::discover(&dir) else {
        return Vec::new();
    };
    let Ok((config, _)) = crate::config::Config::load(&workspace.files, None) else {
        return Vec::new();
    };
    let Ok(slices) = crate::slice::existing_slices(&workspace.files, &config) else {
        return Vec::new();
    };
    let wanted = current.to_lowercase();
    slices
        .iter()
        .map(|slice| slice.feature.pascal())
        .filter(|name| name.to_lowercase().starts_with(&wanted))
        .map(clap_complete::CompletionCandidate::new)
        .collect()
}

/// Arguments of `lancelot man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder the pages are written into (made if missing)
    #[arg(long, value_name = "DIR", default_value = "target/man")]
    pub out: PathBuf,
}

/// Runs `lancelot man`: writes `lancelot.1` and a `lancelot-<command>.1` page for
/// each command into the folder, and names them.
pub fn man(args: &ManArgs) -> Result<ExitStatus, Error> {
    let failed = |error: std::io::Error| {
        Error::usage(
            format!(
                "cannot write the manual pages into {}: {error}",
                args.out.display()
            ),
            "pass a folder you can write to with --out",
        )
    };
    std::fs::create_dir_all(&args.out).map_err(failed)?;
    let command = Cli::command();
    let mut pages = vec![("lancelot".to_owned(), command.clone())];
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = format!("lancelot-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("lancelot {}", sub.get_name()));
        pages.push((name, page));
    }
    let mut written = String::new();
    for (name, page) in pages {
        let mut roff = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut roff)
            .map_err(failed)?;
        let path = args.out.join(format!("{name}.1"));
        std::fs::write(&path, roff).map_err(failed)?;
        written.push_str(&format!("{}\n", path.display()));
    }
    crate::ui::out(&written)?;
    Ok(ExitStatus::Success)
}
