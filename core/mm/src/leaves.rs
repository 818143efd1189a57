//! Level-3 tables kept for a window of a user address space whose pages come
//! and go often (the parameter buffers of each call): a page is mapped or
//! unmapped by writing its one leaf entry, never by rebuilding the tree.
//! [`build_user_window_with_leaves`](crate::build_user_window_with_leaves)
//! links the tables into every tree built for the space.

use crate::desc::{user_leaf_attrs, TABLE_OR_PAGE, VALID};
use crate::error::MmError;
use crate::user::{UserKind, PA_LIMIT};
use crate::{Table, ENTRIES, PAGE_SIZE, VA_BITS};

/// Bytes of address space one level-3 table maps (2 MiB).
pub const LEAF_TABLE_SPAN: u64 = PAGE_SIZE * ENTRIES as u64;

/// The kept level-3 tables of a window: `tables[i]` (a physical address)
/// maps `start + i * LEAF_TABLE_SPAN` and the 2 MiB after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafTables<'a> {
    /// First VA of the window (2 MiB aligned).
    pub start: u64,
    /// Physical address of each table, in VA order.
    pub tables: &'a [u64],
}

impl LeafTables<'_> {
    /// No kept tables.
    pub const NONE: LeafTables<'static> = LeafTables {
        start: 0,
        tables: &[],
    };

    /// End of the VA range the tables cover (`None` if it overflows).
    pub fn end(&self) -> Option<u64> {
        (self.tables.len() as u64)
            .checked_mul(LEAF_TABLE_SPAN)
            .and_then(|n| self.start.checked_add(n))
    }

    /// Checks the window: `start` 2 MiB aligned, the covered range below
    /// 2^[`VA_BITS`], every table 4 KiB aligned within 48 bits.
    pub(crate) fn check(&self) -> Result<(), MmError> {
        if self.start % LEAF_TABLE_SPAN != 0 {
            return Err(MmError::Unaligned { addr: self.start });
        }
        let end = self.end().ok_or(MmError::OutOfRange { end: u64::MAX })?;
        if end > 1u64 << VA_BITS {
            return Err(MmError::OutOfRange { end });
        }
        for &pa in self.tables {
            if pa % PAGE_SIZE != 0 {
                return Err(MmError::Unaligned { addr: pa });
            }
            if pa >= PA_LIMIT {
                return Err(MmError::PaOutOfRange { end: pa });
            }
        }
        Ok(())
    }
}

/// Where page `va` lives: (table index, entry index), once `va..va +
/// count pages` is checked to lie in the window the tables cover.
fn locate(
    start: u64,
    tables: usize,
    va: u64,
    count: usize,
) -> Result<impl Iterator<Item = (u64, usize, usize)>, MmError> {
    if va % PAGE_SIZE != 0 {
        return Err(MmError::Unaligned { addr: va });
    }
    let len = (count as u64)
        .checked_mul(PAGE_SIZE)
        .ok_or(MmError::OutOfRange { end: u64::MAX })?;
    let end = va
        .checked_add(len)
        .ok_or(MmError::OutOfRange { end: u64::MAX })?;
    let window_end = (tables as u64)
        .checked_mul(LEAF_TABLE_SPAN)
        .and_then(|n| start.checked_add(n))
        .ok_or(MmError::OutOfRange { end: u64::MAX })?;
    if va < start || end > window_end {
        return Err(MmError::OutsideWindow { start: va, end });
    }
    Ok((0..count).map(move |i| {
        let page = va + i as u64 * PAGE_SIZE;
        let off = page - start;
        (
            page,
            (off / LEAF_TABLE_SPAN) as usize,
            ((off % LEAF_TABLE_SPAN) / PAGE_SIZE) as usize,
        )
    }))
}

