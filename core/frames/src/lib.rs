#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

mod allocator;
mod error;
mod range;

#[cfg(test)]
mod tests;

pub use allocator::{FrameAllocator, FrameStats};
pub use error::FrameError;
pub use range::{FrameRange, Owner};

/// Size of a frame: 4 KiB, the translation granule of TA mappings.
pub const FRAME_SIZE: u64 = 4096;
