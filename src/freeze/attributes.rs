//! What the `.gitattributes` files on a frozen document's way do to it beyond its
//! line endings.
//!
//! Attributes change what git delivers without changing the blob: `export-ignore`
//! drops a file from `git archive` (and the release tarballs forges build with it),
//! `export-subst` rewrites it there, `filter`, `working-tree-encoding` and `ident`
//! rewrite it in every checkout. A change to a `.gitattributes` file that changes any
//! of these for a frozen document changes the document as readers get it.
//!
//! Resolution follows git: every file from the repository's root down to the
//! document's folder, deeper files and later lines winning; an attribute is set,
//! unset (`-x`), unspecified again (`!x`) or given a value (`x=v`); macros come from
//! the root file only (and `binary`), the last definition winning; `export-ignore` on
//! a folder on the way drops everything below it. Patterns: one without a `/` matches
//! a name at any depth, one with a `/` the path from the file's folder, one ending in
//! `/` folders only; a pattern counts both as written and with case ignored (as
//! clones with `core.ignorecase` match it). Line
//! endings, diffs and merges are harmless; any other attribute (an unknown name too)
//! counts, so an unknown attribute errs towards refusing.

use std::collections::BTreeMap;

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

/// Attributes that act only when set (a value such as `export-ignore=false` does not).
const ONLY_WHEN_SET: [&str; 3] = ["export-ignore", "export-subst", "ident"];

/// One line of a `.gitattributes` file: a pattern and its attribute tokens.
#[derive(Debug)]
struct Line {
    /// `None`: a pattern lancelot cannot read, taken to match every path.
    pattern: Option<Pattern>,
    /// The tokens as written: `x`, `-x`, `!x`, `x=v`.
    tokens: Vec<String>,
}

#[derive(Debug)]
struct Pattern {
    glob: GlobMatcher,
    /// The same glob, case ignored: how clones that ignore case (`core.ignorecase`,
    /// the default on macOS and Windows) match it.
    glob_any_case: GlobMatcher,
    /// It has a `/` before its end: matched against the path from the file's folder,
    /// else against the last name.
    anchored: bool,
    /// It ends in `/`: it names folders only.
    folders_only: bool,
}

impl Pattern {
    fn matches(&self, path: &str, is_folder: bool, any_case: bool) -> bool {
        if self.folders_only && !is_folder {
            return false;
        }
        let glob = if any_case {
            &self.glob_any_case
        } else {
            &self.glob
        };
        if self.anchored {
            glob.is_match(path)
        } else {
            glob.is_match(path.rsplit('/').next().unwrap_or(path))
        }
    }
}

/// A parsed `.gitattributes` file.
#[derive(Debug, Default)]
pub struct Attributes {
    lines: Vec<Line>,
    /// Its `[attr]` macro definitions (git reads them in the root file only).
    macros: Vec<(String, Vec<String>)>,
}

/// The state of an attribute for a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Set,
    Unset,
    Unspecified,
    Value(String),
}

impl Attributes {
    /// Parses the text of a `.gitattributes` file; `None` (unreadable) reads as a file
    /// that sets an unknown attribute on every path.
    pub fn parse(text: Option<&[u8]>) -> Attributes {
        let Some(text) = text else {
            return Attributes {
                lines: vec![Line {
                    pattern: None,
                    tokens: vec!["(unreadable)".to_owned()],
                }],
                macros: Vec::new(),
            };
        };
        let text = String::from_utf8_lossy(text);
        let mut attributes = Attributes::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(definition) = line.strip_prefix("[attr]") {
                let mut words = definition.split_whitespace();
                if let Some(name) = words.next() {
                    let settings = words.map(str::to_owned).collect();
                    attributes.macros.push((name.to_owned(), settings));
                }
                continue;
            }
            let (pattern, rest) = split_pattern(line);
            let tokens: Vec<String> = rest.split_whitespace().map(str::to_owned).collect();
            if !tokens.is_empty() {
                attributes.lines.push(Line {
                    pattern: pattern.as_deref().and_then(compile),
                    tokens,
                });
            }
        }
        attributes
    }
}

