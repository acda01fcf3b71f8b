//! Header fields (`**Status:** In Progress`, `- status: done`, YAML `status: x`) and
//! the spelling-tolerant matching of status values.

use std::borrow::Cow;

/// Characters dropped from the start of a line before looking for a field name.
fn is_line_decoration(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '*' | '+' | '>' | '#' | '_' | '`')
}

/// Characters allowed between a field name and its colon.
fn is_name_decoration(c: char) -> bool {
    matches!(c, '*' | '_' | '`' | ' ' | '\t')
}

/// Characters trimmed from both ends of a value.
fn is_value_decoration(c: char) -> bool {
    c.is_whitespace() || matches!(c, '*' | '_' | '`')
}

/// Strips `prefix` from the start of `text`, comparing case-insensitively.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let mut rest = text.chars();
    for expected in prefix.chars() {
        let actual = rest.next()?;
        if !actual.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(rest.as_str())
}

/// The value of `field` on `line`, if the line is that field's line.
pub fn field_line<'a>(line: &'a str, field: &str) -> Option<&'a str> {
    let line = line.trim_start_matches(is_line_decoration);
    let rest = strip_prefix_ignore_case(line, field)?;
    let rest = rest.trim_start_matches(is_name_decoration);
    let value = rest.strip_prefix(':')?;
    Some(value.trim_matches(is_value_decoration))
}

/// Decodes document bytes: a leading UTF-8 byte-order mark is dropped and invalid
/// UTF-8 is replaced, so no input can make parsing fail.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
}

/// The value of the first line of the document that is a `field` line.
pub fn field_value(bytes: &[u8], field: &str) -> Option<String> {
    if field.is_empty() {
        return None;
    }
    decode(bytes)
        .lines()
        .find_map(|line| field_line(line, field))
        .map(str::to_owned)
}

/// The document's lines without the first line of each of `fields`, for comparing two
/// versions of a document while ignoring the lines a status transition may change.
pub fn remove_first_field_lines<'a>(bytes: &'a [u8], fields: &[String]) -> Vec<&'a [u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    for field in fields.iter().filter(|field| !field.is_empty()) {
        let position = lines.iter().position(|line| {
            let text = String::from_utf8_lossy(line);
            field_line(text.trim_end_matches(['\n', '\r']), field).is_some()
        });
        if let Some(position) = position {
            lines.remove(position);
        }
    }
    lines
}

/// A status value, normalised for matching: lower case, `-` and `_` read as spaces,
/// runs of whitespace collapsed to one space.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Status {
    normalised: String,
}

impl Status {
    /// Normalises a status as written.
    pub fn new(text: &str) -> Status {
        let spaced: String = text
            .chars()
            .map(|c| if c == '-' || c == '_' { ' ' } else { c })
            .collect::<String>()
            .to_lowercase();
        Status {
            normalised: spaced.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// Whether nothing is left after normalising.
    pub fn is_empty(&self) -> bool {
        self.normalised.is_empty()
    }

    /// Whether a written value means this status: it equals it, or starts with it
    /// followed by a character that is not a letter or digit (`In Progress (since May)`).
    pub fn matches(&self, value: &str) -> bool {
        if self.normalised.is_empty() {
            return false;
        }
        let value = Status::new(value);
        match value.normalised.strip_prefix(&self.normalised) {
            Some("") => true,
            Some(rest) => rest.chars().next().is_some_and(|c| !c.is_alphanumeric()),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn status(text: &str) -> Option<String> {
        field_value(text.as_bytes(), "Status")
    }

    #[test]
    fn the_spellings_people_write_all_parse() {
        let cases = [
            ("Status: In Progress", "In Progress"),
            ("**Status:** In Progress", "In Progress"),
            ("**Status**: In Progress", "In Progress"),
            ("- status: in-progress", "in-progress"),
            ("---\ntitle: x\nstatus: In Progress\n---\n", "In Progress"),
            ("> _Status_ : `Done`", "Done"),
            ("## Status: Draft", "Draft"),
            ("  * STATUS :  **Approved**  ", "Approved"),
            ("\u{feff}Status: Done\r\nStatus: Draft\r\n", "Done"),
            ("# Title\n\nStatus:\n", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(status(text).as_deref(), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn lines_that_only_look_like_status_do_not_parse() {
        for text in [
            "Statuses: many",
            "The status: x",
            "Status In Progress",
            "",
            "status",
        ] {
            assert_eq!(status(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_first_status_line_wins() {
        assert_eq!(
            status("intro\n- **Status:** Draft\nStatus: Done\n").as_deref(),
            Some("Draft")
        );
    }

    #[test]
    fn invalid_utf8_is_read_lossily() {
        assert_eq!(
            field_value(b"\xff\xfe\nStatus: Done \xff\n", "Status").as_deref(),
            Some("Done \u{fffd}")
        );
    }

    #[test]
    fn matching_ignores_case_separators_and_spacing() {
        let in_progress = Status::new("In Progress");
        for value in [
            "in progress",
            "IN-PROGRESS",
            "in_progress",
            "In \t Progress",
            "In Progress (since May)",
            "in progress: round 2",
            "In\u{a0}Progress",
        ] {
            assert!(in_progress.matches(value), "{value:?}");
        }
        for value in [
            "In Progressing",
            "Progress",
            "In",
            "",
            "Not In Progress",
            "In Progress2",
        ] {
            assert!(!in_progress.matches(value), "{value:?}");
        }
        assert!(!Status::new("").matches(""));
    }

    #[test]
    fn removing_mutable_lines_keeps_the_rest() {
        let fields = ["Status".to_owned(), "Superseded by".to_owned()];
        let before = b"# A\n**Status:** In Progress\nbody\n";
        let after = b"# A\n**Status:** Superseded\n**Superseded by:** B\nbody\n";
        assert_eq!(
            remove_first_field_lines(before, &fields),
            remove_first_field_lines(after, &fields)
        );
        let edited = b"# A\n**Status:** Superseded\nbody!\n";
        assert_ne!(
            remove_first_field_lines(before, &fields),
            remove_first_field_lines(edited, &fields)
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = field_value(&bytes, "Status");
            let _ = remove_first_field_lines(&bytes, &["Status".to_owned()]);
        }

        #[test]
        fn parsing_never_panics_on_text_near_the_syntax(text in "[-*+>#_` \t\r\nSsTtAaUu:é\u{feff}\u{a0}]{0,64}") {
            if let Some(value) = field_value(text.as_bytes(), "Status") {
                let _ = Status::new("In Progress").matches(&value);
            }
        }

        #[test]
        fn a_status_always_matches_itself(value in "[A-Za-z][A-Za-z0-9 _-]{0,20}") {
            let status = Status::new(&value);
            prop_assume!(!status.is_empty());
            prop_assert!(status.matches(&value));
            let decorated = format!("**Status:** {value} (note)");
            let found = field_value(decorated.as_bytes(), "Status").unwrap();
            prop_assert!(status.matches(&found));
        }
    }
}
