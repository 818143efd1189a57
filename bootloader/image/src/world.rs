//! The world switch: running one lower EL until it comes back to EL3, and
//! handing the EL1 system registers from one world to the other.
//!
//! The CPU's EL1 registers always hold the state of the world that ran last
//! (or is about to run); the saved copies in `WorldContext` are only current
//! for the world that is not live.
//!
//! FP policy: the FP/SIMD/SVE register file is not switched between worlds,
//! exactly as TF-A's `opteed` does. SMCCC makes the secure OS preserve the
//! caller's FP/SIMD registers, and both secure OSes we run do it themselves
//! (the oxtee core lazily, on a TA's first FP use; OP-TEE likewise), so a
//! second copy here only cost every SMC two saves and two loads of the whole
//! register file (8 KiB each with 2048-bit SVE) and hid bugs that appear
//! behind TF-A. The register file is only zeroed when a CPU first enters the
//! normal world, so nothing the boot left there is seen.

use oxtee_monitor::runloop::{Exit, Vector};
use oxtee_monitor::World;

use crate::console::println;
use crate::context::{WorldContext, SPSR_EL1H_DAIF_MASKED};
use crate::percpu::features;
use crate::sysreg::{read_sysreg, write_sysreg, Features};
use crate::{el1, fp};

extern "C" {
    fn el3_enter_world(ctx: *mut WorldContext) -> u64;
}

/// SCR_EL3 bits.
mod scr {
    pub const NS: u64 = 1 << 0;
    pub const FIQ: u64 = 1 << 2;
    pub const RES1: u64 = 0b11 << 4;
    pub const SIF: u64 = 1 << 9;
    pub const RW: u64 = 1 << 10;
    pub const ST: u64 = 1 << 11;
    pub const APK: u64 = 1 << 16;
    pub const API: u64 = 1 << 17;
    pub const EN_SCXT: u64 = 1 << 25;
}

/// SCR_EL3 for a world. Secure: interrupts stay at S-EL1 (native ones as IRQ,
/// foreign ones as FIQ). Normal: secure interrupts (FIQ) come to EL3 and go to
/// the secure OS's `fiq_entry`.
pub fn scr_for(secure: bool, f: &Features) -> u64 {
    let mut v = scr::RES1 | scr::SIF | scr::RW | scr::ST;
    if f.pauth {
        v |= scr::APK | scr::API;
    }
    if f.scxtnum {
        v |= scr::EN_SCXT;
    }
    if !secure {
        v |= scr::NS | scr::FIQ;
    }
    v
}

/// Runs the world `ctx` describes until it comes back to EL3, and says why.
/// On return `ctx` holds the world's general registers, `SP_EL0`, `ELR_EL3`
/// and `SPSR_EL3` as they were at the exception.
///
/// # Safety
/// The CPU's EL1 system registers and FP registers must hold the state of
/// the world `ctx` belongs to (restored by the caller), and `ctx.scr_el3`
/// and `ctx.spsr_el3` must describe that world at a lower EL.
// SAFETY: an `unsafe fn` because of the contract above; the run loop and the synchronous hooks keep it.
pub unsafe fn enter_world(ctx: &mut WorldContext) -> Exit {
    // SAFETY: `ctx` is exclusively borrowed for the whole run of the lower EL, which is the only time the assembly reads or writes it; the assembly preserves the callee-saved registers and returns on this stack (a coroutine switch, not a long jump). The caller vouches for the live EL1/FP state and the target.
    let raw = unsafe { el3_enter_world(ctx) };
    // ESR_EL3 still describes this exit: EL3 runs with exceptions masked and
    // an exception taken at EL3 itself never returns.
    let esr = read_sysreg!("esr_el3");
    match Vector::from_raw(raw) {
        Some(v) => Exit::classify(v, esr, ctx.x[0]),
        None => panic!("el3_enter_world returned vector {}", raw),
    }
}

/// Saves the live EL1 state into `from` and loads `to`'s: a full world
/// switch (a call or a FIQ forwarded to the secure OS, `CALL_DONE`).
pub fn switch_state(from: &mut WorldContext, to: &WorldContext) {
    save_live(from);
    // SAFETY: EL3 between two lower-EL runs; the world of `to` is entered next.
    unsafe { load_live(to) };
}

/// Saves the live EL1 state into `ctx`.
pub fn save_live(ctx: &mut WorldContext) {
    el1::save(&mut ctx.el1, features());
}

/// Zeroes the FP/SIMD/SVE register file (a CPU's first entry into the normal
/// world); `ctx.fp` is the zeroed image loaded.
pub fn clear_fp(ctx: &mut WorldContext) {
    ctx.fp.clear();
    fp::restore(&ctx.fp, features());
}

/// Loads `ctx`'s EL1 state into the CPU.
///
/// # Safety
/// Must run at EL3 while no lower EL runs on this CPU, before entering the
/// world `ctx` belongs to (until then the lower EL's registers are wrong).
// SAFETY: an `unsafe fn` because of the contract above; only called at EL3 between two lower-EL runs.
pub unsafe fn load_live(ctx: &WorldContext) {
    let world = if ctx.scr_el3 & scr::NS != 0 {
        World::NonSecure
    } else {
        World::Secure
    };
    // SAFETY: the caller guarantees no lower EL runs; `ctx`'s world runs next.
    unsafe { el1::restore(&ctx.el1, features(), world) };
}

/// After `FIQ_DONE`: like `opteed`, the secure OS's EL1 state is not
/// saved (they stay as at its last `CALL_DONE`), except the
/// pointer-authentication keys, which TF-A saves with the general registers
/// on every entry and OP-TEE relies on. The normal world's state is loaded.
pub fn switch_after_fiq(secure: &mut WorldContext, normal: &WorldContext) {
    let f = features();
    el1::save_pauth_keys(&mut secure.el1, f);
    // SAFETY: EL3 between two lower-EL runs; the normal world resumes next.
    unsafe { load_live(normal) };
}

/// A trapped instruction (an access to a register EL3 traps): the world gets
/// an Undefined Instruction exception injected, as if the instruction did not
/// exist, and the monitor carries on. Its EL1 state must be the live one.
pub fn inject_undef(world: World, ctx: &mut WorldContext, esr: u64) {
    println!(
        "{:?} world trapped to EL3: ESR {:#x} at {:#x}; injecting undefined instruction",
        world, esr, ctx.elr_el3
    );
    let spsr = ctx.spsr_el3;
    let from_el0 = (spsr >> 2) & 3 == 0;
    let vbar = read_sysreg!("vbar_el1");
    let offset = if from_el0 {
        0x400
    } else if spsr & 1 != 0 {
        0x200
    } else {
        0x000
    };
    // EC 0 (unknown reason), IL = 1.
    let esr_el1: u64 = 1 << 25;
    // SAFETY: these registers belong to the lower EL about to be resumed at its own exception vector, exactly as a hardware exception would leave them.
    unsafe {
        write_sysreg!("elr_el1", ctx.elr_el3);
        write_sysreg!("spsr_el1", spsr);
        write_sysreg!("esr_el1", esr_el1);
    }
    ctx.elr_el3 = vbar + offset;
    ctx.spsr_el3 = SPSR_EL1H_DAIF_MASKED;
}

/// Reports an exit EL3 does not expect (IRQs are never routed here; an
/// SError is only logged); the world then continues.
pub fn report(exit: Exit) {
    match exit {
        Exit::Irq => println!("unexpected IRQ at EL3"),
        Exit::SError { esr } => println!("SError from lower EL, ESR {:#x}", esr),
        other => println!("unexpected exit to EL3: {:?}", other),
    }
}
