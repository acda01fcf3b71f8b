//! A reader of git's index file (the staging area) that keeps only the entries the
//! caller asks for.
//!
//! `check --staged` needs the staged entries under the frozen folders, a small part
//! of a large index. libgit2's reader loads every entry and first checks the whole
//! file with collision-detecting SHA-1; git itself skips that check outside `fsck`.
//! This reader walks the entries once, without hashing, and copies out only those
//! `keep` selects, so the cost is one pass over the bytes.
//!
//! It reads versions 2, 3 and 4 (prefix-compressed paths) with SHA-1 or SHA-256
//! ids, split indexes (`core.splitIndex`) and sparse indexes (`index.sparse`: a
//! folder outside the sparse checkout is one entry, its path ending in `/`, its id
//! a tree's), both of which libgit2 refuses, bounds-checking every field. What it
//! does not read it says so ([`IndexError::NotRead`]) and the caller falls back to
//! libgit2: another version, or a file that does not parse.

use git2::Oid;

/// One staged entry: a path, an object id and a mode, as a tree would hold them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path from the top of the work tree, `/`-separated, as git stores it.
    pub path: Vec<u8>,
    /// The staged object (a blob, or a commit for a submodule).
    pub id: Oid,
    /// The mode (`0o100644`, `0o100755`, `0o120000`, `0o160000`; `0o040000` for a
    /// folder of a sparse index, whose path then ends in `/`).
    pub mode: u32,
}

/// Why the index was not read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// An entry has a merge stage: the index cannot be written as a tree.
    #[error("the index has conflicts")]
    Conflicts,
    /// The file is one this reader leaves to libgit2.
    #[error("not read here: {0}")]
    NotRead(&'static str),
}

/// Flags of an entry (16 bits after the id).
const EXTENDED: u16 = 0x4000;
const STAGE: u16 = 0x3000;
const NAME_LENGTH: u16 = 0x0fff;
/// Extended flags (versions 3 and 4): added with `git add -N`, not yet staged.
pub(super) const INTENT_TO_ADD: u16 = 0x2000;
/// The stat data before the id: ctime, mtime (seconds, nanoseconds), dev, ino,
/// mode, uid, gid, size.
const STAT: usize = 40;
/// Where the mode is within the stat data.
const MODE_AT: usize = 24;

/// The entries of the index file `bytes` whose path `keep` accepts, in the index's
/// order. `id_length` is the repository's id size (20 for SHA-1, 32 for SHA-256).
/// A split index (`core.splitIndex`) names its shared part, which `shared` reads
/// (`sharedindex.<id>` in the git folder; `None` when there is no such file).
/// Entries added with `git add -N` are left out: a commit does not record them.
/// Every entry is looked at, so a conflict anywhere is reported.
pub fn read(
    bytes: &[u8],
    id_length: usize,
    keep: impl Fn(&[u8]) -> bool,
    shared: impl FnOnce(Oid) -> Option<Vec<u8>>,
) -> Result<Vec<Entry>, IndexError> {
    if bytes.is_empty() {
        // No index file: nothing is staged.
        return Ok(Vec::new());
    }
    // The entries of a split index that replace shared ones have no name.
    let own = parse(bytes, id_length, |path| path.is_empty() || keep(path))?;
    let Some(link) = split_link(bytes, own.end, id_length)? else {
        if !own.staged.is_empty() {
            return Err(IndexError::Conflicts);
        }
        return Ok(own
            .entries
            .into_iter()
            .filter(|raw| !raw.intent_to_add && !raw.entry.path.is_empty())
            .map(|raw| raw.entry)
            .collect());
    };
    let shared_bytes = shared(link.shared).ok_or(IndexError::NotRead(
        "a split index whose shared part is missing",
    ))?;
    merge_split(own, &link, &shared_bytes, id_length, &keep)
}

