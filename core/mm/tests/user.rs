//! User (S-EL0) address spaces: a kernel root built for QEMU `virt` plus a TA window, checked
//! with the software walker.

use oxtee_mm::desc::{leaf_attrs, user_leaf_attrs};
use oxtee_mm::regs::{tcr, ttbr0_with_asid};
use oxtee_mm::{
    build, build_user_window, kernel_regions, walk, walk_arenas, ImageLayout, Layout, Leaf,
    MemKind, MmError, Table, UserKind, UserMapping, WalkFault, PAGE_SIZE, QEMU_VIRT_ARENA_TABLES,
    TA_WINDOW,
};

const KERNEL_ARENA_PA: u64 = 0x0e18_0000;
const USER_ARENA_PA: u64 = 0x0e30_0000;
const USER_TABLES: usize = 8;

/// QEMU `virt`'s GIC and UART windows.
const DEVICES: [core::ops::Range<u64>; 2] = [0x0800_0000..0x0900_0000, 0x0900_0000..0x0910_0000];

const IMAGE: ImageLayout = ImageLayout {
    text_start: 0x0e10_0000,
    text_end: 0x0e14_3000,
    rodata_start: 0x0e14_3000,
    rodata_end: 0x0e15_1000,
    tzdram_end: 0x0f00_0000,
};

// Raw descriptor bits, spelled out independently of the crate's constants.
const BIT_NS: u64 = 1 << 5;
const BIT_AP1_EL0: u64 = 1 << 6;
const BIT_AP2_RO: u64 = 1 << 7;
const BIT_AF: u64 = 1 << 10;
const BIT_NG: u64 = 1 << 11;
const BIT_PXN: u64 = 1 << 53;
const BIT_UXN: u64 = 1 << 54;

fn kernel(ns_ram: core::ops::Range<u64>) -> Vec<Table> {
    let regions = kernel_regions(&IMAGE, ns_ram, DEVICES);
    let mut arena = vec![[0u64; 512]; QEMU_VIRT_ARENA_TABLES];
    let root = build(&Layout { regions: &regions }, &mut arena, KERNEL_ARENA_PA).unwrap();
    assert_eq!(root.ttbr0, KERNEL_ARENA_PA);
    arena
}

fn map(va: u64, pa: u64, size: u64, kind: UserKind) -> UserMapping {
    UserMapping { va, pa, size, kind }
}

/// A small TA: text, rodata, data, a 2 MiB block (VA and PA aligned) and a 2 MiB range whose
/// PA is not 2 MiB aligned.
fn ta_mappings() -> Vec<UserMapping> {
    vec![
        map(0x8010_0000, 0x0e40_0000, 0x3000, UserKind::Text),
        map(0x8010_3000, 0x0e40_3000, 0x1000, UserKind::Ro),
        map(0x8010_4000, 0x0e50_0000, 0x2000, UserKind::Rw),
        map(0x8040_0000, 0x0e60_0000, 0x20_0000, UserKind::Rw),
        map(0x8080_0000, 0x0e81_1000, 0x20_0000, UserKind::Rw),
    ]
}

struct Space {
    kernel: Vec<Table>,
    user: Vec<Table>,
    ttbr0: u64,
    used: usize,
}

impl Space {
    fn new(mappings: &[UserMapping]) -> Result<Self, MmError> {
        let kernel = kernel(0x4000_0000..0x8000_0000);
        let mut user = vec![[0xdead_beef_u64; 512]; USER_TABLES];
        let root = build_user_window(&kernel[0], TA_WINDOW, mappings, &mut user, USER_ARENA_PA)?;
        Ok(Self {
            kernel,
            user,
            ttbr0: root.ttbr0(),
            used: root.tables_used(),
        })
    }

    fn walk(&self, va: u64) -> Result<Leaf, WalkFault> {
        walk_arenas(
            &[(&self.user, USER_ARENA_PA), (&self.kernel, KERNEL_ARENA_PA)],
            self.ttbr0,
            va,
        )
    }

    fn leaf(&self, va: u64) -> Leaf {
        self.walk(va)
            .unwrap_or_else(|e| panic!("{va:#x} not mapped: {e:?}"))
    }
}

