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
  fish:  lancelot completions fish > ~/.config/fish/completions/lancelot.fish";

/// Arguments of `lancelot completions`.
#[derive(Debug, Args)]
#[command(after_help = COMPLETIONS_HELP)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs `lancelot completions`.
pub fn completions(args: &CompletionsArgs) -> Result<ExitStatus, Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "lancelot", &mut script);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .map_err(Error::Output)?;
    Ok(ExitStatus::Success)
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