/// Maps `pages` (one physical address per 4 KiB page) at `va`, `va +
/// 4 KiB`, ... as `kind` (never `Text`: nothing in such a window executes)
/// by writing leaf entries of `tables`, which map the window from `start`
/// (2 MiB aligned). Every target entry must be invalid (`Overlap`), the
/// pages 4 KiB aligned within 48 bits, the range inside the window. Checks
/// everything before writing: on error nothing changed. The entries were
/// invalid, so no TLB entry can exist for them: the caller only publishes
/// the writes (`dsb ishst`, `isb`) before the space runs.
pub fn map_leaves(
    tables: &mut [&mut Table],
    start: u64,
    va: u64,
    pages: &[u64],
    kind: UserKind,
) -> Result<(), MmError> {
    if kind == UserKind::Text {
        return Err(MmError::Executable { addr: va });
    }
    if start % LEAF_TABLE_SPAN != 0 {
        return Err(MmError::Unaligned { addr: start });
    }
    for &pa in pages {
        if pa % PAGE_SIZE != 0 {
            return Err(MmError::Unaligned { addr: pa });
        }
        if pa.checked_add(PAGE_SIZE).is_none_or(|e| e > PA_LIMIT) {
            return Err(MmError::PaOutOfRange {
                end: pa.saturating_add(PAGE_SIZE),
            });
        }
    }
    for (page, t, e) in locate(start, tables.len(), va, pages.len())? {
        if tables[t][e] & VALID != 0 {
            return Err(MmError::Overlap { addr: page });
        }
    }
    let attrs = user_leaf_attrs(kind) | TABLE_OR_PAGE | VALID;
    for ((_, t, e), &pa) in locate(start, tables.len(), va, pages.len())?.zip(pages) {
        tables[t][e] = pa | attrs;
    }
    Ok(())
}

