//! Per-CPU monitor state. Each CPU only ever touches its own slot, from EL3
//! with interrupts masked, so slots need no lock; `boot::rust_entry` takes
//! the slot once, when the CPU comes out of reset, and lends it to the run
//! loop for good.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::context::{El1Regs, WorldContext};
use crate::platform::CPU_COUNT;
use crate::sysreg::Features;

/// Set by the primary CPU once the image runs from RAM (read by `entry.S`).
#[no_mangle]
pub static IMAGE_READY: AtomicU64 = AtomicU64::new(0);

/// CPU features, read once by the primary CPU.
pub static FEATURES: spin::Once<Features> = spin::Once::new();

/// The CPU features (the same on every CPU of the machine).
pub fn features() -> &'static Features {
    FEATURES.call_once(Features::read)
}

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
/// masked so no other code on this CPU can observe the slot meanwhile. The
/// assembly only touches a slot inside `el3_enter_world`, through the
/// `&mut WorldContext` lent to it.
pub unsafe fn this_cpu() -> &'static mut PerCpu {
    let i = cpu_index();
    // SAFETY: `i < CPU_COUNT` because `entry.S` parks CPUs with a larger index; exclusivity is the caller's contract.
    unsafe { &mut (*SLOTS.0.get())[i] }
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
