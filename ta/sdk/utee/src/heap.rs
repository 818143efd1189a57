//! The TA heap: `malloc`/`calloc`/`realloc`/`free`, `memalign` and
//! `TEE_Malloc`/`TEE_Realloc`/`TEE_Free` over the `TA_DATA_SIZE`-byte arena
//! the TA's header file reserves (`ta_heap`). Each block carries its size and
//! alignment in a 16-byte header just below the pointer handed out, because
//! C's `free` and `realloc` are not told them. A TA instance runs one entry
//! at a time, so the lock only catches re-entry, which is a bug.

use core::alloc::Layout;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::ptr::{null_mut, NonNull};
use core::sync::atomic::{AtomicBool, Ordering};

use linked_list_allocator::Heap;

/// Alignment of every block (`max_align_t` on AArch64) and size of its header.
pub const BLOCK_ALIGN: usize = 16;

use supplicant_proto::tee_api::{TEE_MALLOC_FILL_ZERO, TEE_MALLOC_NO_FILL, TEE_MALLOC_NO_SHARE};

struct TaHeap {
    heap: UnsafeCell<Heap>,
    ready: UnsafeCell<bool>,
    busy: AtomicBool,
}

// SAFETY: the cells are only touched between a successful acquire of `busy`
// and its release (`with_heap`), so never from two threads at once.
unsafe impl Sync for TaHeap {}

static HEAP: TaHeap = TaHeap {
    heap: UnsafeCell::new(Heap::empty()),
    ready: UnsafeCell::new(false),
    busy: AtomicBool::new(false),
};

fn with_heap<R>(f: impl FnOnce(&mut Heap) -> R) -> R {
    if HEAP
        .busy
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        crate::panic::tee_panic(supplicant_proto::tee_result::TEE_ERROR_BAD_STATE);
    }
    // SAFETY: `busy` is held (see the Sync impl). The arena is the TA's
    // `ta_heap`, used by nothing but this heap once claimed.
    let r = unsafe {
        let heap = &mut *HEAP.heap.get();
        let ready = &mut *HEAP.ready.get();
        if !*ready {
            let (arena, size) = crate::ta_symbols::heap_arena();
            heap.init(arena, size);
            *ready = true;
        }
        f(heap)
    };
    HEAP.busy.store(false, Ordering::Release);
    r
}

/// The layout of a block with `size` bytes of payload aligned to `align`
/// (a power of two, at least [`BLOCK_ALIGN`]); the payload starts `align`
/// bytes in, the header in the 16 bytes before it. `None` if too large.
pub fn block_layout(size: usize, align: usize) -> Option<Layout> {
    let total = size.max(1).checked_add(align)?;
    Layout::from_size_align(total, align).ok()
}

/// Allocates `size` bytes aligned to `align` (raised to [`BLOCK_ALIGN`]);
/// null if the heap has no room or `align` is not a power of two.
pub fn alloc_aligned(size: usize, align: usize) -> *mut c_void {
    let align = align.max(BLOCK_ALIGN);
    let Some(layout) = block_layout(size, align) else {
        return null_mut();
    };
    let Ok(block) = with_heap(|h| h.allocate_first_fit(layout)) else {
        return null_mut();
    };
    // SAFETY: the block is `align + size` bytes and `align >= 16`; the header
    // (size, align) fills the 16 bytes below the payload at `base + align`.
    unsafe {
        let payload = block.as_ptr().add(align);
        let header = payload.sub(BLOCK_ALIGN).cast::<usize>();
        header.write(size);
        header.add(1).write(align);
        payload.cast()
    }
}

/// Allocates `size` bytes; null if the heap has no room.
pub fn alloc(size: usize) -> *mut c_void {
    alloc_aligned(size, BLOCK_ALIGN)
}

/// The payload size and alignment of a block this heap returned.
///
/// # Safety
///
/// `p` must come from [`alloc_aligned`] and not be freed.
unsafe fn header(p: *mut c_void) -> (usize, usize) {
    // SAFETY: the header sits in the 16 bytes below the payload.
    unsafe {
        let h = p.cast::<u8>().sub(BLOCK_ALIGN).cast::<usize>();
        (h.read(), h.add(1).read())
    }
}

/// The payload size of a block this heap returned.
///
/// # Safety
///
/// As for [`header`].
unsafe fn payload_size(p: *mut c_void) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { header(p).0 }
}

/// Frees a block (`p` null: nothing).
///
/// # Safety
///
/// `p` is null or came from [`alloc`]/[`realloc`] and was not freed.
pub unsafe fn free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: forwarded from the caller; the header gives the block's layout.
    unsafe {
        let (size, align) = header(p);
        let base = p.cast::<u8>().sub(align);
        if let (Some(layout), Some(base)) = (block_layout(size, align), NonNull::new(base)) {
            with_heap(|h| h.deallocate(base, layout));
        }
    }
}