fn assert_user_normal(leaf: &Leaf) {
    assert_eq!(leaf.attr_index, 1, "normal WB");
    assert_eq!(leaf.shareability, 0b11, "inner shareable");
    assert!(leaf.af && leaf.ng && leaf.el0 && !leaf.ns, "{leaf:?}");
    assert_eq!(
        leaf.desc & (BIT_AF | BIT_NG | BIT_AP1_EL0),
        BIT_AF | BIT_NG | BIT_AP1_EL0
    );
    assert_eq!(leaf.desc & BIT_NS, 0);
    assert_ne!(leaf.desc & BIT_PXN, 0, "never executable by the kernel");
    assert!(!leaf.el1_exec());
}

#[test]
fn root_is_user_arena_start() {
    let s = Space::new(&ta_mappings()).unwrap();
    assert_eq!(s.ttbr0, USER_ARENA_PA);
    // Root, one level-2 table for the window, level-3 tables for 0x8010_0000 and 0x8080_0000.
    assert_eq!(s.used, 4);
    for t in &s.user[s.used..] {
        assert!(
            t.iter().all(|&d| d == 0xdead_beef),
            "unused tables untouched"
        );
    }
}

#[test]
fn text_is_el0_rx_kernel_nx() {
    let s = Space::new(&ta_mappings()).unwrap();
    for (va, pa) in [(0x8010_0000, 0x0e40_0000), (0x8010_2ffc, 0x0e40_2ffc)] {
        let leaf = s.leaf(va);
        assert_user_normal(&leaf);
        assert_eq!(leaf.pa, pa);
        assert_eq!(leaf.level, 3);
        assert!(leaf.el0_read() && leaf.el0_exec(), "EL0 reads and executes");
        assert!(!leaf.writable && !leaf.el0_write());
        assert!(leaf.pxn && !leaf.uxn);
        assert_eq!(leaf.desc & BIT_UXN, 0);
        assert_ne!(leaf.desc & BIT_AP2_RO, 0);
    }
}

#[test]
fn ro_is_el0_read_only_xn() {
    let s = Space::new(&ta_mappings()).unwrap();
    let leaf = s.leaf(0x8010_3008);
    assert_user_normal(&leaf);
    assert_eq!(leaf.pa, 0x0e40_3008);
    assert!(leaf.el0_read() && !leaf.writable && !leaf.el0_exec());
    assert!(leaf.pxn && leaf.uxn);
    assert_ne!(leaf.desc & BIT_UXN, 0);
}

#[test]
fn rw_is_el0_rw_never_executable() {
    let s = Space::new(&ta_mappings()).unwrap();
    for (va, pa, level) in [
        (0x8010_4000, 0x0e50_0000, 3),
        (0x8010_5ff8, 0x0e50_1ff8, 3),
        (0x8040_0000, 0x0e60_0000, 2),
        (0x805f_fff8, 0x0e7f_fff8, 2),
        (0x8080_0000, 0x0e81_1000, 3),
        (0x809f_f000, 0x0ea1_0000, 3),
    ] {
        let leaf = s.leaf(va);
        assert_user_normal(&leaf);
        assert_eq!((leaf.pa, leaf.level), (pa, level), "{va:#x}");
        assert!(leaf.el0_write() && leaf.writable);
        assert!(leaf.pxn && leaf.uxn && !leaf.el0_exec() && !leaf.el1_exec());
        assert_eq!(leaf.desc & (BIT_PXN | BIT_UXN), BIT_PXN | BIT_UXN);
        assert_eq!(leaf.desc & BIT_AP2_RO, 0);
    }
}

#[test]
fn rest_of_window_faults() {
    let s = Space::new(&ta_mappings()).unwrap();
    for va in [
        0x8000_0000,
        0x800f_f000,
        0x8010_6000,
        0x8020_0000,
        0x8060_0000,
        0x8080_0000 - PAGE_SIZE,
        0x80a0_0000,
        0xbfff_f000,
        0xc000_0000,
    ] {
        assert!(
            matches!(s.walk(va), Err(WalkFault::Translation { .. })),
            "{va:#x}: {:?}",
            s.walk(va)
        );
    }
}

