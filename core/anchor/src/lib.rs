//! The storage rollback anchor (`oxtee_storage::RollbackAnchor`): a
//! monotonic counter in two sectors of the secure flash
//! (`oxtee_qemu_virt::secure_os::ROLLBACK_ANCHOR_FLASH`), which the normal
//! world cannot reach. The record log is the firmware's
//! (`oxtee_flash_counter`), kept in two sectors so that recycling a full one
//! never loses the value.
//!
//! The flash may only leave read-array mode once no CPU executes from it:
//! behind TF-A a CPU not yet started by the normal world waits in BL1's
//! holding pen, which runs from this flash. So the anchor is only programmed
//! once every CPU has entered the core; before that `advance_to` fails with
//! `TEE_ERROR_STORAGE_NOT_AVAILABLE` (reading is always safe).
//!
//! The core is the flash's only writer, so the counter remembers where its
//! logs end and scans the flash again only after a failed raise.
//!
//! The anchor is used once per storage commit at most, so it is a crate of
//! its own that the build optimises for size.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

use oxtee_flash_counter::{CounterError, FlashSector, PairedCounter};
use oxtee_storage::{RollbackAnchor, TeeResult};
use supplicant_proto::tee_error::TeeError;

/// The anchor over two flash sectors.
pub struct FlashAnchor<F> {
    counter: PairedCounter<F>,
    /// Whether the flash may be programmed now.
    may_program: fn() -> bool,
}

impl<F: FlashSector> FlashAnchor<F> {
    /// The anchor in sectors `a` and `b`, programmed only while `may_program` says so.
    pub fn new(a: F, b: F, may_program: fn() -> bool) -> Self {
        Self {
            counter: PairedCounter::new(a, b),
            may_program,
        }
    }
}

/// `TEE_Result` of a failed raise: the device failed (or is locked), or it
/// accepted a record it does not hold.
fn tee_error(e: CounterError) -> TeeError {
    match e {
        CounterError::Flash(_) => TeeError::STORAGE_NOT_AVAILABLE,
        CounterError::VerifyFailed | CounterError::SectorTooSmall => TeeError::GENERIC,
    }
}

impl<F: FlashSector> RollbackAnchor for FlashAnchor<F> {
    fn get(&mut self) -> TeeResult<u32> {
        Ok(self.counter.current())
    }

    fn advance_to(&mut self, v: u32) -> TeeResult<()> {
        if v <= self.counter.current() {
            return Ok(());
        }
        if !(self.may_program)() {
            return Err(TeeError::STORAGE_NOT_AVAILABLE);
        }
        // The raise reads its record back; a failure leaves the value as it
        // was and makes the next use scan the flash again.
        self.counter.raise(v).map_err(tee_error)?;
        if self.counter.current() < v {
            return Err(TeeError::GENERIC);
        }
        Ok(())
    }
}

#[cfg(target_os = "none")]
pub use hw::{init, self_check, SharedAnchor};

/// The anchor on QEMU `virt`'s secure flash, shared by every CPU.
#[cfg(target_os = "none")]
mod hw {
    use super::FlashAnchor;
    use core::sync::atomic::{AtomicBool, Ordering};
    use oxtee_arch::log::{error, hex, info};
    use oxtee_drivers::cfi_flash::CfiFlash;
    use oxtee_drivers::mmio::Mmio;
    use oxtee_flash_counter::CfiSector;
    use oxtee_qemu_virt::secure_os::{FLASH_SECTOR_SIZE, ROLLBACK_ANCHOR_FLASH};
    use oxtee_storage::RollbackAnchor;
    use spin::{Mutex, Once};
    use supplicant_proto::tee_error::TeeError;

    type Anchor = FlashAnchor<CfiSector<Mmio>>;

    static ANCHOR: Once<Option<Mutex<Anchor>>> = Once::new();

    fn sector(index: usize) -> Option<CfiSector<Mmio>> {
        let base = ROLLBACK_ANCHOR_FLASH.base + index * FLASH_SECTOR_SIZE;
        // One erase sector of the secure flash inside ROLLBACK_ANCHOR_FLASH;
        // only this module touches it (under the ANCHOR lock), and neither
        // firmware uses these sectors.
        let io = oxtee_arch::devices::device(base, FLASH_SECTOR_SIZE)?;
        CfiSector::new(CfiFlash::new(io, FLASH_SECTOR_SIZE), 0)
    }

