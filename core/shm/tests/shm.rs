//! Host tests for oxtee-shm: a fake RAM and every hostile case.

use std::collections::BTreeMap;

use oxtee_shm::{
    pages_needed, MemError, MemLayout, NsBuf, PhysMem, RegistryLimits, ShmError, ShmRegistry,
    SHM_PAGE_SIZE,
};

const PAGE: u64 = SHM_PAGE_SIZE;
const RAM: u64 = 0x4000_0000;

/// Sparse fake RAM that also counts reads per byte (to prove nothing is read twice).
#[derive(Default)]
struct FakeRam {
    bytes: BTreeMap<u64, u8>,
    reads: std::cell::RefCell<BTreeMap<u64, u32>>,
    limit: Option<u64>,
}

impl PhysMem for FakeRam {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        for (i, b) in buf.iter_mut().enumerate() {
            let a = pa + i as u64;
            if self.limit.is_some_and(|l| a >= l) {
                return Err(MemError::OutOfRange);
            }
            *b = self.bytes.get(&a).copied().unwrap_or(0);
            *self.reads.borrow_mut().entry(a).or_default() += 1;
        }
        Ok(())
    }
    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
        for (i, b) in data.iter().enumerate() {
            self.bytes.insert(pa + i as u64, *b);
        }
        Ok(())
    }
}

/// QEMU `virt` with 1 GiB of RAM and OP-TEE's static SHM.
const QEMU_VIRT: MemLayout = MemLayout {
    ns_ram: 0x4000_0000..0x8000_0000,
    secure_ram: 0x0e00_0000..0x0f00_0000,
    static_shm: Some(0x4200_0000..0x4220_0000),
};

fn reg() -> ShmRegistry {
    ShmRegistry::new(QEMU_VIRT, RegistryLimits::default())
}

fn small_reg(max_buffers: usize, per: usize, total: usize) -> ShmRegistry {
    ShmRegistry::new(
        QEMU_VIRT,
        RegistryLimits {
            max_buffers,
            max_pages_per_buffer: per,
            max_total_pages: total,
        },
    )
}

#[test]
fn register_lookup_roundtrip_across_noncontiguous_pages() {
    let mut r = reg();
    // Three pages in reverse order, buffer starts 100 bytes into the first.
    let pages = vec![RAM + 0x5000, RAM + 0x1000, RAM + 0x9000];
    let size = 3 * PAGE - 100 - 50;
    r.register(7, pages, 100, size).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r.total_pages(), 3);

    let mut ram = FakeRam::default();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let buf = r.lookup(7, 0, size).unwrap();
    assert_eq!(buf.len(), size);
    assert_eq!(buf.cookie(), Some(7));
    buf.copy_out(&mut ram, &data).unwrap();
    // Byte 0 of the buffer sits at page 0 + 100; byte (4096 - 100) starts page 1.
    assert_eq!(ram.bytes[&(RAM + 0x5000 + 100)], data[0]);
    assert_eq!(ram.bytes[&(RAM + 0x1000)], data[(PAGE - 100) as usize]);
    assert_eq!(ram.bytes[&(RAM + 0x9000)], data[(2 * PAGE - 100) as usize]);
    assert!(!ram.bytes.contains_key(&(RAM + 0x5000 + 99)));
    assert_eq!(buf.copy_in(&ram).unwrap(), data);
    r.release(buf).unwrap();

    // Sub-range crossing a page boundary.
    let sub = r.lookup(7, PAGE - 110, 20).unwrap();
    let got = sub.copy_in(&ram).unwrap();
    assert_eq!(got, data[(PAGE - 110) as usize..(PAGE - 90) as usize]);
    r.release(sub).unwrap();
    assert_eq!(r.users(7), Some(0));
}

#[test]
fn copy_in_reads_each_byte_once() {
    let mut r = reg();
    r.register(1, vec![RAM, RAM + 0x3000], 4000, 200).unwrap();
    let ram = FakeRam::default();
    let b = r.lookup(1, 0, 200).unwrap();
    assert_eq!(b.copy_in(&ram).unwrap().len(), 200);
    let reads = ram.reads.borrow();
    assert_eq!(reads.len(), 200);
    assert!(reads.values().all(|&n| n == 1));
    assert!(reads.contains_key(&(RAM + 4000)) && reads.contains_key(&(RAM + 0x3000 + 103)));
    assert!(!reads.contains_key(&(RAM + 0x3000 + 104)));
}