/// The entries of a split index: its own entries (`own`) replace, delete and add to
/// those of the shared file (`shared_bytes`), whose positions the `link`'s two
/// bitmaps name.
fn merge_split(
    own: File,
    link: &Link,
    shared_bytes: &[u8],
    id_length: usize,
    keep: impl Fn(&[u8]) -> bool,
) -> Result<Vec<Entry>, IndexError> {
    // The shared file is the one named: its checksum is the name.
    if shared_bytes.get(shared_bytes.len().saturating_sub(id_length)..)
        != Some(link.shared.as_bytes())
    {
        return Err(IndexError::NotRead(
            "a split index whose shared part does not match",
        ));
    }
    let base = parse(shared_bytes, id_length, keep)?;
    if split_link(shared_bytes, base.end, id_length)?.is_some() {
        return Err(MALFORMED);
    }
    let deleted = link.deleted.positions(base.count)?;
    let replaced = link.replaced.positions(base.count)?;
    let (replacements, added) = own
        .entries
        .split_at_checked(replaced.len())
        .ok_or(MALFORMED)?;
    let in_place = replacements
        .iter()
        .enumerate()
        .all(|(at, raw)| raw.position == at && raw.entry.path.is_empty());
    if !in_place || added.iter().any(|raw| raw.entry.path.is_empty()) {
        return Err(MALFORMED);
    }
    // A conflict is one the merged index still holds: a shared entry neither
    // deleted nor replaced, or an entry of this file that is not replacing a
    // deleted one (`git add` of a resolved file leaves the shared file as it was).
    let kept_in_merge = |position: usize| deleted.binary_search(&position).is_err();
    let shared_conflict = base
        .staged
        .iter()
        .any(|&position| kept_in_merge(position) && replaced.binary_search(&position).is_err());
    let own_conflict = own.staged.iter().any(|&position| {
        replaced
            .get(position)
            .is_none_or(|&replacing| kept_in_merge(replacing))
    });
    if shared_conflict || own_conflict {
        return Err(IndexError::Conflicts);
    }
    let mut merged = std::collections::BTreeMap::new();
    for raw in base.entries {
        if !kept_in_merge(raw.position) {
            continue;
        }
        let raw = match replaced.binary_search(&raw.position) {
            Ok(at) => Raw {
                entry: Entry {
                    path: raw.entry.path,
                    ..replacements[at].entry.clone()
                },
                ..replacements[at]
            },
            Err(_) => raw,
        };
        merged.insert(raw.entry.path.clone(), raw);
    }
    // An added entry takes the place of a shared one of the same path.
    for raw in added {
        merged.insert(raw.entry.path.clone(), raw.clone());
    }
    Ok(merged
        .into_values()
        .filter(|raw| !raw.intent_to_add)
        .map(|raw| raw.entry)
        .collect())
}

const MALFORMED: IndexError = IndexError::NotRead("the index does not parse");

/// An entry as one file holds it: where, and whether it was added with `git add -N`.
#[derive(Clone)]
struct Raw {
    position: usize,
    entry: Entry,
    intent_to_add: bool,
}

/// One index file's entries (those kept), how many it holds in all, where its
/// extensions start, and the positions of its entries with a merge stage.
struct File {
    entries: Vec<Raw>,
    count: usize,
    end: usize,
    staged: Vec<usize>,
}

/// The entries of one index file whose path `keep` accepts.
fn parse(bytes: &[u8], id_length: usize, keep: impl Fn(&[u8]) -> bool) -> Result<File, IndexError> {
    let mut at = Cursor { bytes, at: 0 };
    if at.take(4)? != b"DIRC" {
        return Err(MALFORMED);
    }
    let version = at.u32()?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::NotRead(
            "an index version other than 2, 3 and 4",
        ));
    }
    let count = usize::try_from(at.u32()?).map_err(|_| MALFORMED)?;
    let mut kept = Vec::new();
    let mut staged = Vec::new();
    // Version 4 stores each path as a change of the one before.
    let mut path: Vec<u8> = Vec::new();
    for position in 0..count {
        let start = at.at;
        let stat = at.take(STAT)?;
        let mode = u32_at(stat, MODE_AT).ok_or(MALFORMED)?;
        let id = at.take(id_length)?;
        let flags = at.u16()?;
        let extended = if flags & EXTENDED != 0 {
            if version < 3 {
                return Err(MALFORMED);
            }
            at.u16()?
        } else {
            0
        };
        let named = usize::from(flags & NAME_LENGTH);
        if version == 4 {
            let strip = at.varint()?;
            let kept_length = path.len().checked_sub(strip).ok_or(MALFORMED)?;
            path.truncate(kept_length);
            // The length field is the whole path's, as git reads it, unless the path
            // is too long for it.
            let added = if named < usize::from(NAME_LENGTH) {
                let added = at.take(named.checked_sub(kept_length).ok_or(MALFORMED)?)?;
                if at.take(1)? != [0] {
                    return Err(MALFORMED);
                }
                added
            } else {
                at.until_nul()?
            };
            path.extend_from_slice(added);
        } else {
            let name = if named < usize::from(NAME_LENGTH) {
                let name = at.take(named)?;
                if at.take(1)? != [0] {
                    return Err(MALFORMED);
                }
                name
            } else {
                at.until_nul()?
            };
            path.clear();
            path.extend_from_slice(name);
            // Entries are padded with NULs to a multiple of 8 bytes (the NUL ending
            // the name, already taken, is the first of them).
            let length = at.at - start;
            let padded = (length - 1 + 8) & !7;
            at.take(padded - length)?;
        }
        if flags & STAGE != 0 {
            staged.push(position);
        }
        if keep(&path) {
            let id = Oid::from_bytes(id).map_err(|_| MALFORMED)?;
            kept.push(Raw {
                position,
                entry: Entry {
                    path: path.clone(),
                    id,
                    mode,
                },
                intent_to_add: extended & INTENT_TO_ADD != 0,
            });
        }
    }
    Ok(File {
        entries: kept,
        count,
        end: at.at,
        staged,
    })
}

