//! The secure OS's entry points (`asm/entry.S`, TF-A's `opteed` protocol)
//! and the hand-over to the image's [`crate::hooks::Core`].

use core::mem::offset_of;

use oxtee_kernel::fast::Regs;
use oxtee_kernel::user_ta::hw::UserRegs;
use oxtee_qemu_virt::secure_os::CPU_STACK_SIZE;
use supplicant_proto::opteed::*;

use crate::cpu::{cpu_index, MAX_CPUS};
use crate::hooks::core_hooks;

// The layout facts the assembly relies on beyond the offsets it is given:
// x0..x29 in pairs from 0 (`user_x2_x29`), and the pairs it moves with one
// `ldp`/`stp` (ELR+SPSR, FPSR+FPCR); q0..q31 16-byte aligned.
const _: () = assert!(offset_of!(UserRegs, x) == 0);
const _: () = assert!(offset_of!(UserRegs, spsr) == offset_of!(UserRegs, elr) + 8);
const _: () = assert!(offset_of!(UserRegs, fpcr) == offset_of!(UserRegs, fpsr) + 8);
const _: () = assert!(offset_of!(UserRegs, q) % 16 == 0);

core::arch::global_asm!(
    include_str!("asm/entry.S"),
    text_used_end = sym __text_used_end,
    text_end = sym __text_end,
    rodata_load = sym __rodata_load,
    rodata_start = sym __rodata_start,
    rodata_used_end = sym __rodata_used_end,
    data_load = sym __data_load,
    data_start = sym __data_start,
    data_end = sym __data_end,
    bss_start = sym __bss_start,
    bss_end = sym __bss_end,
    stacks_start = sym __stacks_start,
    max_cpus = const MAX_CPUS,
    stack_size = const CPU_STACK_SIZE,
    cold_boot = sym cold_boot,
    cpu_on = sym cpu_on,
    yield_handler = sym yield_smc,
    fast_handler = sym fast_smc,
    exception = sym exception,
    native_irq = sym crate::interrupt::native_irq,
    regs_x30 = const offset_of!(UserRegs, x) + 30 * 8,
    regs_sp = const offset_of!(UserRegs, sp),
    regs_elr = const offset_of!(UserRegs, elr),
    regs_tpidr = const offset_of!(UserRegs, tpidr),
    regs_fpsr = const offset_of!(UserRegs, fpsr),
    regs_q = const offset_of!(UserRegs, q),
    entry_done = const TEESMC_OPTEED_RETURN_ENTRY_DONE,
    on_done = const TEESMC_OPTEED_RETURN_ON_DONE,
    off_done = const TEESMC_OPTEED_RETURN_OFF_DONE,
    resume_done = const TEESMC_OPTEED_RETURN_RESUME_DONE,
    suspend_done = const TEESMC_OPTEED_RETURN_SUSPEND_DONE,
    call_done = const TEESMC_OPTEED_RETURN_CALL_DONE,
    fiq_done = const TEESMC_OPTEED_RETURN_FIQ_DONE,
    system_off_done = const TEESMC_OPTEED_RETURN_SYSTEM_OFF_DONE,
    system_reset_done = const TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE,
);

extern "C" {
    static __text_used_end: u8;
    static __text_end: u8;
    static __rodata_load: u8;
    static __rodata_start: u8;
    static __rodata_used_end: u8;
    static __data_load: u8;
    static __data_start: u8;
    static __data_end: u8;
    static __bss_start: u8;
    static __bss_end: u8;
    static __stacks_start: u8;
    static oxtee_vectors: u8;
}

/// Cold boot on the primary CPU; returns the vector table's physical address
/// for `ENTRY_DONE` (0 = failure).
extern "C" fn cold_boot(dtb: u64) -> u64 {
    if core_hooks().cold_boot(dtb) {
        core::ptr::addr_of!(oxtee_vectors) as u64
    } else {
        0
    }
}

/// `cpu_on_entry`: per-CPU set-up of a secondary CPU; returns 0 on success.
extern "C" fn cpu_on() -> u64 {
    crate::mmu::enable_this_cpu();
    crate::fp_regs::init_this_cpu();
    crate::interrupt::init_this_cpu();
    core_hooks().cpu_on(cpu_index());
    0
}

/// Fast SMC: `regs` holds a0..a7 in and receives a0..a3 out.
extern "C" fn fast_smc(regs: &mut Regs) {
    crate::fp::enter_secure_world(cpu_index(), &mut regs[0]);
    core_hooks().fast_call(regs);
    crate::fp::leave_secure_world(cpu_index());
}

/// Yielding SMC: a secure thread serves it (or is resumed by it).
extern "C" fn yield_smc(regs: &mut Regs) {
    let cpu = cpu_index();
    crate::fp::enter_secure_world(cpu, &mut regs[0]);
    crate::thread::yielding_smc(regs, cpu);
    // Every way out of a yielding call (done, RPC, foreign interrupt) ends here.
    // A TA's root may still be installed (an RPC from one of its system
    // calls): the thread may resume on another CPU, and the TA's tables
    // may be freed meanwhile, so no CPU leaves the secure world on them.
    crate::mmu::use_kernel_root();
    crate::fp::leave_secure_world(cpu);
}

/// An exception taken at S-EL1: a bug in the core. Reported, then the CPU stops.
extern "C" fn exception(kind: u64, esr: u64, elr: u64, far: u64) -> ! {
    panic!(
        "exception {} at S-EL1: ESR {:#x} ELR {:#x} FAR {:#x}",
        kind, esr, elr, far
    );
}
