// The normal world's whole SVE state (fp_regs.rs `SveArea`): FPSR and FPCR
// at 0, Z0..Z31 from 16 (one vector length each), P0..P15 after them (one
// predicate length each), then FFR. Used instead of the q0..q31 copy when
// SMCCC asks the core to keep the SVE state (fp_regs.rs). Runs at S-EL1
// with CPACR_EL1.ZEN letting EL1 use SVE, outside streaming mode.
.arch_extension sve

// fn fp_save_sve(area: *mut SveArea)
.global fp_save_sve
fp_save_sve:
    mrs     x9, fpsr
    mrs     x10, fpcr
    stp     x9, x10, [x0], #16
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str     z\n, [x0, #\n, mul vl]
.endr
    addvl   x1, x0, #31
    addvl   x1, x1, #1
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    str     p\n, [x1, #\n, mul vl]
.endr
    // FFR goes through p0, which is then given its own value back.
    rdffr   p0.b
    str     p0, [x1, #16, mul vl]
    ldr     p0, [x1, #0, mul vl]
    ret

// fn fp_load_sve(area: *const SveArea)
.global fp_load_sve
fp_load_sve:
    ldp     x9, x10, [x0], #16
    addvl   x1, x0, #31
    addvl   x1, x1, #1
    ldr     p0, [x1, #16, mul vl]
    wrffr   p0.b
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    ldr     p\n, [x1, #\n, mul vl]
.endr
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ldr     z\n, [x0, #\n, mul vl]
.endr
    msr     fpsr, x9
    msr     fpcr, x10
    ret
