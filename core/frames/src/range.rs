//! Physical frame ranges and owner tags.

use crate::{FrameError, FRAME_SIZE};

/// Tag naming who an allocation belongs to (e.g. a TA instance id), so that
/// everything of a dead instance can be released with
/// [`FrameAllocator::free_all`](crate::FrameAllocator::free_all).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner(pub u32);

/// A contiguous run of 4 KiB physical frames: `[start, start + frames * 4096)`.
///
/// Invariants (upheld by [`FrameRange::new`]): `start` is frame aligned,
/// `frames > 0`, and the end address fits in a `u64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameRange {
    start: u64,
    frames: u64,
}

impl FrameRange {
    /// The range of `frames` frames starting at physical address `start`.
    pub fn new(start: u64, frames: u64) -> Result<Self, FrameError> {
        if start % FRAME_SIZE != 0 {
            return Err(FrameError::Misaligned);
        }
        if frames == 0 {
            return Err(FrameError::Empty);
        }
        frames
            .checked_mul(FRAME_SIZE)
            .and_then(|size| start.checked_add(size))
            .ok_or(FrameError::Overflow)?;
        Ok(Self { start, frames })
    }

    /// Physical address of the first frame.
    pub const fn start(&self) -> u64 {
        self.start
    }

    /// Number of frames (at least 1).
    pub const fn frames(&self) -> u64 {
        self.frames
    }

    /// Size in bytes.
    pub const fn size(&self) -> u64 {
        // Cannot overflow: checked in `new`.
        self.frames * FRAME_SIZE
    }

    /// Physical address one past the last byte.
    pub const fn end(&self) -> u64 {
        // Cannot overflow: checked in `new`.
        self.start + self.size()
    }

    /// Iterator over the physical address of every frame in the range.
    pub fn frame_addrs(&self) -> impl Iterator<Item = u64> {
        let start = self.start;
        (0..self.frames).map(move |i| start + i * FRAME_SIZE)
    }
}
