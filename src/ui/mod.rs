//! What the user sees: styled messages on stderr, plain results on stdout (or a CI
//! system's annotations, [`ci`]).
//!
//! Styling goes through `anstream`, which drops colours when the stream is not a
//! terminal or `NO_COLOR` is set, so callers never decide that themselves. Every
//! value that comes from a repository is escaped where it is formatted ([`safe`]),
//! and everything printed passes [`sanitize`] on its way out, so no text a
//! repository wrote can reach a terminal as a control sequence.

pub mod ci;
mod escape;
mod output;
pub mod progress;

use std::error::Error as _;
use std::fmt::Write as _;
use std::io::Write as _;

pub use escape::{
    Safe, dot_text, is_unsafe, md_cell, md_code_cell, mermaid_text, safe, safe_block, sanitize,
};
pub use output::{
    FindingsFormat, FindingsOutputArgs, Format, OutputArgs, json_line, json_text, plural,
    print_json,
};

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

/// The escape sequences lancelot's own styles write (each style and the reset), the
/// only ones [`sanitize`] lets through.
pub fn own_codes() -> &'static [String] {
    static CODES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut codes: Vec<String> = [ERROR, WARNING, HELP, GOOD, DIM, BOLD]
            .iter()
            .flat_map(|style| [style.render().to_string(), style.render_reset().to_string()])
            .filter(|code| !code.is_empty())
            .collect();
        // Longest first, so a combined sequence is kept whole.
        codes.sort_by_key(|code| std::cmp::Reverse(code.len()));
        codes.dedup();
        codes
    });
    &CODES
}

/// Longest line of an error message shown; the rest is cut (a configuration parser
/// quotes the offending line, which a repository can make megabytes long).
const MESSAGE_LINE_LIMIT: usize = 400;

/// A message from an error (which may quote repository text) made safe and short.
fn message(text: &str) -> String {
    safe_block(text)
        .lines()
        .map(|line| match line.char_indices().nth(MESSAGE_LINE_LIMIT) {
            Some((cut, _)) => format!("{}…", &line[..cut]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints an error, its causes and its hint to stderr.
pub fn report_error(error: &Error) {
    // The reader of the output went away (`| head`): it wants nothing more, not even
    // a message; the exit status says it.
    if error.exit_status() == crate::ExitStatus::ClosedPipe {
        return;
    }
    // Ctrl-C in the wizard is said where it happened, once.
    if error.exit_status() == crate::ExitStatus::Interrupted && crate::wizard::interrupt_reported()
    {
        return;
    }
    err(&error_text(error));
}

/// Reports an error as one JSON document on stdout, for a command asked for
/// `--format json`: `{"error": …, "causes": […], "help": …}`. A script reads the
/// same stream either way; the exit status is the same as in text.
pub fn report_error_json(error: &Error) {
    if error.exit_status() == crate::ExitStatus::ClosedPipe {
        return;
    }
    let mut causes = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let document = serde_json::json!({
        "error": error.to_string(),
        "causes": causes,
        "help": error.hint(),
    });
    // A stdout that cannot be written to leaves stderr: the error is not lost.
    if print_json(&document).is_err() {
        report_error(error);
    }
}

/// `error: <text>`, as every error is printed.
pub fn error_line(text: &str) -> String {
    format!("{ERROR}error:{ERROR:#} {}\n", message(text))
}

/// An error as `error: …`, its causes, and its `help: …` line.
pub fn error_text(error: &Error) -> String {
    let mut text = error_line(&error.to_string());
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = writeln!(
            text,
            "  {DIM}caused by:{DIM:#} {}",
            message(&cause.to_string())
        );
        source = cause.source();
    }
    if let Some(hint) = error.hint() {
        let _ = writeln!(text, "{HELP}help:{HELP:#} {}", message(&hint));
    }
    text
}

/// Text for the `remote:` lines a pusher reads: long lines wrapped at 120 characters
/// (forges' web pages show them one by one), and, on GitLab, every line marked
/// `GL-HOOK-ERR: ` so its web page shows the reason instead of a generic error.
pub fn remote_text(text: &str, gitlab: bool) -> String {
    const WIDTH: usize = 120;
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let mut rest = line;
        let mut first = true;
        loop {
            let indent = if first { "" } else { "    " };
            let room = WIDTH - indent.len();
            let (piece, next) = if rest.chars().count() <= room {
                (rest, "")
            } else {
                let cut = rest
                    .char_indices()
                    .nth(room)
                    .map_or(rest.len(), |(index, _)| index);
                let at = rest[..cut].rfind(' ').filter(|at| *at > 0).unwrap_or(cut);
                (&rest[..at], rest[at..].trim_start())
            };
            if gitlab {
                out.push_str("GL-HOOK-ERR: ");
            }
            out.push_str(indent);
            out.push_str(piece);
            out.push('\n');
            if next.is_empty() {
                break;
            }
            rest = next;
            first = false;
        }
    }
    out
}

/// An error and its causes on one line: `cannot read x: x is a symbolic link …`.
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

/// Whether `--quiet` was given: reports and warnings are not printed.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns `--quiet` on or off for the rest of the process.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Prints a warning to stderr (not with `--quiet`).
pub fn warn(message: &str) {
    if quiet() {
        return;
    }
    err(&format!(
        "{WARNING}warning:{WARNING:#} {}\n",
        self::message(message)
    ));
}

/// Writes text to stderr, sanitized (styles are dropped when stderr is not a
/// terminal). Hooks report here: git shows it to the author, as `remote:` lines for a
/// server hook. A failing stderr is ignored: there is nowhere left to report it.
pub fn err(text: &str) {
    let mut stderr = anstream::stderr().lock();
    let _ = stderr
        .write_all(sanitize(text).as_bytes())
        .and_then(|()| stderr.flush());
}

/// Writes text to stdout, sanitized (styles are dropped when stdout is not a
/// terminal); nothing with `--quiet`. A closed pipe is an error, not a panic.
pub fn out(text: &str) -> Result<(), Error> {
    if quiet() {
        return Ok(());
    }
    let mut stdout = anstream::stdout().lock();
    stdout
        .write_all(sanitize(text).as_bytes())
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
        let _ = writeln!(
            text,
            "  {GOOD}{:<7}{GOOD:#} {}{suffix}",
            change.action(),
            safe(path.as_str())
        );
    }
    text
}
