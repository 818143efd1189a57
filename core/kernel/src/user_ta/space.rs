//! A TA instance's address space: which frames back which user addresses,
//! checked copies in and out of TA memory, translation tables rebuilt when
//! the fixed mappings change, and the parameter window, whose pages are
//! patched in place call by call.

use alloc::sync::Arc;
use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

use oxtee_frames::{FrameRange, Owner, FRAME_SIZE};
use oxtee_mm::{LeafTables, UserKind, UserMapping, UserRoot, TA_WINDOW};

use super::hw::UserHw;
use super::Frames;

/// Page size of TA mappings.
pub const PAGE: u64 = FRAME_SIZE;
/// Where `MAP_ZI` memory is placed.
pub const DYNAMIC: core::ops::Range<u64> = 0xa000_0000..0xb000_0000;
pub use super::param_window::{ParamPages, ParamWindow, PARAMS};

/// Rounds `v` up to a page multiple (`None` on overflow).
pub fn page_up(v: u64) -> Option<u64> {
    Some(v.checked_add(PAGE - 1)? & !(PAGE - 1))
}

/// What a region holds (decides how it may be unmapped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// ELF module pages, stack, loader data: live as long as the instance.
    Fixed,
    /// `PTA_SYSTEM_MAP_ZI` memory: the TA may unmap it.
    ZeroFill,
    /// A parameter buffer of the running call (a copy of normal-world
    /// memory when `nonsecure`, else of the calling TA's memory).
    Param {
        /// The buffer stands for normal-world shared memory.
        nonsecure: bool,
    },
}

impl Use {
    fn same_kind(self, other: Use) -> bool {
        core::mem::discriminant(&self) == core::mem::discriminant(&other)
    }
}

/// One mapped, physically contiguous region.
#[derive(Debug, Clone, Copy)]
struct Region {
    va: u64,
    frames: FrameRange,
    kind: UserKind,
    usage: Use,
    /// Mapped through `Space::views` (sub-ranges with their own rights)
    /// rather than as a whole.
    container: bool,
}

impl Region {
    fn end(&self) -> u64 {
        self.va + self.frames.size()
    }
}

/// A translated address: where it is, how much stays contiguous with the
/// same rights, whether it is normal-world memory, and whether a store by
/// the core needs a private copy of its page first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Phys {
    pub(super) pa: u64,
    pub(super) avail: u64,
    pub(super) nonsecure: bool,
    pub(super) copy_on_write: bool,
}

/// Whose rights an access is checked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// A load (by the TA or by the core for it).
    Read,
    /// A store by the TA itself, at EL0.
    TaWrite,
    /// A store the core makes for the TA (a system call's output): also
    /// into a normal-world input buffer, whose page it then copies first.
    CoreWrite,
}

/// The mappings of one TA instance and its translation tables.
pub struct Space {
    owner: Owner,
    asid: u16,
    regions: Vec<Region>,
    /// Extra mappings inside one region (sub-ranges with other attributes,
    /// e.g. the text and data of an ELF image in one frame run).
    views: Vec<UserMapping>,
    tables: Option<FrameRange>,
    root: Option<UserRoot>,
    stale: bool,
    /// Buffers of the running call, in their own kept tables (locked: the
    /// core's stores into input pages change it through `&self`).
    params: spin::Mutex<ParamWindow>,
}

impl Space {
    /// An empty space for frames of `owner`, tagged with `asid`.
    pub fn new(owner: Owner, asid: u16) -> Self {
        Self {
            owner,
            asid,
            regions: Vec::new(),
            views: Vec::new(),
            tables: None,
            root: None,
            stale: true,
            params: spin::Mutex::new(ParamWindow::default()),
        }
    }

    /// Owner tag of every frame of this space.
    pub fn owner(&self) -> Owner {
        self.owner
    }

    /// The ASID of this space.
    pub fn asid(&self) -> u16 {
        self.asid
    }

    /// Allocates `bytes` (page-rounded) of zeroed frames.
    pub fn alloc_frames(
        &self,
        frames: &Frames,
        hw: &dyn UserHw,
        bytes: u64,
    ) -> Result<FrameRange, TeeError> {
        let size = page_up(bytes.max(1)).ok_or(TeeError::OUT_OF_MEMORY)?;
        let r = frames
            .lock()
            .alloc(self.owner, size / PAGE)
            .ok_or(TeeError::OUT_OF_MEMORY)?;
        if let Err(e) = hw.zero(r.start(), r.size()) {
            let _ = frames.lock().free(r);
            return Err(e);
        }
        Ok(r)
    }

    /// Maps `frames` at `va` as one region with uniform attributes.
    pub fn map(
        &mut self,
        va: u64,
        frames: FrameRange,
        kind: UserKind,
        usage: Use,
    ) -> Result<(), TeeError> {
        let end = va
            .checked_add(frames.size())
            .ok_or(TeeError::BAD_PARAMETERS)?;
        if va % PAGE != 0 || va < TA_WINDOW.start || end > PARAMS.start {
            return Err(TeeError::BAD_PARAMETERS);
        }
        if self.regions.iter().any(|r| va < r.end() && r.va < end) {
            return Err(TeeError::BAD_PARAMETERS);
        }
        // Kept in VA order, so an address is found by binary search.
        let at = self.regions.partition_point(|r| r.va < va);
        self.regions.insert(
            at,
            Region {
                va,
                frames,
                kind,
                usage,
                container: false,
            },
        );
        self.stale = true;
        Ok(())
    }

    /// The region that holds `va`.
    fn region_at(&self, va: u64) -> Option<&Region> {
        let after = self.regions.partition_point(|r| r.va <= va);
        let r = self.regions.get(after.checked_sub(1)?)?;
        (va < r.end()).then_some(r)
    }

    /// Maps `frames` at `va` with per-range attributes: `views` (relative
    /// to `va`, page aligned, non-overlapping, inside the run) say which part
    /// is text/read-only/read-write; parts not named stay unmapped.
    pub fn map_views(
        &mut self,
        va: u64,
        frames: FrameRange,
        views: &[(u64, u64, UserKind)],
    ) -> Result<(), TeeError> {
        self.map(va, frames, UserKind::Ro, Use::Fixed)?;
        // The region itself is only bookkeeping: its pages are mapped by views.
        if let Some(r) = self.regions.iter_mut().find(|r| r.va == va) {
            r.container = true;
        }
        for &(off, len, kind) in views {
            let ok = off % PAGE == 0
                && len % PAGE == 0
                && off.checked_add(len).is_some_and(|e| e <= frames.size());
            if !ok {
                return Err(TeeError::BAD_FORMAT);
            }
            self.views.push(UserMapping {
                va: va + off,
                pa: frames.start() + off,
                size: len,
                kind,
            });
        }
        Ok(())
    }

    /// A free, page-aligned address range of `size` bytes in the dynamic
    /// area, with an unmapped guard page on each side.
    pub fn find_free(&self, size: u64) -> Option<u64> {
        let mut va = DYNAMIC.start;
        loop {
            let end = va.checked_add(size)?;
            if end > DYNAMIC.end {
                return None;
            }
            let clash = self
                .regions
                .iter()
                .filter(|r| va < r.end() + PAGE && r.va < end + PAGE)
                .map(|r| r.end())
                .max();
            match clash {
                None => return Some(va),
                Some(e) => va = e + PAGE,
            }
        }
    }

