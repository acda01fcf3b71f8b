//! `lancelot receipts`: list the receipt log, filtered by type and date.

use clap::{Args, ValueEnum};
use serde_json::json;

use super::Invocation;
use crate::receipts;
use crate::repo;
use crate::ui::{self, DIM};
use crate::{Error, ExitStatus};

/// Arguments of `lancelot receipts`.
#[derive(Debug, Args)]
#[command(after_help = "\
Receipts live in <git dir>/lancelot/receipts.jsonl, one JSON object per line;
`lancelot guide receipts` describes every type. In a bare repository on a server they
record refused and overridden pushes.

Types: slice.created, slice.status_changed, slice.status_refused, check.refused,
check.overridden, release.cut, release.refused; or a prefix (slice, check, release).

Examples:
  lancelot receipts --type check.refused --since 2026-01-01
  lancelot receipts --type slice --format jsonl | jq .slice")]
pub struct ReceiptsArgs {
    /// Only this type, or a type prefix such as `slice` or `check`
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,

    /// Only receipts on or after this date (YYYY-MM-DD) or time (RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// How the receipts are printed: a line each for people (local time), one JSON
    /// array, or the records as they are stored, one JSON object per line
    #[arg(long, value_enum, default_value_t)]
    pub format: ReceiptsFormat,
}

/// How `lancelot receipts` prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReceiptsFormat {
    /// A line per receipt: local time, type, actor, what matters.
    #[default]
    Text,
    /// One JSON array of the records.
    Json,
    /// One JSON record per line.
    Jsonl,
}

impl ReceiptsArgs {
    /// Whether the output is JSON (errors are reported as JSON then).
    pub fn is_json(&self) -> bool {
        self.format != ReceiptsFormat::Text
    }
}

/// Runs `lancelot receipts`.
pub fn run(invocation: &Invocation, args: &ReceiptsArgs) -> Result<ExitStatus, Error> {
    let repo = repo::discover(&invocation.dir)?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    if let Some(kind) = args.kind.as_deref()
        && !receipts::KINDS
            .iter()
            .any(|known| *known == kind || known.starts_with(&format!("{kind}.")))
    {
        return Err(Error::usage(
            format!("`{kind}` is no type of receipt"),
            format!(
                "give one of {}, or a prefix: slice, check, release",
                receipts::KINDS.join(", ")
            ),
        ));
    }
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
    let text = match args.format {
        ReceiptsFormat::Json => ui::json_text(&json!(selected))?,
        ReceiptsFormat::Jsonl => {
            let mut lines = String::new();
            for receipt in &selected {
                lines.push_str(&ui::json_line(&json!(receipt))?);
            }
            lines
        }
        ReceiptsFormat::Text => {
            let mut text = String::new();
            for receipt in &selected {
                text.push_str(&format!(
                    "{}  {:<21} {}  {DIM}{}{DIM:#}\n",
                    local_time(&receipt.at),
                    ui::safe(&receipt.kind),
                    ui::safe(&receipt.summary()),
                    ui::safe(&receipt.actor),
                ));
            }
            if selected.is_empty() {
                text.push_str("No receipts.\n");
            }
            text
        }
    };
    ui::out(&text)?;
    Ok(ExitStatus::Success)
}

/// An RFC 3339 time as the local time to the second (`2026-03-01 14:05:09`); as
/// written when it is no time.
fn local_time(at: &str) -> String {
    at.parse::<jiff::Timestamp>()
        .map(|time| {
            time.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| ui::safe(at).to_string())
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
