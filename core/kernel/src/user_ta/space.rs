//! A TA instance's address space: which frames back which user addresses,
//! checked copies in and out of TA memory, and translation tables rebuilt
//! when the mappings change.

use alloc::vec::Vec;

use oxtee_frames::{FrameRange, Owner, FRAME_SIZE};
use oxtee_mm::{UserKind, UserMapping, TA_WINDOW};
use supplicant_proto::tee_result::*;

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
    ttbr: u64,
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
            ttbr: 0,
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
    ) -> Result<FrameRange, u32> {
        let size = page_up(bytes.max(1)).ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
        let r = frames
            .lock()
            .alloc(self.owner, size / PAGE)
            .ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
        hw.zero(r.start(), r.size());
        Ok(r)
    }

    /// Maps `frames` at `va` as one region with uniform attributes.
    pub fn map(
        &mut self,
        va: u64,
        frames: FrameRange,
        kind: UserKind,
        usage: Use,
    ) -> Result<(), u32> {
        let end = va
            .checked_add(frames.size())
            .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
        if va % PAGE != 0 || va < TA_WINDOW.start || end > TA_WINDOW.end {
            return Err(TEE_ERROR_BAD_PARAMETERS);
        }
        if self.regions.iter().any(|r| va < r.end() && r.va < end) {
            return Err(TEE_ERROR_BAD_PARAMETERS);
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
    ) -> Result<(), u32> {
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
                return Err(TEE_ERROR_BAD_FORMAT);
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
    ) -> Result<(), u32> {
        let end = va.checked_add(len).ok_or(TEE_ERROR_ACCESS_DENIED)?;
        let mut at = va;
        while at < end {
            let (pa, avail) = self.translate(at, write).ok_or(TEE_ERROR_ACCESS_DENIED)?;
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
    pub fn read(&self, hw: &dyn UserHw, va: u64, dst: &mut [u8]) -> Result<(), u32> {
        let mut off = 0;
        self.walk(va, dst.len() as u64, false, |pa, n| {
            hw.read(pa, &mut dst[off..off + n]);
            off += n;
        })
    }

    /// Copies `src` into TA memory at `va` (every byte mapped writable).
    pub fn write(&self, hw: &dyn UserHw, va: u64, src: &[u8]) -> Result<(), u32> {
        // Check the whole range first so a failed copy writes nothing.
        self.walk(va, src.len() as u64, true, |_, _| {})?;
        let mut off = 0;
        self.walk(va, src.len() as u64, true, |pa, n| {
            hw.write(pa, &src[off..off + n]);
            off += n;
        })
    }

    /// Copies `len` bytes of TA memory into a new vector (fallible allocation).
    pub fn read_vec(&self, hw: &dyn UserHw, va: u64, len: u64) -> Result<Vec<u8>, u32> {
        if !self.check(va, len, false) {
            return Err(TEE_ERROR_ACCESS_DENIED);
        }
        let n = usize::try_from(len).map_err(|_| TEE_ERROR_OUT_OF_MEMORY)?;
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| TEE_ERROR_OUT_OF_MEMORY)?;
        v.resize(n, 0);
        self.read(hw, va, &mut v)?;
        Ok(v)
    }

    /// Reads a little-endian u32 / u64 at `va`.
    pub fn read_u32(&self, hw: &dyn UserHw, va: u64) -> Result<u32, u32> {
        let mut b = [0u8; 4];
        self.read(hw, va, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Reads a little-endian u64 at `va`.
    pub fn read_u64(&self, hw: &dyn UserHw, va: u64) -> Result<u64, u32> {
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

    /// TTBR0 for running this space, rebuilding the tables when the
    /// mappings changed. The flag says the ASID's TLB entries are stale.
    pub fn ttbr0(&mut self, frames: &Frames, hw: &dyn UserHw) -> Result<(u64, bool), u32> {
        if !self.stale {
            return Ok((self.ttbr, false));
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
            .ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
        hw.zero(arena.start(), arena.size());
        self.tables = Some(arena);
        let base = hw.build_tables(arena, &maps)?;
        self.ttbr = base | (u64::from(self.asid) << 48);
        self.stale = false;
        Ok((self.ttbr, true))
    }
}