    /// Removes the region mapped exactly at `va` (with `size` bytes when
    /// given) if its use is `usage`; returns its frames (to be freed).
    pub fn unmap(&mut self, va: u64, size: Option<u64>, usage: Use) -> Option<FrameRange> {
        let i = self.regions.iter().position(|r| {
            r.va == va
                && r.usage.same_kind(usage)
                && size.is_none_or(|s| page_up(s) == Some(r.frames.size()))
        })?;
        let r = self.regions.remove(i);
        self.stale = true;
        Some(r.frames)
    }

    /// How the region holding `va` is used.
    pub fn usage_at(&self, va: u64) -> Option<Use> {
        if let Some(nonsecure) = self.params.lock().client_memory(va) {
            return Some(Use::Param { nonsecure });
        }
        self.region_at(va).map(|r| r.usage)
    }

    /// Maps a parameter buffer for the running call into the parameter
    /// window (see [`ParamWindow::map`]); returns the VA of its first page.
    /// On error nothing is mapped and a `Copy`'s frames stay the caller's.
    pub fn map_param(
        &mut self,
        frames: &Arc<Frames>,
        hw: &dyn UserHw,
        what: ParamPages,
    ) -> Result<u64, TeeError> {
        let params = self.params.get_mut();
        let tables = params.tables();
        let r = params.map(frames, hw, self.owner, what);
        // New tables (even of a failed call) are linked when the tree is
        // next built.
        self.stale |= params.tables() != tables;
        r
    }

    /// Unmaps every parameter buffer (see [`ParamWindow::unmap_all`]).
    pub fn unmap_params(&mut self, frames: &Frames, hw: &dyn UserHw) {
        if !self.params.get_mut().unmap_all(frames, hw, self.asid) {
            // The window's tables are gone: rebuild without them.
            self.stale = true;
        }
    }

    /// Records that the TA ran on CPU `cpu` (its TLB may hold parameter
    /// pages until they are unmapped).
    pub fn ran_on(&mut self, cpu: usize) {
        self.params.get_mut().ran_on(cpu);
    }

