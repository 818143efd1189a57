//! The machine side of FP/SIMD ownership (the rules are
//! `oxtee_kernel::lazy_fp`): this CPU's registers, save areas and traps.
//!
//! SVE: when SMCCC asks for the caller's whole SVE state (no hint, see
//! `lazy_fp::extent_for_call`), it is saved with SVE instructions at the
//! core's vector length. For that length to cover the caller's, each CPU
//! sets ZCR_EL1.LEN to the largest value at boot, before the normal world
//! ever runs there: with our firmware ZCR_EL1 is switched per world and
//! keeps this value for the secure world; behind TF-A it is shared, and the
//! normal world sets its own afterwards, which the core then also runs with.
//! EL1 may use SVE (CPACR_EL1.ZEN), EL0 may not: a TA's SVE use faults, so a
//! TA never sees P0-P15 or FFR. The core's SVE2 AES routines write P0/P1,
//! only on registers claimed for it (the claim saved the caller's state).
//!
//! SME: EL1 may read SVCR (CPACR_EL1.SMEN) to tell whether the caller is in
//! streaming mode, in which case the registers are not lent to a TA.
//!
//! Both need the firmware to let the secure world use SVE and SME on CPUs
//! that have them (CPTR_EL3.EZ, ESM): our firmware does; TF-A does with
//! `ENABLE_SVE_FOR_SWD=1 ENABLE_SME_FOR_SWD=1`, without which it traps even
//! FP/SIMD in the secure world on such CPUs.

use core::cell::UnsafeCell;

use oxtee_kernel::lazy_fp::{Extent, FpRegisterFile};

use crate::cpu::MAX_CPUS;
use crate::sysreg;

/// CPACR_EL1.FPEN: EL0 accesses trap, EL1 accesses do not.
pub const FPEN_TRAP_EL0: u64 = 0b01 << 20;
/// CPACR_EL1.FPEN: no trap.
const FPEN_NO_TRAP: u64 = 0b11 << 20;
const FPEN_MASK: u64 = 0b11 << 20;
/// CPACR_EL1.ZEN: SVE traps at EL0, not at EL1.
const ZEN_TRAP_EL0: u64 = 0b01 << 16;
/// CPACR_EL1.SMEN: SME traps at EL0, not at EL1.
const SMEN_TRAP_EL0: u64 = 0b01 << 24;

/// The normal world's FP/SIMD registers (layout used by `fp_save_ns`).
#[repr(C, align(16))]
pub struct NsFpState {
    q: [u128; 32],
    fpsr: u64,
    fpcr: u64,
}

const _: () = assert!(core::mem::offset_of!(NsFpState, fpsr) == 512);
const _: () = assert!(core::mem::offset_of!(NsFpState, fpcr) == 520);

/// Largest SVE vector length in bytes (2048 bits).
const MAX_VL: usize = 256;

/// The normal world's whole SVE state (layout used by `fp_save_sve`):
/// FPSR, FPCR, 32 Z registers, 16 P registers and FFR at the largest length.
#[repr(C, align(16))]
pub struct SveArea([u8; 16 + 32 * MAX_VL + 17 * (MAX_VL / 8)]);

/// One CPU's save areas.
pub struct Areas {
    fpsimd: UnsafeCell<NsFpState>,
    sve: UnsafeCell<SveArea>,
}

struct AllAreas([Areas; MAX_CPUS]);

// SAFETY: each CPU touches only its own slot, from code that runs with exceptions masked, never concurrently with itself.
unsafe impl Sync for AllAreas {}

static AREAS: AllAreas = AllAreas(
    [const {
        Areas {
            fpsimd: UnsafeCell::new(NsFpState {
                q: [0; 32],
                fpsr: 0,
                fpcr: 0,
            }),
            sve: UnsafeCell::new(SveArea([0; 16 + 32 * MAX_VL + 17 * (MAX_VL / 8)])),
        }
    }; MAX_CPUS],
);

