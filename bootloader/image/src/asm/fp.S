// FP/SIMD and SVE register file loads (the zeroed image of a fresh normal world).
// Layout (see `FpState` in context.rs): Z (or Q) registers from offset 0 with a
// stride of one vector length, P registers at FP_P_OFF, FFR at FP_FFR_OFF,
// FPSR/FPCR at FP_FPSR_OFF.

.arch_extension sve
.section .text

// fn fp_restore_simd(area: *const FpState)
.global fp_restore_simd
fp_restore_simd:
    ldp     q0, q1, [x0, #0]
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    b       restore_status

// fn fp_restore_sve(area: *const FpState, with_ffr: u64)
.global fp_restore_sve
fp_restore_sve:
    add     x2, x0, #{p_off}
    cbz     x1, 1f
    add     x3, x2, #{ffr_rel}
    ldr     p0, [x3]
    wrffr   p0.b
1:  ldr     p0, [x2, #0, mul vl]
    ldr     p1, [x2, #1, mul vl]
    ldr     p2, [x2, #2, mul vl]
    ldr     p3, [x2, #3, mul vl]
    ldr     p4, [x2, #4, mul vl]
    ldr     p5, [x2, #5, mul vl]
    ldr     p6, [x2, #6, mul vl]
    ldr     p7, [x2, #7, mul vl]
    ldr     p8, [x2, #8, mul vl]
    ldr     p9, [x2, #9, mul vl]
    ldr     p10, [x2, #10, mul vl]
    ldr     p11, [x2, #11, mul vl]
    ldr     p12, [x2, #12, mul vl]
    ldr     p13, [x2, #13, mul vl]
    ldr     p14, [x2, #14, mul vl]
    ldr     p15, [x2, #15, mul vl]
    ldr     z0, [x0, #0, mul vl]
    ldr     z1, [x0, #1, mul vl]
    ldr     z2, [x0, #2, mul vl]
    ldr     z3, [x0, #3, mul vl]
    ldr     z4, [x0, #4, mul vl]
    ldr     z5, [x0, #5, mul vl]
    ldr     z6, [x0, #6, mul vl]
    ldr     z7, [x0, #7, mul vl]
    ldr     z8, [x0, #8, mul vl]
    ldr     z9, [x0, #9, mul vl]
    ldr     z10, [x0, #10, mul vl]
    ldr     z11, [x0, #11, mul vl]
    ldr     z12, [x0, #12, mul vl]
    ldr     z13, [x0, #13, mul vl]
    ldr     z14, [x0, #14, mul vl]
    ldr     z15, [x0, #15, mul vl]
    ldr     z16, [x0, #16, mul vl]
    ldr     z17, [x0, #17, mul vl]
    ldr     z18, [x0, #18, mul vl]
    ldr     z19, [x0, #19, mul vl]
    ldr     z20, [x0, #20, mul vl]
    ldr     z21, [x0, #21, mul vl]
    ldr     z22, [x0, #22, mul vl]
    ldr     z23, [x0, #23, mul vl]
    ldr     z24, [x0, #24, mul vl]
    ldr     z25, [x0, #25, mul vl]
    ldr     z26, [x0, #26, mul vl]
    ldr     z27, [x0, #27, mul vl]
    ldr     z28, [x0, #28, mul vl]
    ldr     z29, [x0, #29, mul vl]
    ldr     z30, [x0, #30, mul vl]
    ldr     z31, [x0, #31, mul vl]
    b       restore_status

restore_status:
    add     x3, x0, #{p_off}
    add     x3, x3, #{fpsr_rel}
    ldp     x1, x2, [x3]
    msr     fpsr, x1
    msr     fpcr, x2
    ret
