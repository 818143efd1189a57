//! Entry points called from `asm/entry.S`, and the image's global state.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use oxtee_kernel::call::{yielding_call, Kernel};
use oxtee_kernel::fast::{fast_call, Config, Regs};
use oxtee_kernel::notif::Notifications;
use oxtee_kernel::rpc::Rpc;
use oxtee_kernel::user_ta::hw::UserHw;
use oxtee_pta::invoke_tests::InvokeTestsPta;
use oxtee_pta::rng::{RngPta, SharedRng};
use oxtee_pta::socket::SocketPta;
use oxtee_pta::stats::StatsPta;
use oxtee_pta::system::SystemPta;
use oxtee_pta::PtaRegistry;
use oxtee_qemu_virt::secure_os::{CPU_STACK_SIZE, THREAD_COUNT};
use oxtee_shm::{MemLayout, RegistryLimits, ShmRegistry};
use spin::Once;
use supplicant_proto::opteed::*;

use crate::console::{debug, error, info};
use crate::services::{CoreRwLock, CoreStats, CoreTests, NsMemory};

/// The lowest page of every CPU's entry stack (left unmapped as a guard).
pub fn stack_guards() -> [u64; MAX_CPUS] {
    let start = core::ptr::addr_of!(__stacks_start) as u64;
    core::array::from_fn(|i| start + (i * CPU_STACK_SIZE) as u64)
}
/// CPUs of QEMU `virt` with `-smp 2` (one entry stack each).
pub const MAX_CPUS: usize = oxtee_qemu_virt::NUM_CPUS;

const CONFIG: Config = Config {
    revision: (0, 1),
    build_id: 0,
    thread_count: THREAD_COUNT as u32,
};

/// Normal-world RAM, from the DT.
static NS_RAM: AtomicU64 = AtomicU64::new(0);
static NS_RAM_END: AtomicU64 = AtomicU64::new(0);
/// Secure RAM of QEMU virt (the monitor's and ours).
const SECURE_RAM: core::ops::Range<u64> =
    oxtee_qemu_virt::SECURE_RAM.base as u64..oxtee_qemu_virt::SECURE_RAM.end() as u64;
/// Sessions, shared memory and pseudo-TAs.
static KERNEL: Once<Kernel> = Once::new();

/// CPUs that have entered the core (bit per CPU index).
static CPUS_STARTED: AtomicU32 = AtomicU32::new(0);
const ALL_CPUS: u32 = (1 << MAX_CPUS) - 1;

fn cpu_started() -> bool {
    let bit = 1u32.checked_shl(cpu_index() as u32).unwrap_or(0) & ALL_CPUS;
    let before = CPUS_STARTED.fetch_or(bit, Ordering::AcqRel);
    before != ALL_CPUS && before | bit == ALL_CPUS
}

/// Whether every CPU has entered the core at least once: none still runs
/// boot code from the secure flash (TF-A's BL1 holding pen).
pub fn all_cpus_started() -> bool {
    CPUS_STARTED.load(Ordering::Acquire) == ALL_CPUS
}

/// Heap statistics.
pub fn heap_stats(reset: bool) -> crate::heap::HeapStats {
    HEAP.stats(reset)
}

/// Secure threads serving a call.
pub fn threads_in_use() -> u32 {
    crate::thread::in_use()
}

/// The normal world's RAM, as accessible memory.
pub fn ns_memory() -> NsMemory {
    NsMemory::new(NS_RAM.load(Ordering::Relaxed)..NS_RAM_END.load(Ordering::Relaxed))
}

/// Serves one yielding call on the current secure thread.
pub fn serve_call(args: &Regs, rpc: &mut dyn Rpc) -> [u64; 4] {
    let Some(kernel) = KERNEL.get() else {
        return [
            u64::from(supplicant_proto::optee_smc::OPTEE_SMC_RETURN_UNKNOWN_FUNCTION),
            0,
            0,
            0,
        ];
    };
    let mut mem = ns_memory();
    yielding_call(kernel, args, &mut mem, rpc)
}

