//! A document's lines as a person reading it sees them. The freeze depends on reading
//! a document's status the way a reader does, so text a reader never sees as text is
//! never a field: HTML comments (`<!-- Status: Draft -->`) and fenced code blocks.
//! YAML front matter (between `---` lines at the very top) counts, as documentation
//! sites show it: its top-level keys, every one of them (YAML keeps the last of a
//! repeated key, a reader may see the first), not its `#` comments or nested keys.
//!
//! The body is read twice: line by line ([`Lines`]), and as CommonMark renders it
//! (pulldown-cmark: indented code, HTML blocks and tags, link reference definitions,
//! image descriptions and struck-through text are not text a reader sees). Each
//! finds the body's first status line; a document has every reading either finds, so
//! a construct one of them misreads cannot hide a status the other sees. Lines end
//! at `\n`, `\r\n` or a lone `\r`, as in CommonMark.

use std::borrow::Cow;
use std::ops::Range;

/// Where a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Inside the YAML front matter.
    FrontMatter,
    /// In the body, at least partly visible.
    Body,
    /// Not text a reader sees: a comment, a code block, a front matter delimiter or
    /// YAML comment.
    Hidden,
}

/// One line of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// The line with its ending (`\n`, `\r\n`, or none at the end of the text).
    pub raw: &'a str,
    /// The line without its ending.
    pub content: &'a str,
    /// What a reader sees of it: the content without HTML comments.
    pub visible: Cow<'a, str>,
    /// Where it is.
    pub place: Place,
    /// Whether the line is shown whole: visible, with no comment marker on it.
    pub plain: bool,
}

/// The lines of `text` (a leading byte-order mark is dropped), classified.
pub fn read(text: &str) -> Vec<Line<'_>> {
    Lines::new(text).collect()
}

/// The lines of a text, classified one at a time: a caller that has found what it
/// looks for (the first status line) stops without reading the rest.
pub struct Lines<'a> {
    raws: RawLines<'a>,
    index: usize,
    front_matter_end: Option<usize>,
    in_comment: bool,
    fence: Option<(char, usize)>,
}

