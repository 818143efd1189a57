use crate::desc::{leaf_attrs, ADDR_MASK, TABLE_OR_PAGE, VALID};
use crate::error::MmError;
use crate::layout::Layout;
use crate::{Table, ENTRIES, PAGE_SIZE, ROOT_LEVEL, VA_BITS};

/// The built tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableRoot {
    /// Physical address of the root (level-1) table, the value for `TTBR0_EL1` (ASID 0, CnP 0).
    pub ttbr0: u64,
    /// Tables of the arena in use (from index 0, the root).
    pub tables_used: usize,
}

/// Log2 of the size mapped by one descriptor at `level` (1: 1 GiB, 2: 2 MiB, 3: 4 KiB).
pub(crate) const fn entry_shift(level: u8) -> u32 {
    12 + 9 * (3 - level as u32)
}

/// Index into a table at `level` for `va`.
pub(crate) const fn entry_index(va: u64, level: u8) -> usize {
    ((va >> entry_shift(level)) as usize) % ENTRIES
}

pub(crate) struct Builder<'a> {
    pub(crate) arena: &'a mut [Table],
    pub(crate) arena_pa: u64,
    pub(crate) used: usize,
}

impl Builder<'_> {
    pub(crate) fn table_pa(&self, index: usize) -> Result<u64, MmError> {
        (index as u64)
            .checked_mul(PAGE_SIZE)
            .and_then(|off| self.arena_pa.checked_add(off))
            .ok_or(MmError::OutOfTables)
    }

    pub(crate) fn alloc(&mut self) -> Result<usize, MmError> {
        let index = self.used;
        let table = self.arena.get_mut(index).ok_or(MmError::OutOfTables)?;
        table.fill(0);
        self.used = index.checked_add(1).ok_or(MmError::OutOfTables)?;
        Ok(index)
    }

    /// Arena index of the table a table descriptor points to (only ever one we wrote).
    fn child_index(&self, desc: u64) -> Result<usize, MmError> {
        let off = (desc & ADDR_MASK)
            .checked_sub(self.arena_pa)
            .ok_or(MmError::OutOfTables)?;
        let index = usize::try_from(off / PAGE_SIZE).map_err(|_| MmError::OutOfTables)?;
        if index < self.used {
            Ok(index)
        } else {
            Err(MmError::OutOfTables)
        }
    }

    /// Maps `start..end` (4 KiB aligned, inside the range covered by the table) in table
    /// `table` at `level`, to the output addresses `spec` gives, with the largest blocks that
    /// alignment (of both VA and PA) and `spec.min_leaf_level` allow.
    pub(crate) fn map(
        &mut self,
        table: usize,
        level: u8,
        start: u64,
        end: u64,
        spec: &LeafSpec,
    ) -> Result<(), MmError> {
        let size = 1u64 << entry_shift(level);
        let mut va = start;
        while va < end {
            let entry_start = va & !(size - 1);
            let entry_end = entry_start
                .checked_add(size)
                .ok_or(MmError::OutOfRange { end })?;
            let chunk_end = entry_end.min(end);
            let index = entry_index(va, level);
            let current = self.arena[table][index];
            let pa = spec.pa_of(va)?;
            let whole_entry = va == entry_start && chunk_end == entry_end;
            if whole_entry && pa % size == 0 && level >= spec.min_leaf_level {
                // The whole entry: a block (levels 1, 2) or page (level 3).
                if current & VALID != 0 {
                    return Err(MmError::Overlap { addr: va });
                }
                let kind_bits = if level == 3 { TABLE_OR_PAGE } else { 0 };
                self.arena[table][index] = pa | spec.attrs | kind_bits | VALID;
            } else if level < 3 {
                // Part of the entry (or a block not allowed here): descend.
                let child = if current & VALID == 0 {
                    let child = self.alloc()?;
                    self.arena[table][index] = self.table_pa(child)? | TABLE_OR_PAGE | VALID;
                    child
                } else if current & TABLE_OR_PAGE != 0 {
                    self.child_index(current)?
                } else {
                    return Err(MmError::Overlap { addr: va });
                };
                self.map(child, level + 1, va, chunk_end, spec)?;
            } else {
                // Level 3 entries are whole 4 KiB pages of page-aligned ranges: never reached
                // for validated input.
                return Err(MmError::Unaligned { addr: va });
            }
            va = chunk_end;
        }
        Ok(())
    }

    /// Links the level-3 table at physical `table` (kept outside the arena) for the 2 MiB at
    /// `va` (2 MiB aligned): walks from `root` down to the level-2 table covering `va`,
    /// allocating it if needed, and writes a table entry there. The entry must be invalid.
    pub(crate) fn link_level3(&mut self, root: usize, va: u64, table: u64) -> Result<(), MmError> {
        let mut index = root;
        for level in ROOT_LEVEL..2 {
            let slot = entry_index(va, level);
            let current = self.arena[index][slot];
            index = if current & VALID == 0 {
                let child = self.alloc()?;
                self.arena[index][slot] = self.table_pa(child)? | TABLE_OR_PAGE | VALID;
                child
            } else if current & TABLE_OR_PAGE != 0 {
                self.child_index(current)?
            } else {
                return Err(MmError::Overlap { addr: va });
            };
        }
        let slot = entry_index(va, 2);
        if self.arena[index][slot] & VALID != 0 {
            return Err(MmError::Overlap { addr: va });
        }
        self.arena[index][slot] = (table & ADDR_MASK) | TABLE_OR_PAGE | VALID;
        Ok(())
    }
}