fn build_kernel(ram: core::ops::Range<u64>, rng: Option<Arc<SharedRng>>) -> Kernel {
    let layout = MemLayout {
        ns_ram: ram,
        secure_ram: SECURE_RAM,
        static_shm: None,
    };
    let shm = ShmRegistry::new(layout, RegistryLimits::default());
    let mut ptas = PtaRegistry::new();
    let lock = Arc::new(CoreRwLock::default());
    let stats = Arc::new(CoreStats {
        threads: CONFIG.thread_count,
    });
    let mut add = |p: Arc<dyn oxtee_pta::Pta>| {
        if ptas.register(p).is_err() {
            error!("duplicate pseudo-TA");
        }
    };
    // No randomness, no RNG or system PTA (never zeros): said once at seeding.
    if let Some(rng) = &rng {
        crate::user::set_rng(rng.clone());
        add(Arc::new(RngPta::new(rng.clone())));
        let huk = crate::user::MACHINE.hw_unique_key().key;
        add(Arc::new(SystemPta::new(rng.clone(), huk)));
    }
    add(Arc::new(InvokeTestsPta::new(
        lock,
        rng.clone(),
        Some(Arc::new(CoreTests)),
    )));
    add(Arc::new(StatsPta::new(stats)));
    add(Arc::new(SocketPta));
    let ta_keys = crate::ta_keys::trusted();
    info!("{} key(s) trusted for TA signatures", ta_keys.len());
    if crate::user::MACHINE.hw_unique_key().is_test_key {
        info!("hardware unique key: the platform's is a public test key (storage keys not secret)");
    }
    let users = oxtee_kernel::user_ta::UserTas::new();
    let pool = crate::user::FRAMES;
    if users
        .init_frames(pool.start, pool.end - pool.start)
        .is_err()
    {
        error!("TA frame pool unusable");
    }
    Kernel::new(shm, ptas, ta_keys)
        .with_user_tas(&crate::user::MACHINE, users)
        .with_notifications(&NOTIF)
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
    static __heap_start: u8;
    static __heap_end: u8;
    static oxtee_vectors: u8;
}

#[global_allocator]
static HEAP: crate::heap::CountingHeap = crate::heap::CountingHeap::empty();

/// Cold boot on the primary CPU; returns the vector table's physical address
/// for `ENTRY_DONE` (0 = failure).
extern "C" fn cold_boot(dtb: u64) -> u64 {
    let start = core::ptr::addr_of!(__heap_start) as usize;
    let end = core::ptr::addr_of!(__heap_end) as usize;
    // SAFETY: the linker script reserves [__heap_start, __heap_end) inside TZDRAM for the heap only; initialised once, before any allocation.
    unsafe { HEAP.init(start, end - start) };
    info!(
        "oxtee {} (QEMU virt) starting, DT at {:#x}",
        env!("CARGO_PKG_VERSION"),
        dtb
    );
    match crate::dt::update(dtb) {
        Ok(crate::dt::FromDt { ram, rng }) => {
            NS_RAM.store(ram.start, Ordering::Relaxed);
            NS_RAM_END.store(ram.end, Ordering::Relaxed);
            info!("normal-world RAM {:#x}..{:#x}", ram.start, ram.end);
            if let Err(e) = crate::mmu::build_tables(ram.clone()) {
                error!("cannot build translation tables: {:?}", e);
                return 0;
            }
            crate::mmu::enable_this_cpu();
            info!("MMU on: identity map, W^X");
            crate::interrupt::init_this_cpu();
            crate::anchor::init();
            KERNEL.call_once(|| build_kernel(ram, rng));
        }
        Err(e) => {
            error!("cannot update the DT: {}", e);
            return 0;
        }
    }
    if cpu_started() {
        crate::anchor::self_check();
    }
    info!("primary CPU ready, switching to the normal world");
    core::ptr::addr_of!(oxtee_vectors) as u64
}

/// `cpu_on_entry`: per-CPU set-up of a secondary CPU; returns 0 on success.
extern "C" fn cpu_on() -> u64 {
    crate::mmu::enable_this_cpu();
    crate::interrupt::init_this_cpu();
    info!("secondary CPU {} ready", cpu_index());
    if cpu_started() {
        crate::anchor::self_check();
    }
    0
}

/// Index of the calling CPU (Aff0 on QEMU `virt`).
pub fn cpu_index() -> usize {
    let mpidr: u64;
    // SAFETY: reading MPIDR_EL1 has no side effect.
    unsafe { core::arch::asm!("mrs {}, mpidr_el1", out(reg) mpidr, options(nomem, nostack)) };
    (mpidr & 0xff) as usize
}

/// Asynchronous notifications for the normal world (SPI `intid::ASYNC_NOTIF`).
static NOTIF: Notifications = Notifications::new();

/// Fast SMC: `regs` holds a0..a7 in and receives a0..a3 out.
extern "C" fn fast_smc(regs: &mut Regs) {
    let out = fast_call(
        &CONFIG,
        Some((&NOTIF, &crate::interrupt::AsyncNotifIrq)),
        regs,
    );
    regs[..4].copy_from_slice(&out);
    crate::fp::leave_secure_world(cpu_index());
}

/// Yielding SMC: a secure thread serves it (or is resumed by it).
extern "C" fn yield_smc(regs: &mut Regs) {
    debug!("yielding call {:#x} on CPU {}", regs[0], cpu_index());
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

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    error!("PANIC: {}", info);
    loop {
        // SAFETY: waiting for an interrupt has no memory effect.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}