/// Below the window, the user root translates every page exactly like the kernel root, and
/// nothing there is reachable from EL0 or tagged with an ASID.
#[test]
fn kernel_part_unchanged_and_privileged() {
    let s = Space::new(&ta_mappings()).unwrap();
    let pristine = kernel(0x4000_0000..0x8000_0000);
    assert_eq!(s.kernel, pristine, "kernel tables not written");
    for index in (0..512).filter(|&i| i != 2) {
        assert_eq!(s.user[0][index], s.kernel[0][index], "root entry {index}");
    }
    let mut va = 0;
    let mut mapped = 0u32;
    while va < 0x8000_0000 {
        let via_kernel = walk(&s.kernel, KERNEL_ARENA_PA, KERNEL_ARENA_PA, va);
        assert_eq!(s.walk(va), via_kernel, "{va:#x}");
        if let Ok(leaf) = via_kernel {
            assert!(
                !leaf.el0 && !leaf.ng && !leaf.el0_exec(),
                "{va:#x} {leaf:?}"
            );
            assert_eq!(leaf.desc & (BIT_AP1_EL0 | BIT_NG), 0);
            mapped += 1;
        }
        va += PAGE_SIZE;
    }
    assert!(
        mapped > 0x40000,
        "NS RAM and TZDRAM checked ({mapped} pages)"
    );
    // The kernel root itself does not see the TA.
    assert_eq!(
        walk(&s.kernel, KERNEL_ARENA_PA, KERNEL_ARENA_PA, 0x8010_0000),
        Err(WalkFault::Translation { level: 1 })
    );
}

#[test]
fn kernel_kinds_are_privileged_and_global() {
    for kind in [
        MemKind::Text,
        MemKind::RoData,
        MemKind::Data,
        MemKind::NsRam,
        MemKind::Device,
    ] {
        assert_eq!(leaf_attrs(kind) & (BIT_AP1_EL0 | BIT_NG), 0, "{kind:?}");
    }
    for kind in [UserKind::Text, UserKind::Ro, UserKind::Rw] {
        let a = user_leaf_attrs(kind);
        assert_eq!(
            a & (BIT_AP1_EL0 | BIT_NG | BIT_PXN),
            BIT_AP1_EL0 | BIT_NG | BIT_PXN
        );
        assert_eq!(a & BIT_NS, 0);
    }
    // Normal-world parameter pages: EL0, ASID-tagged, NS, never executable; read-only for
    // inputs.
    let ns_ro = user_leaf_attrs(UserKind::NsRo);
    let ns_rw = user_leaf_attrs(UserKind::NsRw);
    let common = BIT_AP1_EL0 | BIT_NG | BIT_PXN | BIT_UXN | BIT_NS | BIT_AF;
    assert_eq!(ns_ro & common, common);
    assert_eq!(ns_rw & common, common);
    assert_ne!(ns_ro & BIT_AP2_RO, 0);
    assert_eq!(ns_rw & BIT_AP2_RO, 0);
    assert_eq!(ns_rw, user_leaf_attrs(UserKind::Rw) | BIT_NS);
    assert_eq!(ns_ro, user_leaf_attrs(UserKind::Ro) | BIT_NS);
}

