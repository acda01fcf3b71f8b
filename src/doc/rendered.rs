//! The reading of a document as a CommonMark renderer shows it: the lines of text a
//! reader sees, where `field` is written on them.
//!
//! pulldown-cmark renders the Markdown (GitHub's tables, strikethrough, task lists and
//! footnotes on); the raw HTML in it is read by an HTML tokenizer (html5gum), so a
//! tag, a comment or a character reference means what it means to a browser. Not
//! text to a reader: code blocks, HTML comments, `<script>`, `<style>`, `<template>`
//! and other raw-text elements, image descriptions, link reference definitions, and
//! struck text (`~~x~~`, `<del>`, `<s>`, `<strike>`). A paragraph's soft-broken lines
//! join into one line of text; blocks, hard breaks and block-level HTML end one.
//!
//! A long document is rendered in overlapping slices of about 1 MiB, so memory stays
//! bounded whatever the document holds; the whole document is read, front matter
//! included (a renderer that does not know front matter shows it as text).

use html5gum::{Token, Tokenizer};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::reader::field_line;

/// How much of a document is rendered at once.
const SLICE: usize = 1 << 20;

/// Lines a slice repeats of the one before it, so a construct cut at the boundary is
/// whole in one of them.
const OVERLAP_LINES: usize = 64;

/// Every rendered line where `field` is, as (index of the source line it starts on,
/// value), in document order; with `first_only`, the slices stop at the first that
/// has one.
pub(super) fn field_lines(
    text: &str,
    field: &str,
    line_starts: &[usize],
    first_only: bool,
) -> Vec<(usize, String)> {
    fields_lines(text, &[field], line_starts, first_only)
        .into_iter()
        .map(|(_, line, value)| (line, value))
        .collect()
}

/// [`field_lines`] of several fields at once, from one rendering: (which field, line,
/// value).
pub(super) fn fields_lines(
    text: &str,
    fields: &[&str],
    line_starts: &[usize],
    first_only: bool,
) -> Vec<(usize, usize, String)> {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    // Slices overlap: a line read twice is kept once (a set: a document of a million
    // field lines must not cost a million squared).
    let mut seen: std::collections::HashSet<(usize, usize, String)> =
        std::collections::HashSet::new();
    let mut start_line = 0;
    loop {
        let start = line_starts.get(start_line).copied().unwrap_or(text.len());
        if start >= text.len() {
            break;
        }
        // The slice ends at the first line start past SLICE bytes.
        let end_line = line_starts.partition_point(|&at| at <= start + SLICE);
        let end = line_starts.get(end_line).copied().unwrap_or(text.len());
        let Some(slice) = text.get(start..end) else {
            break;
        };
        for (which, at, value) in render(slice, fields) {
            let line = line_starts.partition_point(|&line_start| line_start <= start + at) - 1;
            let reading = (which, line, value);
            if seen.insert(reading.clone()) {
                found.push(reading);
            }
        }
        if end >= text.len() || (first_only && !found.is_empty()) {
            break;
        }
        start_line = end_line.saturating_sub(OVERLAP_LINES).max(start_line + 1);
    }
    found.sort_by_key(|(_, line, _)| *line);
    found
}

/// Every line of text a reader sees in `text` as rendered, with the index of the
/// source line it starts on, in order (the whole text rendered at once).
pub(super) fn text_lines(text: &str) -> Vec<(usize, String)> {
    let starts = super::reader::line_starts(text);
    let mut all = Vec::new();
    render_lines(text, &[], Some(&mut all));
    all.into_iter()
        .map(|(at, line)| {
            (
                starts
                    .partition_point(|&start| start <= at)
                    .saturating_sub(1),
                line,
            )
        })
        .collect()
}

/// The rendered lines of `slice` where one of `fields` is: (which field, byte offset
/// the line starts at, value).
fn render(slice: &str, fields: &[&str]) -> Vec<(usize, usize, String)> {
    render_lines(slice, fields, None)
}