impl<'a> Lines<'a> {
    /// The lines of `text` (a leading byte-order mark is dropped).
    pub fn new(text: &'a str) -> Lines<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Lines {
            raws: RawLines(text),
            index: 0,
            front_matter_end: front_matter_end(text),
            in_comment: false,
            fence: None,
        }
    }

    fn classify(&mut self, index: usize, raw: &'a str) -> Line<'a> {
        let content = raw.trim_end_matches(['\n', '\r']);
        if let Some(end) = self.front_matter_end {
            if index == 0 || index == end {
                return hidden_line(raw, content);
            }
            if index < end {
                let yaml_comment = content.trim_start().starts_with('#');
                return Line {
                    raw,
                    content,
                    visible: if yaml_comment {
                        Cow::Borrowed("")
                    } else {
                        top_level_key(content)
                    },
                    place: if yaml_comment {
                        Place::Hidden
                    } else {
                        Place::FrontMatter
                    },
                    plain: !yaml_comment,
                };
            }
        }
        if let Some((marker, length)) = self.fence {
            if closes_fence(content, marker, length) {
                self.fence = None;
            }
            return hidden_line(raw, content);
        }
        if !self.in_comment
            && let Some(opened) = opens_fence(content)
        {
            self.fence = Some(opened);
            return hidden_line(raw, content);
        }
        let (visible, still_in_comment, marked) = strip_comments(content, self.in_comment);
        let whole_hidden = self.in_comment && still_in_comment && !marked;
        self.in_comment = still_in_comment;
        if whole_hidden || (marked && visible.trim().is_empty()) {
            return hidden_line(raw, content);
        }
        Line {
            raw,
            content,
            plain: !marked,
            visible,
            place: Place::Body,
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let raw = self.raws.next()?;
        let index = self.index;
        self.index += 1;
        Some(self.classify(index, raw))
    }
}

/// The values a reader finds for `field`, in document order: every top-level one of
/// the front matter (a block scalar's lines joined), the body's first line by line,
/// and the body's first as rendered.
pub fn field_readings(text: &str, field: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut readings = front_matter_readings(text, field);
    let body = Lines::new(text).enumerate().find_map(|(index, line)| {
        (line.place == Place::Body)
            .then(|| field_line(&line.visible, field).map(|value| (index, value.to_owned())))
            .flatten()
    });
    readings.extend(body);
    readings.extend(
        super::rendered::field_lines(text, field, &line_starts(text), true)
            .into_iter()
            .next(),
    );
    // Document order; on one line the line reading first (it keeps the value as
    // written, links and all), then the rendered one when it differs.
    readings.sort_by_key(|(index, _)| *index);
    distinct(readings)
}

/// Every line of text a reader sees in `text` as CommonMark renders it (the whole
/// text at once), with the index of the source line it starts on, in order.
pub fn rendered_lines(text: &str) -> Vec<(usize, String)> {
    super::rendered::text_lines(text)
}

/// The first value of `field` in the document's header that `pick` accepts: every
/// top-level one of its front matter, then every field line of the first block of
/// lines of its body (blank lines before it skipped, up to the next blank line: an
/// RFC 822 preamble). Nothing past the header is read.
pub fn find_header_reading<T>(
    text: &str,
    field: &str,
    mut pick: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(found) = front_matter_readings(text, field)
        .iter()
        .find_map(|(_, value)| pick(value))
    {
        return Some(found);
    }
    // The first block of the body: blank lines before it are skipped, as readers
    // skip them (and a front matter without the field leaves the block below it).
    Lines::new(text)
        .filter(|line| line.place == Place::Body)
        .skip_while(|line| line.content.trim().is_empty())
        .take_while(|line| !line.content.trim().is_empty())
        .find_map(|line| field_line(&line.visible, field).and_then(&mut pick))
}

/// Every top-level value of `field` in the front matter, as (line, value): read line
/// by line (a block scalar's lines joined, a one-line flow map, a `!!str` tag
/// dropped) and by a YAML parser (at the front matter's first line).
fn front_matter_readings(text: &str, field: &str) -> Vec<(usize, String)> {
    let mut readings: Vec<(usize, String)> = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (index, line) in Lines::new(text).enumerate() {
        if line.place == Place::Body {
            break;
        }
        if let Some((at, value)) = block.as_mut() {
            if line.place == Place::FrontMatter && line.content.starts_with([' ', '\t']) {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(line.content.trim());
                continue;
            }
            readings.push((*at, std::mem::take(value)));
            block = None;
        }
        if line.place == Place::FrontMatter && line.content.starts_with('{') {
            readings.extend(flow_map_values(line.content, field).map(|value| (index, value)));
            continue;
        }
        let Some(value) = field_line(&line.visible, field) else {
            continue;
        };
        if line.place != Place::FrontMatter {
            continue;
        }
        if is_block_scalar(value) {
            block = Some((index, String::new()));
        } else {
            // A YAML tag says the type, not the value: `!!str In Progress`.
            let value = value.strip_prefix("!!str").map_or(value, str::trim_start);
            readings.push((index, value.to_owned()));
        }
    }
    readings.extend(block);
    if let Some(end) = front_matter_end(text) {
        let starts = line_starts(text);
        let (from, to) = (starts.get(1).copied(), starts.get(end).copied());
        if let Some(yaml) = from.zip(to).and_then(|(from, to)| text.get(from..to)) {
            readings.extend(
                super::front_matter::values(yaml, field)
                    .into_iter()
                    .map(|value| (0, value)),
            );
        }
    }
    readings
}

/// The values in order, each once.
fn distinct(readings: Vec<(usize, String)>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    readings
        .into_iter()
        .map(|(_, value)| value)
        .filter(|value| seen.insert(value.clone()))
        .collect()
}

/// A YAML block scalar indicator (`|`, `>-`, `|2`): the value is on the lines below.
fn is_block_scalar(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// The values of `field` in a one-line YAML flow map: `{status: In Progress, x: y}`.
fn flow_map_values<'a>(content: &'a str, field: &'a str) -> impl Iterator<Item = String> + 'a {
    let inner = content.trim().trim_start_matches('{').trim_end_matches('}');
    inner.split(',').filter_map(move |pair| {
        let pair = top_level_key(pair.trim_start());
        field_line(&pair, field).map(str::to_owned)
    })
}

/// A YAML double-quoted key with its escapes decoded (`"st\x61tus"` is `status`);
/// `None` when an escape is not one lancelot reads.
fn decode_yaml_quoted(key: &str) -> Option<String> {
    let mut out = String::with_capacity(key.len());
    let mut chars = key.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let digits = match chars.next()? {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            escaped @ ('\\' | '"') => {
                out.push(escaped);
                continue;
            }
            _ => return None,
        };
        let hex: String = chars.by_ref().take(digits).collect();
        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
    }
    Some(out)
}

/// A front matter line as its top-level key reads: an indented line (nested, or part
/// of a block scalar) holds none; a quoted key is read without its quotes.
fn top_level_key(content: &str) -> Cow<'_, str> {
    if content.starts_with([' ', '\t']) {
        return Cow::Borrowed("");
    }
    for quote in ['"', '\''] {
        if let Some(rest) = content.strip_prefix(quote)
            && let Some((key, after)) = rest.split_once(quote)
        {
            let key = if quote == '"' {
                decode_yaml_quoted(key).unwrap_or_else(|| key.to_owned())
            } else {
                key.to_owned()
            };
            return Cow::Owned(format!("{key}{after}"));
        }
    }
    Cow::Borrowed(content)
}

