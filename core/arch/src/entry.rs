//! The secure OS's entry points (`asm/entry.S`, TF-A's `opteed` protocol)
//! and the hand-over to the image, which supplies the [`Core`] hooks.

use oxtee_kernel::fast::Regs;
use oxtee_kernel::rpc::Rpc;
use oxtee_qemu_virt::secure_os::CPU_STACK_SIZE;
use supplicant_proto::opteed::*;

use crate::log::Level;

/// CPUs of QEMU `virt` with `-smp 2` (one entry stack each).
pub const MAX_CPUS: usize = oxtee_qemu_virt::NUM_CPUS;

/// What this layer calls in the secure OS proper: the image's composition
/// root. Every entry from EL3 ends in one of these, on the calling CPU's
/// stack, with exceptions masked.
pub trait Core: Sync {
    /// Cold boot on the primary CPU (MMU off, caches off, `.bss` zeroed):
    /// set everything up; `false` reports a failed boot to EL3.
    fn cold_boot(&self, dtb: u64) -> bool;
    /// A secondary CPU was started; its MMU and GIC interface are on.
    fn cpu_on(&self, cpu: usize);
    /// A fast SMC: `regs` holds a0..a7 in and receives a0..a3 out.
    fn fast_call(&self, regs: &mut Regs);
    /// Serves one yielding call on the current secure thread.
    fn yielding_call(&self, args: &Regs, rpc: &mut dyn Rpc) -> [u64; 4];
    /// Writes one console line.
    fn log(&self, level: Level, args: core::fmt::Arguments<'_>);
}

extern "Rust" {
    /// The image's hooks: the one symbol it defines for this crate
    /// (`#[no_mangle] static OXTEE_CORE: &dyn Core`).
    static OXTEE_CORE: &'static dyn Core;
}

/// The image's hooks.
pub(crate) fn core_hooks() -> &'static dyn Core {
    // SAFETY: the image defines `OXTEE_CORE` with exactly this type (it is named through this crate's trait), as an immutable static initialised at link time; the linker fails if it is missing.
    unsafe { OXTEE_CORE }
}

core::arch::global_asm!(
    include_str!("asm/entry.S"),
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
    static __bss_start: u8;
    static __bss_end: u8;
    static __stacks_start: u8;
    static oxtee_vectors: u8;
}

/// The lowest page of every CPU's entry stack (left unmapped as a guard).
pub fn stack_guards() -> [u64; MAX_CPUS] {
    let start = core::ptr::addr_of!(__stacks_start) as u64;
    core::array::from_fn(|i| start + (i * CPU_STACK_SIZE) as u64)
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
    crate::interrupt::init_this_cpu();
    core_hooks().cpu_on(cpu_index());
    0
}

/// Index of the calling CPU (Aff0 on QEMU `virt`).
pub fn cpu_index() -> usize {
    (crate::sysreg::mpidr_el1() & 0xff) as usize
}

/// Fast SMC: `regs` holds a0..a7 in and receives a0..a3 out.
extern "C" fn fast_smc(regs: &mut Regs) {
    core_hooks().fast_call(regs);
    crate::fp::leave_secure_world(cpu_index());
}

/// Yielding SMC: a secure thread serves it (or is resumed by it).
extern "C" fn yield_smc(regs: &mut Regs) {
    let cpu = cpu_index();
    crate::thread::yielding_smc(regs, cpu);
    // Every way out of a yielding call (done, RPC, foreign interrupt) ends here.
    crate::fp::leave_secure_world(cpu);
}

/// An exception taken at S-EL1: a bug in the core. Reported, then the CPU stops.
extern "C" fn exception(kind: u64, esr: u64, elr: u64, far: u64) -> ! {
    panic!(
        "exception {} at S-EL1: ESR {:#x} ELR {:#x} FAR {:#x}",
        kind, esr, elr, far
    );
}

/// Stops this CPU for good (after a panic).
pub fn halt() -> ! {
    loop {
        crate::sysreg::wfi();
    }
}
