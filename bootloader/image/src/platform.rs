//! QEMU `virt` facts the monitor uses.

/// Number of CPUs started by `-smp 2`.
pub const CPU_COUNT: usize = 2;
/// The DTB QEMU places at the base of normal RAM.
pub const DTB_BASE: u64 = 0x4000_0000;
/// Room the secure OS may grow the DTB into (OP-TEE's `CFG_DTB_MAX_SIZE`).
pub const DTB_MAX_SIZE: usize = 0x10_0000;
/// Size of each CPU's EL3 stack (must match the linker script).
pub const STACK_SIZE: usize = 0x4000;
