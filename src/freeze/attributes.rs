//! What a `.gitattributes` file does to a frozen document beyond its line endings.
//!
//! Attributes change what git delivers without changing the blob: `export-ignore`
//! drops a file from `git archive` (and the release tarballs forges build with it),
//! `export-subst` rewrites it there, `filter`, `working-tree-encoding` and `ident`
//! rewrite it in every checkout. A change to a `.gitattributes` file that changes any
//! of these for a frozen document changes the document as readers get it.
//!
//! Patterns follow gitattributes: one without a `/` matches a file name at any depth
//! below the file's folder, one with a `/` matches the path from that folder; `*`
//! stops at `/`, `**` crosses folders. Attributes known to touch only line endings,
//! diffs and merges are harmless; any other name (a macro too) counts, so an unknown
//! attribute errs towards refusing.

use globset::{GlobBuilder, GlobMatcher};

/// Attributes that never change what a reader gets.
const HARMLESS: [&str; 10] = [
    "text",
    "eol",
    "crlf",
    "diff",
    "merge",
    "whitespace",
    "binary",
    "delta",
    "lockable",
    "conflict-marker-size",
];

/// One line of a `.gitattributes` file: a pattern and the attributes it sets.
#[derive(Debug)]
struct Line {
    /// `None`: a pattern lancelot cannot read, taken to match every file.
    pattern: Option<Pattern>,
    /// The attribute settings that matter, as written (`export-ignore`, `-filter`,
    /// `filter=lfs`), macros expanded.
    settings: Vec<String>,
}

#[derive(Debug)]
struct Pattern {
    glob: GlobMatcher,
    /// It has a `/` before its end: matched against the path from the file's folder,
    /// else against the last name.
    anchored: bool,
    /// It ends in `/`: it names folders only.
    folders_only: bool,
}

impl Pattern {
    fn matches(&self, path: &str, is_folder: bool) -> bool {
        if self.folders_only && !is_folder {
            return false;
        }
        if self.anchored {
            self.glob.is_match(path)
        } else {
            self.glob.is_match(path.rsplit('/').next().unwrap_or(path))
        }
    }
}

/// A parsed `.gitattributes` file.
#[derive(Debug, Default)]
pub struct Attributes {
    lines: Vec<Line>,
    /// Its `[attr]` macro definitions, as written.
    macros: Vec<(String, Vec<String>)>,
}

impl Attributes {
    /// Parses the text of a `.gitattributes` file; `None` (unreadable) reads as a file
    /// that sets something on every path.
    pub fn parse(text: Option<&[u8]>) -> Attributes {
        let Some(text) = text else {
            return Attributes {
                lines: vec![Line {
                    pattern: None,
                    settings: vec!["(unreadable)".to_owned()],
                }],
                macros: Vec::new(),
            };
        };
        let text = String::from_utf8_lossy(text);
        let mut macros: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines() {
            if let Some(definition) = line.trim().strip_prefix("[attr]") {
                let mut words = definition.split_whitespace();
                if let Some(name) = words.next() {
                    macros.push((name.to_owned(), words.map(str::to_owned).collect()));
                }
            }
        }
        let mut lines = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("[attr]") {
                continue;
            }
            let (pattern, rest) = split_pattern(line);
            // Unsetting (`-filter`, `!export-ignore`) gives readers the blob itself.
            let settings: Vec<String> = rest
                .split_whitespace()
                .flat_map(|token| expand(token, &macros))
                .filter(|token| !is_harmless(token) && !token.starts_with(['-', '!']))
                .collect();
            if settings.is_empty() {
                continue;
            }
            lines.push(Line {
                pattern: pattern.as_deref().and_then(compile),
                settings,
            });
        }
        Attributes { lines, macros }
    }

    /// The macros this file defines that would change what readers get wherever git
    /// applies them (it applies the root file's macros to every attributes file): a
    /// harmless name redefined (`[attr]diff export-ignore`), or a macro setting an
    /// attribute that matters. Each with its definition.
    pub fn risky_macros(&self) -> Vec<String> {
        self.macros
            .iter()
            .filter(|(name, settings)| {
                is_harmless(name)
                    || settings
                        .iter()
                        .any(|token| !is_harmless(token) && !token.starts_with(['-', '!']))
            })
            .map(|(name, settings)| format!("[attr]{name} {}", settings.join(" ")))
            .collect()
    }

    /// The settings that matter for `path` (relative to the file's folder), in the
    /// order the file gives them.
    ///
    /// The folders on the way count too: git tests `export-ignore` on each folder, so
    /// `docs/specs/ export-ignore` drops every file below it from archives.
    pub fn settings_for(&self, path: &str) -> Vec<&str> {
        let folders = path
            .char_indices()
            .filter(|(_, c)| *c == '/')
            .map(|(at, _)| (&path[..at], true));
        let targets: Vec<(&str, bool)> = folders.chain([(path, false)]).collect();
        self.lines
            .iter()
            .filter(|line| match &line.pattern {
                None => true,
                Some(pattern) => targets
                    .iter()
                    .any(|(target, is_folder)| pattern.matches(target, *is_folder)),
            })
            .flat_map(|line| line.settings.iter().map(String::as_str))
            .collect()
    }
}

