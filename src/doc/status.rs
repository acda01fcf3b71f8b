//! Header fields (`**Status:** In Progress`, `- status: done`, YAML `status: x`) and
//! the spelling-tolerant matching of status values.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use super::reader::{field_readings, find_field_reading, find_header_reading};

/// Decodes document bytes as editors do: UTF-16 and UTF-32 by their byte-order mark,
/// UTF-8 otherwise (a leading byte-order mark dropped). What is not valid is replaced,
/// so no input can make parsing fail.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    // Valid UTF-8 (nearly every document) is checked by the standard library's fast
    // validator and borrowed; only a text that is not is read lossily.
    let utf8 = |bytes| match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;
    let utf32 = |rest: &[u8], read: fn([u8; 4]) -> u32| {
        let chars = rest.chunks(4).map(|unit| {
            <[u8; 4]>::try_from(unit)
                .ok()
                .and_then(|unit| char::from_u32(read(unit)))
                .unwrap_or(REPLACEMENT)
        });
        Cow::Owned(chars.collect())
    };
    let utf16 = |rest: &[u8], read: fn([u8; 2]) -> u16| {
        let units = rest
            .chunks(2)
            .map(move |unit| <[u8; 2]>::try_from(unit).map_or(0xFFFD, read));
        let chars = char::decode_utf16(units).map(|c| c.unwrap_or(REPLACEMENT));
        Cow::Owned(chars.collect())
    };
    match bytes {
        [0xFF, 0xFE, 0, 0, rest @ ..] => utf32(rest, u32::from_le_bytes),
        [0, 0, 0xFE, 0xFF, rest @ ..] => utf32(rest, u32::from_be_bytes),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest),
        _ => utf8(bytes),
    }
}

/// Every value a reader finds for `field`: the front matter's and the body's first
/// (see [`reader`](super::reader)), in document order.
pub fn field_values(bytes: &[u8], field: &str) -> Vec<String> {
    if field.is_empty() {
        return Vec::new();
    }
    field_readings(&decode(bytes), field)
}

/// The first value a reader may take for `field`, anywhere in the document, that
/// `pick` accepts (see [`find_field_reading`]): what decides whether a document is
/// frozen.
pub fn find_field_value<T>(
    bytes: &[u8],
    field: &str,
    pick: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    if field.is_empty() {
        return None;
    }
    find_field_reading(&decode(bytes), field, pick)
}

/// [`find_field_value`] in the document's header only (see [`find_header_reading`]).
pub fn find_header_value<T>(
    bytes: &[u8],
    field: &str,
    pick: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    if field.is_empty() {
        return None;
    }
    find_header_reading(&decode(bytes), field, pick)
}

/// The first value a reader finds for `field`.
pub fn field_value(bytes: &[u8], field: &str) -> Option<String> {
    field_values(bytes, field).into_iter().next()
}

/// A status value, normalised for matching as a reader compares: Unicode NFKC, the
/// invisible characters removed, look-alike letters folded to the ones they imitate
/// (UTS #39 skeletons, so a Cyrillic `о` reads as `o`), lower case, and `-`, `_` and
/// runs of whitespace read as one space.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Status {
    normalised: String,
}

