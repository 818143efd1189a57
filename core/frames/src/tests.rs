use crate::{FrameAllocator, FrameError, FrameRange, Owner, FRAME_SIZE};

const BASE: u64 = 0x0e20_0000;
const A: Owner = Owner(1);
const B: Owner = Owner(2);

/// 2 words = up to 128 frames, 8 live allocations.
type Small = FrameAllocator<2, 8>;

fn region(frames: u64) -> Small {
    Small::with_region(BASE, frames * FRAME_SIZE).expect("valid region")
}

fn at(index: u64, frames: u64) -> FrameRange {
    FrameRange::new(BASE + index * FRAME_SIZE, frames).expect("valid range")
}

#[test]
fn init_checks() {
    assert_eq!(
        Small::with_region(BASE + 1, 4 * FRAME_SIZE).err(),
        Some(FrameError::Misaligned)
    );
    assert_eq!(
        Small::with_region(BASE, FRAME_SIZE - 1).err(),
        Some(FrameError::Empty)
    );
    assert_eq!(
        Small::with_region(BASE, 129 * FRAME_SIZE).err(),
        Some(FrameError::TooLarge)
    );
    assert_eq!(
        Small::with_region(u64::MAX - 0xfff, 2 * FRAME_SIZE).err(),
        Some(FrameError::Overflow)
    );
    // A partial trailing frame is ignored.
    let a = Small::with_region(BASE, 3 * FRAME_SIZE + 100).expect("region");
    assert_eq!(a.stats().total, 3);
    // Re-init refused while something is allocated.
    let mut a = region(4);
    let r = a.alloc(A, 1).expect("frame");
    assert_eq!(a.init(BASE, 8 * FRAME_SIZE), Err(FrameError::Busy));
    a.free(r).expect("free");
    assert_eq!(a.init(BASE, 8 * FRAME_SIZE), Ok(()));
    assert_eq!(a.stats().total, 8);
}

#[test]
fn empty_allocator_refuses() {
    let mut a = Small::new();
    assert_eq!(a.alloc(A, 1), None);
    assert_eq!(a.free(at(0, 1)), Err(FrameError::Foreign));
    assert_eq!(a.stats().failed, 1);
}

#[test]
fn range_constructor() {
    assert_eq!(FrameRange::new(0x1001, 1), Err(FrameError::Misaligned));
    assert_eq!(FrameRange::new(0x1000, 0), Err(FrameError::Empty));
    assert_eq!(FrameRange::new(!0xfff, 1), Err(FrameError::Overflow));
    let r = FrameRange::new(0x4000, 3).expect("range");
    assert_eq!(
        (r.start(), r.frames(), r.size(), r.end()),
        (0x4000, 3, 0x3000, 0x7000)
    );
    let addrs: Vec<u64> = r.frame_addrs().collect();
    assert_eq!(addrs, [0x4000, 0x5000, 0x6000]);
}

#[test]
fn alloc_is_contiguous_first_fit() {
    let mut a = region(16);
    let r1 = a.alloc(A, 3).expect("r1");
    let r2 = a.alloc(B, 5).expect("r2");
    assert_eq!(r1, at(0, 3));
    assert_eq!(r2, at(3, 5));
    assert_eq!(a.owner_of(r2.start() + 2 * FRAME_SIZE), Some(B));
    assert_eq!(a.owner_of(r1.end() - 1), Some(A));
    assert_eq!(a.owner_of(BASE + 8 * FRAME_SIZE), None);
    assert_eq!(a.owner_of(BASE - 1), None);
    assert_eq!(a.alloc(A, 0), None);
}

#[test]
fn exhaustion() {
    let mut a = region(10);
    assert!(a.alloc(A, 11).is_none());
    let all = a.alloc(A, 10).expect("everything");
    assert_eq!(all, at(0, 10));
    assert!(a.alloc(A, 1).is_none());
    assert_eq!(a.stats().free, 0);
    assert_eq!(a.stats().failed, 2);
    a.free(all).expect("free");
    assert_eq!(a.alloc(B, 10), Some(at(0, 10)));
}

