//! Ownership of the FP/SIMD registers while the secure world runs.
//!
//! SMCCC makes the secure world preserve the caller's FP/SIMD registers, and
//! the firmware in front of the core (TF-A's `opteed`, or ours) does not
//! switch them, so the core does it itself, lazily, per CPU:
//!
//! - On entry from EL3 the registers still hold the normal world's values.
//!   TAs run with `CPACR_EL1.FPEN` trapping EL0, so calls whose TAs never
//!   touch FP/SIMD save and restore nothing.
//! - A TA's first FP/SIMD instruction traps ([`EC_FP_ACCESS`]): the normal
//!   world's registers go to this CPU's save area, and from then until the
//!   core leaves for EL3 every TA run on this CPU loads its own registers
//!   and saves them back at its exit (`user_enter`/`user_leave`).
//! - Before any return to EL3 (call done, RPC, foreign interrupt) the
//!   normal world's registers are loaded back, which also wipes whatever a
//!   TA left in them. A thread resumed on the other CPU starts over there:
//!   the save area belongs to the CPU, the TA's registers to the TA.
//!
//! The core itself is built soft-float; only its Crypto Extensions routines
//! (`crypto_ext.rs`) use these registers, after claiming them like a TA.
//! The rules live in `oxtee_kernel::lazy_fp` (host-tested), the registers
//! in `fp_regs.rs`. With SVE, loading a V register zeroes the bits of its Z
//! register above 128, so unless the caller sets SMCCC 1.3's "no live SVE
//! state" hint the whole SVE state is kept (neither TF-A, which masks the
//! hint off, nor Linux, which no longer sets it, gives the core the hint).

use core::cell::UnsafeCell;

use oxtee_kernel::lazy_fp::{call_id, LazyFp};

use crate::cpu::MAX_CPUS;
use crate::fp_regs::{cpu_has_sve, CpuRegs, FPEN_TRAP_EL0};

/// ESR_EL1 exception class of an FP/SIMD access trapped by CPACR_EL1.
pub const EC_FP_ACCESS: u64 = 0x07;

struct States([UnsafeCell<LazyFp>; MAX_CPUS]);

// SAFETY: each CPU touches only its own slot, from code that runs with exceptions masked or from a TA exit on that same CPU, never concurrently with itself.
unsafe impl Sync for States {}

static STATES: States = States([const { UnsafeCell::new(LazyFp::new()) }; MAX_CPUS]);

/// Runs `f` on `cpu`'s ownership state and registers.
fn with_cpu<R>(cpu: usize, f: impl FnOnce(&mut LazyFp, &mut CpuRegs) -> R) -> R {
    // SAFETY: `cpu` is the calling CPU (every caller passes `cpu_index()`), so no other reference to this slot exists while `f` runs.
    let state = unsafe { &mut *STATES.0[cpu].get() };
    f(state, &mut CpuRegs::this_cpu(cpu))
}

/// An SMC entered the secure world on `cpu`: what SMCCC asks to keep
/// follows from its function ID, whose SVE hint is masked off here.
pub fn enter_secure_world(cpu: usize, fid: &mut u64) {
    with_cpu(cpu, |s, _| s.enter(*fid, cpu_has_sve()));
    *fid = call_id(*fid);
}

/// Before a TA runs on `cpu`: whether it gets its own FP/SIMD registers
/// loaded (the normal world's are already saved), or must trap on first use.
pub fn ta_owns_fp(cpu: usize) -> bool {
    with_cpu(cpu, |s, r| s.before_ta_run(r))
}

/// A TA on `cpu` trapped on its first FP/SIMD use: keep the normal world's
/// registers aside so the TA's can be loaded. False: refused (the caller
/// is in SME streaming mode), the TA's FP use is a fault.
pub fn claim_for_ta(cpu: usize) -> bool {
    with_cpu(cpu, |s, r| s.claim(r))
}

/// The core itself is about to use the FP/SIMD registers on `cpu` (a
/// Crypto Extensions routine, `crypto_ext.rs`). True: they are the core's
/// until that routine returns (the caller's state is saved if it was live);
/// false: they must not be touched.
pub fn claim_for_core(cpu: usize) -> bool {
    with_cpu(cpu, |s, r| s.claim_for_core(r))
}

/// Before `cpu` returns to EL3: give the normal world its registers back
/// (which also clears any TA values from them) and trap TAs' FP again.
pub fn leave_secure_world(cpu: usize) {
    with_cpu(cpu, |s, r| s.leave(r));
}

/// CPACR_EL1 at boot: TAs trap on FP/SIMD until the first use is handled.
pub const CPACR_AT_BOOT: u64 = FPEN_TRAP_EL0;
