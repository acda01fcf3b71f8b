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
    let mut readings: Vec<(usize, String)> = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (index, line) in Lines::new(text).enumerate() {
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
        match line.place {
            Place::FrontMatter if is_block_scalar(value) => block = Some((index, String::new())),
            Place::FrontMatter => {
                // A YAML tag says the type, not the value: `!!str In Progress`.
                let value = value.strip_prefix("!!str").map_or(value, str::trim_start);
                readings.push((index, value.to_owned()));
            }
            Place::Body => {
                readings.push((index, value.to_owned()));
                break;
            }
            Place::Hidden => {}
        }
    }
    readings.extend(block);
    readings.extend(rendered_field(text, field));
    // Document order; on one line the line reading first (it keeps the value as
    // written, links and all), then the rendered one when it differs.
    readings.sort_by_key(|(index, _)| *index);
    readings.dedup();
    readings.into_iter().map(|(_, value)| value).collect()
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

/// How much of a body is rendered to find its status: a status line is in a
/// document's header. Past it, every line that looks like a status counts, hidden or
/// not (a longer document is read the strict way, not the lenient one).
const RENDER_LIMIT: usize = 1 << 20;

/// The text a reader sees, one rendered line at a time: a paragraph's soft-broken
/// lines join, blocks and hard breaks end a line.
struct Rendered<'f> {
    field: &'f str,
    current: Option<(usize, String)>,
    found: Vec<(usize, String)>,
}

impl Rendered<'_> {
    /// Adds visible text that starts at source line `line`.
    fn push(&mut self, line: usize, text: &str) {
        match &mut self.current {
            Some((_, visible)) => visible.push_str(text),
            None => self.current = Some((line, text.to_owned())),
        }
    }

    /// Ends the rendered line.
    fn end(&mut self) {
        if let Some((index, visible)) = self.current.take()
            && let Some(value) = field_line(&visible, self.field).filter(|value| !value.is_empty())
        {
            self.found.push((index, value.to_owned()));
        }
    }

    fn done(&self) -> bool {
        !self.found.is_empty()
    }
}

/// The body's first rendered line where `field` is, as CommonMark renders it (the
/// index of the source line it starts on, front matter included) and its value; past
/// the render limit, every line that looks like one.
fn rendered_field(text: &str, field: &str) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    let mut starts = Vec::new();
    let mut offset = 0;
    let mut body_start = 0;
    let front_matter = front_matter_end(text);
    let mut raws = RawLines(text).enumerate();
    for (index, raw) in raws.by_ref() {
        starts.push(offset);
        offset += raw.len();
        if Some(index) == front_matter {
            body_start = offset;
        }
        if offset > body_start + RENDER_LIMIT {
            break;
        }
    }
    let Some(body) = text.get(body_start..offset) else {
        return Vec::new();
    };
    let line_of = |at: usize| starts.partition_point(|&start| start <= body_start + at) - 1;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut hidden = 0usize;
    let mut html = HtmlText::default();
    let mut rendered = Rendered {
        field,
        current: None,
        found: Vec::new(),
    };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                rendered.end();
                hidden += 1;
            }
            // Inside a line, shown but not as text: an image's description, struck text.
            Event::Start(Tag::Image { .. } | Tag::Strikethrough) => hidden += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::Strikethrough) => {
                hidden = hidden.saturating_sub(1);
            }
            Event::Text(shown) | Event::Code(shown) if hidden == 0 => {
                rendered.push(line_of(range.start), &shown);
            }
            Event::SoftBreak if hidden == 0 => rendered.push(line_of(range.start), " "),
            Event::Html(raw) | Event::InlineHtml(raw) if hidden == 0 => {
                for (at, piece) in html.pieces(&raw) {
                    match piece {
                        Some(shown) => rendered.push(line_of(range.start + at), &shown),
                        None => rendered.end(),
                    }
                }
            }
            Event::Start(tag) if !is_inline(&tag) => rendered.end(),
            Event::End(tag) if !is_inline_end(tag) => rendered.end(),
            Event::HardBreak | Event::Rule => rendered.end(),
            _ => {}
        }
        if rendered.done() {
            return rendered.found;
        }
    }
    rendered.end();
    // Past the render limit, the strict reading: any line that looks like a status.
    for (index, raw) in raws {
        let content = raw.trim_end_matches(['\n', '\r']);
        if let Some(value) = field_line(content, field) {
            rendered.found.push((index, value.to_owned()));
        }
    }
    rendered.found
}

/// Tags inside a line of text: they neither start nor end a rendered line.
fn is_inline(tag: &pulldown_cmark::Tag<'_>) -> bool {
    use pulldown_cmark::Tag;
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Superscript | Tag::Subscript | Tag::Link { .. }
    )
}