/// [`render`], also keeping every rendered line (byte offset, text) in `all`.
fn render_lines(
    slice: &str,
    fields: &[&str],
    all: Option<&mut Vec<(usize, String)>>,
) -> Vec<(usize, usize, String)> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut lines = Lines {
        fields,
        start: None,
        line: String::new(),
        cells: Vec::new(),
        named: Vec::new(),
        found: Vec::new(),
        all,
        with_colon: String::new(),
    };
    let mut hidden = 0usize;
    let mut html = Html::default();
    let mut block: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(slice, options).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                lines.end();
                block = Some((range.start, String::new()));
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((at, raw)) = block.take() {
                    html.read(&raw, at, &mut lines);
                }
                lines.end();
            }
            Event::Html(raw) => match block.as_mut() {
                Some((_, collected)) => collected.push_str(&raw),
                None => html.read(&raw, range.start, &mut lines),
            },
            Event::InlineHtml(raw) => html.read(&raw, range.start, &mut lines),
            Event::Start(Tag::CodeBlock(_)) => {
                lines.end();
                hidden += 1;
            }
            // Inside a line, shown but not as text: an image's description, struck text.
            Event::Start(Tag::Image { .. } | Tag::Strikethrough) => hidden += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::Strikethrough) => {
                hidden = hidden.saturating_sub(1);
            }
            Event::Text(shown) | Event::Code(shown) if hidden == 0 && !html.hides() => {
                lines.push(range.start, &shown);
            }
            Event::SoftBreak if hidden == 0 => lines.push(range.start, " "),
            // A table row is one line of text: its cells side by side.
            Event::Start(Tag::TableCell) => {
                lines.push(range.start, " ");
                lines.cell();
            }
            Event::End(TagEnd::TableCell) => lines.push(range.start, " "),
            Event::Start(tag) if !is_inline(&tag) => lines.end(),
            Event::End(tag) if !is_inline_end(tag) => lines.end(),
            Event::HardBreak | Event::Rule => lines.end(),
            _ => {}
        }
    }
    lines.end();
    lines.found
}

/// The rendered lines being read.
struct Lines<'f> {
    fields: &'f [&'f str],
    /// Where the line being read starts, while one is.
    start: Option<usize>,
    /// The text of the line being read, empty between lines (one buffer for every
    /// line).
    line: String,
    /// Where each table cell of the current line starts in its text.
    cells: Vec<usize>,
    /// The fields the line before named with no value (`**Status:**` alone, a
    /// `## Status` heading): a short next line is their value.
    named: Vec<usize>,
    found: Vec<(usize, usize, String)>,
    /// Every line ended, when the caller wants them all.
    all: Option<&'f mut Vec<(usize, String)>>,
    /// A line with a colon added, written here rather than allocated per line.
    with_colon: String,
}

/// The longest line read as the value of a field named on the line before it.
const VALUE_BELOW_LIMIT: usize = 64;

impl Lines<'_> {
    /// Adds visible text that starts at byte `at`.
    fn push(&mut self, at: usize, text: &str) {
        self.start.get_or_insert(at);
        self.line.push_str(text);
    }

    /// A table cell starts here.
    fn cell(&mut self) {
        self.cells.push(self.line.len());
    }

    /// Ends the rendered line.
    fn end(&mut self) {
        let Some(at) = self.start.take() else {
            return;
        };
        // Read from here while the line's buffer is free, and given back below.
        let visible = std::mem::take(&mut self.line);
        let cells = std::mem::take(&mut self.cells);
        let named = std::mem::take(&mut self.named);
        if let Some(all) = self.all.as_deref_mut() {
            all.push((at, visible.clone()));
        }
        // A table row whose first cell is a field's name holds its value next:
        // `| Status | In Progress |` reads as `Status: In Progress`.
        let as_field = match cells.as_slice() {
            [first, second, rest @ ..] => {
                let end = rest.first().copied().unwrap_or(visible.len());
                let name = visible.get(*first..*second).unwrap_or_default().trim();
                let value = visible.get(*second..end).unwrap_or_default().trim();
                Some(format!("{name}: {value}"))
            }
            _ => None,
        };
        for (which, field) in self.fields.iter().enumerate() {
            let on_line = field_line(&visible, field);
            let value = on_line.filter(|value| !value.is_empty()).or_else(|| {
                as_field
                    .as_deref()
                    .and_then(|row| field_line(row, field))
                    .filter(|value| !value.is_empty())
            });
            if let Some(value) = value {
                self.found.push((which, at, value.to_owned()));
            } else if named.contains(&which) {
                let value = visible.trim();
                if !value.is_empty() && value.chars().count() <= VALUE_BELOW_LIMIT {
                    self.found.push((which, at, value.to_owned()));
                }
            }
            // The name alone: `**Status:**` with nothing after it, or a heading. (A
            // line with the field's colon and a value keeps that colon and value
            // with one more colon after it: only a line without is read again so.)
            let alone = match on_line {
                Some(value) => value.is_empty(),
                None => {
                    self.with_colon.clear();
                    self.with_colon.push_str(&visible);
                    self.with_colon.push(':');
                    field_line(&self.with_colon, field).is_some_and(str::is_empty)
                }
            };
            if alone {
                self.named.push(which);
            }
        }
        self.line = visible;
        self.line.clear();
    }
}

