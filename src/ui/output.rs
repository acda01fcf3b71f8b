//! The one way a command reports: `--format text|json` (flattened into every command
//! that reports, as [`OutputArgs`]) and [`OutputArgs::emit`], which prints a report
//! for people or as one JSON document for scripts.

use std::io::Write;

use clap::{Args, ValueEnum};

use crate::Error;

/// Output format of commands that report results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document on stdout, for scripts.
    Json,
}

/// The `--format` option of a command that reports.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl OutputArgs {
    /// Whether scripts read the output (no prompts, no colour, one JSON document).
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints a report: `json()` as one JSON document, or `text()` for people. Only
    /// the one asked for is built.
    pub fn emit(
        &self,
        json: impl FnOnce() -> serde_json::Value,
        text: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        match self.format {
            Format::Json => print_json(&json()),
            Format::Text => super::out(&text()),
        }
    }
}

/// Output format of the commands that report findings on files (`check`, `lint`):
/// also as a CI system's annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FindingsFormat {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document on stdout, for scripts.
    Json,
    /// GitHub Actions workflow commands: an error annotation on each file, and a
    /// table in the job summary when `$GITHUB_STEP_SUMMARY` is set.
    Github,
    /// GitLab's Code Quality report (a JSON array), for `artifacts:reports:codequality`.
    Codequality,
}

/// The `--format` option of a command that reports findings on files.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct FindingsOutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: FindingsFormat,
}

impl FindingsOutputArgs {
    /// Whether people read the output (progress may show on a terminal).
    pub fn is_text(&self) -> bool {
        self.format == FindingsFormat::Text
    }

    /// Prints a report: `json()` as one JSON document, `text()` for people, or the
    /// `annotations()` of a CI system, its job summary headed `heading`. Only the one
    /// asked for is built.
    pub fn emit(
        &self,
        heading: &str,
        json: impl FnOnce() -> serde_json::Value,
        text: impl FnOnce() -> String,
        annotations: impl FnOnce() -> Vec<super::ci::Annotation>,
    ) -> Result<(), Error> {
        match self.format {
            FindingsFormat::Json => print_json(&json()),
            FindingsFormat::Text => super::out(&text()),
            FindingsFormat::Github => super::ci::github(heading, &annotations()),
            FindingsFormat::Codequality => {
                print_json(&super::ci::codequality_report(&annotations()))
            }
        }
    }
}

/// `1 hook`, `2 hooks`.
pub fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// Prints a JSON document on stdout (see [`json_text`]).
pub fn print_json(value: &serde_json::Value) -> Result<(), Error> {
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
pub fn json_text(value: &serde_json::Value) -> Result<String, Error> {
    escaped_json(serde_json::to_string_pretty(value).map_err(|error| Error::Output(error.into()))?)
}

/// A JSON document on one line (for `--format jsonl`), escaped as [`json_text`].
pub fn json_line(value: &serde_json::Value) -> Result<String, Error> {
    escaped_json(serde_json::to_string(value).map_err(|error| Error::Output(error.into()))?)
}

/// `text` (serialized JSON) with what a terminal would act on written as `\uXXXX`,
/// ending in a newline.
fn escaped_json(text: String) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // serde_json escapes the C0 controls in strings; a raw `\n` is layout.
        if c != '\n' && super::is_unsafe(c) {
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

    #[test]
    fn plurals_count() {
        assert_eq!(plural(1, "hook"), "1 hook");
        assert_eq!(plural(2, "hook"), "2 hooks");
        assert_eq!(plural(0, "slice"), "0 slices");
    }
}
