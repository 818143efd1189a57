//! Builds the tables and checks them with the software walker.

use oxtee_mm::{
    build, qemu_virt_regions, walk, ImageLayout, Layout, Leaf, MemKind, MmError, Region, Table,
    WalkFault, PAGE_SIZE, QEMU_VIRT_ARENA_TABLES,
};

/// Where the arena pretends to live (inside TZDRAM's .bss).
const ARENA_PA: u64 = 0x0e18_0000;
const NS_RAM: core::ops::Range<u64> = 0x4000_0000..0x8000_0000;

const IMAGE: ImageLayout = ImageLayout {
    text_start: 0x0e10_0000,
    text_end: 0x0e14_3000,
    rodata_start: 0x0e14_3000,
    rodata_end: 0x0e15_1000,
    tzdram_end: 0x0f00_0000,
};

struct Built {
    arena: Vec<Table>,
    ttbr0: u64,
    used: usize,
}

impl Built {
    fn new(regions: &[Region], tables: usize) -> Result<Self, MmError> {
        let mut arena = vec![[0xdead_beef_u64; 512]; tables];
        let root = build(&Layout { regions }, &mut arena, ARENA_PA)?;
        Ok(Self {
            arena,
            ttbr0: root.ttbr0,
            used: root.tables_used,
        })
    }

    fn qemu() -> Self {
        let regions = qemu_virt_regions(&IMAGE, NS_RAM);
        Self::new(&regions, QEMU_VIRT_ARENA_TABLES).expect("build")
    }

    fn walk(&self, va: u64) -> Result<Leaf, WalkFault> {
        walk(&self.arena, ARENA_PA, self.ttbr0, va)
    }

    fn leaf(&self, va: u64) -> Leaf {
        let leaf = self
            .walk(va)
            .unwrap_or_else(|e| panic!("{va:#x} not mapped: {e:?}"));
        assert_eq!(leaf.pa, va, "identity map at {va:#x}");
        leaf
    }
}

// Raw descriptor bits, spelled out independently of the crate's constants.
const BIT_NS: u64 = 1 << 5;
const BIT_AP_RO: u64 = 1 << 7;
const BIT_AF: u64 = 1 << 10;
const BIT_PXN: u64 = 1 << 53;
const BIT_UXN: u64 = 1 << 54;

fn assert_secure_normal(leaf: &Leaf) {
    assert_eq!(leaf.attr_index, 1, "normal memory");
    assert!(!leaf.ns);
    assert_eq!(leaf.desc & BIT_NS, 0);
    assert_eq!(leaf.shareability, 0b11, "inner shareable");
    assert!(leaf.af && !leaf.el0 && !leaf.ng);
}

#[test]
fn root_is_arena_start_and_few_tables_used() {
    let b = Built::qemu();
    assert_eq!(b.ttbr0, ARENA_PA);
    assert!(b.used >= 4 && b.used <= 8, "used {}", b.used);
}

#[test]
fn text_is_rx_not_w() {
    let b = Built::qemu();
    for va in [0x0e10_0000, 0x0e10_0abc, 0x0e14_2ff8] {
        let leaf = b.leaf(va);
        assert_secure_normal(&leaf);
        assert!(!leaf.writable && !leaf.pxn && leaf.uxn, "{leaf:?}");
        assert_ne!(leaf.desc & BIT_AP_RO, 0);
        assert_eq!(leaf.desc & BIT_PXN, 0);
        assert_ne!(leaf.desc & BIT_UXN, 0);
        assert_eq!(leaf.level, 3);
    }
}

#[test]
fn rodata_is_ro_xn() {
    let b = Built::qemu();
    for va in [0x0e14_3000, 0x0e15_0fff] {
        let leaf = b.leaf(va);
        assert_secure_normal(&leaf);
        assert!(!leaf.writable && leaf.pxn && leaf.uxn, "{leaf:?}");
    }
}

