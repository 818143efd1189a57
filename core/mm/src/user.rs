//! Per-TA address spaces: a copy of the kernel root plus S-EL0 mappings in a user window.

use core::ops::Range;

use crate::build::{check_arena_pa, entry_index, entry_shift, Builder, LeafSpec};
use crate::desc::{user_leaf_attrs, ADDR_MASK, VALID};
use crate::error::MmError;
use crate::leaves::{LeafTables, LEAF_TABLE_SPAN};
use crate::regs::{ttbr0_with_asid, TTBR_ASID_SHIFT};
use crate::{Table, PAGE_SIZE, ROOT_LEVEL, VA_BITS};

/// How a user page is mapped. Every user mapping is Normal WB memory, inner shareable, not
/// global (`nG`), accessible from EL0 and never executable at EL1 (`PXN`); all but the `Ns*`
/// kinds are secure memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    /// TA code (the plan's `UserText`): read-only, executable at EL0 only.
    Text,
    /// TA constants (`UserRo`): read-only, never executable.
    Ro,
    /// TA data, heap, stack, parameter copies (`UserRw`): read-write, never executable.
    Rw,
    /// Normal-world shared memory of an input parameter: `NS` = 1, read-only, never
    /// executable.
    NsRo,
    /// Normal-world shared memory of an output or in/out parameter: `NS` = 1, read-write,
    /// never executable.
    NsRw,
}

/// One user mapping: `size` bytes at virtual address `va` backed by physical `pa`. All three
/// are 4 KiB multiples; a zero `size` maps nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserMapping {
    /// First virtual address (inside the user window).
    pub va: u64,
    /// Physical address `va` maps to.
    pub pa: u64,
    /// Length in bytes.
    pub size: u64,
    /// Attributes.
    pub kind: UserKind,
}

/// The root of a user address space built by [`build_user_window`], the only
/// way to get one: its tables hold the kernel's map plus checked user
/// mappings, so it is the one kind of value a TA may be run with. It can be
/// tagged with an ASID ([`UserRoot::with_asid`]) and read as the
/// `TTBR0_EL1` value, but never made from a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRoot {
    ttbr0: u64,
    tables_used: usize,
}

impl UserRoot {
    /// The value for `TTBR0_EL1`: root table address, ASID in bits 63:48.
    pub const fn ttbr0(&self) -> u64 {
        self.ttbr0
    }

    /// The ASID this root is tagged with (0 until [`UserRoot::with_asid`]).
    pub const fn asid(&self) -> u16 {
        (self.ttbr0 >> TTBR_ASID_SHIFT) as u16
    }

    /// Tables of the arena in use (from index 0, the root).
    pub const fn tables_used(&self) -> usize {
        self.tables_used
    }

    /// The same tables tagged with `asid` (at most [`crate::regs::MAX_ASID`]).
    pub const fn with_asid(self, asid: u16) -> Result<Self, MmError> {
        let base = self.ttbr0 & !(0xffff << TTBR_ASID_SHIFT);
        match ttbr0_with_asid(base, asid) {
            Ok(ttbr0) => Ok(Self {
                ttbr0,
                tables_used: self.tables_used,
            }),
            Err(e) => Err(e),
        }
    }
}

/// The user window of the TA runtime plan: level-1 entry 2 (VA 0x8000_0000..0xC000_0000).
pub const TA_WINDOW: Range<u64> = 0x8000_0000..0xc000_0000;

/// Largest physical address + 1 a descriptor can hold (48-bit output addresses).
pub(crate) const PA_LIMIT: u64 = ADDR_MASK + PAGE_SIZE;

/// Builds a user address space in `arena` (at physical `arena_pa`, 4 KiB aligned): table 0
/// becomes a new root holding a copy of `kernel_root`'s entries (so it shares the kernel's
/// lower-level tables and kernel mappings) plus `mappings` under the level-1 entries covering
/// `window`, which must all be invalid in `kernel_root`. User memory uses 4 KiB pages, or
/// 2 MiB blocks where VA, PA and size allow (never 1 GiB blocks); the user tables come from
/// the arena in order.
///
/// `window` must be non-empty, 4 KiB aligned and below 2^[`VA_BITS`]; each mapping must lie
/// inside it with `va`, `pa` and `size` 4 KiB aligned and `pa + size` within 48 bits, and
/// mappings must not overlap. On error the arena holds a partial map that must not be
/// installed. The kernel root and its tables are only read (through the copy) and never
/// written.
pub fn build_user_window(
    kernel_root: &Table,
    window: Range<u64>,
    mappings: &[UserMapping],
    arena: &mut [Table],
    arena_pa: u64,
) -> Result<UserRoot, MmError> {
    build_user_window_with_leaves(
        kernel_root,
        window,
        mappings,
        &LeafTables::NONE,
        arena,
        arena_pa,
    )
}

