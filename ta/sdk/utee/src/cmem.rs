//! `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, `strlen`: the compiler's
//! builtins for the bare-metal target do not define them, and both the TA's C
//! code and Rust's `core` call them. Byte loops; the crate is `no_builtins`,
//! so the compiler cannot turn these loops back into calls to themselves.

use core::ffi::{c_char, c_int, c_void};

/// `memcpy(dst, src, n)`.
///
/// # Safety
///
/// `dst` writable and `src` readable for `n` bytes, not overlapping.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: forwarded; without overlap a forward copy is a correct memmove.
    unsafe { memmove(dst, src, n) }
}

/// `memmove(dst, src, n)`: overlap allowed.
///
/// # Safety
///
/// `dst` writable and `src` readable for `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn memmove(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    let (d, s) = (dst.cast::<u8>(), src.cast::<u8>());
    if (d as usize) <= (s as usize) || (d as usize) >= (s as usize).wrapping_add(n) {
        let mut i = 0;
        while i < n {
            // SAFETY: `i < n`; copying forwards never reads a byte already written.
            unsafe { *d.add(i) = *s.add(i) };
            i += 1;
        }
    } else {
        let mut i = n;
        while i > 0 {
            i -= 1;
            // SAFETY: `i < n`; copying backwards for a destination above the source.
            unsafe { *d.add(i) = *s.add(i) };
        }
    }
    dst
}

/// `memset(dst, c, n)`.
///
/// # Safety
///
/// `dst` writable for `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn memset(dst: *mut c_void, c: c_int, n: usize) -> *mut c_void {
    let d = dst.cast::<u8>();
    let mut i = 0;
    while i < n {
        // SAFETY: `i < n`.
        unsafe { *d.add(i) = c as u8 };
        i += 1;
    }
    dst
}

/// `memcmp(a, b, n)`.
///
/// # Safety
///
/// Both readable for `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    let mut i = 0;
    while i < n {
        // SAFETY: `i < n`.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
    0
}

/// `bcmp(a, b, n)`: zero if equal.
///
/// # Safety
///
/// Both readable for `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn bcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { memcmp(a, b, n) }
}

/// `strlen(s)`.
///
/// # Safety
///
/// `s` NUL-terminated and readable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strlen(s: *const c_char) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { crate::mem::c_strlen(s.cast()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_moves_both_ways() {
        let mut b = *b"abcdefgh";
        // SAFETY: within `b`.
        unsafe { memmove(b.as_mut_ptr().add(2).cast(), b.as_ptr().cast(), 5) };
        assert_eq!(&b, b"ababcdeh");
        let mut b = *b"abcdefgh";
        // SAFETY: within `b`.
        unsafe { memmove(b.as_mut_ptr().cast(), b.as_ptr().add(3).cast(), 5) };
        assert_eq!(&b, b"defghfgh");
        // SAFETY: within `b`.
        unsafe { memset(b.as_mut_ptr().cast(), 0x17A, 3) };
        assert_eq!(&b[..4], b"zzzg");
        let (x, y) = (*b"abc", *b"abd");
        // SAFETY: 3 readable bytes each.
        unsafe {
            assert!(memcmp(x.as_ptr().cast(), y.as_ptr().cast(), 3) < 0);
            assert_eq!(bcmp(x.as_ptr().cast(), y.as_ptr().cast(), 2), 0);
            assert_eq!(strlen(c"four".as_ptr()), 4);
        }
    }
}