/// What the leaves of one mapped range look like.
pub(crate) struct LeafSpec {
    /// Leaf attribute bits (no address, no type bits).
    pub(crate) attrs: u64,
    /// First VA of the range.
    pub(crate) va: u64,
    /// Output address of `va`.
    pub(crate) pa: u64,
    /// Smallest level at which a block may be written (1: 1 GiB blocks allowed, 2: 2 MiB
    /// blocks at most).
    pub(crate) min_leaf_level: u8,
}

impl LeafSpec {
    fn pa_of(&self, va: u64) -> Result<u64, MmError> {
        va.checked_sub(self.va)
            .and_then(|off| self.pa.checked_add(off))
            .ok_or(MmError::OutOfRange { end: va })
    }
}

pub(crate) fn check_arena_pa(arena_pa: u64) -> Result<(), MmError> {
    if arena_pa % PAGE_SIZE != 0 || arena_pa & !ADDR_MASK != 0 {
        return Err(MmError::Unaligned { addr: arena_pa });
    }
    Ok(())
}

/// Builds identity-map (VA = PA) translation tables for `layout` in `arena`, whose first table
/// is at physical address `arena_pa` (4 KiB aligned; the arena is contiguous). Table 0 becomes
/// the root; the others are used in order. Blocks of 1 GiB or 2 MiB are used wherever a
/// region's alignment allows, 4 KiB pages elsewhere. Nothing outside the regions is mapped.
///
/// Regions must be 4 KiB aligned, below 2^[`VA_BITS`], and must not overlap. On error the
/// arena holds a partial map that must not be installed.
pub fn build(
    layout: &Layout<'_>,
    arena: &mut [Table],
    arena_pa: u64,
) -> Result<TableRoot, MmError> {
    check_arena_pa(arena_pa)?;
    let limit = 1u64 << VA_BITS;
    for region in layout.regions {
        let (start, end) = (region.range.start, region.range.end);
        if end < start {
            return Err(MmError::InvalidRange { start, end });
        }
        for addr in [start, end] {
            if addr % PAGE_SIZE != 0 {
                return Err(MmError::Unaligned { addr });
            }
        }
        if end > limit {
            return Err(MmError::OutOfRange { end });
        }
    }
    let mut builder = Builder {
        arena,
        arena_pa,
        used: 0,
    };
    let root = builder.alloc()?;
    for region in layout.regions {
        if region.range.is_empty() {
            continue;
        }
        let spec = LeafSpec {
            attrs: leaf_attrs(region.kind),
            va: region.range.start,
            pa: region.range.start,
            min_leaf_level: ROOT_LEVEL,
        };
        builder.map(
            root,
            ROOT_LEVEL,
            region.range.start,
            region.range.end,
            &spec,
        )?;
    }
    Ok(TableRoot {
        ttbr0: builder.table_pa(root)?,
        tables_used: builder.used,
    })
}
