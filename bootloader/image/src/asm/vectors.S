// EL3 exception vectors and world entry/exit.
//
// While a lower EL runs, SP_EL3 points at the `WorldContext` it will be saved
// into (the same trick TF-A uses). On entry the general registers, SP_EL0,
// ELR_EL3 and SPSR_EL3 are stored there, the CPU moves to the EL3 stack
// recorded in the context, and Rust decides which context to resume.

.macro save_lower_el_state
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x0, sp_el0
    stp     x30, x0, [sp, #240]
    mrs     x0, elr_el3
    mrs     x1, spsr_el3
    stp     x0, x1, [sp, #{ctx_elr}]
    mov     x0, sp
    ldr     x1, [x0, #{ctx_runtime_sp}]
    mov     sp, x1
.endm

.macro unexpected kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el3
    mrs     x2, elr_el3
    mrs     x3, far_el3
    b       {unexpected_handler}
.endm

.section .text.vectors, "ax"
.balign 0x800
.global el3_vectors
el3_vectors:
    // Current EL with SP_EL0: never used.
    unexpected 0
    unexpected 1
    unexpected 2
    unexpected 3
    // Current EL with SP_ELx: a bug in the monitor.
    unexpected 4
    unexpected 5
    unexpected 6
    unexpected 7
    // Lower EL, AArch64.
    .balign 0x80
lower_sync:
    save_lower_el_state
    bl      {sync_handler}
    b       el3_exit
    .balign 0x80
lower_irq:
    save_lower_el_state
    bl      {irq_handler}
    b       el3_exit
    .balign 0x80
lower_fiq:
    save_lower_el_state
    bl      {fiq_handler}
    b       el3_exit
    .balign 0x80
lower_serror:
    save_lower_el_state
    bl      {serror_handler}
    b       el3_exit
    // Lower EL, AArch32: not supported (SCR_EL3.RW = 1 everywhere).
    unexpected 12
    unexpected 13
    unexpected 14
    unexpected 15

.section .text
// fn el3_exit(ctx: *mut WorldContext) -> !
// Resumes the lower EL described by `ctx`.
.global el3_exit
el3_exit:
    mov     sp, x0
    ldp     x1, x2, [sp, #{ctx_elr}]
    msr     elr_el3, x1
    msr     spsr_el3, x2
    ldr     x1, [sp, #{ctx_scr}]
    msr     scr_el3, x1
    ldp     x30, x1, [sp, #240]
    msr     sp_el0, x1
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    eret
    dsb     nsh
    isb

// fn el3_enter_sync(ctx: *mut WorldContext) -> u64
// Runs a lower EL synchronously (boot and power hooks of the secure OS, like
// TF-A's opteed_enter_sp): callee-saved registers are pushed, the context's
// exception stack becomes the current SP, and `el3_exit_sync` later returns
// here with a value.
.global el3_enter_sync
el3_enter_sync:
    sub     sp, sp, #0x60
    stp     x19, x20, [sp, #0x00]
    stp     x21, x22, [sp, #0x10]
    stp     x23, x24, [sp, #0x20]
    stp     x25, x26, [sp, #0x30]
    stp     x27, x28, [sp, #0x40]
    stp     x29, x30, [sp, #0x50]
    mov     x1, sp
    str     x1, [x0, #{ctx_runtime_sp}]
    b       el3_exit

// fn el3_exit_sync(sync_sp: u64, value: u64) -> !
.global el3_exit_sync
el3_exit_sync:
    mov     sp, x0
    mov     x0, x1
    ldp     x19, x20, [sp, #0x00]
    ldp     x21, x22, [sp, #0x10]
    ldp     x23, x24, [sp, #0x20]
    ldp     x25, x26, [sp, #0x30]
    ldp     x27, x28, [sp, #0x40]
    ldp     x29, x30, [sp, #0x50]
    add     sp, sp, #0x60
    ret
