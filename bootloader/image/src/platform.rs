//! QEMU `virt` facts the monitor uses (from the board crate's memory map).

use oxtee_qemu_virt::{DTB, NUM_CPUS};

/// Number of CPUs started by `-smp 2`.
pub const CPU_COUNT: usize = NUM_CPUS;
/// The DTB QEMU places at the base of normal RAM.
pub const DTB_BASE: u64 = DTB.base as u64;
/// Room the secure OS may grow the DTB into (OP-TEE's `CFG_DTB_MAX_SIZE`).
pub const DTB_MAX_SIZE: usize = DTB.size;
/// Size of each CPU's EL3 stack (must match the linker script).
pub const STACK_SIZE: usize = 0x4000;
