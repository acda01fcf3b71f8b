//! The one door to the file system. Every file lancelot reads or writes in a
//! repository (configuration, documents, CHANGELOG, env file, modules, templates,
//! version files) and in its git folder (receipts, the lock) or hooks folder goes
//! through a [`Root`]: a folder handle from which paths are resolved one component at
//! a time, never following a symbolic link, never into a git folder, reaching only
//! regular files, read with a size cap.
//!
//! So a repository someone else wrote cannot make lancelot read a file outside it
//! (a key behind a symlinked template), write outside it (a spec folder that is a
//! symlink), or write into `.git` (a CHANGELOG path of `.git/config`).

use std::fmt;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, File, OpenOptions};
use serde::{Deserialize, Deserializer, Serialize};

/// Largest configuration file or template read, in bytes.
pub const CONFIG_LIMIT: u64 = 1 << 20;
/// Largest document (spec, CHANGELOG, env file, version file) read, in bytes.
pub const TEXT_LIMIT: u64 = 32 << 20;
/// Most bytes one command reads through one [`Root`], all files together: a
/// repository of many large documents cannot make a command hold gigabytes.
pub const READ_BUDGET: u64 = 1 << 30;

/// A path relative to the repository root, using `/`, that cannot leave the
/// repository and names nothing inside a git folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RelPath(String);

impl RelPath {
    /// Validates a repository-relative path: not empty, not absolute, no `..`, no
    /// backslashes or control characters, no component git reserves for its own
    /// folder (`.git` in any spelling git itself refuses). A trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<RelPath, String> {
        let trimmed = text.trim_end_matches('/');
        if trimmed.is_empty() {
            return Err("the path is empty".into());
        }
        if trimmed
            .chars()
            .any(|c| crate::ui::is_unsafe(c) || c == '\\')
        {
            return Err(format!(
                "`{}` contains a backslash, a control character or an invisible formatting character",
                crate::ui::safe(text)
            ));
        }
        if trimmed.starts_with('/') || Path::new(trimmed).is_absolute() {
            return Err(format!(
                "`{text}` is absolute; give a path relative to the repository root"
            ));
        }
        let mut parts = Vec::new();
        for component in Path::new(trimmed).components() {
            match component {
                Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
                Component::CurDir => {}
                _ => {
                    return Err(format!(
                        "`{text}` leaves the repository (`..` is not allowed)"
                    ));
                }
            }
        }
        if parts.is_empty() {
            return Err(format!("`{text}` names the repository root itself"));
        }
        if let Some(part) = parts.iter().find(|part| is_git_folder_name(part)) {
            return Err(format!(
                "`{text}` is inside a git folder (`{part}`); lancelot never writes there"
            ));
        }
        Ok(RelPath(parts.join("/")))
    }

    /// `lancelot.toml` at the repository root.
    pub fn config_file() -> RelPath {
        RelPath::from_static(crate::config::CONFIG_FILE)
    }

    /// A path lancelot itself spells (a default, a hook name): valid by construction.
    pub(crate) fn from_static(text: &'static str) -> RelPath {
        debug_assert!(RelPath::parse(text).is_ok_and(|parsed| parsed.0 == text));
        RelPath(text.to_owned())
    }

    /// The path as text, with `/` separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This path followed by `name` (one component, already valid).
    pub fn join(&self, name: &str) -> RelPath {
        RelPath(format!("{}/{}", self.0, name))
    }

    /// The folder holding this path, if it is not at the root.
    pub fn parent(&self) -> Option<RelPath> {
        self.0
            .rsplit_once('/')
            .map(|(parent, _)| RelPath(parent.to_owned()))
    }

    /// The last component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The components, outermost first.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// Whether `self` is `other` or inside it.
    pub fn starts_with(&self, other: &RelPath) -> bool {
        self.0 == other.0
            || self
                .0
                .strip_prefix(&other.0)
                .is_some_and(|rest| rest.starts_with('/'))
    }

    /// The relative link from the file `from` to this path, as written in Markdown
    /// (spaces are percent-encoded).
    pub fn link_from(&self, from: &RelPath) -> String {
        let base = from
            .parent()
            .map(|parent| PathBuf::from(parent.0))
            .unwrap_or_default();
        let relative =
            pathdiff::diff_paths(&self.0, base).unwrap_or_else(|| PathBuf::from(&self.0));
        relative.to_string_lossy().replace(' ', "%20")
    }

    /// The path on disk under `root`, for messages and for git (which takes paths
    /// relative to the work tree). Never opened directly: files go through [`Root`].
    pub fn under(&self, root: &Path) -> PathBuf {
        root.join(&self.0)
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl schemars::JsonSchema for RelPath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RelPath".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a path inside the repository, relative to its root, with no `..`"
        })
    }
}

