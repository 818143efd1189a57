use crate::build::{entry_index, entry_shift};
use crate::desc::{
    ADDR_MASK, AF, AP_EL0, AP_RO, ATTR_INDEX_MASK, ATTR_INDEX_SHIFT, NG, NS, PXN, SH_SHIFT,
    TABLE_OR_PAGE, UXN, VALID,
};
use crate::{Table, PAGE_SIZE, ROOT_LEVEL, VA_BITS};

/// A translation found by [`walk`]: the leaf descriptor's decoded fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    /// Output (physical) address of the looked-up address.
    pub pa: u64,
    /// Level of the leaf: 1 (1 GiB block), 2 (2 MiB block) or 3 (4 KiB page).
    pub level: u8,
    /// The raw leaf descriptor.
    pub desc: u64,
    /// `AttrIndx`: the `MAIR_EL1` index.
    pub attr_index: u8,
    /// `NS`: non-secure physical address space.
    pub ns: bool,
    /// Writable (`AP[2]` clear).
    pub writable: bool,
    /// Accessible from EL0 (`AP[1]`).
    pub el0: bool,
    /// `SH[1:0]`.
    pub shareability: u8,
    /// Access flag.
    pub af: bool,
    /// Not global.
    pub ng: bool,
    /// Execute-never at EL1.
    pub pxn: bool,
    /// Execute-never at EL0.
    pub uxn: bool,
}

/// Why [`walk`] found no translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkFault {
    /// The address is outside the 2^[`VA_BITS`] range `TTBR0_EL1` translates.
    AddressSize,
    /// An invalid descriptor at this level (a translation fault).
    Translation {
        /// Level of the invalid descriptor.
        level: u8,
    },
    /// The table for this level lies outside the arena (a bad table descriptor one level up,
    /// or a bad root address), or the level-3 descriptor has the reserved encoding 0b01.
    BadDescriptor {
        /// Level of the table or descriptor.
        level: u8,
    },
}

/// Translates `va` like the MMU would (stage 1, 4 KiB granule, `T0SZ` = 64 - [`VA_BITS`]),
/// reading tables from `arena`, which lies at physical address `arena_pa`, starting from the
/// root at `root_pa`. For tests and diagnostics.
pub fn walk(arena: &[Table], arena_pa: u64, root_pa: u64, va: u64) -> Result<Leaf, WalkFault> {
    walk_arenas(&[(arena, arena_pa)], root_pa, va)
}

/// [`walk`] through tables spread over several arenas, each given with its physical address:
/// e.g. a user root from [`build_user_window`](crate::build_user_window) together with the
/// kernel arena whose tables it shares.
pub fn walk_arenas(arenas: &[(&[Table], u64)], root_pa: u64, va: u64) -> Result<Leaf, WalkFault> {
    if va >> VA_BITS != 0 {
        return Err(WalkFault::AddressSize);
    }
    let mut table_pa = root_pa;
    let mut level = ROOT_LEVEL;
    loop {
        let table = find_table(arenas, table_pa).ok_or(WalkFault::BadDescriptor { level })?;
        let desc = table[entry_index(va, level)];
        if desc & VALID == 0 {
            return Err(WalkFault::Translation { level });
        }
        let is_table_or_page = desc & TABLE_OR_PAGE != 0;
        if level < 3 && is_table_or_page {
            table_pa = desc & ADDR_MASK;
            level += 1;
            continue;
        }
        if level == 3 && !is_table_or_page {
            return Err(WalkFault::BadDescriptor { level });
        }
        let offset_mask = (1u64 << entry_shift(level)) - 1;
        return Ok(Leaf {
            pa: (desc & ADDR_MASK & !offset_mask) | (va & offset_mask),
            level,
            desc,
            attr_index: ((desc >> ATTR_INDEX_SHIFT) & ATTR_INDEX_MASK) as u8,
            ns: desc & NS != 0,
            writable: desc & AP_RO == 0,
            el0: desc & AP_EL0 != 0,
            shareability: ((desc >> SH_SHIFT) & 0b11) as u8,
            af: desc & AF != 0,
            ng: desc & NG != 0,
            pxn: desc & PXN != 0,
            uxn: desc & UXN != 0,
        });
    }
}

fn find_table<'a>(arenas: &[(&'a [Table], u64)], table_pa: u64) -> Option<&'a Table> {
    arenas.iter().find_map(|&(arena, arena_pa)| {
        table_pa
            .checked_sub(arena_pa)
            .filter(|off| off % PAGE_SIZE == 0)
            .and_then(|off| usize::try_from(off / PAGE_SIZE).ok())
            .and_then(|index| arena.get(index))
    })
}

impl Leaf {
    /// EL0 may read (`AP[1]` set).
    pub const fn el0_read(&self) -> bool {
        self.el0
    }

    /// EL0 may write (`AP[2:1]` = 0b01).
    pub const fn el0_write(&self) -> bool {
        self.el0 && self.writable
    }

    /// EL0 may execute: accessible from EL0 and `UXN` clear.
    pub const fn el0_exec(&self) -> bool {
        self.el0 && !self.uxn
    }

    /// EL1 may execute: `PXN` clear and not writable from EL0 (the architecture treats memory
    /// EL0 can write as privileged execute-never). `SCTLR_EL1.WXN` is not modelled.
    pub const fn el1_exec(&self) -> bool {
        !self.pxn && !self.el0_write()
    }
}
