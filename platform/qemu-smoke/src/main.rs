//! EL3 smoke test of `oxtee-drivers` on QEMU `virt` (see README.md).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod smoke;

/// Host builds compile an empty program; the image exists for
/// `aarch64-unknown-none-softfloat` only.
#[cfg(not(target_os = "none"))]
fn main() {}
