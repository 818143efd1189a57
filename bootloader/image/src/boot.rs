//! Cold boot of each CPU: EL3 set-up, secure boot of the secure OS, the
//! normal-world kernel, and the per-CPU power hooks.

use oxtee_boot::rollback::RollbackCounter;
use oxtee_boot::verify::{check_payload, verify_header, Policy};
use oxtee_monitor::psci::PowerStates;
use supplicant_proto::opteed::vector;
use supplicant_proto::secure_package::{HEADER_SIZE, SLOT_A_OFFSET, SLOT_SIZE};

use crate::console::println;
use crate::context::WorldContext;
use crate::monitor::{call_secure_sync, el3_exit, FEATURES, POWER};
use crate::percpu::{secure_vectors, stack_top, this_cpu, PerCpu, SECURE_VECTORS};
use crate::platform::{CPU_COUNT, DTB_BASE};
use crate::sysreg::{counter_seconds, write_sysreg, Features};
use crate::{el1, fp, hw, linux};

/// The Ed25519 public key secure boot trusts, fixed at build time.
const TRUSTED_KEY: [u8; 32] = *include_bytes!(env!("OXTEE_BL_PUBKEY"));

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
fn scr_for(secure: bool, f: &Features) -> u64 {
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

/// EL3 register set-up, identical on every CPU.
fn init_el3(f: &Features) {
    extern "C" {
        static el3_vectors: u8;
    }
    // SAFETY: installs the monitor's own vector table (linked into this image) and configures traps so both worlds may use FP/SIMD/SVE/SME; runs before any lower EL exists on this CPU.
    unsafe {
        write_sysreg!("vbar_el3", core::ptr::addr_of!(el3_vectors) as u64);
        // CPTR_EL3: no FP/SIMD trap (TFP = 0); EZ enables SVE, ESM enables SME.
        let mut cptr = 0u64;
        if f.sve {
            cptr |= 1 << 8;
        }
        if f.sme {
            cptr |= 1 << 12;
        }
        write_sysreg!("cptr_el3", cptr);
        crate::sysreg::isb();
        if f.sve {
            // ZCR_EL3.LEN: allow the largest vector length.
            write_sysreg!("S3_6_C1_C2_0", 0xf);
        }
        if f.sme {
            // SMCR_EL3.LEN: largest streaming vector length.
            write_sysreg!("S3_6_C1_C2_6", 0xf);
        }
        // MDCR_EL3: secure self-hosted debug off (SDD), AArch32 secure debug off.
        write_sysreg!("mdcr_el3", (1 << 16) | (0b10 << 14));
        write_sysreg!("scr_el3", scr_for(true, f));
        crate::sysreg::isb();
    }
    hw::gic_init_cpu();
}

/// Entry from `entry.S` on every CPU, on its own EL3 stack.
#[no_mangle]
pub extern "C" fn rust_entry(cpu: usize) -> ! {
    if cpu == 0 {
        primary()
    } else {
        secondary(cpu)
    }
}

fn primary() -> ! {
    let f = *FEATURES.call_once(Features::read);
    println!(
        "oxtee EL3 firmware {} (QEMU virt)",
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "features: sve={} sme={} pauth={} scxtnum={}",
        f.sve, f.sme, f.pauth, f.scxtnum
    );
    *POWER.lock() = Some(PowerStates::new(CPU_COUNT, 0));
    hw::gic_init_distributor();
    init_el3(&f);
    // SAFETY: EL3, exceptions masked, no other reference to this slot.
    let cpu = unsafe { this_cpu() };
    el1::save(&mut cpu.reset_el1, &f);
    cpu.reset_el1.sctlr &= !0b101; // MMU and data cache off

    hw::init_heap();
    match secure_boot() {
        Ok(entry) => {
            if let Err(e) = linux::fixup_psci() {
                println!("DT fix-up failed: {}", e);
            }
            boot_secure_os(cpu, entry, &f);
        }
        Err(reason) => {
            println!("{}", reason);
            println!("nothing is started");
            hw::exit_failure(2);
        }
    }

    let entry = match linux::load_kernel() {
        Ok(k) => k,
        Err(e) => {
            println!("normal world: {}", e);
            hw::exit_failure(3);
        }
    };
    let (s, ms) = counter_seconds();
    println!("entering normal world at {:#x} ({}.{:03} s)", entry, s, ms);
    enter_normal_world(cpu, entry, DTB_BASE, &f)
}

/// Verifies the package in slot A, loads it and returns its entry address.
fn secure_boot() -> Result<u64, hw::BootError> {
    let slot_base = hw::FLASH0_BASE + SLOT_A_OFFSET;
    // SAFETY: slot A lies inside secure flash0, which is mapped (MMU off, physical addresses) and readable; nothing writes that range while the slice lives (only the counter sector is ever programmed).
    let slot = unsafe { core::slice::from_raw_parts(slot_base as *const u8, SLOT_SIZE) };
    let mut counter = RollbackCounter::new(hw::counter_sector());
    let min_version = counter.current();
    let policy = Policy::bl32(TRUSTED_KEY, min_version);
    let header = verify_header(&slot[..HEADER_SIZE], &policy)?;
    let src = &slot[header.payload_range()];
    // SAFETY: `verify_header` checked that load_addr..load_addr+len lies in the BL32 window of secure RAM, which no other code or data uses.
    let dst = unsafe {
        core::slice::from_raw_parts_mut(header.load_addr() as *mut u8, header.payload_len())
    };
    dst.copy_from_slice(src);
    // Hash the copy that will run: no gap between check and use.
    let verified = check_payload(&header, dst)?;
    println!(
        "secure boot: package v{} verified (minimum v{}), {} bytes at {:#x}",
        verified.version(),
        min_version,
        verified.payload().len(),
        verified.load_addr()
    );
    if verified.version() > min_version {
        match counter.raise(verified.version()) {
            Ok(_) => println!(
                "secure boot: anti-rollback minimum raised to v{}",
                verified.version()
            ),
            Err(e) => println!(
                "secure boot: could not raise anti-rollback minimum: {:?}",
                e
            ),
        }
    }
    crate::sysreg::dsb_sy();
    // SAFETY: invalidating the instruction cache to the point of unification only discards cached instructions; the new image was just written.
    unsafe { core::arch::asm!("ic iallu", "dsb sy", "isb", options(nostack)) };
    Ok(verified.entry())
}

/// Cold boot of the secure OS, like TF-A's `opteed_init`.
fn boot_secure_os(cpu: &mut PerCpu, entry: u64, f: &Features) {
    cpu.s.el1 = cpu.reset_el1;
    cpu.s.scr_el3 = scr_for(true, f);
    // SAFETY: no lower EL runs; the secure OS starts from reset EL1 state.
    unsafe { el1::restore(&cpu.s.el1, f) };
    println!("entering secure OS at {:#x}", entry);
    // x0: pageable part (none), x1: unused, x2: DT address, x3: 0.
    let vectors = call_secure_sync(cpu, entry, [0, 0, DTB_BASE, 0]);
    let (s, ms) = counter_seconds();
    if vectors == 0 {
        println!(
            "secure OS failed to initialise ({}.{:03} s); continuing without it",
            s, ms
        );
        return;
    }
    SECURE_VECTORS.store(vectors, core::sync::atomic::Ordering::Release);
    println!(
        "ENTRY_DONE: secure OS vectors at {:#x} ({}.{:03} s)",
        vectors, s, ms
    );
    el1::save(&mut cpu.s.el1, f);
    fp::save(&mut cpu.s.fp, f);
}

/// Leaves EL3 for the normal world at `pc` with x0 = `arg0`.
fn enter_normal_world(cpu: &mut PerCpu, pc: u64, arg0: u64, f: &Features) -> ! {
    cpu.ns.reset_entry(pc, [arg0, 0, 0, 0]);
    cpu.ns.el1 = cpu.reset_el1;
    cpu.ns.scr_el3 = scr_for(false, f);
    cpu.ns.runtime_sp = stack_top();
    cpu.s.runtime_sp = stack_top();
    cpu.ns.fp = zero_fp();
    // SAFETY: no lower EL runs on this CPU; the normal world starts fresh.
    unsafe { el1::restore(&cpu.ns.el1, f) };
    fp::restore(&cpu.ns.fp, f);
    let ctx: *mut WorldContext = &mut cpu.ns;
    // SAFETY: `ctx` is fully initialised and stays valid (static storage).
    unsafe { el3_exit(ctx) }
}

fn zero_fp() -> crate::context::FpState {
    let z = WorldContext::zeroed();
    z.fp
}

/// A secondary CPU: wait for CPU_ON, run the secure OS's `cpu_on_entry`, then
/// enter the normal world. Also where a CPU returns after CPU_OFF.
fn secondary(index: usize) -> ! {
    let f = *FEATURES.call_once(Features::read);
    init_el3(&f);
    // SAFETY: EL3, exceptions masked, no other reference to this slot.
    let cpu = unsafe { this_cpu() };
    if cpu.reset_el1.sctlr == 0 {
        el1::save(&mut cpu.reset_el1, &f);
        cpu.reset_el1.sctlr &= !0b101;
    }
    let entry = loop {
        let taken = POWER.lock().as_mut().and_then(|p| p.take_entry(index));
        if let Some(e) = taken {
            break e;
        }
        crate::sysreg::wfe();
    };
    if let Some(vectors) = secure_vectors() {
        cpu.s.el1 = cpu.reset_el1;
        cpu.s.scr_el3 = scr_for(true, &f);
        // SAFETY: no lower EL runs; `cpu_on_entry` expects reset EL1 state (MMU off).
        unsafe { el1::restore(&cpu.s.el1, &f) };
        let status = call_secure_sync(cpu, vectors + vector::CPU_ON, [0; 4]);
        if status != 0 {
            panic!("secure OS cpu_on failed: {:#x}", status);
        }
        el1::save(&mut cpu.s.el1, &f);
        fp::save(&mut cpu.s.fp, &f);
    }
    enter_normal_world(cpu, entry.pc, entry.context_id, &f)
}

/// Runs one of the secure OS's power hooks (`slot` in its vector table)
/// from a normal-world PSCI call and returns its status (0 without a
/// secure OS). The normal world's state is saved first and the secure OS's
/// saved again afterwards.
fn run_power_hook(cpu: &mut PerCpu, slot: u64) -> u64 {
    let Some(vectors) = secure_vectors() else {
        return 0;
    };
    let f = *FEATURES.call_once(Features::read);
    el1::save(&mut cpu.ns.el1, &f);
    fp::save(&mut cpu.ns.fp, &f);
    // SAFETY: the normal world on this CPU is stopped in a PSCI call; the secure OS runs its hook with its own saved EL1 state.
    unsafe { el1::restore(&cpu.s.el1, &f) };
    fp::restore(&cpu.s.fp, &f);
    cpu.s.scr_el3 = scr_for(true, &f);
    let status = call_secure_sync(cpu, vectors + slot, [0; 4]);
    el1::save(&mut cpu.s.el1, &f);
    fp::save(&mut cpu.s.fp, &f);
    status
}

/// PSCI CPU_OFF of the calling CPU. On success it does not return: the CPU
/// restarts in `secondary` and waits for the next CPU_ON.
pub fn cpu_off(cpu: &mut PerCpu) -> i64 {
    let index = crate::percpu::cpu_index();
    let status = run_power_hook(cpu, vector::CPU_OFF);
    if status != 0 {
        panic!("secure OS cpu_off failed: {:#x}", status);
    }
    if let Err(e) = POWER.lock().as_mut().map_or(Ok(()), |p| p.cpu_off(index)) {
        // The call fails: the normal world continues with its own state.
        let f = *FEATURES.call_once(Features::read);
        // SAFETY: back to the normal world that made the call.
        unsafe { el1::restore(&cpu.ns.el1, &f) };
        fp::restore(&cpu.ns.fp, &f);
        return i64::from(e);
    }
    hw::restart_cpu(index)
}

/// PSCI SYSTEM_OFF / SYSTEM_RESET: tell the secure OS, then drive the secure GPIO.
pub fn system_off(cpu: &mut PerCpu, reset: bool) -> i64 {
    let slot = if reset {
        vector::SYSTEM_RESET
    } else {
        vector::SYSTEM_OFF
    };
    run_power_hook(cpu, slot);
    println!("{}", if reset { "system reset" } else { "system off" });
    hw::power_off(reset)
}
