// SHA-512 (and SHA-384, the same compression) block function with the
// Armv8.2 SHA512 instructions (crypto_ext.rs), under the rules of
// aes_ce.S: called only while the core owns the FP/SIMD registers, with
// interrupts masked; the registers used are zeroed before returning.
// `blocks` counts whole 128-byte blocks; the state is the hash's eight
// 64-bit words in their natural order.
//
// The state lives in pairs of words: [a, b], [c, d], [e, f], [g, h] (low
// lane first). SHA512H runs the T1 part of two rounds from [d, e], [f, g]
// and [g + K1 + W1, h + K0 + W0], giving [T1 of round 1, T1 of round 0];
// SHA512H2 adds T2 of both rounds from [a, b] and [c, .], giving the new
// [a, b]. After a pair of rounds the old [a, b] is the new [c, d], [c, d]
// plus the T1 pair the new [e, f] and the old [e, f] the new [g, h], so
// the five registers that hold the four pairs and a spare change roles
// every pair, which repeats every five pairs; the 40 pairs are unrolled.
.arch_extension fp
.arch_extension simd
.arch_extension sha3

.section .rodata
.balign 16
sha512_k:
    .quad   0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc
    .quad   0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118
    .quad   0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2
    .quad   0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694
    .quad   0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65
    .quad   0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5
    .quad   0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4
    .quad   0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70
    .quad   0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df
    .quad   0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b
    .quad   0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30
    .quad   0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8
    .quad   0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8
    .quad   0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3
    .quad   0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec
    .quad   0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b
    .quad   0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178
    .quad   0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b
    .quad   0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c
    .quad   0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817

.text

// Rounds t and t + 1. In: v\ab = [a, b], v\cd = [c, d], v\ef = [e, f],
// v\gh = [g, h], v\x unused. Out: [a, b] in v\gh, [c, d] in v\ab, [e, f]
// in v\x, [g, h] in v\ef; v\cd unused. v\m holds [W(t), W(t+1)]; with \upd
// it is first computed from the sixteen words before: v\m held
// [W(t-16), W(t-15)], v\m1 [W(t-14), .], v\m7 [W(t-2), W(t-1)] and
// v\m4, v\m5 the pairs around W(t-7). x3 walks the round constants.
.macro sha512_pair ab, cd, ef, gh, x, m, upd, m1, m7, m4, m5
.if \upd
    ext     v5.16b, v\m4\().16b, v\m5\().16b, #8
    sha512su0 v\m\().2d, v\m1\().2d
    sha512su1 v\m\().2d, v\m7\().2d, v5.2d
.endif
    ld1     {v5.2d}, [x3], #16
    add     v5.2d, v5.2d, v\m\().2d
    ext     v5.16b, v5.16b, v5.16b, #8
    ext     v6.16b, v\cd\().16b, v\ef\().16b, #8
    ext     v7.16b, v\ef\().16b, v\gh\().16b, #8
    add     v\gh\().2d, v\gh\().2d, v5.2d
    sha512h q\gh, q7, v6.2d
    add     v\x\().2d, v\cd\().2d, v\gh\().2d
    sha512h2 q\gh, q\cd, v\ab\().2d
.endm

// fn ce_sha512_blocks(state: *mut u64, data: *const u8, blocks: u64)
.global ce_sha512_blocks
ce_sha512_blocks:
    cbz     x2, 2f
    ld1     {v0.2d-v3.2d}, [x0]
