// oxtee core entry points at S-EL1.
//
// Cold boot (primary CPU): EL3 enters `_start` with the MMU off, all
// exceptions masked, x2 = DT address. Afterwards EL3 enters through the
// nine-slot vector table returned in ENTRY_DONE (TF-A opteed protocol).
// Every entry runs on the calling CPU's own stack, with exceptions masked,
// and leaves with one `TEESMC_OPTEED_RETURN_*` SMC.

.section .text.boot, "ax"
.global _start
_start:
    mov     x19, x2                     // DT address
    bl      set_cpu_stack
    // Spread the packed image (see the linker script): .data's initial
    // values, then the constants, move up to their pages, highest first
    // (each may overlap its own destination, never a range still to move);
    // the rest of the last code page is zeroed. Primary only, before any
    // Rust code runs.
    ldr     x1, ={data_load}
    ldr     x2, ={data_start}
    ldr     x3, ={data_end}
    bl      move_up
    ldr     x1, ={rodata_load}
    ldr     x2, ={rodata_start}
    ldr     x3, ={rodata_used_end}
    bl      move_up
    ldr     x1, ={text_used_end}
    ldr     x2, ={text_end}
3:  cmp     x1, x2
    b.hs    4f
    str     xzr, [x1], #8
    b       3b
4:  // Zero .bss (primary only, before any Rust code runs).
    ldr     x1, ={bss_start}
    ldr     x2, ={bss_end}
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:  bl      install_vectors
    mov     x0, x19
    bl      {cold_boot}                 // returns the vector table address
    mov     x1, x0
    ldr     x0, ={entry_done}
    smc     #0
    b       .

// Copies [x1, x1 + x3 - x2) to [x2, x3), last word first: the destination
// lies at or above the source. Lengths are multiples of 8. Uses x1..x4.
move_up:
    sub     x3, x3, x2
1:  cbz     x3, 2f
    sub     x3, x3, #8
    ldr     x4, [x1, x3]
    str     x4, [x2, x3]
    b       1b
2:  ret

// Sets SP_EL1 to the top of this CPU's stack (Aff0 indexes the stacks).
// Uses only x9..x11 so the SMC arguments in x0..x7 survive.
set_cpu_stack:
    msr     spsel, #1
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #{max_cpus}
    b.hs    .
    ldr     x10, ={stacks_start}
    mov     x11, #{stack_size}
    add     x9, x9, #1
    madd    x9, x9, x11, x10
    mov     sp, x9
    ret

.section .text
.balign 8
.global oxtee_vectors
oxtee_vectors:
    b       yield_smc_entry
    b       fast_smc_entry
    b       cpu_on_entry
    b       cpu_off_entry
    b       cpu_resume_entry
    b       cpu_suspend_entry
    b       fiq_entry
    b       system_off_entry
    b       system_reset_entry

