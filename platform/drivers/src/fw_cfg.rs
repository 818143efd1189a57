//! QEMU firmware configuration device (`fw_cfg`), MMIO flavour as on `virt`.
//!
//! Registers: data at +0 (a byte stream; 8 bits per read here), selector at +8 (16-bit,
//! big-endian), DMA address at +16 (64-bit, big-endian; writing it starts a transfer).
//!
//! # DMA
//!
//! Bulk reads (the kernel is ~37 MiB) use DMA. The 16-byte descriptor is placed in the last 16
//! bytes of the destination buffer itself; the device reads it, transfers `len - 16` bytes to
//! the start of the buffer (never touching the descriptor) and writes the status back into
//! it. The final 16 bytes are then read through the data register, which continues at the
//! same item offset. The caller therefore needs no separate DMA-visible scratch memory — but:
//!
//! * the whole destination must be memory the device can reach. On `virt`, fw_cfg DMA goes
//!   through the **non-secure** address space: secure RAM (0x0e00_0000..) and the secure flash
//!   are invisible to it. The device cannot even write the status back, so
//!   [`FwCfg::read_item_dma`] reports [`FwCfgError::DmaTimeout`] (after [`DMA_POLL_LIMIT`]
//!   polls) and [`FwCfg::read_item`] falls back to the slow data register. Use normal RAM;
//! * virtual must equal physical addresses ([`IdentityMapped`], given to [`FwCfg::with_dma`]).

use zerocopy::byteorder::big_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, KnownLayout};

use crate::mmio::{self, IdentityMapped, RegisterIo};
use crate::sysreg;

/// Data register offset.
pub const REG_DATA: usize = 0x00;
/// Selector register offset (16-bit big-endian).
pub const REG_SELECTOR: usize = 0x08;
/// DMA address register offset (64-bit big-endian).
pub const REG_DMA: usize = 0x10;

/// Key: signature, reads "QEMU".
pub const KEY_SIGNATURE: u16 = 0x0000;
/// Key: feature bitmap (little-endian u32).
pub const KEY_ID: u16 = 0x0001;
/// Key: kernel size (little-endian u32).
pub const KEY_KERNEL_SIZE: u16 = 0x0008;
/// Key: initrd size (little-endian u32).
pub const KEY_INITRD_SIZE: u16 = 0x000b;
/// Key: kernel image.
pub const KEY_KERNEL_DATA: u16 = 0x0011;
/// Key: initrd image.
pub const KEY_INITRD_DATA: u16 = 0x0012;
/// Key: command line size (little-endian u32, includes the NUL).
pub const KEY_CMDLINE_SIZE: u16 = 0x0014;
/// Key: command line (NUL-terminated).
pub const KEY_CMDLINE_DATA: u16 = 0x0015;
/// Key: file directory.
pub const KEY_FILE_DIR: u16 = 0x0019;

/// `KEY_ID` bit: traditional interface (always set).
pub const FEATURE_TRADITIONAL: u32 = 1 << 0;
/// `KEY_ID` bit: DMA interface present.
pub const FEATURE_DMA: u32 = 1 << 1;

/// DMA control bit: error.
pub const DMA_CTL_ERROR: u32 = 0x01;
/// DMA control bit: read from the item.
pub const DMA_CTL_READ: u32 = 0x02;
/// DMA control bit: skip bytes.
pub const DMA_CTL_SKIP: u32 = 0x04;
/// DMA control bit: select the key in bits 31:16 first.
pub const DMA_CTL_SELECT: u32 = 0x08;
/// DMA control bit: write to the item.
pub const DMA_CTL_WRITE: u32 = 0x10;

/// The signature expected at [`KEY_SIGNATURE`].
pub const SIGNATURE: [u8; 4] = *b"QEMU";
/// Number of status polls before a DMA transfer is declared stuck. QEMU performs the
/// transfer synchronously inside the register write, so the first poll normally sees the end.
pub const DMA_POLL_LIMIT: u32 = 100_000;

/// How [`FwCfg::read_item`] moved the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMethod {
    /// By DMA.
    Dma,
    /// Through the data register, one byte per access.
    DataRegister,
}

