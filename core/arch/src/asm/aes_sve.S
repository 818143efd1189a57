// AES with SVE2's AES instructions (crypto_ext/aes.rs): as many blocks per
// instruction as the vector holds (up to 16 at 2048 bits), for the modes
// whose blocks are independent. Called only while the core owns the
// registers (fp.rs `claim_for_core`, which saved the caller's whole SVE
// state), at the current vector length. Round keys as in aes_ce.S, each
// replicated into every 128-bit segment of z17..z31 (the last key always
// in z31) by `sve_aes_keys`; they stay there across `sve_aes_blocks`
// calls (the core is built soft-float: no code of its own touches a
// vector register) until `sve_aes_wipe` zeroes z0..z2, z17..z31, p0, p1.
.arch_extension sve2
.arch_extension sve2-aes

.text

// One round on z0 with key \k, then \mix (the last round has none).
.macro sve_round op, mix, k
    \op     z0.b, z0.b, \k\().b
    \mix    z0.b, z0.b
.endm

// The rounds of one vector of blocks in z0: entered at 14:, 12: or 10:
// by the round count (w1 compared with 12 at the loop's top).
.macro sve_rounds op, mix, lbl
    b.eq    sve_\lbl\()_12
    b.lo    sve_\lbl\()_10
    sve_round \op, \mix, z17
    sve_round \op, \mix, z18
sve_\lbl\()_12:
    sve_round \op, \mix, z19
    sve_round \op, \mix, z20
sve_\lbl\()_10:
    sve_round \op, \mix, z21
    sve_round \op, \mix, z22
    sve_round \op, \mix, z23
    sve_round \op, \mix, z24
    sve_round \op, \mix, z25
    sve_round \op, \mix, z26
    sve_round \op, \mix, z27
    sve_round \op, \mix, z28
    sve_round \op, \mix, z29
    \op     z0.b, z0.b, z30.b
    eor     z0.d, z0.d, z31.d
.endm

// fn sve_aes_keys(keys: *const u8, rounds: u32)
// The schedule's rounds + 1 keys (rounds 10, 12 or 14) into z(31 - rounds)..z31.
.global sve_aes_keys
sve_aes_keys:
    ptrue   p0.b
    cmp     w1, #12
    b.lo    2f
    b.eq    1f
    ld1rqb  {z17.b}, p0/z, [x0]
    ld1rqb  {z18.b}, p0/z, [x0, #16]
    add     x0, x0, #32
1:  ld1rqb  {z19.b}, p0/z, [x0]
    ld1rqb  {z20.b}, p0/z, [x0, #16]
    add     x0, x0, #32
2:  ld1rqb  {z21.b}, p0/z, [x0]
    ld1rqb  {z22.b}, p0/z, [x0, #16]
    ld1rqb  {z23.b}, p0/z, [x0, #32]
    ld1rqb  {z24.b}, p0/z, [x0, #48]
    ld1rqb  {z25.b}, p0/z, [x0, #64]
    ld1rqb  {z26.b}, p0/z, [x0, #80]
    ld1rqb  {z27.b}, p0/z, [x0, #96]
    ld1rqb  {z28.b}, p0/z, [x0, #112]
    add     x0, x0, #128
    ld1rqb  {z29.b}, p0/z, [x0]
    ld1rqb  {z30.b}, p0/z, [x0, #16]
    ld1rqb  {z31.b}, p0/z, [x0, #32]
    ret

// fn sve_aes_blocks(rounds: u32, decrypt: u64, src: *const u8, dst: *mut u8,
//                   blocks: u64, pre: *const u8, post: *const u8)
// dst[i] = F(src[i] ^ pre[i]) ^ post[i] per 16-byte block, F the cipher
// with the keys `sve_aes_keys` loaded (or with `decrypt` the inverse
// cipher, the keys then the decryption schedule's); a null `pre` or `post`
// is no XOR. `dst` may be `src` or `post` (each vector is read before it
// is written), no other overlap. Doubleword elements: little-endian, so
// the bytes sit in the vector as byte loads would put them, and QEMU
// moves eight at a time.
.global sve_aes_blocks
sve_aes_blocks:
    lsl     x4, x4, #1                  // doublewords
    mov     x8, #0                      // offset in doublewords
sve_blocks_loop:
    whilelo p1.d, x8, x4
    b.none  sve_blocks_out
    ld1d    {z0.d}, p1/z, [x2, x8, lsl #3]
    cbz     x5, 1f
    ld1d    {z2.d}, p1/z, [x5, x8, lsl #3]
    eor     z0.d, z0.d, z2.d
1:  cmp     w0, #12
    cbnz    x1, 2f
    sve_rounds aese, aesmc, enc
    b       3f
2:  sve_rounds aesd, aesimc, dec
3:  cbz     x6, 4f
    cmp     x6, x5
    b.eq    5f
    ld1d    {z2.d}, p1/z, [x6, x8, lsl #3]
5:  eor     z0.d, z0.d, z2.d
4:  st1d    {z0.d}, p1, [x3, x8, lsl #3]
    incd    x8
    b       sve_blocks_loop
sve_blocks_out:
    ret

// fn sve_aes_wipe()
.global sve_aes_wipe
sve_aes_wipe:
.irp n, 0,1,2,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    mov     z\n\().d, #0
.endr
    pfalse  p0.b
    pfalse  p1.b
    ret
