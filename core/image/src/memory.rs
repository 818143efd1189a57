//! The image's memory: its heap (the global allocator, on the linker's heap
//! region) and the normal world's RAM as the DT gave it.

use core::ops::Range;
use core::sync::atomic::{AtomicU64, Ordering};

use oxtee_arch::heap::{CountingHeap, HeapStats};
use oxtee_arch::ns_memory::NsMemory;

/// The core heap.
#[global_allocator]
pub static HEAP: CountingHeap = CountingHeap::empty();

/// Normal-world RAM, from the DT.
static NS_RAM: AtomicU64 = AtomicU64::new(0);
static NS_RAM_END: AtomicU64 = AtomicU64::new(0);

/// Heap statistics; `reset` restarts the peak and failure counters.
pub fn heap_stats(reset: bool) -> HeapStats {
    HEAP.stats(reset)
}

/// Records the normal world's RAM (cold boot, from the DT).
pub fn set_ns_ram(ram: Range<u64>) {
    NS_RAM.store(ram.start, Ordering::Relaxed);
    NS_RAM_END.store(ram.end, Ordering::Relaxed);
}

/// The normal world's RAM, as accessible memory.
pub fn ns_memory() -> NsMemory {
    NsMemory::new(NS_RAM.load(Ordering::Relaxed)..NS_RAM_END.load(Ordering::Relaxed))
}
