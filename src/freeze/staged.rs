//! The two sides `check --staged` compares, read without building a tree of the
//! whole index: for each folder that can hold frozen paths, HEAD's tree there and a
//! tree of the index entries under it, each side keeping of the rest only the
//! `.gitattributes` files on the way to those folders. The index file is read by
//! [`super::index`], which keeps only those entries; the walk then compares exactly
//! what the freeze reads, at a cost that grows with the entries under the frozen
//! folders, not with the repository. The trees are written to memory: the check
//! leaves no object behind.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{Index, ObjectType, Oid, Repository, Tree};

use super::index::{self, IndexError};
use super::{ancestors, join};

/// Why the two sides could not be read.
#[derive(Debug)]
pub(super) enum SidesError {
    /// An entry has a merge stage.
    Conflicts,
    /// The index file or an object could not be read or written.
    Git(git2::Error),
}

impl From<git2::Error> for SidesError {
    fn from(error: git2::Error) -> Self {
        SidesError::Git(error)
    }
}

/// A folder of a pruned tree: its entries by name.
#[derive(Default)]
struct Folder {
    entries: BTreeMap<Vec<u8>, Slot>,
}

/// An entry of a pruned tree: an object as it is, or a folder built here.
enum Slot {
    Object(Oid, i32),
    Folder(Folder),
}

impl Folder {
    /// Puts `object` at `path` (`a/b/c`), making the folders on the way.
    fn put(&mut self, path: &[u8], object: (Oid, i32)) {
        let mut folder = self;
        let mut parts = path.split(|&byte| byte == b'/').peekable();
        while let Some(name) = parts.next() {
            let name = name.to_vec();
            if parts.peek().is_none() {
                folder
                    .entries
                    .insert(name, Slot::Object(object.0, object.1));
                return;
            }
            let slot = folder
                .entries
                .entry(name)
                .or_insert_with(|| Slot::Folder(Folder::default()));
            folder = match slot {
                Slot::Folder(inner) => inner,
                // An object already where a folder would go: the path is not there.
                Slot::Object(..) => return,
            };
        }
    }

    /// Writes the folder as a tree; `None` when it holds nothing.
    fn write(&self, repo: &Repository) -> Result<Option<Oid>, git2::Error> {
        let mut builder = repo.treebuilder(None)?;
        for (name, slot) in &self.entries {
            match slot {
                Slot::Object(id, mode) => {
                    builder.insert(name, *id, *mode)?;
                }
                Slot::Folder(folder) => {
                    if let Some(id) = folder.write(repo)? {
                        builder.insert(name, id, 0o040000)?;
                    }
                }
            }
        }
        if builder.is_empty() {
            return Ok(None);
        }
        builder.write().map(Some)
    }
}

/// What `check --staged` reads of the index: every entry when a glob starts at the
/// top, else the entries at and under each frozen folder and the `.gitattributes`
/// files on the way to them.
struct Wanted {
    everything: bool,
    exact: Vec<Vec<u8>>,
    under: Vec<Vec<u8>>,
}

impl Wanted {
    fn new(folders: &[String]) -> Wanted {
        let mut exact = Vec::new();
        for folder in folders {
            exact.push(folder.as_bytes().to_vec());
            exact.extend(ancestors(folder).map(|above| join(above, ".gitattributes").into_bytes()));
        }
        Wanted {
            everything: folders.iter().any(String::is_empty),
            exact,
            under: folders
                .iter()
                .map(|folder| format!("{folder}/").into_bytes())
                .collect(),
        }
    }

    fn keeps(&self, path: &[u8]) -> bool {
        self.everything
            || self.exact.iter().any(|exact| exact == path)
            || self.under.iter().any(|under| path.starts_with(under))
            // A folder of a sparse index holding a frozen folder.
            || path.ends_with(b"/") && self.under.iter().any(|under| under.starts_with(path))
    }

    /// The frozen folders and `.gitattributes` files inside the folder `above/`
    /// (ending in `/`).
    fn inside<'a>(&'a self, above: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.exact
            .iter()
            .map(Vec::as_slice)
            .filter(move |path| path.starts_with(above))
    }
}

