//! QEMU fw_cfg through `oxtee-drivers`, with DMA into normal RAM.

use oxtee_drivers::fw_cfg::FwCfg;
use oxtee_drivers::mmio::{IdentityMapped, Mmio};
use oxtee_qemu_virt::FW_CFG;

/// The fw_cfg device with DMA on (EL3 runs with the MMU off: addresses are
/// physical).
pub fn open() -> Option<FwCfg<Mmio>> {
    // SAFETY: the fw_cfg MMIO registers of QEMU virt, used only by EL3 at boot.
    let io = unsafe { Mmio::new(FW_CFG.base, FW_CFG.size) };
    // SAFETY: EL3's MMU is off, so virtual addresses are physical ones.
    let fw = FwCfg::new(io).with_dma(unsafe { IdentityMapped::assume() });
    fw.check_signature().ok()?;
    fw.dma_enabled().then_some(fw)
}