// SMCs from the normal world: x0..x7 are the call's arguments. The Rust
// handler gets them in an 8-word array on the stack and writes x0..x3 of the
// answer into its first 4 words, which EL3 moves to the normal world's x0..x3
// (CALL_DONE shifts x1..x4 -> x0..x3).
.macro smc_entry handler
    bl      set_cpu_stack
    sub     sp, sp, #64
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    mov     x0, sp
    bl      \handler
    ldp     x1, x2, [sp, #0]
    ldp     x3, x4, [sp, #16]
    add     sp, sp, #64
    ldr     x0, ={call_done}
    smc     #0
    b       .
.endm

yield_smc_entry:
    smc_entry {yield_handler}
fast_smc_entry:
    smc_entry {fast_handler}

// Power hooks: answer with status 0 (success) after the CPU-local set-up.
cpu_on_entry:
    bl      set_cpu_stack
    bl      install_vectors
    bl      {cpu_on}
    mov     x1, x0
    ldr     x0, ={on_done}
    smc     #0
    b       .
cpu_off_entry:
    mov     x1, #0
    ldr     x0, ={off_done}
    smc     #0
    b       .
cpu_resume_entry:
    mov     x1, #0
    ldr     x0, ={resume_done}
    smc     #0
    b       .
cpu_suspend_entry:
    mov     x1, #0
    ldr     x0, ={suspend_done}
    smc     #0
    b       .
fiq_entry:
    bl      set_cpu_stack
    bl      {native_irq}
    ldr     x0, ={fiq_done}
    smc     #0
    b       .
system_off_entry:
    ldr     x0, ={system_off_done}
    smc     #0
    b       .
system_reset_entry:
    ldr     x0, ={system_reset_done}
    smc     #0
    b       .

// S-EL1 exception vectors. The core runs with every exception masked, so
// from S-EL1 only synchronous exceptions (a bug in the core) arrive: they
// are reported and the CPU stops. From S-EL0 (a TA): system calls and
// faults, native interrupts (IRQ) and foreign ones (FIQ).
.macro core_vector kind
    .balign 0x80
    // A fresh stack for the report: the fault may be a stack overflow into
    // a guard page. The CPU stops after reporting, so nothing is lost.
    bl      set_cpu_stack
    mov     x0, #\kind
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    b       {exception}
.endm

.section .text
.balign 0x800
.global oxtee_el1_vectors
oxtee_el1_vectors:
    core_vector 0
    core_vector 1
    core_vector 2
    core_vector 3
    core_vector 4
    .balign 0x80
    b       el1_irq
    core_vector 6
    core_vector 7
    .balign 0x80
    b       el0_sync
    .balign 0x80
    b       el0_irq
    .balign 0x80
    b       el0_fiq
    core_vector 11
    core_vector 12
    core_vector 13
    core_vector 14
    core_vector 15

// A native (secure) interrupt taken while the core runs with IRQs unmasked:
// the caller-saved registers and the return state go on the current stack,
// Rust handles it, and execution resumes where it was interrupted.
.macro caller_saved op
    \op    x0, x1, [sp, #0]
    \op    x2, x3, [sp, #16]
    \op    x4, x5, [sp, #32]
    \op    x6, x7, [sp, #48]
    \op    x8, x9, [sp, #64]
    \op    x10, x11, [sp, #80]
    \op    x12, x13, [sp, #96]
    \op    x14, x15, [sp, #112]
    \op    x16, x17, [sp, #128]
    \op    x18, x30, [sp, #144]
.endm

.macro native_irq_and_return
    sub     sp, sp, #176
    caller_saved stp
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x0, x1, [sp, #160]
    bl      {native_irq}
    ldp     x0, x1, [sp, #160]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    caller_saved ldp
    add     sp, sp, #176
    eret
.endm

el1_irq:
    native_irq_and_return

// Installs the vector table on this CPU.
.global install_vectors
install_vectors:
    ldr     x9, =oxtee_el1_vectors
    msr     vbar_el1, x9
    isb
    ret

// ---- S-EL0 (trusted applications) ----------------------------------------
// The core itself is built without FP/SIMD; only this path and the
// normal-world save area below touch FP/SIMD registers.
.arch_extension fp
.arch_extension simd
// UserRegs layout: x0..x30 from 0; the other offsets come from Rust
// (`offset_of!`, see entry.rs): SP_EL0 {regs_sp}, ELR {regs_elr} then SPSR,
// TPIDR_EL0 {regs_tpidr}, FPSR {regs_fpsr} then FPCR, q0..q31 from {regs_q}.

// \op (stp or ldp) of x2..x29 at their UserRegs offsets from \base.
.macro user_x2_x29 op, base
    \op    x2, x3, [\base, #16]
    \op    x4, x5, [\base, #32]
    \op    x6, x7, [\base, #48]
    \op    x8, x9, [\base, #64]
    \op    x10, x11, [\base, #80]
    \op    x12, x13, [\base, #96]
    \op    x14, x15, [\base, #112]
    \op    x16, x17, [\base, #128]
    \op    x18, x19, [\base, #144]
    \op    x20, x21, [\base, #160]
    \op    x22, x23, [\base, #176]
    \op    x24, x25, [\base, #192]
    \op    x26, x27, [\base, #208]
    \op    x28, x29, [\base, #224]
.endm

// \op (stp or ldp) of q0..q31, 32 bytes a pair, from \base + \off.
.macro fp_pairs op, base, off
    \op    q0, q1, [\base, #(\off + 0)]
    \op    q2, q3, [\base, #(\off + 32)]
    \op    q4, q5, [\base, #(\off + 64)]
    \op    q6, q7, [\base, #(\off + 96)]
    \op    q8, q9, [\base, #(\off + 128)]
    \op    q10, q11, [\base, #(\off + 160)]
    \op    q12, q13, [\base, #(\off + 192)]
    \op    q14, q15, [\base, #(\off + 224)]
    \op    q16, q17, [\base, #(\off + 256)]
    \op    q18, q19, [\base, #(\off + 288)]
    \op    q20, q21, [\base, #(\off + 320)]
    \op    q22, q23, [\base, #(\off + 352)]
    \op    q24, q25, [\base, #(\off + 384)]
    \op    q26, q27, [\base, #(\off + 416)]
    \op    q28, q29, [\base, #(\off + 448)]
    \op    q30, q31, [\base, #(\off + 480)]
.endm

// \op (stp or ldp) of q0..q31 at their UserRegs offsets from \base.
.macro user_fp op, base
    fp_pairs \op, \base, {regs_q}
.endm

// \op (stp or ldp) of the kernel's callee-saved x19..x30 at sp.
.macro kernel_callee_saved op
    \op    x19, x20, [sp, #0]
    \op    x21, x22, [sp, #16]
    \op    x23, x24, [sp, #32]
    \op    x25, x26, [sp, #48]
    \op    x27, x28, [sp, #64]
    \op    x29, x30, [sp, #80]
.endm

// fn user_enter(regs: *mut UserRegs, fp: u64) -> u64
// Runs the TA until its next synchronous exception (returns 0) or foreign
// interrupt (returns 1), with its registers saved back into `regs`.
// Native interrupts taken at EL0 are handled without leaving the TA.
// `fp` != 0: the FP/SIMD registers belong to the TA for this run (the normal
// world's were saved by fp.rs): they are loaded from `regs` now and saved
// back at the exit. `fp` == 0: they still hold the normal world's values,
// which are neither loaded over nor saved into `regs`; the caller has set
// CPACR_EL1 so the TA's first FP instruction traps instead.
// Frame: x19..x30 at 0, regs at 96, fp at 104.
.global user_enter
user_enter:
    sub     sp, sp, #112
    kernel_callee_saved stp
    stp     x0, x1, [sp, #96]
    mov     x9, sp
    msr     tpidr_el1, x9
    cbz     x1, 1f
    user_fp ldp, x0
    ldp     x9, x10, [x0, #{regs_fpsr}]
    msr     fpsr, x9
    msr     fpcr, x10
1:  ldr     x9, [x0, #{regs_tpidr}]
    msr     tpidr_el0, x9
    ldr     x9, [x0, #{regs_sp}]
    msr     sp_el0, x9
    ldp     x9, x10, [x0, #{regs_elr}]
    msr     elr_el1, x9
    msr     spsr_el1, x10
    user_x2_x29 ldp, x0
    ldr     x30, [x0, #{regs_x30}]
    ldp     x0, x1, [x0, #0]
    eret

// Saves the TA's state into its UserRegs, then returns \kind from user_enter.
.macro user_leave kind
    sub     sp, sp, #16
    stp     x0, x1, [sp]
    mrs     x0, tpidr_el1
    ldr     x0, [x0, #96]
    user_x2_x29 stp, x0
    str     x30, [x0, #{regs_x30}]
    ldp     x2, x3, [sp]
    add     sp, sp, #16
    stp     x2, x3, [x0, #0]
    mrs     x1, sp_el0
    str     x1, [x0, #{regs_sp}]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [x0, #{regs_elr}]
    mrs     x1, tpidr_el0
    str     x1, [x0, #{regs_tpidr}]
    mrs     x1, tpidr_el1
    ldr     x1, [x1, #104]
    cbz     x1, 1f
    mrs     x1, fpsr
    mrs     x2, fpcr
    stp     x1, x2, [x0, #{regs_fpsr}]
    user_fp stp, x0
1:  mov     x0, #\kind
    b       user_exit
.endm

el0_sync:
    user_leave 0

el0_fiq:
    user_leave 1

// A native (secure) interrupt while the TA ran: handled on the kernel
// stack, then straight back to the TA (the core itself uses no FP/SIMD, so
// whoever owns the registers keeps them).
el0_irq:
    native_irq_and_return

// Back to the caller of user_enter with x0 = exit kind.
user_exit:
    mrs     x9, tpidr_el1
    mov     sp, x9
    kernel_callee_saved ldp
    add     sp, sp, #112
    ret

// The normal world's FP/SIMD state (fp.rs `NsFpState`: q0..q31 at 0, FPSR
// 512, FPCR 520), saved before a TA first touches FP/SIMD in this visit of
// the secure world and loaded back before the core returns to EL3.
// fn fp_save_ns(area: *mut NsFpState)
.global fp_save_ns
fp_save_ns:
    fp_pairs stp, x0, 0
    mrs     x9, fpsr
    mrs     x10, fpcr
    add     x11, x0, #512
    stp     x9, x10, [x11]
    ret

// fn fp_load_ns(area: *const NsFpState)
.global fp_load_ns
fp_load_ns:
    fp_pairs ldp, x0, 0
    add     x11, x0, #512
    ldp     x9, x10, [x11]
    msr     fpsr, x9
    msr     fpcr, x10
    ret
