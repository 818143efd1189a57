//! Memory functions of the GP API (`TEE_MemMove`, `TEE_MemCompare`,
//! `TEE_MemFill`, `TEE_CheckMemoryAccessRights`, instance data) and the C
//! string functions TAs use that the compiler's builtins (`memcpy`, `memset`,
//! `memmove`, `memcmp`, `strlen`) do not provide.

use core::ffi::{c_char, c_int, c_void};
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::types::TeeResult;

/// Length of a NUL-terminated string.
///
/// # Safety
///
/// `s` readable up to and including its NUL.
pub unsafe fn c_strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: forwarded from the caller; reads stop at the NUL.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}

/// `TEE_MemMove(dest, src, size)` (overlap allowed).
///
/// # Safety
///
/// `dest` writable and `src` readable for `size` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MemMove(dest: *mut c_void, src: *const c_void, size: usize) {
    if size != 0 {
        // SAFETY: forwarded from the caller.
        unsafe { core::ptr::copy(src.cast::<u8>(), dest.cast::<u8>(), size) };
    }
}

/// `TEE_MemCompare(b1, b2, size)`: <0, 0, >0 as the first differing byte.
///
/// # Safety
///
/// Both buffers readable for `size` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MemCompare(b1: *const c_void, b2: *const c_void, size: usize) -> i32 {
    for i in 0..size {
        // SAFETY: `i < size`, within both buffers.
        let (x, y) = unsafe { (*b1.cast::<u8>().add(i), *b2.cast::<u8>().add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

/// `TEE_MemFill(buffer, x, size)`: every byte set to `x`'s low byte.
///
/// # Safety
///
/// `buffer` writable for `size` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MemFill(buffer: *mut c_void, x: u32, size: usize) {
    if size != 0 {
        // SAFETY: forwarded from the caller.
        unsafe { buffer.cast::<u8>().write_bytes(x as u8, size) };
    }
}

/// `TEE_CheckMemoryAccessRights(accessFlags, buffer, size)`: the kernel's
/// answer for the TA's mappings.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_CheckMemoryAccessRights(
    flags: u32,
    buffer: *mut c_void,
    size: usize,
) -> TeeResult {
    oxtee_ta_sys::utee_check_access_rights(flags, buffer as usize, size)
}

static INSTANCE_DATA: AtomicPtr<c_void> = AtomicPtr::new(core::ptr::null_mut());

/// `TEE_SetInstanceData(instanceData)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_SetInstanceData(data: *const c_void) {
    INSTANCE_DATA.store(data.cast_mut(), Ordering::Relaxed);
}

/// `TEE_GetInstanceData()`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_GetInstanceData() -> *const c_void {
    INSTANCE_DATA.load(Ordering::Relaxed)
}

/// `strcmp(a, b)`.
///
/// # Safety
///
/// Both NUL-terminated and readable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strcmp(a: *const c_char, b: *const c_char) -> c_int {
    // SAFETY: forwarded; strncmp stops at the first NUL.
    unsafe { strncmp(a, b, usize::MAX) }
}

/// `strncmp(a, b, n)`.
///
/// # Safety
///
/// Both readable up to their NUL or `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strncmp(a: *const c_char, b: *const c_char, n: usize) -> c_int {
    for i in 0..n {
        // SAFETY: no NUL was seen before `i`, so both are readable at `i`.
        let (x, y) = unsafe { (*a.cast::<u8>().add(i), *b.cast::<u8>().add(i)) };
        if x != y || x == 0 {
            return c_int::from(x) - c_int::from(y);
        }
    }
    0
}

/// `strnlen(s, max)`.
///
/// # Safety
///
/// `s` readable up to its NUL or `max` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strnlen(s: *const c_char, max: usize) -> usize {
    let mut n = 0;
    // SAFETY: reads stop at the NUL or at `max`.
    while n < max && unsafe { *s.cast::<u8>().add(n) } != 0 {
        n += 1;
    }
    n
}

/// `strchr(s, c)`.
///
/// # Safety
///
/// `s` NUL-terminated and readable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strchr(s: *const c_char, c: c_int) -> *mut c_char {
    let c = c as u8;
    let mut p = s.cast::<u8>();
    loop {
        // SAFETY: `p` has not passed the NUL.
        let b = unsafe { *p };
        if b == c {
            return p.cast_mut().cast();
        }
        if b == 0 {
            return core::ptr::null_mut();
        }
        // SAFETY: `b` was not the NUL, so the next byte is part of the string.
        p = unsafe { p.add(1) };
    }
}

/// `memchr(s, c, n)`.
///
/// # Safety
///
/// `s` readable for `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn memchr(s: *const c_void, c: c_int, n: usize) -> *mut c_void {
    for i in 0..n {
        // SAFETY: `i < n`.
        let p = unsafe { s.cast::<u8>().add(i) };
        // SAFETY: within the buffer.
        if unsafe { *p } == c as u8 {
            return p.cast_mut().cast();
        }
    }
    core::ptr::null_mut()
}

/// `strncpy(dst, src, n)`: copies up to `n` bytes, pads with NULs.
///
/// # Safety
///
/// `dst` writable for `n` bytes, `src` readable up to its NUL or `n` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strncpy(dst: *mut c_char, src: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    let len = unsafe { strnlen(src, n) };
    // SAFETY: `len <= n` bytes readable from `src`, `n` writable at `dst`.
    unsafe {
        core::ptr::copy(src, dst, len);
        dst.add(len).write_bytes(0, n - len);
    }
    dst
}

/// `strcpy(dst, src)`.
///
/// # Safety
///
/// `src` NUL-terminated; `dst` writable for its length plus one.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn strcpy(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        let len = c_strlen(src.cast());
        core::ptr::copy(src, dst, len + 1);
    }
    dst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_functions_behave_like_c() {
        let a = c"abc";
        let b = c"abd";
        // SAFETY: C string literals.
        unsafe {
            assert!(strcmp(a.as_ptr(), b.as_ptr()) < 0);
            assert_eq!(strcmp(a.as_ptr(), a.as_ptr()), 0);
            assert_eq!(strncmp(a.as_ptr(), b.as_ptr(), 2), 0);
            assert!(
                strcmp(c"ab".as_ptr(), a.as_ptr()) < 0,
                "shorter sorts first"
            );
            assert_eq!(strnlen(a.as_ptr(), 2), 2);
            assert_eq!(strnlen(a.as_ptr(), 9), 3);
            assert_eq!(
                strchr(a.as_ptr(), i32::from(b'c')),
                a.as_ptr().add(2).cast_mut()
            );
            assert!(strchr(a.as_ptr(), i32::from(b'z')).is_null());
            assert_eq!(
                strchr(a.as_ptr(), 0),
                a.as_ptr().add(3).cast_mut(),
                "finds the NUL"
            );
            let mut buf = [0x55 as c_char; 6];
            strncpy(buf.as_mut_ptr(), a.as_ptr(), 6);
            assert_eq!(buf.map(|c| c as u8), *b"abc\0\0\0");
            let x = [1u8, 2, 3];
            let y = [1u8, 2, 4];
            assert!(TEE_MemCompare(x.as_ptr().cast(), y.as_ptr().cast(), 3) < 0);
            assert_eq!(TEE_MemCompare(x.as_ptr().cast(), y.as_ptr().cast(), 2), 0);
            let mut z = [0u8; 4];
            TEE_MemFill(z.as_mut_ptr().cast(), 0x1AB, 4);
            assert_eq!(z, [0xAB; 4]);
        }
    }
}
