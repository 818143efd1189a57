#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod abi;
mod buf;
mod error;
mod layout;
mod pages;
mod registry;

pub use buf::{NsBuf, NsRange, PhysMem};
pub use error::{MemError, ShmError};
pub use layout::{pages_needed, MemLayout};
pub use pages::PageList;
pub use registry::{RegistryLimits, ShmRegistry, PAGE_LIST_ENTRIES};

/// Size of a page of registered shared memory and of a page-list page (4 KiB).
pub const SHM_PAGE_SIZE: u64 = abi::OPTEE_MSG_NONCONTIG_PAGE_SIZE;
