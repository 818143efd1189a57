//! The image's memory: its heap (the global allocator, on the linker's heap
//! region) and the normal world's RAM as the DT gave it.

use core::ops::Range;

use oxtee_arch::heap::{CountingHeap, HeapStats};
use oxtee_arch::ns_memory::NsMemory;

/// The core heap.
#[global_allocator]
pub static HEAP: CountingHeap = CountingHeap::empty();

/// Normal-world RAM, from the DT, checked against the board once (every
/// call needs it).
static NS_RAM: spin::Once<NsMemory> = spin::Once::new();

/// Heap statistics; `reset` restarts the peak and failure counters.
pub fn heap_stats(reset: bool) -> HeapStats {
    HEAP.stats(reset)
}

/// Records the normal world's RAM (cold boot, from the DT; later calls
/// change nothing).
pub fn set_ns_ram(ram: Range<u64>) {
    NS_RAM.call_once(|| NsMemory::new(ram));
}

/// The normal world's RAM, as accessible memory (none before the DT gave it).
pub fn ns_memory() -> NsMemory {
    NS_RAM.get().cloned().unwrap_or_else(|| NsMemory::new(0..0))
}
