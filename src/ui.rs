//! What the user sees: styled messages on stderr, plain results on stdout.
//!
//! Styling goes through `anstream`, which drops colours when the stream is not a
//! terminal or `NO_COLOR` is set, so callers never decide that themselves.

use std::error::Error as _;

use anstyle::{AnsiColor, Style};

use crate::Error;

/// Style of the `error:` label.
pub const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
/// Style of the `warning:` label.
pub const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
/// Style of the `help:` label.
pub const HELP: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
/// Style of things that were created or succeeded.
pub const GOOD: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// Style of secondary text.
pub const DIM: Style = Style::new().dimmed();
/// Style of emphasised names (paths, features).
pub const BOLD: Style = Style::new().bold();

/// Prints an error, its causes and its hint to stderr.
pub fn report_error(error: &Error) {
    anstream::eprintln!("{ERROR}error:{ERROR:#} {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        anstream::eprintln!("  {DIM}caused by:{DIM:#} {cause}");
        source = cause.source();
    }
    if let Some(hint) = error.hint() {
        anstream::eprintln!("{HELP}help:{HELP:#} {hint}");
    }
}

/// Prints a warning to stderr.
pub fn warn(message: &str) {
    anstream::eprintln!("{WARNING}warning:{WARNING:#} {message}");
}

/// Writes text to stdout (styles are dropped when stdout is not a terminal). A closed
/// pipe is an error, not a panic.
pub fn out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut stdout = anstream::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Error::Output)
}

/// `  create  docs/specs/…` lines for each change of a plan.
pub fn plan_lines(plan: &crate::apply::Plan) -> String {
    let mut text = String::new();
    for change in plan.changes() {
        let path = change.path();
        let suffix = if matches!(change, crate::apply::FileChange::Folder { .. }) {
            "/"
        } else {
            ""
        };
        text.push_str(&format!(
            "  {GOOD}{:<7}{GOOD:#} {path}{suffix}\n",
            change.action()
        ));
    }
    text
}