/// What a split index's `link` extension says: the shared file and the bitmaps of
/// its entries this file deletes and replaces.
struct Link {
    shared: Oid,
    deleted: Bitmap,
    replaced: Bitmap,
}

/// The `link` extension of the index file `bytes`, whose extensions start at
/// `start` and run to the trailing checksum.
fn split_link(bytes: &[u8], start: usize, id_length: usize) -> Result<Option<Link>, IndexError> {
    let end = bytes.len().checked_sub(id_length).ok_or(MALFORMED)?;
    if start > end {
        return Err(MALFORMED);
    }
    let mut at = Cursor { bytes, at: start };
    let mut found = None;
    while at.at < end {
        let signature = at.take(4)?;
        let size = usize::try_from(at.u32()?).map_err(|_| MALFORMED)?;
        if at.at.checked_add(size).is_none_or(|after| after > end) {
            return Err(MALFORMED);
        }
        let data = at.take(size)?;
        match signature {
            b"link" => {
                let mut data = Cursor { bytes: data, at: 0 };
                let shared = Oid::from_bytes(data.take(id_length)?).map_err(|_| MALFORMED)?;
                // Without bitmaps nothing is deleted or replaced; a null id links
                // to no shared file: the index is whole.
                let (deleted, replaced) = if data.at == data.bytes.len() {
                    (Bitmap::default(), Bitmap::default())
                } else {
                    (Bitmap::read(&mut data)?, Bitmap::read(&mut data)?)
                };
                found = (!shared.is_zero()).then_some(Link {
                    shared,
                    deleted,
                    replaced,
                });
            }
            // The sparse index's marker: its folder entries are read as such.
            b"sdir" => {}
            // Another extension git must understand (a lower-case first letter):
            // git refuses the index, and so does this reader.
            [first, ..] if first.is_ascii_lowercase() => {
                return Err(IndexError::NotRead(
                    "an index extension git requires and lancelot does not know",
                ));
            }
            // Optional ones (cache tree, resolve-undo, untracked cache, end of
            // index, ...) say nothing about what is staged.
            _ => {}
        }
    }
    Ok(found)
}

/// An EWAH-compressed bitmap as git writes it: the number of bits, the number of
/// 64-bit words, the words (a run-length word, then the literal words it counts,
/// and so on), and the position of the last run-length word.
#[derive(Default)]
struct Bitmap {
    words: Vec<u64>,
}

impl Bitmap {
    fn read(at: &mut Cursor<'_>) -> Result<Bitmap, IndexError> {
        // The number of bits: git reads every set bit whatever it says.
        at.u32()?;
        let count = usize::try_from(at.u32()?).map_err(|_| MALFORMED)?;
        let raw = at.take(count.checked_mul(8).ok_or(MALFORMED)?)?;
        let words = raw
            .chunks_exact(8)
            .map(|word| {
                let mut bytes = [0; 8];
                bytes.copy_from_slice(word);
                u64::from_be_bytes(bytes)
            })
            .collect();
        at.u32()?;
        Ok(Bitmap { words })
    }