#[test]
fn two_tas_share_the_kernel_but_not_each_other() {
    let kernel = kernel(0x4000_0000..0x8000_0000);
    let (pa_a, pa_b) = (0x0e30_0000, 0x0e31_0000);
    let mut a = vec![[0u64; 512]; 4];
    let mut b = vec![[0u64; 512]; 4];
    let ra = build_user_window(
        &kernel[0],
        TA_WINDOW,
        &[map(0x8000_0000, 0x0e50_0000, 0x1000, UserKind::Rw)],
        &mut a,
        pa_a,
    )
    .unwrap();
    let rb = build_user_window(
        &kernel[0],
        TA_WINDOW,
        &[map(0x8000_1000, 0x0e60_0000, 0x1000, UserKind::Rw)],
        &mut b,
        pa_b,
    )
    .unwrap();
    let all = [
        (&a[..], pa_a),
        (&b[..], pa_b),
        (&kernel[..], KERNEL_ARENA_PA),
    ];
    assert_eq!(
        walk_arenas(&all, ra.ttbr0(), 0x8000_0000).unwrap().pa,
        0x0e50_0000
    );
    assert!(walk_arenas(&all, ra.ttbr0(), 0x8000_1000).is_err());
    assert_eq!(
        walk_arenas(&all, rb.ttbr0(), 0x8000_1000).unwrap().pa,
        0x0e60_0000
    );
    assert!(walk_arenas(&all, rb.ttbr0(), 0x8000_0000).is_err());
    for root in [ra.ttbr0(), rb.ttbr0()] {
        assert_eq!(
            walk_arenas(&all, root, 0x0e10_0000),
            walk(&kernel, KERNEL_ARENA_PA, KERNEL_ARENA_PA, 0x0e10_0000)
        );
    }
    // Without the kernel arena the shared tables cannot be found: they really are shared.
    assert_eq!(
        walk_arenas(&[(&a[..], pa_a)], ra.ttbr0(), 0x0e10_0000),
        Err(WalkFault::BadDescriptor { level: 2 })
    );
}

#[test]
fn a_user_root_takes_an_asid_and_keeps_its_tables() {
    let s = Space::new(&ta_mappings()).unwrap();
    let kernel = kernel(0x4000_0000..0x8000_0000);
    let mut user = vec![[0u64; 512]; USER_TABLES];
    let root = build_user_window(
        &kernel[0],
        TA_WINDOW,
        &ta_mappings(),
        &mut user,
        USER_ARENA_PA,
    )
    .unwrap();
    assert_eq!((root.ttbr0(), root.asid()), (s.ttbr0, 0));
    let tagged = root.with_asid(9).unwrap();
    assert_eq!(tagged.ttbr0(), USER_ARENA_PA | 9 << 48);
    assert_eq!(
        (tagged.asid(), tagged.tables_used()),
        (9, root.tables_used())
    );
    // Retagging replaces the ASID; one beyond the 8-bit ASIDs of TCR_EL1 is refused.
    assert_eq!(
        tagged.with_asid(3).unwrap().ttbr0(),
        USER_ARENA_PA | 3 << 48
    );
    assert_eq!(
        tagged.with_asid(0x100),
        Err(MmError::BadAsid { asid: 0x100 })
    );
}

#[test]
fn mapping_errors() {
    let err = |mappings: &[UserMapping]| Space::new(mappings).err();
    let rw = UserKind::Rw;
    // Outside the window: below, straddling its end, past it, wrapping around.
    assert_eq!(
        err(&[map(0x7fff_f000, 0x0e50_0000, 0x1000, rw)]),
        Some(MmError::OutsideWindow {
            start: 0x7fff_f000,
            end: 0x8000_0000
        })
    );
    assert_eq!(
        err(&[map(0xbfff_f000, 0x0e50_0000, 0x2000, rw)]),
        Some(MmError::OutsideWindow {
            start: 0xbfff_f000,
            end: 0xc000_1000
        })
    );
    assert_eq!(
        err(&[map(0xc000_0000, 0x0e50_0000, 0x1000, rw)]),
        Some(MmError::OutsideWindow {
            start: 0xc000_0000,
            end: 0xc000_1000
        })
    );
    assert_eq!(
        err(&[map(0x8000_0000, 0x0e50_0000, 0u64.wrapping_sub(0x1000), rw)]),
        Some(MmError::OutsideWindow {
            start: 0x8000_0000,
            end: u64::MAX
        })
    );
    // Kernel addresses (e.g. the core's text) cannot be mapped for EL0.
    assert!(matches!(
        err(&[map(0x0e10_0000, 0x0e10_0000, 0x1000, UserKind::Text)]),
        Some(MmError::OutsideWindow { .. })
    ));
    // Alignment of va, pa and size.
    for (va, pa, size, bad) in [
        (0x8000_0800, 0x0e50_0000, 0x1000, 0x8000_0800),
        (0x8000_0000, 0x0e50_0010, 0x1000, 0x0e50_0010),
        (0x8000_0000, 0x0e50_0000, 0x1800, 0x1800),
    ] {
        assert_eq!(
            err(&[map(va, pa, size, rw)]),
            Some(MmError::Unaligned { addr: bad })
        );
    }
    // Physical range beyond 48 bits.
    assert_eq!(
        err(&[map(0x8000_0000, 0xffff_ffff_f000, 0x2000, rw)]),
        Some(MmError::PaOutOfRange {
            end: 0x1_0000_0000_1000
        })
    );
    // Overlaps: pages, a page inside a block, a block over a page.
    assert_eq!(
        err(&[
            map(0x8000_0000, 0x0e50_0000, 0x2000, rw),
            map(0x8000_1000, 0x0e60_0000, 0x1000, UserKind::Text),
        ]),
        Some(MmError::Overlap { addr: 0x8000_1000 })
    );
    assert_eq!(
        err(&[
            map(0x8020_0000, 0x0e60_0000, 0x20_0000, rw),
            map(0x8030_0000, 0x0e50_0000, 0x1000, rw),
        ]),
        Some(MmError::Overlap { addr: 0x8030_0000 })
    );
    assert_eq!(
        err(&[
            map(0x8030_0000, 0x0e50_0000, 0x1000, rw),
            map(0x8020_0000, 0x0e60_0000, 0x20_0000, rw),
        ]),
        Some(MmError::Overlap { addr: 0x8020_0000 })
    );
    // Empty mappings map nothing (and are not checked against the window).
    let s = Space::new(&[map(0x1000, 0x0e50_0000, 0, rw)]).unwrap();
    assert_eq!(s.used, 1);
}

