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
/// Words moved per loop iteration: four loads, then four stores, so a 4 KiB
/// buffer costs 128 iterations (and no bounds check per word) instead of 512.
const BLOCK: usize = 4 * WORD;

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
    let aligned = &mut dst[head..head + words * WORD];
    if aligned.as_ptr().align_offset(WORD) == 0 {
        // Our side is aligned too (the usual case: heap buffers against
        // page-aligned shared memory): whole-word stores. Byte slices are
        // otherwise written a byte at a time (the target is strict-align),
        // eight stores and shifts per word.
        let d = aligned.as_mut_ptr().cast::<u64>();
        let s = src.wrapping_add(head).cast::<u64>();
        let mut k = 0;
        while k + 4 <= words {
            // `s + k..s + k + 4`: aligned words of the contract's readable range.
            // SAFETY: and `d + k..d + k + 4` are aligned words inside `dst`, which we own.
            unsafe {
                let w = [
                    ptr::read_volatile(s.add(k)),
                    ptr::read_volatile(s.add(k + 1)),
                    ptr::read_volatile(s.add(k + 2)),
                    ptr::read_volatile(s.add(k + 3)),
                ];
                d.add(k).cast::<[u64; 4]>().write(w);
            }
            k += 4;
        }
        while k < words {
            // SAFETY: as above, one word.
            unsafe { d.add(k).write(ptr::read_volatile(s.add(k))) };
            k += 1;
        }
        i += words * WORD;
        while i < len {
            // SAFETY: as for the head.
            dst[i] = unsafe { ptr::read_volatile(src.add(i)) };
            i += 1;
        }
        return;
    }
    let mut blocks = aligned.chunks_exact_mut(BLOCK);
    for b in &mut blocks {
        let p = src.wrapping_add(i).cast::<u64>();
        // SAFETY: `p` is 8-byte aligned (after the head) and its four words end inside the range.
        let w = unsafe {
            [
                ptr::read_volatile(p),
                ptr::read_volatile(p.add(1)),
                ptr::read_volatile(p.add(2)),
                ptr::read_volatile(p.add(3)),
            ]
        };
        for (d, w) in b.chunks_exact_mut(WORD).zip(w) {
            d.copy_from_slice(&w.to_ne_bytes());
        }
        i += BLOCK;
    }
    for d in blocks.into_remainder().chunks_exact_mut(WORD) {
        // SAFETY: `src + i` is 8-byte aligned (after the head) and the word ends inside the range.
        let w = unsafe { ptr::read_volatile(src.add(i).cast::<u64>()) };
        d.copy_from_slice(&w.to_ne_bytes());
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
    let word = |b: &[u8]| {
        let mut w = [0u8; WORD];
        w.copy_from_slice(b);
        u64::from_ne_bytes(w)
    };
    let aligned = &src[head..head + words * WORD];
    if aligned.as_ptr().align_offset(WORD) == 0 {
        // Our side is aligned too: whole-word loads (see `copy_from`).
        let s = aligned.as_ptr().cast::<u64>();
        let d = dst.wrapping_add(head).cast::<u64>();
        let mut k = 0;
        while k + 4 <= words {
            // `s + k..s + k + 4`: aligned words inside `src`.
            // SAFETY: and `d + k..d + k + 4` are aligned words of the contract's writable range.
            unsafe {
                let w = s.add(k).cast::<[u64; 4]>().read();
                ptr::write_volatile(d.add(k), w[0]);
                ptr::write_volatile(d.add(k + 1), w[1]);
                ptr::write_volatile(d.add(k + 2), w[2]);
                ptr::write_volatile(d.add(k + 3), w[3]);
            }
            k += 4;
        }
        while k < words {
            // SAFETY: as above, one word.
            unsafe { ptr::write_volatile(d.add(k), s.add(k).read()) };
            k += 1;
        }
        i += words * WORD;
        while i < len {
            // SAFETY: as for the head.
            unsafe { ptr::write_volatile(dst.add(i), src[i]) };
            i += 1;
        }
        return;
    }
    let mut blocks = aligned.chunks_exact(BLOCK);
    for b in &mut blocks {
        let p = dst.wrapping_add(i).cast::<u64>();
        let (w0, w1, w2, w3) = (
            word(&b[..WORD]),
            word(&b[WORD..2 * WORD]),
            word(&b[2 * WORD..3 * WORD]),
            word(&b[3 * WORD..]),
        );
        // SAFETY: `p` is 8-byte aligned (after the head) and its four words end inside the range.
        unsafe {
            ptr::write_volatile(p, w0);
            ptr::write_volatile(p.add(1), w1);
            ptr::write_volatile(p.add(2), w2);
            ptr::write_volatile(p.add(3), w3);
        }
        i += BLOCK;
    }
    for b in blocks.remainder().chunks_exact(WORD) {
        // SAFETY: `dst + i` is 8-byte aligned (after the head) and the word ends inside the range.
        unsafe { ptr::write_volatile(dst.add(i).cast::<u64>(), word(b)) };
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
        let mem = pattern(192);
        for off in 0..16 {
            for len in 0..160 {
                let mut dst = vec![0xaa; len];
                // SAFETY: `mem` outlives the call and holds `off + len` bytes.
                unsafe { copy_from(mem.as_ptr().wrapping_add(off), &mut dst) };
                assert_eq!(dst, mem[off..off + len], "offset {off} length {len}");
            }
        }
    }

    #[test]
    fn copy_from_into_every_alignment_of_our_side() {
        // Both sides at every offset: the whole-word path (same offset
        // modulo 8) and the other one, across several four-word blocks.
        let mem = pattern(400);
        for off in 0..8 {
            for ours in 0..8 {
                for len in 0..300 {
                    let mut buf = vec![0xaau8; len + 16];
                    // SAFETY: `mem` outlives the call and holds `off + len` bytes.
                    unsafe {
                        copy_from(mem.as_ptr().wrapping_add(off), &mut buf[ours..ours + len])
                    };
                    assert_eq!(
                        buf[ours..ours + len],
                        mem[off..off + len],
                        "{off} {ours} {len}"
                    );
                    assert!(buf[..ours].iter().all(|&b| b == 0xaa));
                    assert!(buf[ours + len..].iter().all(|&b| b == 0xaa));
                }
            }
        }
    }

    #[test]
    fn copy_to_from_every_alignment_of_our_side() {
        let data = pattern(316);
        for off in 0..8 {
            for ours in 0..8 {
                for len in 0..300 {
                    let mut mem = vec![0x55u8; 320];
                    let src = &data[ours..ours + len];
                    // SAFETY: `mem` outlives the call and holds `off + len` bytes.
                    unsafe { copy_to(mem.as_mut_ptr().wrapping_add(off), src) };
                    assert_eq!(mem[off..off + len], src[..], "{off} {ours} {len}");
                    assert!(mem[..off].iter().all(|&b| b == 0x55));
                    assert!(mem[off + len..].iter().all(|&b| b == 0x55));
                }
            }
        }
    }

    #[test]
    fn copy_to_every_alignment_and_length_touches_nothing_else() {
        for off in 0..16 {
            for len in 0..160 {
                let src = pattern(len);
                let mut mem = vec![0x55u8; 192];
                // SAFETY: `mem` outlives the call and holds `off + len` bytes.
                unsafe { copy_to(mem.as_mut_ptr().wrapping_add(off), &src) };
                assert_eq!(mem[off..off + len], src[..], "offset {off} length {len}");
                assert!(mem[..off].iter().all(|&b| b == 0x55));
                assert!(mem[off + len..].iter().all(|&b| b == 0x55));
            }
        }
    }
}
