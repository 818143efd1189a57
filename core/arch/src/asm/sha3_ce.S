// Keccak-f[1600] and the SHA-3 absorb step with the Armv8.2 SHA3
// instructions (crypto_ext.rs), under the rules of aes_ce.S: called only
// while the core owns the FP/SIMD registers, with interrupts masked; the
// registers used are zeroed before returning.
//
// Lane A[x, y] (FIPS 202, x + 5y) lives in the low half of v(x + 5y). One
// round: theta's column parities C with EOR3, D[x] = C[x-1] ^ rol(C[x+1], 1)
// with RAX1 (D0, D1 in v30, v31, D2..D4 over C1..C3, each C dead once its
// two D are made); rho and pi together as XAR (xor with D, rotate right by
// 64 - r) along pi's one 24-lane cycle, walked backwards from the lane
// saved in v25; chi row by row with BCAX, the row's first two results in
// v25, v26 until the row's old lanes are used; iota from the table.
.arch_extension fp
.arch_extension simd
.arch_extension sha3

.section .rodata
.balign 8
keccak_rc:
    .quad   0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000
    .quad   0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009
    .quad   0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a
    .quad   0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003
    .quad   0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a
    .quad   0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008

.text

.macro keccak_round
    eor3    v25.16b, v0.16b, v5.16b, v10.16b
    eor3    v25.16b, v25.16b, v15.16b, v20.16b
    eor3    v26.16b, v1.16b, v6.16b, v11.16b
    eor3    v26.16b, v26.16b, v16.16b, v21.16b
    eor3    v27.16b, v2.16b, v7.16b, v12.16b
    eor3    v27.16b, v27.16b, v17.16b, v22.16b
    eor3    v28.16b, v3.16b, v8.16b, v13.16b
    eor3    v28.16b, v28.16b, v18.16b, v23.16b
    eor3    v29.16b, v4.16b, v9.16b, v14.16b
    eor3    v29.16b, v29.16b, v19.16b, v24.16b
    rax1    v30.2d, v29.2d, v26.2d
    rax1    v31.2d, v25.2d, v27.2d
    rax1    v26.2d, v26.2d, v28.2d
    rax1    v27.2d, v27.2d, v29.2d
    rax1    v28.2d, v28.2d, v25.2d
    xar     v25.2d, v1.2d, v31.2d, #63
    xar     v1.2d, v6.2d, v31.2d, #20
    xar     v6.2d, v9.2d, v28.2d, #44
    xar     v9.2d, v22.2d, v26.2d, #3
    xar     v22.2d, v14.2d, v28.2d, #25
    xar     v14.2d, v20.2d, v30.2d, #46
    xar     v20.2d, v2.2d, v26.2d, #2
    xar     v2.2d, v12.2d, v26.2d, #21
    xar     v12.2d, v13.2d, v27.2d, #39
    xar     v13.2d, v19.2d, v28.2d, #56
    xar     v19.2d, v23.2d, v27.2d, #8
    xar     v23.2d, v15.2d, v30.2d, #23
    xar     v15.2d, v4.2d, v28.2d, #37
    xar     v4.2d, v24.2d, v28.2d, #50
    xar     v24.2d, v21.2d, v31.2d, #62
    xar     v21.2d, v8.2d, v27.2d, #9
    xar     v8.2d, v16.2d, v31.2d, #19
    xar     v16.2d, v5.2d, v30.2d, #28
    xar     v5.2d, v3.2d, v27.2d, #36
    xar     v3.2d, v18.2d, v27.2d, #43
    xar     v18.2d, v17.2d, v26.2d, #49
    xar     v17.2d, v11.2d, v31.2d, #54
    xar     v11.2d, v7.2d, v26.2d, #58
    xar     v7.2d, v10.2d, v30.2d, #61
    mov     v10.16b, v25.16b
    eor     v0.16b, v0.16b, v30.16b
    bcax    v25.16b, v0.16b, v2.16b, v1.16b
    bcax    v26.16b, v1.16b, v3.16b, v2.16b
    bcax    v2.16b, v2.16b, v4.16b, v3.16b
    bcax    v3.16b, v3.16b, v0.16b, v4.16b
    bcax    v4.16b, v4.16b, v1.16b, v0.16b
    mov     v0.16b, v25.16b
    mov     v1.16b, v26.16b
    bcax    v25.16b, v5.16b, v7.16b, v6.16b
    bcax    v26.16b, v6.16b, v8.16b, v7.16b
    bcax    v7.16b, v7.16b, v9.16b, v8.16b
    bcax    v8.16b, v8.16b, v5.16b, v9.16b
    bcax    v9.16b, v9.16b, v6.16b, v5.16b
    mov     v5.16b, v25.16b
    mov     v6.16b, v26.16b
    bcax    v25.16b, v10.16b, v12.16b, v11.16b
    bcax    v26.16b, v11.16b, v13.16b, v12.16b
    bcax    v12.16b, v12.16b, v14.16b, v13.16b
    bcax    v13.16b, v13.16b, v10.16b, v14.16b
    bcax    v14.16b, v14.16b, v11.16b, v10.16b
    mov     v10.16b, v25.16b
    mov     v11.16b, v26.16b
    bcax    v25.16b, v15.16b, v17.16b, v16.16b
    bcax    v26.16b, v16.16b, v18.16b, v17.16b
    bcax    v17.16b, v17.16b, v19.16b, v18.16b
    bcax    v18.16b, v18.16b, v15.16b, v19.16b
    bcax    v19.16b, v19.16b, v16.16b, v15.16b
    mov     v15.16b, v25.16b
    mov     v16.16b, v26.16b
    bcax    v25.16b, v20.16b, v22.16b, v21.16b
    bcax    v26.16b, v21.16b, v23.16b, v22.16b
    bcax    v22.16b, v22.16b, v24.16b, v23.16b
    bcax    v23.16b, v23.16b, v20.16b, v24.16b
    bcax    v24.16b, v24.16b, v21.16b, v20.16b
    mov     v20.16b, v25.16b
    mov     v21.16b, v26.16b
    ld1r    {v31.2d}, [x4], #8
    eor     v0.16b, v0.16b, v31.16b
