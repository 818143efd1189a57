//! Handles on the device windows the core's tables map as device memory.

use oxtee_drivers::mmio::Mmio;
use oxtee_qemu_virt::secure_os::{CORE_DEVICE_WINDOWS, ROLLBACK_ANCHOR_FLASH};
use oxtee_qemu_virt::Region;

/// Every window `mmu::build_tables` maps as device memory (and nothing
/// else is device memory to the core).
pub const MAPPED: [Region; 3] = [
    CORE_DEVICE_WINDOWS[0],
    CORE_DEVICE_WINDOWS[1],
    ROLLBACK_ANCHOR_FLASH,
];

/// An MMIO handle on `[base, base + size)` if that range lies inside one
/// window the core maps as device memory; `None` otherwise. A `const fn`,
/// so statics (the console's UART) can be built from it at compile time.
pub const fn device(base: usize, size: usize) -> Option<Mmio> {
    let Some(end) = base.checked_add(size) else {
        return None;
    };
    let mut i = 0;
    while i < MAPPED.len() {
        let w = MAPPED[i];
        if size > 0 && base >= w.base && end <= w.end() {
            // SAFETY: the range lies in a window the core's tables map as device memory for its whole run (identity: the same addresses work with the MMU off), which holds no Rust object; it does not wrap (checked above).
            return Some(unsafe { Mmio::new(base, size) });
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxtee_qemu_virt::secure_os::FLASH_SECTOR_SIZE;
    use oxtee_qemu_virt::{GICD, GICR, NS_RAM, SECURE_RAM, SECURE_UART};

    #[test]
    fn mapped_devices_are_handed_out() {
        for r in [SECURE_UART, GICD, GICR] {
            let m = device(r.base, r.size).expect(r.name);
            assert_eq!((m.base(), m.size()), (r.base, r.size));
        }
        let second = ROLLBACK_ANCHOR_FLASH.base + FLASH_SECTOR_SIZE;
        assert!(device(second, FLASH_SECTOR_SIZE).is_some());
    }

    #[test]
    fn memory_and_straddling_ranges_are_refused() {
        assert!(device(SECURE_RAM.base, 4096).is_none());
        assert!(device(NS_RAM.base, 4096).is_none());
        let anchor = ROLLBACK_ANCHOR_FLASH;
        assert!(device(anchor.base, anchor.size + 1).is_none());
        assert!(device(anchor.base - 1, 2).is_none());
        assert!(device(usize::MAX - 1, 4).is_none());
        assert!(device(SECURE_UART.base, 0).is_none());
    }
}
