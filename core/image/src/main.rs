//! oxtee secure OS image for QEMU `virt`: S-EL1 entry points (TF-A `opteed`
//! protocol), console, heap, and the wiring of the host-tested kernel crates
//! (cold boot itself is `oxtee-core-boot`'s).
#![cfg_attr(target_os = "none", no_std, no_main)]
// A firmware binary exports nothing: `pub` only marks what modules share.
#![allow(unreachable_pub)]
#![deny(unsafe_code)]

#[cfg(target_os = "none")]
extern crate alloc;

// Host-tested logic; its hardware part is for the firmware target only.
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
#[cfg(target_os = "none")]
mod console;
#[cfg(target_os = "none")]
mod crypto_ext;
#[cfg(target_os = "none")]
mod entry;
#[cfg(target_os = "none")]
mod machine;
#[cfg(target_os = "none")]
mod memory;
#[cfg(target_os = "none")]
mod services;

/// Host builds compile an empty program; the image exists for
/// `aarch64-unknown-none-softfloat` only.
#[cfg(not(target_os = "none"))]
fn main() {}
