//! One module per command: its arguments and the glue between the command line, the
//! domain modules and what the user sees. Domain modules never print; commands do.

pub mod changelog;
pub mod check;
pub mod doctor;
pub mod hook;
pub mod init;
pub mod lifecycle;
pub mod new_slice;
pub mod receipts;
pub mod release;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::fs::Root;
use crate::repo::Workspace;
use crate::{Error, ExitStatus};

/// Where a command runs and which configuration it reads.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The folder the command runs in (after `-C`).
    pub dir: PathBuf,
    /// The configuration file given with `--config`, resolved against `dir`.
    pub config: Option<PathBuf>,
}

impl Invocation {
    /// Resolves `-C` and `--config` against the process's current folder.
    pub fn new(directory: Option<&Path>, config: Option<&Path>) -> Result<Invocation, Error> {
        let cwd = std::env::current_dir().map_err(|error| {
            Error::usage(
                format!("cannot read the current folder: {error}"),
                "run lancelot from an existing folder, or pass -C <DIR>",
            )
        })?;
        let dir = match directory {
            Some(directory) => cwd.join(directory),
            None => cwd,
        };
        let config = config.map(|path| dir.join(path));
        Ok(Invocation { dir, config })
    }

    /// The repository containing the folder, with its work tree.
    pub fn workspace(&self) -> Result<Workspace, Error> {
        Ok(Workspace::discover(&self.dir)?)
    }

    /// The configuration for the work tree `root`.
    pub fn config(&self, root: &Root) -> Result<Config, Error> {
        Ok(Config::load(root, self.config.as_deref())?.0)
    }
}

/// Runs the command the command line asks for.
pub fn run(cli: Cli) -> Result<ExitStatus, Error> {
    let invocation = Invocation::new(cli.directory.as_deref(), cli.config.as_deref())?;
    match cli.command {
        Command::Init(args) => init::run(&invocation, &args),
        Command::NewSlice(args) => new_slice::run(&invocation, &args),
        Command::Check(args) => check::run(&invocation, &args),
        Command::Hook(args) => hook::run(&invocation, &args),
        Command::Release(args) => release::run(&invocation, &args),
        Command::SetStatus(args) => lifecycle::set_status(&invocation, &args),
        Command::Lint(args) => lifecycle::lint(&invocation, &args),
        Command::Status(args) => lifecycle::status(&invocation, &args),
        Command::Graph(args) => lifecycle::graph(&invocation, &args),
        Command::Receipts(args) => receipts::run(&invocation, &args),
        Command::Doctor(args) => doctor::run(&invocation, &args),
        Command::Changelog(args) => changelog::run(&invocation, &args),
    }
}

/// Prints a JSON document on stdout (see [`json_text`]).
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), Error> {
    let text = json_text(value)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Error::Output)
}

/// A JSON document as lancelot prints it: pretty, ending in a newline, and with the
/// characters a terminal would act on (DEL, C1 controls, bidirectional controls)
/// written as `\uXXXX` escapes, so it means exactly the same to a JSON reader and
/// nothing reaches a terminal raw.
fn json_text(value: &serde_json::Value) -> Result<String, Error> {
    let text = serde_json::to_string_pretty(value).map_err(|error| Error::Output(error.into()))?;
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // serde_json escapes the C0 controls in strings; a raw `\n` is layout.
        if c != '\n' && crate::ui::is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_means_the_same() {
        let value =
            serde_json::json!({ "status": "In\u{202e} Progress\u{9b}2J\u{7f}\u{1b}\u{e0041}" });
        let text = json_text(&value).unwrap();
        assert!(
            !text.chars().any(|c| c != '\n' && crate::ui::is_unsafe(c)),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
