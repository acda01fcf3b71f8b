//! Markdown structure the lifecycle gates read: headed sections, placeholders, links,
//! and rewriting a header field's value in place.

use super::status::field_line;

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
    let mut lines = text.lines();
    let value = lines.by_ref().find_map(|line| field_line(line, field))?;
    let nested: Vec<&str> = lines
        .take_while(|line| line.starts_with([' ', '\t']))
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

/// `text` with the value of the first `field` line replaced by `value`, keeping the
/// line's decoration (`- **Status:** `) and ending. `None` when there is no such line.
pub fn set_field_value(text: &str, field: &str, value: &str) -> Option<String> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if field_line(content, field).is_some() {
            let colon = content.find(':')?;
            let rest = &content[colon + 1..];
            let is_decoration = |c: char| c.is_whitespace() || matches!(c, '*' | '_' | '`');
            let value_start = rest.len() - rest.trim_start_matches(is_decoration).len();
            let value_end = rest.trim_end_matches(is_decoration).len().max(value_start);
            let new_line = format!(
                "{}{}{value}{}{}",
                &content[..=colon],
                &rest[..value_start],
                &rest[value_end..],
                &line[content.len()..]
            );
            return Some(format!(
                "{}{new_line}{}",
                &text[..offset],
                &text[offset + line.len()..]
            ));
        }
        offset += line.len();
    }
    None
}

/// `text` with a `field` line set to `value`: rewritten where it exists, otherwise
/// inserted after the first `after` line, decorated like it.
pub fn upsert_field(text: &str, field: &str, value: &str, after: &str) -> Option<String> {
    if let Some(updated) = set_field_value(text, field, value) {
        return Some(updated);
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if field_line(content, after).is_some() {
            let name_at = content.to_lowercase().find(&after.to_lowercase())?;
            let colon = content.find(':')?;
            let closing: String = content[colon + 1..]
                .chars()
                .take_while(|c| matches!(c, '*' | '_' | '`'))
                .collect();
            let decoration_after = format!("{}{closing}", &content[name_at + after.len()..=colon]);
            let ending = &line[content.len()..];
            let ending = if ending.is_empty() { "\n" } else { ending };
            let new_line = format!(
                "{}{field}{decoration_after} {value}{ending}",
                &content[..name_at]
            );
            let split = offset + line.len();
            let line_end = if line.ends_with('\n') { "" } else { "\n" };
            return Some(format!(
                "{}{line_end}{new_line}{}",
                &text[..split],
                &text[split..]
            ));
        }
        offset += line.len();
    }
    None
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
