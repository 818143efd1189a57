//! The parameter window of a TA's address space: the memref buffers of the
//! running call, mapped page by page into level-3 tables kept for the
//! instance's life (grown 2 MiB at a time), so a call maps and unmaps its
//! buffers by writing their leaf entries only, with TLB invalidation by VA,
//! instead of rebuilding the tree and flushing the ASID.
//!
//! A buffer is either normal-world shared memory (`NS` = 1, read-only for an
//! input) or a copy in the instance's frames (TA-to-TA calls, empty
//! buffers). An unmapped guard page lies before and after every buffer.
//!
//! The core never writes a client's input buffer. When a system call writes
//! into one for the TA (xtest's crypt TA points an SM2 key-exchange output
//! attribute into its input buffer, as OP-TEE, which maps inputs writable,
//! allows), the page is first replaced by a private copy (break before
//! make: unmapped, its TLB entries dropped, the copy mapped read-only), as
//! when every memref was a copy.

use alloc::sync::Arc;
use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

use oxtee_frames::{FrameRange, Owner};
use oxtee_mm::{LeafTables, UserKind, LEAF_TABLE_SPAN};
use oxtee_shm::PageList;

use super::hw::UserHw;
use super::space::{Access, Phys, PAGE};
use super::Frames;

/// Where the window lies in every TA's address space (the top 256 MiB of
/// the TA window, 128 level-3 tables at most).
pub const PARAMS: core::ops::Range<u64> = 0xb000_0000..0xc000_0000;

/// Where the pages of a parameter buffer come from.
#[derive(Debug)]
pub enum ParamPages {
    /// Normal-world shared memory, page by page; read-only unless
    /// `writable` (OUTPUT, INOUT).
    Shared {
        /// Physical address of each page.
        pages: PageList,
        /// The TA may write it.
        writable: bool,
    },
    /// A copy in frames of the instance (read-write), owned by the window
    /// once mapped and freed with the mapping.
    Copy(FrameRange),
}

/// One mapped buffer.
#[derive(Debug)]
struct Buf {
    va: u64,
    pages: PageList,
    /// Pages replaced by a private copy (a frame of the instance); empty
    /// until the first one is.
    private: Vec<bool>,
    nonsecure: bool,
    writable: bool,
    copy: Option<FrameRange>,
}

impl Buf {
    fn end(&self) -> u64 {
        self.va + self.pages.len() as u64 * PAGE
    }

    fn is_private(&self, i: usize) -> bool {
        self.private.get(i).copied().unwrap_or(false)
    }
}

/// The window's tables and the buffers mapped now.
#[derive(Default)]
pub struct ParamWindow {
    /// One frame per 2 MiB, in VA order from `PARAMS.start`.
    tables: Vec<FrameRange>,
    /// Their physical addresses, for linking and patching.
    table_pas: Vec<u64>,
    /// In VA order.
    bufs: Vec<Buf>,
    /// The frame pool, for private copies of input pages.
    frames: Option<Arc<Frames>>,
    /// CPUs the TA ran on while the buffers were mapped (bit n: CPU n):
    /// those whose TLBs may hold their pages.
    cpus: u64,
}

impl ParamWindow {
    /// Buffers mapped now.
    pub fn mapped(&self) -> usize {
        self.bufs.len()
    }

    /// Level-3 tables the window holds.
    pub fn tables(&self) -> usize {
        self.tables.len()
    }