#[test]
fn data_and_rest_of_tzdram_are_rw_xn() {
    let b = Built::qemu();
    for va in [
        0x0e15_1000,
        0x0e1f_f000,
        0x0e20_0000,
        0x0e4f_ffff,
        0x0e80_1234,
        0x0eff_fff8,
    ] {
        let leaf = b.leaf(va);
        assert_secure_normal(&leaf);
        assert!(leaf.writable && leaf.pxn && leaf.uxn, "{va:#x} {leaf:?}");
        assert_ne!(leaf.desc & BIT_AF, 0);
    }
    // 2 MiB aligned parts use blocks.
    assert_eq!(b.leaf(0x0e40_0000).level, 2);
    assert_eq!(b.leaf(0x0efe_0000).level, 2);
}

#[test]
fn ns_ram_is_nonsecure_rw_xn() {
    let b = Built::qemu();
    for va in [0x4000_0000, 0x4200_0000, 0x7fff_fff8] {
        let leaf = b.leaf(va);
        assert_ne!(leaf.desc & BIT_NS, 0, "NS bit");
        assert!(leaf.ns && leaf.writable && leaf.pxn && leaf.uxn);
        assert_eq!(leaf.attr_index, 1);
        assert_eq!(leaf.shareability, 0b11);
        assert_eq!(leaf.level, 1, "one 1 GiB block");
    }
}

#[test]
fn devices_are_device_memory() {
    let b = Built::qemu();
    for va in [
        0x0800_0000,
        0x0801_0000,
        0x080a_0000,
        0x08ff_fffc,
        0x0900_0000,
        0x0904_0000,
        0x090f_f000,
    ] {
        let leaf = b.leaf(va);
        assert_eq!(leaf.attr_index, 0, "device at {va:#x}");
        assert!(!leaf.ns, "secure accesses");
        assert!(leaf.writable && leaf.pxn && leaf.uxn && leaf.af);
    }
    assert_eq!(b.leaf(0x0800_0000).level, 2);
    assert_eq!(b.leaf(0x0904_0000).level, 3);
}

#[test]
fn unmapped_addresses_fault() {
    let b = Built::qemu();
    for va in [
        0x0,           // flash 0
        0x0400_0000,   // flash 1
        0x0910_0000,   // past the UART window
        0x0a00_0000,   // virtio
        0x0e00_0000,   // the monitor's RAM
        0x0e0f_f000,   // just below TZDRAM
        0x0f00_0000,   // just past TZDRAM
        0x3fff_f000,   // just below NS RAM
        0x8000_0000,   // just past NS RAM
        0x1_0000_0000, // high
    ] {
        assert!(
            matches!(b.walk(va), Err(WalkFault::Translation { .. })),
            "{va:#x}: {:?}",
            b.walk(va)
        );
    }
    assert_eq!(b.walk(1 << 39), Err(WalkFault::AddressSize));
    assert_eq!(b.walk(0xffff_0000_0000_0000), Err(WalkFault::AddressSize));
}

/// Every page below 2 GiB has exactly the attributes of the region it is in, and pages in no
/// region fault.
#[test]
fn every_page_matches_its_region() {
    let regions = qemu_virt_regions(&IMAGE, NS_RAM);
    let b = Built::new(&regions, QEMU_VIRT_ARENA_TABLES).unwrap();
    let mut va = 0;
    while va < 0x8000_0000 {
        let want = regions
            .iter()
            .find(|r| r.range.contains(&va))
            .map(|r| r.kind);
        match (want, b.walk(va)) {
            (None, Err(WalkFault::Translation { .. })) => {}
            (Some(kind), Ok(leaf)) => {
                assert_eq!(leaf.pa, va);
                let got = (leaf.attr_index, leaf.ns, leaf.writable, leaf.pxn, leaf.uxn);
                let expected = match kind {
                    MemKind::Text => (1, false, false, false, true),
                    MemKind::RoData => (1, false, false, true, true),
                    MemKind::Data => (1, false, true, true, true),
                    MemKind::NsRam => (1, true, true, true, true),
                    MemKind::Device => (0, false, true, true, true),
                };
                assert_eq!(got, expected, "{va:#x} {kind:?}");
            }
            (want, got) => panic!("{va:#x}: want {want:?}, got {got:?}"),
        }
        va += PAGE_SIZE;
    }
}

