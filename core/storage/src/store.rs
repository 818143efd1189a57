//! The store: objects by (TA, object id), each one hash-tree file named by
//! `dirf.db`, in OP-TEE 4.5's REE FS format.
//!
//! Commit order of every change (crash consistency): the object file's new
//! blocks and nodes, its header (file commit point), then the `dirf.db`
//! entry, nodes and header (object commit point), then the rollback anchor.
//! A file is removed only after `dirf.db` stopped naming it, and a new file
//! is complete before `dirf.db` names it, so a cut leaks at most one file.
//!
//! Caching assumes this store is the only writer of the directory while it
//! runs: verified trees and `dirf.db` content stay in memory while a handle
//! is open, and any error drops the cached state so the next call reloads
//! it from the last commit on disk.

use alloc::vec::Vec;
use oxtee_vec_map::VecMap;

use supplicant_proto::tee_error::TeeError;
use zeroize::Zeroizing;

use crate::content::Content;
use crate::dirf::{Dirf, Entry, DIRF_ENTRY_SIZE};
use crate::htree::{shrink_file_len, FileIo, HashTree};
use crate::keys::{Ssk, Tsk};
use crate::{Entropy, Env, RemoteFs, TaUuid, TeeResult, OBJECT_ID_MAX_LEN};

/// An open object: a handle into the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// Name of the directory file.
const DIRF_NAME: &str = "/dirf.db";
/// Plaintext blocks cached per open object: the block a run of small
/// writes or reads keeps touching, and blocks read ahead together.
const OBJ_CACHE_BLOCKS: usize = 8;

/// A `RemoteFs` file as the byte store of one tree.
struct FsFile<'a> {
    fs: &'a mut dyn RemoteFs,
    fd: u32,
}

impl FileIo for FsFile<'_> {
    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> TeeResult<usize> {
        self.fs.read(self.fd, off, buf)
    }
    fn write_at(&mut self, off: u64, data: &[u8]) -> TeeResult<()> {
        self.fs.write(self.fd, off, data)
    }
}

/// Bytes of a new object's content encrypted per piece: four blocks.
const CREATE_PIECE: usize = 4 * 4096;

/// Writes `content` into a new, empty tree a piece at a time.
fn write_content(
    tree: &mut HashTree,
    io: &mut dyn FileIo,
    rng: &mut dyn Entropy,
    content: &mut dyn Content,
) -> TeeResult<()> {
    let len = content.len();
    let mut piece: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    let cap = usize::try_from(len)
        .unwrap_or(CREATE_PIECE)
        .min(CREATE_PIECE);
    piece
        .try_reserve_exact(cap)
        .map_err(|_| TeeError::OUT_OF_MEMORY)?;
    piece.resize(cap, 0);
    let mut pos = 0u64;
    while pos < len {
        let n = (len - pos).min(cap as u64) as usize;
        let buf = &mut piece[..n];
        content.read_at(pos, buf)?;
        tree.write(io, rng, pos, buf)?;
        pos += n as u64;
    }
    Ok(())
}

/// An object's file name in the REE FS: `/` and its number in lower-case
/// hex, built on the stack (no allocation, no `core::fmt`).
struct FileName {
    buf: [u8; 9],
    len: usize,
}

impl core::ops::Deref for FileName {
    type Target = str;
    fn deref(&self) -> &str {
        // ASCII by construction.
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }
}

fn file_name(num: u32) -> FileName {
    let mut buf = [0u8; 9];
    buf[0] = b'/';
    let digits = (32 - (num | 1).leading_zeros()).div_ceil(4) as usize;
    for (i, b) in buf[1..=digits].iter_mut().rev().enumerate() {
        *b = b"0123456789abcdef"[((num >> (4 * i)) & 0xf) as usize];
    }
    FileName {
        buf,
        len: 1 + digits,
    }
}

/// The loaded `dirf.db`.
struct DirState {
    /// Open file and its tree; `None` before the first commit of a new store.
    file: Option<(u32, HashTree)>,
    dir: Dirf,
    /// Entries changed in memory and not yet committed.
    pending: Vec<usize>,
}

