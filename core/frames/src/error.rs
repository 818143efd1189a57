//! Errors of the frame allocator.

use core::fmt;

/// Why a frame-allocator operation was refused. No operation panics; every
/// refusal leaves the allocator unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// An address or size is not a multiple of [`FRAME_SIZE`](crate::FRAME_SIZE).
    Misaligned,
    /// A range is empty, or a request asks for zero frames.
    Empty,
    /// The end of a range does not fit in a `u64`.
    Overflow,
    /// The managed region has more frames than the bitmap can describe.
    TooLarge,
    /// `init` while frames are still allocated.
    Busy,
    /// The range is not (entirely) inside the managed region: a foreign range.
    Foreign,
    /// None of the frames is allocated: a double free, or a range that was
    /// never handed out.
    NotAllocated,
    /// Some frames are allocated, but the range is not exactly one allocation
    /// (part of one, or spanning several).
    Mismatch,
    /// The owner given to `free_owned` is not the owner of the allocation.
    WrongOwner,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Misaligned => "address or size not frame aligned",
            Self::Empty => "empty range",
            Self::Overflow => "range end overflows",
            Self::TooLarge => "region larger than the bitmap",
            Self::Busy => "frames still allocated",
            Self::Foreign => "range outside the managed region",
            Self::NotAllocated => "range not allocated (double free?)",
            Self::Mismatch => "range is not exactly one allocation",
            Self::WrongOwner => "allocation belongs to another owner",
        };
        f.write_str(text)
    }
}
