//! Values for the EL1 system registers that go with the tables: `MAIR_EL1`, `TCR_EL1` and the
//! `SCTLR_EL1` bits that turn translation and the caches on.

use crate::desc::{ADDR_MASK, MAIR_IDX_DEVICE, MAIR_IDX_NORMAL};
use crate::error::MmError;
use crate::{PAGE_SIZE, VA_BITS};

/// `MAIR_EL1` attribute byte: Device-nGnRnE.
pub const MAIR_DEVICE_NGNRNE: u64 = 0x00;
/// `MAIR_EL1` attribute byte: Normal, inner and outer write-back non-transient, read- and
/// write-allocate.
pub const MAIR_NORMAL_WB: u64 = 0xff;

/// `MAIR_EL1`: index 0 Device-nGnRnE, index 1 Normal write-back (= `0xff00`).
pub const fn mair() -> u64 {
    (MAIR_DEVICE_NGNRNE << (8 * MAIR_IDX_DEVICE)) | (MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL))
}

/// `TCR_EL1.T0SZ` (bits 5:0): 64 - [`VA_BITS`] = 25.
pub const TCR_T0SZ: u64 = 64 - VA_BITS as u64;
/// `TCR_EL1.IRGN0` (9:8) = 0b01: table walks inner write-back read/write-allocate.
pub const TCR_IRGN0_WBWA: u64 = 0b01 << 8;
/// `TCR_EL1.ORGN0` (11:10) = 0b01: table walks outer write-back read/write-allocate.
pub const TCR_ORGN0_WBWA: u64 = 0b01 << 10;
/// `TCR_EL1.SH0` (13:12) = 0b11: table walks inner shareable.
pub const TCR_SH0_INNER: u64 = 0b11 << 12;
/// `TCR_EL1.TG0` (15:14) = 0b00: 4 KiB granule for `TTBR0_EL1`.
pub const TCR_TG0_4K: u64 = 0b00 << 14;
/// `TCR_EL1.T1SZ` (21:16): same size as T0SZ (unused, `TTBR1_EL1` walks are disabled).
pub const TCR_T1SZ: u64 = TCR_T0SZ << 16;
/// `TCR_EL1.EPD1` (23): no walks through `TTBR1_EL1`; upper addresses fault.
pub const TCR_EPD1: u64 = 1 << 23;
/// `TCR_EL1.TG1` (31:30) = 0b10: 4 KiB granule (a valid encoding even though unused).
pub const TCR_TG1_4K: u64 = 0b10 << 30;
/// `TCR_EL1.IPS` shift (34:32).
pub const TCR_IPS_SHIFT: u32 = 32;

/// `TCR_EL1.IPS` encoding for a physical address size of `bits`.
pub const fn ips(bits: u32) -> Result<u64, MmError> {
    match bits {
        32 => Ok(0b000),
        36 => Ok(0b001),
        40 => Ok(0b010),
        42 => Ok(0b011),
        44 => Ok(0b100),
        48 => Ok(0b101),
        _ => Err(MmError::BadPaRange { bits }),
    }
}

/// The physical address size to give [`tcr`], from `ID_AA64MMFR0_EL1` (its `PARange`, bits
/// 3:0), capped at 48 bits (52-bit output addresses need descriptor formats not used here).
/// Unknown encodings give 32 bits, which still covers everything on QEMU `virt` below 4 GiB.
pub const fn pa_bits_from_mmfr0(id_aa64mmfr0: u64) -> u32 {
    match id_aa64mmfr0 & 0xf {
        0b0000 => 32,
        0b0001 => 36,
        0b0010 => 40,
        0b0011 => 42,
        0b0100 => 44,
        0b0101 | 0b0110 => 48,
        _ => 32,
    }
}

/// `TCR_EL1` for the tables from [`build`](crate::build): 4 KiB granule, [`VA_BITS`]-bit VA
/// through `TTBR0_EL1` only (`EPD1` = 1), write-back inner-shareable table walks, 8-bit ASID
/// from `TTBR0_EL1`, no top-byte-ignore, no hardware AF/dirty updates, and `IPS` for a
/// `pa_range_bits`-bit physical address size (32, 36, 40, 42, 44 or 48; see
/// [`pa_bits_from_mmfr0`]).
pub const fn tcr(pa_range_bits: u32) -> Result<u64, MmError> {
    match ips(pa_range_bits) {
        Ok(ips) => Ok(TCR_T0SZ
            | TCR_IRGN0_WBWA
            | TCR_ORGN0_WBWA
            | TCR_SH0_INNER
            | TCR_TG0_4K
            | TCR_T1SZ
            | TCR_EPD1
            | TCR_TG1_4K
            | (ips << TCR_IPS_SHIFT)),
        Err(e) => Err(e),
    }
}

/// `SCTLR_EL1.M`: stage-1 translation on.
pub const SCTLR_M: u64 = 1 << 0;
/// `SCTLR_EL1.A`: alignment fault checking.
pub const SCTLR_A: u64 = 1 << 1;
/// `SCTLR_EL1.C`: data accesses cacheable.
pub const SCTLR_C: u64 = 1 << 2;
/// `SCTLR_EL1.SA`: SP alignment check at EL1.
pub const SCTLR_SA: u64 = 1 << 3;
/// `SCTLR_EL1.I`: instruction fetches cacheable.
pub const SCTLR_I: u64 = 1 << 12;
/// `SCTLR_EL1.WXN`: writable memory is execute-never.
pub const SCTLR_WXN: u64 = 1 << 19;
/// `SCTLR_EL1.E0E`: EL0 data big-endian.
pub const SCTLR_E0E: u64 = 1 << 24;
/// `SCTLR_EL1.EE`: EL1 data and table walks big-endian.
pub const SCTLR_EE: u64 = 1 << 25;

/// `(set, clear)` masks for `SCTLR_EL1`: new = (old | set) & !clear. Sets M, C, I, SA and WXN;
/// clears A (unaligned Normal-memory accesses allowed), EE and E0E (little-endian tables and
/// data). Other bits (the RES1 ones included) keep their values.
pub const fn sctlr_bits() -> (u64, u64) {
    (
        SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_WXN,
        SCTLR_A | SCTLR_EE | SCTLR_E0E,
    )
}

/// `SCTLR_EL1` with translation and caches on, from its current value.
pub const fn sctlr_enable(current: u64) -> u64 {
    let (set, clear) = sctlr_bits();
    (current | set) & !clear
}

/// `TTBR0_EL1.ASID` shift (bits 63:48).
pub const TTBR_ASID_SHIFT: u32 = 48;

/// Largest ASID: [`tcr`] leaves `TCR_EL1.AS` = 0, so ASIDs are 8 bits wide.
pub const MAX_ASID: u16 = 0xff;

/// `TTBR0_EL1` for the root table at `root_pa` (4 KiB aligned, below 2^48) tagged with `asid`
/// (at most [`MAX_ASID`]; bits 63:48), `CnP` = 0. ASID 0 suits the kernel's own root (its
/// mappings are global); give each user address space its own non-zero ASID.
pub const fn ttbr0_with_asid(root_pa: u64, asid: u16) -> Result<u64, MmError> {
    if root_pa % PAGE_SIZE != 0 {
        return Err(MmError::Unaligned { addr: root_pa });
    }
    if root_pa & !ADDR_MASK != 0 {
        return Err(MmError::PaOutOfRange { end: root_pa });
    }
    if asid > MAX_ASID {
        return Err(MmError::BadAsid { asid });
    }
    Ok(root_pa | ((asid as u64) << TTBR_ASID_SHIFT))
}