    /// Maps a buffer at the first free range with a guard page on both
    /// sides, growing the tables if needed (the tree must then be rebuilt
    /// to link them before the TA runs: [`ParamWindow::tables`] tells),
    /// writing only its leaf entries. Returns its VA. On error nothing is
    /// mapped and a `Copy`'s frames stay the caller's.
    pub fn map(
        &mut self,
        frames: &Arc<Frames>,
        hw: &dyn UserHw,
        owner: Owner,
        what: ParamPages,
    ) -> Result<u64, TeeError> {
        if self.frames.is_none() {
            self.frames = Some(Arc::clone(frames));
        }
        let (pages, nonsecure, writable, copy) = match what {
            ParamPages::Shared { pages, writable } => (pages, true, writable, None),
            ParamPages::Copy(f) => {
                let pages = PageList::try_collect(f.frames() as usize, f.frame_addrs())
                    .map_err(|_| TeeError::OUT_OF_MEMORY)?;
                (pages, false, true, Some(f))
            }
        };
        if pages.is_empty() {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let va = self.free_va(pages.len())?;
        self.grow(frames, hw, owner, va + pages.len() as u64 * PAGE)?;
        let kind = match (nonsecure, writable) {
            (true, false) => UserKind::NsRo,
            (true, true) => UserKind::NsRw,
            (false, _) => UserKind::Rw,
        };
        let leaves = LeafTables {
            start: PARAMS.start,
            tables: &self.table_pas,
        };
        self.bufs
            .try_reserve(1)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        hw.map_leaves(&leaves, va, &pages, kind)?;
        let at = self.bufs.partition_point(|b| b.va < va);
        self.bufs.insert(
            at,
            Buf {
                va,
                pages,
                private: Vec::new(),
                nonsecure,
                writable,
                copy,
            },
        );
        Ok(va)
    }

    /// Records that the TA ran on CPU `cpu`.
    pub fn ran_on(&mut self, cpu: usize) {
        self.cpus |= 1u64.checked_shl(cpu as u32).unwrap_or(u64::MAX);
    }

    /// Unmaps every buffer: leaf entries cleared and their TLB entries of
    /// `asid` dropped, copies freed. Returns `false` if the machine could
    /// not unmap: the tables are then freed instead, and the tree must be
    /// rebuilt without them (which also flushes the ASID), so no page
    /// stays reachable.
    pub fn unmap_all(&mut self, frames: &Frames, hw: &dyn UserHw, asid: u16) -> bool {
        let cpus = core::mem::take(&mut self.cpus);
        if self.bufs.is_empty() {
            return true;
        }
        let leaves = LeafTables {
            start: PARAMS.start,
            tables: &self.table_pas,
        };
        let mut ok = self.table_pas.len() == self.tables.len();
        for b in self.bufs.drain(..) {
            if ok
                && hw
                    .unmap_leaves(&leaves, b.va, b.pages.len(), asid, cpus)
                    .is_err()
            {
                ok = false;
            }
            if let Some(f) = b.copy {
                let _ = frames.lock().free(f);
            }
            for (&pa, _) in b.pages.iter().zip(&b.private).filter(|(_, &p)| p) {
                if let Ok(f) = FrameRange::new(pa, 1) {
                    let _ = frames.lock().free(f);
                }
            }
        }
        if !ok {
            self.table_pas.clear();
            for t in self.tables.drain(..) {
                let _ = frames.lock().free(t);
            }
        }
        ok
    }

    /// Whether `va` lies in a mapped buffer of the client's memory (`true`,
    /// even where the core made a private copy of an input page) or in a
    /// copy of a calling TA's (`false`); `None` outside every buffer.
    pub(super) fn client_memory(&self, va: u64) -> Option<bool> {
        self.bufs
            .iter()
            .find(|b| va >= b.va && va < b.end())
            .map(|b| b.nonsecure)
    }

    /// The bytes from `va` to the end of the mapped buffer holding it, and
    /// whether that buffer is normal-world memory, if the TA may read it
    /// (and write it when `write`): every page of a buffer has its rights.
    pub(super) fn ta_span(&self, va: u64, write: bool) -> Option<(u64, bool)> {
        let b = self.bufs.iter().find(|b| va >= b.va && va < b.end())?;
        (!write || b.writable).then(|| (b.end() - va, b.nonsecure))
    }

    /// Where `va` is if it lies in a mapped buffer and `access` is allowed:
    /// the page's physical address, bytes left in the page, whether it is
    /// normal-world memory, and whether a store by the core needs a private
    /// copy of it first ([`ParamWindow::privatize`]).
    pub(super) fn translate(&self, va: u64, access: Access) -> Option<Phys> {
        let b = self.bufs.iter().find(|b| va >= b.va && va < b.end())?;
        let i = ((va - b.va) / PAGE) as usize;
        let (page, private) = (*b.pages.get(i)?, b.is_private(i));
        let copy_on_write = b.nonsecure && !b.writable && !private;
        let allowed = match access {
            Access::Read => true,
            Access::TaWrite => b.writable,
            Access::CoreWrite => b.writable || private || copy_on_write,
        };
        if !allowed {
            return None;
        }
        let in_page = va % PAGE;
        Some(Phys {
            pa: page + in_page,
            avail: PAGE - in_page,
            nonsecure: b.nonsecure && !private,
            copy_on_write: copy_on_write && access == Access::CoreWrite,
        })
    }

    /// Replaces the normal-world input page at `va` by a private copy in a
    /// frame of `owner`, mapped read-only for the TA (its old TLB entries of
    /// `asid` dropped first), so the core can write it without touching
    /// the client's buffer. Nothing to do for any other page.
    pub(super) fn privatize(
        &mut self,
        hw: &dyn UserHw,
        owner: Owner,
        asid: u16,
        va: u64,
    ) -> Result<(), TeeError> {
        let page_va = va & !(PAGE - 1);
        let Some(b) = self
            .bufs
            .iter()
            .position(|b| page_va >= b.va && page_va < b.end())
        else {
            return Ok(());
        };
        let i = ((page_va - self.bufs[b].va) / PAGE) as usize;
        let buf = &self.bufs[b];
        if !buf.nonsecure || buf.writable || buf.is_private(i) {
            return Ok(());
        }
        if buf.private.len() < buf.pages.len() {
            let n = buf.pages.len();
            let private = &mut self.bufs[b].private;
            private
                .try_reserve_exact(n)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            private.resize(n, false);
        }
        let buf = &self.bufs[b];
        let frames = self.frames.clone().ok_or(TeeError::BAD_STATE)?;
        let f = frames
            .lock()
            .alloc(owner, 1)
            .ok_or(TeeError::OUT_OF_MEMORY)?;
        let mut bytes = alloc::vec![0u8; PAGE as usize];
        let copied = hw
            .read_ns(buf.pages[i], &mut bytes)
            .and_then(|()| hw.write(f.start(), &bytes));
        if let Err(e) = copied {
            let _ = frames.lock().free(f);
            return Err(e);
        }
        let leaves = LeafTables {
            start: PARAMS.start,
            tables: &self.table_pas,
        };
        if let Err(e) = hw.unmap_leaves(&leaves, page_va, 1, asid, self.cpus) {
            let _ = frames.lock().free(f);
            return Err(e);
        }
        // From here the page is the private copy's (freed with the buffer),
        // even if it cannot be mapped: the TA then faults on it, and the
        // unmapping at the end of the call fails safe.
        let buf = &mut self.bufs[b];
        buf.pages[i] = f.start();
        buf.private[i] = true;
        hw.map_leaves(&leaves, page_va, &[f.start()], UserKind::Ro)
    }

    /// Gives the window its first table (before the first tree is built,
    /// so a first call's buffers need no rebuild).
    pub(super) fn reserve_first_table(
        &mut self,
        frames: &Frames,
        hw: &dyn UserHw,
        owner: Owner,
    ) -> Result<(), TeeError> {
        self.grow(frames, hw, owner, PARAMS.start + PAGE)
    }

    /// The tables' physical addresses, for linking and patching.
    pub(super) fn table_pas(&self) -> &[u64] {
        &self.table_pas
    }

    /// The first free VA for `pages` pages, after a guard page and leaving
    /// one before the next buffer.
    fn free_va(&self, pages: usize) -> Result<u64, TeeError> {
        let len = (pages as u64)
            .checked_mul(PAGE)
            .ok_or(TeeError::OUT_OF_MEMORY)?;
        let mut va = PARAMS.start + PAGE;
        for (start, end) in self.bufs.iter().map(|b| (b.va, b.end())) {
            let fits = va
                .checked_add(len)
                .and_then(|e| e.checked_add(PAGE))
                .is_some_and(|e| e <= start);
            if fits {
                break;
            }
            va = va.max(end + PAGE);
        }
        match va.checked_add(len) {
            Some(end) if end <= PARAMS.end => Ok(va),
            _ => Err(TeeError::OUT_OF_MEMORY),
        }
    }

    /// Adds zeroed tables until they cover `end`.
    fn grow(
        &mut self,
        frames: &Frames,
        hw: &dyn UserHw,
        owner: Owner,
        end: u64,
    ) -> Result<(), TeeError> {
        let needed = (end - PARAMS.start).div_ceil(LEAF_TABLE_SPAN) as usize;
        while self.tables.len() < needed {
            self.tables
                .try_reserve(1)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            self.table_pas
                .try_reserve(1)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            let t = frames
                .lock()
                .alloc(owner, 1)
                .ok_or(TeeError::OUT_OF_MEMORY)?;
            if let Err(e) = hw.zero(t.start(), t.size()) {
                let _ = frames.lock().free(t);
                return Err(e);
            }
            self.table_pas.push(t.start());
            self.tables.push(t);
        }
        Ok(())
    }
}
