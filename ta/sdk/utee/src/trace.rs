//! The console side of the kit's trace macros and `printf`: the C part of
//! libutils (`trace_printf`, formatting, which stable Rust cannot define as
//! variadic functions) hands finished text to `trace_ext_puts`.

use core::ffi::c_char;

/// Longest text written in one system call; longer text goes in pieces.
const CHUNK: usize = 512;

/// `trace_ext_puts(str)`: writes a NUL-terminated string to the secure console.
///
/// # Safety
///
/// `s` is null or a readable NUL-terminated string.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn trace_ext_puts(s: *const c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: forwarded from the caller.
    let len = unsafe { crate::mem::c_strlen(s.cast()) };
    let mut off = 0;
    while off < len {
        let n = (len - off).min(CHUNK);
        // SAFETY: `[s + off, s + off + n)` lies within the string.
        unsafe { oxtee_ta_sys::utee_log(s.cast::<u8>().add(off), n) };
        off += n;
    }
}

/// `_utee_log(buf, len)`: the raw log system call, for callers (optee-utee's
/// trace module) that format on their own.
///
/// # Safety
///
/// `buf` readable for `len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn _utee_log(buf: *const u8, len: usize) {
    // SAFETY: forwarded from the caller.
    unsafe { oxtee_ta_sys::utee_log(buf, len) }
}
