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
//! The core itself is built soft-float and never uses these registers.
//! With SVE, loading a V register zeroes the bits of its Z register above
//! 128: as OP-TEE does, the core keeps the low 128 bits the SMCCC asks for
//! when the caller has no live SVE state (Linux's case in its SMC calls).

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::cpu::MAX_CPUS;

/// ESR_EL1 exception class of an FP/SIMD access trapped by CPACR_EL1.
pub const EC_FP_ACCESS: u64 = 0x07;

/// CPACR_EL1.FPEN: EL0 accesses trap, EL1 accesses do not.
const FPEN_TRAP_EL0: u64 = 0b01 << 20;
/// CPACR_EL1.FPEN: no trap.
const FPEN_NO_TRAP: u64 = 0b11 << 20;
const FPEN_MASK: u64 = 0b11 << 20;

/// The normal world's FP/SIMD registers (layout used by `fp_save_ns`).
#[repr(C, align(16))]
struct NsFpState {
    q: [u128; 32],
    fpsr: u64,
    fpcr: u64,
}

const _: () = assert!(core::mem::offset_of!(NsFpState, fpsr) == 512);
const _: () = assert!(core::mem::offset_of!(NsFpState, fpcr) == 520);

struct PerCpu {
    /// The save area holds this CPU's normal-world registers, and the
    /// hardware registers belong to the secure world until [`leave_secure_world`].
    saved: AtomicBool,
    area: UnsafeCell<NsFpState>,
}

struct Areas([PerCpu; MAX_CPUS]);

// SAFETY: each CPU touches only its own slot, from code that runs with exceptions masked or from a TA exit on that same CPU, never concurrently with itself.
unsafe impl Sync for Areas {}

static AREAS: Areas = Areas(
    [const {
        PerCpu {
            saved: AtomicBool::new(false),
            area: UnsafeCell::new(NsFpState {
                q: [0; 32],
                fpsr: 0,
                fpcr: 0,
            }),
        }
    }; MAX_CPUS],
);

extern "C" {
    fn fp_save_ns(area: *mut NsFpState);
    fn fp_load_ns(area: *const NsFpState);
}

fn slot(cpu: usize) -> &'static PerCpu {
    &AREAS.0[cpu]
}

/// Sets CPACR_EL1.FPEN to `fpen` if it differs.
fn set_fpen(fpen: u64) {
    let cpacr = crate::sysreg::cpacr_el1();
    if cpacr & FPEN_MASK != fpen {
        // SAFETY: FPEN only decides whether FP/SIMD accesses trap; EL1 (the core) is never trapped by either value used here, and EL0 runs untrapped only once `ta_owns_fp` found the normal world's registers saved (user_enter then loads the TA's own).
        unsafe { crate::sysreg::set_cpacr_el1((cpacr & !FPEN_MASK) | fpen) };
    }
}

/// Before a TA runs on `cpu`: whether it gets its own FP/SIMD registers
/// loaded (the normal world's are already saved), or must trap on first use.
pub fn ta_owns_fp(cpu: usize) -> bool {
    let owned = slot(cpu).saved.load(Ordering::Relaxed);
    set_fpen(if owned { FPEN_NO_TRAP } else { FPEN_TRAP_EL0 });
    owned
}

/// A TA on `cpu` trapped on its first FP/SIMD use: keep the normal world's
/// registers aside so the TA's can be loaded.
pub fn claim_for_ta(cpu: usize) {
    let s = slot(cpu);
    if !s.saved.load(Ordering::Relaxed) {
        // SAFETY: the area is this CPU's and nothing else uses it now; the hardware registers still hold the normal world's values (nothing in the secure world loaded any since entry).
        unsafe { fp_save_ns(s.area.get()) };
        s.saved.store(true, Ordering::Relaxed);
    }
}

/// Before `cpu` returns to EL3: give the normal world its registers back
/// (which also clears any TA values from them) and trap TAs' FP again.
pub fn leave_secure_world(cpu: usize) {
    let s = slot(cpu);
    if s.saved.load(Ordering::Relaxed) {
        // SAFETY: the area holds this CPU's normal-world registers, saved by `claim_for_ta` in this visit of the secure world.
        unsafe { fp_load_ns(s.area.get()) };
        s.saved.store(false, Ordering::Relaxed);
        set_fpen(FPEN_TRAP_EL0);
    }
}

/// CPACR_EL1 at boot: TAs trap on FP/SIMD until the first use is handled.
pub const CPACR_AT_BOOT: u64 = FPEN_TRAP_EL0;
