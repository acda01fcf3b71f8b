//! The two sides `check --staged` compares, read without building a tree of the
//! whole index: for each folder that can hold frozen paths, HEAD's tree there and a
//! tree of the index entries under it (a range of the sorted index), each side
//! keeping of the rest only the `.gitattributes` files on the way to those folders.
//! The walk then compares exactly what the freeze reads, at a cost that grows with
//! the entries under the frozen folders, not with the repository. The trees are
//! written to memory: the check leaves no object behind.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{Index, ObjectType, Oid, Repository, Tree};

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
    fn put(&mut self, path: &str, object: (Oid, i32)) {
        let mut folder = self;
        let mut parts = path.split('/').peekable();
        while let Some(name) = parts.next() {
            let name = name.as_bytes().to_vec();
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

/// The folders strictly above `folder` (`a/b/c`: ``, `a`, `a/b`).
fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    let above = folder
        .char_indices()
        .filter(|(_, c)| *c == '/')
        .map(|(at, _)| &folder[..at]);
    std::iter::once("")
        .chain(above)
        .take_while(move |_| !folder.is_empty())
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// HEAD's side and the index's side (tree ids) for `folders` (none inside another;
/// `""` is the whole tree). Fails on an index with conflicts.
pub(super) fn sides(
    repo: &Repository,
    head: &Tree<'_>,
    index: &Index,
    folders: &[String],
) -> Result<(Oid, Oid), git2::Error> {
    // Every object written from here on stays in memory.
    repo.odb()?.add_new_mempack_backend(1000)?;
    if folders.iter().any(String::is_empty) {
        let mut whole = Index::new()?;
        for entry in index.iter() {
            whole.add(&entry)?;
        }
        return Ok((head.id(), whole.write_tree_to(repo)?));
    }
    let (mut old, mut new) = (Folder::default(), Folder::default());
    for folder in folders {
        for above in ancestors(folder) {
            let attributes = join(above, ".gitattributes");
            if let Ok(entry) = head.get_path(Path::new(&attributes))
                && entry.kind() == Some(ObjectType::Blob)
            {
                old.put(&attributes, (entry.id(), entry.filemode_raw()));
            }
            if let Some(entry) = index.get_path(Path::new(&attributes), 0) {
                new.put(&attributes, (entry.id, mode(entry.mode)));
            }
        }
        if let Ok(entry) = head.get_path(Path::new(folder)) {
            old.put(folder, (entry.id(), entry.filemode_raw()));
        }
        if let Some(entry) = index.get_path(Path::new(folder), 0) {
            new.put(folder, (entry.id, mode(entry.mode)));
        } else if let Some(tree) = staged_folder(repo, index, folder)? {
            new.put(folder, (tree, 0o040000));
        }
    }
    let empty = || repo.treebuilder(None).and_then(|builder| builder.write());
    let old = match old.write(repo)? {
        Some(id) => id,
        None => empty()?,
    };
    let new = match new.write(repo)? {
        Some(id) => id,
        None => empty()?,
    };
    Ok((old, new))
}

/// A tree of the index entries under `folder`, found by their range in the sorted
/// index; `None` when there are none.
fn staged_folder(
    repo: &Repository,
    index: &Index,
    folder: &str,
) -> Result<Option<Oid>, git2::Error> {
    let prefix = format!("{folder}/");
    let start = match index.find_prefix(prefix.as_str()) {
        Ok(start) => start,
        Err(error) if error.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let mut staged = Index::new()?;
    for position in start..index.len() {
        let Some(mut entry) = index.get(position) else {
            break;
        };
        let Some(relative) = entry.path.strip_prefix(prefix.as_bytes()) else {
            break;
        };
        entry.path = relative.to_vec();
        staged.add(&entry)?;
    }
    if staged.is_empty() {
        return Ok(None);
    }
    staged.write_tree_to(repo).map(Some)
}

/// An index entry's mode as a tree entry's.
fn mode(mode: u32) -> i32 {
    i32::try_from(mode).unwrap_or(0o100644)
}
