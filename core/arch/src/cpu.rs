//! The calling CPU: its index, its entry stack, and which CPUs have
//! entered the core.

use core::sync::atomic::{AtomicU32, Ordering};

/// CPUs of QEMU `virt` with `-smp 2` (one entry stack each).
pub const MAX_CPUS: usize = oxtee_qemu_virt::NUM_CPUS;

/// CPUs that have entered the core (bit per CPU index).
static STARTED: AtomicU32 = AtomicU32::new(0);
const ALL: u32 = (1 << MAX_CPUS) - 1;

/// Index of the calling CPU (Aff0 on QEMU `virt`).
pub fn cpu_index() -> usize {
    (crate::sysreg::mpidr_el1() & 0xff) as usize
}

/// Records that the calling CPU entered the core; `true` exactly once: for
/// the CPU whose entry completes the set.
pub fn mark_started() -> bool {
    let bit = 1u32.checked_shl(cpu_index() as u32).unwrap_or(0) & ALL;
    let before = STARTED.fetch_or(bit, Ordering::AcqRel);
    before != ALL && before | bit == ALL
}

/// Whether every CPU has entered the core at least once: none still runs
/// boot code from the secure flash (TF-A's BL1 holding pen).
pub fn all_started() -> bool {
    STARTED.load(Ordering::Acquire) == ALL
}

#[cfg(target_os = "none")]
extern "C" {
    static __stacks_start: u8;
}

/// The lowest page of every CPU's entry stack (left unmapped as a guard).
#[cfg(target_os = "none")]
pub fn stack_guards() -> [u64; MAX_CPUS] {
    let start = core::ptr::addr_of!(__stacks_start) as u64;
    let size = oxtee_qemu_virt::secure_os::CPU_STACK_SIZE as u64;
    core::array::from_fn(|i| start + i as u64 * size)
}

/// Stops this CPU for good (after a panic).
pub fn halt() -> ! {
    loop {
        crate::sysreg::wfi();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysreg::fake;

    #[test]
    fn the_last_cpu_to_enter_completes_the_set_once() {
        // One test owns STARTED (the counter is process-wide).
        assert!(!all_started());
        fake::preset("MPIDR_EL1", 0x8000_0000);
        assert!(!mark_started() || MAX_CPUS == 1);
        assert!(!mark_started(), "a CPU entering again");
        for cpu in 1..MAX_CPUS as u64 {
            fake::preset("MPIDR_EL1", 0x8000_0000 | cpu);
            assert_eq!(mark_started(), cpu == MAX_CPUS as u64 - 1);
        }
        assert!(all_started());
        fake::preset("MPIDR_EL1", 0x8000_0000);
        assert!(!mark_started(), "only once");
        // Aff0 beyond the board's CPUs changes nothing.
        fake::preset("MPIDR_EL1", 0x3f);
        assert!(!mark_started());
    }
}
