//! Escaping what a repository, a configuration or git says before it is shown.
//!
//! A status line, a path, a commit subject or a branch name is somebody else's text:
//! printed raw it can move the cursor, clear the screen, write the clipboard (OSC
//! 52), reverse the reading order (U+202E) or start a line of its own on a `remote:`
//! prompt. Each output language gets its own rules: the terminal ([`safe`],
//! [`safe_block`], [`sanitize`]), Markdown tables ([`md_cell`]), Mermaid and DOT
//! labels. JSON needs none of this: `serde_json` escapes exactly.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether a character must never reach a terminal as itself: C0 and C1 controls,
/// DEL, the bidirectional controls, line and paragraph separators and the invisible
/// characters that make two different texts look the same.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Writes the visible form of an unsafe character: `\n`, `\t`, `\r`, or `\u{1b}`.
fn write_escaped(out: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\t' => out.write_str("\\t"),
        '\r' => out.write_str("\\r"),
        other => write!(out, "\\u{{{:x}}}", u32::from(other)),
    }
}

/// A one-line value made safe for a terminal: every unsafe character, newlines and
/// tabs included, is shown escaped.
#[derive(Debug, Clone, Copy)]
pub struct Safe<'a>(&'a str);

/// Wraps a value for printing on a terminal (see [`Safe`]).
pub fn safe(text: &str) -> Safe<'_> {
    Safe(text)
}

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        if !text.chars().any(is_unsafe) {
            return f.pad(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if is_unsafe(c) {
                write_escaped(&mut out, c)?;
            } else {
                out.push(c);
            }
        }
        f.pad(&out)
    }
}

