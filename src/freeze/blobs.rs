//! Reading the documents a walk judges: every version of a frozen document that a
//! commit replaces, most of what a range check costs.
//!
//! They are read through gitoxide's object store where it can: its inflate is pure
//! Rust and about twice as fast as the zlib libgit2 links, each thread keeps its own
//! cache of delta bases, and no lock is shared between threads (python/peps: every
//! version of its PEPs read in half the time on one thread, in less than half on
//! two). libgit2 stays the authority: what gitoxide does not find in the
//! repository's own object folder (a push's quarantine, a SHA-256 repository, an
//! error of any kind) is read by libgit2, so a walk sees exactly the objects libgit2
//! sees. An object's id names its content: where both find it, both read the same
//! bytes.

use std::rc::Rc;

use git2::{Oid, Repository};
use gix_object::Find;
use gix_odb::Header;

/// How many delta bases a thread keeps: enough for the chains a pack makes of one
/// document's versions.
const DELTA_BASES: usize = 16;

/// The most memory a thread's delta bases and its inflating buffer keep between
/// reads. A pusher may store a small document as a delta on a huge blob: reading it
/// inflates the huge one (as libgit2 does), but it is not kept.
const KEPT_BYTES: usize = 4 << 20;

/// Reads blobs of one repository on one thread.
#[derive(Default)]
pub struct Blobs {
    /// gitoxide's handle on the repository's object folder (SHA-1 repositories),
    /// opened at the first read: most checks read no document, and opening lists
    /// the folder's packs.
    fast: std::cell::OnceCell<Option<gix_odb::HandleArc>>,
    /// Where gitoxide inflates an object.
    buffer: Vec<u8>,
}

impl Blobs {
    /// A reader of the same store for another thread, with caches of its own.
    pub fn for_thread(&self, repo: &Repository) -> Blobs {
        Blobs {
            fast: fast(&self.fast, repo).cloned().into(),
            buffer: Vec::new(),
        }
    }

    /// The size of the object `oid`, read without inflating it.
    pub fn size(&self, repo: &Repository, oid: Oid) -> Result<u64, git2::Error> {
        let found =
            fast(&self.fast, repo).and_then(|fast| fast.try_header(&to_gix(oid)?).ok().flatten());
        if let Some(header) = found {
            return Ok(header.size());
        }
        let (size, _) = repo.odb()?.read_header(oid)?;
        Ok(size as u64)
    }

    /// The content of blob `oid`.
    pub fn read(&mut self, repo: &Repository, oid: Oid) -> Result<Rc<[u8]>, git2::Error> {
        let found = match (fast(&self.fast, repo), to_gix(oid)) {
            (Some(fast), Some(id)) => match fast.try_find(&id, &mut self.buffer) {
                Ok(Some(data)) if data.kind == gix_object::Kind::Blob => Some(Rc::from(data.data)),
                _ => None,
            },
            _ => None,
        };
        if self.buffer.capacity() > KEPT_BYTES {
            self.buffer = Vec::new();
        }
        match found {
            Some(content) => Ok(content),
            None => Ok(Rc::from(repo.find_blob(oid)?.content())),
        }
    }
}

/// gitoxide's handle on `repo`'s object folder, opened into `cell` on first use;
/// `None` where libgit2 reads everything (a SHA-256 repository, a folder gitoxide
/// cannot open).
fn fast<'c>(
    cell: &'c std::cell::OnceCell<Option<gix_odb::HandleArc>>,
    repo: &Repository,
) -> Option<&'c gix_odb::HandleArc> {
    cell.get_or_init(|| {
        if repo.object_format() != git2::ObjectFormat::Sha1 {
            return None;
        }
        let objects = repo.commondir().join("objects");
        let mut handle = gix_odb::at(objects, gix_hash::Kind::Sha1)
            .ok()?
            .into_arc()
            .ok()?;
        // A miss is read by libgit2: the folder is not read again for packs written
        // since, on every object of a push's quarantine.
        handle.refresh_never();
        handle.set_pack_cache(|| {
            Box::new(gix_pack::cache::lru::StaticLinkedList::<DELTA_BASES>::new(
                KEPT_BYTES,
            ))
        });
        Some(handle)
    })
    .as_ref()
}

/// `oid` as gitoxide names it (`None` for an id of another length).
fn to_gix(oid: Oid) -> Option<gix_hash::ObjectId> {
    gix_hash::ObjectId::try_from(oid.as_bytes()).ok()
}