1:  ld1     {v16.16b-v19.16b}, [x1], #64
    ld1     {v20.16b-v23.16b}, [x1], #64
    rev64   v16.16b, v16.16b
    rev64   v17.16b, v17.16b
    rev64   v18.16b, v18.16b
    rev64   v19.16b, v19.16b
    rev64   v20.16b, v20.16b
    rev64   v21.16b, v21.16b
    rev64   v22.16b, v22.16b
    rev64   v23.16b, v23.16b
    mov     v24.16b, v0.16b
    mov     v25.16b, v1.16b
    mov     v26.16b, v2.16b
    mov     v27.16b, v3.16b
    adrp    x3, sha512_k
    add     x3, x3, :lo12:sha512_k
    sha512_pair 0, 1, 2, 3, 4, 16, 0, 17, 23, 20, 21
    sha512_pair 3, 0, 4, 2, 1, 17, 0, 18, 16, 21, 22
    sha512_pair 2, 3, 1, 4, 0, 18, 0, 19, 17, 22, 23
    sha512_pair 4, 2, 0, 1, 3, 19, 0, 20, 18, 23, 16
    sha512_pair 1, 4, 3, 0, 2, 20, 0, 21, 19, 16, 17
    sha512_pair 0, 1, 2, 3, 4, 21, 0, 22, 20, 17, 18
    sha512_pair 3, 0, 4, 2, 1, 22, 0, 23, 21, 18, 19
    sha512_pair 2, 3, 1, 4, 0, 23, 0, 16, 22, 19, 20
    sha512_pair 4, 2, 0, 1, 3, 16, 1, 17, 23, 20, 21
    sha512_pair 1, 4, 3, 0, 2, 17, 1, 18, 16, 21, 22
    sha512_pair 0, 1, 2, 3, 4, 18, 1, 19, 17, 22, 23
    sha512_pair 3, 0, 4, 2, 1, 19, 1, 20, 18, 23, 16
    sha512_pair 2, 3, 1, 4, 0, 20, 1, 21, 19, 16, 17
    sha512_pair 4, 2, 0, 1, 3, 21, 1, 22, 20, 17, 18
    sha512_pair 1, 4, 3, 0, 2, 22, 1, 23, 21, 18, 19
    sha512_pair 0, 1, 2, 3, 4, 23, 1, 16, 22, 19, 20
    sha512_pair 3, 0, 4, 2, 1, 16, 1, 17, 23, 20, 21
    sha512_pair 2, 3, 1, 4, 0, 17, 1, 18, 16, 21, 22
    sha512_pair 4, 2, 0, 1, 3, 18, 1, 19, 17, 22, 23
    sha512_pair 1, 4, 3, 0, 2, 19, 1, 20, 18, 23, 16
    sha512_pair 0, 1, 2, 3, 4, 20, 1, 21, 19, 16, 17
    sha512_pair 3, 0, 4, 2, 1, 21, 1, 22, 20, 17, 18
    sha512_pair 2, 3, 1, 4, 0, 22, 1, 23, 21, 18, 19
    sha512_pair 4, 2, 0, 1, 3, 23, 1, 16, 22, 19, 20
    sha512_pair 1, 4, 3, 0, 2, 16, 1, 17, 23, 20, 21
    sha512_pair 0, 1, 2, 3, 4, 17, 1, 18, 16, 21, 22
    sha512_pair 3, 0, 4, 2, 1, 18, 1, 19, 17, 22, 23
    sha512_pair 2, 3, 1, 4, 0, 19, 1, 20, 18, 23, 16
    sha512_pair 4, 2, 0, 1, 3, 20, 1, 21, 19, 16, 17
    sha512_pair 1, 4, 3, 0, 2, 21, 1, 22, 20, 17, 18
    sha512_pair 0, 1, 2, 3, 4, 22, 1, 23, 21, 18, 19
    sha512_pair 3, 0, 4, 2, 1, 23, 1, 16, 22, 19, 20
    sha512_pair 2, 3, 1, 4, 0, 16, 1, 17, 23, 20, 21
    sha512_pair 4, 2, 0, 1, 3, 17, 1, 18, 16, 21, 22
    sha512_pair 1, 4, 3, 0, 2, 18, 1, 19, 17, 22, 23
    sha512_pair 0, 1, 2, 3, 4, 19, 1, 20, 18, 23, 16
    sha512_pair 3, 0, 4, 2, 1, 20, 1, 21, 19, 16, 17
    sha512_pair 2, 3, 1, 4, 0, 21, 1, 22, 20, 17, 18
    sha512_pair 4, 2, 0, 1, 3, 22, 1, 23, 21, 18, 19
    sha512_pair 1, 4, 3, 0, 2, 23, 1, 16, 22, 19, 20
    add     v0.2d, v0.2d, v24.2d
    add     v1.2d, v1.2d, v25.2d
    add     v2.2d, v2.2d, v26.2d
    add     v3.2d, v3.2d, v27.2d
    subs    x2, x2, #1
    b.ne    1b
    st1     {v0.2d-v3.2d}, [x0]
.irp r, 0,1,2,3,4,5,6,7,16,17,18,19,20,21,22,23,24,25,26,27
    movi    v\r\().16b, #0
.endr
2:  ret