/// Size of a DMA descriptor.
pub const DMA_DESCRIPTOR_SIZE: usize = 16;
/// Size of one file-directory entry.
pub const FILE_ENTRY_SIZE: usize = 64;
/// Length of a file-directory name field.
pub const FILE_NAME_LEN: usize = 56;

/// Errors from the fw_cfg driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FwCfgError {
    /// The signature item did not read "QEMU".
    BadSignature([u8; 4]),
    /// The device reported a DMA error (e.g. the buffer is not reachable by the device).
    DmaFailed,
    /// The DMA status did not change within [`DMA_POLL_LIMIT`] polls. QEMU completes a
    /// transfer before the register write returns, so this means the device could not even
    /// write the status back: the buffer is not reachable by it (e.g. secure RAM on `virt`).
    DmaTimeout,
    /// DMA is not enabled, or the buffer is too short for the DMA path.
    DmaUnavailable,
    /// The transfer is longer than a DMA descriptor can express (4 GiB).
    TooLong,
}

/// One entry of the file directory ([`KEY_FILE_DIR`]), as stored (big-endian).
#[derive(Debug, Clone, Copy, FromBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct FileEntry {
    /// Item size in bytes.
    pub size: U32,
    /// Selector key of the item.
    pub select: U16,
    /// Reserved.
    pub reserved: U16,
    /// NUL-padded name.
    pub name: [u8; FILE_NAME_LEN],
}

const _: () = assert!(core::mem::size_of::<FileEntry>() == FILE_ENTRY_SIZE);

impl FileEntry {
    /// The name up to its first NUL.
    pub fn name(&self) -> &[u8] {
        let end = self
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(FILE_NAME_LEN);
        &self.name[..end]
    }
}

/// Encodes a DMA descriptor: control, length, address, each big-endian.
pub fn encode_dma_descriptor(control: u32, length: u32, address: u64) -> [u8; 16] {
    let mut d = [0u8; 16];
    d[0..4].copy_from_slice(&control.to_be_bytes());
    d[4..8].copy_from_slice(&length.to_be_bytes());
    d[8..16].copy_from_slice(&address.to_be_bytes());
    d
}

/// State of a DMA transfer, from its descriptor's control word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmaStatus {
    /// Still running.
    Busy,
    /// Completed successfully.
    Done,
    /// Completed with an error.
    Failed,
}

/// Interprets a control word written back by the device.
pub fn dma_status(control: u32) -> DmaStatus {
    if control & DMA_CTL_ERROR != 0 {
        DmaStatus::Failed
    } else if control == 0 {
        DmaStatus::Done
    } else {
        DmaStatus::Busy
    }
}

/// The fw_cfg device.
#[derive(Debug)]
pub struct FwCfg<Io> {
    io: Io,
    dma: Option<IdentityMapped>,
}

impl<Io: RegisterIo> FwCfg<Io> {
    /// Wraps the device whose registers `io` accesses, without DMA. Does not touch hardware.
    pub const fn new(io: Io) -> Self {
        Self { io, dma: None }
    }

    /// Allows DMA for bulk reads if the device advertises it ([`FEATURE_DMA`]).
    pub fn with_dma(mut self, identity: IdentityMapped) -> Self {
        if self.features() & FEATURE_DMA != 0 {
            self.dma = Some(identity);
        }
        self
    }

    /// Whether bulk reads will use DMA.
    pub fn dma_enabled(&self) -> bool {
        self.dma.is_some()
    }

    /// Selects `key` and rewinds its read offset to 0.
    pub fn select(&self, key: u16) {
        self.io.write16(REG_SELECTOR, key.to_be());
    }

    /// Reads the next bytes of the selected item through the data register.
    pub fn read_data(&self, dst: &mut [u8]) {
        for byte in dst {
            *byte = self.io.read8(REG_DATA);
        }
    }

    /// Checks the signature item reads "QEMU".
    pub fn check_signature(&self) -> Result<(), FwCfgError> {
        let mut sig = [0u8; 4];
        self.select(KEY_SIGNATURE);
        self.read_data(&mut sig);
        if sig == SIGNATURE {
            Ok(())
        } else {
            Err(FwCfgError::BadSignature(sig))
        }
    }

