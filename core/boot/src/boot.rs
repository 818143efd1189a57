//! The cold boot sequence and the kernel's construction.

use alloc::sync::Arc;
use core::ops::Range;

use oxtee_arch::crypto_ext::Features;
use oxtee_arch::log::{described, hex};
use oxtee_crypto::accel::Accelerator;
use oxtee_kernel::call::Kernel;
use oxtee_kernel::notif::Notifications;
use oxtee_kernel::user_ta::hw::UserHw;
use oxtee_pta::invoke_tests::{CoreSelfTests, InvokeTestsPta, TestRwLock};
use oxtee_pta::rng::{EntropySource, RngPta, SharedRng};
use oxtee_pta::socket::SocketPta;
use oxtee_pta::stats::{StatsPta, StatsSource};
use oxtee_pta::system::SystemPta;
use oxtee_pta::PtaRegistry;
use oxtee_shm::{MemLayout, RegistryLimits, ShmRegistry};
use spin::Once;

use oxtee_arch::log::{error, info};

/// Secure RAM of QEMU virt (the monitor's and ours).
const SECURE_RAM: Range<u64> =
    oxtee_qemu_virt::SECURE_RAM.base as u64..oxtee_qemu_virt::SECURE_RAM.end() as u64;

/// The kernel services the pseudo-TAs use, made by the image once the heap
/// is up.
pub struct Services {
    /// The invoke-tests PTA's lock.
    pub lock: Arc<dyn TestRwLock>,
    /// Heap and thread use for the stats PTA.
    pub stats: Arc<dyn StatsSource>,
    /// The core self tests (xtest 1001).
    pub tests: Arc<dyn CoreSelfTests>,
}

/// What cold boot needs from the image: the state the calls use later and
/// the code they run, which stay in the image (built for speed).
pub struct Board {
    /// Sessions, shared memory and pseudo-TAs, set here once.
    pub kernel: &'static Once<Kernel>,
    /// Asynchronous notifications for the normal world.
    pub notif: &'static Notifications,
    /// The TA runtime's machine.
    pub machine: &'static dyn UserHw,
    /// The TA-signing public keys: `ta-pubkey --format raw` output.
    pub ta_keys: &'static [u8],
    /// Records the normal world's RAM, as the DT gives it.
    pub set_ns_ram: fn(Range<u64>),
    /// The CPU's entropy source (`RNDR`), if it has one.
    pub rndr: fn() -> Option<Arc<dyn EntropySource>>,
    /// Makes the DRBG the source of TA randomness.
    pub set_rng: fn(Arc<SharedRng>),
    /// The Crypto Extensions as the crypto crate's accelerator.
    pub crypto_ext: fn(Features) -> &'static dyn Accelerator,
    /// The kernel services of the pseudo-TAs.
    pub services: fn() -> Services,
    /// Sets the storage rollback anchor up (MMU on).
    pub anchor_init: fn(),
    /// The anchor's debug self-check, once every CPU has started.
    pub anchor_self_check: fn(),
}

/// Cold boot on the primary CPU, the heap already set up; `false` reports
/// failure to EL3. Never inlined into the image's entry point, which is
/// built for speed: this code is built for size.
#[inline(never)]
pub fn cold_boot(board: &Board, dtb: u64) -> bool {
    info!(
        "oxtee ",
        env!("CARGO_PKG_VERSION"),
        " (QEMU virt) starting, DT at ",
        hex(dtb)
    );
    match crate::dt::update(dtb, (board.rndr)()) {
        Ok(crate::dt::FromDt { ram, rng, cpus }) => {
            (board.set_ns_ram)(ram.clone());
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
            crate::crypto_ext::init(board.crypto_ext);
            oxtee_arch::interrupt::init_this_cpu();
            (board.anchor_init)();
            board.kernel.call_once(|| build_kernel(board, ram, rng));
        }
        Err(e) => {
            error!("cannot update the DT: ", described(e.describe()));
            return false;
        }
    }
    if oxtee_arch::cpu::mark_started() {
        (board.anchor_self_check)();
    }
    info!("primary CPU ready, switching to the normal world");
    true
}

fn build_kernel(board: &Board, ram: Range<u64>, rng: Option<Arc<SharedRng>>) -> Kernel {
    let layout = MemLayout {
        ns_ram: ram,
        secure_ram: SECURE_RAM,
        static_shm: None,
    };
    let shm = ShmRegistry::new(layout, RegistryLimits::default());
    let mut ptas = PtaRegistry::new();
    let services = (board.services)();
    let mut add = |p: Arc<dyn oxtee_pta::Pta>| {
        if ptas.register(p).is_err() {
            error!("duplicate pseudo-TA");
        }
    };
    // No randomness, no RNG or system PTA (never zeros): said once at seeding.
    if let Some(rng) = &rng {
        (board.set_rng)(rng.clone());
        add(Arc::new(RngPta::new(rng.clone())));
        let huk = board.machine.hw_unique_key().key;
        add(Arc::new(SystemPta::new(rng.clone(), huk)));
    }
    add(Arc::new(InvokeTestsPta::new(
        services.lock,
        rng.clone(),
        Some(services.tests),
    )));
    add(Arc::new(StatsPta::new(services.stats)));
    add(Arc::new(SocketPta));
    let ta_keys = crate::ta_keys::trusted(board.ta_keys);
    info!(ta_keys.len(), " key(s) trusted for TA signatures");
    if board.machine.hw_unique_key().is_test_key {
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
        .with_user_tas(board.machine, users)
        .with_notifications(board.notif)
}
