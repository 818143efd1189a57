//! The bitmap frame allocator.

use crate::{FrameError, FrameRange, Owner, FRAME_SIZE};

const BITS: usize = u64::BITS as usize;

/// One live allocation: frames `[first, first + count)` (indices into the
/// managed region) belonging to `owner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Record {
    first: usize,
    count: usize,
    owner: Owner,
}

/// Counters for the statistics PTA.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Frames in the managed region.
    pub total: u64,
    /// Frames not allocated.
    pub free: u64,
    /// Highest number of frames allocated at once since `init` or the last
    /// [`FrameAllocator::reset_peak`].
    pub peak_used: u64,
    /// Live allocations (contiguous runs).
    pub allocations: u64,
    /// Allocation requests refused since `init` (no room, or no free record).
    pub failed: u64,
}

/// Page-frame allocator over one physical region, in 4 KiB frames.
///
/// `WORDS` sizes the bitmap (`WORDS * 64` frames at most) and `RECORDS` the
/// table of live allocations; both are fixed arrays inside the allocator, so
/// nothing grows after it is placed (typically in a `static` behind a lock).
/// The allocator only does book-keeping; it never touches the memory it
/// manages (callers zero frames before handing them to a TA).
#[derive(Clone, Debug)]
pub struct FrameAllocator<const WORDS: usize, const RECORDS: usize> {
    base: u64,
    frames: usize,
    free: usize,
    peak_used: usize,
    failed: u64,
    bitmap: [u64; WORDS],
    records: [Option<Record>; RECORDS],
}

impl<const WORDS: usize, const RECORDS: usize> Default for FrameAllocator<WORDS, RECORDS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const WORDS: usize, const RECORDS: usize> FrameAllocator<WORDS, RECORDS> {
    /// Most frames this allocator type can manage.
    pub const CAPACITY: usize = WORDS * BITS;

    /// An allocator managing nothing (every allocation fails until
    /// [`init`](Self::init)). Usable in a `static` initialiser.
    pub const fn new() -> Self {
        Self {
            base: 0,
            frames: 0,
            free: 0,
            peak_used: 0,
            failed: 0,
            bitmap: [0; WORDS],
            records: [None; RECORDS],
        }
    }

    /// An allocator managing `[base, base + size)`; see [`init`](Self::init).
    pub fn with_region(base: u64, size: u64) -> Result<Self, FrameError> {
        let mut allocator = Self::new();
        allocator.init(base, size)?;
        Ok(allocator)
    }

    /// Manage `[base, base + size)`, all frames free. `base` must be frame
    /// aligned; a partial frame at the end of `size` is not used. Refused
    /// while any frame of a previous region is allocated.
    pub fn init(&mut self, base: u64, size: u64) -> Result<(), FrameError> {
        if self.records.iter().any(Option::is_some) {
            return Err(FrameError::Busy);
        }
        if base % FRAME_SIZE != 0 {
            return Err(FrameError::Misaligned);
        }
        let frames = size / FRAME_SIZE;
        if frames == 0 {
            return Err(FrameError::Empty);
        }
        base.checked_add(frames * FRAME_SIZE)
            .ok_or(FrameError::Overflow)?;
        let frames = usize::try_from(frames).map_err(|_| FrameError::TooLarge)?;
        if frames > Self::CAPACITY {
            return Err(FrameError::TooLarge);
        }
        // Reset in place: no full-size temporary on the (small) kernel stack.
        self.bitmap.fill(0);
        self.records.fill(None);
        self.base = base;
        self.frames = frames;
        self.free = frames;
        self.peak_used = 0;
        self.failed = 0;
        Ok(())
    }

    /// Physical address of the first managed frame.
    pub const fn base(&self) -> u64 {
        self.base
    }

    /// Current counters.
    pub fn stats(&self) -> FrameStats {
        FrameStats {
            total: self.frames as u64,
            free: self.free as u64,
            peak_used: self.peak_used as u64,
            allocations: self.records.iter().flatten().count() as u64,
            failed: self.failed,
        }
    }

    /// Restart peak tracking from the current use (stats PTA "reset").
    pub fn reset_peak(&mut self) {
        self.peak_used = self.used();
    }

    /// Frames currently allocated to `owner`.
    pub fn owned_frames(&self, owner: Owner) -> u64 {
        self.records
            .iter()
            .flatten()
            .filter(|r| r.owner == owner)
            .map(|r| r.count as u64)
            .sum()
    }

