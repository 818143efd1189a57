//! Run-time monitor: lower-EL exceptions, SMC dispatch, world switches, PSCI.

use oxtee_monitor::psci::{self as psci_logic, EntryPoint, PowerStates};
use oxtee_monitor::route::{route, OpteedReturn, Route};
use oxtee_monitor::World;
use spin::Mutex;
use supplicant_proto::opteed::vector;
use supplicant_proto::psci;
use supplicant_proto::smccc;

use crate::console::println;
use crate::context::{WorldContext, SPSR_EL1H_DAIF_MASKED};
use crate::percpu::{secure_vectors, this_cpu, PerCpu};
use crate::sysreg::{read_sysreg, Features};
use crate::{el1, fp};

/// PSCI power states of all CPUs.
pub static POWER: Mutex<Option<PowerStates>> = Mutex::new(None);

/// CPU features, read once by the primary CPU.
pub static FEATURES: spin::Once<Features> = spin::Once::new();

fn features() -> &'static Features {
    FEATURES.call_once(Features::read)
}

extern "C" {
    fn el3_enter_sync(ctx: *mut WorldContext) -> u64;
    fn el3_exit_sync(sync_sp: u64, value: u64) -> !;
    /// Resumes the lower EL saved in `ctx`.
    pub fn el3_exit(ctx: *mut WorldContext) -> !;
}

/// Which world a saved context belongs to.
fn world_of(cpu: &PerCpu, ctx: *mut WorldContext) -> World {
    if core::ptr::eq(ctx, &cpu.s) {
        World::Secure
    } else {
        World::NonSecure
    }
}

/// Saves the EL1 and FP state of `from` and loads that of `to`.
fn switch_state(from: &mut WorldContext, to: &WorldContext) {
    let f = features();
    el1::save(&mut from.el1, f);
    fp::save(&mut from.fp, f);
    // SAFETY: we are at EL3 between two lower-EL runs; `to` is resumed next.
    unsafe { el1::restore(&to.el1, f) };
    fp::restore(&to.fp, f);
}

/// Runs the secure OS synchronously from `entry` (a boot or power hook) and
/// returns the x1 value of its `TEESMC_OPTEED_RETURN_*` answer.
pub fn call_secure_sync(cpu: &mut PerCpu, entry: u64, args: [u64; 4]) -> u64 {
    cpu.s.reset_entry(entry, args);
    let ctx: *mut WorldContext = &mut cpu.s;
    // SAFETY: `ctx` is this CPU's secure context, fully initialised; the secure OS comes back through an opteed return SMC, which calls `el3_exit_sync` with the stack pointer recorded by `el3_enter_sync`.
    let value = unsafe { el3_enter_sync(ctx) };
    cpu.s.runtime_sp = crate::percpu::stack_top();
    value
}