/// Where each line ending of `bytes` ends: a `\n`, or a `\r` not followed by one.
fn line_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&at| bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n'))
}

/// Where each line of `text` starts (as [`Lines`] splits it).
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    // One pass over the bytes: a line starts at the text's start and after each
    // ending (`\n`, `\r\n`, a lone `\r`) that is not the text's end.
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    if bytes.is_empty() {
        return starts;
    }
    starts.push(0);
    starts.extend(
        line_ends(bytes)
            .map(|at| at + 1)
            .filter(|&next| next < bytes.len()),
    );
    starts
}

/// The first value a reader may take for `field` that `pick` accepts, anywhere in the
/// document: every top-level one of the front matter, then every line the line reader
/// finds in the body, in document order, then every line the rendered reading finds.
/// A document is in a frozen status when any of these is, so this reads no further
/// than it must: the rendering (the costly reading) only when no line decides.
pub fn find_field_reading<T>(
    text: &str,
    field: &str,
    mut pick: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let front_matter = front_matter_readings(text, field);
    if let Some(found) = front_matter.iter().find_map(|(_, value)| pick(value)) {
        return Some(found);
    }
    let body = Lines::new(text)
        .filter(|line| line.place == Place::Body)
        .find_map(|line| field_line(&line.visible, field).and_then(&mut pick));
    if body.is_some() {
        return body;
    }
    super::rendered::field_lines(text, field, &line_starts(text), false)
        .iter()
        .find_map(|(_, value)| pick(value))
}

fn hidden_line<'a>(raw: &'a str, content: &'a str) -> Line<'a> {
    Line {
        raw,
        content,
        visible: Cow::Borrowed(""),
        place: Place::Hidden,
        plain: false,
    }
}

/// The lines of a text with their endings: `\n`, `\r\n`, or a lone `\r`.
#[derive(Debug, Clone)]
struct RawLines<'a>(&'a str);

impl<'a> Iterator for RawLines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let bytes = self.0.as_bytes();
        let end = match memchr::memchr2(b'\n', b'\r', bytes) {
            Some(at) if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') => at + 2,
            Some(at) => at + 1,
            None => bytes.len(),
        };
        let (line, rest) = self.0.split_at(end);
        self.0 = rest;
        Some(line)
    }
}

/// The index of the line closing the front matter, when the text starts with one.
fn front_matter_end(text: &str) -> Option<usize> {
    let mut raws = RawLines(text);
    if raws.next()?.trim_end() != "---" {
        return None;
    }
    raws.position(|raw| matches!(raw.trim_end(), "---" | "..."))
        .map(|position| position + 1)
}

/// A line that opens a fenced code block: three or more backticks or tildes.
fn opens_fence(content: &str) -> Option<(char, usize)> {
    let trimmed = content.trim_start();
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == marker).count();
    (length >= 3).then_some((marker, length))
}

/// A line that closes a fence opened with `length` × `marker`.
fn closes_fence(content: &str, marker: char, length: usize) -> bool {
    let trimmed = content.trim();
    trimmed.chars().take_while(|c| *c == marker).count() >= length
        && trimmed.chars().all(|c| c == marker)
}

/// The content without its HTML comments, whether a comment is still open at the end
/// of the line, and whether the line had a comment marker at all.
fn strip_comments(content: &str, mut in_comment: bool) -> (Cow<'_, str>, bool, bool) {
    // Most lines hold no `<` at all: found so before looking for the marker.
    if !in_comment
        && (memchr::memchr(b'<', content.as_bytes()).is_none() || !content.contains("<!--"))
    {
        return (Cow::Borrowed(content), false, false);
    }
    let mut visible = String::new();
    let mut rest = content;
    loop {
        if in_comment {
            match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    in_comment = false;
                }
                None => break,
            }
        } else {
            match rest.find("<!--") {
                Some(start) => {
                    visible.push_str(&rest[..start]);
                    rest = &rest[start + 4..];
                    in_comment = true;
                }
                None => {
                    visible.push_str(rest);
                    break;
                }
            }
        }
    }
    (Cow::Owned(visible), in_comment, true)
}

