//! Normal-world boot: the kernel, initrd and command line QEMU hands over via
//! fw_cfg (`-kernel/-initrd/-append`), and the DT fix-ups Linux needs.

use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::platform::{DTB_BASE, DTB_MAX_SIZE};
use oxtee_drivers::fw_cfg::{
    KEY_CMDLINE_DATA, KEY_CMDLINE_SIZE, KEY_INITRD_DATA, KEY_INITRD_SIZE, KEY_KERNEL_DATA,
    KEY_KERNEL_SIZE,
};

/// Where the kernel Image goes: 2 MiB aligned and clear of the DTB growth
/// area and of OP-TEE's static SHM at 0x4200_0000..0x4220_0000.
const KERNEL_BASE: u64 = 0x4400_0000;
/// End of normal RAM we may load into (`-m 1024`).
const RAM_END: u64 = 0x8000_0000;
/// arm64 Image header magic "ARM\x64" at offset 56.
const ARM64_IMAGE_MAGIC: u32 = 0x644d_5241;

/// Why the normal world could not be started.
pub enum LinuxError {
    /// fw_cfg is missing or has no DMA interface.
    NoFwCfg,
    /// fw_cfg holds no kernel.
    NoKernel,
    /// The kernel is not an arm64 Image.
    BadImage,
    /// Kernel and initrd do not fit in RAM.
    TooBig,
    /// The DT could not be parsed or rewritten.
    Dt(oxtee_fdt::FdtError),
}

impl fmt::Display for LinuxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoFwCfg => write!(f, "no fw_cfg DMA interface"),
            Self::NoKernel => write!(f, "no kernel given (-kernel)"),
            Self::BadImage => write!(f, "kernel is not an arm64 Image"),
            Self::TooBig => write!(f, "kernel and initrd do not fit in RAM"),
            Self::Dt(e) => write!(f, "DT: {:?}", e),
        }
    }
}

impl From<oxtee_fdt::FdtError> for LinuxError {
    fn from(e: oxtee_fdt::FdtError) -> Self {
        Self::Dt(e)
    }
}

/// EL3's access to the DT QEMU left at the base of normal RAM
/// (`DTB_BASE..DTB_BASE + DTB_MAX_SIZE`). Only one exists (`take` succeeds
/// once), and it lends the bytes only for the length of a `&mut` borrow of
/// itself, so EL3 never holds two views of the region, nor one while the
/// secure OS (which may add its nodes) or Linux use it.
pub struct Dtb {
    _only_from_take: (),
}

static DTB_TAKEN: AtomicBool = AtomicBool::new(false);

impl Dtb {
    /// The DT, the first time only.
    pub fn take() -> Option<Self> {
        (!DTB_TAKEN.swap(true, Ordering::AcqRel)).then_some(Self {
            _only_from_take: (),
        })
    }

    fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: DTB_BASE..DTB_BASE+DTB_MAX_SIZE is normal RAM reserved for the DT: no kernel, initrd or other data is placed there. `self` is the only `Dtb` and the slice borrows it mutably, so no other reference to the region exists while the slice lives; lower ELs only run while no such borrow is live.
        unsafe { core::slice::from_raw_parts_mut(DTB_BASE as *mut u8, DTB_MAX_SIZE) }
    }
}

/// Applies `params` to the DT in place.
fn fixup(dtb: &mut Dtb, params: &oxtee_fdt::BootParams<'_>) -> Result<(), LinuxError> {
    let buf = dtb.bytes();
    let mut fdt = oxtee_fdt::Fdt::parse(buf)?;
    oxtee_fdt::fixup_for_boot(&mut fdt, params)?;
    fdt.write_into(buf)?;
    Ok(())
}

/// Adds `/psci` and the CPUs' enable methods (done before the secure OS
/// boots, as TF-A's BL2 does).
pub fn fixup_psci(dtb: &mut Dtb) -> Result<(), LinuxError> {
    fixup(dtb, &oxtee_fdt::BootParams::default())
}