/// The pattern of a line (unquoted; `None` when it cannot be read) and the rest.
fn split_pattern(line: &str) -> (Option<String>, &str) {
    if let Some(quoted) = line.strip_prefix('"') {
        let mut pattern = String::new();
        let mut chars = quoted.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => return (Some(pattern), &quoted[at + 1..]),
                '\\' => match chars.next() {
                    Some((_, escaped @ ('"' | '\\'))) => pattern.push(escaped),
                    // Octal and other escapes: not read, so the line matches all.
                    _ => return (None, quoted.rsplit('"').next().unwrap_or("")),
                },
                c => pattern.push(c),
            }
        }
        return (None, "");
    }
    match line.split_once(char::is_whitespace) {
        Some((pattern, rest)) => (Some(pattern.to_owned()), rest),
        None => (Some(line.to_owned()), ""),
    }
}

/// Compiles a gitattributes pattern; `None` when globset cannot read it.
fn compile(pattern: &str) -> Option<Pattern> {
    let folders_only = pattern.ends_with('/');
    let pattern = pattern.trim_end_matches('/');
    let anchored = pattern.contains('/');
    let text = pattern.strip_prefix('/').unwrap_or(pattern);
    let glob = GlobBuilder::new(text)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .ok()?
        .compile_matcher();
    Some(Pattern {
        glob,
        anchored,
        folders_only,
    })
}

/// A token with the macros it names replaced by their settings.
fn expand(token: &str, macros: &[(String, Vec<String>)]) -> Vec<String> {
    let name = attribute_name(token);
    match macros.iter().find(|(macro_name, _)| macro_name == name) {
        Some((_, settings)) if !token.starts_with(['-', '!']) => {
            let mut expanded = vec![token.to_owned()];
            expanded.extend(settings.iter().cloned());
            expanded
        }
        _ => vec![token.to_owned()],
    }
}

/// The attribute a setting is about: `-filter` and `filter=lfs` are `filter`.
fn attribute_name(token: &str) -> &str {
    let token = token.trim_start_matches(['-', '!']);
    token.split('=').next().unwrap_or(token)
}

fn is_harmless(token: &str) -> bool {
    let name = attribute_name(token);
    HARMLESS.contains(&name) || name.starts_with("linguist-") || name.starts_with("gitlab-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str, path: &str) -> Vec<String> {
        Attributes::parse(Some(text.as_bytes()))
            .settings_for(path)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn archive_and_checkout_rewrites_count_and_line_endings_do_not() {
        let text = "* text=auto eol=lf\n*.md linguist-documentation diff=markdown\nspecs/A.md export-ignore\n/specs/B.md export-subst filter=x\n# specs/C.md export-ignore\n";
        assert_eq!(settings(text, "specs/A.md"), ["export-ignore"]);
        assert_eq!(settings(text, "specs/B.md"), ["export-subst", "filter=x"]);
        assert!(settings(text, "specs/C.md").is_empty());
        assert!(settings(text, "other/specs/A.md").is_empty(), "anchored");
    }

    #[test]
    fn names_match_at_any_depth_and_globs_stop_at_slashes() {
        assert_eq!(
            settings("A.md export-ignore\n", "specs/deep/A.md"),
            ["export-ignore"]
        );
        assert!(settings("specs/*.md ident\n", "specs/deep/A.md").is_empty());
        assert_eq!(
            settings("specs/**/*.md ident\n", "specs/deep/A.md"),
            ["ident"]
        );
        assert_eq!(
            settings("specs/ export-ignore\n", "specs/A.md"),
            ["export-ignore"]
        );
        assert_eq!(
            settings("specs export-ignore\n", "docs/specs/A.md"),
            ["export-ignore"]
        );
        assert_eq!(
            settings("/docs export-ignore\n", "docs/specs/A.md"),
            ["export-ignore"]
        );
        assert!(
            settings("A.md/ export-ignore\n", "specs/A.md").is_empty(),
            "folders only"
        );
        assert!(settings("specs/A.md -export-ignore !filter\n", "specs/A.md").is_empty());
    }

    #[test]
    fn macros_quotes_and_unknown_attributes_count() {
        let text = "[attr]hide export-ignore\n\"specs/A b.md\" hide\nspecs/C.md my-team-thing\n";
        assert_eq!(settings(text, "specs/A b.md"), ["hide", "export-ignore"]);
        assert_eq!(settings(text, "specs/C.md"), ["my-team-thing"]);
        assert_eq!(
            settings("\"specs/\\101.md\" export-ignore\n", "specs/X.md"),
            ["export-ignore"],
            "an unread pattern matches everything"
        );
        assert_eq!(
            Attributes::parse(None).settings_for("any.md"),
            ["(unreadable)"]
        );
    }
}