/// Resizes a block, keeping its first `min(old, new)` bytes; null (and the
/// old block untouched) if there is no room.
///
/// # Safety
///
/// As for [`free`].
pub unsafe fn realloc(p: *mut c_void, size: usize) -> *mut c_void {
    if p.is_null() {
        return alloc(size);
    }
    // SAFETY: forwarded from the caller.
    let old = unsafe { payload_size(p) };
    let new = alloc(size);
    if !new.is_null() {
        // SAFETY: both blocks are live and distinct; each holds at least the
        // number of bytes copied.
        unsafe {
            core::ptr::copy_nonoverlapping(p.cast::<u8>(), new.cast::<u8>(), old.min(size));
            free(p);
        }
    }
    new
}

/// `malloc(size)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub extern "C" fn malloc(size: usize) -> *mut c_void {
    alloc(size)
}

/// `calloc(n, size)`: zeroed; null on overflow.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub extern "C" fn calloc(n: usize, size: usize) -> *mut c_void {
    let Some(total) = n.checked_mul(size) else {
        return null_mut();
    };
    let p = alloc(total);
    if !p.is_null() {
        // SAFETY: the block has `total` writable bytes.
        unsafe { p.cast::<u8>().write_bytes(0, total) };
    }
    p
}

/// `realloc(p, size)`.
///
/// # Safety
///
/// `p` is null or a live block of this heap.
#[cfg_attr(target_os = "none", unsafe(export_name = "realloc"))]
pub unsafe extern "C" fn realloc_c(p: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: forwarded from the caller.
    unsafe { realloc(p, size) }
}

/// `memalign(align, size)`: null unless `align` is a power of two.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub extern "C" fn memalign(align: usize, size: usize) -> *mut c_void {
    alloc_aligned(size, align)
}

/// `aligned_alloc(align, size)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub extern "C" fn aligned_alloc(align: usize, size: usize) -> *mut c_void {
    alloc_aligned(size, align)
}

/// `posix_memalign(out, align, size)`: 0, or `ENOMEM` (12) / `EINVAL` (22).
///
/// # Safety
///
/// `out` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn posix_memalign(out: *mut *mut c_void, align: usize, size: usize) -> i32 {
    if !align.is_power_of_two() || align % core::mem::size_of::<usize>() != 0 || out.is_null() {
        return 22;
    }
    let p = alloc_aligned(size, align);
    if p.is_null() {
        return 12;
    }
    // SAFETY: `out` is writable.
    unsafe { *out = p };
    0
}

/// `free(p)`.
///
/// # Safety
///
/// `p` is null or a live block of this heap.
#[cfg_attr(target_os = "none", unsafe(export_name = "free"))]
pub unsafe extern "C" fn free_c(p: *mut c_void) {
    // SAFETY: forwarded from the caller.
    unsafe { free(p) }
}

/// `TEE_Malloc(size, hint)`: zero-filled (also for `TEE_MALLOC_NO_FILL`,
/// which allows either); every block is private to the TA, so
/// `TEE_MALLOC_NO_SHARE` changes nothing. Null for an unknown hint or no room.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_Malloc(size: usize, hint: u32) -> *mut c_void {
    if hint & !(TEE_MALLOC_FILL_ZERO | TEE_MALLOC_NO_FILL | TEE_MALLOC_NO_SHARE) != 0 {
        return null_mut();
    }
    calloc(1, size)
}

/// `TEE_Realloc(buffer, newSize)`: bytes beyond the old size are zero.
///
/// # Safety
///
/// `p` is null or a live block of this heap.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_Realloc(p: *mut c_void, size: usize) -> *mut c_void {
    let old = if p.is_null() {
        0
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { payload_size(p) }
    };
    // SAFETY: forwarded from the caller.
    let new = unsafe { realloc(p, size) };
    if !new.is_null() && size > old {
        // SAFETY: the new block has `size` bytes.
        unsafe { new.cast::<u8>().add(old).write_bytes(0, size - old) };
    }
    new
}

/// `TEE_Free(buffer)`.
///
/// # Safety
///
/// `p` is null or a live block of this heap.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_Free(p: *mut c_void) {
    // SAFETY: forwarded from the caller.
    unsafe { free(p) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_layout_adds_the_header_and_refuses_overflow() {
        let l = block_layout(10, BLOCK_ALIGN).unwrap();
        assert_eq!((l.size(), l.align()), (26, 16));
        let l = block_layout(10, 64).unwrap();
        assert_eq!((l.size(), l.align()), (74, 64), "payload at base + 64");
        assert_eq!(
            block_layout(0, 16).unwrap().size(),
            17,
            "a zero-size block is unique"
        );
        assert!(block_layout(usize::MAX, 16).is_none());
        assert!(block_layout(usize::MAX - 8, 16).is_none());
        assert!(block_layout(10, 48).is_none(), "not a power of two");
    }
}