fn is_inline_end(tag: pulldown_cmark::TagEnd) -> bool {
    use pulldown_cmark::TagEnd;
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Superscript | TagEnd::Subscript | TagEnd::Link
    )
}

/// The text of raw HTML as a browser shows it: tags dropped (those that start a
/// block or break a line end the rendered line), comments, `<script>` and `<style>`
/// hidden, the common character references decoded. State carries over between the
/// pieces of one HTML block.
#[derive(Debug, Default)]
struct HtmlText {
    in_comment: bool,
    /// Inside `<script>` or `<style>`: the closing tag to wait for.
    skipping: Option<&'static str>,
}

/// Tags that start a block or break a line.
const BREAKING_TAGS: [&str; 24] = [
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "summary",
    "details",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "hr",
    "dt",
    "dd",
    "pre",
];

impl HtmlText {
    /// The visible pieces of `html`, with their byte offsets: `Some(text)`, or `None`
    /// where a line ends.
    fn pieces(&mut self, html: &str) -> Vec<(usize, Option<String>)> {
        let mut pieces = Vec::new();
        let mut at = 0;
        while at < html.len() {
            let rest = &html[at..];
            if self.in_comment {
                match rest.find("-->") {
                    Some(end) => {
                        self.in_comment = false;
                        at += end + 3;
                    }
                    None => break,
                }
                continue;
            }
            if let Some(closing) = self.skipping {
                match rest.to_ascii_lowercase().find(closing) {
                    Some(end) => {
                        self.skipping = None;
                        at += end + closing.len();
                    }
                    None => break,
                }
                continue;
            }
            if rest.starts_with("<!--") {
                self.in_comment = true;
                at += 4;
                continue;
            }
            if rest.starts_with('<')
                && let Some(end) = rest.find('>')
            {
                let tag = &rest[1..end];
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if !tag.starts_with('/') && (name == "script" || name == "style") {
                    self.skipping = Some(if name == "script" {
                        "</script"
                    } else {
                        "</style"
                    });
                } else if BREAKING_TAGS.contains(&name.as_str()) {
                    pieces.push((at, None));
                }
                at += end + 1;
                continue;
            }
            let end = rest.find('<').filter(|&end| end > 0).unwrap_or(rest.len());
            pieces.push((
                at,
                Some(decode_references(&rest[..end]).replace(['\n', '\r'], " ")),
            ));
            at += end;
        }
        pieces
    }
}

/// The common HTML character references decoded: `&nbsp;`, `&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&#39;`, `&colon;`, and numeric ones.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find(';').filter(|&end| end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "nbsp" => Some(' '),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "colon" => Some(':'),
            _ => name.strip_prefix('#').and_then(|number| {
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => number.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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
        let end = match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
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
    if !in_comment && !content.contains("<!--") {
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
    c.is_whitespace()
        || super::is_invisible(c)
        || matches!(c, '-' | '*' | '+' | '>' | '#' | '_' | '`')
}

/// Characters allowed between a field name and its colon.
fn is_name_decoration(c: char) -> bool {
    super::is_invisible(c) || matches!(c, '*' | '_' | '`' | ' ' | '\t')
}

/// Characters trimmed from both ends of a value (YAML quotes too).
fn is_value_decoration(c: char) -> bool {
    c.is_whitespace() || super::is_invisible(c) || matches!(c, '*' | '_' | '`' | '"' | '\'')
}

/// Strips `prefix` from the start of `text` as a reader compares it: in any case,
/// invisible characters skipped, compatibility forms (fullwidth `Ｓ`) read as the
/// letters they show.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    use unicode_normalization::UnicodeNormalization;
    let mut rest = text;
    let mut expected = prefix.chars().flat_map(char::to_lowercase).peekable();
    while expected.peek().is_some() {
        let actual = rest.chars().next()?;
        rest = &rest[actual.len_utf8()..];
        if super::is_invisible(actual) {
            continue;
        }
        for shown in std::iter::once(actual).nfkc().flat_map(char::to_lowercase) {
            if expected.next() != Some(shown) {
                return None;
            }
        }
    }
    Some(rest)
}

/// The colon after a field name, in any form a reader sees as one (`:`, `：`).
fn strip_colon(text: &str) -> Option<&str> {
    let c = text.chars().next()?;
    matches!(c, ':' | '\u{ff1a}' | '\u{fe55}' | '\u{fe13}').then(|| &text[c.len_utf8()..])
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

/// How many lines [`Lines`] reads in `text`.
pub fn line_count(text: &str) -> usize {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    RawLines(text).count()
}

/// The lines where a reader finds `field`: every top-level one of the front matter,
/// the body's first line by line and the body's first as rendered, in document
/// order. Read line by line without keeping the lines.
pub fn field_lines(text: &str, field: &str) -> Vec<usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
        rendered_field(text, field)
            .into_iter()
            .map(|(index, _)| index),
    );
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

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
