#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

mod build;
pub mod desc;
mod error;
mod layout;
mod leaves;
pub mod regs;
mod user;
mod walk;

pub use build::{build, TableRoot};
pub use error::MmError;
pub use layout::{kernel_regions, punch_holes, ImageLayout, Layout, MemKind, Region};
pub use leaves::{map_leaves, unmap_leaves, LeafTables, LEAF_TABLE_SPAN};
pub use user::{
    build_user_window, build_user_window_with_leaves, UserKind, UserMapping, UserRoot, TA_WINDOW,
};
pub use walk::{walk, walk_arenas, Leaf, WalkFault};

/// Size of a translation granule, a page and a translation table (4 KiB).
pub const PAGE_SIZE: u64 = 4096;

/// Descriptors per translation table.
pub const ENTRIES: usize = 512;

/// One translation table: 512 descriptors, 4 KiB. The arena's storage must be 4 KiB aligned.
pub type Table = [u64; ENTRIES];

/// Width of the virtual (= physical, identity map) address space covered by `TTBR0_EL1`:
/// 39 bits (512 GiB), so the walk starts at level 1.
pub const VA_BITS: u32 = 39;

/// Translation level of the root table for [`VA_BITS`] with a 4 KiB granule.
pub const ROOT_LEVEL: u8 = 1;

/// Tables enough for the layout [`kernel_regions`] makes with QEMU `virt`'s image and device
/// windows (a board needing more gets [`MmError::OutOfTables`] from [`build`]). It needs 4 for
/// an image below 1 MiB (the root, a level-2 table for the first GiB, level-3 tables for the
/// 1 MiB UART window and for the 2 MiB holding the image) and at most 10 in any case: one
/// level-3 table per section boundary not 2 MiB aligned, plus level-2/3 tables for
/// normal-world RAM not aligned to 1 GiB.
pub const QEMU_VIRT_ARENA_TABLES: usize = 16;