/// Unmaps `count` pages at `va` (mapped by [`map_leaves`]): their leaf
/// entries become invalid. Every entry must be a valid page (`NotMapped`),
/// the range inside the window; on error nothing changed. The caller then
/// drops the pages' TLB entries (by VA and ASID) before the memory may be
/// used otherwise.
pub fn unmap_leaves(
    tables: &mut [&mut Table],
    start: u64,
    va: u64,
    count: usize,
) -> Result<(), MmError> {
    if start % LEAF_TABLE_SPAN != 0 {
        return Err(MmError::Unaligned { addr: start });
    }
    for (page, t, e) in locate(start, tables.len(), va, count)? {
        let d = tables[t][e];
        if d & (VALID | TABLE_OR_PAGE) != VALID | TABLE_OR_PAGE {
            return Err(MmError::NotMapped { addr: page });
        }
    }
    for (_, t, e) in locate(start, tables.len(), va, count)? {
        tables[t][e] = 0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desc::{ADDR_MASK, AP_EL0, AP_RO, NG, NS, PXN, UXN};

    const START: u64 = 0xb000_0000;

    fn two() -> Vec<Table> {
        vec![[0; ENTRIES]; 2]
    }

    fn refs(t: &mut [Table]) -> Vec<&mut Table> {
        t.iter_mut().collect()
    }

    #[test]
    fn pages_land_in_the_right_entries_across_tables() {
        let mut t = two();
        let va = START + LEAF_TABLE_SPAN - 2 * PAGE_SIZE;
        let pages = [0x4000_1000, 0x4000_7000, 0x4200_0000];
        map_leaves(&mut refs(&mut t), START, va, &pages, UserKind::NsRw).unwrap();
        assert_eq!(t[0][510] & ADDR_MASK, 0x4000_1000);
        assert_eq!(t[0][511] & ADDR_MASK, 0x4000_7000);
        assert_eq!(t[1][0] & ADDR_MASK, 0x4200_0000);
        for d in [t[0][510], t[0][511], t[1][0]] {
            assert_eq!(d & 0b11, 0b11, "valid page");
            assert_ne!(d & NS, 0);
            assert_ne!(d & AP_EL0, 0);
            assert_eq!(d & AP_RO, 0);
            assert_eq!(d & (PXN | UXN | NG), PXN | UXN | NG);
        }
        assert_eq!(t[0].iter().filter(|&&d| d != 0).count(), 2);
        unmap_leaves(&mut refs(&mut t), START, va, 3).unwrap();
        assert!(t.iter().all(|x| x.iter().all(|&d| d == 0)));
    }

    #[test]
    fn refusals_change_nothing() {
        let mut t = two();
        map_leaves(
            &mut refs(&mut t),
            START,
            START,
            &[0x4000_0000],
            UserKind::NsRo,
        )
        .unwrap();
        let before = t.clone();
        let bad = |t: &mut Vec<Table>, va: u64, pages: &[u64], kind| {
            map_leaves(&mut refs(t), START, va, pages, kind)
        };
        // Overlapping the page already there.
        assert_eq!(
            bad(&mut t, START, &[0x5000, 0x6000], UserKind::NsRw),
            Err(MmError::Overlap { addr: START })
        );
        // Outside the window, below and above, and reaching past its end.
        assert!(matches!(
            bad(&mut t, START - PAGE_SIZE, &[0x5000], UserKind::NsRw),
            Err(MmError::OutsideWindow { .. })
        ));
        assert!(matches!(
            bad(
                &mut t,
                START + 2 * LEAF_TABLE_SPAN,
                &[0x5000],
                UserKind::NsRw
            ),
            Err(MmError::OutsideWindow { .. })
        ));
        assert!(matches!(
            bad(
                &mut t,
                START + 2 * LEAF_TABLE_SPAN - PAGE_SIZE,
                &[0x5000, 0x6000],
                UserKind::NsRw
            ),
            Err(MmError::OutsideWindow { .. })
        ));
        // Wrapping the address space.
        assert!(bad(&mut t, !0xfff_u64, &[0x5000, 0x6000], UserKind::Rw).is_err());
        // Unaligned VA or PA, a PA past 48 bits, executable pages.
        assert!(matches!(
            bad(&mut t, START + 0x10, &[0x5000], UserKind::Rw),
            Err(MmError::Unaligned { .. })
        ));
        assert!(matches!(
            bad(&mut t, START + PAGE_SIZE, &[0x5008], UserKind::Rw),
            Err(MmError::Unaligned { .. })
        ));
        assert!(matches!(
            bad(&mut t, START + PAGE_SIZE, &[1 << 48], UserKind::Rw),
            Err(MmError::PaOutOfRange { .. })
        ));
        assert!(matches!(
            bad(&mut t, START + PAGE_SIZE, &[!0xfff_u64], UserKind::Rw),
            Err(MmError::PaOutOfRange { .. })
        ));
        assert!(matches!(
            bad(&mut t, START + PAGE_SIZE, &[0x5000], UserKind::Text),
            Err(MmError::Executable { .. })
        ));
        // A window start that is not 2 MiB aligned.
        assert!(map_leaves(
            &mut refs(&mut t),
            START + PAGE_SIZE,
            START + PAGE_SIZE,
            &[0x5000],
            UserKind::Rw
        )
        .is_err());
        assert_eq!(t, before);
        // Unmapping pages that are not mapped, or out of the window.
        assert_eq!(
            unmap_leaves(&mut refs(&mut t), START, START, 2),
            Err(MmError::NotMapped {
                addr: START + PAGE_SIZE
            })
        );
        assert!(unmap_leaves(&mut refs(&mut t), START, START - PAGE_SIZE, 1).is_err());
        assert!(unmap_leaves(&mut refs(&mut t), START, START, usize::MAX).is_err());
        assert_eq!(t, before);
        // Nothing at all is fine and changes nothing.
        map_leaves(
            &mut refs(&mut t),
            START,
            START + PAGE_SIZE,
            &[],
            UserKind::Rw,
        )
        .unwrap();
        unmap_leaves(&mut refs(&mut t), START, START + PAGE_SIZE, 0).unwrap();
        assert_eq!(t, before);
    }

    #[test]
    fn window_checks() {
        let ok = LeafTables {
            start: START,
            tables: &[0x1000, 0x3000],
        };
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(ok.end(), Some(START + 2 * LEAF_TABLE_SPAN));
        assert!(LeafTables {
            start: START + PAGE_SIZE,
            ..ok
        }
        .check()
        .is_err());
        assert!(LeafTables {
            start: 1 << VA_BITS,
            ..ok
        }
        .check()
        .is_err());
        assert!(LeafTables {
            start: !(LEAF_TABLE_SPAN - 1),
            ..ok
        }
        .check()
        .is_err());
        assert!(LeafTables {
            tables: &[0x1008],
            ..ok
        }
        .check()
        .is_err());
        assert!(LeafTables {
            tables: &[1 << 48],
            ..ok
        }
        .check()
        .is_err());
        assert_eq!(LeafTables::NONE.check(), Ok(()));
    }
}
