//! `lancelot receipts`: list the receipt log, filtered by type and date.

use clap::Args;
use serde_json::json;

use super::Invocation;
use crate::receipts;
use crate::repo;
use crate::ui::{self, DIM, OutputArgs};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot receipts`.
#[derive(Debug, Args)]
#[command(after_help = "\
Receipts live in <git dir>/lancelot/receipts.jsonl, one JSON object per line;
docs/receipts.md describes every type. In a bare repository on a server they
record refused and overridden pushes.

Examples:
  lancelot receipts --type check.refused --since 2026-01-01
  lancelot receipts --type slice --format json")]
pub struct ReceiptsArgs {
    /// Only this type, or a type prefix such as `slice` or `check`
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,

    /// Only receipts on or after this date (YYYY-MM-DD) or time (RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// How the report is printed: `--format text|json`.

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `lancelot receipts`.
pub fn run(invocation: &Invocation, args: &ReceiptsArgs) -> Result<ExitStatus, Error> {
    let repo = repo::discover(&invocation.dir)?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let (all, skipped) = receipts::read_all(repo.path()).map_err(|error| {
        Error::usage(
            format!(
                "cannot read {}: {error}",
                receipts::log_path(repo.path()).display()
            ),
            "check the file's permissions",
        )
    })?;
    let selected: Vec<_> = all
        .into_iter()
        .filter(|receipt| {
            args.kind.as_deref().is_none_or(|kind| {
                receipt.kind == kind || receipt.kind.starts_with(&format!("{kind}."))
            })
        })
        .filter(|receipt| {
            since.is_none_or(|since| {
                receipt
                    .at
                    .parse::<jiff::Timestamp>()
                    .is_ok_and(|at| at >= since)
            })
        })
        .collect();
    if skipped > 0 {
        ui::warn(&format!(
            "{skipped} unreadable line(s) in the receipt log were skipped"
        ));
    }
    args.output.emit(
        || json!(selected),
        || {
            let mut text = String::new();
            for receipt in &selected {
                let details = serde_json::Value::Object(receipt.details.clone());
                text.push_str(&format!(
                    "{}  {:<22} {}  {DIM}{}{DIM:#}\n",
                    ui::safe(&receipt.at),
                    ui::safe(&receipt.kind),
                    ui::safe(&receipt.actor),
                    ui::safe(&details.to_string())
                ));
            }
            if selected.is_empty() {
                text.push_str("No receipts.\n");
            }
            text
        },
    )?;
    Ok(ExitStatus::Success)
}

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
fn parse_since(text: &str) -> Result<jiff::Timestamp, Error> {
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Ok(timestamp);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|date| date.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
        .map(|zoned| zoned.timestamp())
        .ok_or_else(|| {
            Error::usage(
                format!("`{text}` is not a date"),
                "give --since as YYYY-MM-DD or an RFC 3339 time such as 2026-03-01T12:00:00Z",
            )
        })
}
