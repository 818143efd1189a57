//! Cold boot of each CPU: EL3 set-up, secure boot of the secure OS, the
//! normal-world kernel, and the per-CPU power hooks.

use oxtee_boot::rollback::RollbackCounter;
use oxtee_boot::verify::{check_payload_with, verify_header, Policy};
use oxtee_monitor::psci::PowerStates;
use supplicant_proto::secure_package::{HEADER_SIZE, SLOT_A_OFFSET, SLOT_SIZE};

use crate::console::println;
use crate::percpu::{features, this_cpu, PerCpu};
use crate::platform::{CPU_COUNT, DTB_BASE};
use crate::psci::{CpuOff, POWER};
use crate::sysreg::{counter_seconds, write_sysreg, Features};
use crate::world::{self, scr_for};
use crate::{el1, hw, linux, monitor, opteed};

/// The Ed25519 public key secure boot trusts, fixed at build time.
const TRUSTED_KEY: [u8; 32] = *include_bytes!(env!("OXTEE_BL_PUBKEY"));

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
pub extern "C" fn rust_entry(index: usize) -> ! {
    // SAFETY: EL3 with exceptions masked; the only reference to this CPU's slot for as long as the CPU runs (the run loop borrows it from here, and the vectors never re-enter Rust).
    let cpu = unsafe { this_cpu() };
    if index == 0 {
        primary(cpu)
    } else {
        secondary(index, cpu)
    }
}

fn primary(cpu: &mut PerCpu) -> ! {
    let f = *features();
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
    el1::save(&mut cpu.reset_el1, &f);
    cpu.reset_el1.sctlr &= !0b101; // MMU and data cache off

    hw::init_heap();
    let Some(mut dtb) = linux::Dtb::take() else {
        println!("the DT is already in use");
        hw::exit_failure(3);
    };
    match secure_boot() {
        Ok(entry) => {
            if let Err(e) = linux::fixup_psci(&mut dtb) {
                println!("DT fix-up failed: {}", e);
            }
            opteed::cold_boot(cpu, entry);
        }
        Err(reason) => {
            println!("{}", reason);
            println!("nothing is started");
            hw::exit_failure(2);
        }
    }

    let entry = match linux::load_kernel(&mut dtb) {
        Ok(k) => k,
        Err(e) => {
            println!("normal world: {}", e);
            hw::exit_failure(3);
        }
    };
    let (s, ms) = counter_seconds();
    println!("entering normal world at {:#x} ({}.{:03} s)", entry, s, ms);
    let CpuOff = run_normal_world(cpu, entry, DTB_BASE, &f);
    // Turned off: from now on the primary waits for CPU_ON like a secondary.
    secondary(0, cpu)
}
/// Verifies the package in slot A, loads it and returns its entry address.
fn secure_boot() -> Result<u64, hw::BootError> {
    let slot_base = hw::FLASH0_BASE + SLOT_A_OFFSET;
    // SAFETY: slot A lies inside secure flash0, which is mapped (MMU off, physical addresses) and readable; nothing writes that range while the slice lives (only the counter sector is ever programmed).
    let slot = unsafe { core::slice::from_raw_parts(slot_base as *const u8, SLOT_SIZE) };
    let mut counter = RollbackCounter::new(hw::counter_sector().ok_or(hw::BootError::NoCounter)?);
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
    let verified = check_payload_with(&header, dst, crate::sha256::blocks(features()))?;
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

/// Starts the normal world at `pc` with x0 = `arg0` and runs the monitor on
/// this CPU until the normal world turns it off.
fn run_normal_world(cpu: &mut PerCpu, pc: u64, arg0: u64, f: &Features) -> CpuOff {
    cpu.ns.reset_entry(pc, [arg0, 0, 0, 0]);
    cpu.ns.el1 = cpu.reset_el1;
    cpu.ns.scr_el3 = scr_for(false, f);
    world::clear_fp(&mut cpu.ns);
    // SAFETY: no lower EL runs on this CPU; the normal world starts fresh and is entered next.
    unsafe { world::load_live(&cpu.ns) };
    monitor::run(cpu)
}

/// A secondary CPU, and any CPU after CPU_OFF: wait for CPU_ON, run the
/// secure OS's `cpu_on_entry`, then the normal world until the next CPU_OFF.
fn secondary(index: usize, cpu: &mut PerCpu) -> ! {
    let f = *features();
    loop {
        init_el3(&f);
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
        opteed::cpu_on(cpu);
        let CpuOff = run_normal_world(cpu, entry.pc, entry.context_id, &f);
    }
}
