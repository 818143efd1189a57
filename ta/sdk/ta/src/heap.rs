//! The TA's global allocator: first fit over a fixed arena in `.bss` whose size
//! the TA declares (`heap_size` in [`crate::ta!`], reported as `gpd.ta.dataSize`).
//! A TA instance runs one entry at a time, so the lock only guards against
//! re-entry (an allocation from inside the allocator is a bug and panics).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::ptr::{null_mut, NonNull};
use core::sync::atomic::{AtomicBool, Ordering};

use linked_list_allocator::Heap;

/// A heap of `N` bytes, usable as `#[global_allocator]`.
pub struct TaAllocator<const N: usize> {
    arena: UnsafeCell<MaybeUninit<[u8; N]>>,
    heap: UnsafeCell<Heap>,
    ready: UnsafeCell<bool>,
    busy: AtomicBool,
}

// SAFETY: every access to the cells happens between a successful acquire of
// `busy` and its release (`with_heap`), so no two threads touch them at once.
unsafe impl<const N: usize> Sync for TaAllocator<N> {}

impl<const N: usize> TaAllocator<N> {
    /// An empty allocator (the arena is claimed on the first allocation).
    pub const fn new() -> Self {
        TaAllocator {
            arena: UnsafeCell::new(MaybeUninit::uninit()),
            heap: UnsafeCell::new(Heap::empty()),
            ready: UnsafeCell::new(false),
            busy: AtomicBool::new(false),
        }
    }

    /// Bytes of the arena.
    pub const fn size(&self) -> usize {
        N
    }

    /// Bytes currently free (for tests and statistics).
    pub fn free(&self) -> usize {
        self.with_heap(|h| h.free())
    }

    fn with_heap<R>(&self, f: impl FnOnce(&mut Heap) -> R) -> R {
        if self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            panic!("TA heap re-entered");
        }
        // SAFETY: `busy` is held, so this is the only live reference to the cells
        // (see the Sync impl); the arena is used only by the heap, once claimed.
        let r = unsafe {
            let heap = &mut *self.heap.get();
            let ready = &mut *self.ready.get();
            if !*ready {
                heap.init(self.arena.get().cast::<u8>(), N);
                *ready = true;
            }
            f(heap)
        };
        self.busy.store(false, Ordering::Release);
        r
    }
}

impl<const N: usize> Default for TaAllocator<N> {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: allocations come from the heap, which hands out disjoint, suitably
// aligned blocks of its arena; deallocation returns a block allocated here with
// the same layout (GlobalAlloc's contract on the caller).
unsafe impl<const N: usize> GlobalAlloc for TaAllocator<N> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.with_heap(|h| {
            h.allocate_first_fit(layout)
                .map_or(null_mut(), |p| p.as_ptr())
        })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(p) = NonNull::new(ptr) {
            // SAFETY: the caller passes a block this allocator returned for `layout`.
            self.with_heap(|h| unsafe { h.deallocate(p, layout) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn allocates_until_full_then_refuses_and_recovers() {
        static HEAP: TaAllocator<8192> = TaAllocator::new();
        let layout = Layout::from_size_align(256, 16).unwrap();
        let mut blocks = Vec::new();
        loop {
            // SAFETY: non-zero layout; blocks are freed below with it.
            let p = unsafe { HEAP.alloc(layout) };
            if p.is_null() {
                break;
            }
            assert_eq!(p as usize % 16, 0, "alignment");
            // SAFETY: the block is 256 writable bytes.
            unsafe { p.write_bytes(blocks.len() as u8, 256) };
            blocks.push(p);
        }
        assert!(
            blocks.len() >= 20 && blocks.len() <= 32,
            "{} blocks",
            blocks.len()
        );
        let arena = HEAP.arena.get() as usize..HEAP.arena.get() as usize + 8192;
        for (i, &p) in blocks.iter().enumerate() {
            assert!(arena.contains(&(p as usize)) && arena.contains(&(p as usize + 255)));
            // SAFETY: still allocated; no block overlapped another's pattern.
            assert!(unsafe { core::slice::from_raw_parts(p, 256) }
                .iter()
                .all(|&b| b == i as u8));
        }
        for p in blocks.drain(..) {
            // SAFETY: allocated above with `layout`.
            unsafe { HEAP.dealloc(p, layout) };
        }
        assert_eq!(HEAP.free(), HEAP.size(), "everything returned");
        let big = Layout::from_size_align(4096, 8).unwrap();
        // SAFETY: non-zero layout, freed right after.
        let p = unsafe { HEAP.alloc(big) };
        assert!(!p.is_null(), "coalesced after freeing");
        // SAFETY: allocated above with `big`.
        unsafe { HEAP.dealloc(p, big) };
        let too_big = Layout::from_size_align(8193, 8).unwrap();
        // SAFETY: non-zero layout.
        assert!(unsafe { HEAP.alloc(too_big) }.is_null());
    }
}
