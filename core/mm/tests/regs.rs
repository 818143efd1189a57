//! System register values.

use oxtee_mm::regs::{mair, pa_bits_from_mmfr0, sctlr_bits, sctlr_enable, tcr};
use oxtee_mm::MmError;

#[test]
fn mair_value() {
    assert_eq!(mair(), 0xff00);
    assert_eq!(mair() & 0xff, 0x00, "index 0 Device-nGnRnE");
    assert_eq!((mair() >> 8) & 0xff, 0xff, "index 1 Normal WB RA WA");
}

#[test]
fn tcr_fields() {
    let t = tcr(40).unwrap();
    assert_eq!(t & 0x3f, 25, "T0SZ");
    assert_eq!((t >> 7) & 1, 0, "EPD0");
    assert_eq!((t >> 8) & 3, 1, "IRGN0");
    assert_eq!((t >> 10) & 3, 1, "ORGN0");
    assert_eq!((t >> 12) & 3, 3, "SH0");
    assert_eq!((t >> 14) & 3, 0, "TG0 4K");
    assert_eq!((t >> 22) & 1, 0, "A1");
    assert_eq!((t >> 23) & 1, 1, "EPD1");
    assert_eq!((t >> 30) & 3, 2, "TG1 4K");
    assert_eq!((t >> 32) & 7, 0b010, "IPS 40 bits");
    assert_eq!(t >> 35, 0, "AS, TBI, HA, HD clear");
    assert_eq!(tcr(32).unwrap() >> 32 & 7, 0);
    assert_eq!(tcr(48).unwrap() >> 32 & 7, 0b101);
    // The values documented in the README.
    assert_eq!(tcr(40), Ok(0x2_8099_3519));
    assert_eq!(tcr(48), Ok(0x5_8099_3519));
    assert_eq!(tcr(33), Err(MmError::BadPaRange { bits: 33 }));
    assert_eq!(tcr(52), Err(MmError::BadPaRange { bits: 52 }));
}

#[test]
fn pa_range_from_mmfr0() {
    assert_eq!(pa_bits_from_mmfr0(0x1122_0005), 48);
    assert_eq!(pa_bits_from_mmfr0(0x6), 48, "52-bit capped");
    assert_eq!(pa_bits_from_mmfr0(0x2), 40);
    assert_eq!(pa_bits_from_mmfr0(0xf), 32);
    assert!(tcr(pa_bits_from_mmfr0(0x6)).is_ok());
}

#[test]
fn sctlr() {
    let (set, clear) = sctlr_bits();
    assert_eq!(set & clear, 0);
    for bit in [0, 2, 3, 12, 19] {
        assert_ne!(set & (1 << bit), 0, "bit {bit} set");
    }
    for bit in [1, 24, 25] {
        assert_ne!(clear & (1 << bit), 0, "bit {bit} cleared");
    }
    // Reset value with RES1 bits and A set: RES1 bits kept, A cleared, M/C/I on.
    let reset = 0x30d0_0802;
    let on = sctlr_enable(reset);
    assert_eq!(on, (0x30d0_0800 | 1 | 4 | 8 | 1 << 12 | 1 << 19));
}