/// [`build_user_window`] plus kept level-3 tables: each of `leaves.tables` is linked (a
/// level-2 table entry) at its 2 MiB of `leaves.start..`, which must lie inside `window` and
/// hold none of `mappings` (`OutsideWindow`, `Overlap`). The kept tables are not written
/// here: their entries come only from [`map_leaves`](crate::map_leaves), which checks each
/// one as this builder checks `mappings`, and from zeroed memory.
pub fn build_user_window_with_leaves(
    kernel_root: &Table,
    window: Range<u64>,
    mappings: &[UserMapping],
    leaves: &LeafTables<'_>,
    arena: &mut [Table],
    arena_pa: u64,
) -> Result<UserRoot, MmError> {
    check_arena_pa(arena_pa)?;
    check_window(kernel_root, &window)?;
    for m in mappings {
        check_mapping(m, &window)?;
    }
    let leaf_end = check_leaves(leaves, &window, mappings)?;
    let mut builder = Builder {
        arena,
        arena_pa,
        used: 0,
    };
    let root = builder.alloc()?;
    builder.arena[root] = *kernel_root;
    for m in mappings {
        if m.size == 0 {
            continue;
        }
        let spec = LeafSpec {
            attrs: user_leaf_attrs(m.kind),
            va: m.va,
            pa: m.pa,
            min_leaf_level: ROOT_LEVEL + 1,
        };
        // Checked in `check_mapping`.
        let end =
            m.va.checked_add(m.size)
                .ok_or(MmError::OutOfRange { end: u64::MAX })?;
        builder.map(root, ROOT_LEVEL, m.va, end, &spec)?;
    }
    let mut va = leaves.start;
    for &table in leaves.tables {
        builder.link_level3(root, va, table)?;
        va += LEAF_TABLE_SPAN;
    }
    debug_assert_eq!(va, leaf_end);
    Ok(UserRoot {
        ttbr0: builder.table_pa(root)?,
        tables_used: builder.used,
    })
}

/// The kept tables' range lies in the window and overlaps no mapping; returns its end.
fn check_leaves(
    leaves: &LeafTables<'_>,
    window: &Range<u64>,
    mappings: &[UserMapping],
) -> Result<u64, MmError> {
    leaves.check()?;
    let end = leaves.end().ok_or(MmError::OutOfRange { end: u64::MAX })?;
    if leaves.tables.is_empty() {
        return Ok(end);
    }
    if leaves.start < window.start || end > window.end {
        return Err(MmError::OutsideWindow {
            start: leaves.start,
            end,
        });
    }
    for m in mappings {
        // Checked in `check_mapping`: no overflow.
        if m.size != 0 && m.va < end && leaves.start < m.va + m.size {
            return Err(MmError::Overlap {
                addr: m.va.max(leaves.start),
            });
        }
    }
    Ok(end)
}

fn check_window(kernel_root: &Table, window: &Range<u64>) -> Result<(), MmError> {
    let (start, end) = (window.start, window.end);
    if end <= start {
        return Err(MmError::InvalidRange { start, end });
    }
    for addr in [start, end] {
        if addr % PAGE_SIZE != 0 {
            return Err(MmError::Unaligned { addr });
        }
    }
    if end > 1u64 << VA_BITS {
        return Err(MmError::OutOfRange { end });
    }
    let first = entry_index(start, ROOT_LEVEL);
    let last = entry_index(end - 1, ROOT_LEVEL);
    for (index, desc) in kernel_root.iter().enumerate().take(last + 1).skip(first) {
        if desc & VALID != 0 {
            return Err(MmError::WindowInUse {
                addr: (index as u64) << entry_shift(ROOT_LEVEL),
            });
        }
    }
    Ok(())
}

fn check_mapping(m: &UserMapping, window: &Range<u64>) -> Result<(), MmError> {
    for addr in [m.va, m.pa, m.size] {
        if addr % PAGE_SIZE != 0 {
            return Err(MmError::Unaligned { addr });
        }
    }
    if m.size == 0 {
        return Ok(());
    }
    let end = m.va.checked_add(m.size);
    if m.va < window.start || end.is_none_or(|end| end > window.end) {
        return Err(MmError::OutsideWindow {
            start: m.va,
            end: end.unwrap_or(u64::MAX),
        });
    }
    match m.pa.checked_add(m.size) {
        Some(pa_end) if pa_end <= PA_LIMIT => Ok(()),
        pa_end => Err(MmError::PaOutOfRange {
            end: pa_end.unwrap_or(u64::MAX),
        }),
    }
}
