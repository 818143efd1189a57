//! Copies to and from memory another agent may change at any time: the normal world's RAM
//! (shared memory, message buffers) while its CPUs run.
//!
//! A plain copy (`ptr::copy_nonoverlapping`) of such memory is a data race, which is undefined
//! behaviour even when every byte is validated afterwards: the compiler may assume the bytes
//! do not change under it (re-read them, tear or merge loads). Volatile accesses are the ones
//! the compiler must perform exactly once each, as written. Callers still copy once and
//! validate the copy (no double fetch).

use core::ptr;

const WORD: usize = core::mem::size_of::<u64>();

/// Copies `dst.len()` bytes from `src` into `dst` with volatile loads: single bytes up to an
/// 8-byte boundary of `src`, aligned 64-bit words, then the remaining bytes.
///
/// # Safety
///
/// `[src, src + dst.len())` must be valid for reads (mapped as Normal memory) for the whole
/// call and must not be part of any Rust object; another agent may write it concurrently.
// SAFETY: an `unsafe fn` because of the contract above; callers pass checked normal-world ranges.
pub unsafe fn copy_from(src: *const u8, dst: &mut [u8]) {
    let len = dst.len();
    let head = src.align_offset(WORD).min(len);
    let words = (len - head) / WORD;
    let mut i = 0;
    while i < head {
        // SAFETY: `src + i` is inside the readable range of the contract; bytes need no alignment.
        dst[i] = unsafe { ptr::read_volatile(src.add(i)) };
        i += 1;
    }
    for _ in 0..words {
        // SAFETY: `src + i` is 8-byte aligned (after the head) and the word ends inside the range.
        let w = unsafe { ptr::read_volatile(src.add(i).cast::<u64>()) };
        dst[i..i + WORD].copy_from_slice(&w.to_ne_bytes());
        i += WORD;
    }
    while i < len {
        // SAFETY: as for the head.
        dst[i] = unsafe { ptr::read_volatile(src.add(i)) };
        i += 1;
    }
}

/// Copies `src` to `dst` with volatile stores, split like [`copy_from`].
///
/// # Safety
///
/// `[dst, dst + src.len())` must be valid for writes (mapped as Normal memory) for the whole
/// call and must not be part of any Rust object; another agent may access it concurrently.
// SAFETY: an `unsafe fn` because of the contract above; callers pass checked normal-world ranges.
pub unsafe fn copy_to(dst: *mut u8, src: &[u8]) {
    let len = src.len();
    let head = dst.align_offset(WORD).min(len);
    let words = (len - head) / WORD;
    let mut i = 0;
    while i < head {
        // SAFETY: `dst + i` is inside the writable range of the contract.
        unsafe { ptr::write_volatile(dst.add(i), src[i]) };
        i += 1;
    }
    for _ in 0..words {
        let mut w = [0u8; WORD];
        w.copy_from_slice(&src[i..i + WORD]);
        // SAFETY: `dst + i` is 8-byte aligned (after the head) and the word ends inside the range.
        unsafe { ptr::write_volatile(dst.add(i).cast::<u64>(), u64::from_ne_bytes(w)) };
        i += WORD;
    }
    while i < len {
        // SAFETY: as for the head.
        unsafe { ptr::write_volatile(dst.add(i), src[i]) };
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + 3) as u8).collect()
    }

    #[test]
    fn copy_from_every_alignment_and_length() {
        let mem = pattern(96);
        for off in 0..16 {
            for len in 0..64 {
                let mut dst = vec![0xaa; len];
                // SAFETY: `mem` outlives the call and holds `off + len` bytes.
                unsafe { copy_from(mem.as_ptr().wrapping_add(off), &mut dst) };
                assert_eq!(dst, mem[off..off + len], "offset {off} length {len}");
            }
        }
    }

    #[test]
    fn copy_to_every_alignment_and_length_touches_nothing_else() {
        for off in 0..16 {
            for len in 0..64 {
                let src = pattern(len);
                let mut mem = vec![0x55u8; 96];
                // SAFETY: `mem` outlives the call and holds `off + len` bytes.
                unsafe { copy_to(mem.as_mut_ptr().wrapping_add(off), &src) };
                assert_eq!(mem[off..off + len], src[..], "offset {off} length {len}");
                assert!(mem[..off].iter().all(|&b| b == 0x55));
                assert!(mem[off + len..].iter().all(|&b| b == 0x55));
            }
        }
    }
}