/// An object with at least one open handle.
struct ObjState {
    fd: u32,
    uuid: TaUuid,
    tsk: Tsk,
    /// `None` after an error until reloaded from the last commit.
    tree: Option<HashTree>,
    refs: u32,
}

/// A content change run by `ReeStore::change`; returns the length the
/// file may be shortened to once committed.
type ChangeOp<'a> =
    dyn FnMut(&mut HashTree, &mut dyn FileIo, &mut dyn Entropy) -> TeeResult<Option<u64>> + 'a;

/// The REE FS store of one device.
pub struct ReeStore {
    ssk: Ssk,
    dirf: Option<DirState>,
    /// Open objects by file number.
    objs: VecMap<u32, ObjState>,
    /// Handles to file numbers.
    handles: VecMap<u32, u32>,
    next_handle: u32,
}

impl ReeStore {
    /// A store whose keys derive from the hardware unique key `huk`.
    pub fn new(huk: &[u8; 16]) -> TeeResult<Self> {
        Ok(ReeStore {
            ssk: Ssk::derive(huk),
            dirf: None,
            objs: VecMap::new(),
            handles: VecMap::new(),
            next_handle: 1,
        })
    }

    /// Loads `dirf.db` if it is not loaded, checking it against the anchor.
    fn load_dirf(&mut self, env: &mut Env<'_>) -> TeeResult<()> {
        if self.dirf.is_some() {
            return Ok(());
        }
        let min = match env.anchor.as_mut() {
            Some(a) => a.get()?,
            None => 0,
        };
        let fresh = DirState {
            file: None,
            dir: Dirf::default(),
            pending: Vec::new(),
        };
        let fd = match env.fs.open(DIRF_NAME) {
            Ok(fd) => fd,
            Err(TeeError::ITEM_NOT_FOUND) if min == 0 => {
                self.dirf = Some(fresh);
                return Ok(());
            }
            // With an anchor past zero a directory existed: its loss is a
            // rollback, not a first boot.
            Err(TeeError::ITEM_NOT_FOUND) => return Err(TeeError::SECURITY),
            Err(e) => return Err(e),
        };
        let tsk = self.ssk.tsk(None);
        let loaded = (|| {
            let mut io = FsFile {
                fs: &mut *env.fs,
                fd,
            };
            let mut tree = HashTree::open(&mut io, &tsk, None, usize::MAX)?;
            if tree.counter() < min {
                return Err(TeeError::SECURITY);
            }
            let content = tree.read_all(&mut io)?;
            let (dir, pending) = Dirf::decode(&content)?;
            Ok((tree, dir, pending))
        })();
        match loaded {
            Ok((tree, dir, pending)) => {
                self.dirf = Some(DirState {
                    file: Some((fd, tree)),
                    dir,
                    pending,
                });
                Ok(())
            }
            // Nothing was ever anchored: a directory that does not verify is
            // what a cut during the first initialisation leaves (OP-TEE issues
            // 4619/7037/7512), so start afresh instead of bricking. The file
            // is recreated (truncated) by the first commit.
            Err(TeeError::CORRUPT_OBJECT) | Err(TeeError::SECURITY) if min == 0 => {
                let _ = env.fs.close(fd);
                self.dirf = Some(fresh);
                Ok(())
            }
            // Anchored: whatever is there is not the state the anchor saw.
            Err(TeeError::CORRUPT_OBJECT) => {
                let _ = env.fs.close(fd);
                Err(TeeError::SECURITY)
            }
            Err(e) => {
                let _ = env.fs.close(fd);
                Err(e)
            }
        }
    }

    fn dir(&self) -> TeeResult<&DirState> {
        self.dirf.as_ref().ok_or(TeeError::CORRUPT_OBJECT)
    }

    fn dir_mut(&mut self) -> TeeResult<&mut DirState> {
        self.dirf.as_mut().ok_or(TeeError::CORRUPT_OBJECT)
    }