/// HEAD's side and the index's side (tree ids) for `folders` (none inside another;
/// `""` is the whole tree), the index read from `index_file`.
pub(super) fn sides(
    repo: &Repository,
    head: &Tree<'_>,
    index_file: &Path,
    folders: &[String],
) -> Result<(Oid, Oid), SidesError> {
    let wanted = Wanted::new(folders);
    let (mut old, mut new) = (Folder::default(), Folder::default());
    for entry in staged_entries(repo, index_file, &wanted)? {
        match entry.path.strip_suffix(b"/") {
            // A folder of a sparse index: whole when it is (or is in) a frozen
            // folder; else it holds some, taken from its tree.
            Some(folder)
                if wanted.everything
                    || wanted
                        .under
                        .iter()
                        .any(|under| entry.path.starts_with(under)) =>
            {
                new.put(folder, (entry.id, 0o040000));
            }
            Some(_) => {
                let tree = repo.find_tree(entry.id)?;
                for path in wanted.inside(&entry.path) {
                    // Wanted paths come from the configuration: UTF-8.
                    let Ok(relative) = std::str::from_utf8(&path[entry.path.len()..]) else {
                        continue;
                    };
                    if let Ok(inner) = tree.get_path(Path::new(relative)) {
                        new.put(path, (inner.id(), inner.filemode_raw()));
                    }
                }
            }
            None => new.put(&entry.path, (entry.id, mode(entry.mode))),
        }
    }
    for folder in folders.iter().filter(|_| !wanted.everything) {
        for above in ancestors(folder) {
            let attributes = join(above, ".gitattributes");
            if let Ok(entry) = head.get_path(Path::new(&attributes))
                && entry.kind() == Some(ObjectType::Blob)
            {
                old.put(attributes.as_bytes(), (entry.id(), entry.filemode_raw()));
            }
        }
        if let Ok(entry) = head.get_path(Path::new(folder)) {
            old.put(folder.as_bytes(), (entry.id(), entry.filemode_raw()));
        }
    }
    // Every object written from here on stays in memory.
    repo.odb()?.add_new_mempack_backend(1000)?;
    let empty = || repo.treebuilder(None).and_then(|builder| builder.write());
    let old = if wanted.everything {
        head.id()
    } else {
        match old.write(repo)? {
            Some(id) => id,
            None => empty()?,
        }
    };
    let new = match new.write(repo)? {
        Some(id) => id,
        None => empty()?,
    };
    Ok((old, new))
}

/// The staged entries `wanted` keeps, read by [`index::read`], or by libgit2 when
/// that reader leaves the file to it (a split or sparse index).
fn staged_entries(
    repo: &Repository,
    index_file: &Path,
    wanted: &Wanted,
) -> Result<Vec<index::Entry>, SidesError> {
    let bytes = match std::fs::read(index_file) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            return Err(SidesError::Git(git2::Error::from_str(&format!(
                "cannot read {}: {error}",
                index_file.display()
            ))));
        }
    };
    let id_length = match repo.object_format() {
        git2::ObjectFormat::Sha256 => 32,
        _ => 20,
    };
    // A split index's shared part is in the git folder, whatever the index file.
    let shared = |id: Oid| std::fs::read(repo.path().join(format!("sharedindex.{id}"))).ok();
    match index::read(&bytes, id_length, |path| wanted.keeps(path), shared) {
        Ok(entries) => return Ok(entries),
        Err(IndexError::Conflicts) => return Err(SidesError::Conflicts),
        Err(IndexError::NotRead(_)) => {}
    }
    let index = Index::open_ext(index_file, repo.object_format())?;
    if index.has_conflicts() {
        return Err(SidesError::Conflicts);
    }
    Ok(index
        .iter()
        .filter(|entry| {
            entry.flags_extended & index::INTENT_TO_ADD == 0 && wanted.keeps(&entry.path)
        })
        .map(|entry| index::Entry {
            path: entry.path,
            id: entry.id,
            mode: entry.mode,
        })
        .collect())
}

/// An index entry's mode as a tree entry's.
fn mode(mode: u32) -> i32 {
    i32::try_from(mode).unwrap_or(0o100644)
}