.endm

// fn ce_sha3_absorb(state: *mut u64, data: *const u8, blocks: u64, rate: u64)
// For each of `blocks` blocks of `rate` 64-bit lanes (9, 13, 17, 18 or 21;
// 0: nothing is read, the call permutes `blocks` times): XOR the block
// into the first lanes, then Keccak-f[1600].
.global ce_sha3_absorb
ce_sha3_absorb:
    cbz     x2, 9f
    mov     x5, x0
    ld1     {v0.1d-v3.1d}, [x5], #32
    ld1     {v4.1d-v7.1d}, [x5], #32
    ld1     {v8.1d-v11.1d}, [x5], #32
    ld1     {v12.1d-v15.1d}, [x5], #32
    ld1     {v16.1d-v19.1d}, [x5], #32
    ld1     {v20.1d-v23.1d}, [x5], #32
    ld1     {v24.1d}, [x5]
1:  cbz     x3, 3f
.irp i, 0,1,2,3,4,5,6,7,8
    ldr     d31, [x1], #8
    eor     v\i\().16b, v\i\().16b, v31.16b
.endr
    cmp     x3, #13
    b.lo    3f
.irp i, 9,10,11,12
    ldr     d31, [x1], #8
    eor     v\i\().16b, v\i\().16b, v31.16b
.endr
    cmp     x3, #17
    b.lo    3f
.irp i, 13,14,15,16
    ldr     d31, [x1], #8
    eor     v\i\().16b, v\i\().16b, v31.16b
.endr
    cmp     x3, #18
    b.lo    3f
    ldr     d31, [x1], #8
    eor     v17.16b, v17.16b, v31.16b
    cmp     x3, #21
    b.lo    3f
.irp i, 18,19,20
    ldr     d31, [x1], #8
    eor     v\i\().16b, v\i\().16b, v31.16b
.endr
3:  adrp    x4, keccak_rc
    add     x4, x4, :lo12:keccak_rc
    mov     x6, #24
2:  keccak_round
    subs    x6, x6, #1
    b.ne    2b
    subs    x2, x2, #1
    b.ne    1b
    mov     x5, x0
    st1     {v0.1d-v3.1d}, [x5], #32
    st1     {v4.1d-v7.1d}, [x5], #32
    st1     {v8.1d-v11.1d}, [x5], #32
    st1     {v12.1d-v15.1d}, [x5], #32
    st1     {v16.1d-v19.1d}, [x5], #32
    st1     {v20.1d-v23.1d}, [x5], #32
    st1     {v24.1d}, [x5]
.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movi    v\r\().16b, #0
.endr
9:  ret