/// Synchronous exception from a lower EL: SMCs and traps.
#[no_mangle]
pub extern "C" fn lower_el_sync(ctx: *mut WorldContext) -> *mut WorldContext {
    // SAFETY: at EL3 with exceptions masked; the only reference to the slot.
    let cpu = unsafe { this_cpu() };
    let world = world_of(cpu, ctx);
    let esr = read_sysreg!("esr_el3");
    const EC_SMC64: u64 = 0x17;
    if esr >> 26 != EC_SMC64 {
        return trap_from_lower_el(cpu, world, esr);
    }
    let (cur, other) = match world {
        World::Secure => (&mut cpu.s, &mut cpu.ns),
        World::NonSecure => (&mut cpu.ns, &mut cpu.s),
    };
    let fid = cur.x[0];
    match route(world, fid, secure_vectors().is_some()) {
        Route::Psci => {
            handle_psci(cpu);
            &mut cpu.ns
        }
        Route::Arch => {
            cur.x[0] = match fid as u32 {
                smccc::SMCCC_VERSION => u64::from(smccc::SMCCC_VERSION_1_2),
                smccc::SMCCC_ARCH_FEATURES => psci_logic::arch_features(cur.x[1]) as i64 as u64,
                _ => smccc::SMC_UNK,
            };
            cur
        }
        Route::SecureFast | Route::SecureYield => {
            let Some(vectors) = secure_vectors() else {
                cur.x[0] = smccc::SMC_UNK;
                return cur;
            };
            let slot = if fid as u32 & smccc::FAST_CALL != 0 {
                vector::FAST_SMC
            } else {
                vector::YIELD_SMC
            };
            switch_state(cur, other);
            other.x[..8].copy_from_slice(&cur.x[..8]);
            // SPSR stays as the secure OS left it at its last SMC (OP-TEE
            // runs its kernel on SP_EL0, so it may be EL1t), as opteed does.
            other.elr_el3 = vectors + slot;
            other
        }
        Route::Opteed(ret) => opteed_return(cpu, ret),
        Route::Unknown => match world {
            World::NonSecure => {
                cur.x[0] = smccc::SMC_UNK;
                cur
            }
            World::Secure => panic!("secure OS issued unknown SMC {:#x}", fid),
        },
    }
}

fn opteed_return(cpu: &mut PerCpu, ret: OpteedReturn) -> *mut WorldContext {
    match ret {
        OpteedReturn::CallDone => {
            switch_state(&mut cpu.s, &cpu.ns);
            let (s, ns) = (&cpu.s, &mut cpu.ns);
            ns.x[..4].copy_from_slice(&s.x[1..5]);
            ns
        }
        OpteedReturn::FiqDone => {
            // Like opteed: the secure OS's EL1 state is not saved after a
            // FIQ; it stays as at its last CALL_DONE. Pointer-authentication
            // keys are the exception: TF-A saves them with the general
            // registers on every entry, and OP-TEE relies on that.
            let f = features();
            el1::save_pauth_keys(&mut cpu.s.el1, f);
            // SAFETY: at EL3 between two lower-EL runs; the normal world is resumed next.
            unsafe { el1::restore(&cpu.ns.el1, f) };
            fp::restore(&cpu.ns.fp, f);
            &mut cpu.ns
        }
        // Answers to synchronous calls (boot and power hooks).
        _ => {
            let value = cpu.s.x[1];
            let sp = cpu.s.runtime_sp;
            // SAFETY: `sp` was recorded by `el3_enter_sync` for the call now being answered; the frames below it are abandoned.
            unsafe { el3_exit_sync(sp, value) }
        }
    }
}

/// An exception other than SMC from a lower EL (e.g. an access to a register
/// EL3 traps). The normal world gets an Undefined Instruction exception
/// injected, as if the instruction did not exist; the monitor carries on.
fn trap_from_lower_el(cpu: &mut PerCpu, world: World, esr: u64) -> *mut WorldContext {
    let ctx = match world {
        World::Secure => &mut cpu.s,
        World::NonSecure => &mut cpu.ns,
    };
    println!(
        "{:?} world trapped to EL3: ESR {:#x} at {:#x}; injecting undefined instruction",
        world, esr, ctx.elr_el3
    );
    inject_undef(ctx);
    ctx
}

/// Makes the lower EL take a synchronous Undefined Instruction exception at
/// the trapped instruction.
fn inject_undef(ctx: &mut WorldContext) {
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
        crate::sysreg::write_sysreg!("elr_el1", ctx.elr_el3);
        crate::sysreg::write_sysreg!("spsr_el1", spsr);
        crate::sysreg::write_sysreg!("esr_el1", esr_el1);
    }
    ctx.elr_el3 = vbar + offset;
    ctx.spsr_el3 = SPSR_EL1H_DAIF_MASKED;
}

/// IRQ taken to EL3: not routed here by design (SCR_EL3.IRQ = 0).
#[no_mangle]
pub extern "C" fn lower_el_irq(ctx: *mut WorldContext) -> *mut WorldContext {
    println!("unexpected IRQ at EL3");
    ctx
}