    /// Sets the anchor up (primary CPU, cold boot, MMU on). The flash is
    /// read at the anchor's first use, not here: scanning its two sectors
    /// was a tenth of the core's boot under QEMU, and nothing at boot needs
    /// the value. The first read logs it.
    pub fn init() {
        let anchor = ANCHOR.call_once(|| match (sector(0), sector(1)) {
            (Some(a), Some(b)) => Some(Mutex::new(FlashAnchor::new(
                a,
                b,
                oxtee_arch::cpu::all_started,
            ))),
            _ => None,
        });
        match anchor {
            Some(_) => info!(
                "rollback anchor: secure flash ",
                hex(ROLLBACK_ANCHOR_FLASH.base as u64),
                "..",
                hex(ROLLBACK_ANCHOR_FLASH.end() as u64),
                ", read at first use"
            ),
            None => error!("rollback anchor: no flash sectors"),
        }
    }

    /// Whether the first read has been logged.
    static REPORTED: AtomicBool = AtomicBool::new(false);

    /// Runs `f` with the anchor (`None` before [`init`] or without one),
    /// holding its lock.
    fn with_anchor<R>(f: impl FnOnce(Option<&mut dyn RollbackAnchor>) -> R) -> R {
        match ANCHOR.get().and_then(Option::as_ref) {
            Some(m) => {
                let mut a = m.lock();
                f(Some(&mut *a))
            }
            None => f(None),
        }
    }

    /// The anchor as the store holds it: each use takes the shared anchor's
    /// lock. Without a usable anchor every use fails, so the store refuses
    /// to run rather than run without rollback protection.
    pub struct SharedAnchor;

    impl RollbackAnchor for SharedAnchor {
        fn get(&mut self) -> oxtee_storage::TeeResult<u32> {
            let v = with_anchor(|a| a.map_or(Err(TeeError::STORAGE_NOT_AVAILABLE), |a| a.get()));
            if !REPORTED.swap(true, Ordering::Relaxed) {
                match v {
                    Ok(v) => info!("rollback anchor: ", v),
                    Err(e) => error!("rollback anchor unreadable: ", hex(e.code())),
                }
            }
            v
        }

        fn advance_to(&mut self, v: u32) -> oxtee_storage::TeeResult<()> {
            with_anchor(|a| a.map_or(Err(TeeError::STORAGE_NOT_AVAILABLE), |a| a.advance_to(v)))
        }
    }

    /// Microseconds of the generic timer (for the self-check's report).
    fn micros() -> u64 {
        let cnt = oxtee_arch::sysreg::cntpct_el0();
        let frq = oxtee_arch::sysreg::cntfrq_el0();
        cnt.saturating_mul(1_000_000) / frq.max(1)
    }

    /// Debug self-check (build with `OXTEE_ANCHOR_SELFTEST=1`): once every
    /// CPU has started, raises the anchor by one and reads it back. This
    /// changes the stored value for good; off in normal builds.
    pub fn self_check() {
        if option_env!("OXTEE_ANCHOR_SELFTEST").is_none() {
            return;
        }
        with_anchor(|a| {
            let Some(a) = a else {
                error!("rollback anchor self-check: no anchor");
                return;
            };
            let start = micros();
            let r = a.get().and_then(|v| {
                let next = v.checked_add(1).ok_or(TeeError::OVERFLOW)?;
                a.advance_to(next)?;
                a.advance_to(v)?; // never lowers
                Ok((v, a.get()?))
            });
            match r {
                Ok((was, now)) if now == was + 1 => info!(
                    "rollback anchor self-check: ",
                    was,
                    " -> ",
                    now,
                    " ok (",
                    micros().saturating_sub(start),
                    " us)"
                ),
                Ok((was, now)) => {
                    error!("rollback anchor self-check: ", was, " -> ", now, " wrong")
                }
                Err(e) => error!("rollback anchor self-check failed: ", hex(e.code())),
            }
        });
    }
}

#[cfg(test)]
mod tests;
