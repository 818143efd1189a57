#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]

#[allow(unsafe_code)]
pub mod foreign;
#[allow(unsafe_code)]
pub mod mmio;
#[allow(unsafe_code)]
pub mod sysreg;

#[cfg(any(test, feature = "fakes"))]
pub mod fake;

pub mod cfi_flash;
pub mod fw_cfg;
pub mod gicv3;
pub mod pl011;
pub mod pl061;

/// Upper bound on iterations of every busy-wait loop in this crate.
///
/// Real hardware (and QEMU) finishes each polled operation in far fewer iterations; the bound
/// only turns a wedged device (or a fake that never completes) into an error instead of a hang.
pub const SPIN_LIMIT: u32 = 10_000_000;