    /// Owner of the allocation containing physical address `addr`, if any.
    pub fn owner_of(&self, addr: u64) -> Option<Owner> {
        let index = self.index_of(addr)?;
        self.records
            .iter()
            .flatten()
            .find(|r| index >= r.first && index - r.first < r.count)
            .map(|r| r.owner)
    }

    /// Allocate `frames` contiguous frames for `owner` (first fit). `None` if
    /// `frames` is zero, no free run is long enough, or the record table is
    /// full.
    pub fn alloc(&mut self, owner: Owner, frames: u64) -> Option<FrameRange> {
        self.alloc_aligned(owner, frames, 1)
    }

    /// Like [`alloc`](Self::alloc), with the physical start address a
    /// multiple of `align_frames * 4096` (`align_frames` a power of two),
    /// e.g. 512 for a 2 MiB block.
    pub fn alloc_aligned(
        &mut self,
        owner: Owner,
        frames: u64,
        align_frames: u64,
    ) -> Option<FrameRange> {
        let found = self.try_alloc_aligned(owner, frames, align_frames);
        if found.is_none() {
            self.failed = self.failed.saturating_add(1);
        }
        found
    }

    fn try_alloc_aligned(
        &mut self,
        owner: Owner,
        frames: u64,
        align_frames: u64,
    ) -> Option<FrameRange> {
        if !align_frames.is_power_of_two() {
            return None;
        }
        let count = usize::try_from(frames).ok().filter(|&n| n > 0)?;
        let align = usize::try_from(align_frames).ok()?;
        if count > self.free {
            return None;
        }
        let slot = self.free_slot()?;
        let first = self.find_run(count, align)?;
        let range = self.range_of(first, count)?;
        self.commit(slot, first, count, owner);
        Some(range)
    }

    /// Allocate `frames` frames for `owner` as up to `out.len()` contiguous
    /// pieces (lowest addresses first), writing them to `out` and returning
    /// how many pieces were used. All or nothing: `None` leaves the
    /// allocator unchanged (not enough free frames, more pieces needed than
    /// `out` or the record table holds, or `frames` zero).
    pub fn alloc_scattered(
        &mut self,
        owner: Owner,
        frames: u64,
        out: &mut [FrameRange],
    ) -> Option<usize> {
        let found = self.try_alloc_scattered(owner, frames, out);
        if found.is_none() {
            self.failed = self.failed.saturating_add(1);
        }
        found
    }

    fn try_alloc_scattered(
        &mut self,
        owner: Owner,
        frames: u64,
        out: &mut [FrameRange],
    ) -> Option<usize> {
        let wanted = usize::try_from(frames).ok().filter(|&n| n > 0)?;
        if wanted > self.free {
            return None;
        }
        let free_slots = self.records.iter().filter(|r| r.is_none()).count();
        let max_pieces = out.len().min(free_slots);
        // Dry run: count the pieces needed.
        let mut pieces = 0;
        let mut remaining = wanted;
        let mut from = 0;
        while remaining > 0 {
            let (start, len) = self.next_free_run(from)?;
            let take = len.min(remaining);
            pieces += 1;
            if pieces > max_pieces {
                return None;
            }
            self.range_of(start, take)?;
            remaining -= take;
            from = start + len;
        }
        // Commit: same walk, now marking frames.
        let mut remaining = wanted;
        let mut from = 0;
        for piece in out.iter_mut().take(pieces) {
            let (start, len) = self.next_free_run(from)?;
            let take = len.min(remaining);
            let slot = self.free_slot()?;
            *piece = self.range_of(start, take)?;
            self.commit(slot, start, take, owner);
            remaining -= take;
            from = start + len;
        }
        Some(pieces)
    }

    /// Release `range`, which must be exactly one earlier allocation.
    /// Returns the owner it had.
    pub fn free(&mut self, range: FrameRange) -> Result<Owner, FrameError> {
        let slot = self.find_record(range)?;
        self.release(slot).ok_or(FrameError::NotAllocated)
    }

    /// Release `range` only if it belongs to `owner` (a TA freeing its own
    /// memory); otherwise [`FrameError::WrongOwner`] and nothing changes.
    pub fn free_owned(&mut self, owner: Owner, range: FrameRange) -> Result<(), FrameError> {
        let slot = self.find_record(range)?;
        match self.records[slot] {
            Some(r) if r.owner == owner => {
                self.release(slot);
                Ok(())
            }
            _ => Err(FrameError::WrongOwner),
        }
    }