#[test]
fn unaligned_page_rejected() {
    let mut r = reg();
    assert_eq!(
        r.register(1, vec![RAM + 8], 0, 16),
        Err(ShmError::Unaligned)
    );
    assert_eq!(
        r.register(1, vec![RAM, RAM + 0x1800], 0, PAGE + 1),
        Err(ShmError::Unaligned)
    );
    assert!(r.is_empty());
}

#[test]
fn page_in_secure_ram_rejected() {
    let mut r = reg();
    assert_eq!(
        r.register(1, vec![RAM, 0x0e00_0000], 0, 2 * PAGE),
        Err(ShmError::NotNonSecure)
    );
    assert_eq!(
        r.register(1, vec![0x0eff_f000], 0, 1),
        Err(ShmError::NotNonSecure)
    );
    assert!(r.is_empty());
}

#[test]
fn secure_ram_inside_ns_range_still_rejected() {
    // Misconfigured layout where NS RAM would cover secure RAM: secure wins.
    let layout = MemLayout {
        ns_ram: 0..0x8000_0000,
        secure_ram: 0x0e00_0000..0x0f00_0000,
        static_shm: None,
    };
    let mut r = ShmRegistry::new(layout, RegistryLimits::default());
    assert_eq!(
        r.register(1, vec![0x0e00_1000], 0, 1),
        Err(ShmError::NotNonSecure)
    );
    assert_eq!(r.contiguous(0x0dff_fff0, 0x20), Err(ShmError::NotNonSecure));
    assert!(r.register(1, vec![0x0f00_0000], 0, 1).is_ok());
}

#[test]
fn page_outside_ram_rejected() {
    let mut r = reg();
    assert_eq!(
        r.register(1, vec![0x8000_0000], 0, 1),
        Err(ShmError::NotNonSecure)
    );
    assert_eq!(
        r.register(1, vec![0x3fff_f000], 0, 1),
        Err(ShmError::NotNonSecure)
    );
    assert_eq!(r.register(1, vec![0], 0, 1), Err(ShmError::NotNonSecure));
    // Last page of RAM is fine.
    assert!(r.register(1, vec![0x7fff_f000], 0, 1).is_ok());
}

#[test]
fn page_at_top_of_address_space_does_not_wrap() {
    let layout = MemLayout {
        ns_ram: 0xffff_ffff_ffff_0000..u64::MAX,
        secure_ram: 0..0x1000,
        static_shm: None,
    };
    let mut r = ShmRegistry::new(layout, RegistryLimits::default());
    assert_eq!(
        r.register(1, vec![0xffff_ffff_ffff_f000], 0, 1),
        Err(ShmError::Overflow)
    );
    assert_eq!(r.contiguous(u64::MAX - 4, 10), Err(ShmError::Overflow));
}

#[test]
fn size_mismatch_and_overflow_rejected() {
    let mut r = reg();
    // Too few pages.
    assert_eq!(
        r.register(1, vec![RAM], 0, PAGE + 1),
        Err(ShmError::SizeMismatch)
    );
    // Offset pushes the buffer into a second page.
    assert_eq!(
        r.register(1, vec![RAM], 1, PAGE),
        Err(ShmError::SizeMismatch)
    );
    // Too many pages.
    assert_eq!(
        r.register(1, vec![RAM, RAM + PAGE], 0, 10),
        Err(ShmError::SizeMismatch)
    );
    // Zero size.
    assert_eq!(r.register(1, vec![], 0, 0), Err(ShmError::SizeMismatch));
    // size + offset wraps.
    assert_eq!(
        r.register(1, vec![RAM], 4095, u64::MAX),
        Err(ShmError::Overflow)
    );
    assert_eq!(pages_needed(4095, u64::MAX - 4095), Ok(u64::MAX / PAGE + 1));
    assert!(r.is_empty());
}

#[test]
fn bad_page_offset_rejected() {
    let mut r = reg();
    assert_eq!(r.register(1, vec![RAM], 4096, 1), Err(ShmError::BadOffset));
    assert_eq!(
        r.register(1, vec![RAM], u32::MAX, 1),
        Err(ShmError::BadOffset)
    );
}