    /// Forgets the loaded `dirf.db` (closing its file).
    fn drop_dirf(&mut self, env: &mut Env<'_>) {
        if let Some(DirState {
            file: Some((fd, _)),
            ..
        }) = self.dirf.take()
        {
            let _ = env.fs.close(fd);
        }
    }

    /// Ends a call: on error the cached directory is dropped; with no handle
    /// open, the directory file is closed too (as OP-TEE does).
    fn finish<T>(&mut self, env: &mut Env<'_>, r: TeeResult<T>) -> TeeResult<T> {
        let keep = match &r {
            Ok(_) => true,
            // Refusals decided on the cached directory before changing it.
            Err(
                TeeError::ITEM_NOT_FOUND | TeeError::ACCESS_CONFLICT | TeeError::BAD_PARAMETERS,
            ) => self.dirf.as_ref().is_some_and(|d| d.pending.is_empty()),
            Err(_) => false,
        };
        if !keep || self.handles.is_empty() {
            self.drop_dirf(env);
        }
        r
    }

    /// Writes the pending entries and commits `dirf.db`, then advances the
    /// anchor to the new header counter.
    fn commit_dirf(&mut self, env: &mut Env<'_>) -> TeeResult<()> {
        let tsk = self.ssk.tsk(None);
        let st = self.dirf.as_mut().ok_or(TeeError::CORRUPT_OBJECT)?;
        if st.file.is_none() {
            let fd = env.fs.create(DIRF_NAME)?;
            match HashTree::create(&tsk, &mut *env.rng, usize::MAX) {
                Ok(t) => st.file = Some((fd, t)),
                Err(e) => {
                    let _ = env.fs.close(fd);
                    return Err(e);
                }
            }
            // A fresh file holds every entry.
            st.pending = (0..st.dir.entries.len()).collect();
        }
        let (fd, tree) = st.file.as_mut().ok_or(TeeError::CORRUPT_OBJECT)?;
        let mut io = FsFile {
            fs: &mut *env.fs,
            fd: *fd,
        };
        crate::heapsort::sort(&mut st.pending);
        st.pending.dedup();
        for &i in &st.pending {
            let e = st.dir.entries.get(i).ok_or(TeeError::CORRUPT_OBJECT)?;
            let pos = (i as u64) * DIRF_ENTRY_SIZE as u64;
            tree.write(&mut io, &mut *env.rng, pos, &e.encode())?;
        }
        tree.sync(&mut io, &mut *env.rng)?;
        st.pending.clear();
        let counter = tree.counter();
        if let Some(a) = env.anchor.as_mut() {
            a.advance_to(counter)?;
        }
        Ok(())
    }

    fn new_handle(&mut self, num: u32) -> TeeResult<FileId> {
        let h = self.next_handle;
        self.next_handle = self
            .next_handle
            .checked_add(1)
            .ok_or(TeeError::OUT_OF_MEMORY)?;
        self.handles.insert(h, num);
        if let Some(o) = self.objs.get_mut(&num) {
            o.refs = o.refs.saturating_add(1);
        }
        Ok(FileId(h))
    }

    fn num_of(&self, f: FileId) -> TeeResult<u32> {
        self.handles
            .get(&f.0)
            .copied()
            .ok_or(TeeError::BAD_PARAMETERS)
    }

    /// Closes the file of object `num` and every handle to it.
    fn forget_obj(&mut self, env: &mut Env<'_>, num: u32) {
        if let Some(o) = self.objs.remove(&num) {
            let _ = env.fs.close(o.fd);
        }
        self.handles.retain(|_, n| *n != num);
    }

    /// Opens object file `num` at the version `dirf.db` names.
    fn open_tree(&self, env: &mut Env<'_>, fd: u32, tsk: &Tsk, num: u32) -> TeeResult<HashTree> {
        let d = self.dir()?;
        let i = d.dir.find_number(num).ok_or(TeeError::ITEM_NOT_FOUND)?;
        let hash = d
            .dir
            .entries
            .get(i)
            .map(|e| e.hash)
            .ok_or(TeeError::CORRUPT_OBJECT)?;
        let mut io = FsFile {
            fs: &mut *env.fs,
            fd,
        };
        HashTree::open(&mut io, tsk, Some(&hash), OBJ_CACHE_BLOCKS)
    }

