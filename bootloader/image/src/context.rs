//! Per-CPU, per-world saved state: what the monitor keeps of a lower EL while
//! the other world or EL3 runs.

use core::mem::offset_of;

/// Largest SVE/SME vector length in bytes (2048 bits).
pub const MAX_VL: usize = 256;

/// FP/SIMD/SVE register file of one world. Z registers are stored with a
/// stride of the current EL3 vector length (Q registers with 16 bytes when SVE
/// is absent), predicates likewise with a stride of VL/8.
#[repr(C, align(16))]
pub struct FpState {
    /// Z0..Z31 (or Q0..Q31).
    pub z: [u8; 32 * MAX_VL],
    /// P0..P15.
    pub p: [u8; 16 * MAX_VL / 8],
    /// FFR.
    pub ffr: [u8; MAX_VL / 8],
    /// FPSR.
    pub fpsr: u64,
    /// FPCR.
    pub fpcr: u64,
    /// SVCR (streaming mode / ZA enable) at save time.
    pub svcr: u64,
    _pad: u64,
}

impl FpState {
    /// Clears the state in place (a fresh world starts with zero registers).
    pub fn clear(&mut self) {
        self.z.fill(0);
        self.p.fill(0);
        self.ffr.fill(0);
        self.fpsr = 0;
        self.fpcr = 0;
        self.svcr = 0;
    }
}

/// Offset of the predicate area.
pub const FP_P_OFF: usize = offset_of!(FpState, p);
/// Offset of FFR relative to the predicate area.
pub const FP_FFR_REL: usize = offset_of!(FpState, ffr) - FP_P_OFF;
/// Offset of FPSR relative to the predicate area.
pub const FP_FPSR_REL: usize = offset_of!(FpState, fpsr) - FP_P_OFF;
const _: () = assert!(FP_P_OFF == 8192);
const _: () = assert!(FP_FFR_REL == 512 && FP_FPSR_REL == 544);
const _: () = assert!(offset_of!(FpState, fpcr) == offset_of!(FpState, fpsr) + 8);

/// EL1 (and EL0) system registers that both worlds use and the CPU does not
/// bank by security state.
#[repr(C)]
#[derive(Default, Clone, Copy)]
pub struct El1Regs {
    pub sctlr: u64,
    pub actlr: u64,
    pub cpacr: u64,
    pub csselr: u64,
    pub sp_el1: u64,
    pub esr: u64,
    pub ttbr0: u64,
    pub ttbr1: u64,
    pub mair: u64,
    pub amair: u64,
    pub tcr: u64,
    pub tpidr_el1: u64,
    pub tpidr_el0: u64,
    pub tpidrro_el0: u64,
    pub par: u64,
    pub far: u64,
    pub afsr0: u64,
    pub afsr1: u64,
    pub contextidr: u64,
    pub vbar: u64,
    pub spsr_el1: u64,
    pub elr_el1: u64,
    pub mdccint: u64,
    pub mdscr: u64,
    pub cntkctl: u64,
    pub pmcr_el0: u64,
    /// Pointer-authentication keys: APIA, APIB, APDA, APDB, APGA (lo, hi).
    pub pauth: [u64; 10],
    pub zcr_el1: u64,
    pub smcr_el1: u64,
    pub tpidr2_el0: u64,
    pub scxtnum_el0: u64,
    pub scxtnum_el1: u64,
}

impl El1Regs {
    /// All registers zero.
    pub const fn zeroed() -> Self {
        Self {
            sctlr: 0,
            actlr: 0,
            cpacr: 0,
            csselr: 0,
            sp_el1: 0,
            esr: 0,
            ttbr0: 0,
            ttbr1: 0,
            mair: 0,
            amair: 0,
            tcr: 0,
            tpidr_el1: 0,
            tpidr_el0: 0,
            tpidrro_el0: 0,
            par: 0,
            far: 0,
            afsr0: 0,
            afsr1: 0,
            contextidr: 0,
            vbar: 0,
            spsr_el1: 0,
            elr_el1: 0,
            mdccint: 0,
            mdscr: 0,
            cntkctl: 0,
            pmcr_el0: 0,
            pauth: [0; 10],
            zcr_el1: 0,
            smcr_el1: 0,
            tpidr2_el0: 0,
            scxtnum_el0: 0,
            scxtnum_el1: 0,
        }
    }
}

/// Everything saved of one world on one CPU. The first fields are used by the
/// assembly in `vectors.S`; their offsets are passed to it as constants.
#[repr(C, align(16))]
pub struct WorldContext {
    /// x0..x30.
    pub x: [u64; 31],
    /// SP_EL0.
    pub sp_el0: u64,
    /// ELR_EL3: where the world resumes.
    pub elr_el3: u64,
    /// SPSR_EL3: the world's PSTATE.
    pub spsr_el3: u64,
    /// SCR_EL3 while this world runs.
    pub scr_el3: u64,
    /// EL3 stack of the `el3_enter_world` call running this world: where its
    /// next exit to EL3 returns to. Written by the assembly on every entry.
    pub el3_sp: u64,
    /// EL1 system registers.
    pub el1: El1Regs,
    /// FP/SIMD/SVE state.
    pub fp: FpState,
}

/// Offset of `elr_el3` (followed by `spsr_el3`).
pub const CTX_ELR: usize = offset_of!(WorldContext, elr_el3);
/// Offset of `scr_el3`.
pub const CTX_SCR: usize = offset_of!(WorldContext, scr_el3);
/// Offset of `el3_sp`.
pub const CTX_EL3_SP: usize = offset_of!(WorldContext, el3_sp);
const _: () = assert!(offset_of!(WorldContext, sp_el0) == 248);
const _: () = assert!(CTX_ELR == 256);
const _: () = assert!(offset_of!(WorldContext, spsr_el3) == CTX_ELR + 8);

impl WorldContext {
    /// An all-zero context.
    pub const fn zeroed() -> Self {
        Self {
            x: [0; 31],
            sp_el0: 0,
            elr_el3: 0,
            spsr_el3: 0,
            scr_el3: 0,
            el3_sp: 0,
            el1: El1Regs::zeroed(),
            fp: FpState {
                z: [0; 32 * MAX_VL],
                p: [0; 16 * MAX_VL / 8],
                ffr: [0; MAX_VL / 8],
                fpsr: 0,
                fpcr: 0,
                svcr: 0,
                _pad: 0,
            },
        }
    }

    /// Prepares a fresh entry at `pc` in EL1h with all exceptions masked and
    /// the given arguments in x0..x3; other general registers are cleared.
    pub fn reset_entry(&mut self, pc: u64, args: [u64; 4]) {
        self.x = [0; 31];
        self.x[..4].copy_from_slice(&args);
        self.sp_el0 = 0;
        self.elr_el3 = pc;
        self.spsr_el3 = SPSR_EL1H_DAIF_MASKED;
    }
}

/// SPSR value for entering EL1h (SP_EL1) with D, A, I and F masked.
pub const SPSR_EL1H_DAIF_MASKED: u64 = 0x3c5;
