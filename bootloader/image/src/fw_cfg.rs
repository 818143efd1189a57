//! QEMU fw_cfg (MMIO at 0x0902_0000) read through its DMA interface.

use core::sync::atomic::{fence, Ordering};

const FW_CFG_BASE: usize = 0x0902_0000;
const REG_DATA: usize = 0x00;
const REG_SELECTOR: usize = 0x08;
const REG_DMA: usize = 0x10;
/// Normal RAM page used for the DMA descriptor (QEMU's DMA engine sees only
/// the non-secure address space). Free until Linux runs.
const DMA_DESC_ADDR: u64 = 0x4010_0000;

const DMA_CTL_ERROR: u32 = 1 << 0;
const DMA_CTL_READ: u32 = 1 << 1;
const DMA_CTL_SKIP: u32 = 1 << 2;
const DMA_CTL_SELECT: u32 = 1 << 3;

/// fw_cfg item keys.
pub struct Key;
impl Key {
    pub const SIGNATURE: u16 = 0x00;
    pub const ID: u16 = 0x01;
    pub const KERNEL_SIZE: u16 = 0x08;
    pub const INITRD_SIZE: u16 = 0x0b;
    pub const KERNEL_DATA: u16 = 0x11;
    pub const INITRD_DATA: u16 = 0x12;
    pub const CMDLINE_SIZE: u16 = 0x14;
    pub const CMDLINE_DATA: u16 = 0x15;
}

/// The fw_cfg device, once probed.
pub struct FwCfg(());

fn write_sel(key: u16) {
    // SAFETY: fw_cfg's selector register; the device is only used by EL3
    // during boot.
    unsafe { core::ptr::write_volatile((FW_CFG_BASE + REG_SELECTOR) as *mut u16, key.to_be()) };
}

fn read_data8() -> u8 {
    // SAFETY: fw_cfg's data register, byte access.
    unsafe { core::ptr::read_volatile((FW_CFG_BASE + REG_DATA) as *const u8) }
}

impl FwCfg {
    /// Checks the "QEMU" signature and the DMA feature bit.
    pub fn probe() -> Option<Self> {
        write_sel(Key::SIGNATURE);
        let sig = [read_data8(), read_data8(), read_data8(), read_data8()];
        if &sig != b"QEMU" {
            return None;
        }
        write_sel(Key::ID);
        let id = u32::from_le_bytes([read_data8(), read_data8(), read_data8(), read_data8()]);
        (id & 2 != 0).then_some(Self(()))
    }

    /// A little-endian u32 item (the size keys).
    pub fn read_u32(&mut self, key: u16) -> u32 {
        write_sel(key);
        u32::from_le_bytes([read_data8(), read_data8(), read_data8(), read_data8()])
    }

    /// The first `buf.len()` bytes of an item, through the data register.
    pub fn read_prefix(&mut self, key: u16, buf: &mut [u8]) {
        write_sel(key);
        for b in buf.iter_mut() {
            *b = read_data8();
        }
    }

    /// Copies `len` bytes of item `key` to physical address `dst` (normal RAM)
    /// by DMA. Returns false if the device reported an error.
    pub fn dma_read(&mut self, key: u16, dst: u64, len: u64) -> bool {
        let mut done = 0u64;
        let mut first = true;
        while done < len {
            let chunk = (len - done).min(0x4000_0000) as u32;
            let mut ctl = DMA_CTL_READ;
            if first {
                ctl |= DMA_CTL_SELECT | (u32::from(key) << 16);
                first = false;
            }
            if !self.dma(ctl, chunk, dst + done) {
                return false;
            }
            done += u64::from(chunk);
        }
        true
    }

    fn dma(&mut self, control: u32, len: u32, addr: u64) -> bool {
        let desc = DMA_DESC_ADDR as *mut u32;
        // SAFETY: DMA_DESC_ADDR is a normal-RAM page nothing else uses during
        // boot; the descriptor is big-endian as fw_cfg requires.
        unsafe {
            core::ptr::write_volatile(desc, control.to_be());
            core::ptr::write_volatile(desc.add(1), len.to_be());
            core::ptr::write_volatile(desc.add(2), ((addr >> 32) as u32).to_be());
            core::ptr::write_volatile(desc.add(3), (addr as u32).to_be());
        }
        fence(Ordering::SeqCst);
        crate::sysreg::dsb_sy();
        // SAFETY: writing the descriptor address (big-endian) starts the
        // transfer; QEMU performs it synchronously.
        unsafe {
            core::ptr::write_volatile((FW_CFG_BASE + REG_DMA) as *mut u64, DMA_DESC_ADDR.to_be())
        };
        loop {
            // SAFETY: reads back the control word QEMU updates on completion.
            let c = u32::from_be(unsafe { core::ptr::read_volatile(desc) });
            if c & DMA_CTL_ERROR != 0 {
                return false;
            }
            if c & !DMA_CTL_ERROR == 0 {
                return true;
            }
        }
    }
}

const _: u32 = DMA_CTL_SKIP;
