//! The physical memory map of `virt` (QEMU `hw/arm/virt.c` `base_memmap`, `secure=on`) and the
//! carve-outs oxtee uses inside its RAM.

/// Which physical address space a region lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Only in the secure physical address space (invisible to the normal world and to
    /// devices that DMA through the non-secure space, such as fw_cfg).
    Secure,
    /// In the non-secure physical address space (also reachable from the secure world).
    NonSecure,
}

/// What a region holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    /// Normal memory.
    Ram,
    /// Device registers (map as Device-nGnRnE/nGnRE).
    Device,
    /// CFI NOR flash (readable like memory; writable through commands).
    Flash,
}

/// One window of the physical address space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Short name, for logs and the DT.
    pub name: &'static str,
    /// First byte.
    pub base: usize,
    /// Size in bytes (never 0).
    pub size: usize,
    /// Address space.
    pub security: Security,
    /// Contents.
    pub kind: RegionKind,
}

const _: () = assert!(usize::BITS == 64, "physical addresses are held in usize");

impl Region {
    pub(crate) const fn new(
        name: &'static str,
        base: usize,
        size: usize,
        security: Security,
        kind: RegionKind,
    ) -> Self {
        Self {
            name,
            base,
            size,
            security,
            kind,
        }
    }

    /// One past the last byte (all regions here end far below `usize::MAX`).
    pub const fn end(&self) -> usize {
        self.base + self.size
    }

    /// Whether `addr` lies in the region.
    pub const fn contains(&self, addr: usize) -> bool {
        addr >= self.base && addr < self.end()
    }

    /// Whether `[base, base + size)` lies entirely in the region (false on overflow).
    pub const fn contains_range(&self, base: usize, size: usize) -> bool {
        match base.checked_add(size) {
            Some(end) => base >= self.base && end <= self.end(),
            None => false,
        }
    }

    /// Whether `other` lies entirely in the region.
    pub const fn contains_region(&self, other: &Region) -> bool {
        self.contains_range(other.base, other.size)
    }

    /// Whether the two regions share at least one byte.
    pub const fn overlaps(&self, other: &Region) -> bool {
        self.base < other.end() && other.base < self.end()
    }
}

pub(crate) const MIB: usize = 1024 * 1024;

/// Secure flash bank 0 (`-bios` image; holds our firmware).
pub const FLASH0: Region = Region::new(
    "flash0",
    0x0000_0000,
    64 * MIB,
    Security::Secure,
    RegionKind::Flash,
);
/// Flash bank 1 (non-secure).
pub const FLASH1: Region = Region::new(
    "flash1",
    0x0400_0000,
    64 * MIB,
    Security::NonSecure,
    RegionKind::Flash,
);
/// GICv3 distributor.
pub const GICD: Region = Region::new(
    "gicd",
    0x0800_0000,
    0x1_0000,
    Security::NonSecure,
    RegionKind::Device,
);
/// GICv3 redistributors (2 × 64 KiB frames per CPU; region sized for 123 CPUs).
pub const GICR: Region = Region::new(
    "gicr",
    0x080a_0000,
    0x00f6_0000,
    Security::NonSecure,
    RegionKind::Device,
);
/// UART0, PL011: the normal-world console (first `-serial`).
pub const UART0: Region = Region::new(
    "uart0",
    0x0900_0000,
    0x1000,
    Security::NonSecure,
    RegionKind::Device,
);
/// fw_cfg (data @+0, selector @+8, DMA address @+16).
pub const FW_CFG: Region = Region::new(
    "fw_cfg",
    0x0902_0000,
    0x18,
    Security::NonSecure,
    RegionKind::Device,
);
/// Secure UART1, PL011: the secure console (second `-serial`).
pub const SECURE_UART: Region = Region::new(
    "secure_uart",
    0x0904_0000,
    0x1000,
    Security::Secure,
    RegionKind::Device,
);
/// Secure GPIO, PL061 (pin 0 power-off, pin 1 reset).
pub const SECURE_GPIO: Region = Region::new(
    "secure_gpio",
    0x090b_0000,
    0x1000,
    Security::Secure,
    RegionKind::Device,
);
/// Secure RAM: 16 MiB, secure-only.
pub const SECURE_RAM: Region = Region::new(
    "secure_ram",
    0x0e00_0000,
    16 * MIB,
    Security::Secure,
    RegionKind::Ram,
);
/// Normal RAM at the size used in our runs (`-m 1024`); the real size comes from the DT.
pub const NS_RAM: Region = Region::new(
    "ram",
    0x4000_0000,
    1024 * MIB,
    Security::NonSecure,
    RegionKind::Ram,
);

