//! Markdown structure the lifecycle gates read: headed sections, placeholders, links,
//! and rewriting a header field's value in place.

use super::reader::{field_line, field_lines, field_span, read};

/// The marker of text still to be written.
pub const PLACEHOLDER: &str = "TODO:";

/// The body of the first section whose heading is `title` (any level, case-insensitive):
/// the lines up to the next heading of the same or a higher level.
pub fn section(text: &str, title: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (start, level) = lines.iter().enumerate().find_map(|(index, line)| {
        let (level, heading) = heading(line)?;
        heading
            .eq_ignore_ascii_case(title)
            .then_some((index, level))
    })?;
    let body: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|line| heading(line).is_none_or(|(other, _)| other > level))
        .copied()
        .collect();
    Some(body.join("\n"))
}

/// `(level, title)` of a Markdown ATX heading.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    rest.starts_with(' ').then(|| (level, rest.trim()))
}

/// Whether a section or value still holds a placeholder, or nothing at all.
pub fn is_unfilled(text: &str) -> bool {
    text.trim().is_empty() || text.contains(PLACEHOLDER)
}

/// The lines of a header field's block: its own line's value and the indented lines
/// below it (a nested list such as the Scope's Included / Excluded items).
pub fn field_block(text: &str, field: &str) -> Option<String> {
    let lines = read(text);
    let first = *field_lines(text, field).first()?;
    let value = field_line(&lines[first].visible, field)?;
    let nested: Vec<&str> = lines[first + 1..]
        .iter()
        .take_while(|line| line.content.starts_with([' ', '\t']))
        .map(|line| line.visible.as_ref())
        .collect();
    Some(format!("{value}\n{}", nested.join("\n")))
}

/// The targets of the Markdown links `[text](target)` in `text`.
pub fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else { break };
        targets.push(after[..end].trim().to_owned());
        rest = &after[end..];
    }
    targets
}

/// `text` with the value of `field` replaced by `value` on every line a reader finds
/// it (the front matter's and the body's), keeping each line's decoration
/// (`- **Status:** `) and ending. `None` when there is no such line, or when one holds
/// a comment (lancelot does not rewrite around hidden text).
pub fn set_field_value(text: &str, field: &str, value: &str) -> Option<String> {
    let lines = read(text);
    let targets = field_lines(text, field);
    if targets.is_empty() || targets.iter().any(|&index| !lines[index].plain) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + value.len());
    if text.starts_with('\u{feff}') {
        out.push('\u{feff}');
    }
    for (index, line) in lines.iter().enumerate() {
        match field_span(line.content, field).filter(|_| targets.contains(&index)) {
            Some(span) => {
                out.push_str(&line.content[..span.start]);
                out.push_str(value);
                out.push_str(&line.raw[span.end..]);
            }
            None => out.push_str(line.raw),
        }
    }
    Some(out)
}

/// `text` with a `field` line set to `value`: rewritten where it exists, otherwise
/// inserted below the line of `after` (the body's, else the front matter's), written
/// like it: `- **Status:** Superseded` gives `- **Superseded by:** <value>`.
pub fn upsert_field(text: &str, field: &str, value: &str, after: &str) -> Option<String> {
    if let Some(updated) = set_field_value(text, field, value) {
        return Some(updated);
    }
    let lines = read(text);
    let anchor = *field_lines(text, after).last()?;
    let line = &lines[anchor];
    if !line.plain {
        return None;
    }
    let new_line = sibling_field_line(line.content, after, field, value)?;
    let ending = if line.raw.len() > line.content.len() {
        &line.raw[line.content.len()..]
    } else {
        "\n"
    };
    let mut out = String::with_capacity(text.len() + new_line.len() + 2);
    if text.starts_with('\u{feff}') {
        out.push('\u{feff}');
    }
    for (index, current) in lines.iter().enumerate() {
        out.push_str(current.raw);
        if index == anchor {
            if !current.raw.ends_with('\n') {
                out.push_str(ending);
            }
            out.push_str(&new_line);
            out.push_str(ending);
        }
    }
    Some(out)
}

/// The line of `field` with `value`, written like `line` (the line of `like`): the
/// same decoration around the name and the same text after the value. This is the
/// one line form a status transition may add (see the freeze rule).
pub fn sibling_field_line(line: &str, like: &str, field: &str, value: &str) -> Option<String> {
    let span = field_span(line, like)?;
    let prefix = &line[..span.start];
    let name_at = prefix.to_lowercase().find(&like.to_lowercase())?;
    Some(format!(
        "{}{field}{}{value}{}",
        &prefix[..name_at],
        &prefix[name_at + like.len()..],
        &line[span.end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "# A\n\n- **Status:** Draft\n- **Scope:**\n  - **Included:**\n    - x\n- **Flag:** `F`\n\n## Contracts\n\n### Data Models\n\nA record.\n\n### Endpoints\n\nTODO: write\n\n## Other\n\ntext\n";

    #[test]
    fn sections_end_at_the_next_heading_of_their_level() {
        assert_eq!(section(SPEC, "Data Models").unwrap().trim(), "A record.");
        assert!(section(SPEC, "Contracts").unwrap().contains("TODO: write"));
        assert!(!section(SPEC, "Contracts").unwrap().contains("text"));
        assert!(section(SPEC, "Missing").is_none());
        assert!(is_unfilled(&section(SPEC, "Endpoints").unwrap()));
        assert!(!is_unfilled(&section(SPEC, "Data Models").unwrap()));
    }

    #[test]
    fn field_blocks_include_nested_lines() {
        let block = field_block(SPEC, "Scope").unwrap();
        assert!(block.contains("Included") && block.contains("- x"));
        assert!(!block.contains("Flag"));
    }

    #[test]
    fn field_values_are_replaced_keeping_decoration() {
        let updated = set_field_value(SPEC, "Status", "In Progress").unwrap();
        assert!(updated.contains("- **Status:** In Progress\n"));
        assert_eq!(updated.replace("In Progress", "Draft"), SPEC);
        let crlf = "Status: Draft\r\nbody\r\n";
        assert_eq!(
            set_field_value(crlf, "status", "Done").unwrap(),
            "Status: Done\r\nbody\r\n"
        );
        assert!(set_field_value("no fields", "Status", "x").is_none());
    }

    #[test]
    fn a_missing_field_is_inserted_after_another() {
        let updated = upsert_field(SPEC, "Superseded by", "[B](B.md)", "Status").unwrap();
        assert!(
            updated.contains("- **Status:** Draft\n- **Superseded by:** [B](B.md)\n- **Scope:**"),
            "{updated}"
        );
        let again = upsert_field(&updated, "Superseded by", "[C](C.md)", "Status").unwrap();
        assert!(again.contains("- **Superseded by:** [C](C.md)\n"));
    }

    #[test]
    fn links_are_found() {
        assert_eq!(link_targets("[A](a.md), [B]( b.md )"), ["a.md", "b.md"]);
    }
}