/// The attributes that change what readers get of the file at `path` (relative to
/// the repository root), with their values: `files` are the `.gitattributes` files
/// on its way as (folder, file), the root's first.
pub fn effective(files: &[(&str, &Attributes)], path: &str) -> BTreeMap<String, String> {
    let mut macros: Vec<(String, Vec<String>)> = vec![(
        "binary".into(),
        vec!["-diff".into(), "-merge".into(), "-text".into()],
    )];
    if let Some((_, root)) = files.iter().find(|(folder, _)| folder.is_empty()) {
        macros.extend(root.macros.iter().cloned());
    }
    let resolve = |target: &str, is_folder: bool, any_case: bool| {
        let mut states: BTreeMap<String, State> = BTreeMap::new();
        for (folder, file) in files {
            let Some(relative) = relative_to(folder, target) else {
                continue;
            };
            for line in &file.lines {
                let matches = line
                    .pattern
                    .as_ref()
                    .is_none_or(|pattern| pattern.matches(relative, is_folder, any_case));
                if matches {
                    for token in &line.tokens {
                        apply(&mut states, token, &macros, 0);
                    }
                }
            }
        }
        states
    };
    let reading = |any_case: bool| {
        let mut risky: BTreeMap<String, String> = resolve(path, false, any_case)
            .into_iter()
            .filter_map(|(name, state)| risky_state(&name, &state).map(|value| (name, value)))
            .collect();
        // `export-ignore` on a folder on the way drops the whole folder from archives.
        let folders = path
            .char_indices()
            .filter(|(_, c)| *c == '/')
            .map(|(at, _)| &path[..at]);
        for folder in folders {
            if resolve(folder, true, any_case).get("export-ignore") == Some(&State::Set) {
                risky.insert("export-ignore".into(), format!("set on {folder}/"));
            }
        }
        risky
    };
    // Clones that ignore case match the patterns so: what either reading gives counts.
    let mut risky = reading(false);
    for (name, value) in reading(true) {
        risky.entry(name).or_insert(value);
    }
    risky
}

/// `target` relative to `folder` (`""`: the root), when it is inside it.
fn relative_to<'a>(folder: &str, target: &'a str) -> Option<&'a str> {
    if folder.is_empty() {
        return Some(target);
    }
    target.strip_prefix(folder)?.strip_prefix('/')
}

/// Applies one token (and the macro it names) to the states.
fn apply(
    states: &mut BTreeMap<String, State>,
    token: &str,
    macros: &[(String, Vec<String>)],
    depth: usize,
) {
    let (name, state) = if let Some(name) = token.strip_prefix('-') {
        (name, State::Unset)
    } else if let Some(name) = token.strip_prefix('!') {
        (name, State::Unspecified)
    } else if let Some((name, value)) = token.split_once('=') {
        (name, State::Value(value.to_owned()))
    } else {
        (token, State::Set)
    };
    if state == State::Set
        && depth < 8
        // The last definition wins, and the root file's win over the built-in one.
        && let Some((_, settings)) = macros.iter().rfind(|(macro_name, _)| macro_name == name)
    {
        for setting in settings {
            apply(states, setting, macros, depth + 1);
        }
    }
    states.insert(name.to_owned(), state);
}

