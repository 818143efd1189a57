//! The image's side of the entry points (`oxtee_arch::hooks::Core`): cold
//! boot, the wiring of the kernel, and the image's global state.

use alloc::sync::Arc;
use oxtee_log_line::{described, hex};

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
use oxtee_qemu_virt::secure_os::THREAD_COUNT;
use oxtee_shm::{MemLayout, RegistryLimits, ShmRegistry};
use spin::Once;

use oxtee_arch::cpu::mark_started;
use oxtee_arch::hooks::Core;

use crate::console::{error, info};
use crate::services::{CoreRwLock, CoreStats, CoreTests};

const CONFIG: Config = Config {
    revision: (0, 1),
    build_id: 0,
    thread_count: THREAD_COUNT as u32,
};

/// Secure RAM of QEMU virt (the monitor's and ours).
const SECURE_RAM: core::ops::Range<u64> =
    oxtee_qemu_virt::SECURE_RAM.base as u64..oxtee_qemu_virt::SECURE_RAM.end() as u64;
/// Sessions, shared memory and pseudo-TAs.
static KERNEL: Once<Kernel> = Once::new();

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
    let mut mem = crate::memory::ns_memory();
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
        crate::machine::set_rng(rng.clone());
        add(Arc::new(RngPta::new(rng.clone())));
        let huk = crate::machine::MACHINE.hw_unique_key().key;
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
    info!(ta_keys.len(), " key(s) trusted for TA signatures");
    if crate::machine::MACHINE.hw_unique_key().is_test_key {
        info!("hardware unique key: the platform's is a public test key (storage keys not secret)");
    }
    let users = oxtee_kernel::user_ta::UserTas::new();
    let pool = oxtee_arch::user::FRAMES;
    if users
        .init_frames(pool.start, pool.end - pool.start)
        .is_err()
    {
        error!("TA frame pool unusable");
    }
    Kernel::new(shm, ptas, ta_keys)
        .with_user_tas(&crate::machine::MACHINE, users)
        .with_notifications(&NOTIF)
}

/// The image's side of the entry points.
struct Image;

/// The hooks the arch layer calls (its one link-time symbol in this crate).
#[allow(unsafe_code)]
#[no_mangle]
static OXTEE_CORE: &dyn Core = &Image;

impl Core for Image {
    fn cold_boot(&self, dtb: u64) -> bool {
        cold_boot(dtb)
    }

    fn cpu_on(&self, cpu: usize) {
        info!("secondary CPU ", cpu, " ready");
        if mark_started() {
            crate::anchor::self_check();
        }
    }

    fn fast_call(&self, regs: &mut Regs) {
        let out = fast_call(
            &CONFIG,
            Some((&NOTIF, &oxtee_arch::interrupt::AsyncNotifIrq)),
            regs,
        );
        regs[..4].copy_from_slice(&out);
    }

    fn yielding_call(&self, args: &Regs, rpc: &mut dyn Rpc) -> [u64; 4] {
        serve_call(args, rpc)
    }

    fn log(&self, level: crate::console::Level, pieces: &[oxtee_log_line::Piece<'_>]) {
        crate::console::log(level, pieces);
    }
}

/// Cold boot on the primary CPU (MMU off); `false` reports failure to EL3.
fn cold_boot(dtb: u64) -> bool {
    if !crate::memory::HEAP.init_from_linker() {
        return false;
    }
    info!(
        "oxtee ",
        env!("CARGO_PKG_VERSION"),
        " (QEMU virt) starting, DT at ",
        hex(dtb)
    );
    match crate::dt::update(dtb) {
        Ok(crate::dt::FromDt { ram, rng, cpus }) => {
            crate::memory::set_ns_ram(ram.clone());
            info!("normal-world RAM ", hex(ram.start), "..", hex(ram.end));
            // The flash anchor waits for every CPU to leave the boot flash:
            // only for those the machine has (one with `-smp 1`).
            match cpus {
                Some(mask) if oxtee_arch::cpu::set_present(mask) => {
                    info!("CPUs in the DT: ", hex(mask))
                }
                _ => error!(
                    "no usable CPU list in the DT: waiting for ",
                    oxtee_arch::cpu::MAX_CPUS,
                    " CPUs"
                ),
            }
            if let Err(e) = oxtee_arch::mmu::build_tables(ram.clone()) {
                error!("cannot build translation tables: ", described(e.describe()));
                return false;
            }
            oxtee_arch::mmu::enable_this_cpu();
            oxtee_arch::fp_regs::init_this_cpu();
            info!("MMU on: identity map, W^X");
            crate::crypto_ext::init();
            oxtee_arch::interrupt::init_this_cpu();
            crate::anchor::init();
            KERNEL.call_once(|| build_kernel(ram, rng));
        }
        Err(e) => {
            error!("cannot update the DT: ", described(e.describe()));
            return false;
        }
    }
    if mark_started() {
        crate::anchor::self_check();
    }
    info!("primary CPU ready, switching to the normal world");
    true
}

/// Asynchronous notifications for the normal world (SPI `intid::ASYNC_NOTIF`).
static NOTIF: Notifications = Notifications::new();

/// With `core-debug` (`make CFG_TEE_CORE_DEBUG=y`) the panic's message, file
/// and line; without, only the call stack (see `console::panic_line`), and the
/// per-site records the message and location need are not in the image.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(feature = "core-debug")]
    crate::console::panic_message(info);
    #[cfg(not(feature = "core-debug"))]
    let _ = info;
    let mut stack = [0u64; 12];
    let n = oxtee_arch::backtrace::return_addresses(&mut stack);
    crate::console::panic_line(stack.get(..n).unwrap_or(&[]));
    oxtee_arch::cpu::halt()
}
