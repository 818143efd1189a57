//! The image's side of the entry points (`oxtee_arch::hooks::Core`): cold
//! boot, the wiring of the kernel, and the image's global state.

use alloc::sync::Arc;

use oxtee_core_boot::{Board, Services};
use oxtee_kernel::call::{yielding_call, Kernel};
use oxtee_kernel::fast::{fast_call, Config, Regs};
use oxtee_kernel::notif::Notifications;
use oxtee_kernel::rpc::Rpc;
use oxtee_pta::rng::EntropySource;
use oxtee_qemu_virt::secure_os::THREAD_COUNT;
use spin::Once;

use oxtee_arch::cpu::mark_started;
use oxtee_arch::hooks::Core;

use crate::console::info;
use crate::services::{CoreRwLock, CoreStats, CoreTests, Rndr};

const CONFIG: Config = Config {
    revision: (0, 1),
    build_id: 0,
    thread_count: THREAD_COUNT as u32,
};

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
            oxtee_anchor::self_check();
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
/// Everything after the heap is the boot crate's, built for size.
fn cold_boot(dtb: u64) -> bool {
    crate::memory::HEAP.init_from_linker() && oxtee_core_boot::cold_boot(&BOARD, dtb)
}

/// What cold boot takes from the image.
static BOARD: Board = Board {
    kernel: &KERNEL,
    notif: &NOTIF,
    machine: &crate::machine::MACHINE,
    ta_keys: include_bytes!(concat!(env!("OUT_DIR"), "/ta-keys.bin")),
    set_ns_ram: crate::memory::set_ns_ram,
    rndr,
    set_rng: crate::machine::set_rng,
    crypto_ext: crate::crypto_ext::accelerator,
    services,
    anchor_init: oxtee_anchor::init,
    anchor_self_check: oxtee_anchor::self_check,
};

fn rndr() -> Option<Arc<dyn EntropySource>> {
    Rndr::probe().map(|r| Arc::new(r) as Arc<dyn EntropySource>)
}

fn services() -> Services {
    Services {
        lock: Arc::new(CoreRwLock::default()),
        stats: Arc::new(CoreStats {
            threads: CONFIG.thread_count,
        }),
        tests: Arc::new(CoreTests),
    }
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