/// Every top-level window oxtee uses, in address order. No two overlap.
pub const MEMORY_MAP: &[Region] = &[
    FLASH0,
    FLASH1,
    GICD,
    GICR,
    UART0,
    FW_CFG,
    SECURE_UART,
    SECURE_GPIO,
    SECURE_RAM,
    NS_RAM,
];

/// Carve-out of [`SECURE_RAM`]: the EL3 monitor (firmware RW data, stacks, page tables).
pub const MONITOR_RAM: Region = Region::new(
    "monitor",
    0x0e00_0000,
    0x0010_0000,
    Security::Secure,
    RegionKind::Ram,
);
/// Carve-out of [`SECURE_RAM`]: the secure OS (BL32; OP-TEE's `CFG_TZDRAM_START`/`_SIZE`).
/// Also its load address and entry point.
pub const BL32_RAM: Region = Region::new(
    "tzdram",
    0x0e10_0000,
    0x00f0_0000,
    Security::Secure,
    RegionKind::Ram,
);
/// Carve-out of [`NS_RAM`]: where the normal-world DTB is placed (at most 1 MiB,
/// OP-TEE's `CFG_DTB_MAX_SIZE`).
pub const DTB: Region = Region::new(
    "dtb",
    0x4000_0000,
    MIB,
    Security::NonSecure,
    RegionKind::Ram,
);
/// Carve-out of [`NS_RAM`]: OP-TEE's static shared memory (`CFG_SHMEM_START`/`_SIZE`),
/// reserved `no-map` in the normal world's DT.
pub const STATIC_SHM: Region = Region::new(
    "optee_shm",
    0x4200_0000,
    2 * MIB,
    Security::NonSecure,
    RegionKind::Ram,
);

/// The carve-outs inside RAM, with the region each lies in.
pub const CARVE_OUTS: &[(Region, Region)] = &[
    (MONITOR_RAM, SECURE_RAM),
    (BL32_RAM, SECURE_RAM),
    (DTB, NS_RAM),
    (STATIC_SHM, NS_RAM),
];

/// The top-level region containing `addr`, if any.
pub fn region_of(addr: usize) -> Option<&'static Region> {
    MEMORY_MAP.iter().find(|region| region.contains(addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_regions_overlap_and_map_is_sorted() {
        for (i, a) in MEMORY_MAP.iter().enumerate() {
            assert!(a.size > 0, "{} is empty", a.name);
            for b in &MEMORY_MAP[i + 1..] {
                assert!(!a.overlaps(b), "{} overlaps {}", a.name, b.name);
                assert!(a.end() <= b.base, "{} is not before {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn carve_outs_lie_in_their_parents_and_do_not_overlap() {
        for (i, (child, parent)) in CARVE_OUTS.iter().enumerate() {
            assert!(
                parent.contains_region(child),
                "{} outside {}",
                child.name,
                parent.name
            );
            assert_eq!(child.security, parent.security);
            for (other, _) in &CARVE_OUTS[i + 1..] {
                assert!(
                    !child.overlaps(other),
                    "{} overlaps {}",
                    child.name,
                    other.name
                );
            }
        }
    }

    #[test]
    fn secure_ram_is_outside_normal_ram_and_split_exactly() {
        assert!(!SECURE_RAM.overlaps(&NS_RAM));
        assert!(SECURE_RAM.contains_region(&BL32_RAM));
        assert_eq!(MONITOR_RAM.end(), BL32_RAM.base);
        assert_eq!(BL32_RAM.end(), SECURE_RAM.end());
        assert_eq!(BL32_RAM.base, 0x0e10_0000);
    }

    #[test]
    fn security_of_windows() {
        let secure: Vec<&str> = MEMORY_MAP
            .iter()
            .filter(|r| r.security == Security::Secure)
            .map(|r| r.name)
            .collect();
        assert_eq!(
            secure,
            ["flash0", "secure_uart", "secure_gpio", "secure_ram"]
        );
        assert_eq!(region_of(0x0e10_0000), Some(&SECURE_RAM));
        assert_eq!(region_of(0x0902_0010).map(|r| r.name), Some("fw_cfg"));
        assert_eq!(region_of(0x0902_0018), None);
        assert_eq!(region_of(0x3fff_ffff), None);
    }

    #[test]
    fn range_helpers() {
        assert!(NS_RAM.contains_range(0x4000_0000, 1024 * MIB));
        assert!(!NS_RAM.contains_range(0x4000_0000, 1024 * MIB + 1));
        assert!(!NS_RAM.contains_range(usize::MAX, 2));
        assert!(!GICD.overlaps(&GICR));
    }
}
