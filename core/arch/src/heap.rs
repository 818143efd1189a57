//! The core heap: two-level segregated fit (TLSF, the `rlsf` crate)
//! allocators in TZDRAM, with the counters the stats pseudo-TA reports
//! (current and peak use, failed allocations).
//!
//! TLSF allocates and frees in constant time: a call into a TA allocates
//! and frees a few dozen small blocks, and the first-fit list that served
//! them before walked its free blocks for each (about a sixth of the core's
//! work in a crypto call of a TA, by an exec trace under QEMU).
//!
//! The heap is two arenas. Allocations below [`LARGE_ALLOCATION`] bytes
//! (sessions, handles, table entries: many of them live as long as a TA
//! instance or a registration) come from the small arena, the first
//! 1/[`SMALL_ARENA_SHARE`] of the heap; larger ones (a TA file being
//! verified, storage blocks, object data) from the large arena, the rest.
//! With one first-fit list, small long-lived blocks placed in the hole a
//! freed large block leaves split the free space, so a later large request
//! can fail with most of the heap free (`tests::one_list_would_fail_the_same_pattern`).
//! When its arena is full an allocation tries the other one.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};

use rlsf::Tlsf;

/// One arena: TLSF with 2^FL_CLASSES x 32-byte blocks at most (32 MiB, more
/// than any board's core heap; a larger pool is split) and 16 classes per
/// power of two (a request takes a block at most 1/16 larger).
type Heap = Tlsf<'static, u32, u16, FL_CLASSES, 16>;
const FL_CLASSES: usize = 20;

/// An arena and the memory it was given.
struct Arena {
    tlsf: Heap,
    range: core::ops::Range<usize>,
}

impl Arena {
    const fn empty() -> Self {
        Self {
            tlsf: Tlsf::new(),
            range: 0..0,
        }
    }

    /// # Safety
    /// `[start, start + size)` is unused memory that outlives the arena and
    /// belongs to nothing else.
    #[cfg(any(target_os = "none", test))]
    // SAFETY: an `unsafe fn` because of the contract above; `CountingHeap::init` keeps it.
    unsafe fn init(&mut self, start: usize, size: usize) {
        self.range = start..start + size;
        if let Some(base) = NonNull::new(start as *mut u8) {
            let pool = NonNull::slice_from_raw_parts(base, size);
            // SAFETY: the caller gives the range to this arena alone, for its whole life.
            unsafe { self.tlsf.insert_free_block_ptr(pool) };
        }
    }
}

/// Allocations of at least this many bytes come from the large arena.
pub const LARGE_ALLOCATION: usize = 8 * 1024;

/// The small arena's part of the heap: one eighth (about 330 KB of the 2.6 MB on QEMU;
/// a few tens of KB are in use at any time).
pub const SMALL_ARENA_SHARE: usize = 8;

/// The two arenas.
struct Arenas {
    small: Arena,
    large: Arena,
}

// SAFETY: the arenas hold pointers into the heap region only, which they own, and are reached only through `CountingHeap`'s mutex, so moving them to another CPU's thread is sound.
unsafe impl Send for Arenas {}

impl Arenas {
    fn alloc(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let (first, second) = if layout.size() >= LARGE_ALLOCATION {
            (&mut self.large, &mut self.small)
        } else {
            (&mut self.small, &mut self.large)
        };
        first
            .tlsf
            .allocate(layout)
            .or_else(|| second.tlsf.allocate(layout))
    }

    /// # Safety
    /// `ptr` came from [`Arenas::alloc`] with `layout` and was not freed since.
    // SAFETY: an `unsafe fn` because of the contract above; `GlobalAlloc::dealloc`, its only caller, forwards its own caller's.
    unsafe fn dealloc(&mut self, ptr: NonNull<u8>, layout: Layout) {
        let addr = ptr.as_ptr() as usize;
        let arena = if self.small.range.contains(&addr) {
            &mut self.small
        } else {
            &mut self.large
        };
        // SAFETY: the block lies in the arena that handed it out (the arenas do not overlap), with the caller's layout.
        unsafe { arena.tlsf.deallocate(ptr, layout.align()) };
    }
}

/// The allocator and its statistics.
pub struct CountingHeap {
    arenas: spin::Mutex<Arenas>,
    size: AtomicUsize,
    used: AtomicUsize,
    peak: AtomicUsize,
    failures: AtomicUsize,
    biggest_failure: AtomicUsize,
    used_at_biggest_failure: AtomicUsize,
}