#[test]
fn duplicate_cookie_rejected() {
    let mut r = reg();
    r.register(9, vec![RAM], 0, 10).unwrap();
    assert_eq!(
        r.register(9, vec![RAM + PAGE], 0, 10),
        Err(ShmError::DuplicateCookie)
    );
    assert_eq!(r.len(), 1);
}

#[test]
fn unknown_cookie_and_double_unregister() {
    let mut r = reg();
    assert_eq!(r.lookup(5, 0, 1), Err(ShmError::UnknownCookie));
    assert_eq!(r.unregister(5), Err(ShmError::UnknownCookie));
    r.register(5, vec![RAM], 0, 10).unwrap();
    r.unregister(5).unwrap();
    assert_eq!(r.unregister(5), Err(ShmError::UnknownCookie));
    assert_eq!(r.lookup(5, 0, 1), Err(ShmError::UnknownCookie));
    assert_eq!(r.total_pages(), 0);
    assert_eq!(ShmError::UnknownCookie.tee_result(), 0xFFFF_0006);
}

#[test]
fn unregister_refused_while_in_use() {
    let mut r = reg();
    r.register(5, vec![RAM], 0, 10).unwrap();
    let a = r.lookup(5, 0, 4).unwrap();
    let b = r.lookup(5, 4, 6).unwrap();
    assert_eq!(r.users(5), Some(2));
    assert_eq!(r.unregister(5), Err(ShmError::Busy));
    assert_eq!(ShmError::Busy.tee_result(), 0xFFFF_000D);
    r.release(a).unwrap();
    assert_eq!(r.unregister(5), Err(ShmError::Busy));
    r.release(b).unwrap();
    r.unregister(5).unwrap();
    assert!(r.is_empty());
}

#[test]
fn lookup_beyond_buffer_rejected() {
    let mut r = reg();
    r.register(3, vec![RAM, RAM + PAGE], 10, PAGE).unwrap();
    assert_eq!(r.lookup(3, 0, PAGE + 1), Err(ShmError::OutOfBounds));
    assert_eq!(r.lookup(3, PAGE, 1), Err(ShmError::OutOfBounds));
    assert_eq!(r.lookup(3, u64::MAX, 2), Err(ShmError::Overflow));
    assert_eq!(r.lookup(3, 1, u64::MAX), Err(ShmError::Overflow));
    // Failed lookups do not count as users.
    assert_eq!(r.users(3), Some(0));
    // Exactly to the end is fine, and the empty view at the end too.
    let b = r.lookup(3, 0, PAGE).unwrap();
    r.release(b).unwrap();
    let e = r.lookup(3, PAGE, 0).unwrap();
    assert!(e.is_empty());
    r.release(e).unwrap();
}

#[test]
fn short_and_long_views_hold_only_their_pages() {
    // Views of a page or two keep their page list inline, longer ones on the
    // heap; either way a view reaches exactly its own bytes and the pages
    // under them, never the rest of the registered buffer.
    let mut r = reg();
    let pages = vec![RAM + 0x5000, RAM + 0x1000, RAM + 0x9000, RAM + 0x3000];
    r.register(9, pages, 0, 4 * PAGE).unwrap();
    let mut ram = FakeRam::default();
    ram.write(RAM + 0x1000 + PAGE - 1, &[0xaa]).unwrap();
    ram.write(RAM + 0x9000, &[0xbb]).unwrap();
    ram.write(RAM + 0x3000 + 7, &[0xcc]).unwrap();
    // Two pages, inline: the last byte of the second page and the first of
    // the third.
    let short = r.lookup(9, 2 * PAGE - 1, 2).unwrap();
    let mut two = [0u8; 2];
    short.read_at(&ram, 0, &mut two).unwrap();
    assert_eq!(two, [0xaa, 0xbb]);
    assert_eq!(short.read_at(&ram, 1, &mut two), Err(ShmError::OutOfBounds));
    let (offset, under) = r.pages_of(&short).unwrap();
    assert_eq!(
        (offset, &under[..]),
        (PAGE - 1, &[RAM + 0x1000, RAM + 0x9000][..])
    );
    // Three pages, on the heap.
    let long = r.lookup(9, PAGE + 5, 2 * PAGE + 3).unwrap();
    let mut last = [0u8; 1];
    long.read_at(&ram, 2 * PAGE + 2, &mut last).unwrap();
    assert_eq!(last, [0xcc]);
    assert_eq!(
        long.read_at(&ram, 2 * PAGE + 3, &mut last),
        Err(ShmError::OutOfBounds)
    );
    let (offset, under) = r.pages_of(&long).unwrap();
    assert_eq!(
        (offset, &under[..]),
        (5, &[RAM + 0x1000, RAM + 0x9000, RAM + 0x3000][..])
    );
    // Offsets past the buffer are refused, inline or not.
    assert_eq!(r.lookup(9, 4 * PAGE - 1, 2), Err(ShmError::OutOfBounds));
    assert_eq!(r.lookup(9, 4 * PAGE + 1, 0), Err(ShmError::OutOfBounds));
    assert_eq!(r.lookup(9, PAGE, 3 * PAGE + 1), Err(ShmError::OutOfBounds));
    assert_eq!(r.users(9), Some(2));
    r.release(short).unwrap();
    r.release(long).unwrap();
    assert_eq!(r.users(9), Some(0));
}

