//! A TA instance's address space: which frames back which user addresses,
//! checked copies in and out of TA memory, and translation tables rebuilt
//! when the mappings change.

use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

use oxtee_frames::{FrameRange, Owner, FRAME_SIZE};
use oxtee_mm::{UserKind, UserMapping, UserRoot, TA_WINDOW};

use super::hw::UserHw;
use super::Frames;

/// Page size of TA mappings.
pub const PAGE: u64 = FRAME_SIZE;
/// Where dynamic mappings (parameter buffers, `MAP_ZI`) are placed.
pub const DYNAMIC: core::ops::Range<u64> = 0xa000_0000..0xbff0_0000;

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
        if va % PAGE != 0 || va < TA_WINDOW.start || end > TA_WINDOW.end {
            return Err(TeeError::BAD_PARAMETERS);
        }
        if self.regions.iter().any(|r| va < r.end() && r.va < end) {
            return Err(TeeError::BAD_PARAMETERS);
        }
        self.regions.push(Region {
            va,
            frames,
            kind,
            usage,
            container: false,
        });
        self.stale = true;
        Ok(())
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
        if let Some(r) = self.regions.last_mut() {
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
        let r = self.regions.swap_remove(i);
        self.stale = true;
        Some(r.frames)
    }

    /// How the region holding `va` is used.
    pub fn usage_at(&self, va: u64) -> Option<Use> {
        self.regions
            .iter()
            .find(|r| va >= r.va && va < r.end())
            .map(|r| r.usage)
    }

    /// Every page of `[va, va + len)` is mapped, writable when `write`.
    /// An empty range is accepted only at a mapped address or 0.
    pub fn check(&self, va: u64, len: u64, write: bool) -> bool {
        self.walk(va, len, write, |_, _| {}).is_ok()
    }

    /// Calls `f(pa, n)` for each physically contiguous piece of the range.
    fn walk(
        &self,
        va: u64,
        len: u64,
        write: bool,
        mut f: impl FnMut(u64, usize),
    ) -> Result<(), TeeError> {
        let end = va.checked_add(len).ok_or(TeeError::ACCESS_DENIED)?;
        let mut at = va;
        while at < end {
            let (pa, avail) = self.translate(at, write).ok_or(TeeError::ACCESS_DENIED)?;
            let n = avail.min(end - at);
            f(pa, n as usize);
            at += n;
        }
        Ok(())
    }

    /// Physical address of `va` and how many bytes stay contiguous with the
    /// same rights from there.
    fn translate(&self, va: u64, write: bool) -> Option<(u64, u64)> {
        let allowed = |k: UserKind| !write || k == UserKind::Rw;
        let r = self.regions.iter().find(|r| va >= r.va && va < r.end())?;
        if !r.container {
            return allowed(r.kind).then(|| (r.frames.start() + (va - r.va), r.end() - va));
        }
        let v = self
            .views
            .iter()
            .find(|v| va >= v.va && va < v.va + v.size)?;
        allowed(v.kind).then(|| (v.pa + (va - v.va), v.va + v.size - va))
    }

    /// Copies TA memory at `va` into `dst` (every byte must be mapped).
    pub fn read(&self, hw: &dyn UserHw, va: u64, dst: &mut [u8]) -> Result<(), TeeError> {
        let (mut off, mut copied) = (0, Ok(()));
        self.walk(va, dst.len() as u64, false, |pa, n| {
            if copied.is_ok() {
                copied = hw.read(pa, &mut dst[off..off + n]);
            }
            off += n;
        })?;
        copied
    }

    /// Copies `src` into TA memory at `va` (every byte mapped writable).
    pub fn write(&self, hw: &dyn UserHw, va: u64, src: &[u8]) -> Result<(), TeeError> {
        // Check the whole range first so a failed copy writes nothing.
        self.walk(va, src.len() as u64, true, |_, _| {})?;
        let (mut off, mut copied) = (0, Ok(()));
        self.walk(va, src.len() as u64, true, |pa, n| {
            if copied.is_ok() {
                copied = hw.write(pa, &src[off..off + n]);
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
        if let Some(old) = self.tables.take() {
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
        let root = hw.build_tables(arena, &maps)?;
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

    /// TA frames as one vector; tables are recorded, never run.
    struct Hw {
        mem: StdMutex<Vec<u8>>,
        built: StdMutex<Vec<(FrameRange, Vec<UserMapping>)>>,
    }

    impl Hw {
        fn new() -> Self {
            Self {
                mem: StdMutex::new(vec![0; POOL_SIZE as usize]),
                built: StdMutex::new(Vec::new()),
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
        fn fill(&self, pa: u64, len: usize, b: u8) {
            self.mem.lock().unwrap()[Self::at(pa, len)].fill(b);
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
        fn sync_code(&self, _pa: u64, _len: u64) {}
        fn build_tables(
            &self,
            arena: FrameRange,
            maps: &[UserMapping],
        ) -> Result<UserRoot, TeeError> {
            self.built.lock().unwrap().push((arena, maps.to_vec()));
            let mut tables = vec![[0u64; 512]; (arena.size() / PAGE) as usize];
            oxtee_mm::build_user_window(&[0; 512], TA_WINDOW, maps, &mut tables, arena.start())
                .map_err(|_| TeeError::OUT_OF_MEMORY)
        }
        fn run(
            &self,
            _: UserRoot,
            _: bool,
            _: &mut super::super::hw::UserRegs,
        ) -> super::super::hw::Trap {
            unreachable!("no TA runs in these tests")
        }
        fn counter(&self) -> (u64, u64) {
            (0, 1)
        }
        fn random(&self, buf: &mut [u8]) -> Result<(), super::super::hw::NoEntropy> {
            buf.fill(7);
            Ok(())
        }
        fn log(&self, _args: core::fmt::Arguments<'_>) {}
        fn hw_unique_key(&self) -> crate::user_ta::hw::HwUniqueKey {
            crate::user_ta::hw::HwUniqueKey::TEST
        }
    }

    fn setup() -> (Hw, Frames, Space) {
        let frames = Frames::default();
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
        // Adjacent on both sides is fine; the last page of the window too.
        space
            .map(VA + 2 * PAGE, g, UserKind::Rw, Use::Fixed)
            .unwrap();
        space
            .map(VA - 2 * PAGE, h, UserKind::Rw, Use::Fixed)
            .unwrap();
        let k = space.alloc_frames(&frames, &hw, PAGE).unwrap();
        space
            .map(TA_WINDOW.end - PAGE, k, UserKind::Ro, Use::Fixed)
            .unwrap();
        assert!(space.check(TA_WINDOW.end - 1, 1, false));
        assert!(!space.check(TA_WINDOW.end - 1, 2, false));
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
            .map(DYNAMIC.end + PAGE, h, UserKind::Rw, Use::Fixed)
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
        let owned = frames.lock().owned_frames(Owner(3));
        // Tables: root + level 2 + one level 3 per 2 MiB slot (two slots here).
        assert_eq!(owned, 5 + 1 + 4);
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
        assert_eq!(hw.built.lock().unwrap().len(), 2);
        assert_eq!(frames.lock().owned_frames(Owner(3)), 5 + 3);
        assert_eq!(space.ttbr0(&frames, &hw).unwrap(), (ttbr2, false));
        // Everything goes with the owner.
        assert_eq!(frames.lock().free_all(Owner(3)), 8);
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
}