    /// Release every allocation of `owner` (a dead TA instance); returns the
    /// number of frames freed.
    pub fn free_all(&mut self, owner: Owner) -> u64 {
        let mut freed = 0u64;
        for slot in 0..RECORDS {
            if let Some(r) = self.records[slot] {
                if r.owner == owner {
                    freed += r.count as u64;
                    self.release(slot);
                }
            }
        }
        freed
    }

    // ---- internals -------------------------------------------------------

    fn used(&self) -> usize {
        self.frames - self.free
    }

    fn index_of(&self, addr: u64) -> Option<usize> {
        let offset = addr.checked_sub(self.base)?;
        let index = usize::try_from(offset / FRAME_SIZE).ok()?;
        (index < self.frames).then_some(index)
    }

    fn range_of(&self, first: usize, count: usize) -> Option<FrameRange> {
        let start = self
            .base
            .checked_add((first as u64).checked_mul(FRAME_SIZE)?)?;
        FrameRange::new(start, count as u64).ok()
    }

    fn find_record(&self, range: FrameRange) -> Result<usize, FrameError> {
        let first = self.index_of(range.start()).ok_or(FrameError::Foreign)?;
        let count = usize::try_from(range.frames()).map_err(|_| FrameError::Foreign)?;
        if count > self.frames - first {
            return Err(FrameError::Foreign);
        }
        if let Some(slot) = self
            .records
            .iter()
            .position(|r| matches!(r, Some(r) if r.first == first && r.count == count))
        {
            return Ok(slot);
        }
        if (first..first + count).any(|i| self.is_used(i)) {
            Err(FrameError::Mismatch)
        } else {
            Err(FrameError::NotAllocated)
        }
    }

    fn free_slot(&self) -> Option<usize> {
        self.records.iter().position(Option::is_none)
    }

    fn commit(&mut self, slot: usize, first: usize, count: usize, owner: Owner) {
        self.set_bits(first, count, true);
        self.records[slot] = Some(Record {
            first,
            count,
            owner,
        });
        self.free -= count;
        self.peak_used = self.peak_used.max(self.used());
    }

    fn release(&mut self, slot: usize) -> Option<Owner> {
        let r = self.records.get_mut(slot)?.take()?;
        self.set_bits(r.first, r.count, false);
        self.free += r.count;
        Some(r.owner)
    }

    fn is_used(&self, index: usize) -> bool {
        self.bitmap
            .get(index / BITS)
            .is_some_and(|w| w & (1 << (index % BITS)) != 0)
    }

    fn set_bits(&mut self, first: usize, count: usize, used: bool) {
        for index in first..first + count {
            if let Some(word) = self.bitmap.get_mut(index / BITS) {
                let bit = 1u64 << (index % BITS);
                if used {
                    *word |= bit;
                } else {
                    *word &= !bit;
                }
            }
        }
    }

    /// Smallest index `>= index` whose physical frame number is a multiple
    /// of `align` (a power of two).
    fn align_index(&self, index: usize, align: usize) -> Option<usize> {
        let pfn = (self.base / FRAME_SIZE).checked_add(index as u64)?;
        let mask = (align as u64) - 1;
        let aligned = pfn.checked_add(mask)? & !mask;
        let delta = usize::try_from(aligned - pfn).ok()?;
        index.checked_add(delta)
    }

    /// First-fit search for `count` free frames starting at an aligned index.
    fn find_run(&self, count: usize, align: usize) -> Option<usize> {
        let mut start = self.align_index(0, align)?;
        loop {
            let end = start.checked_add(count)?;
            if end > self.frames {
                return None;
            }
            match (start..end).rev().find(|&i| self.is_used(i)) {
                None => return Some(start),
                Some(used) => start = self.align_index(used + 1, align)?,
            }
        }
    }

    /// The first maximal run of free frames at or after `from`, as
    /// `(start, len)`.
    fn next_free_run(&self, from: usize) -> Option<(usize, usize)> {
        let start = (from..self.frames).find(|&i| !self.is_used(i))?;
        let end = (start..self.frames)
            .find(|&i| self.is_used(i))
            .unwrap_or(self.frames);
        Some((start, end - start))
    }
}