#[test]
fn record_table_exhaustion() {
    let mut a = region(64);
    for i in 0..8 {
        assert_eq!(a.alloc(A, 1), Some(at(i, 1)));
    }
    // Frames are free but the 8-entry record table is full.
    assert_eq!(a.alloc(A, 1), None);
    assert_eq!(a.stats().allocations, 8);
    assert_eq!(a.free(at(3, 1)), Ok(A));
    assert_eq!(a.alloc(B, 1), Some(at(3, 1)));
}

#[test]
fn fragmentation() {
    let mut a = region(12);
    let blocks: Vec<FrameRange> = (0..6).map(|_| a.alloc(A, 2).expect("block")).collect();
    // Free every other block: 6 free frames, largest hole 2.
    for b in blocks.iter().step_by(2) {
        a.free(*b).expect("free");
    }
    assert_eq!(a.stats().free, 6);
    assert_eq!(a.alloc(B, 3), None, "no hole of 3 frames");
    assert_eq!(a.alloc(B, 2), Some(at(0, 2)), "first hole reused");
    // Free blocks[1] (2..4): it joins the hole 4..6 into one run of 4.
    a.free(blocks[1]).expect("free");
    assert_eq!(a.alloc(B, 4), Some(at(2, 4)));
}

#[test]
fn scattered() {
    let mut a = region(12);
    let blocks: Vec<FrameRange> = (0..6).map(|_| a.alloc(A, 2).expect("block")).collect();
    for b in blocks.iter().step_by(2) {
        a.free(*b).expect("free");
    }
    let mut out = [at(0, 1); 4];
    // 5 frames over holes of 2, 2, 2: three pieces, the last one partial.
    assert_eq!(a.alloc_scattered(B, 5, &mut out), Some(3));
    assert_eq!(&out[..3], &[at(0, 2), at(4, 2), at(8, 1)]);
    assert_eq!(a.owned_frames(B), 5);
    assert_eq!(a.stats().free, 1);
    // Too few output slots: nothing changes.
    a.free_all(B);
    let before = a.stats();
    let mut two = [at(0, 1); 2];
    assert_eq!(a.alloc_scattered(B, 5, &mut two), None);
    assert_eq!(a.stats().free, before.free);
    assert_eq!(a.owned_frames(B), 0);
    // More than free: nothing changes.
    assert_eq!(a.alloc_scattered(B, 7, &mut out), None);
    assert_eq!(a.stats().free, 6);
    assert_eq!(a.alloc_scattered(B, 0, &mut out), None);
}

#[test]
fn double_free() {
    let mut a = region(8);
    let r = a.alloc(A, 2).expect("r");
    assert_eq!(a.free(r), Ok(A));
    assert_eq!(a.free(r), Err(FrameError::NotAllocated));
    assert_eq!(a.stats().free, 8);
}

#[test]
fn free_of_range_never_allocated() {
    let mut a = region(8);
    let r = a.alloc(A, 4).expect("r");
    // Inside the region, all frames free.
    assert_eq!(a.free(at(5, 2)), Err(FrameError::NotAllocated));
    // Part of an allocation.
    assert_eq!(a.free(at(1, 2)), Err(FrameError::Mismatch));
    // Allocation plus a free frame.
    assert_eq!(a.free(at(0, 5)), Err(FrameError::Mismatch));
    // Foreign: below, above, and running off the end of the region.
    assert_eq!(
        a.free(FrameRange::new(BASE - FRAME_SIZE, 1).expect("range")),
        Err(FrameError::Foreign)
    );
    assert_eq!(a.free(at(8, 1)), Err(FrameError::Foreign));
    assert_eq!(a.free(at(6, 3)), Err(FrameError::Foreign));
    // Nothing was released by the refused calls.
    assert_eq!(a.stats().free, 4);
    assert_eq!(a.free(r), Ok(A));
}

