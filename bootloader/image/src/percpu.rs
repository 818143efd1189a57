//! Per-CPU monitor state. Each CPU only ever touches its own slot, from EL3
//! with interrupts masked, so slots need no lock.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::context::{El1Regs, WorldContext};
use crate::platform::CPU_COUNT;

/// Set by the primary CPU once the image runs from RAM (read by `entry.S`).
#[no_mangle]
pub static IMAGE_READY: AtomicU64 = AtomicU64::new(0);

/// One CPU's saved worlds.
pub struct PerCpu {
    /// The normal world.
    pub ns: WorldContext,
    /// The secure OS.
    pub s: WorldContext,
    /// EL1 registers as the CPU came out of reset: the state a fresh entry
    /// into either world starts from.
    pub reset_el1: El1Regs,
}

struct Slots(UnsafeCell<[PerCpu; CPU_COUNT]>);

// SAFETY: slot `i` is only accessed by CPU `i` (see `this_cpu`).
unsafe impl Sync for Slots {}

const EMPTY: PerCpu = PerCpu {
    ns: WorldContext::zeroed(),
    s: WorldContext::zeroed(),
    reset_el1: El1Regs::zeroed(),
};

static SLOTS: Slots = Slots(UnsafeCell::new([EMPTY; CPU_COUNT]));

/// Index of the calling CPU (Aff0 on QEMU `virt`).
pub fn cpu_index() -> usize {
    (crate::sysreg::read_sysreg!("mpidr_el1") & 0xff) as usize
}

/// The calling CPU's slot.
///
/// # Safety
/// The caller must not hold another reference obtained from this function
/// (one live `&mut` per CPU at a time), and must run at EL3 with exceptions
/// masked so no other code on this CPU can observe the slot meanwhile.
pub unsafe fn this_cpu() -> &'static mut PerCpu {
    let i = cpu_index();
    // SAFETY: `i < CPU_COUNT` because `entry.S` parks CPUs with a larger index; exclusivity is the caller's contract.
    unsafe { &mut (*SLOTS.0.get())[i] }
}

/// Top of the calling CPU's EL3 stack.
pub fn stack_top() -> u64 {
    extern "C" {
        static __stacks_start: u8;
    }
    // SAFETY: only the address of the linker symbol is taken.
    let base = core::ptr::addr_of!(__stacks_start) as u64;
    base + ((cpu_index() as u64) + 1) * crate::platform::STACK_SIZE as u64
}

/// Physical address of the secure OS's vector table (0 = no secure OS).
pub static SECURE_VECTORS: AtomicU64 = AtomicU64::new(0);

/// The secure OS vector table, if a secure OS finished its cold boot.
pub fn secure_vectors() -> Option<u64> {
    match SECURE_VECTORS.load(Ordering::Acquire) {
        0 => None,
        v => Some(v),
    }
}
