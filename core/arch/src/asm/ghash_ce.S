// GHASH (GCM's hash, NIST SP 800-38D) with PMULL (crypto_ext.rs), under the
// rules of aes_ce.S: called only while the core owns the FP/SIMD registers,
// with interrupts masked; the registers used are zeroed before returning.
//
// The multiplication runs in POLYVAL's representation (RFC 8452): a field
// element is a 128-bit little-endian integer whose bit i is the coefficient
// of x^i, the product is a * b * x^-128 mod x^128 + x^127 + x^126 + x^121 + 1,
// and GHASH's state and blocks are the byte-reversed POLYVAL values
// (RFC 8452, appendix A). Then PMULL takes the halves as they are loaded,
// with no bit reflection, and the x^-128 is a two-step Montgomery reduction:
// the polynomial is 1 mod x^64, so the lowest 64-bit limb c0 cancels by
// adding c0 * P, i.e. c0 at limb 2 and c0 * (x^57 + x^62 + x^63) (one PMULL
// with 0xc2 << 56) at limbs 1..2; then the same for the next limb.
.arch_extension fp
.arch_extension simd
.arch_extension aes

.text

// Byte-reverses v\r (16 bytes).
.macro rev128 r
    rev64   v\r\().16b, v\r\().16b
    ext     v\r\().16b, v\r\().16b, v\r\().16b, #8
.endm

// fn ce_ghash_blocks(y: *mut u8, key: *const u8, data: *const u8, blocks: u64)
// y: the GHASH state (16 bytes, GCM's byte order), updated in place.
// key: H * x in POLYVAL's representation (16 bytes, little endian), made by
// the caller from the hash key H = E(K, 0^128).
// data: `blocks` 16-byte blocks in GCM's byte order.
.global ce_ghash_blocks
ce_ghash_blocks:
    cbz     x3, 2f
    ld1     {v0.16b}, [x0]
    rev128  0
    ld1     {v1.16b}, [x1]
    ext     v2.16b, v1.16b, v1.16b, #8
    eor     v2.16b, v2.16b, v1.16b      // Karatsuba: h0 ^ h1 in both halves
    movz    x4, #0xc200, lsl #48
    dup     v3.2d, x4                   // x^57 + x^62 + x^63
    movi    v4.16b, #0
1:  ld1     {v5.16b}, [x2], #16
    rev128  5
    eor     v0.16b, v0.16b, v5.16b      // S ^= X
    // S * H' as 256 bits: lo = s0 h0, hi = s1 h1, mid = (s0^s1)(h0^h1) ^ lo ^ hi.
    pmull   v5.1q, v0.1d, v1.1d
    pmull2  v6.1q, v0.2d, v1.2d
    ext     v7.16b, v0.16b, v0.16b, #8
    eor     v7.16b, v7.16b, v0.16b
    pmull   v7.1q, v7.1d, v2.1d
    eor     v7.16b, v7.16b, v5.16b
    eor     v7.16b, v7.16b, v6.16b
    // Limbs c0..c3: lo = [c0, c1] ^= [0, mid0], hi = [c2, c3] ^= [mid1, 0].
    ext     v16.16b, v4.16b, v7.16b, #8
    ext     v17.16b, v7.16b, v4.16b, #8
    eor     v5.16b, v5.16b, v16.16b
    eor     v6.16b, v6.16b, v17.16b
    // Reduce: t = c0 K; u = [c1 ^ t0, c0 ^ t1]; t' = u0 K;
    // S = [c2, c3] ^ [u1, u0] ^ t'.
    pmull   v16.1q, v5.1d, v3.1d
    ext     v17.16b, v5.16b, v5.16b, #8
    eor     v17.16b, v17.16b, v16.16b
    pmull   v16.1q, v17.1d, v3.1d
    ext     v17.16b, v17.16b, v17.16b, #8
    eor     v0.16b, v6.16b, v17.16b
    eor     v0.16b, v0.16b, v16.16b
    subs    x3, x3, #1
    b.ne    1b
    rev128  0
    st1     {v0.16b}, [x0]
    movi    v0.16b, #0
    movi    v1.16b, #0
    movi    v2.16b, #0
    movi    v3.16b, #0
    movi    v5.16b, #0
    movi    v6.16b, #0
    movi    v7.16b, #0
    movi    v16.16b, #0
    movi    v17.16b, #0
2:  ret
