//! Builds the tables and checks them with the software walker.

use oxtee_mm::{
    build, kernel_regions, walk, ImageLayout, Layout, Leaf, MemKind, MmError, Region, Table,
    WalkFault, PAGE_SIZE, QEMU_VIRT_ARENA_TABLES,
};

/// Where the arena pretends to live (inside TZDRAM's .bss).
const ARENA_PA: u64 = 0x0e18_0000;
const NS_RAM: core::ops::Range<u64> = 0x4000_0000..0x8000_0000;

/// QEMU `virt`'s GIC and UART windows.
const DEVICES: [core::ops::Range<u64>; 2] = [0x0800_0000..0x0900_0000, 0x0900_0000..0x0910_0000];

const IMAGE: ImageLayout = ImageLayout {
    text_start: 0x0e10_0000,
    text_end: 0x0e14_3000,
    rodata_start: 0x0e14_3000,
    rodata_end: 0x0e15_1000,
    tzdram_end: 0x0f00_0000,
};

/// An image with the given sections in QEMU `virt`'s TZDRAM.
fn image(text_start: u64, text_end: u64, rodata_start: u64, rodata_end: u64) -> ImageLayout {
    ImageLayout {
        text_start,
        text_end,
        rodata_start,
        rodata_end,
        tzdram_end: IMAGE.tzdram_end,
    }
}

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
        let regions = kernel_regions(&IMAGE, NS_RAM, DEVICES);
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
    let regions = kernel_regions(&IMAGE, NS_RAM, DEVICES);
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
    let image = image(0x0e10_0000, 0x0e11_0000, 0x0e11_0000, 0x0e12_0000);
    let regions = kernel_regions(&image, 0x4000_0000..0x5fe0_3000, DEVICES);
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
        err(
            &[r(
                core::ops::Range {
                    start: 0x3000,
                    end: 0x2000
                },
                MemKind::Data
            )],
            4
        ),
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
fn device_windows_are_mapped_as_given() {
    let regions = kernel_regions(&IMAGE, NS_RAM, DEVICES);
    let devices: Vec<_> = regions
        .iter()
        .filter(|r| r.kind == MemKind::Device)
        .map(|r| r.range.clone())
        .collect();
    assert_eq!(
        devices,
        vec![0x0800_0000..0x0900_0000, 0x0900_0000..0x0910_0000]
    );
}

#[test]
fn qemu_layout_table_count() {
    // Root, level 2 for the first GiB, level 3 for the UART window and for the 2 MiB holding
    // the (small) image.
    assert_eq!(Built::qemu().used, 4);
}

/// The walker itself, on hand-written descriptors (independent of the builder).
#[test]
fn walker_decodes_hand_made_tables() {
    let mut arena = vec![[0u64; 512]; 3];
    // Root (level 1): entry 1 = 1 GiB block at 0x4000_0000, NS, AttrIndx 1, AF, XN;
    // entry 0 = table at arena[1].
    arena[0][1] = 0x4000_0000 | BIT_UXN | BIT_PXN | BIT_AF | BIT_NS | (1 << 2) | 0b01;
    arena[0][0] = (ARENA_PA + 0x1000) | 0b11;
    // Level 2: entry 0x70 (0x0e00_0000) = table at arena[2]; entry 0x40 = 2 MiB block, RO.
    arena[1][0x70] = (ARENA_PA + 0x2000) | 0b11;
    arena[1][0x40] = 0x0800_0000 | BIT_AP_RO | BIT_AF | 0b01;
    // Level 3: page 0x100 (0x0e10_0000) maps to 0x0e10_0000; page 0x101 reserved encoding.
    arena[2][0x100] = 0x0e10_0000 | BIT_AF | (3 << 8) | (1 << 2) | 0b11;
    arena[2][0x101] = 0x0e10_1000 | 0b01;

    let w = |va| walk(&arena, ARENA_PA, ARENA_PA, va);
    let ns = w(0x4123_4567).unwrap();
    assert_eq!(
        (ns.pa, ns.level, ns.ns, ns.pxn, ns.uxn, ns.writable),
        (0x4123_4567, 1, true, true, true, true)
    );
    let dev = w(0x0801_0008).unwrap();
    assert_eq!(
        (dev.pa, dev.level, dev.attr_index, dev.writable, dev.ns),
        (0x0801_0008, 2, 0, false, false)
    );
    let page = w(0x0e10_0ff0).unwrap();
    assert_eq!(
        (page.pa, page.level, page.attr_index, page.shareability),
        (0x0e10_0ff0, 3, 1, 3)
    );
    assert_eq!(w(0x0e10_1000), Err(WalkFault::BadDescriptor { level: 3 }));
    assert_eq!(w(0x0e10_2000), Err(WalkFault::Translation { level: 3 }));
    assert_eq!(w(0x0a00_0000), Err(WalkFault::Translation { level: 2 }));
    assert_eq!(w(0x8000_0000), Err(WalkFault::Translation { level: 1 }));
    // A table pointer outside the arena.
    arena[0][3] = 0x9000_0000 | 0b11;
    assert_eq!(
        walk(&arena, ARENA_PA, ARENA_PA, 0xc000_0000),
        Err(WalkFault::BadDescriptor { level: 2 })
    );
}

#[test]
fn worst_case_qemu_layout_fits_arena() {
    // Every section boundary in its own 2 MiB block, NS RAM aligned to neither 1 GiB nor 2 MiB.
    let image = image(0x0e10_0000, 0x0e30_1000, 0x0e30_1000, 0x0e50_3000);
    let regions = kernel_regions(&image, 0x4010_0000..0xffe0_1000, DEVICES);
    let b = Built::new(&regions, QEMU_VIRT_ARENA_TABLES).unwrap();
    assert_eq!(b.used, 10);
    assert!(!b.leaf(0x0e30_0ff8).pxn && b.leaf(0x0e30_1000).pxn);
    assert!(b.leaf(0xffe0_0ff8).ns && b.leaf(0x8000_0000).level == 1);
    assert!(b.walk(0x4000_0000).is_err() && b.walk(0xffe0_1000).is_err());
}