extern "C" {
    fn fp_save_ns(area: *mut NsFpState);
    fn fp_load_ns(area: *const NsFpState);
    fn fp_save_sve(area: *mut SveArea);
    fn fp_load_sve(area: *const SveArea);
}

core::arch::global_asm!(include_str!("asm/sve.S"));

/// The CPU implements SVE (ID_AA64PFR0_EL1.SVE).
pub fn cpu_has_sve() -> bool {
    (sysreg::id_aa64pfr0_el1() >> 32) & 0xf != 0
}

/// The CPU implements SME (ID_AA64PFR1_EL1.SME).
fn cpu_has_sme() -> bool {
    (sysreg::id_aa64pfr1_el1() >> 24) & 0xf != 0
}

/// Per-CPU set-up after the MMU (which set FPEN): SVE and SME usable at
/// EL1 only, and the largest SVE vector length for the secure world.
pub fn init_this_cpu() {
    let mut extra = 0;
    if cpu_has_sve() {
        extra |= ZEN_TRAP_EL0;
    }
    if cpu_has_sme() {
        extra |= SMEN_TRAP_EL0;
    }
    if extra == 0 {
        return;
    }
    // SAFETY: only lets EL1 (this code, built soft-float) use SVE/SME; EL0 keeps trapping on both.
    unsafe { sysreg::set_cpacr_el1(sysreg::cpacr_el1() | extra) };
    if cpu_has_sve() {
        // SAFETY: SVE is usable at EL1 (just above); ZCR_EL1.LEN only sets the vector length (capped by the hardware and EL3); the normal world has not run on this CPU yet and sets its own.
        unsafe { sysreg::set_zcr_el1(0xf) };
    }
}

/// Sets CPACR_EL1.FPEN to `fpen` if it differs.
fn set_fpen(fpen: u64) {
    let cpacr = sysreg::cpacr_el1();
    if cpacr & FPEN_MASK != fpen {
        // SAFETY: FPEN only decides whether FP/SIMD accesses trap; EL1 (the core) is never trapped by either value used here, and EL0 runs untrapped only once the ownership rules saved the normal world's registers (user_enter then loads the TA's own).
        unsafe { sysreg::set_cpacr_el1((cpacr & !FPEN_MASK) | fpen) };
    }
}

/// One CPU's registers and save areas, for the ownership rules.
pub struct CpuRegs {
    areas: &'static Areas,
}

impl CpuRegs {
    /// The registers of `cpu`, which must be the calling CPU.
    pub fn this_cpu(cpu: usize) -> Self {
        Self {
            areas: &AREAS.0[cpu],
        }
    }
}

impl FpRegisterFile for CpuRegs {
    fn save_normal_world(&mut self, extent: Extent) {
        match extent {
            // SAFETY: the area is this CPU's and nothing else uses it now; the registers still hold the normal world's values (nothing in the secure world loaded any since entry).
            Extent::Fpsimd => unsafe { fp_save_ns(self.areas.fpsimd.get()) },
            // SAFETY: as above; SVE is usable at EL1 (`init_this_cpu`, only called when the CPU has SVE) and the area is sized for the largest vector length.
            Extent::Sve => unsafe { fp_save_sve(self.areas.sve.get()) },
        }
    }

    fn restore_normal_world(&mut self, extent: Extent) {
        match extent {
            // SAFETY: the area holds this CPU's normal-world registers, saved in this visit of the secure world.
            Extent::Fpsimd => unsafe { fp_load_ns(self.areas.fpsimd.get()) },
            // SAFETY: as above, saved by `fp_save_sve` at the same vector length (nothing in the secure world changes it).
            Extent::Sve => unsafe { fp_load_sve(self.areas.sve.get()) },
        }
    }

    fn trap_el0_fp(&mut self, trap: bool) {
        set_fpen(if trap { FPEN_TRAP_EL0 } else { FPEN_NO_TRAP });
    }

    fn streaming_mode(&self) -> bool {
        if !cpu_has_sme() {
            return false;
        }
        // EL1 may read SVCR: CPACR_EL1.SMEN, `init_this_cpu`.
        sysreg::svcr() & 1 != 0
    }
}
