//! FP/SIMD/SVE state switching between worlds. The monitor itself is built
//! without FP/SIMD (soft-float target), so the registers always hold the
//! state of the world that last ran.

use crate::context::FpState;
use crate::sysreg::{read_sysreg, Features};

extern "C" {
    fn fp_save_simd(area: *mut FpState);
    fn fp_restore_simd(area: *const FpState);
    fn fp_save_sve(area: *mut FpState, with_ffr: u64);
    fn fp_restore_sve(area: *const FpState, with_ffr: u64);
}

/// SVCR.SM: streaming SVE mode.
const SVCR_SM: u64 = 1;

/// Saves the live FP state into `area`. If the world was in streaming mode,
/// the CPU leaves it, so the next world starts with ordinary FP/SIMD.
pub fn save(area: &mut FpState, f: &Features) {
    if f.sve {
        let svcr = if f.sme {
            read_sysreg!("S3_3_C4_C2_2")
        } else {
            0
        };
        area.svcr = svcr;
        let streaming = svcr & SVCR_SM != 0;
        // SAFETY: `area` is large enough for the maximum vector length (`FpState` is sized for 2048-bit vectors) and exclusively borrowed.
        unsafe { fp_save_sve(area, u64::from(!streaming)) };
        if streaming {
            // SAFETY: leaves streaming mode (SMSTOP SM); the register file it clears was saved just above.
            unsafe { core::arch::asm!(".arch_extension sme", "smstop sm", options(nostack)) };
        }
    } else {
        // SAFETY: `area` holds at least 32 Q registers and FPSR/FPCR.
        unsafe { fp_save_simd(area) };
    }
}

/// Loads the FP state of the world about to run from `area`.
pub fn restore(area: &FpState, f: &Features) {
    if f.sve {
        let streaming = area.svcr & SVCR_SM != 0;
        if streaming {
            // SAFETY: re-enters streaming mode (SMSTART SM) before loading the streaming register file saved by `save`.
            unsafe { core::arch::asm!(".arch_extension sme", "smstart sm", options(nostack)) };
        }
        // SAFETY: `area` was written by `fp_save_sve` at the same EL3 vector length (or is all-zero for a fresh context).
        unsafe { fp_restore_sve(area, u64::from(!streaming)) };
    } else {
        // SAFETY: as above for the FP/SIMD layout.
        unsafe { fp_restore_simd(area) };
    }
}