/// The value shown for an attribute state that changes what readers get.
fn risky_state(name: &str, state: &State) -> Option<String> {
    let harmless =
        HARMLESS.contains(&name) || name.starts_with("linguist-") || name.starts_with("gitlab-");
    if harmless {
        return None;
    }
    match state {
        State::Set => Some("set".into()),
        State::Value(value) if !ONLY_WHEN_SET.contains(&name) => Some(format!("={value}")),
        _ => None,
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
    let glob = |any_case: bool| {
        GlobBuilder::new(text)
            .literal_separator(true)
            .backslash_escape(true)
            .case_insensitive(any_case)
            .build()
            .ok()
            .map(|glob| glob.compile_matcher())
    };
    Some(Pattern {
        glob: glob(false)?,
        glob_any_case: glob(true)?,
        anchored,
        folders_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The risky attributes of `path` under files given as (folder, text).
    fn risky(files: &[(&str, &str)], path: &str) -> Vec<String> {
        let parsed: Vec<(&str, Attributes)> = files
            .iter()
            .map(|(folder, text)| (*folder, Attributes::parse(Some(text.as_bytes()))))
            .collect();
        let refs: Vec<(&str, &Attributes)> = parsed.iter().map(|(f, a)| (*f, a)).collect();
        effective(&refs, path)
            .into_iter()
            .map(|(name, value)| format!("{name} {value}"))
            .collect()
    }

    #[test]
    fn archive_and_checkout_rewrites_count_and_line_endings_do_not() {
        let root = "* text=auto eol=lf\n*.md linguist-documentation diff=markdown\ndocs/specs/A.md export-ignore\n/docs/specs/B.md export-subst filter=x\n";
        assert_eq!(
            risky(&[("", root)], "docs/specs/A.md"),
            ["export-ignore set"]
        );
        assert_eq!(
            risky(&[("", root)], "docs/specs/B.md"),
            ["export-subst set", "filter =x"]
        );
        assert!(risky(&[("", root)], "docs/specs/C.md").is_empty());
        assert!(risky(&[("", "A.md export-ignore=false\n")], "A.md").is_empty());
    }

    #[test]
    fn later_lines_and_deeper_files_win() {
        let masked = "docs/specs/A.md export-ignore\ndocs/specs/A.md -export-ignore\n";
        assert!(risky(&[("", masked)], "docs/specs/A.md").is_empty());
        let unmasked = "docs/specs/A.md export-ignore\n";
        assert_eq!(
            risky(&[("", unmasked)], "docs/specs/A.md"),
            ["export-ignore set"]
        );
        assert!(
            risky(
                &[("", unmasked), ("docs/specs", "A.md -export-ignore\n")],
                "docs/specs/A.md"
            )
            .is_empty()
        );
        assert_eq!(
            risky(
                &[
                    ("", "A.md -export-ignore\n"),
                    ("docs/specs", "A.md export-ignore\n")
                ],
                "docs/specs/A.md"
            ),
            ["export-ignore set"]
        );
    }

    #[test]
    fn folders_on_the_way_and_root_macros() {
        assert_eq!(
            risky(&[("", "docs/specs/ export-ignore\n")], "docs/specs/A.md"),
            ["export-ignore set on docs/specs/"]
        );
        assert_eq!(
            risky(&[("docs", "specs export-ignore\n")], "docs/specs/A.md"),
            ["export-ignore set on docs/specs/"]
        );
        assert!(
            risky(&[("", "A.md/ export-ignore\n")], "docs/specs/A.md").is_empty(),
            "folders only"
        );
        let redefined = [
            ("", "[attr]diff export-ignore\n"),
            ("docs/specs", "*.md diff\n"),
        ];
        assert_eq!(risky(&redefined, "docs/specs/A.md"), ["export-ignore set"]);
        let elsewhere = [
            ("", ""),
            ("docs/specs", "[attr]hide export-ignore\n*.md hide\n"),
        ];
        assert_eq!(
            risky(&elsewhere, "docs/specs/A.md"),
            ["hide set"],
            "a macro outside the root is unknown"
        );
        let unused = [(
            "",
            "[attr]lfs filter=lfs diff=lfs merge=lfs -text\n*.png lfs\n",
        )];
        assert!(risky(&unused, "docs/specs/A.md").is_empty());
    }

    #[test]
    fn the_last_macro_definition_wins_as_in_git() {
        let binary = [("", "[attr]binary export-ignore\ndocs/specs/A.md binary\n")];
        assert_eq!(
            risky(&binary, "docs/specs/A.md"),
            ["export-ignore set"],
            "the root file's definition wins over the built-in one"
        );
        let twice = [(
            "",
            "[attr]diff text\n[attr]diff export-ignore\ndocs/specs/A.md diff\n",
        )];
        assert_eq!(risky(&twice, "docs/specs/A.md"), ["export-ignore set"]);
        let undone = [(
            "",
            "[attr]hide export-ignore\n[attr]hide text\ndocs/specs/A.md hide\n",
        )];
        assert_eq!(risky(&undone, "docs/specs/A.md"), ["hide set"]);
    }

    #[test]
    fn patterns_count_with_case_ignored_too() {
        assert_eq!(
            risky(
                &[("", "docs/specs/alpha.MD export-ignore\n")],
                "docs/specs/Alpha.md"
            ),
            ["export-ignore set"]
        );
        assert_eq!(
            risky(&[("", "DOCS/ export-ignore\n")], "docs/specs/Alpha.md"),
            ["export-ignore set on docs/"]
        );
        let undone_in_one_case =
            "docs/specs/Alpha.md export-ignore\ndocs/specs/alpha.md -export-ignore\n";
        assert_eq!(
            risky(&[("", undone_in_one_case)], "docs/specs/Alpha.md"),
            ["export-ignore set"],
            "set where case counts: the case-ignoring reading cannot take it back"
        );
    }

    #[test]
    fn patterns_quotes_and_unreadable_files() {
        assert_eq!(
            risky(&[("", "specs/**/*.md ident\n")], "specs/deep/A.md"),
            ["ident set"]
        );
        assert!(risky(&[("", "specs/*.md ident\n")], "specs/deep/A.md").is_empty());
        assert_eq!(
            risky(&[("", "\"specs/A b.md\" ident\n")], "specs/A b.md"),
            ["ident set"]
        );
        assert_eq!(
            risky(&[("", "\"specs/\\101.md\" ident\n")], "specs/X.md"),
            ["ident set"],
            "an unread pattern matches all"
        );
        let parsed = Attributes::parse(None);
        assert_eq!(effective(&[("", &parsed)], "any.md").len(), 1);
    }
}
