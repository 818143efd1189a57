//! A monotonic counter in two erase sectors ("ping-pong"), for a counter
//! that is raised often (the storage rollback anchor is raised on every
//! commit).
//!
//! Each sector is a [`RollbackCounter`] log with the same records; the value
//! is the highest valid record in either. A raise appends to a sector with
//! an erased slot. Only when both are full does it erase one, and only one
//! whose own highest record is not above the other's: the other still holds
//! the current value while the erase and the new record are in progress.
//! So no power loss, torn program or torn erase can make the value go down:
//!
//! - a torn record fails its check words and is skipped (the value stays);
//! - a torn erase leaves bits set towards `0xFF`, which cannot turn a record
//!   into a valid one of another value (`version` and `!version` would both
//!   have to gain bits);
//! - the sector being recycled never holds the only copy of the value.
//!
//! The counter remembers where each log ends after its first scan (it is
//! meant to be the flash's only writer), so a raise costs one program and a
//! 16-byte read-back rather than a scan; any error forgets it.
//!
//! What remains: a failed erase or program returns an error (the caller
//! fails its operation, the value is unchanged); a sector that can no longer
//! be erased or programmed makes every later raise fail, never succeed
//! silently. Flash wear: each sector takes one erase per
//! `2 × slots` raises (16 384 records of 16 bytes per 256 KiB sector).

use crate::counter::{CounterError, FlashSector, Raised, RollbackCounter, Scan};
use supplicant_proto::secure_package::ROLLBACK_RECORD_SIZE;

/// The counter over two sectors of the same kind.
#[derive(Debug)]
pub struct PairedCounter<F> {
    halves: [RollbackCounter<F>; 2],
    /// Both logs as last scanned or written (`None`: scan before use).
    known: Option<[Scan; 2]>,
}

impl<F: FlashSector> PairedCounter<F> {
    /// Wraps two distinct sectors. Nothing is read or written yet.
    pub fn new(a: F, b: F) -> Self {
        Self {
            halves: [RollbackCounter::new(a), RollbackCounter::new(b)],
            known: None,
        }
    }

    /// Gives the sectors back.
    pub fn into_inner(self) -> (F, F) {
        let [a, b] = self.halves;
        (a.into_inner(), b.into_inner())
    }

    fn scans(&mut self) -> [Scan; 2] {
        let scans = match self.known {
            Some(k) => k,
            None => [self.halves[0].scan(), self.halves[1].scan()],
        };
        self.known = Some(scans);
        scans
    }

    /// Forgets what the last scan found: the next use reads the flash again.
    pub fn forget(&mut self) {
        self.known = None;
    }

    /// The current value: the highest valid record in either sector, or 0.
    pub fn current(&mut self) -> u32 {
        let [a, b] = self.scans();
        a.current.max(b.current)
    }

    /// Raises the value to `new` if it is above the current one; never
    /// lowers it. `Appended` offsets are within the sector written.
    pub fn raise(&mut self, new: u32) -> Result<Raised, CounterError> {
        if self.halves.iter().any(|h| h.slots() == 0) {
            return Err(CounterError::SectorTooSmall);
        }
        let scans = self.scans();
        let current = scans[0].current.max(scans[1].current);
        if new <= current {
            return Ok(Raised::Unchanged);
        }
        // Until this raise has succeeded, nothing known is trusted.
        self.known = None;
        let (i, raised) = self.write(scans, new)?;
        let mut after = scans;
        let offset = match raised {
            Raised::Appended { offset } => offset,
            _ => {
                after[i].current = 0;
                0
            }
        };
        let next = offset + ROLLBACK_RECORD_SIZE;
        after[i].current = after[i].current.max(new);
        after[i].next_free = (next < self.halves[i].slots() * ROLLBACK_RECORD_SIZE).then_some(next);
        self.known = Some(after);
        Ok(raised)
    }

    /// Writes the record of `new` given the logs' state; returns the sector written.
    fn write(&mut self, scans: [Scan; 2], new: u32) -> Result<(usize, Raised), CounterError> {
        // Append where there is room, preferring the sector holding the
        // current value (its log stays in order).
        let order = if scans[1].current > scans[0].current {
            [1, 0]
        } else {
            [0, 1]
        };
        for i in order {
            if let Some(offset) = scans[i].next_free {
                self.halves[i].write_record(offset, new)?;
                return Ok((i, Raised::Appended { offset }));
            }
        }
        // Both full: recycle the sector whose best is not above the other's,
        // so the other keeps the current value throughout.
        let victim = usize::from(scans[0].current > scans[1].current);
        self.halves[victim].erase()?;
        self.halves[victim].write_record(0, new)?;
        Ok((victim, Raised::Compacted))
    }
}

#[cfg(test)]
mod tests;