impl Status {
    /// Normalises a status as written.
    pub fn new(text: &str) -> Status {
        Status {
            normalised: canonical(text),
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

    /// Whether a written value means this status: it reads as it, or as it followed
    /// by a character that is not a letter or digit (`In Progress (since May)`). The
    /// spaces inside the status may be missing (`InProgress`, or `In` and `Progress`
    /// joined by an invisible character): a value that looks like a status is it.
    pub fn matches(&self, value: &str) -> bool {
        self.matches_status(&Status::new(value))
    }

    /// [`matches`](Status::matches) for a value already normalised.
    pub fn matches_status(&self, value: &Status) -> bool {
        if self.normalised.is_empty() {
            return false;
        }
        let value = &value.normalised;
        let mut rest = value.chars().peekable();
        for expected in self.normalised.chars().filter(|c| *c != ' ') {
            while rest.peek() == Some(&' ') {
                rest.next();
            }
            if rest.next() != Some(expected) {
                return false;
            }
        }
        rest.next()
            .is_none_or(|next| next == ' ' || !next.is_alphanumeric())
    }
}

/// Whether a character is invisible in running text: control characters other than
/// whitespace (a NUL shows as nothing on a terminal), format characters (zero-width
/// spaces and joiners, bidirectional controls, the byte-order mark, soft hyphens,
/// tags), variation selectors, the combining grapheme joiner and the Hangul fillers.
pub fn is_invisible(c: char) -> bool {
    // Most characters read are printable ASCII: answered before the list.
    if (' '..='~').contains(&c) {
        return false;
    }
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{e}'..='\u{1f}'
            | '\u{7f}'..='\u{84}'
            | '\u{86}'..='\u{9f}'
            | '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// The form statuses are compared in (see [`Status`]).
fn canonical(text: &str) -> String {
    // A status is short: only its first visible characters can make it match, and
    // normalising a 32 MiB value would cost the server a minute and gigabytes.
    let mut head = String::new();
    let mut count = 0;
    let mut spaced = false;
    for c in text.chars().filter(|c| !is_invisible(*c)) {
        // Runs of spaces read as one: they cannot push the status past the limit.
        let space = c.is_whitespace();
        if space && spaced {
            continue;
        }
        spaced = space;
        head.push(c);
        count += 1;
        if count == CANONICAL_LIMIT {
            break;
        }
    }
    let visible: String = head.nfkc().filter(|c| !is_invisible(*c)).collect();
    let folded: String = unicode_security::skeleton(&visible.to_lowercase()).collect();
    let spaced: String = folded
        .nfkc()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many visible characters of a written status are compared.
const CANONICAL_LIMIT: usize = 256;

/// Whether a written status is only a look-alike of `status`: it reads as it, but
/// with invisible or non-ASCII characters a person cannot tell apart.
pub fn is_look_alike(status: &Status, written: &str) -> bool {
    status.matches(written) && written.chars().any(|c| is_invisible(c) || !c.is_ascii())
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
    fn utf16_and_utf32_documents_read_by_their_byte_order_mark() {
        let text = "# Beta\r\n\r\n**Status:** In Progress\r\n";
        type Encode = fn(char) -> Vec<u8>;
        let encodings: [(&[u8], Encode); 4] = [
            (b"\xFF\xFE", |c| {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .flat_map(|u| u.to_le_bytes())
                    .collect()
            }),
            (b"\xFE\xFF", |c| {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .flat_map(|u| u.to_be_bytes())
                    .collect()
            }),
            (b"\xFF\xFE\0\0", |c| u32::from(c).to_le_bytes().to_vec()),
            (b"\0\0\xFE\xFF", |c| u32::from(c).to_be_bytes().to_vec()),
        ];
        for (mark, encode) in encodings {
            let mut bytes = mark.to_vec();
            bytes.extend(text.chars().flat_map(encode));
            assert_eq!(
                field_value(&bytes, "Status").as_deref(),
                Some("In Progress"),
                "{mark:?}"
            );
            bytes.push(0x41);
            assert_eq!(
                field_value(&bytes, "Status").as_deref(),
                Some("In Progress"),
                "a cut unit at the end"
            );
        }
    }

    #[test]
    fn control_characters_in_a_name_are_invisible() {
        assert_eq!(
            status("**Sta\0tus:** In Progress").as_deref(),
            Some("In Progress")
        );
        assert_eq!(status("Status:\u{1}Done").as_deref(), Some("Done"));
        assert!(Status::new("In Progress").matches("In\u{7f}Progress"));
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
            field_value(b"\xff\xfd\nStatus: Done \xff\n", "Status").as_deref(),
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
    fn a_reader_never_sees_comments_or_code_as_fields() {
        for text in [
            "<!-- Status: Draft -->\n**Status:** In Progress\n",
            "<!--\nStatus: Draft\n-->\n**Status:** In Progress\n",
            "```yaml\nstatus: Draft\n```\n**Status:** In Progress\n",
        ] {
            assert_eq!(status(text).as_deref(), Some("In Progress"), "{text:?}");
        }
        assert_eq!(
            field_values(
                b"---\nstatus: Draft\n---\n**Status:** In Progress\n",
                "Status"
            ),
            ["Draft", "In Progress"]
        );
    }

    #[test]
    fn look_alikes_read_as_what_they_imitate() {
        let in_progress = Status::new("In Progress");
        for value in [
            "In\u{200b}Progress",
            "In\u{200b} Progress",
            "\u{406}n Pr\u{43e}gress",
            "\u{ff29}\u{ff2e} \u{ff30}\u{ff32}\u{ff2f}\u{ff27}\u{ff32}\u{ff25}\u{ff33}\u{ff33}",
            "In\u{202e} Progress",
            "InProgress",
        ] {
            assert!(in_progress.matches(value), "{value:?}");
            assert!(
                is_look_alike(&in_progress, value) || value == "InProgress",
                "{value:?}"
            );
        }
        assert!(!is_look_alike(&in_progress, "In Progress"));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = field_value(&bytes, "Status");
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
