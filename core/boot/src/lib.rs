//! Cold boot of the oxtee image on QEMU `virt`: what the primary CPU does
//! once before the normal world first runs (read and update the DT, seed the
//! DRBG, build the translation tables, check and install the Crypto
//! Extensions, construct the kernel with its pseudo-TAs and trusted keys).
//!
//! A crate of its own so that it is built for size (`opt-level = "z"`,
//! docs/decisions/0007-image-size.md): no timed path runs this code. What the
//! calls use later (the image's statics, the accelerator, the entropy source,
//! the machine) stays in the image, which hands it over in a [`Board`].
#![cfg_attr(not(target_os = "none"), allow(dead_code))]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(target_os = "none")]
mod boot;
#[cfg(target_os = "none")]
mod crypto_ext;
#[cfg(target_os = "none")]
mod dt;
#[cfg(target_os = "none")]
mod ta_keys;

#[cfg(target_os = "none")]
pub use boot::{cold_boot, Board, Services};
