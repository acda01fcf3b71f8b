//! `lancelot config schema` and `lancelot config show`: the configuration's shape for
//! editors, and the configuration in force with where each value comes from.

use clap::{Args, Subcommand};
use serde_json::json;

use super::Invocation;
use crate::config::Config;
use crate::freeze::Limits;
use crate::ui::{self, DIM, OutputArgs};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// What to print.
    #[command(subcommand)]
    pub command: ConfigCommand,
}

/// `lancelot config` commands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the JSON Schema of lancelot.toml, for editors (taplo, Even Better TOML)
    #[command(after_help = "\
Save it and point your editor at it, e.g. with taplo (.taplo.toml):
  [[rule]]
  include = [\"lancelot.toml\"]
  schema.path = \"lancelot.schema.json\"")]
    Schema,
    /// Print the configuration in force, each value with where it comes from
    Show {
        /// How the report is printed: `--format text|json`.
        #[command(flatten)]
        output: OutputArgs,
    },
}

impl ConfigArgs {
    /// Whether the output is JSON (errors are reported as JSON then).
    pub fn is_json(&self) -> bool {
        match &self.command {
            ConfigCommand::Schema => true,
            ConfigCommand::Show { output } => output.is_json(),
        }
    }
}

/// Runs `lancelot config schema`, which needs no repository.
pub fn schema() -> Result<ExitStatus, Error> {
    let schema = schemars::schema_for!(Config);
    ui::print_json(&schema.to_value())?;
    Ok(ExitStatus::Success)
}

/// Runs `lancelot config show`.
pub fn show(invocation: &Invocation, output: OutputArgs) -> Result<ExitStatus, Error> {
    let workspace = invocation.workspace()?;
    let source = Config::source(&workspace.files, invocation.config.as_deref())?;
    let config = match &source {
        Some((text, path)) => Config::from_toml(text, &path.display().to_string())?,
        None => Config::default(),
    };
    let written: toml::Table = source
        .as_ref()
        .and_then(|(text, _)| text.parse().ok())
        .unwrap_or_default();
    let effective = toml::Table::try_from(&config).map_err(|error| {
        Error::usage(
            format!("cannot show the configuration: {error}"),
            "report this as a bug of lancelot",
        )
    })?;
    let origin = |section: &str, key: &str| {
        let set = written
            .get(section)
            .and_then(toml::Value::as_table)
            .is_some_and(|table| table.contains_key(key));
        if set { "file" } else { "default" }
    };
    let limits = Limits::from_git_config(&workspace.repo)?;
    let git_config = crate::repo::server_settings(&workspace.repo).ok();
    let from_git = |key: &str| {
        git_config
            .as_ref()
            .is_some_and(|config| config.get_entry(key).is_ok())
    };
    let machine = [
        ("lancelot.maxParents", limits.parents),
        ("lancelot.maxPairs", limits.pairs),
        ("lancelot.maxEntries", limits.entries),
        ("lancelot.maxBytes", limits.bytes),
    ];
    let file = source.as_ref().map(|(_, path)| path.display().to_string());
    output.emit(
        || {
            let mut sections = serde_json::Map::new();
            for (section, values) in &effective {
                let mut keys = serde_json::Map::new();
                for (key, value) in values.as_table().into_iter().flatten() {
                    keys.insert(
                        key.clone(),
                        json!({ "value": value, "from": origin(section, key) }),
                    );
                }
                sections.insert(section.clone(), serde_json::Value::Object(keys));
            }
            let machine: serde_json::Map<String, serde_json::Value> = machine
                .iter()
                .map(|(key, value)| {
                    let from = if from_git(key) {
                        "git config"
                    } else {
                        "default"
                    };
                    ((*key).to_owned(), json!({ "value": value, "from": from }))
                })
                .collect();
            json!({ "file": file, "values": sections, "git_config": machine })
        },
        || {
            let mut text = match &file {
                Some(path) => format!(
                    "{DIM}# from {} (keys marked `default` are not in it){DIM:#}\n",
                    ui::safe(path)
                ),
                None => format!("{DIM}# no lancelot.toml: every value is a default{DIM:#}\n"),
            };
            for (section, values) in &effective {
                text.push_str(&format!("\n[{}]\n", ui::safe(section)));
                for (key, value) in values.as_table().into_iter().flatten() {
                    text.push_str(&format!(
                        "{} = {}  {DIM}# {}{DIM:#}\n",
                        ui::safe(key),
                        ui::safe(&value.to_string()),
                        origin(section, key)
                    ));
                }
            }
            text.push_str(&format!(
                "\n{DIM}# the machine's limits (git config; a repository cannot set them){DIM:#}\n"
            ));
            for (key, value) in machine {
                let from = if from_git(key) {
                    "git config"
                } else {
                    "default"
                };
                text.push_str(&format!("{key} = {value}  {DIM}# {from}{DIM:#}\n"));
            }
            text
        },
    )?;
    Ok(ExitStatus::Success)
}
