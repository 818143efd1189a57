//! TLB maintenance around the leaf entries of a TA's parameter window
//! (`oxtee_mm::map_leaves` / `unmap_leaves`): pages come and go with every
//! call, so they are invalidated one by one instead of dropping the whole
//! ASID, and only on the CPUs that may hold them.
//!
//! A CPU caches translations of an ASID only while its `TTBR0_EL1` holds
//! that space's root, which is only while it runs the TA or serves its
//! system calls (user.rs `run`, `leave_user_space`). The TA runtime
//! records the CPUs a TA ran on while its parameter pages were mapped; if
//! that is the calling CPU alone, a local invalidation is enough. Otherwise
//! the invalidation is broadcast to every CPU (inner shareable), which in
//! QEMU's TCG stops every virtual CPU once per instruction: few pages are
//! then invalidated one by one, more with one ASID-wide invalidation.
//!
//! Range invalidations (FEAT_TLBIRANGE, one instruction for the whole
//! buffer) are not used: QEMU 7.2 turns a range longer than its TLB's
//! index span (64 KiB is longer unless the TLB has 4,096 entries) into a
//! flush of every translation of the regime, the core's own included.

use crate::sysreg;

/// Above this many pages, one local ASID-wide invalidation replaces the
/// per-page ones.
pub const LOCAL_PAGES_MAX: u64 = 64;

/// Above this many pages, one broadcast ASID-wide invalidation replaces the
/// per-page ones.
pub const BROADCAST_PAGES_MAX: u64 = 4;

/// Makes leaf entries written into invalid slots visible to the table
/// walker before the TA runs: an invalid entry is never cached, so no TLB
/// invalidation is needed, only the store barrier and a context sync.
pub fn publish_new_pages() {
    sysreg::dsb_ishst();
    sysreg::isb();
}

/// Drops the TLB entries for `count` pages at `va` (page aligned) in ASID
/// `asid`, after their leaf entries were cleared, on the CPUs of `cpus`
/// (bit n: CPU n may hold them): this CPU's alone when no other may,
/// else every CPU's. Complete (`dsb`) before the memory may serve anything
/// else.
pub fn drop_user_pages(asid: u16, va: u64, count: u64, cpus: u64) {
    let tag = u64::from(asid) << 48;
    let first = va >> 12;
    let page = |i: u64| tag | (first.wrapping_add(i) & VA_FIELD);
    let me = 1u64
        .checked_shl(crate::cpu::cpu_index() as u32)
        .unwrap_or(0);
    if me != 0 && cpus & !me == 0 {
        sysreg::dsb_nshst();
        if count > LOCAL_PAGES_MAX {
            sysreg::tlbi_aside1(tag);
        } else {
            (0..count).for_each(|i| sysreg::tlbi_vale1(page(i)));
        }
        sysreg::dsb_nsh();
    } else if count > BROADCAST_PAGES_MAX {
        // Store barrier, invalidation and `dsb ish` included.
        sysreg::tlbi_aside1is(tag);
    } else {
        sysreg::dsb_ishst();
        (0..count).for_each(|i| sysreg::tlbi_vale1is(page(i)));
        sysreg::dsb_ish();
    }
    sysreg::isb();
}

/// The ASID field of `TTBR0_EL1`.
pub const TTBR_ASID_MASK: u64 = 0xffff << 48;

/// The value that puts a CPU back on the kernel root `kernel_ttbr0` from
/// `current`, keeping `current`'s ASID. The kernel root maps global pages
/// only, so it means the same under every ASID, and the TLB entries of the
/// TA just left stay usable for when it runs again: QEMU's TCG flushes its
/// whole TLB on every `TTBR0_EL1` write that changes the ASID, so leaving
/// with ASID 0 would cost one flush on the way out and one on the way back
/// in. Only with PAN (EL1 can then reach no EL0 page through those
/// entries); without it the kernel root keeps ASID 0.
pub fn kernel_root_keeping_asid(kernel_ttbr0: u64, current: u64, pan: bool) -> u64 {
    if pan {
        (kernel_ttbr0 & !TTBR_ASID_MASK) | (current & TTBR_ASID_MASK)
    } else {
        kernel_ttbr0
    }
}

