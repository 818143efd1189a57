//! The secure OS service: TF-A's `opteed` protocol. Normal-world calls and
//! secure interrupts are forwarded to the secure OS's vector table and its
//! `CALL_DONE`/`FIQ_DONE` answers handed back (steps of the run loop in
//! `monitor`); cold boot and power hooks are synchronous entries, run by a
//! loop of their own that ends at the secure OS's `opteed` return.

use core::sync::atomic::Ordering;

use oxtee_monitor::runloop::{decide, Action, Running};
use oxtee_monitor::World;
use supplicant_proto::opteed::vector;

use crate::console::println;
use crate::el1;
use crate::percpu::{features, secure_vectors, PerCpu, SECURE_VECTORS};
use crate::platform::DTB_BASE;
use crate::sysreg::counter_seconds;
use crate::world::{self, enter_world, scr_for};

/// Runs the secure OS synchronously from `entry` (cold boot or a power hook,
/// like `opteed`'s synchronous entry) and returns x1 of its
/// `TEESMC_OPTEED_RETURN_*` answer. The secure OS starts in S-EL1h with all
/// exceptions masked and `args` in x0..x3.
///
/// # Safety
/// The CPU's live EL1 state must be the secure OS's.
// SAFETY: an `unsafe fn` because of the contract above; callers load the secure OS's EL1 state first.
unsafe fn call_hook(cpu: &mut PerCpu, entry: u64, args: [u64; 4]) -> u64 {
    let s = &mut cpu.s;
    s.reset_entry(entry, args);
    s.scr_el3 = scr_for(true, features());
    loop {
        // SAFETY: the caller made the secure OS's EL1 state live and nothing in this loop switches it; `s` was prepared above for an S-EL1h entry with the secure SCR_EL3.
        let exit = unsafe { enter_world(s) };
        match decide(Running::SecureHook, exit, secure_vectors()) {
            Action::HookDone(_) => return s.x[1],
            Action::InjectUndef { esr } => world::inject_undef(World::Secure, s, esr),
            Action::Report => world::report(exit),
            Action::Resume => {}
            Action::Fatal(v) => panic!("secure OS broke the opteed protocol: {:?}", v),
            other => panic!("{:?} in a synchronous entry of the secure OS", other),
        }
    }
}

/// Cold boot of the secure OS, like TF-A's `opteed_init`: MMU off, x2 = DT
/// address, x0/x1/x3 = 0. It answers `ENTRY_DONE` with its vector table
/// (0 = it failed; the machine goes on without it).
pub fn cold_boot(cpu: &mut PerCpu, entry: u64) {
    cpu.s.el1 = cpu.reset_el1;
    // SAFETY: no lower EL has run on this CPU yet; the secure OS starts from reset EL1 state.
    unsafe { el1::restore(&cpu.s.el1, features(), World::Secure) };
    println!("entering secure OS at {:#x}", entry);
    // SAFETY: the secure OS's (reset) EL1 state was just loaded, and the FP registers hold no other world's state yet.
    let vectors = unsafe { call_hook(cpu, entry, [0, 0, DTB_BASE, 0]) };
    let (s, ms) = counter_seconds();
    if vectors == 0 {
        println!(
            "secure OS failed to initialise ({}.{:03} s); continuing without it",
            s, ms
        );
        return;
    }
    SECURE_VECTORS.store(vectors, Ordering::Release);
    println!(
        "ENTRY_DONE: secure OS vectors at {:#x} ({}.{:03} s)",
        vectors, s, ms
    );
    world::save_live(&mut cpu.s);
}

/// The secure OS's `cpu_on_entry` on a CPU the normal world turned on (MMU
/// off, reset EL1 state). Nothing to do without a secure OS.
pub fn cpu_on(cpu: &mut PerCpu) {
    let Some(vectors) = secure_vectors() else {
        return;
    };
    cpu.s.el1 = cpu.reset_el1;
    // SAFETY: no lower EL runs on this CPU (it waits for CPU_ON); `cpu_on_entry` expects reset EL1 state.
    unsafe { el1::restore(&cpu.s.el1, features(), World::Secure) };
    // SAFETY: the secure OS's EL1 state was just loaded; the FP registers hold nothing another world may read.
    let status = unsafe { call_hook(cpu, vectors + vector::CPU_ON, [0; 4]) };
    if status != 0 {
        panic!("secure OS cpu_on failed: {:#x}", status);
    }
    world::save_live(&mut cpu.s);
}

/// Runs one of the secure OS's power hooks (`offset` in its vector table)
/// while the normal world waits in a PSCI call, and returns its status;
/// `None` without a secure OS. The normal world's state is saved first and
/// the secure OS's afterwards; the live state is then the secure OS's, so a
/// caller that resumes the normal world loads its state again.
pub fn power_hook(cpu: &mut PerCpu, offset: u64) -> Option<u64> {
    let vectors = secure_vectors()?;
    world::save_live(&mut cpu.ns);
    // SAFETY: the normal world on this CPU is stopped in a PSCI call; the secure OS runs its hook next, with its own saved EL1 state.
    unsafe { world::load_live(&cpu.s) };
    // SAFETY: the secure OS's state was just made live.
    let status = unsafe { call_hook(cpu, vectors + offset, [0; 4]) };
    world::save_live(&mut cpu.s);
    Some(status)
}

/// A normal-world call for the secure OS: x0..x7 are passed to its call
/// vector at `entry`.
pub fn forward_call(cpu: &mut PerCpu, entry: u64) {
    world::switch_state(&mut cpu.ns, &cpu.s);
    cpu.s.x[..8].copy_from_slice(&cpu.ns.x[..8]);
    // SPSR stays as the secure OS left it at its last SMC (OP-TEE runs its
    // kernel on SP_EL0, so it may be EL1t), as opteed does.
    cpu.s.elr_el3 = entry;
}

/// A secure interrupt while the normal world ran: the secure OS's
/// `fiq_entry` at `entry` gets it, with x0 = where the normal world stopped.
pub fn forward_fiq(cpu: &mut PerCpu, entry: u64) {
    world::switch_state(&mut cpu.ns, &cpu.s);
    cpu.s.x[0] = cpu.ns.elr_el3;
    cpu.s.elr_el3 = entry;
}

/// `CALL_DONE`: x1..x4 of the secure OS are the normal world's x0..x3.
pub fn call_done(cpu: &mut PerCpu) {
    world::switch_state(&mut cpu.s, &cpu.ns);
    cpu.ns.x[..4].copy_from_slice(&cpu.s.x[1..5]);
}

/// `FIQ_DONE`: the normal world resumes where the interrupt stopped it.
pub fn fiq_done(cpu: &mut PerCpu) {
    world::switch_after_fiq(&mut cpu.s, &cpu.ns);
}