#[test]
fn view_accessors_check_bounds_and_wrap() {
    let mut r = reg();
    r.register(3, vec![RAM + 0x2000], 0, 64).unwrap();
    let mut ram = FakeRam::default();
    let b = r.lookup(3, 16, 32).unwrap();
    let mut out = [0u8; 8];
    assert_eq!(b.read_at(&ram, 25, &mut out), Err(ShmError::OutOfBounds));
    assert_eq!(
        b.read_at(&ram, u64::MAX - 3, &mut out),
        Err(ShmError::Overflow)
    );
    assert_eq!(
        b.write_at(&mut ram, 30, &[1, 2, 3]),
        Err(ShmError::OutOfBounds)
    );
    assert_eq!(b.copy_out(&mut ram, &[0u8; 33]), Err(ShmError::ShortBuffer));
    assert_eq!(
        b.read_into(&ram, &mut [0u8; 33]),
        Err(ShmError::ShortBuffer)
    );
    assert!(
        ram.bytes.is_empty(),
        "rejected writes must not touch memory"
    );
    b.write_at(&mut ram, 24, &[0xaa; 8]).unwrap();
    assert_eq!(ram.bytes[&(RAM + 0x2000 + 40)], 0xaa);
    b.read_into(&ram, &mut out).unwrap();
    assert_eq!(out, [0; 8]);
    r.release(b).unwrap();
}

#[test]
fn backend_errors_propagate() {
    let mut r = reg();
    r.register(3, vec![RAM], 0, 64).unwrap();
    let ram = FakeRam {
        limit: Some(RAM + 10),
        ..FakeRam::default()
    };
    let b = r.lookup(3, 0, 64).unwrap();
    let e = b.copy_in(&ram).unwrap_err();
    assert_eq!(e, ShmError::Mem(MemError::OutOfRange));
    assert_eq!(e.tee_result(), 0xFFFF_0000);
    r.release(b).unwrap();
}

#[test]
fn capacity_limits_hold() {
    let mut r = small_reg(2, 2, 3);
    assert_eq!(
        r.register(1, vec![RAM, RAM + PAGE, RAM + 2 * PAGE], 0, 3 * PAGE),
        Err(ShmError::NoSpace)
    );
    r.register(1, vec![RAM, RAM + PAGE], 0, 2 * PAGE).unwrap();
    assert_eq!(
        r.register(2, vec![RAM, RAM + PAGE], 0, 2 * PAGE),
        Err(ShmError::NoSpace)
    );
    r.register(2, vec![RAM], 0, 1).unwrap();
    assert_eq!(r.register(3, vec![RAM], 0, 1), Err(ShmError::NoSpace));
    assert_eq!(ShmError::NoSpace.tee_result(), 0xFFFF_000C);
    r.unregister(1).unwrap();
    r.register(3, vec![RAM], 0, 1).unwrap();
    assert_eq!(r.total_pages(), 2);
}

#[test]
fn contiguous_ranges() {
    let r = reg();
    let b = r.contiguous(RAM + 3, 100).unwrap();
    assert_eq!(b.contiguous_pa(), Some(RAM + 3));
    assert_eq!(b.cookie(), None);
    // Static SHM is inside NS RAM on QEMU; ranges straddling the end of RAM are rejected.
    assert!(r.contiguous(0x4200_0000, 0x20_0000).is_ok());
    assert_eq!(r.contiguous(0x7fff_fff0, 0x20), Err(ShmError::NotNonSecure));
    assert_eq!(r.contiguous(0x0e00_0000, 8), Err(ShmError::NotNonSecure));
    assert_eq!(r.contiguous(RAM, 0), Err(ShmError::SizeMismatch));
    let mut ram = FakeRam::default();
    b.copy_out(&mut ram, b"hello").unwrap();
    assert_eq!(b.copy_in(&ram).unwrap()[..5], *b"hello");
}

