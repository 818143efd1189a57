//! Host-side fakes for [`RegisterIo`]: a device model behind a `RefCell` plus a log of every
//! access, so tests can assert a driver's exact register sequence.
//!
//! Available with `cfg(test)` or the `fakes` feature (which needs `std`).

extern crate std;

use std::cell::{RefCell, RefMut};
use std::collections::{HashMap, VecDeque};
use std::vec::Vec;

use crate::mmio::RegisterIo;

/// One register access seen by a [`FakeIo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A read of `width` bytes at `offset` that returned `value`.
    Read {
        /// Byte offset in the window.
        offset: usize,
        /// Access width in bytes (1, 2, 4 or 8).
        width: u8,
        /// Value returned to the driver.
        value: u64,
    },
    /// A write of `value` (`width` bytes) at `offset`.
    Write {
        /// Byte offset in the window.
        offset: usize,
        /// Access width in bytes (1, 2, 4 or 8).
        width: u8,
        /// Value written by the driver.
        value: u64,
    },
}

/// Behaviour of a faked device: what reads return and how writes change its state.
pub trait FakeDevice {
    /// Handles a read of `width` bytes at `offset`.
    fn read(&mut self, offset: usize, width: u8) -> u64;
    /// Handles a write of `width` bytes at `offset`.
    fn write(&mut self, offset: usize, width: u8, value: u64);
}

/// The default device model: plain registers that read back the last value written
/// (0 if never written), unless reads were scripted with [`RegisterFile::script`].
#[derive(Debug, Default)]
pub struct RegisterFile {
    values: HashMap<usize, u64>,
    scripted: HashMap<usize, VecDeque<u64>>,
}

impl RegisterFile {
    /// Sets the current value of the register at `offset` (as if set by hardware).
    pub fn set(&mut self, offset: usize, value: u64) {
        self.values.insert(offset, value);
    }

    /// Current value of the register at `offset` (last written or set; 0 if neither).
    pub fn get(&self, offset: usize) -> u64 {
        self.values.get(&offset).copied().unwrap_or(0)
    }

    /// Queues values that the next reads at `offset` return, in order, before falling back to
    /// the register's current value.
    pub fn script(&mut self, offset: usize, values: &[u64]) {
        self.scripted
            .entry(offset)
            .or_default()
            .extend(values.iter().copied());
    }
}

impl FakeDevice for RegisterFile {
    fn read(&mut self, offset: usize, _width: u8) -> u64 {
        if let Some(value) = self.scripted.get_mut(&offset).and_then(VecDeque::pop_front) {
            return value;
        }
        self.get(offset)
    }

    fn write(&mut self, offset: usize, _width: u8, value: u64) {
        self.values.insert(offset, value);
    }
}

/// A fake device window: a [`FakeDevice`] model plus a log of every access.
#[derive(Debug, Default)]
pub struct FakeIo<D = RegisterFile> {
    device: RefCell<D>,
    log: RefCell<Vec<Access>>,
}

impl FakeIo<RegisterFile> {
    /// A window of plain registers (see [`RegisterFile`]).
    pub fn registers() -> Self {
        Self::new(RegisterFile::default())
    }
}

impl<D: FakeDevice> FakeIo<D> {
    /// A window backed by `device`.
    pub fn new(device: D) -> Self {
        Self {
            device: RefCell::new(device),
            log: RefCell::new(Vec::new()),
        }
    }

    /// Mutable access to the device model (to preset or inspect state).
    pub fn device(&self) -> RefMut<'_, D> {
        self.device.borrow_mut()
    }

    /// Every access so far, in order.
    pub fn log(&self) -> Vec<Access> {
        self.log.borrow().clone()
    }

    /// Every write so far as `(offset, value)`, in order.
    pub fn writes(&self) -> Vec<(usize, u64)> {
        self.log
            .borrow()
            .iter()
            .filter_map(|access| match *access {
                Access::Write { offset, value, .. } => Some((offset, value)),
                Access::Read { .. } => None,
            })
            .collect()
    }

    /// Writes at `offset` so far, in order.
    pub fn writes_at(&self, offset: usize) -> Vec<u64> {
        self.writes()
            .into_iter()
            .filter(|&(o, _)| o == offset)
            .map(|(_, v)| v)
            .collect()
    }

    /// Forgets the access log (the device state is kept).
    pub fn clear_log(&self) {
        self.log.borrow_mut().clear();
    }

    fn do_read(&self, offset: usize, width: u8) -> u64 {
        let mask = width_mask(width);
        let value = self.device.borrow_mut().read(offset, width) & mask;
        self.log.borrow_mut().push(Access::Read {
            offset,
            width,
            value,
        });
        value
    }

    fn do_write(&self, offset: usize, width: u8, value: u64) {
        self.log.borrow_mut().push(Access::Write {
            offset,
            width,
            value,
        });
        self.device.borrow_mut().write(offset, width, value);
    }
}

fn width_mask(width: u8) -> u64 {
    match width {
        8 => u64::MAX,
        w => (1u64 << (u32::from(w) * 8)) - 1,
    }
}

impl<D: FakeDevice> RegisterIo for FakeIo<D> {
    fn read8(&self, offset: usize) -> u8 {
        self.do_read(offset, 1) as u8
    }
    fn read16(&self, offset: usize) -> u16 {
        self.do_read(offset, 2) as u16
    }
    fn read32(&self, offset: usize) -> u32 {
        self.do_read(offset, 4) as u32
    }
    fn read64(&self, offset: usize) -> u64 {
        self.do_read(offset, 8)
    }
    fn write8(&self, offset: usize, value: u8) {
        self.do_write(offset, 1, value.into())
    }
    fn write16(&self, offset: usize, value: u16) {
        self.do_write(offset, 2, value.into())
    }
    fn write32(&self, offset: usize, value: u32) {
        self.do_write(offset, 4, value.into())
    }
    fn write64(&self, offset: usize, value: u64) {
        self.do_write(offset, 8, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_file_reads_back_scripted_then_written_values() {
        let io = FakeIo::registers();
        io.device().script(0x10, &[7, 8]);
        io.write32(0x10, 3);
        assert_eq!(io.read32(0x10), 7);
        assert_eq!(io.read32(0x10), 8);
        assert_eq!(io.read32(0x10), 3);
        assert_eq!(io.read8(0x20), 0);
        io.write64(0x20, 0x1122_3344_5566_7788);
        assert_eq!(io.read8(0x20), 0x88, "reads are masked to their width");
        assert_eq!(io.writes(), [(0x10, 3), (0x20, 0x1122_3344_5566_7788)]);
    }
}
