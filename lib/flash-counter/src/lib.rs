#![doc = include_str!("../README.md")]
//!
//! - [`RollbackCounter`]: an append-only log of `RollbackRecord`s
//!   (`supplicant_proto::secure_package`) in one erase sector; the EL3
//!   firmware's anti-rollback minimum.
//! - [`PairedCounter`]: the same records in two erase sectors, so that a
//!   power loss while a full sector is recycled never loses the current
//!   value; the core's rollback anchor for secure storage.
//! - [`CfiSector`]: one erase sector of a CFI flash as a [`FlashSector`].
//!
//! Nothing here touches hardware directly: the flash is behind
//! [`FlashSector`], so the logic runs in host tests.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate std;

pub mod cfi;
pub mod counter;
pub mod paired;

#[cfg(test)]
mod fake;

pub use cfi::CfiSector;
pub use counter::{CounterError, FlashError, FlashSector, Raised, RollbackCounter};
pub use paired::PairedCounter;
