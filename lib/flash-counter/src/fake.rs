//! A RAM model of one NOR erase sector for the host tests.

use std::vec;
use std::vec::Vec;

use crate::counter::{FlashError, FlashSector};

/// RAM model of a NOR sector: erase sets 0xFF, program ANDs bits in.
/// `tear_after` makes the next program stop after that many bytes and fail.
pub(crate) struct FakeSector {
    pub(crate) bytes: Vec<u8>,
    pub(crate) erases: usize,
    pub(crate) tear_after: Option<usize>,
}

impl FakeSector {
    pub(crate) fn new(size: usize) -> Self {
        Self {
            bytes: vec![0xFF; size],
            erases: 0,
            tear_after: None,
        }
    }
}

impl FlashSector for FakeSector {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = offset
                .checked_add(i)
                .and_then(|o| self.bytes.get(o))
                .copied()
                .unwrap_or(0xFF);
        }
    }
    fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        let end = offset
            .checked_add(data.len())
            .ok_or(FlashError::OutOfRange)?;
        let dst = self
            .bytes
            .get_mut(offset..end)
            .ok_or(FlashError::OutOfRange)?;
        let n = self.tear_after.take().unwrap_or(data.len()).min(data.len());
        for (d, s) in dst.iter_mut().zip(data).take(n) {
            *d &= *s;
        }
        if n < data.len() {
            return Err(FlashError::Timeout);
        }
        Ok(())
    }
    fn erase(&mut self) -> Result<(), FlashError> {
        self.bytes.fill(0xFF);
        self.erases += 1;
        Ok(())
    }
    fn size(&self) -> usize {
        self.bytes.len()
    }
}
