//! CFI NOR flash with the Intel/Sharp command set, as QEMU's `pflash_cfi01` models it for the
//! `virt` board (bank width 4 bytes, 256 KiB sectors).
//!
//! All addresses are byte offsets from the start of the flash device (the base of the
//! [`RegisterIo`] window). Commands are written as full 32-bit bus words; QEMU decodes the low
//! byte. Status is read back the same way (bit 7 = ready).

use crate::mmio::RegisterIo;
use crate::SPIN_LIMIT;

/// Bus (bank) width in bytes of the `virt` flash.
pub const BANK_WIDTH: usize = 4;
/// Erase-sector size of the `virt` flash.
pub const SECTOR_SIZE: usize = 256 * 1024;

/// Command: block erase setup.
pub const CMD_BLOCK_ERASE: u32 = 0x20;
/// Command: block erase confirm.
pub const CMD_ERASE_CONFIRM: u32 = 0xd0;
/// Command: word program setup.
pub const CMD_WORD_PROGRAM: u32 = 0x40;
/// Command: clear status register.
pub const CMD_CLEAR_STATUS: u32 = 0x50;
/// Command: read status register.
pub const CMD_READ_STATUS: u32 = 0x70;
/// Command: back to read-array mode.
pub const CMD_READ_ARRAY: u32 = 0xff;

/// Status bit: device ready.
pub const STATUS_READY: u32 = 1 << 7;
/// Status bit: erase error.
pub const STATUS_ERASE_ERROR: u32 = 1 << 5;
/// Status bit: program error.
pub const STATUS_PROGRAM_ERROR: u32 = 1 << 4;
/// Status bit: programming voltage low.
pub const STATUS_VPP_LOW: u32 = 1 << 3;
/// Status bit: block locked.
pub const STATUS_LOCKED: u32 = 1 << 1;
/// All error bits.
pub const STATUS_ERRORS: u32 =
    STATUS_ERASE_ERROR | STATUS_PROGRAM_ERROR | STATUS_VPP_LOW | STATUS_LOCKED;

/// Errors from the flash driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashError {
    /// Offset not aligned as required (sector for erase, bank width for program).
    Misaligned(usize),
    /// The range does not fit in the device.
    OutOfRange,
    /// The device reported an error; the status byte is attached.
    Device(u8),
    /// The device did not become ready within [`SPIN_LIMIT`] polls.
    Timeout,
}

/// A CFI flash device.
#[derive(Debug)]
pub struct CfiFlash<Io> {
    io: Io,
    size: usize,
}

impl<Io: RegisterIo> CfiFlash<Io> {
    /// Wraps a flash device of `size` bytes whose array `io` accesses.
    pub const fn new(io: Io, size: usize) -> Self {
        Self { io, size }
    }

    /// Size of the device in bytes.
    pub const fn size(&self) -> usize {
        self.size
    }

    fn command(&self, offset: usize, cmd: u32) {
        self.io.write32(offset, cmd);
    }

    /// Polls the status at `offset` until ready, then checks errors. On error the status is
    /// cleared. The device is left in read-status mode.
    fn wait_ready(&self, offset: usize) -> Result<(), FlashError> {
        for _ in 0..SPIN_LIMIT {
            let status = self.io.read32(offset) & 0xff;
            if status & STATUS_READY != 0 {
                if status & STATUS_ERRORS != 0 {
                    self.command(offset, CMD_CLEAR_STATUS);
                    return Err(FlashError::Device(status as u8));
                }
                return Ok(());
            }
        }
        Err(FlashError::Timeout)
    }

    /// Erases the sector that starts at `offset` (must be [`SECTOR_SIZE`]-aligned); the device
    /// is back in read-array mode afterwards.
    pub fn erase_sector(&mut self, offset: usize) -> Result<(), FlashError> {
        if offset % SECTOR_SIZE != 0 {
            return Err(FlashError::Misaligned(offset));
        }
        let end = offset
            .checked_add(SECTOR_SIZE)
            .ok_or(FlashError::OutOfRange)?;
        if end > self.size {
            return Err(FlashError::OutOfRange);
        }
        self.command(offset, CMD_CLEAR_STATUS);
        self.command(offset, CMD_BLOCK_ERASE);
        self.command(offset, CMD_ERASE_CONFIRM);
        let result = self.wait_ready(offset);
        self.command(offset, CMD_READ_ARRAY);
        result
    }

