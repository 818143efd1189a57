#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod map;
pub mod secure_os;

pub use map::*;

/// Number of CPUs in our runs (`-smp 2`).
pub const NUM_CPUS: usize = 2;

/// Index of the primary (boot) CPU.
pub const PRIMARY_CPU: usize = 0;

/// MPIDR affinity bits (Aff3 at 39:32, Aff2..Aff0 at 23:0).
pub const MPIDR_AFFINITY_MASK: u64 = 0xff_00ff_ffff;

/// CPU index of the CPU with `mpidr`, if it is one of ours: on `virt` (with up to 8 CPUs per
/// cluster) Aff0 is the CPU index and Aff1–Aff3 are 0.
pub const fn cpu_index(mpidr: u64) -> Option<usize> {
    let affinity = mpidr & MPIDR_AFFINITY_MASK;
    if affinity < NUM_CPUS as u64 {
        Some(affinity as usize)
    } else {
        None
    }
}

/// Affinity part of the MPIDR of CPU `index` (the inverse of [`cpu_index`]).
pub const fn mpidr_of(index: usize) -> Option<u64> {
    if index < NUM_CPUS {
        Some(index as u64)
    } else {
        None
    }
}

/// Interrupt IDs (GIC INTIDs, not SPI numbers).
pub mod intid {
    /// Hypervisor physical timer PPI.
    pub const HYP_TIMER: u32 = 26;
    /// Virtual timer PPI.
    pub const VIRT_TIMER: u32 = 27;
    /// Secure physical timer PPI (OP-TEE `IT_SEC_PHY_TIMER`).
    pub const SECURE_PHYS_TIMER: u32 = 29;
    /// Non-secure physical timer PPI.
    pub const NS_PHYS_TIMER: u32 = 30;
    /// UART0 (normal-world console), SPI 1.
    pub const UART0: u32 = 33;
    /// Secure UART1, SPI 8 (OP-TEE `IT_UART1`; not given to the secure OS by the firmware).
    pub const SECURE_UART: u32 = 40;
    /// OP-TEE asynchronous notification interrupt (SPI 187), raised by the secure OS for the
    /// normal world.
    pub const ASYNC_NOTIF: u32 = 219;
    /// First SGI owned by the secure world.
    pub const SECURE_SGI_FIRST: u32 = 8;
    /// Last SGI owned by the secure world.
    pub const SECURE_SGI_LAST: u32 = 15;
    /// SPIs the firmware makes Secure Group 1 at boot (none on this platform).
    pub const SECURE_SPIS: &[u32] = &[];
    /// Bit mask of the SGIs/PPIs that are Secure Group 1 on every CPU: SGIs 8–15 and the
    /// secure physical timer.
    pub const SECURE_PRIVATE_MASK: u32 = 0xff00 | (1 << SECURE_PHYS_TIMER);
}

/// Secure GPIO (PL061) pin that powers the machine off.
pub const GPIO_POWEROFF_PIN: u8 = 0;
/// Secure GPIO (PL061) pin that resets the machine.
pub const GPIO_RESET_PIN: u8 = 1;

/// Bank width of the `virt` CFI flash, in bytes.
pub const FLASH_BANK_WIDTH: usize = 4;
/// Erase-sector size of the `virt` CFI flash.
pub const FLASH_SECTOR_SIZE: usize = 256 * 1024;

/// Reference clock of the PL011 UARTs on `virt` (24 MHz).
pub const UART_CLOCK_HZ: u32 = 24_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_numbering_round_trips() {
        assert_eq!(cpu_index(0x8000_0000), Some(0));
        assert_eq!(cpu_index(0x8000_0001), Some(1));
        assert_eq!(cpu_index(0x8000_0002), None);
        assert_eq!(cpu_index(0x8000_0100), None, "Aff1 set");
        for i in 0..NUM_CPUS {
            assert_eq!(mpidr_of(i).and_then(cpu_index), Some(i));
        }
        assert_eq!(mpidr_of(NUM_CPUS), None);
    }

    #[test]
    fn secure_private_mask_matches_named_intids() {
        let mut mask = 1 << intid::SECURE_PHYS_TIMER;
        for sgi in intid::SECURE_SGI_FIRST..=intid::SECURE_SGI_LAST {
            mask |= 1 << sgi;
        }
        assert_eq!(intid::SECURE_PRIVATE_MASK, mask);
        assert_eq!(mask & (1 << intid::NS_PHYS_TIMER), 0);
    }

    #[test]
    fn async_notif_is_an_spi() {
        assert!((32..1020).contains(&intid::ASYNC_NOTIF));
        assert_eq!(intid::ASYNC_NOTIF - 32, 187);
    }
}