    /// The feature bitmap ([`FEATURE_TRADITIONAL`], [`FEATURE_DMA`]).
    pub fn features(&self) -> u32 {
        self.read_u32(KEY_ID)
    }

    /// Reads a little-endian u32 item (the `*_SIZE` keys, [`KEY_ID`]).
    pub fn read_u32(&self, key: u16) -> u32 {
        let mut bytes = [0u8; 4];
        self.select(key);
        self.read_data(&mut bytes);
        u32::from_le_bytes(bytes)
    }

    /// Reads the first `dst.len()` bytes of item `key` into `dst` (bytes past the item's end
    /// read as 0) and says how.
    ///
    /// Uses DMA when enabled and `dst` is longer than a descriptor. If the device cannot
    /// reach `dst` (on `virt`: anything outside non-secure memory, e.g. a stack in secure
    /// RAM) the DMA attempt fails and the read is redone through the data register, which
    /// always works but is slow (one MMIO exit per byte): keep bulk buffers in normal RAM.
    pub fn read_item(&self, key: u16, dst: &mut [u8]) -> ReadMethod {
        if self.read_item_dma(key, dst).is_ok() {
            return ReadMethod::Dma;
        }
        self.read_item_pio(key, dst);
        ReadMethod::DataRegister
    }

    /// Reads the first `dst.len()` bytes of item `key` through the data register only.
    pub fn read_item_pio(&self, key: u16, dst: &mut [u8]) {
        self.select(key);
        self.read_data(dst);
    }

    /// Reads the first `dst.len()` bytes of item `key` by DMA only (no fallback).
    ///
    /// Fails with [`FwCfgError::DmaUnavailable`] without DMA (not advertised, or no
    /// [`IdentityMapped`] token) or if `dst` is not longer than [`DMA_DESCRIPTOR_SIZE`], and
    /// with [`FwCfgError::DmaFailed`] / [`FwCfgError::DmaTimeout`] if the device cannot reach
    /// `dst`. On failure the contents of `dst` are unspecified.
    pub fn read_item_dma(&self, key: u16, dst: &mut [u8]) -> Result<(), FwCfgError> {
        if self.dma.is_none() || dst.len() <= DMA_DESCRIPTOR_SIZE {
            return Err(FwCfgError::DmaUnavailable);
        }
        self.dma_transfer(key, dst)
    }

    /// DMA transfer into `dst`; `dst.len() > DMA_DESCRIPTOR_SIZE`, DMA enabled.
    fn dma_transfer(&self, key: u16, dst: &mut [u8]) -> Result<(), FwCfgError> {
        let dma_len = dst.len() - DMA_DESCRIPTOR_SIZE;
        let length = u32::try_from(dma_len).map_err(|_| FwCfgError::TooLong)?;
        let (body, tail) = dst.split_at_mut(dma_len);
        let desc: &mut [u8; DMA_DESCRIPTOR_SIZE] =
            tail.try_into().map_err(|_| FwCfgError::TooLong)?;
        let control = (u32::from(key) << 16) | DMA_CTL_SELECT | DMA_CTL_READ;
        // Identity mapping (the `IdentityMapped` token) makes these the physical addresses.
        let body_addr = body.as_mut_ptr() as u64;
        let desc_addr = desc.as_mut_ptr() as u64;
        mmio::write_volatile_bytes16(desc, encode_dma_descriptor(control, length, body_addr));
        sysreg::dsb_sy();
        self.io.write64(REG_DMA, desc_addr.to_be());
        let mut status = DmaStatus::Busy;
        for _ in 0..DMA_POLL_LIMIT {
            let head: &[u8; 4] = desc[..4].try_into().map_err(|_| FwCfgError::TooLong)?;
            status = dma_status(u32::from_be_bytes(mmio::read_volatile_bytes4(head)));
            if status != DmaStatus::Busy {
                break;
            }
        }
        sysreg::dsb_sy();
        match status {
            DmaStatus::Done => {
                // The item offset is now `dma_len`; the data register continues from there.
                self.read_data(desc);
                Ok(())
            }
            DmaStatus::Failed => Err(FwCfgError::DmaFailed),
            DmaStatus::Busy => Err(FwCfgError::DmaTimeout),
        }
    }

