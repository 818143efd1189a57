// SHA-1 and SHA-256 block functions with the Armv8 Crypto Extensions
// (crypto_ext.rs), under the same rules as aes_ce.S: run only while the core
// owns the FP/SIMD registers, with interrupts masked; the message and
// working registers are zeroed before returning. `blocks` counts whole
// 64-byte blocks; the state is the hash's words in their natural order.
.arch_extension fp
.arch_extension simd
.arch_extension crypto

.section .rodata
.balign 16
sha256_k:
    .word   0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
    .word   0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
    .word   0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
    .word   0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
    .word   0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
    .word   0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
    .word   0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
    .word   0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2

.text

.macro sha_wipe
    movi    v0.16b, #0
    movi    v1.16b, #0
    movi    v2.16b, #0
    movi    v3.16b, #0
    movi    v4.16b, #0
    movi    v5.16b, #0
    movi    v6.16b, #0
    movi    v7.16b, #0
    movi    v8.16b, #0
    movi    v9.16b, #0
    movi    v16.16b, #0
    movi    v17.16b, #0
    movi    v18.16b, #0
    movi    v19.16b, #0
    movi    v20.16b, #0
    movi    v21.16b, #0
    movi    v22.16b, #0
    movi    v23.16b, #0
    movi    v24.16b, #0
    movi    v25.16b, #0
    movi    v26.16b, #0
    movi    v27.16b, #0
    movi    v28.16b, #0
    movi    v29.16b, #0
    movi    v30.16b, #0
    movi    v31.16b, #0
.endm

// One group of four SHA-256 rounds with message words v\m + K in v\k;
// \s0..\s3 name the four message registers from the current one on, and
// \upd says whether the schedule still needs the next 16 words.
.macro sha256_quad k, s0, s1, s2, s3, upd
    add     v8.4s, v\s0\().4s, v\k\().4s
    mov     v9.16b, v0.16b
    sha256h q0, q1, v8.4s
    sha256h2 q1, q9, v8.4s
.if \upd
    sha256su0 v\s0\().4s, v\s1\().4s
    sha256su1 v\s0\().4s, v\s2\().4s, v\s3\().4s
.endif
.endm

// fn ce_sha256_blocks(state: *mut u32, data: *const u8, blocks: u64)
.global ce_sha256_blocks
ce_sha256_blocks:
    cbz     x2, 2f
    adrp    x3, sha256_k
    add     x3, x3, :lo12:sha256_k
    ld1     {v16.4s-v19.4s}, [x3], #64
    ld1     {v20.4s-v23.4s}, [x3], #64
    ld1     {v24.4s-v27.4s}, [x3], #64
    ld1     {v28.4s-v31.4s}, [x3]
    ld1     {v0.4s, v1.4s}, [x0]
1:  ld1     {v4.16b-v7.16b}, [x1], #64
    rev32   v4.16b, v4.16b
    rev32   v5.16b, v5.16b
    rev32   v6.16b, v6.16b
    rev32   v7.16b, v7.16b
    mov     v2.16b, v0.16b
    mov     v3.16b, v1.16b
    sha256_quad 16, 4, 5, 6, 7, 1
    sha256_quad 17, 5, 6, 7, 4, 1
    sha256_quad 18, 6, 7, 4, 5, 1
    sha256_quad 19, 7, 4, 5, 6, 1
    sha256_quad 20, 4, 5, 6, 7, 1
    sha256_quad 21, 5, 6, 7, 4, 1
    sha256_quad 22, 6, 7, 4, 5, 1
    sha256_quad 23, 7, 4, 5, 6, 1
    sha256_quad 24, 4, 5, 6, 7, 1
    sha256_quad 25, 5, 6, 7, 4, 1
    sha256_quad 26, 6, 7, 4, 5, 1
    sha256_quad 27, 7, 4, 5, 6, 1
    sha256_quad 28, 4, 5, 6, 7, 0
    sha256_quad 29, 5, 6, 7, 4, 0
    sha256_quad 30, 6, 7, 4, 5, 0
    sha256_quad 31, 7, 4, 5, 6, 0
    add     v0.4s, v0.4s, v2.4s
    add     v1.4s, v1.4s, v3.4s
    subs    x2, x2, #1
    b.ne    1b
    st1     {v0.4s, v1.4s}, [x0]
    sha_wipe
2:  ret

// One group of four SHA-1 rounds (\op: c, p or m) on message register
// v\s0 with constant v\k; e is s1 on entry and the next e on exit.
.macro sha1_quad op, k, s0, s1, s2, s3, upd
    add     v8.4s, v\s0\().4s, v\k\().4s
    sha1h   s9, s0
    sha1\op q0, s1, v8.4s
    mov     v1.16b, v9.16b
.if \upd
    sha1su0 v\s0\().4s, v\s1\().4s, v\s2\().4s
    sha1su1 v\s0\().4s, v\s3\().4s
.endif
.endm

// fn ce_sha1_blocks(state: *mut u32, data: *const u8, blocks: u64)
.global ce_sha1_blocks
ce_sha1_blocks:
    cbz     x2, 2f
    movz    w3, #0x7999
    movk    w3, #0x5a82, lsl #16
    dup     v16.4s, w3
    movz    w3, #0xeba1
    movk    w3, #0x6ed9, lsl #16
    dup     v17.4s, w3
    movz    w3, #0xbcdc
    movk    w3, #0x8f1b, lsl #16
    dup     v18.4s, w3
    movz    w3, #0xc1d6
    movk    w3, #0xca62, lsl #16
    dup     v19.4s, w3
    ld1     {v0.4s}, [x0]
    ldr     s1, [x0, #16]
1:  ld1     {v4.16b-v7.16b}, [x1], #64
    rev32   v4.16b, v4.16b
    rev32   v5.16b, v5.16b
    rev32   v6.16b, v6.16b
    rev32   v7.16b, v7.16b
    mov     v2.16b, v0.16b
    mov     v3.16b, v1.16b
    sha1_quad c, 16, 4, 5, 6, 7, 1
    sha1_quad c, 16, 5, 6, 7, 4, 1
    sha1_quad c, 16, 6, 7, 4, 5, 1
    sha1_quad c, 16, 7, 4, 5, 6, 1
    sha1_quad c, 16, 4, 5, 6, 7, 1
    sha1_quad p, 17, 5, 6, 7, 4, 1
    sha1_quad p, 17, 6, 7, 4, 5, 1
    sha1_quad p, 17, 7, 4, 5, 6, 1
    sha1_quad p, 17, 4, 5, 6, 7, 1
    sha1_quad p, 17, 5, 6, 7, 4, 1
    sha1_quad m, 18, 6, 7, 4, 5, 1
    sha1_quad m, 18, 7, 4, 5, 6, 1
    sha1_quad m, 18, 4, 5, 6, 7, 1
    sha1_quad m, 18, 5, 6, 7, 4, 1
    sha1_quad m, 18, 6, 7, 4, 5, 1
    sha1_quad p, 19, 7, 4, 5, 6, 1
    sha1_quad p, 19, 4, 5, 6, 7, 0
    sha1_quad p, 19, 5, 6, 7, 4, 0
    sha1_quad p, 19, 6, 7, 4, 5, 0
    sha1_quad p, 19, 7, 4, 5, 6, 0
    add     v0.4s, v0.4s, v2.4s
    add     v1.4s, v1.4s, v3.4s
    subs    x2, x2, #1
    b.ne    1b
    st1     {v0.4s}, [x0]
    str     s1, [x0, #16]
    sha_wipe
2:  ret
