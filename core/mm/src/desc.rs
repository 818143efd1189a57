//! Bits of VMSAv8-64 stage-1 descriptors (4 KiB granule), as the builder writes them and the
//! walker reads them.

use crate::layout::MemKind;
use crate::user::UserKind;

/// Descriptor is valid.
pub const VALID: u64 = 1 << 0;
/// At levels 0–2: next-level table (set) or block (clear). At level 3: page (must be set).
pub const TABLE_OR_PAGE: u64 = 1 << 1;
/// `AttrIndx[2:0]` shift: index into `MAIR_EL1`.
pub const ATTR_INDEX_SHIFT: u32 = 2;
/// `AttrIndx` mask (after shifting).
pub const ATTR_INDEX_MASK: u64 = 0b111;
/// `NS`: output address is in the non-secure physical address space (Secure state only).
pub const NS: u64 = 1 << 5;
/// `AP[1]`: accessible from EL0 (set only by [`user_leaf_attrs`], never for kernel kinds).
pub const AP_EL0: u64 = 1 << 6;
/// `AP[2]`: read-only.
pub const AP_RO: u64 = 1 << 7;
/// `SH[1:0]` shift.
pub const SH_SHIFT: u32 = 8;
/// `SH` = inner shareable.
pub const SH_INNER: u64 = 0b11 << SH_SHIFT;
/// Access flag (set on every leaf: no AF faults).
pub const AF: u64 = 1 << 10;
/// Not global: the TLB entry is tagged with the ASID (set only by [`user_leaf_attrs`]; kernel
/// mappings are global).
pub const NG: u64 = 1 << 11;
/// Privileged (EL1) execute-never.
pub const PXN: u64 = 1 << 53;
/// Unprivileged (EL0) execute-never.
pub const UXN: u64 = 1 << 54;
/// Output address bits `[47:12]`.
pub const ADDR_MASK: u64 = 0x0000_ffff_ffff_f000;

/// `MAIR_EL1` index of Device-nGnRnE memory.
pub const MAIR_IDX_DEVICE: u64 = 0;
/// `MAIR_EL1` index of Normal memory, inner/outer write-back, read/write-allocate.
pub const MAIR_IDX_NORMAL: u64 = 1;

/// Attribute bits of a kernel (EL1-only, global) leaf (block or page) descriptor mapping memory
/// of `kind`, without the
/// output address and the type bits.
pub const fn leaf_attrs(kind: MemKind) -> u64 {
    let normal = (MAIR_IDX_NORMAL << ATTR_INDEX_SHIFT) | SH_INNER | AF;
    match kind {
        MemKind::Text => normal | AP_RO | UXN,
        MemKind::RoData => normal | AP_RO | PXN | UXN,
        MemKind::Data => normal | PXN | UXN,
        MemKind::NsRam => normal | NS | PXN | UXN,
        MemKind::Device => (MAIR_IDX_DEVICE << ATTR_INDEX_SHIFT) | AF | PXN | UXN,
    }
}

/// Attribute bits of a user (S-EL0) leaf descriptor mapping memory of `kind`, without the output
/// address and the type bits: Normal WB memory, inner shareable (as Linux maps its RAM, so the
/// normal world's and the TA's views of shared memory agree), access flag set, not global
/// (`nG` = 1, so the ASID applies), accessible from EL0 (`AP[1]` = 1) and never executable at
/// EL1 (`PXN` = 1); secure (`NS` = 0) except for the `Ns*` kinds.
pub const fn user_leaf_attrs(kind: UserKind) -> u64 {
    let user = (MAIR_IDX_NORMAL << ATTR_INDEX_SHIFT) | SH_INNER | AF | NG | AP_EL0 | PXN;
    match kind {
        UserKind::Text => user | AP_RO,
        UserKind::Ro => user | AP_RO | UXN,
        UserKind::Rw => user | UXN,
        UserKind::NsRo => user | NS | AP_RO | UXN,
        UserKind::NsRw => user | NS | UXN,
    }
}