#[test]
fn window_errors() {
    let page = [map(0x8000_0000, 0x0e50_0000, 0x1000, UserKind::Rw)];
    let try_build = |kernel: &[Table], window: core::ops::Range<u64>, tables: usize, pa: u64| {
        let mut arena = vec![[0u64; 512]; tables];
        build_user_window(&kernel[0], window, &page, &mut arena, pa)
    };
    let k = kernel(0x4000_0000..0x8000_0000);
    // Root + level 2 + level 3 are needed.
    assert_eq!(
        try_build(&k, TA_WINDOW, 2, USER_ARENA_PA),
        Err(MmError::OutOfTables)
    );
    assert_eq!(
        try_build(&k, TA_WINDOW, 0, USER_ARENA_PA),
        Err(MmError::OutOfTables)
    );
    assert!(try_build(&k, TA_WINDOW, 3, USER_ARENA_PA).is_ok());
    assert_eq!(
        try_build(&k, TA_WINDOW, 3, USER_ARENA_PA + 0x800),
        Err(MmError::Unaligned {
            addr: USER_ARENA_PA + 0x800
        })
    );
    // The kernel already maps the window (normal-world RAM up to 3 GiB).
    let big = kernel(0x4000_0000..0xc000_0000);
    assert_eq!(
        try_build(&big, TA_WINDOW, 3, USER_ARENA_PA),
        Err(MmError::WindowInUse { addr: 0x8000_0000 })
    );
    // A window spanning two GiB entries, the first one used by the kernel (normal-world RAM).
    assert_eq!(
        try_build(&k, 0x4000_0000..0x9000_0000, 3, USER_ARENA_PA),
        Err(MmError::WindowInUse { addr: 0x4000_0000 })
    );
    // Malformed windows.
    assert_eq!(
        try_build(&k, 0x8000_0000..0x8000_0000, 3, USER_ARENA_PA),
        Err(MmError::InvalidRange {
            start: 0x8000_0000,
            end: 0x8000_0000
        })
    );
    assert_eq!(
        try_build(&k, 0x8000_0000..0x8000_0800, 3, USER_ARENA_PA),
        Err(MmError::Unaligned { addr: 0x8000_0800 })
    );
    assert_eq!(
        try_build(&k, 0x8000_0000..0x81_0000_0000, 3, USER_ARENA_PA),
        Err(MmError::OutOfRange {
            end: 0x81_0000_0000
        })
    );
    // A window smaller than its GiB restricts the mappings.
    assert!(matches!(
        try_build(&k, 0x8000_1000..0x9000_0000, 3, USER_ARENA_PA),
        Err(MmError::OutsideWindow { .. })
    ));
}