#[test]
fn static_shm_outside_ns_ram_is_accepted() {
    let layout = MemLayout {
        ns_ram: 0x4000_0000..0x4100_0000,
        secure_ram: 0x0e00_0000..0x0f00_0000,
        static_shm: Some(0x4200_0000..0x4220_0000),
    };
    let r = ShmRegistry::new(layout, RegistryLimits::default());
    assert!(r.contiguous(0x4210_0000, 64).is_ok());
    assert_eq!(r.contiguous(0x421f_fff0, 0x20), Err(ShmError::NotNonSecure));
    assert_eq!(r.contiguous(0x4100_0000, 8), Err(ShmError::NotNonSecure));
}

#[test]
fn call_arg_rules() {
    let r = reg();
    // Static SHM: 8-byte aligned, may be anywhere inside the area.
    assert!(r.call_arg(0x4200_0008, 224).is_ok());
    assert_eq!(r.call_arg(0x4200_0004, 224), Err(ShmError::Unaligned));
    // Elsewhere: page aligned and within one page.
    assert!(r.call_arg(0x5000_0000, 4096).is_ok());
    assert_eq!(r.call_arg(0x5000_0008, 224), Err(ShmError::Unaligned));
    assert_eq!(r.call_arg(0x5000_0000, 4097), Err(ShmError::OutOfBounds));
    assert_eq!(r.call_arg(0x0e00_0000, 224), Err(ShmError::NotNonSecure));
    assert_eq!(r.call_arg(0x0e00_0000, 224).unwrap_err().smc_return(), 4);
    assert_eq!(ShmError::NoSpace.smc_return(), 6);
}

fn write_u64s(ram: &mut FakeRam, pa: u64, words: &[u64]) {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    ram.write(pa, &bytes).unwrap();
}

#[test]
fn page_list_single_and_chained() {
    let r = reg();
    let mut ram = FakeRam::default();
    // 1000 data pages at RAM + 0x100_0000 + i * 4096, list pages at RAM + 0x1000 and RAM + 0x8000.
    let data: Vec<u64> = (0..1000).map(|i| RAM + 0x100_0000 + i * PAGE).collect();
    let mut first: Vec<u64> = data[..511].to_vec();
    first.push(RAM + 0x8000);
    write_u64s(&mut ram, RAM + 0x1000, &first);
    write_u64s(&mut ram, RAM + 0x8000, &data[511..]);
    // Junk after the used entries must not be used.
    write_u64s(&mut ram, RAM + 0x8000 + 489 * 8, &[0xdead_0000]);
    let size = 1000 * PAGE - 0x123 - 7;
    let (pages, off) = r.read_page_list(&ram, RAM + 0x1000 + 0x123, size).unwrap();
    assert_eq!(off, 0x123);
    assert_eq!(pages, data);
    let mut reg = reg();
    reg.register(11, pages, off, size).unwrap();

    // One list page, three data pages; no link read.
    let mut ram = FakeRam::default();
    write_u64s(
        &mut ram,
        RAM + 0x2000,
        &[RAM + 0xa000, RAM + 0xb000, RAM + 0xc000],
    );
    let (pages, off) = r.read_page_list(&ram, RAM + 0x2000, 3 * PAGE).unwrap();
    assert_eq!((pages.len(), off), (3, 0));
    // One list page read (whole, once); no link followed.
    assert_eq!(ram.reads.borrow().len(), 4096);
}

