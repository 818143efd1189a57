//! What of a world's EL1 translation state the monitor must switch.
//!
//! `TTBR1_EL1` takes part in a world's translation only if `TCR_EL1` lets
//! it: walks through it are on (`EPD1` clear) or it holds the ASID (`A1`
//! set). A secure OS that uses neither (the oxtee core, OP-TEE) never reads
//! it for translation, so the monitor may leave the normal world's value in
//! the register while the secure OS runs. Not writing it keeps the ASID
//! field unchanged, which spares QEMU's TCG a whole-TLB flush on each of
//! the two world switches of a call (it flushes on every `TTBR1_EL1` write
//! that changes the ASID). The normal world always gets its own value back,
//! and never sees a secure one.

use crate::World;

/// `TCR_EL1.A1` (22): the ASID comes from `TTBR1_EL1`.
const TCR_A1: u64 = 1 << 22;
/// `TCR_EL1.EPD1` (23): no walks through `TTBR1_EL1`.
const TCR_EPD1: u64 = 1 << 23;

/// Whether a world running with `tcr_el1` uses `TTBR1_EL1` for translation
/// (its tables or its ASID).
pub fn ttbr1_in_use(tcr_el1: u64) -> bool {
    tcr_el1 & TCR_EPD1 == 0 || tcr_el1 & TCR_A1 != 0
}

/// Whether entering `world`, whose saved `TCR_EL1` is `tcr_el1`, must load
/// its saved `TTBR1_EL1`: always for the normal world (a secure value must
/// not stay visible there), for the secure world only if it uses the
/// register.
pub fn must_load_ttbr1(world: World, tcr_el1: u64) -> bool {
    world == World::NonSecure || ttbr1_in_use(tcr_el1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttbr1_matters_unless_walks_are_off_and_the_asid_is_in_ttbr0() {
        // Linux: TTBR1 walks on, ASID in TTBR1.
        assert!(ttbr1_in_use(TCR_A1));
        // Walks on, ASID in TTBR0.
        assert!(ttbr1_in_use(0));
        // Walks off, but the ASID is still read from TTBR1.
        assert!(ttbr1_in_use(TCR_EPD1 | TCR_A1));
        // The oxtee core and OP-TEE: walks off, ASID in TTBR0.
        assert!(!ttbr1_in_use(TCR_EPD1));
        // Other fields change nothing.
        assert!(!ttbr1_in_use(TCR_EPD1 | (0x0000_0005_b510_3510 & !TCR_A1)));
        assert!(ttbr1_in_use(!TCR_EPD1));
    }

    #[test]
    fn only_a_secure_world_that_ignores_ttbr1_keeps_the_other_value() {
        assert!(!must_load_ttbr1(World::Secure, TCR_EPD1));
        assert!(must_load_ttbr1(World::Secure, TCR_EPD1 | TCR_A1));
        assert!(must_load_ttbr1(World::Secure, 0));
        // The normal world gets its own value back whatever its TCR says.
        assert!(must_load_ttbr1(World::NonSecure, TCR_EPD1));
        assert!(must_load_ttbr1(World::NonSecure, TCR_A1));
    }
}