#[test]
fn ttbr0_asid() {
    assert_eq!(ttbr0_with_asid(0x0e30_0000, 0), Ok(0x0e30_0000));
    assert_eq!(ttbr0_with_asid(0x0e30_0000, 1), Ok(0x0001_0000_0e30_0000));
    assert_eq!(
        ttbr0_with_asid(0xffff_ffff_f000, 255),
        Ok(0x00ff_ffff_ffff_f000)
    );
    assert_eq!(
        ttbr0_with_asid(0x0e30_0000, 256),
        Err(MmError::BadAsid { asid: 256 })
    );
    assert_eq!(
        ttbr0_with_asid(0x0e30_0800, 1),
        Err(MmError::Unaligned { addr: 0x0e30_0800 })
    );
    assert_eq!(
        ttbr0_with_asid(0x1_0000_0000_0000, 1),
        Err(MmError::PaOutOfRange {
            end: 0x1_0000_0000_0000
        })
    );
    // 8-bit ASIDs: TCR_EL1.AS (bit 36) stays clear, A1 (bit 22) = 0 (ASID from TTBR0).
    let t = tcr(40).unwrap();
    assert_eq!(t & (1 << 36), 0);
    assert_eq!(t & (1 << 22), 0);
}

/// The parameter window of a TA: two kept level-3 tables at 0xb000_0000, linked into a
/// tree built with the TA's other mappings, patched page by page.
mod kept_leaves {
    use super::*;
    use oxtee_mm::{
        build_user_window_with_leaves, map_leaves, unmap_leaves, LeafTables, LEAF_TABLE_SPAN,
    };

    const START: u64 = 0xb000_0000;
    const LEAF_PA: [u64; 2] = [0x0e70_0000, 0x0e70_5000];

    struct Window {
        kernel: Vec<Table>,
        user: Vec<Table>,
        leaves: Vec<Table>,
        ttbr0: u64,
    }

    impl Window {
        fn new() -> Self {
            let kernel = kernel(0x4000_0000..0x8000_0000);
            let mut user = vec![[0u64; 512]; USER_TABLES];
            let leaves = LeafTables {
                start: START,
                tables: &LEAF_PA,
            };
            let root = build_user_window_with_leaves(
                &kernel[0],
                TA_WINDOW,
                &ta_mappings(),
                &leaves,
                &mut user,
                USER_ARENA_PA,
            )
            .unwrap();
            Self {
                kernel,
                user,
                leaves: vec![[0u64; 512]; 2],
                ttbr0: root.ttbr0(),
            }
        }

        fn map(&mut self, va: u64, pages: &[u64], kind: UserKind) -> Result<(), MmError> {
            let mut t: Vec<&mut Table> = self.leaves.iter_mut().collect();
            map_leaves(&mut t, START, va, pages, kind)
        }

        fn unmap(&mut self, va: u64, count: usize) -> Result<(), MmError> {
            let mut t: Vec<&mut Table> = self.leaves.iter_mut().collect();
            unmap_leaves(&mut t, START, va, count)
        }

        fn walk(&self, va: u64) -> Result<Leaf, WalkFault> {
            walk_arenas(
                &[
                    (&self.user, USER_ARENA_PA),
                    (&self.kernel, KERNEL_ARENA_PA),
                    (&self.leaves[..1], LEAF_PA[0]),
                    (&self.leaves[1..], LEAF_PA[1]),
                ],
                self.ttbr0,
                va,
            )
        }
    }

