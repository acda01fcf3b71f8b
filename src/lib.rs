//! lancelot: a git-native workflow tool for teams that introduce every feature as an
//! *upgrade slice* (spec, blueprint, architecture note, runbook, CHANGELOG entry, flag,
//! owning module). The library holds every capability; `main.rs` only calls [`main`].
//!
//! Data flows one way: [`cli`] → [`commands`] → domain modules ([`scaffold`],
//! [`freeze`], [`release`], [`lifecycle`]) → [`doc`], [`config`], [`repo`], [`slice`](crate::slice),
//! [`changelog`], [`envfile`], [`receipts`] → [`apply`]. Domain modules never print.

pub mod apply;
pub mod branches;
pub mod changelog;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod detect;
pub mod doc;
pub mod envfile;
pub mod error;
pub mod fault;
pub mod feature;
pub mod freeze;
pub mod fs;
pub mod hooks;
pub mod lifecycle;
pub mod lock;
pub mod mcp;
pub mod receipts;
pub mod release;
pub mod repo;
pub mod scaffold;
pub mod slice;
pub mod ui;
pub mod wizard;

use std::process::ExitCode;

use clap::Parser;

pub use error::{Error, ExitStatus};

/// Parses the process arguments, runs the command and reports the outcome.
///
/// Errors are printed to stderr as `error: …` with a `help: …` line when there is
/// something the user can do; the exit code follows [`ExitStatus`].
pub fn main() -> ExitCode {
    // A shell asking for completions (the scripts of `lancelot completions` call back
    // with this variable set) is answered here, and nothing else runs.
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .var(commands::shell::COMPLETE_VARIABLE)
        .complete();
    let cli = cli::Cli::parse();
    ui::set_quiet(cli.quiet);
    let json = cli.wants_json();
    match cli.run() {
        Ok(status) => status.into(),
        Err(error) => {
            if json {
                ui::report_error_json(&error);
            } else {
                ui::report_error(&error);
            }
            error.exit_status().into()
        }
    }
}