/// Markdown tags inside a line of text: they neither start nor end one.
fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Superscript | Tag::Subscript | Tag::Link { .. }
    )
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Superscript | TagEnd::Subscript | TagEnd::Link
    )
}

/// HTML elements inside a line of text.
const INLINE_ELEMENTS: [&str; 30] = [
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn", "em", "font", "i", "img",
    "ins", "kbd", "label", "mark", "q", "samp", "small", "span", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
];

/// HTML elements whose text a reader never sees, or sees struck out.
const HIDING_ELEMENTS: [&str; 9] = [
    "script", "style", "template", "del", "s", "strike", "noscript", "iframe", "textarea",
];

/// The raw HTML of a document as a browser shows it: the elements open across the
/// fragments of one paragraph, so text inside `<del>…</del>` stays hidden.
#[derive(Debug, Default)]
struct Html {
    /// Hiding elements open, innermost last.
    open: Vec<String>,
}

impl Html {
    /// Whether text here is inside a hiding element.
    fn hides(&self) -> bool {
        !self.open.is_empty()
    }

    /// Reads a piece of raw HTML that starts at byte `at`, adding its text to `lines`.
    fn read(&mut self, raw: &str, at: usize, lines: &mut Lines<'_>) {
        let mut tokenizer = Tokenizer::new(raw);
        while let Some(Ok(token)) = tokenizer.next() {
            match token {
                Token::StartTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    if HIDING_ELEMENTS.contains(&name.as_str()) && !tag.self_closing {
                        self.open.push(name.clone());
                    }
                    if let Some(state) = html5gum::naive_next_state(name.as_bytes()) {
                        tokenizer.set_state(state);
                    }
                    if !INLINE_ELEMENTS.contains(&name.as_str()) || name == "br" {
                        lines.end();
                    }
                }
                Token::EndTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    if let Some(index) = self.open.iter().rposition(|open| *open == name) {
                        self.open.truncate(index);
                    }
                    if !INLINE_ELEMENTS.contains(&name.as_str()) {
                        lines.end();
                    }
                }
                Token::String(text) if !self.hides() => {
                    let text = String::from_utf8_lossy(&text);
                    // A browser folds the source's line breaks into spaces.
                    lines.push(at, &text.replace(['\n', '\r'], " "));
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        let mut starts = vec![0];
        starts.extend(
            text.match_indices('\n')
                .map(|(at, _)| at + 1)
                .filter(|&at| at < text.len()),
        );
        field_lines(text, "Status", &starts, false)
            .into_iter()
            .map(|(_, value)| value)
            .collect()
    }

    #[test]
    fn html_reads_as_a_browser_shows_it() {
        for text in [
            "<div>Status&#58 In Progress</div>\n",
            "<div>Status: In&ensp;Progress</div>\n",
            "<span title=\">\">Status: In Progress</span>\n",
            "<div><!-->Status: In Progress</div>\n",
            "x<article>Status: In Progress</article>\n",
            "<p>Status: In Progress</p>\n",
            "foo<br>Status: In Progress\n",
        ] {
            let found = values(text);
            assert!(
                found
                    .iter()
                    .any(|value| value.replace('\u{2002}', " ") == "In Progress"),
                "{text:?}: {found:?}"
            );
        }
        for text in [
            "<template>\nStatus: In Progress\n</template>\n",
            "<script>\nStatus: In Progress\n</script>\n",
            "**Status:** <del>In Progress</del>\n",
            "<!--\nStatus: In Progress\n-->\n",
        ] {
            assert!(
                values(text)
                    .iter()
                    .all(|value| !value.contains("In Progress")),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_line_is_read_and_long_documents_in_slices() {
        let text =
            "<template>\nStatus: Draft\n</template>\n\n**Status:** Draft\n\nStatus: In Progress\n";
        assert_eq!(values(text), ["Draft", "In Progress"]);
        let long = format!(
            "{}\n\n<p>Status: In Progress</p>\n",
            "word ".repeat(3 << 20)
        );
        assert_eq!(values(&long), ["In Progress"]);
        let joined = format!("{}\n\n**Status:**\nIn Progress\n", "x\n".repeat(1 << 20));
        assert_eq!(values(&joined), ["In Progress"]);
    }
}