/// Characters dropped from the start of a line before looking for a field name.
fn is_line_decoration(c: char) -> bool {
    // `:` opens a reStructuredText field (`:Status: Final`).
    c.is_whitespace()
        || super::is_invisible(c)
        || matches!(c, '-' | '*' | '+' | '>' | '#' | '_' | '`' | ':')
}

/// Characters allowed between a field name and its colon.
fn is_name_decoration(c: char) -> bool {
    super::is_invisible(c) || matches!(c, '*' | '_' | '`' | ' ' | '\t')
}

/// Characters trimmed from both ends of a value (YAML quotes too).
fn is_value_decoration(c: char) -> bool {
    c.is_whitespace() || super::is_invisible(c) || matches!(c, '*' | '_' | '`' | '"' | '\'')
}

/// How a character reads: compatibility forms folded (fullwidth `Ｓ` is `S`), lower
/// case, look-alike letters as the ones they imitate (UTS #39: a Cyrillic `а` reads
/// as `a`).
fn shown_as(c: char) -> Cow<'static, str> {
    use unicode_normalization::UnicodeNormalization;
    if c.is_ascii() {
        // Every line of every document goes through here: ASCII is read from a table.
        static ASCII: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let table = ASCII.get_or_init(|| {
            (0u8..128)
                .map(|byte| {
                    let lower = char::from(byte).to_ascii_lowercase().to_string();
                    unicode_security::skeleton(&lower).collect()
                })
                .collect()
        });
        return Cow::Borrowed(table[c as usize].as_str());
    }
    let folded: String = std::iter::once(c)
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect();
    Cow::Owned(unicode_security::skeleton(&folded).collect())
}

/// Strips `prefix` from the start of `text` as a reader compares it: in any case,
/// invisible characters skipped, compatibility forms and look-alike letters read as
/// what they show.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    // The common case, read without allocating: the name in ASCII letters.
    if let Some(head) = text.get(..prefix.len())
        && head.is_ascii()
        && head.eq_ignore_ascii_case(prefix)
    {
        return Some(&text[prefix.len()..]);
    }
    // Most lines start with another letter: compared first, without allocating.
    let first_seen = text.chars().find(|c| !super::is_invisible(*c))?;
    let first_expected = prefix.chars().next()?;
    if first_seen.is_ascii() && first_expected.is_ascii() {
        let (seen, expected) = (shown_as(first_seen), shown_as(first_expected));
        if !seen.starts_with(expected.as_ref()) && !expected.starts_with(seen.as_ref()) {
            return None;
        }
    }
    let expected: String = prefix.chars().map(shown_as).collect();
    let mut seen = String::new();
    let mut rest = text;
    while seen.len() < expected.len() {
        let actual = rest.chars().next()?;
        rest = &rest[actual.len_utf8()..];
        if super::is_invisible(actual) {
            continue;
        }
        seen.push_str(&shown_as(actual));
        if !expected.starts_with(&seen) {
            return None;
        }
    }
    (seen == expected).then_some(rest)
}

/// The colon after a field name, in any form a reader sees as one (`:`, `：`, `∶`).
fn strip_colon(text: &str) -> Option<&str> {
    let c = text.chars().next()?;
    (c == ':' || shown_as(c) == ":").then(|| &text[c.len_utf8()..])
}

/// Where the value of `field` is on `line`, if the line is that field's line: after
/// leading decoration (whitespace, `- * + > # _` and backticks), the field name in
/// any case, optional `* _` backticks or spaces, and `:`; the value trimmed of
/// whitespace and `* _` backticks.
pub fn field_span(line: &str, field: &str) -> Option<Range<usize>> {
    if field.is_empty() {
        return None;
    }
    let named = line.trim_start_matches(is_line_decoration);
    let rest = strip_prefix_ignore_case(named, field)?;
    let value = strip_colon(rest.trim_start_matches(is_name_decoration))?;
    let start_text = value.trim_start_matches(is_value_decoration);
    let start = line.len() - start_text.len();
    let end = start + start_text.trim_end_matches(is_value_decoration).len();
    Some(start..end)
}

/// The value of `field` on `line`, if the line is that field's line.
pub fn field_line<'a>(line: &'a str, field: &str) -> Option<&'a str> {
    field_span(line, field).map(|span| &line[span])
}

