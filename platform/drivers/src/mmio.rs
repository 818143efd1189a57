//! Volatile register access: the [`RegisterIo`] trait every driver is generic over, and [`Mmio`],
//! its implementation for a real memory-mapped device window.
//!
//! This module, [`crate::foreign`] and [`crate::sysreg`] are the only places in the crate allowed
//! to use `unsafe`.

use core::ptr;

/// Register-level access to one device window, by byte offset from the window's base.
///
/// Drivers take `impl RegisterIo` so that their register sequences can be unit tested against
/// `fake::FakeIo` (with `cfg(test)` or the `fakes` feature). All methods take `&self`: a
/// device register is shared state by nature, exactly like a `Cell`.
pub trait RegisterIo {
    /// Reads an 8-bit register.
    fn read8(&self, offset: usize) -> u8;
    /// Reads a 16-bit register.
    fn read16(&self, offset: usize) -> u16;
    /// Reads a 32-bit register.
    fn read32(&self, offset: usize) -> u32;
    /// Reads a 64-bit register.
    fn read64(&self, offset: usize) -> u64;
    /// Writes an 8-bit register.
    fn write8(&self, offset: usize, value: u8);
    /// Writes a 16-bit register.
    fn write16(&self, offset: usize, value: u16);
    /// Writes a 32-bit register.
    fn write32(&self, offset: usize, value: u32);
    /// Writes a 64-bit register.
    fn write64(&self, offset: usize, value: u64);
}

impl<T: RegisterIo + ?Sized> RegisterIo for &T {
    fn read8(&self, offset: usize) -> u8 {
        (**self).read8(offset)
    }
    fn read16(&self, offset: usize) -> u16 {
        (**self).read16(offset)
    }
    fn read32(&self, offset: usize) -> u32 {
        (**self).read32(offset)
    }
    fn read64(&self, offset: usize) -> u64 {
        (**self).read64(offset)
    }
    fn write8(&self, offset: usize, value: u8) {
        (**self).write8(offset, value)
    }
    fn write16(&self, offset: usize, value: u16) {
        (**self).write16(offset, value)
    }
    fn write32(&self, offset: usize, value: u32) {
        (**self).write32(offset, value)
    }
    fn write64(&self, offset: usize, value: u64) {
        (**self).write64(offset, value)
    }
}

/// A handle on a memory-mapped device window `[base, base + size)`.
///
/// Every access is volatile, naturally aligned and bounds-checked against `size`; an access
/// outside the window or misaligned is a driver bug and panics (it never reaches the bus).
#[derive(Debug)]
pub struct Mmio {
    base: usize,
    size: usize,
}

impl Mmio {
    /// Creates a handle on the device window at `base` (a virtual address) of `size` bytes.
    ///
    /// # Safety
    ///
    /// 1. `[base, base + size)` must be mapped (or, with the MMU off, be physical addresses) for
    ///    reads and writes for the whole lifetime of the handle and of every handle derived
    ///    from it with [`Mmio::window`], and must not wrap around the address space.
    /// 2. The range must be device memory (or memory the program never accesses through Rust
    ///    references): volatile accesses through this handle must not alias Rust objects.
    /// 3. Accessing registers inside the window must have no effect on memory safety (true for
    ///    ordinary devices). If the window holds registers that start DMA (fw_cfg's DMA
    ///    address register), the handle must only be given to the driver for that device
    ///    (`fw_cfg::FwCfg`), which programs them only under the [`IdentityMapped`] contract.
    pub const unsafe fn new(base: usize, size: usize) -> Self {
        Self { base, size }
    }

    /// Base address of the window.
    pub const fn base(&self) -> usize {
        self.base
    }

    /// Size of the window in bytes.
    pub const fn size(&self) -> usize {
        self.size
    }

    /// A handle on the sub-window `[offset, offset + size)` of this window, or `None` if it
    /// does not fit.
    pub fn window(&self, offset: usize, size: usize) -> Option<Mmio> {
        let end = offset.checked_add(size)?;
        if end > self.size {
            return None;
        }
        Some(Mmio {
            base: self.base.checked_add(offset)?,
            size,
        })
    }

    /// Checks bounds and alignment of an access of `width` bytes and returns its address.
    fn addr(&self, offset: usize, width: usize) -> usize {
        let in_bounds = offset
            .checked_add(width)
            .is_some_and(|end| end <= self.size);
        assert!(
            in_bounds && offset % width == 0,
            "mmio access out of window or misaligned"
        );
        self.base + offset
    }
}

macro_rules! mmio_access {
    ($read:ident, $write:ident, $ty:ty) => {
        fn $read(&self, offset: usize) -> $ty {
            let addr = self.addr(offset, core::mem::size_of::<$ty>());
            // SAFETY: `addr` is naturally aligned and inside the window, which the contract of `Mmio::new` guarantees to be valid device memory for volatile reads.
            unsafe { ptr::read_volatile(addr as *const $ty) }
        }
        fn $write(&self, offset: usize, value: $ty) {
            let addr = self.addr(offset, core::mem::size_of::<$ty>());
            // SAFETY: `addr` is naturally aligned and inside the window, which the contract of `Mmio::new` guarantees to be valid device memory for volatile writes that cannot affect memory safety.
            unsafe { ptr::write_volatile(addr as *mut $ty, value) }
        }
    };
}

impl RegisterIo for Mmio {
    mmio_access!(read8, write8, u8);
    mmio_access!(read16, write16, u16);
    mmio_access!(read32, write32, u32);
    mmio_access!(read64, write64, u64);
}

/// Capability: memory handed to a DMA-capable device is identity-mapped.
///
/// A driver that gives a device the address of a Rust buffer (fw_cfg DMA) writes the buffer's
/// *virtual* address into a device register; the device then writes to that *physical*
/// address. That is only sound if the two are equal. Holding this token is the proof.
#[derive(Debug, Clone, Copy)]
pub struct IdentityMapped(());

impl IdentityMapped {
    /// Asserts that DMA addresses equal virtual addresses.
    ///
    /// # Safety
    ///
    /// For the whole program run, every byte of memory that Rust code can reference (stack,
    /// statics, buffers passed to drivers) must have virtual address == physical address, as
    /// with the MMU off or a flat identity map at EL3.
    pub const unsafe fn assume() -> Self {
        Self(())
    }

    /// A token for host tests, where no device ever performs DMA.
    #[cfg(test)]
    pub(crate) const fn for_host_tests() -> Self {
        Self(())
    }
}

/// Volatile read of 4 bytes of ordinary memory that a device may write behind the compiler's
/// back (a DMA descriptor's status word).
pub fn read_volatile_bytes4(src: &[u8; 4]) -> [u8; 4] {
    // SAFETY: `src` is a valid, aligned (alignment 1) reference for reads of `[u8; 4]`.
    unsafe { ptr::read_volatile(src) }
}

/// Volatile write of 16 bytes of ordinary memory that a device will read (a DMA descriptor).
pub fn write_volatile_bytes16(dst: &mut [u8; 16], value: [u8; 16]) {
    // SAFETY: `dst` is a valid, aligned (alignment 1), exclusive reference for writes.
    unsafe { ptr::write_volatile(dst, value) }
}