    /// The open object of `f` with its tree loaded (reloaded after an
    /// earlier error).
    fn ready(&mut self, env: &mut Env<'_>, f: FileId) -> TeeResult<u32> {
        let num = self.num_of(f)?;
        self.load_dirf(env)?;
        self.ready_num(env, num)?;
        Ok(num)
    }

    /// Runs a content change on object `num`, commits its file, then names
    /// the new root hash in `dirf.db` and commits that. Returns the length
    /// the file may be shortened to afterwards.
    fn change(&mut self, env: &mut Env<'_>, num: u32, op: &mut ChangeOp<'_>) -> TeeResult<()> {
        let r = self.change_inner(env, num, op);
        if r.is_err() {
            // Memory may be ahead of the disk: reload from the last commit.
            if let Some(o) = self.objs.get_mut(&num) {
                o.tree = None;
            }
        }
        r
    }

    fn change_inner(
        &mut self,
        env: &mut Env<'_>,
        num: u32,
        op: &mut ChangeOp<'_>,
    ) -> TeeResult<()> {
        let o = self.objs.get_mut(&num).ok_or(TeeError::BAD_PARAMETERS)?;
        let fd = o.fd;
        let tree = o.tree.as_mut().ok_or(TeeError::CORRUPT_OBJECT)?;
        let shrink = {
            let mut io = FsFile {
                fs: &mut *env.fs,
                fd,
            };
            let s = op(tree, &mut io, &mut *env.rng)?;
            tree.sync(&mut io, &mut *env.rng)?;
            s
        };
        let hash = tree.root_hash();
        let st = self.dir_mut()?;
        let i = st.dir.find_number(num).ok_or(TeeError::CORRUPT_OBJECT)?;
        if let Some(e) = st.dir.entries.get_mut(i) {
            e.hash = hash;
        }
        st.pending.push(i);
        self.commit_dirf(env)?;
        if let Some(len) = shrink {
            // Committed: no version still needs the blocks past the end.
            let _ = env.fs.truncate(fd, len);
        }
        Ok(())
    }

    fn check_id(id: &[u8]) -> TeeResult<()> {
        if id.len() > OBJECT_ID_MAX_LEN {
            return Err(TeeError::BAD_PARAMETERS);
        }
        Ok(())
    }

