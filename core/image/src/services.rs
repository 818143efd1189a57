//! Kernel services the host-tested crates need from the machine: the CPU's
//! random number generator, locks, statistics and the core self test.

use oxtee_pta::invoke_tests::{CoreSelfTests, TestRwLock};
use oxtee_pta::rng::{EntropyError, EntropySource};

use oxtee_pta::stats::{AllocStats, StatsSource, TeeTime, ThreadStats};
use oxtee_pta::TeeError;
use oxtee_shm::PhysMem;

/// The CPU's `RNDR` instruction (FEAT_RNG).
pub struct Rndr;

impl Rndr {
    /// `Some` when the CPU implements FEAT_RNG.
    pub fn probe() -> Option<Self> {
        let isar0 = oxtee_arch::sysreg::id_aa64isar0_el1();
        ((isar0 >> 60) & 0xf != 0).then_some(Self)
    }
}

impl EntropySource for Rndr {
    fn fill(&self, out: &mut [u8]) -> Result<(), EntropyError> {
        for chunk in out.chunks_mut(8) {
            // Retry a few times: RNDR may transiently fail.
            let v = (0..16)
                .find_map(|_| oxtee_arch::sysreg::rndr())
                .ok_or(EntropyError)?;
            chunk.copy_from_slice(&v.to_le_bytes()[..chunk.len()]);
        }
        Ok(())
    }
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
        let s = crate::memory::heap_stats(reset);
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
            in_use: oxtee_arch::thread::in_use(),
            total: self.threads,
        }
    }
    fn tee_time(&self) -> Result<TeeTime, TeeError> {
        let cnt = oxtee_arch::sysreg::cntpct_el0();
        let frq = oxtee_arch::sysreg::cntfrq_el0().max(1);
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
        if !oxtee_arch::interrupt::timer_self_test() {
            crate::console::error!("self test: the secure timer interrupt did not arrive");
            return Err(TeeError::GENERIC);
        }
        // Normal-world memory outside the RAM the DT gave is refused.
        let mem = crate::memory::ns_memory();
        let mut b = [0u8; 1];
        let core = oxtee_qemu_virt::secure_os::LOAD_ADDR as u64;
        if mem.read(core, &mut b).is_ok() || mem.read(u64::MAX, &mut b).is_ok() {
            crate::console::error!("self test: secure memory readable as normal-world memory");
            return Err(TeeError::GENERIC);
        }
        Ok(())
    }
}
