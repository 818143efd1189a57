// memcpy for the core (mem.rs): 64 bytes per loop turn in general
// registers (the core never touches FP/SIMD outside the crypto routines),
// and only aligned accesses (the core's target is strict-align, and some
// copies run on Device memory before the MMU is on).
//
// void *memcpy(void *dst, const void *src, size_t n); x0 is returned as is.
// Registers: x3 dst cursor, x1 src cursor, x2 bytes left, x4..x11 data.

.text
.global memcpy
.type memcpy, %function
.balign 64
memcpy:
    mov     x3, x0
    orr     x4, x0, x1
    tst     x4, #7
    b.ne    .Lmc_unaligned
.Lmc_aligned:
    subs    x2, x2, #64
    b.lo    .Lmc_tail
.Lmc_loop64:
    ldp     x4, x5, [x1]
    ldp     x6, x7, [x1, #16]
    ldp     x8, x9, [x1, #32]
    ldp     x10, x11, [x1, #48]
    add     x1, x1, #64
    stp     x4, x5, [x3]
    stp     x6, x7, [x3, #16]
    stp     x8, x9, [x3, #32]
    stp     x10, x11, [x3, #48]
    add     x3, x3, #64
    subs    x2, x2, #64
    b.hs    .Lmc_loop64
.Lmc_tail:
    // 0..63 bytes left: x2 holds that minus 64, its low six bits the count.
    tbz     x2, #5, 1f
    ldp     x4, x5, [x1]
    ldp     x6, x7, [x1, #16]
    add     x1, x1, #32
    stp     x4, x5, [x3]
    stp     x6, x7, [x3, #16]
    add     x3, x3, #32
1:  tbz     x2, #4, 2f
    ldp     x4, x5, [x1], #16
    stp     x4, x5, [x3], #16
2:  tbz     x2, #3, 3f
    ldr     x4, [x1], #8
    str     x4, [x3], #8
3:  ands    x2, x2, #7
    b.eq    .Lmc_done
.Lmc_bytes:
    ldrb    w4, [x1], #1
    subs    x2, x2, #1
    strb    w4, [x3], #1
    b.ne    .Lmc_bytes
.Lmc_done:
    ret

.Lmc_unaligned:
    // Bytes until the destination is aligned (or nothing is left).
    cbz     x2, .Lmc_done
    tst     x3, #7
    b.eq    .Lmc_dst_aligned
    ldrb    w4, [x1], #1
    sub     x2, x2, #1
    strb    w4, [x3], #1
    b       .Lmc_unaligned
.Lmc_dst_aligned:
    tst     x1, #7
    b.eq    .Lmc_aligned
    cmp     x2, #8
    b.lo    .Lmc_bytes
    // The source is k = x1 % 8 (1..7) bytes past a word: each output word
    // joins the top of one aligned source word with the bottom of the
    // next. The last load may reach up to 7 bytes past the source's end,
    // never past the aligned word holding its last byte.
    and     x5, x1, #7
    lsl     x5, x5, #3
    neg     x6, x5
    bic     x7, x1, #7
    ldr     x8, [x7], #8
.Lmc_shift:
    ldr     x9, [x7], #8
    lsr     x10, x8, x5
    lsl     x11, x9, x6
    orr     x10, x10, x11
    str     x10, [x3], #8
    mov     x8, x9
    sub     x2, x2, #8
    cmp     x2, #8
    b.hs    .Lmc_shift
    // The source cursor resumes at the first byte not yet copied.
    sub     x7, x7, #8
    lsr     x5, x5, #3
    add     x1, x7, x5
    cbnz    x2, .Lmc_bytes
    ret
.size memcpy, . - memcpy

// void *memset(void *dst, int c, size_t n): the same shape, with the byte
// repeated over a register.
.global memset
.type memset, %function
.balign 64
memset:
    mov     x3, x0
    and     x4, x1, #0xff
    orr     x4, x4, x4, lsl #8
    orr     x4, x4, x4, lsl #16
    orr     x4, x4, x4, lsl #32
.Lms_align:
    cbz     x2, .Lms_done
    tst     x3, #7
    b.eq    .Lms_aligned
    strb    w4, [x3], #1
    sub     x2, x2, #1
    b       .Lms_align
.Lms_aligned:
    subs    x2, x2, #64
    b.lo    .Lms_tail
.Lms_loop64:
    stp     x4, x4, [x3]
    stp     x4, x4, [x3, #16]
    stp     x4, x4, [x3, #32]
    stp     x4, x4, [x3, #48]
    add     x3, x3, #64
    subs    x2, x2, #64
    b.hs    .Lms_loop64
.Lms_tail:
    tbz     x2, #5, 1f
    stp     x4, x4, [x3]
    stp     x4, x4, [x3, #16]
    add     x3, x3, #32
1:  tbz     x2, #4, 2f
    stp     x4, x4, [x3], #16
2:  tbz     x2, #3, 3f
    str     x4, [x3], #8
3:  ands    x2, x2, #7
    b.eq    .Lms_done
.Lms_bytes:
    strb    w4, [x3], #1
    subs    x2, x2, #1
    b.ne    .Lms_bytes
.Lms_done:
    ret
.size memset, . - memset