/// `VA[55:12]` in bits 43:0 of a TLBI-by-VA operand.
const VA_FIELD: u64 = (1 << 44) - 1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysreg::fake;

    /// Runs on CPU `cpu` (fake `MPIDR_EL1`).
    fn on_cpu(cpu: u64) {
        fake::preset("MPIDR_EL1", 0x8000_0000 | cpu);
        fake::take_log();
    }

    #[test]
    fn pages_only_this_cpu_ran_with_are_dropped_locally() {
        on_cpu(1);
        drop_user_pages(7, 0xb000_3000, 2, 0b10);
        let tag = 7u64 << 48;
        assert_eq!(
            fake::take_log(),
            [
                ("dsb nshst", 0),
                ("tlbi vale1", tag | 0xb0003),
                ("tlbi vale1", tag | 0xb0004),
                ("dsb nsh", 0),
                ("isb", 0),
            ]
        );
        // Many pages: the ASID, still locally.
        drop_user_pages(7, 0xb000_0000, LOCAL_PAGES_MAX + 1, 0b10);
        assert_eq!(
            fake::take_log(),
            [
                ("dsb nshst", 0),
                ("tlbi aside1", tag),
                ("dsb nsh", 0),
                ("isb", 0)
            ]
        );
    }

    #[test]
    fn pages_another_cpu_may_hold_are_dropped_everywhere() {
        on_cpu(0);
        let tag = 7u64 << 48;
        // The TA also ran on CPU 1, or only there, or the mask says nothing.
        for cpus in [0b11, 0b10, u64::MAX] {
            drop_user_pages(7, 0xb000_3000, 3, cpus);
            assert_eq!(
                fake::take_log(),
                [
                    ("dsb ishst", 0),
                    ("tlbi vale1is", tag | 0xb0003),
                    ("tlbi vale1is", tag | 0xb0004),
                    ("tlbi vale1is", tag | 0xb0005),
                    ("dsb ish", 0),
                    ("isb", 0),
                ],
                "{cpus:#b}"
            );
        }
        drop_user_pages(200, 0xb000_0000, BROADCAST_PAGES_MAX + 1, 0b11);
        assert_eq!(
            fake::take_log(),
            [
                ("dsb ishst", 0),
                ("tlbi aside1is", 200 << 48),
                ("dsb ish", 0),
                ("isb", 0),
            ]
        );
    }

    #[test]
    fn no_cpu_recorded_is_not_a_license_to_skip() {
        // An empty mask (nothing ran) still invalidates, locally.
        on_cpu(0);
        drop_user_pages(3, 0xb000_1000, 1, 0);
        let log = fake::take_log();
        assert!(
            log.contains(&("tlbi vale1", (3 << 48) | 0xb0001)),
            "{log:?}"
        );
    }

    #[test]
    fn the_kernel_root_keeps_the_asid_only_with_pan() {
        let kernel = 0x4000_0000;
        let ta = (9 << 48) | 0x4812_3000;
        assert_eq!(
            kernel_root_keeping_asid(kernel, ta, true),
            (9 << 48) | kernel
        );
        assert_eq!(kernel_root_keeping_asid(kernel, ta, false), kernel);
        // From the kernel root itself: unchanged.
        assert_eq!(kernel_root_keeping_asid(kernel, kernel, true), kernel);
        assert_eq!(
            kernel_root_keeping_asid(kernel, (9 << 48) | kernel, true),
            (9 << 48) | kernel
        );
    }

    #[test]
    fn new_pages_need_barriers_only() {
        fake::take_log();
        publish_new_pages();
        assert_eq!(fake::take_log(), [("dsb ishst", 0), ("isb", 0)]);
    }
}