/// How many lines [`Lines`] reads in `text`: one per ending (`\n`, `\r\n`, a lone
/// `\r`), and one more for text after the last ending. Counted in one pass over the
/// bytes, without splitting the lines.
pub fn line_count(text: &str) -> usize {
    let bytes = text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes();
    let endings = line_ends(bytes).count();
    let unended = bytes
        .last()
        .is_some_and(|&last| last != b'\n' && last != b'\r');
    endings + usize::from(unended)
}

/// The lines where a reader finds `field`: every top-level one of the front matter,
/// the body's first line by line and the body's first as rendered, in document
/// order. Read line by line without keeping the lines.
pub fn field_lines(text: &str, field: &str) -> Vec<usize> {
    fields_lines(text, &[field]).pop().unwrap_or_default()
}

/// [`field_lines`] of several fields, from one rendering of the text.
pub fn fields_lines(text: &str, fields: &[&str]) -> Vec<Vec<usize>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rendered = super::rendered::fields_lines(text, fields, &line_starts(text), false);
    fields
        .iter()
        .enumerate()
        .map(|(which, field)| {
            let mut found = Vec::new();
            for (index, line) in Lines::new(text).enumerate() {
                if field_line(&line.visible, field).is_none() {
                    continue;
                }
                match line.place {
                    Place::FrontMatter => found.push(index),
                    Place::Body => {
                        found.push(index);
                        break;
                    }
                    Place::Hidden => {}
                }
            }
            found.extend(
                rendered
                    .iter()
                    .find(|(field_index, _, _)| *field_index == which)
                    .map(|(_, line, _)| *line),
            );
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lines_are_counted_and_found_as_they_are_read(text in "(\\PC|\r|\n){0,60}") {
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            proptest::prop_assert_eq!(line_count(text), RawLines(text).count());
            let mut offset = 0;
            let starts: Vec<usize> = RawLines(text)
                .map(|raw| {
                    let start = offset;
                    offset += raw.len();
                    start
                })
                .collect();
            proptest::prop_assert_eq!(line_starts(text), starts);
        }
    }

    #[test]
    fn line_endings_count_once() {
        for (text, lines) in [
            ("", 0),
            ("a", 1),
            ("a\n", 1),
            ("a\r\nb", 2),
            ("a\r\rb\n\n", 4),
            ("\r", 1),
        ] {
            assert_eq!(line_count(text), lines, "{text:?}");
            assert_eq!(RawLines(text).count(), lines, "{text:?}");
        }
    }

    fn places(text: &str) -> Vec<Place> {
        read(text).iter().map(|line| line.place).collect()
    }

    #[test]
    fn comments_and_code_blocks_are_hidden() {
        use Place::{Body, Hidden};
        assert_eq!(
            places("a\n<!--\nStatus: Draft\n-->\nb\n```\nStatus: Draft\n```\nc\n"),
            [
                Body, Hidden, Hidden, Hidden, Body, Hidden, Hidden, Hidden, Body
            ]
        );
        let lines = read("x <!-- Status: Draft --> y\n~~~~\n```\n~~~~\nz");
        assert_eq!(lines[0].visible, "x  y");
        assert!(!lines[0].plain);
        assert_eq!(
            lines[4].place, Body,
            "a longer fence is closed only by its own kind"
        );
    }

    #[test]
    fn front_matter_counts_but_not_its_comments() {
        use Place::{Body, FrontMatter, Hidden};
        assert_eq!(
            places("---\ntitle: x\n# status: Draft\nstatus: Done\n---\n# Body\n"),
            [Hidden, FrontMatter, Hidden, FrontMatter, Hidden, Body]
        );
        assert_eq!(
            places("---\nno end\n"),
            [Body, Body],
            "an unclosed front matter is not one"
        );
    }

    #[test]
    fn fields_are_found_where_a_reader_sees_them() {
        let text = "---\nstatus: Draft\n---\n<!-- **Status:** Done -->\n```\nStatus: Done\n```\n**Status:** In Progress\nStatus: later\n";
        let lines = read(text);
        let found = field_lines(text, "Status");
        let values: Vec<&str> = found
            .iter()
            .map(|&i| field_line(&lines[i].visible, "Status").unwrap())
            .collect();
        assert_eq!(values, ["Draft", "In Progress"]);
    }

    #[test]
    fn spans_locate_the_value() {
        let line = "- **Status:** In Progress ";
        let span = field_span(line, "status").unwrap();
        assert_eq!(&line[span.clone()], "In Progress");
        assert_eq!(&line[..span.start], "- **Status:** ");
        assert_eq!(field_span("Statuses: x", "Status"), None);
    }
}
