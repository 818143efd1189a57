//! Loading an FP/SIMD/SVE register image (the zeroed one a CPU's normal
//! world starts with; see world.rs for why worlds are not switched). The
//! monitor itself is built without FP/SIMD (soft-float target).

use crate::context::FpState;
use crate::sysreg::Features;

extern "C" {
    fn fp_restore_simd(area: *const FpState);
    fn fp_restore_sve(area: *const FpState, with_ffr: u64);
}

/// SVCR.SM: streaming SVE mode.
const SVCR_SM: u64 = 1;

/// Loads the FP register file from `area`.
pub fn restore(area: &FpState, f: &Features) {
    if f.sve {
        let streaming = area.svcr & SVCR_SM != 0;
        if streaming {
            // SAFETY: re-enters streaming mode (SMSTART SM) before loading the streaming register file saved by `save`.
            unsafe { core::arch::asm!(".arch_extension sme", "smstart sm", options(nostack)) };
        }
        // SAFETY: `area` is sized for the maximum vector length and holds a zeroed image (or one laid out by `FpState`).
        unsafe { fp_restore_sve(area, u64::from(!streaming)) };
    } else {
        // SAFETY: as above for the FP/SIMD layout.
        unsafe { fp_restore_simd(area) };
    }
}
