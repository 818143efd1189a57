//! The normal world's RAM as the core reaches it: by physical address
//! (identity mapped, non-secure), only inside the RAM the DT gave, and
//! only with volatile copies (`oxtee_drivers::foreign`), since the normal
//! world may write it at any time and a plain copy would be a data race.

use core::ops::Range;

use oxtee_shm::MemError;
#[cfg(target_os = "none")]
use oxtee_shm::PhysMem;

/// Normal-world RAM accessed by physical address; only ranges inside `ram`
/// are touched. Cloning keeps the checked range.
#[derive(Clone)]
pub struct NsMemory {
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    ram: Range<u64>,
}

impl NsMemory {
    /// Access to `ram` only. The range comes from the DT, so it is trusted
    /// no further than the board allows: it must start in the board's
    /// normal-world RAM and overlap no other window of the memory map
    /// (secure RAM, flash, devices); otherwise nothing is accessible.
    pub fn new(ram: Range<u64>) -> Self {
        Self {
            ram: if plausible_ram(&ram) { ram } else { 0..0 },
        }
    }

    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    fn check(&self, pa: u64, len: usize) -> Result<(), MemError> {
        let end = pa.checked_add(len as u64).ok_or(MemError::OutOfRange)?;
        if pa < self.ram.start || end > self.ram.end {
            return Err(MemError::OutOfRange);
        }
        Ok(())
    }
}

/// `ram` starts in the board's normal-world RAM and overlaps nothing else
/// of its memory map.
fn plausible_ram(ram: &Range<u64>) -> bool {
    let board = oxtee_qemu_virt::NS_RAM;
    let starts_in_ram = ram.start >= board.base as u64 && ram.start < board.end() as u64;
    starts_in_ram
        && ram.start < ram.end
        && oxtee_qemu_virt::MEMORY_MAP
            .iter()
            .filter(|r| r.name != board.name)
            .all(|r| ram.end <= r.base as u64 || ram.start >= r.end() as u64)
}

#[cfg(target_os = "none")]
impl PhysMem for NsMemory {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        self.check(pa, buf.len())?;
        // SAFETY: [pa, pa+len) is normal-world RAM (checked above), mapped flat, holding no Rust object; it is read with volatile loads into our own buffer. The normal world may change it concurrently: every caller copies once and then validates the copy.
        unsafe { oxtee_drivers::foreign::copy_from(pa as *const u8, buf) };
        Ok(())
    }

    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
        self.check(pa, data.len())?;
        // SAFETY: as for `read`, with volatile stores; normal-world RAM holds no secure data.
        unsafe { oxtee_drivers::foreign::copy_to(pa as *mut u8, data) };
        Ok(())
    }
}

/// The DT blob EL3 handed over at `dtb`, as a buffer the core may parse
/// and rewrite in place: checked before any of its memory is read to be
/// aligned, inside the normal world's RAM (never secure RAM), with a header
/// whose total size fits the room there (at most `max` bytes). Handed out
/// once (cold boot, before Linux runs and before any other CPU starts);
/// later calls fail.
#[cfg(target_os = "none")]
pub fn take_boot_dt(dtb: u64, max: usize) -> Result<&'static mut [u8], oxtee_fdt::FdtError> {
    use core::sync::atomic::{AtomicBool, Ordering};
    static TAKEN: AtomicBool = AtomicBool::new(false);
    let ns = oxtee_qemu_virt::NS_RAM;
    let room = oxtee_fdt::blob_room(dtb, &(ns.base as u64..ns.end() as u64), max)?;
    let mut header = [0u8; oxtee_fdt::HEADER_SIZE];
    // SAFETY: `blob_room` checked that the header lies, aligned, in normal-world RAM, mapped flat during cold boot; no Rust object lives there.
    unsafe { oxtee_drivers::foreign::copy_from(dtb as *const u8, &mut header) };
    oxtee_fdt::blob_total_size(&header, room)?;
    if TAKEN.swap(true, Ordering::AcqRel) {
        return Err(oxtee_fdt::FdtError::BadAddress);
    }
    // SAFETY: [dtb, dtb + room) is normal-world RAM (checked above) that EL3 reserves for the DT; it is handed out once (TAKEN), during cold boot: no other CPU runs and Linux has not started, so nothing else accesses it while the core holds it.
    Ok(unsafe { core::slice::from_raw_parts_mut(dtb as *mut u8, room) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: Range<u64> = 0x4000_0000..0x8000_0000;

    #[test]
    fn only_ranges_inside_ram_pass() {
        let m = NsMemory::new(RAM);
        assert!(m.check(RAM.start, 16).is_ok());
        assert!(m.check(RAM.end - 16, 16).is_ok());
        assert_eq!(m.check(RAM.end - 15, 16), Err(MemError::OutOfRange));
        assert_eq!(m.check(RAM.start - 1, 1), Err(MemError::OutOfRange));
        assert_eq!(m.check(u64::MAX, 2), Err(MemError::OutOfRange));
        let secure = oxtee_qemu_virt::SECURE_RAM.base as u64;
        assert_eq!(m.check(secure, 1), Err(MemError::OutOfRange));
    }

    #[test]
    #[allow(clippy::reversed_empty_ranges)] // a reversed range is one of the hostile claims
    fn ram_the_dt_claims_over_secure_ram_or_devices_gives_no_access() {
        let secure = oxtee_qemu_virt::SECURE_RAM;
        for claimed in [
            secure.base as u64..secure.end() as u64,
            0..RAM.end,
            RAM.start..RAM.start,
            RAM.end..RAM.start,
        ] {
            let m = NsMemory::new(claimed.clone());
            assert_eq!(m.check(secure.base as u64, 1), Err(MemError::OutOfRange));
            assert_eq!(
                m.check(RAM.start, 1),
                Err(MemError::OutOfRange),
                "{claimed:x?}"
            );
        }
        // More RAM than the board's default size is fine (the DT knows best).
        let big = NsMemory::new(RAM.start..RAM.start + (4 << 30));
        assert!(big.check(RAM.start + (3 << 30), 16).is_ok());
    }
}