    fn open_inner(&mut self, env: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId> {
        Self::check_id(id)?;
        self.load_dirf(env)?;
        let d = self.dir()?;
        let i = d.dir.find(ta, id).ok_or(TeeError::ITEM_NOT_FOUND)?;
        let num = d
            .dir
            .entries
            .get(i)
            .map(|e| e.file_number)
            .ok_or(TeeError::CORRUPT_OBJECT)?;
        if self.objs.contains_key(&num) {
            self.ready_num(env, num)?;
            return self.new_handle(num);
        }
        let fd = match env.fs.open(&file_name(num)) {
            // The directory names it, so a missing file is tampering.
            Err(TeeError::ITEM_NOT_FOUND) => return Err(TeeError::CORRUPT_OBJECT),
            r => r?,
        };
        let tsk = self.ssk.tsk(Some(ta));
        match self.open_tree(env, fd, &tsk, num) {
            Ok(t) => {
                self.objs.insert(
                    num,
                    ObjState {
                        fd,
                        uuid: *ta,
                        tsk,
                        tree: Some(t),
                        refs: 0,
                    },
                );
                self.new_handle(num)
            }
            Err(e) => {
                let _ = env.fs.close(fd);
                Err(e)
            }
        }
    }

    fn ready_num(&mut self, env: &mut Env<'_>, num: u32) -> TeeResult<()> {
        let (fd, tsk, loaded) = {
            let o = self.objs.get(&num).ok_or(TeeError::BAD_PARAMETERS)?;
            (o.fd, o.tsk.clone(), o.tree.is_some())
        };
        if !loaded {
            let t = self.open_tree(env, fd, &tsk, num)?;
            if let Some(o) = self.objs.get_mut(&num) {
                o.tree = Some(t);
            }
        }
        Ok(())
    }

    fn create_inner(
        &mut self,
        env: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        content: &mut dyn Content,
        overwrite: bool,
    ) -> TeeResult<FileId> {
        Self::check_id(id)?;
        self.load_dirf(env)?;
        let (old, num) = {
            let d = self.dir()?;
            let old = d.dir.find(ta, id);
            if old.is_some() && !overwrite {
                return Err(TeeError::ACCESS_CONFLICT);
            }
            (old, d.dir.free_number())
        };
        let old_num = match old {
            Some(i) => self.dir()?.dir.entries.get(i).map(|e| e.file_number),
            None => None,
        };
        let name = file_name(num);
        let fd = env.fs.create(&name)?;
        let tsk = self.ssk.tsk(Some(ta));
        let built = (|| {
            let mut tree = HashTree::create(&tsk, &mut *env.rng, OBJ_CACHE_BLOCKS)?;
            let mut io = FsFile {
                fs: &mut *env.fs,
                fd,
            };
            write_content(&mut tree, &mut io, &mut *env.rng, content)?;
            tree.sync(&mut io, &mut *env.rng)?;
            Ok(tree)
        })();
        let mut writing_dirf = false;
        let committed = built.and_then(|tree| {
            let st = self.dir_mut()?;
            let idx = old.unwrap_or_else(|| st.dir.free_index());
            st.dir.set(idx, Entry::new(ta, id, tree.root_hash(), num))?;
            st.pending.push(idx);
            writing_dirf = true;
            self.commit_dirf(env)?;
            Ok(tree)
        });
        let tree = match committed {
            Ok(t) => t,
            Err(e) => {
                let _ = env.fs.close(fd);
                // Whether `dirf.db` names the new file is the disk's to say,
                // not the failed call's: the anchor fails only past the
                // commit point, and a write's answer can be lost after it
                // landed. A named file stays (removing it would turn every
                // later open into CORRUPT_OBJECT), and the one it replaced
                // goes.
                if !writing_dirf {
                    let _ = env.fs.remove(&name);
                } else if self.reload_dirf(env) {
                    if !self.names(num) {
                        let _ = env.fs.remove(&name);
                    } else if let Some(n) = old_num.filter(|&n| !self.names(n)) {
                        self.forget_obj(env, n);
                        let _ = env.fs.remove(&file_name(n));
                    }
                }
                return Err(e);
            }
        };
        if let Some(n) = old_num {
            // Replaced: the old file is no longer named anywhere.
            self.forget_obj(env, n);
            let _ = env.fs.remove(&file_name(n));
        }
        self.objs.insert(
            num,
            ObjState {
                fd,
                uuid: *ta,
                tsk,
                tree: Some(tree),
                refs: 0,
            },
        );
        self.new_handle(num)
    }

    fn remove_inner(&mut self, env: &mut Env<'_>, f: FileId) -> TeeResult<()> {
        let num = self.num_of(f)?;
        self.load_dirf(env)?;
        let st = self.dir_mut()?;
        let i = st.dir.find_number(num).ok_or(TeeError::CORRUPT_OBJECT)?;
        st.dir.set(i, Entry::FREE)?;
        st.pending.push(i);
        let r = self.commit_dirf(env);
        // Removed only once `dirf.db` on disk no longer names it (the
        // anchor fails past the commit point, an answer can be lost).
        if r.is_ok() || (self.reload_dirf(env) && !self.names(num)) {
            self.forget_obj(env, num);
            let _ = env.fs.remove(&file_name(num));
        }
        r
    }

    /// After a failed commit: `dirf.db` as committed on disk, reloaded;
    /// `false` when it cannot be read (the caller then keeps its files:
    /// a leaked file is truncated by the create that reuses its number).
    fn reload_dirf(&mut self, env: &mut Env<'_>) -> bool {
        self.drop_dirf(env);
        self.load_dirf(env).is_ok()
    }

    /// Whether the loaded `dirf.db` names file `num`.
    fn names(&self, num: u32) -> bool {
        self.dir().is_ok_and(|d| d.dir.find_number(num).is_some())
    }

    fn rename_inner(&mut self, env: &mut Env<'_>, f: FileId, new_id: &[u8]) -> TeeResult<()> {
        Self::check_id(new_id)?;
        let num = self.num_of(f)?;
        self.load_dirf(env)?;
        let uuid = self
            .objs
            .get(&num)
            .map(|o| o.uuid)
            .ok_or(TeeError::BAD_PARAMETERS)?;
        let st = self.dir_mut()?;
        if st.dir.find(&uuid, new_id).is_some() {
            return Err(TeeError::ACCESS_CONFLICT);
        }
        let i = st.dir.find_number(num).ok_or(TeeError::CORRUPT_OBJECT)?;
        if let Some(e) = st.dir.entries.get_mut(i) {
            e.set_id(new_id);
        }
        st.pending.push(i);
        self.commit_dirf(env)
    }

    fn list_inner(&mut self, env: &mut Env<'_>, ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        self.load_dirf(env)?;
        let mut out = Vec::new();
        for e in self.dir()?.dir.list(ta) {
            out.try_reserve(1).map_err(|_| TeeError::OUT_OF_MEMORY)?;
            out.push(e.id().to_vec());
        }
        Ok(out)
    }
}

/// Objects by (TA, object id), each one file of bytes: what the GP storage
/// system calls need from a backend (REE FS, RPMB, a test double).
pub trait ObjectStore {
    /// Opens object `id` of TA `ta` (`TEE_ERROR_ITEM_NOT_FOUND` when absent,
    /// `TEE_ERROR_CORRUPT_OBJECT` when it fails its checks).
    fn open(&mut self, env: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId>;
    /// Creates object `id` with `content`, atomically; an existing object is
    /// replaced when `overwrite`, else `TEE_ERROR_ACCESS_CONFLICT`.
    fn create_from(
        &mut self,
        env: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        content: &mut dyn Content,
        overwrite: bool,
    ) -> TeeResult<FileId>;
    /// [`ObjectStore::create_from`] with the content in one buffer.
    fn create(
        &mut self,
        env: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        mut content: &[u8],
        overwrite: bool,
    ) -> TeeResult<FileId> {
        self.create_from(env, ta, id, &mut content, overwrite)
    }
    /// Forgets an open object.
    fn close(&mut self, env: &mut Env<'_>, f: FileId);
    /// Length of the object's content.
    fn size(&self, f: FileId) -> TeeResult<u64>;
    /// Reads at `pos`; returns the bytes read (short at the end).
    fn read(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, buf: &mut [u8]) -> TeeResult<usize>;
    /// Writes at `pos`, zero-filling a hole past the end; atomic.
    fn write(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, data: &[u8]) -> TeeResult<()>;
    /// Sets the content's length (zero-filled when it grows); atomic.
    fn truncate(&mut self, env: &mut Env<'_>, f: FileId, len: u64) -> TeeResult<()>;
    /// Deletes the object and closes `f`.
    fn remove(&mut self, env: &mut Env<'_>, f: FileId) -> TeeResult<()>;
    /// Gives the object a new id (`TEE_ERROR_ACCESS_CONFLICT` when taken).
    fn rename(&mut self, env: &mut Env<'_>, f: FileId, new_id: &[u8]) -> TeeResult<()>;
    /// The ids of TA `ta`'s objects, in storage order.
    fn list(&mut self, env: &mut Env<'_>, ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>>;
}

impl ObjectStore for ReeStore {
    fn open(&mut self, env: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId> {
        let r = self.open_inner(env, ta, id);
        self.finish(env, r)
    }

    fn create_from(
        &mut self,
        env: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        content: &mut dyn Content,
        overwrite: bool,
    ) -> TeeResult<FileId> {
        let r = self.create_inner(env, ta, id, content, overwrite);
        self.finish(env, r)
    }

    fn close(&mut self, env: &mut Env<'_>, f: FileId) {
        if let Some(num) = self.handles.remove(&f.0) {
            let last = match self.objs.get_mut(&num) {
                Some(o) => {
                    o.refs = o.refs.saturating_sub(1);
                    o.refs == 0
                }
                None => false,
            };
            if last {
                self.forget_obj(env, num);
            }
        }
        let _ = self.finish(env, Ok(()));
    }

    fn size(&self, f: FileId) -> TeeResult<u64> {
        let num = self.num_of(f)?;
        let o = self.objs.get(&num).ok_or(TeeError::BAD_PARAMETERS)?;
        o.tree
            .as_ref()
            .map(HashTree::length)
            .ok_or(TeeError::CORRUPT_OBJECT)
    }

    fn read(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, buf: &mut [u8]) -> TeeResult<usize> {
        let r = (|| {
            let num = self.ready(env, f)?;
            let o = self.objs.get_mut(&num).ok_or(TeeError::BAD_PARAMETERS)?;
            let tree = o.tree.as_mut().ok_or(TeeError::CORRUPT_OBJECT)?;
            let mut io = FsFile {
                fs: &mut *env.fs,
                fd: o.fd,
            };
            let r = tree.read(&mut io, pos, buf);
            if r.is_err() {
                o.tree = None;
            }
            r
        })();
        self.finish(env, r)
    }

    fn write(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, data: &[u8]) -> TeeResult<()> {
        let r = (|| {
            let num = self.ready(env, f)?;
            self.change(env, num, &mut |t, io, rng| {
                t.write(io, rng, pos, data)?;
                Ok(None)
            })
        })();
        let r = self.finish(env, r);
        self.reload_after_error(env, f, &r);
        r
    }

    fn truncate(&mut self, env: &mut Env<'_>, f: FileId, len: u64) -> TeeResult<()> {
        let r = (|| {
            let num = self.ready(env, f)?;
            self.change(env, num, &mut |t, io, rng| {
                let old_blocks = t.length().div_ceil(4096);
                t.truncate(io, rng, len)?;
                Ok((len.div_ceil(4096) < old_blocks).then(|| shrink_file_len(len)))
            })
        })();
        let r = self.finish(env, r);
        self.reload_after_error(env, f, &r);
        r
    }

    fn remove(&mut self, env: &mut Env<'_>, f: FileId) -> TeeResult<()> {
        let r = self.remove_inner(env, f);
        self.finish(env, r)
    }

    fn rename(&mut self, env: &mut Env<'_>, f: FileId, new_id: &[u8]) -> TeeResult<()> {
        let r = self.rename_inner(env, f, new_id);
        self.finish(env, r)
    }

    fn list(&mut self, env: &mut Env<'_>, ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        let r = self.list_inner(env, ta);
        self.finish(env, r)
    }
}

impl ReeStore {
    /// After a failed change, reloads the object's last commit so that
    /// `size` answers (best effort: a failure leaves it to the next call).
    fn reload_after_error(&mut self, env: &mut Env<'_>, f: FileId, r: &TeeResult<()>) {
        if r.is_err() {
            let _ = self.ready(env, f);
            let _ = self.finish(env, Ok(()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_are_slash_and_hex() {
        for num in [
            0u32,
            1,
            9,
            0xa,
            0xf,
            0x10,
            0xff,
            0x100,
            0xabcd,
            0x1000_0000,
            u32::MAX,
        ] {
            assert_eq!(&*file_name(num), alloc::format!("/{num:x}"));
        }
        assert_eq!(&*file_name(0), "/0");
        assert_eq!(&*file_name(u32::MAX), "/ffffffff");
    }
}
