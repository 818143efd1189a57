//! Anti-rollback counter: a monotonic minimum version kept as an append-only
//! log of [`RollbackRecord`]s in one flash erase sector.
//!
//! NOR flash erases a whole sector to `0xFF` and programming can only clear
//! bits, so the counter never rewrites a record: [`RollbackCounter::raise`]
//! programs a new record in the first erased slot after the last used one.
//! The current minimum is the highest valid record (0 when there is none).
//! Records that are torn or corrupt fail their check words and are skipped.
//!
//! When the sector is full, `raise` erases it and writes a single record.
//! A power loss between that erase and that write leaves no record, so the
//! minimum falls back to 0 until the next raise. With 16-byte records in a
//! 256 KiB sector this happens once every 16 384 raises; the firmware
//! accepts the risk (`bootloader/README.md`). A counter that is raised
//! often uses [`crate::PairedCounter`] instead: the same records in two
//! sectors, so that one always holds the current value.

use supplicant_proto::secure_package::{RollbackRecord, ERASED_BYTE, ROLLBACK_RECORD_SIZE};

/// Error reported by a flash driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashError {
    /// Offset or length outside the sector.
    OutOfRange,
    /// The device did not finish in time.
    Timeout,
    /// The device reported a program failure.
    ProgramFailed,
    /// The device reported an erase failure.
    EraseFailed,
    /// The sector is locked.
    Locked,
}

/// One erase sector of a NOR flash.
///
/// Offsets are relative to the start of the sector. `erase` sets every byte
/// to `0xFF`; `program` may only clear bits (it ANDs `data` into the flash).
pub trait FlashSector {
    /// Reads `buf.len()` bytes at `offset`. Out-of-range bytes read as `0xFF`.
    fn read(&self, offset: usize, buf: &mut [u8]);
    /// Programs `data` at `offset`.
    fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError>;
    /// Erases the whole sector.
    fn erase(&mut self) -> Result<(), FlashError>;
    /// Size of the sector in bytes.
    fn size(&self) -> usize;
}

/// Why [`RollbackCounter::raise`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterError {
    /// The flash driver failed.
    Flash(FlashError),
    /// The record read back differs from the one programmed.
    VerifyFailed,
    /// The sector cannot hold a single record.
    SectorTooSmall,
}

impl From<FlashError> for CounterError {
    fn from(e: FlashError) -> Self {
        Self::Flash(e)
    }
}

/// What [`RollbackCounter::raise`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Raised {
    /// The requested version was not above the current minimum; nothing was written.
    Unchanged,
    /// A record was appended at this offset.
    Appended {
        /// Offset of the new record in the sector.
        offset: usize,
    },
    /// The sector was full: it was erased and the record written at offset 0.
    Compacted,
}

/// Result of scanning the sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Highest valid version (0 if none).
    pub(crate) current: u32,
    /// Offset of the first slot after the last non-erased one, if it fits.
    pub(crate) next_free: Option<usize>,
}

/// Records read per flash access while scanning.
const SCAN_CHUNK_RECORDS: usize = 64;

/// An erased record slot.
const ERASED_RECORD: &[u8; ROLLBACK_RECORD_SIZE] = &[ERASED_BYTE; ROLLBACK_RECORD_SIZE];

/// The anti-rollback counter over a [`FlashSector`].
#[derive(Debug)]
pub struct RollbackCounter<F> {
    flash: F,
}

impl<F: FlashSector> RollbackCounter<F> {
    /// Wraps a sector. Nothing is read or written yet.
    pub const fn new(flash: F) -> Self {
        Self { flash }
    }

    /// Gives the sector back.
    pub fn into_inner(self) -> F {
        self.flash
    }

    /// Number of record slots in the sector.
    pub(crate) fn slots(&self) -> usize {
        self.flash.size() / ROLLBACK_RECORD_SIZE
    }

    pub(crate) fn scan(&self) -> Scan {
        let slots = self.slots();
        let mut current = 0u32;
        let mut used_end = 0usize; // slot index after the last non-erased slot
        let mut chunk = [0u8; ROLLBACK_RECORD_SIZE * SCAN_CHUNK_RECORDS];
        let mut first = 0usize;
        while first < slots {
            let count = SCAN_CHUNK_RECORDS.min(slots - first);
            let buf = &mut chunk[..count * ROLLBACK_RECORD_SIZE];
            self.flash.read(first * ROLLBACK_RECORD_SIZE, buf);
            for (i, rec) in buf.chunks_exact(ROLLBACK_RECORD_SIZE).enumerate() {
                // Most of a sector is erased slots: one comparison each.
                if <&[u8; ROLLBACK_RECORD_SIZE]>::try_from(rec).ok() == Some(ERASED_RECORD) {
                    continue;
                }
                used_end = first + i + 1;
                if let Some(v) = RollbackRecord::decode(rec) {
                    current = current.max(v);
                }
            }
            first += count;
        }
        let next_free = (used_end < slots).then_some(used_end * ROLLBACK_RECORD_SIZE);
        Scan { current, next_free }
    }

    /// The current minimum version: the highest valid record, or 0.
    pub fn current(&self) -> u32 {
        self.scan().current
    }

    /// Raises the minimum to `new` if it is above the current one. Never lowers it.
    pub fn raise(&mut self, new: u32) -> Result<Raised, CounterError> {
        if self.slots() == 0 {
            return Err(CounterError::SectorTooSmall);
        }
        let scan = self.scan();
        if new <= scan.current {
            return Ok(Raised::Unchanged);
        }
        let (offset, outcome) = match scan.next_free {
            Some(offset) => (offset, Raised::Appended { offset }),
            None => {
                self.flash.erase()?;
                (0, Raised::Compacted)
            }
        };
        self.write_record(offset, new)?;
        Ok(outcome)
    }

    /// Programs the record of `version` at `offset` (an erased slot) and reads it back.
    pub(crate) fn write_record(&mut self, offset: usize, version: u32) -> Result<(), CounterError> {
        let record = RollbackRecord::encode(version);
        self.flash.program(offset, &record)?;
        let mut back = [0u8; ROLLBACK_RECORD_SIZE];
        self.flash.read(offset, &mut back);
        if back != record {
            return Err(CounterError::VerifyFailed);
        }
        Ok(())
    }

    /// Erases the whole sector.
    pub(crate) fn erase(&mut self) -> Result<(), CounterError> {
        Ok(self.flash.erase()?)
    }
}

#[cfg(test)]
mod tests;