impl<'de> Deserialize<'de> for RelPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RelPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Whether git treats a path component as its own folder: `.git` in any case, with
/// trailing dots or spaces or an NTFS stream suffix (`.git::$INDEX_ALLOCATION`), its
/// 8.3 short name `git~1`, or with the characters HFS+ ignores inside it. Git refuses
/// to check such paths out; lancelot refuses to touch them.
pub fn is_git_folder_name(part: &str) -> bool {
    // Every spelling starts with `.` or `g` once ignorable characters are gone.
    if part.is_ascii() && !matches!(part.as_bytes().first(), Some(b'.' | b'g' | b'G')) {
        return false;
    }
    let visible: String = part.chars().filter(|c| !is_hfs_ignorable(*c)).collect();
    let lower = visible.to_ascii_lowercase();
    let base = lower.split(':').next().unwrap_or_default();
    let base = base.trim_end_matches(['.', ' ']);
    base == ".git" || base == "git~1"
}

/// The code points HFS+ drops when comparing names (as git's `is_hfs_dotgit` lists).
fn is_hfs_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}'
    )
}

/// Why a file could not be reached, read or written.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// A component of the path is a symbolic link.
    #[error("{path} is a symbolic link{}: lancelot never follows links inside a repository, so a repository cannot make it read or write elsewhere", target.as_deref().map(|t| format!(" (to {})", crate::ui::safe(t))).unwrap_or_default())]
    Symlink {
        /// The link itself.
        path: String,
        /// What it points to, as written in the link.
        target: Option<String>,
    },
    /// The path is inside a git folder.
    #[error("{path} is inside the git folder; lancelot never writes there")]
    GitFolder {
        /// The path that reaches into the git folder.
        path: String,
    },
    /// Something other than a regular file is where a file is expected.
    #[error("{path} is not a regular file")]
    NotAFile {
        /// The path where a file was expected.
        path: String,
    },
    /// Something other than a folder is where a folder is expected.
    #[error("{path} is not a folder")]
    NotAFolder {
        /// The path where a folder was expected.
        path: String,
    },
    /// The file is larger than lancelot reads.
    #[error("{path} is larger than {limit} bytes, more than lancelot reads")]
    TooLarge {
        /// The file that is too large.
        path: String,
        /// The most bytes lancelot reads of it.
        limit: u64,
    },
    /// The files read add up to more than [`READ_BUDGET`].
    #[error("the files lancelot read here add up to more than {} MiB", limit >> 20)]
    Budget {
        /// The budget.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{path} is not UTF-8 text")]
    NotText {
        /// The file that holds bytes other than UTF-8.
        path: String,
    },
    /// The operating system refused.
    #[error("cannot {action} {path}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path the operation was on.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl FsError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            FsError::Symlink { .. } => Some(
                "replace the link with the file or folder itself, or point lancelot.toml at the real path (`lancelot guide security`)".into(),
            ),
            FsError::GitFolder { .. } => {
                Some("point lancelot.toml at a path in the work tree".into())
            }
            FsError::NotAFile { .. } | FsError::NotAFolder { .. } => {
                Some("move what is there out of the way".into())
            }
            FsError::TooLarge { .. } => {
                Some("a file this large is not one lancelot manages; check the path".into())
            }
            FsError::NotText { .. } => Some("save the file as UTF-8".into()),
            FsError::Budget { .. } => Some(
                "a repository with this much to read is not one lancelot manages; check the configured paths".into(),
            ),
            FsError::Io { .. } => None,
        }
    }

    /// The I/O error underneath, when there is one.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            FsError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// Nothing (or a folder on the way is missing).
    Missing,
    /// A regular file.
    File,
    /// A folder.
    Folder,
}

