//! Copies between TA memory and parameter memory the kernel mapped for a call
//! (shared with the normal world, which may change it at any time: it is only
//! ever copied, never borrowed).

/// Copies `dst.len()` bytes from address `src` into `dst`.
///
/// # Safety
///
/// `[src, src + dst.len())` must be mapped readable and must not overlap `dst`.
pub(crate) unsafe fn copy_in(src: usize, dst: &mut [u8]) {
    if dst.is_empty() {
        return;
    }
    // SAFETY: the caller guarantees the source range is readable and disjoint.
    unsafe { core::ptr::copy_nonoverlapping(src as *const u8, dst.as_mut_ptr(), dst.len()) };
}

/// Copies `src` to address `dst`.
///
/// # Safety
///
/// `[dst, dst + src.len())` must be mapped writable and must not overlap `src`.
pub(crate) unsafe fn copy_out(dst: usize, src: &[u8]) {
    if src.is_empty() {
        return;
    }
    // SAFETY: the caller guarantees the destination range is writable and disjoint.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst as *mut u8, src.len()) };
}
