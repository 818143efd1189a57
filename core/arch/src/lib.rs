//! The register and assembly layer of the oxtee secure OS: everything that
//! runs an instruction the host cannot (entry vectors, secure-thread
//! switching, MMU enable, TA entry and exit, FP/SIMD ownership, the GIC CPU
//! interface, cache maintenance, system registers) and the accessors of
//! memory Rust does not own (normal-world RAM, TA frames, device windows).
//!
//! The image (`oxtee-core`) is the composition root: it hands this crate
//! its [`hooks::Core`] once, and everything else it needs from the
//! machine goes through the narrow, safe functions and types here.
#![cfg_attr(target_os = "none", no_std)]

#[cfg(target_os = "none")]
extern crate alloc;

pub mod cache;
pub mod cpu;
pub mod devices;
pub mod heap;
pub mod hooks;
pub mod log;
pub mod ns_memory;
pub mod sysreg;
pub mod tlb;

#[cfg(target_os = "none")]
pub mod backtrace;
#[cfg(target_os = "none")]
pub mod crypto_ext;
#[cfg(target_os = "none")]
pub mod entry;
#[cfg(target_os = "none")]
pub mod fp;
#[cfg(target_os = "none")]
pub mod fp_regs;
#[cfg(target_os = "none")]
pub mod interrupt;
#[cfg(target_os = "none")]
mod mem;
#[cfg(target_os = "none")]
pub mod mmu;
#[cfg(target_os = "none")]
pub mod thread;
#[cfg(target_os = "none")]
pub mod user;