/// Copies fw_cfg item `key` (`len` bytes) to normal RAM at `dst` by DMA.
fn load(
    fw: &oxtee_drivers::fw_cfg::FwCfg<oxtee_drivers::mmio::Mmio>,
    key: u16,
    dst: u64,
    len: u64,
) -> Result<(), LinuxError> {
    let len = usize::try_from(len).map_err(|_| LinuxError::TooBig)?;
    // SAFETY: `dst..dst+len` was checked to lie in normal RAM above the DT and static SHM areas; nothing else uses it before Linux starts.
    let buf = unsafe { core::slice::from_raw_parts_mut(dst as *mut u8, len) };
    fw.read_item_dma(key, buf).map_err(|_| LinuxError::NoFwCfg)
}

fn align_up(v: u64, a: u64) -> Option<u64> {
    v.checked_add(a - 1).map(|x| x & !(a - 1))
}

/// Loads kernel, initrd and command line, records them in the DT and returns
/// the kernel entry address.
pub fn load_kernel(dtb: &mut Dtb) -> Result<u64, LinuxError> {
    let fw = crate::fw_cfg::open().ok_or(LinuxError::NoFwCfg)?;
    let kernel_size = u64::from(fw.read_u32(KEY_KERNEL_SIZE));
    if kernel_size < 64 {
        return Err(LinuxError::NoKernel);
    }
    // Header first: text_offset and image_size decide the placement.
    let mut hdr = [0u8; 64];
    fw.read_item_pio(KEY_KERNEL_DATA, &mut hdr);
    let word = |o: usize| u64::from_le_bytes(hdr[o..o + 8].try_into().unwrap_or([0; 8]));
    let magic = u32::from_le_bytes(hdr[56..60].try_into().unwrap_or([0; 4]));
    if magic != ARM64_IMAGE_MAGIC {
        return Err(LinuxError::BadImage);
    }
    let (text_offset, image_size) = (word(8), word(16));
    let kernel = KERNEL_BASE
        .checked_add(text_offset)
        .ok_or(LinuxError::TooBig)?;
    let footprint = image_size.max(kernel_size);
    let kernel_end = kernel.checked_add(footprint).ok_or(LinuxError::TooBig)?;
    if kernel_end > RAM_END {
        return Err(LinuxError::TooBig);
    }
    load(&fw, KEY_KERNEL_DATA, kernel, kernel_size)?;

    let initrd_size = u64::from(fw.read_u32(KEY_INITRD_SIZE));
    let initrd = if initrd_size > 0 {
        let start = align_up(kernel_end, 0x20_0000).ok_or(LinuxError::TooBig)?;
        let end = start.checked_add(initrd_size).ok_or(LinuxError::TooBig)?;
        if end > RAM_END {
            return Err(LinuxError::TooBig);
        }
        load(&fw, KEY_INITRD_DATA, start, initrd_size)?;
        Some(oxtee_fdt::Initrd { start, end })
    } else {
        None
    };

    let mut cmdline = [0u8; 4096];
    let cmd_size = (fw.read_u32(KEY_CMDLINE_SIZE) as usize).min(cmdline.len());
    fw.read_item_pio(KEY_CMDLINE_DATA, &mut cmdline[..cmd_size]);
    let cmd_len = cmdline[..cmd_size]
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(cmd_size);
    let bootargs = core::str::from_utf8(&cmdline[..cmd_len])
        .ok()
        .filter(|s| !s.is_empty());

    crate::console::println!(
        "kernel {} bytes at {:#x}, initrd {} bytes at {:#x}",
        kernel_size,
        kernel,
        initrd_size,
        initrd.map_or(0, |i| i.start)
    );
    fixup(
        dtb,
        &oxtee_fdt::BootParams {
            bootargs,
            initrd,
            ..Default::default()
        },
    )?;
    Ok(kernel)
}