    /// Looks `name` up in the file directory; returns its `(key, size)`.
    pub fn find_file(&self, name: &str) -> Option<(u16, u32)> {
        let mut count = [0u8; 4];
        self.select(KEY_FILE_DIR);
        self.read_data(&mut count);
        let count = u32::from_be_bytes(count);
        let mut raw = [0u8; FILE_ENTRY_SIZE];
        for _ in 0..count {
            self.read_data(&mut raw);
            let entry = FileEntry::read_from_bytes(&raw).ok()?;
            if entry.name() == name.as_bytes() {
                return Some((entry.select.get(), entry.size.get()));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{FakeDevice, FakeIo};
    use std::collections::HashMap;

    /// A model of the fw_cfg data/selector interface; DMA requests are recorded only (the
    /// fake cannot write into the test's memory).
    #[derive(Default)]
    struct Model {
        items: HashMap<u16, Vec<u8>>,
        selected: u16,
        offset: usize,
        dma_writes: Vec<u64>,
    }

    impl FakeDevice for Model {
        fn read(&mut self, offset: usize, width: u8) -> u64 {
            assert_eq!((offset, width), (REG_DATA, 1), "only byte data reads");
            let byte = self
                .items
                .get(&self.selected)
                .and_then(|item| item.get(self.offset).copied())
                .unwrap_or(0);
            self.offset += 1;
            byte.into()
        }

        fn write(&mut self, offset: usize, width: u8, value: u64) {
            match (offset, width) {
                (REG_SELECTOR, 2) => {
                    self.selected = u16::from_be(value as u16);
                    self.offset = 0;
                }
                (REG_DMA, 8) => self.dma_writes.push(u64::from_be(value)),
                other => panic!("unexpected write {other:?}"),
            }
        }
    }

    fn device(dma: bool) -> FakeIo<Model> {
        let mut model = Model::default();
        model.items.insert(KEY_SIGNATURE, b"QEMU".to_vec());
        let features = FEATURE_TRADITIONAL | if dma { FEATURE_DMA } else { 0 };
        model.items.insert(KEY_ID, features.to_le_bytes().to_vec());
        model
            .items
            .insert(KEY_KERNEL_SIZE, 0x0250_1234u32.to_le_bytes().to_vec());
        model
            .items
            .insert(KEY_CMDLINE_DATA, b"console=ttyAMA0\0".to_vec());
        let mut dir = 2u32.to_be_bytes().to_vec();
        for (name, key, size) in [("etc/a", 0x20u16, 5u32), ("opt/oxtee/x", 0x21, 0x1234)] {
            dir.extend_from_slice(&size.to_be_bytes());
            dir.extend_from_slice(&key.to_be_bytes());
            dir.extend_from_slice(&[0, 0]);
            let mut n = [0u8; FILE_NAME_LEN];
            n[..name.len()].copy_from_slice(name.as_bytes());
            dir.extend_from_slice(&n);
        }
        model.items.insert(KEY_FILE_DIR, dir);
        FakeIo::new(model)
    }

    #[test]
    fn signature_and_selector_is_big_endian() {
        let io = device(false);
        FwCfg::new(&io).check_signature().unwrap();
        assert_eq!(io.writes_at(REG_SELECTOR), [u64::from(0u16.to_be())]);
        io.device().items.insert(KEY_SIGNATURE, b"QEMX".to_vec());
        assert_eq!(
            FwCfg::new(&io).check_signature(),
            Err(FwCfgError::BadSignature(*b"QEMX"))
        );
    }

    #[test]
    fn read_u32_is_little_endian_and_selects_key() {
        let io = device(false);
        assert_eq!(FwCfg::new(&io).read_u32(KEY_KERNEL_SIZE), 0x0250_1234);
        assert_eq!(
            io.writes_at(REG_SELECTOR),
            [u64::from(KEY_KERNEL_SIZE.to_be())]
        );
    }

    #[test]
    fn read_item_without_dma_uses_data_register_and_zero_fills() {
        let io = device(false);
        let fw = FwCfg::new(&io).with_dma(IdentityMapped::for_host_tests());
        assert!(!fw.dma_enabled(), "device without FEATURE_DMA");
        let mut buf = [0xaa_u8; 20];
        assert_eq!(
            fw.read_item(KEY_CMDLINE_DATA, &mut buf),
            ReadMethod::DataRegister
        );
        assert_eq!(
            fw.read_item_dma(KEY_CMDLINE_DATA, &mut buf),
            Err(FwCfgError::DmaUnavailable)
        );
        assert_eq!(&buf[..16], b"console=ttyAMA0\0");
        assert_eq!(&buf[16..], [0, 0, 0, 0]);
        assert!(io.device().dma_writes.is_empty());
    }

    #[test]
    fn dma_descriptor_sits_in_buffer_tail_and_points_at_head() {
        let io = device(true);
        let fw = FwCfg::new(&io).with_dma(IdentityMapped::for_host_tests());
        assert!(fw.dma_enabled());
        let mut buf = vec![0u8; 100];
        // Nobody completes the transfer on the host: expect a timeout, then inspect what the
        // device would have been given.
        assert_eq!(
            fw.read_item_dma(KEY_KERNEL_DATA, &mut buf),
            Err(FwCfgError::DmaTimeout)
        );
        let desc_addr = buf.as_ptr() as u64 + 84;
        assert_eq!(io.device().dma_writes, [desc_addr]);
        let control = u32::from_be_bytes(buf[84..88].try_into().unwrap());
        assert_eq!(control, 0x0011_0000 | DMA_CTL_SELECT | DMA_CTL_READ);
        assert_eq!(u32::from_be_bytes(buf[88..92].try_into().unwrap()), 84);
        assert_eq!(
            u64::from_be_bytes(buf[92..100].try_into().unwrap()),
            buf.as_ptr() as u64
        );
    }

    #[test]
    fn small_reads_never_use_dma() {
        let io = device(true);
        let fw = FwCfg::new(&io).with_dma(IdentityMapped::for_host_tests());
        let mut buf = [0u8; 16];
        assert_eq!(
            fw.read_item(KEY_CMDLINE_DATA, &mut buf),
            ReadMethod::DataRegister
        );
        assert_eq!(&buf, b"console=ttyAMA0\0");
        assert!(io.device().dma_writes.is_empty());
        assert_eq!(
            fw.read_item_dma(KEY_CMDLINE_DATA, &mut buf),
            Err(FwCfgError::DmaUnavailable)
        );
    }

    #[test]
    fn unreachable_dma_falls_back_to_data_register() {
        let io = device(true);
        io.device()
            .items
            .insert(KEY_INITRD_DATA, (0..=200u8).collect());
        let fw = FwCfg::new(&io).with_dma(IdentityMapped::for_host_tests());
        let mut buf = vec![0u8; 150];
        assert_eq!(
            fw.read_item(KEY_INITRD_DATA, &mut buf),
            ReadMethod::DataRegister
        );
        assert_eq!(io.device().dma_writes.len(), 1, "DMA was tried first");
        assert_eq!(buf, (0..150u8).collect::<Vec<_>>());
    }

    #[test]
    fn dma_status_decoding() {
        assert_eq!(dma_status(0), DmaStatus::Done);
        assert_eq!(dma_status(DMA_CTL_READ), DmaStatus::Busy);
        assert_eq!(dma_status(DMA_CTL_ERROR | DMA_CTL_READ), DmaStatus::Failed);
        assert_eq!(
            encode_dma_descriptor(0x0102_0304, 5, 0x1122_3344_5566_7788),
            [1, 2, 3, 4, 0, 0, 0, 5, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        );
    }

    #[test]
    fn find_file_walks_directory() {
        let io = device(false);
        let fw = FwCfg::new(&io);
        assert_eq!(fw.find_file("opt/oxtee/x"), Some((0x21, 0x1234)));
        assert_eq!(fw.find_file("etc/a"), Some((0x20, 5)));
        assert_eq!(fw.find_file("etc"), None);
    }
}