/// A snapshot of the heap statistics.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeapStats {
    /// Heap size in bytes.
    pub size: usize,
    /// Bytes allocated now.
    pub used: usize,
    /// Highest `used` since boot or the last reset.
    pub peak: usize,
    /// Allocations that failed.
    pub failures: usize,
    /// Size of the largest failed allocation.
    pub biggest_failure: usize,
    /// `used` when that failure happened.
    pub used_at_biggest_failure: usize,
}

impl CountingHeap {
    /// An empty heap (see [`CountingHeap::init_from_linker`]).
    pub const fn empty() -> Self {
        Self {
            arenas: spin::Mutex::new(Arenas {
                small: Arena::empty(),
                large: Arena::empty(),
            }),
            size: AtomicUsize::new(0),
            used: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            failures: AtomicUsize::new(0),
            biggest_failure: AtomicUsize::new(0),
            used_at_biggest_failure: AtomicUsize::new(0),
        }
    }

    /// Hands `[start, start + size)` to the allocator.
    ///
    /// # Safety
    /// The range must be unused memory reserved for the heap, and this must be
    /// called once, before any allocation.
    #[cfg(any(target_os = "none", test))]
    // SAFETY: an `unsafe fn` because of the contract above; the only caller (`init_from_linker`) keeps it.
    unsafe fn init(&self, start: usize, size: usize) {
        // Page-aligned split, so the large arena starts on a page.
        let small = (size / SMALL_ARENA_SHARE) & !0xfff;
        let mut arenas = self.arenas.lock();
        // SAFETY: the caller's contract; the two ranges split it without overlap.
        unsafe {
            arenas.small.init(start, small);
            arenas.large.init(start + small, size - small);
        }
        self.size.store(size, Ordering::Relaxed);
    }

    /// Hands the heap region the linker script reserves
    /// (`[__heap_start, __heap_end)`) to this allocator. Only the first call
    /// in the program gets it (whichever heap makes it); later calls return
    /// `false` and change nothing.
    #[cfg(target_os = "none")]
    pub fn init_from_linker(&self) -> bool {
        use core::sync::atomic::AtomicBool;
        extern "C" {
            static __heap_start: u8;
            static __heap_end: u8;
        }
        static GIVEN: AtomicBool = AtomicBool::new(false);
        if GIVEN.swap(true, Ordering::AcqRel) {
            return false;
        }
        let start = core::ptr::addr_of!(__heap_start) as usize;
        let end = core::ptr::addr_of!(__heap_end) as usize;
        // SAFETY: the linker script reserves [__heap_start, __heap_end) inside TZDRAM for the heap only, and GIVEN hands it out once, before this heap has allocated anything (an empty heap fails every allocation).
        unsafe { self.init(start, end - start) };
        true
    }

    /// Current statistics; `reset` restarts the peak and failure counters.
    pub fn stats(&self, reset: bool) -> HeapStats {
        let s = HeapStats {
            size: self.size.load(Ordering::Relaxed),
            used: self.used.load(Ordering::Relaxed),
            peak: self.peak.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            biggest_failure: self.biggest_failure.load(Ordering::Relaxed),
            used_at_biggest_failure: self.used_at_biggest_failure.load(Ordering::Relaxed),
        };
        if reset {
            self.peak.store(s.used, Ordering::Relaxed);
            self.failures.store(0, Ordering::Relaxed);
            self.biggest_failure.store(0, Ordering::Relaxed);
            self.used_at_biggest_failure.store(0, Ordering::Relaxed);
        }
        s
    }
}

// SAFETY: allocation is delegated to TLSF arenas over disjoint ranges, and each block goes back to the one that gave it; the wrapper only routes and counts.
unsafe impl GlobalAlloc for CountingHeap {
    // SAFETY: `GlobalAlloc`'s contract (non-zero size layout) is forwarded unchanged.
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self
            .arenas
            .lock()
            .alloc(layout)
            .map_or(core::ptr::null_mut(), NonNull::as_ptr);
        if p.is_null() {
            self.failures.fetch_add(1, Ordering::Relaxed);
            if layout.size() > self.biggest_failure.load(Ordering::Relaxed) {
                self.biggest_failure.store(layout.size(), Ordering::Relaxed);
                self.used_at_biggest_failure
                    .store(self.used.load(Ordering::Relaxed), Ordering::Relaxed);
            }
        } else {
            let now = self.used.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    // SAFETY: `GlobalAlloc`'s contract (`ptr` from `alloc` with `layout`) is forwarded unchanged.
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            // SAFETY: `ptr` came from `alloc` with this layout (caller's contract).
            unsafe { self.arenas.lock().dealloc(ptr, layout) };
        }
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIB: usize = 1024;