    /// The set bits, in order; every one must be below `limit` (the entries of the
    /// shared file: git stops on one past them), so a bitmap cannot ask for more
    /// than the file holds.
    fn positions(&self, limit: usize) -> Result<Vec<usize>, IndexError> {
        let mut set = Vec::new();
        let mut bit = 0usize;
        let mut words = self.words.iter();
        while let Some(&marker) = words.next() {
            let running = marker & 1 == 1;
            let run = usize::try_from((marker >> 1) & 0xffff_ffff).map_err(|_| MALFORMED)?;
            let literals = usize::try_from(marker >> 33).map_err(|_| MALFORMED)?;
            let after = run
                .checked_mul(64)
                .and_then(|bits| bit.checked_add(bits))
                .ok_or(MALFORMED)?;
            if running && run > 0 {
                if after > limit {
                    return Err(MALFORMED);
                }
                set.extend(bit..after);
            }
            bit = after;
            for _ in 0..literals {
                let word = *words.next().ok_or(MALFORMED)?;
                for offset in (0..64).filter(|offset| word >> offset & 1 == 1) {
                    let position = bit + offset;
                    if position >= limit {
                        return Err(MALFORMED);
                    }
                    set.push(position);
                }
                bit = bit.checked_add(64).ok_or(MALFORMED)?;
            }
        }
        Ok(set)
    }
}

