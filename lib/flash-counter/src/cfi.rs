//! One erase sector of a CFI flash (`oxtee_drivers::cfi_flash`) as a
//! [`FlashSector`].

use oxtee_drivers::cfi_flash::{
    CfiFlash, FlashError as CfiError, STATUS_ERASE_ERROR, STATUS_LOCKED,
};
use oxtee_drivers::mmio::RegisterIo;

use crate::counter::{FlashError, FlashSector};

/// The sector of `size` bytes at `offset` in a CFI flash device.
#[derive(Debug)]
pub struct CfiSector<Io> {
    flash: CfiFlash<Io>,
    offset: usize,
    size: usize,
}

impl<Io: RegisterIo> CfiSector<Io> {
    /// The sector at `offset` of `flash`; `None` unless it is one whole
    /// erase sector (`cfi_flash::SECTOR_SIZE`) inside the device.
    pub fn new(flash: CfiFlash<Io>, offset: usize) -> Option<Self> {
        let size = oxtee_drivers::cfi_flash::SECTOR_SIZE;
        let fits = offset
            .checked_add(size)
            .is_some_and(|end| end <= flash.size());
        (fits && offset % size == 0).then_some(Self {
            flash,
            offset,
            size,
        })
    }
}

fn flash_error(e: CfiError) -> FlashError {
    let status = |bit: u32| u8::try_from(bit).unwrap_or(0);
    match e {
        CfiError::Misaligned(_) | CfiError::OutOfRange => FlashError::OutOfRange,
        CfiError::Timeout => FlashError::Timeout,
        CfiError::Device(s) if s & status(STATUS_ERASE_ERROR) != 0 => FlashError::EraseFailed,
        CfiError::Device(s) if s & status(STATUS_LOCKED) != 0 => FlashError::Locked,
        CfiError::Device(_) => FlashError::ProgramFailed,
    }
}

impl<Io: RegisterIo> FlashSector for CfiSector<Io> {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        let inside = offset
            .checked_add(buf.len())
            .is_some_and(|end| end <= self.size);
        if !inside || self.flash.read(self.offset + offset, buf).is_err() {
            // Outside the sector: reads as erased (never a valid record).
            buf.fill(0xff);
        }
    }

    fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        let end = offset
            .checked_add(data.len())
            .ok_or(FlashError::OutOfRange)?;
        if end > self.size {
            return Err(FlashError::OutOfRange);
        }
        self.flash
            .program(self.offset + offset, data)
            .map_err(flash_error)
    }

    fn erase(&mut self) -> Result<(), FlashError> {
        self.flash.erase_sector(self.offset).map_err(flash_error)
    }

    fn size(&self) -> usize {
        self.size
    }
}