    /// A heap over `size` leaked bytes, 4 KiB aligned.
    fn heap(size: usize) -> CountingHeap {
        let mem = Box::leak(vec![0u64; size / 8 + 512].into_boxed_slice());
        let start = (mem.as_mut_ptr() as usize + 4095) & !4095;
        let h = CountingHeap::empty();
        // SAFETY: the leaked buffer is used by nothing else and outlives the heap; it holds `size` bytes from `start`.
        unsafe { h.init(start, size) };
        h
    }

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 8).unwrap()
    }

    /// What the pattern below needs of an allocator.
    trait Allocator {
        fn get(&mut self, l: Layout) -> *mut u8;
        fn put(&mut self, p: *mut u8, l: Layout);
    }

    impl Allocator for &CountingHeap {
        fn get(&mut self, l: Layout) -> *mut u8 {
            // SAFETY: the layouts here are not zero-sized.
            unsafe { self.alloc(l) }
        }
        fn put(&mut self, p: *mut u8, l: Layout) {
            // SAFETY: `p` came from `get(l)` on this heap.
            unsafe { self.dealloc(p, l) }
        }
    }

    impl Allocator for linked_list_allocator::Heap {
        fn get(&mut self, l: Layout) -> *mut u8 {
            self.allocate_first_fit(l)
                .map_or(core::ptr::null_mut(), NonNull::as_ptr)
        }
        fn put(&mut self, p: *mut u8, l: Layout) {
            // SAFETY: `p` came from `get(l)` on this heap.
            unsafe { self.deallocate(NonNull::new(p).unwrap(), l) }
        }
    }

    /// The allocations of TA files loaded while small, long-lived blocks are
    /// created (sessions, handles): a big block, small ones, the big one
    /// freed, a medium one, more small ones, the medium one freed. Then the
    /// largest block still to be had: `true` when 700 KiB of the 1 MiB are.
    fn pattern(a: &mut dyn Allocator) -> bool {
        for big in [600 * KIB, 300 * KIB] {
            let p = a.get(layout(big));
            assert!(!p.is_null());
            for _ in 0..4 {
                assert!(!a.get(layout(256)).is_null());
            }
            a.put(p, layout(big));
        }
        !a.get(layout(700 * KIB)).is_null()
    }

    #[test]
    fn small_long_lived_blocks_do_not_split_the_large_arena() {
        let h = heap(1024 * KIB);
        assert!(pattern(&mut &h));
        assert_eq!(h.stats(false).used, 8 * 256 + 700 * KIB);
    }

    #[test]
    fn one_list_would_fail_the_same_pattern() {
        // The same pattern on a single first-fit list of the same size: the
        // reason for the two arenas (and proof the test above can fail).
        let mem = Box::leak(vec![0u64; 1024 * KIB / 8].into_boxed_slice());
        let (bottom, size) = (mem.as_mut_ptr().cast(), 1024 * KIB);
        // SAFETY: the leaked buffer is used by nothing else and outlives the heap.
        let mut one = unsafe { linked_list_allocator::Heap::new(bottom, size) };
        assert!(!pattern(&mut one));
    }

    #[test]
    fn a_full_arena_borrows_from_the_other() {
        let h = heap(64 * KIB);
        // Small blocks beyond the small arena's 8 KiB land in the large one.
        let blocks: Vec<*mut u8> = (0..40)
            // SAFETY: a non-zero layout.
            .map(|_| unsafe { h.alloc(layout(1024)) })
            .collect();
        assert!(blocks.iter().all(|p| !p.is_null()));
        for p in &blocks {
            // SAFETY: each came from `h.alloc(layout(1024))`.
            unsafe { h.dealloc(*p, layout(1024)) };
        }
        assert_eq!(h.stats(false).used, 0);
        // Everything went back where it came from: the large arena is whole.
        // SAFETY: a non-zero layout.
        let p = unsafe { h.alloc(layout(48 * KIB)) };
        assert!(!p.is_null());
        // Too big for either arena: a failure, counted.
        // SAFETY: a non-zero layout.
        assert!(unsafe { h.alloc(layout(60 * KIB)) }.is_null());
        assert_eq!(h.stats(false).failures, 1);
        assert_eq!(h.stats(false).biggest_failure, 60 * KIB);
    }
}