#[test]
fn spanning_two_allocations_is_refused() {
    let mut a = region(8);
    let r1 = a.alloc(A, 2).expect("r1");
    let r2 = a.alloc(A, 2).expect("r2");
    assert_eq!(a.free(at(0, 4)), Err(FrameError::Mismatch));
    assert_eq!(a.stats().free, 4);
    a.free(r1).expect("r1");
    a.free(r2).expect("r2");
}

#[test]
fn free_owned_checks_owner() {
    let mut a = region(8);
    let r = a.alloc(A, 2).expect("r");
    assert_eq!(a.free_owned(B, r), Err(FrameError::WrongOwner));
    assert_eq!(a.stats().free, 6);
    assert_eq!(a.free_owned(A, r), Ok(()));
    assert_eq!(a.stats().free, 8);
}

#[test]
fn free_all_releases_only_that_owner() {
    let mut a = region(32);
    let a1 = a.alloc(A, 3).expect("a1");
    let b1 = a.alloc(B, 2).expect("b1");
    let _a2 = a.alloc(A, 4).expect("a2");
    let mut out = [at(0, 1); 2];
    a.free(b1).expect("b1");
    a.alloc(B, 1).expect("b2");
    // Holes: frame 4 (between b2 and a2) and 9.. : two pieces.
    assert_eq!(a.alloc_scattered(A, 2, &mut out), Some(2));
    assert_eq!(out, [at(4, 1), at(9, 1)]);
    assert_eq!(a.owned_frames(A), 9);
    assert_eq!(a.free_all(A), 9);
    assert_eq!(a.owned_frames(A), 0);
    assert_eq!(a.owned_frames(B), 1);
    assert_eq!(a.stats().free, 31);
    assert_eq!(a.stats().allocations, 1);
    assert_eq!(a.free(a1), Err(FrameError::NotAllocated));
    assert_eq!(a.free_all(A), 0);
}

#[test]
fn counters() {
    let mut a = region(20);
    assert_eq!(a.stats().total, 20);
    assert_eq!(a.stats().free, 20);
    assert_eq!(a.stats().peak_used, 0);
    let r1 = a.alloc(A, 5).expect("r1");
    let r2 = a.alloc(A, 7).expect("r2");
    a.free(r1).expect("r1");
    let s = a.stats();
    assert_eq!((s.free, s.peak_used, s.allocations), (13, 12, 1));
    assert!(a.alloc(A, 14).is_none());
    assert_eq!(a.stats().failed, 1);
    a.reset_peak();
    assert_eq!(a.stats().peak_used, 7);
    a.free(r2).expect("r2");
    assert_eq!(a.stats().peak_used, 7, "peak does not drop on free");
    assert_eq!(a.stats().free, 20);
}

#[test]
fn aligned_alloc() {
    // Region starts 1 frame past a 4-frame boundary.
    let base = 0x10_1000;
    let mut a = Small::with_region(base, 16 * FRAME_SIZE).expect("region");
    let r = a.alloc_aligned(A, 2, 4).expect("aligned");
    assert_eq!(r.start() % (4 * FRAME_SIZE), 0);
    assert_eq!(r.start(), 0x10_4000);
    assert_eq!(
        a.alloc_aligned(A, 1, 3),
        None,
        "alignment not a power of two"
    );
    let r2 = a.alloc(B, 1).expect("unaligned fills the gap");
    assert_eq!(r2.start(), base);
}

#[test]
fn full_bitmap_word_boundaries() {
    // 128 frames: runs crossing the 64-bit word boundary.
    let mut a = region(128);
    let r1 = a.alloc(A, 60).expect("r1");
    let r2 = a.alloc(A, 10).expect("r2 crosses word");
    assert_eq!(r2, at(60, 10));
    let r3 = a.alloc(A, 58).expect("rest");
    assert_eq!(r3.end(), BASE + 128 * FRAME_SIZE);
    assert!(a.alloc(A, 1).is_none());
    a.free(r2).expect("r2");
    assert_eq!(a.alloc(B, 10), Some(at(60, 10)));
    a.free(r1).expect("r1");
}
