//! Cache maintenance for code the core writes and another CPU may run.

use crate::sysreg;

/// Smallest data cache line of any cache this CPU's maintenance reaches
/// (CTR_EL0.DminLine, log2 of 4-byte words), the safe stride for `dc cvau`.
pub fn dcache_line() -> u64 {
    4 << ((sysreg::ctr_el0() >> 16) & 0xf)
}

/// Makes code just written at `[va, va + len)` what every CPU fetches: the
/// memory may have held other code (a freed TA's), fetched on any CPU. The
/// data is cleaned to the point of unification line by line, then every
/// CPU's instruction cache is invalidated (inner shareable), not just this
/// one's; a whole-cache invalidate also covers aliasing VIPT caches.
pub fn sync_code(va: u64, len: u64) {
    let line = dcache_line();
    let end = va.saturating_add(len);
    let mut at = va & !(line - 1);
    while at < end {
        sysreg::dc_cvau(at);
        at = at.saturating_add(line);
    }
    sysreg::dsb_ish();
    sysreg::ic_ialluis();
    sysreg::dsb_ish();
    sysreg::isb();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysreg::fake;

    /// CTR_EL0 with DminLine = 4 (64-byte lines).
    const CTR_64: u64 = 4 << 16;

    #[test]
    fn line_size_comes_from_ctr() {
        fake::preset("CTR_EL0", CTR_64);
        assert_eq!(dcache_line(), 64);
        fake::preset("CTR_EL0", 3 << 16 | 0xf);
        assert_eq!(dcache_line(), 32);
    }

    #[test]
    fn every_line_is_cleaned_then_all_cpus_invalidate() {
        fake::preset("CTR_EL0", CTR_64);
        fake::take_log();
        // Unaligned start and end: the lines holding the first and the last byte count.
        sync_code(0x1010, 0x71);
        assert_eq!(
            fake::take_log(),
            [
                ("dc cvau", 0x1000),
                ("dc cvau", 0x1040),
                ("dc cvau", 0x1080),
                ("dsb ish", 0),
                ("ic ialluis", 0),
                ("dsb ish", 0),
                ("isb", 0),
            ]
        );
    }

    #[test]
    fn the_local_only_invalidate_is_never_used() {
        fake::preset("CTR_EL0", CTR_64);
        fake::take_log();
        sync_code(0x2000, 0x40);
        let log = fake::take_log();
        assert_eq!(log.iter().filter(|(op, _)| *op == "dc cvau").count(), 1);
        assert!(log.iter().all(|(op, _)| *op != "ic iallu"));
    }
}