    /// Programs `data` at `offset` (must be [`BANK_WIDTH`]-aligned), one 32-bit word at a
    /// time; a trailing partial word is padded with 0xff (which leaves flash bits unchanged).
    /// The target range must have been erased. Read-array mode afterwards.
    pub fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        if offset % BANK_WIDTH != 0 {
            return Err(FlashError::Misaligned(offset));
        }
        let padded = data
            .len()
            .checked_next_multiple_of(BANK_WIDTH)
            .ok_or(FlashError::OutOfRange)?;
        let end = offset.checked_add(padded).ok_or(FlashError::OutOfRange)?;
        if end > self.size {
            return Err(FlashError::OutOfRange);
        }
        let mut result = Ok(());
        for (index, chunk) in data.chunks(BANK_WIDTH).enumerate() {
            let mut word = [0xff_u8; BANK_WIDTH];
            word[..chunk.len()].copy_from_slice(chunk);
            let at = offset + index * BANK_WIDTH;
            self.command(at, CMD_WORD_PROGRAM);
            self.io.write32(at, u32::from_le_bytes(word));
            result = self.wait_ready(at);
            if result.is_err() {
                break;
            }
        }
        self.command(offset, CMD_READ_ARRAY);
        result
    }

    /// Reads array data at `offset` into `dst` (the device must be in read-array mode, as every
    /// operation here leaves it).
    pub fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), FlashError> {
        let end = offset
            .checked_add(dst.len())
            .ok_or(FlashError::OutOfRange)?;
        if end > self.size {
            return Err(FlashError::OutOfRange);
        }
        // Bytes and a bus word up to 8-byte alignment, then two bus words per
        // access (the rollback counters read whole sectors at boot), then a
        // word and bytes at the end.
        let head = ((2 * BANK_WIDTH) - offset % (2 * BANK_WIDTH)) % (2 * BANK_WIDTH);
        let head = head.min(dst.len());
        let (first, rest) = dst.split_at_mut(head);
        self.read_edge(offset, first);
        let middle = rest.len() - rest.len() % (2 * BANK_WIDTH);
        let (whole, last) = rest.split_at_mut(middle);
        let mut at = offset + head;
        for chunk in whole.chunks_exact_mut(2 * BANK_WIDTH) {
            if let Ok(words) = <&mut [u8; 2 * BANK_WIDTH]>::try_from(chunk) {
                *words = self.io.read64(at).to_le_bytes();
            }
            at += 2 * BANK_WIDTH;
        }
        self.read_edge(at, last);
        Ok(())
    }

    /// Reads fewer than 8 bytes: a bus word where aligned, bytes elsewhere.
    fn read_edge(&self, offset: usize, dst: &mut [u8]) {
        let mut i = 0;
        while i < dst.len() {
            let at = offset + i;
            match dst.get_mut(i..i + BANK_WIDTH) {
                Some(word) if at % BANK_WIDTH == 0 => {
                    word.copy_from_slice(&self.io.read32(at).to_le_bytes());
                    i += BANK_WIDTH;
                }
                _ => {
                    dst[i] = self.io.read8(at);
                    i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{FakeDevice, FakeIo};

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Mode {
        ReadArray,
        Status,
        EraseSetup,
        ProgramSetup,
    }

    /// A rough pflash_cfi01 model: read-array / status modes, erase and word program.
    struct Flash {
        array: Vec<u8>,
        mode: Mode,
        status: u8,
        locked_sector: Option<usize>,
    }

    impl Flash {
        fn new(size: usize) -> Self {
            Self {
                array: vec![0u8; size],
                mode: Mode::ReadArray,
                status: 0x80,
                locked_sector: None,
            }
        }
    }

    impl FakeDevice for Flash {
        fn read(&mut self, offset: usize, width: u8) -> u64 {
            match self.mode {
                Mode::ReadArray => {
                    let bytes = &self.array[offset..offset + usize::from(width)];
                    bytes
                        .iter()
                        .rev()
                        .fold(0, |acc, &b| (acc << 8) | u64::from(b))
                }
                _ => self.status.into(),
            }
        }

        fn write(&mut self, offset: usize, width: u8, value: u64) {
            assert_eq!(width, 4, "virt flash bank width");
            match self.mode {
                Mode::EraseSetup => {
                    assert_eq!(value, 0xd0);
                    let sector = offset / SECTOR_SIZE;
                    if self.locked_sector == Some(sector) {
                        self.status |= 0x22;
                    } else {
                        let start = sector * SECTOR_SIZE;
                        self.array[start..start + SECTOR_SIZE].fill(0xff);
                    }
                    self.mode = Mode::Status;
                }
                Mode::ProgramSetup => {
                    let old = &mut self.array[offset..offset + 4];
                    for (i, b) in old.iter_mut().enumerate() {
                        *b &= (value >> (8 * i)) as u8; // NOR: program only clears bits
                    }
                    self.mode = Mode::Status;
                }
                Mode::ReadArray | Mode::Status => match value as u8 {
                    0x20 => self.mode = Mode::EraseSetup,
                    0x40 => self.mode = Mode::ProgramSetup,
                    0x50 => self.status = 0x80,
                    0x70 => self.mode = Mode::Status,
                    0xff => self.mode = Mode::ReadArray,
                    other => panic!("unexpected command {other:#x}"),
                },
            }
        }
    }

    const SIZE: usize = 2 * SECTOR_SIZE;

    #[test]
    fn erase_then_program_round_trips_with_padding() {
        let io = FakeIo::new(Flash::new(SIZE));
        let mut flash = CfiFlash::new(&io, SIZE);
        flash.erase_sector(SECTOR_SIZE).unwrap();
        flash.program(SECTOR_SIZE + 8, b"oxtee").unwrap();
        let mut back = [0u8; 12];
        flash.read(SECTOR_SIZE + 4, &mut back).unwrap();
        assert_eq!(&back, b"\xff\xff\xff\xffoxtee\xff\xff\xff");
        assert_eq!(io.device().mode, Mode::ReadArray);
        // The other sector was not erased.
        assert_eq!(io.device().array[0], 0);
    }

    #[test]
    fn reads_words_where_aligned_and_bytes_at_the_edges() {
        let io = FakeIo::new(Flash::new(SIZE));
        for (i, b) in io.device().array[..16].iter_mut().enumerate() {
            *b = i as u8;
        }
        let flash = CfiFlash::new(&io, SIZE);
        let mut back = [0u8; 11];
        flash.read(3, &mut back).unwrap();
        assert_eq!(back, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        let widths: Vec<u8> = io
            .log()
            .iter()
            .map(|a| match a {
                crate::fake::Access::Read { width, .. } => *width,
                crate::fake::Access::Write { width, .. } => *width,
            })
            .collect();
        assert_eq!(widths, [1, 4, 4, 1, 1]);
    }

    #[test]
    fn reads_two_words_at_once_where_8_byte_aligned() {
        let io = FakeIo::new(Flash::new(SIZE));
        for (i, b) in io.device().array[..40].iter_mut().enumerate() {
            *b = i as u8;
        }
        let flash = CfiFlash::new(&io, SIZE);
        let mut back = [0u8; 30];
        flash.read(4, &mut back).unwrap();
        let want: Vec<u8> = (4..34).collect();
        assert_eq!(back[..], want[..]);
        let widths: Vec<u8> = io
            .log()
            .iter()
            .map(|a| match a {
                crate::fake::Access::Read { width, .. } => *width,
                crate::fake::Access::Write { width, .. } => *width,
            })
            .collect();
        assert_eq!(widths, [4, 8, 8, 8, 1, 1]);
    }

    #[test]
    fn erase_sequence_is_20_d0_at_sector_address() {
        let io = FakeIo::new(Flash::new(SIZE));
        CfiFlash::new(&io, SIZE).erase_sector(0).unwrap();
        assert_eq!(io.writes(), [(0, 0x50), (0, 0x20), (0, 0xd0), (0, 0xff)]);
    }

    #[test]
    fn locked_sector_reports_device_error_and_returns_to_read_array() {
        let io = FakeIo::new(Flash::new(SIZE));
        io.device().locked_sector = Some(1);
        let mut flash = CfiFlash::new(&io, SIZE);
        assert_eq!(
            flash.erase_sector(SECTOR_SIZE),
            Err(FlashError::Device(0xa2))
        );
        assert_eq!(io.device().mode, Mode::ReadArray);
        assert_eq!(io.device().status, 0x80, "status was cleared");
    }

    #[test]
    fn rejects_bad_ranges_without_touching_device() {
        let io = FakeIo::new(Flash::new(SIZE));
        let mut flash = CfiFlash::new(&io, SIZE);
        assert_eq!(flash.erase_sector(4), Err(FlashError::Misaligned(4)));
        assert_eq!(flash.erase_sector(SIZE), Err(FlashError::OutOfRange));
        assert_eq!(flash.program(2, b"ab"), Err(FlashError::Misaligned(2)));
        assert_eq!(
            flash.program(SIZE - 4, b"abcde"),
            Err(FlashError::OutOfRange)
        );
        assert!(io.writes().is_empty());
    }
}
