//! `lancelot frozen`: may these files be edited? For people and coding agents who
//! ask before they change a spec, instead of learning it from a refused commit.

use clap::Args;
use serde_json::json;

use super::Invocation;
use crate::freeze::{self, Editable, RulesSource};
use crate::repo;
use crate::ui::{self, OutputArgs};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot frozen`.
#[derive(Debug, Args)]
#[command(after_help = "\
A path is frozen when the freeze covers it ([freeze] paths) and its committed
version (at HEAD) has a frozen status. The rules are those committed at HEAD, as
the pre-commit hook reads them.

Exit status: 0 every path may be edited, 1 a path is frozen, 2 the question could
not be answered.")]
pub struct FrozenArgs {
    /// The files, relative to the current folder
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// How the answer is printed: `--format text|json`.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `lancelot frozen`.
pub fn run(invocation: &Invocation, args: &FrozenArgs) -> Result<ExitStatus, Error> {
    let repo = repo::discover(&invocation.dir)?;
    let source = invocation
        .config
        .as_deref()
        .map_or(RulesSource::Head, RulesSource::File);
    let rules = freeze::load_rules(&repo, source)?;
    let root = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    let answers: Vec<Editable> = args
        .paths
        .iter()
        .map(|path| {
            let full = invocation.dir.join(path);
            let relative = pathdiff::diff_paths(&full, &root)
                .map(|path| path.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|| path.clone());
            freeze::editable(&repo, &rules, &relative)
        })
        .collect::<Result<_, _>>()?;
    let frozen = answers.iter().any(|answer| answer.frozen);
    args.output.emit(
        || json!(answers),
        || {
            answers
                .iter()
                .map(|answer| format!("{}: {}\n", ui::safe(&answer.path), ui::safe(&answer.reason)))
                .collect()
        },
    )?;
    Ok(if frozen {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
