//! The source tree as `lint` reads it: the repository's text files that git does not
//! ignore, outside the slice documents, for the few questions the SOP's prohibited
//! practices ask of code (is this module imported, is this flag read).
//!
//! Links are never followed; binary files, files over 1 MiB and the git folder are
//! skipped, and at most [`MOST_FILES`] files and 256 MiB are read.

use std::path::Path;

use crate::config::Config;

/// Largest file read.
const MOST_BYTES: u64 = 1 << 20;
/// Most files read.
pub const MOST_FILES: usize = 50_000;
/// Most bytes read in all.
const MOST_TOTAL: usize = 256 << 20;
/// Most entries of the tree visited.
const MOST_ENTRIES: usize = 200_000;
/// How much of a file is looked at to tell a binary one (it has a NUL byte).
const SNIFF: usize = 8192;

/// The bytes of a text file: its beginning first, and the rest only when that holds
/// no NUL byte. Every byte read counts towards `total`.
fn read_text_file(path: &Path, total: &mut usize) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(SNIFF as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    *total += bytes.len();
    if bytes.contains(&0) {
        return None;
    }
    let before = bytes.len();
    file.take(MOST_BYTES).read_to_end(&mut bytes).ok()?;
    *total += bytes.len() - before;
    Some(bytes)
}

/// One text file.
#[derive(Debug)]
struct SourceFile {
    /// Its path from the repository root, with `/`.
    path: String,
    text: String,
}

/// The text files of a work tree.
#[derive(Debug, Default)]
pub struct SourceTree {
    files: Vec<SourceFile>,
}

impl SourceTree {
    /// Reads the work tree at `root`, leaving out the slice documents, the CHANGELOG
    /// and the env file that `config` names.
    pub fn read(root: &Path, config: &Config) -> SourceTree {
        let paths = &config.paths;
        let documents = [
            paths.specs.as_str(),
            paths.blueprints.as_str(),
            paths.architecture.as_str(),
            paths.runbooks.as_str(),
        ];
        let skipped = [paths.changelog.as_str(), paths.env_file.as_str()];
        let walk = ignore::WalkBuilder::new(root)
            .hidden(false)
            .follow_links(false)
            .max_filesize(Some(MOST_BYTES))
            // Another checkout inside this one (a submodule, a linked worktree) is
            // another project's code.
            .filter_entry(|entry| {
                entry.file_name() != ".git"
                    && !(entry.depth() > 0
                        && entry.file_type().is_some_and(|kind| kind.is_dir())
                        && entry.path().join(".git").exists())
            })
            .build();
        let mut files = Vec::new();
        let mut total = 0;
        for (seen, entry) in walk.flatten().enumerate() {
            if seen == MOST_ENTRIES || files.len() == MOST_FILES || total > MOST_TOTAL {
                break;
            }
            if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                continue;
            }
            let Some(path) = entry
                .path()
                .strip_prefix(root)
                .ok()
                .and_then(Path::to_str)
                .map(|path| path.replace('\\', "/"))
            else {
                continue;
            };
            let inside = |folder: &str| path.starts_with(&format!("{folder}/"));
            if documents.iter().any(|folder| inside(folder)) || skipped.contains(&path.as_str()) {
                continue;
            }
            let Some(bytes) = read_text_file(entry.path(), &mut total) else {
                continue;
            };
            files.push(SourceFile {
                path,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        SourceTree { files }
    }

    /// A tree of the given files, for tests.
    pub fn of(files: &[(&str, &str)]) -> SourceTree {
        SourceTree {
            files: files
                .iter()
                .map(|(path, text)| SourceFile {
                    path: (*path).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect(),
        }
    }

    /// The text of the file at `path`, if it was read.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|file| file.path == path)
            .map(|file| file.text.as_str())
    }

    /// The files that hold `word` as a whole word (not inside a longer identifier),
    /// except those `skip` says to leave out.
    pub fn files_with(&self, word: &str, skip: &dyn Fn(&str) -> bool) -> Vec<&str> {
        self.files
            .iter()
            .filter(|file| !skip(&file.path) && holds_word(&file.text, word))
            .map(|file| file.path.as_str())
            .collect()
    }

    /// Every `FEATURE_*` name the files hold, with the first file holding it.
    pub fn flags(&self) -> Vec<(String, &str)> {
        let mut found: Vec<(String, &str)> = Vec::new();
        for file in &self.files {
            let text = &file.text;
            let mut from = 0;
            while let Some(at) = text[from..].find("FEATURE_") {
                let start = from + at;
                let end = text[start..]
                    .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .map_or(text.len(), |length| start + length);
                let before = text[..start].chars().next_back();
                let name = &text[start..end];
                if name.len() > "FEATURE_".len()
                    && !name.ends_with('_')
                    && !before.is_some_and(is_identifier)
                    && !found.iter().any(|(known, _)| known == name)
                {
                    found.push((name.to_owned(), file.path.as_str()));
                }
                from = end.max(start + 1);
            }
        }
        found
    }
}

fn is_identifier(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `text` holds `word` with no identifier character on either side.
fn holds_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_flags_are_found_whole() {
        let tree = SourceTree::of(&[
            (
                "app.py",
                "from core.health_monitor import HealthMonitor\nif env['FEATURE_JOBS']: pass\n",
            ),
            (
                "other.py",
                "health_monitor_v2 = 1\nX_FEATURE_NOT = 2\nprefix = 'FEATURE_'\n",
            ),
        ]);
        assert_eq!(tree.files_with("health_monitor", &|_| false), ["app.py"]);
        assert_eq!(
            tree.files_with("health_monitor", &|path| path == "app.py"),
            Vec::<&str>::new()
        );
        assert_eq!(tree.flags(), [("FEATURE_JOBS".to_owned(), "app.py")]);
    }

    #[test]
    fn binaries_nested_checkouts_and_the_slice_documents_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, bytes: &[u8]| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        write("src/app.py", b"flag = 'FEATURE_READ'\n");
        write("assets/logo.bin", b"\0\x01FEATURE_BINARY");
        write("vendor/lib/.git/HEAD", b"ref: refs/heads/main\n");
        write("vendor/lib/code.py", b"FEATURE_NESTED\n");
        write(
            "docs/specs/Lancelot_vNext2_Spec_X.md",
            b"FEATURE_DOCUMENTED\n",
        );
        let tree = SourceTree::read(dir.path(), &Config::default());
        assert_eq!(tree.flags(), [("FEATURE_READ".to_owned(), "src/app.py")]);
    }
}
