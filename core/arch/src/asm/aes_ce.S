// AES with the Armv8 Crypto Extensions (crypto_ext.rs). Called only while
// the core owns the FP/SIMD registers (fp.rs `claim_for_core`), with
// interrupts masked. Round keys are 16-byte blocks in FIPS-197 byte order;
// the decryption schedule is the equivalent inverse cipher's (reversed,
// InvMixColumns applied to the inner keys). Every routine leaves v0-v3 and
// the key registers zeroed, so no key material outlives the call even in
// the registers (they are overwritten before anyone else runs anyway).
// Lengths are whole 16-byte blocks; a count of 0 is allowed.
.arch_extension fp
.arch_extension simd
.arch_extension crypto

.text

// Round keys of an `rounds`-round schedule at \ptr: k[rounds - j] goes to
// v(31 - j), so the last key is always v31 and the first v21/v19/v17.
.macro load_keys rounds, ptr
.if \rounds == 14
    ld1     {v17.16b-v20.16b}, [\ptr], #64
.elseif \rounds == 12
    ld1     {v19.16b-v20.16b}, [\ptr], #32
.endif
    ld1     {v21.16b-v24.16b}, [\ptr], #64
    ld1     {v25.16b-v28.16b}, [\ptr], #64
    ld1     {v29.16b-v31.16b}, [\ptr]
.endm

.macro enc_block rounds, b
.if \rounds == 14
    aese    \b\().16b, v17.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v18.16b
    aesmc   \b\().16b, \b\().16b
.endif
.if \rounds >= 12
    aese    \b\().16b, v19.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v20.16b
    aesmc   \b\().16b, \b\().16b
.endif
    aese    \b\().16b, v21.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v22.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v23.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v24.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v25.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v26.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v27.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v28.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v29.16b
    aesmc   \b\().16b, \b\().16b
    aese    \b\().16b, v30.16b
    eor     \b\().16b, \b\().16b, v31.16b
.endm

.macro dec_block rounds, b
.if \rounds == 14
    aesd    \b\().16b, v17.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v18.16b
    aesimc  \b\().16b, \b\().16b
.endif
.if \rounds >= 12
    aesd    \b\().16b, v19.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v20.16b
    aesimc  \b\().16b, \b\().16b
.endif
    aesd    \b\().16b, v21.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v22.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v23.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v24.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v25.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v26.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v27.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v28.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v29.16b
    aesimc  \b\().16b, \b\().16b
    aesd    \b\().16b, v30.16b
    eor     \b\().16b, \b\().16b, v31.16b
.endm

.macro wipe
    movi    v0.16b, #0
    movi    v1.16b, #0
    movi    v2.16b, #0
    movi    v3.16b, #0
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

// Branches to \name\()_10/_12/_14 by the round count in w1.
.macro by_rounds name
    cmp     w1, #12
    b.eq    \name\()_12
    b.hi    \name\()_14
    b       \name\()_10
.endm

// XTS: the tweak (x6 low, x7 high half) into v1, the next data block
// XORed with it into v0.
.macro xts_tweak_block
    fmov    d1, x6
    mov     v1.d[1], x7
    ld1     {v0.16b}, [x2]
    eor     v0.16b, v0.16b, v1.16b
.endm

// XTS: the block out (XORed with the tweak again), the tweak times x, and
// the block count down (flags set for the loop's b.ne).
.macro xts_tweak_next
    eor     v0.16b, v0.16b, v1.16b
    st1     {v0.16b}, [x2], #16
    asr     x9, x7, #63
    and     x9, x9, x8
    extr    x7, x7, x6, #63
    eor     x6, x9, x6, lsl #1
    subs    x3, x3, #1
.endm

// fn ce_aes_expand(key: *const u8, nk: u64, enc: *mut u8, dec: *mut u8)
// nk = 4, 6 or 8 key words; writes 4 * (nk + 7) words to each schedule.
// SubWord is AESE with a zero round key on the word copied to all four
// columns (ShiftRows then moves nothing), so no table is indexed by key bytes.
.global ce_aes_expand
ce_aes_expand:
    mov     x4, #0