/// Several lines of somebody else's text (CHANGELOG notes, an error from a parser)
/// made safe for a terminal: line breaks and tabs stay (a CRLF becomes a LF), every
/// other unsafe character is shown escaped.
pub fn safe_block(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => {
                let _ = write_escaped(&mut out, c);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The last line of defence of everything lancelot prints for people: keeps line
/// breaks, tabs and lancelot's own colour codes (exactly the sequences its styles
/// write, see [`super::own_codes`]), and shows every other unsafe character escaped.
/// Values are escaped where they are formatted ([`safe`]); this catches anything
/// that was not, a colour code a repository wrote included.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let own = super::own_codes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(code) = own.iter().find(|code| rest.starts_with(code.as_str()))
        {
            out.push_str(code);
            rest = &rest[code.len()..];
            continue;
        }
        if is_unsafe(c) && c != '\n' && c != '\t' {
            let _ = write_escaped(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// A value for a cell of a Markdown (GitHub Flavored) table: `|` cannot end the cell,
/// HTML cannot render, emphasis and links cannot start, and unsafe characters are
/// shown escaped. A value that could become a link or a mention (`http:`, `www.`,
/// `@team`) is shown as code, where GitHub makes neither.
pub fn md_cell(text: &str) -> String {
    if text.contains([':', '@']) || text.to_ascii_lowercase().contains("www.") {
        return md_code_cell(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if is_unsafe(c) => {
                let _ = write_escaped(&mut out, c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A value for a Markdown table cell shown as code: the code span's fence is one
/// backtick longer than any run of backticks inside, `|` is escaped (GitHub's tables
/// split on it even in code), and unsafe characters are shown escaped.
pub fn md_code_cell(text: &str) -> String {
    let mut inside = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '|' => inside.push_str("\\|"),
            c if is_unsafe(c) => {
                let _ = write_escaped(&mut inside, c);
            }
            c => inside.push(c),
        }
    }
    let longest_run = inside.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if inside.starts_with('`') || inside.ends_with('`') || inside.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{inside}{pad}{fence}")
}

/// Text inside a quoted Mermaid label (`A["…"]`): quotes, markup, entity starts and
/// unsafe characters become Mermaid entity codes (`#quot;`, `#60;`).
pub fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | '<' | '>' | '&' | '`' | '[' | ']' | '{' | '}' | '(' | ')' | '|' | '\\' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write_escaped(&mut out, c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text inside a double-quoted Graphviz DOT string: backslashes and quotes escaped,
/// so no DOT escape (`\l`, `\N`) or end of string can be smuggled in; unsafe
/// characters are shown escaped (with a doubled backslash, so DOT shows them as typed).
pub fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if is_unsafe(c) => {
                let mut escaped = String::new();
                let _ = write_escaped(&mut escaped, c);
                out.push_str(&escaped.replace('\\', "\\\\"));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_and_bidi_are_shown_not_sent() {
        assert_eq!(
            safe("a\u{1b}]52;c;aGk=\u{7}b").to_string(),
            "a\\u{1b}]52;c;aGk=\\u{7}b"
        );
        assert_eq!(safe("x\ny\r").to_string(), "x\\ny\\r");
        assert_eq!(safe("abc\u{202e}fed").to_string(), "abc\\u{202e}fed");
        assert_eq!(safe("\u{9b}2J").to_string(), "\\u{9b}2J");
        assert_eq!(format!("[{:<6}]", safe("ab")), "[ab    ]");
    }

    #[test]
    fn blocks_keep_their_lines() {
        assert_eq!(safe_block("a\r\nb\tc\u{1b}[2J\n"), "a\nb\tc\\u{1b}[2J\n");
        assert!(matches!(safe_block("plain\ntext"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_last_line_of_defence_keeps_only_lancelots_own_colour_codes() {
        let error = format!(
            "{}error:{}",
            super::super::ERROR,
            super::super::ERROR.render_reset()
        );
        assert_eq!(
            sanitize(&format!("{error} x\u{1b}]8;;http://e\u{7}\r")),
            format!("{error} x\\u{{1b}}]8;;http://e\\u{{7}}\\r")
        );
        assert_eq!(sanitize("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(sanitize("\u{1b}[7;8;5m hidden"), "\\u{1b}[7;8;5m hidden");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table_or_render_html() {
        assert_eq!(md_cell("a|b<img onerror=x>"), "a\\|b&lt;img onerror=x&gt;");
        assert_eq!(md_code_cell("FEATURE_A"), "`FEATURE_A`");
        assert_eq!(md_code_cell("a`b|c"), "``a`b\\|c``");
        assert_eq!(
            md_cell("see https://evil.example @org/team"),
            "`see https://evil.example @org/team`"
        );
    }

    #[test]
    fn graph_labels_are_escaped_by_their_own_rules() {
        assert_eq!(
            mermaid_text("In \"Progress\" <b>"),
            "In #quot;Progress#quot; #60;b#62;"
        );
        assert_eq!(dot_text("a\"b\\l\n"), "a\\\"b\\\\l\\\\n");
    }

    fn assert_clean(out: &str) {
        assert!(!out.chars().any(is_unsafe), "{out:?}");
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives_the_printer(text in any::<String>()) {
            assert_clean(&safe(&text).to_string());
            assert_clean(&md_cell(&text));
            assert_clean(&md_code_cell(&text));
            assert_clean(&mermaid_text(&text));
            assert_clean(&dot_text(&text));
            let block = safe_block(&text);
            prop_assert!(!block.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t'));
        }

        #[test]
        fn the_sink_lets_only_lancelots_colour_codes_through(text in any::<String>()) {
            let out = sanitize(&text);
            let own = super::super::own_codes();
            let mut rest = out.as_ref();
            while let Some(c) = rest.chars().next() {
                if c == '\u{1b}' {
                    let code = own.iter().find(|code| rest.starts_with(code.as_str()));
                    prop_assert!(code.is_some(), "{out:?}");
                    rest = &rest[code.map_or(1, |code| code.len())..];
                    continue;
                }
                prop_assert!(!is_unsafe(c) || c == '\n' || c == '\t', "{out:?}");
                rest = &rest[c.len_utf8()..];
            }
        }
    }
}