/// Secure interrupt while the normal world runs: hand it to the secure OS's
/// `fiq_entry`, which answers with `FIQ_DONE`.
#[no_mangle]
pub extern "C" fn lower_el_fiq(ctx: *mut WorldContext) -> *mut WorldContext {
    // SAFETY: at EL3 with exceptions masked; the only reference to the slot.
    let cpu = unsafe { this_cpu() };
    if world_of(cpu, ctx) == World::Secure {
        return ctx;
    }
    let Some(vectors) = secure_vectors() else {
        return ctx;
    };
    switch_state(&mut cpu.ns, &cpu.s);
    let elr = cpu.ns.elr_el3;
    let s = &mut cpu.s;
    s.x[0] = elr;
    s.elr_el3 = vectors + vector::FIQ;
    s
}

/// SError from a lower EL: reported, then the world continues.
#[no_mangle]
pub extern "C" fn lower_el_serror(ctx: *mut WorldContext) -> *mut WorldContext {
    println!("SError from lower EL, ESR {:#x}", read_sysreg!("esr_el3"));
    ctx
}

/// An exception taken from EL3 itself: a monitor bug.
#[no_mangle]
pub extern "C" fn unexpected_exception(kind: u64, esr: u64, elr: u64, far: u64) -> ! {
    panic!(
        "EL3 exception kind {} ESR {:#x} ELR {:#x} FAR {:#x}",
        kind, esr, elr, far
    );
}

fn handle_psci(cpu: &mut PerCpu) {
    let ns = &mut cpu.ns;
    let fid = ns.x[0] as u32;
    let result: i64 = match fid {
        psci::PSCI_VERSION => i64::from(psci::VERSION_1_1),
        psci::PSCI_FEATURES => i64::from(psci_logic::features(ns.x[1])),
        psci::CPU_SUSPEND_32 | psci::CPU_SUSPEND_64 => {
            // Every power state is treated as standby: wait for an interrupt.
            crate::sysreg::wfi();
            0
        }
        psci::CPU_ON_32 | psci::CPU_ON_64 => {
            let (target, pc, context_id) = (ns.x[1], ns.x[2], ns.x[3]);
            let (target, pc, context_id) = if fid == psci::CPU_ON_32 {
                (
                    target & 0xffff_ffff,
                    pc & 0xffff_ffff,
                    context_id & 0xffff_ffff,
                )
            } else {
                (target, pc, context_id)
            };
            let r = POWER
                .lock()
                .as_mut()
                .map(|p| p.cpu_on(target, EntryPoint { pc, context_id }))
                .unwrap_or(Err(psci::ret::INTERNAL_FAILURE));
            match r {
                Ok(_) => {
                    crate::sysreg::dsb_sy();
                    crate::sysreg::sev();
                    0
                }
                Err(e) => i64::from(e),
            }
        }
        psci::CPU_OFF => crate::boot::cpu_off(cpu),
        psci::AFFINITY_INFO_32 | psci::AFFINITY_INFO_64 => {
            let (target, level) = if fid == psci::AFFINITY_INFO_32 {
                (ns.x[1] & 0xffff_ffff, ns.x[2] & 0xffff_ffff)
            } else {
                (ns.x[1], ns.x[2])
            };
            i64::from(
                POWER
                    .lock()
                    .as_ref()
                    .map(|p| p.affinity_info(target, level))
                    .unwrap_or(psci::ret::INTERNAL_FAILURE),
            )
        }
        psci::MIGRATE_INFO_TYPE => i64::from(psci::TOS_NOT_PRESENT_MP),
        psci::SYSTEM_OFF => crate::boot::system_off(cpu, false),
        psci::SYSTEM_RESET => crate::boot::system_off(cpu, true),
        _ => i64::from(psci::ret::NOT_SUPPORTED),
    };
    cpu.ns.x[0] = result as u64;
}