#[test]
fn ns_ram_of_odd_size_uses_smaller_blocks() {
    let image = ImageLayout::qemu_virt(0x0e10_0000, 0x0e11_0000, 0x0e11_0000, 0x0e12_0000);
    let regions = qemu_virt_regions(&image, 0x4000_0000..0x5fe0_3000);
    let b = Built::new(&regions, QEMU_VIRT_ARENA_TABLES).unwrap();
    assert_eq!(b.leaf(0x4000_0000).level, 2);
    assert_eq!(b.leaf(0x5fc0_0000).level, 2);
    let last = b.leaf(0x5fe0_2ff8);
    assert_eq!(last.level, 3);
    assert!(last.ns);
    assert!(b.walk(0x5fe0_3000).is_err());
}

#[test]
fn unused_arena_tables_untouched_and_no_writes_past_used() {
    let b = Built::qemu();
    for t in &b.arena[b.used..] {
        assert!(t.iter().all(|&d| d == 0xdead_beef));
    }
}

#[test]
fn errors() {
    let r = |range: core::ops::Range<u64>, kind| Region { range, kind };
    let err = |regions: &[Region], tables| Built::new(regions, tables).err();

    assert_eq!(
        err(&[r(0x1000..0x2800, MemKind::Data)], 4),
        Some(MmError::Unaligned { addr: 0x2800 })
    );
    assert_eq!(
        err(&[r(0x3000..0x2000, MemKind::Data)], 4),
        Some(MmError::InvalidRange {
            start: 0x3000,
            end: 0x2000
        })
    );
    assert_eq!(
        err(&[r(0x7f_ffff_f000..0x80_0000_1000, MemKind::Data)], 4),
        Some(MmError::OutOfRange {
            end: 0x80_0000_1000
        })
    );
    // Overlap inside a page table, and a page range over an existing block.
    assert_eq!(
        err(
            &[
                r(0x1000..0x3000, MemKind::Data),
                r(0x2000..0x4000, MemKind::Text)
            ],
            4
        ),
        Some(MmError::Overlap { addr: 0x2000 })
    );
    assert_eq!(
        err(
            &[
                r(0x20_0000..0x40_0000, MemKind::Data),
                r(0x30_0000..0x30_1000, MemKind::Text)
            ],
            4
        ),
        Some(MmError::Overlap { addr: 0x30_0000 })
    );
    assert_eq!(
        err(
            &[
                r(0x30_0000..0x30_1000, MemKind::Text),
                r(0x20_0000..0x40_0000, MemKind::Data)
            ],
            4
        ),
        Some(MmError::Overlap { addr: 0x20_0000 })
    );
    // Root + level 2 + level 3 needed; two tables are not enough.
    assert_eq!(
        err(&[r(0x1000..0x2000, MemKind::Data)], 2),
        Some(MmError::OutOfTables)
    );
    assert_eq!(err(&[], 0), Some(MmError::OutOfTables));
    assert!(Built::new(&[r(0x1000..0x2000, MemKind::Data)], 3).is_ok());
    // Empty regions are skipped.
    let b = Built::new(&[r(0x5000..0x5000, MemKind::Data)], 1).unwrap();
    assert_eq!(b.used, 1);
    assert!(b.walk(0x5000).is_err());

    let mut arena = [[0u64; 512]; 2];
    assert_eq!(
        build(&Layout { regions: &[] }, &mut arena, 0x1234_5800),
        Err(MmError::Unaligned { addr: 0x1234_5800 })
    );
}

#[test]
fn qemu_regions_follow_platform_map() {
    let regions = qemu_virt_regions(&IMAGE, NS_RAM);
    let devices: Vec<_> = regions
        .iter()
        .filter(|r| r.kind == MemKind::Device)
        .map(|r| r.range.clone())
        .collect();
    assert_eq!(
        devices,
        vec![0x0800_0000..0x0900_0000, 0x0900_0000..0x0910_0000]
    );
    assert_eq!(ImageLayout::qemu_virt(0, 0, 0, 0).tzdram_end, 0x0f00_0000);
}