    /// The parameter window.
    pub fn params(&self) -> spin::MutexGuard<'_, ParamWindow> {
        self.params.lock()
    }

    /// Every page of `[va, va + len)` is mapped, and writable when `write`
    /// by the core for the TA (into an input buffer, by a private copy of
    /// its pages). An empty range is accepted only at a mapped address or 0.
    pub fn check(&self, va: u64, len: u64, write: bool) -> bool {
        let access = if write {
            Access::CoreWrite
        } else {
            Access::Read
        };
        self.walk(va, len, access, |_| {}).is_ok()
    }

    /// Walks `[va, va + len)` as the TA sees it, one stretch of the same
    /// rights and use at a time (a parameter buffer, a region, a view of
    /// one), and tells `f` how each stretch is used: what
    /// `TEE_CheckMemoryAccessRights` asks, at a cost per stretch rather than
    /// per page. `ACCESS_DENIED` at the first byte not mapped with the TA's
    /// own rights (writable at EL0 when `write`); `f`'s error stops the walk.
    pub fn walk_ta(
        &self,
        va: u64,
        len: u64,
        write: bool,
        mut f: impl FnMut(Use) -> Result<(), TeeError>,
    ) -> Result<(), TeeError> {
        let end = va.checked_add(len).ok_or(TeeError::ACCESS_DENIED)?;
        let mut at = va;
        while at < end {
            let (n, usage) = self.ta_span(at, write).ok_or(TeeError::ACCESS_DENIED)?;
            f(usage)?;
            at = at.saturating_add(n);
        }
        Ok(())
    }

    /// The bytes from `va` with the TA's rights and use of `va`'s (at least
    /// one), and that use; `None` unless mapped for the TA (writable when
    /// `write`).
    fn ta_span(&self, va: u64, write: bool) -> Option<(u64, Use)> {
        if PARAMS.contains(&va) {
            let (n, nonsecure) = self.params.lock().ta_span(va, write)?;
            return Some((n, Use::Param { nonsecure }));
        }
        let access = if write { Access::TaWrite } else { Access::Read };
        let avail = self.translate(va, access)?.avail;
        Some((avail, self.region_at(va)?.usage))
    }

    /// Calls `f` for each physically contiguous piece of the range, with
    /// its length in `avail`.
    fn walk(
        &self,
        va: u64,
        len: u64,
        access: Access,
        mut f: impl FnMut(Phys),
    ) -> Result<(), TeeError> {
        let end = va.checked_add(len).ok_or(TeeError::ACCESS_DENIED)?;
        let mut at = va;
        while at < end {
            let p = self.translate(at, access).ok_or(TeeError::ACCESS_DENIED)?;
            let n = p.avail.min(end - at);
            f(Phys { avail: n, ..p });
            at += n;
        }
        Ok(())
    }

    /// Where `va` is and how many bytes stay contiguous with the same
    /// rights from there; `None` unless mapped for `access`.
    fn translate(&self, va: u64, access: Access) -> Option<Phys> {
        if PARAMS.contains(&va) {
            return self.params.lock().translate(va, access);
        }
        let allowed = |k: UserKind| access == Access::Read || k == UserKind::Rw;
        let secure = |pa: u64, avail: u64| Phys {
            pa,
            avail,
            nonsecure: false,
            copy_on_write: false,
        };
        let r = self.region_at(va)?;
        if !r.container {
            return allowed(r.kind).then(|| secure(r.frames.start() + (va - r.va), r.end() - va));
        }
        let v = self
            .views
            .iter()
            .find(|v| va >= v.va && va < v.va + v.size)?;
        allowed(v.kind).then(|| secure(v.pa + (va - v.va), v.va + v.size - va))
    }

    /// Copies TA memory at `va` into `dst` (every byte must be mapped);
    /// normal-world parameter pages are read through the core's accessor
    /// of normal-world memory, once.
    pub fn read(&self, hw: &dyn UserHw, va: u64, dst: &mut [u8]) -> Result<(), TeeError> {
        let (mut off, mut copied) = (0, Ok(()));
        self.walk(va, dst.len() as u64, Access::Read, |p| {
            let n = p.avail as usize;
            if copied.is_ok() {
                let d = &mut dst[off..off + n];
                copied = if p.nonsecure {
                    hw.read_ns(p.pa, d)
                } else {
                    hw.read(p.pa, d)
                };
            }
            off += n;
        })?;
        copied
    }

    /// Copies `src` into TA memory at `va` (every byte mapped writable for
    /// the core). The core never writes a client's input buffer: pages of
    /// one are first replaced by private copies, which the TA then reads.
    pub fn write(&self, hw: &dyn UserHw, va: u64, src: &[u8]) -> Result<(), TeeError> {
        let len = src.len() as u64;
        // Check the whole range first so a failed copy writes nothing.
        let mut cow = false;
        self.walk(va, len, Access::CoreWrite, |p| cow |= p.copy_on_write)?;
        if cow {
            let mut params = self.params.lock();
            let mut page = va & !(PAGE - 1);
            while page < va + len {
                params.privatize(hw, self.owner, self.asid, page)?;
                page += PAGE;
            }
        }
        let (mut off, mut copied) = (0, Ok(()));
        self.walk(va, len, Access::CoreWrite, |p| {
            let n = p.avail as usize;
            if copied.is_ok() {
                let s = &src[off..off + n];
                copied = if p.nonsecure {
                    hw.write_ns(p.pa, s)
                } else {
                    hw.write(p.pa, s)
                };
            }
            off += n;
        })?;
        copied
    }

    /// Copies `len` bytes of TA memory into a new vector (fallible allocation).
    pub fn read_vec(&self, hw: &dyn UserHw, va: u64, len: u64) -> Result<Vec<u8>, TeeError> {
        if !self.check(va, len, false) {
            return Err(TeeError::ACCESS_DENIED);
        }
        let n = usize::try_from(len).map_err(|_| TeeError::OUT_OF_MEMORY)?;
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        v.resize(n, 0);
        self.read(hw, va, &mut v)?;
        Ok(v)
    }

    /// Reads a little-endian u32 / u64 at `va`.
    pub fn read_u32(&self, hw: &dyn UserHw, va: u64) -> Result<u32, TeeError> {
        let mut b = [0u8; 4];
        self.read(hw, va, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Reads a little-endian u64 at `va`.
    pub fn read_u64(&self, hw: &dyn UserHw, va: u64) -> Result<u64, TeeError> {
        let mut b = [0u8; 8];
        self.read(hw, va, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// The mappings the hardware tables must hold.
    fn mappings(&self) -> Vec<UserMapping> {
        let mut v: Vec<UserMapping> = self
            .regions
            .iter()
            .filter(|r| !r.container)
            .map(|r| UserMapping {
                va: r.va,
                pa: r.frames.start(),
                size: r.frames.size(),
                kind: r.kind,
            })
            .collect();
        v.extend_from_slice(&self.views);
        v
    }

    /// The root to run this space with, rebuilding the tables when the
    /// mappings changed. The flag says the ASID's TLB entries are stale.
    pub fn ttbr0(
        &mut self,
        frames: &Frames,
        hw: &dyn UserHw,
    ) -> Result<(UserRoot, bool), TeeError> {
        if let (false, Some(root)) = (self.stale, self.root) {
            return Ok((root, false));
        }
        let maps = self.mappings();
        // Root + window level 2 + one level 3 per 2 MiB slot touched.
        let mut slots: Vec<u64> = Vec::new();
        for m in &maps {
            if m.size == 0 {
                continue;
            }
            let mut s = m.va >> 21;
            while s <= (m.va + m.size - 1) >> 21 {
                if !slots.contains(&s) {
                    slots.push(s);
                }
                s += 1;
            }
        }
        let need = 2 + slots.len() as u64;
        // The parameter window gets its first table with the first tree, so
        // a first call's buffers need no rebuild.
        let params = self.params.get_mut();
        params.reserve_first_table(frames, hw, self.owner)?;
        let leaf_tables = params.table_pas();
        if let Some(old) = self.tables.take() {
            // The CPU may still run on the old tree (the core serves the
            // TA's system calls on it): off it before its frames go.
            hw.leave_user_space();
            let _ = frames.lock().free(old);
        }
        let arena = frames
            .lock()
            .alloc(self.owner, need)
            .ok_or(TeeError::OUT_OF_MEMORY)?;
        if let Err(e) = hw.zero(arena.start(), arena.size()) {
            let _ = frames.lock().free(arena);
            return Err(e);
        }
        self.tables = Some(arena);
        self.root = None;
        let leaves = LeafTables {
            start: PARAMS.start,
            tables: leaf_tables,
        };
        let root = hw.build_tables(arena, &maps, &leaves)?;
        let root = root.with_asid(self.asid).map_err(|_| TeeError::GENERIC)?;
        self.root = Some(root);
        self.stale = false;
        Ok((root, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    const POOL: u64 = 0x1000_0000;
    const POOL_SIZE: u64 = 4 << 20;

    /// Normal-world RAM of the fake machine.
    const NS_RAM: u64 = 0x4000_0000;
    const NS_SIZE: u64 = 1 << 20;

    /// The last tree built: its arena, the arena's address, its kept tables.
    type Tree = (Vec<oxtee_mm::Table>, u64, Vec<u64>);

    /// TA frames as one vector, normal-world RAM as another; trees are
    /// built for real and kept (last one), leaf tables patched in the
    /// frames; TLB invalidations recorded; TAs never run.
    struct Hw {
        mem: StdMutex<Vec<u8>>,
        ns: StdMutex<Vec<u8>>,
        built: StdMutex<Vec<(FrameRange, Vec<UserMapping>)>>,
        tree: StdMutex<Option<Tree>>,
        /// (va, pages, asid) of every unmap.
        dropped: StdMutex<Vec<(u64, usize, u16)>>,
        fail_unmap: core::sync::atomic::AtomicBool,
        /// Calls of `leave_user_space`.
        left: core::sync::atomic::AtomicUsize,
    }

    impl Hw {
        fn new() -> Self {
            Self {
                mem: StdMutex::new(vec![0; POOL_SIZE as usize]),
                ns: StdMutex::new(vec![0; NS_SIZE as usize]),
                built: StdMutex::new(Vec::new()),
                tree: StdMutex::new(None),
                dropped: StdMutex::new(Vec::new()),
                fail_unmap: core::sync::atomic::AtomicBool::new(false),
                left: core::sync::atomic::AtomicUsize::new(0),
            }
        }
        fn at(pa: u64, len: usize) -> core::ops::Range<usize> {
            assert!(
                pa >= POOL && pa + len as u64 <= POOL + POOL_SIZE,
                "pa {pa:#x}+{len:#x}"
            );
            let o = (pa - POOL) as usize;
            o..o + len
        }
        fn ns_at(pa: u64, len: usize) -> Result<core::ops::Range<usize>, TeeError> {
            if pa < NS_RAM || pa + len as u64 > NS_RAM + NS_SIZE {
                return Err(TeeError::GENERIC);
            }
            let o = (pa - NS_RAM) as usize;
            Ok(o..o + len)
        }
        fn fill(&self, pa: u64, len: usize, b: u8) {
            self.mem.lock().unwrap()[Self::at(pa, len)].fill(b);
        }
        fn table(&self, pa: u64) -> oxtee_mm::Table {
            let mem = self.mem.lock().unwrap();
            let bytes = &mem[Self::at(pa, PAGE as usize)];
            core::array::from_fn(|i| {
                u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap())
            })
        }
        fn put_table(&self, pa: u64, t: &oxtee_mm::Table) {
            let mut mem = self.mem.lock().unwrap();
            for (i, d) in t.iter().enumerate() {
                let o = Self::at(pa + 8 * i as u64, 8);
                mem[o].copy_from_slice(&d.to_le_bytes());
            }
        }
        /// Runs `f` on the kept tables as they are in the frames.
        fn patch<R>(
            &self,
            leaves: &LeafTables<'_>,
            f: impl FnOnce(&mut [&mut oxtee_mm::Table]) -> R,
        ) -> R {
            let mut ts: Vec<oxtee_mm::Table> =
                leaves.tables.iter().map(|&pa| self.table(pa)).collect();
            let r = f(&mut ts.iter_mut().collect::<Vec<_>>());
            for (t, &pa) in ts.iter().zip(leaves.tables) {
                self.put_table(pa, t);
            }
            r
        }
        /// What the MMU would find for `va` in the last tree built.
        fn walk(&self, va: u64) -> Result<oxtee_mm::Leaf, oxtee_mm::WalkFault> {
            let tree = self.tree.lock().unwrap();
            let (arena, arena_pa, leaves) = tree.as_ref().expect("a tree was built");
            let kept: Vec<oxtee_mm::Table> = leaves.iter().map(|&pa| self.table(pa)).collect();
            let mut arenas: Vec<(&[oxtee_mm::Table], u64)> = vec![(arena, *arena_pa)];
            for (t, &pa) in kept.iter().zip(leaves) {
                arenas.push((core::slice::from_ref(t), pa));
            }
            oxtee_mm::walk_arenas(&arenas, *arena_pa, va)
        }
    }

    impl UserHw for Hw {
        fn read(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError> {
            dst.copy_from_slice(&self.mem.lock().unwrap()[Self::at(pa, dst.len())]);
            Ok(())
        }
        fn write(&self, pa: u64, src: &[u8]) -> Result<(), TeeError> {
            self.mem.lock().unwrap()[Self::at(pa, src.len())].copy_from_slice(src);
            Ok(())
        }
        fn zero(&self, pa: u64, len: u64) -> Result<(), TeeError> {
            self.fill(pa, len as usize, 0);
            Ok(())
        }
        fn read_ns(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError> {
            dst.copy_from_slice(&self.ns.lock().unwrap()[Self::ns_at(pa, dst.len())?]);
            Ok(())
        }
        fn write_ns(&self, pa: u64, src: &[u8]) -> Result<(), TeeError> {
            self.ns.lock().unwrap()[Self::ns_at(pa, src.len())?].copy_from_slice(src);
            Ok(())
        }
        fn map_leaves(
            &self,
            leaves: &LeafTables<'_>,
            va: u64,
            pages: &[u64],
            kind: UserKind,
        ) -> Result<(), TeeError> {
            self.patch(leaves, |t| {
                oxtee_mm::map_leaves(t, leaves.start, va, pages, kind)
            })
            .map_err(|_| TeeError::BAD_PARAMETERS)
        }
        fn unmap_leaves(
            &self,
            leaves: &LeafTables<'_>,
            va: u64,
            count: usize,
            asid: u16,
            _cpus: u64,
        ) -> Result<(), TeeError> {
            if self.fail_unmap.load(core::sync::atomic::Ordering::Relaxed) {
                return Err(TeeError::GENERIC);
            }
            self.patch(leaves, |t| {
                oxtee_mm::unmap_leaves(t, leaves.start, va, count)
            })
            .map_err(|_| TeeError::BAD_PARAMETERS)?;
            self.dropped.lock().unwrap().push((va, count, asid));
            Ok(())
        }
        fn this_cpu(&self) -> usize {
            0
        }
        fn sync_code(&self, _pa: u64, _len: u64) {}
        fn build_tables(
            &self,
            arena: FrameRange,
            maps: &[UserMapping],
            leaves: &LeafTables<'_>,
        ) -> Result<UserRoot, TeeError> {
            self.built.lock().unwrap().push((arena, maps.to_vec()));
            let mut tables = vec![[0u64; 512]; (arena.size() / PAGE) as usize];
            let root = oxtee_mm::build_user_window_with_leaves(
                &[0; 512],
                TA_WINDOW,
                maps,
                leaves,
                &mut tables,
                arena.start(),
            )
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            *self.tree.lock().unwrap() = Some((tables, arena.start(), leaves.tables.to_vec()));
            Ok(root)
        }
        fn run(
            &self,
            _: UserRoot,
            _: bool,
            _: &mut super::super::hw::UserRegs,
        ) -> super::super::hw::Trap {
            unreachable!("no TA runs in these tests")
        }
        fn leave_user_space(&self) {
            self.left
                .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        }
        fn counter(&self) -> (u64, u64) {
            (0, 1)
        }
        fn random(&self, buf: &mut [u8]) -> Result<(), super::super::hw::NoEntropy> {
            buf.fill(7);
            Ok(())
        }
        fn log(&self, _pieces: &[oxtee_log_line::Piece<'_>]) {}
        fn hw_unique_key(&self) -> crate::user_ta::hw::HwUniqueKey {
            crate::user_ta::hw::HwUniqueKey::TEST
        }
    }

    fn setup() -> (Hw, Arc<Frames>, Space) {
        let frames = Arc::new(Frames::default());
        frames.lock().init(POOL, POOL_SIZE).unwrap();
        (Hw::new(), frames, Space::new(Owner(3), 9))
    }

    fn used(frames: &Frames) -> u64 {
        let s = frames.lock().stats();
        s.total - s.free
    }

    const VA: u64 = 0x8010_0000;

    #[test]
    fn alloc_frames_zeroes_and_tags() {
        let (hw, frames, space) = setup();
        hw.fill(POOL, 3 * PAGE as usize, 0xa5);
        let r = space.alloc_frames(&frames, &hw, PAGE + 1).unwrap();
        assert_eq!(r.frames(), 2);
        let mut b = vec![0xffu8; 2 * PAGE as usize];
        hw.read(r.start(), &mut b).unwrap();
        assert!(b.iter().all(|&x| x == 0));
        assert_eq!(frames.lock().owned_frames(Owner(3)), 2);
        // Zero bytes still take a page; absurd sizes fail cleanly.
        assert_eq!(space.alloc_frames(&frames, &hw, 0).unwrap().frames(), 1);
        assert_eq!(
            space.alloc_frames(&frames, &hw, u64::MAX).err(),
            Some(TeeError::OUT_OF_MEMORY)
        );
        assert_eq!(
            space.alloc_frames(&frames, &hw, POOL_SIZE + PAGE).err(),
            Some(TeeError::OUT_OF_MEMORY)
        );
        assert_eq!(frames.lock().free_all(Owner(3)), 3);
        assert_eq!(used(&frames), 0);
    }

    #[test]
    fn map_refuses_overlap_and_outside_window() {
        let (hw, frames, mut space) = setup();
        let f = space.alloc_frames(&frames, &hw, 2 * PAGE).unwrap();
        let g = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space.map(VA, f, UserKind::Rw, Use::Fixed).unwrap();
        let bad = Err(TeeError::BAD_PARAMETERS);
        // Same start, inside, straddling either end.
        assert_eq!(space.map(VA, g, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(space.map(VA + PAGE, g, UserKind::Rw, Use::Fixed), bad);
        // A container (views) overlapping it too.
        assert_eq!(space.map_views(VA + PAGE, g, &[]), bad);
        let h = space.alloc_frames(&frames, &hw, 2 * PAGE).unwrap();
        assert_eq!(space.map(VA - PAGE, h, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(space.map(VA + PAGE, h, UserKind::Rw, Use::Fixed), bad);
        // Outside the TA window, across its ends, unaligned, wrapping.
        assert_eq!(space.map(0, g, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(space.map(0x0e10_0000, g, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(
            space.map(TA_WINDOW.start - PAGE, h, UserKind::Rw, Use::Fixed),
            bad
        );
        assert_eq!(
            space.map(TA_WINDOW.end - PAGE, h, UserKind::Rw, Use::Fixed),
            bad
        );
        assert_eq!(space.map(TA_WINDOW.end, g, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(space.map(VA + 0x10_0010, g, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(space.map(!(PAGE - 1), h, UserKind::Rw, Use::Fixed), bad);
        // The parameter window is the kept tables' alone.
        assert_eq!(space.map(PARAMS.start, g, UserKind::Rw, Use::Fixed), bad);
        assert_eq!(
            space.map(PARAMS.start - PAGE, h, UserKind::Rw, Use::Fixed),
            bad
        );
        assert_eq!(space.map_views(PARAMS.start - PAGE, h, &[]), bad);
        // Adjacent on both sides is fine; the last page below the parameter
        // window too.
        space
            .map(VA + 2 * PAGE, g, UserKind::Rw, Use::Fixed)
            .unwrap();
        space
            .map(VA - 2 * PAGE, h, UserKind::Rw, Use::Fixed)
            .unwrap();
        let k = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space
            .map(PARAMS.start - PAGE, k, UserKind::Ro, Use::Fixed)
            .unwrap();
        assert!(space.check(PARAMS.start - 1, 1, false));
        assert!(!space.check(PARAMS.start - 1, 2, false));
    }

    /// A module-like run: text page, gap, read-only page, two data pages.
    fn views(space: &mut Space, frames: &Frames, hw: &Hw) -> FrameRange {
        let f = space.alloc_frames(frames, hw, 5 * PAGE).unwrap();
        space
            .map_views(
                VA,
                f,
                &[
                    (0, PAGE, UserKind::Text),
                    (2 * PAGE, PAGE, UserKind::Ro),
                    (3 * PAGE, 2 * PAGE, UserKind::Rw),
                ],
            )
            .unwrap();
        f
    }

    #[test]
    fn check_rights_and_gaps() {
        let (hw, frames, mut space) = setup();
        views(&mut space, &frames, &hw);
        // Text and read-only: readable, not writable.
        assert!(space.check(VA, PAGE, false));
        assert!(!space.check(VA, 1, true));
        assert!(space.check(VA + 2 * PAGE, PAGE, false));
        assert!(!space.check(VA + 2 * PAGE + 5, 1, true));
        // The gap page of the container is not mapped.
        assert!(!space.check(VA + PAGE, 1, false));
        assert!(!space.check(VA + PAGE - 1, 2, false));
        // Read-only then read-write: readable as a whole, not writable.
        assert!(space.check(VA + 2 * PAGE, 3 * PAGE, false));
        assert!(!space.check(VA + 2 * PAGE, 3 * PAGE, true));
        assert!(space.check(VA + 3 * PAGE, 2 * PAGE, true));
        // One byte past the end.
        assert!(!space.check(VA + 3 * PAGE, 2 * PAGE + 1, false));
        // Wrapping or absurd lengths.
        assert!(!space.check(VA, u64::MAX, false));
        assert!(!space.check(VA + 3 * PAGE, 1 << 63, true));
        assert!(!space.check(u64::MAX, 2, false));
        assert!(!space.check(u64::MAX - 3, 8, false));
        // Kernel and unmapped addresses.
        assert!(!space.check(0, 1, false));
        assert!(!space.check(0x0e10_0000, 16, false));
        assert!(!space.check(TA_WINDOW.start, 1, false));
        // Zero length at a mapped address or at NULL.
        assert!(space.check(VA, 0, true));
        assert!(space.check(0, 0, false));
        // The container region itself says Ro; views decide.
        assert_eq!(space.usage_at(VA + PAGE), Some(Use::Fixed));
        assert_eq!(space.usage_at(VA + 5 * PAGE), None);
    }

    #[test]
    fn map_views_refuses_bad_views() {
        let (hw, frames, mut space) = setup();
        let f = space.alloc_frames(&frames, &hw, 2 * PAGE).unwrap();
        let fmt = Err(TeeError::BAD_FORMAT);
        assert_eq!(space.map_views(VA, f, &[(0, 3 * PAGE, UserKind::Rw)]), fmt);
        let mut s2 = Space::new(Owner(3), 9);
        assert_eq!(s2.map_views(VA, f, &[(1, PAGE, UserKind::Rw)]), fmt);
        let mut s3 = Space::new(Owner(3), 9);
        assert_eq!(
            s3.map_views(VA, f, &[(!(PAGE - 1), 2 * PAGE, UserKind::Rw)]),
            fmt
        );
    }

    #[test]
    fn regions_mapped_in_any_order_are_found_by_address() {
        let (hw, frames, mut space) = setup();
        // Mapped high, low, middle, with gaps; unmapped again in between.
        let order = [4 * PAGE, 0, 2 * PAGE];
        let mut mapped = Vec::new();
        for off in order {
            let f = space.alloc_frames(&frames, &hw, PAGE).unwrap();
            space.map(VA + off, f, UserKind::Rw, Use::Fixed).unwrap();
            mapped.push((off, f));
        }
        for &(off, f) in &mapped {
            let p = space.translate(VA + off + 8, Access::TaWrite).unwrap();
            assert_eq!((p.pa, p.avail), (f.start() + 8, PAGE - 8));
            assert_eq!(space.usage_at(VA + off), Some(Use::Fixed));
        }
        for gap in [PAGE, 3 * PAGE, 5 * PAGE] {
            assert_eq!(space.translate(VA + gap, Access::Read), None);
            assert_eq!(space.usage_at(VA + gap), None);
        }
        assert!(space.unmap(VA + 2 * PAGE, None, Use::Fixed).is_some());
        assert_eq!(space.translate(VA + 2 * PAGE, Access::Read), None);
        let (_, high) = mapped[0];
        assert_eq!(
            space.translate(VA + 4 * PAGE, Access::Read).unwrap().pa,
            high.start()
        );
        assert_eq!(
            space.translate(VA, Access::Read).unwrap().pa,
            mapped[1].1.start()
        );
    }

    #[test]
    fn read_write_across_regions() {
        let (hw, frames, mut space) = setup();
        // Two regions back to back in VA, not contiguous in PA.
        let a = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        let _hole = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        let b = space.alloc_frames(&frames, &hw, 2 * PAGE).unwrap();
        assert_ne!(a.end(), b.start());
        space.map(VA, a, UserKind::Rw, Use::Fixed).unwrap();
        space
            .map(VA + PAGE, b, UserKind::Rw, Use::ZeroFill)
            .unwrap();
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 7) as u8).collect();
        let at = VA + PAGE - 1000;
        space.write(&hw, at, &data).unwrap();
        let mut back = vec![0u8; data.len()];
        space.read(&hw, at, &mut back).unwrap();
        assert_eq!(back, data);
        assert_eq!(space.read_vec(&hw, at, 3000).unwrap(), data);
        // The bytes landed in the right frames.
        let mut first = [0u8; 1000];
        hw.read(a.start() + PAGE - 1000, &mut first).unwrap();
        assert_eq!(&first[..], &data[..1000]);
        let mut second = [0u8; 2000];
        hw.read(b.start(), &mut second).unwrap();
        assert_eq!(&second[..], &data[1000..]);
        assert_eq!(
            space.read_u32(&hw, at).unwrap(),
            u32::from_le_bytes(data[..4].try_into().unwrap())
        );
        assert_eq!(
            space.read_u64(&hw, at + 996).unwrap(),
            u64::from_le_bytes(data[996..1004].try_into().unwrap())
        );
        // Running off the end of the second region.
        let mut big = vec![0u8; 2 * PAGE as usize + 1];
        assert_eq!(
            space.read(&hw, VA + PAGE, &mut big),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(
            space.read_u64(&hw, VA + 3 * PAGE - 4),
            Err(TeeError::ACCESS_DENIED)
        );
        // Empty copies.
        space.write(&hw, VA, &[]).unwrap();
        assert_eq!(space.read_vec(&hw, VA, 0).unwrap(), Vec::<u8>::new());
        // Huge lengths fail before any allocation.
        assert_eq!(
            space.read_vec(&hw, VA, 1 << 63),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(
            space.read_vec(&hw, VA, u64::MAX),
            Err(TeeError::ACCESS_DENIED)
        );
    }

    #[test]
    fn failed_write_writes_nothing() {
        let (hw, frames, mut space) = setup();
        let f = views(&mut space, &frames, &hw);
        let ro = f.start() + 2 * PAGE;
        let rw = f.start() + 3 * PAGE;
        hw.fill(ro, PAGE as usize, 0x11);
        hw.fill(rw, 2 * PAGE as usize, 0x22);
        let snapshot = hw.mem.lock().unwrap().clone();
        // Writable start, then past the end of the container.
        let src = vec![0xeeu8; 2 * PAGE as usize + 8];
        assert_eq!(
            space.write(&hw, VA + 3 * PAGE, &src),
            Err(TeeError::ACCESS_DENIED)
        );
        // Read-only start, writable end.
        assert_eq!(
            space.write(&hw, VA + 3 * PAGE - 8, &[0xee; 16]),
            Err(TeeError::ACCESS_DENIED)
        );
        // Into text, into the gap, unmapped.
        assert_eq!(space.write(&hw, VA, &[1]), Err(TeeError::ACCESS_DENIED));
        assert_eq!(
            space.write(&hw, VA + PAGE, &[1]),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(space.write(&hw, 0, &[1]), Err(TeeError::ACCESS_DENIED));
        assert_eq!(*hw.mem.lock().unwrap(), snapshot);
        // The writable part alone works.
        space.write(&hw, VA + 5 * PAGE - 4, &[9; 4]).unwrap();
        assert_eq!(space.read_u32(&hw, VA + 5 * PAGE - 4).unwrap(), 0x0909_0909);
    }

    #[test]
    fn find_free_keeps_guard_pages() {
        let (hw, frames, mut space) = setup();
        assert_eq!(space.find_free(PAGE), Some(DYNAMIC.start));
        let f = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space
            .map(DYNAMIC.start, f, UserKind::Rw, Use::ZeroFill)
            .unwrap();
        // One guard page after the region.
        assert_eq!(space.find_free(PAGE), Some(DYNAMIC.start + 2 * PAGE));
        // A region further up leaves a hole that fits with guards on both sides.
        let g = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space
            .map(DYNAMIC.start + 6 * PAGE, g, UserKind::Rw, Use::ZeroFill)
            .unwrap();
        assert_eq!(space.find_free(3 * PAGE), Some(DYNAMIC.start + 2 * PAGE));
        assert_eq!(space.find_free(4 * PAGE), Some(DYNAMIC.start + 8 * PAGE));
        // Every answer is free and guarded.
        for size in [PAGE, 3 * PAGE, 4 * PAGE, 100 * PAGE] {
            let va = space.find_free(size).unwrap();
            assert!(!space.check(va - PAGE, 1, false));
            assert!(!space.check(va, size + PAGE, false) || size == 0);
            assert!(!space.check(va + size, 1, false));
        }
        // Exhaustion and absurd sizes.
        let room = DYNAMIC.end - DYNAMIC.start;
        assert_eq!(space.find_free(room), None);
        assert_eq!(
            space.find_free(room - 8 * PAGE),
            Some(DYNAMIC.start + 8 * PAGE)
        );
        assert_eq!(space.find_free(room - 7 * PAGE), None);
        assert_eq!(space.find_free(u64::MAX), None);
        assert_eq!(space.find_free(!(PAGE - 1)), None);
        // Regions outside the dynamic area do not matter.
        let h = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space
            .map(DYNAMIC.start - 4 * PAGE, h, UserKind::Rw, Use::Fixed)
            .unwrap();
        assert_eq!(
            space.find_free(room - 8 * PAGE),
            Some(DYNAMIC.start + 8 * PAGE)
        );
    }

    #[test]
    fn unmap_only_matching_usage_and_size() {
        let (hw, frames, mut space) = setup();
        let fixed = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        let zi = space.alloc_frames(&frames, &hw, 3 * PAGE).unwrap();
        let param = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space.map(VA, fixed, UserKind::Rw, Use::Fixed).unwrap();
        let zva = DYNAMIC.start;
        space.map(zva, zi, UserKind::Rw, Use::ZeroFill).unwrap();
        let pva = DYNAMIC.start + 8 * PAGE;
        space
            .map(pva, param, UserKind::Rw, Use::Param { nonsecure: true })
            .unwrap();
        assert_eq!(
            space.usage_at(pva + 5),
            Some(Use::Param { nonsecure: true })
        );
        // Wrong usage.
        assert!(space.unmap(VA, None, Use::ZeroFill).is_none());
        assert!(space.unmap(zva, None, Use::Fixed).is_none());
        assert!(space.unmap(pva, None, Use::ZeroFill).is_none());
        // Wrong size or not the start of the region.
        assert!(space.unmap(zva, Some(PAGE), Use::ZeroFill).is_none());
        assert!(space.unmap(zva, Some(4 * PAGE), Use::ZeroFill).is_none());
        assert!(space.unmap(zva, Some(u64::MAX), Use::ZeroFill).is_none());
        assert!(space.unmap(zva + PAGE, None, Use::ZeroFill).is_none());
        assert!(space.check(zva, 3 * PAGE, true));
        // Right usage; size rounds up to pages; Param matches either flavour.
        let (_, flushed) = space.ttbr0(&frames, &hw).unwrap();
        assert!(flushed);
        assert_eq!(
            space.unmap(zva, Some(2 * PAGE + 1), Use::ZeroFill),
            Some(zi)
        );
        assert!(!space.check(zva, 1, false));
        assert_eq!(
            space.unmap(pva, None, Use::Param { nonsecure: false }),
            Some(param)
        );
        assert!(space
            .unmap(pva, None, Use::Param { nonsecure: true })
            .is_none());
        // Unmapping changes the tables.
        assert!(space.ttbr0(&frames, &hw).unwrap().1);
        assert_eq!(space.unmap(VA, Some(PAGE), Use::Fixed), Some(fixed));
    }

    #[test]
    fn ttbr0_rebuilds_only_after_changes() {
        let (hw, frames, mut space) = setup();
        let before = used(&frames);
        let f = views(&mut space, &frames, &hw);
        let g = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space
            .map(DYNAMIC.start, g, UserKind::Rw, Use::ZeroFill)
            .unwrap();
        let (ttbr, stale) = space.ttbr0(&frames, &hw).unwrap();
        assert!(stale);
        assert_eq!(ttbr.asid(), 9);
        // No old tree to free, so no need to leave it.
        let left = || hw.left.load(core::sync::atomic::Ordering::Relaxed);
        assert_eq!(left(), 0);
        let owned = frames.lock().owned_frames(Owner(3));
        // Tables: root + level 2 + one level 3 per 2 MiB slot (two slots
        // here), and the parameter window's first kept table.
        assert_eq!(owned, 5 + 1 + 4 + 1);
        assert_eq!(space.params().tables(), 1);
        {
            let built = hw.built.lock().unwrap();
            let (arena, maps) = built.last().unwrap();
            assert_eq!(arena.start(), ttbr.ttbr0() & ((1 << 48) - 1));
            // Views of the container plus the plain region; never the container itself.
            assert_eq!(maps.len(), 4);
            assert!(maps.iter().all(|m| m.va != VA || m.kind == UserKind::Text));
            assert!(maps.iter().any(|m| m.va == VA + 3 * PAGE
                && m.pa == f.start() + 3 * PAGE
                && m.size == 2 * PAGE
                && m.kind == UserKind::Rw));
            assert!(maps
                .iter()
                .any(|m| m.va == DYNAMIC.start && m.pa == g.start()));
        }
        // No change: same TTBR, nothing rebuilt, no flush.
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (ttbr, false));
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (ttbr, false));
        assert_eq!(hw.built.lock().unwrap().len(), 1);
        // Failed map or unmap: no change either.
        assert!(space.map(VA, g, UserKind::Rw, Use::Fixed).is_err());
        assert!(space.unmap(VA, None, Use::ZeroFill).is_none());
        assert!(!space.ttbr0(&frames, &hw).unwrap().1);
        // A change: rebuilt, flush asked, old tables freed (owned count stable).
        assert_eq!(space.unmap(DYNAMIC.start, None, Use::ZeroFill), Some(g));
        frames.lock().free(g).unwrap();
        let (ttbr2, stale) = space.ttbr0(&frames, &hw).unwrap();
        assert!(stale);
        assert_eq!(ttbr2.asid(), 9);
        // The CPU left the old tree (it may have been running on it) before it was freed.
        assert_eq!(left(), 1);
        assert_eq!(hw.built.lock().unwrap().len(), 2);
        assert_eq!(frames.lock().owned_frames(Owner(3)), 5 + 3 + 1);
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (ttbr2, false));
        // Everything goes with the owner.
        assert_eq!(frames.lock().free_all(Owner(3)), 9);
        assert_eq!(used(&frames), before);
    }

    #[test]
    fn ttbr0_out_of_frames_fails_cleanly() {
        let (hw, frames, mut space) = setup();
        let all = frames.lock().stats().free;
        let f = space.alloc_frames(&frames, &hw, (all - 1) * PAGE).unwrap();
        space.map(VA, f, UserKind::Rw, Use::Fixed).unwrap();
        // Root + L2 + L3 for a 1023-page region need more than the one frame left.
        assert_eq!(space.ttbr0(&frames, &hw), Err(TeeError::OUT_OF_MEMORY));
        assert_eq!(space.ttbr0(&frames, &hw), Err(TeeError::OUT_OF_MEMORY));
        frames.lock().free(f).unwrap();
        assert!(space.ttbr0(&frames, &hw).unwrap().1);
    }

    fn ns_pages(pages: &[u64]) -> ParamPages {
        ParamPages::Shared {
            pages: oxtee_shm::PageList::try_collect(pages.len(), pages.iter().map(|p| NS_RAM + p))
                .unwrap(),
            writable: false,
        }
    }

    #[test]
    fn parameter_buffers_are_patched_in_with_offsets_rights_and_guards() {
        let (hw, frames, mut space) = setup();
        let f = views(&mut space, &frames, &hw);
        let (root, rebuilt) = space.ttbr0(&frames, &hw).unwrap();
        assert!(rebuilt);
        let owned = frames.lock().owned_frames(Owner(3));
        hw.ns.lock().unwrap()[0x3123..0x3127].copy_from_slice(b"in:1");
        hw.ns.lock().unwrap()[0x3ffc..0x4000].copy_from_slice(b"abcd");
        hw.ns.lock().unwrap()[0x7000..0x7004].copy_from_slice(b"efgh");
        // An input over two scattered client pages, 0x123 bytes into the first.
        let input = space
            .map_param(&frames, &hw, ns_pages(&[0x3000, 0x7000]))
            .unwrap();
        assert_eq!(input, PARAMS.start + PAGE, "after a guard page");
        // No rebuild, no flush: only leaf entries changed.
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (root, false));
        assert_eq!(hw.built.lock().unwrap().len(), 1);
        // The MMU's view: NS, read-only at EL0, never executable, offset kept.
        let leaf = hw.walk(input + 0x123).unwrap();
        assert_eq!((leaf.pa, leaf.level), (NS_RAM + 0x3123, 3));
        assert!(leaf.ns && leaf.el0_read() && !leaf.el0_write());
        assert!(leaf.uxn && leaf.pxn && leaf.ng);
        assert_eq!(hw.walk(input + PAGE).unwrap().pa, NS_RAM + 0x7000);
        // The TA's own memory is still there.
        assert_eq!(hw.walk(VA + 3 * PAGE).unwrap().pa, f.start() + 3 * PAGE);
        // The kernel reads it through the normal world's memory, across pages.
        let mut b = [0u8; 8];
        space.read(&hw, input + PAGE - 4, &mut b).unwrap();
        assert_eq!(&b, b"abcdefgh");
        assert_eq!(
            space.read_u32(&hw, input + 0x123).unwrap(),
            u32::from_le_bytes(*b"in:1")
        );
        // The TA may not write an input; the core may for it, but never into
        // the client's buffer: the page becomes a private copy (mapped
        // read-only after dropping the old TLB entries), the TA reads it.
        let before = hw.ns.lock().unwrap().clone();
        assert!(!ta_may(&space, input, 1, true));
        assert!(space.check(input, 1, true));
        assert_eq!(space.usage_at(input), Some(Use::Param { nonsecure: true }));
        space.write(&hw, input + 0x123, b"X").unwrap();
        assert_eq!(*hw.ns.lock().unwrap(), before, "client memory untouched");
        // Still the client's buffer for the ownership rules.
        assert_eq!(space.usage_at(input), Some(Use::Param { nonsecure: true }));
        assert_eq!(
            space.read_u32(&hw, input + 0x123).unwrap(),
            u32::from_le_bytes(*b"Xn:1")
        );
        space.read(&hw, input + PAGE - 4, &mut b).unwrap();
        assert_eq!(&b, b"abcdefgh", "the copy holds the whole page");
        let leaf = hw.walk(input + 0x123).unwrap();
        assert!(!leaf.ns && !leaf.el0_write() && leaf.uxn, "{leaf:?}");
        assert_ne!(leaf.pa & !0xfff, NS_RAM + 0x3000);
        assert_eq!(
            *hw.dropped.lock().unwrap(),
            [(input, 1, 9)],
            "break before make"
        );
        assert!(
            !ta_may(&space, input, 1, true),
            "still read-only for the TA"
        );
        assert_eq!(
            hw.walk(input + PAGE).unwrap().pa,
            NS_RAM + 0x7000,
            "only that page"
        );
        assert_eq!(frames.lock().owned_frames(Owner(3)), owned + 1);
        hw.dropped.lock().unwrap().clear();
        assert_eq!(space.usage_at(input - 1), None);
        assert!(!space.check(input + 2 * PAGE, 1, false), "guard after");
        // An output: writable, after the next guard page.
        let out = space
            .map_param(
                &frames,
                &hw,
                ParamPages::Shared {
                    pages: oxtee_shm::PageList::try_from_slice(&[NS_RAM + 0x9000]).unwrap(),
                    writable: true,
                },
            )
            .unwrap();
        assert_eq!(out, input + 3 * PAGE);
        space.write(&hw, out + 5, b"out").unwrap();
        assert_eq!(&hw.ns.lock().unwrap()[0x9005..0x9008], b"out");
        let leaf = hw.walk(out).unwrap();
        assert!(leaf.ns && leaf.el0_write() && leaf.uxn);
        // A copy in secure frames: not NS.
        let c = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        hw.write(c.start(), b"copy").unwrap();
        let copy = space.map_param(&frames, &hw, ParamPages::Copy(c)).unwrap();
        assert_eq!(copy, out + 2 * PAGE);
        assert!(!hw.walk(copy).unwrap().ns);
        assert_eq!(space.usage_at(copy), Some(Use::Param { nonsecure: false }));
        assert_eq!(
            space.read_u32(&hw, copy).unwrap(),
            u32::from_le_bytes(*b"copy")
        );
        assert_eq!(space.params().mapped(), 3);
        // All gone at the end of the call: entries cleared, TLB entries of
        // the ASID dropped page by page, the copy freed; still no rebuild.
        space.unmap_params(&frames, &hw);
        assert_eq!(
            *hw.dropped.lock().unwrap(),
            [(input, 2, 9), (out, 1, 9), (copy, 1, 9)]
        );
        for va in [input, input + PAGE, out, copy] {
            assert!(hw.walk(va).is_err(), "{va:#x} still mapped");
            assert!(!space.check(va, 1, false));
        }
        assert_eq!(space.params().mapped(), 0);
        assert_eq!(frames.lock().owned_frames(Owner(3)), owned);
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (root, false));
        // The next call gets the same addresses again.
        assert_eq!(
            space.map_param(&frames, &hw, ns_pages(&[0x1000])).unwrap(),
            input
        );
    }

    /// Every byte of `[va, va + len)` is mapped with the TA's own rights
    /// (writable at EL0 when `write`).
    fn ta_may(space: &Space, va: u64, len: u64, write: bool) -> bool {
        space.walk_ta(va, len, write, |_| Ok(())).is_ok()
    }

    #[test]
    fn ta_walk_goes_by_stretch_and_agrees_with_the_page_walk() {
        let (hw, frames, mut space) = setup();
        views(&mut space, &frames, &hw);
        // A 16-page client input, a 2-page client output, a 1-page copy.
        let input = space
            .map_param(
                &frames,
                &hw,
                ns_pages(&(0..16).map(|i| i * PAGE).collect::<Vec<_>>()),
            )
            .unwrap();
        let out = space
            .map_param(
                &frames,
                &hw,
                ParamPages::Shared {
                    pages: oxtee_shm::PageList::try_from_slice(&[
                        NS_RAM + 0x20000,
                        NS_RAM + 0x40000,
                    ])
                    .unwrap(),
                    writable: true,
                },
            )
            .unwrap();
        let c = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        let copy = space.map_param(&frames, &hw, ParamPages::Copy(c)).unwrap();
        // One stretch per buffer, whatever its size.
        let mut seen = Vec::new();
        space
            .walk_ta(input + 5, 16 * PAGE - 5, false, |u| {
                seen.push(u);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [Use::Param { nonsecure: true }]);
        seen.clear();
        space
            .walk_ta(VA + 3 * PAGE, 2 * PAGE, true, |u| {
                seen.push(u);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [Use::Fixed]);
        // `f`'s error stops the walk and is returned.
        assert_eq!(
            space.walk_ta(out, 2 * PAGE, true, |_| Err(TeeError::ITEM_NOT_FOUND)),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        // The same answers as a page-by-page walk (rights of every byte, use
        // of every page) for ranges across every edge.
        let page_walk = |va: u64, len: u64, write: bool| -> Option<Vec<Use>> {
            let access = if write { Access::TaWrite } else { Access::Read };
            space.walk(va, len, access, |_| {}).ok()?;
            let end = va.checked_add(len)?;
            let mut uses = Vec::new();
            let mut at = va & !(PAGE - 1);
            while at < end {
                let u = space.usage_at(at)?;
                if uses.last() != Some(&u) {
                    uses.push(u);
                }
                at += PAGE;
            }
            Some(uses)
        };
        let edges = [
            VA,
            VA + PAGE,
            VA + 2 * PAGE,
            VA + 3 * PAGE,
            VA + 5 * PAGE,
            input,
            input + 7 * PAGE + 9,
            input + 16 * PAGE,
            out,
            out + PAGE,
            out + 2 * PAGE,
            copy,
            copy + PAGE,
        ];
        for &a in &edges {
            for &b in &edges {
                for d in [0, 1] {
                    let (va, end) = (a.saturating_sub(d), b + d);
                    if end < va {
                        continue;
                    }
                    for write in [false, true] {
                        let mut uses = Vec::new();
                        let r = space.walk_ta(va, end - va, write, |u| {
                            if uses.last() != Some(&u) {
                                uses.push(u);
                            }
                            Ok(())
                        });
                        let want = page_walk(va, end - va, write);
                        assert_eq!(r.is_ok(), want.is_some(), "{va:#x}..{end:#x} write {write}");
                        if let (Ok(()), Some(want)) = (r, want) {
                            if end > va {
                                assert_eq!(uses, want, "{va:#x}..{end:#x} write {write}");
                            }
                        }
                    }
                }
            }
        }
        // Wrapping lengths are refused.
        assert_eq!(
            space.walk_ta(input, u64::MAX, false, |_| Ok(())),
            Err(TeeError::ACCESS_DENIED)
        );
    }

    #[test]
    fn parameter_window_grows_once_and_refuses_what_does_not_fit() {
        let (hw, frames, mut space) = setup();
        views(&mut space, &frames, &hw);
        space.ttbr0(&frames, &hw).unwrap();
        assert_eq!(space.params().tables(), 1);
        let big: Vec<u64> = (0..600).map(|i| i * PAGE).collect();
        let va = space.map_param(&frames, &hw, ns_pages(&big)).unwrap();
        // A second table, linked by the next tree (so a rebuild, once).
        assert_eq!(space.params().tables(), 2);
        let (root, rebuilt) = space.ttbr0(&frames, &hw).unwrap();
        assert!(rebuilt);
        assert_eq!(hw.walk(va + 599 * PAGE).unwrap().pa, NS_RAM + 599 * PAGE);
        space.unmap_params(&frames, &hw);
        // Many pages go in one ASID-wide invalidation (the machine's choice);
        // the kernel asks once per buffer.
        assert_eq!(*hw.dropped.lock().unwrap(), [(va, 600, 9)]);
        // The tables stay: the same size again needs no rebuild.
        space.map_param(&frames, &hw, ns_pages(&big)).unwrap();
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (root, false));
        space.unmap_params(&frames, &hw);
        // No page, or more than the window holds: refused, nothing mapped.
        assert_eq!(
            space.map_param(&frames, &hw, ns_pages(&[])),
            Err(TeeError::BAD_PARAMETERS)
        );
        let huge: Vec<u64> = vec![0; ((PARAMS.end - PARAMS.start) / PAGE) as usize];
        assert_eq!(
            space.map_param(&frames, &hw, ns_pages(&huge)),
            Err(TeeError::OUT_OF_MEMORY)
        );
        assert_eq!(space.params().mapped(), 0);
        // Unaligned pages are refused by the table code; nothing is kept.
        assert!(space
            .map_param(
                &frames,
                &hw,
                ParamPages::Shared {
                    pages: oxtee_shm::PageList::try_from_slice(&[NS_RAM + 8]).unwrap(),
                    writable: true
                }
            )
            .is_err());
        assert_eq!(space.params().mapped(), 0);
        // The window's last page fits (one guard page before it).
        let most: Vec<u64> = vec![0; ((PARAMS.end - PARAMS.start) / PAGE) as usize - 1];
        let va = space.map_param(&frames, &hw, ns_pages(&most)).unwrap();
        assert_eq!(va + most.len() as u64 * PAGE, PARAMS.end);
        assert_eq!(space.params().tables(), 128);
        space.unmap_params(&frames, &hw);
        assert_eq!(space.params().mapped(), 0);
    }

    #[test]
    fn a_machine_that_cannot_unmap_loses_the_window() {
        let (hw, frames, mut space) = setup();
        views(&mut space, &frames, &hw);
        space.ttbr0(&frames, &hw).unwrap();
        let owned = frames.lock().owned_frames(Owner(3));
        let va = space.map_param(&frames, &hw, ns_pages(&[0x2000])).unwrap();
        hw.fail_unmap
            .store(true, core::sync::atomic::Ordering::Relaxed);
        space.unmap_params(&frames, &hw);
        // The table that still maps the page is freed, the tree rebuilt
        // without it (with a flush) before the TA runs again.
        assert_eq!(space.params().tables(), 0);
        assert_eq!(frames.lock().owned_frames(Owner(3)), owned - 1);
        let (_, rebuilt) = space.ttbr0(&frames, &hw).unwrap();
        assert!(rebuilt);
        assert!(hw.walk(va).is_err());
        assert!(!space.check(va, 1, false));
        assert_eq!(space.params().tables(), 1, "a fresh, empty table");
    }
}
