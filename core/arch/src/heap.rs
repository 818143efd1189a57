//! The core heap: a linked-list allocator in TZDRAM, with the counters the
//! stats pseudo-TA reports (current and peak use, failed allocations).

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use linked_list_allocator::LockedHeap;

extern "C" {
    static __heap_start: u8;
    static __heap_end: u8;
}

/// The allocator and its statistics.
pub struct CountingHeap {
    heap: LockedHeap,
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
            heap: LockedHeap::empty(),
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
    // SAFETY: an `unsafe fn` because of the contract above; the only caller (`init_from_linker`) keeps it.
    unsafe fn init(&self, start: usize, size: usize) {
        // SAFETY: the caller's contract.
        unsafe { self.heap.lock().init(start as *mut u8, size) };
        self.size.store(size, Ordering::Relaxed);
    }

    /// Hands the heap region the linker script reserves
    /// (`[__heap_start, __heap_end)`) to this allocator. Only the first call
    /// in the program gets it (whichever heap makes it); later calls return
    /// `false` and change nothing.
    pub fn init_from_linker(&self) -> bool {
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

// SAFETY: allocation is delegated to `LockedHeap`, which is a correct allocator; the wrapper only counts sizes.
unsafe impl GlobalAlloc for CountingHeap {
    // SAFETY: `GlobalAlloc`'s contract (non-zero size layout) is forwarded unchanged.
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { self.heap.alloc(layout) };
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
        // SAFETY: `ptr` came from `alloc` with this layout (caller's contract).
        unsafe { self.heap.dealloc(ptr, layout) };
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}