    #[test]
    fn input_pages_are_ns_read_only_never_executable() {
        let mut w = Window::new();
        // A client buffer 0x123 bytes into its first page, over two scattered pages.
        let va = START + PAGE_SIZE;
        w.map(va, &[0x4123_4000, 0x4007_7000], UserKind::NsRo)
            .unwrap();
        let leaf = w.walk(va + 0x123).unwrap();
        assert_eq!((leaf.pa, leaf.level), (0x4123_4123, 3), "offset kept");
        assert_eq!(w.walk(va + PAGE_SIZE + 8).unwrap().pa, 0x4007_7008);
        assert!(leaf.ns && leaf.desc & BIT_NS != 0, "non-secure");
        assert!(leaf.el0_read() && !leaf.el0_write() && !leaf.writable);
        assert_ne!(leaf.desc & BIT_AP2_RO, 0);
        assert!(leaf.pxn && leaf.uxn && !leaf.el0_exec() && !leaf.el1_exec());
        assert_eq!(leaf.desc & (BIT_PXN | BIT_UXN), BIT_PXN | BIT_UXN);
        assert!(leaf.af && leaf.ng && leaf.el0);
        assert_eq!((leaf.attr_index, leaf.shareability), (1, 0b11));
        // Guard pages on both sides.
        assert!(w.walk(START).is_err());
        assert!(w.walk(va + 2 * PAGE_SIZE).is_err());
        // The TA's own mappings are still there.
        assert_eq!(w.walk(0x8010_4000).unwrap().pa, 0x0e50_0000);
    }

    #[test]
    fn output_pages_are_ns_read_write_never_executable() {
        let mut w = Window::new();
        let va = START + LEAF_TABLE_SPAN - PAGE_SIZE;
        w.map(va, &[0x4000_0000, 0x4000_1000], UserKind::NsRw)
            .unwrap();
        for (at, pa) in [(va, 0x4000_0000), (va + PAGE_SIZE, 0x4000_1000)] {
            let leaf = w.walk(at).unwrap();
            assert_eq!(leaf.pa, pa, "crosses into the second table");
            assert!(leaf.ns && leaf.el0_write() && leaf.writable);
            assert_eq!(leaf.desc & BIT_AP2_RO, 0);
            assert!(leaf.pxn && leaf.uxn);
        }
        // Secure copies in the same window: NS = 0.
        w.map(START + PAGE_SIZE, &[0x0e90_0000], UserKind::Rw)
            .unwrap();
        let leaf = w.walk(START + PAGE_SIZE).unwrap();
        assert!(!leaf.ns && leaf.el0_write() && leaf.uxn);
        // Unmapped again: translation faults, the other pages stay.
        w.unmap(va, 2).unwrap();
        assert!(matches!(
            w.walk(va),
            Err(WalkFault::Translation { level: 3 })
        ));
        assert!(w.walk(START + PAGE_SIZE).is_ok());
    }

    #[test]
    fn linking_is_checked() {
        let kernel = kernel(0x4000_0000..0x8000_0000);
        let mut user = vec![[0u64; 512]; USER_TABLES];
        let mut build = |start: u64, tables: &[u64], maps: &[UserMapping]| {
            build_user_window_with_leaves(
                &kernel[0],
                TA_WINDOW,
                maps,
                &LeafTables { start, tables },
                &mut user,
                USER_ARENA_PA,
            )
        };
        // Kept tables over a mapping of the TA.
        let over = [map(
            START + LEAF_TABLE_SPAN + PAGE_SIZE,
            0x0e40_0000,
            PAGE_SIZE,
            UserKind::Rw,
        )];
        assert!(matches!(
            build(START, &LEAF_PA, &over),
            Err(MmError::Overlap { .. })
        ));
        // Past the end of the window, or not 2 MiB aligned.
        assert!(matches!(
            build(TA_WINDOW.end - LEAF_TABLE_SPAN, &LEAF_PA, &[]),
            Err(MmError::OutsideWindow { .. })
        ));
        assert!(matches!(
            build(TA_WINDOW.start - LEAF_TABLE_SPAN, &LEAF_PA[..1], &[]),
            Err(MmError::OutsideWindow { .. })
        ));
        assert!(matches!(
            build(START + PAGE_SIZE, &LEAF_PA, &[]),
            Err(MmError::Unaligned { .. })
        ));
        // A table address that is not a table.
        assert!(matches!(
            build(START, &[0x0e70_0008], &[]),
            Err(MmError::Unaligned { .. })
        ));
        // A mapping right below the kept tables is fine.
        let below = [map(START - PAGE_SIZE, 0x0e40_0000, PAGE_SIZE, UserKind::Rw)];
        assert!(build(START, &LEAF_PA, &below).is_ok());
    }
}