#[test]
fn page_list_hostile() {
    let r = small_reg(4, 600, 1000);
    let mut ram = FakeRam::default();
    // List page in secure RAM.
    assert_eq!(
        r.read_page_list(&ram, 0x0e00_0000, 10),
        Err(ShmError::NotNonSecure)
    );
    // Outside RAM.
    assert_eq!(
        r.read_page_list(&ram, 0x9000_0000, 10),
        Err(ShmError::NotNonSecure)
    );
    // Link to a secure page.
    let mut first: Vec<u64> = (0..511).map(|i| RAM + 0x10_0000 + i * PAGE).collect();
    first.push(0x0e00_1000);
    write_u64s(&mut ram, RAM + 0x1000, &first);
    assert_eq!(
        r.read_page_list(&ram, RAM + 0x1000, 520 * PAGE),
        Err(ShmError::NotNonSecure)
    );
    // Unaligned link.
    first[511] = RAM + 0x2008;
    write_u64s(&mut ram, RAM + 0x1000, &first);
    assert_eq!(
        r.read_page_list(&ram, RAM + 0x1000, 520 * PAGE),
        Err(ShmError::Unaligned)
    );
    // More pages than allowed per buffer: refused before anything is read.
    let ram2 = FakeRam::default();
    assert_eq!(
        r.read_page_list(&ram2, RAM + 0x1000, 601 * PAGE),
        Err(ShmError::NoSpace)
    );
    assert!(ram2.reads.borrow().is_empty());
    // Wrapping size, zero size.
    assert_eq!(
        r.read_page_list(&ram2, RAM + 0x1fff, u64::MAX),
        Err(ShmError::Overflow)
    );
    assert_eq!(
        r.read_page_list(&ram2, RAM + 0x1000, 0),
        Err(ShmError::SizeMismatch)
    );
}

#[test]
fn nsbuf_is_not_forgeable_from_outside() {
    // NsBuf has no public constructor; the only way is the registry. This test documents the
    // API surface: a contiguous view for a validated range compares equal to another one.
    let r = reg();
    let a: NsBuf = r.contiguous(RAM, 8).unwrap();
    let b: NsBuf = r.contiguous(RAM, 8).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, r.contiguous(RAM, 9).unwrap());
}

/// `pages_of` with the page list as a vector, to compare.
fn pages_of(r: &ShmRegistry, v: &NsBuf) -> Result<(u64, Vec<u64>), ShmError> {
    r.pages_of(v).map(|(o, p)| (o, p.to_vec()))
}

#[test]
fn pages_of_views_for_mapping() {
    let mut r = reg();
    // A registered buffer 100 bytes into its first page; views keep the offset of their
    // first byte and list exactly the pages under them.
    let pages = vec![RAM + 0x5000, RAM + 0x1000, RAM + 0x9000];
    r.register(7, pages.clone(), 100, 3 * PAGE - 150).unwrap();
    let whole = r.lookup(7, 0, 3 * PAGE - 150).unwrap();
    assert_eq!(pages_of(&r, &whole).unwrap(), (100, pages.clone()));
    let mid = r.lookup(7, PAGE - 100 + 8, 10).unwrap();
    assert_eq!(pages_of(&r, &mid).unwrap(), (8, vec![RAM + 0x1000]));
    let across = r.lookup(7, PAGE - 110, 20).unwrap();
    assert_eq!(
        pages_of(&r, &across).unwrap(),
        (PAGE - 10, vec![RAM + 0x5000, RAM + 0x1000])
    );
    let empty = r.lookup(7, 5, 0).unwrap();
    assert_eq!(pages_of(&r, &empty).unwrap(), (105, vec![]));
    for v in [whole, mid, across, empty] {
        r.release(v).unwrap();
    }
    assert_eq!(r.users(7), Some(0));

    // Contiguous views: the page-rounded range.
    let c = r.contiguous(RAM + 0x1ff0, 0x20).unwrap();
    assert_eq!(
        pages_of(&r, &c).unwrap(),
        (0xff0, vec![RAM + 0x1000, RAM + 0x2000])
    );
    let c = r.contiguous(RAM + 0x3000, PAGE).unwrap();
    assert_eq!(pages_of(&r, &c).unwrap(), (0, vec![RAM + 0x3000]));

    // Rounding must not reach memory that is not the normal world's: here RAM ends
    // mid-page, right after the buffer.
    let odd = ShmRegistry::new(
        MemLayout {
            ns_ram: RAM..RAM + 0x1800,
            secure_ram: 0x0e00_0000..0x0f00_0000,
            static_shm: None,
        },
        RegistryLimits::default(),
    );
    let c = odd.contiguous(RAM + 0x1000, 0x100).unwrap();
    assert_eq!(pages_of(&odd, &c), Err(ShmError::NotNonSecure));
    let c = odd.contiguous(RAM + 0x10, 0x100).unwrap();
    assert_eq!(pages_of(&odd, &c).unwrap(), (0x10, vec![RAM]));
}