/// A read position in the file; every read is bounds-checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, length: usize) -> Result<&'a [u8], IndexError> {
        let taken = self
            .at
            .checked_add(length)
            .and_then(|end| self.bytes.get(self.at..end))
            .ok_or(IndexError::NotRead("the index ends early"))?;
        self.at += length;
        Ok(taken)
    }

    fn u16(&mut self) -> Result<u16, IndexError> {
        let taken = self.take(2)?;
        Ok(u16::from_be_bytes([taken[0], taken[1]]))
    }

    fn u32(&mut self) -> Result<u32, IndexError> {
        let taken = self.take(4)?;
        u32_at(taken, 0).ok_or(IndexError::NotRead("the index ends early"))
    }

    /// The bytes up to the next NUL, which is consumed.
    fn until_nul(&mut self) -> Result<&'a [u8], IndexError> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let length = rest
            .iter()
            .position(|&byte| byte == 0)
            .ok_or(IndexError::NotRead("the index ends early"))?;
        let taken = self.take(length)?;
        self.take(1)?;
        Ok(taken)
    }

    /// git's offset varint: 7 bits a byte, high bit set while more follow, each
    /// continuation adding one (so every value has a single encoding).
    fn varint(&mut self) -> Result<usize, IndexError> {
        const TOO_LARGE: IndexError = IndexError::NotRead("the index does not parse");
        let mut byte = self.take(1)?[0];
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = self.take(1)?[0];
            value = value
                .checked_add(1)
                .and_then(|value| value.checked_mul(128))
                .ok_or(TOO_LARGE)?
                | usize::from(byte & 0x7f);
        }
        Ok(value)
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let field = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([field[0], field[1], field[2], field[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `entries` (path, id byte, mode, stage, extended flags) in
    /// `version`, written here by the format's description.
    fn index(version: u32, entries: &[(&str, u8, u32, u16, u16)]) -> Vec<u8> {
        let mut bytes = b"DIRC".to_vec();
        bytes.extend(version.to_be_bytes());
        bytes.extend(u32::try_from(entries.len()).unwrap_or(0).to_be_bytes());
        let mut previous: &[u8] = b"";
        for &(path, id, mode, stage, extended) in entries {
            let start = bytes.len();
            bytes.extend([0; 24]);
            bytes.extend(mode.to_be_bytes());
            bytes.extend([0; 12]);
            bytes.extend([id; 20]);
            let length = u16::try_from(path.len().min(0xfff)).unwrap_or(0xfff);
            let flags = length | (stage << 12) | if extended != 0 { EXTENDED } else { 0 };
            bytes.extend(flags.to_be_bytes());
            if extended != 0 {
                bytes.extend(extended.to_be_bytes());
            }
            if version == 4 {
                let common = previous
                    .iter()
                    .zip(path.as_bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                bytes.extend(varint(previous.len() - common));
                bytes.extend(&path.as_bytes()[common..]);
                bytes.push(0);
            } else {
                bytes.extend(path.as_bytes());
                let padded = (bytes.len() - start + 8) & !7;
                bytes.resize(start + padded, 0);
            }
            previous = path.as_bytes();
        }
        bytes.extend(CHECKSUM);
        bytes
    }

    /// The checksum the test indexes end with (and a split index names its shared
    /// file by).
    const CHECKSUM: [u8; 20] = [0xab; 20];

    /// git's offset varint, written as git writes it.
    fn varint(mut value: usize) -> Vec<u8> {
        let mut bytes = vec![u8::try_from(value & 0x7f).unwrap_or(0)];
        value >>= 7;
        while value != 0 {
            value -= 1;
            bytes.push(0x80 | u8::try_from(value & 0x7f).unwrap_or(0));
            value >>= 7;
        }
        bytes.reverse();
        bytes
    }

    const FILE: u32 = 0o100644;

    fn no_shared(_: Oid) -> Option<Vec<u8>> {
        None
    }

    fn paths(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|entry| String::from_utf8_lossy(&entry.path).into_owned())
            .collect()
    }

    #[test]
    fn keeps_the_selected_entries_of_every_version() {
        let entries = [
            ("a.txt", 1, FILE, 0, 0),
            ("docs/specs/A.md", 2, FILE, 0, 0),
            ("docs/specs/B.md", 3, 0o100755, 0, 0),
            ("src/main.rs", 4, FILE, 0, 0),
        ];
        for version in [2, 3, 4] {
            let kept = read(
                &index(version, &entries),
                20,
                |path| path.starts_with(b"docs/specs/"),
                no_shared,
            )
            .unwrap();
            assert_eq!(paths(&kept), ["docs/specs/A.md", "docs/specs/B.md"]);
            assert_eq!(kept[1].mode, 0o100755);
            assert_eq!(kept[1].id, Oid::from_bytes(&[3; 20]).unwrap());
        }
    }

    #[test]
    fn a_conflict_anywhere_is_reported() {
        let entries = [
            ("docs/specs/A.md", 2, FILE, 0, 0),
            ("src/main.rs", 4, FILE, 2, 0),
        ];
        for version in [2, 3, 4] {
            let read = read(&index(version, &entries), 20, |_| false, no_shared);
            assert_eq!(read, Err(IndexError::Conflicts));
        }
    }

    #[test]
    fn intent_to_add_entries_are_not_staged_content() {
        let entries = [
            ("docs/specs/A.md", 2, FILE, 0, INTENT_TO_ADD),
            ("docs/specs/B.md", 3, FILE, 0, 0),
        ];
        for version in [3, 4] {
            let kept = read(&index(version, &entries), 20, |_| true, no_shared).unwrap();
            assert_eq!(paths(&kept), ["docs/specs/B.md"]);
        }
    }

    #[test]
    fn long_paths_are_read_past_the_length_field() {
        let long = format!("docs/{}.md", "x".repeat(5000));
        let entries = [(long.as_str(), 1, FILE, 0, 0), ("z", 2, FILE, 0, 0)];
        for version in [2, 3, 4] {
            let bytes = index(version, &entries);
            let kept = read(&bytes, 20, |_| true, no_shared).unwrap();
            assert_eq!(paths(&kept), [long.as_str(), "z"]);
        }
    }

    #[test]
    fn what_it_does_not_read_it_leaves_to_libgit2() {
        // A split index whose shared file is not there.
        let only_id = with_extension(&index(2, &[("a", 1, FILE, 0, 0)]), b"link", &CHECKSUM);
        assert!(matches!(
            read(&only_id, 20, |_| true, no_shared),
            Err(IndexError::NotRead(_))
        ));
        // An extension git must understand and does not here.
        let unknown = with_extension(&index(2, &[("a", 1, FILE, 0, 0)]), b"abcd", b"xyz");
        assert!(matches!(
            read(&unknown, 20, |_| true, no_shared),
            Err(IndexError::NotRead(_))
        ));

        let sparse = index(3, &[("docs/", 1, 0o040000, 0, 0x4000)]);
        let read_sparse = read(&sparse, 20, |_| true, no_shared).unwrap();
        assert_eq!(paths(&read_sparse), ["docs/"]);
        assert_eq!(read_sparse[0].mode, 0o040000);

        let mut newer = index(2, &[("a", 1, FILE, 0, 0)]);
        newer[7] = 5;
        assert!(matches!(
            read(&newer, 20, |_| true, no_shared),
            Err(IndexError::NotRead(_))
        ));
        assert!(read(b"", 20, |_| true, no_shared).unwrap().is_empty());
    }

    #[test]
    fn every_cut_of_an_index_is_refused_or_read_without_panicking() {
        for version in [2, 3, 4] {
            let bytes = index(
                version,
                &[
                    ("docs/specs/A.md", 2, FILE, 0, 0),
                    (
                        "docs/specs/B.md",
                        3,
                        FILE,
                        0,
                        if version > 2 { 0x4000 } else { 0 },
                    ),
                ],
            );
            for cut in 1..bytes.len() {
                let read = read(&bytes[..cut], 20, |_| true, no_shared);
                assert!(
                    matches!(read, Err(IndexError::NotRead(_))),
                    "version {version}, cut at {cut}: {read:?}"
                );
            }
        }
    }

    #[test]
    fn varints_decode_as_git_writes_them() {
        for (encoded, value) in [
            (&[0x7f][..], 0x7f),
            (&[0x80, 0x00][..], 0x80),
            (&[0x80, 0x7f][..], 0xff),
            (&[0x81, 0x00][..], 0x100),
            (&[0x80, 0x80, 0x00][..], 0x4080),
        ] {
            let mut cursor = Cursor {
                bytes: encoded,
                at: 0,
            };
            assert_eq!(cursor.varint(), Ok(value), "{encoded:?}");
            assert_eq!(varint(value), encoded);
        }
        for value in [0, 1, 127, 128, 5009, 16511, 16512, 1 << 20, usize::MAX >> 8] {
            let encoded = varint(value);
            let mut cursor = Cursor {
                bytes: &encoded,
                at: 0,
            };
            assert_eq!(cursor.varint(), Ok(value));
        }
    }

    /// `index` with the extension `signature` holding `data`.
    fn with_extension(index: &[u8], signature: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut bytes = index[..index.len() - 20].to_vec();
        bytes.extend(signature);
        bytes.extend(u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        bytes.extend(data);
        bytes.extend(CHECKSUM);
        bytes
    }

    /// `own` made a split index over the shared file whose checksum is [`CHECKSUM`]:
    /// a `link` extension naming it, deleting the entries at `deleted` and replacing
    /// those at `replaced` (each a single literal word; `bits` the count written).
    fn split_with(own: &[u8], deleted: u64, replaced: u64, bits: u32) -> Vec<u8> {
        let mut link = CHECKSUM.to_vec();
        for word in [deleted, replaced] {
            link.extend(bits.to_be_bytes());
            link.extend(2u32.to_be_bytes());
            link.extend((1u64 << 33).to_be_bytes());
            link.extend(word.to_be_bytes());
            link.extend(0u32.to_be_bytes());
        }
        with_extension(own, b"link", &link)
    }

    fn split(own: &[u8], deleted: u64, replaced: u64) -> Vec<u8> {
        split_with(own, deleted, replaced, 64)
    }

    #[test]
    fn a_split_index_replaces_deletes_and_adds() {
        let shared = index(
            2,
            &[
                ("a", 1, FILE, 0, 0),
                ("b", 2, FILE, 0, 0),
                ("c", 3, FILE, 0, 0),
                ("d", 4, FILE, 0, 0),
            ],
        );
        // b replaced (its entry nameless in the split part), c deleted, e added.
        let own = split(
            &index(2, &[("", 9, 0o100755, 0, 0), ("e", 5, FILE, 0, 0)]),
            0b100,
            0b10,
        );
        let read = read_split(&own, &shared).unwrap();
        assert_eq!(paths(&read), ["a", "b", "d", "e"]);
        assert_eq!(read[1].id, Oid::from_bytes(&[9; 20]).unwrap());
        assert_eq!(read[1].mode, 0o100755);
        // A bitmap naming an entry the shared file does not have.
        let beyond = split(&index(2, &[("e", 5, FILE, 0, 0)]), 1 << 40, 0);
        assert!(read_fails(&beyond, &shared));
        let missing = split(&index(2, &[("e", 5, FILE, 0, 0)]), 0, 0b1);
        assert!(
            read_fails(&missing, &shared),
            "a replacement without its entry"
        );
    }

    #[test]
    fn a_split_index_is_in_conflict_only_where_the_merged_index_is() {
        // git keeps a conflicted merge's stages in the shared file; `git add` of the
        // resolved file deletes them in the split part.
        let shared = index(
            3,
            &[
                ("a", 1, FILE, 0, 0),
                ("c", 2, FILE, 1, 0),
                ("c", 3, FILE, 2, 0),
                ("d", 4, FILE, 0, 0),
            ],
        );
        let resolved = split(&index(3, &[("c", 5, FILE, 0, 0)]), 0b110, 0);
        let read = read_split(&resolved, &shared).unwrap();
        assert_eq!(paths(&read), ["a", "c", "d"]);
        // One stage left in the shared file.
        let half = split(&index(3, &[("c", 5, FILE, 0, 0)]), 0b10, 0);
        assert!(matches!(
            read_split(&half, &shared),
            Err(IndexError::Conflicts)
        ));
        // A stage in the split part, replacing a kept entry.
        let clean = index(3, &[("a", 1, FILE, 0, 0), ("b", 2, FILE, 0, 0)]);
        let staged = split(&index(3, &[("", 9, FILE, 1, 0)]), 0, 0b1);
        assert!(matches!(
            read_split(&staged, &clean),
            Err(IndexError::Conflicts)
        ));
    }

    #[test]
    fn a_link_reads_as_git_reads_it() {
        let shared = index(
            2,
            &[
                ("a", 1, FILE, 0, 0),
                ("b", 2, FILE, 0, 0),
                ("c", 3, FILE, 0, 0),
            ],
        );
        // Every set bit counts, whatever the bit count says.
        let past_count = split_with(&index(2, &[("d", 4, FILE, 0, 0)]), 0b100, 0, 1);
        let read = read_split(&past_count, &shared).unwrap();
        assert_eq!(paths(&read), ["a", "b", "d"]);
        // The id alone: nothing deleted or replaced.
        let id_only = with_extension(&index(2, &[("d", 4, FILE, 0, 0)]), b"link", &CHECKSUM);
        let read = read_split(&id_only, &shared).unwrap();
        assert_eq!(paths(&read), ["a", "b", "c", "d"]);
        // A null id: not split.
        let not_split = with_extension(&index(2, &[("d", 4, FILE, 0, 0)]), b"link", &[0; 20]);
        assert_eq!(
            paths(&super::read(&not_split, 20, |_| true, no_shared).unwrap()),
            ["d"]
        );
        // A shared file that is not the one named.
        let mut other = shared.clone();
        let last = other.len() - 1;
        other[last] ^= 1;
        assert!(matches!(
            read_split(&id_only, &other),
            Err(IndexError::NotRead(_))
        ));
        // An optional extension is skipped.
        let optional = with_extension(&shared, b"ABCD", b"anything");
        assert_eq!(
            paths(&super::read(&optional, 20, |_| true, no_shared).unwrap()),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn a_version_4_path_is_as_long_as_its_length_field_says() {
        let mut bytes = index(4, &[("docs/a.md", 1, FILE, 0, 0)]);
        // The length field says 8: git reads `docs/a.m` and then wants the NUL.
        let flags_at = 12 + STAT + 20;
        bytes[flags_at + 1] = 8;
        assert!(matches!(
            read(&bytes, 20, |_| true, no_shared),
            Err(IndexError::NotRead(_))
        ));
    }

    /// Everything in the split index `own` over the shared file `shared`.
    fn read_split(own: &[u8], shared: &[u8]) -> Result<Vec<Entry>, IndexError> {
        read(own, 20, |_| true, |_| Some(shared.to_vec()))
    }

    fn read_fails(own: &[u8], shared: &[u8]) -> bool {
        matches!(read_split(own, shared), Err(IndexError::NotRead(_)))
    }

    proptest::proptest! {
        #[test]
        fn changed_bytes_never_panic(
            flips in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..6),
            version in 2u32..=4,
            in_shared: bool,
        ) {
            let shared = index(version, &[
                ("docs/specs/A.md", 1, FILE, 0, 0),
                ("docs/specs/B.md", 2, FILE, 0, if version > 2 { INTENT_TO_ADD } else { 0 }),
                ("src/x.rs", 3, FILE, 0, 0),
            ]);
            let mut own = split(&index(version, &[("", 9, FILE, 0, 0), ("z", 4, FILE, 0, 0)]), 0b100, 0b1);
            let mut shared = shared;
            let target = if in_shared { &mut shared } else { &mut own };
            for (at, byte) in flips {
                let at = at % target.len();
                target[at] = byte;
            }
            let _ = read(&own, 20, |path| path.starts_with(b"docs/"), |_| Some(shared.clone()));
            let _ = read(&shared, 20, |_| true, no_shared);
        }
    }
}
