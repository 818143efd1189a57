#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod cells;
mod cpus;
mod error;
mod fixup;
mod parse;
pub mod seed;
mod tree;
mod window;
mod write;

pub use cpus::cpu_aff0_mask;
pub use error::{Block, FdtError};
pub use fixup::{
    announce_optee, fixup_for_boot, BootParams, FixupReport, Initrd, ReservedRegion,
    PSCI_COMPATIBLE,
};
pub use parse::{
    FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_LAST_COMP_VERSION, FDT_MAGIC, FDT_NOP, FDT_PROP,
    FDT_VERSION, HEADER_SIZE, MAX_NAME_LEN,
};
pub use tree::{Fdt, Node, Property, ReserveEntry, MAX_DEPTH};
pub use window::{blob_room, blob_total_size, BLOB_ALIGN};