/// What a folder entry is, links not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// A symbolic link.
    Symlink,
    /// Anything else (a socket, a device, a pipe).
    Other,
}

/// An entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name (entries whose names are not UTF-8 are not listed).
    pub name: String,
    /// What it is.
    pub kind: EntryKind,
}

/// A folder from which paths are resolved without ever leaving it.
#[derive(Debug)]
pub struct Root {
    dir: Dir,
    path: PathBuf,
    /// Paths in messages are shown relative (the work tree) or joined to `path`.
    relative_display: bool,
    /// Folders inside the root that are a git folder under another name.
    forbidden: Vec<RelPath>,
    /// Bytes read so far, against [`READ_BUDGET`].
    read: std::cell::Cell<u64>,
}

/// The temporary files of one process get distinct names.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Root {
    /// Opens a repository's work tree; `git_dir` is refused inside it whatever its name.
    pub fn work_tree(path: &Path, git_dir: &Path) -> Result<Root, FsError> {
        let mut root = Root::open(path, true)?;
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        if let Ok(inside) = canonical(git_dir).strip_prefix(canonical(path))
            && let Some(rel) = inside.to_str().and_then(|text| RelPath::parse(text).ok())
        {
            root.forbidden.push(rel);
        }
        Ok(root)
    }

    /// Opens a folder lancelot owns files in (a git folder, a hooks folder); paths in
    /// messages are shown in full.
    pub fn folder(path: &Path) -> Result<Root, FsError> {
        Root::open(path, false)
    }

    fn open(path: &Path, relative_display: bool) -> Result<Root, FsError> {
        let dir = Dir::open_ambient_dir(path, cap_std::ambient_authority()).map_err(|source| {
            FsError::Io {
                action: "open the folder",
                path: path.display().to_string(),
                source,
            }
        })?;
        Ok(Root {
            dir,
            path: path.to_path_buf(),
            relative_display,
            forbidden: Vec::new(),
            read: std::cell::Cell::new(0),
        })
    }

    /// The folder on disk.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How `rel` is named in messages.
    pub fn show(&self, rel: &str) -> String {
        let shown = if self.relative_display {
            rel.to_owned()
        } else {
            self.path.join(rel).display().to_string()
        };
        crate::ui::safe(&shown).to_string()
    }

    fn io(&self, action: &'static str, rel: &str) -> impl FnOnce(std::io::Error) -> FsError {
        let path = self.show(rel);
        move |source| FsError::Io {
            action,
            path,
            source,
        }
    }

    /// Refuses paths inside a git folder, in any spelling.
    fn check_allowed(&self, rel: &RelPath) -> Result<(), FsError> {
        let in_git = rel.components().any(is_git_folder_name)
            || self.forbidden.iter().any(|folder| rel.starts_with(folder));
        if in_git {
            return Err(FsError::GitFolder {
                path: self.show(rel.as_str()),
            });
        }
        Ok(())
    }

    /// The folder holding `rel` and `rel`'s last component, opened one component at a
    /// time without following links; `None` when a folder on the way is missing.
    fn parent_of<'p>(&self, rel: &'p RelPath) -> Result<Option<(Dir, &'p str)>, FsError> {
        self.check_allowed(rel)?;
        let text = rel.as_str();
        let (folders, name) = match text.rsplit_once('/') {
            Some((folders, name)) => (Some(folders), name),
            None => (None, text),
        };
        let mut dir = self.dir.try_clone().map_err(self.io("open", ""))?;
        let mut walked = 0;
        for part in folders.into_iter().flat_map(|folders| folders.split('/')) {
            walked += part.len() + usize::from(walked > 0);
            let so_far = &text[..walked];
            match dir.open_dir_nofollow(part) {
                Ok(next) => dir = next,
                Err(error) => {
                    return self
                        .explain_folder(&dir, part, so_far, error)
                        .map(|()| None);
                }
            }
        }
        Ok(Some((dir, name)))
    }

    /// Why a folder on the way could not be opened: missing (`Ok`), a link, not a
    /// folder, or an I/O error.
    fn explain_folder(
        &self,
        dir: &Dir,
        part: &str,
        so_far: &str,
        error: std::io::Error,
    ) -> Result<(), FsError> {
        match dir.symlink_metadata(part) {
            Err(missing) if missing.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Ok(meta) if meta.file_type().is_symlink() => Err(self.symlink(dir, part, so_far)),
            Ok(meta) if !meta.is_dir() => Err(FsError::NotAFolder {
                path: self.show(so_far),
            }),
            _ => Err(self.io("open the folder", so_far)(error)),
        }
    }

    fn symlink(&self, dir: &Dir, name: &str, rel: &str) -> FsError {
        FsError::Symlink {
            path: self.show(rel),
            target: dir
                .read_link_contents(name)
                .ok()
                .map(|target| target.display().to_string()),
        }
    }

    /// What is at `rel`; a symbolic link (anywhere on the path) or a special file is an
    /// error.
    pub fn node(&self, rel: &RelPath) -> Result<Node, FsError> {
        let Some((dir, name)) = self.parent_of(rel)? else {
            return Ok(Node::Missing);
        };
        self.node_in(&dir, name, rel.as_str())
    }

    fn node_in(&self, dir: &Dir, name: &str, rel: &str) -> Result<Node, FsError> {
        match dir.symlink_metadata(name) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Node::Missing),
            Err(error) => Err(self.io("inspect", rel)(error)),
            Ok(meta) if meta.file_type().is_symlink() => Err(self.symlink(dir, name, rel)),
            Ok(meta) if meta.is_file() => Ok(Node::File),
            Ok(meta) if meta.is_dir() => Ok(Node::Folder),
            Ok(_) => Err(FsError::NotAFile {
                path: self.show(rel),
            }),
        }
    }

    /// Whether a file or folder is at `rel` (links and special files are errors).
    pub fn exists(&self, rel: &RelPath) -> Result<bool, FsError> {
        Ok(self.node(rel)? != Node::Missing)
    }

    /// Reads the file at `rel`, at most `limit` bytes; `None` when it does not exist.
    pub fn read(&self, rel: &RelPath, limit: u64) -> Result<Option<Vec<u8>>, FsError> {
        match self.open_file(rel)? {
            Some(file) => self.read_capped(file, rel.as_str(), limit).map(Some),
            None => Ok(None),
        }
    }

    /// Opens the regular file at `rel` for reading, links not followed; `None` when it
    /// does not exist.
    fn open_file(&self, rel: &RelPath) -> Result<Option<File>, FsError> {
        let Some((dir, name)) = self.parent_of(rel)? else {
            return Ok(None);
        };
        match self.node_in(&dir, name, rel.as_str())? {
            Node::Missing => return Ok(None),
            Node::Folder => {
                return Err(FsError::NotAFile {
                    path: self.show(rel.as_str()),
                });
            }
            Node::File => {}
        }
        let mut options = OpenOptions::new();
        options.read(true).follow(FollowSymlinks::No);
        dir.open_with(name, &options)
            .map(Some)
            .map_err(self.io("read", rel.as_str()))
    }

    fn read_capped(&self, file: File, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        let is_file = file.metadata().map_err(self.io("read", rel))?.is_file();
        if !is_file {
            return Err(FsError::NotAFile {
                path: self.show(rel),
            });
        }
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(self.io("read", rel))?;
        if bytes.len() as u64 > limit {
            return Err(FsError::TooLarge {
                path: self.show(rel),
                limit,
            });
        }
        let read = self.read.get() + bytes.len() as u64;
        if read > READ_BUDGET {
            return Err(FsError::Budget { limit: READ_BUDGET });
        }
        self.read.set(read);
        Ok(bytes)
    }

    /// Reads the UTF-8 text file at `rel`, at most `limit` bytes; `None` when missing.
    pub fn read_text(&self, rel: &RelPath, limit: u64) -> Result<Option<String>, FsError> {
        self.read(rel, limit)?
            .map(|bytes| {
                String::from_utf8(bytes).map_err(|_| FsError::NotText {
                    path: self.show(rel.as_str()),
                })
            })
            .transpose()
    }

    /// The entries of the folder at `rel` (`None`: the root itself), sorted by name;
    /// `None` when the folder does not exist.
    pub fn list(&self, rel: Option<&RelPath>) -> Result<Option<Vec<Entry>>, FsError> {
        let (dir, shown) = match rel {
            None => (self.dir.try_clone().map_err(self.io("open", ""))?, ""),
            Some(rel) => {
                let Some((parent, name)) = self.parent_of(rel)? else {
                    return Ok(None);
                };
                match self.node_in(&parent, name, rel.as_str())? {
                    Node::Missing => return Ok(None),
                    Node::File => {
                        return Err(FsError::NotAFolder {
                            path: self.show(rel.as_str()),
                        });
                    }
                    Node::Folder => {}
                }
                let dir = parent
                    .open_dir_nofollow(name)
                    .map_err(self.io("open the folder", rel.as_str()))?;
                (dir, rel.as_str())
            }
        };
        let mut entries = Vec::new();
        for entry in dir.entries().map_err(self.io("list", shown))? {
            let entry = entry.map_err(self.io("list", shown))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let file_type = entry.file_type().map_err(self.io("list", shown))?;
            let kind = if file_type.is_symlink() {
                EntryKind::Symlink
            } else if file_type.is_file() {
                EntryKind::File
            } else if file_type.is_dir() {
                EntryKind::Folder
            } else {
                EntryKind::Other
            };
            entries.push(Entry { name, kind });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(entries))
    }

    /// The folder holding `rel`, which must exist.
    fn existing_parent<'p>(&self, rel: &'p RelPath) -> Result<(Dir, &'p str), FsError> {
        self.parent_of(rel)?.ok_or_else(|| FsError::Io {
            action: "write",
            path: self.show(rel.as_str()),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "its folder does not exist"),
        })
    }

    /// Creates the folder `rel`, whose parent must exist.
    pub fn create_dir(&self, rel: &RelPath) -> Result<(), FsError> {
        let (dir, name) = self.existing_parent(rel)?;
        dir.create_dir(name)
            .map_err(self.io("create the folder", rel.as_str()))
    }

    /// Creates every missing folder of `rel`; returns those created, outermost first.
    pub fn create_dirs(&self, rel: &RelPath) -> Result<Vec<RelPath>, FsError> {
        let mut created = Vec::new();
        let mut prefix: Option<RelPath> = None;
        for part in rel.components() {
            let next = match &prefix {
                Some(prefix) => prefix.join(part),
                None => RelPath(part.to_owned()),
            };
            match self.node(&next)? {
                Node::Folder => {}
                Node::Missing => match self.create_dir(&next) {
                    Ok(()) => created.push(next.clone()),
                    // Another process made it meanwhile: fine, if it is a folder.
                    Err(error) if error.io_kind() == Some(std::io::ErrorKind::AlreadyExists) => {
                        if self.node(&next)? != Node::Folder {
                            return Err(error);
                        }
                    }
                    Err(error) => return Err(error),
                },
                Node::File => {
                    return Err(FsError::NotAFolder {
                        path: self.show(next.as_str()),
                    });
                }
            }
            prefix = Some(next);
        }
        Ok(created)
    }

    /// Writes a new file via a temporary file beside it; fails if anything appeared at
    /// `rel`. The file gets the mode any new file of the user gets (0666, or 0777 for
    /// a program, less the umask).
    pub fn write_new(
        &self,
        rel: &RelPath,
        contents: &[u8],
        executable: bool,
    ) -> Result<(), FsError> {
        let (dir, name) = self.existing_parent(rel)?;
        let mode = if executable { 0o777 } else { 0o666 };
        let (temp, file) = self.temp_file(&dir, rel, mode)?;
        let linked =
            write_all_synced(file, contents).and_then(|()| dir.hard_link(&temp, &dir, name));
        let _ = dir.remove_file(&temp);
        match linked {
            Ok(()) => Ok(()),
            // A file system without hard links: create the file itself, still refusing
            // to replace anything (the reader may see it half-written, once).
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::Unsupported | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                let mut options = OpenOptions::new();
                options
                    .write(true)
                    .create_new(true)
                    .follow(FollowSymlinks::No);
                dir.open_with(name, &options)
                    .and_then(|file| write_all_synced(file, contents))
                    .map_err(self.io("create", rel.as_str()))
            }
            Err(error) => Err(self.io("create", rel.as_str())(error)),
        }
    }

    /// Replaces the regular file at `rel` via a temporary file renamed over it, keeping
    /// its mode (adding execute bits where read bits are set when `executable`).
    pub fn replace(&self, rel: &RelPath, contents: &[u8], executable: bool) -> Result<(), FsError> {
        let (dir, name) = self.existing_parent(rel)?;
        if self.node_in(&dir, name, rel.as_str())? != Node::File {
            return Err(FsError::NotAFile {
                path: self.show(rel.as_str()),
            });
        }
        let meta = dir
            .symlink_metadata(name)
            .map_err(self.io("update", rel.as_str()))?;
        let (temp, file) = self.temp_file(&dir, rel, 0o600)?;
        let written = set_mode(&file, &meta, executable)
            .and_then(|()| write_all_synced(file, contents))
            .and_then(|()| dir.rename(&temp, &dir, name));
        if written.is_err() {
            let _ = dir.remove_file(&temp);
        }
        written.map_err(self.io("update", rel.as_str()))
    }

    /// A new temporary file in `dir`, next to `rel`.
    fn temp_file(&self, dir: &Dir, rel: &RelPath, mode: u32) -> Result<(String, File), FsError> {
        let mut options = OpenOptions::new();
        options
            .write(true)
            .create_new(true)
            .follow(FollowSymlinks::No);
        #[cfg(unix)]
        {
            use cap_std::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        loop {
            let name = format!(
                ".lancelot-{}-{}.tmp",
                std::process::id(),
                TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            match dir.open_with(&name, &options) {
                Ok(file) => return Ok((name, file)),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(self.io("write", rel.as_str())(error)),
            }
        }
    }

    /// Removes the regular file at `rel`.
    pub fn remove_file(&self, rel: &RelPath) -> Result<(), FsError> {
        let (dir, name) = self.existing_parent(rel)?;
        if self.node_in(&dir, name, rel.as_str())? != Node::File {
            return Err(FsError::NotAFile {
                path: self.show(rel.as_str()),
            });
        }
        dir.remove_file(name)
            .map_err(self.io("remove", rel.as_str()))
    }

    /// Removes the empty folder at `rel`.
    pub fn remove_dir(&self, rel: &RelPath) -> Result<(), FsError> {
        let (dir, name) = self.existing_parent(rel)?;
        if self.node_in(&dir, name, rel.as_str())? != Node::Folder {
            return Err(FsError::NotAFolder {
                path: self.show(rel.as_str()),
            });
        }
        dir.remove_dir(name)
            .map_err(self.io("remove the folder", rel.as_str()))
    }

    /// Opens the regular file at `rel` for reading, as a standard file to stream;
    /// `None` when it does not exist.
    pub fn open_read(&self, rel: &RelPath) -> Result<Option<std::fs::File>, FsError> {
        Ok(self.open_file(rel)?.map(File::into_std))
    }

    /// Opens (creating it and its folders when needed) the regular file at `rel` for
    /// appending, as a standard file so it can be locked.
    pub fn open_append(&self, rel: &RelPath) -> Result<std::fs::File, FsError> {
        if let Some(parent) = rel.parent() {
            self.create_dirs(&parent)?;
        }
        let (dir, name) = self.existing_parent(rel)?;
        if self.node_in(&dir, name, rel.as_str())? == Node::Folder {
            return Err(FsError::NotAFile {
                path: self.show(rel.as_str()),
            });
        }
        let mut options = OpenOptions::new();
        options
            .append(true)
            .read(true)
            .create(true)
            .follow(FollowSymlinks::No);
        let file = dir
            .open_with(name, &options)
            .map_err(self.io("open", rel.as_str()))?;
        let file = file.into_std();
        let is_file = file
            .metadata()
            .map_err(self.io("open", rel.as_str()))?
            .is_file();
        if !is_file {
            return Err(FsError::NotAFile {
                path: self.show(rel.as_str()),
            });
        }
        Ok(file)
    }
}

fn write_all_synced(mut file: File, contents: &[u8]) -> std::io::Result<()> {
    let (first, rest) = contents.split_at(contents.len() / 2);
    file.write_all(first)?;
    crate::fault::at_write()?;
    file.write_all(rest)?;
    file.sync_all()
}

#[cfg(unix)]
fn set_mode(file: &File, meta: &cap_std::fs::Metadata, executable: bool) -> std::io::Result<()> {
    use cap_std::fs::PermissionsExt;
    let mut mode = meta.permissions().mode() & 0o7777;
    if executable {
        mode |= (mode & 0o444) >> 2;
    }
    file.set_permissions(cap_std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: &cap_std::fs::Metadata, _: bool) -> std::io::Result<()> {
    Ok(())
}

/// Reads a file the user named explicitly (`--config`, the server's
/// `lancelot.config`): links are followed, as the user chose the path, but it must
/// be a regular file and is read with a size cap.
pub fn read_named_file(path: &Path, limit: u64) -> Result<String, FsError> {
    let shown = || crate::ui::safe(&path.display().to_string()).to_string();
    let io = |action, source| FsError::Io {
        action,
        path: shown(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|source| io("read", source))?;
    if !meta.is_file() {
        return Err(FsError::NotAFile { path: shown() });
    }
    let file = std::fs::File::open(path).map_err(|source| io("read", source))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| io("read", source))?;
    if bytes.len() as u64 > limit {
        return Err(FsError::TooLarge {
            path: shown(),
            limit,
        });
    }
    String::from_utf8(bytes).map_err(|_| FsError::NotText { path: shown() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(text: &str) -> RelPath {
        RelPath::parse(text).unwrap()
    }

    fn root() -> (tempfile::TempDir, Root) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tree")).unwrap();
        let root =
            Root::work_tree(&dir.path().join("tree"), &dir.path().join("tree/.git")).unwrap();
        (dir, root)
    }

    #[test]
    fn paths_may_not_leave_the_repository() {
        for bad in [
            "../x",
            "/etc",
            "a/../../b",
            "",
            "a\\b",
            "a\nb",
            "docs/\u{202e}dm.exe",
        ] {
            assert!(RelPath::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(RelPath::parse("./a//b/").unwrap().as_str(), "a/b");
    }

    #[test]
    fn every_spelling_of_the_git_folder_is_refused() {
        for bad in [
            ".git/config",
            ".GIT/config",
            "a/.Git/hooks/pre-commit",
            ".git./config",
            ".git . ./x",
            "git~1/config",
            "GIT~1",
            ".git::$INDEX_ALLOCATION/config",
            ".g\u{200c}it/config",
            "\u{feff}.git",
        ] {
            assert!(RelPath::parse(bad).is_err(), "{bad:?} accepted");
        }
        for good in [
            ".github/workflows/ci.yml",
            ".gitignore",
            "git/x",
            ".gitkeep",
            "a.git",
        ] {
            assert!(RelPath::parse(good).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn reads_and_writes_stay_inside_and_refuse_links() {
        let (dir, root) = root();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "key").unwrap();
        std::os::unix::fs::symlink(&outside, root.path().join("docs")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), root.path().join("file")).unwrap();

        let error = root.read(&rel("docs/secret"), 100).unwrap_err();
        assert!(
            matches!(&error, FsError::Symlink { path, .. } if path == "docs"),
            "{error}"
        );
        assert!(error.to_string().contains("outside"), "{error}");
        assert!(matches!(
            root.read(&rel("file"), 100),
            Err(FsError::Symlink { .. })
        ));
        assert!(matches!(
            root.write_new(&rel("docs/new"), b"x", false),
            Err(FsError::Symlink { .. })
        ));
        assert!(matches!(
            root.create_dirs(&rel("docs/a/b")),
            Err(FsError::Symlink { .. })
        ));
        assert!(matches!(
            root.replace(&rel("file"), b"x", false),
            Err(FsError::Symlink { .. })
        ));
        assert!(matches!(
            root.list(Some(&rel("docs"))),
            Err(FsError::Symlink { .. })
        ));
        assert_eq!(
            std::fs::read_to_string(outside.join("secret")).unwrap(),
            "key"
        );
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
    }

    #[test]
    fn files_are_created_replaced_and_capped() {
        let (_dir, root) = root();
        assert_eq!(
            root.create_dirs(&rel("a/b")).unwrap(),
            [rel("a"), rel("a/b")]
        );
        root.write_new(&rel("a/b/f"), b"one", false).unwrap();
        assert!(root.write_new(&rel("a/b/f"), b"two", false).is_err());
        root.replace(&rel("a/b/f"), b"three", false).unwrap();
        assert_eq!(root.read_text(&rel("a/b/f"), 10).unwrap().unwrap(), "three");
        assert!(matches!(
            root.read(&rel("a/b/f"), 4),
            Err(FsError::TooLarge { .. })
        ));
        assert_eq!(root.read(&rel("a/missing/f"), 4).unwrap(), None);
        assert_eq!(root.node(&rel("a/b")).unwrap(), Node::Folder);
        let names: Vec<_> = root
            .list(Some(&rel("a/b")))
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["f"], "no temporary file is left behind");
    }

    #[test]
    fn a_git_folder_under_another_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("meta")).unwrap();
        let root = Root::work_tree(dir.path(), &dir.path().join("meta")).unwrap();
        assert!(matches!(
            root.read(&rel("meta/config"), 100),
            Err(FsError::GitFolder { .. })
        ));
        assert!(root.read(&rel("metadata"), 100).unwrap().is_none());
    }

    #[test]
    fn special_files_are_not_read() {
        let (_dir, root) = root();
        let status = std::process::Command::new("mkfifo")
            .arg(root.path().join("pipe"))
            .status();
        if status.is_ok_and(|s| s.success()) {
            assert!(matches!(
                root.read(&rel("pipe"), 10),
                Err(FsError::NotAFile { .. })
            ));
        }
    }
}
