//! The command line: global options and the list of commands.
//!
//! Each command's own arguments live beside its implementation in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::{
    Invocation, changelog, changelog::ChangelogArgs, check, check::CheckArgs, config,
    config::ConfigArgs, doctor, doctor::DoctorArgs, frozen, frozen::FrozenArgs, graph,
    graph::GraphArgs, guide, guide::GuideArgs, hook, hook::HookArgs, init, init::InitArgs, lint,
    lint::LintArgs, mcp, mcp::McpArgs, new_slice, new_slice::NewSliceArgs, receipts,
    receipts::ReceiptsArgs, release, release::ReleaseArgs, set_status, set_status::SetStatusArgs,
    shell, shell::CompletionsArgs, shell::ManArgs, status, status::StatusArgs,
};
use crate::{Error, ExitStatus};

const ABOUT: &str =
    "Git-native workflow for upgrade slices: scaffold them, freeze them, release them";

const LONG_ABOUT: &str = "\
lancelot serves the engineering SOP in which every new feature is an upgrade slice:
a versioned spec and blueprint, an architecture note, a runbook, a CHANGELOG entry,
a FEATURE_<NAME> flag and one owning module.

Start with `lancelot init` in your repository, then `lancelot new-slice <Feature>`.";

const AFTER_HELP: &str = "\
Exit codes:
  0    success
  1    a check ran and found problems
  2    bad usage or input, or an operation was refused (nothing was written)
  130  interrupted (Ctrl-C) before anything was written
  141  the output's reader stopped reading (`lancelot receipts | head -1`)

The guides are built in: `lancelot guide` lists them, `lancelot guide freeze` prints
one (user-guide, adoption, config, templates, freeze, server-hooks, ci, lifecycle,
receipts, release, security).";

/// lancelot's command line.
#[derive(Debug, Parser)]
#[command(name = "lancelot", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// Run as if lancelot was started in DIR (like `git -C`)
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,

    /// Read this TOML file instead of the repository's lancelot.toml
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Print no report and no warning: the exit status says the outcome (errors
    /// are still printed; JSON output is not affected)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a repository: lancelot.toml, the docs folders, the CHANGELOG and the env file
    Init(InitArgs),
    /// Scaffold a new upgrade slice: spec, blueprint, notes, CHANGELOG entry, flag, module
    #[command(name = "new-slice")]
    NewSlice(NewSliceArgs),
    /// Refuse changes to frozen specs and blueprints: the staged changes or a range of commits
    Check(CheckArgs),
    /// Run or install the git hooks (pre-commit, pre-push, server-side pre-receive)
    Hook(HookArgs),
    /// Move a slice (spec and blueprint) to another status, through the SOP's gates
    #[command(name = "set-status")]
    SetStatus(SetStatusArgs),
    /// Whether files may be edited: frozen or not, and why
    Frozen(FrozenArgs),
    /// Check every slice against the SOP: documents, links, flags, modules, dependencies
    Lint(LintArgs),
    /// The War Room board: every slice's status, flag, artifacts and last change
    Status(StatusArgs),
    /// The dependency graph of the slices, coloured by status
    Graph(GraphArgs),
    /// List the receipts of every action: slices, status changes, checks, releases
    Receipts(ReceiptsArgs),
    /// Check the set-up: configuration, templates, hooks, statuses, CHANGELOG
    Doctor(DoctorArgs),
    /// Cut a release: next semver version, CHANGELOG section, version files, commit and tag
    Release(ReleaseArgs),
    /// Read the CHANGELOG: print the notes of a version
    Changelog(ChangelogArgs),
    /// Print the configuration in force (and where each value comes from), or its schema
    Config(ConfigArgs),
    /// Print a guide: the freeze, the configuration, the server hook, and more
    Guide(GuideArgs),
    /// Serve the commands to coding agents: a Model Context Protocol server on stdio
    Mcp(McpArgs),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// Write the manual pages (`make man` runs it)
    #[command(hide = true)]
    Man(ManArgs),
}

impl Cli {
    /// Whether the command prints one JSON document (`--format json`): its errors
    /// are then reported as JSON too.
    pub fn wants_json(&self) -> bool {
        use crate::ui::FindingsFormat;
        match &self.command {
            Command::Init(args) => args.output.is_json(),
            Command::NewSlice(args) => args.output.is_json(),
            Command::Check(args) => matches!(
                args.output.format,
                FindingsFormat::Json | FindingsFormat::Codequality
            ),
            Command::Lint(args) => matches!(
                args.output.format,
                FindingsFormat::Json | FindingsFormat::Codequality
            ),
            Command::Hook(args) => match &args.command {
                crate::commands::hook::HookCommand::Install(install) => install.output.is_json(),
                _ => false,
            },
            Command::SetStatus(args) => args.output.is_json(),
            Command::Frozen(args) => args.output.is_json(),
            Command::Status(args) => args.format == crate::commands::status::BoardFormat::Json,
            Command::Receipts(args) => args.is_json(),
            Command::Doctor(args) => args.output.is_json(),
            Command::Release(args) => args.output.is_json(),
            Command::Changelog(args) => {
                let crate::commands::changelog::ChangelogCommand::Show { output, .. } =
                    &args.command;
                output.is_json()
            }
            Command::Graph(args) => args.format == crate::commands::graph::GraphFormat::Json,
            Command::Config(args) => args.is_json(),
            Command::Completions(_) | Command::Man(_) | Command::Guide(_) | Command::Mcp(_) => {
                false
            }
        }
    }

    /// Runs the command the command line asks for.
    pub fn run(self) -> Result<ExitStatus, Error> {
        // Generated from the command line itself: no repository is needed.
        match &self.command {
            Command::Completions(args) => return shell::completions(args),
            Command::Guide(args) => return guide::run(args),
            Command::Config(ConfigArgs {
                command: config::ConfigCommand::Schema,
            }) => return config::schema(),
            Command::Man(args) => return shell::man(args),
            _ => {}
        }
        let invocation = Invocation::new(self.directory.as_deref(), self.config.as_deref())?;
        match self.command {
            Command::Init(args) => init::run(&invocation, &args),
            Command::NewSlice(args) => new_slice::run(&invocation, &args),
            Command::Check(args) => check::run(&invocation, &args),
            Command::Hook(args) => hook::run(&invocation, &args),
            Command::Release(args) => release::run(&invocation, &args),
            Command::SetStatus(args) => set_status::run(&invocation, &args),
            Command::Lint(args) => lint::run(&invocation, &args),
            Command::Frozen(args) => frozen::run(&invocation, &args),
            Command::Status(args) => status::run(&invocation, &args),
            Command::Graph(args) => graph::run(&invocation, &args),
            Command::Receipts(args) => receipts::run(&invocation, &args),
            Command::Doctor(args) => doctor::run(&invocation, &args),
            Command::Changelog(args) => changelog::run(&invocation, &args),
            Command::Completions(args) => shell::completions(&args),
            Command::Guide(args) => guide::run(&args),
            Command::Config(args) => match args.command {
                config::ConfigCommand::Schema => config::schema(),
                config::ConfigCommand::Show { output } => config::show(&invocation, output),
            },
            Command::Man(args) => shell::man(&args),
            Command::Mcp(_) => mcp::run(Some(&invocation.dir), invocation.config.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
