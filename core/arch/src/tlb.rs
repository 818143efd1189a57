//! TLB maintenance around the leaf entries of a TA's parameter window
//! (`oxtee_mm::map_leaves` / `unmap_leaves`): pages come and go with every
//! call, so they are invalidated one by one instead of dropping the whole
//! ASID, which in QEMU's TCG also throws away every other translation of
//! the TA.

use crate::sysreg;

/// Above this many pages, one ASID-wide invalidation replaces the per-page
/// ones.
pub const PAGES_BY_VA_MAX: u64 = 64;

/// Makes leaf entries written into invalid slots visible to the table
/// walker before the TA runs: an invalid entry is never cached, so no TLB
/// invalidation is needed, only the store barrier and a context sync.
pub fn publish_new_pages() {
    sysreg::dsb_ishst();
    sysreg::isb();
}

/// Drops every CPU's TLB entries for `count` pages at `va` (page aligned)
/// in ASID `asid`, after their leaf entries were cleared: by VA and ASID,
/// last level only, up to [`PAGES_BY_VA_MAX`] pages, else the whole ASID;
/// complete everywhere (`dsb ish`) before the memory may serve anything
/// else.
pub fn drop_user_pages(asid: u16, va: u64, count: u64) {
    let tag = u64::from(asid) << 48;
    if count > PAGES_BY_VA_MAX {
        // Store barrier, invalidation and `dsb ish` included.
        sysreg::tlbi_aside1is(tag);
    } else {
        sysreg::dsb_ishst();
        let first = va >> 12;
        for i in 0..count {
            sysreg::tlbi_vale1is(tag | (first.wrapping_add(i) & VA_FIELD));
        }
        sysreg::dsb_ish();
    }
    sysreg::isb();
}

/// `VA[55:12]` in bits 43:0 of a TLBI-by-VA operand.
const VA_FIELD: u64 = (1 << 44) - 1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysreg::fake;

    #[test]
    fn few_pages_by_va_and_asid_then_complete() {
        fake::take_log();
        drop_user_pages(7, 0xb000_3000, 3);
        let tag = 7u64 << 48;
        assert_eq!(
            fake::take_log(),
            [
                ("dsb ishst", 0),
                ("tlbi vale1is", tag | 0xb0003),
                ("tlbi vale1is", tag | 0xb0004),
                ("tlbi vale1is", tag | 0xb0005),
                ("dsb ish", 0),
                ("isb", 0),
            ]
        );
    }

    #[test]
    fn many_pages_drop_the_asid() {
        fake::take_log();
        drop_user_pages(200, 0xb000_0000, PAGES_BY_VA_MAX + 1);
        assert_eq!(
            fake::take_log(),
            [
                ("dsb ishst", 0),
                ("tlbi aside1is", 200 << 48),
                ("dsb ish", 0),
                ("isb", 0),
            ]
        );
        drop_user_pages(1, 0xb000_0000, PAGES_BY_VA_MAX);
        let log = fake::take_log();
        assert_eq!(log.iter().filter(|(i, _)| *i == "tlbi vale1is").count(), 64);
        assert_eq!(log.last(), Some(&("isb", 0)));
    }

    #[test]
    fn new_pages_need_barriers_only() {
        fake::take_log();
        publish_new_pages();
        assert_eq!(fake::take_log(), [("dsb ishst", 0), ("isb", 0)]);
    }
}
