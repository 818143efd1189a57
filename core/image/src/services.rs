//! Kernel services the host-tested crates need from the hardware: normal-world
//! memory access, the CPU's random number generator, locks and statistics.

use core::ops::Range;

use alloc::sync::Arc;
use oxtee_pta::invoke_tests::{CoreSelfTests, TestRwLock};
use oxtee_pta::rng::{BootSeed, EntropyError, EntropySource, SharedRng};

use crate::console::{error, info};
use oxtee_pta::stats::{AllocStats, StatsSource, TeeTime, ThreadStats};
use oxtee_pta::TeeError;
use oxtee_shm::{MemError, PhysMem};

/// Normal-world RAM accessed by physical address (identity mapped: virtual =
/// physical, non-secure). Only ranges inside `ram` are touched. The normal
/// world may write this memory at any time, so every access is a volatile
/// copy (`oxtee_drivers::foreign`): a plain copy would be a data race.
pub struct NsMemory {
    ram: Range<u64>,
}

impl NsMemory {
    /// Access to `ram` only.
    pub fn new(ram: Range<u64>) -> Self {
        Self { ram }
    }

    fn check(&self, pa: u64, len: usize) -> Result<(), MemError> {
        let end = pa.checked_add(len as u64).ok_or(MemError::OutOfRange)?;
        if pa < self.ram.start || end > self.ram.end {
            return Err(MemError::OutOfRange);
        }
        Ok(())
    }
}

impl PhysMem for NsMemory {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        self.check(pa, buf.len())?;
        // SAFETY: [pa, pa+len) is normal-world RAM (checked above), mapped flat, holding no Rust object; it is read with volatile loads into our own buffer. The normal world may change it concurrently: every caller copies once and then validates the copy.
        unsafe { oxtee_drivers::foreign::copy_from(pa as *const u8, buf) };
        Ok(())
    }

    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
        self.check(pa, data.len())?;
        // SAFETY: as for `read`, with volatile stores; normal-world RAM holds no secure data.
        unsafe { oxtee_drivers::foreign::copy_to(pa as *mut u8, data) };
        Ok(())
    }
}

/// The CPU's `RNDR` instruction (FEAT_RNG).
pub struct Rndr;

impl Rndr {
    /// `Some` when the CPU implements FEAT_RNG.
    pub fn probe() -> Option<Self> {
        let isar0: u64;
        // SAFETY: reading an ID register has no side effect.
        unsafe {
            core::arch::asm!("mrs {}, id_aa64isar0_el1", out(reg) isar0, options(nomem, nostack))
        };
        ((isar0 >> 60) & 0xf != 0).then_some(Self)
    }

    fn next() -> Option<u64> {
        let value: u64;
        let ok: u64;
        // SAFETY: RNDR only reads the hardware generator; NZCV tells success.
        unsafe {
            core::arch::asm!(
                "mrs {v}, s3_3_c2_c4_0",
                "cset {ok}, ne",
                v = out(reg) value,
                ok = out(reg) ok,
                options(nomem, nostack)
            )
        };
        (ok != 0).then_some(value)
    }
}

impl EntropySource for Rndr {
    fn fill(&self, out: &mut [u8]) -> Result<(), EntropyError> {
        for chunk in out.chunks_mut(8) {
            // Retry a few times: RNDR may transiently fail.
            let v = (0..16).find_map(|_| Self::next()).ok_or(EntropyError)?;
            chunk.copy_from_slice(&v.to_le_bytes()[..chunk.len()]);
        }
        Ok(())
    }
}

/// Seeds the DRBG from every source present: `RNDR` and the boot seeds.
/// `None` (said once on the console) when there is none: then nothing
/// random is handed out at all.
pub fn seed_rng(seeds: &[BootSeed<'_>]) -> Option<SharedRng> {
    let seed_bytes: usize = seeds.iter().map(|s| s.bytes.len()).sum();
    let rndr = Rndr::probe().map(|r| Arc::new(r) as Arc<dyn EntropySource>);
    let has_rndr = rndr.is_some();
    let rng = match SharedRng::with_sources(rndr, seeds) {
        Err(_) if has_rndr => {
            error!("RNDR failed its first use; not used");
            SharedRng::with_sources(None, seeds)
        }
        r => r,
    };
    match &rng {
        Ok(r) if r.has_source() => info!("RNG: RNDR and {} byte(s) of boot seed", seed_bytes),
        Ok(_) => info!("RNG: {} byte(s) of boot seed, no RNDR", seed_bytes),
        Err(_) => error!(
            "no entropy source (no RNDR, {} byte(s) of DT rng-seed): no RNG PTA, TA random and TA loading fail",
            seed_bytes
        ),
    }
    rng.ok()
}

/// A reader/writer lock. Calls run to completion one CPU at a time today, so
/// a spinning lock never waits long.
#[derive(Default)]
pub struct CoreRwLock(spin::RwLock<()>);

impl TestRwLock for CoreRwLock {
    fn with_write(&self, f: &mut dyn FnMut()) {
        let _g = self.0.write();
        f();
    }
    fn with_read(&self, f: &mut dyn FnMut()) {
        let _g = self.0.read();
        f();
    }
}

/// Heap and thread use for the stats PTA.
pub struct CoreStats {
    /// Number of secure threads.
    pub threads: u32,
}

impl StatsSource for CoreStats {
    fn heap(&self, reset: bool) -> AllocStats {
        let s = crate::entry::heap_stats(reset);
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        AllocStats {
            allocated: clamp(s.used),
            max_allocated: clamp(s.peak),
            size: clamp(s.size),
            num_alloc_fail: clamp(s.failures),
            biggest_alloc_fail: clamp(s.biggest_failure),
            biggest_alloc_fail_used: clamp(s.used_at_biggest_failure),
        }
    }
    fn threads(&self) -> ThreadStats {
        ThreadStats {
            in_use: crate::entry::threads_in_use(),
            total: self.threads,
        }
    }
    fn tee_time(&self) -> Result<TeeTime, TeeError> {
        let (cnt, frq): (u64, u64);
        // SAFETY: reading the generic timer's counter and frequency has no side effect.
        unsafe {
            core::arch::asm!("mrs {}, cntpct_el0", out(reg) cnt, options(nomem, nostack));
            core::arch::asm!("mrs {}, cntfrq_el0", out(reg) frq, options(nomem, nostack));
        }
        let frq = frq.max(1);
        Ok(TeeTime {
            seconds: (cnt / frq) as u32,
            millis: ((cnt % frq) * 1000 / frq) as u32,
        })
    }
}

/// Core self tests run by `PTA_INVOKE_TESTS_CMD_SELF_TESTS` (xtest 1001).
pub struct CoreTests;

impl CoreSelfTests for CoreTests {
    fn run(&self) -> Result<(), TeeError> {
        // A native interrupt (the secure timer) reaches the core and returns.
        if !crate::interrupt::timer_self_test() {
            crate::console::error!("self test: the secure timer interrupt did not arrive");
            return Err(TeeError::GENERIC);
        }
        // Normal-world memory outside the RAM the DT gave is refused.
        let mem = crate::entry::ns_memory();
        let mut b = [0u8; 1];
        let core = oxtee_qemu_virt::secure_os::LOAD_ADDR as u64;
        if mem.read(core, &mut b).is_ok() || mem.read(u64::MAX, &mut b).is_ok() {
            crate::console::error!("self test: secure memory readable as normal-world memory");
            return Err(TeeError::GENERIC);
        }
        Ok(())
    }
}