1:  ldr     w5, [x0, x4, lsl #2]
    str     w5, [x2, x4, lsl #2]
    add     x4, x4, #1
    cmp     x4, x1
    b.lo    1b
    add     x6, x1, #7
    lsl     x6, x6, #2                  // words in the schedule
    movi    v1.16b, #0
    mov     w7, #1                      // Rcon
    mov     x9, #0                      // i mod nk
2:  cmp     x4, x6
    b.hs    5f
    sub     x8, x4, #1
    ldr     w5, [x2, x8, lsl #2]
    cbnz    x9, 3f
    dup     v0.4s, w5
    aese    v0.16b, v1.16b
    umov    w5, v0.s[0]
    ror     w5, w5, #8
    eor     w5, w5, w7
    lsl     w7, w7, #1
    tst     w7, #0x100
    b.eq    4f
    mov     w11, #0x11b
    eor     w7, w7, w11
    b       4f
3:  cmp     x1, #8
    b.ne    4f
    cmp     x9, #4
    b.ne    4f
    dup     v0.4s, w5
    aese    v0.16b, v1.16b
    umov    w5, v0.s[0]
4:  sub     x8, x4, x1
    ldr     w10, [x2, x8, lsl #2]
    eor     w5, w5, w10
    str     w5, [x2, x4, lsl #2]
    add     x4, x4, #1
    add     x9, x9, #1
    cmp     x9, x1
    csel    x9, xzr, x9, eq
    b       2b
    // Decryption schedule: dec[0] = enc[R], dec[i] = InvMixColumns(enc[R - i]),
    // dec[R] = enc[0], with R = nk + 6 rounds.
5:  add     x6, x1, #6                  // R
    add     x8, x2, x6, lsl #4          // &enc[R]
    ld1     {v0.16b}, [x8]
    st1     {v0.16b}, [x3], #16
    sub     x6, x6, #1
6:  sub     x8, x8, #16
    ld1     {v0.16b}, [x8]
    aesimc  v0.16b, v0.16b
    st1     {v0.16b}, [x3], #16
    subs    x6, x6, #1
    b.ne    6b
    ld1     {v0.16b}, [x2]
    st1     {v0.16b}, [x3]
    movi    v0.16b, #0
    mov     w5, #0
    mov     w10, #0
    ret

// fn ce_aes_ecb(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, decrypt: u64)
.global ce_aes_ecb
ce_aes_ecb:
    cbnz    x4, ecb_dec
    by_rounds ecb_enc
.irp r, 10,12,14
ecb_enc_\r:
    load_keys \r, x0
    cbz     x3, ecb_out
1:  ld1     {v0.16b}, [x2]
    enc_block \r, v0
    st1     {v0.16b}, [x2], #16
    subs    x3, x3, #1
    b.ne    1b
    b       ecb_out
.endr
ecb_dec:
    by_rounds ecb_dec
.irp r, 10,12,14
ecb_dec_\r:
    load_keys \r, x0
    cbz     x3, ecb_out
1:  ld1     {v0.16b}, [x2]
    dec_block \r, v0
    st1     {v0.16b}, [x2], #16
    subs    x3, x3, #1
    b.ne    1b
    b       ecb_out
.endr
ecb_out:
    wipe
    ret

// fn ce_aes_cbc_enc(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, iv: *mut u8)
.global ce_aes_cbc_enc
ce_aes_cbc_enc:
    ld1     {v1.16b}, [x4]
    by_rounds cbc_enc
.irp r, 10,12,14
cbc_enc_\r:
    load_keys \r, x0
    cbz     x3, cbc_out
1:  ld1     {v0.16b}, [x2]
    eor     v0.16b, v0.16b, v1.16b
    enc_block \r, v0
    st1     {v0.16b}, [x2], #16
    mov     v1.16b, v0.16b
    subs    x3, x3, #1
    b.ne    1b
    b       cbc_out
.endr

// fn ce_aes_cbc_dec(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, iv: *mut u8)
// `keys` is the decryption schedule.
.global ce_aes_cbc_dec
ce_aes_cbc_dec:
    ld1     {v1.16b}, [x4]
    by_rounds cbc_dec
.irp r, 10,12,14
cbc_dec_\r:
    load_keys \r, x0
    cbz     x3, cbc_out
1:  ld1     {v0.16b}, [x2]
    mov     v2.16b, v0.16b
    dec_block \r, v0
    eor     v0.16b, v0.16b, v1.16b
    st1     {v0.16b}, [x2], #16
    mov     v1.16b, v2.16b
    subs    x3, x3, #1
    b.ne    1b
    b       cbc_out
.endr
cbc_out:
    st1     {v1.16b}, [x4]
    wipe
    ret

// fn ce_aes_ctr(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, counter: *mut u8, ctr32: u64)
// The counter block is one 128-bit big-endian number, incremented per block
// (GP TEE_ALG_AES_CTR), or with `ctr32` only its last 32 bits, modulo 2^32
// (GCM's inc32); written back after the last block.
.global ce_aes_ctr
ce_aes_ctr:
    ldp     x6, x7, [x4]
    rev     x6, x6                      // high half
    rev     x7, x7                      // low half
    by_rounds ctr
.irp r, 10,12,14
ctr_\r:
    load_keys \r, x0
    cbz     x3, ctr_out
1:  rev     x8, x6
    rev     x9, x7
    fmov    d0, x8
    mov     v0.d[1], x9
    enc_block \r, v0
    ld1     {v1.16b}, [x2]
    eor     v0.16b, v0.16b, v1.16b
    st1     {v0.16b}, [x2], #16
    cbnz    x5, 2f
    adds    x7, x7, #1
    adc     x6, x6, xzr
    b       3f
2:  add     w9, w7, #1
    bfi     x7, x9, #0, #32
3:  subs    x3, x3, #1
    b.ne    1b
    b       ctr_out
.endr
ctr_out:
    rev     x6, x6
    rev     x7, x7
    stp     x6, x7, [x4]
    mov     x8, #0
    mov     x9, #0
    wipe
    ret

// fn ce_aes_cbc_mac(keys: *const u8, rounds: u32, data: *const u8, blocks: u64, state: *mut u8)
// CBC encryption that keeps only the chaining value: `state` ^= block,
// encrypted, for each block of `data` (only read). CMAC, CBC-MAC, CCM.
.global ce_aes_cbc_mac
ce_aes_cbc_mac:
    ld1     {v1.16b}, [x4]
    by_rounds cbc_mac
.irp r, 10,12,14
cbc_mac_\r:
    load_keys \r, x0
    cbz     x3, cbc_mac_out
1:  ld1     {v0.16b}, [x2], #16
    eor     v1.16b, v1.16b, v0.16b
    enc_block \r, v1
    subs    x3, x3, #1
    b.ne    1b
    b       cbc_mac_out
.endr
cbc_mac_out:
    st1     {v1.16b}, [x4]
    wipe
    ret

// fn ce_aes_xts(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, tweak: *mut u8, decrypt: u64)
// XTS (IEEE 1619) over whole blocks: each block is XORed with the tweak,
// encrypted (or, with `decrypt`, decrypted with the decryption schedule in
// `keys`), XORed again; the tweak, a little-endian GF(2^128) element, is
// then multiplied by x (shift left, 0x87 folded in when bit 127 falls
// out: a mask, no branch) and written back after the last block.
.global ce_aes_xts
ce_aes_xts:
    ldp     x6, x7, [x4]
    mov     x8, #0x87
    cbnz    x5, xts_dec
    by_rounds xts_enc
.irp r, 10,12,14
xts_enc_\r:
    load_keys \r, x0
    cbz     x3, xts_out
1:  xts_tweak_block
    enc_block \r, v0
    xts_tweak_next
    b.ne    1b
    b       xts_out
.endr
xts_dec:
    by_rounds xts_dec
.irp r, 10,12,14
xts_dec_\r:
    load_keys \r, x0
    cbz     x3, xts_out
1:  xts_tweak_block
    dec_block \r, v0
    xts_tweak_next
    b.ne    1b
    b       xts_out
.endr
xts_out:
    stp     x6, x7, [x4]
    mov     x6, #0
    mov     x7, #0
    wipe
    ret
