//! The calling CPU: its index, its entry stack, and which CPUs have
//! entered the core.

use core::sync::atomic::{AtomicU32, Ordering};

/// CPUs of QEMU `virt` with `-smp 2` (one entry stack each).
pub const MAX_CPUS: usize = oxtee_qemu_virt::NUM_CPUS;

/// Every CPU the core has an entry stack for.
const ALL: u32 = (1 << MAX_CPUS) - 1;

/// Which CPUs exist and which of them have entered the core (a bit per
/// CPU index).
pub struct CpuSet {
    present: AtomicU32,
    started: AtomicU32,
}

impl Default for CpuSet {
    fn default() -> Self {
        Self::new()
    }
}

impl CpuSet {
    /// Assumes every CPU the core has a stack for, none started yet.
    pub const fn new() -> Self {
        Self {
            present: AtomicU32::new(ALL),
            started: AtomicU32::new(0),
        }
    }

    /// Narrows the CPUs to wait for to those in `mask` (as the boot DT
    /// lists them) that the core has a stack for. Refused (`false`, the
    /// assumption kept) when that leaves out `boot`, the CPU calling at
    /// cold boot, before any other CPU entered.
    pub fn set_present(&self, mask: u32, boot: usize) -> bool {
        let mask = mask & ALL;
        let boot_bit = 1u32.checked_shl(boot as u32).unwrap_or(0);
        if mask & boot_bit == 0 {
            return false;
        }
        self.present.store(mask, Ordering::Release);
        true
    }

    /// Records that CPU `cpu` entered the core; `true` exactly once: for
    /// the CPU whose entry completes the set.
    pub fn mark(&self, cpu: usize) -> bool {
        let present = self.present.load(Ordering::Acquire);
        let bit = 1u32.checked_shl(cpu as u32).unwrap_or(0) & present;
        let before = self.started.fetch_or(bit, Ordering::AcqRel);
        before & present != present && (before | bit) & present == present
    }

    /// Whether every present CPU has entered the core at least once.
    pub fn all(&self) -> bool {
        let present = self.present.load(Ordering::Acquire);
        self.started.load(Ordering::Acquire) & present == present
    }
}

/// The CPUs of this machine.
static CPUS: CpuSet = CpuSet::new();

/// Index of the calling CPU (Aff0 on QEMU `virt`).
pub fn cpu_index() -> usize {
    (crate::sysreg::mpidr_el1() & 0xff) as usize
}

/// Tells which CPUs the machine has (Aff0 bit set from the boot DT), on
/// the primary CPU at cold boot. Without it every CPU of `MAX_CPUS` is
/// waited for, and with `-smp 1` the set would never complete.
pub fn set_present(mask: u32) -> bool {
    CPUS.set_present(mask, cpu_index())
}

/// Records that the calling CPU entered the core; `true` exactly once: for
/// the CPU whose entry completes the set.
pub fn mark_started() -> bool {
    CPUS.mark(cpu_index())
}

/// Whether every CPU has entered the core at least once: none still runs
/// boot code from the secure flash (TF-A's BL1 holding pen).
pub fn all_started() -> bool {
    CPUS.all()
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

    #[test]
    fn one_cpu_completes_the_set_on_its_own() {
        // `-smp 1`: the boot DT lists CPU 0 only.
        let set = CpuSet::new();
        assert!(set.set_present(0b1, 0));
        assert!(!set.all());
        assert!(set.mark(0), "the boot CPU completes the set");
        assert!(set.all());
        assert!(!set.mark(0), "only once");
        assert!(!set.mark(1), "a CPU the DT did not list");
        assert!(set.all());
    }

    #[test]
    fn the_set_is_the_listed_cpus_the_core_has_stacks_for() {
        // More CPUs listed than the core serves: wait for its own only.
        let set = CpuSet::new();
        assert!(set.set_present(u32::MAX, 0));
        assert!(!set.mark(0) || MAX_CPUS == 1);
        for cpu in 1..MAX_CPUS {
            assert_eq!(set.mark(cpu), cpu == MAX_CPUS - 1);
        }
        assert!(set.all());
        // A DT without the boot CPU is not believed.
        let set = CpuSet::new();
        assert!(!set.set_present(0b10, 0));
        assert!(!set.set_present(0, 0));
        assert!(!set.mark(0) || MAX_CPUS == 1, "still every CPU");
        assert!(!set.all() || MAX_CPUS == 1);
    }
}
